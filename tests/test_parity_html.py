"""The same report as text and as CMS-exported HTML gives the same facts.

tests/fixtures/parity/<stem>.html is generated from samples/<stem>.txt by make_html.py (template rowspans and
colspans, cell text wrapped in <p>, page chrome around the report). Everything the rules see must agree: every table
cell's key, raw text, status and value, the sections, the title, agency and year, the narrative and its claims.
Line numbers are left out: a Document's lines are positions, which differ between the two formats by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor import audit
from auditor.facts import ReportFacts
from auditor.ingest import Document, read_document
from auditor.ingest.html import read_html
from auditor.packs import Pack, load_pack
from auditor.resources import default_pack_dirs

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT / "tests" / "fixtures" / "parity"
STEMS = sorted(p.stem for p in (ROOT / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def all_packs() -> list[Pack]:
    return [load_pack(d) for d in default_pack_dirs()]


def _read_facts(path: Path, packs: list[Pack], monkeypatch: pytest.MonkeyPatch) -> tuple[ReportFacts, Pack | None]:
    """audit.read_facts with HTML read by read_html: the format dispatcher is wired elsewhere, and this test must not
    depend on when that lands."""

    def read(target: Path) -> Document:
        return read_html(target.read_bytes(), str(target)) if target.suffix == ".html" else read_document(target)

    monkeypatch.setattr(audit, "read_document", read)
    return audit.read_facts(path, packs)


def _comparable(facts: ReportFacts, pack: Pack | None) -> dict[str, Any]:
    """The facts without where they sit in the file (path, format, encoding, lines)."""
    return {
        "pack": pack.id if pack else None,
        "report": (facts.title, facts.agency, facts.year, facts.template),
        "values": facts.values,
        "sections": [(s.number, s.title) for s in facts.sections],
        "paragraphs": [(p.section, p.text) for p in facts.paragraphs],
        "cells": {k: (c.table, c.row, c.column, c.raw, c.status, c.value, c.section) for k, c in facts.cells.items()},
        "tables_found": facts.tables_found,
        "claims": [(c.key, c.value, c.text, c.section, c.start_column, c.end_column, c.approximate)
                   for c in facts.claims],
        "issues": [(i.slug, i.values) for i in facts.issues],
    }


def test_every_sample_has_its_html_twin() -> None:
    assert len(STEMS) == 5
    assert sorted(p.stem for p in PARITY.glob("*.html")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_html_gives_the_same_facts_as_the_text(stem: str, all_packs: list[Pack],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text_facts, text_pack = _read_facts(ROOT / "samples" / f"{stem}.txt", all_packs, monkeypatch)
    html_facts, html_pack = _read_facts(PARITY / f"{stem}.html", all_packs, monkeypatch)
    assert html_facts.format == "html"
    expected, found = _comparable(text_facts, text_pack), _comparable(html_facts, html_pack)
    for part in expected:  # part by part, so a failure names what differs
        assert found[part] == expected[part], part
    assert len(text_facts.cells) == 200  # 175 in table 三, 15 in 四, 10 in 二: the comparison is not vacuous
    assert text_facts.claims


@pytest.mark.parametrize("stem", STEMS)
def test_html_uses_the_template_merges(stem: str) -> None:
    """The generated tables really are merged the template's way, so parity is not won by copying the tab grid."""
    page = (PARITY / f"{stem}.html").read_text(encoding="utf-8")
    assert '<td rowspan="22">' in page  # 三、本年度办理结果 over (一)…(七)
    assert page.count('<td rowspan="8">') == 1  # （三）不予公开
    assert page.count('<td rowspan="5">') == 1  # （五）不予处理
    assert page.count('<td rowspan="3">') == 2  # （四）无法提供, （六）其他处理
    assert '<th rowspan="3" colspan="3">' in page  # the note over the three label columns
