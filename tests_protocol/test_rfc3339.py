"""Tests of RFC 3339 formatting and strict parsing."""

from datetime import datetime, timedelta, timezone

import pytest
from wechat_protocol.rfc3339 import format_rfc3339, parse_rfc3339

CST = timezone(timedelta(hours=8))


def test_format_has_milliseconds_and_offset():
    moment = datetime(2021, 5, 20, 13, 29, 35, 120999, tzinfo=CST)
    assert format_rfc3339(moment) == "2021-05-20T13:29:35.120+08:00"


def test_format_utc_uses_numeric_offset():
    assert (
        format_rfc3339(datetime(2021, 5, 20, 5, 0, tzinfo=timezone.utc))
        == "2021-05-20T05:00:00.000+00:00"
    )


def test_format_negative_offset():
    moment = datetime(
        2021, 5, 20, 1, 2, 3, tzinfo=timezone(-timedelta(hours=5, minutes=30))
    )
    assert format_rfc3339(moment) == "2021-05-20T01:02:03.000-05:30"


def test_format_refuses_naive():
    with pytest.raises(ValueError):
        format_rfc3339(datetime(2021, 5, 20, 13, 29, 35))


def test_format_refuses_offset_with_seconds():
    with pytest.raises(ValueError):
        format_rfc3339(
            datetime(2021, 5, 20, tzinfo=timezone(timedelta(hours=8, seconds=30)))
        )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "2021-05-20T13:29:35.120+08:00",
            datetime(2021, 5, 20, 13, 29, 35, 120000, tzinfo=CST),
        ),
        ("2021-05-20T05:29:35Z", datetime(2021, 5, 20, 5, 29, 35, tzinfo=timezone.utc)),
        (
            "2021-05-20T13:29:35.5+08:00",
            datetime(2021, 5, 20, 13, 29, 35, 500000, tzinfo=CST),
        ),
    ],
)
def test_parse_accepts(text, expected):
    parsed = parse_rfc3339(text)
    assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "2021-05-20T13:29:35.120 08:00",
        "2021-05-20 13:29:35.120+08:00",
        "2021-05-20T13:29:35.120",
        "2021-05-20",
        "1621488575",
        "20210520T132935+0800",
        "2021-05-20T13:29:35+0800",
        "2021-13-20T13:29:35+08:00",
        "2021-05-20T13:29:35.120+08:00 ",
        "",
    ],
)
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_parse_refuses_non_string():
    with pytest.raises(ValueError):
        parse_rfc3339(1621488575)


def test_round_trip():
    moment = datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=CST)
    assert parse_rfc3339(format_rfc3339(moment)) == moment
