"""The troubleshooting page covers every code of the catalogue, in both languages, and
is the one the catalogue writes."""

import re
from pathlib import Path

from wechat_protocol import troubleshooting
from wechat_protocol.catalogue import CATALOGUE, Outcome
from wechat_protocol.labels import fill

PAGE = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"


def test_every_code_has_its_section_in_english_and_chinese():
    page = troubleshooting.render()
    sections = dict(re.findall(r"^## (-?\d+)\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    assert sorted(map(int, sections)) == sorted(CATALOGUE)
    for code, info in CATALOGUE.items():
        section = sections[str(code)]
        for text in (info.meaning_en, info.action_en):
            assert fill(text, "en") in section
        for text in (info.meaning_zh, info.action_zh):
            assert fill(text, "zh") in section
    assert "[[" not in page, "every field named in words"


def test_every_outcome_says_what_happens_next():
    assert set(troubleshooting.OUTCOMES) == set(Outcome)


def test_the_page_in_docs_is_the_one_the_catalogue_writes():
    assert PAGE.read_text(encoding="utf-8") == troubleshooting.render(), (
        "docs/troubleshooting.md is out of date: "
        "python -m wechat_protocol.troubleshooting docs/troubleshooting.md"
    )
