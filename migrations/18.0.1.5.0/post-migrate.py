"""From 18.0.1.5.0 on, WeChat Pay payments can give orders their WeChat keys by
themselves, matched by order reference for new companies.

Companies that upgrade keep their keys typed, imported or given over the API, as before,
until someone chooses a reference to match payments by."""


def migrate(cr, version):
    cr.execute("UPDATE res_company SET wechat_payment_match = 'none'")
