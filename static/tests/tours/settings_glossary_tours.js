/** @odoo-module **/
/* The WeChat settings as a merchant reads them, in English and in Chinese: every setting
 * shows its help, each label fits on one line, the message push URL shows whole and its
 * copy button puts it on the clipboard. Then a sale order's chatter as a Chinese reader
 * sees what WeChat's message push changed, and a delivery's banner naming the field to
 * fill by its label on the form. The Python side: tests/test_glossary_tours.py. */
import { registry } from "@web/core/registry";

const TEXTS = {
    en: { strict: "Refuse Deliveries WeChat Would Refuse" },
    zh: { strict: "拦截微信会拒收的发货" },
};
// The addon's settings: one per field, each with the id of its field.
const SETTINGS = ".o_setting_box[id^=wechat_][id$=_setting]";
// What the settings page shows a system administrator of a Shopping Order company whose
// shopping details this Odoo uploads: every one of them.
const SETTINGS_SHOWN = 23;

/* Run `check` on each WeChat setting shown; it returns what is wrong, if anything. */
function checkEachSetting(check) {
    const settings = [...document.querySelectorAll(SETTINGS)];
    if (settings.length !== SETTINGS_SHOWN) {
        throw new Error(`${settings.length} WeChat settings shown, ${SETTINGS_SHOWN} expected`);
    }
    const problems = settings.map(check).filter(Boolean);
    if (problems.length) {
        throw new Error(problems.join("\n"));
    }
}

function helpShown(setting) {
    const help = setting.querySelector(":scope > .o_setting_right_pane > .text-muted");
    if (!help || !help.textContent.trim() || !help.offsetHeight) {
        return `${setting.id}: no help shown`;
    }
}

function labelOnOneLine(setting) {
    const label = setting.querySelector(":scope > .o_setting_right_pane > .o_form_label");
    if (!label || !label.textContent.trim()) {
        return `${setting.id}: no label`;
    }
    const lineHeight = parseFloat(getComputedStyle(label).lineHeight);
    const height = label.getBoundingClientRect().height;
    if (height > lineHeight * 1.5) {
        return `${setting.id}: "${label.textContent.trim()}" takes ${height}px, a line is ${lineHeight}px`;
    }
}

const PUSH_URL = "#wechat_push_url_setting .o_field_CopyClipboardChar > div > span:first-child";

function settingsSteps(text) {
    return [
        { content: "The WeChat settings", trigger: "#wechat_appid_setting" },
        { content: "The strict mode checkbox sits left of its label and help",
          trigger: "#wechat_strict_mode_setting .o_setting_left_pane input[type=checkbox]" },
        { content: "…labelled",
          trigger: `#wechat_strict_mode_setting .o_setting_right_pane:contains('${text.strict}')` },
        { content: "Every setting shows its help", trigger: SETTINGS,
          run: () => checkEachSetting(helpShown) },
        { content: "Every label fits on one line", trigger: SETTINGS,
          run: () => checkEachSetting(labelOnOneLine) },
        { content: "The token mode shows its whole choice",
          trigger: "#wechat_token_mode_setting .o_field_widget[name=wechat_token_mode] select",
          run: function () {
              const select = this.anchor;
              const probe = document.createElement("span");
              probe.style.cssText = `font: ${getComputedStyle(select).font}; position: absolute; visibility: hidden`;
              probe.textContent = select.options[select.selectedIndex].text;
              document.body.appendChild(probe);
              const needed = probe.offsetWidth;
              probe.remove();
              if (select.clientWidth < needed) {
                  throw new Error(`token mode cut off: ${select.clientWidth}px shown, ${needed}px needed`);
              }
          } },
        { content: "The message push URL shows whole", trigger: PUSH_URL,
          run: function () {
              const shown = this.anchor;
              const url = shown.textContent.trim();
              if (!/^https?:\/\/[^/]+\/wechat_shipping\/push\/\d+$/.test(url)) {
                  throw new Error(`push URL shown as "${url}"`);
              }
              if (shown.scrollWidth > shown.clientWidth + 1) {
                  throw new Error(`push URL cut off: ${shown.clientWidth}px shown, ${shown.scrollWidth}px needed`);
              }
          } },
        { content: "Its copy button puts it on the clipboard",
          trigger: "#wechat_push_url_setting .o_clipboard_button",
          run: async function () {
              const url = document.querySelector(PUSH_URL).textContent.trim();
              await navigator.clipboard.writeText("nothing copied yet");
              this.anchor.click();
              let copied = "";
              for (let tries = 0; tries < 50 && copied !== url; tries++) {
                  await new Promise((resolve) => setTimeout(resolve, 100));
                  copied = await navigator.clipboard.readText();
              }
              if (copied !== url) {
                  throw new Error(`the clipboard holds "${copied}", not the push URL "${url}"`);
              }
          } },
    ];
}

/* A Chinese reader of a sale order whose WeChat order state a push (read in English by
 * Odoo's HTTP worker) changed. */
const orderStateChatterSteps = () => [
    { content: "The chatter's line of the WeChat order state, in Chinese",
      trigger: ".o-mail-Message-tracking:has(.o-mail-Message-trackingField:contains('微信订单状态'))",
      run: function () {
          const line = this.anchor;
          const value = line.querySelector(".o-mail-Message-trackingNew").textContent.trim();
          if (value !== "已发货") {
              throw new Error(`WeChat order state shown as "${value}" in "${line.textContent.trim()}"`);
          }
      } },
];

/* A delivery shipped without a tracking number: the banner tells the clerk to fill in the
 * field by the label its form shows (stock_delivery's, translated). */
const bannerLabelSteps = (text) => [
    { content: "The banner says why WeChat does not have the shipment",
      trigger: `.o_form_view .alert-danger:contains('${text.trackingEmpty}')` },
    { content: "Open Additional Info", trigger: ".o_notebook a[name=extra]", run: "click" },
    { content: "The banner names the tracking field by the label the form shows",
      trigger: ".o_form_view label.o_form_label[for^=carrier_tracking_ref]",
      run: function () {
          const label = this.anchor.textContent.trim();
          const banner = document.querySelector(".o_form_view .alert-danger").textContent;
          if (!label || !banner.includes(text.fieldNamed(label))) {
              throw new Error(`the banner does not name the field "${label}": ${banner}`);
          }
      } },
];
const BANNER_TEXTS = {
    en: { trackingEmpty: "Tracking number is empty",
          fieldNamed: (label) => `fill in the delivery's ${label}.` },
    zh: { trackingEmpty: "物流单号为空", fieldNamed: (label) => `请在发货单上填写“${label}”。` },
};

const tours = registry.category("web_tour.tours");
for (const [suffix, text] of [["", TEXTS.en], ["_zh", TEXTS.zh]]) {
    tours.add(`wechat_shipping_settings${suffix}`, { steps: () => settingsSteps(text) });
}
tours.add("wechat_shipping_order_state_chatter_zh", { steps: orderStateChatterSteps });
for (const [suffix, text] of [["", BANNER_TEXTS.en], ["_zh", BANNER_TEXTS.zh]]) {
    tours.add(`wechat_shipping_banner_label${suffix}`, { steps: () => bannerLabelSteps(text) });
}
