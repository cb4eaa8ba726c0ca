"""The README's recipe for a Mini Program back end, run as it is written: its Python
block, taken from README.md, creates orders over XML-RPC against the test server, as a
user with an API key; the README cannot say what Odoo does not do."""

from odoo.tests import new_test_user, tagged

from ..demo.recipe import recipe
from ..demo.scenario import MCHID, OPENID
from .common import WechatShippingHttpCase


@tagged("post_install", "-at_install")
class TestExternalApi(WechatShippingHttpCase):
    def test_the_readmes_recipe_creates_orders_with_and_without_keys(self):
        user = new_test_user(
            self.env,
            "mini_program_backend",
            groups="sales_team.group_sale_salesman,"
            "wechat_shipping.group_wechat_shipping_user",
            company_id=self.company.id,
        )
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "Mini Program back end", None)
        )
        # The Mini Program's buyers pay in CNY, the currency WeChat Pay counts in.
        self.customer.property_product_pricelist = self.scenario.pricelist
        self.env.flush_all()
        names = {
            "ODOO_URL": self.base_url(),
            "ODOO_DB": self.env.cr.dbname,
            "ODOO_USER": user.login,
            "ODOO_API_KEY": key,
            "PARTNER_ID": self.customer.id,
            "PRODUCT_ID": self.tea.id,
            "MCHID": MCHID,
            "OUT_TRADE_NO": "MP20261207001",
            "OPENID": OPENID,
        }
        exec(recipe(), names)  # pylint: disable=exec-used
        self.env.invalidate_all()

        paid = self.env["sale.order"].browse(names["paid_id"])
        self.assertEqual(paid.state, "sale")
        self.assertEqual(paid.user_id, user, "created as the API key's user")
        self.assertEqual(
            (paid.wechat_mchid, paid.wechat_out_trade_no, paid.wechat_payer_openid),
            (MCHID, "MP20261207001", OPENID),
        )
        self.assertEqual(paid.order_line.product_uom_qty, 2)
        details = paid.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_details"
        )
        self.assertEqual(details.state, "pending", "confirming queued its details")
        self._run_cron()
        self.assertEqual(details.state, "sent", details.reason)
        [held] = self.wechat.shopping_details(order=f"mch:{MCHID}:MP20261207001")
        self.assertEqual(
            held["details"]["order_list"][0]["merchant_order_no"], paid.name
        )

        order = self.env["sale.order"].browse(names["order_id"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(names["out_trade_no"], order.name)
        self.assertFalse(order.wechat_order_number_type)
        self.assertFalse(order.wechat_upload_ids)
        # The reference is a merchant order number WeChat Pay takes.
        self.assertRegex(order.name, r"^[0-9A-Za-z_\-|*]{1,32}$")

        # WeChat Pay takes its payment under that reference and total: WeChat's list of
        # payments gives the order its key and payer. Another order, paid another
        # amount, is left to a person, the reconciliation saying why.
        # WeChat's list of payments is Order Shipping Management's.
        self.company.write(
            {
                "wechat_families": "both",
                "wechat_merchant_ids": MCHID,
                "wechat_payment_match": "name",
            }
        )
        other = self.env["sale.order"].browse(
            names["call"](
                "sale.order",
                "create",
                {"partner_id": self.customer.id, "order_line": names["lines"]},
            )
        )
        for paid_order, extra in ((order, 0), (other, 100)):
            self.wechat.pay(
                OPENID,
                mchid=MCHID,
                out_trade_no=paid_order.name,
                paid_amount=paid_order._wechat_total_fen() + extra,
            )
        self.env["wechat.payment.matcher"]._cron_link_recent()
        self.assertEqual(
            (order.wechat_mchid, order.wechat_out_trade_no, order.wechat_payer_openid),
            (MCHID, order.name, OPENID),
        )
        self.assertTrue(order.wechat_transaction_id, "both identifiers")
        self.assertFalse(other.wechat_order_number_type)
        Line = self.env["wechat.reconciliation.line"]
        Line.action_reconcile()
        line = Line.search([("merchant_trade_no", "=", other.name)])
        self.assertEqual(line.kind, "unknown")
        self.assertIn("amounts to", line.reason)

    def test_the_recipe_refuses_a_wrong_api_key(self):
        names = {
            "ODOO_URL": self.base_url(),
            "ODOO_DB": self.env.cr.dbname,
            "ODOO_USER": "admin",
            "ODOO_API_KEY": "not-a-key",
        }
        code = recipe().split("\n\n\ndef call", 1)[0]
        exec(code, names)  # pylint: disable=exec-used
        self.assertFalse(names["uid"], "no user for a wrong key")
