"""The HTML parity fixtures: tests/fixtures/parity/<stem>.html is generated from samples/<stem>.txt by make_html.py
(template rowspans and colspans, cell text wrapped in <p>, page chrome around the report). tests/test_parity.py holds
them to the text's facts; this file checks the fixtures themselves are merged the template's way."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARITY = ROOT / "tests" / "fixtures" / "parity"
STEMS = sorted(p.stem for p in (ROOT / "samples").glob("*.txt"))


def test_every_sample_has_its_html_twin() -> None:
    assert len(STEMS) == 5
    assert sorted(p.stem for p in PARITY.glob("*.html")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_html_uses_the_template_merges(stem: str) -> None:
    """The generated tables really are merged the template's way, so parity is not won by copying the tab grid."""
    page = (PARITY / f"{stem}.html").read_text(encoding="utf-8")
    assert '<td rowspan="22">' in page  # 三、本年度办理结果 over (一)…(七)
    assert page.count('<td rowspan="8">') == 1  # （三）不予公开
    assert page.count('<td rowspan="5">') == 1  # （五）不予处理
    assert page.count('<td rowspan="3">') == 2  # （四）无法提供, （六）其他处理
    assert '<th rowspan="3" colspan="3">' in page  # the note over the three label columns
