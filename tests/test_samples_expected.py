"""The findings a careful supervisor raises on each sample, derived by reading the reports against domain.md, and the
numbers each message must name. The run must produce exactly these: no error where a sample is right, every
discrepancy caught.

Tables: every sample's tables balance (T3/T4/T2 identities hold), so no table finding anywhere.

000 焦作市行政审批和政务信息管理局 2025: no application, no case, fee «无收取信息公开处理费».
    S5-PREV  (info) section 五 lists problems and measures but nothing on last year's problems. Info, not warning:
        its basis (R21-5) is marked [K] in domain.md, and without last year's report in a history store nothing
        says which problems should have been taken up (with it, YOY-PREV5 judges, as a warning).
    PLA-APPROVAL (info) an approval bureau reporting 0 行政许可 decisions.
    FEE-NAME (info) «信息公开处理费» is not the standard name 信息处理费.
    S1-PADDING (info) its 主动公开 part counts windows (15 个), videos (13 个) and service items (2138 项), not one
        published item: the general business 「不宜泛化」 (R21-1) warns of.
001 西工区行政审批和政务信息管理局 2025: as 000 (its fee sentence uses the standard name); S1-PADDING (info): its
    主动公开 part counts two items of 1 条 each.
002 孟州市人民政府办公室 2025: 129 received = table; 5 carried forward = table.
    S5-PREV (info); TXT-FOREIGN (warning) «水平 and 新媒体» in section 五;
    PLA-OTHER (info) 49 of 124 results under (六)3 其他: 39.52%, over the 25% threshold.
003 焦作市城乡一体化示范区管委会 2024:
    TXT-NEW (error) «共受理政府信息公开申请 9 件» where table 三 has 11 new (and 0 carried over).
    M-ENTITY (warning) the body speaks as 高新区管委会 (whether it is the same body is open, domain.md §9.5).
    S1-ASPECTS[oversight] (warning) 总体情况 has no 监督保障 (its (四) is public feedback, not oversight).
    S5-PREV (info); FEE-STATED (warning) section 六 says only «无».
004 焦作市人民政府办公室 2021: 58 / 57 / 56 / 3 / 5 in the narrative all match table 三.
    TXT-PCT-NOTHELD (error) «本机关不掌握或不存在占 44%»: 15 not held of 56 processed is 26.79% (25.86% of 58 new,
        24.59% of 61): 17.21 points from the closest reading.
    TXT-PCT-OPEN-ROUND (info) «全部公开或部分公开占 40%»: 22 of 56 is 39.29%, 0.71 points: more than rounding.
    PLA-OTHER (info) 17 of 56 under (六)3 其他 (30.36%).  S5-PREV (info).  FEE-STATED (warning) no fee statement in 六.
    S1-ASPECTS[management] (warning): its five parts are 公开渠道建设, 主动公开, 依申请公开, 解读回应 and 组织保障;
        none is about 政府信息管理 (the 公开指南 is named in passing in the 组织保障 part).
    S5-THIN (info) section 五 is 99 characters: «一是理论水平不足…二是缺少专业培训…», two problems and two measures of a
        clause each, the one-liner domain.md §4 S5-BOTH rules out (the other samples write 158 and more).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import audit_file
from auditor.model import Severity
from auditor.packs import Pack

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

EXPECTED: dict[str, list[tuple[str, Severity, list[str]]]] = {
    "000_0d1f4deeeff05532.txt": [
        ("S5-PREV", Severity.INFO, []),
        ("PLA-APPROVAL", Severity.INFO, ["0"]),
        ("FEE-NAME", Severity.INFO, ["信息公开处理费"]),
        ("S1-PADDING", Severity.INFO, ["主动公开情况", "0", "10"]),
    ],
    "001_c4cd1e6bdb0ce4f5.txt": [
        ("S5-PREV", Severity.INFO, []),
        ("PLA-APPROVAL", Severity.INFO, ["0"]),
        ("S1-PADDING", Severity.INFO, ["主动公开", "2", "10"]),
    ],
    "002_9257bfa62931542d.txt": [
        ("S5-PREV", Severity.INFO, []),
        ("TXT-FOREIGN", Severity.WARNING, ["and", "77"]),
        ("PLA-OTHER", Severity.INFO, ["49", "39.52%", "25%"]),
    ],
    "003_1299ff54e50d8c9c.txt": [
        ("TXT-NEW", Severity.ERROR, ["9", "11"]),
        ("M-ENTITY", Severity.WARNING, ["高新区管委会", "焦作市城乡一体化示范区管委会"]),
        ("S1-ASPECTS[aspect=aspect_oversight]", Severity.WARNING, ["监督保障"]),
        ("S5-PREV", Severity.INFO, []),
        ("FEE-STATED", Severity.WARNING, ["信息处理费"]),
    ],
    "004_bdd5b039361f2e6c.txt": [
        ("TXT-PCT-NOTHELD", Severity.ERROR, ["44", "26.79", "17.21", "25.86", "24.59"]),
        ("S5-PREV", Severity.INFO, []),
        ("FEE-STATED", Severity.WARNING, []),
        ("S1-ASPECTS[aspect=aspect_management]", Severity.WARNING, ["政府信息管理"]),
        ("TXT-PCT-OPEN-ROUND", Severity.INFO, ["40", "39.29", "0.71"]),
        ("PLA-OTHER", Severity.INFO, ["17", "30.36%", "25%"]),
        ("S5-THIN", Severity.INFO, ["99", "120"]),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_findings_are_exactly_the_expected_ones(name: str, packs: list[Pack]) -> None:
    result = audit_file(SAMPLES / name, packs)
    assert result.problems == ()
    got = sorted((f.check_id, f.severity) for f in result.findings)
    assert got == sorted((check, severity) for check, severity, _ in EXPECTED[name])
    messages = {f.check_id: f.message for f in result.findings}
    for check, _, numbers in EXPECTED[name]:
        for number in numbers:
            assert number in messages[check], (check, number, messages[check])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_finding_speaks_english_on_request(name: str, packs: list[Pack]) -> None:
    # English templates quote the report's Chinese where they cite it; the sentence itself is English.
    for finding in audit_file(SAMPLES / name, packs, lang="en").findings:
        assert finding.message[0].isascii() and finding.message[0].isalpha(), finding.message


def test_a_2020_report_is_audited_with_the_2019_pack(packs: list[Pack]) -> None:
    report = Path(__file__).resolve().parent / "fixtures" / "reports" / "2019-layout-2020.txt"
    result = audit_file(report, packs)
    assert result.pack == "standard-2019@0.1.0" and result.problems == ()
    assert not [f for f in result.findings if f.rule_id.startswith(("T2", "T3", "T4", "TPL"))]
    # The narrative is sample 004's, so its percentage error comes along: the 2019 pack checks the narrative too.
    assert [f.check_id for f in result.findings if f.severity is Severity.ERROR] == ["TXT-PCT-NOTHELD"]
