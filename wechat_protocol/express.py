"""Express company codes of WeChat's get_delivery_list table (the delivery_id values)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class ExpressCompany:
    """One carrier as WeChat names it."""

    code: str
    name_zh: str
    name_en: str


# Only codes WeChat's get_delivery_list is known to hold (its examples and live output): EMS, JD
# and OTHER are codes of the WeChat Channels store's table, which differs (韵达 is YUNDA there).
EXPRESS_COMPANIES: tuple[ExpressCompany, ...] = (
    ExpressCompany("SF", "顺丰速运", "SF Express"),
    ExpressCompany("ZTO", "中通快递", "ZTO Express"),
    ExpressCompany("YTO", "圆通速递", "YTO Express"),
    ExpressCompany("STO", "申通快递", "STO Express"),
    ExpressCompany("YD", "韵达速递", "Yunda Express"),
    ExpressCompany("JTSD", "极兔速递", "J&T Express"),
    ExpressCompany("DHL", "DHL", "DHL"),
)

_BY_CODE = {company.code: company for company in EXPRESS_COMPANIES}


def by_code(code: str) -> ExpressCompany | None:
    """Return the known carrier with this delivery_id, or None."""
    return _BY_CODE.get(code)


def parse_delivery_list(data: dict) -> list[ExpressCompany]:
    """Turn a get_delivery_list answer into carriers, raising ValueError if it is malformed."""
    if not isinstance(data, dict) or data.get("errcode", 0) != 0:
        raise ValueError("get_delivery_list answer is not a successful JSON object")
    entries = data.get("delivery_list")
    if not isinstance(entries, list):
        raise ValueError("get_delivery_list answer has no delivery_list array")
    companies = []
    for index, entry in enumerate(entries):
        code = entry.get("delivery_id") if isinstance(entry, dict) else None
        name = entry.get("delivery_name") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
            raise ValueError(f"delivery_list[{index}] lacks a delivery_id or delivery_name string")
        known = _BY_CODE.get(code)
        companies.append(ExpressCompany(code, name, known.name_en if known else code))
    return companies
