"""The HTML reader's parsing and decoding edges: what libxml2's own tree would lose, and where a page's encoding comes
from. (Grids, spans, chrome and bad markup: test_ingest_html.py.)"""

from __future__ import annotations

import codecs

import pytest

from auditor.ingest import Document
from auditor.ingest.html import read_html

TABLE = "<table><tr><td>（一）予以公开</td><td>1</td><td>2</td></tr></table>"


def _rows(document: Document) -> list[list[str]]:
    return [[c.text for c in r.cells] for t in document.tables for r in t.rows]


@pytest.mark.parametrize("depth", [300, 3000])
def test_text_and_tables_after_deep_unclosed_nesting_are_read(depth: int) -> None:
    # libxml2's tree builder stops at 256 levels (2048 with huge_tree) and drops the rest of the page.
    page = "<html><body>" + "<span>" * depth + "<p>正文</p>" + TABLE + "<p>结尾</p></body></html>"
    document = read_html(page.encode(), "t.html")
    assert [p.text for p in document.paragraphs] == ["正文", "结尾"]
    assert _rows(document) == [["（一）予以公开", "1", "2"]]


def test_a_page_that_goes_on_after_its_closing_html_tag_is_read_to_the_end() -> None:
    page = "<html><body><p>一、总体情况</p></body></html>\n<p>二、主动公开</p>" + TABLE
    document = read_html(page.encode(), "t.html")
    assert [(p.line, p.text) for p in document.paragraphs] == [(1, "一、总体情况"), (2, "二、主动公开")]
    assert [r.line for r in document.tables[0].rows] == [3]


def test_word_namespaced_tags_comments_and_processing_instructions_are_not_text() -> None:
    page = ('<html><body><p class="MsoNormal">本年<o:p></o:p>度<span>1</span><!-- 批注 --><span>2</span>件'
            "<?php echo 3; ?></p></body></html>")
    assert [p.text for p in read_html(page.encode(), "t.html").paragraphs] == ["本年度12件"]


REPORT = "<p>某县人民政府2023年政府信息公开工作年度报告</p>"


@pytest.mark.parametrize(("declaration", "encoding"), [
    ('<meta charset="GBK">', "gb18030"),  # the GB family is read as GB18030, its superset
    ('<meta http-equiv="Content-Type" content="text/html; charset=x-gbk">', "gb18030"),
    ("<?xml version='1.0' encoding='gb2312'?>", "gb18030"),
    ('<meta charset="big5">', "gb18030"),  # a declaration the bytes do not fit: detected instead
])
def test_declared_encoding(declaration: str, encoding: str) -> None:
    body = REPORT + "<p>" + "本机关坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。" * 4 + "</p>"
    data = f"{declaration}<html><body>{body}</body></html>".encode("gb18030")
    document = read_html(data, "t.html")
    assert document.encoding == encoding
    assert document.paragraphs[0].text == "某县人民政府2023年政府信息公开工作年度报告"


def test_a_byte_order_mark_outranks_the_declaration() -> None:
    data = codecs.BOM_UTF8 + f'<meta charset="gbk"><html><body>{REPORT}</body></html>'.encode()
    document = read_html(data, "t.html")
    assert document.encoding == "utf-8-sig"
    assert document.paragraphs[0].text == "某县人民政府2023年政府信息公开工作年度报告"


def test_a_doubled_byte_order_mark_is_not_text() -> None:
    data = codecs.BOM_UTF8 * 2 + f"<html><body>{REPORT}</body></html>".encode()
    assert [p.text for p in read_html(data, "t.html").paragraphs] == ["某县人民政府2023年政府信息公开工作年度报告"]
