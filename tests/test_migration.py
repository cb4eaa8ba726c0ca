"""The 18.0.1.1.0 migration trims WeChat keys stored before keys were trimmed on write;
the 18.0.1.2.0 one keeps Shopping Order companies' shopping details with the system that
uploaded them; the 18.0.1.3.0 one gives the express companies an older version created
their XML ids and English names; the 18.0.1.5.0 one keeps companies that upgrade from
matching WeChat Pay payments to orders until they choose to."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.convert import ParseError, convert_file

from .common import WechatShippingCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SHIPPED_CODES = ("SF", "ZTO", "YTO", "STO", "YD", "JTSD", "DHL")


def _load_migration(version="18.0.1.1.0", stage="post"):
    spec = importlib.util.spec_from_file_location(
        "wechat_shipping_migrate_" + version.replace(".", "_"),
        MIGRATIONS / version / f"{stage}-migrate.py",
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(WechatShippingCase):
    def _store(self, record, **values):
        """Write as an older version did: straight to the column, untrimmed."""
        for column, value in values.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = %s",
                    SQL.identifier(record._table),
                    SQL.identifier(column),
                    value,
                    record.id,
                )
            )
        record.invalidate_recordset()

    def test_padded_keys_are_trimmed_and_a_collision_is_left_with_a_warning(self):
        padded, taken, colliding = (self._order([(self.tea, 1)]) for _ in range(3))
        combined = self._combined()
        self._store(
            padded,
            wechat_out_trade_no=f" {padded.wechat_out_trade_no}\t",
            wechat_payer_openid=f"{padded.wechat_payer_openid}\u3000",
        )
        self._store(combined, wechat_mchid=f"  {combined.wechat_mchid}")
        self._store(colliding, wechat_out_trade_no=f"{taken.wechat_out_trade_no} ")
        expected = (
            padded.wechat_out_trade_no.strip(),
            padded.wechat_payer_openid.strip(),
        )
        with self.assertLogs("wechat_shipping_migrate_18_0_1_1_0", "WARNING") as logged:
            _load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(
            (padded.wechat_out_trade_no, padded.wechat_payer_openid), expected
        )
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
        self.assertEqual(
            self.env["res.company"].new({}).wechat_families,
            "order_shipping",
            "a new company starts with Order Shipping Management",
        )

    def test_shopping_order_companies_keep_the_system_that_uploaded_their_details(self):
        osm_only = self.env["res.company"].create(
            {"name": "Funds only", "wechat_families": "order_shipping"}
        )
        self.assertEqual(
            self.company.wechat_shopping_details_by, "odoo", "new companies: this Odoo"
        )
        self.env.flush_all()
        _load_migration("18.0.1.2.0").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.wechat_shopping_details_by, "other")
        self.assertEqual(
            osm_only.wechat_shopping_details_by,
            "odoo",
            "never shipped to Shopping Order",
        )
        order = self._order([(self.tea, 1)])
        self.assertFalse(
            order.wechat_upload_ids.filtered(lambda u: u.family == "shopping_details")
        )

    # ---------------------------------------------------- 18.0.1.3.0: express companies

    def _shipped_express_xmlids(self):
        """{code: (res_id, noupdate)} of the express companies' XML ids, as the database
        has them."""
        self.env.cr.execute(
            SQL(
                "SELECT name, res_id, noupdate FROM ir_model_data"
                " WHERE module = 'wechat_shipping' AND model = %s",
                "wechat.express.company",
            )
        )
        return {
            name.removeprefix("wechat_express_company_").upper(): (res_id, noupdate)
            for name, res_id, noupdate in self.env.cr.fetchall()
        }

    def _load_express_data(self):
        """The express company data file, loaded as an upgrade loads it."""
        convert_file(
            self.env,
            "wechat_shipping",
            "data/wechat_express_company_data.xml",
            {},
            mode="update",
        )

    def test_express_companies_created_without_xml_ids_get_them(self):
        Express = self.env["wechat.express.company"].with_context(active_test=False)
        before = {
            code: res_id
            for code, (res_id, _noupdate) in self._shipped_express_xmlids().items()
        }
        self.assertEqual(sorted(before), sorted(SHIPPED_CODES))
        zto = Express.browse(before["ZTO"])
        zto.write({"name": "中通 (ours)", "active": False})
        count = Express.search_count([])
        # What an older version left: the records, created by a function, without XML
        # ids.
        self.env.cr.execute(
            SQL(
                "DELETE FROM ir_model_data"
                " WHERE module = 'wechat_shipping' AND model = %s",
                "wechat.express.company",
            )
        )
        self.env.registry.clear_cache()  # XML ids are looked up through a cache
        with (
            self.assertRaises(
                ParseError, msg="without the migration, the data file repeats the codes"
            ),
            self.env.cr.savepoint(),
        ):
            self._load_express_data()
        _load_migration("18.0.1.3.0", "pre").migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(
            self._shipped_express_xmlids(),
            {code: (res_id, True) for code, res_id in before.items()},
        )
        self._load_express_data()
        self.env.invalidate_all()
        self.assertEqual(Express.search_count([]), count)
        self.assertEqual(
            (zto.name, zto.active), ("中通 (ours)", False), "a merchant's edit stays"
        )

    def test_express_names_left_as_given_are_named_in_english(self):
        sf, zto, dhl = (
            self.env.ref(f"wechat_shipping.wechat_express_company_{code}")
            for code in ("sf", "zto", "dhl")
        )
        # The names an older version stored, before they were translatable; ZTO's
        # renamed.
        for record, name in ((sf, "顺丰速运"), (zto, "中通 (ours)"), (dhl, "DHL")):
            self.env.cr.execute(
                SQL(
                    "UPDATE wechat_express_company"
                    "   SET name = jsonb_build_object('en_US', %s::text)"
                    " WHERE id = %s",
                    name,
                    record.id,
                )
            )
        _load_migration("18.0.1.3.0", "post").migrate(self.env.cr, "18.0.1.2.0")
        self.env.cr.execute(
            SQL(
                "SELECT code, name FROM wechat_express_company WHERE id IN %s",
                (sf.id, zto.id, dhl.id),
            )
        )
        self.assertEqual(
            dict(self.env.cr.fetchall()),
            {
                "SF": {"en_US": "SF Express", "zh_CN": "顺丰速运"},
                "ZTO": {"en_US": "中通 (ours)"},
                "DHL": {"en_US": "DHL"},
            },
        )

    # ------------------------------------------- 18.0.1.5.0: payments find their orders

    def test_companies_that_upgrade_match_no_payments_new_ones_by_reference(self):
        self.assertEqual(
            self.env["res.company"].create({"name": "New shop"}).wechat_payment_match,
            "name",
            "a new company matches payments by order reference",
        )
        self.env.flush_all()
        _load_migration("18.0.1.5.0").migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(
            set(self.env["res.company"].search([]).mapped("wechat_payment_match")),
            {"none"},
            "companies that upgrade keep typing, importing or sending their keys",
        )
