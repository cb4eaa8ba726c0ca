"""The rules of shopping details bodies (`/user-order/orders`,
`/user-order/combine-orders`, `/user-order/shoppinginfo/verify`), all problems at once.

Order keys, the payer and the upload time follow the family's shipping rules
(validation.py); enumerations are read in either encoding (enum_names.py). WeChat
documents no codes of its own for the details' limits: they answer with the parameter
error (268435461)."""

import re

from . import catalogue, enum_names
from .validation import MISSING, WRONG, Checker, at, blank, invisible, size_of
from .validation import RULES as SHIPPING_RULES

MAX_ITEMS = 50
MAX_IMAGES = 3
LOGISTICS_TYPES = (1, 2, 3, 4)
LINK_TYPES = ("MINI_PROGRAM", "URL")
# (limit, counted in bytes or characters) of each text, as WeChat's field comments give
# them.
TEXT_LIMITS = {
    "merchant_order_no": (64, "bytes"),
    "merchant_item_id": (64, "bytes"),
    "name": (256, "chars"),
    "description": (512, "chars"),
    "appid": (32, "bytes"),
    "path": (512, "bytes"),
    "url": (1024, "bytes"),
}
TEXT_NAMES = {
    "merchant_order_no": ("Order number shown to the buyer", "向买家展示的订单号"),
    "merchant_item_id": ("Merchant item ID", "商户侧商品 ID"),
    "name": ("Item name", "商品名称"),
    "description": ("Item description", "商品描述"),
    "appid": ("Jump link AppID", "跳转链接的 AppID"),
    "path": ("Mini Program page", "小程序页面路径"),
    "url": ("Jump link address", "跳转链接地址"),
}
_URL = re.compile(r"https?://[^\s]+")
_P = catalogue.PARAM_ERROR

RULES = {
    **SHIPPING_RULES,
    "order_list_empty": (
        _P,
        "No order listed: the details carry one order and its items.",
        "没有订单信息：购物详情需包含订单及其商品。",
    ),
    "item_list_empty": (
        _P,
        "The order lists no items: it needs at least one order line with a product.",
        "订单没有商品：至少需要一行有产品的订单行。",
    ),
    "item_list_too_long": (
        _P,
        "More than 50 items: WeChat takes at most 50 per order; split the order.",
        "商品超过 50 个：微信每个订单最多接受 50 个，请拆分订单。",
    ),
    "text_empty": (_P, "{name_en} is empty.", "{name_zh}为空。"),
    "text_too_long": (
        _P,
        "{name_en} is longer than {limit} {unit_en}.",
        "{name_zh}超过 {limit} 个{unit_zh}。",
    ),
    "text_invisible": (
        _P,
        "{name_en} contains invisible or control "
        "characters (line break, tab, NUL...): remove them.",
        "{name_zh}含有不可见字符或控制字符（换行、制表符、NUL 等）：请删除。",
    ),
    "unit_price": (
        _P,
        "Unit price must be a whole number of fen, zero or more.",
        "单价必须是以分为单位、不小于零的整数。",
    ),
    "quantity": (
        _P,
        "Quantity must be a whole number of at least 1.",
        "数量必须是不小于 1 的整数。",
    ),
    "image_url": (
        _P,
        "An item has 1 to 3 image addresses, each http(s):// and at most 1024 bytes.",
        "商品图片地址为 1 至 3 个，须以 http(s):// 开头且不超过 1024 字节。",
    ),
    "order_link_missing": (
        _P,
        "The order has no page (order_detail_jump_link): WeChat needs the Mini "
        "Program page or web address where the buyer sees the order.",
        "订单缺少订单详情跳转链接（order_detail_jump_link）：微信需要买家查看该订单的"
        "小程序页面或网页地址。",
    ),
    "link_type": (
        _P,
        "A jump link's type is MINI_PROGRAM or URL.",
        "跳转链接类型必须为 MINI_PROGRAM 或 URL。",
    ),
    "link_url": (
        _P,
        "A jump link's address must start with http:// or https://.",
        "跳转链接地址必须以 http:// 或 https:// 开头。",
    ),
    "logistics_type": (
        _P,
        "Logistics type must be 1 (express), 2 (same-city delivery), 3 (virtual "
        "goods) or 4 (customer pickup): set the carrier's [[logistics_type]].",
        "物流模式必须为 1（快递）、2（同城配送）、3（虚拟商品）或 4（用户自提）："
        "请设置承运商的“[[logistics_type]]”。",
    ),
}
_UNITS = {"bytes": ("bytes", "字节"), "chars": ("characters", "字符")}


def check_single(body) -> list:
    """Every problem of a `/user-order/orders` body."""
    return DetailsChecker().single(enum_names.to_numbers(body))


def check_combined(body) -> list:
    """Every problem of a `/user-order/combine-orders` body."""
    return DetailsChecker().combined(enum_names.to_numbers(body))


def check_verify(body) -> list:
    """Every problem of a `/user-order/shoppinginfo/verify` body."""
    checker = DetailsChecker()
    body = enum_names.to_numbers(body)
    if checker.kind(body, dict, ""):
        checker.order_key(body, "")
        checker.payer(body)
    return checker.problems


class DetailsChecker(Checker):
    """The shipping checker's key, payer and time rules, with the details' own."""

    def __init__(self):
        super().__init__(RULES)

    def single(self, body) -> list:
        if self.kind(body, dict, ""):
            self.payer(body)
            self.upload_time(body)
            self.order_key(body, "")
            self.logistics_type(body, "")
            orders = self.field(body, "order_list", list, "order_list")
            if orders is MISSING or orders == []:
                self.add("order_list_empty", "order_list")
            for index, order in enumerate(orders if isinstance(orders, list) else []):
                if self.kind(order, dict, f"order_list[{index}]"):
                    self.order(order, f"order_list[{index}]")
        return self.problems

    def combined(self, body) -> list:
        if self.kind(body, dict, ""):
            self.payer(body)
            self.upload_time(body)
            self.sub_orders(body, self.order_key(body, ""))
        return self.problems

    def shipping(self, order: dict, path: str) -> None:
        """A sub-order of combined details carries its details where shipping has
        parcels."""
        self.logistics_type(order, path)
        self.order(order, path)

    def logistics_type(self, container: dict, path: str) -> None:
        value = container.get("logistics_type")
        if value not in LOGISTICS_TYPES:
            self.add("logistics_type", at(path, "logistics_type"))

    def order(self, order: dict, path: str) -> None:
        """merchant_order_no, the order's jump link and its items."""
        self.detail_text(order, "merchant_order_no", path)
        # Required: WeChat's parameter table and WxJava's ShoppingInfo (必填).
        if order.get("order_detail_jump_link") is None:
            self.add("order_link_missing", at(path, "order_detail_jump_link"))
        self.link(order, "order_detail_jump_link", path)
        items_path = at(path, "item_list")
        items = self.field(order, "item_list", list, items_path)
        if items is MISSING or items == []:
            self.add("item_list_empty", items_path)
        if not isinstance(items, list):
            return
        if len(items) > MAX_ITEMS:
            self.add("item_list_too_long", items_path)
        for index, item in enumerate(items):
            if self.kind(item, dict, f"{items_path}[{index}]"):
                self.item(item, f"{items_path}[{index}]")

    def item(self, item: dict, path: str) -> None:
        for key in ("merchant_item_id", "name", "description"):
            self.detail_text(item, key, path)
        price = item.get("unit_price")
        if not isinstance(price, int) or isinstance(price, bool) or price < 0:
            self.add("unit_price", at(path, "unit_price"))
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            self.add("quantity", at(path, "quantity"))
        images = item.get("image_url")
        if images is not None and not (
            isinstance(images, list)
            and 1 <= len(images) <= MAX_IMAGES
            and all(
                isinstance(url, str) and _URL.fullmatch(url) and size_of(url) <= 1024
                for url in images
            )
        ):
            self.add("image_url", at(path, "image_url"))
        self.link(item, "item_detail_jump_link", path)

    def link(self, parent: dict, key: str, path: str) -> None:
        """A jump link, when there is one: a Mini Program page (appid, path) or a web
        address (url)."""
        link = self.field(parent, key, dict, at(path, key))
        if not isinstance(link, dict):
            return
        link_path = at(path, key)
        kind = link.get("type")
        if kind not in LINK_TYPES:
            self.add("link_type", at(link_path, "type"))
        elif kind == "URL":
            if isinstance(
                self.detail_text(link, "url", link_path), str
            ) and not _URL.fullmatch(link["url"]):
                self.add("link_url", at(link_path, "url"))
        else:
            self.detail_text(link, "appid", link_path)
            self.detail_text(link, "path", link_path)

    def detail_text(self, parent: dict, key: str, path: str):
        """A required text within its limit, without control characters; returns it."""
        value = self.field(parent, key, str, at(path, key))
        name_en, name_zh = TEXT_NAMES[key]
        if value is WRONG:
            return value
        if blank(value):
            self.add("text_empty", at(path, key), name_en=name_en, name_zh=name_zh)
            return value
        limit, unit = TEXT_LIMITS[key]
        if (size_of(value) if unit == "bytes" else len(value)) > limit:
            unit_en, unit_zh = _UNITS[unit]
            self.add(
                "text_too_long",
                at(path, key),
                name_en=name_en,
                name_zh=name_zh,
                limit=limit,
                unit_en=unit_en,
                unit_zh=unit_zh,
            )
        if invisible(value):
            self.add("text_invisible", at(path, key), name_en=name_en, name_zh=name_zh)
        return value
