"""What an upload sends: its payload built from the orders, and the problems found
building it."""

import dataclasses
import json
import logging
from datetime import datetime

import pytz
from wechat_protocol import order_shipping, payload, report, rfc3339, shopping_details
from wechat_protocol import order_shipping_record as record

from odoo import models
from odoo.tools import LazyTranslate

from .field_labels import field_labels

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# deliveries to the buyer, from a warehouse or a vendor
DELIVERY_CODES = (
    "outgoing",
    "dropship",
)
SHOPPING_ORDER, ORDER_SHIPPING, SHOPPING_DETAILS = (
    "shopping_order",
    "order_shipping",
    "shopping_details",
)
DEFAULT_TZ = "Asia/Shanghai"
WAITING_LAST_DELIVERY = _lt(
    "Nothing to send yet: a same-city or pickup order goes to "
    "WeChat in one piece once its last delivery is validated."
)
WAITING_FIRST_DELIVERY = _lt(
    "Nothing has shipped yet: the order goes to "
    "WeChat when its first delivery is validated."
)
WAITING_CANCELLED = _lt("The order is cancelled: nothing is sent to WeChat for it.")
WAITING_SHOPPING_DETAILS = _lt(
    "WeChat takes the shipping of an order once it holds the "
    "order's shopping details: this upload goes as soon as WeChat "
    "has accepted them (see the order's Shopping Details upload)."
)
WAITING_CONFIRMATION = _lt(
    "The shopping details go to WeChat once the order "
    "(for a combined order: every sub-order) is confirmed."
)


def _fill(message, lang, values):
    """A lazy translation in `lang`, its named placeholders (if any) filled in from
    `values`."""
    text = message._translate(lang)
    return text % values if "%(" in text else text


@dataclasses.dataclass(frozen=True)
class Waiting:
    """_build_payload: nothing to send yet, and why (a lazy translation)."""

    reason: object


class WechatUploadPayload(models.AbstractModel):
    """Payload assembly of wechat.shipping.upload: the wire payload of one WeChat order
    (a sale order or a combined order) in one API family, built from Odoo's records,
    with the problems found on the way named after the record a person can fix. Reads
    only; sends nothing."""

    _name = "wechat.upload.payload"
    _description = "WeChat upload payload"

    def _build_payload_or_problem(self):
        """_build_payload, or (None, the problem that kept the payload from being
        built)."""
        try:
            return self._build_payload()
        except Exception:
            _logger.exception("WeChat upload %s: building the payload failed", self.id)
            return None, self._odoo_problem(
                _lt("The shipping information could not be built; see the server log.")
            )

    def _build_payload(self):
        """The payload of this WeChat order and the problems found while building it; a
        Waiting instead of a payload when there is nothing to send yet."""
        found = report.ProblemReport()
        tz = pytz.timezone(self.company_id.partner_id.tz or DEFAULT_TZ)
        upload_time = self._next_upload_time(datetime.now(tz))
        if self.family == ORDER_SHIPPING:
            return self._build_order_shipping(found, upload_time), found
        if self.family == SHOPPING_DETAILS:
            return self._build_shopping_details(found, upload_time), found
        if self._wechat_waits_for_details():
            return Waiting(WAITING_SHOPPING_DETAILS), found
        combined = self.combined_order_id
        if combined:
            found.label("order_key", combined.name)
            found.label("payer", combined.name)
            shipped = combined.sale_order_ids.filtered(
                lambda o: o._wechat_done_deliveries()
            ).sorted("id")
            sub_orders = tuple(
                order._wechat_order_shipping(f"sub_orders[{index}]", found)
                for index, order in enumerate(shipped)
            )
            info = payload.CombinedShippingInfo(
                combined._wechat_order_key(),
                sub_orders,
                upload_time,
                combined.wechat_payer_openid or "",
            )
        else:
            order = self.sale_order_id
            info = payload.SingleShippingInfo(
                order._wechat_order_shipping("", found),
                upload_time,
                order.wechat_payer_openid or "",
            )
        return info, found

    def _build_order_shipping(self, found, upload_time):
        """The Order Shipping Management payload of this WeChat order (or a Waiting)."""
        combined = self.combined_order_id
        if combined:
            found.label("order_key", combined.name)
            found.label("payer", combined.name)
            orders = combined.sale_order_ids.sorted("id")
            ready = orders.filtered(lambda o: not o._wechat_waiting_reason())
            if not ready:
                return Waiting(
                    orders[:1]._wechat_waiting_reason() or WAITING_FIRST_DELIVERY
                )
            sub_orders = tuple(
                self._wechat_kept_mode(
                    order._wechat_order_shipment(f"sub_orders[{index}]", found)
                )
                for index, order in enumerate(ready)
            )
            return order_shipping.CombinedShippingInfo(
                combined._wechat_order_key(),
                sub_orders,
                upload_time,
                combined.wechat_payer_openid or "",
            )
        order = self.sale_order_id
        if reason := order._wechat_waiting_reason():
            return Waiting(reason)
        return order_shipping.ShippingInfo(
            self._wechat_kept_mode(order._wechat_order_shipment("", found)),
            upload_time,
            order.wechat_payer_openid or "",
        )

    def _build_shopping_details(self, found, upload_time):
        """The shopping details of this WeChat order, once it (every sub-order) is
        confirmed."""
        combined = self.combined_order_id
        orders = (
            (combined.sale_order_ids or self.sale_order_id)
            .filtered(lambda o: o.state != "cancel")
            .sorted("id")
        )
        if not orders:
            return Waiting(WAITING_CANCELLED)
        if any(order.state != "sale" for order in orders):
            return Waiting(WAITING_CONFIRMATION)
        if not combined:
            order_details, logistics = orders._wechat_shopping_details(
                "order_list[0]", found
            )
            return shopping_details.ShoppingDetails(
                orders._wechat_order_key(),
                order_details,
                logistics,
                upload_time,
                orders.wechat_payer_openid or "",
            )
        found.label("order_key", combined.name)
        found.label("payer", combined.name)
        sub_orders = tuple(
            shopping_details.SubOrderDetails(
                order._wechat_order_key(),
                *order._wechat_shopping_details(f"sub_orders[{index}]", found),
            )
            for index, order in enumerate(orders)
        )
        return shopping_details.CombinedShoppingDetails(
            combined._wechat_order_key(),
            sub_orders,
            upload_time,
            combined.wechat_payer_openid or "",
        )

    def _check_payloads(self):
        """Why WeChat would refuse these uploads' payloads, in the user's language (''
        if it would not): each problem once, preceded by the WeChat APIs that would
        refuse it when these uploads go to several."""
        families = dict(self._fields["family"]._description_selection(self.env))
        apis_of_line = {}
        for upload in self:
            info, found = upload._build_payload()
            if isinstance(info, Waiting):
                continue
            found.extend(info.check())
            reason = report.render(
                found.as_dicts(), self.env.lang, field_labels(self.env)
            )
            for line in reason.splitlines():
                apis_of_line.setdefault(line, []).append(families[upload.family])
        if len(set(self.mapped("family"))) < 2:
            return "\n".join(apis_of_line)
        return "\n".join(
            f"{' / '.join(dict.fromkeys(apis))}: {line}"
            for line, apis in apis_of_line.items()
        )

    @staticmethod
    def _masked_body(client, info):
        """The request body of a payload as stored: the wire as the client sends it
        (contacts are masked on the wire)."""
        wire = info.to_wire()
        return json.dumps(
            client.as_sent(info.path, wire) if client else wire, ensure_ascii=False
        )

    def _wechat_known(self):
        """(key id -> the wire order WeChat holds, key id -> its finish_shipping_count),
        as stored; a damaged stored value reads as nothing known (WeChat is asked when
        in doubt)."""
        held, counts = self.wechat_held, self.wechat_finish_counts
        return (dict(held) if isinstance(held, dict) else {}), (
            dict(counts) if isinstance(counts, dict) else {}
        )

    def _wechat_waits_for_details(self):
        """A Shopping Order shipping whose shopping details this Odoo uploads, before
        WeChat accepted them."""
        if (
            self.family != SHOPPING_ORDER
            or self.company_id.sudo().wechat_shopping_details_by != "odoo"
        ):
            return False
        uploads = (
            self.combined_order_id.upload_ids or self.sale_order_id.wechat_upload_ids
        )
        return not uploads.filtered(
            lambda u: u.family == SHOPPING_DETAILS and u.state == "sent"
        )

    def _wechat_kept_mode(self, shipment):
        """The shipment, split still when WeChat holds it split (a change of mode is its
        one change)."""
        held = self._wechat_known()[0].get(record.key_id(shipment.order_key.to_wire()))
        if isinstance(held, dict) and held.get("delivery_mode") == int(
            payload.DeliveryMode.SPLIT_DELIVERY
        ):
            return dataclasses.replace(shipment, keep_split=True)
        return shipment

    def _next_upload_time(self, now):
        """`now` at the wire's precision, later than the upload_time last sent for this
        order."""
        try:
            previous = (
                rfc3339.parse_rfc3339(self.upload_time) if self.upload_time else None
            )
        except ValueError:
            # Damaged: WeChat needs a time later than the one it accepted, which `now`
            # is.
            previous = None
        return payload.next_upload_time(previous, now)

    def _odoo_problem(self, message, **values):
        """A problem found by Odoo rather than by WeChat's rules, worded in both
        languages; `values` fill the message's placeholders (with `order`, this upload's
        name)."""
        values = {"order": self.name, **values}
        return [
            {
                "code": None,
                "path": "",
                "label": self.name,
                "en": _fill(message, "en_US", values),
                "zh": _fill(message, "zh_CN", values),
            }
        ]
