"""Problem reports: each problem named after the record behind its wire path."""

from wechat_protocol import catalogue, masking
from wechat_protocol.report import ProblemReport, render
from wechat_protocol.validation import Problem


def _problem(path):
    return Problem(catalogue.PARAM_ERROR, path, "bad value", "取值错误")


def test_the_deepest_label_containing_the_path_names_the_problem():
    report = ProblemReport()
    report.label("", "C0001")
    report.label("sub_orders[1]", "S00012")
    report.label("sub_orders[1].shipping_list[0]", "WH/OUT/00007")
    report.extend(
        [
            _problem("sub_orders[1].shipping_list[0].tracking_no"),
            _problem("sub_orders[1].order_key"),
            _problem("sub_orders[10].order_key"),
            _problem("payer.openid"),
        ]
    )
    assert [p["label"] for p in report.as_dicts()] == [
        "WH/OUT/00007",
        "S00012",
        "C0001",
        "C0001",
    ]


def test_a_callable_label_is_called_only_for_a_problem_under_its_path():
    calls = []

    def product_name():
        calls.append(1)
        return "WH/OUT/00007 / Longjing tea"

    report = ProblemReport()
    report.label("shipping_list[0]", "WH/OUT/00007")
    report.label("shipping_list[0].item_list[0]", product_name)
    report.extend([_problem("shipping_list[0].tracking_no")])
    assert report.as_dicts()[0]["label"] == "WH/OUT/00007"
    assert calls == [], "a label nobody reads is never computed"

    report.extend([_problem("shipping_list[0].item_list[0].merchant_item_id")])
    assert report.as_dicts()[1]["label"] == "WH/OUT/00007 / Longjing tea"
    assert calls


def test_a_contact_problem_keeps_no_digit_of_the_number():
    report = ProblemReport()
    try:
        masking.mask_contact("12")
    except masking.ContactInvalid as error:
        report.contact_problem("shipping_list[0].contact.receiver_contact", error)
    [problem] = report.as_dicts()
    assert problem["code"] == catalogue.PARAM_ERROR
    assert "12" not in problem["en"] + problem["zh"]


def test_render_speaks_the_readers_language_with_label_and_code():
    problems = [
        {"code": 10060001, "label": "S00012", "en": "Not found.", "zh": "未找到。"},
        {"code": None, "label": "", "en": "No credentials.", "zh": "未设置凭据。"},
    ]
    assert render(problems, "en_US") == "S00012: Not found. [10060001]\nNo credentials."
    assert render(problems, "zh_CN") == "S00012: 未找到。 [10060001]\n未设置凭据。"
    assert render(problems, None) == render(problems, "en_US")


def test_render_reads_any_stored_value_without_failing():
    unreadable_en = "The stored reason of this upload cannot be read"
    for stored in (
        "oops",
        42,
        {"en": "x"},
        [None],
        [1, 2],
        [{"zh": "只有中文"}],
        [{"en": 5}],
        [{"en": "Bad.", "label": ["S1"], "code": "268485226"}],
        [[{"en": "nested"}]],
    ):
        english, chinese = render(stored, "en_US"), render(stored, "zh_CN")
        assert english and chinese
        if stored == [{"en": "Bad.", "label": ["S1"], "code": "268485226"}]:
            assert english == "Bad." and chinese.startswith("此上传记录")
        else:
            assert english.startswith(unreadable_en)
    assert render([], "en_US") == ""


def test_render_bounds_what_it_quotes():
    text = render(
        [{"code": 1, "label": "L" * 10_000, "en": "M" * 10_000, "zh": "中" * 10_000}],
        "en_US",
    )
    assert len(text) < 700
    assert text.endswith("… [1]")
    assert "L" * 79 + "…: " in text


def test_render_writes_a_repeated_line_once():
    problem = {
        "code": 268485226,
        "label": "WH/OUT/1",
        "en": "No tracking number.",
        "zh": "无单号。",
    }
    assert (
        render([problem, dict(problem)], "en_US")
        == "WH/OUT/1: No tracking number. [268485226]"
    )


def test_a_code_wechats_list_lacks_is_named_in_both_languages_and_bounded():
    report = ProblemReport()
    report.unlisted_code("shipping_list[0].express_company", "ZJS")
    report.unlisted_code(
        "shipping_list[1].express_company", "X" * 500, catalogue.OSM_PARAM_ERROR
    )
    first, second = report.as_dicts()
    assert (first["code"], second["code"]) == (
        catalogue.PARAM_ERROR,
        catalogue.OSM_PARAM_ERROR,
    )
    assert "no code ZJS" in first["en"] and "没有编码 ZJS" in first["zh"]
    assert len(second["en"]) < 200


def test_validation_leaves_a_path_the_builder_explained_to_the_builders_words():
    report = ProblemReport()
    builder = Problem(
        catalogue.PARAM_ERROR,
        "order_list[0].order_detail_jump_link",
        "set Mini Program Order Page",
        "请设置小程序订单页面",
    )
    report.extend([builder])
    report.extend(
        [
            _problem("order_list[0].order_detail_jump_link"),
            _problem("order_list[0].merchant_order_no"),
            _problem("order_list[0].merchant_order_no"),
            Problem(
                catalogue.OPENID_EMPTY, "order_list[0].order_detail_jump_link", "x", "x"
            ),
        ]
    )
    assert [(p.path, p.message_en) for p in report.problems] == [
        ("order_list[0].order_detail_jump_link", "set Mini Program Order Page"),
        ("order_list[0].merchant_order_no", "bad value"),
        ("order_list[0].merchant_order_no", "bad value"),
        ("order_list[0].order_detail_jump_link", "x"),
    ], "only the same path and code is left out; one check's own problems all stay"
