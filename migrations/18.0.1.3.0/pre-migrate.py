"""From 18.0.1.3.0 on, the express companies this addon ships are data records with XML
ids (wechat_shipping.wechat_express_company_<code>), where a function created them
before.

Before the data file loads, each existing record of those codes gets its XML id,
noupdate as the file is: the file then neither creates a second record of a code (codes
are unique) nor writes over what a merchant changed in it."""

from odoo.tools import SQL

CODES = ("SF", "ZTO", "YTO", "STO", "YD", "JTSD", "DHL")


def migrate(cr, version):
    xmlids = SQL(", ").join(
        SQL("(%s, %s)", code, f"wechat_express_company_{code.lower()}")
        for code in CODES
    )
    cr.execute(
        SQL(
            """
        INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
        SELECT 'wechat_shipping', xmlid.name, 'wechat.express.company', company.id, TRUE
          FROM wechat_express_company company
          JOIN (VALUES %s) AS xmlid(code, name) ON xmlid.code = company.code
        ON CONFLICT (module, name) DO NOTHING
        """,
            xmlids,
        )
    )
