"""Template, year and agency without a title line (issue 10 part 2): decided from every evidence a report gives,
saying which decided, and a disagreement between two is a finding, not a guess."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.audit import audit_file, read_facts
from auditor.facts.identity import decide, gather
from auditor.ingest.document import Paragraph
from auditor.model import Verdict
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
TRUTH = yaml.safe_load((ROOT / "tests" / "corpus" / "expected.yaml").read_text(encoding="utf-8"))
TEXT_REPORTS = sorted(n for n in TRUTH if n.endswith((".txt", ".md")))


def _without_title(source: Path, target: Path) -> Path:
    """The report as a page that prints its title outside the body: the title line (and a title broken over two
    lines) gone, everything else as published."""
    lines = source.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "年度报告" not in line.replace(" ", "")[-12:] and line.strip() != "年度报告"]
    target.write_text("\n".join(kept), encoding="utf-8")
    return target


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside this checkout")
@pytest.mark.parametrize("name", TEXT_REPORTS)
def test_a_real_report_without_its_title_line_keeps_its_year(name: str, packs: list[Pack], tmp_path: Path) -> None:
    path = _without_title(CORPUS / name, tmp_path / "report.txt")
    facts, pack = read_facts(path, packs)
    assert facts.title is None
    if facts.year is None:  # no other evidence of the year: the report must not pass as audited
        result = audit_file(path, packs)
        assert facts.template == TRUTH[name]["template"] or result.verdict is Verdict.INCOMPLETE
        return
    assert facts.year == TRUTH[name]["year"], (facts.year_source, facts.evidence)
    assert facts.year_source in {"period", "self_named", "opening"}
    assert pack is not None and TRUTH[name]["template"] in pack.templates


def test_the_statistics_period_decides_and_says_so(packs: list[Pack], tmp_path: Path) -> None:
    sample = ROOT / "samples" / "004_bdd5b039361f2e6c.txt"
    body = "\n".join(line for line in sample.read_text(encoding="utf-8").splitlines() if "年度报告" not in line)
    path = tmp_path / "page.txt"
    path.write_text("本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n" + body, encoding="utf-8")
    result = audit_file(path, packs)
    assert result.report.year == 2021 and result.report.year_source == "统计期限（第 1 行）"
    assert result.pack is not None and result.pack.startswith("standard@")


def test_the_file_name_names_the_year_and_agency_when_nothing_else_does(packs: list[Pack], tmp_path: Path) -> None:
    sample = ROOT / "samples" / "002_9257bfa62931542d.txt"
    lines = sample.read_text(encoding="utf-8").splitlines()
    # No title, no 「2025年，」 opening.
    body = [line for line in lines if "年度报告" not in line and not line.startswith("2025")]
    path = tmp_path / "孟州市人民政府办公室2025年政府信息公开工作年度报告.txt"
    path.write_text("\n".join(body), encoding="utf-8")
    facts, _ = read_facts(path, packs)
    assert (facts.year, facts.agency) == (2025, "孟州市人民政府办公室")
    assert {facts.year_source, facts.agency_source} <= {"file_name", "opening", "period", "self_named"}


def test_a_page_title_that_disagrees_is_a_finding(packs: list[Pack], tmp_path: Path) -> None:
    page = ROOT / "tests" / "fixtures" / "parity" / "002_9257bfa62931542d.html"
    html = page.read_text(encoding="utf-8").replace("<title>孟州市人民政府办公室 2025",
                                                    "<title>孟州市人民政府办公室 2024")
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    result = audit_file(path, packs)
    assert result.report.year == 2025  # the title line decides; the page title is not taken over it
    found = [f for f in result.findings if f.rule_id == "M-YEAR-SOURCE"]
    assert [f.message for f in found] == ["报告年度为 2025 年，但网页标题所示为 2024 年。"]


def test_a_publication_date_is_not_the_statistics_year() -> None:
    """「2025年1月20日」 under the signature is when the 2024 report was signed: it gives the agency, not the year."""
    paragraphs = (Paragraph(1, "一、总体情况"), Paragraph(2, "本机关认真落实条例。"),
                  Paragraph(3, "洛阳市自然资源和规划局"), Paragraph(4, "2025年1月20日"))
    identity = decide(gather(paragraphs, None, None, "report.txt", 1))
    assert identity.year is None and identity.agency == "洛阳市自然资源和规划局"
    assert identity.agency_by is not None and identity.agency_by.kind == "signature"


def test_a_period_across_two_years_is_no_evidence() -> None:
    paragraphs = (Paragraph(1, "统计期限为2023年1月1日至2024年12月31日。"),)
    assert decide(gather(paragraphs, None, None, "x.txt", None)).year is None


FOUND = Path(__file__).resolve().parent / "corpus" / "found"


@pytest.mark.parametrize(("name", "agency"), [
    # 「Page 8 - 威海市文登区信访局2022年…」: the printed page's header before the title
    ("wendeng-xinfang-2022-p8.txt", "威海市文登区信访局"),
    # 「盐边县新九镇人民政府」 on its own line above 「关于2021年度政府信息公开工作的年度报告」
    ("yanbian-xinjiu-2021.txt", "盐边县新九镇人民政府"),
    # the title's 「市政府研究室」, the text's 「2019年孝感市政府研究室主动公开信息16条」
    ("xiaogan-yjs-2019.txt", "孝感市政府研究室"),
])
def test_the_agency_of_a_real_title_that_names_it_badly(name: str, agency: str, packs: list[Pack]) -> None:
    result = audit_file(FOUND / name, packs)
    assert result.report.agency == agency


def test_a_title_without_an_agency_names_none() -> None:
    from auditor.facts.report import parse_title

    assert parse_title("关于2021年度政府信息公开工作的年度报告") == (None, 2021)
    assert parse_title("某某局关于2021年度政府信息公开工作的年度报告") == ("某某局", 2021)
