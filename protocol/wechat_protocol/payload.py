"""Typed shipping payloads that serialize to exactly WeChat's wire JSON."""

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import ClassVar

from . import endpoints, masking, validation
from .rfc3339 import format_rfc3339


class OrderNumberType(enum.IntEnum):
    """How an order is identified."""

    MERCHANT_TRADE_NUMBER = 1
    WXPAY_TRADE_NUMBER = 2


class DeliveryMode(enum.IntEnum):
    """One parcel for the whole order, or several parcels each listing its items."""

    UNIFIED_DELIVERY = 1
    SPLIT_DELIVERY = 2


@dataclass(frozen=True)
class OrderKey:
    """Identifies a paid order, by merchant number + order number or by WeChat Pay
    number. `sub_mchid`: the sub-merchant (特约商户) of a payment made through a WeChat
    Pay service provider (服务商); `mchid` is then the service provider's."""

    order_number_type: OrderNumberType
    transaction_id: str | None = None
    mchid: str | None = None
    out_trade_no: str | None = None
    sub_mchid: str | None = None

    def to_wire(self) -> dict:
        """Return the upload's wire object with only the keys of this order number
        type."""
        if self.order_number_type == OrderNumberType.WXPAY_TRADE_NUMBER:
            fields = {"transaction_id": self.transaction_id}
        else:
            # An upload's key has no field for a sub-merchant, and developers report
            # both merchant ids working; a user's checklist of 10060001 causes in
            # WeChat's developer community says the sub-merchant's, so that one goes.
            # A transaction id avoids the question.
            fields = {
                "mchid": self.sub_mchid or self.mchid,
                "out_trade_no": self.out_trade_no,
            }
        wire = {"order_number_type": int(self.order_number_type)}
        wire.update((key, value) for key, value in fields.items() if value is not None)
        return wire

    def check(self) -> list[validation.Problem]:
        """The problems of this key alone (for the forms that hold one): the key as
        typed, a service provider's mchid checked as the merchant id it is, and the
        sub-merchant id beside it."""
        problems = validation.check_order_key(replace(self, sub_mchid=None).to_wire())
        said = {problem.path for problem in problems}  # a missing mchid, once
        return problems + [
            problem
            for problem in validation.check_sub_merchant(self.mchid, self.sub_mchid)
            if problem.path not in said
        ]


@dataclass(frozen=True)
class Contact:
    """Already-masked sender and receiver numbers."""

    consignor_contact: str | None = None
    receiver_contact: str | None = None

    @classmethod
    def mask(cls, consignor_phone=None, receiver_phone=None, region="CN"):
        """Mask what can be masked: (Contact or None, [(field, ContactInvalid),
        ...])."""
        phones = {
            "consignor_contact": consignor_phone,
            "receiver_contact": receiver_phone,
        }
        masked, errors = {}, []
        for field, number in phones.items():
            if number:
                try:
                    masked[field] = masking.mask_contact(number, region)
                except masking.ContactInvalid as error:
                    errors.append((field, error))
        return (cls(**masked) if masked else None), errors

    def to_wire(self) -> dict:
        """Return the wire object without empty fields."""
        fields = {
            "consignor_contact": self.consignor_contact,
            "receiver_contact": self.receiver_contact,
        }
        return {key: value for key, value in fields.items() if value}


@dataclass(frozen=True)
class Shipment:
    """One parcel: its tracking number, carrier code and, in split mode, the items it
    carries."""

    tracking_no: str
    express_company: str
    merchant_item_ids: tuple[str, ...] = ()
    contact: Contact | None = None

    def to_wire(self, mode: DeliveryMode) -> dict:
        """Return the shipping_list entry for the given delivery mode."""
        wire = {
            "tracking_no": self.tracking_no,
            "express_company": self.express_company,
        }
        if mode == DeliveryMode.SPLIT_DELIVERY:
            wire["item_list"] = [
                {"merchant_item_id": item} for item in self.merchant_item_ids
            ]
        contact = self.contact.to_wire() if self.contact else {}
        if contact:
            wire["contact"] = contact
        return wire


@dataclass(frozen=True)
class OrderShipping:
    """An order and its parcels."""

    order_key: OrderKey
    shipments: tuple[Shipment, ...]

    @property
    def delivery_mode(self) -> DeliveryMode:
        """Unified for exactly one parcel, split otherwise."""
        if len(self.shipments) == 1:
            return DeliveryMode.UNIFIED_DELIVERY
        return DeliveryMode.SPLIT_DELIVERY

    def to_wire(self) -> dict:
        """Return order_key, delivery_mode and shipping_list."""
        mode = self.delivery_mode
        return {
            "order_key": self.order_key.to_wire(),
            "delivery_mode": int(mode),
            "shipping_list": [shipment.to_wire(mode) for shipment in self.shipments],
        }


@dataclass(frozen=True)
class CombinedShippingInfo:
    """Shipping of a combined order's sub-orders."""

    path: ClassVar[str] = endpoints.SHOPPING_COMBINED_SHIPPING
    rules: ClassVar[Callable] = staticmethod(validation.check_combined)

    order_key: OrderKey
    sub_orders: tuple[OrderShipping, ...]
    upload_time: datetime
    payer_openid: str

    def to_wire(self) -> dict:
        """Return the request body."""
        return {
            "order_key": self.order_key.to_wire(),
            "sub_orders": [sub_order.to_wire() for sub_order in self.sub_orders],
            "upload_time": format_rfc3339(self.upload_time),
            "payer": {"openid": self.payer_openid},
        }

    def check(self) -> list[validation.Problem]:
        """Return the validation problems of the request body."""
        return self.rules(self.to_wire())


@dataclass(frozen=True)
class SingleShippingInfo:
    """Shipping of one order."""

    path: ClassVar[str] = endpoints.SHOPPING_SINGLE_SHIPPING
    rules: ClassVar[Callable] = staticmethod(validation.check_single)

    order: OrderShipping
    upload_time: datetime
    payer_openid: str

    def to_wire(self) -> dict:
        """Return the request body."""
        wire = self.order.to_wire()
        wire["upload_time"] = format_rfc3339(self.upload_time)
        wire["payer"] = {"openid": self.payer_openid}
        return wire

    def check(self) -> list[validation.Problem]:
        """Return the validation problems of the request body."""
        return self.rules(self.to_wire())


def next_upload_time(previous: datetime | None, now: datetime) -> datetime:
    """Return now at millisecond precision, at least 1 ms later than previous."""
    candidate = _truncate(now)
    if previous is None:
        return candidate
    return max(candidate, _truncate(previous) + timedelta(milliseconds=1))


def _truncate(moment: datetime) -> datetime:
    """Drop sub-millisecond precision, which the wire format cannot carry."""
    if moment.utcoffset() is None:
        raise ValueError("upload times must be timezone-aware")
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
