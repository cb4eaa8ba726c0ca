"""WeChat error codes with their outcome and a bilingual explanation for warehouse
staff."""

import enum
from dataclasses import dataclass

from . import labels as field_labels


class Outcome(str, enum.Enum):
    """What the caller should do with an answer carrying a given code."""

    ACCEPTED = "accepted"
    RETRYABLE = "retryable"
    # WeChat may not know a payment yet (about a minute after it): retry for a while,
    # then stop.
    RETRY_BRIEFLY = "retry_briefly"
    # WeChat holds shipping for the order already: accepted if its record matches the
    # upload's.
    ALREADY_HELD = "already_held"
    PERMANENT = "permanent"
    TOKEN = "token"


@dataclass(frozen=True)
class ErrorInfo:
    """One error code, its outcome and what it means for the user, in English and
    Chinese."""

    code: int
    outcome: Outcome
    meaning_en: str
    meaning_zh: str
    action_en: str
    action_zh: str

    def text(self, lang: str, labels=None) -> str:
        """Return "meaning — action" in Chinese for zh* languages, else in English, the
        fields it names by the reader's `labels` (wechat_protocol.labels.fill)."""
        if (lang or "").lower().startswith("zh"):
            text = f"{self.meaning_zh} — {self.action_zh}"
        else:
            text = f"{self.meaning_en} — {self.action_en}"
        return field_labels.fill(text, lang, labels)


OK = 0
SYSTEM_BUSY = -1
PARAM_ERROR = 268435461
OPENID_EMPTY = 268485192
UPLOAD_TIME_MISSING = 268485214
TRANSACTION_ID_MISSING = 268485195
MCHID_MISSING = 268485196
OUT_TRADE_NO_MISSING = 268485197
ORDER_NUMBER_TYPE_ILLEGAL = 268485194
ORDER_NUMBER_TYPE_MISMATCH = 268485253
DELIVERY_MODE_ILLEGAL = 268485224
SHIPPING_LIST_EMPTY = 268485229
UNIFIED_NEEDS_ONE_SHIPPING = 268485228
UNIFIED_NO_ITEMS = 268485231
TRACKING_NO_EMPTY = 268485226
EXPRESS_COMPANY_EMPTY = 268485227
MERCHANT_ITEM_ID_EMPTY = 268485230
SPLIT_ITEMS_EMPTY = 268485232
OPENID_INVALID = 268457014
UPLOAD_TIME_ILLEGAL = 268485216
MCHID_INVALID = 268485217
DATA_FORMAT_ERROR = 47001
TOKEN_INVALID = 40001
TOKEN_ILLEGAL = 40014
TOKEN_EXPIRED = 42001
TOKEN_MISSING = 41001
RATE_LIMITED = 45009
RATE_LIMITED_FREQ = 44990
# WeChat: this AppID calls too often
RATE_LIMIT_CODES = (
    RATE_LIMITED,
    RATE_LIMITED_FREQ,
)
APPID_INVALID = 40013
APPSECRET_INVALID = 40125
IP_NOT_WHITELISTED = 40164
TOKEN_ARGS_INVALID = 40097
API_UNAUTHORIZED = 48001
API_MINUTE_QUOTA = 45011
# Shopping Order: shipping of an order whose shopping details WeChat lacks.
SHOPPING_ORDER_MISSING = 268464998
# Order Shipping Management (/wxa/sec/order).
PAYMENT_NOT_FOUND = 10060001
ALREADY_SHIPPED = 10060002
RESHIP_USED_UP = 10060003
NOT_SHIPPABLE = 10060004
LOGISTICS_TYPE_ILLEGAL = 10060005
SPLIT_NOT_EXPRESS = 10060006
ALL_DELIVERED_MISSING = 10060007
ITEM_DESC_EMPTY = 10060008
ITEM_DESC_TOO_LONG = 10060009
BAD_LAST_INDEX = 10060011
ORDER_BUSY = 10060012
DUPLICATE_SUB_ORDER = 10060013
OSM_PARAM_ERROR = 10060014
ORDER_BUSY_RETRY = 10060019
NO_ITEM_DESC = 10060020
NOT_MODIFIED = 10060023
TOO_MANY_PARCELS = 10060024
EXPRESS_COMPANY_TOO_LONG = 10060025
TRACKING_NO_TOO_LONG = 10060026
NOT_SHIPPED = 10060028
RECEIVED_TIME_INVALID = 10060029
REMINDER_USED = 10060030
PAYER_MISMATCH = 10060031
NOT_EXPRESS = 10060032
SPECIAL_TYPE_ILLEGAL = 268546000
SPECIAL_DELAY_ILLEGAL = 268546001
SPECIAL_NO_SUCH_ORDER = 268546002

_P, _R, _T, _A = Outcome.PERMANENT, Outcome.RETRYABLE, Outcome.TOKEN, Outcome.ACCEPTED
_B, _H = Outcome.RETRY_BRIEFLY, Outcome.ALREADY_HELD

_ROWS = (
    (
        OK,
        _A,
        "WeChat accepted the shipping information.",
        "微信已接收发货信息。",
        "Nothing more to do.",
        "无需其他操作。",
    ),
    (
        SYSTEM_BUSY,
        _R,
        "WeChat's system is busy.",
        "微信系统繁忙。",
        "The upload will be retried automatically; no change needed.",
        "系统将自动重试上传，无需修改。",
    ),
    (
        PARAM_ERROR,
        _P,
        "WeChat rejected a field's value (length, format or count).",
        "微信拒绝了某个字段的取值（长度、格式或数量不符）。",
        "Open the upload's error details, correct the "
        "named field on the delivery, then resend.",
        "请查看上传错误详情，在发货单上修正所指字段后重新上传。",
    ),
    (
        OPENID_EMPTY,
        _P,
        "The payer's OpenID is missing.",
        "缺少付款人 OpenID。",
        "Make sure the customer paid through the Mini Program, "
        "then fill in the order's [[openid]].",
        "请确认客户通过小程序付款，再填写订单的“[[openid]]”。",
    ),
    (
        UPLOAD_TIME_MISSING,
        _P,
        "The upload time is missing.",
        "缺少上传时间。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        TRANSACTION_ID_MISSING,
        _P,
        "The WeChat Pay transaction ID is missing.",
        "缺少微信支付订单号。",
        "Fill in [[transaction_id]] on the order's WeChat tab, then resend.",
        "请在订单“微信”页签中填写“[[transaction_id]]”后重新上传。",
    ),
    (
        MCHID_MISSING,
        _P,
        "The WeChat Pay merchant ID (mchid) is missing.",
        "缺少微信支付商户号（mchid）。",
        "Fill in [[mchid]] on the order's WeChat tab, then resend.",
        "请在订单“微信”页签中填写“[[mchid]]”后重新上传。",
    ),
    (
        OUT_TRADE_NO_MISSING,
        _P,
        "The merchant order number (out_trade_no) is missing.",
        "缺少商户订单号（out_trade_no）。",
        "Fill in the order's [[out_trade_no]], the number it was paid with, then "
        "resend.",
        "请填写订单的“[[out_trade_no]]”（支付时使用的单号）后重新上传。",
    ),
    (
        ORDER_NUMBER_TYPE_ILLEGAL,
        _P,
        "The order number type is not one WeChat knows.",
        "订单单号类型不合法。",
        "Choose [[order_number_type]] on the order's WeChat tab.",
        "请在订单“微信”页签中选择“[[order_number_type]]”。",
    ),
    (
        ORDER_NUMBER_TYPE_MISMATCH,
        _P,
        "The combined order and its sub-orders use different order number types.",
        "合单支付订单的主单与子单的订单单号类型不一致。",
        "Give the combined order and every sub-order the same [[order_number_type]].",
        "请让主单和所有子单使用相同的“[[order_number_type]]”。",
    ),
    (
        DELIVERY_MODE_ILLEGAL,
        _P,
        "The delivery mode is not one WeChat knows.",
        "发货模式不合法。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        SHIPPING_LIST_EMPTY,
        _P,
        "No parcel is listed for the order.",
        "订单没有任何包裹。",
        "Validate at least one delivery with its [[tracking_no]] filled in.",
        "请至少验证一张填写了“[[tracking_no]]”的发货单。",
    ),
    (
        UNIFIED_NEEDS_ONE_SHIPPING,
        _P,
        "Unified delivery (one parcel) takes exactly one tracking number.",
        "统一发货只能有一个物流单号。",
        "Keep one tracking number in the delivery's [[tracking_no]], or ship the "
        "items as several parcels (split delivery).",
        "请在发货单的“[[tracking_no]]”中只保留一个物流单号，或改为分拆发货。",
    ),
    (
        UNIFIED_NO_ITEMS,
        _P,
        "Unified delivery (one parcel) lists no items.",
        "统一发货不列出商品。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        TRACKING_NO_EMPTY,
        _P,
        "A tracking number is empty.",
        "物流单号为空。",
        "Fill in the delivery's [[tracking_no]], then resend.",
        "请在发货单上填写“[[tracking_no]]”后重新上传。",
    ),
    (
        EXPRESS_COMPANY_EMPTY,
        _P,
        "The express company code is empty.",
        "快递公司编码为空。",
        "Set the carrier's [[express_company]] on its form.",
        "请在承运商表单上设置“[[express_company]]”。",
    ),
    (
        MERCHANT_ITEM_ID_EMPTY,
        _P,
        "An item in a parcel has no merchant item ID.",
        "包裹中的商品缺少商户侧商品 ID。",
        "Give every shipped product the merchant item ID used when the order's "
        "shopping details were uploaded ([[merchant_item_id]] on the product).",
        "请为每个发货产品填写上传购物详情时使用的商户侧商品 ID"
        "（产品的“[[merchant_item_id]]”）。",
    ),
    (
        SPLIT_ITEMS_EMPTY,
        _P,
        "A parcel of a split delivery lists no items.",
        "分拆发货时某个包裹没有商品。",
        "Make sure every delivery of a split delivery holds at least one product.",
        "请确认分拆发货的每张发货单至少包含一个产品。",
    ),
    (
        OPENID_INVALID,
        _P,
        "WeChat cannot decode the payer's OpenID.",
        "微信无法解析付款人 OpenID。",
        "Check that the order's [[openid]] belongs to this Mini Program.",
        "请确认订单的“[[openid]]”属于本小程序。",
    ),
    (
        UPLOAD_TIME_ILLEGAL,
        _P,
        "The upload time is not valid RFC 3339 or not later than the previous upload.",
        "上传时间不符合 RFC 3339 格式，或不晚于上次上传。",
        "Resend: the module will stamp a later time; if "
        "it persists report it to your administrator.",
        "请重新上传，模块会使用更晚的时间；若仍失败请联系管理员。",
    ),
    (
        MCHID_INVALID,
        _P,
        "WeChat does not recognise the merchant ID.",
        "微信无法识别该商户号。",
        "Check [[mchid]] (8 to 12 digits) on the order's WeChat tab.",
        "请核对订单“微信”页签中的“[[mchid]]”（8 至 12 位数字）。",
    ),
    (
        DATA_FORMAT_ERROR,
        _P,
        "WeChat could not read the request: a field has the wrong type.",
        "微信无法解析请求：某字段类型错误。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        TOKEN_INVALID,
        _T,
        "The WeChat access token is invalid or was replaced.",
        "微信接口调用凭据无效或已被替换。",
        "The module fetches a new token and retries; if it "
        "repeats, make sure no other system uses the same AppID.",
        "模块会自动刷新凭据并重试；"
        "若反复出现，请确认没有其他系统使用同一 AppID 获取凭据。",
    ),
    (
        TOKEN_ILLEGAL,
        _T,
        "The WeChat access token is not valid.",
        "微信接口调用凭据不合法。",
        "The module fetches a new token and retries automatically.",
        "模块会自动刷新凭据并重试。",
    ),
    (
        TOKEN_EXPIRED,
        _T,
        "The WeChat access token has expired.",
        "微信接口调用凭据已过期。",
        "The module fetches a new token and retries automatically.",
        "模块会自动刷新凭据并重试。",
    ),
    (
        TOKEN_MISSING,
        _T,
        "The WeChat access token was missing from the call.",
        "调用缺少微信接口调用凭据。",
        "The module fetches a new token and retries automatically.",
        "模块会自动刷新凭据并重试。",
    ),
    (
        RATE_LIMITED,
        _R,
        "The daily WeChat call quota is used up.",
        "微信接口当日调用次数已用完。",
        "Uploads are retried later automatically; reset "
        "the quota in the WeChat console if urgent.",
        "系统会稍后自动重试；如紧急可在微信后台重置调用次数。",
    ),
    (
        RATE_LIMITED_FREQ,
        _R,
        "WeChat is limiting the call frequency.",
        "微信接口调用过于频繁。",
        "Uploads are retried later automatically.",
        "系统会稍后自动重试。",
    ),
    (
        APPID_INVALID,
        _P,
        "WeChat does not recognise the AppID.",
        "微信无法识别该 AppID。",
        "Check [[appid]] in the WeChat Shipping settings.",
        "请核对微信发货设置中的“[[appid]]”。",
    ),
    (
        APPSECRET_INVALID,
        _P,
        "The AppSecret is wrong.",
        "AppSecret 不正确。",
        "Enter the current AppSecret of WeChat's console in [[app_secret]] (WeChat "
        "Shipping settings).",
        "请在微信发货设置的“[[app_secret]]”中填写微信后台当前的 AppSecret。",
    ),
    (
        IP_NOT_WHITELISTED,
        _P,
        "This server's IP address is not on the WeChat IP whitelist.",
        "本服务器 IP 不在微信 IP 白名单中。",
        "Add the Odoo server's public IP to the "
        "API IP whitelist in the WeChat console.",
        "请在微信后台的接口 IP 白名单中加入 Odoo 服务器的公网 IP。",
    ),
    (
        TOKEN_ARGS_INVALID,
        _P,
        "WeChat rejected the token request's arguments.",
        "微信拒绝了获取凭据的请求参数。",
        "Check [[appid]] and [[app_secret]] in the WeChat Shipping settings.",
        "请核对微信发货设置中的“[[appid]]”和“[[app_secret]]”。",
    ),
    (
        API_UNAUTHORIZED,
        _P,
        "The Mini Program is not authorised to use this WeChat API.",
        "该小程序没有此微信接口的权限。",
        "Enable the shopping order / shipping service "
        "for the Mini Program in the WeChat console.",
        "请在微信后台为小程序开通购物订单/发货信息管理服务。",
    ),
    (
        API_MINUTE_QUOTA,
        _R,
        "The per-minute WeChat call quota is used up.",
        "微信接口每分钟调用次数已用完。",
        "Uploads are retried in a minute automatically.",
        "系统会在一分钟后自动重试。",
    ),
    (
        SHOPPING_ORDER_MISSING,
        _P,
        "WeChat has no shopping details for this order.",
        "微信没有该订单的购物详情。",
        "Upload the order's shopping details (items and "
        "prices) with the same order key first, then resend.",
        "请先用同一订单标识上传该订单的购物详情（商品和价格），再重新上传。",
    ),
    (
        PAYMENT_NOT_FOUND,
        _B,
        "WeChat does not know this payment (yet).",
        "微信未找到该支付单。",
        "Retried for a while (WeChat knows a payment about a "
        "minute after it); if it lasts, check the AppID, the order "
        "key and, for a service provider, the sub-merchant's mchid.",
        "系统会在一段时间内自动重试（支付约一分钟后微信才能查到）；"
        "若持续出现，请核对 AppID、订单标识，服务商模式下请使用子商户号。",
    ),
    (
        ALREADY_SHIPPED,
        _H,
        "WeChat already holds complete shipping information for this order.",
        "微信已有该订单的完整发货信息。",
        "Nothing more to send when WeChat's record matches; "
        "otherwise change it in the WeChat console.",
        "若微信的记录与本单一致则无需再上传；否则请在微信后台修改。",
    ),
    (
        RESHIP_USED_UP,
        _P,
        "The order's one allowed shipping change has been used.",
        "该订单唯一一次修改发货信息的机会已用完。",
        "Nothing more can be sent for this order; "
        "contact WeChat support if it must change.",
        "该订单无法再上传；如必须修改请联系微信客服。",
    ),
    (
        NOT_SHIPPABLE,
        _P,
        "WeChat cannot take shipping for this order "
        "now (refunded, or receipt confirmed).",
        "该订单当前无法发货（已退款或已确认收货）。",
        "Look the order up in WeChat; nothing more can be sent for it.",
        "请在微信中查看订单状态；该订单无法再上传。",
    ),
    (
        LOGISTICS_TYPE_ILLEGAL,
        _P,
        "The logistics type is not one WeChat knows.",
        "物流模式不合法。",
        "Set the carrier's [[logistics_type]] (express, same-city delivery, "
        "customer pickup).",
        "请设置承运商的“[[logistics_type]]”（快递、同城配送、用户自提）。",
    ),
    (
        SPLIT_NOT_EXPRESS,
        _P,
        "Only express shipments can be split into several parcels.",
        "只有快递可以分拆发货。",
        "Ship same-city delivery, virtual goods and customer pickup orders in one "
        "delivery.",
        "同城配送、虚拟商品和用户自提的订单请一次性发货。",
    ),
    (
        ALL_DELIVERED_MISSING,
        _P,
        "A split shipment does not say whether everything has shipped.",
        "分拆发货未说明是否已全部发货。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        ITEM_DESC_EMPTY,
        _P,
        "A parcel has no description of what it holds.",
        "包裹缺少商品描述。",
        "Give the shipped products a name.",
        "请为发货产品填写名称。",
    ),
    (
        ITEM_DESC_TOO_LONG,
        _P,
        "A parcel's description is longer than 120 characters.",
        "包裹的商品描述超过 120 个字。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        BAD_LAST_INDEX,
        _P,
        "WeChat refused the page position of an order list.",
        "订单列表的翻页位置不合法。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        ORDER_BUSY,
        _R,
        "WeChat is busy with this order.",
        "微信正在处理该订单。",
        "The upload will be retried automatically.",
        "系统将自动重试上传。",
    ),
    (
        DUPLICATE_SUB_ORDER,
        _P,
        "A combined order lists the same sub-order twice.",
        "合单支付订单中同一子单出现了两次。",
        "Link each sale order to the combined order once.",
        "请确保每个销售订单只关联一次合单支付订单。",
    ),
    (
        OSM_PARAM_ERROR,
        _P,
        "WeChat rejected a field's value.",
        "微信拒绝了某个字段的取值。",
        "Open the upload's error details, correct the named field, then resend.",
        "请查看上传错误详情，修正所指字段后重新上传。",
    ),
    (
        ORDER_BUSY_RETRY,
        _R,
        "WeChat's system is busy.",
        "微信系统繁忙。",
        "The upload will be retried automatically.",
        "系统将自动重试上传。",
    ),
    (
        NO_ITEM_DESC,
        _P,
        "Shipping cannot be completed without any parcel description.",
        "没有任何商品描述，无法完成发货。",
        "Give the shipped products a name.",
        "请为发货产品填写名称。",
    ),
    (
        NOT_MODIFIED,
        _H,
        "WeChat already holds exactly this shipping information.",
        "微信已有相同的发货信息。",
        "Nothing more to send.",
        "无需再次上传。",
    ),
    (
        TOO_MANY_PARCELS,
        _P,
        "More parcels than WeChat accepts for one order (15).",
        "包裹数量超过微信的上限（15 个）。",
        "Ship the order in at most 15 parcels.",
        "请将订单分为最多 15 个包裹发货。",
    ),
    (
        EXPRESS_COMPANY_TOO_LONG,
        _P,
        "The express company code is too long.",
        "快递公司编码过长。",
        "Give the carrier a [[express_company]] of WeChat's express company list.",
        "请为承运商选择微信快递公司列表中的“[[express_company]]”。",
    ),
    (
        TRACKING_NO_TOO_LONG,
        _P,
        "A tracking number is too long.",
        "物流单号过长。",
        "Check the delivery's [[tracking_no]].",
        "请核对发货单上的“[[tracking_no]]”。",
    ),
    (
        NOT_SHIPPED,
        _P,
        "The order has not shipped yet.",
        "订单尚未发货。",
        "Upload its shipping first.",
        "请先上传发货信息。",
    ),
    (
        RECEIVED_TIME_INVALID,
        _P,
        "The time the parcel was signed for is not after its shipping.",
        "签收时间不晚于发货时间。",
        "Set the delivery's [[received_at]] to when the carrier reports the parcel "
        "delivered.",
        "请将发货单的“[[received_at]]”设为承运商报告的签收时间。",
    ),
    (
        REMINDER_USED,
        _P,
        "The buyer was already reminded to confirm receipt.",
        "已提醒过买家确认收货。",
        "WeChat allows one reminder per order.",
        "微信每个订单只允许提醒一次。",
    ),
    (
        PAYER_MISMATCH,
        _P,
        "The payment does not belong to this OpenID.",
        "该支付单不属于此 OpenID。",
        "Check the order's [[openid]]: it must be the Mini Program user who paid.",
        "请核对订单的“[[openid]]”：必须是付款的小程序用户。",
    ),
    (
        SPECIAL_TYPE_ILLEGAL,
        _P,
        "WeChat does not know this kind of special shipping report.",
        "特殊发货报备类型不合法。",
        "This is a module defect: report it to your Odoo administrator.",
        "这是模块缺陷，请联系 Odoo 管理员。",
    ),
    (
        SPECIAL_DELAY_ILLEGAL,
        _P,
        "A pre-sale's shipping date must lie 15 to 330 days after payment.",
        "预售的发货时间必须在支付后 15 至 330 天之间。",
        "Set the order's [[delivery_date]] between 15 and 330 days after its payment.",
        "请将订单的“[[delivery_date]]”设在支付后 15 至 330 天之间。",
    ),
    (
        SPECIAL_NO_SUCH_ORDER,
        _P,
        "WeChat has no unshipped payment of this order.",
        "微信没有该订单的待发货支付单。",
        "Only a paid order that has not shipped can be reported.",
        "只有已支付且尚未发货的订单可以报备。",
    ),
    (
        NOT_EXPRESS,
        _P,
        "Only express orders can remind the buyer to confirm receipt.",
        "只有快递订单可以提醒买家确认收货。",
        "Nothing to do for this order.",
        "该订单无需操作。",
    ),
)

CATALOGUE: dict[int, ErrorInfo] = {row[0]: ErrorInfo(*row) for row in _ROWS}


def explain(code: int) -> ErrorInfo:
    """Return the catalogue entry for code, or a permanent generic entry naming it."""
    known = CATALOGUE.get(code)
    if known is not None:
        return known
    return ErrorInfo(
        code,
        Outcome.PERMANENT,
        f"WeChat answered with unknown error code {code}.",
        f"微信返回了未知错误码 {code}。",
        f"Look up code {code} in WeChat's documentation or report it to your Odoo "
        "administrator.",
        f"请在微信文档中查询错误码 {code}，或联系 Odoo 管理员。",
    )
