"""Facts from the samples: identity, sections, every table cell under its canonical key, checked by hand."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from auditor.audit import read_facts
from auditor.facts import extract_facts
from auditor.facts.model import to_json
from auditor.facts.normalize import read_cell
from auditor.facts.vocabulary import T2_LAYOUT, T3_COLUMNS, T3_LAYOUT, T4_BLOCKS, T4_COLUMNS
from auditor.ingest import read_document
from auditor.packs import Pack
from auditor.resources import schema
from tests.conftest import edited_copy, without_lines

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ALL = sorted(SAMPLES.glob("*.txt"))


def facts_of(name: str):  # type: ignore[no-untyped-def]
    return extract_facts(read_document(SAMPLES / name))


@pytest.mark.parametrize(("name", "agency", "year"), [
    ("000_0d1f4deeeff05532.txt", "焦作市行政审批和政务信息管理局", 2025),
    ("001_c4cd1e6bdb0ce4f5.txt", "西工区行政审批和政务信息管理局", 2025),
    ("002_9257bfa62931542d.txt", "孟州市人民政府办公室", 2025),
    ("003_1299ff54e50d8c9c.txt", "焦作市城乡一体化示范区管委会", 2024),
    ("004_bdd5b039361f2e6c.txt", "焦作市人民政府办公室", 2021),
])
def test_identity(name: str, agency: str, year: int) -> None:
    facts = facts_of(name)
    assert (facts.agency, facts.year, facts.template) == (agency, year, 2021)


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_sample_has_six_sections_and_every_cell_read(path: Path) -> None:
    facts = extract_facts(read_document(path))
    assert [s.number for s in facts.sections] == [1, 2, 3, 4, 5, 6]
    expected = len(T3_LAYOUT[2021]) * len(T3_COLUMNS) + len(T4_BLOCKS) * len(T4_COLUMNS) + sum(
        len(columns) for columns in T2_LAYOUT[2021].values())
    assert len(facts.cells) == expected
    assert all(c.status == "number" for c in facts.cells.values())
    assert facts.issues == ()


def test_sub_items_inside_section_one_are_not_headings() -> None:
    facts = facts_of("004_bdd5b039361f2e6c.txt")
    assert [(s.number, s.line) for s in facts.sections] == [(1, 5), (2, 19), (3, 36), (4, 67), (5, 74), (6, 80)]
    assert facts.sections[0].title == "一、总体情况"
    assert any(p.text.startswith("二、主动公开情况。") and p.section == 1 for p in facts.paragraphs)


@pytest.mark.parametrize(("name", "key", "value", "line"), [
    # Checked by reading the files: rows shifted by merged cells, labels split over cells, a row with no indent.
    ("004_bdd5b039361f2e6c.txt", "t3.new_received.natural_person", 57, 41),
    ("004_bdd5b039361f2e6c.txt", "t3.carried_over.total", 3, 42),
    ("004_bdd5b039361f2e6c.txt", "t3.rejected.confirmation.natural_person", 1, 60),
    ("004_bdd5b039361f2e6c.txt", "t3.other.other.total", 17, 63),
    ("004_bdd5b039361f2e6c.txt", "t3.total_processed.natural_person", 56, 64),
    ("004_bdd5b039361f2e6c.txt", "t3.carried_forward.commercial", 1, 65),
    ("004_bdd5b039361f2e6c.txt", "t4.review.corrected", 1, 72),
    ("004_bdd5b039361f2e6c.txt", "t2.normative_documents.in_force", 334, 24),
    ("002_9257bfa62931542d.txt", "t3.denied.enforcement_file.total", 1, 50),
    ("002_9257bfa62931542d.txt", "t3.total_processed.total", 124, 63),
    ("002_9257bfa62931542d.txt", "t2.admin_fees.amount_10k_yuan", 0, 33),
    ("003_1299ff54e50d8c9c.txt", "t2.admin_fees.amount_10k_yuan", 96.0914, 40),
    ("003_1299ff54e50d8c9c.txt", "t2.licensing.decisions", 6795, 33),
    ("003_1299ff54e50d8c9c.txt", "t4.review.upheld", 1, 78),
])
def test_cells_checked_by_hand(name: str, key: str, value: float, line: int) -> None:
    cell = facts_of(name).cells[key]
    assert (cell.value, cell.line, cell.status) == (value, line, "number")


@pytest.mark.parametrize(("raw", "status", "value"), [
    ("12", "number", 12), ("１２", "number", 12), ("1,234", "number", 1234), ("0.5", "number", 0.5),
    ("", "blank", None), ("\u3000", "blank", None), ("/", "dash", None), ("—", "dash", None), ("-", "dash", None),
    ("无", "none", None), ("12件", "unreadable", None), ("见附件", "unreadable", None),
])
def test_cells_are_never_coerced(raw: str, status: str, value: float | None) -> None:
    cell = read_cell(raw)
    assert (cell.status, cell.value) == (status, value)


def test_blank_dash_and_none_are_kept_from_the_text(tmp_path: Path) -> None:
    row_label = "二、上年结转政府信息公开申请数量"
    path = edited_copy(SAMPLES / "004_bdd5b039361f2e6c.txt", tmp_path, lambda text: text.replace(
        f"{row_label}\t\t3\t0\t0\t0\t0\t0\t3", f"{row_label}\t\t3\t/\t—\t无\t\t0\t3"))
    cells = extract_facts(read_document(path)).cells
    row = [cells[f"t3.carried_over.{c}"] for c in T3_COLUMNS]
    assert [(c.raw, c.status) for c in row] == [
        ("3", "number"), ("/", "dash"), ("—", "dash"), ("无", "none"), ("", "blank"), ("0", "number"), ("3", "number")]


def test_a_missing_row_is_reported_and_its_cells_absent(tmp_path: Path) -> None:
    path = edited_copy(SAMPLES / "003_1299ff54e50d8c9c.txt", tmp_path, without_lines("重复申请"))
    facts = extract_facts(read_document(path))
    assert "t3.rejected.repeated.total" not in facts.cells
    assert [(i.slug, i.values.get("rows")) for i in facts.issues] == [("rows_missing", "重复申请")]


def test_a_row_that_cannot_be_placed_is_unreadable_not_guessed(tmp_path: Path) -> None:
    path = edited_copy(SAMPLES / "003_1299ff54e50d8c9c.txt", tmp_path, lambda text: text.replace(
        "(一) 予以公开\t5\t0\t0\t0\t0\t0\t5", "(一) 予以公开\t5\t0\t0\t0\t5"))  # two cells lost
    cells = extract_facts(read_document(path)).cells
    assert {cells[f"t3.granted.{c}"].status for c in T3_COLUMNS} == {"unreadable"}


def test_no_tables(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("某局 2024 年政府信息公开工作年度报告\n\n一、总体情况\n\n正文。\n", encoding="utf-8")
    facts = extract_facts(read_document(path))
    assert [i.slug for i in facts.issues] == ["no_tables"]


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_facts_match_their_schema(path: Path, packs: list[Pack]) -> None:
    facts, pack = read_facts(path, packs)
    data = to_json(facts)
    data["pack"] = pack.label if pack else None
    Draft202012Validator(schema("facts.schema.json")).validate(json.loads(json.dumps(data)))


def test_claims_carry_line_and_columns(packs: list[Pack]) -> None:
    facts, _ = read_facts(SAMPLES / "003_1299ff54e50d8c9c.txt", packs)
    (claim,) = [c for c in facts.claims if c.key == "claim.applications_received"]
    line = (SAMPLES / "003_1299ff54e50d8c9c.txt").read_text(encoding="utf-8").splitlines()[claim.line - 1]
    assert claim.value == 9 and line[claim.start_column - 1:claim.end_column] == claim.text
    assert dataclasses.asdict(claim)["section"] == 1


def _doc(tmp_path: Path, text: str, name: str = "r.md"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_facts(read_document(path))


def test_title_split_over_two_lines_and_intro_sentence_is_not_a_title(tmp_path: Path) -> None:
    facts = _doc(tmp_path, "正文\n2024 年上海市科委政府信息公开工作\n年度报告\n"
                           "本年度报告中所列数据的统计周期为 2024 年 1 月 1 日至 12 月 31 日。"
                           "年度报告电子版可以下载。\n"
                           "\n一、总体情况\n正文。\n")
    assert (facts.title, facts.title_line, facts.agency, facts.year) == (
        "2024 年上海市科委政府信息公开工作年度报告", 2, "上海市科委", 2024)


def test_title_label_of_web_dumps_is_not_part_of_the_agency(tmp_path: Path) -> None:
    facts = _doc(tmp_path, "标题: 平潭综合实验区2024年度政府信息公开工作年度报告\n\n一、总体情况\n正文。\n", "r.txt")
    assert (facts.agency, facts.year) == ("平潭综合实验区", 2024)


def test_renumbered_sections_are_found_by_their_template_titles(tmp_path: Path) -> None:
    # Shanghai style: chapters inside 总体情况 reuse ordinals and keywords; the template sections are renumbered.
    facts = _doc(tmp_path, "\n".join([
        "2024 年某委政府信息公开工作年度报告", "一、总体情况", "一、总体情况", "二、工作机制保障",
        "三、主动公开工作情况", "正文。", "一、主动公开政府信息情况", "二、收到和处理政府信息公开申请情况",
        "三、政府信息公开行政复议、行政诉讼情况", "四、存在的主要问题及改进情况", "五、其他需要报告的事项", "无。"]))
    assert [(s.number, s.line) for s in facts.sections] == [(1, 2), (2, 7), (3, 8), (4, 9), (5, 10), (6, 11)]
    assert facts.sections[1].title == "一、主动公开政府信息情况"


def test_corpus_identity_smoke() -> None:
    corpus = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "reports"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    for name, agency, year in [("shanghai-stcsm-2024.md", "上海市科委", 2024),
                               ("shanghai-gov-office-2025.md", "上海市人民政府办公厅", 2025),
                               ("pingtan-2024.txt", "平潭综合实验区", 2024)]:
        facts = extract_facts(read_document(corpus / name))
        assert (facts.agency, facts.year) == (agency, year), name


# --- the extractors' literal pre-check (claims.required_text): fast, and never a claim lost -----------------------

@pytest.mark.parametrize(("pattern", "required"), [
    (r"共收到(?:政府信息公开)?申请(\d+)件", "共收到"),
    (r"(?:受理|收到)政府信息公开申请(\d+)件", "政府信息公开申请"),  # an alternative gives nothing
    (r"(?:政府信息)?公开申请", "公开申请"),  # an optional part gives nothing
    (r"(?:办结)+\d+件", "办结"),  # a repeat taken at least once does
    (r"[一二三]是", "是"),
    (r"(?i)abc", ""),  # case-insensitive: the text need not contain 'abc' as written
])
def test_the_required_text_is_only_what_every_match_contains(pattern: str, required: str) -> None:
    import re

    from auditor.facts.claims import required_text

    assert required_text(re.compile(pattern)) == required


def test_every_match_of_every_bundled_pattern_contains_its_required_text() -> None:
    """The pre-check skips a paragraph without the required text; over every paragraph of the samples, the corpus
    and the parity fixtures, no pattern matches a paragraph the pre-check would have skipped."""
    from auditor.facts.normalize import same_length_nfkc
    from auditor.packs import load_pack
    from auditor.resources import default_pack_dirs

    patterns = {p.regex.pattern: p for d in default_pack_dirs() for e in load_pack(d).extractors for p in e.patterns}
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reports"
    files = [*SAMPLES.glob("*.txt"), *(corpus.iterdir() if corpus.is_dir() else ())]
    matched = 0
    for path in files:
        try:
            document = read_document(path)
        except Exception:  # noqa: BLE001 - unreadable files have no paragraphs to check
            continue
        for paragraph in extract_facts(document).paragraphs:
            text = same_length_nfkc(paragraph.text)
            for pattern in patterns.values():
                if pattern.regex.search(text):
                    matched += 1
                    assert pattern.required in text, (pattern.regex.pattern, pattern.required, text[:80])
    assert matched > 100


def test_the_proactive_count_survives_a_digit_run_no_count_has() -> None:
    """Found by the fuzzer (seed 1, #179): 400 nines before 条 made a float infinity and an OverflowError; such a run
    is no count (limits.MAX_NUMBER_DIGITS), and the other figures still add up."""
    from auditor.facts.model import ParagraphFact
    from auditor.facts.padding import proactive_claims

    text = "（一）主动公开：发布信息" + "9" * 400 + "条，另发布信息 30 条，解读 2.5万篇"
    (claim,) = proactive_claims([ParagraphFact(3, 1, text), ParagraphFact(4, 1, "（二）依申请公开：受理 9 件")])
    assert claim.value == 30 + 25_000
