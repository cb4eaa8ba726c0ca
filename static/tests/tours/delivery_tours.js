/** @odoo-module **/
/* A delivery's WeChat status and buttons, and the uploads list, as a warehouse clerk uses them,
 * in English and in Chinese. The Python side (tests/test_delivery_tours.py) prepares the records,
 * opens the first page and checks afterwards what reached WeChat. */
import { registry } from "@web/core/registry";

const TRACKING_EMPTY_CODE = "268485226";
const TEXTS = {
    en: {
        banner: "WeChat does not have this shipment yet", reason: "Tracking number is empty",
        attention: "Needs Attention", sent: "Sent", notShipped: "Not Shipped Yet",
        nothingToSend: "Nothing to send: WeChat already holds this shipping information",
        held: "WeChat already holds exactly this",
    },
    zh: {
        banner: "微信尚未收到此发货信息", reason: "物流单号为空",
        attention: "需要处理", sent: "已上传", notShipped: "尚未发货",
        nothingToSend: "无需上传：微信已持有此发货信息",
        held: "微信已持有完全相同的信息",
    },
};
const WECHAT_BUTTON = ".o_form_view .oe_stat_button[name=action_view_wechat_upload]";
// The uploads list's columns that must show their whole text (the reason wraps).
const WHOLE_COLUMNS = ["name", "picking_ids", "family", "state", "last_attempt_at", "next_attempt_at"];

function retrySteps(text) {
    return [
        { content: "The red banner says why, with WeChat's code",
          trigger: `.o_form_view .alert-danger:contains('${text.reason}'):contains('${TRACKING_EMPTY_CODE}')` },
        { content: "Only the banner's Retry sends it: no second button doing the same",
          trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_wechat_upload_now]))" },
        { content: "Retry", trigger: ".o_form_view .alert-danger button[name=action_wechat_retry]", run: "click" },
        { content: "A notification says what happened: WeChat would refuse it, and why",
          trigger: `.o_notification:contains('${text.reason}'):contains('${TRACKING_EMPTY_CODE}')` },
        { content: "The banner is still there, the state still Needs Attention, without a reload",
          trigger: `.o_form_view:has(.alert-danger:contains('${text.banner}')) .oe_stat_button[name=action_view_wechat_upload]:contains('${text.attention}')` },
    ];
}

function unchangedSteps(text) {
    return [
        { content: "WeChat has this delivery", trigger: `${WECHAT_BUTTON}:contains('${text.sent}')` },
        { content: "Upload it now anyway", trigger: ".o_form_view button[name=action_wechat_upload_now]", run: "click" },
        { content: "Nothing to send: WeChat already holds exactly this",
          trigger: `.o_notification:contains('${text.nothingToSend}'):contains('${text.held}')` },
        { content: "Still Sent", trigger: `${WECHAT_BUTTON}:contains('${text.sent}')` },
    ];
}

function backorderSteps(text) {
    return [
        { content: "A delivery waiting to be done says it has not shipped, not the order's Sent",
          trigger: `${WECHAT_BUTTON}:contains('${text.notShipped}'):not(:contains('${text.sent}'))` },
        { content: "No banner and nothing to upload",
          trigger: ".o_form_view:not(:has(.alert-danger)):not(:has(button[name=action_wechat_upload_now]))" },
    ];
}

/* The words of `element` (a cell or a header) that the element, or a box in it that clips, is too
 * narrow for: laid out, a word takes its whole width, whatever ellipsis is painted over it. */
function cutWords(element) {
    const cut = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of node.textContent.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const glyphs = range.getBoundingClientRect();
            if (!glyphs.width) {
                continue;
            }
            for (let box = node.parentElement; box; box = box.parentElement) {
                const style = getComputedStyle(box);
                if (style.overflowX !== "visible" || box === element) {
                    const edge = box.getBoundingClientRect();
                    const left = edge.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth);
                    const right = edge.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth);
                    if (glyphs.left < left - 0.5 || glyphs.right > right + 0.5) {
                        cut.push(`"${word[0]}" of "${node.textContent.trim()}" needs ${glyphs.width.toFixed(0)}px, has ${(right - left).toFixed(0)}px`);
                        break;
                    }
                }
                if (box === element) {
                    break;
                }
            }
        }
    }
    return cut;
}

function uploadsListSteps() {
    return [
        { content: "All states", trigger: ".o_search_panel_category_value:first header", run: "click" },
        { content: "Every upload is listed", trigger: ".o_list_view .o_data_row:eq(3)" },
        { content: "No column the texts need is cut",
          trigger: ".o_list_view .o_data_row td[name=next_attempt_at]:not(:empty)",
          run: function () {
              const cut = [];
              for (const name of WHOLE_COLUMNS) {
                  const cells = [...document.querySelectorAll(
                      `.o_list_view thead th[data-name=${name}], .o_list_view .o_data_row td[name=${name}]`
                  )];
                  const texts = cells.map((cell) => cell.innerText.trim()).filter(Boolean);
                  if (texts.length < 2) {
                      throw new Error(`column ${name}: nothing to measure`);
                  }
                  console.log(`column ${name}, ${cells[0].offsetWidth}px: ${texts.join(" | ")}`);
                  for (const cell of cells) {
                      cut.push(...cutWords(cell).map((what) => `${name}: ${what}`));
                  }
              }
              if (cut.length) {
                  throw new Error(`cut off: ${cut.join("; ")}`);
              }
          } },
    ];
}

const tours = registry.category("web_tour.tours");
for (const [suffix, text] of [["", TEXTS.en], ["_zh", TEXTS.zh]]) {
    tours.add(`wechat_shipping_delivery_retry${suffix}`, { steps: () => retrySteps(text) });
    tours.add(`wechat_shipping_delivery_unchanged${suffix}`, { steps: () => unchangedSteps(text) });
    tours.add(`wechat_shipping_delivery_backorder${suffix}`, { steps: () => backorderSteps(text) });
    tours.add(`wechat_shipping_uploads_columns${suffix}`, { steps: () => uploadsListSteps() });
}
