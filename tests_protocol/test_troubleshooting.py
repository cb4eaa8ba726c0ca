"""The troubleshooting page covers every code of the catalogue, in both languages, and
is the one the catalogue writes."""

import re
from pathlib import Path

from wechat_protocol import troubleshooting
from wechat_protocol.catalogue import CATALOGUE, Outcome

PAGE = Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md"


def test_every_code_has_its_section_in_english_and_chinese():
    page = troubleshooting.render()
    sections = dict(re.findall(r"^## (-?\d+)\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    assert sorted(map(int, sections)) == sorted(CATALOGUE)
    for code, info in CATALOGUE.items():
        section = sections[str(code)]
        assert info.meaning_en in section and info.action_en in section
        assert info.meaning_zh in section and info.action_zh in section


def test_every_outcome_says_what_happens_next():
    assert set(troubleshooting.OUTCOMES) == set(Outcome)


def test_the_page_in_docs_is_the_one_the_catalogue_writes():
    assert PAGE.read_text(encoding="utf-8") == troubleshooting.render(), (
        "docs/troubleshooting.md is out of date: "
        "python -m wechat_protocol.troubleshooting docs/troubleshooting.md"
    )
