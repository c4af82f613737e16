"""Format parity: the five samples as HTML (the template's rowspans), DOCX (its merges) and PDF (printed by
LibreOffice) give the facts the text files give, cell for cell. This is the test that proves each reader.

Everything is compared but where facts sit in their file (path, lines). A PDF has no white space of its own beside
Chinese characters and breaks paragraphs by layout, so for PDF texts are compared without white space and paragraph
breaks are not compared; every cell, claim value, section, identity value and issue still is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.audit import read_facts
from auditor.facts.model import ReportFacts
from auditor.facts.normalize import compact
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT / "tests" / "fixtures" / "parity"
STEMS = sorted(p.stem for p in (ROOT / "samples").glob("*.txt"))
FORMATS = ("html", "docx", "pdf")


def _view(facts: ReportFacts, pack: Pack | None, exact: bool) -> dict[str, Any]:
    text = (lambda s: s) if exact else compact
    view: dict[str, Any] = {
        "pack": pack.id if pack else None,
        "report": (text(facts.title or ""), facts.agency, facts.year, facts.template),
        # Only an HTML page has a <title>: the evidence it gives of the year is the page's, not the report's text.
        "values": {k: v for k, v in facts.values.items() if k != "report.year_evidence.page_title"},
        "sections": [(s.number, text(s.title)) for s in facts.sections],
        "cells": {k: (c.table, c.row, c.column, c.raw, c.status, c.value, c.section) for k, c in facts.cells.items()},
        "tables_found": facts.tables_found,
        "claims": [(c.key, c.value, text(c.text), c.section, c.approximate) for c in facts.claims],
        "issues": [(i.slug, i.values) for i in facts.issues],
    }
    if exact:
        view["paragraphs"] = [(p.section, p.text) for p in facts.paragraphs]
        view["claim_columns"] = [(c.start_column, c.end_column) for c in facts.claims]
    return view


def test_every_sample_exists_in_every_format() -> None:
    assert len(STEMS) == 5
    for fmt in FORMATS:
        assert sorted(p.stem for p in PARITY.glob(f"*.{fmt}")) == STEMS, fmt


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_every_format_gives_the_text_facts(stem: str, fmt: str, packs: list[Pack]) -> None:
    text_facts, text_pack = read_facts(ROOT / "samples" / f"{stem}.txt", packs)
    other_facts, other_pack = read_facts(PARITY / f"{stem}.{fmt}", packs)
    assert other_facts.format == fmt
    exact = fmt != "pdf"
    expected, found = _view(text_facts, text_pack, exact), _view(other_facts, other_pack, exact)
    for part in expected:  # part by part, so a failure names what differs
        assert found[part] == expected[part], part
    assert len(text_facts.cells) == 200 and text_facts.claims  # the comparison is not vacuous
