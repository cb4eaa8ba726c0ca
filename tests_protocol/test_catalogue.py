"""Tests of the error catalogue."""

import pytest
from wechat_protocol import catalogue, labels
from wechat_protocol.catalogue import CATALOGUE, Outcome, explain

RETRYABLE = (-1, 45009, 44990, 45011, 10060012, 10060019)
TOKEN = (40001, 40014, 42001, 41001)
PERMANENT = (
    268435461,
    268485192,
    268485214,
    268485195,
    268485196,
    268485197,
    268485194,
    268485253,
    268485224,
    268485229,
    268485228,
    268485231,
    268485226,
    268485227,
    268485230,
    268485232,
    268457014,
    268485216,
    268485217,
    47001,
    40013,
    40125,
    40164,
    40097,
    48001,
    268464998,
    # Order Shipping Management (the note's error table): attention.
    10060003,
    10060004,
    10060005,
    10060006,
    10060007,
    10060008,
    10060009,
    10060011,
    10060013,
    10060014,
    10060020,
    10060024,
    10060025,
    10060026,
    10060028,
    10060029,
    10060030,
    10060031,
    10060032,
    268546000,
    268546001,
    268546002,
)
# Order Shipping Management: "retry briefly, then attention" and "WeChat already has
# it".
RETRY_BRIEFLY = (10060001,)
ALREADY_HELD = (10060002, 10060023)


@pytest.mark.parametrize("code", RETRYABLE)
def test_retryable_codes(code):
    assert explain(code).outcome is Outcome.RETRYABLE


@pytest.mark.parametrize("code", TOKEN)
def test_token_codes(code):
    assert explain(code).outcome is Outcome.TOKEN


@pytest.mark.parametrize("code", PERMANENT)
def test_permanent_codes(code):
    assert explain(code).outcome is Outcome.PERMANENT


@pytest.mark.parametrize("code", RETRY_BRIEFLY)
def test_retry_briefly_codes(code):
    assert explain(code).outcome is Outcome.RETRY_BRIEFLY


@pytest.mark.parametrize("code", ALREADY_HELD)
def test_already_held_codes(code):
    assert explain(code).outcome is Outcome.ALREADY_HELD


def test_ok_is_accepted():
    assert explain(catalogue.OK).outcome is Outcome.ACCEPTED


def test_catalogue_covers_exactly_the_listed_codes():
    assert set(CATALOGUE) == {
        0,
        *RETRYABLE,
        *TOKEN,
        *PERMANENT,
        *RETRY_BRIEFLY,
        *ALREADY_HELD,
    }


def test_named_constants_match_codes():
    assert catalogue.TRACKING_NO_EMPTY == 268485226
    assert catalogue.ORDER_NUMBER_TYPE_MISMATCH == 268485253
    assert catalogue.RATE_LIMITED_FREQ == 44990


@pytest.mark.parametrize("info", CATALOGUE.values(), ids=lambda info: str(info.code))
def test_every_entry_is_bilingual_and_keyed_by_its_code(info):
    assert CATALOGUE[info.code] is info
    for text in (info.meaning_en, info.action_en):
        assert text and text.isascii()
    for text in (info.meaning_zh, info.action_zh):
        assert any("\u4e00" <= char <= "\u9fff" for char in text)


def test_text_picks_language():
    info = explain(catalogue.EXPRESS_COMPANY_EMPTY)
    assert info.text("zh_CN", labels.KEEP) == f"{info.meaning_zh} — {info.action_zh}"
    assert info.text("en_US", labels.KEEP) == f"{info.meaning_en} — {info.action_en}"
    assert info.text("") == info.text("fr_FR") == info.text("en_US")
    assert info.text("en_US") == (
        "The express company code is empty. — Set the carrier's WeChat express "
        "company on its form."
    )
    assert info.text("zh_CN", {"express_company": "微信快递公司（标签）"}) == (
        "快递公司编码为空。 — 请在承运商表单上设置“微信快递公司（标签）”。"
    )


def test_unknown_code_is_permanent_and_named_in_both_languages():
    info = explain(987654)
    assert info.outcome is Outcome.PERMANENT
    assert "987654" in info.text("en") and "987654" in info.text("zh_CN")
    assert info.text("en") != info.text("zh_CN")


def test_outcome_is_a_string_enum():
    assert Outcome.TOKEN == "token"
