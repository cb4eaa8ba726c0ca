"""Bad-input drill of the protocol core and the sandbox.

Every malformed value is either refused (a Problem or a ContactInvalid with WeChat's
code and a clear English and Chinese message that never repeats the value) or safely
normalized (the exact result is asserted). Nothing here may end in an unexpected
exception."""

import copy
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
import requests
from builders import MCHID, OPENID, details_for, valid_combined_body, valid_single_body
from helpers import APPID, SECRET, classic_token, stable_token
from wechat_protocol import catalogue as c
from wechat_protocol import endpoints, express, labels, validation
from wechat_protocol.client import WeChatClient
from wechat_protocol.endpoints import SHOPPING_COMBINED_SHIPPING as COMBINED_PATH
from wechat_protocol.endpoints import SHOPPING_SINGLE_SHIPPING as SINGLE_PATH
from wechat_protocol.masking import ContactInvalid, looks_masked, mask_contact
from wechat_protocol.tokens import StableTokenSource

CJK = re.compile(r"[\u4e00-\u9fff]")
# What a message shown to a person must never look like.
REPR_MARKS = (
    "Traceback",
    "object at 0x",
    "Error(",
    "\\x",
    "\\u",
    "{'",
    "['",
    "None",
    "<class",
)

# Injection-looking and non-ASCII strings tried in every field of a body.
# (value, has invisible/control characters, has whitespace)
HOSTILE = [
    ("'; DROP TABLE sale_order;--", False, True),
    ("1' OR '1'='1", False, True),
    ("<script>alert(1)</script>", False, False),
    ("<img src=x onerror=alert(1)>", False, True),
    ("{{7*7}}${7*7}", False, False),
    ("${jndi:ldap://evil/a}", False, False),
    ("../../etc/passwd", False, False),
    ("%s%s%s%n", False, False),
    ("订单号一二三", False, False),
    ("😀📦🚚", False, False),
    ("Ünïcödé-ß", False, False),
    ("ＳＦ１２３", False, False),
    ("\u202eFS321", True, False),
    ("SF\u200b123", True, False),
    ("SF\x00123", True, False),
    ("SF123\r\nX-Injected: 1", True, True),
    ("SF\t123", True, True),
    ("\ufeffSF123", True, False),
]
HOSTILE_IDS = [f"hostile{index}" for index in range(len(HOSTILE))]


def assert_clear(problem_or_error, value=None):
    """English and Chinese message present, distinct, readable, and free of the
    value."""
    en, zh = problem_or_error.message_en, problem_or_error.message_zh
    assert en and zh and en != zh
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    for text in (en, zh):
        for mark in REPR_MARKS:
            assert mark not in text, (mark, text)
        if isinstance(value, str) and len(value.strip()) >= 4:
            assert value.strip() not in text
    assert problem_or_error.message("zh_CN") == labels.fill(
        zh, "zh_CN"
    ) and problem_or_error.message("en_US") == labels.fill(en, "en_US")


def problems_at(problems, path):
    return [p for p in problems if p.path == path]


def assert_refused(problems, path, code, value=None):
    """Exactly the expected code at path, every problem clearly worded."""
    at_path = problems_at(problems, path)
    assert at_path, f"nothing refused at {path}: {problems}"
    assert code in {p.code for p in at_path}, (code, at_path)
    for problem in problems:
        assert_clear(problem, value)


# ------------------------------------------------------------------------------ phones

BAD_PHONES = [
    ("", "empty"),
    ("   ", "empty"),
    ("\t\n", "empty"),
    ("\u3000\u3000", "empty"),
    ("abc", "letters"),
    ("call me", "letters"),
    ("138OO138OOO", "letters"),
    ("123", "fewer than four"),
    ("1-2-3", "fewer than four"),
    ("１２３", "fewer than four"),
    ("😀😀😀😀", "letters"),
    ("138😀0013😀8000", "letters"),
    ("1" * 200, "more than 20"),
    ("0" * 21, "more than 20"),
    ("１" * 30, "more than 20"),
    ("13800138000" * 3, "more than 20"),
    ("'; DROP TABLE res_partner;--", "letters"),
    ("13800138000' OR '1'='1", "letters"),
    ("<script>alert(1)</script>", "letters"),
    ("<b>13800138000</b>", "letters"),
    ("\u202e13800138000", "invisible"),
    ("\u200f138 0013 8000", "invisible"),
    ("138\u200b0013\u200b8000", "invisible"),
    ("\ufeff13800138000", "invisible"),
    ("138\x000013\x008000", "invisible"),
    ("---", "fewer than four"),
    ("() - .", "fewer than four"),
    ("+", "fewer than four"),
    ("++--..()", "fewer than four"),
    ("1*2*3*4", "masked"),
    ("****", "masked"),
    ("138****", "masked"),
    ("13800138000 ext", "letters"),
    ("ext 1234", "letters"),
    ("1234#", "letters"),
    ("13800138000, 13900139000", "letters"),
    ("13800138000/13900139000", "letters"),
    ("+86_138_0013_8000", "letters"),
    ("\ud800\udc00" "13800138000", "letters"),
    ("１３８－００１３－８０００＃", "letters"),
]


@pytest.mark.parametrize(
    "number, fragment", BAD_PHONES, ids=[f"phone{i}" for i in range(len(BAD_PHONES))]
)
def test_bad_phone_is_refused_clearly(number, fragment):
    with pytest.raises(ContactInvalid) as caught:
        mask_contact(number)
    error = caught.value
    assert fragment in error.message_en
    assert_clear(error, number)
    digits = "".join(ch for ch in number if ch.isascii() and ch.isdigit())
    if len(digits) >= 4:
        for text in (str(error), repr(error), error.message_zh):
            assert digits[-4:] not in text


GOOD_PHONES = [
    ("189 1234 5678", "189****5678"),
    ("189-1234-5678", "189****5678"),
    ("189.1234.5678", "189****5678"),
    ("  189 1234 5678  ", "189****5678"),
    ("\u3000189\u30001234\u30005678", "189****5678"),
    ("\xa0189\xa01234\xa05678", "189****5678"),
    ("１３８００１３８０００", "138****8000"),
    ("１８９ １２３４ ５６７８", "189****5678"),
    ("＋８６ １８９ １２３４ ５６７８", "+86-189****5678"),
    ("（０２１）６６８８ １２３４", "021-****1234"),
    ("١٣٨٠٠١٣٨٠٠٠", "138****8000"),
    ("۱۳۸۰۰۱۳۸۰۰۰", "138****8000"),
    ("(021) 6688-1234", "021-****1234"),
    ("+86 (21) 6688-1234", "+86-21-****1234"),
    ("0086 189 1234 5678", "+86-189****5678"),
    ("021 6688 1234 转 8008", "021-********-8008"),
    ("1\t8\t9\t1\t2\t3\t4\t5\t6\t7\t8", "*******5678"),
    ("1" * 20, "*" * 16 + "1111"),
    ("189****5678", "189****5678"),
    ("+86-189****5678", "+86-189****5678"),
]


@pytest.mark.parametrize(
    "number, masked", GOOD_PHONES, ids=[f"good{i}" for i in range(len(GOOD_PHONES))]
)
def test_acceptable_phone_is_normalized_to_its_masked_form(number, masked):
    result = mask_contact(number)
    assert result == masked
    assert result.isascii() and looks_masked(result)
    # What the payload carries passes the body check too.
    body = valid_single_body()
    body["shipping_list"][0]["contact"] = {"receiver_contact": result}
    assert validation.check_single(body) == []


def test_non_text_phone_is_refused_not_crashed():
    for value in (None, 13800138000, ["13800138000"], b"13800138000"):
        with pytest.raises(ContactInvalid):
            mask_contact(value)


# --------------------------------------------------------------------------- order keys


def merchant_key(mchid=MCHID, out_trade_no="SO0001"):
    return {"order_number_type": 1, "mchid": mchid, "out_trade_no": out_trade_no}


BAD_MCHIDS = [
    ("", c.MCHID_MISSING),
    ("   ", c.MCHID_MISSING),
    ("abcdefgh", c.MCHID_INVALID),
    ("MCH12345678", c.MCHID_INVALID),
    ("1234567", c.MCHID_INVALID),
    ("1" * 13, c.MCHID_INVALID),
    ("1" * 100, c.MCHID_INVALID),
    ("1234 5678", c.MCHID_INVALID),
    (" 12345678", c.MCHID_INVALID),
    ("12345678 ", c.MCHID_INVALID),
    ("12345678\n", c.MCHID_INVALID),
    ("１２３４５６７８", c.MCHID_INVALID),
    ("١٢٣٤٥٦٧٨", c.MCHID_INVALID),
    ("-12345678", c.MCHID_INVALID),
    ("1e10", c.MCHID_INVALID),
    ("12345678\x00", c.MCHID_INVALID),
    ("商户号12345678", c.MCHID_INVALID),
    (12345678, c.DATA_FORMAT_ERROR),
    (True, c.DATA_FORMAT_ERROR),
    ([12345678], c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "mchid, code", BAD_MCHIDS, ids=[f"mchid{i}" for i in range(len(BAD_MCHIDS))]
)
def test_bad_mchid(mchid, code):
    assert_refused(
        validation.check_order_key(merchant_key(mchid=mchid)),
        "order_key.mchid",
        code,
        mchid,
    )


BAD_OUT_TRADE_NOS = [
    ("", c.OUT_TRADE_NO_MISSING),
    (" \t ", c.OUT_TRADE_NO_MISSING),
    ("A" * 33, c.PARAM_ERROR),
    ("1" * 64, c.PARAM_ERROR),
    ("SO 0001", c.PARAM_ERROR),
    ("SO/0001", c.PARAM_ERROR),
    ("SO.0001", c.PARAM_ERROR),
    ("SO#0001", c.PARAM_ERROR),
    ("SO%0001", c.PARAM_ERROR),
    ("订单0001", c.PARAM_ERROR),
    ("ＳＯ０００１", c.PARAM_ERROR),
    ("SO0001\n", c.PARAM_ERROR),
    ("SO\x000001", c.PARAM_ERROR),
    ("\u202eSO0001", c.PARAM_ERROR),
    ("<b>SO1</b>", c.PARAM_ERROR),
    ("a'b", c.PARAM_ERROR),
    (1001, c.DATA_FORMAT_ERROR),
    ({"no": 1}, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "out_trade_no, code",
    BAD_OUT_TRADE_NOS,
    ids=[f"otn{i}" for i in range(len(BAD_OUT_TRADE_NOS))],
)
def test_bad_out_trade_no(out_trade_no, code):
    problems = validation.check_order_key(merchant_key(out_trade_no=out_trade_no))
    assert_refused(problems, "order_key.out_trade_no", code, out_trade_no)


BAD_TRANSACTION_IDS = [
    ("", c.TRANSACTION_ID_MISSING),
    ("  ", c.TRANSACTION_ID_MISSING),
    ("4" * 33, c.PARAM_ERROR),
    ("4" * 200, c.PARAM_ERROR),
    ("4200 0012 3420", c.PARAM_ERROR),
    ("支付单号4200001234", c.PARAM_ERROR),
    ("<script>alert(1)</script>", c.PARAM_ERROR),
    ("4200\x00001234", c.PARAM_ERROR),
    ("4200001234\n", c.PARAM_ERROR),
    ("4200-0012-34", c.PARAM_ERROR),
    ("４２００００１２３４", c.PARAM_ERROR),
    (4200001234, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "transaction_id, code",
    BAD_TRANSACTION_IDS,
    ids=[f"txid{i}" for i in range(len(BAD_TRANSACTION_IDS))],
)
def test_bad_transaction_id(transaction_id, code):
    key = {"order_number_type": 2, "transaction_id": transaction_id}
    assert_refused(
        validation.check_order_key(key),
        "order_key.transaction_id",
        code,
        transaction_id,
    )


def test_transaction_id_of_32_letters_and_digits_is_accepted():
    assert (
        validation.check_order_key({"order_number_type": 2, "transaction_id": "4" * 32})
        == []
    )
    assert (
        validation.check_order_key(
            {"order_number_type": 2, "transaction_id": "wx42ABC"}
        )
        == []
    )


BAD_KEYS = [
    # a type without its numbers
    ({"order_number_type": 1}, "order_key.mchid", c.MCHID_MISSING),
    ({"order_number_type": 1}, "order_key.out_trade_no", c.OUT_TRADE_NO_MISSING),
    ({"order_number_type": 2}, "order_key.transaction_id", c.TRANSACTION_ID_MISSING),
    (
        {"order_number_type": 2, "mchid": MCHID, "out_trade_no": "SO1"},
        "order_key.transaction_id",
        c.TRANSACTION_ID_MISSING,
    ),
    (
        {"order_number_type": 1, "transaction_id": "4200001234"},
        "order_key.mchid",
        c.MCHID_MISSING,
    ),
    # a wrong type
    (
        {"mchid": MCHID, "out_trade_no": "SO1"},
        "order_key.order_number_type",
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        merchant_key() | {"order_number_type": 0},
        "order_key.order_number_type",
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        merchant_key() | {"order_number_type": 3},
        "order_key.order_number_type",
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        merchant_key() | {"order_number_type": -1},
        "order_key.order_number_type",
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        merchant_key() | {"order_number_type": 2**63},
        "order_key.order_number_type",
        c.ORDER_NUMBER_TYPE_ILLEGAL,
    ),
    (
        merchant_key() | {"order_number_type": "1"},
        "order_key.order_number_type",
        c.DATA_FORMAT_ERROR,
    ),
    (
        merchant_key() | {"order_number_type": "MERCHANT_TRADE_NUMBER"},
        "order_key.order_number_type",
        c.DATA_FORMAT_ERROR,
    ),
    (
        merchant_key() | {"order_number_type": 1.0},
        "order_key.order_number_type",
        c.DATA_FORMAT_ERROR,
    ),
    (
        merchant_key() | {"order_number_type": True},
        "order_key.order_number_type",
        c.DATA_FORMAT_ERROR,
    ),
    (
        merchant_key() | {"order_number_type": [1]},
        "order_key.order_number_type",
        c.DATA_FORMAT_ERROR,
    ),
    # no key object at all
    (None, "order_key", c.PARAM_ERROR),
    ([], "order_key", c.DATA_FORMAT_ERROR),
    ("mch:1230000109:SO1", "order_key", c.DATA_FORMAT_ERROR),
    (1, "order_key", c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "key, path, code", BAD_KEYS, ids=[f"key{i}" for i in range(len(BAD_KEYS))]
)
def test_bad_order_key(key, path, code):
    assert_refused(validation.check_order_key(key), path, code)


# ------------------------------------------------------------------------------ openids

BAD_OPENIDS = [
    ("", c.OPENID_EMPTY),
    ("   ", c.OPENID_EMPTY),
    ("oUpF8uMu AJO_M2pxb1Q9zNjWeS6o", c.OPENID_INVALID),
    (" oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", c.OPENID_INVALID),
    ("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\n", c.OPENID_INVALID),
    ("o" * 129, c.PARAM_ERROR),
    ("o" * 1000, c.PARAM_ERROR),
    ("<script>alert(1)</script>", c.OPENID_INVALID),
    ("oUpF8\x00uMuAJO", c.OPENID_INVALID),
    ("用户的标识符", c.OPENID_INVALID),
    ("oUpF8uMuAJO_微信", c.OPENID_INVALID),
    ("ｏＵｐＦ８ｕＭｕ", c.OPENID_INVALID),
    ("oUp.F8", c.OPENID_INVALID),
    ("oUp+F8/=", c.OPENID_INVALID),
    ("'; DROP TABLE res_users;--", c.OPENID_INVALID),
    ("\u202eoUpF8uMuAJO", c.OPENID_INVALID),
    ("\ud800", c.OPENID_INVALID),
    (12345, c.DATA_FORMAT_ERROR),
    (["oUpF8uMuAJO"], c.DATA_FORMAT_ERROR),
    ({"openid": OPENID}, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "openid, code", BAD_OPENIDS, ids=[f"openid{i}" for i in range(len(BAD_OPENIDS))]
)
def test_bad_openid(openid, code):
    assert_refused(validation.check_openid(openid), "payer.openid", code, openid)


def test_openid_of_128_bytes_is_accepted():
    assert validation.check_openid("o" * 128) == []
    assert validation.check_openid(OPENID) == []


# -------------------------------------------------------------- express codes and texts

BAD_EXPRESS_CODES = [
    ("", c.EXPRESS_COMPANY_EMPTY),
    ("   ", c.EXPRESS_COMPANY_EMPTY),
    ("S" * 129, c.PARAM_ERROR),
    ("顺" * 43, c.PARAM_ERROR),  # 43 characters, 129 bytes
    ("S F", c.PARAM_ERROR),
    (" SF", c.PARAM_ERROR),
    ("SF ", c.PARAM_ERROR),
    ("SF\n", c.PARAM_ERROR),
    ("SF\x00", c.PARAM_ERROR),
    ("\u200bSF", c.PARAM_ERROR),
    ("S\u202eF", c.PARAM_ERROR),
    ("'; DROP TABLE wechat_express_company;--", c.PARAM_ERROR),
    (7, c.DATA_FORMAT_ERROR),
    (["SF"], c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "code_value, code",
    BAD_EXPRESS_CODES,
    ids=[f"express{i}" for i in range(len(BAD_EXPRESS_CODES))],
)
def test_bad_express_code(code_value, code):
    assert_refused(
        validation.check_express_company(code_value),
        "express_company",
        code,
        code_value,
    )
    body = valid_single_body()
    body["shipping_list"][0]["express_company"] = code_value
    problems = validation.check_single(body)
    assert_refused(problems, "shipping_list[0].express_company", code, code_value)


@pytest.mark.parametrize(
    "unknown", ["YUNDA", "DBKD", "BEST", "NOSUCHCARRIER", "S" * 128]
)
def test_code_outside_the_known_table_is_not_refused(unknown):
    # WeChat's table has ~1,400 codes; only WeChat can say a well-formed one is unknown.
    assert unknown not in {company.code for company in express.EXPRESS_COMPANIES}
    assert validation.check_express_company(unknown) == []


BAD_TRACKING_NOS = [
    ("", c.TRACKING_NO_EMPTY),
    ("  ", c.TRACKING_NO_EMPTY),
    ("9" * 129, c.PARAM_ERROR),
    ("运" * 43, c.PARAM_ERROR),
    ("SF123\n", c.PARAM_ERROR),
    ("SF\x00123", c.PARAM_ERROR),
    ("\u202eSF123", c.PARAM_ERROR),
    ("SF\u2028123", c.PARAM_ERROR),
    (123456, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "tracking_no, code",
    BAD_TRACKING_NOS,
    ids=[f"tracking{i}" for i in range(len(BAD_TRACKING_NOS))],
)
def test_bad_tracking_no(tracking_no, code):
    body = valid_single_body()
    body["shipping_list"][0]["tracking_no"] = tracking_no
    assert_refused(
        validation.check_single(body), "shipping_list[0].tracking_no", code, tracking_no
    )


BAD_ITEM_IDS = [
    ("", c.MERCHANT_ITEM_ID_EMPTY),
    ("\t", c.MERCHANT_ITEM_ID_EMPTY),
    ("X" * 65, c.PARAM_ERROR),
    ("品" * 22, c.PARAM_ERROR),  # 22 characters, 66 bytes
    ("SKU\x00A", c.PARAM_ERROR),
    ("SKU-A\r\n", c.PARAM_ERROR),
    ("\ufeffSKU-A", c.PARAM_ERROR),
    (1246464644, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "item_id, code", BAD_ITEM_IDS, ids=[f"item{i}" for i in range(len(BAD_ITEM_IDS))]
)
def test_bad_merchant_item_id(item_id, code):
    assert_refused(
        validation.check_merchant_item_id(item_id), "merchant_item_id", code, item_id
    )
    body = valid_combined_body()
    body["sub_orders"][0]["shipping_list"][0]["item_list"][1]["merchant_item_id"] = (
        item_id
    )
    path = "sub_orders[0].shipping_list[0].item_list[1].merchant_item_id"
    assert_refused(validation.check_combined(body), path, code, item_id)


def test_item_id_of_64_bytes_is_accepted():
    assert validation.check_merchant_item_id("X" * 64) == []
    assert validation.check_merchant_item_id("品" * 21 + "X") == []


BAD_CONTACTS = [
    "18912345678",
    "189 1234 5678",
    "+86-18912345678",
    "189*5678",
    "****",
    "189****567",
    "１８９****５６７８",
    "189****5678\n",
    "<script>",
    "'; DROP TABLE x;--",
]


@pytest.mark.parametrize(
    "contact", BAD_CONTACTS, ids=[f"contact{i}" for i in range(len(BAD_CONTACTS))]
)
def test_unmasked_or_foreign_contact_in_a_body_is_refused(contact):
    body = valid_single_body()
    body["shipping_list"][0]["contact"] = {"consignor_contact": contact}
    path = "shipping_list[0].contact.consignor_contact"
    # The message shows WeChat's example (189****1234); any other value must not be
    # echoed.
    assert_refused(
        validation.check_single(body),
        path,
        c.PARAM_ERROR,
        None if contact == "****" else contact,
    )


BAD_UPLOAD_TIMES = [
    ("", c.UPLOAD_TIME_MISSING),
    ("2021-05-20T13:29:35.120 08:00", c.UPLOAD_TIME_ILLEGAL),
    ("2021-05-20 13:29:35.120+08:00", c.UPLOAD_TIME_ILLEGAL),
    ("2021-05-20T13:29:35.120", c.UPLOAD_TIME_ILLEGAL),
    ("2021-05-20", c.UPLOAD_TIME_ILLEGAL),
    ("2021-13-40T25:61:61.000+08:00", c.UPLOAD_TIME_ILLEGAL),
    ("２０２１-05-20T13:29:35.120+08:00", c.UPLOAD_TIME_ILLEGAL),
    ("1621488575", c.UPLOAD_TIME_ILLEGAL),
    ("yesterday", c.UPLOAD_TIME_ILLEGAL),
    (1621488575, c.DATA_FORMAT_ERROR),
]


@pytest.mark.parametrize(
    "upload_time, code",
    BAD_UPLOAD_TIMES,
    ids=[f"time{i}" for i in range(len(BAD_UPLOAD_TIMES))],
)
def test_bad_upload_time(upload_time, code):
    body = valid_combined_body()
    body["upload_time"] = upload_time
    # The message quotes an example time, so the value itself is not searched in it.
    assert_refused(validation.check_combined(body), "upload_time", code)


# ----------------------------------------------------------- hostile strings everywhere

STRICT_FIELDS = [  # (where, code when refused)
    (("order_key", "mchid"), c.MCHID_INVALID),
    (("order_key", "out_trade_no"), c.PARAM_ERROR),
    (("sub_orders", 1, "order_key", "out_trade_no"), c.PARAM_ERROR),
    (("payer", "openid"), c.OPENID_INVALID),
    (("upload_time",), c.UPLOAD_TIME_ILLEGAL),
    (
        ("sub_orders", 0, "shipping_list", 0, "contact", "receiver_contact"),
        c.PARAM_ERROR,
    ),
]
FREE_TEXT_FIELDS = [
    ("sub_orders", 0, "shipping_list", 0, "tracking_no"),
    ("sub_orders", 0, "shipping_list", 1, "item_list", 0, "merchant_item_id"),
    ("sub_orders", 1, "shipping_list", 0, "express_company"),
]


def _put(body, where, value):
    target = body
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value


def _path(where):
    return "".join(
        f"[{step}]" if isinstance(step, int) else f".{step}" for step in where
    ).lstrip(".")


@pytest.mark.parametrize("value, invisible, spaced", HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(
    "where, code", STRICT_FIELDS, ids=[_path(w) for w, _ in STRICT_FIELDS]
)
def test_hostile_string_in_a_strict_field_is_refused(
    where, code, value, invisible, spaced
):
    body = valid_combined_body()
    _put(body, where, value)
    assert_refused(validation.check_combined(body), _path(where), code, value)


@pytest.mark.parametrize("value, invisible, spaced", HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize(
    "where", FREE_TEXT_FIELDS, ids=[_path(w) for w in FREE_TEXT_FIELDS]
)
def test_hostile_string_in_a_free_text_field_is_refused_or_carried_as_data(
    where, value, invisible, spaced
):
    body = valid_combined_body()
    _put(body, where, value)
    problems = validation.check_combined(body)
    refused = invisible or (spaced and where[-1] == "express_company")
    if refused:
        assert_refused(problems, _path(where), c.PARAM_ERROR, value)
    else:
        # Printable text WeChat may know (a carrier's tracking number, a merchant's own
        # id): sent as JSON data, never interpreted; the sandbox test below shows it
        # round-trips unchanged.
        assert problems == []
        assert json.loads(json.dumps(body, ensure_ascii=False)) == body


# ---------------------------------------------------------------------- oversized lists


def _split_order(shipments, items_per_shipment):
    return {
        "order_key": merchant_key(out_trade_no="SO0009"),
        "delivery_mode": 2,
        "shipping_list": [
            {
                "tracking_no": f"SF{index:012d}",
                "express_company": "SF",
                "item_list": [
                    {"merchant_item_id": f"SKU-{n}"} for n in range(items_per_shipment)
                ],
                "contact": {"receiver_contact": "189****5678"},
            }
            for index in range(shipments)
        ],
    }


@pytest.mark.parametrize(
    "shipments, items, path, code",
    [
        (11, 1, "sub_orders[0].shipping_list", c.PARAM_ERROR),
        (100, 1, "sub_orders[0].shipping_list", c.PARAM_ERROR),
        (1, 51, "sub_orders[0].shipping_list[0].item_list", c.PARAM_ERROR),
        (2, 500, "sub_orders[0].shipping_list[1].item_list", c.PARAM_ERROR),
    ],
)
def test_oversized_lists_are_refused(shipments, items, path, code):
    body = valid_combined_body()
    body["sub_orders"][0] = _split_order(shipments, items)
    problems = validation.check_combined(body)
    assert_refused(problems, path, code)
    # One problem per broken rule, not one per entry.
    assert len(problems_at(problems, path)) == 1


def test_lists_at_their_limits_are_accepted():
    body = valid_combined_body()
    body["sub_orders"][0] = _split_order(10, 50)
    assert validation.check_combined(body) == []


def test_sixteen_sub_orders_are_accepted():
    # The shipping documents give sub_orders no upper bound; WeChat Pay's combined
    # payment does.
    body = valid_combined_body()
    body["sub_orders"] = [copy.deepcopy(body["sub_orders"][1]) for _ in range(16)]
    for index, sub_order in enumerate(body["sub_orders"]):
        sub_order["order_key"]["out_trade_no"] = f"SO{index:04d}"
    assert validation.check_combined(body) == []


def test_unified_delivery_with_two_parcels_and_items_reports_both():
    body = valid_single_body()
    body["shipping_list"].append(
        {
            "tracking_no": "SF2",
            "express_company": "SF",
            "contact": {"receiver_contact": "189****5678"},
        }
    )
    body["shipping_list"][0]["item_list"] = [{"merchant_item_id": "SKU-A"}]
    codes = {p.code for p in validation.check_single(body)}
    assert {c.UNIFIED_NEEDS_ONE_SHIPPING, c.UNIFIED_NO_ITEMS} <= codes


# --------------------------------------------------------------- malformed whole bodies

BAD_BODIES = [
    None,
    [],
    [valid_single_body()],
    "",
    "{}",
    0,
    1.5,
    True,
    {"order_key": "x", "payer": []},
    {"shipping_list": {"tracking_no": "SF1"}, "delivery_mode": "1"},
]


@pytest.mark.parametrize(
    "body", BAD_BODIES, ids=[f"body{i}" for i in range(len(BAD_BODIES))]
)
@pytest.mark.parametrize(
    "check",
    [validation.check_combined, validation.check_single],
    ids=["combined", "single"],
)
def test_malformed_body_gives_problems_not_exceptions(check, body):
    problems = check(body)
    assert problems
    for problem in problems:
        assert_clear(problem)
    if not isinstance(body, dict):
        assert [(p.code, p.path) for p in problems] == [(c.DATA_FORMAT_ERROR, "")]


def test_deeply_nested_values_are_type_problems_not_recursion():
    deep = []
    for _ in range(5000):
        deep = [deep]
    body = valid_combined_body()
    body["payer"]["openid"] = deep
    body["sub_orders"][0]["shipping_list"] = {"x": deep}
    codes = {(p.path, p.code) for p in validation.check_combined(body)}
    assert ("payer.openid", c.DATA_FORMAT_ERROR) in codes
    assert ("sub_orders[0].shipping_list", c.DATA_FORMAT_ERROR) in codes


# ------------------------------------------------------------------- through the client


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b["payer"].update(openid="<script>"),
        lambda b: b["order_key"].update(mchid="商户号"),
        lambda b: b["sub_orders"][0]["shipping_list"].extend(
            copy.deepcopy(b["sub_orders"][0]["shipping_list"]) * 5
        ),
        lambda b: b["sub_orders"][1]["shipping_list"][0].update(
            contact={"receiver_contact": "18912345678"}
        ),
    ],
    ids=["openid", "mchid", "eleven-parcels", "clear-phone"],
)
def test_client_refuses_before_sending(sandbox, mutate):
    body = valid_combined_body()
    mutate(body)
    source = StableTokenSource(sandbox.url, APPID, SECRET)
    client = WeChatClient(sandbox.url, source)
    try:
        with pytest.raises(validation.PayloadInvalid) as caught:
            client.upload_wire(COMBINED_PATH, body)
    finally:
        client.close()
    error = caught.value
    assert error.problems
    english, chinese = error.message("en_US"), error.message("zh_CN")
    assert len(english.splitlines()) == len(chinese.splitlines()) == len(error.problems)
    assert CJK.search(chinese) and not CJK.search(english)
    assert "18912345678" not in english + chinese
    assert sandbox.state.stats()["requests"] == {}, "nothing reaches WeChat"


# -------------------------------------------------------------------------- the sandbox


@pytest.mark.parametrize(
    "value, invisible, spaced",
    [h for h in HOSTILE if not h[1]],
    ids=[i for i, h in zip(HOSTILE_IDS, HOSTILE, strict=False) if not h[1]],
)
def test_sandbox_stores_printable_hostile_text_verbatim(
    sandbox, token, value, invisible, spaced
):
    body = valid_combined_body()
    _put(body, FREE_TEXT_FIELDS[0], value)
    _put(body, FREE_TEXT_FIELDS[1], value)
    details_path, details = details_for(body)
    assert (
        requests.post(
            sandbox.url + details_path,
            params={"access_token": token},
            json=details,
            timeout=5,
        ).json()["errcode"]
        == 0
    )
    answer = requests.post(
        sandbox.url + COMBINED_PATH,
        params={"access_token": token},
        timeout=5,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
    ).json()
    assert answer == {"errcode": 0, "errmsg": "ok"}
    assert sandbox.state.uploads()[0]["body"] == body
    page = requests.get(sandbox.url + "/", timeout=5).text
    assert "<script>" not in page


BAD_JSON = [
    b"",
    b"{",
    b'{"order_key": {"order_number_type": 1, "mchid": "1230000109"',
    b'{"order_key": }',
    b"[]",
    b"[1, 2, 3]",
    b'[{"order_key": {}}]',
    b"0",
    b"-1",
    b"3.14",
    b"1e999",
    b"NaN",
    b"Infinity",
    b"9" * 5000,
    b'"a string"',
    b"null",
    b"true",
    b"[" * 100000,
    b'{"a":' * 100000,
    b"[" * 100000 + b"]" * 100000,
    b"\xff\xfe\x00{",
    b"\xc3\x28",
    "\ufeff{}".encode(),
    b"{'order_key': 1}",
    b'{"order_key": 1} trailing',
    b"order_key=1&payer=2",
    b"<xml><order_key/></xml>",
    b"\x00" * 64,
]


@pytest.mark.parametrize(
    "raw", BAD_JSON, ids=[f"json{i}" for i in range(len(BAD_JSON))]
)
@pytest.mark.parametrize("path", [COMBINED_PATH, SINGLE_PATH, endpoints.STABLE_TOKEN])
def test_sandbox_answers_malformed_json_with_47001(sandbox, token, path, raw):
    params = {"access_token": token} if path != endpoints.STABLE_TOKEN else None
    response = requests.post(
        sandbox.url + path,
        params=params,
        data=raw,
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["errcode"] == c.DATA_FORMAT_ERROR
    assert sandbox.state.uploads() == []
    # Still serving.
    assert requests.get(sandbox.url + "/sandbox/stats", timeout=5).status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100000,
        b"{",
        b"[]",
        b"NaN",
        b'{"kind": "hang", "seconds": NaN}',
        b'{"kind": "hang", "seconds": Infinity}',
        b'{"kind": "hang", "count": 0}',
    ],
)
def test_sandbox_fault_endpoint_refuses_malformed_requests(sandbox, raw):
    response = requests.post(sandbox.url + "/sandbox/faults", data=raw, timeout=5)
    assert response.status_code == 400
    assert sandbox.state.stats()["faults"] == []


def _raw_request(url, head):
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(head)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("length", [b"abc", b"-5", b"1e3", b""])
def test_sandbox_answers_a_broken_content_length(sandbox, length):
    head = (
        b"POST "
        + endpoints.STABLE_TOKEN.encode()
        + b" HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + length
        + b"\r\nConnection: close\r\n\r\n{}"
    )
    answer = _raw_request(sandbox.url, head)
    status = answer.split(b"\r\n", 1)[0]
    if length:
        assert status.endswith(b"400 Bad Request"), answer[:200]
        assert b'"errcode": 47001' in answer
    else:  # empty header: no body, read as such
        assert status.endswith(b"200 OK"), answer[:200]
    assert requests.get(sandbox.url + "/sandbox/stats", timeout=5).status_code == 200


# ---------------------------------------------------------------------- /sandbox/tokens


def test_sandbox_lists_the_tokens_it_issued(sandbox, control):
    assert control.tokens() == []
    stable = stable_token(sandbox.url)["access_token"]
    classic = classic_token(sandbox.url)["access_token"]
    refused = classic_token(sandbox.url, secret="wrong")
    assert refused["errcode"] == c.APPSECRET_INVALID
    assert sorted(control.tokens()) == sorted([stable, classic])
    assert SECRET not in json.dumps(control.tokens())
    control.expire_tokens()
    assert sorted(control.tokens()) == sorted(
        [stable, classic]
    ), "expired tokens are still listed"
    control.reset()
    assert control.tokens() == []


def test_tokens_endpoint_is_read_only(sandbox):
    response = requests.post(sandbox.url + "/sandbox/tokens", timeout=5)
    assert response.status_code == 404


# ------------------------------------------------------------------------------ AppID

BAD_APPIDS = [
    "",
    " ",
    "wx 1234567890abcdef",
    "wx1234567890abcdef\n",
    "wx" + "0" * 31,
    "wx-123",
    "微信应用",
    "\u200bwx1234567890abcdef",
    "wx1234'--",
    None,
    12345,
    ["wx1234567890abcdef"],
]


@pytest.mark.parametrize(
    "appid", BAD_APPIDS, ids=[f"appid{i}" for i in range(len(BAD_APPIDS))]
)
def test_bad_appid(appid):
    assert_refused(validation.check_appid(appid), "appid", c.APPID_INVALID, appid)


@pytest.mark.parametrize("appid", ["wx1234567890abcdef", APPID, "A" * 32])
def test_well_formed_appid_is_accepted(appid):
    assert validation.check_appid(appid) == []
