-- A neutralized copy (odoo-bin neutralize) never reaches WeChat with the production account:
-- no AppSecret or authorizer token, no message push Token or key (every push is refused), no
-- upload queued on delivery, and an API address that cannot resolve (.invalid, RFC 2606)
-- should someone type a secret in again.
UPDATE res_company
   SET wechat_app_secret = NULL,
       wechat_authorizer_access_token = NULL,
       wechat_push_token = NULL,
       wechat_push_aes_key = NULL,
       wechat_auto_upload = false,
       wechat_api_base_url = 'https://wechat-api.neutralized.invalid';
