"""The DOCX parity fixtures (tests/fixtures/parity/make_docx.py): the Word tables have their label cells merged as the
official template does, styled as a report office would, and are not stale. tests/test_parity.py holds them to the
text's facts, which holds the reader to expanding merges into the grid the text exports show."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import docx
import pytest

from auditor.ingest.docx import read_docx
from tests.conftest import SAMPLES

PARITY = Path(__file__).resolve().parent / "fixtures" / "parity"
STEMS = sorted(p.stem for p in SAMPLES.glob("*.txt"))


def test_every_sample_has_its_docx() -> None:
    assert STEMS and sorted(p.stem for p in PARITY.glob("*.docx")) == STEMS


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
