"""Paragraphs a text copy of a PDF wrapped at the page width are read whole (ingest/rewrap.py): the 上海 Markdown
files cut 「予以公开及部分公开 208 件」 across two lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import read_facts
from auditor.ingest import read_document
from auditor.ingest.rewrap import wrap_width
from auditor.packs import Pack
from tests.conftest import CORPUS, SAMPLES

SHANGHAI = CORPUS / "shanghai-gov-office-2025.md"


def paragraphs(path: Path) -> list[tuple[int, str]]:
    return [(p.line, p.text) for p in read_document(path).paragraphs]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_a_statement_cut_by_the_wrap_is_read_whole() -> None:
    found = paragraphs(SHANGHAI)
    # lines 38-44 of the file are one paragraph of the report, and keep its first line's number
    line, text = next((n, t) for n, t in found if "予以公开及部分公开 208 件" in t)
    assert line == 38 and text.startswith("市政府共受理政府信息公开申请 1295 件")
    assert text.endswith("行政诉讼败诉情形。")
    # a heading is a line that does not fill the width: never joined
    assert (37, "（二）依申请公开方面") in found
    # a page mark inside a paragraph is the PDF's page break: dropped, and the paragraph joins across it
    assert any("公文公开属性审查 166 件、发布审查 330 件" in t for _, t in found)
    assert not any(n == 48 for n, _ in found)  # 「— 2 —」, between 「…审查 166 件、」 and 「发布审查 330 件。…」


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
def test_the_joined_statement_is_read_as_a_claim(packs: list[Pack]) -> None:
    facts, _ = read_facts(SHANGHAI, packs)
    assert any(c.value == 208 and "予以公开及部分公开" in c.text for c in facts.claims)


def test_a_file_of_one_line_paragraphs_is_not_rewrapped() -> None:
    """The samples write each paragraph on one line: no common width, nothing joined."""
    for sample in sorted(SAMPLES.glob("*.txt")):
        document = read_document(sample)
        assert wrap_width([p.text for p in document.paragraphs]) is None, sample.name


def test_only_lines_that_fill_the_width_and_end_no_sentence_join(tmp_path: Path) -> None:
    wrapped = "\n".join(["一、总体情况"] + ["本机关认真贯彻落实政府信息公开条例，进一步加强组织领导，完善工作"] * 12
                        + ["机制。", "（一）主动公开", "本年度主动公开政府信息共计一百二十条，其中规范性文件十二条"])
    path = tmp_path / "wrapped.txt"
    path.write_text(wrapped, encoding="utf-8")
    found = paragraphs(path)
    assert found[0] == (1, "一、总体情况")
    assert found[1][0] == 2 and found[1][1].endswith("完善工作机制。")
    assert (15, "（一）主动公开") in found  # short: a heading, not joined to what follows
