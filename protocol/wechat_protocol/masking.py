"""Masking of contact phone numbers the way WeChat wants them: only the last four digits
clear."""

import re
import unicodedata

import phonenumbers
from phonenumbers import PhoneNumberType

CLEAR_TAIL = 4
MIN_STARS = 4
# E.164 allows 15 digits; room for an international prefix (00) and an extension.
MAX_DIGITS = 20

# Digits, usual separators, and at most one extension introduced by a marker
# phonenumbers knows.
_ALLOWED = re.compile(
    r"[\d\s\-.()+]+(?:(?:ext\.?|x|#|转|分机)\s*\d+#?)?", re.IGNORECASE
)
# A dash-separated tail after a landline, e.g. 021-12345678-8008, which phonenumbers
# reads as digits.
_DASH_EXTENSION = re.compile(r"(?P<head>.*\d)\s*-\s*(?P<ext>\d{1,6})")
_MASKED = re.compile(r"(?P<cc>\+[0-9]{1,3}-)?(?P<body>[0-9*]+(?:-[0-9*]+)*)")
_LANDLINE_TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
_EXPLICIT_PREFIX = (
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
    phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD,
)


class ContactInvalid(ValueError):
    """A contact number that cannot be masked; the message never repeats the number."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh

    def message(self, lang: str) -> str:
        """Return the message in Chinese for zh* languages, else in English."""
        return (
            self.message_zh
            if (lang or "").lower().startswith("zh")
            else self.message_en
        )


def looks_masked(text: str) -> bool:
    """Tell whether text has the shape of a WeChat masked contact such as
    189****1234."""
    match = _MASKED.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return False
    body = match["body"].replace("-", "")
    stars = body.count("*")
    tail_clear = body[-CLEAR_TAIL:].isdigit()
    # Short numbers (service lines) cannot reach four stars; then everything but the
    # tail is hidden.
    enough_stars = stars >= MIN_STARS or stars == len(body) - CLEAR_TAIL
    head = body.split("*", 1)[0]
    return tail_clear and enough_stars and len(head) <= CLEAR_TAIL


def mask_contact(number: str, region: str = "CN") -> str:
    """Return number masked in WeChat's style, or raise ContactInvalid."""
    text = _ascii_digits(number).strip() if isinstance(number, str) else ""
    if not text:
        raise ContactInvalid("The phone number is empty.", "电话号码为空。")
    if "*" in text:
        if looks_masked(text):
            return text
        raise ContactInvalid(
            "The phone number is partly masked in a form WeChat does not "
            "accept; enter the full number and the module will mask it.",
            "电话号码的部分遮盖格式不被微信接受；请填写完整号码，由模块自动遮盖。",
        )
    if not _ALLOWED.fullmatch(text):
        raise ContactInvalid(
            "The phone number contains letters, symbols or invisible characters; "
            "use only digits, spaces, dashes, brackets and an optional extension.",
            "电话号码含有字母、符号或不可见字符；请只使用数字、空格、短横线、括号及可选的分机号。",
        )
    digits = re.sub(r"\D", "", text)
    if len(digits) < CLEAR_TAIL:
        raise ContactInvalid(
            "The phone number has fewer than four digits; WeChat needs the last four.",
            "电话号码少于四位数字；微信需要显示后四位。",
        )
    if len(digits) > MAX_DIGITS:
        raise ContactInvalid(
            "The phone number has more than 20 digits; enter "
            "a single phone number, with its extension if any.",
            "电话号码超过 20 位数字；请只填写一个电话号码（如有分机号可附上）。",
        )
    parsed = _parse(text.replace("分机", " ext ").replace("转", " ext "), region)
    if parsed is None:
        return _mask_groups([(digits, 0)])
    return _format(parsed)


def _ascii_digits(text: str) -> str:
    """Fold full-width forms (１３８, ＋, （）) to ASCII and any other script's digits
    to 0-9."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        for ch in text
    )


def _parse(text: str, region: str):
    """Parse text as a valid number, reading a dash-separated landline tail as an
    extension."""
    parsed = _valid_or_none(text, region)
    if parsed is None:
        match = _DASH_EXTENSION.fullmatch(text)
        head = _valid_or_none(match["head"], region) if match else None
        if head is not None and phonenumbers.number_type(head) in _LANDLINE_TYPES:
            head.extension = match["ext"]
            parsed = head
    return parsed


def _valid_or_none(text: str, region: str):
    """Return the parsed number if phonenumbers finds it valid, else None."""
    try:
        parsed = phonenumbers.parse(text, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def _format(parsed) -> str:
    """Mask a valid number keeping a mobile prefix, area code or country code clear."""
    nsn = phonenumbers.national_significant_number(parsed)
    explicit = parsed.country_code_source in _EXPLICIT_PREFIX
    prefix = f"+{parsed.country_code}-"
    extension = [(parsed.extension, 0)] if parsed.extension else []
    if parsed.country_code != 86:
        return prefix + _mask_groups([(nsn, 0)] + extension)
    kind = phonenumbers.number_type(parsed)
    area = phonenumbers.length_of_geographical_area_code(parsed)
    if kind == PhoneNumberType.MOBILE:
        groups = [(nsn, 3)]
    elif kind in _LANDLINE_TYPES and area:
        trunk = "" if explicit else "0"
        groups = [(trunk + nsn[:area], area + len(trunk)), (nsn[area:], 0)]
    else:
        groups = [(nsn, 0)]
    return (prefix if explicit else "") + _mask_groups(groups + extension)


def _mask_groups(groups: list[tuple[str, int]]) -> str:
    """Join digit groups with dashes, hiding all but each kept head and the last four
    digits."""
    masked = _hide(groups, lambda index, position, keep: position < keep)
    if masked.count("*") < MIN_STARS:
        # Like WeChat's 0**2-***1234: when the subscriber part is short, hide the area
        # code's middle.
        masked = _hide(
            groups,
            lambda index, position, keep: index == 0 and position in (0, keep - 1),
        )
    if masked.count("*") < MIN_STARS:
        masked = _hide(groups, lambda index, position, keep: False)
    return masked


def _hide(groups, keeps_clear) -> str:
    """Star every digit that is neither in the last four nor kept by keeps_clear."""
    total = sum(len(group) for group, _ in groups)
    seen = 0
    parts = []
    for index, (group, keep) in enumerate(groups):
        chars = []
        for position, digit in enumerate(group):
            clear = seen >= total - CLEAR_TAIL or keeps_clear(index, position, keep)
            chars.append(digit if clear else "*")
            seen += 1
        parts.append("".join(chars))
    return "-".join(parts)
