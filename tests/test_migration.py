"""The 18.0.1.1.0 migration trims WeChat keys stored before keys were trimmed on write; the
18.0.1.2.0 one keeps Shopping Order companies' shopping details with the system that uploaded them."""
import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import SQL

from .common import WechatShippingCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _load_migration(version="18.0.1.1.0"):
    spec = importlib.util.spec_from_file_location(
        "wechat_shipping_migrate_" + version.replace(".", "_"), MIGRATIONS / version / "post-migrate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(WechatShippingCase):

    def _store(self, record, **values):
        """Write as an older version did: straight to the column, untrimmed."""
        for column, value in values.items():
            self.env.cr.execute(SQL("UPDATE %s SET %s = %s WHERE id = %s", SQL.identifier(record._table),
                                    SQL.identifier(column), value, record.id))
        record.invalidate_recordset()

    def test_padded_keys_are_trimmed_and_a_collision_is_left_with_a_warning(self):
        padded, taken, colliding = (self._order([(self.tea, 1)]) for _ in range(3))
        combined = self._combined()
        self._store(padded, wechat_out_trade_no=f" {padded.wechat_out_trade_no}\t",
                    wechat_payer_openid=f"{padded.wechat_payer_openid}\u3000")
        self._store(combined, wechat_mchid=f"  {combined.wechat_mchid}")
        self._store(colliding, wechat_out_trade_no=f"{taken.wechat_out_trade_no} ")
        expected = padded.wechat_out_trade_no.strip(), padded.wechat_payer_openid.strip()
        with self.assertLogs("wechat_shipping_migrate_18_0_1_1_0", "WARNING") as logged:
            _load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual((padded.wechat_out_trade_no, padded.wechat_payer_openid), expected)
        self.assertEqual(combined.wechat_mchid, combined.wechat_mchid.strip())
        self.assertEqual(colliding.wechat_out_trade_no, f"{taken.wechat_out_trade_no} ")
        self.assertEqual(len(logged.output), 1)
        self.assertIn(f"id {colliding.id} keeps its WeChat key", logged.output[0])

    def test_companies_that_uploaded_before_keep_shopping_order(self):
        self.company.wechat_families = "order_shipping"
        self.env.flush_all()
        _load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.company.invalidate_recordset()
        self.assertEqual(self.company.wechat_families, "shopping_order")
        self.assertEqual(self.env["res.company"].new({}).wechat_families, "order_shipping",
                         "a new company starts with Order Shipping Management")

    def test_shopping_order_companies_keep_the_system_that_uploaded_their_details(self):
        osm_only = self.env["res.company"].create({"name": "Funds only", "wechat_families": "order_shipping"})
        self.assertEqual(self.company.wechat_shopping_details_by, "odoo", "new companies: this Odoo")
        self.env.flush_all()
        _load_migration("18.0.1.2.0").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.wechat_shopping_details_by, "other")
        self.assertEqual(osm_only.wechat_shopping_details_by, "odoo", "never shipped to Shopping Order")
        order = self._order([(self.tea, 1)])
        self.assertFalse(order.wechat_upload_ids.filtered(lambda u: u.family == "shopping_details"))
