"""Tests of contact masking."""

import pytest
from wechat_protocol.masking import ContactInvalid, looks_masked, mask_contact


@pytest.mark.parametrize(
    "number, masked",
    [
        ("18912341234", "189****1234"),
        ("189 1234 1234", "189****1234"),
        ("189-1234-1234", "189****1234"),
        ("189.1234.1234", "189****1234"),
        ("  18912341234 ", "189****1234"),
        ("+86 189 1234 1234", "+86-189****1234"),
        ("+8617712341234", "+86-177****1234"),
        ("0086 18912341234", "+86-189****1234"),
        ("021 1234 5678", "021-****5678"),
        ("(021) 1234-5678", "021-****5678"),
        ("0755-12345678", "0755-****5678"),
        ("0738-1234567", "0**8-***4567"),
        ("+86 21 1234 5678", "+86-21-****5678"),
        ("021-12345678-8008", "021-********-8008"),
        ("021-12345678 ext 8008", "021-********-8008"),
        ("021-12345678 x8008", "021-********-8008"),
        ("021-12345678#8008", "021-********-8008"),
        ("021-12345678 转 8008", "021-********-8008"),
        ("021-12345678分机8008", "021-********-8008"),
        ("021-12345678-10", "021-******78-10"),
        ("+1 650 253 0000", "+1-******0000"),
        ("+44 20 7946 0958", "+44-******0958"),
        ("95338", "*5338"),
        ("400-820-8198", "******8198"),
        ("1234", "1234"),
    ],
)
def test_mask_forms(number, masked):
    assert mask_contact(number) == masked
    assert looks_masked(masked)


def test_region_parameter_for_foreign_national_format():
    assert mask_contact("650 253 0000", region="US") == "+1-******0000"


@pytest.mark.parametrize(
    "masked",
    [
        "189****1234",
        "021-****1234",
        "****1234",
        "0**2-***1234",
        "0**2-******23-10",
        "****123-8008",
        "+86-177****1234",
    ],
)
def test_wechat_documented_forms_pass_through(masked):
    assert looks_masked(masked)
    assert mask_contact(masked) == masked


@pytest.mark.parametrize(
    "text",
    [
        "18912341234",
        "021-12345678",
        "+86-18912341234",
        "189*1234",
        "**",
        "****",
        "189****12a4",
        "+86-",
        "189****123",
        "18912****34",
        "12345*1234",
        "189 **** 1234",
        "-189****1234",
        "189****1234-",
        "",
        None,
        18912341234,
    ],
)
def test_looks_masked_refuses(text):
    assert not looks_masked(text)


@pytest.mark.parametrize(
    "number, fragment",
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("123", "fewer than four digits"),
        ("1-2", "fewer than four digits"),
        ("phone 18912341234", "letters"),
        ("1891234123O", "letters"),
        ("18912341234 call after 6pm", "letters"),
        ("189*1234", "masked"),
        ("1891234****", "masked"),
    ],
)
def test_refusals(number, fragment):
    with pytest.raises(ContactInvalid) as caught:
        mask_contact(number)
    assert fragment in str(caught.value)
    assert (
        caught.value.message_zh and caught.value.message_zh != caught.value.message_en
    )
    assert caught.value.message("zh_CN") == caught.value.message_zh


@pytest.mark.parametrize(
    "number",
    [
        "18912341234 call after 6pm",
        "phone: 021-12345678",
        "1891234****",
        "18912****34",
        "13800138000abc",
    ],
)
def test_no_number_in_exception(number):
    digits = "".join(char for char in number if char.isdigit())
    with pytest.raises(ContactInvalid) as caught:
        mask_contact(number)
    error = caught.value
    for text in (
        str(error),
        repr(error),
        error.message_en,
        error.message_zh,
        repr(error.args),
    ):
        assert digits not in text
        assert digits[-4:] not in text


def test_contact_invalid_is_value_error():
    assert issubclass(ContactInvalid, ValueError)


@pytest.mark.parametrize(
    "number", ["18912341234", "021 1234 5678", "+1 650 253 0000", "021-12345678-8008"]
)
def test_only_last_four_digits_of_the_subscriber_survive(number):
    masked = mask_contact(number)
    assert masked.replace("-", "").endswith(
        "".join(c for c in number if c.isdigit())[-4:]
    )
    assert "".join(c for c in number if c.isdigit())[-8:] not in masked.replace("-", "")
