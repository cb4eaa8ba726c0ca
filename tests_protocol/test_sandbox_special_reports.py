"""The sandbox takes a special shipping report (opspecialorder) only of a payment
awaiting shipment, as WeChat does (268546002 otherwise): never of a shipped one, whether
reported as a test payment or as a pre-sale."""

import time

from builders import MCHID, OPENID, valid_osm_body
from helpers import APPID, SECRET
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints
from wechat_protocol.client import WeChatClient
from wechat_protocol.tokens import StableTokenSource


def test_a_shipped_payment_takes_no_special_report(sandbox, control):
    client = WeChatClient(sandbox.url, StableTokenSource(sandbox.url, APPID, SECRET))
    control.pay(OPENID, mchid=MCHID, out_trade_no="SHIPPED-1")
    control.pay(OPENID, mchid=MCHID, out_trade_no="UNSHIPPED-1")
    assert client.call(
        endpoints.OSM_SINGLE_SHIPPING, valid_osm_body("SHIPPED-1")
    ).accepted
    in_20_days = int(time.time()) + 20 * 86400
    for pre_sale_until in (None, in_20_days):
        answer = client.report_special_order("SHIPPED-1", pre_sale_until)
        assert answer.errcode == c.SPECIAL_NO_SUCH_ORDER
    # The same reports of a payment awaiting shipment are taken: the refusal is the
    # shipping's.
    assert client.report_special_order("UNSHIPPED-1").accepted
    specials = {p["merchant_trade_no"]: p["special"] for p in control.payments()}
    assert specials == {"SHIPPED-1": None, "UNSHIPPED-1": {"type": 2}}
