{
    "name": "WeChat Shipping",
    "summary": "Upload deliveries to WeChat: Order Shipping Management and "
    "Shopping Order, combined payments included",
    "version": "18.0.1.5.0",
    "category": "Inventory/Delivery",
    "license": "LGPL-3",
    "author": "wechat_shipping contributors",
    "website": "https://github.com/wechat-shipping/wechat_shipping",
    "depends": ["sale_stock", "stock_delivery"],
    # The protocol distribution in protocol/; it brings requests, phonenumbers and
    # cryptography.
    "external_dependencies": {"python": ["wechat-shipping-protocol"]},
    "data": [
        "security/wechat_shipping_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/wechat_express_company_data.xml",
        "views/wechat_shipping_upload_views.xml",
        "views/wechat_combined_order_views.xml",
        "views/wechat_reconciliation_line_views.xml",
        "views/wechat_payment_link_views.xml",
        "views/wechat_express_company_views.xml",
        "views/sale_order_views.xml",
        "views/stock_picking_views.xml",
        "views/delivery_carrier_views.xml",
        "views/product_product_views.xml",
        "views/res_config_settings_views.xml",
        "views/wechat_shipping_menus.xml",
    ],
    "assets": {
        "web.assets_backend": ["wechat_shipping/static/src/scss/*.scss"],
        "web.assets_tests": ["wechat_shipping/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
