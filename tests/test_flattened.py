"""Reports flattened onto one line (web dumps): cut at sections and table rows, digit runs split only when exactly one
reading exists, the archive's metadata left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.facts import extract_facts
from auditor.facts.tables import split_digit_run
from auditor.ingest import read_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"


@pytest.mark.parametrize(("run", "width", "cells"), [
    ("0000000", 7, ["0"] * 7),                       # zeros cannot lead a number: one reading
    ("7000007", 7, ["7", "0", "0", "0", "0", "0", "7"]),  # seven digits, seven cells
    ("0 0 00 00 0", 7, ["0"] * 7),
    ("230 000023", 7, None),                         # a space separates cells, but not every pair of cells
    ("1 2 0 0 10 0 13", 7, ["1", "2", "0", "0", "10", "0", "13"]),  # spaces make a run readable
    ("12 3", 2, ["12", "3"]),
    ("230000023", 7, None),                          # 23|0|…|23, 2|30|…|23, …: not one reading
    ("898989", 3, None),
    ("21317000001324019", 15, None),
    ("000", 3, ["0", "0", "0"]),
    ("12", 3, None),                                 # fewer digits than cells
])
def test_digit_runs_split_only_one_way(run: str, width: int, cells: list[str] | None) -> None:
    assert split_digit_run(run, width) == cells


def _flat(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "dump.txt"
    path.write_text("标题: 某区2024年政府信息公开工作年度报告\n发布时间: 2025-01-10\n原文链接: https://x.gov.cn/zfxxgk/1.htm\n"
                    "==================== 正文 ====================\n" + body + "\n", encoding="utf-8")
    return path


def test_a_flattened_report_is_cut_into_sections_and_rows(tmp_path: Path) -> None:
    body = ("本报告根据条例编制。" * 100 + "一、总体情况 2024年，某区收到政府信息公开申请23件。"
            "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件6233440"
            "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量230000023二、上年结转政府信息公开申请数量0000000"
            "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
            "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持总计000000000000000"
            "五、存在的主要问题及改进情况一是不足。六、其他需要报告的事项未收取信息处理费。")
    facts = extract_facts(read_document(_flat(tmp_path, body)))
    assert [s.number for s in facts.sections] == [1, 2, 3, 4, 5, 6]
    assert (facts.agency, facts.year) == ("某区", 2024)
    assert [i.slug for i in facts.issues if i.slug == "flattened_text"] == ["flattened_text"]
    cells = facts.cells
    assert [cells[f"t2.regulations.{c}"].value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert cells["t2.normative_documents.issued"].status == "unreadable"   # 6233440 has several readings
    assert cells["t3.new_received.total"].status == "unreadable"          # 230000023 likewise
    assert cells["t3.carried_over.total"].value == 0
    assert cells["t3.denied.state_secret.natural_person"].value == 0      # the 2 of 「2.其他…」 is not a cell
    assert cells["t3.denied.prohibited_by_law.total"].value == 0
    assert cells["t4.review.total"].value == 0
    assert not any("原文链接" in p.text or "发布时间" in p.text for p in facts.paragraphs)


def test_the_pingtan_series_reads_carried_over_and_forward_where_unambiguous() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    forward = {}
    for year in range(2019, 2026):
        facts = extract_facts(read_document(CORPUS / f"pingtan-{year}.txt"))
        assert (facts.agency, facts.year) == ("平潭综合实验区", year)
        assert [s.number for s in facts.sections] == [1, 2, 3, 4, 5, 6]
        over = facts.cells.get("t3.carried_over.total")
        if year - 1 in forward and over is not None and over.status == "number" and forward[year - 1] is not None:
            assert over.value == forward[year - 1], year  # this year's 上年结转 = last year's 结转下年度
        cell = facts.cells.get("t3.carried_forward.total")
        forward[year] = cell.value if cell is not None and cell.status == "number" else None
    assert sum(v is not None for v in forward.values()) >= 4


def test_a_flattened_reports_findings_name_its_physical_line_and_quote_the_words(tmp_path: Path) -> None:
    """Issue 15, stumble 2: a segment number (第 14 行 of a 10-line file) is no place a reader can find. 平潭 2019 runs
    its body together on line 10: each finding names line 10 and quotes the words it is about, in the message, the
    JSON location (page_line, with no page), the text output and the SARIF region."""
    from tests.test_cli import audit_json, run
    from tests.test_format_sarif import audit_sarif

    report = CORPUS / "pingtan-2019.txt"
    _, data = audit_json(str(report), "--fail-on", "none")
    listed = next(f for f in data["documents"][0]["findings"] if f["rule_id"] == "TXT-LIST")
    assert (listed["location"]["page"], listed["location"]["page_line"]) == (None, 10)
    assert listed["location"]["line"] > 10  # the segment, as the drawn page numbers it
    assert "第 10 行所列各项之和" in listed["message"] and "「共公布政府信息2599条" in listed["message"]
    assert "TXT-LIST  第一部分 第 10 行" in run("audit", str(report), "--fail-on", "none").output
    _, log = audit_sarif(str(report))
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "TXT-LIST")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 10 and region["snippet"]["text"].startswith("共公布政府信息2599条")
