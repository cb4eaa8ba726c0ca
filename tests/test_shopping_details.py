import base64

from wechat_protocol import catalogue as c
from wechat_protocol import endpoints

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import APPID, WechatShippingCase, read_in_chinese

# A 1x1 PNG: a product with an image.
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
        "c0f01f0005000201a5d1b7f40000000049454e44ae426082"
    )
)


@tagged("post_install", "-at_install")
class TestShoppingDetails(WechatShippingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Its terms too, as Settings > Languages loads them: messages name fields by
        # their Chinese labels.
        read_in_chinese(cls.env)

    def _details(self, order):
        return order.wechat_upload_ids.filtered(
            lambda u: u.family == "shopping_details"
        )

    def _shipping(self, order):
        return order.wechat_upload_ids.filtered(lambda u: u.family == "shopping_order")

    def _held(self, order):
        [held] = self.wechat.shopping_details(
            order=f"mch:1230000109:{order.wechat_out_trade_no}"
        )
        return held

    def test_confirming_uploads_the_details_then_the_shipping_names_their_items(self):
        order = self._order([(self.tea, 2), (self.cup, 1)], details=False)
        details = self._details(order)
        self.assertEqual(
            details.state, "pending", "queued by the confirmation, not sent in it"
        )
        self.assertFalse(self.wechat.shopping_details())
        self._run_cron()
        self.assertEqual(details.state, "sent")
        held = self._held(order)
        items = held["details"]["order_list"][0]["item_list"]
        self.assertEqual({i["merchant_item_id"] for i in items}, {"TEA-001", "CUP-002"})
        self.assertEqual(
            sum(i["unit_price"] * i["quantity"] for i in items),
            round(order.amount_total * 100),
        )
        self.assertEqual(
            held["details"]["order_list"][0]["merchant_order_no"], order.name
        )
        self.assertEqual(held["details"]["logistics_type"], 1)

        self._ship(
            order.picking_ids,
            "SFD000000001,SFD000000002",
            packages=[self.tea, self.cup],
        )
        self._run_cron()
        self.assertEqual(self._shipping(order).state, "sent")
        [shipping] = self.wechat.uploads()
        shipped_ids = {
            i["merchant_item_id"]
            for p in shipping["body"]["shipping_list"]
            for i in p["item_list"]
        }
        self.assertLessEqual(shipped_ids, {i["merchant_item_id"] for i in items})
        self.assertLess(held["received_at"], shipping["received_at"])
        self._ship(
            order.picking_ids.filtered(lambda p: p.state != "done"), "SFD000000003"
        ) if order.picking_ids.filtered(lambda p: p.state != "done") else None
        self.assertEqual(
            self.wechat.stats()["requests"].get(endpoints.SHOPPING_DETAILS),
            1,
            "a delivery does not send accepted details again",
        )

    def test_shipping_waits_for_its_own_orders_details_only(self):
        # an item id WeChat would refuse: these details fail
        self.tea.default_code = "T" * 65
        blocked = self._order([(self.tea, 1)], details=False)
        going = self._order([(self.cup, 1)], details=False)
        for order, tracking in ((blocked, "SFD000000011"), (going, "SFD000000012")):
            self._ship(order.picking_ids, tracking)
        self._run_cron()
        self.assertEqual(self._details(blocked).state, "attention")
        self.assertEqual(self._shipping(blocked).state, "waiting")
        self.assertEqual(self._shipping(going).state, "sent")
        reason = blocked.picking_ids.wechat_upload_reason
        self.assertIn("Shopping Details: ", reason)
        self.assertIn("Merchant item ID is longer than 64 bytes", reason)
        self.assertIn("once it holds the order's shopping details", reason)
        zh = blocked.picking_ids.with_context(lang="zh_CN").wechat_upload_reason
        self.assertIn("商户侧商品 ID", zh)

        self.tea.default_code = "TEA-001"
        self._details(blocked).action_retry()
        self._run_cron()
        self.assertEqual(self._details(blocked).state, "sent")
        self.assertEqual(
            self._shipping(blocked).state,
            "sent",
            "accepted details release the shipping",
        )

    def test_prices_in_fen_add_up_to_the_total_with_discounts_and_rounding(self):
        tax = self.env["account.tax"].create(
            {"name": "VAT 13%", "amount": 13, "price_include_override": "tax_excluded"}
        )
        order = self.scenario.order([(self.tea, 3), (self.cup, 7)])
        order.order_line[0].write(
            {"price_unit": 3.33, "discount": 7.5, "tax_id": [(6, 0, tax.ids)]}
        )
        order.order_line[1].write({"price_unit": 0.99, "tax_id": [(6, 0, tax.ids)]})
        coupon = self.scenario.product("Coupon", "CPN-1")
        self.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": coupon.id,
                "product_uom_qty": 1,
                "price_unit": -2.00,
                "tax_id": False,
            }
        )
        self._send_details(order.with_context())
        self._run_cron()
        items = self._held(order)["details"]["order_list"][0]["item_list"]
        self.assertEqual(
            sum(i["unit_price"] * i["quantity"] for i in items),
            round(order.amount_total * 100),
        )
        self.assertNotIn(
            "CPN-1",
            {i["merchant_item_id"] for i in items},
            "a coupon lowers the lines, listed nowhere",
        )
        self.assertEqual(
            sum(i["quantity"] for i in items if i["merchant_item_id"] == "TEA-001"), 3
        )
        self.assertTrue(
            all(
                isinstance(i["unit_price"], int) and i["unit_price"] >= 0 for i in items
            )
        )

    def test_page_links_and_images_come_from_the_company(self):
        self.company.write(
            {
                "wechat_order_page": (
                    "pages/order/detail?out_trade_no={out_trade_no}&o={order}"
                ),
                "wechat_product_page": "pages/goods/detail?sku={merchant_item_id}",
                "wechat_public_base_url": "https://shop.example.com/",
            }
        )
        self.tea.image_1920 = PIXEL
        self.cup.default_code = "CUP 2&3"  # free text: encoded in the page's query
        order = self._order([(self.tea, 1), (self.cup, 1)])
        entry = self._held(order)["details"]["order_list"][0]
        self.assertEqual(
            entry["order_detail_jump_link"],
            {
                "type": "MINI_PROGRAM",
                "appid": self.company.wechat_appid,
                "path": (
                    f"pages/order/detail?out_trade_no={order.wechat_out_trade_no}"
                    f"&o={order.name}"
                ),
            },
        )
        self.assertEqual(
            {
                i["merchant_item_id"]: i["item_detail_jump_link"]
                for i in entry["item_list"]
            },
            {
                item_id: {
                    "type": "MINI_PROGRAM",
                    "appid": self.company.wechat_appid,
                    "path": f"pages/goods/detail?sku={path_id}",
                }
                for item_id, path_id in (
                    ("TEA-001", "TEA-001"),
                    ("CUP 2&3", "CUP%202%263"),
                )
            },
        )
        images = {i["merchant_item_id"]: i.get("image_url") for i in entry["item_list"]}
        self.assertEqual(
            images["TEA-001"],
            [
                f"https://shop.example.com/web/image/product.product/{self.tea.id}/image_512"
            ],
        )
        self.assertIsNone(images["CUP 2&3"], "no image, no address")

    def test_items_carry_no_page_without_a_product_page(self):
        order = self._order([(self.tea, 1)])
        entry = self._held(order)["details"]["order_list"][0]
        self.assertTrue(entry["order_detail_jump_link"], "the order's page, always")
        self.assertNotIn("item_detail_jump_link", entry["item_list"][0])

    def test_details_without_an_order_page_wait_naming_the_setting(self):
        # A company that uploaded details before the page was required (an upgrade)
        # meets this reason, never a refusal from WeChat.
        self.company.wechat_order_page = False
        order = self._order([(self.tea, 1)], details=False)
        self._run_cron()
        details = self._details(order)
        self.assertEqual(details.state, "attention")
        self.assertEqual(details.problem_code, c.PARAM_ERROR)
        self.assertFalse(self.wechat.shopping_details(), "nothing reached WeChat")
        self.assertFalse(
            self.wechat.stats()["requests"].get(endpoints.SHOPPING_DETAILS)
        )
        reason = details.with_context(lang="en_US").reason
        self.assertEqual(
            reason,
            f"{order.name}: WeChat takes no shopping details without the page where "
            "the buyer sees the order: set Mini Program Order Page in Inventory > "
            "Configuration > Settings > WeChat Shipping, then Retry. [268435461]",
            "one line naming the setting, not WeChat's field as well",
        )
        zh = details.with_context(lang="zh_CN").reason
        self.assertIn("“小程序订单页面”", zh)
        self.assertIn("库存 > 配置 > 设置 > 微信发货", zh)
        self.assertIn(
            "Mini Program Order Page",
            order.with_context(lang="en_US").wechat_upload_reason,
        )

        self.company.wechat_order_page = "pages/order/detail?o={order}"
        details.action_retry()
        self._run_cron()
        self.assertEqual(details.state, "sent")
        self.assertEqual(
            self._held(order)["details"]["order_list"][0]["order_detail_jump_link"][
                "path"
            ],
            f"pages/order/detail?o={order.name}",
        )

    def test_every_sub_order_of_combined_details_needs_the_page(self):
        self.company.wechat_order_page = False
        combined = self._combined()
        orders = self._order([(self.tea, 1)], combined=combined, details=False)
        orders |= self._order([(self.cup, 1)], combined=combined, details=False)
        self._run_cron()
        upload = combined.upload_ids.filtered(lambda u: u.family == "shopping_details")
        self.assertEqual(upload.state, "attention")
        self.assertEqual(
            [line.split(":")[0] for line in upload.reason.splitlines()],
            orders.mapped("name"),
            "one line per sub-order, named after it",
        )
        self.assertFalse(self.wechat.shopping_details())

    def test_an_order_page_without_the_appid_or_too_long_is_named(self):
        self.company.sudo().wechat_appid = False
        order = self._order([(self.tea, 1)], details=False)
        self._run_cron()
        self.assertIn("WeChat AppID", self._details(order).reason)
        self.company.sudo().wechat_appid = APPID
        # 510 bytes: a one-letter placeholder fits (checked when saved), an order
        # number or an item id does not.
        self.company.write(
            {
                "wechat_order_page": "页" * 170 + "{order}",
                "wechat_product_page": "页" * 170 + "{merchant_item_id}",
            }
        )
        self._details(order).action_retry()
        self._run_cron()
        reason = self._details(order).with_context(lang="en_US").reason
        self.assertIn("Mini Program Order Page, filled in for this order", reason)
        self.company.wechat_order_page = "pages/order/detail?o={order}"
        self._details(order).action_retry()
        self._run_cron()
        reason = self._details(order).reason
        self.assertIn(f"{order.name} / ", reason, "named after the item")
        self.assertIn("Mini Program Product Page, filled in with this item's", reason)
        self.assertFalse(self.wechat.shopping_details())

    def test_product_page_in_the_settings(self):
        form = Form(self.env["res.config.settings"].with_context(lang="en_US"))
        form.wechat_product_page = "pages/goods/detail?sku={merchant_item_id}"
        form.save().execute()
        self.assertEqual(
            self.company.wechat_product_page,
            "pages/goods/detail?sku={merchant_item_id}",
        )
        for lang, expected in (
            ("en_US", "Mini Program Product Page: a page path such as"),
            ("zh_CN", "小程序商品页面：应为类似"),
        ):
            # the last: 514 bytes once filled in
            for value in (
                "pages/{product}",
                "pages/{merchant_item_id",
                "页" * 171 + "{merchant_item_id}",
            ):
                with (
                    self.subTest(lang=lang, value=value),
                    self.assertRaises(ValidationError) as caught,
                ):
                    form = Form(self.env["res.config.settings"].with_context(lang=lang))
                    form.wechat_product_page = value
                    form.save().execute()
                self.assertIn(expected, caught.exception.args[0])
                self.assertIn("{merchant_item_id}", caught.exception.args[0])

    def test_the_settings_warn_while_this_odoo_uploads_details_without_a_page(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        [warning] = [
            line
            for line in arch.splitlines()
            if "alert-warning" in line and "wechat_order_page" in line
        ]
        self.assertIn("wechat_shopping_details_by != 'odoo'", warning)
        self.assertIn(
            "WeChat takes no shopping details without the order's page: set the "
            "Mini Program Order Page",
            arch,
        )

    def test_bad_page_template_and_address_are_refused_in_the_readers_language(self):
        for value in ("pages/{nope}", "pages/{out_trade_no", "pages/{0}", "pages/a\tb"):
            with (
                self.subTest(value=value),
                self.assertRaises(ValidationError) as caught,
            ):
                self.company.with_context(lang="en_US").wechat_order_page = value
            self.assertIn("{out_trade_no}", caught.exception.args[0])
        with self.assertRaises(ValidationError) as caught:
            self.company.wechat_order_page = "p" * 513
        self.assertIn("512", caught.exception.args[0])
        for value in ("shop.example.com", "ftp://shop", "https://shop?x=1"):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.company.wechat_public_base_url = value

    def test_names_encoding_is_sent_by_every_call_of_the_family(self):
        self.company.wechat_enum_names = True
        order = self._order([(self.tea, 1)])
        self.assertEqual(
            self._held(order)["details"]["logistics_type"],
            1,
            "the sandbox reads names as numbers",
        )
        self.assertEqual(
            self._body(self._details(order))["logistics_type"], "PHYSICAL_LOGISTICS"
        )
        self._ship(order.picking_ids, "SFD000000021")
        self._run_cron()
        [shipping] = self.wechat.uploads()
        self.assertEqual(
            shipping["body"]["order_key"]["order_number_type"],
            1,
            "a number in both modes, as the SDKs send it",
        )
        self.assertEqual(shipping["body"]["delivery_mode"], "UNIFIED_DELIVERY")
        self.assertEqual(
            self._body(self._shipping(order)), shipping["body"], "stored as sent"
        )

    def test_details_by_another_system_ship_at_once_and_say_what_is_missing(self):
        self.company.wechat_shopping_details_by = "other"
        order = self._order([(self.tea, 1)])
        self.assertFalse(self._details(order), "this Odoo uploads no details")
        self._ship(order.picking_ids, "SFD000000031")
        self._run_cron()
        upload = self._shipping(order)
        self.assertEqual(
            (upload.state, upload.last_errcode), ("attention", c.SHOPPING_ORDER_MISSING)
        )
        self.assertIn("uploaded by another system", upload.reason)
        self.assertIn(order.wechat_out_trade_no, upload.reason)
        self.assertIn("由其他系统上传", upload.with_context(lang="zh_CN").reason)
        self.wechat.details_from_elsewhere(
            {
                "order_number_type": 1,
                "mchid": "1230000109",
                "out_trade_no": order.wechat_out_trade_no,
            }
        )
        upload.action_retry()
        self._run_cron()
        self.assertEqual(upload.state, "sent")

    def test_combined_details_carry_every_confirmed_sub_order(self):
        combined = self._combined()
        first = self._order([(self.tea, 1)], combined=combined)
        second = self._order([(self.cup, 2)], combined=combined)
        [held] = self.wechat.shopping_details(
            order=f"mch:1230000109:{combined.wechat_out_trade_no}"
        )
        self.assertTrue(held["combined"])
        self.assertEqual(
            set(held["sub_orders"]),
            {f"mch:1230000109:{o.wechat_out_trade_no}" for o in first | second},
        )
        self._ship(first.picking_ids, "SFD000000041")
        self._ship(second.picking_ids, "SFD000000042")
        self._run_cron()
        self.assertEqual(set(combined.upload_ids.mapped("state")), {"sent"})

    def test_services_only_are_virtual_goods(self):
        lesson = self.env["product.product"].create(
            {
                "name": "Tea ceremony lesson",
                "type": "service",
                "default_code": "LESSON-1",
            }
        )
        order = self._order([(lesson, 1)])
        self.assertEqual(self._held(order)["details"]["logistics_type"], 3)

    def test_verify_with_wechat_says_what_wechat_holds_and_checks_rights_first(self):
        order = self._order([(self.tea, 1)])
        action = order.action_wechat_verify_shopping_details()
        self.assertIn(f"{order.name}: uploaded", action["params"]["message"])
        other = self._order([(self.cup, 1)], details=False)
        action = other.with_context(
            lang="zh_CN"
        ).action_wechat_verify_shopping_details()
        self.assertIn("微信没有该订单的购物详情", action["params"]["message"])
        calls = sum(self.wechat.stats()["requests"].values())
        clerk = new_test_user(self.env, "verify_clerk", groups="base.group_user")
        with self.assertRaises(AccessError):
            order.with_user(clerk).action_wechat_verify_shopping_details()
        self.assertEqual(
            sum(self.wechat.stats()["requests"].values()),
            calls,
            "refused before any call",
        )
