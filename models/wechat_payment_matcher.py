"""WeChat Pay payments give the orders they name their WeChat keys: the rules are
wechat_protocol.payment_matching's; this model finds the candidates, writes the key and
says so in the order's chatter."""

import logging
import time

from wechat_protocol import client as wechat_client
from wechat_protocol import payment_matching, push
from wechat_protocol.payment_matching import Candidate, Reason

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import LazyTranslate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)
# How far back the job reads WeChat's order list every 5 minutes: payments arrive
# within seconds, and six hours ride out an outage of Odoo or of WeChat's API.
RECENT_HOURS = 6
# A push waits for WeChat's answer at most this long (connect, read): WeChat wants the
# push answered within 5 seconds.
PUSH_TIMEOUT = (2.0, 2.5)
# Sale order states a payment can name: quotations and confirmed orders.
OPEN_STATES = ("draft", "sent", "sale")
REASONS = {
    Reason.NOT_MATCHING: _lt(
        "This company matches no WeChat Pay payments to orders (Match WeChat Pay "
        "Payments By: Not at all)."
    ),
    Reason.OTHER_MERCHANT: _lt(
        "Merchant ID %(mchid)s is not one of the company's WeChat Pay Merchant IDs "
        "(or, paid through a service provider, sub-merchant %(sub_mchid)s is not the "
        "company's)."
    ),
    Reason.NO_NUMBER: _lt("WeChat gives no merchant order number of this payment."),
    Reason.REFUNDED: _lt("WeChat reports this payment refunded."),
    Reason.NO_ORDER: _lt(
        "No quotation or order of the company has %(number)s as its %(field)s."
    ),
    Reason.SEVERAL_ORDERS: _lt(
        "Several quotations or orders have %(number)s as their %(field)s: %(orders)s."
    ),
    Reason.KEYED_OTHERWISE: _lt(
        "%(orders)s, whose %(field)s is %(number)s, already has another WeChat key."
    ),
    Reason.OTHER_AMOUNT: _lt(
        "%(paid)s yuan were paid; %(orders)s, whose %(field)s is %(number)s, "
        "amounts to %(total)s."
    ),
}


class WechatPaymentMatcher(models.AbstractModel):
    """Links the WeChat Pay payments WeChat lists, queries or pushes to the orders they
    name."""

    _name = "wechat.payment.matcher"
    _description = "WeChat Pay payment matcher"

    # ------------------------------------------------------------------- jobs

    @api.model
    def _cron_link_recent(self, hours=RECENT_HOURS):
        """WeChat's order list of the last `hours` for each company that follows
        WeChat's states: the orders Odoo has take their states and identifiers, and
        the payments it has none of are linked where the company matches payments."""
        SaleOrder = self.env["sale.order"]
        now = int(time.time())
        for company in SaleOrder._wechat_state_companies():
            try:
                listed = company._wechat_sender()[0].order_list(
                    now - hours * 3600, now, page_size=100
                )
            except wechat_client.WeChatCallError as failure:
                _logger.info(
                    "WeChat order list of %s not read: %s",
                    company.name,
                    failure.result.describe("en_US"),
                )
                continue
            unknown = SaleOrder._wechat_take_listed(company, listed)
            if company.wechat_payment_match != "none":
                self._wechat_link_unknown(company, unknown)

    @api.model
    def _wechat_link_pushed(self, company, event):
        """A pushed event of a payment Odoo has no order of: ask WeChat (get_order)
        for its record and link it; quietly nothing when WeChat does not answer in
        time."""
        if company.sudo().wechat_payment_match == "none":
            return
        client, error = company._wechat_sender()
        if error:
            return
        client.timeout = PUSH_TIMEOUT
        if hasattr(client.token_source, "timeout"):  # a token fetched on the way too
            client.token_source.timeout = PUSH_TIMEOUT
        result = client.get_order(wechat_client.payment_key(push.payment_ids(event)))
        wechat_order = (result.data or {}).get("order") if result.accepted else None
        if not isinstance(wechat_order, dict):
            return
        for _order, reason in self._wechat_link(company, [wechat_order]):
            _logger.info("WeChat push of a payment left unlinked: %s", reason)

    # ------------------------------------------------------------------- matching

    @api.model
    def _wechat_link(self, company, wechat_orders):
        """Link each payment of `wechat_orders` (orders of get_order_list or get_order)
        that Odoo has no order of to the order it names under the company's rules;
        [(wechat_order, reason)] of those not linked, the reason in the user's
        language. Payments Odoo has an order of are left out: they are linked."""
        SaleOrder = self.env["sale.order"]
        return self._wechat_link_unknown(
            company,
            [
                wechat_order
                for wechat_order in wechat_orders
                if not any(SaleOrder._wechat_orders_of_payment(company, wechat_order))
            ],
        )

    @api.model
    def _wechat_link_unknown(self, company, wechat_orders):
        """_wechat_link of payments Odoo is known to have no order of."""
        company = company.sudo()
        return [
            (wechat_order, reason)
            for wechat_order in wechat_orders
            if (reason := self._wechat_link_one(company, wechat_order))
        ]

    @api.model
    def _wechat_link_one(self, company, wechat_order):
        """Link one payment Odoo has no order of; why not, in words, else None."""
        by = company.wechat_payment_match
        if by == "none":
            return self._reason(Reason.NOT_MATCHING)
        ids = push.payment_ids(wechat_order)
        if why := payment_matching.precheck(
            wechat_order, company._wechat_mchids(), company.wechat_sub_mchid
        ):
            return self._reason(
                why, mchid=ids["merchant_id"], sub_mchid=ids["sub_merchant_id"] or "-"
            )
        number = ids["merchant_trade_no"]
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    (by, "=", number),
                    ("state", "in", OPEN_STATES),
                ],
                limit=3,
            )
        )
        totals = {order.id: order._wechat_total() for order in orders}
        chosen, why = payment_matching.choose(
            wechat_order,
            [
                Candidate(
                    order.id, totals[order.id][0], order._wechat_is_wechat_order()
                )
                for order in orders
            ],
        )
        total, cannot = totals[orders.id] if len(orders) == 1 else (0, None)
        if why == Reason.OTHER_AMOUNT and cannot:
            # The one order's total cannot be counted in CNY: its reason says what to
            # fix.
            return cannot["zh" if (self.env.lang or "").startswith("zh") else "en"]
        if why:
            return self._reason(
                why,
                number=number,
                field=orders._fields[by]._description_string(self.env),
                orders=", ".join(orders.mapped("name")),
                paid=_yuan(wechat_order.get("paid_amount")),
                total=_yuan(total),
            )
        order = orders.browse(chosen.ref)
        try:
            with self.env.cr.savepoint():
                self._wechat_give_key(order, wechat_order, by)
        except ValidationError as refused:
            return str(refused)
        return None

    def _reason(self, reason, **values):
        """A Reason in the user's language, its placeholders filled in."""
        return REASONS[reason]._translate(self.env.lang or "en_US") % values

    # -------------------------------------------------------------- giving the key

    @api.model
    def _wechat_give_key(self, order, wechat_order, how):
        """Give `order` the WeChat key and payer of the payment `wechat_order` names,
        say so in its chatter and take WeChat's state of it; a paid quotation is
        confirmed where the company says so. `how`: the field it was matched by, or
        'manual' for a person's link. Rights are the caller's: `order` comes in the
        environment that may write it."""
        ids = push.payment_ids(wechat_order)
        openid = wechat_order.get("openid")
        by_number = bool(ids["merchant_id"] and ids["merchant_trade_no"])
        order.write(
            {
                "wechat_order_number_type": (
                    "merchant_trade_number" if by_number else "wxpay_trade_number"
                ),
                "wechat_mchid": ids["merchant_id"] or False,
                "wechat_out_trade_no": ids["merchant_trade_no"] or False,
                "wechat_sub_mchid": ids["sub_merchant_id"] or False,
                "wechat_transaction_id": ids["transaction_id"] or False,
                "wechat_payer_openid": openid if isinstance(openid, str) else False,
            }
        )
        self._wechat_say_linked(order, wechat_order, how)
        company = order.sudo().company_id
        if order.state in ("draft", "sent") and company.wechat_confirm_paid_quotations:
            order.with_company(company).action_confirm()
        self.env["sale.order"]._wechat_take_listed(company, [wechat_order])

    @api.model
    def _wechat_say_linked(self, order, wechat_order, how):
        """The order's chatter line of its new key, in its salesperson's language; the
        payer's openid is not repeated there."""
        user = order.sudo().user_id or self.env.ref("base.user_admin")
        env = self.with_context(lang=user.lang or "en_US").env
        ids = push.payment_ids(wechat_order)
        values = {
            "number": ids["merchant_trade_no"] or "-",
            "mchid": ids["merchant_id"] or "-",
            "transaction": ids["transaction_id"] or "-",
            "paid": _yuan(wechat_order.get("paid_amount")),
        }
        if how == "manual":
            body = env._(
                "%(user)s linked this order to the WeChat Pay payment of merchant "
                "order number %(number)s (merchant ID %(mchid)s, transaction ID "
                "%(transaction)s, %(paid)s yuan): it now has its WeChat key and "
                "payer.",
                user=self.env.user.name,
                **values,
            )
        else:
            body = env._(
                "The WeChat Pay payment of merchant order number %(number)s (merchant "
                "ID %(mchid)s, transaction ID %(transaction)s, %(paid)s yuan) names "
                "this order by its %(field)s and amount: the order now has its "
                "WeChat key and payer.",
                field=order._fields[how]._description_string(env),
                **values,
            )
        order.sudo().message_post(body=body)


def _yuan(fen):
    """Fen as yuan with two decimals ('?' for a value that is no amount)."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        return "?"
    return f"{fen / 100:.2f}"
