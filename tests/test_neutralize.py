"""A neutralized copy of the database (odoo-bin neutralize, a staging copy) never
reaches WeChat."""

from odoo.modules.neutralize import (
    get_installed_modules,
    get_neutralization_queries,
    neutralize_database,
)
from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestNeutralize(WechatShippingCase):
    def test_the_addon_gives_odoo_its_neutralization(self):
        queries = list(get_neutralization_queries(["wechat_shipping"]))
        self.assertEqual(len(queries), 1)
        self.assertIn("wechat_shipping", get_installed_modules(self.env.cr))

    def test_a_neutralized_database_sends_nothing_to_wechat(self):
        order = self._order([(self.tea, 1)])
        shipped = self._order([(self.cup, 1)])
        # queued before the copy was made
        self._ship(shipped.picking_ids, "SFN000000001")
        # what reached WeChat before the copy was made is not the copy's
        self.wechat.reset()
        neutralize_database(self.env.cr)  # what `odoo-bin neutralize` runs
        self.env.invalidate_all()
        company = self.company.sudo()
        self.assertFalse(company.wechat_app_secret)
        self.assertFalse(company.wechat_authorizer_access_token)
        self.assertFalse(company.wechat_auto_upload)
        self.assertTrue(company.wechat_api_base_url.endswith(".invalid"))

        self._ship(order.picking_ids, "SFN000000002")
        self.assertFalse(
            order.wechat_upload_ids.filtered(lambda u: u.family != "shopping_details"),
            "nothing queued on delivery",
        )
        self._run_cron()
        shipped.action_wechat_upload_now()
        self.assertEqual(shipped.wechat_upload_id.state, "attention")
        self.assertIn("credentials", shipped.wechat_upload_id.reason)
        # A secret typed in again still reaches nothing: the address cannot resolve.
        company.wechat_app_secret = "typed-in-again"
        shipped.action_wechat_upload_now()
        self.assertEqual(shipped.wechat_upload_id.state, "retrying")
        self.assertEqual(
            sum(self.wechat.stats()["requests"].values()),
            0,
            "no request reached WeChat",
        )
