"""Format parity for PDF: the samples printed to PDF (LibreOffice, from the DOCX fixtures) give the same facts as the
text files, cell for cell: every table cell's key, raw text, status and value; sections; identity; narrative claims.
Line numbers differ by format and are not compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import read_facts
from auditor.facts.normalize import compact
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def _view(path: Path, packs: list[Pack]) -> dict[str, object]:
    facts, pack = read_facts(path, packs)
    return {
        "pack": pack.label if pack else None,
        # A PDF has no spaces of its own beside Chinese characters (justified layout puts them there), so titles are
        # compared without white space; every other text is compared as read.
        "identity": (compact(facts.title or ""), facts.agency, facts.year, facts.template),
        "sections": [(s.number, compact(s.title)) for s in facts.sections],
        "cells": {k: (c.raw, c.status, c.value) for k, c in sorted(facts.cells.items())},
        "claims": sorted((c.key, c.value, compact(c.text)) for c in facts.claims),
        "tables": facts.tables_found,
    }


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_pdf_facts_equal_text_facts(sample: Path, packs: list[Pack]) -> None:
    pdf = ROOT / "tests" / "fixtures" / "parity" / f"{sample.stem}.pdf"
    text, printed = _view(sample, packs), _view(pdf, packs)
    for part in text:
        assert printed[part] == text[part], part
