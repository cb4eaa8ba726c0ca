"""Text cut to WeChat's limits without parting a character from what belongs to it."""

import unicodedata


def cut(text: str, length: int) -> str:
    """At most `length` characters of text, never parting a letter from its marks or an
    emoji from its joiners, selectors and modifiers."""
    end = max(min(length, len(text)), 0)
    while 0 < end < len(text) and (_extends(text[end]) or text[end - 1] == "\u200d"):
        end -= 1
    # A flag is a pair of regional indicators: an odd run before the end would part one.
    run = 0
    while run < end and _regional(text[end - 1 - run]):
        run += 1
    if run % 2 and end < len(text) and _regional(text[end]):
        end -= 1
    return text[:end]


def shorten(text: str, limit: int) -> str:
    """`text` with its whitespace runs made single spaces, at most `limit` characters, a
    cut marked with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else cut(text, limit - 1) + "…"


def _extends(char: str) -> bool:
    """A character that belongs to the one before it: a mark, a joiner or other
    format character, a variation selector, a skin tone, an emoji tag, a Hangul vowel
    or final."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc", "Cf")
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
