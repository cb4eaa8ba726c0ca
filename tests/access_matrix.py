"""Who may see and do what with the addon: the security table of docs/configuration.md,
as data.

tests/test_access_drill.py probes every cell of this table through Odoo's JSON-RPC doors
and checks that the page shows the same table."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
YES, NO = "✓", "—"

# The page's column header -> the groups such a user has (base.group_user comes with
# each but portal).
ROLES = {
    "System admin": (
        "base.group_system,stock.group_stock_manager,sales_team.group_sale_manager"
    ),
    "Access-rights admin": "base.group_erp_manager,base.group_partner_manager",
    "Inventory manager": "stock.group_stock_manager",
    "Inventory user": "stock.group_stock_user",
    "Sales user": "sales_team.group_sale_salesman",
    "Other company's user": "stock.group_stock_user,sales_team.group_sale_salesman",
    "Portal user": "base.group_portal",
    "No stock or sales rights": "base.group_user",
}

# Capability -> one mark per role, in the order of ROLES.
MATRIX = {
    "See uploads: state, reason, attempts, request body": "✓ — ✓ ✓ ✓ — — —",
    "Upload to WeChat now, Retry "
    "(upload, delivery, sale order, combined order)": "✓ — ✓ ✓ ✓ — — —",
    "Write, create or delete uploads "
    "(their fields belong to the upload job)": "— — — — — — — —",
    "See, search and edit the WeChat keys of sale orders": "✓ — ✓ ✓ ✓ — — —",
    "See, create and edit combined orders": "✓ — ✓ ✓ ✓ — — —",
    "Delete combined orders": "✓ — ✓ — — — — —",
    "See express company codes (shared by all companies)": "✓ — ✓ ✓ ✓ ✓ — —",
    "Edit express company codes, Refresh from WeChat": "✓ — ✓ — — — — —",
    "See, search or change AppID, AppSecret, token mode, "
    "API base URL, authorizer token, message push Token "
    "and EncodingAESKey": "✓ — — — — — — —",
    "See the other WeChat settings (auto-upload, strict mode, consignor phone, "
    "item id source, shopping details)": "✓ ✓ ✓ ✓ ✓ — — ✓",
    "Change the other WeChat settings": "✓ ✓ — — — — — —",
}


def allowed(capability, role):
    """Whether the table lets `role` do `capability`."""
    return MATRIX[capability].split()[list(ROLES).index(role)] == YES


def readme_table():
    """{capability: marks} of the page's security table (the one headed by the
    roles)."""
    header = "| | " + " | ".join(ROLES) + " |"
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    start = lines.index(header)
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[re.sub(r"\s+", " ", cells[0])] = " ".join(cells[1:])
    return rows
