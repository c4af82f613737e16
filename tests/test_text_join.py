"""The one rule for text the source split (text_join): the DOCX and HTML readers join a cell's lines alike, and the
PDF reader keeps its own rule for layout wraps."""

from __future__ import annotations

import io
from html import escape

import docx
import pytest

from auditor.ingest.docx import read_docx
from auditor.ingest.html import read_html
from auditor.ingest.text_join import glues, join
from auditor.ingest.text_join import join_wrapped as _join_text


@pytest.mark.parametrize(
    ("before", "after", "glued"),
    [
        ("业", "企", True),  # CJK has no spaces between words
        ("年", "a", True),
        ("1", "年", True),
        ("）", "A", True),  # full-width punctuation is wide
        ("ア", "a", True),  # kana and other wide characters outside the common ideographs
        ("１", "a", True),  # a full-width digit
        ("1", "2", True),  # a number split across spans or lines
        ("", "a", True),  # an end of the text: nothing to separate
        ("a", "b", False),  # two Latin words
        ("O", "9", False),  # ISO 9001
        ("5", "%", True),  # marks numbers carry: 「85.」「5%」, 「1,」「234」, 「0517-」「8360」
        (".", "5", True),
        (",", "2", True),
        ("-", "8", True),
        ("a", "-", False),
        (":", "a", False),
        ("“", "a", False),  # an ambiguous-width quote beside Latin is not wide
    ],
)
def test_glues(before: str, after: str, glued: bool) -> None:
    assert glues(before, after) is glued


def test_join_strips_drops_empty_pieces_and_spaces_only_latin() -> None:
    assert join(["  商业", "", "企业 ", "\u3000"]) == "商业企业"
    assert join(["1", "2", "件"]) == "12件"
    assert join(["Total", " count "]) == "Total count"
    assert join(["占85.", "5%，电话0517-", "83605210"]) == "占85.5%，电话0517-83605210"
    assert join([]) == ""


CELLS = [["商业", "企业"], ["1", "2"], ["Total", "count"], ["结果", "Review"], ["ISO", "9001"], ["第", "3", "页"]]


def test_docx_and_html_cells_join_their_lines_alike() -> None:
    word = docx.Document()
    table = word.add_table(rows=1, cols=len(CELLS))
    for cell, lines in zip(table.rows[0].cells, CELLS, strict=True):
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    out = io.BytesIO()
    word.save(out)
    cells = "".join("<td>" + "\n".join(f"<p>{escape(line)}</p>" for line in lines) + "</td>" for lines in CELLS)
    page = f"<html><body><table><tr>{cells}</tr></table></body></html>".encode()
    expected = ["商业企业", "12", "Total count", "结果Review", "ISO 9001", "第3页"]
    for document in (read_docx(out.getvalue(), "t.docx"), read_html(page, "t.html")):
        assert [c.text for c in document.tables[0].rows[0].cells] == expected, document.format


def test_pdf_line_wraps_keep_their_own_rule() -> None:
    # A layout wrap can fall anywhere in Chinese text, so only two English words keep a space (text_join.join_wrapped);
    # the shared rule keeps a space where a break in DOCX or HTML separates words, not inside a number.
    assert _join_text("电话0517-", "83605210") == join(["电话0517-", "83605210"]) == "电话0517-83605210"
    assert _join_text("see", "(a)") == "see(a)" and join(["see", "(a)"]) == "see (a)"
    assert _join_text("annual", "report") == join(["annual", "report"]) == "annual report"
