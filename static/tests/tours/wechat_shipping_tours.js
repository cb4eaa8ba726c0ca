/** @odoo-module **/
/* The screens as a warehouse clerk and a merchant use them, in English and in Chinese. The
 * Python side (tests/test_tours.py) prepares the records, opens the first page and checks what
 * WeChat received afterwards. */
import { registry } from "@web/core/registry";

const TRACKING_EMPTY_CODE = "268485226";
const TEXTS = {
    en: {
        banner: "WeChat does not have this shipment yet", reason: "Tracking number is empty",
        accepted: "WeChat accepted the shipping information", sent: "Sent", attention: "Needs Attention",
        delivery: "Delivery", problemCode: "Problem Code",
    },
    zh: {
        banner: "微信尚未收到此发货信息", reason: "物流单号为空",
        accepted: "微信已接收发货信息", sent: "已上传", attention: "需要处理",
        delivery: "发货单", problemCode: "问题代码",
    },
};

function deliverySteps(text) {
    return [
        { content: "Validate the delivery (no tracking number yet)",
          trigger: ".o_form_view .o_statusbar_buttons button[name=button_validate]", run: "click" },
        { content: "The WeChat smart button shows the queued upload",
          trigger: ".o_form_view .oe_stat_button[name=action_view_wechat_upload]" },
        { content: "Send it now", trigger: ".o_form_view button[name=action_wechat_upload_now]", run: "click" },
        { content: "The notification gives the reason", trigger: `.o_notification:contains('${text.reason}')` },
        { content: "The red banner says why WeChat does not have it, with WeChat's code",
          trigger: `.o_form_view .alert-danger:contains('${text.banner}'):contains('${text.reason}'):contains('${TRACKING_EMPTY_CODE}')` },
        { content: "Close the notification", trigger: ".o_notification .o_notification_close", run: "click" },
        { content: "Open Additional Info", trigger: ".o_notebook a[name=extra]", run: "click" },
        { content: "Type the tracking number",
          trigger: ".o_field_widget[name=carrier_tracking_ref] input", run: "edit SF1234567890" },
        { content: "Save", trigger: ".o_form_button_save", run: "click" },
        { content: "Send the correction now",
          trigger: ".o_form_view button[name=action_wechat_upload_now]", run: "click" },
        { content: "WeChat accepted it", trigger: `.o_notification:contains('${text.accepted}')` },
        { content: "The banner is gone and the smart button says Sent",
          trigger: `.o_form_view:not(:has(.alert-danger)) .oe_stat_button[name=action_view_wechat_upload]:contains('${text.sent}')` },
    ];
}

/* The delivery of the upload that needs attention, read while it is the only row shown. */
let refusedDelivery = "";

function uploadsListSteps(text) {
    return [
        { content: "The list opens on the uploads that need attention, with counts per state",
          trigger: `.o_search_panel_category_value:contains('${text.attention}') .active .o_search_panel_counter:contains('1')` },
        { content: "Each row says why", trigger: `.o_data_row td[name=reason]:contains('${TRACKING_EMPTY_CODE}')`,
          run: function () {
              const row = this.anchor.closest(".o_data_row");
              refusedDelivery = row.querySelector("td[name=picking_ids] .o_tag").textContent.trim();
          } },
        { content: "Next attempt stays empty on a row that needs attention",
          trigger: ".o_data_row td[name=next_attempt_at]:empty" },
        { content: "All states", trigger: ".o_search_panel_category_value:first header", run: "click" },
        { content: "The other order's uploads are listed too", trigger: ".o_data_row:eq(2)" },
        { content: "Search by the refused delivery's name", trigger: ".o_searchview_input",
          run: async function (helpers) {
              await helpers.edit(refusedDelivery, ".o_searchview_input");
          } },
        { content: "As a delivery", trigger: `.o_searchview_autocomplete li:contains('${text.delivery}')`,
          run: "click" },
        { content: "Only the uploads of the refused delivery's order are left",
          trigger: ".o_searchview_facet",
          run: function () {
              const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
              const others = rows.filter((row) => !row.textContent.includes(refusedDelivery));
              if (!rows.length || others.length) {
                  throw new Error(`${rows.length} rows, ${others.length} of another delivery`);
              }
          } },
        { content: "Open the search options", trigger: ".o_searchview_dropdown_toggler", run: "click" },
        { content: "Group by problem code",
          trigger: `.o_group_by_menu .o_menu_item:contains('${text.problemCode}')`, run: "click" },
        { content: "The group is named after WeChat's code",
          trigger: `.o_group_header:contains('${TRACKING_EMPTY_CODE}')` },
    ];
}

const tours = registry.category("web_tour.tours");
for (const [suffix, text] of [["", TEXTS.en], ["_zh", TEXTS.zh]]) {
    tours.add(`wechat_shipping_delivery${suffix}`, { steps: () => deliverySteps(text) });
    tours.add(`wechat_shipping_uploads_list${suffix}`, { steps: () => uploadsListSteps(text) });
}
