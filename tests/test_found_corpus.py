"""Real report pages nobody here wrote the parser for (tests/corpus/found, gathered from public pages; every one an
excerpt, cut where the source gave out): each must be read honestly. None may come out clean, since none holds its
whole tables 三 and 四 with the narrative; a year or template decided is the right one; a narrative count no
extractor read is listed as unchecked rather than passed over in silence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_file
from auditor.model import Verdict
from auditor.packs import Pack

FOUND = Path(__file__).resolve().parent / "corpus" / "found"
TRUTH: dict[str, Any] = {k: v for k, v in yaml.safe_load((FOUND / "expected.yaml").read_text(encoding="utf-8")).items()
                         if isinstance(v, dict)}


@pytest.fixture(scope="module")
def results(packs: list[Pack]) -> dict[str, Any]:
    return {name: audit_file(FOUND / name, packs) for name in TRUTH}


def test_every_found_file_has_its_truth() -> None:
    files = {p.name for p in FOUND.iterdir()
             if p.suffix in {".txt", ".md", ".html"} and p.name not in {"README.md", "TOOL-RUN.md"}}
    assert files == set(TRUTH) and len(files) >= 20


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_an_excerpt_is_never_clean(name: str, results: dict[str, Any]) -> None:
    result = results[name]
    assert result.verdict in {Verdict.INCOMPLETE, Verdict.FAILED}, (result.verdict, result.coverage)
    if result.verdict is Verdict.INCOMPLETE:
        assert result.coverage is not None and result.coverage.gaps


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_the_year_and_template_decided_are_the_reports(name: str, results: dict[str, Any]) -> None:
    truth, report = TRUTH[name], results[name].report
    if report.year is not None:
        assert report.year == truth["year"], report.year_source
    if report.template is not None and truth.get("template"):
        assert report.template == truth["template"]


def test_most_years_are_decided_without_a_title_line(results: dict[str, Any]) -> None:
    untitled = [n for n, t in TRUTH.items() if not t.get("title_line_present") and t.get("year")]
    decided = [n for n in untitled if results[n].report.year is not None]
    assert len(untitled) >= 5 and len(decided) >= len(untitled) // 2, (untitled, decided)


def test_narrative_counts_no_extractor_read_are_listed(results: dict[str, Any]) -> None:
    listed = [u for r in results.values() if r.coverage for u in r.coverage.unchecked]
    assert listed and all(u.number in u.text for u in listed)
