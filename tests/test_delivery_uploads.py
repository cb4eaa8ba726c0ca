"""A delivery's WeChat status and its buttons, and the uploads' screens, as a warehouse
clerk uses them: pressed through the web client's route (call_button), read through
its views.

A delivery shows its own shipping (nothing of the order's shopping details: "not
shipped yet" before it is done); Retry and Upload now say what happened, in the
clerk's language, naming the WeChat API where an order has several uploads, and send
nothing WeChat already holds; strict mode names each problem once with its APIs; codes
and times read as such; the Deliveries button is for those who may read deliveries."""

from datetime import timezone

from lxml import etree
from wechat_protocol import catalogue, rfc3339

from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from .common import (
    APPID,
    SECRET,
    WechatShippingHttpCase,
    read_in_chinese,
    web_client_call,
)

OSM = "Order Shipping Management"
SHOPPING = "Shopping Order"
NOTHING_HELD = "Nothing to send: WeChat already holds this shipping information"
HELD_LINE = "WeChat already holds exactly this; nothing was sent."
UPLOAD_FORM = "wechat_shipping.wechat_shipping_upload_view_form"
UPLOAD_LIST = "wechat_shipping.wechat_shipping_upload_view_list"


@tagged("post_install", "-at_install")
class TestDeliveryUploads(WechatShippingHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        read_in_chinese(cls.env, ["base", "web", "stock", "sale", "wechat_shipping"])
        cls.passwords = {}
        cls.clerk = cls._user("wechat_delivery_clerk", "stock.group_stock_user")
        # WeChat Shipping's own group, without inventory or sales rights.
        cls.watcher = cls._user(
            "wechat_delivery_watcher",
            "base.group_user,wechat_shipping.group_wechat_shipping_user",
        )

    @classmethod
    def _user(cls, login, groups):
        cls.passwords[login] = f"{login}-pw"
        return new_test_user(
            cls.env,
            login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            password=cls.passwords[login],
        )

    # ------------------------------------------------------------------ helpers

    def _rpc(self, route, model, method, args, user=None, lang="en_US"):
        """(result, error) of one call of the web client as `user` (the clerk)."""
        user = user or self.clerk
        self.authenticate(user.login, self.passwords[user.login])
        response = self.url_open(
            f"/web/dataset/{route}/{model}/{method}",
            data=web_client_call(
                model,
                method,
                args,
                {"context": {"lang": lang, "tz": "Asia/Shanghai"}},
            ),
            headers={"Content-Type": "application/json"},
        )
        answer = response.json()
        self.env.invalidate_all()
        return answer.get("result"), answer.get("error")

    def _press(self, records, method, user=None, lang="en_US"):
        """A button pressed as the web client presses it: the notification's params
        (an error fails the test)."""
        result, error = self._rpc(
            "call_button", records._name, method, [records.ids], user, lang
        )
        self.assertFalse(error, error and error["data"]["message"])
        self.assertEqual(result["tag"], "display_notification", result)
        self.assertEqual(
            result["params"]["next"],
            {"type": "ir.actions.act_window_close"},
            "the screen behind is read again: it shows the new state",
        )
        return result["params"]

    def _both_apis(self):
        self.scenario.configure(
            self.company, self.sandbox_url, APPID, SECRET, families="both"
        )

    def _paid(self, lines):
        order = self._order(lines)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        return order

    def _shipping(self, order):
        return order.wechat_upload_ids.filtered(
            lambda u: u.family != "shopping_details"
        )

    def _calls(self):
        """Every WeChat call the sandbox served, token fetches included."""
        return sum(self.wechat.stats()["requests"].values())

    def _kept(self, uploads):
        """What the upload form shows of each upload's last send."""
        return {
            upload.family: (upload.request_body, upload.upload_time, upload.sent_at)
            for upload in uploads
        }

    # ------------------------------------------------------------ the delivery

    def test_a_delivery_shows_its_own_shipping_not_the_orders_details(self):
        order = self._order([(self.tea, 2)])
        picking = order.picking_ids
        self.assertEqual(order.wechat_upload_state, "sent", "its shopping details")
        self.assertEqual(picking.wechat_upload_state, "not_shipped")
        self.assertFalse(picking.wechat_upload_id)
        self.assertFalse(picking.wechat_upload_reason)
        labels = dict(
            picking._fields["wechat_upload_state"]._description_selection(
                picking.with_context(lang="zh_CN").env
            )
        )
        self.assertEqual(labels["not_shipped"], "尚未发货")

        backorder = self._ship(picking, "SFD100000001", quantities={self.tea: 1})
        self._run_cron()
        shipping = self._shipping(order)
        self.assertEqual(
            (picking.wechat_upload_state, picking.wechat_upload_id),
            ("sent", shipping),
        )
        self.assertEqual(backorder.wechat_upload_state, "not_shipped")
        # Its smart button opens what WeChat has of the order so far.
        action, error = self._rpc(
            "call_button", "stock.picking", "action_view_wechat_upload", [backorder.ids]
        )
        self.assertFalse(error)
        self.assertEqual(self.Upload.search(action["domain"]), order.wechat_upload_ids)
        backorder.action_cancel()
        self.assertFalse(backorder.wechat_upload_state, "nothing to ship any more")

    def test_retry_on_a_delivery_still_wrong_says_why_and_keeps_the_banner(self):
        order = self._order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, "")
        self._run_cron()
        self.assertEqual(picking.wechat_upload_state, "attention")
        calls = self._shipping_requests()
        params = self._press(picking, "action_wechat_retry")
        self.assertEqual((params["type"], params["sticky"]), ("warning", True))
        self.assertEqual(params["title"], "WeChat accepted 0 of 1")
        self.assertIn(f"{order.name} (Needs Attention): ", params["message"])
        self.assertIn("Tracking number is empty", params["message"])
        self.assertIn(f"[{catalogue.TRACKING_NO_EMPTY}]", params["message"])
        self.assertEqual(
            picking.wechat_upload_state, "attention", "not Pending: the banner stays"
        )
        self.assertEqual(self._shipping_requests(), calls, "Odoo's check refused it")
        chinese = self._press(picking, "action_wechat_retry", lang="zh_CN")
        self.assertIn("物流单号为空", chinese["message"])
        self.assertIn("需要处理", chinese["message"])

    def test_retry_after_the_fix_sends_at_once_and_says_so(self):
        sf = self.carrier.wechat_express_company_id
        self.carrier.wechat_express_company_id = False
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFD100000002")
        self._run_cron()
        self.assertEqual(order.picking_ids.wechat_upload_state, "attention")
        self.carrier.wechat_express_company_id = sf
        params = self._press(order.picking_ids, "action_wechat_retry")
        self.assertEqual(
            (params["type"], params["title"]),
            ("success", "WeChat accepted the shipping information"),
        )
        self.assertEqual(params["message"], f"{order.name}: WeChat accepted it.")
        self.assertEqual(order.picking_ids.wechat_upload_state, "sent")
        self.assertEqual(
            self._received()[-1]["shipping_list"][0]["express_company"], "SF"
        )

    def test_retry_refused_by_wechat_gives_wechats_reason(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFD100000003")
        # a token first, so that the faults below hit the shipping calls
        self.company._wechat_client().token_source.token()
        self.wechat.fault("errcode", count=2, errcode=catalogue.MCHID_INVALID)
        self._run_cron()
        self.assertEqual(order.picking_ids.wechat_upload_state, "attention")
        params = self._press(order.picking_ids, "action_wechat_retry")
        self.assertEqual(params["type"], "warning")
        self.assertIn(f"[{catalogue.MCHID_INVALID}]", params["message"])
        self.assertEqual(order.picking_ids.wechat_upload_state, "attention")

    def test_retry_while_the_job_sends_says_the_job_has_it(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "")
        self._run_cron()
        upload = self._shipping(order)
        self.Upload.sudo()._claim(upload.ids, batch_size=1)
        self.assertEqual(upload.state, "sending")
        params = self._press(upload, "action_retry")
        self.assertEqual(params["type"], "info")
        self.assertEqual(
            params["message"],
            f"{order.name}: the upload job is sending it right now; reload the "
            "screen in a moment to see how it went.",
        )

    def test_upload_now_on_an_unchanged_order_sends_nothing_and_says_so(self):
        self._both_apis()
        order = self._paid([(self.tea, 1)])
        self._ship(order.picking_ids, "SFD100000004")
        self._run_cron()
        uploads = self._shipping(order)
        self.assertEqual(
            set(uploads.mapped("state")), {"sent"}, uploads.mapped("reason")
        )
        kept, calls = self._kept(uploads), self._calls()
        params = self._press(order.picking_ids, "action_wechat_upload_now")
        self.assertEqual((params["type"], params["title"]), ("info", NOTHING_HELD))
        self.assertEqual(
            sorted(params["message"].splitlines()),
            [
                f"{order.name} ({OSM}): {HELD_LINE}",
                f"{order.name} ({SHOPPING}): {HELD_LINE}",
            ],
        )
        self.assertEqual(self._calls(), calls, "nothing reached WeChat")
        self.assertEqual(self._kept(uploads), kept, "the form shows the last send")
        for upload in uploads:
            self.assertEqual(self._body(upload)["upload_time"], upload.upload_time)
        # The job queued again (a carrier written over with the same one) sends nothing
        # either.
        order.picking_ids.carrier_id = self.carrier
        self.assertEqual(set(uploads.mapped("state")), {"pending"})
        self._run_cron()
        self.assertEqual(set(uploads.mapped("state")), {"sent"})
        self.assertEqual((self._calls(), self._kept(uploads)), (calls, kept))
        chinese = self._press(
            order.picking_ids, "action_wechat_upload_now", lang="zh_CN"
        )
        self.assertIn("发货信息管理", chinese["message"])
        self.assertIn("购物订单", chinese["message"])

        # A changed tracking number goes, both APIs saying so.
        order.picking_ids.carrier_tracking_ref = "SFD100000005"
        params = self._press(order.picking_ids, "action_wechat_upload_now")
        self.assertEqual(
            (params["type"], params["title"]),
            ("success", "WeChat accepted the shipping information"),
        )
        self.assertEqual(
            sorted(params["message"].splitlines()),
            [
                f"{order.name} ({OSM}): WeChat accepted it.",
                f"{order.name} ({SHOPPING}): WeChat accepted it.",
            ],
        )
        for upload in uploads:
            self.assertLater(upload.upload_time, kept[upload.family][1])
            self.assertEqual(self._body(upload)["upload_time"], upload.upload_time)
        self.assertEqual(
            self._received()[-1]["shipping_list"][0]["tracking_no"], "SFD100000005"
        )

    def test_upload_now_with_nothing_to_send_says_so(self):
        plain = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.tea.id})],
            }
        )
        plain.action_confirm()
        empty = self._combined()
        for records in (plain, empty):
            params = self._press(records, "action_wechat_upload_now")
            self.assertEqual(
                (params["type"], params["title"]), ("info", "Nothing to send to WeChat")
            )
            self.assertIn("no", params["message"].lower())
            self.assertNotIn("accepted", params["title"])
        chinese = self._press(plain, "action_wechat_upload_now", lang="zh_CN")
        self.assertEqual(chinese["title"], "没有要上传到微信的内容")

    # ------------------------------------------------------------- strict mode

    def test_strict_mode_names_each_problem_once_with_its_apis(self):
        self._both_apis()
        self.company.wechat_strict_mode = True
        order = self._order([(self.tea, 1)])
        picking = order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        _result, error = self._rpc(
            "call_button", "stock.picking", "button_validate", [picking.ids]
        )
        message = error["data"]["message"]
        self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
        self.assertEqual(message.count("Tracking number is empty"), 1, message)
        self.assertIn(f"{OSM} / {SHOPPING}: {picking.name}: Tracking number", message)
        self.assertNotEqual(picking.state, "done")

    # ------------------------------------------------------------- the uploads

    def test_times_and_codes_read_as_such(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFD100000006")
        self._run_cron()
        upload = self._shipping(order)
        moment = rfc3339.parse_rfc3339(upload.upload_time)
        self.assertEqual(
            upload.upload_time_at,
            moment.astimezone(timezone.utc).replace(tzinfo=None),
        )
        self.assertEqual(moment.utcoffset().total_seconds(), 8 * 3600, "Beijing time")
        form = self._arch(UPLOAD_FORM, "form")
        for name in ("problem_code", "last_errcode"):
            [field] = form.xpath(f"//field[@name='{name}']")
            self.assertIn("'enable_formatting': false", field.get("options"), name)
        [shown] = form.xpath("//field[@name='upload_time_at']")
        self.assertIsNone(shown.get("invisible"), "the time, not the wire text alone")
        listing = self._arch(UPLOAD_LIST, "list")
        [code] = listing.xpath("//field[@name='problem_code']")
        self.assertIn("'enable_formatting': false", code.get("options"))

    def _arch(self, xmlid, view_type, user=None):
        view = self.env.ref(xmlid)
        arch = self.Upload.with_user(user or self.clerk).get_view(view.id, view_type)[
            "arch"
        ]
        return etree.fromstring(arch)

    def test_deliveries_button_is_for_those_who_read_deliveries(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFD100000007")
        upload = self._shipping(order)
        for user, shown in ((self.clerk, True), (self.watcher, False)):
            form = self._arch(UPLOAD_FORM, "form", user)
            buttons = form.xpath("//button[@name='action_view_pickings']")
            self.assertEqual(bool(buttons), shown, user.login)
            # The form and the list open for both, with the fields their views read.
            for xmlid, view_type in ((UPLOAD_FORM, "form"), (UPLOAD_LIST, "list")):
                names = {
                    node.get("name")
                    for node in self._arch(xmlid, view_type, user).iter("field")
                }
                deliveries = names & {"picking_ids", "picking_count"}
                self.assertEqual(bool(deliveries), shown, (user.login, xmlid))
                _result, error = self._rpc(
                    "call_kw",
                    "wechat.shipping.upload",
                    "read",
                    [upload.ids, sorted(names)],
                    user,
                )
                self.assertFalse(error, (user.login, xmlid, error))
        action, error = self._rpc(
            "call_button",
            "wechat.shipping.upload",
            "action_view_pickings",
            [upload.ids],
        )
        self.assertFalse(error)
        self.assertEqual(action["res_id"], order.picking_ids.id)
