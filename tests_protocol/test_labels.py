"""The fields the protocol's texts name, and the words they name things by.

A text names a field a person fills in by a placeholder (`[[tracking_no]]`) that the
system around the protocol fills in with the label its reader sees; alone, the protocol
fills in the glossary's words (docs/glossary.md). The glossary's *Not written* column is
checked against every text here."""

import re
from pathlib import Path

import pytest
from wechat_protocol import (
    catalogue,
    client,
    labels,
    masking,
    order_shipping_validation,
    report,
    shopping_details_validation,
    validation,
)

GLOSSARY = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _rule_texts():
    """(where, English, Chinese) of every rule of the three checkers."""
    for module in (validation, order_shipping_validation, shopping_details_validation):
        for name, (_code, english, chinese) in module.RULES.items():
            yield f"{module.__name__}.{name}", english, chinese
    for module in (validation, shopping_details_validation):
        for name, (english, chinese) in module.TEXT_NAMES.items():
            yield f"{module.__name__}.TEXT_NAMES.{name}", english, chinese


def _catalogue_texts():
    for info in [*catalogue.CATALOGUE.values(), catalogue.explain(987654)]:
        yield f"catalogue {info.code}", info.meaning_en, info.meaning_zh
        yield f"catalogue {info.code} action", info.action_en, info.action_zh


def _other_texts():
    found = report.ProblemReport()
    found.unlisted_code("shipping_list[0].express_company", "ZJS")
    (unlisted,) = found.as_dicts()
    yield "report.unlisted_code", unlisted["en"], unlisted["zh"]
    yield "report.UNREADABLE", report.UNREADABLE["en"], report.UNREADABLE["zh"]
    for errmsg in [*client._REASONS, "unknown"]:
        for outcome in (catalogue.Outcome.RETRYABLE, catalogue.Outcome.PERMANENT):
            result = client.CallResult(outcome, None, errmsg, None, None, None)
            yield (
                f"client {errmsg} {outcome}",
                result.describe("en", labels.KEEP),
                result.describe("zh_CN", labels.KEEP),
            )
    for phone in ("", "1*****234", "call me", "12", "1" * 30):
        with pytest.raises(masking.ContactInvalid) as caught:
            masking.mask_contact(phone)
        yield f"masking {phone!r}", caught.value.message_en, caught.value.message_zh


def _texts():
    return [*_rule_texts(), *_catalogue_texts(), *_other_texts()]


def _not_written():
    """The words the glossary's *Not written* column lists, each with its concept."""
    words = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] not in ("Concept", "---"):
            words += [(word, cells[0]) for word in re.findall(r"`([^`]+)`", cells[5])]
    return words


# ------------------------------------------------------------------------ filling in


def test_placeholders_take_the_readers_labels_else_the_glossarys_words():
    text = "Fill in the delivery's [[tracking_no]] and [[nobody_knows]]."
    assert labels.fill(text, "en_US", {"tracking_no": "Tracking Reference"}) == (
        "Fill in the delivery's Tracking Reference and [[nobody_knows]]."
    )
    assert labels.fill(text, "en_US") == (
        "Fill in the delivery's tracking number and [[nobody_knows]]."
    )
    assert labels.fill("请填写“[[tracking_no]]”。", "zh_CN") == "请填写“物流单号”。"
    assert labels.fill(text, "zh_CN", labels.KEEP) == text
    assert labels.placeholders(text) == {"tracking_no", "nobody_knows"}


def test_a_rendered_reason_names_the_field_by_the_readers_label():
    found = report.ProblemReport()
    found.extend(validation.check_single({"shipping_list": [{"tracking_no": ""}]}))
    stored = found.as_dicts()  # kept with its placeholders, filled in when read
    assert any("[[tracking_no]]" in problem["zh"] for problem in stored)
    reason = report.render(stored, "zh_CN", {"tracking_no": "追踪参考"})
    assert "物流单号为空：请在发货单上填写“追踪参考”。 [268485226]" in reason
    assert "[[" not in reason


# ------------------------------------------------------------------------- the texts


@pytest.mark.parametrize("where, english, chinese", _texts(), ids=lambda v: str(v))
def test_both_languages_name_the_same_fields_and_each_has_a_name(
    where, english, chinese
):
    assert labels.placeholders(english) == labels.placeholders(chinese), where
    assert labels.placeholders(english) <= set(labels.DEFAULT_NAMES), where
    for lang, text in (("en_US", english), ("zh_CN", chinese)):
        assert "[[" not in labels.fill(text, lang), (where, text)


def test_every_default_name_is_in_both_languages_and_used():
    used = set().union(
        *(labels.placeholders(english) for _where, english, _zh in _texts())
    )
    assert used == set(labels.DEFAULT_NAMES)
    for name, (english, chinese) in labels.DEFAULT_NAMES.items():
        assert english.isascii() and chinese, name


def test_the_texts_use_the_glossarys_words():
    not_written = _not_written()
    assert len(not_written) > 10, "the glossary's Not written column was not read"
    used = []
    for where, english, chinese in _texts():
        # A placeholder names a field, not a word of the text.
        english, chinese = (labels.PLACEHOLDER.sub("", t) for t in (english, chinese))
        for word, concept in not_written:
            for text in (english, chinese):
                # Chinese words are looked for in Chinese texts, English ones in both
                # (a Chinese text quotes English names).
                if HAN.search(word) and text is english:
                    continue
                if word in text:
                    used.append(f"{where}: {word!r} ({concept}) in {text!r}")
    assert not used, "\n".join(used)
