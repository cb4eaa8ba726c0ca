"""What the upload job writes for people reads in the reader's language, not the job's.

The job runs as whoever the scheduler runs it as (OdooBot, often in English): the
warning activity and the message that closes it speak the language of the user it is
assigned to, and the state changes the job tracks in the chatter read in the language of
whoever reads them."""

from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tools.discuss import Store

from .common import WechatShippingCase, read_in_chinese

READERS = "sales_team.group_sale_salesman,wechat_shipping.group_wechat_shipping_user"
SUMMARY = {"en_US": "WeChat upload needs attention", "zh_CN": "微信上传需要处理"}
# The reason of a delivery shipped without a tracking number, as the protocol words it,
# the field named by its label (stock_delivery's, and its Chinese translation).
TRACKING_EMPTY = {
    "en_US": "Tracking number is empty: fill in the delivery's Tracking Reference.",
    "zh_CN": "物流单号为空：请在发货单上填写“追踪参考”。",
}
ACCEPTED = {
    "en_US": "WeChat accepted the shipping information.",
    "zh_CN": "微信已接收发货信息。",
}
# Words of Odoo's "activity done" message around the feedback.
ORIGINAL_NOTE = {"en_US": "Original note:", "zh_CN": "原始备注："}
STATE_FIELD = {"en_US": "State", "zh_CN": "状态"}
STATE_LABELS = {
    "en_US": {"sending": "Sending", "attention": "Needs Attention", "sent": "Sent"},
    "zh_CN": {"sending": "发送中", "attention": "需要处理", "sent": "已上传"},
}


@tagged("post_install", "-at_install")
class TestReaderLanguage(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What a user does from Settings > Languages: activate zh_CN, then load the
        # modules' terms.
        read_in_chinese(
            cls.env, ["mail", "stock_delivery", "wechat_shipping"], overwrite=True
        )
        cls.reader_zh = new_test_user(
            cls.env, "ws_reader_zh", groups=READERS, lang="zh_CN"
        )
        cls.reader_en = new_test_user(
            cls.env, "ws_reader_en", groups=READERS, lang="en_US"
        )
        cls.warning = cls.env.ref("mail.mail_activity_data_warning")

    def _run_cron_in(self, lang):
        self.Upload.with_context(lang=lang)._cron_send_due(auto_commit=False)
        self.env.cr.flush()  # what a commit does: tracking lines written

    def _upload_needing_attention(self, salesperson, job_lang):
        """An order of `salesperson` shipped without a tracking number, after a run of
        the job in `job_lang`."""
        order = self._order([(self.tea, 1)], user_id=salesperson.id)
        self._ship(order.picking_ids, False)
        self.env.cr.flush()
        self._run_cron_in(job_lang)
        upload = order.wechat_upload_id
        self.assertEqual(upload.state, "attention")
        return order, upload

    def _fix_and_accept(self, order, job_lang):
        order.picking_ids.carrier_tracking_ref = "SFL%09d" % order.id
        self._run_cron_in(job_lang)
        self.assertEqual(order.wechat_upload_id.state, "sent")

    def _closing_message(self, upload):
        [message] = upload.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.warning
        )
        return str(message.body)

    def _state_lines(self, upload, reader):
        """(field, old, new) of the state's tracking lines, oldest first, as the chatter
        gets them for `reader` (the request of /mail/thread/messages, in the reader's
        language)."""
        messages = upload.message_ids.with_user(reader).with_context(lang=reader.lang)
        data = Store(messages, for_current_user=True).get_result()["mail.message"]
        return [
            (line["changedField"], line["oldValue"]["value"], line["newValue"]["value"])
            for message in sorted(data, key=lambda m: m["id"])
            for line in message["trackingValues"]
            if line["fieldName"] == "state"
        ]

    def _expected_state_lines(self, lang):
        field, labels = STATE_FIELD[lang], STATE_LABELS[lang]
        return [
            (field, labels["sending"], labels["attention"]),
            (field, labels["attention"], labels["sent"]),
        ]

    # ------------------------------------------------------------- the warning activity

    def test_activity_speaks_the_assignees_language(self):
        _order, upload = self._upload_needing_attention(self.reader_zh, "en_US")
        [activity] = upload.activity_ids
        self.assertEqual(activity.user_id, self.reader_zh)
        self.assertEqual(activity.summary, SUMMARY["zh_CN"])
        self.assertIn(TRACKING_EMPTY["zh_CN"], str(activity.note))
        self.assertNotIn(TRACKING_EMPTY["en_US"], str(activity.note))

    def test_activity_in_english_when_the_job_runs_in_chinese(self):
        _order, upload = self._upload_needing_attention(self.reader_en, "zh_CN")
        [activity] = upload.activity_ids
        self.assertEqual(activity.summary, SUMMARY["en_US"])
        self.assertIn(TRACKING_EMPTY["en_US"], str(activity.note))
        self.assertNotIn(TRACKING_EMPTY["zh_CN"], str(activity.note))

    # ----------------------------------------------------------- the message closing it

    def test_closing_message_speaks_the_assignees_language(self):
        order, upload = self._upload_needing_attention(self.reader_zh, "en_US")
        self._fix_and_accept(order, "en_US")
        self.assertFalse(upload.activity_ids, "the warning is done once WeChat accepts")
        body = self._closing_message(upload)
        self.assertIn(ACCEPTED["zh_CN"], body)
        self.assertIn(ORIGINAL_NOTE["zh_CN"], body)
        self.assertIn(TRACKING_EMPTY["zh_CN"], body)
        for english in (
            ACCEPTED["en_US"],
            ORIGINAL_NOTE["en_US"],
            TRACKING_EMPTY["en_US"],
        ):
            self.assertNotIn(english, body)

    def test_closing_message_in_english_when_the_job_runs_in_chinese(self):
        order, upload = self._upload_needing_attention(self.reader_en, "zh_CN")
        self._fix_and_accept(order, "zh_CN")
        body = self._closing_message(upload)
        self.assertIn(ACCEPTED["en_US"], body)
        self.assertIn(ORIGINAL_NOTE["en_US"], body)
        for chinese in (
            ACCEPTED["zh_CN"],
            ORIGINAL_NOTE["zh_CN"],
            TRACKING_EMPTY["zh_CN"],
        ):
            self.assertNotIn(chinese, body)

    # ----------------------------------------------------------- the chatter's tracking

    def test_state_tracking_reads_in_each_readers_language(self):
        order, upload = self._upload_needing_attention(self.reader_zh, "en_US")
        self._fix_and_accept(order, "en_US")
        # Stored as Odoo stores it, in the job's language ...
        stored = upload.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertEqual(
            set(stored.mapped("new_value_char")), {"Needs Attention", "Sent"}
        )
        # ... and read in each reader's.
        for reader in (self.reader_en, self.reader_zh):
            self.assertEqual(
                self._state_lines(upload, reader),
                self._expected_state_lines(reader.lang),
            )

    def test_state_tracking_written_in_chinese_reads_in_english(self):
        order, upload = self._upload_needing_attention(self.reader_en, "zh_CN")
        self._fix_and_accept(order, "zh_CN")
        for reader in (self.reader_en, self.reader_zh):
            self.assertEqual(
                self._state_lines(upload, reader),
                self._expected_state_lines(reader.lang),
            )

    def test_unknown_state_label_is_shown_as_stored(self):
        """A label no active language has (since renamed, say) cannot be read back:
        shown as it is."""
        line = {
            "fieldName": "state",
            "oldValue": {"value": "État inconnu"},
            "newValue": {"value": "Sent"},
        }
        self.env["mail.tracking.value"].with_context(
            lang="zh_CN"
        )._wechat_selections_for_reader(self.Upload, [line])
        self.assertEqual(
            (line["oldValue"]["value"], line["newValue"]["value"]),
            ("État inconnu", "已上传"),
        )
