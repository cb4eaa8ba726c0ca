"""Every WeChat server API path the addon calls (and the sandbox serves), each written
once."""

# Access tokens.
TOKEN = "/cgi-bin/token"
STABLE_TOKEN = "/cgi-bin/stable_token"

# Express company codes, one table for both shipping families.
DELIVERY_LIST = "/cgi-bin/express/delivery/open_msg/get_delivery_list"

# Shopping Order (购物订单): the shopping details of an order, then its shipping.
SHOPPING_DETAILS = "/user-order/orders"
SHOPPING_COMBINED_DETAILS = "/user-order/combine-orders"
SHOPPING_VERIFY = "/user-order/shoppinginfo/verify"
SHOPPING_SINGLE_SHIPPING = "/user-order/orders/shippings"
SHOPPING_COMBINED_SHIPPING = "/user-order/combine-orders/shippings"

# Order Shipping Management (发货信息管理): the shipping that releases a merchant's
# funds.
_SEC = "/wxa/sec/order/"
OSM_SINGLE_SHIPPING = _SEC + "upload_shipping_info"
OSM_COMBINED_SHIPPING = _SEC + "upload_combined_shipping_info"
OSM_GET_ORDER = _SEC + "get_order"
OSM_GET_ORDER_LIST = _SEC + "get_order_list"
OSM_NOTIFY_CONFIRM_RECEIVE = _SEC + "notify_confirm_receive"
OSM_IS_TRADE_MANAGED = _SEC + "is_trade_managed"
OSM_IS_CONFIRMATION_COMPLETED = _SEC + "is_trade_management_confirmation_completed"
OSM_SET_MSG_JUMP_PATH = _SEC + "set_msg_jump_path"
OSM_SPECIAL_ORDER = _SEC + "opspecialorder"

SHOPPING_SHIPPING = (SHOPPING_SINGLE_SHIPPING, SHOPPING_COMBINED_SHIPPING)
SHOPPING_DETAILS_CALLS = (SHOPPING_DETAILS, SHOPPING_COMBINED_DETAILS)
# Every call of the Shopping Order family: a company's enumeration encoding applies to
# them all.
SHOPPING_FAMILY = SHOPPING_DETAILS_CALLS + SHOPPING_SHIPPING + (SHOPPING_VERIFY,)
OSM_SHIPPING = (OSM_SINGLE_SHIPPING, OSM_COMBINED_SHIPPING)
SHIPPING = SHOPPING_SHIPPING + OSM_SHIPPING
