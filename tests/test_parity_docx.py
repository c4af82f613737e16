"""The five samples as Word documents (tests/fixtures/parity/make_docx.py) give the facts their text gives.

Every table cell (key, raw text, status, value, section), the sections, the title, agency and year, the paragraphs and
the narrative claims must agree; only line numbers differ (a .docx has no blank lines). The Word tables have their
label cells merged as the official template does, so this also holds the reader to expanding merges into the grid the
text exports show.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import docx
import pytest

import auditor.audit
from auditor.audit import read_facts
from auditor.facts import ReportFacts
from auditor.ingest import Document, read_document
from auditor.ingest.docx import read_docx
from auditor.packs import Pack
from tests.conftest import SAMPLES

PARITY = Path(__file__).resolve().parent / "fixtures" / "parity"
STEMS = sorted(p.stem for p in SAMPLES.glob("*.txt"))


def _read_any(path: Path) -> Document:
    """read_document, with .docx going to the DOCX reader (the dispatcher is wired elsewhere)."""
    return read_docx(path.read_bytes(), str(path)) if path.suffix == ".docx" else read_document(path)


@pytest.fixture
def both(packs: list[Pack], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(auditor.audit, "read_document", _read_any)

    def read(stem: str) -> tuple[ReportFacts, ReportFacts]:
        text, text_pack = read_facts(SAMPLES / f"{stem}.txt", packs)
        word, word_pack = read_facts(PARITY / f"{stem}.docx", packs)
        assert text_pack is word_pack is not None
        return text, word
    return read


def test_every_sample_has_its_docx() -> None:
    assert STEMS and sorted(p.stem for p in PARITY.glob("*.docx")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_docx_gives_the_text_facts(stem: str, both: Any) -> None:
    text, word = both(stem)
    assert word.format == "docx"
    assert (word.title, word.agency, word.year, word.template) == (text.title, text.agency, text.year, text.template)
    assert [(s.number, s.title) for s in word.sections] == [(s.number, s.title) for s in text.sections]
    assert word.tables_found == text.tables_found == ("t2", "t3", "t4")

    def cells(facts: ReportFacts) -> dict[str, tuple[object, ...]]:
        return {k: (c.raw, c.status, c.value, c.section) for k, c in facts.cells.items()}
    assert cells(word) == cells(text)
    assert [(p.section, p.text) for p in word.paragraphs] == [(p.section, p.text) for p in text.paragraphs]
    assert text.claims, "the samples state numbers the packs read"
    assert [(c.key, c.value, c.text, c.section, c.approximate) for c in word.claims] == [
        (c.key, c.value, c.text, c.section, c.approximate) for c in text.claims]
    assert word.values == text.values
    assert [i.slug for i in word.issues] == [i.slug for i in text.issues]


def _span(table: Any, text: str) -> tuple[int, int]:
    """(rows, columns) the merged cell whose text starts with `text` covers in a python-docx table."""
    grid = [list(row.cells) for row in table.rows]  # held so lxml keeps one proxy per w:tc (identity below)
    origin = next(c for row in grid for c in row if c.text.startswith(text))
    places = [(r, i) for r, row in enumerate(grid) for i, c in enumerate(row) if c._tc is origin._tc]
    return len({r for r, _ in places}), len({i for _, i in places})


@pytest.mark.parametrize("stem", STEMS)
def test_fixture_is_merged_and_styled_like_the_template(stem: str) -> None:
    word = docx.Document(str(PARITY / f"{stem}.docx"))
    t3 = next(t for t in word.tables if any(c.text.startswith("三、本年度办理结果") for c in t.columns[0].cells))
    rows, _ = _span(t3, "三、本年度办理结果")
    assert rows >= 17  # （一） to （五）4 at least; the sample's shifted rows decide where it ends
    assert _span(t3, "(三) 不予公开") == (8, 1)
    assert _span(t3, "申请人情况")[1] >= 6
    assert _span(t3, "法人或其他组织") == (1, 5)
    styles = [p.style.name if p.style else None for p in word.paragraphs]
    assert styles[0] == "Title"
    assert [s for s in styles[1:] if s != "Normal"] == ["Heading 2"] * 6


@pytest.fixture(scope="module")
def generator() -> Any:
    """make_docx.py loaded from its path (tests/fixtures is not a package)."""
    spec = importlib.util.spec_from_file_location("make_docx", PARITY / "make_docx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("stem", STEMS)
def test_fixture_is_not_stale(stem: str, generator: Any) -> None:
    """The committed .docx reads as what the generator makes from the sample today (else re-run make_docx.py).
    Compared as read, not byte for byte, so another python-docx release does not make it fail."""
    fresh = read_docx(generator.docx_bytes(generator.build(SAMPLES / f"{stem}.txt")), "fresh.docx")
    kept = read_docx((PARITY / f"{stem}.docx").read_bytes(), "kept.docx")
    assert (fresh.paragraphs, fresh.tables) == (kept.paragraphs, kept.tables)
