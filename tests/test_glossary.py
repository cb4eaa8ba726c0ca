"""One word per concept, and fields named by the label the reader sees on screen.

A message that tells a person which field to fill names it by a placeholder filled in
with the field's own label in the reader's language (models/field_labels.py): these
tests read the labels from Odoo as its screens show them, rename one, and look through
every Chinese text (the translation and the protocol's texts) for a quoted name no
screen shows and for a word the glossary (docs/glossary.md) says is not written."""

import os
import re

import polib
from wechat_protocol import (
    catalogue,
    labels,
    order_shipping_validation,
    shopping_details_validation,
    validation,
)

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from ..demo.scenario import MCHID, OPENID
from ..models.field_labels import FIELDS, field_labels
from .common import SCREEN_MODULES, WechatPushCase, WechatShippingCase, read_in_chinese

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLOSSARY = os.path.join(ROOT, "docs", "glossary.md")
PO_PATH = os.path.join(ROOT, "i18n", "zh_CN.po")
HAN = re.compile(r"[\u4e00-\u9fff]")
# A name quoted in a Chinese text: “追踪参考”.
QUOTED = re.compile(r"“([^”]+)”")
# %(field)s and the like: filled in from a label when the message is made.
FILLED_WHEN_MADE = re.compile(r"%\(\w+\)s")


def _glossary_cells():
    """The cells of every row of the glossary's tables."""
    with open(GLOSSARY, encoding="utf-8") as glossary:
        for line in glossary:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) == 6 and cells[0] not in ("Concept", "---"):
                yield cells


def _protocol_texts():
    """(where, English, Chinese) of the protocol's rules and catalogue."""
    for module in (validation, order_shipping_validation, shopping_details_validation):
        for name, (_code, english, chinese) in module.RULES.items():
            yield f"{module.__name__}.{name}", english, chinese
    for info in catalogue.CATALOGUE.values():
        yield f"catalogue {info.code}", info.meaning_en, info.meaning_zh
        yield f"catalogue {info.code} action", info.action_en, info.action_zh


@tagged("post_install", "-at_install")
class TestGlossary(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What a user does from Settings > Languages: activate zh_CN, then load the
        # modules' terms.
        read_in_chinese(cls.env, SCREEN_MODULES, overwrite=True)
        cls.po = [entry for entry in polib.pofile(PO_PATH) if not entry.obsolete]

    def _label_on_screen(self, model, field, lang):
        """A field's label as the web client gets it to show."""
        fields = self.env[model].with_context(lang=lang).fields_get([field], ["string"])
        return fields[field]["string"]

    def _reason_of_a_delivery_without_tracking_number(self):
        order = self._order([(self.tea, 1)])
        self._ship(order.picking_ids, False)
        self._run_cron()
        upload = order.wechat_upload_id
        self.assertEqual(upload.state, "attention")
        return upload

    # ---------------------------------------------------------------- the placeholders

    def test_each_placeholder_stands_for_a_field_and_takes_its_label(self):
        used = set(labels.DEFAULT_NAMES)
        for entry in self.po:
            used |= labels.placeholders(entry.msgid)
        self.assertLessEqual(used, set(FIELDS), "a placeholder Odoo cannot fill in")
        for lang in ("en_US", "zh_CN"):
            names = field_labels(self.env(context=dict(self.env.context, lang=lang)))
            for name, (model, field) in FIELDS.items():
                with self.subTest(placeholder=name, lang=lang):
                    self.assertEqual(
                        names[name], self._label_on_screen(model, field, lang)
                    )

    def test_the_reason_names_the_tracking_field_by_its_label(self):
        upload = self._reason_of_a_delivery_without_tracking_number()
        english = self._label_on_screen(
            "stock.picking", "carrier_tracking_ref", "en_US"
        )
        chinese = self._label_on_screen(
            "stock.picking", "carrier_tracking_ref", "zh_CN"
        )
        self.assertEqual((english, chinese), ("Tracking Reference", "追踪参考"))
        self.assertIn(
            f"Tracking number is empty: fill in the delivery's {english}.",
            upload.with_context(lang="en_US").reason,
        )
        self.assertIn(
            f"物流单号为空：请在发货单上填写“{chinese}”。",
            upload.with_context(lang="zh_CN").reason,
        )
        # A French reader reads the English text: with the English label.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertIn(english, upload.with_context(lang="fr_FR").reason)
        self.assertNotIn("[[", upload.with_context(lang="zh_CN").reason)

    def test_a_renamed_label_is_the_one_the_reason_says(self):
        upload = self._reason_of_a_delivery_without_tracking_number()
        field = self.env["ir.model.fields"]._get(
            "stock.picking", "carrier_tracking_ref"
        )
        # What a merchant does in Settings > Translations, or new terms of Odoo's.
        field.with_context(lang="zh_CN").field_description = "快递追踪号"
        field.with_context(lang="en_US").field_description = "Parcel Tracking Number"
        upload.invalidate_recordset(["reason"])
        self.assertIn(
            "请在发货单上填写“快递追踪号”。", upload.with_context(lang="zh_CN").reason
        )
        self.assertIn(
            "fill in the delivery's Parcel Tracking Number.",
            upload.with_context(lang="en_US").reason,
        )

    def test_settings_messages_name_their_field_by_its_label(self):
        settings = self.env["res.config.settings"].with_context(lang="zh_CN")
        label = self._label_on_screen(
            "res.config.settings", "wechat_push_token", "zh_CN"
        )
        self.assertEqual(label, "微信消息推送令牌")
        with self.assertRaises(ValidationError) as caught:
            settings.create({"wechat_push_token": "x"}).execute()
        self.assertIn(f"{label}：3 至 32 位字母和数字", str(caught.exception))

    # --------------------------------------------------------------------- the words

    def _screen_names(self):
        """Every name a Chinese reader sees on the addon's screens: field labels,
        selection values, the strings of its views and menus, and the names of WeChat's
        own screens the glossary gives."""
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        names = set()
        for model in (
            {model for model, _field in FIELDS.values()}
            | {name for name in self.env.registry if name.startswith("wechat.")}
            | {"res.config.settings"}
        ):
            for field in env[model].fields_get([], ["string", "selection"]).values():
                names.add(field["string"])
                names.update(label for _key, label in field.get("selection") or [])
        for entry in self.po:
            if any(
                "ir.ui.view" in where or "ir.ui.menu" in where
                for where, _ in (entry.occurrences)
            ):
                names.add(entry.msgstr)
        for cells in _glossary_cells():
            names.update(re.findall(r"[\u4e00-\u9fff]+", cells[3]))
        return names

    def _chinese_texts(self):
        """(where, text) of every Chinese text the addon and the protocol write, the
        protocol's placeholders filled in with Odoo's labels."""
        env = self.env(context=dict(self.env.context, lang="zh_CN"))
        names = field_labels(env)
        for entry in self.po:
            yield entry.msgid, labels.fill(entry.msgstr, "zh_CN", names)
        for where, _english, chinese in _protocol_texts():
            yield where, labels.fill(chinese, "zh_CN", names)

    def test_a_quoted_name_is_one_a_screen_shows(self):
        screen = self._screen_names()
        self.assertIn("追踪参考", screen)
        unknown = []
        for where, text in self._chinese_texts():
            for name in QUOTED.findall(text):
                if FILLED_WHEN_MADE.search(name) or not HAN.search(name):
                    continue
                if name not in screen:
                    unknown.append(f"“{name}” in {where[:70]!r}")
        self.assertFalse(unknown, "names no screen shows:\n" + "\n".join(unknown))

    def test_the_translation_uses_the_glossarys_words(self):
        not_written = [
            (word, cells[0])
            for cells in _glossary_cells()
            for word in re.findall(r"`([^`]+)`", cells[5])
            if HAN.search(word)
        ]
        self.assertGreater(len(not_written), 5, "the glossary was not read")
        used = [
            f"{word!r} ({concept}) in {where[:70]!r}: {text!r}"
            for where, text in self._chinese_texts()
            for word, concept in not_written
            if word in text
        ]
        self.assertFalse(used, "\n".join(used))


@tagged("post_install", "-at_install")
class TestChatterLanguage(WechatPushCase):
    """A line posted in a chatter has one language: the language of the person it
    concerns, not of the job or integration that posts it."""

    def test_a_receipt_reminders_line_reads_in_the_salespersons_language(self):
        read_in_chinese(
            self.env, ["stock", "stock_delivery", "wechat_shipping"], overwrite=True
        )
        salesperson = new_test_user(
            self.env,
            "ws_glossary_zh",
            groups="sales_team.group_sale_salesman",
            lang="zh_CN",
        )
        order = self._order([(self.tea, 1)], user_id=salesperson.id)
        self.wechat.pay(OPENID, mchid=MCHID, out_trade_no=order.wechat_out_trade_no)
        self._ship(order.picking_ids, "SFP000000041")
        self._run_cron()
        # A carrier integration, in English, reports the parcel signed for before it
        # shipped: WeChat refuses the reminder, and the delivery's chatter says so.
        order.picking_ids.with_context(lang="en_US").write(
            {"wechat_received_at": "2000-01-01 00:00:00"}
        )
        body = str(order.picking_ids.message_ids[:1].body)
        self.assertIn("签收时间不晚于发货时间", body)
        self.assertIn("“签收时间”", body, "the field named by its Chinese label")
        self.assertNotIn("signed for", body)
