/** @odoo-module **/
/* The sale order's WeChat tab and the funds report as a salesperson uses them, in English and
 * in Chinese. The Python side (tests/test_sale_order_tours.py) prepares the orders, opens the
 * first page and checks what WeChat received afterwards. */
import { registry } from "@web/core/registry";

const TEXTS = {
    en: {
        awaitingShipment: "Awaiting shipment", testPayment: "Test payment",
        confirm: "gives the buyer's money back", reported: "Reported to WeChat as a test payment",
        noDate: "Not shipped, or date not announced", none: "None",
        orderState: "WeChat Order State", settlement: "WeChat Estimated Settlement", held: "Funds Held by WeChat",
        guide: "Only for an order paid with WeChat Pay", platform: "WeChat Pay merchant platform",
        notWeChat: "Not paid with WeChat Pay",
    },
    zh: {
        awaitingShipment: "待发货", testPayment: "测试支付单",
        confirm: "退还买家", reported: "已向微信报备为测试支付单",
        noDate: "未发货或日期未公布", none: "无",
        orderState: "微信订单状态", settlement: "微信预计结算时间", held: "微信待结算金额",
        guide: "仅用于微信支付的订单", platform: "微信支付商户平台",
        notWeChat: "非微信支付订单",
    },
};

function testPaymentSteps(text) {
    return [
        { content: "Open the WeChat tab", trigger: ".o_form_view .o_notebook a[name=wechat]",
          run: function () {
              // Gone if the page were loaded again: the new state must come without that.
              window.wechatShippingSamePage = true;
              this.anchor.click();
          } },
        { content: "WeChat holds the payment awaiting shipment",
          trigger: `.o_field_widget[name=wechat_order_state]:contains('${text.awaitingShipment}')` },
        { content: "Report it as a test payment",
          trigger: ".o_form_view button[name=action_wechat_report_test_payment]", run: "click" },
        { content: "The confirmation says what WeChat will do",
          trigger: `.modal .modal-body:contains('${text.confirm}')` },
        { content: "Confirm", trigger: ".modal .modal-footer button.btn-primary", run: "click" },
        { content: "The notification says it is reported",
          trigger: `.o_notification:contains('${text.reported}')` },
        { content: "The form shows the report, and the button is gone",
          trigger: `.o_form_view:not(:has(button[name=action_wechat_report_test_payment])) .o_field_widget[name=wechat_special_report]:contains('${text.testPayment}')` },
        { content: "The chatter says what happened",
          trigger: `.o-mail-Message:contains('${text.reported}')`,
          run: function () {
              if (!window.wechatShippingSamePage) {
                  throw new Error("the page was loaded again");
              }
          } },
    ];
}

function fundsReportSteps(text) {
    return [
        { content: "The bars of the funds WeChat holds, by the day it releases them",
          trigger: ".o_graph_renderer canvas",
          run: function () {
              const chart = window.Chart && window.Chart.getChart(this.anchor);
              const labels = chart ? chart.data.labels.map(String) : [];
              if (labels.length !== 2 || !labels.includes(text.noDate) || labels.includes(text.none)) {
                  throw new Error(`bars: ${JSON.stringify(labels)}`);
              }
              const legend = chart.data.datasets.map((dataset) => dataset.label).join();
              if (!legend.includes(text.held)) {
                  throw new Error(`measure: ${legend}`);
              }
          } },
        { content: "Switch to the list", trigger: ".o_switch_view.o_list", run: "click" },
        { content: "It shows WeChat's state",
          trigger: `.o_list_view th[data-name=wechat_order_state]:contains('${text.orderState}')` },
        { content: "…the expected settlement",
          trigger: `.o_list_view th[data-name=wechat_estimated_settlement_at]:contains('${text.settlement}')` },
        { content: "…and the money held",
          trigger: `.o_list_view th[data-name=wechat_held_amount]:contains('${text.held}')` },
        { content: "A row awaiting shipment",
          trigger: `.o_data_row td[name=wechat_order_state]:contains('${text.awaitingShipment}')` },
    ];
}

function newQuotationSteps(text) {
    return [
        { content: "Open the WeChat tab of the new quotation",
          trigger: ".o_form_view .o_notebook a[name=wechat]", run: "click" },
        { content: "It says what the keys are for and where they come from",
          trigger: `div[name=wechat_key_guide]:contains('${text.guide}'):contains('${text.platform}')` },
        { content: "An empty number type says the order is no WeChat order",
          trigger: ".o_field_widget[name=wechat_order_number_type] select",
          run: function () {
              const shown = this.anchor.options[this.anchor.selectedIndex].textContent;
              if (shown !== text.notWeChat) {
                  throw new Error(`number type shows: ${shown}`);
              }
          } },
        { content: "Choose the merchant order number",
          trigger: ".o_field_widget[name=wechat_order_number_type] select", run: "selectByIndex 1" },
        { content: "The guide gives way to the key's fields, each with an example",
          trigger: ".o_form_view:not(:has(div[name=wechat_key_guide])) .o_field_widget[name=wechat_mchid] input[placeholder*='1230000109']" },
        { content: "Type the merchant id", trigger: ".o_field_widget[name=wechat_mchid] input",
          run: "edit 1230000109 && press Enter" },
        { content: "The merchant order number has its example too",
          trigger: ".o_field_widget[name=wechat_out_trade_no] input[placeholder]" },
        { content: "The company's sub-merchant is filled in",
          trigger: ".o_field_widget[name=wechat_sub_mchid] input",
          run: async function () {
              // The server fills it in answer to the merchant id (an onchange): wait for it.
              for (let tries = 0; tries < 50 && this.anchor.value !== "1900000109"; tries++) {
                  await new Promise((resolve) => setTimeout(resolve, 100));
              }
              if (this.anchor.value !== "1900000109") {
                  throw new Error(`sub-merchant: ${this.anchor.value}`);
              }
          } },
        { content: "Discard", trigger: ".o_form_button_cancel", run: "click" },
        // The tour ends once the list it goes back to is loaded: a request still in flight
        // when the test ends would outlive the test's transaction.
        { content: "Back on the quotations", trigger: ".o_list_view .o_list_renderer" },
    ];
}

const tours = registry.category("web_tour.tours");
for (const [suffix, text] of [["", TEXTS.en], ["_zh", TEXTS.zh]]) {
    tours.add(`wechat_shipping_test_payment${suffix}`, { steps: () => testPaymentSteps(text) });
    tours.add(`wechat_shipping_funds_report${suffix}`, { steps: () => fundsReportSteps(text) });
    tours.add(`wechat_shipping_new_quotation${suffix}`, { steps: () => newQuotationSteps(text) });
}
