"""The rules by which a WeChat Pay payment names a merchant's order: the merchant ids a
person types, whose payment it is, and which one order it names, or why none."""

import pytest
from builders import MCHID
from wechat_protocol import payment_matching as matching
from wechat_protocol.payment_matching import Candidate, Reason

SUB_MCHID = "1900000109"


def _payment(**values):
    """An order of WeChat's order list (get_order_list's fields), with `values` over
    it."""
    return {
        "transaction_id": "4200000000000000000000000001",
        "merchant_trade_no": "S00042",
        "merchant_id": MCHID,
        "sub_merchant_id": "",
        "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "paid_amount": 12_300,
        "order_state": 1,
        "pay_time": 1_700_000_000,
        **values,
    }


def test_merchant_ids_are_split_on_any_separator_and_checked():
    ids, bad = matching.merchant_ids(f" {MCHID}，1900000109;{MCHID}\n12345 ")
    assert ids == [MCHID, "1900000109", "12345"]
    assert bad == ["12345"]
    assert matching.merchant_ids("") == ([], [])
    assert matching.merchant_ids("12345678a")[1] == ["12345678a"]


@pytest.mark.parametrize(
    ("values", "taken"),
    [
        ({}, True),
        ({"merchant_id": "1999999999"}, False),
        ({"merchant_id": int(MCHID)}, True),  # a JSON body may give it as a number
        ({"sub_merchant_id": SUB_MCHID}, True),
        ({"sub_merchant_id": "1988888888"}, False),
    ],
)
def test_a_payment_is_the_companys_by_its_merchant_and_sub_merchant(values, taken):
    assert matching.taken_by(_payment(**values), [MCHID], SUB_MCHID) is taken


def test_a_provider_payment_is_not_a_direct_merchants():
    assert not matching.taken_by(_payment(sub_merchant_id=SUB_MCHID), [MCHID], None)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({}, None),
        ({"merchant_id": "1999999999"}, Reason.OTHER_MERCHANT),
        ({"merchant_trade_no": ""}, Reason.NO_NUMBER),
        ({"order_state": 5}, Reason.REFUNDED),
        ({"order_state": 4}, None),
    ],
)
def test_what_keeps_a_payment_from_any_order(values, reason):
    assert matching.precheck(_payment(**values), [MCHID], None) is reason


def test_one_order_of_the_same_amount_is_chosen():
    order = Candidate(7, 12_300, keyed=False)
    assert matching.choose(_payment(), [order]) == (order, None)


@pytest.mark.parametrize(
    ("candidates", "values", "reason"),
    [
        ([], {}, Reason.NO_ORDER),
        (
            [Candidate(1, 12_300, False), Candidate(2, 12_300, False)],
            {},
            Reason.SEVERAL_ORDERS,
        ),
        ([Candidate(1, 12_300, True)], {}, Reason.KEYED_OTHERWISE),
        ([Candidate(1, 12_301, False)], {}, Reason.OTHER_AMOUNT),
        ([Candidate(1, 12_300, False)], {"paid_amount": None}, Reason.OTHER_AMOUNT),
        ([Candidate(1, 1, False)], {"paid_amount": True}, Reason.OTHER_AMOUNT),
    ],
)
def test_no_order_is_chosen_when_the_rules_do_not_name_one(candidates, values, reason):
    assert matching.choose(_payment(**values), candidates) == (None, reason)
