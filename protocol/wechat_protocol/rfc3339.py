"""RFC 3339 timestamps as WeChat wants them: milliseconds and a numeric offset."""

import re
from datetime import datetime, timedelta

# fromisoformat alone also takes spaces, dates without time, and compact forms; pin the
# shape first.
_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})"
)


def format_rfc3339(dt: datetime) -> str:
    """Format an aware datetime as 2021-05-20T13:29:35.120+08:00."""
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError("upload_time needs a timezone-aware datetime")
    if offset % timedelta(minutes=1):
        raise ValueError("RFC 3339 offsets have whole minutes")
    return dt.isoformat(timespec="milliseconds")


def parse_rfc3339(text: str) -> datetime:
    """Parse a strict RFC 3339 date-time with offset into an aware datetime."""
    if not isinstance(text, str) or not _SHAPE.fullmatch(text):
        raise ValueError(
            "not an RFC 3339 date-time such as 2021-05-20T13:29:35.120+08:00"
        )
    return datetime.fromisoformat(text)
