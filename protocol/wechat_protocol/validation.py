"""WeChat's documented rules applied to shipping request bodies (wire dicts), all
problems at once."""

import re
import unicodedata
from dataclasses import dataclass

from . import catalogue, enum_names
from . import labels as field_labels
from .masking import looks_masked
from .rfc3339 import parse_rfc3339

MAX_SHIPMENTS = 10
MAX_ITEMS = 50
MAX_TEXT_BYTES = 128
MAX_ITEM_ID_BYTES = 64
MAX_OPENID_BYTES = 128
MAX_TRANSACTION_ID_CHARS = 32

_OPENID = re.compile(r"[A-Za-z0-9_-]+")
_APPID = re.compile(r"[A-Za-z0-9]{1,32}")
_MCHID = re.compile(r"[0-9]{8,12}")
_OUT_TRADE_NO = re.compile(r"[0-9A-Za-z_\-|*]{1,32}")
_TRANSACTION_ID = re.compile(r"[0-9A-Za-z]+")
# Names of the free-text fields in the "invisible characters" message.
TEXT_NAMES = {
    "tracking_no": ("Tracking number", "物流单号"),
    "express_company": ("Express company code", "快递公司编码"),
    "merchant_item_id": ("Merchant item ID", "商户侧商品 ID"),
}

_KINDS = {
    dict: ("an object", "对象"),
    list: ("an array", "数组"),
    str: ("a string", "字符串"),
    int: ("an integer", "整数"),
    bool: ("true or false", "布尔值（true 或 false）"),
}

RULES = {
    "type": (
        catalogue.DATA_FORMAT_ERROR,
        "Wrong data type: expected {kind_en}; WeChat cannot read the request.",
        "数据类型错误：应为{kind_zh}，微信无法解析该请求。",
    ),
    "order_key_missing": (
        catalogue.PARAM_ERROR,
        "Order key is missing: the order cannot be "
        "identified; check the order's WeChat tab.",
        "缺少订单标识（order_key）：无法识别订单，请核对订单“微信”页签。",
    ),
    "order_number_type": (
        catalogue.ORDER_NUMBER_TYPE_ILLEGAL,
        "Order number type must be 1 (merchant order number) or 2 (WeChat Pay "
        "transaction ID): choose [[order_number_type]] on the order's WeChat tab.",
        "订单单号类型必须为 1（商户订单号）或 2（微信支付订单号）："
        "请在订单“微信”页签中选择“[[order_number_type]]”。",
    ),
    "transaction_id_missing": (
        catalogue.TRANSACTION_ID_MISSING,
        "WeChat Pay transaction ID is missing: fill in [[transaction_id]] on the "
        "order's WeChat tab.",
        "缺少微信支付订单号：请在订单“微信”页签中填写“[[transaction_id]]”。",
    ),
    "transaction_id_too_long": (
        catalogue.PARAM_ERROR,
        "WeChat Pay transaction ID is longer than 32 characters: check the "
        "order's [[transaction_id]].",
        "微信支付订单号超过 32 个字符：请核对订单的“[[transaction_id]]”。",
    ),
    "transaction_id_invalid": (
        catalogue.PARAM_ERROR,
        "WeChat Pay transaction ID must be letters and digits only: check the "
        "order's [[transaction_id]].",
        "微信支付订单号只能包含字母和数字：请核对订单的“[[transaction_id]]”。",
    ),
    # The merchant number is the order's own, kept with its payment: never a company
    # setting.
    "mchid_missing": (
        catalogue.MCHID_MISSING,
        "Merchant ID (mchid) is missing: fill in [[mchid]] on the order's WeChat "
        "tab.",
        "缺少商户号（mchid）：请在订单“微信”页签中填写“[[mchid]]”。",
    ),
    "mchid_invalid": (
        catalogue.MCHID_INVALID,
        "Merchant ID must be 8 to 12 digits: check [[mchid]] on the order's "
        "WeChat tab.",
        "商户号必须为 8 至 12 位数字：请核对订单“微信”页签中的“[[mchid]]”。",
    ),
    "sub_mchid_invalid": (
        catalogue.MCHID_INVALID,
        "Sub-merchant ID must be 8 to 12 digits, as a merchant ID: check "
        "[[sub_mchid]].",
        "子商户号必须为 8 至 12 位数字（与商户号相同）：请核对“[[sub_mchid]]”。",
    ),
    # The query calls name a sub-merchant beside its service provider's merchant id.
    "sub_mchid_alone": (
        catalogue.MCHID_MISSING,
        "A sub-merchant ID goes with its service provider's merchant ID: fill in "
        "[[mchid]] on the order's WeChat tab.",
        "子商户号需与其服务商的商户号一起填写：请在订单“微信”页签中填写“[[mchid]]”。",
    ),
    "out_trade_no_missing": (
        catalogue.OUT_TRADE_NO_MISSING,
        "Merchant order number (out_trade_no) is missing: fill in the order's "
        "[[out_trade_no]], the number it was paid with.",
        "缺少商户订单号（out_trade_no）：请填写订单的“[[out_trade_no]]”，即支付时使用的单号。",
    ),
    "out_trade_no_invalid": (
        catalogue.PARAM_ERROR,
        "Merchant order number must be 1 to 32 letters, digits or _-|*: check "
        "the order's [[out_trade_no]].",
        "商户订单号须为 1 至 32 位字母、数字或 _-|*：请核对订单的“[[out_trade_no]]”。",
    ),
    "type_mismatch": (
        catalogue.ORDER_NUMBER_TYPE_MISMATCH,
        "Sub-order uses another order number type than the combined order: give "
        "them all the same [[order_number_type]].",
        "子单的订单单号类型与主单不一致：请统一使用同一种“[[order_number_type]]”。",
    ),
    "sub_orders_empty": (
        catalogue.PARAM_ERROR,
        "Combined order lists no sub-orders: link at least one sale order to it.",
        "合单支付订单没有子单：请至少关联一个销售订单。",
    ),
    "delivery_mode": (
        catalogue.DELIVERY_MODE_ILLEGAL,
        "Delivery mode must be 1 (one parcel) or 2 (split into several parcels).",
        "发货模式必须为 1（统一发货）或 2（分拆发货）。",
    ),
    "shipping_list_empty": (
        catalogue.SHIPPING_LIST_EMPTY,
        "No parcel listed: validate at least one delivery with its [[tracking_no]] "
        "filled in.",
        "没有包裹：请至少验证一张填写了“[[tracking_no]]”的发货单。",
    ),
    "shipping_list_too_long": (
        catalogue.PARAM_ERROR,
        "More than 10 parcels: WeChat takes at most 10 tracking numbers per order.",
        "包裹超过 10 个：微信每个订单最多接受 10 个物流单号。",
    ),
    "unified_one_shipment": (
        catalogue.UNIFIED_NEEDS_ONE_SHIPPING,
        "Unified delivery (one parcel) takes exactly one tracking number: keep one "
        "in the delivery's [[tracking_no]], or split the delivery.",
        "统一发货只能有一个物流单号：请在发货单的“[[tracking_no]]”中只保留一个，"
        "或改为分拆发货。",
    ),
    "unified_items": (
        catalogue.UNIFIED_NO_ITEMS,
        "Unified delivery (one parcel) lists no items: remove the item list.",
        "统一发货不列出商品：请去掉商品列表。",
    ),
    "split_items_empty": (
        catalogue.SPLIT_ITEMS_EMPTY,
        "Parcel lists no items: in a split delivery "
        "each parcel must name the products it carries.",
        "包裹没有商品：分拆发货时每个包裹都需列出所含商品。",
    ),
    "items_too_long": (
        catalogue.PARAM_ERROR,
        "More than 50 items in one parcel: WeChat accepts at most 50.",
        "单个包裹的商品超过 50 个：微信最多接受 50 个。",
    ),
    "tracking_no_empty": (
        catalogue.TRACKING_NO_EMPTY,
        "Tracking number is empty: fill in the delivery's [[tracking_no]].",
        "物流单号为空：请在发货单上填写“[[tracking_no]]”。",
    ),
    "tracking_no_too_long": (
        catalogue.PARAM_ERROR,
        "Tracking number is longer than 128 bytes: check the delivery's "
        "[[tracking_no]].",
        "物流单号超过 128 字节：请核对发货单上的“[[tracking_no]]”。",
    ),
    "express_company_empty": (
        catalogue.EXPRESS_COMPANY_EMPTY,
        "Express company code is empty: set the carrier's [[express_company]].",
        "快递公司编码为空：请设置承运商的“[[express_company]]”。",
    ),
    "express_company_too_long": (
        catalogue.PARAM_ERROR,
        "Express company code is longer than 128 bytes: give the carrier a "
        "[[express_company]] of WeChat's express company list.",
        "快递公司编码超过 128 字节："
        "请为承运商选择微信快递公司列表中的“[[express_company]]”。",
    ),
    "express_company_spaces": (
        catalogue.PARAM_ERROR,
        "Express company code contains spaces: write the code exactly as WeChat's "
        "express company list has it, e.g. SF.",
        "快递公司编码含有空格：请完全按照微信快递公司列表中的编码填写，例如 SF。",
    ),
    "merchant_item_id_empty": (
        catalogue.MERCHANT_ITEM_ID_EMPTY,
        "Item has no merchant item ID: give the product the one used when the "
        "order's shopping details were uploaded ([[merchant_item_id]]).",
        "商品缺少商户侧商品 ID："
        "请为产品填写上传购物详情时使用的 ID（“[[merchant_item_id]]”）。",
    ),
    "merchant_item_id_too_long": (
        catalogue.PARAM_ERROR,
        "Merchant item ID is longer than 64 bytes: shorten the product's "
        "[[merchant_item_id]].",
        "商户侧商品 ID 超过 64 字节：请缩短产品的“[[merchant_item_id]]”。",
    ),
    "text_invisible": (
        catalogue.PARAM_ERROR,
        "{name_en} contains invisible or control characters "
        "(line break, tab, NUL, direction mark...): remove them.",
        "{name_zh}含有不可见字符或控制字符（换行、制表符、NUL、方向标记等）：请删除。",
    ),
    "contact_unmasked": (
        catalogue.PARAM_ERROR,
        "Contact number is not masked: WeChat only accepts forms "
        "like 189****1234 with just the last four digits clear.",
        "联系电话未遮盖：微信只接受类似 189****1234、仅显示后四位的格式。",
    ),
    "sf_contact": (
        catalogue.PARAM_ERROR,
        "SF Express needs the sender's or the receiver's phone: "
        "set a phone on the warehouse or the delivery address.",
        "顺丰速运需要寄件人或收件人电话：请在仓库或收货地址上填写电话。",
    ),
    "openid_missing": (
        catalogue.OPENID_EMPTY,
        "Payer's OpenID is missing: the customer must have paid through the Mini "
        "Program; fill in the order's [[openid]].",
        "缺少付款人 OpenID：客户需通过小程序付款；请填写订单的“[[openid]]”。",
    ),
    "openid_invalid": (
        catalogue.OPENID_INVALID,
        "Payer's OpenID has characters no WeChat OpenID has: check the order's "
        "[[openid]].",
        "付款人 OpenID 含有非法字符：请核对订单的“[[openid]]”。",
    ),
    "openid_too_long": (
        catalogue.PARAM_ERROR,
        "Payer's OpenID is longer than 128 bytes: check the order's [[openid]].",
        "付款人 OpenID 超过 128 字节：请核对订单的“[[openid]]”。",
    ),
    "appid_invalid": (
        catalogue.APPID_INVALID,
        "An AppID is 1 to 32 letters and digits (wx and 16 more in WeChat's "
        "console): copy it from the Mini Program's development settings.",
        "AppID 由 1 至 32 位字母和数字组成（微信后台显示为 wx 加 16 位）："
        "请从小程序的开发设置中复制。",
    ),
    "upload_time_missing": (
        catalogue.UPLOAD_TIME_MISSING,
        "Upload time is missing: report this module defect to your administrator.",
        "缺少上传时间：这是模块缺陷，请联系管理员。",
    ),
    "upload_time_illegal": (
        catalogue.UPLOAD_TIME_ILLEGAL,
        "Upload time is not RFC 3339 such as 2021-05-20T13:29:35.120+08:00; "
        "a '+' turned into a space is the usual cause.",
        "上传时间不符合 RFC 3339 格式（如 2021-05-20T13:29:35.120+08:00）；"
        "常见原因是“+”被转成了空格。",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One broken rule: WeChat's error code, where in the body, and what to do."""

    code: int
    path: str
    message_en: str
    message_zh: str

    def message(self, lang: str, labels=None) -> str:
        """Return the message in Chinese for zh* languages, else in English, the fields
        it names by the reader's `labels` (wechat_protocol.labels.fill)."""
        text = (
            self.message_zh
            if (lang or "").lower().startswith("zh")
            else self.message_en
        )
        return field_labels.fill(text, lang, labels)


class PayloadInvalid(ValueError):
    """A request body that breaks WeChat's rules; holds every problem found."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str, labels=None) -> str:
        """Return one "path: message [code]" line per problem."""
        return "\n".join(
            f"{p.path or '(body)'}: {p.message(lang, labels)} [{p.code}]"
            for p in self.problems
        )


def check_combined(body) -> list[Problem]:
    """Return every problem of a combined-order request body (enumerations in either
    encoding)."""
    return Checker().combined(enum_names.to_numbers(body))


def check_single(body) -> list[Problem]:
    """Return every problem of a single-order request body (enumerations in either
    encoding)."""
    return Checker().single(enum_names.to_numbers(body))


MISSING = object()
WRONG = object()


def at(path: str, key: str) -> str:
    """Join a path and a key."""
    return f"{path}.{key}" if path else key


def blank(value) -> bool:
    """Tell whether a string field is absent or holds only whitespace."""
    return value is MISSING or (isinstance(value, str) and not value.strip())


def invisible(text: str) -> bool:
    """Tell whether text holds control, format (bidi, zero-width) or line-separator
    characters."""
    return any(
        unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
        for ch in text
    )


def size_of(text: str) -> int:
    """Count UTF-8 bytes, tolerating lone surrogates that JSON can carry."""
    return len(text.encode("utf-8", "surrogatepass"))


class Checker:
    """Collects the problems of one body against a family's rules (rule name -> code,
    texts)."""

    def __init__(self, rules=None):
        self.rules = RULES if rules is None else rules
        self.problems: list[Problem] = []

    def single(self, body) -> list[Problem]:
        """The problems of a single order's body: payer, upload time, key, its
        shipping."""
        if self.kind(body, dict, ""):
            self.payer(body)
            self.upload_time(body)
            self.order_key(body, "")
            self.shipping(body, "")
        return self.problems

    def combined(self, body) -> list[Problem]:
        """The problems of a combined order's body: payer, upload time, main key,
        sub-orders."""
        if self.kind(body, dict, ""):
            self.payer(body)
            self.upload_time(body)
            self.sub_orders(body, self.order_key(body, ""))
        return self.problems

    def add(self, rule: str, path: str, **values) -> None:
        """Record a broken rule at path."""
        code, english, chinese = self.rules[rule]
        self.problems.append(
            Problem(code, path, english.format(**values), chinese.format(**values))
        )

    def kind(self, value, kind: type, path: str) -> bool:
        """Tell whether value is of kind (bool is no integer), recording a type problem
        if not."""
        if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
            return True
        kind_en, kind_zh = _KINDS[kind]
        self.add("type", path, kind_en=kind_en, kind_zh=kind_zh)
        return False

    def field(self, parent: dict, key: str, kind: type, path: str):
        """Return parent[key], MISSING when absent or null, WRONG after a type
        problem."""
        value = parent.get(key)
        if value is None:
            return MISSING
        return value if self.kind(value, kind, path) else WRONG

    def payer(self, body: dict) -> None:
        """Check payer.openid."""
        payer = self.field(body, "payer", dict, "payer")
        if payer is WRONG:
            return
        openid = (
            MISSING
            if payer is MISSING
            else self.field(payer, "openid", str, "payer.openid")
        )
        if blank(openid):
            self.add("openid_missing", "payer.openid")
        elif isinstance(openid, str):
            if size_of(openid) > MAX_OPENID_BYTES:
                self.add("openid_too_long", "payer.openid")
            if not _OPENID.fullmatch(openid):
                self.add("openid_invalid", "payer.openid")

    def upload_time(self, body: dict) -> None:
        """Check upload_time is present and RFC 3339."""
        value = self.field(body, "upload_time", str, "upload_time")
        if blank(value):
            self.add("upload_time_missing", "upload_time")
        elif isinstance(value, str):
            try:
                parse_rfc3339(value)
            except ValueError:
                self.add("upload_time_illegal", "upload_time")

    def order_key(self, container: dict, path: str) -> int | None:
        """Check an order_key and return its order number type when valid."""
        key_path = at(path, "order_key")
        key = self.field(container, "order_key", dict, key_path)
        if key is MISSING:
            self.add("order_key_missing", key_path)
        if not isinstance(key, dict):
            return None
        type_path = at(key_path, "order_number_type")
        number_type = self.field(key, "order_number_type", int, type_path)
        if number_type is WRONG:
            return None
        if number_type not in (1, 2):
            self.add("order_number_type", type_path)
            return None
        if number_type == 2:
            self.transaction_id(key, key_path)
        else:
            self.merchant_numbers(key, key_path)
        return number_type

    def transaction_id(self, key: dict, path: str) -> None:
        """Check the WeChat Pay number of a type-2 order key."""
        value = self.field(key, "transaction_id", str, at(path, "transaction_id"))
        if blank(value):
            self.add("transaction_id_missing", at(path, "transaction_id"))
        elif isinstance(value, str):
            if len(value) > MAX_TRANSACTION_ID_CHARS:
                self.add("transaction_id_too_long", at(path, "transaction_id"))
            if not _TRANSACTION_ID.fullmatch(value):
                self.add("transaction_id_invalid", at(path, "transaction_id"))

    def merchant_numbers(self, key: dict, path: str) -> None:
        """Check mchid and out_trade_no of a type-1 order key."""
        mchid = self.field(key, "mchid", str, at(path, "mchid"))
        if blank(mchid):
            self.add("mchid_missing", at(path, "mchid"))
        elif isinstance(mchid, str) and not _MCHID.fullmatch(mchid):
            self.add("mchid_invalid", at(path, "mchid"))
        trade_no = self.field(key, "out_trade_no", str, at(path, "out_trade_no"))
        if blank(trade_no):
            self.add("out_trade_no_missing", at(path, "out_trade_no"))
        elif isinstance(trade_no, str) and not _OUT_TRADE_NO.fullmatch(trade_no):
            self.add("out_trade_no_invalid", at(path, "out_trade_no"))

    def sub_orders(self, body: dict, main_type: int | None) -> list[tuple[str, dict]]:
        """Check every sub-order of a combined body and its type against the main
        order's; return the sub-orders that are objects, each with its path."""
        sub_orders = self.field(body, "sub_orders", list, "sub_orders")
        if sub_orders is MISSING or sub_orders == []:
            self.add("sub_orders_empty", "sub_orders")
        if not isinstance(sub_orders, list):
            return []
        checked = []
        for index, sub_order in enumerate(sub_orders):
            path = f"sub_orders[{index}]"
            if not self.kind(sub_order, dict, path):
                continue
            checked.append((path, sub_order))
            sub_type = self.order_key(sub_order, path)
            if main_type and sub_type and sub_type != main_type:
                self.add("type_mismatch", f"{path}.order_key.order_number_type")
            self.shipping(sub_order, path)
        return checked

    def shipping(self, order: dict, path: str) -> None:
        """Check delivery_mode and shipping_list of one order."""
        mode_path = at(path, "delivery_mode")
        mode = self.field(order, "delivery_mode", int, mode_path)
        if mode is not WRONG and mode not in (1, 2):
            self.add("delivery_mode", mode_path)
        self.shipping_list(
            order,
            path,
            mode,
            MAX_SHIPMENTS,
            lambda entry, at_path: self.shipment(entry, at_path, mode),
        )

    def shipping_list(
        self, order: dict, path: str, mode, limit: int, check_entry
    ) -> None:
        """Check an order's shipping_list: present, at most `limit` entries, exactly one
        in unified mode, then `check_entry(entry, path)` for each."""
        list_path = at(path, "shipping_list")
        entries = self.field(order, "shipping_list", list, list_path)
        if entries is MISSING or entries == []:
            self.add("shipping_list_empty", list_path)
        if not isinstance(entries, list) or not entries:
            return
        if len(entries) > limit:
            self.add("shipping_list_too_long", list_path)
        if mode == 1 and len(entries) != 1:
            self.add("unified_one_shipment", list_path)
        for index, entry in enumerate(entries):
            check_entry(entry, f"{list_path}[{index}]")

    def shipment(self, entry, path: str, mode) -> None:
        """Check one shipping_list entry."""
        if not self.kind(entry, dict, path):
            return
        self.text(entry, "tracking_no", path, MAX_TEXT_BYTES)
        company = self.express_company(entry, path)
        self.items(entry, path, mode)
        self.contact(entry, path, company)

    def express_company(self, parent: dict, path: str):
        """Check an express_company code (a delivery_id never has spaces) and return
        it."""
        company = self.text(parent, "express_company", path, MAX_TEXT_BYTES)
        if (
            isinstance(company, str)
            and company.strip()
            and any(ch.isspace() for ch in company)
        ):
            self.add("express_company_spaces", at(path, "express_company"))
        return company

    def text(self, parent: dict, key: str, path: str, limit: int):
        """Check a required string with a byte limit and return it."""
        value = self.field(parent, key, str, at(path, key))
        if blank(value):
            self.add(f"{key}_empty", at(path, key))
        elif isinstance(value, str):
            if size_of(value) > limit:
                self.add(f"{key}_too_long", at(path, key))
            if invisible(value):
                name_en, name_zh = TEXT_NAMES[key]
                self.add(
                    "text_invisible", at(path, key), name_en=name_en, name_zh=name_zh
                )
        return value

    def items(self, entry: dict, path: str, mode) -> None:
        """Check item_list against the delivery mode, and each item."""
        items_path = at(path, "item_list")
        items = self.field(entry, "item_list", list, items_path)
        if mode == 1 and isinstance(items, list) and items:
            self.add("unified_items", items_path)
        if mode == 2 and (items is MISSING or items == []):
            self.add("split_items_empty", items_path)
        if not isinstance(items, list):
            return
        if len(items) > MAX_ITEMS:
            self.add("items_too_long", items_path)
        for index, item in enumerate(items):
            item_path = f"{items_path}[{index}]"
            if self.kind(item, dict, item_path):
                self.text(item, "merchant_item_id", item_path, MAX_ITEM_ID_BYTES)

    def contact(self, entry: dict, path: str, company) -> None:
        """Check that contacts are masked and that SF shipments have one."""
        contact_path = at(path, "contact")
        contact = self.field(entry, "contact", dict, contact_path)
        present = contact is WRONG
        if isinstance(contact, dict):
            for key in ("consignor_contact", "receiver_contact"):
                value = self.field(contact, key, str, at(contact_path, key))
                if value is MISSING or value == "":
                    continue
                present = True
                if isinstance(value, str) and not looks_masked(value):
                    self.add("contact_unmasked", at(contact_path, key))
        if company == "SF" and not present:
            self.add("sf_contact", contact_path)


def check_order_key(key) -> list[Problem]:
    """Return the problems of an order_key object alone (for forms that hold one)."""
    checker = Checker()
    checker.order_key({"order_key": key}, "")
    return checker.problems


def check_sub_mchid(sub_mchid) -> list[Problem]:
    """Return the problems of a sub-merchant id alone (a company's default): a merchant
    number's 8 to 12 digits."""
    checker = Checker()
    if not isinstance(sub_mchid, str) or not _MCHID.fullmatch(sub_mchid):
        checker.add("sub_mchid_invalid", "order_key.sub_mchid")
    return checker.problems


def check_sub_merchant(mchid, sub_mchid) -> list[Problem]:
    """Return the problems of an order key's sub-merchant id (None: none) beside its
    merchant id, the service provider's."""
    if sub_mchid is None:
        return []
    checker = Checker()
    checker.problems = check_sub_mchid(sub_mchid)
    if not isinstance(mchid, str) or blank(mchid):
        checker.add("sub_mchid_alone", "order_key.mchid")
    return checker.problems


def check_openid(openid) -> list[Problem]:
    """Return the problems of a payer openid alone (for forms that hold one)."""
    checker = Checker()
    checker.payer({"payer": {"openid": openid}})
    return checker.problems


def check_appid(appid) -> list[Problem]:
    """Return the problems of an AppID (for the company's WeChat settings)."""
    checker = Checker()
    if not isinstance(appid, str) or not _APPID.fullmatch(appid):
        checker.add("appid_invalid", "appid")
    return checker.problems


def check_merchant_item_id(item_id) -> list[Problem]:
    """Return the problems of a merchant item id alone (for the product form)."""
    checker = Checker()
    checker.text(
        {"merchant_item_id": item_id}, "merchant_item_id", "", MAX_ITEM_ID_BYTES
    )
    return checker.problems


def check_express_company(code) -> list[Problem]:
    """Return the problems of an express company code alone (for the express company
    list)."""
    checker = Checker()
    checker.express_company({"express_company": code}, "")
    return checker.problems
