from wechat_protocol import shopping_details, text

from odoo import models

MAX_NAME_CHARS = 256
MAX_DESCRIPTION_CHARS = 512


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _wechat_shopping_items(self, lang, total_fen):
        """The shopping details items of these lines (one order's), priced in fen from
        what the buyer pays: each line's total (taxes included, discounts applied) with
        coupons and rounding shared out so that the items add up to `total_fen`, the
        order's total in fen of CNY (sale.order._wechat_fen), exactly. Lines cheaper
        than nothing (a coupon) and empty lines list no item of their own."""
        lines = self.filtered(lambda line: line.product_id and not line.display_type)
        shares = shopping_details.allocate_fen(
            [str(line.price_total) for line in lines], total_fen
        )
        items = []
        for line, fen in zip(lines, shares, strict=True):
            if line.price_total < 0 or line.product_uom_qty <= 0:
                continue
            quantity = line.product_uom_qty
            # A weighed or measured quantity (2.5 kg) is one item at the line's price.
            pieces = int(quantity) if float(quantity).is_integer() else 1
            items.extend(
                line._wechat_item(lang, unit, count)
                for unit, count in shopping_details.priced(fen, pieces)
            )
        return items

    def _wechat_item(self, lang, unit_price, quantity):
        """This line as one shopping details item; its id is the one shipping names it
        by."""
        self.ensure_one()
        company = self.order_id.company_id
        product = self.product_id.with_context(lang=lang, display_default_code=False)
        name = text.shorten(product.display_name, MAX_NAME_CHARS)
        description = (
            text.shorten(
                product.description_sale or self._wechat_line_text(),
                MAX_DESCRIPTION_CHARS,
            )
            or name
        )
        base_url = (company.sudo().wechat_public_base_url or "").rstrip("/")
        images = (
            (f"{base_url}/web/image/product.product/{product.id}/image_512",)
            if (base_url and product.image_128)
            else ()
        )
        return shopping_details.Item(
            product._wechat_merchant_item_id(company),
            name,
            description,
            unit_price,
            quantity,
            images,
        )

    def _wechat_line_text(self):
        """The line's description as the buyer read it, without the internal reference
        Odoo puts first."""
        prefix = (
            f"[{self.product_id.default_code}] " if self.product_id.default_code else ""
        )
        text_ = self.name or ""
        return text_[len(prefix) :] if prefix and text_.startswith(prefix) else text_
