"""Tests of the express company table."""

import pytest
from wechat_protocol.express import (
    EXPRESS_COMPANIES,
    ExpressCompany,
    parse_delivery_list,
)


def test_required_codes_present():
    codes = {company.code for company in EXPRESS_COMPANIES}
    assert codes == {
        "SF",
        "ZTO",
        "YTO",
        "STO",
        "YD",
        "JTSD",
        "DHL",
    }, "only codes WeChat's list is known to hold"


def test_codes_from_other_wechat_tables_absent():
    assert {company.code for company in EXPRESS_COMPANIES}.isdisjoint(
        {"YUNDA", "DBKD", "BEST"}
    )


def test_codes_unique():
    codes = [company.code for company in EXPRESS_COMPANIES]
    assert len(codes) == len(set(codes))


def test_names_as_wechat_gives_them():
    names = {company.code: company.name for company in EXPRESS_COMPANIES}
    assert (names["SF"], names["JTSD"], names["DHL"]) == ("顺丰速运", "极兔速递", "DHL")


def test_parse_delivery_list():
    answer = {
        "errcode": 0,
        "delivery_list": [
            {"delivery_id": "SF", "delivery_name": "顺丰速运"},
            {"delivery_id": "XYZ", "delivery_name": "某某快递"},
        ],
    }
    assert parse_delivery_list(answer) == [
        ExpressCompany("SF", "顺丰速运"),
        ExpressCompany("XYZ", "某某快递"),
    ]


def test_parse_delivery_list_without_errcode():
    assert parse_delivery_list({"delivery_list": []}) == []


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [],
        {"errcode": 40001, "errmsg": "invalid credential"},
        {"errcode": 0},
        {"errcode": 0, "delivery_list": {"delivery_id": "SF"}},
        {"errcode": 0, "delivery_list": ["SF"]},
        {"errcode": 0, "delivery_list": [{"delivery_id": "SF"}]},
        {"errcode": 0, "delivery_list": [{"delivery_id": "", "delivery_name": "x"}]},
        {"errcode": 0, "delivery_list": [{"delivery_id": 1, "delivery_name": "x"}]},
    ],
)
def test_parse_delivery_list_refuses_malformed(answer):
    with pytest.raises(ValueError):
        parse_delivery_list(answer)
