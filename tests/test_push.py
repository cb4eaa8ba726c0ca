"""WeChat's message push into Odoo: the sandbox pushes real signed (and in safe mode
encrypted) events over HTTP to the company's push URL; bad pushes are refused and change
nothing."""

import base64
import json
import time
from datetime import timedelta

import requests
from wechat_protocol import endpoints, push
from wechat_protocol.push import encode_body as encode

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..demo.scenario import MCHID, OPENID
from .common import APPID, WechatPushCase

TOKEN, KEY = WechatPushCase.PUSH_TOKEN, WechatPushCase.PUSH_KEY


@tagged("post_install", "-at_install")
class TestPush(WechatPushCase):
    def _paid_order(self, lines, **payment):
        order = self._order(lines)
        self.wechat.pay(
            OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no, **payment
        )
        return order

    def _awaiting_settlement(self):
        """The orders of the graph *WeChat Funds Awaiting Settlement*, grouped by day as
        it shows them."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "wechat_shipping.sale_order_action_wechat_settlement"
        )
        domain = safe_eval(action["domain"])
        groups = self.env["sale.order"].read_group(
            domain, ["amount_total:sum"], ["wechat_estimated_settlement_at:day"]
        )
        self.assertTrue(all(group["amount_total"] is not None for group in groups))
        return self.env["sale.order"].search(domain)

    def test_url_check_answers_echostr(self):
        query = {
            **push.push_query(self.settings, int(time.time()), "abc"),
            "echostr": "7788990011",
        }
        answer = requests.get(self.url, params=query, timeout=10)
        self.assertEqual((answer.status_code, answer.text), (200, "7788990011"))
        query["signature"] = "0" * 40
        self.assertEqual(
            requests.get(self.url, params=query, timeout=10).status_code, 403
        )

    def test_shipped_receipt_and_settlement_reach_the_order_at_once_and_twice_as_once(
        self,
    ):
        order = self._paid_order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFP000000001")
        # What this transaction has still to compute is computed now: later, it would
        # be computed from the state it read before the push changed it.
        self.env.flush_all()
        self._run_cron()
        self.assertEqual([p["status"] for p in self.wechat.pushes()], [200])
        self.assertEqual(self._state(order), "shipped")
        self.assertTrue(order.wechat_estimated_settlement_at)
        self.assertIn(
            order,
            self._awaiting_settlement(),
            "in the graph of funds WeChat holds, on its day",
        )
        key = {"mchid": MCHID, "out_trade_no": order.wechat_out_trade_no}
        self.wechat.order_event("confirm_receipt", **key)
        self.assertEqual(self._state(order), "receipt_confirmed")
        self.wechat.order_event("settle", **key)
        self.assertEqual(self._state(order), "trade_complete")
        self.assertTrue(order.wechat_settled_at)
        self.assertNotIn(order, self._awaiting_settlement())
        messages, written = len(order.message_ids), order.write_date
        self.assertEqual(
            self.wechat.replay_push(-1)["status"], 200, "a repeated event is answered"
        )
        self.assertEqual(
            self.wechat.replay_push(0)["status"], 200, "an older event too"
        )
        self.assertEqual(self._state(order), "trade_complete", "and changes nothing")
        self.assertEqual(
            (len(order.message_ids), order.write_date), (messages, written)
        )

    def test_xml_in_plain_mode_and_the_48_hour_reminder_schedules_one_activity(self):
        self.company.wechat_push_aes_key = False
        self.wechat.push_to(self.url, TOKEN, fmt="xml")
        order = self._paid_order([(self.cup, 1)])
        self.wechat.order_event(
            "remind_shipping", mchid=MCHID, out_trade_no=order.wechat_out_trade_no
        )
        self.wechat.replay_push(-1)
        self.assertEqual(self._state(order), "awaiting_shipment")
        reminders = order.activity_ids.filtered(
            lambda a: "48 hours" in (a.summary or "")
        )
        self.assertEqual(len(reminders), 1, "the same reminder twice is one activity")
        self.assertEqual(
            reminders.user_id, order.user_id or self.env.ref("base.user_admin")
        )

    def test_with_pushes_off_one_sync_run_brings_the_state(self):
        self.wechat.push_to(None, TOKEN)
        # Paid three days ago: out of the last day's order list, asked one by one
        # (get_order).
        days_ago = int(time.time()) - 3 * 86400
        shipped, waiting = (
            self._paid_order([(product, 1)], paid_at=days_ago)
            for product in (self.tea, self.cup)
        )
        self._ship(shipped.picking_ids, "SFP000000002")
        self._run_cron()
        self.wechat.order_event(
            "settle", mchid=MCHID, out_trade_no=shipped.wechat_out_trade_no
        )
        self.assertFalse(self._state(shipped), "no push: Odoo does not know yet")
        calls = self.wechat.stats()["requests"].get(endpoints.OSM_GET_ORDER, 0)
        self._sync_states()
        self.assertEqual(
            (self._state(shipped), self._state(waiting)),
            ("trade_complete", "awaiting_shipment"),
        )
        self.assertEqual(
            self.wechat.stats()["requests"][endpoints.OSM_GET_ORDER] - calls, 2
        )
        self._sync_states()
        self.assertEqual(
            self.wechat.stats()["requests"][endpoints.OSM_GET_ORDER] - calls,
            3,
            "a settled order is not asked again",
        )
        self.assertEqual([p for p in self.wechat.pushes()], [])

    def test_check_connection_says_the_answers_in_words_and_only_for_administrators(
        self,
    ):
        self.wechat.reset()
        settings = self.env["res.config.settings"].create({})
        message = settings.action_wechat_check_connection()["params"]["message"]
        self.assertIn(f"access token for AppID {APPID}", message)
        self.assertIn("WeChat manages this Mini Program's trades", message)
        self.assertIn("confirmation is", message)
        self.company.wechat_app_secret = "not-the-secret"
        message = (
            self.env["res.config.settings"]
            .create({})
            .action_wechat_check_connection()["params"]["message"]
        )
        self.assertIn("AppSecret is wrong", message)
        self.assertNotIn("not-the-secret", message)
        calls = sum(self.wechat.stats()["requests"].values())
        clerk = new_test_user(
            self.env, "check_clerk", groups="base.group_user,base.group_erp_manager"
        )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(clerk).create(
                {}
            ).action_wechat_check_connection()
        self.assertEqual(
            sum(self.wechat.stats()["requests"].values()),
            calls,
            "refused before any call",
        )

    def test_the_recent_order_list_brings_the_states_in_a_call_per_page(self):
        self.wechat.push_to(None, TOKEN)
        orders = self._paid_order([(self.tea, 1)]) | self._paid_order([(self.cup, 1)])
        for order in orders:
            self._ship(order.picking_ids, f"SFP{order.id:09d}")
        self._run_cron()
        self.wechat.order_event(
            "settle", mchid=MCHID, out_trade_no=orders[0].wechat_out_trade_no
        )
        # The job of every 5 minutes, as the scheduler runs it.
        self.env.ref(
            "wechat_shipping.ir_cron_wechat_payment_match"
        ).method_direct_trigger()
        self.assertEqual(
            [self._state(order) for order in orders], ["trade_complete", "shipped"]
        )
        self.assertEqual(
            orders.mapped("wechat_transaction_id"),
            [p["transaction_id"] for p in self.wechat.payments()],
            "each order learnt its payment's transaction id",
        )
        requests_made = self.wechat.stats()["requests"]
        self.assertEqual(requests_made.get(endpoints.OSM_GET_ORDER_LIST), 1)
        self.assertNotIn(endpoints.OSM_GET_ORDER, requests_made)

    def test_the_buyer_is_reminded_to_confirm_receipt_once(self):
        order = self._paid_order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, "SFP000000003")
        self._run_cron()
        time.sleep(1)  # WeChat wants the parcel signed for after it shipped
        message = picking.action_wechat_remind_receipt()["params"]["message"]
        self.assertIn("reminded the buyer", message)
        self.assertTrue(order.wechat_receipt_reminded_at)
        calls = self.wechat.stats()["requests"][endpoints.OSM_NOTIFY_CONFIRM_RECEIVE]
        picking.action_wechat_remind_receipt()
        self.assertEqual(
            self.wechat.stats()["requests"][endpoints.OSM_NOTIFY_CONFIRM_RECEIVE],
            calls,
            "once",
        )
        [payment] = [
            p
            for p in self.wechat.payments()
            if p["merchant_trade_no"] == order.wechat_out_trade_no
        ]
        self.assertEqual(payment["order_state"], 2)
        other = self._paid_order([(self.cup, 1)])
        self._ship(other.picking_ids, "SFP000000004")
        self._run_cron()
        other.picking_ids.wechat_received_at = (
            "2000-01-01 00:00:00"  # a carrier integration's report
        )
        self.assertFalse(
            other.wechat_receipt_reminded_at,
            "a time before the shipping is refused by WeChat",
        )
        self.assertIn(
            "signed for is not after its shipping",
            other.picking_ids.message_ids[:1].body,
            "and the delivery's chatter says so",
        )
        self.assertEqual(
            self.wechat.stats()["requests"][endpoints.OSM_NOTIFY_CONFIRM_RECEIVE],
            calls + 1,
        )

    def test_special_shipping_reports_and_the_page_of_shipping_messages(self):
        self.company.wechat_msg_jump_path = "pages/order/detail"
        message = (
            self.env["res.config.settings"]
            .create({})
            .action_wechat_check_connection()["params"]["message"]
        )
        self.assertIn("now open pages/order/detail", message)
        self.assertEqual(
            requests.get(self.sandbox_url + "/sandbox/msg_jump_path", timeout=5).json(),
            {"path": "pages/order/detail"},
        )
        soon, later, test = (self._paid_order([(self.tea, 1)]) for _ in range(3))
        # WeChat's order state says it holds the payments awaiting shipment.
        self._sync_states()
        soon.commitment_date = fields.Datetime.now() + timedelta(days=5)
        later.commitment_date = fields.Datetime.now() + timedelta(days=40)
        message = soon.with_context(lang="en_US").action_wechat_report_pre_sale()[
            "params"
        ]["message"]
        self.assertIn("15 to 330 days", message)
        self.assertFalse(soon.wechat_special_report)
        self.assertIn(
            "Reported to WeChat as a pre-sale",
            later.action_wechat_report_pre_sale()["params"]["message"],
        )
        self.assertIn(
            "Reported to WeChat as a test payment",
            test.action_wechat_report_test_payment()["params"]["message"],
        )
        specials = {
            p["merchant_trade_no"]: p["special"] for p in self.wechat.payments()
        }
        self.assertEqual(specials[later.wechat_out_trade_no]["type"], 1)
        self.assertEqual(specials[test.wechat_out_trade_no], {"type": 2})
        self.assertIsNone(specials[soon.wechat_out_trade_no])
        self.assertEqual(
            (later.wechat_special_report, test.wechat_special_report),
            ("pre_sale", "test"),
        )

    def test_bad_pushes_are_refused_and_change_nothing(self):
        order = self._paid_order([(self.tea, 1)])
        good = self._event(order, shipped_time=int(time.time()))
        query, body = self._signed(good)
        now = int(time.time())
        other_company = self.env["res.company"].create({"name": "No push here"})
        cases = [
            ("wrong signature", {**query, "signature": "f" * 40}, body, 403),
            ("wrong msg_signature", {**query, "msg_signature": "f" * 40}, body, 403),
            (
                "no signature",
                {k: v for k, v in query.items() if k != "signature"},
                body,
                403,
            ),
            (
                "no timestamp",
                {k: v for k, v in query.items() if k != "timestamp"},
                body,
                400,
            ),
            ("no nonce", {k: v for k, v in query.items() if k != "nonce"}, body, 400),
            ("timestamp not a number", {**query, "timestamp": "yesterday"}, body, 400),
            ("old timestamp", *self._signed(good, now=now - 3600), 403),
            ("future timestamp", *self._signed(good, now=now + 3600), 403),
            (
                "another AppID inside",
                *self._signed(good, appid="wxother0000000001"),
                403,
            ),
            ("truncated body", query, body[: len(body) // 2], 400),
            ("empty body", query, b"", 400),
            ("not JSON", query, b"{not json", 400),
            ("JSON array", query, b"[1, 2, 3]", 400),
            ("plain text", query, b"hello", 400),
            ("not XML", query, b"<xml><Encrypt>", 400),
            ("nested XML", query, b"<xml><a><b>1</b></a></xml>", 400),
            (
                "XML entities",
                query,
                b'<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>',
                400,
            ),
            ("another root", query, b"<html><Encrypt>x</Encrypt></html>", 400),
            ("huge body", query, b"{" + b" " * (push.MAX_BODY_BYTES + 10) + b"}", 413),
            ("Encrypt not base64", *self._with_encrypt("@@@not-base64@@@"), 400),
            (
                "Encrypt not whole blocks",
                *self._with_encrypt(base64.b64encode(b"x" * 17).decode()),
                400,
            ),
            (
                "Encrypt under another key",
                *self._with_encrypt(push.encrypt(bytes(32), APPID, b"{}")),
                400,
            ),
            ("Encrypt a number", query, json.dumps({"Encrypt": 5}).encode(), 403),
            (
                "plain body in safe mode",
                {**push.push_query(self.settings, now, "n"), "encrypt_type": "aes"},
                encode(good, False),
                400,
            ),
            ("decrypts to garbage", *self._signed_raw(b"\x00\xff not a message"), 400),
            ("decrypts to a JSON list", *self._signed_raw(b"[1]"), 400),
            (
                "decrypts to nested XML",
                *self._signed_raw(b"<xml><a><b/></a></xml>"),
                400,
            ),
            (
                "unknown company",
                query,
                body,
                404,
                f"{self.base_url()}/wechat_shipping/push/999999",
            ),
            (
                "company without a Token",
                query,
                body,
                404,
                f"{self.base_url()}/wechat_shipping/push/{other_company.id}",
            ),
            ("URL check without echostr", None, None, 400),
            ("URL check signed wrongly", None, None, 403),
            (
                "signature of another Token",
                push.push_query(push.PushSettings("otherToken9", APPID), now, "x"),
                body,
                403,
            ),
        ]
        for name, case_query, case_body, status, *url in cases:
            with self.subTest(name):
                if case_query is None:
                    signed = push.push_query(self.settings, now, "q")
                    if "wrongly" in name:
                        signed = {**signed, "signature": "1" * 40, "echostr": "123"}
                    answer = requests.get(self.url, params=signed, timeout=10)
                else:
                    answer = self._post(case_query, case_body, url[0] if url else None)
                self.assertEqual(answer.status_code, status, answer.text[:200])
                self.assertLess(len(answer.text), 200)
                self.assertNotIn("Traceback", answer.text)
        self.assertGreaterEqual(len(cases), 30)
        self.assertFalse(self._state(order), "no bad push changed the order")
        self.assertEqual(
            self._post(query, body).status_code, 200, "the good push still goes through"
        )
        self.assertEqual(self._state(order), "shipped")

    def _with_encrypt(self, encrypted):
        """A push whose Encrypt is `encrypted`, signed correctly (only the envelope is
        wrong)."""
        query = push.push_query(self.settings, int(time.time()), "e", encrypted)
        return query, json.dumps({"ToUserName": APPID, "Encrypt": encrypted}).encode()

    def _signed_raw(self, message):
        """A correctly signed and encrypted push whose message is `message` (bytes)."""
        return self._with_encrypt(push.encrypt(push.aes_key(KEY), APPID, message))
