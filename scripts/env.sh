# shellcheck shell=bash
# Shared settings for the scripts; sourced, not run.
UV_VERSION=0.13.9  # the installer of the virtualenvs (scripts/setup)
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
WS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WS_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/wechat_shipping
UV=$WS_CACHE/uv-$UV_VERSION/bin/uv
# Each checkout has a virtualenv of its own, named after its path: two checkouts never run
# each other's code, and deleting one leaves the others whole. It lives outside the checkout,
# where Odoo (which reads every file of an addon's folder) never sees it. What is shared is
# only what cannot differ between checkouts: uv and its cache of downloaded and built wheels.
# The databases the tests, drills and benchmark make are the checkout's too, so that two
# checkouts testing at once never drop each other's.
CHECKOUT_ID=$(printf %s "$WS_ROOT" | sha256sum | cut -c1-8)
VENVS=$WS_CACHE/venvs
VENV=${WECHAT_SHIPPING_VENV:-$VENVS/$(basename "$WS_ROOT")-$CHECKOUT_ID}
# Written by scripts/setup when it succeeds: setup_hash at that time, and the checkout.
SETUP_MARK=$VENV/.wechat_shipping-setup
CHECKOUT_MARK=$VENV/.wechat_shipping-checkout
odoo_present() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/addons/stock_delivery" ]; }

# What the virtualenv is made from: the requirements, the protocol's pyproject, scripts/setup, and
# Odoo's requirements when an Odoo tree is there (so that a tree that appears later, or changes
# them, sets up again).
setup_hash() {
  local files=("$WS_ROOT"/requirements{,-test}.txt "$WS_ROOT/protocol/pyproject.toml" "$WS_ROOT"/scripts/{setup,env.sh})
  if odoo_present; then files+=("$ODOO_SRC/requirements.txt"); fi
  cat "${files[@]}" | sha256sum | cut -d' ' -f1
}

# Cheap: does the virtualenv hold what scripts/setup would put there now?
setup_ready() {
  [ -x "$VENV/bin/python" ] && [ "$(cat "$SETUP_MARK" 2>/dev/null)" = "$(setup_hash)" ] || return 1
  # The editable protocol must be this checkout's (a virtualenv named by WECHAT_SHIPPING_VENV may
  # serve several).
  "$VENV/bin/python" -I -c 'import sys, wechat_protocol as p; sys.exit(not p.__file__.startswith(sys.argv[1]))' \
    "$WS_ROOT/protocol/" 2>/dev/null || return 1
  odoo_present || return 0
  command -v chromium >/dev/null && "$VENV/bin/python" -c \
    "import psycopg2, werkzeug, importlib.util as u; assert u.find_spec('pytest_odoo')" 2>/dev/null
}

# Runs scripts/setup first when the virtualenv is not ready, or (with "odoo" as $2) when there is
# no Odoo tree (setup fetches it); $1 names the caller, which then says what it runs.
ensure_setup() {
  if ! setup_ready || { [ "${2:-}" = odoo ] && ! odoo_present; }; then
    echo "$1: setting up first (scripts/setup)"
    bash "$WS_ROOT/scripts/setup" || { echo "$1: scripts/setup failed" >&2; return 1; }
  fi
  echo "$1: the code of $WS_ROOT, in the virtualenv $VENV"
}

# A script's --help: its opening comment (after the #! line), without the comment marks.
script_help() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$1"; }
