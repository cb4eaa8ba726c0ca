"""Access-and-input drill through Odoo's real HTTP JSON-RPC doors
(`/web/dataset/call_kw` with a session, `/jsonrpc` with a password), as a user of each
role.

Every field and action the addon adds is tried by every role, across companies, in
reads, searches and group-bys, and with wrong types, sizes, NUL and control characters
and invisible Unicode. Each probe asserts a refusal (AccessError, or a ValidationError
naming the field) or a sane result (a trimmed value); in every case: no error of another
kind, a message of bounded size with nothing of Python in it, no ERROR line or traceback
in the log, and for a refusal nothing written (the addon's records, chatter, activities
and cron wake-ups compared before and after) and no call reaching the sandbox. The role
cells follow tests/access_matrix.py, which is the security table of
docs/configuration.md."""

import json

from odoo.tests import new_test_user, tagged

from ..demo.scenario import OPENID
from .access_matrix import MATRIX, ROLES, allowed, readme_table
from .common import APPID, SECRET, WechatShippingHttpCase

REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.UserError",
}
MAX_MESSAGE = 1000
REPR_MARKS = (
    "Traceback",
    'File "',
    "object at 0x",
    "<class",
    "psycopg2",
    "KeyError",
    "TypeError",
    "\\x",
)
DOORS = ("web", "jsonrpc")
CAPS = list(MATRIX)
(
    SEE_UPLOADS,
    SEND,
    WRITE_UPLOADS,
    KEYS,
    COMBINED,
    DELETE_COMBINED,
    SEE_CODES,
    EDIT_CODES,
    CREDENTIALS,
    SEE_SETTINGS,
    CHANGE_SETTINGS,
) = CAPS
JOB_FIELDS = {
    "state": "sent",
    "request_body": "{}",
    "problems": [],
    "reason": "fine",
    "upload_time": "2099-01-01T00:00:00.000+08:00",
    "next_attempt_at": "2099-01-01 00:00:00",
    "attempt_count": 0,
    "sent_at": "2020-01-01 00:00:00",
    "last_errcode": 0,
    "last_errmsg": "ok",
    "revision": 99,
    "claimed_revision": 99,
    "claimed_until": "2099-01-01 00:00:00",
    "last_attempt_at": "2020-01-01 00:00:00",
}
KEY_FIELDS = [
    "wechat_order_number_type",
    "wechat_mchid",
    "wechat_out_trade_no",
    "wechat_transaction_id",
    "wechat_payer_openid",
    "wechat_sub_mchid",
    "wechat_combined_order_id",
]
CREDENTIAL_FIELDS = [
    "wechat_appid",
    "wechat_app_secret",
    "wechat_token_mode",
    "wechat_api_base_url",
    "wechat_authorizer_access_token",
    "wechat_push_token",
    "wechat_push_aes_key",
]
OTHER_SETTINGS = [
    "wechat_auto_upload",
    "wechat_strict_mode",
    "wechat_consignor_phone",
    "wechat_sub_mchid",
    "wechat_item_id_source",
    "wechat_shopping_details_by",
    "wechat_enum_names",
    "wechat_public_base_url",
    "wechat_order_page",
    "wechat_product_page",
]
BAD_TEXTS = [
    True,
    123,
    1.5,
    ["x"],
    {"x": 1},
    "x" * 10_000,
    "1234\x005678",
    "\u200b12345678",
    "\x0712345678",
    "\u202e12345678",
    "12345678\ufeff",
]


@tagged("post_install", "-at_install")
class TestAccessDrill(WechatShippingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "Drill branch"})
        cls.scenario.configure(cls.company_b, cls.sandbox_url, APPID, SECRET)
        cls.users, cls.passwords = {}, {}
        for index, (role, groups) in enumerate(ROLES.items()):
            company = cls.company_b if role == "Other company's user" else cls.company
            extra = {"partner_id": cls.customer.id} if role == "Portal user" else {}
            login = f"drill_role_{index}"
            cls.users[role] = new_test_user(
                env,
                login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
                password=f"{login}-pw",
                **extra,
            )
            cls.passwords[role] = f"{login}-pw"
        sales_user = cls.users["Sales user"].id
        cls.order = cls.scenario.order([(cls.tea, 1)], user_id=sales_user)
        cls.other_order = cls.scenario.order([(cls.cup, 1)], user_id=sales_user)
        cls.combined = cls.scenario.combined()
        cls.sub_order = cls.scenario.order(
            [(cls.cup, 1)],
            combined=cls.combined,
            user_id=sales_user,
            wechat_payer_openid=False,
        )
        for order in (cls.order, cls.sub_order):
            cls.scenario.ship(order.picking_ids, "SFD%09d" % order.id)
        tea_b = cls.scenario.product("Tea B", "TEA-DB", company=cls.company_b)
        cls.order_b = cls.scenario.order([(tea_b, 1)], company=cls.company_b)
        cls.scenario.ship(
            cls.order_b.picking_ids.with_company(cls.company_b), "SFD000000B01"
        )
        # A colleague's orders: a sales user limited to their own documents does not see
        # these.
        colleague = new_test_user(
            env,
            "drill_colleague",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.colleague_order = cls.scenario.order([(cls.tea, 1)], user_id=colleague.id)
        cls.colleague_combined = cls.scenario.combined()
        colleague_sub = cls.scenario.order(
            [(cls.cup, 1)],
            combined=cls.colleague_combined,
            user_id=colleague.id,
            wechat_payer_openid=False,
        )
        for order in (cls.colleague_order, colleague_sub):
            cls.scenario.ship(order.picking_ids, "SFD%09d" % order.id)
        cls.upload = cls.order.wechat_upload_id
        cls.upload_b = cls.order_b.wechat_upload_id
        cls.sf = cls.carrier.wechat_express_company_id

    def setUp(self):
        super().setUp()
        self._log_in_each_role()
        self.probes = 0

    # ----------------------------------------------------------------- doors and checks

    def _call(self, role, model, method, args, kwargs=None, door="web"):
        """(result, error) of one JSON-RPC call as `role` through `door`."""
        if door == "web":
            params = {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            }
            url, opener = (
                f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
                self.openers[role],
            )
        else:
            params = {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    self.users[role].id,
                    self.passwords[role],
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
            }
            url, opener = f"{self.base_url()}/jsonrpc", self.opener
        response = opener.post(
            url,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=60,
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        answer = response.json()
        return answer.get("result"), answer.get("error")

    def _written(self):
        """What a refused call must leave as it was."""
        env = self.env
        env.invalidate_all()
        models = {
            "wechat.shipping.upload": list(JOB_FIELDS)
            + ["company_id", "sale_order_id", "combined_order_id"],
            "wechat.combined.order": KEY_FIELDS[:-1]
            + ["name", "company_id", "sale_order_ids"],
            "wechat.express.company": ["code", "name", "sequence", "active"],
            "res.company": CREDENTIAL_FIELDS + OTHER_SETTINGS,
            "sale.order": KEY_FIELDS,
            "product.product": ["wechat_merchant_item_id"],
            "delivery.carrier": ["wechat_express_company_id"],
        }
        state = {
            model: env[model]
            .with_context(active_test=False)
            .search_read(
                []
                if model != "sale.order"
                else [("wechat_order_number_type", "!=", False)],
                fields,
            )
            for model, fields in models.items()
        }
        state["counts"] = [
            env[model].search_count([])
            for model in ("mail.message", "mail.activity", "ir.cron.trigger")
        ]
        return json.dumps(state, default=str, sort_keys=True)

    def _wechat_calls(self):
        return sum(self.wechat.stats()["requests"].values())

    def probe(
        self,
        role,
        model,
        method,
        args,
        kwargs=None,
        *,
        ok,
        check=None,
        mentions=None,
        search=False,
    ):
        """One call as `role`; `ok`: it must succeed (then `check(result)`), else be
        refused (an AccessError, or with `mentions` a ValidationError or UserError
        saying it)."""
        door = DOORS[self.probes % 2]
        self.probes += 1
        call = f"{model}.{method}{json.dumps(args, default=str)[:120]}"
        label = f"{role} {door} {call} {kwargs or ''}"
        with self.subTest(probe=label):
            before, calls, logged = (
                self._written(),
                self._wechat_calls(),
                len(self.errors.records),
            )
            result, error = self._call(role, model, method, args, kwargs, door)
            self.assertEqual(
                self.errors.records[logged:], [], "no ERROR or traceback in the log"
            )
            if error:
                data = error.get("data", {})
                message = data.get("message", "")
                self.assertIn(data.get("name"), REFUSALS, message[:300])
                self.assertLessEqual(len(message), MAX_MESSAGE)
                for mark in REPR_MARKS:
                    self.assertNotIn(mark, message)
            if ok:
                self.assertIsNone(error, error and error["data"]["message"][:300])
                if check:
                    self.env.invalidate_all()
                    check(result)
                return result
            if search and not error:
                self.assertFalse(result, "a refused search finds nothing")
            elif mentions is not None:
                self.assertTrue(error, "refused")
                self.assertIn(
                    error["data"]["name"], REFUSALS - {"odoo.exceptions.AccessError"}
                )
                self.assertIn(mentions, error["data"]["message"])
            else:
                self.assertTrue(error, "refused")
                self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
            self.assertEqual(self._written(), before, "nothing written")
            self.assertEqual(self._wechat_calls(), calls, "nothing sent to WeChat")
        return None

    def cell(self, capability, role, *args, **kwargs):
        """A probe of one cell of the role table: allowed or refused as the table
        says."""
        self.tested.add((capability, role))
        return self.probe(role, *args, ok=allowed(capability, role), **kwargs)

    def _restore(self, record, vals):
        record.sudo().write(vals)

    # ------------------------------------------------------------------ the role table

    def test_readme_shows_the_table_the_drill_checks(self):
        self.assertEqual(readme_table(), MATRIX)

    def test_every_role_against_every_capability(self):
        self.tested = set()
        for role in ROLES:
            self._uploads_cells(role)
            self._keys_cells(role)
            self._combined_cells(role)
            self._express_cells(role)
            self._settings_cells(role)
        self.assertEqual(
            self.tested,
            {(cap, role) for cap in MATRIX for role in ROLES},
            "every cell probed",
        )
        self.assertGreaterEqual(self.probes, 300)

    def _uploads_cells(self, role):
        upload, ids = self.upload, [self.upload.id]
        self.cell(
            SEE_UPLOADS,
            role,
            "wechat.shipping.upload",
            "read",
            [ids, ["state", "reason", "request_body"]],
            check=lambda rows: self.assertEqual(rows[0]["state"], upload.state),
        )
        self.cell(
            SEE_UPLOADS,
            role,
            "wechat.shipping.upload",
            "search_read",
            [[("id", "in", ids)]],
            {"fields": ["attempt_count"]},
            search=True,
            check=lambda rows: self.assertEqual(len(rows), 1),
        )
        self.cell(
            SEE_UPLOADS,
            role,
            "wechat.shipping.upload",
            "read_group",
            [[("id", "in", ids)], ["state"], ["last_errcode"]],
            search=True,
            check=self.assertTrue,
        )
        for model, record, methods in (
            ("wechat.shipping.upload", upload, ("action_upload_now", "action_retry")),
            (
                "sale.order",
                self.order,
                (
                    "action_wechat_upload_now",
                    "action_wechat_retry",
                    "action_view_wechat_uploads",
                ),
            ),
            (
                "stock.picking",
                self.order.picking_ids,
                (
                    "action_wechat_upload_now",
                    "action_wechat_retry",
                    "action_view_wechat_upload",
                ),
            ),
            ("wechat.combined.order", self.combined, ("action_wechat_upload_now",)),
        ):
            # Retry and Upload now send in the request and say how it went, naming the
            # WeChat order (one WeChat already holds unchanged is not sent again).
            named = (record.sale_id if record._name == "stock.picking" else record).name
            for method in methods:
                checks = {
                    "retry": lambda result, named=named: self.assertIn(
                        named, result["params"]["message"]
                    ),
                    "upload": lambda result, named=named: self.assertIn(
                        named, result["params"]["message"]
                    ),
                    "view": lambda action: self.assertEqual(
                        action["res_model"], "wechat.shipping.upload"
                    ),
                }
                kind = (
                    "retry"
                    if "retry" in method
                    else "view"
                    if "view" in method
                    else "upload"
                )
                self.cell(SEND, role, model, method, [record.ids], check=checks[kind])
        for field, value in JOB_FIELDS.items():
            self.cell(
                WRITE_UPLOADS,
                role,
                "wechat.shipping.upload",
                "write",
                [ids, {field: value}],
            )
        self.cell(
            WRITE_UPLOADS,
            role,
            "wechat.shipping.upload",
            "write",
            [ids, {"company_id": self.company_b.id}],
        )
        self.cell(
            WRITE_UPLOADS,
            role,
            "wechat.shipping.upload",
            "create",
            [{"sale_order_id": self.other_order.id, "company_id": self.company.id}],
        )
        self.cell(WRITE_UPLOADS, role, "wechat.shipping.upload", "unlink", [ids])
        for other in (
            self.colleague_order.wechat_upload_id,
            self.colleague_combined.upload_ids,
        ):
            # Sales users see their own orders' uploads, as Odoo's sale rules go; the
            # others all.
            expected = allowed(SEE_UPLOADS, role) and role != "Sales user"
            self.probe(
                role,
                "wechat.shipping.upload",
                "read",
                [other.ids, ["state"]],
                ok=expected,
            )
            self.probe(
                role, "wechat.shipping.upload", "action_retry", [other.ids], ok=expected
            )
        if role == "Other company's user":
            # The same user sends their own company's upload: the refusals above are the
            # company's.
            calls = self._wechat_calls()
            self.probe(
                role,
                "wechat.shipping.upload",
                "action_upload_now",
                [self.upload_b.ids],
                ok=True,
                check=lambda _r: self.assertGreater(self._wechat_calls(), calls),
            )

    def _keys_cells(self, role):
        order, ids = self.order, [self.order.id]
        number = order.wechat_out_trade_no
        self.cell(
            KEYS,
            role,
            "sale.order",
            "read",
            [ids, KEY_FIELDS],
            check=lambda rows: self.assertEqual(rows[0]["wechat_out_trade_no"], number),
        )
        self.cell(
            KEYS,
            role,
            "sale.order",
            "search",
            [[("wechat_out_trade_no", "=", number)]],
            search=True,
            check=lambda found: self.assertEqual(found, ids),
        )
        self.cell(
            KEYS,
            role,
            "sale.order",
            "read_group",
            [[("id", "in", ids)], ["wechat_payer_openid"], ["wechat_payer_openid"]],
            search=True,
            check=self.assertTrue,
        )

        def trimmed(_result):
            self.assertEqual(order.wechat_payer_openid, "oDRILLnewPayer01")
            self._restore(order, {"wechat_payer_openid": OPENID})

        self.cell(
            KEYS,
            role,
            "sale.order",
            "write",
            [ids, {"wechat_payer_openid": "  oDRILLnewPayer01\t"}],
            check=trimmed,
        )

    def _combined_cells(self, role):
        combined, ids = self.combined, [self.combined.id]
        Combined = self.env["wechat.combined.order"]
        self.cell(
            COMBINED,
            role,
            "wechat.combined.order",
            "read",
            [ids, ["name", "wechat_out_trade_no"]],
            check=lambda rows: self.assertEqual(rows[0]["name"], combined.name),
        )
        name = combined.name

        def renamed(_result):
            self.assertEqual(combined.name, "CB-DRILL-RENAMED")
            self._restore(combined, {"name": name})

        self.cell(
            COMBINED,
            role,
            "wechat.combined.order",
            "write",
            [ids, {"name": " CB-DRILL-RENAMED "}],
            check=renamed,
        )
        self.cell(
            COMBINED,
            role,
            "wechat.combined.order",
            "create",
            [
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": "4200000000DRILL1",
                    "wechat_payer_openid": OPENID,
                    "company_id": self.company.id,
                }
            ],
            check=lambda new_id: Combined.browse(new_id).unlink(),
        )
        doomed = Combined.create(
            {
                "wechat_order_number_type": "wxpay_trade_number",
                "wechat_transaction_id": "4200000000DRILL2",
                "wechat_payer_openid": OPENID,
            }
        )
        self.cell(
            DELETE_COMBINED,
            role,
            "wechat.combined.order",
            "unlink",
            [doomed.ids],
            check=lambda _r: self.assertFalse(doomed.exists()),
        )
        doomed.exists().unlink()

    def _express_cells(self, role):
        sf, ids = self.sf, [self.sf.id]
        self.cell(
            SEE_CODES,
            role,
            "wechat.express.company",
            "search_read",
            [[("code", "=", "SF")]],
            {"fields": ["code", "name"]},
            search=True,
            check=lambda rows: self.assertEqual(len(rows), 1),
        )
        name = sf.name

        def renamed(_result):
            self.assertEqual(sf.name, "顺丰 (drill)")
            self._restore(sf, {"name": name})

        self.cell(
            EDIT_CODES,
            role,
            "wechat.express.company",
            "write",
            [ids, {"name": "顺丰 (drill) "}],
            check=renamed,
        )
        Express = self.env["wechat.express.company"]
        self.cell(
            EDIT_CODES,
            role,
            "wechat.express.company",
            "create",
            [{"code": " ZJS-DRILL ", "name": "宅急送"}],
            check=lambda new_id: (
                self.assertEqual(Express.browse(new_id).code, "ZJS-DRILL"),
                Express.browse(new_id).unlink(),
            ),
        )
        calls = self._wechat_calls()
        self.cell(
            EDIT_CODES,
            role,
            "wechat.express.company",
            "action_refresh_from_wechat",
            [[]],
            check=lambda _r: self.assertGreater(self._wechat_calls(), calls),
        )

    def _settings_cells(self, role):
        company, ids = self.company, [self.company.id]
        # New values, never the run's AppSecret: Odoo logs RPC arguments at DEBUG
        # (odoo.api).
        new_values = {
            "wechat_appid": "wxdrill0000000001",
            "wechat_app_secret": "drill-other-secret",
            "wechat_token_mode": "classic",
            "wechat_api_base_url": self.sandbox_url + "/",
            "wechat_authorizer_access_token": "drill-authorizer-token",
            "wechat_push_token": "drillPushToken7",
            "wechat_push_aes_key": "D" * 43,
        }
        for field in CREDENTIAL_FIELDS:
            self.cell(CREDENTIALS, role, "res.company", "read", [ids, [field]])
            before = company.sudo()[field]

            def changed(_result, field=field, before=before):
                self.assertEqual(company.sudo()[field], new_values[field])
                self._restore(company, {field: before})

            self.cell(
                CREDENTIALS,
                role,
                "res.company",
                "write",
                [ids, {field: new_values[field]}],
                check=changed,
            )
        self.cell(
            CREDENTIALS,
            role,
            "res.company",
            "search",
            [[("wechat_app_secret", "!=", False)]],
            search=True,
            check=lambda found: self.assertIn(company.id, found),
        )
        self.cell(
            CREDENTIALS,
            role,
            "res.company",
            "read_group",
            [[], ["wechat_appid"], ["wechat_appid"]],
            search=True,
            check=self.assertTrue,
        )
        # Creating settings writes the related company fields at once (unchanged ones
        # are dropped).
        self.cell(
            CREDENTIALS,
            role,
            "res.config.settings",
            "create",
            [{"wechat_api_base_url": company.sudo().wechat_api_base_url}],
            check=self.assertTrue,
        )
        # A default set in the context reaches a new company's fields like a value does.
        attacker = {
            "default_wechat_api_base_url": "https://attacker.example",
            "default_wechat_appid": "wxattacker",
        }
        self.cell(
            CREDENTIALS,
            role,
            "res.company",
            "create",
            [{"name": f"Drill company of {role}"}],
            {"context": attacker},
            check=lambda new_id: self.assertEqual(
                self.env["res.company"].browse(new_id).sudo().wechat_api_base_url,
                "https://attacker.example",
            ),
        )
        self.cell(
            SEE_SETTINGS,
            role,
            "res.company",
            "read",
            [ids, OTHER_SETTINGS],
            check=lambda rows: self.assertEqual(
                rows[0]["wechat_item_id_source"], "default_code"
            ),
        )

        def strict(_result):
            self.assertTrue(company.wechat_strict_mode)
            self._restore(company, {"wechat_strict_mode": False})

        self.cell(
            CHANGE_SETTINGS,
            role,
            "res.company",
            "write",
            [ids, {"wechat_strict_mode": True}],
            check=strict,
        )

    # ----------------------------------------------------- bad values through the doors

    def refused(self, role, model, record, field, values, mentions):
        for value in values:
            self.probe(
                role,
                model,
                "write",
                [record.ids, {field: value}],
                ok=False,
                mentions=mentions,
            )

    def test_bad_values_are_refused_naming_the_field(self):
        order, combined = self.order, self.combined
        self.refused(
            "Sales user",
            "sale.order",
            order,
            "wechat_order_number_type",
            [
                5,
                -1,
                "MERCHANT_TRADE_NUMBER",
                ["merchant_trade_number"],
                True,
                {"a": 1},
                1.5,
            ],
            "WeChat Order Number Type",
        )
        # The key fields speak in WeChat's rules (with the code) or, for a wrong type or
        # size, by name.
        for field in (
            "wechat_mchid",
            "wechat_out_trade_no",
            "wechat_transaction_id",
            "wechat_payer_openid",
            "wechat_sub_mchid",
        ):
            self.refused("Sales user", "sale.order", order, field, BAD_TEXTS, "")
        self.refused(
            "Sales user",
            "sale.order",
            order,
            "wechat_combined_order_id",
            ["abc", 999_999, -1, True, [1], 1.5],
            "WeChat Combined Order",
        )
        self.refused(
            "Inventory user",
            "wechat.combined.order",
            combined,
            "name",
            [True, ["x"], "x" * 10_000, "CB\x001", "\u202eCB1", 5],
            "Name",
        )
        self.refused(
            "Inventory user",
            "wechat.combined.order",
            combined,
            "company_id",
            ["abc", 999_999, -1, True, [1], 1.5, {"id": 1}],
            "Company",
        )
        self.refused(
            "Inventory user",
            "wechat.combined.order",
            combined,
            "sale_order_ids",
            ["abc", [1, 2], [(9, 1)], [(6, 0, "x")], [("4", 1)]],
            "Sub-orders",
        )
        self.refused(
            "Inventory user",
            "wechat.combined.order",
            combined,
            "wechat_payer_openid",
            BAD_TEXTS,
            "",
        )
        self.refused(
            "Inventory manager",
            "wechat.express.company",
            self.sf,
            "code",
            [True, 5, ["SF"], "S" * 10_000, "SF\x00", "\u200bSF", "S F", " ZTO "],
            "",
        )
        self.refused(
            "Inventory manager",
            "wechat.express.company",
            self.sf,
            "name",
            [True, ["x"], "x" * 10_000, "顺\x00丰"],
            "Name",
        )
        self.refused(
            "Inventory manager",
            "wechat.express.company",
            self.sf,
            "sequence",
            ["abc", 2**40, True, 1.5],
            "Sequence",
        )
        self.refused(
            "Inventory manager",
            "wechat.express.company",
            self.sf,
            "active",
            ["yes", 1, [True]],
            "Active",
        )
        self.refused(
            "Inventory manager",
            "product.product",
            self.cup,
            "wechat_merchant_item_id",
            [True, 5, ["a"], "x" * 10_000, "A\x00", "\u202eA", {"a": 1}],
            "",
        )
        self.refused(
            "Inventory manager",
            "delivery.carrier",
            self.carrier,
            "wechat_express_company_id",
            ["SF", 999_999, -5, True, [1], 1.5],
            "WeChat Express Company",
        )
        self._bad_settings()
        self.assertGreaterEqual(self.probes, 150)

    def _bad_settings(self):
        admin, company = "System admin", self.company
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_token_mode",
            [5, "x", ["stable"], True, False],
            "WeChat Token Mode",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_api_base_url",
            [
                5,
                "",
                "ftp://api.weixin.qq.com",
                "not a url",
                "http://",
                "https://api.weixin.qq.com/?x=1",
                "x" * 10_000,
                "http://a\x00b",
                "https://api.weixin.qq.com#frag",
                "http://host:99999",
            ],
            "WeChat API Base URL",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_appid",
            ["wx 1234", "\u200bwx1234567890abcdef", True, "x" * 300, ["wx"]],
            "AppID",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_app_secret",
            [True, 5, "x" * 10_000, "s\x00cret"],
            "AppSecret",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_authorizer_access_token",
            [True, "t\x00", ["t"]],
            "Authorizer",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_auto_upload",
            ["yes", 1, [True]],
            "Upload to WeChat",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_strict_mode",
            ["no", 0],
            "Refuse Deliveries",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_consignor_phone",
            [123, ["021"], "abc"],
            "",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_sub_mchid",
            [123, ["1900000109"], "19000", "\u200b1900000109", "x" * 300],
            "Sub-merchant ID",
        )
        self.refused(
            admin,
            "res.company",
            company,
            "wechat_item_id_source",
            ["name", 1, True],
            "Merchant Item ID",
        )
        for vals in (
            {"wechat_token_mode": 5},
            {"wechat_api_base_url": ["x"]},
            {"wechat_auto_upload": "yes"},
        ):
            self.probe(
                admin,
                "res.config.settings",
                "create",
                [vals],
                ok=False,
                mentions="WeChat",
            )

    def test_a_user_default_is_checked_like_a_value(self):
        # may create companies, may not decide where secrets go
        admin = "Access-rights admin"
        self.probe(
            admin,
            "ir.default",
            "set",
            ["res.company", "wechat_api_base_url", "https://attacker.example"],
            {"user_id": True},
            ok=True,
        )
        self.probe(
            admin,
            "res.company",
            "create",
            [{"name": "Drill company by default"}],
            ok=False,
        )
        self.probe(
            admin,
            "ir.default",
            "set",
            ["res.company", "wechat_token_mode", "classic"],
            {"user_id": True},
            ok=True,
        )
        self.probe(
            "System admin",
            "ir.default",
            "set",
            ["res.company", "wechat_token_mode", "5"],
            {"user_id": True},
            ok=False,
            mentions="",
        )
        self.env["ir.default"].search([("user_id", "=", self.users[admin].id)]).unlink()
        self.probe(
            admin,
            "res.company",
            "create",
            [{"name": "Drill company, plain"}],
            ok=True,
            check=lambda new_id: self.assertEqual(
                self.env["res.company"].browse(new_id).sudo().wechat_api_base_url,
                "https://api.weixin.qq.com",
            ),
        )

    def test_batches_and_lines_are_checked_as_a_whole(self):
        order, other = self.order, self.other_order
        self.probe(
            "Sales user",
            "sale.order",
            "write",
            [(order | other).ids, {"wechat_out_trade_no": "DRILL-SAME"}],
            ok=False,
            mentions="several orders",
        )
        self.probe(
            "Inventory manager",
            "wechat.express.company",
            "create",
            [[{"code": "DUP-1", "name": "A"}, {"code": " DUP-1", "name": "B"}]],
            ok=False,
            mentions="DUP-1",
        )
        self.probe(
            "Inventory manager",
            "wechat.express.company",
            "write",
            [
                self.env["wechat.express.company"].search([], limit=2).ids,
                {"code": "DUP-2"},
            ],
            ok=False,
            mentions="DUP-2",
        )
        # The web client's own command for a new line, with its placeholder id.
        line = {
            "partner_id": self.customer.id,
            "wechat_order_number_type": "merchant_trade_number",
            "wechat_mchid": order.wechat_mchid,
            "wechat_out_trade_no": "DRILL-SUB-1",
        }

        def linked(_result):
            sub = self.combined.sale_order_ids.filtered(
                lambda o: o.wechat_out_trade_no == "DRILL-SUB-1"
            )
            self.assertEqual(len(sub), 1)
            sub.unlink()

        self.probe(
            "System admin",
            "wechat.combined.order",
            "write",
            [self.combined.ids, {"sale_order_ids": [(0, "virtual_7", line)]}],
            ok=True,
            check=linked,
        )
        token = "t" * 512

        def kept(_result):
            self.assertEqual(self.company.sudo().wechat_authorizer_access_token, token)
            self._restore(self.company, {"wechat_authorizer_access_token": False})

        self.probe(
            "System admin",
            "res.company",
            "write",
            [self.company.ids, {"wechat_authorizer_access_token": token}],
            ok=True,
            check=kept,
        )
        self.probe(
            "System admin",
            "res.company",
            "write",
            [self.company.ids, {"wechat_authorizer_access_token": "t" * 3000}],
            ok=False,
            mentions="2048",
        )

    def test_acceptable_values_are_trimmed_and_duplicates_named(self):
        order, other = self.order, self.other_order
        number = order.wechat_out_trade_no

        def trimmed(_result):
            self.assertEqual(order.wechat_out_trade_no, "DRILL-NO-1")
            self._restore(order, {"wechat_out_trade_no": number})

        self.probe(
            "Sales user",
            "sale.order",
            "write",
            [order.ids, {"wechat_out_trade_no": "  DRILL-NO-1 "}],
            ok=True,
            check=trimmed,
        )
        self.probe(
            "Sales user",
            "sale.order",
            "write",
            [order.ids, {"wechat_out_trade_no": f" {other.wechat_out_trade_no} "}],
            ok=False,
            mentions=other.name,
        )
        self.probe(
            "Sales user",
            "sale.order",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "wechat_order_number_type": "merchant_trade_number",
                    "wechat_mchid": order.wechat_mchid,
                    "wechat_out_trade_no": f"{number}\u3000",
                }
            ],
            ok=False,
            mentions=order.name,
        )
        url = self.sandbox_url

        def url_trimmed(_result):
            self.assertEqual(self.company.sudo().wechat_api_base_url, url)

        self.probe(
            "System admin",
            "res.company",
            "write",
            [self.company.ids, {"wechat_api_base_url": f" {url}\n"}],
            ok=True,
            check=url_trimmed,
        )

    def test_imports_report_bad_values_and_import_nothing(self):
        fields = [
            "name",
            "wechat_order_number_type",
            "wechat_transaction_id",
            "wechat_payer_openid",
        ]
        rows = [
            (
                ["CB-IMPORT-1", "WeChat Pay transaction id", "4200\x00001", OPENID],
                "[268435461]",
            ),
            (
                ["CB-IMPORT-2", "WeChat Pay transaction id", "4" * 10_000, OPENID],
                "at most 256 characters",
            ),
            (
                ["CB\x00IMPORT-3", "WeChat Pay transaction id", "4200000003", OPENID],
                "invisible or control",
            ),
            (
                [
                    "CB-IMPORT-4",
                    "WeChat Pay transaction id",
                    "4200000004",
                    "not an openid!",
                ],
                "[268457014]",
            ),
        ]
        Combined = self.env["wechat.combined.order"]
        count = Combined.search_count([])
        for row, says in rows:

            def reported(answer, says=says):
                self.assertFalse(answer["ids"], "nothing imported")
                messages = " ".join(
                    message["message"] for message in answer["messages"]
                )
                self.assertIn(says, messages)
                self.assertLessEqual(len(messages), 1000)

            self.probe(
                "Inventory user",
                "wechat.combined.order",
                "load",
                [fields, [row]],
                ok=True,
                check=reported,
            )
        self.assertEqual(Combined.search_count([]), count)
