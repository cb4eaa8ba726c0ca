"""From 18.0.1.3.0 on, express company names are translatable, and the codes this addon
ships are named in English, their Chinese names translations.

A shipped code whose name is still the Chinese one the addon gave it (a merchant did not
rename it) is named in English, with that Chinese name as its Chinese translation; a
name someone changed stays as it is."""

from odoo.tools import SQL

NAMES = {  # code: (the Chinese name given before, the English name)
    "SF": ("顺丰速运", "SF Express"),
    "ZTO": ("中通快递", "ZTO Express"),
    "YTO": ("圆通速递", "YTO Express"),
    "STO": ("申通快递", "STO Express"),
    "YD": ("韵达速递", "Yunda Express"),
    "JTSD": ("极兔速递", "J&T Express"),
}


def migrate(cr, version):
    names = SQL(", ").join(
        SQL("(%s, %s, %s)", code, chinese, english)
        for code, (chinese, english) in NAMES.items()
    )
    cr.execute(
        SQL(
            """
        UPDATE wechat_express_company company
           SET name = company.name || jsonb_build_object(
                   'en_US', given.english, 'zh_CN', given.chinese
               )
          FROM (VALUES %s) AS given(code, chinese, english)
         WHERE company.code = given.code AND company.name->>'en_US' = given.chinese
        """,
            names,
        )
    )
