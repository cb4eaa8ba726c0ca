import logging
import time

from wechat_protocol import push

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)
# The events that name a payment (the 48-hour reminder, shipping and settlement).
PAYMENT_EVENTS = ("trade_manage_remind_shipping", "trade_manage_order_settlement")


class WechatPush(http.Controller):
    """WeChat's message push for a company: the URL check (GET) and order events
    (POST)."""

    @http.route(
        "/wechat_shipping/push/<int:company_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def wechat_push(self, company_id, **_params):
        """Answer WeChat within its 5 seconds: `success` once an event is taken (or is
        none of this addon's), its HTTP status and a short reason when a push is
        refused."""
        company = request.env["res.company"].sudo().browse(company_id).exists()
        settings = company._wechat_push_settings() if company else None
        if settings is None:
            return _answer(404, "no WeChat message push is set up here")
        httprequest = request.httprequest
        query = {key: value for key, value in httprequest.args.items()}
        try:
            if httprequest.method == "GET":
                return _answer(200, push.url_check(settings, query, time.time()))
            if (httprequest.content_length or 0) > push.MAX_BODY_BYTES:
                raise push.PushRefused(
                    413, "body larger than %d bytes" % push.MAX_BODY_BYTES
                )
            raw = httprequest.get_data()
            event = push.read_event(settings, query, raw, time.time())
        except push.PushRefused as refused:
            _logger.info(
                "WeChat push to company %s refused (%s): %s",
                company.id,
                refused.status,
                refused.reason,
            )
            return _answer(refused.status, refused.reason)
        _take_event(company, event)
        return _answer(200, "success")


def _take_event(company, event):
    """Apply a pushed event to the orders of its payment; a payment event Odoo has no
    order of is first linked to the order it names, when it names one."""
    SaleOrder = request.env["sale.order"]
    found = SaleOrder._wechat_orders_of_payment(company, event)
    if not any(found) and event.get("Event") in PAYMENT_EVENTS:
        request.env["wechat.payment.matcher"].sudo()._wechat_link_pushed(company, event)
        found = SaleOrder._wechat_orders_of_payment(company, event)
    for orders in found:
        orders._wechat_apply_event(event)


def _answer(status, text):
    return request.make_response(
        text, status=status, headers=[("Content-Type", "text/plain; charset=utf-8")]
    )
