"""Express company codes of WeChat's get_delivery_list table (the delivery_id
values)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ExpressCompany:
    """One carrier as WeChat's table gives it: delivery_id and delivery_name
    (Chinese)."""

    code: str
    name: str


# What WeChat's get_delivery_list is known to hold (its examples and live output), as
# the sandbox answers it; the Odoo addon ships these codes as data, named in English.
# EMS, JD and OTHER are codes of the WeChat Channels store's table, which differs
# (韵达 is YUNDA there).
EXPRESS_COMPANIES: tuple[ExpressCompany, ...] = (
    ExpressCompany("SF", "顺丰速运"),
    ExpressCompany("ZTO", "中通快递"),
    ExpressCompany("YTO", "圆通速递"),
    ExpressCompany("STO", "申通快递"),
    ExpressCompany("YD", "韵达速递"),
    ExpressCompany("JTSD", "极兔速递"),
    ExpressCompany("DHL", "DHL"),
)


def parse_delivery_list(data: dict) -> list[ExpressCompany]:
    """Turn a get_delivery_list answer into carriers, raising ValueError if it is
    malformed."""
    if not isinstance(data, dict) or data.get("errcode", 0) != 0:
        raise ValueError("get_delivery_list answer is not a successful JSON object")
    entries = data.get("delivery_list")
    if not isinstance(entries, list):
        raise ValueError("get_delivery_list answer has no delivery_list array")
    companies = []
    for index, entry in enumerate(entries):
        code = entry.get("delivery_id") if isinstance(entry, dict) else None
        name = entry.get("delivery_name") if isinstance(entry, dict) else None
        if (
            not isinstance(code, str)
            or not code
            or not isinstance(name, str)
            or not name
        ):
            raise ValueError(
                f"delivery_list[{index}] lacks a delivery_id or delivery_name string"
            )
        companies.append(ExpressCompany(code, name))
    return companies
