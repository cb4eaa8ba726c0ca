"""Fresh wire bodies that pass validation, and mutations of them, shared by protocol and
sandbox tests."""

from wechat_protocol import endpoints

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
MCHID = "1230000109"


def valid_combined_body() -> dict:
    """Return a valid combined body: one split sub-order and one unified sub-order."""
    return {
        "order_key": {
            "order_number_type": 1,
            "mchid": MCHID,
            "out_trade_no": "COMBINED-0001",
        },
        "sub_orders": [
            {
                "order_key": {
                    "order_number_type": 1,
                    "mchid": MCHID,
                    "out_trade_no": "SO0001",
                },
                "delivery_mode": 2,
                "shipping_list": [
                    {
                        "tracking_no": "SF1234567890123",
                        "express_company": "SF",
                        "item_list": [
                            {"merchant_item_id": "SKU-A"},
                            {"merchant_item_id": "SKU-B"},
                        ],
                        "contact": {
                            "consignor_contact": "021-****5678",
                            "receiver_contact": "189****1234",
                        },
                    },
                    {
                        "tracking_no": "YT9876543210987",
                        "express_company": "YTO",
                        "item_list": [{"merchant_item_id": "SKU-C"}],
                    },
                ],
            },
            {
                "order_key": {
                    "order_number_type": 1,
                    "mchid": MCHID,
                    "out_trade_no": "SO0002",
                },
                "delivery_mode": 1,
                "shipping_list": [
                    {"tracking_no": "ZTO73100000001", "express_company": "ZTO"}
                ],
            },
        ],
        "upload_time": "2021-05-20T13:29:35.120+08:00",
        "payer": {"openid": OPENID},
    }


def valid_single_body() -> dict:
    """Return a valid single-order body in unified mode paid by WeChat Pay number."""
    return {
        "order_key": {
            "order_number_type": 2,
            "transaction_id": "4200001234202105201234567890",
        },
        "delivery_mode": 1,
        "shipping_list": [
            {
                "tracking_no": "SF1234567890123",
                "express_company": "SF",
                "contact": {"receiver_contact": "+86-177****1234"},
            }
        ],
        "upload_time": "2021-05-20T13:29:35.120+08:00",
        "payer": {"openid": OPENID},
    }


def valid_osm_body(out_trade_no="OSM0001", all_delivered=True, parcels=1) -> dict:
    """Return a valid upload_shipping_info body: express, by merchant order number."""
    return {
        "order_key": {
            "order_number_type": 1,
            "mchid": MCHID,
            "out_trade_no": out_trade_no,
        },
        "logistics_type": 1,
        "delivery_mode": 1 if parcels == 1 and all_delivered else 2,
        "is_all_delivered": all_delivered,
        "shipping_list": [
            {
                "tracking_no": f"SF{index:013d}",
                "express_company": "SF",
                "item_desc": f"龙井茶礼盒*{index + 1}",
                "contact": {"receiver_contact": "189****1234"},
            }
            for index in range(parcels)
        ],
        "upload_time": "2022-12-15T13:29:35.120+08:00",
        "payer": {"openid": OPENID},
    }


def valid_osm_combined_body() -> dict:
    """Return a valid upload_combined_shipping_info body: a split and a same-city
    sub-order."""
    split = valid_osm_body("OSM-SUB-1", parcels=2)
    same_city = valid_osm_body("OSM-SUB-2")
    same_city.update(logistics_type=2, shipping_list=[{"item_desc": "青瓷杯*1"}])
    keys = (
        "order_key",
        "logistics_type",
        "delivery_mode",
        "is_all_delivered",
        "shipping_list",
    )
    return {
        "order_key": {
            "order_number_type": 1,
            "mchid": MCHID,
            "out_trade_no": "OSM-MAIN-1",
        },
        "sub_orders": [{key: sub[key] for key in keys} for sub in (split, same_city)],
        "upload_time": "2022-12-15T13:29:35.120+08:00",
        "payer": {"openid": OPENID},
    }


DELETE = object()


def set_at(path, value):
    """Mutation setting body[path...] = value; a value of DELETE removes the key."""

    def mutate(body):
        target = body
        for step in path[:-1]:
            target = target[step]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


def details_for(shipping_body) -> tuple[str, dict]:
    """(path, body) of the shopping details a Shopping Order shipping body refers to:
    the same keys and payer, each order listing the item ids its parcels name (one item
    when none)."""

    def order_of(order, index):
        ids = [
            item["merchant_item_id"]
            for parcel in order.get("shipping_list") or []
            for item in parcel.get("item_list") or []
        ] or [f"ITEM-{index}"]
        return {
            "merchant_order_no": f"NO-{index}",
            "order_detail_jump_link": {
                "type": "MINI_PROGRAM",
                "appid": "wxsandbox0000001",
                "path": f"pages/order/detail?no=NO-{index}",
            },
            "item_list": [
                {
                    "merchant_item_id": item_id,
                    "name": f"Item {item_id}",
                    "description": "A thing",
                    "unit_price": 100,
                    "quantity": 1,
                }
                for item_id in dict.fromkeys(ids)
            ],
        }

    common = {
        "order_key": shipping_body["order_key"],
        "payer": shipping_body["payer"],
        "upload_time": "2021-05-20T13:29:35.120+08:00",
    }
    if "sub_orders" in shipping_body:
        return endpoints.SHOPPING_COMBINED_DETAILS, {
            **common,
            "sub_orders": [
                {
                    "order_key": sub["order_key"],
                    **order_of(sub, index),
                    "logistics_type": 1,
                }
                for index, sub in enumerate(shipping_body["sub_orders"])
            ],
        }
    return endpoints.SHOPPING_DETAILS, {
        **common,
        "order_list": [order_of(shipping_body, 0)],
        "logistics_type": 1,
    }
