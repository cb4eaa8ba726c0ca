"""What the screens show of an upload, checked on the records behind them: the problem
code to group by, the search by delivery, the body as people read it, what Upload now
says."""

import json

from wechat_protocol import catalogue

from odoo.tests import Form, tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestScreens(WechatShippingCase):
    def _shipping_upload(self, order):
        return order.wechat_upload_ids.filtered(lambda u: u.family == "shopping_order")

    def _shipped(self, tracking):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, tracking)
        return order, self._shipping_upload(order)

    def test_problem_code_names_what_odoo_found_and_what_wechat_refused(self):
        _order, found = self._shipped("")
        _order, refused = self._shipped("SFP000000001")
        # the one call: refused's
        self.wechat.fault(
            "errcode", errcode=catalogue.UNIFIED_NEEDS_ONE_SHIPPING, count=1
        )
        self._run_cron()
        _order, accepted = self._shipped("SFP000000002")
        self._run_cron()
        self.assertEqual(
            (found.state, refused.state, accepted.state),
            ("attention", "attention", "sent"),
        )
        # Found before sending: WeChat's code for it, though WeChat never answered.
        self.assertEqual(found.problem_code, catalogue.TRACKING_NO_EMPTY)
        self.assertFalse(found.last_errmsg)
        self.assertEqual(refused.problem_code, catalogue.UNIFIED_NEEDS_ONE_SHIPPING)
        self.assertEqual(accepted.problem_code, 0)
        groups = self.Upload.read_group(
            [("id", "in", (found | refused | accepted).ids)],
            ["problem_code"],
            ["problem_code"],
        )
        self.assertEqual(
            {g["problem_code"]: g["problem_code_count"] for g in groups},
            {
                catalogue.TRACKING_NO_EMPTY: 1,
                catalogue.UNIFIED_NEEDS_ONE_SHIPPING: 1,
                0: 1,
            },
        )

    def test_search_by_a_return_name_finds_no_upload(self):
        # A return is none of the deliveries an upload shows, so searching finds none.
        order, _upload = self._shipped("SFS000000003")
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=order.picking_ids.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        self.assertEqual(returned.sale_id, order)
        self.assertFalse(self.Upload.search([("picking_ids", "ilike", returned.name)]))

    def test_search_by_delivery_name(self):
        order, upload = self._shipped("SFS000000001")
        other, _upload = self._shipped("SFS000000002")
        found = self.Upload.search([("picking_ids", "ilike", order.picking_ids.name)])
        self.assertEqual(found, order.wechat_upload_ids)
        self.assertNotIn(
            upload,
            self.Upload.search([("picking_ids", "not ilike", order.picking_ids.name)]),
        )
        self.assertIn(
            other.wechat_upload_ids[:1],
            self.Upload.search([("picking_ids", "not ilike", order.picking_ids.name)]),
        )
        self.assertEqual(upload.picking_count, 1)
        action = upload.action_view_pickings()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("stock.picking", order.picking_ids.id),
        )

    def test_body_reads_as_indented_json(self):
        _order, upload = self._shipped("SFB000000001")
        self._run_cron()
        pretty = upload.request_body_pretty
        self.assertEqual(json.loads(pretty), json.loads(upload.request_body))
        self.assertIn('\n  "', pretty)
        self.assertNotIn("\\u", pretty)  # Chinese item names read as written

    def test_upload_now_names_the_order_or_gives_the_reason(self):
        order, upload = self._shipped("SFN000000001")
        action = order.picking_ids.action_wechat_upload_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(order.name, action["params"]["message"])
        self.assertNotIn("reason", action["params"]["message"])

        order, upload = self._shipped("")
        action = order.picking_ids.action_wechat_upload_now()
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("0 of 1", params["title"])
        self.assertIn(order.name, params["message"])
        self.assertIn("Tracking number is empty", params["message"])
        self.assertIn(str(catalogue.TRACKING_NO_EMPTY), params["message"])
        chinese = order.picking_ids.with_context(lang="zh_CN")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertIn(
            "物流单号为空", chinese.action_wechat_upload_now()["params"]["message"]
        )

    def test_upload_now_stays_on_a_sent_delivery(self):
        """The README lists it there: a change nothing queued (auto-upload off, a
        product renamed) goes from there; an unchanged order says so and sends
        nothing."""
        order, upload = self._shipped("SFR000000001")
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        form = Form(order.picking_ids)
        view = form._view["tree"]
        button = view.find(".//button[@name='action_wechat_upload_now']")
        self.assertIsNotNone(button)
        self.assertNotIn("'sent'", button.get("invisible"))

    def test_opening_several_uploads_shows_them_all(self):
        order, upload = self._shipped("SFO000000001")
        self._run_cron()
        action = order.wechat_upload_ids._action_open()
        self.assertEqual(action["context"], {})
        self.assertEqual(self.Upload.search(action["domain"]), order.wechat_upload_ids)

    def _state_lines(self, upload):
        """The chatter's messages that change the state, newest first."""
        messages = self.env["mail.message"].search(
            [("model", "=", upload._name), ("res_id", "=", upload.id)]
        )
        return messages.filtered(
            lambda m: "state" in m.tracking_value_ids.field_id.mapped("name")
        )

    def test_a_failure_line_in_the_chatter_says_why(self):
        order, upload = self._shipped("")
        self.env.cr.flush()  # what a commit does: tracking lines written
        self._run_cron()
        self.env.cr.flush()
        self.assertEqual(upload.state, "attention")
        line = self._state_lines(upload)[:1]
        self.assertIn("Tracking number is empty", line.body)
        self.assertIn(str(catalogue.TRACKING_NO_EMPTY), line.body)
        # Fixed and accepted: the line that ends the failure carries no reason.
        order.picking_ids.carrier_tracking_ref = "SFC000000001"
        self._run_cron()
        self.env.cr.flush()
        self.assertEqual(upload.state, "sent")
        latest = self._state_lines(upload)[:1]
        self.assertNotEqual(latest, line)
        self.assertNotIn("Tracking number", latest.body or "")
