"""endpoints.py against WeChat's documentation. This is the one test that writes
WeChat's paths out: the product, the sandbox, the other tests, the drills and the bench
all take them from endpoints, so that a path WeChat changes is changed in endpoints.py
and here."""

from wechat_protocol import endpoints

# As WeChat's server API reference writes them (host https://api.weixin.qq.com).
DOCUMENTED = {
    "TOKEN": "/cgi-bin/token",
    "STABLE_TOKEN": "/cgi-bin/stable_token",
    "DELIVERY_LIST": "/cgi-bin/express/delivery/open_msg/get_delivery_list",
    "SHOPPING_DETAILS": "/user-order/orders",
    "SHOPPING_COMBINED_DETAILS": "/user-order/combine-orders",
    "SHOPPING_VERIFY": "/user-order/shoppinginfo/verify",
    "SHOPPING_SINGLE_SHIPPING": "/user-order/orders/shippings",
    "SHOPPING_COMBINED_SHIPPING": "/user-order/combine-orders/shippings",
    "OSM_SINGLE_SHIPPING": "/wxa/sec/order/upload_shipping_info",
    "OSM_COMBINED_SHIPPING": "/wxa/sec/order/upload_combined_shipping_info",
    "OSM_GET_ORDER": "/wxa/sec/order/get_order",
    "OSM_GET_ORDER_LIST": "/wxa/sec/order/get_order_list",
    "OSM_NOTIFY_CONFIRM_RECEIVE": "/wxa/sec/order/notify_confirm_receive",
    "OSM_IS_TRADE_MANAGED": "/wxa/sec/order/is_trade_managed",
    "OSM_IS_CONFIRMATION_COMPLETED": (
        "/wxa/sec/order/is_trade_management_confirmation_completed"
    ),
    "OSM_SET_MSG_JUMP_PATH": "/wxa/sec/order/set_msg_jump_path",
    "OSM_SPECIAL_ORDER": "/wxa/sec/order/opspecialorder",
}


def test_every_path_is_the_documented_one():
    paths = {
        name: value
        for name, value in vars(endpoints).items()
        if isinstance(value, str) and name.isupper() and not name.startswith("_")
    }
    assert paths == DOCUMENTED


def test_the_groups_hold_only_those_paths():
    groups = (
        endpoints.SHOPPING_SHIPPING,
        endpoints.SHOPPING_DETAILS_CALLS,
        endpoints.SHOPPING_FAMILY,
        endpoints.OSM_SHIPPING,
        endpoints.SHIPPING,
    )
    assert all(set(group) <= set(DOCUMENTED.values()) for group in groups)
    assert all(path.startswith("/user-order/") for path in endpoints.SHOPPING_FAMILY)
    assert all(path.startswith("/wxa/sec/order/") for path in endpoints.OSM_SHIPPING)
