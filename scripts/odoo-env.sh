# shellcheck shell=bash
# Odoo tier plumbing shared by scripts/test-odoo and scripts/demo; sourced, not run.
# shellcheck source=scripts/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ADDON_ROOT=$WS_ROOT
RUN_DIR=${WECHAT_SHIPPING_RUN_DIR:-$(mktemp -d -t ws_run.XXXXXX)}

start_postgres() {
  # Debian's cluster tools when present, else nothing to do: a server is already reachable.
  if pg_isready -q 2>/dev/null; then return 0; fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header | while read -r ver name _; do pg_ctlcluster "$ver" "$name" start || true; done
  fi
  for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
  pg_isready -q || { echo "PostgreSQL did not start" >&2; return 1; }
  # Odoo connects as the OS user; give it a role when running as root.
  local me; me=$(id -un)
  if ! su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$me'\"" | grep -q 1; then
    su postgres -c "createuser --superuser $me"
  fi
}

# The addons path must name this checkout `wechat_shipping`, whatever its folder is called.
prepare_addons() {
  mkdir -p "$RUN_DIR/addons"
  ln -sfn "$ADDON_ROOT" "$RUN_DIR/addons/wechat_shipping"
  cat >"$RUN_DIR/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$RUN_DIR/addons
data_dir = $RUN_DIR/data
db_name = ${1:-wechat_shipping_test}
list_db = False
http_interface = 127.0.0.1
CONF
}

odoo_bin() { PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$RUN_DIR/odoo.conf" "$@"; }

# A fresh database with sale_management, stock, delivery and this addon, no demo data.
install_database() {
  local db=$1 log=$2
  dropdb --if-exists "$db"
  odoo_bin -d "$db" -i sale_management,stock,delivery,wechat_shipping --without-demo=all \
    --stop-after-init --log-level=warn >"$log" 2>&1 || { tail -50 "$log"; return 1; }
}

# Run a Python file with `env` bound to the database (superuser); it commits what it wants.
odoo_python() {
  local db=$1; shift
  PYTHONPATH="$ODOO_SRC:$ADDON_ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}" \
    "$VENV/bin/python" "$@" --odoo-config "$RUN_DIR/odoo.conf" --odoo-database "$db"
}
