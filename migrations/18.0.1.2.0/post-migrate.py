"""From 18.0.1.2.0 on, this Odoo can upload the shopping details that Shopping Order
shipping refers to, and does so for new companies.

A company that shipped to Shopping Order before had its shopping details uploaded by
another system (the addon could not): it keeps that, so that its shipping neither waits
for details Odoo would upload nor sends WeChat details it already holds, until someone
chooses this Odoo."""


def migrate(cr, version):
    cr.execute(
        "UPDATE res_company SET wechat_shopping_details_by = 'other'"
        " WHERE wechat_families IN ('shopping_order', 'both')"
    )
