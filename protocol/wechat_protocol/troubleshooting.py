"""The troubleshooting page (docs/troubleshooting.md), written from the catalogue so
that it says what the addon says: every WeChat code the addon knows, what a clerk sees,
why, and what to do, in English and Chinese.
`python -m wechat_protocol.troubleshooting PATH` writes it; the protocol tier fails when
the page differs from what this renders."""

import sys

from .catalogue import CATALOGUE, Outcome
from .labels import fill

# What the addon does with an answer of each outcome, as the page tells it.
OUTCOMES = {
    Outcome.ACCEPTED: (
        "WeChat has it: the upload is sent.",
        "微信已接收：上传已发送。",
    ),
    Outcome.RETRYABLE: (
        "Retried by itself, later: nobody needs to act.",
        "稍后自动重试，无需处理。",
    ),
    Outcome.RETRY_BRIEFLY: (
        "Retried by itself for about half an hour, then *Needs attention*.",
        "自动重试约半小时，之后转为“需要处理”。",
    ),
    Outcome.ALREADY_HELD: (
        "Odoo asks WeChat what it holds: *Sent* when it is what was uploaded, else "
        "*Needs attention*.",
        "Odoo 向微信查询其记录：与上传内容一致则为“已发送”，否则为“需要处理”。",
    ),
    Outcome.PERMANENT: (
        "*Needs attention*: the salesperson gets an activity; fix, then Retry.",
        "“需要处理”：销售员收到待办；修正后点击重试。",
    ),
    Outcome.TOKEN: (
        "*Needs attention*: the company's WeChat credentials are refused.",
        "“需要处理”：公司的微信凭据被拒绝。",
    ),
}
HEADER = """# Troubleshooting by WeChat code

For the people who ship and the administrators who configure: every code WeChat (or
the addon's own checks, which use WeChat's codes) can answer an upload or a question,
as the delivery's banner, the upload's reason and the notifications show it, with why
and what to do. The screens show a code as `[code] why — what to do`; a code the addon
does not know, as "WeChat answered with unknown error code N". Fields are named here
with the words of the glossary (glossary.md); the screens name them by the label the
reader sees, e.g. the delivery's *Tracking Reference*. Written from the
protocol's catalogue (`wechat_protocol/catalogue.py`) by
`python -m wechat_protocol.troubleshooting docs/troubleshooting.md`.

按微信错误码排查：界面（发货单横幅、上传原因、通知）以
“[错误码] 原因 — 处理方法”显示每个错误码。
"""


def render() -> str:
    """The page, one section per code in the order of the codes."""
    parts = [HEADER]
    for code in sorted(CATALOGUE):
        info = CATALOGUE[code]
        then_en, then_zh = OUTCOMES[info.outcome]
        parts.append(
            f"\n## {code}\n\n"
            f"- Why: {fill(info.meaning_en, 'en')}\n"
            f"- What to do: {fill(info.action_en, 'en')}\n"
            f"- Then: {then_en}\n"
            f"- 原因：{fill(info.meaning_zh, 'zh')}\n"
            f"- 处理：{fill(info.action_zh, 'zh')}\n"
            f"- 之后：{then_zh}\n"
        )
    return "".join(parts)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(f"usage: python -m {__spec__.name} PATH\n")
        return 2
    with open(argv[1], "w", encoding="utf-8") as page:
        page.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
