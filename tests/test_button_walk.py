"""Every object button of the addon's views, pressed the way the web client presses it.

The buttons are discovered, not listed: every primary form, list and kanban view of a
model the addon defines or extends is read with the addon installed (its inherited
views combined in), and a `<button type="object">` is the addon's when the addon's own
view archs name it or when the addon defines or overrides its method. Each is pressed
through Odoo's `/web/dataset/call_button` route with a session, as the web client does
(web/static/src/webclient/actions/action_service.js, doActionButton): a list-header
button with the selected ids (each record alone, two, all) and with none when it has
`display="always"`; a list-row, kanban or form button with one record, on every record
made for its model, those for which its `invisible` hides it included. Every press is
made by the administrator and by users of the addon's groups, and rolled back after
(each one starts from the same records; the sandbox keeps what it was sent).

A press passes when it answers an action, a notification or nothing, or a clear
refusal: a UserError, ValidationError, AccessError or RedirectWarning with a short
message without anything of Python in it, which, pressed again in Simplified Chinese,
comes in Chinese. Anything else (TypeError, KeyError, MissingError...) or an ERROR
logged fails the test, which lists every failing press at once."""

import ast
import contextlib
import json
import logging
import re
import time
from collections import defaultdict
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..demo.scenario import MCHID, OPENID
from .common import WechatShippingHttpCase

_logger = logging.getLogger(__name__)

ADDON = "wechat_shipping"
ADDON_MODULE = f"odoo.addons.{ADDON}."
VIEW_TYPES = ("form", "list", "kanban")
REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.RedirectWarning",
}
MAX_MESSAGE = 1000
REPR_MARKS = ("Traceback", 'File "', "object at 0x", "<class", "psycopg2", "\\x")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Who presses: the administrator, and a user of each kind the addon's groups reach.
ROLES = {
    "admin": None,
    "WeChat shipping user": "base.group_user,"
    "wechat_shipping.group_wechat_shipping_user",
    "Sales user": "sales_team.group_sale_salesman",
    "Inventory user": "stock.group_stock_user",
}
EVAL_NAMES = {"context", "uid", "parent", "True", "False", "None"}


# ------------------------------------------------------------------------ discovery


def addon_models(env):
    """The models the addon defines or extends."""
    return sorted(
        name
        for name in env.registry
        if any(
            cls.__module__.startswith(ADDON_MODULE) for cls in type(env[name]).__mro__
        )
    )


def addon_method(env, model, method):
    """Whether the addon defines or overrides `method` of `model`."""
    return any(
        method in vars(cls) and cls.__module__.startswith(ADDON_MODULE)
        for cls in type(env[model]).__mro__
    )


def own_buttons(env):
    """The object buttons the addon's own views (primary and inherited) name, as
    (model, method, view xml id)."""
    found = set()
    for data in env["ir.model.data"].search(
        [("module", "=", ADDON), ("model", "=", "ir.ui.view")]
    ):
        view = env["ir.ui.view"].browse(data.res_id)
        for node in etree.fromstring(view.arch_db).iter("button"):
            if node.get("type") == "object":
                found.add((view.model, node.get("name"), data.complete_name))
    return found


def primary_views(env, models):
    """The primary views in which the web client shows records of `models`."""
    return env["ir.ui.view"].search(
        [("model", "in", models), ("mode", "=", "primary"), ("type", "in", VIEW_TYPES)],
        order="model, id",
    )


def _hidden_by(node):
    expression = (node.get("invisible") or "").strip()
    return () if expression in ("", "0", "False") else (expression,)


def _comodel(env, model, field_name):
    field = env[model]._fields.get(field_name)
    return field.comodel_name if field is not None and field.relational else None


def _walk(env, node, model, kind, hidden, sink):
    """Report (model, button node, kind, invisible expressions) of every button under
    `node`, a part of a view of `model` whose buttons are of `kind` (form, row or
    header); x2many fields' inline views and list groupbys belong to their comodel."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        exprs = hidden + _hidden_by(child)
        if child.tag == "button":
            sink(model, child, kind, exprs)
        elif child.tag in ("field", "groupby") and (
            child.tag == "groupby" or any(sub.tag in VIEW_TYPES for sub in child)
        ):
            comodel = _comodel(env, model, child.get("name"))
            if comodel is None:
                continue
            if child.tag == "groupby":
                _walk(env, child, comodel, "row", (), sink)
            for sub in child:
                if sub.tag in VIEW_TYPES:
                    _walk(env, sub, comodel, _root_kind(sub.tag), (), sink)
        elif child.tag == "header" and kind == "row":
            _walk(env, child, model, "header", exprs, sink)
        else:
            _walk(env, child, model, kind, exprs, sink)


def _root_kind(tag):
    return "form" if tag == "form" else "row"


def discover(env):
    """The addon's object buttons, {(model, method, kind): {"views", "always",
    "occurrences" (the invisible expressions of each place it sits), "args",
    "context", "addon_views"}}, and those its own views name."""
    own = own_buttons(env)
    own_names = {(model, method) for model, method, _view in own}
    models = sorted(set(addon_models(env)) | {model for model, _m, _v in own})
    buttons = {}
    for view in primary_views(env, models):
        arch = env[view.model].get_view(view.id, view.type)["arch"]

        def sink(model, node, kind, exprs, view=view):
            method = node.get("name")
            if node.get("type") != "object" or not method:
                return
            if (model, method) not in own_names and not (
                model in env and addon_method(env, model, method)
            ):
                return
            button = buttons.setdefault(
                (model, method, kind),
                {"views": set(), "always": False, "occurrences": [], "args": None},
            )
            button["views"].add(view.xml_id or f"ir.ui.view({view.id})")
            button["always"] |= node.get("display") == "always"
            button["occurrences"].append(exprs)
            button["args"] = button["args"] or node.get("args")
            button["context"] = button.get("context") or node.get("context")

        root = etree.fromstring(arch)
        _walk(env, root, view.model, _root_kind(root.tag), _hidden_by(root), sink)
    for (model, method, _kind), button in buttons.items():
        button["addon_views"] = sorted(
            view for m, name, view in own if (m, name) == (model, method)
        )
    return buttons, own


# ----------------------------------------------------------------------- visibility


def _view_value(record, name):
    """A field's value as the web client's record gives it to view expressions."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.id or False
    if field.type in ("one2many", "many2many"):
        return value.ids
    if field.type in ("date", "datetime"):
        return fields.Datetime.to_string(value) if value else False
    return value


def hidden_on(record, expression):
    """Whether `expression` (an `invisible`) holds for `record`: True, False, or
    None when it cannot be told."""
    try:
        names = {
            node.id
            for node in ast.walk(ast.parse(expression, mode="eval"))
            if isinstance(node, ast.Name)
        } - EVAL_NAMES
        values = {name: _view_value(record, name) for name in names}
        values.update(context={}, uid=record.env.uid, parent={})
        return bool(safe_eval(expression, values))
    except Exception:  # an expression the web client alone can read
        return None


def visible_on(record, occurrences):
    """True when one place of the button shows it for `record`, False when none does,
    None when that cannot be told."""
    verdicts = []
    for exprs in occurrences:
        hidden = [hidden_on(record, expr) for expr in exprs]
        verdicts.append(False if True in hidden else None if None in hidden else True)
    return True if True in verdicts else None if None in verdicts else False


# --------------------------------------------------------------------------- test


@tagged("post_install", "-at_install")
class TestButtonWalk(WechatShippingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("zh_CN")
        installed = env["ir.module.module"].search([("state", "=", "installed")])
        env["ir.module.module"]._load_module_terms(installed.mapped("name"), ["zh_CN"])
        cls.users, cls.passwords = {}, {}
        for index, (role, groups) in enumerate(ROLES.items()):
            if groups is None:
                cls.users[role] = env.ref("base.user_admin")
                cls.passwords[role] = "admin"
                continue
            login = f"button_walk_{index}"
            cls.users[role] = new_test_user(
                env,
                login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
                password=f"{login}-pw",
            )
            cls.passwords[role] = f"{login}-pw"

    def setUp(self):
        super().setUp()
        self._log_in_each_role()
        self.calls = 0

    # ---------------------------------------------------------------- the records

    def _records(self):
        """{model: [(label, record)]}: the records the buttons are pressed on, made as
        the addon's users make them (the sandbox was reset by setUp); the sales user
        is their salesperson."""
        self.salesman = self.users["Sales user"]
        orders = self._orders()
        Upload = self.env["wechat.shipping.upload"]
        uploads = {}
        for upload in Upload.search([("company_id", "=", self.company.id)]):
            uploads.setdefault(f"{upload.family} upload, {upload.state}", upload)
        sf = self.carrier.wechat_express_company_id
        express = sf | sf.search([("id", "!=", sf.id)], limit=1)
        lines = self._reconciliation_lines(orders)
        return {
            "sale.order": list(orders.items()),
            "stock.picking": [
                (f"delivery of {label}", order.picking_ids[:1])
                for label, order in orders.items()
                if order.picking_ids
            ],
            "wechat.shipping.upload": sorted(uploads.items()),
            "wechat.combined.order": [
                ("combined order with a shipped sub-order", self.combined),
                ("combined order without sale orders", self.scenario.combined()),
            ],
            "wechat.reconciliation.line": lines,
            "wechat.payment.link": [
                (
                    f"link dialog choosing {label}",
                    self.env["wechat.payment.link"].create(
                        {"line_id": lines[0][1].id, "sale_order_id": orders[label].id}
                    ),
                )
                for label in ("sale order without WeChat key", "WeChat quotation")
            ],
            "wechat.express.company": [(f"[{e.code}]", e) for e in express],
            # Models the addon extends that show none of its buttons today.
            "delivery.carrier": [("SF carrier", self.carrier)],
            "product.product": [("product", self.tea)],
            "res.company": [("company", self.company)],
        }

    def _paid(self, lines, **key):
        order = self._order(lines, user_id=self.salesman.id, **key)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        return order

    def _orders(self):
        tea, cup = self.tea, self.cup
        shipped = self._paid([(tea, 1)])
        self._ship(shipped.picking_ids, "SFW000000001")
        refused = self._paid([(cup, 1)])
        self._ship(refused.picking_ids, "")
        self.combined = self._combined()
        sub = self._order(
            [(cup, 1)],
            combined=self.combined,
            wechat_payer_openid=False,
            user_id=self.salesman.id,
        )
        self._ship(sub.picking_ids, "SFW000000002")
        self._run_cron()
        retrying = self._paid([(tea, 1)])
        self._ship(retrying.picking_ids, "SFW000000003")
        self.wechat.fault("errcode", count=1, errcode=-1)
        self._run_cron()
        pending = self._paid([(tea, 2)])
        self._ship(pending.picking_ids, "SFW000000004")
        dated = self._paid(
            [(cup, 2)], commitment_date=fields.Datetime.now() + timedelta(days=20)
        )
        unshipped = self._paid([(tea, 3)])
        # What WeChat's order list says of the two unshipped payments (the state sync
        # follows Order Shipping Management companies; this one uploads Shopping
        # Orders).
        (dated | unshipped)._wechat_take_state(
            {
                "wechat_order_state": "awaiting_shipment",
                "wechat_state_since": fields.Datetime.now(),
            }
        )
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no="WXUNKNOWN0001")
        orders = {
            "WeChat order shipped, WeChat has it": shipped,
            "WeChat order shipped without tracking number": refused,
            "WeChat order shipped, WeChat busy": retrying,
            "WeChat order shipped, upload pending": pending,
            "sub-order of a combined payment, shipped": sub,
            "WeChat order paid, not shipped, with a delivery date": dated,
            "WeChat order paid, not shipped": unshipped,
            "WeChat quotation": self._quotation(),
            "sale order without WeChat key": self._plain_order(),
        }
        states = {label: order.wechat_upload_state for label, order in orders.items()}
        self.assertEqual(
            [states[label] for label in list(orders)[:4]],
            ["sent", "attention", "retrying", "pending"],
            states,
        )
        return orders

    def _quotation(self):
        """A quotation with its WeChat key, not confirmed yet."""
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "carrier_id": self.carrier.id,
                "wechat_order_number_type": "merchant_trade_number",
                "wechat_mchid": MCHID,
                "wechat_out_trade_no": "WXQUOTE0001",
                "wechat_payer_openid": OPENID,
                "order_line": [(0, 0, {"product_id": self.cup.id})],
            }
        )

    def _plain_order(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "order_line": [(0, 0, {"product_id": self.tea.id})],
            }
        )
        order.action_confirm()
        return order

    def _reconciliation_lines(self, orders):
        Line = self.env["wechat.reconciliation.line"].sudo()
        base = {"company_id": self.company.id, "mchid": MCHID, "paid_amount": 1.0}
        base["paid_at"] = fields.Datetime.now() - timedelta(hours=1)
        unshipped = orders["WeChat order paid, not shipped"]
        refused = orders["WeChat order shipped without tracking number"]
        rows = [
            ("unknown", {"merchant_trade_no": "WXUNKNOWN0001"}),
            ("not_shipped", {"sale_order_id": unshipped.id}),
            ("not_in_wechat", {"sale_order_id": refused.id}),
            ("not_in_wechat", {"combined_order_id": self.combined.id}),
        ]
        return [
            (
                f"reconciliation line {kind} {sorted(vals)[0]}",
                Line.create({**base, "kind": kind, **vals}).sudo(False),
            )
            for kind, vals in rows
        ]

    def _settings(self, role):
        """A settings record as the Settings screen makes it for `role` (saved before
        its button is pressed), else the administrator's."""
        for who in (role, "admin"):
            result, error = self._call(
                who,
                "call_kw",
                "res.config.settings",
                "web_save",
                [[], {}],
                {"specification": {}},
            )
            if not error:
                return [(f"settings saved by {who}", result[0]["id"])]
        raise AssertionError(f"no settings record: {error}")

    # ---------------------------------------------------------------- the presses

    def _call(self, role, route, model, method, args, kwargs=None, context=None):
        """(result, error) of one JSON-RPC call of the web client as `role`, in
        English unless `context` says otherwise."""
        user = self.users[role]
        context = {
            "lang": "en_US",
            "tz": "Asia/Shanghai",
            "uid": user.id,
            "allowed_company_ids": self.company.ids,
            **(context or {}),
        }
        self.calls += 1
        response = self.openers[role].post(
            f"{self.base_url()}/web/dataset/{route}/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": self.calls,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": {**(kwargs or {}), "context": context},
                },
            },
            timeout=120,
        )
        if response.status_code != 200:
            return None, {"data": {"name": f"HTTP {response.status_code}"}}
        answer = response.json()
        return answer.get("result"), answer.get("error")

    def _press(self, role, model, method, args, context, lang="en_US"):
        """One press by a user whose language is `lang` (the web client sends it in
        the context; Odoo also words some refusals in the user's own language),
        rolled back after: (result, error, ERROR lines logged)."""
        logged = len(self.errors.records)
        context = {**context, "lang": lang}
        with contextlib.closing(self.env.cr.savepoint()):
            self.users[role].lang = lang
            result, error = self._call(
                role, "call_button", model, method, args, None, context
            )
        self.env.invalidate_all()
        self.registry.clear_cache()
        return result, error, self.errors.records[logged:]

    def _presses(self, button, records):
        """(how, args, visible) of the web client's presses of `button` on
        `records` ([(label, id-or-record)])."""
        model, method, kind = button["key"]
        extra = json.loads(button["args"].replace("'", '"')) if button["args"] else []
        ids = [getattr(record, "id", record) for _label, record in records]
        if kind == "header":
            presses = [
                (f"list header, {label} selected", [[id_]], True)
                for (label, _r), id_ in zip(records, ids, strict=True)
            ]
            if len(ids) > 1:
                presses.append(("list header, two selected", [ids[:2]], True))
            if len(ids) > 2:
                presses.append((f"list header, all {len(ids)} selected", [ids], True))
            if button["always"]:
                presses.append(("list header, none selected", [[]], True))
        else:
            where = "form" if kind == "form" else "list row"
            presses = [
                (
                    f"{where} button on {label}",
                    [[id_]],
                    visible_on(record, button["occurrences"])
                    if hasattr(record, "_fields")
                    else True,
                )
                for (label, record), id_ in zip(records, ids, strict=True)
            ]
        return [(how, args + extra, visible) for how, args, visible in presses]

    def _judge(self, role, call, outcome, context):
        """What is wrong with one press's outcome, if anything."""
        result, error, logged = outcome
        data = (error or {}).get("data") or {}
        name, message = data.get("name"), data.get("message") or ""
        if error and name not in REFUSALS:
            return f"{name}: {message[:300]}{self._where(data)}"
        if logged:
            return f"{name or 'answered'}, with an error logged: {logged}"
        if not error:
            ok = result in (False, None) or (
                isinstance(result, dict)
                and str(result.get("type", "")).startswith("ir.actions.")
            )
            return None if ok else f"answered {str(result)[:200]}"
        marks = [mark for mark in REPR_MARKS if mark in message]
        if not message.strip() or len(message) > MAX_MESSAGE or marks:
            return f"unclear refusal {name}: {message[:300]!r}"
        return self._translated(role, call, context, name, message)

    @staticmethod
    def _where(data):
        """The last frame of a crash's traceback."""
        frames = re.findall(
            r'File "([^"]+)", line (\d+), in (\w+)', data.get("debug", "")
        )
        ours = [frame for frame in frames if f"/{ADDON}/" in frame[0]]
        if not frames:
            return ""
        path, line, function = (ours or frames)[-1]
        return f" (at {path.split('/addons/')[-1]}:{line} in {function})"

    def _translated(self, role, call, context, name, message):
        """Pressed again in Simplified Chinese, the refusal comes in Chinese."""
        model, method, args = call
        key = (role, model, method, name, message)
        if key in self.checked:
            return self.checked[key]
        _result, error, _logged = self._press(
            role, model, method, json.loads(args), context, "zh_CN"
        )
        data = (error or {}).get("data") or {}
        zh = data.get("message") or ""
        self.report.append(f"    {role} in zh_CN: {data.get('name')}: {zh[:160]!r}")
        verdict = None
        if error and data.get("name") not in REFUSALS:
            verdict = f"in Chinese, {data.get('name')}: {zh[:300]}{self._where(data)}"
        elif error and (not CJK.search(zh) or zh == message):
            verdict = f"untranslated refusal {name}: {zh[:300]!r}"
        self.checked[key] = verdict
        return verdict

    # ------------------------------------------------------------------ the tests

    def test_discovery_finds_every_button_of_the_addons_views(self):
        """Every object button the addon's own view archs name is found in a combined
        view, and the walk has list-header buttons shown with no selection too."""
        buttons, own = discover(self.env)
        found = {(model, method) for model, method, _kind in buttons}
        missing = {(m, name, view) for m, name, view in own if (m, name) not in found}
        self.assertFalse(missing, "buttons of the addon's views not discovered")
        self.assertTrue(
            any(
                kind == "header" and b["always"]
                for (_m, _n, kind), b in buttons.items()
            )
        )

    def test_every_button_pressed_as_the_web_client_does(self):
        started = time.monotonic()
        buttons, _own = discover(self.env)
        records = self._records()
        self.checked, self.failures, self.report = {}, [], []
        self.shown = defaultdict(list)
        for role in ROLES:
            models = dict(records, **{"res.config.settings": self._settings(role)})
            self._walk_role(role, buttons, models)
        for (model, method, kind), verdicts in sorted(self.shown.items()):
            if True not in verdicts:
                self.failures.append(
                    f"{model}.{method} ({kind}): pressed on no record that shows it "
                    f"(as admin: {verdicts})"
                )
        views = set().union(*(b["views"] for b in buttons.values()))
        _logger.info(
            "button walk: %d buttons on %d views, %d presses, %d calls, %.0f s\n%s",
            len(buttons),
            len(views),
            sum(1 for entry in self.report if not entry.startswith("    ")),
            self.calls,
            time.monotonic() - started,
            "\n".join(
                [
                    f"{m}.{n} ({k}{', always' if b['always'] else ''}): "
                    f"{sorted(b['views'])} from {b['addon_views'] or 'an override'}"
                    for (m, n, k), b in sorted(buttons.items())
                ]
                + self.report
            ),
        )
        if self.failures:
            self.fail(
                f"{len(self.failures)} presses fail:\n" + "\n".join(self.failures)
            )

    def _walk_role(self, role, buttons, models):
        """Every press of every button as `role`; an identical call is made once."""
        done = {}
        for (model, method, kind), button in sorted(buttons.items()):
            button["key"] = (model, method, kind)
            if not models.get(model):
                self.failures.append(f"{model}.{method} ({kind}): no record to press")
                continue
            context = button_context(button)
            for how, args, visible in self._presses(button, models[model]):
                call = (model, method, json.dumps(args))
                if role == "admin":
                    self.shown[(model, method, kind)].append(visible)
                if call in done:
                    outcome, problem = done[call]
                    self.report.append(line(role, model, method, how, visible, outcome))
                else:
                    outcome = self._press(role, model, method, args, context)
                    self.report.append(line(role, model, method, how, visible, outcome))
                    problem = self._judge(role, call, outcome, context)
                    done[call] = (outcome, problem)
                if problem:
                    self.failures.append(f"{role}: {model}.{method} {how}: {problem}")


def button_context(button):
    """A button's `context` when it is a literal (the web client adds it)."""
    try:
        context = ast.literal_eval(button.get("context") or "{}")
    except (ValueError, SyntaxError):
        return {}
    return context if isinstance(context, dict) else {}


def line(role, model, method, how, visible, outcome):
    """One press as the report lists it."""
    result, error, _logged = outcome
    if error:
        data = error.get("data") or {}
        said = f"{data.get('name')}: {(data.get('message') or '')[:160]!r}"
    elif isinstance(result, dict):
        params = result.get("params") or {}
        said = " ".join(
            str(part)
            for part in (
                result.get("type"),
                result.get("tag") or result.get("res_model") or "",
                result.get("res_id") or "",
                repr(f"{params.get('title')}: {params.get('message')}"[:160])
                if params
                else "",
            )
        )
    else:
        said = repr(result)
    shown = {True: "shown", False: "hidden", None: "shown?"}[visible]
    return f"  {role}: {model}.{method} {how} [{shown}] -> {said}"
