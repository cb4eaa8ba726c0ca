# Shared settings for the scripts; sourced, not run.
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
VENV=${WECHAT_SHIPPING_VENV:-$HOME/.cache/wechat_shipping/venv}
odoo_present() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/addons/stock_delivery" ]; }
