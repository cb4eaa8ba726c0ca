"""The Shopping Order family's side of WeChat: the shopping details of each order, and
the rules its shipping must keep with them.

Bodies reach this book valid and with their enumerations as numbers
(enum_names.to_numbers). An order is known by its key id (order_shipping_record.key_id);
a combined order's record holds its sub-orders' items by their key ids."""

from dataclasses import dataclass, field
from datetime import datetime, timezone

from wechat_protocol import catalogue
from wechat_protocol.order_shipping_record import key_id as order_key_id

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def received_now():
    """When a call was received, precise enough to order an order's details and its
    shipping."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


LOCKED = (
    "shopping details of order %s cannot change: its payment "
    "is linked to them; only the same details may be sent again"
)


@dataclass
class Details:
    """An order's shopping details as WeChat holds them."""

    number_type: int
    payer: str | None
    content: object  # what may not change once the payment is linked
    last_time: object  # datetime of the last accepted upload
    # key id -> merchant item ids; None when another system uploaded them (ids not known
    # here).
    items: dict = field(default_factory=dict)
    combined: bool = False
    external: bool = False
    received_at: str = field(default_factory=lambda: received_now())

    def as_dict(self, key_id):
        return {
            "order": key_id,
            "order_number_type": self.number_type,
            "payer": self.payer,
            "combined": self.combined,
            "uploaded_by": "another system" if self.external else "api",
            "received_at": self.received_at,
            "sub_orders": {
                key: sorted(ids) if ids is not None else None
                for key, ids in self.items.items()
            },
            "details": self.content,
        }


class ShoppingBook:
    """Shopping details by order key id."""

    def __init__(self):
        self.details: dict[str, Details] = {}

    # -- details -----------------------------------------------------------------------
    def upload(self, body, when, linked) -> tuple[int, str]:
        """Keep a `/user-order/orders` body; `linked(order_key)`: the payment is
        linked."""
        order = (body.get("order_list") or [{}])[0]
        items = {order_key_id(body["order_key"]): _item_ids(order)}
        content = {
            "order_list": body["order_list"],
            "logistics_type": body["logistics_type"],
            "payer": body["payer"],
        }
        return self._keep(body, when, linked, content, items, combined=False)

    def upload_combined(self, body, when, linked) -> tuple[int, str]:
        """Keep a `/user-order/combine-orders` body."""
        items = {
            order_key_id(sub["order_key"]): _item_ids(sub) for sub in body["sub_orders"]
        }
        content = {"sub_orders": body["sub_orders"], "payer": body["payer"]}
        return self._keep(body, when, linked, content, items, combined=True)

    def _keep(self, body, when, linked, content, items, combined) -> tuple[int, str]:
        key_id = order_key_id(body["order_key"])
        held = self.details.get(key_id)
        if held is not None and when <= held.last_time:
            return (
                catalogue.UPLOAD_TIME_ILLEGAL,
                f"upload_time is not later than the last details of {key_id}",
            )
        if held is not None and held.content != content and linked(body["order_key"]):
            return catalogue.PARAM_ERROR, LOCKED % key_id
        self.details[key_id] = Details(
            body["order_key"]["order_number_type"],
            body["payer"]["openid"],
            content,
            when,
            items,
            combined,
        )
        return 0, "ok"

    def mark_external(self, body) -> dict:
        """Another system uploaded the details of the order `body` names (control
        endpoint): {order_key, sub_orders?: [{order_key}]}."""
        key = body.get("order_key") if isinstance(body, dict) else None
        subs = body.get("sub_orders") if isinstance(body, dict) else None
        if (
            not isinstance(key, dict)
            or key.get("order_number_type") not in (1, 2)
            or not (
                subs is None
                or isinstance(subs, list)
                and all(
                    isinstance(s, dict) and isinstance(s.get("order_key"), dict)
                    for s in subs
                )
            )
        ):
            raise ValueError(
                "expected {order_key: {order_number_type: "
                "1|2, ...}, sub_orders?: [{order_key}]}"
            )
        items = {order_key_id(sub["order_key"]): None for sub in subs or ()} or {
            order_key_id(key): None
        }
        key_id = order_key_id(key)
        self.details[key_id] = Details(
            key["order_number_type"],
            None,
            None,
            _EPOCH,
            items,
            subs is not None,
            external=True,
        )
        return self.details[key_id].as_dict(key_id)

    def verify(self, body) -> tuple[int, str]:
        """`/user-order/shoppinginfo/verify`: (errcode, verify_result)."""
        held = self.details.get(order_key_id(body["order_key"]))
        if held is None:
            return catalogue.SHOPPING_ORDER_MISSING, ""
        if held.payer is not None and held.payer != body["payer"]["openid"]:
            return 0, "payer does not match the shopping details"
        return 0, "uploaded"

    # -- shipping ----------------------------------------------------------------------
    def shipping_refusal(self, body, combined) -> tuple[int, str] | None:
        """Why shipping `body` is refused because of the details (errcode, errmsg), or
        None."""
        key_id = order_key_id(body["order_key"])
        held = self.details.get(key_id)
        if held is None or held.combined != combined:
            return (
                catalogue.SHOPPING_ORDER_MISSING,
                f"shopping order {key_id} not uploaded or does not exist",
            )
        for sub in body["sub_orders"] if combined else [body]:
            sub_id = order_key_id(sub["order_key"])
            if sub_id not in held.items:
                return (
                    catalogue.SHOPPING_ORDER_MISSING,
                    f"sub-order {sub_id} is not in the shopping details",
                )
            if unknown := _unknown_items(sub, held.items[sub_id]):
                return (
                    catalogue.PARAM_ERROR,
                    f"merchant_item_id {unknown} is not an item of order {sub_id}",
                )
        return None

    def summary(self, key_id=None) -> list:
        return [
            d.as_dict(k)
            for k, d in self.details.items()
            if key_id is None or k == key_id
        ]


def _item_ids(order) -> set:
    return {item.get("merchant_item_id") for item in order.get("item_list") or []}


def _unknown_items(order, known):
    """The first split-shipping item id the details lack (None when the ids are not
    known)."""
    if known is None or order.get("delivery_mode") != 2:
        return None
    for parcel in order.get("shipping_list") or []:
        for item in parcel.get("item_list") or []:
            if item.get("merchant_item_id") not in known:
                return item.get("merchant_item_id")
    return None
