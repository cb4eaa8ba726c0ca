"""From 18.0.1.1.0 on, companies choose the WeChat APIs they upload to, and WeChat keys
are stored trimmed, so that uniqueness holds on what WeChat receives.

Existing companies keep Shopping Order, the one API they uploaded to. The keys stored
before are trimmed; a row whose trimmed key another order of its company already has
keeps its value, and a warning names it for a person to decide which order owns the
payment."""

import logging

from psycopg2 import IntegrityError

from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)
TABLES = ("sale_order", "wechat_combined_order")
COLUMNS = (
    "wechat_mchid",
    "wechat_out_trade_no",
    "wechat_transaction_id",
    "wechat_payer_openid",
)


def migrate(cr, version):
    # Companies that uploaded before keep uploading to the one API they knew, Shopping
    # Order, until someone chooses Order Shipping Management (the default of new
    # companies) as well.
    cr.execute("UPDATE res_company SET wechat_families = 'shopping_order'")
    for table in TABLES:
        cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE %s",
                SQL(", ").join(map(SQL.identifier, COLUMNS)),
                SQL.identifier(table),
                SQL(" OR ").join(
                    SQL("%s IS NOT NULL", SQL.identifier(column)) for column in COLUMNS
                ),
            )
        )
        for row_id, *values in cr.fetchall():
            trimmed = [value.strip() or None if value else value for value in values]
            if trimmed != values:
                _trim_row(cr, table, row_id, trimmed)


def _trim_row(cr, table, row_id, trimmed):
    assignments = SQL(", ").join(
        SQL("%s = %s", SQL.identifier(column), value)
        for column, value in zip(COLUMNS, trimmed, strict=True)
    )
    try:
        with cr.savepoint(), mute_logger("odoo.sql_db"):
            cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id = %s",
                    SQL.identifier(table),
                    assignments,
                    row_id,
                )
            )
    except IntegrityError:
        _logger.warning(
            "%s id %s keeps its WeChat key with the spaces around "
            "it: trimmed, it is the key of another order of its "
            "company; decide which order the payment belongs to.",
            table,
            row_id,
        )
