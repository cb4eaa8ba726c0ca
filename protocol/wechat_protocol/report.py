"""Problems of one payload, each named after the record a person can fix."""

from collections.abc import Callable

from . import catalogue
from . import labels as field_labels
from .validation import Problem


class ProblemReport:
    """Collects labels for wire paths (`sub_orders[0]` -> `S00012`) and problems found
    on them."""

    def __init__(self):
        self.labels: dict[str, str | Callable[[], str]] = {}
        self.problems: list[Problem] = []

    def label(self, path: str, text: str | Callable[[], str]) -> None:
        """Name the record behind a wire path and everything below it.

        A callable is called only when a problem is reported under the path: most
        payloads have none, and some names cost a database read each."""
        self.labels[path] = text

    def extend(self, problems) -> None:
        """Add problems found by validation, but for a path and code a problem is
        reported for already: whoever built the payload said what to fix there, in
        words naming their own records and settings."""
        reported = {(p.code, p.path) for p in self.problems}
        self.problems.extend(p for p in problems if (p.code, p.path) not in reported)

    def contact_problem(
        self, path: str, error, code: int = catalogue.PARAM_ERROR
    ) -> None:
        """Add a phone number that could not be masked (its value is never kept), with
        the parameter-error code of the API family the payload is for."""
        self.problems.append(Problem(code, path, error.message_en, error.message_zh))

    def unlisted_code(
        self, path: str, code: str, param_code: int = catalogue.PARAM_ERROR
    ) -> None:
        """Add an express company code WeChat's carrier list (get_delivery_list)
        lacks."""
        code = shorten(code, 40)
        self.problems.append(
            Problem(
                param_code,
                path,
                f"WeChat's express company list has no code {code} (Refresh "
                "from WeChat did not return it): give the carrier a "
                "[[express_company]] of the list.",
                f"微信快递公司列表中没有编码 {code}（从微信刷新时未返回）："
                "请为承运商选择列表中的“[[express_company]]”。",
            )
        )

    def label_for(self, path: str) -> str:
        """The label of the deepest labelled path that contains `path`."""
        matches = [
            prefix
            for prefix in self.labels
            if not prefix
            or path == prefix
            or path.startswith((prefix + ".", prefix + "["))
        ]
        if not matches:
            return ""
        text = self.labels[max(matches, key=len)]
        return text() if callable(text) else text

    def as_dicts(self) -> list[dict]:
        """JSON-ready problems: code, path, label, English and Chinese messages."""
        return [
            {
                "code": p.code,
                "path": p.path,
                "label": self.label_for(p.path),
                "en": p.message_en,
                "zh": p.message_zh,
            }
            for p in self.problems
        ]


# Bounds of what a line quotes: a label or message typed or stored at any length reads
# whole up to here, and no error or log line grows with its input.
MAX_LABEL_CHARS = 80
MAX_MESSAGE_CHARS = 500
UNREADABLE = {
    "en": (
        "The stored reason of this upload cannot "
        "be read; Retry builds the upload again."
    ),
    "zh": "此上传记录保存的原因无法读取；请点击重试重新生成上传内容。",
}


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(problems, lang: str, label: str = "", labels=None) -> str:
    """Validation problems as text for a form's error: `label: message [code]` per
    line, the fields they name by the reader's `labels`."""
    return render(
        [
            {"code": p.code, "label": label, "en": p.message_en, "zh": p.message_zh}
            for p in problems
        ],
        lang,
        labels,
    )


def render(problems, lang: str, labels=None) -> str:
    """One line per problem in the reader's language: `label: message [code]`, the
    fields a message names by the reader's `labels` (wechat_protocol.labels.fill).

    `problems` is read as stored: anything that is not such a problem (a hand-edited or
    damaged value) reads as one line saying the reason cannot be read, never as an
    error."""
    key = "zh" if (lang or "").startswith("zh") else "en"
    lines = []
    for problem in problems if isinstance(problems, list) else [UNREADABLE]:
        if not isinstance(problem, dict) or not isinstance(problem.get(key), str):
            problem = UNREADABLE
        text = shorten(field_labels.fill(problem[key], lang, labels), MAX_MESSAGE_CHARS)
        label = problem.get("label")
        if label and isinstance(label, str):
            text = f"{shorten(label, MAX_LABEL_CHARS)}: {text}"
        code = problem.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            text = f"{text} [{code}]"
        lines.append(text)
    return "\n".join(dict.fromkeys(lines))
