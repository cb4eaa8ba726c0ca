"""Payments made through a WeChat Pay service provider (服务商): an order key naming the
sub-merchant beside the service provider's merchant id uploads (the sub-merchant as
mchid), is found by get_order and notify_confirm_receive (merchant_id and
sub_merchant_id), and WeChat's pushes and order lists that carry the sub-merchant find
it; the company's default sub-merchant, and the combinations refused."""

import time

from wechat_protocol import endpoints

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..demo.scenario import MCHID, OPENID
from .common import WechatPushCase

SUB_MCHID = "1900000109"
TRANSACTION_ID = "4200000000000000000000000888"


@tagged("post_install", "-at_install")
class TestSubMerchant(WechatPushCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    def _paid_order(self, lines, **key):
        """A confirmed order of the sub-merchant, its payment known to the sandbox as
        WeChat Pay knows a service provider's payment."""
        order = self._order(lines, **{"wechat_sub_mchid": SUB_MCHID, **key})
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            sub_mchid=SUB_MCHID,
            out_trade_no=order.wechat_out_trade_no,
            **(
                {"transaction_id": order.wechat_transaction_id}
                if order.wechat_transaction_id
                else {}
            ),
        )
        return order

    def _calls(self, path):
        return self.wechat.stats()["requests"].get(path, 0)

    def _upload(self, order):
        return order.wechat_upload_ids.filtered(lambda u: u.family == "order_shipping")

    def _push(self, message):
        """POST `message` to Odoo as WeChat's safe-mode push; Odoo's answer."""
        return self._post(*self._signed(message))

    def test_a_merchant_number_payment_uploads_is_found_reminded_and_pushed(self):
        order = self._paid_order([(self.tea, 1)])
        picking = order.picking_ids
        self._ship(picking, "SFSP00000001")
        upload = self._upload(order)
        # A worker sent it, WeChat took it, and the worker died before recording the
        # answer: the next run asks WeChat (get_order, merchant_id + sub_merchant_id)
        # and sends nothing again.
        claimed = self.Upload._claim(upload.ids, batch_size=1)
        info, _found = claimed._build_payload()
        self.assertTrue(self.company._wechat_client().upload(info).accepted)
        claimed.sudo().write({"claimed_until": "2000-01-01 00:00:00"})
        asked = self._calls(endpoints.OSM_GET_ORDER)
        self._run_cron()
        self.assertEqual(upload.state, "sent", upload.reason)
        self.assertEqual(self._calls(endpoints.OSM_SINGLE_SHIPPING), 1)
        self.assertEqual(self._calls(endpoints.OSM_GET_ORDER), asked + 1)
        self.assertEqual(
            [sent["body"]["order_key"] for sent in self.wechat.uploads()],
            [
                {
                    "order_number_type": 1,
                    "mchid": SUB_MCHID,
                    "out_trade_no": order.wechat_out_trade_no,
                }
            ],
            "the upload's key names the sub-merchant",
        )
        self.assertEqual(
            upload.wechat_finish_counts,
            {f"mch:{SUB_MCHID}:{order.wechat_out_trade_no}": 1},
        )
        # WeChat's push of the shipping names the service provider and the
        # sub-merchant: it found the order.
        self.assertEqual(self._state(order), "shipped")
        self.assertTrue(order.wechat_estimated_settlement_at)

        time.sleep(1)  # WeChat wants the parcel signed for after it shipped
        message = picking.action_wechat_remind_receipt()["params"]["message"]
        self.assertIn("reminded the buyer", message)
        self.assertTrue(order.wechat_receipt_reminded_at)

        # Pushes off: the state sync asks get_order, naming the sub-merchant.
        self.wechat.push_to(None, self.PUSH_TOKEN)
        key = {
            "mchid": MCHID,
            "sub_mchid": SUB_MCHID,
            "out_trade_no": order.wechat_out_trade_no,
        }
        self.wechat.order_event("settle", **key)
        self.assertEqual(self._state(order), "shipped")
        self.assertEqual(self._sync_states().refreshed, 1)
        self.assertEqual(self._state(order), "trade_complete")

    def test_the_48_hour_reminder_and_the_order_list_find_the_sub_merchants_order(
        self,
    ):
        order = self._paid_order([(self.cup, 1)])
        self.wechat.order_event(
            "remind_shipping",
            mchid=MCHID,
            sub_mchid=SUB_MCHID,
            out_trade_no=order.wechat_out_trade_no,
        )
        self.assertEqual([p["status"] for p in self.wechat.pushes()], [200])
        self.assertEqual(self._state(order), "awaiting_shipment")
        self.assertEqual(
            len(order.activity_ids.filtered(lambda a: "48 hours" in (a.summary or ""))),
            1,
        )
        # The same merchant id and order number without the sub-merchant name another
        # payment (a direct merchant's): not this order.
        stranger = self._event(order, sub_merchant_id="", shipped_time=int(time.time()))
        self.assertEqual(self._push(stranger).status_code, 200)
        self.assertEqual(self._state(order), "awaiting_shipment")
        self.assertEqual(
            self._push({**stranger, "sub_merchant_id": SUB_MCHID}).status_code, 200
        )
        self.assertEqual(self._state(order), "shipped")

        # The reconciliation reads WeChat's order list, which names the sub-merchant:
        # the payment is this order's, which Odoo has not shipped.
        self.env["wechat.reconciliation.line"].action_reconcile()
        [line] = self.env["wechat.reconciliation.line"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            (line.kind, line.sale_order_id, line.mchid, line.sub_mchid),
            ("not_shipped", order, MCHID, SUB_MCHID),
        )

    def test_a_transaction_id_payment_of_a_sub_merchant(self):
        self.company.wechat_sub_mchid = SUB_MCHID
        order = self._paid_order(
            [(self.tea, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_transaction_id=TRANSACTION_ID,
            wechat_sub_mchid=False,
        )
        self.assertFalse(
            order.wechat_sub_mchid, "a transaction id needs no sub-merchant"
        )
        picking = order.picking_ids
        self._ship(picking, "SFSP00000002")
        self._run_cron()
        self.assertEqual(self._upload(order).state, "sent", self._upload(order).reason)
        self.assertEqual(
            self.wechat.uploads()[0]["body"]["order_key"],
            {"order_number_type": 2, "transaction_id": TRANSACTION_ID},
        )
        self.assertEqual(self._state(order), "shipped", "the push found it")
        time.sleep(1)
        self.assertIn(
            "reminded the buyer",
            picking.action_wechat_remind_receipt()["params"]["message"],
        )
        self.wechat.push_to(None, self.PUSH_TOKEN)
        self.wechat.order_event("settle", transaction_id=TRANSACTION_ID)
        self._sync_states()
        self.assertEqual(self._state(order), "trade_complete")

    def test_the_companys_sub_merchant_goes_to_keys_typed_without_one(self):
        settings = self.env["res.config.settings"].create({})
        settings.wechat_sub_mchid = f" {SUB_MCHID} "
        settings.execute()
        self.assertEqual(self.company.wechat_sub_mchid, SUB_MCHID)
        own = self._order([(self.tea, 1)], wechat_sub_mchid="1900000222")
        self.assertEqual(own.wechat_sub_mchid, "1900000222", "its own is kept")
        order = self._order([(self.tea, 1)])
        self.assertEqual(order.wechat_sub_mchid, SUB_MCHID)
        combined = self._combined()
        self.assertEqual(combined.wechat_sub_mchid, SUB_MCHID)
        by_id = self._order(
            [(self.cup, 1)],
            wechat_order_number_type="wxpay_trade_number",
            wechat_transaction_id=TRANSACTION_ID,
        )
        self.assertFalse(by_id.wechat_sub_mchid)
        # A default changed later leaves the payments made before as they were.
        self.company.wechat_sub_mchid = "1900000333"
        self.assertEqual(order.wechat_sub_mchid, SUB_MCHID)
        self.company.wechat_sub_mchid = False
        self.assertEqual(order.wechat_sub_mchid, SUB_MCHID)
        # Its payment uploads under the sub-merchant.
        self.wechat.pay(
            OPENID,
            mchid=MCHID,
            sub_mchid=SUB_MCHID,
            out_trade_no=order.wechat_out_trade_no,
        )
        self._ship(order.picking_ids, "SFSP00000003")
        self._run_cron()
        self.assertEqual(self._upload(order).state, "sent", self._upload(order).reason)
        self.assertEqual(self._state(order), "shipped")

    def test_wrong_combinations_are_refused_with_a_clear_message(self):
        order = self._order([(self.tea, 1)])
        cases = [
            ({"wechat_sub_mchid": "19000"}, "Sub-merchant ID must be 8 to 12 digits"),
            (
                {
                    "wechat_order_number_type": "wxpay_trade_number",
                    "wechat_transaction_id": TRANSACTION_ID,
                    "wechat_mchid": False,
                    "wechat_sub_mchid": SUB_MCHID,
                },
                "A sub-merchant ID goes with its service provider's merchant ID",
            ),
            (
                {
                    "wechat_order_number_type": False,
                    "wechat_mchid": False,
                    "wechat_out_trade_no": False,
                    "wechat_sub_mchid": SUB_MCHID,
                },
                "choose WeChat Order Number Type",
            ),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as error:
                order.write(vals)
            self.assertIn(message, str(error.exception))
        with self.assertRaises(ValidationError) as error:
            order.with_context(lang="zh_CN").write({"wechat_sub_mchid": "ABC12345"})
        self.assertIn("子商户号必须为 8 至 12 位数字", str(error.exception))
        self.assertIn("[268485217]", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            self.company.wechat_sub_mchid = "19000-0109"
        self.assertIn("Sub-merchant ID must be 8 to 12 digits", str(error.exception))
        self.assertFalse(order.wechat_sub_mchid)
