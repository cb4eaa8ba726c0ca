"""The README's recipe for a Mini Program back end, run as it is written: its Python
block, taken from README.md, creates orders over XML-RPC against the test server, as a
user with an API key; the README cannot say what Odoo does not do."""

import re
from pathlib import Path

from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from .common import WechatShippingHttpCase

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "## Orders from a Mini Program back end (external API)"


def recipe():
    """The first Python block of the README's section on the external API."""
    section = README.read_text(encoding="utf-8").split(HEADING, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


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
