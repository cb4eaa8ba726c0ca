"""Tests of the typed payloads and their wire form."""

from datetime import datetime, timedelta, timezone

import pytest
from builders import valid_combined_body, valid_single_body
from wechat_protocol import endpoints
from wechat_protocol.masking import ContactInvalid
from wechat_protocol.payload import (
    CombinedShippingInfo,
    Contact,
    DeliveryMode,
    OrderKey,
    OrderNumberType,
    OrderShipping,
    Shipment,
    SingleShippingInfo,
    next_upload_time,
)

CST = timezone(timedelta(hours=8))
MCHID = "1230000109"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
UPLOAD = datetime(2021, 5, 20, 13, 29, 35, 120456, tzinfo=CST)


def merchant_key(number):
    return OrderKey(
        OrderNumberType.MERCHANT_TRADE_NUMBER, mchid=MCHID, out_trade_no=number
    )


def masked_contact(**phones):
    contact, errors = Contact.mask(**phones)
    assert errors == []
    return contact


def combined_info():
    split = OrderShipping(
        merchant_key("SO0001"),
        (
            Shipment(
                "SF1234567890123",
                "SF",
                ("SKU-A", "SKU-B"),
                masked_contact(
                    consignor_phone="021 1234 5678", receiver_phone="189 1234 1234"
                ),
            ),
            Shipment("YT9876543210987", "YTO", ("SKU-C",)),
        ),
    )
    unified = OrderShipping(
        merchant_key("SO0002"), (Shipment("ZTO73100000001", "ZTO", ("SKU-D",)),)
    )
    return CombinedShippingInfo(
        merchant_key("COMBINED-0001"), (split, unified), UPLOAD, OPENID
    )


def test_combined_wire_form_is_exact():
    assert combined_info().to_wire() == valid_combined_body()


def test_combined_wire_literal_details():
    wire = combined_info().to_wire()
    assert wire["upload_time"] == "2021-05-20T13:29:35.120+08:00"
    assert wire["payer"] == {"openid": OPENID}
    assert type(wire["order_key"]["order_number_type"]) is int
    assert [type(sub["delivery_mode"]) for sub in wire["sub_orders"]] == [int, int]
    assert "item_list" not in wire["sub_orders"][1]["shipping_list"][0]
    assert "contact" not in wire["sub_orders"][0]["shipping_list"][1]


def test_good_combined_has_no_problems():
    assert combined_info().check() == []


def test_single_wire_form_is_exact():
    info = SingleShippingInfo(
        OrderShipping(
            OrderKey(
                OrderNumberType.WXPAY_TRADE_NUMBER,
                transaction_id="4200001234202105201234567890",
            ),
            (
                Shipment(
                    "SF1234567890123",
                    "SF",
                    contact=Contact(receiver_contact="+86-177****1234"),
                ),
            ),
        ),
        UPLOAD,
        OPENID,
    )
    assert info.to_wire() == valid_single_body()
    assert list(info.to_wire()) == [
        "order_key",
        "delivery_mode",
        "shipping_list",
        "upload_time",
        "payer",
    ]
    assert info.check() == []


def test_paths():
    assert CombinedShippingInfo.path == endpoints.SHOPPING_COMBINED_SHIPPING
    assert SingleShippingInfo.path == endpoints.SHOPPING_SINGLE_SHIPPING


def test_order_key_keeps_only_keys_of_its_type():
    both = dict(transaction_id="42000001", mchid=MCHID, out_trade_no="SO1")
    assert OrderKey(OrderNumberType.WXPAY_TRADE_NUMBER, **both).to_wire() == {
        "order_number_type": 2,
        "transaction_id": "42000001",
    }
    assert OrderKey(OrderNumberType.MERCHANT_TRADE_NUMBER, **both).to_wire() == {
        "order_number_type": 1,
        "mchid": MCHID,
        "out_trade_no": "SO1",
    }


def test_delivery_mode_follows_shipment_count():
    one = OrderShipping(merchant_key("A"), (Shipment("T1", "ZTO"),))
    two = OrderShipping(
        merchant_key("A"),
        (Shipment("T1", "ZTO", ("X",)), Shipment("T2", "ZTO", ("Y",))),
    )
    assert one.delivery_mode is DeliveryMode.UNIFIED_DELIVERY
    assert two.delivery_mode is DeliveryMode.SPLIT_DELIVERY
    assert two.to_wire()["shipping_list"][1]["item_list"] == [{"merchant_item_id": "Y"}]


def test_empty_contact_is_omitted():
    shipment = Shipment("T1", "ZTO", contact=Contact())
    assert "contact" not in shipment.to_wire(DeliveryMode.UNIFIED_DELIVERY)


def test_contact_mask_masks_and_skips_missing():
    assert Contact.mask(receiver_phone="0086 18912341234") == (
        Contact(None, "+86-189****1234"),
        [],
    )
    assert Contact.mask() == (None, [])


def test_contact_mask_reports_a_bad_number_and_keeps_the_good_one():
    contact, errors = Contact.mask(consignor_phone="12", receiver_phone="18912341234")
    assert contact == Contact(None, "189****1234")
    assert [(field, type(error)) for field, error in errors] == [
        ("consignor_contact", ContactInvalid)
    ]


def test_check_reports_problems_of_bad_payload():
    info = SingleShippingInfo(
        OrderShipping(merchant_key("SO1"), (Shipment("", "SF"),)), UPLOAD, ""
    )
    codes = {problem.code for problem in info.check()}
    assert codes == {268485226, 268485192, 268435461}


def test_naive_upload_time_refused():
    order = OrderShipping(merchant_key("SO1"), (Shipment("T", "ZTO"),))
    info = SingleShippingInfo(order, UPLOAD.replace(tzinfo=None), OPENID)
    with pytest.raises(ValueError):
        info.to_wire()


def test_next_upload_time_truncates_to_milliseconds():
    assert next_upload_time(None, UPLOAD) == UPLOAD.replace(microsecond=120000)


def test_next_upload_time_after_older_previous_is_now():
    previous = UPLOAD - timedelta(seconds=5)
    assert next_upload_time(previous, UPLOAD) == UPLOAD.replace(microsecond=120000)


@pytest.mark.parametrize(
    "previous",
    [
        UPLOAD,
        UPLOAD.replace(microsecond=120000),
        UPLOAD + timedelta(hours=1),
        UPLOAD.replace(microsecond=120999),
    ],
)
def test_next_upload_time_is_strictly_later_than_previous(previous):
    result = next_upload_time(previous, UPLOAD)
    assert result > previous
    assert result.microsecond % 1000 == 0
    assert result - previous <= timedelta(milliseconds=1)


def test_next_upload_time_strictly_increasing_in_a_burst():
    now = UPLOAD
    stamps = []
    previous = None
    for _ in range(5):
        previous = next_upload_time(previous, now)
        stamps.append(previous)
    assert all(
        later > earlier for earlier, later in zip(stamps, stamps[1:], strict=False)
    )
    assert len({s.isoformat(timespec="milliseconds") for s in stamps}) == 5


def test_next_upload_time_across_timezones():
    previous = datetime(2021, 5, 20, 5, 29, 36, tzinfo=timezone.utc)
    assert next_upload_time(previous, UPLOAD) > previous


def test_next_upload_time_refuses_naive():
    with pytest.raises(ValueError):
        next_upload_time(None, datetime(2021, 5, 20))
    with pytest.raises(ValueError):
        next_upload_time(datetime(2021, 5, 20), UPLOAD)
