/** @odoo-module **/
/* Inventory › Operations › WeChat › Reconciliation as a clerk uses it, in English and in
 * Chinese. tests/test_reconciliation.py registers four payments in the sandbox (one unknown to
 * Odoo, one order shipped in part whose part WeChat holds, one not shipped, one shipped that WeChat
 * lacks) and opens the list. */
import { registry } from "@web/core/registry";

const TEXTS = {
    en: {
        unknown: "Unknown to Odoo", notShipped: "Not shipped in Odoo", partly: "Partly shipped, rest to come",
        notInWechat: "Shipped in Odoo, not in WeChat",
        whatToDo: "What To Do", partlyToDo: "Nothing is missing in WeChat", payment: "Payment in WeChat",
    },
    zh: {
        unknown: "Odoo 中没有", notShipped: "Odoo 中未发货", partly: "部分已发货，其余待发",
        notInWechat: "Odoo 已发货，微信未收到",
        whatToDo: "处理方法", partlyToDo: "微信不缺任何发货信息", payment: "微信中的支付",
    },
};
// The columns whose text must show whole: what is wrong, when, and the payment's ids.
const WHOLE_COLUMNS = ["kind", "paid_at", "transaction_id", "merchant_trade_no"];

/* Fails unless every cell of these columns shows its whole text, and ids show as typed (no
 * thousands separators). */
function assertNothingCut() {
    const cells = [...document.querySelectorAll(".o_list_view .o_data_row td.o_data_cell")].filter(
        (cell) => WHOLE_COLUMNS.includes(cell.getAttribute("name"))
    );
    if (!cells.length) {
        throw new Error("no cell of the reconciliation list to check");
    }
    for (const cell of cells) {
        const shown = cell.querySelector(".badge") || cell;
        if (cell.scrollWidth > cell.clientWidth + 1 || shown.scrollWidth > shown.clientWidth + 1) {
            throw new Error(`${cell.getAttribute("name")} cut off: "${cell.textContent.trim()}"`);
        }
        if (cell.getAttribute("name") === "transaction_id" && !/^\d+$/.test(cell.textContent.trim())) {
            throw new Error(`transaction id shown as "${cell.textContent.trim()}"`);
        }
    }
}

function reconciliationSteps(text) {
    return [
        { content: "Reconcile with WeChat, nothing selected",
          trigger: "button[name=action_reconcile]", run: "click" },
        { content: "The payments are grouped by what is wrong: unknown to Odoo",
          trigger: `.o_group_header:contains('${text.unknown}')` },
        { content: "…not shipped", trigger: `.o_group_header:contains('${text.notShipped}')` },
        { content: "…shipped without WeChat having it",
          trigger: `.o_group_header:contains('${text.notInWechat}')` },
        { content: "…and shipped in part, the rest to come",
          trigger: `.o_group_header:contains('${text.partly}')` },
        ...[text.unknown, text.notShipped, text.notInWechat, text.partly].map((kind) => ({
            content: `Open the group ${kind}`,
            trigger: `.o_group_header:not(.o_group_open):contains('${kind}')`,
            run: "click",
        })),
        { content: "Kinds, dates and ids show whole, beside the row's Upload to WeChat now",
          trigger: ".o_data_row:eq(3) td[name=transaction_id]:not(:empty)",
          run: function () {
              if (!document.querySelector(".o_data_row button[name=action_upload_now]")) {
                  throw new Error("no row offers Upload to WeChat now");
              }
              assertNothingCut();
          } },
        { content: "Open the line of the order shipped in part",
          trigger: `.o_data_row:has(td[name=kind]:contains('${text.partly}')) td[name=paid_at]`, run: "click" },
        { content: "The line is named by the payment's merchant order number",
          trigger: ".o_breadcrumb .active:contains('WX')" },
        { content: "The form says what is wrong",
          trigger: `.o_form_view .oe_title .o_field_widget[name=kind]:contains('${text.partly}')` },
        { content: "…and what to do",
          trigger: `.o_form_view div[name=what_to_do]:contains('${text.whatToDo}'):contains('${text.partlyToDo}')` },
        { content: "…with the payment's ids",
          trigger: `.o_form_view .o_inner_group:contains('${text.payment}') .o_field_widget[name=transaction_id]`,
          run: function () {
              const id = this.anchor.textContent.trim();
              if (!/^\d{20,}$/.test(id)) {
                  throw new Error(`transaction id shown as "${id}"`);
              }
          } },
        { content: "…and its order, a link", trigger: ".o_form_view .o_field_widget[name=sale_order_id] a" },
        { content: "…which Open order opens too",
          trigger: ".o_form_view .o_form_statusbar button[name=action_open_order]" },
        { content: "Nothing to upload for it: the button is not offered",
          trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_upload_now]))" },
    ];
}

const tours = registry.category("web_tour.tours");
for (const [suffix, text] of [["", TEXTS.en], ["_zh", TEXTS.zh]]) {
    tours.add(`wechat_shipping_reconciliation${suffix}`, { steps: () => reconciliationSteps(text) });
}
