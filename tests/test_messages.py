"""Findings a supervisor can paste into a 通报 (issue 10, part 7): every message, evidence and not-assessable reason
over the samples and the corpus is in the report's words — no fact key, no engine arithmetic — and the reasons say
why a check could not be made. Run with and without a history store, in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.audit import audit_file
from auditor.batch import IN_PROCESS
from auditor.config import RunConfig, load_configured_packs
from auditor.model import DocumentResult, Severity
from auditor.packs import Pack
from auditor.resources import default_pack_dirs
from auditor.run import audit_paths
from auditor.store import Store, problem_items
from tests.conftest import CORPUS, SAMPLES

# What an internal name looks like: a dotted key (`t3.granted.total`, `claim.aspect_oversight`), a snake_case
# identifier (`previous_rectification`), the engine's arithmetic (`49 * 100`), a signed difference (「相差 -11」).
INTERNAL = [re.compile(p) for p in (r"[a-z_]+\.[a-z_]+", r"\b[a-z]+_[a-z_]+\b", r" \* 100 ", r"\* 100\b",
                                    r"相差 [+-]", r"difference [+-]")]
REPORTS = sorted(SAMPLES.glob("*.txt")) + sorted(p for p in CORPUS.glob("*") if p.is_file())


def _texts(result: DocumentResult) -> Iterator[tuple[str, str]]:
    for finding in result.findings:
        yield finding.check_id, finding.message
        yield finding.check_id, finding.evidence.expected
        yield finding.check_id, finding.evidence.found
    for unassessed in result.not_assessable:
        yield unassessed.check_id, unassessed.reason


def _internal(text: str) -> list[str]:
    # A file name or a web address in a quoted passage is the report's own text, not ours.
    text = re.sub(r"[\w./-]+\.(?:txt|html|md|pdf|docx|cn|com)\b|https?://\S+", "", text)
    return [m.group(0) for p in INTERNAL for m in p.finditer(text)]


@pytest.fixture(scope="module")
def without_store(packs: list[Pack]) -> dict[str, list[DocumentResult]]:
    return {lang: [audit_file(path, packs, lang) for path in REPORTS] for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def with_store(packs: list[Pack], tmp_path_factory: pytest.TempPathFactory) -> list[DocumentResult]:
    """Every report audited twice into one store: the second run finds last year's reports of the same body."""
    database = tmp_path_factory.mktemp("store") / "history.db"
    with Store(database) as store:
        audit_paths(REPORTS, packs, "zh", store=store, supervision=IN_PROCESS)
        return list(audit_paths(REPORTS, packs, "zh", store=store, supervision=IN_PROCESS).documents)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_internal_name_in_any_message_evidence_or_reason(lang: str,
                                                           without_store: dict[str, list[DocumentResult]]) -> None:
    leaks = [(r.path, check, text) for r in without_store[lang] for check, text in _texts(r) if _internal(text)]
    assert not leaks, "\n".join(map(str, leaks[:20]))


def test_no_internal_name_with_a_history_store(with_store: list[DocumentResult]) -> None:
    leaks = [(r.path, check, text) for r in with_store for check, text in _texts(r) if _internal(text)]
    assert not leaks, "\n".join(map(str, leaks[:20]))


def test_the_leak_pattern_catches_what_it_must() -> None:
    for text in ("正文所述「previous_rectification」", "report.layout_t3", "49 * 100 ≥ 25 * 124", "相差 -11"):
        assert _internal(text), text
    assert not _internal("表三「（一）予以公开」行「总计」列为空白")


def _result(results: list[DocumentResult], name: str) -> DocumentResult:
    return next(r for r in results if Path(r.path).name == name)


def _messages(result: DocumentResult, rule_id: str) -> list[str]:
    return [f.message for f in result.findings if f.rule_id == rule_id]


def test_a_share_is_a_percentage_beside_the_threshold(without_store: dict[str, list[DocumentResult]]) -> None:
    (message,) = _messages(_result(without_store["zh"], "002_9257bfa62931542d.txt"), "PLA-OTHER")
    assert "39.52%" in message and "25%" in message and "5 件" in message


def test_a_message_states_the_threshold_in_force(packs: list[Pack]) -> None:
    configured = load_configured_packs(default_pack_dirs(), RunConfig(parameters={"catch_all_share_pct": 30}))
    result = audit_file(SAMPLES / "002_9257bfa62931542d.txt", configured)
    (message,) = _messages(result, "PLA-OTHER")
    assert "30%" in message and "25%" not in message


def test_a_difference_says_which_side_is_larger(without_store: dict[str, list[DocumentResult]]) -> None:
    result = _result(without_store["zh"], "huaian-hongze-gov-2023.pdf")
    assert any("少 11" in m for m in _messages(result, "T4-SUM")), _messages(result, "T4-SUM")
    (inforce,) = _messages(_result(without_store["zh"], "pingtan-2023.html"), "TXT-T2-INFORCE")
    assert "正文比表格少 77 件" in inforce
    english = _result(without_store["en"], "huaian-hongze-gov-2023.pdf")
    assert any("11 less than" in m for m in _messages(english, "T4-SUM"))


def test_a_detector_cites_what_it_found_not_a_count(without_store: dict[str, list[DocumentResult]]) -> None:
    result = _result(without_store["zh"], "002_9257bfa62931542d.txt")
    (foreign,) = [f for f in result.findings if f.rule_id == "TXT-FOREIGN"]
    assert foreign.evidence.found.strip() == "and" and foreign.evidence.expected == "中文句中无外文片段"
    approval = next(f for f in _result(without_store["zh"], "000_0d1f4deeeff05532.txt").findings
                    if f.rule_id == "PLA-APPROVAL")
    assert (approval.evidence.expected, approval.evidence.found) == ("> 0", "0")


def test_one_slip_is_one_finding(without_store: dict[str, list[DocumentResult]]) -> None:
    """「一是…；三是…；三是」: the order breaks twice, but one 「三是」 was written for 「二是」."""
    for name in ("pingtan-2023.txt", "pingtan-2023.html"):
        assert len(_messages(_result(without_store["zh"], name), "TXT-ENUM")) == 1, name


def test_a_repeated_typo_is_one_finding(packs: list[Pack], tmp_path: Path) -> None:
    source = SAMPLES / "002_9257bfa62931542d.txt"
    text = source.read_text(encoding="utf-8")
    repeated = text.replace("加强专业化队伍建设", "加强专业化队伍建设，提升信息发布水平 and 新媒体应用技能", 1)
    path = tmp_path / source.name
    path.write_text(repeated, encoding="utf-8")
    assert len(_messages(audit_file(path, packs), "TXT-FOREIGN")) == 1


def _reasons(result: DocumentResult, rule_id: str) -> set[str]:
    return {n.reason for n in result.not_assessable if n.rule_id == rule_id}


def test_reasons_say_there_is_no_history_store(without_store: dict[str, list[DocumentResult]]) -> None:
    result = _result(without_store["zh"], "004_bdd5b039361f2e6c.txt")
    for rule_id in ("YOY-CARRY", "YOY-DUP", "YOY-PREV5", "YOY-VALID"):
        assert _reasons(result, rule_id) == {"未指定历史库（--db），无法取得上一年度报告"}, rule_id
    assert _reasons(result, "PEER-DUP") == {"未指定历史库（--db），无法取得同年度其他机关的报告"}


def test_reasons_say_the_store_has_no_report_of_last_year(with_store: list[DocumentResult]) -> None:
    result = _result(with_store, "huaian-hongze-gov-2023.pdf")
    assert _reasons(result, "YOY-CARRY") == {"历史库中没有「洪泽区人民政府」2022 年度的报告"}


def test_a_claim_reason_names_the_statement(without_store: dict[str, list[DocumentResult]]) -> None:
    result = _result(without_store["zh"], "000_0d1f4deeeff05532.txt")
    assert _reasons(result, "TXT-CIN") == {"正文未陈述上年结转的申请数"}


def test_a_cell_reason_names_the_row_and_why(without_store: dict[str, list[DocumentResult]]) -> None:
    """平潭's flattened tables: a row whose digits run together in more than one reading."""
    reasons = _reasons(_result(without_store["zh"], "pingtan-2019.txt"), "T3-ROW")
    row = "表三「本年新收」行「总计」「自然人」"
    assert any(r.startswith(row) and "的数字无法与各列一一对应" in r for r in reasons)
    assert not any(r.count("「自然人」") > 1 for r in reasons)  # a key two operands share is named once


def test_yoy_prev5_lists_last_years_problems_this_year_leaves_out(with_store: list[DocumentResult]) -> None:
    result = _result(with_store, "pingtan-2024.txt")
    (message,) = _messages(result, "YOY-PREV5")
    assert "信息噪音" in message and "2 个问题" in message
    assert [f.severity for f in result.findings if f.rule_id == "YOY-PREV5"] == [Severity.WARNING]
    assert not _messages(result, "S5-PREV")  # YOY-PREV5 judges it: not twice


def test_s5_prev_is_info_without_last_years_report(without_store: dict[str, list[DocumentResult]]) -> None:
    result = _result(without_store["zh"], "000_0d1f4deeeff05532.txt")
    assert [f.severity for f in result.findings if f.rule_id == "S5-PREV"] == [Severity.INFO]


def test_problem_items_stop_where_the_measures_start() -> None:
    five = ("存在的问题主要有：一是政策解读形式较为单一；二是部分栏目更新不及时。"
            "2024年，我区将采取以下措施加以改进：一是丰富解读形式；二是加强栏目巡查，确保更新及时。")
    assert problem_items(five) == ["一是政策解读形式较为单一", "二是部分栏目更新不及时"]


def test_a_statement_missing_from_the_whole_text_is_located_where_it_belongs(
        without_store: dict[str, list[DocumentResult]]) -> None:
    """沭阳 2025 reports its 考核 but no 社会评议 or 责任追究: S1-GOV seeks them in the whole text, and with nothing to
    point at, places the finding at the heading of 一、总体情况, where the template puts 监督保障 (`section: 1`)."""
    result = _result(without_store["zh"], "shuyang-gov-2025.txt")
    found = [f for f in result.findings if f.rule_id == "S1-GOV"]
    assert sorted(f.check_id for f in found) == ["S1-GOV[duty=gov_accountability]", "S1-GOV[duty=gov_public_review]"]
    lines = (CORPUS / "shuyang-gov-2025.txt").read_text(encoding="utf-8").splitlines()
    heading = next(n for n, line in enumerate(lines, 1) if "总体情况" in line)
    assert {(f.location.section, f.location.line) for f in found} == {(1, heading)}


def test_a_missing_section_is_located_where_it_was_looked_for(tmp_path: Path, packs: list[Pack]) -> None:
    """Issue 15, stumble 2: SEC-PRESENT names where it looked. Sample 003 without its 五 heading: the section belongs
    before 六, so the finding is at 六's heading (a PDF's page and line come with it); without 六 as well, after 四."""
    text = (SAMPLES / "003_1299ff54e50d8c9c.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    six = next(n for n, line in enumerate(lines, 1)
               if "其他需要报告的事项" in line and line.lstrip("#").strip()[0] == "六")
    four = next(n for n, line in enumerate(lines, 1) if line.lstrip("# ").startswith("四、政府信息公开行政复议"))
    five_heading = next(line for line in lines if line.lstrip("# ").startswith("五、"))
    lacking = tmp_path / "no-five.txt"
    lacking.write_text(text.replace(five_heading, ""), encoding="utf-8")
    found = {f.check_id: f.location for f in audit_file(lacking, packs).findings}
    assert (found["SEC-PRESENT[n=5]"].section, found["SEC-PRESENT[n=5]"].line) == (5, six)
    six_heading = lines[six - 1]
    neither = tmp_path / "no-five-six.txt"
    neither.write_text(text.replace(five_heading, "").replace(six_heading, ""), encoding="utf-8")
    found = {f.check_id: f.location for f in audit_file(neither, packs).findings}
    assert found["SEC-PRESENT[n=6]"].line == four and found["SEC-PRESENT[n=5]"].line == four
