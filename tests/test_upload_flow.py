from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import WechatShippingCase


@tagged("post_install", "-at_install")
class TestUploadFlow(WechatShippingCase):
    def test_unified_delivery_reaches_wechat_masked(self):
        order = self._order([(self.tea, 2), (self.cup, 1)])
        self._ship(order.picking_ids, "SF1000000001")
        upload = order.wechat_upload_id
        self.assertEqual(upload.state, "pending")
        self.assertEqual(
            self._shipping_requests(), 0, "validation itself must not call WeChat"
        )

        self._run_cron()

        self.assertEqual(upload.state, "sent")
        [body] = self._received()
        self.assertEqual(
            body["order_key"],
            {
                "order_number_type": 1,
                "mchid": "1230000109",
                "out_trade_no": order.wechat_out_trade_no,
            },
        )
        self.assertEqual(body["delivery_mode"], 1)
        [parcel] = body["shipping_list"]
        self.assertEqual(parcel["tracking_no"], "SF1000000001")
        self.assertEqual(parcel["express_company"], "SF")
        self.assertNotIn("item_list", parcel)
        self.assertEqual(
            parcel["contact"],
            {
                "consignor_contact": "021-****1234",
                "receiver_contact": "+86-189****5678",
            },
        )
        self.assertEqual(body["payer"], {"openid": order.wechat_payer_openid})
        self.assertEqual(
            self._body(upload), body, "the stored request body is what WeChat got"
        )
        self.assertNoClearPhone(upload.request_body)
        self.assertEqual(order.picking_ids.wechat_upload_state, "sent")

    def test_split_over_backorders_sends_updates_with_later_upload_time(self):
        order = self._order([(self.tea, 2), (self.cup, 1)])
        backorder = self._ship(
            order.picking_ids, "SF2000000001", quantities={self.cup: 0}
        )
        self._run_cron()
        self._ship(backorder, "SF2000000002")
        self.assertEqual(order.wechat_upload_id.state, "pending")
        self._run_cron()

        first, second = self._received()
        self.assertEqual(first["delivery_mode"], 1)
        self.assertEqual(second["delivery_mode"], 2)
        self.assertEqual(
            [
                (p["tracking_no"], [i["merchant_item_id"] for i in p["item_list"]])
                for p in second["shipping_list"]
            ],
            [("SF2000000001", ["TEA-001"]), ("SF2000000002", ["CUP-002"])],
        )
        self.assertLater(second["upload_time"], first["upload_time"])

    def test_packages_with_own_tracking_numbers_list_their_items(self):
        order = self._order([(self.tea, 1), (self.cup, 1)])
        self._ship(
            order.picking_ids,
            "SF3000000001,SF3000000002",
            packages=[self.tea, self.cup],
        )
        self._run_cron()
        [body] = self._received()
        self.assertEqual(body["delivery_mode"], 2)
        self.assertEqual(
            [(p["tracking_no"], p["item_list"]) for p in body["shipping_list"]],
            [
                ("SF3000000001", [{"merchant_item_id": "TEA-001"}]),
                ("SF3000000002", [{"merchant_item_id": "CUP-002"}]),
            ],
        )

    def test_changed_tracking_number_is_sent_again(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SF4000000001")
        self._run_cron()
        order.picking_ids.carrier_tracking_ref = "SF4000000009"
        self.assertEqual(order.wechat_upload_id.state, "pending")
        self._run_cron()
        first, second = self._received()
        self.assertEqual(second["shipping_list"][0]["tracking_no"], "SF4000000009")
        self.assertLater(second["upload_time"], first["upload_time"])

    def test_transaction_id_key_and_merchant_item_override(self):
        self.tea.wechat_merchant_item_id = "sku-tea-override"
        order = self._order(
            [(self.tea, 1), (self.cup, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_transaction_id="4200001234202105201234567890",
            wechat_mchid=False,
            wechat_out_trade_no=False,
        )
        self._ship(
            order.picking_ids,
            "SF5000000001,SF5000000002",
            packages=[self.tea, self.cup],
        )
        self._run_cron()
        [body] = self._received()
        self.assertEqual(
            body["order_key"],
            {"order_number_type": 2, "transaction_id": "4200001234202105201234567890"},
        )
        self.assertEqual(
            body["shipping_list"][0]["item_list"],
            [{"merchant_item_id": "sku-tea-override"}],
        )

    def test_auto_upload_off_queues_nothing_until_asked(self):
        self.company.wechat_auto_upload = False
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SF6000000001")
        self.assertFalse(order.wechat_upload_id)
        order.action_wechat_upload_now()
        self.assertEqual(order.wechat_upload_id.state, "sent")
        self.assertEqual(len(self._received()), 1)

    def test_orders_without_wechat_key_are_left_alone(self):
        order = self._order(
            [(self.tea, 1)],
            wechat_order_number_type=False,
            wechat_mchid=False,
            wechat_out_trade_no=False,
            wechat_payer_openid=False,
        )
        self._ship(order.picking_ids, "SF7000000001")
        self.assertFalse(self.Upload.search([("sale_order_id", "=", order.id)]))

    def test_a_worker_cannot_claim_what_another_holds(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SF8000000001")
        first = self.Upload._claim()
        self.assertEqual(first, order.wechat_upload_id)
        self.assertFalse(
            self.Upload._claim(), "a claimed upload is not due for anyone else"
        )

    def test_stale_claim_of_a_dead_worker_is_taken_over(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, "SF9000000001")
        upload = self.Upload._claim()
        self.env.cr.execute(
            "UPDATE wechat_shipping_upload"
            "   SET claimed_until = now() at time zone 'utc' - interval '1 minute'"
            " WHERE id = %s",
            [upload.id],
        )
        upload.invalidate_recordset()
        self._run_cron()
        self.assertEqual(upload.state, "sent")
        self.assertEqual(len(self._received()), 1)

    def test_list_action_sends_every_selected_upload(self):
        self.company.wechat_auto_upload = False
        orders = self._order([(self.tea, 1)]) | self._order([(self.cup, 1)])
        for order in orders:
            self._ship(order.picking_ids, f"SFL{order.id:09d}")
        uploads = self.Upload._for_orders(orders, families=["shopping_order"])
        action = uploads.action_upload_now()
        self.assertEqual(uploads.mapped("state"), ["sent", "sent"])
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self._received()), 2)

    def test_a_claim_takes_no_more_than_asked(self):
        for product in (self.tea, self.cup, self.tea):
            order = self._order([(product, 1)])
            self._ship(order.picking_ids, f"SFK{order.id:09d}")
        first = self.Upload._claim(batch_size=1)
        self.assertEqual(len(first), 1)
        rest = self.Upload._claim(batch_size=5)
        self.assertEqual(len(rest), 2)
        self.assertFalse(first & rest)

    def _claim_shipped(self, count):
        """`count` shipped orders' uploads, claimed by this worker with a lease of 10 s:
        less than a whole upload may take with room to spare (four calls of the tests' 2
        + 2 s, twice)."""
        for _index in range(count):
            order = self._order([(self.tea, 1)])
            self._ship(order.picking_ids, f"SFR{order.id:09d}")
        claimed = self.Upload._claim(batch_size=count)
        self.assertEqual(len(claimed), count)
        claimed.write({"claimed_until": fields.Datetime.now() + timedelta(seconds=10)})
        claimed.flush_recordset()
        return claimed

    def test_a_claim_about_to_run_out_is_renewed_before_each_call(self):
        claimed = self._claim_shipped(3)
        self.assertEqual(claimed._send_claimed(), 3)
        self.assertEqual(claimed.mapped("state"), ["sent"] * 3)
        self.assertFalse(any(claimed.mapped("claimed_until")))
        self.assertEqual(len(self._received()), 3, "each upload reached WeChat once")

    def test_an_upload_another_worker_took_over_is_left_to_it(self):
        first, taken = self._claim_shipped(2)
        # The claim ran out and another worker claimed the second upload.
        other_until = fields.Datetime.now() + timedelta(seconds=300)
        taken.write({"claimed_until": other_until})
        taken.flush_recordset()

        self.assertEqual((first | taken)._send_claimed(), 1)

        self.assertEqual(first.state, "sent")
        self.assertEqual((taken.state, taken.claimed_until), ("sending", other_until))
        self.assertEqual(
            len(self._received()),
            1,
            "the payload built under the lost claim was not sent",
        )

    def test_an_outcome_after_a_takeover_is_left_to_the_new_holder(self):
        [upload] = self._claim_shipped(1)
        held_until = upload.claimed_until
        other_until = held_until + timedelta(seconds=300)
        upload.write({"claimed_until": other_until})
        self.assertFalse(upload._finish(held_until, "attention", [{"code": 268485216}]))
        self.assertEqual(
            (upload.state, upload.claimed_until, upload.problems),
            ("sending", other_until, False),
        )

    def test_handing_back_touches_only_what_this_worker_holds(self):
        mine, taken = self._claim_shipped(2)
        held_until = mine.claimed_until
        taken.write({"claimed_until": held_until + timedelta(seconds=300)})

        (mine | taken)._release_claim(held_until)

        self.assertEqual(
            (mine.state, mine.claimed_until, mine.attempt_count),
            ("pending", False, 0),
            "a handed-back claim is due again and no attempt",
        )
        self.assertEqual((taken.state, taken.attempt_count), ("sending", 1))
        self.assertEqual(self.Upload._claim(batch_size=5), mine)

    def test_a_burst_of_deliveries_wakes_the_upload_job_once(self):
        cron = self.env.ref("wechat_shipping.ir_cron_wechat_shipping_upload")
        Trigger = self.env["ir.cron.trigger"].sudo()

        def triggers():
            now = fields.Datetime.now()
            found = Trigger.search([("cron_id", "=", cron.id)])
            return found.filtered(lambda t: t.call_at <= now), found.filtered(
                lambda t: t.call_at > now
            )

        first, second = self._order([(self.tea, 1)]), self._order([(self.cup, 1)])
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        self._ship(first.picking_ids, "SFW000000001")
        due, later = triggers()
        self.assertEqual(
            (len(due), len(later)), (1, 0), "the first delivery wakes the job now"
        )

        self._ship(second.picking_ids, "SFW000000002")
        due_after, later = triggers()
        self.assertEqual(
            due_after, due, "the wake-up already due serves the second delivery"
        )
        self.assertEqual(
            len(later), 1, "a later trigger covers a run that began meanwhile"
        )
        self.assertEqual(
            (first | second).wechat_upload_id.mapped("state"), ["pending", "pending"]
        )
