"""Order Shipping Management (/wxa/sec/order) from Odoo to the sandbox: logistics types,
delivery modes, is_all_delivered over backorders, virtual goods on confirmation,
combined payments, the one correction, 10060001 just after payment, and lost answers
resolved without a second send."""

import time

from wechat_protocol import endpoints

from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from .common import APPID, SECRET, WechatShippingCase


@tagged("post_install", "-at_install")
class TestOrderShipping(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.configure(
            cls.company, cls.sandbox_url, APPID, SECRET, families="order_shipping"
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Tea tasting class", "type": "service"}
        )
        cls.env["res.lang"]._activate_lang("zh_CN")

    def _paid_order(self, lines, **key):
        """A confirmed order whose payment the sandbox knows, as WeChat Pay would."""
        order = self._order(lines, **key)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        return order

    def _record(self, order):
        """WeChat's side of the order (get_order)."""
        [payment] = [
            p
            for p in self.wechat.payments()
            if p["merchant_trade_no"] == order.wechat_out_trade_no
        ]
        return payment

    def _osm_calls(self):
        calls = self.wechat.stats()["requests"]
        return sum(calls.get(path, 0) for path in endpoints.OSM_SHIPPING)

    def _upload(self, order):
        return order.wechat_upload_ids.filtered(lambda u: u.family == "order_shipping")

    def test_one_delivery_is_a_unified_express_shipping_that_completes_the_order(self):
        order = self._paid_order([(self.tea, 2), (self.cup, 1)])
        self._ship(order.picking_ids, "SFM000000001")
        upload = self._upload(order)
        self.assertEqual(
            len(order.wechat_upload_ids), 1, "only the company's API gets an upload"
        )
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        [accepted] = self.wechat.uploads()
        self.assertEqual(accepted["path"], endpoints.OSM_SINGLE_SHIPPING)
        body = self._body(upload)
        self.assertEqual(
            accepted["body"], body, "the stored request body is what WeChat got"
        )
        self.assertEqual(
            (body["logistics_type"], body["delivery_mode"], body["is_all_delivered"]),
            (1, 1, True),
        )
        [parcel] = body["shipping_list"]
        self.assertEqual(
            (parcel["tracking_no"], parcel["express_company"]), ("SFM000000001", "SF")
        )
        self.assertEqual(parcel["item_desc"], "Longjing tea*2, Celadon cup*1")
        self.assertEqual(
            parcel["contact"],
            {
                "consignor_contact": "021-****1234",
                "receiver_contact": "+86-189****5678",
            },
        )
        record = self._record(order)
        self.assertEqual(
            (record["order_state"], record["shipping"]["finish_shipping_count"]), (2, 1)
        )
        self.assertEqual(
            upload.wechat_finish_counts, {f"mch:{MCHID}:{order.wechat_out_trade_no}": 1}
        )

    def test_a_backorder_sends_false_then_true(self):
        order = self._paid_order([(self.tea, 2), (self.cup, 1)])
        backorder = self._ship(
            order.picking_ids, "SFM000000002", quantities={self.cup: 0}
        )
        self._run_cron()
        upload = self._upload(order)
        first = self._body(upload)
        self.assertEqual(
            (first["delivery_mode"], first["is_all_delivered"]), (2, False)
        )
        self.assertEqual(
            self._record(order)["shipping"]["finish_shipping_count"],
            0,
            "partial: not counted",
        )
        self._ship(backorder, "SFM000000003")
        self._run_cron()
        second = self._body(upload)
        self.assertEqual(
            (second["delivery_mode"], second["is_all_delivered"]), (2, True)
        )
        self.assertEqual(
            [p["item_desc"] for p in second["shipping_list"]],
            ["Longjing tea*2", "Celadon cup*1"],
        )
        self.assertEqual(self._record(order)["shipping"]["finish_shipping_count"], 1)
        self.assertLater(second["upload_time"], first["upload_time"])

    def test_an_order_of_services_is_uploaded_as_virtual_goods_when_confirmed(self):
        order = self._order([(self.service, 1)])
        self.assertFalse(order.picking_ids)
        upload = self._upload(order)
        self.assertEqual(upload.state, "pending", "queued by the confirmation")
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        body = self._body(upload)
        self.assertEqual((body["logistics_type"], body["delivery_mode"]), (3, 1))
        self.assertEqual(body["shipping_list"], [{"item_desc": "Tea tasting class*1"}])

    def test_pickup_waits_for_the_last_delivery_then_goes_in_one_piece(self):
        pickup = self.carrier.copy(
            {"name": "Shop pickup", "wechat_logistics_type": "pickup"}
        )
        order = self._paid_order([(self.tea, 2), (self.cup, 1)], carrier_id=pickup.id)
        backorder = self._ship(order.picking_ids, False, quantities={self.cup: 0})
        self._run_cron()
        upload = self._upload(order)
        self.assertEqual(upload.state, "waiting")
        self.assertIn("last delivery", upload.reason)
        self.assertEqual(self._osm_calls(), 0)
        self._ship(backorder, False)
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        body = self._body(upload)
        self.assertEqual(
            (body["logistics_type"], body["delivery_mode"], body["is_all_delivered"]),
            (4, 1, True),
        )
        self.assertEqual(
            body["shipping_list"][0]["item_desc"], "Longjing tea*2, Celadon cup*1"
        )
        self.assertNotIn("tracking_no", body["shipping_list"][0])

    def test_same_city_delivery(self):
        courier = self.carrier.copy(
            {"name": "City courier", "wechat_logistics_type": "same_city"}
        )
        order = self._paid_order([(self.tea, 1)], carrier_id=courier.id)
        self._ship(order.picking_ids, False)
        self._run_cron()
        body = self._body(self._upload(order))
        self.assertEqual((body["logistics_type"], body["delivery_mode"]), (2, 1))
        self.assertEqual(self._record(order)["shipping"]["logistics_type"], 2)

    def _paid_combined(self, cups):
        """A combined payment WeChat Pay knows: a tea, and `cups` cups in a second
        sub-order."""
        combined = self._combined()
        first = self._order(
            [(self.tea, 1)], combined=combined, wechat_payer_openid=False
        )
        second = self._order(
            [(self.cup, cups)], combined=combined, wechat_payer_openid=False
        )
        self._pay_combined(combined, (first, second))
        return combined, first, second

    def test_a_combined_payment_goes_in_one_call_with_each_sub_order_on_its_own(self):
        combined, first, second = self._paid_combined(cups=2)
        self._ship(first.picking_ids, "SFM000000010")
        self._ship(second.picking_ids, "SFM000000011")
        self._run_cron()
        upload = combined.upload_ids
        self.assertEqual(
            (upload.family, upload.state), ("order_shipping", "sent"), upload.reason
        )
        body = self._body(upload)
        self.assertEqual(
            [s["shipping_list"][0]["item_desc"] for s in body["sub_orders"]],
            ["Longjing tea*1", "Celadon cup*2"],
        )
        [payment] = self.wechat.payments()
        self.assertEqual(
            [s["shipping"]["finish_shipping_count"] for s in payment["sub_orders"]],
            [1, 1],
        )

    def test_one_correction_then_needs_attention_without_a_call(self):
        order = self._paid_order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, "SFM000000020")
        self._run_cron()
        upload = self._upload(order)
        picking.carrier_tracking_ref = "SFM000000021"
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        self.assertEqual(
            self._record(order)["shipping"]["finish_shipping_count"],
            2,
            "the one correction",
        )
        calls = self._osm_calls()
        picking.carrier_tracking_ref = "SFM000000022"
        self._run_cron()
        self.assertEqual(upload.state, "attention")
        self.assertIn("one change", upload.reason)
        self.assertIn("修改", upload.with_context(lang="zh_CN").reason)
        self.assertEqual(
            self._osm_calls(), calls, "never sent: WeChat would refuse it (10060003)"
        )
        self.assertEqual(
            self._record(order)["shipping"]["shipping_list"][0]["tracking_no"],
            "SFM000000021",
        )
        self.assertTrue(upload.activity_ids, "the salesperson is told")
        upload.action_retry()
        self._run_cron()
        self.assertEqual(
            (upload.state, self._osm_calls()),
            ("attention", calls),
            "a retry does not send it either",
        )

    def test_an_unchanged_order_is_not_sent_again(self):
        order = self._paid_order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000030")
        self._run_cron()
        calls = self._osm_calls()
        upload = self._upload(order)
        upload.action_retry()
        self._run_cron()
        self.assertEqual((upload.state, self._osm_calls()), ("sent", calls))

    def test_a_payment_wechat_does_not_know_yet_is_retried_then_accepted(self):
        order = self._order([(self.tea, 1)])
        self.wechat.unknown_younger_than(600)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._ship(order.picking_ids, "SFM000000040")
        self._run_cron()
        upload = self._upload(order)
        self.assertEqual((upload.state, upload.last_errcode), ("retrying", 10060001))
        self.wechat.unknown_younger_than(0)
        self._make_due(upload)
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)

    def test_a_payment_wechat_never_knows_needs_attention_after_a_while(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000041")
        upload = self._upload(order)
        for _attempt in range(6):
            self._make_due(upload)
            self._run_cron()
        self.assertEqual(upload.state, "attention")
        self.assertIn("10060001", upload.reason)
        upload.action_retry()  # a person's retry gives it a new while
        self._run_cron()
        self.assertEqual((upload.state, upload.attempt_count), ("retrying", 1))

    def test_a_lost_answer_is_resolved_by_asking_wechat_not_by_sending_again(self):
        order = self._paid_order([(self.tea, 1)])
        self._ship(order.picking_ids, "SFM000000050")
        # the fault below hits the upload, not the token
        self.company._wechat_client().token_source.token()
        # WeChat takes it; the answer comes after the read timeout
        self.wechat.fault("hang", count=1, seconds=3)
        self._run_cron()
        upload = self._upload(order)
        self.assertEqual(upload.state, "retrying")
        self.assertTrue(upload.in_doubt)
        for _wait in range(50):  # the sandbox applies the upload once its hang is over
            if self.wechat.stats()["uploads_accepted"]:
                break
            time.sleep(0.1)
        self._make_due(upload)
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        self.assertFalse(upload.in_doubt)
        self.assertEqual(
            self._osm_calls(), 1, "the upload WeChat held was not sent again"
        )
        self.assertEqual(self._record(order)["shipping"]["finish_shipping_count"], 1)

    def _lose_the_answer(self, upload):
        """The next send of `upload` reaches WeChat, its answer does not: it waits in
        doubt until WeChat has applied it."""
        # the fault below hits the upload, not the token
        self.company._wechat_client().token_source.token()
        self.wechat.fault("hang", count=1, seconds=3)
        accepted = self.wechat.stats()["uploads_accepted"]
        self._run_cron()
        self.assertTrue(upload.in_doubt)
        for _wait in range(50):  # the sandbox applies the upload once its hang is over
            if self.wechat.stats()["uploads_accepted"] > accepted:
                break
            time.sleep(0.1)
        self._make_due(upload)

    def test_a_lost_combined_correction_carries_what_wechat_holds_described(self):
        combined, first, second = self._paid_combined(cups=2)
        self._ship(first.picking_ids, "SFM000000070")
        self._ship(second.picking_ids, "SFM000000071")
        self._run_cron()
        upload = combined.upload_ids
        first.picking_ids.carrier_tracking_ref = "SFM000000072"
        self._lose_the_answer(upload)
        # Asked, WeChat states the first sub-order as corrected, without a parcel's
        # description or contacts; the second's change goes with it as WeChat holds it.
        second.picking_ids.carrier_tracking_ref = "SFM000000073"
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        carried, changed = self._body(upload)["sub_orders"]
        self.assertEqual(
            [
                p["tracking_no"]
                for p in (carried["shipping_list"] + changed["shipping_list"])
            ],
            ["SFM000000072", "SFM000000073"],
        )
        self.assertEqual(carried["shipping_list"][0]["item_desc"], "Longjing tea*1")
        self.assertIn("contact", carried["shipping_list"][0])
        [payment] = self.wechat.payments()
        self.assertEqual(
            [s["shipping"]["finish_shipping_count"] for s in payment["sub_orders"]],
            [2, 2],
            "each sub-order's one correction, spent once",
        )
        self.assertEqual(self._osm_calls(), 3)

    def test_a_dead_workers_correction_is_not_sent_twice(self):
        order = self._paid_order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, "SFM000000060")
        self._run_cron()
        upload = self._upload(order)
        picking.carrier_tracking_ref = "SFM000000061"
        # A worker sent the change, WeChat took it (the correction), and the worker died
        # before recording the answer: the row stays 'sending' under a claim that runs
        # out.
        claimed = self.Upload._claim(upload.ids, batch_size=1)
        info, found = claimed._build_payload()
        self.assertTrue(self.company._wechat_client().upload(info).accepted)
        claimed.sudo().write({"claimed_until": "2000-01-01 00:00:00"})
        calls = self._osm_calls()
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        self.assertEqual(self._osm_calls(), calls, "asked, not sent again")
        self.assertEqual(self._record(order)["shipping"]["finish_shipping_count"], 2)
        self.assertEqual(
            upload.wechat_finish_counts, {f"mch:{MCHID}:{order.wechat_out_trade_no}": 2}
        )

    def test_both_apis_give_each_order_two_uploads_and_the_delivery_shows_both(self):
        self.company.wechat_families = "both"
        order = self._paid_order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, False)  # no tracking number: both APIs refuse it
        self._run_cron()
        self.assertEqual(
            sorted(order.wechat_upload_ids.mapped("family")),
            ["order_shipping", "shopping_details", "shopping_order"],
        )
        shipping = order.wechat_upload_ids.filtered(
            lambda u: u.family != "shopping_details"
        )
        self.assertEqual(set(shipping.mapped("state")), {"attention"})
        self.assertIn("Order Shipping Management: ", picking.wechat_upload_reason)
        self.assertIn("Shopping Order: ", picking.wechat_upload_reason)
        self.assertEqual(self._osm_calls(), 0)
        picking.carrier_tracking_ref = "SFM000000070"
        self._run_cron()
        self.assertEqual(set(order.wechat_upload_ids.mapped("state")), {"sent"})
        self.assertEqual(picking.wechat_upload_state, "sent")
        self.assertFalse(picking.wechat_upload_reason)

    def test_a_cancelled_backorder_completes_the_order_without_spending_its_change(
        self,
    ):
        order = self._paid_order([(self.tea, 2), (self.cup, 1)])
        backorder = self._ship(
            order.picking_ids, "SFM000000080", quantities={self.cup: 0}
        )
        self._run_cron()
        upload = self._upload(order)
        self.assertEqual(self._body(upload)["is_all_delivered"], False)
        backorder.action_cancel()
        self.assertEqual(
            upload.state, "pending", "the cancellation queues the order again"
        )
        self._run_cron()
        body = self._body(upload)
        self.assertEqual(
            (body["delivery_mode"], body["is_all_delivered"]),
            (2, True),
            "still split: switching to unified would spend the one change",
        )
        self.assertEqual(self._record(order)["shipping"]["finish_shipping_count"], 1)

    def test_a_pickup_order_goes_once_its_backorder_is_cancelled(self):
        pickup = self.carrier.copy(
            {"name": "Counter pickup", "wechat_logistics_type": "pickup"}
        )
        order = self._paid_order([(self.tea, 1), (self.cup, 1)], carrier_id=pickup.id)
        backorder = self._ship(order.picking_ids, False, quantities={self.cup: 0})
        self._run_cron()
        upload = self._upload(order)
        self.assertEqual(upload.state, "waiting")
        backorder.action_cancel()
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        self.assertEqual(
            self._body(upload)["shipping_list"],
            [
                {
                    "item_desc": "Longjing tea*1",
                    "contact": {
                        "consignor_contact": "021-****1234",
                        "receiver_contact": "+86-189****5678",
                    },
                }
            ],
        )

    def test_a_cancelled_order_says_so(self):
        order = self._order([(self.service, 1)])
        upload = self._upload(order)
        order._action_cancel()
        self._run_cron()
        self.assertEqual(upload.state, "waiting")
        self.assertIn("cancelled", upload.reason)
        self.assertEqual(self._osm_calls(), 0)

    def test_a_combined_payment_is_not_held_up_by_one_sub_order(self):
        combined, first, second = self._paid_combined(cups=1)
        self._ship(first.picking_ids, "SFM000000090")
        self._run_cron()
        upload = combined.upload_ids
        first.picking_ids.carrier_tracking_ref = (
            "SFM000000091"  # the first sub-order's one change
        )
        self._run_cron()
        first.picking_ids.carrier_tracking_ref = (
            "SFM000000092"  # a second change: never sent
        )
        self.customer.phone = (
            "+86 139 0000 1111"  # a phone edit is not a change WeChat is told of
        )
        self._run_cron()
        self.assertEqual(upload.state, "attention")
        self._ship(second.picking_ids, "SFM000000093")
        self._run_cron()
        [payment] = self.wechat.payments()
        first_record, second_record = payment["sub_orders"]
        self.assertEqual(
            second_record["shipping"]["finish_shipping_count"],
            1,
            "the second sub-order went out",
        )
        self.assertEqual(first_record["shipping"]["finish_shipping_count"], 2)
        self.assertEqual(
            first_record["shipping"]["shipping_list"][0]["tracking_no"], "SFM000000091"
        )
        carried = self._received()[-1]["sub_orders"][0]["shipping_list"][0]
        self.assertEqual(
            (carried["tracking_no"], carried["contact"]["receiver_contact"]),
            ("SFM000000091", "+86-189****5678"),
            "carried as WeChat holds it, the phone it was given included",
        )
        self.assertEqual(
            upload.state,
            "attention",
            "the first sub-order's second change still needs attention",
        )
        self.assertIn("one change", upload.reason)

    def test_an_order_of_goods_and_a_service_is_not_virtual(self):
        order = self._paid_order([(self.tea, 1), (self.service, 1)])
        self.assertFalse(self._upload(order), "nothing queued before its delivery")
        self._ship(order.picking_ids, "SFM000000095")
        self._run_cron()
        self.assertEqual(self._body(self._upload(order))["logistics_type"], 1)

    def test_a_code_wechats_list_lacks_is_refused_once_the_list_is_loaded(self):
        zjs = self.env["wechat.express.company"].create(
            {"code": "ZJS", "name": "宅急送"}
        )
        post = self.carrier.copy(
            {"name": "ZJS Express", "wechat_express_company_id": zjs.id}
        )
        before = self._paid_order([(self.tea, 1)], carrier_id=post.id)
        self._ship(before.picking_ids, "ZJS000000001")
        self._run_cron()
        self.assertEqual(
            self._upload(before).state, "sent", "not refused before the list is loaded"
        )
        zjs.with_user(self.env.ref("base.user_admin")).action_refresh_from_wechat()
        self.assertTrue(zjs.unlisted)
        self.assertFalse(
            self.carrier.wechat_express_company_id.unlisted, "SF is in WeChat's list"
        )
        after = self._paid_order([(self.tea, 1)], carrier_id=post.id)
        self._ship(after.picking_ids, "ZJS000000002")
        calls = self._osm_calls()
        self._run_cron()
        upload = self._upload(after)
        self.assertEqual((upload.state, self._osm_calls()), ("attention", calls))
        self.assertIn("no code ZJS", upload.reason)
        self.assertIn("没有编码 ZJS", upload.with_context(lang="zh_CN").reason)


@tagged("post_install", "-at_install")
class TestOrderShippingRichAnswers(TestOrderShipping):
    """The same flows with WeChat answering get_order as the SDKs' models allow: each
    parcel's goods_desc and contact besides the fields of WeChat's example answer."""

    def setUp(self):
        super().setUp()
        self.wechat.order_shape("rich")
