"""Order Shipping Management's rules applied to upload bodies (wire dicts), all problems
at once.

Order keys, the payer, the upload time, masked contacts and carrier texts follow the
rules of the Shopping Order family (validation.py), answered here with this family's
codes where they differ. What is this family's own: the logistics type, the delivery
mode allowed for it, is_all_delivered, tracking fields for express only, at most 15
parcels, and a description of each parcel."""

from . import catalogue
from .validation import MAX_TEXT_BYTES, MISSING, WRONG, Checker, at, blank, invisible
from .validation import RULES as SHOPPING_RULES

MAX_PARCELS = 15
MAX_ITEM_DESC_CHARS = 120
EXPRESS = 1
LOGISTICS_TYPES = (1, 2, 3, 4)

_PARAM = catalogue.OSM_PARAM_ERROR
RULES = {
    **SHOPPING_RULES,
    "logistics_type": (
        catalogue.LOGISTICS_TYPE_ILLEGAL,
        "Logistics type must be 1 (express), 2 (same-city delivery), 3 (virtual "
        "goods) or 4 (customer pickup): set the carrier's [[logistics_type]].",
        "物流模式必须为 1（快递）、2（同城配送）、3（虚拟商品）或 4（用户自提）："
        "请设置承运商的“[[logistics_type]]”。",
    ),
    "split_not_express": (
        catalogue.SPLIT_NOT_EXPRESS,
        "Split delivery is for express only: ship same-city delivery, virtual "
        "goods and customer pickup orders in one go.",
        "只有快递可以分拆发货：同城配送、虚拟商品和用户自提的订单请一次性发货。",
    ),
    "all_delivered_missing": (
        catalogue.ALL_DELIVERED_MISSING,
        "A split delivery must say whether everything has shipped (is_all_delivered).",
        "分拆发货必须说明是否已全部发货（is_all_delivered）。",
    ),
    "shipping_list_empty": (
        _PARAM,
        "No parcel listed: validate at least one delivery.",
        "没有包裹：请至少验证一张发货单。",
    ),
    "shipping_list_too_long": (
        catalogue.TOO_MANY_PARCELS,
        "More than 15 parcels: WeChat accepts at most 15 per order.",
        "包裹超过 15 个：微信每个订单最多接受 15 个。",
    ),
    "express_fields": (
        _PARAM,
        "Same-city delivery, virtual goods and customer pickup carry no tracking "
        "number or express company.",
        "同城配送、虚拟商品和用户自提不填写物流单号和快递公司。",
    ),
    "item_desc_empty": (
        catalogue.ITEM_DESC_EMPTY,
        "A parcel does not say what it holds (item_desc): give its products a name.",
        "包裹缺少商品描述（item_desc）：请为产品填写名称。",
    ),
    "item_desc_too_long": (
        catalogue.ITEM_DESC_TOO_LONG,
        "A parcel's description is longer than 120 characters.",
        "包裹的商品描述超过 120 个字。",
    ),
    "item_desc_invisible": (
        _PARAM,
        "A parcel's description contains invisible or control characters: remove them.",
        "包裹的商品描述含有不可见字符或控制字符：请删除。",
    ),
    "duplicate_sub_order": (
        catalogue.DUPLICATE_SUB_ORDER,
        "The same sub-order is listed twice: list each payment once.",
        "同一子单出现了两次：每笔支付只能出现一次。",
    ),
    "tracking_no_too_long": (
        catalogue.TRACKING_NO_TOO_LONG,
        *SHOPPING_RULES["tracking_no_too_long"][1:],
    ),
    "express_company_too_long": (
        catalogue.EXPRESS_COMPANY_TOO_LONG,
        *SHOPPING_RULES["express_company_too_long"][1:],
    ),
    **{
        rule: (_PARAM, *SHOPPING_RULES[rule][1:])
        for rule in (
            "text_invisible",
            "express_company_spaces",
            "contact_unmasked",
            "sf_contact",
        )
    },
}


def check_single(body) -> list:
    """Return every problem of an upload_shipping_info body."""
    return _Checker().single(body)


def check_combined(body) -> list:
    """Return every problem of an upload_combined_shipping_info body."""
    return _Checker().combined(body)


class _Checker(Checker):
    """The Shopping Order checker with this family's shipping of an order."""

    def __init__(self):
        super().__init__(RULES)

    def sub_orders(self, body: dict, main_type) -> list[tuple[str, dict]]:
        """The shared sub-order checks, and each payment listed once."""
        checked = super().sub_orders(body, main_type)
        seen = set()
        for path, sub_order in checked:
            key = sub_order.get("order_key")
            if isinstance(key, dict):
                identity = tuple(
                    sorted((name, str(value)) for name, value in key.items())
                )
                if identity in seen:
                    self.add("duplicate_sub_order", f"{path}.order_key")
                seen.add(identity)
        return checked

    def shipping(self, order: dict, path: str) -> None:
        """Check logistics_type, delivery_mode, is_all_delivered and shipping_list of
        one order."""
        logistics_path = at(path, "logistics_type")
        logistics = self.field(order, "logistics_type", int, logistics_path)
        if logistics is MISSING or (
            logistics is not WRONG and logistics not in LOGISTICS_TYPES
        ):
            self.add("logistics_type", logistics_path)
        logistics = logistics if logistics in LOGISTICS_TYPES else None
        mode_path = at(path, "delivery_mode")
        mode = self.field(order, "delivery_mode", int, mode_path)
        if mode is not WRONG and mode not in (1, 2):
            self.add("delivery_mode", mode_path)
        if mode == 2 and logistics not in (None, EXPRESS):
            self.add("split_not_express", mode_path)
        delivered = self.field(
            order, "is_all_delivered", bool, at(path, "is_all_delivered")
        )
        if mode == 2 and delivered is MISSING:
            self.add("all_delivered_missing", at(path, "is_all_delivered"))
        self.shipping_list(
            order,
            path,
            mode,
            MAX_PARCELS,
            lambda entry, at_path: self.parcel(entry, at_path, logistics),
        )

    def parcel(self, entry, path: str, logistics) -> None:
        """Check one parcel: tracking fields for express only, its description and
        contact."""
        if not self.kind(entry, dict, path):
            return
        company = None
        if logistics == EXPRESS:
            self.text(entry, "tracking_no", path, MAX_TEXT_BYTES)
            company = self.express_company(entry, path)
        elif logistics is not None and (
            "tracking_no" in entry or "express_company" in entry
        ):
            self.add("express_fields", path)
        self.item_desc(entry, path)
        self.contact(entry, path, company)

    def item_desc(self, entry: dict, path: str) -> None:
        """Check the parcel's description: present, at most 120 characters, nothing
        invisible."""
        desc_path = at(path, "item_desc")
        value = self.field(entry, "item_desc", str, desc_path)
        if blank(value):
            self.add("item_desc_empty", desc_path)
        elif isinstance(value, str):
            if len(value) > MAX_ITEM_DESC_CHARS:
                self.add("item_desc_too_long", desc_path)
            if invisible(value):
                self.add("item_desc_invisible", desc_path)
