"""Every report of ../shared/corpus is read and audited, against ground truth written by reading the sources
independently of the parser (tests/corpus/expected.yaml): identity, sections, the tables found, the cells read by
hand, and every error finding, each one a discrepancy that is really in the source. Nothing the reviewer found
ambiguous may come out as a number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_file, read_facts
from auditor.facts.normalize import compact
from auditor.facts.vocabulary import T3_LAYOUT
from auditor.model import Severity
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
TRUTH: dict[str, Any] = yaml.safe_load((ROOT / "tests" / "corpus" / "expected.yaml").read_text(encoding="utf-8"))
FILES = sorted(name for name in TRUTH if name != "cross_year")

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")

# The agency as the title writes it, where the reviewer gave the body's full name: 「上海市科委」, the OCR's 沐阳.
AGENCY_AS_WRITTEN = {"shanghai-stcsm-2024.md": "上海市科委", "shuyang-gov-2025.txt": "沐阳县人民政府"}

# The error findings each file must give: exactly these. Each is a discrepancy of the ground truth (id in brackets)
# or a deviation the reviewer noted, checked by reading the source.
ERRORS: dict[str, set[str]] = {
    # [T4-FY] 10 + 1 + 0 + 0 = 11 against 总计 0; [T4-FH] 5 against 0; notes: (六) is one row in a 2021 report.
    "huaian-hongze-gov-2023.pdf": {"T4-SUM[block=review]", "T4-SUM[block=litigation_after_review]", "TPL-LAYOUT-T3"},
    # [X-NEW] 「受理政府信息公开申请17件」 against 新收 95; notes: (六) is one row in a 2021 report.
    "huaian-hongze-gov-2024.pdf": {"TXT-NEW", "TPL-LAYOUT-T3"},
    # sections: 五's heading was lost in the conversion, its content is there: SEC-HEADING (a warning), not an error.
    # [X-T2/现行有效] 「现行有效行政规范性文件393件」 against 470 in table 二.
    "pingtan-2023.html": {"TXT-T2-INFORCE"},
    # [X-LIT/均获维持] 「信息公开类行政复议7件，诉讼9件，均获维持」 while table 四 has 2 reviews and 1 direct lawsuit
    # 尚未审结.
    # [X-PCT/公开, X-PCT/无法提供] with the 总计 column blank, the printed cells bound the totals from below:
    # 「予以公开及部分公开258件」 while (一)'s printed cells add up to 272; 「无法提供265件」 while (四)'s add up to
    # 312.
    "shanghai-gov-office-2019.html": {"TXT-CONCLUDED-REVIEW", "TXT-CONCLUDED-LIT[block=litigation_direct]",
                                      "TXT-GRANTED-BOUND", "TXT-UNABLE-BOUND"},
    # (no expected.yaml id: the listed categories, summed by hand) 「共公布政府信息2599条，(其中…)」: the eleven
    # categories add up to 2533; 2020 「共公布政府信息2602条(其中…)」: they add up to 2603.
    "pingtan-2019.txt": {"TXT-LIST"},
    # [T3-SUM] （七）总计's run 「20 0 00 0 121」 reads 自然人 2 or 20 and 总计 121, 21 or 1 whichever way it is cut,
    # while the result rows (each read one way) add up to 26 and 27: it fails under every reading.
    "pingtan-2020.txt": {"TXT-LIST", "T3-SUM[col=natural_person]", "T3-SUM[col=total]"},
    # [X-T2/现行有效] 「现行有效行政规范性文件393件」: table 二's run 77132470 ends in 0, 70, 470, 2470, 32470 or
    # 132470 (its 现行有效 cell) however it is cut, never 393.
    "pingtan-2023.txt": {"TXT-T2-INFORCE"},
}
# Discrepancies the ground truth lists that the audit honestly cannot reach (the cells it needs are unreadable or
# blank), so they are not assessable rather than found. Listed so the gap is visible, not forgotten.
UNREACHABLE = {
    "shanghai-gov-office-2019.html": "X-PCT 公开/无法提供: the 总计 column they need is blank in the source",
}


@pytest.fixture(scope="module")
def results(packs: list[Pack]) -> dict[str, Any]:
    return {name: audit_file(CORPUS / name, packs) for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_identity_sections_and_errors(name: str, results: dict[str, Any], packs: list[Pack]) -> None:
    truth, result = TRUTH[name], results[name]
    if name == "blank-template-2021.docx":
        assert [p.slug for p in result.problems] == ["blank_template"]
        return
    assert result.report.year == truth["year"]
    agency = result.report.agency
    assert agency == AGENCY_AS_WRITTEN.get(name) or (agency and agency in truth["agency"]), (agency, truth["agency"])
    facts, _ = read_facts(CORPUS / name, packs)
    assert [s.number for s in facts.sections if not s.inferred] == truth["sections"]
    assert [s.number for s in facts.sections if s.inferred] == truth.get("sections_missing_heading", [])
    if truth.get("sections_missing_heading"):
        warnings = {f.check_id for f in result.findings if f.severity is Severity.WARNING}
        assert {f"SEC-HEADING[n={n}]" for n in truth["sections_missing_heading"]} <= warnings
    errors = {f.check_id for f in result.findings if f.severity is Severity.ERROR}
    assert errors == ERRORS.get(name, set())
    assert not [p for p in result.problems if p.slug in {"engine_error", "engine_disagreement", "internal_error"}]


@pytest.mark.parametrize("name", [n for n in FILES if n != "blank-template-2021.docx"])
def test_cells_read_by_hand(name: str, packs: list[Pack]) -> None:
    truth = TRUTH[name]
    facts, _ = read_facts(CORPUS / name, packs)
    for table, spec in truth["tables"].items():
        if spec.get("recoverable") is True:
            assert table in facts.tables_found, table
    for key, expected in (truth.get("cells") or {}).items():
        cell = facts.cells.get(key)
        recoverable = truth["tables"][key.split(".")[0]].get("recoverable")
        if isinstance(expected, dict):  # the reviewer could not read it with certainty: we must not either
            assert cell is None or cell.status != "number", (key, cell)
            continue
        if recoverable is True:
            assert cell is not None and compact(cell.raw) == compact(str(expected)), (key, cell, expected)
        elif cell is not None and cell.status == "number":  # partly recoverable: what we read is what is there
            assert compact(cell.raw) == compact(str(expected)), (key, cell, expected)


@pytest.mark.parametrize("name", [n for n in FILES if "t3_result_rows_total_column" in TRUTH[n]])
def test_every_result_row_total_read_by_hand(name: str, packs: list[Pack]) -> None:
    """The 总计 column of table 三's result rows, all of them, in template order: the files that carry this list
    write （六） as one row (the 2019 layout), misprinted labels included (「其他法律行政止公开」)."""
    facts, _ = read_facts(CORPUS / name, packs)
    received_and_totals = {"new_received", "carried_over", "total_processed", "carried_forward"}
    rows = [r for r in T3_LAYOUT[2019] if r not in received_and_totals]
    read = [facts.cells[f"t3.{r}.total"].raw if f"t3.{r}.total" in facts.cells else None for r in rows]
    assert read == TRUTH[name]["t3_result_rows_total_column"]


def test_year_to_year_carries_line_up(packs: list[Pack]) -> None:
    """This year's 上年结转 = last year's 结转下年度, every column both reports let us read (domain.md §3.4)."""
    columns = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
    compared = 0
    for series in ("hongze", "pingtan"):
        for pair in TRUTH["cross_year"][series]:
            if "pair" not in pair:
                continue
            last_name, this_name = (name.split(" / ")[0] for name in pair["pair"])
            last, _ = read_facts(CORPUS / last_name, packs)
            this, _ = read_facts(CORPUS / this_name, packs)
            for i, column in enumerate(columns):
                forward, over = last.cells.get(f"t3.carried_forward.{column}"), this.cells.get(
                    f"t3.carried_over.{column}")
                if forward is None or over is None or "number" not in (forward.status, over.status):
                    continue
                assert forward.status == over.status == "number", (this_name, column)
                assert forward.value == over.value == int(pair["this_carried_over"][i]), (this_name, column)
                compared += 1
    assert compared >= 40  # 7 pairs × most of 7 columns


def test_unreachable_discrepancies_are_not_assessable_not_passed(results: dict[str, Any]) -> None:
    for name in UNREACHABLE:
        errors = {f.check_id for f in results[name].findings if f.severity is Severity.ERROR}
        assert not errors - ERRORS.get(name, set())  # only the file's other, real discrepancies
        assert results[name].not_assessable, name
