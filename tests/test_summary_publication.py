"""The summary's publication dates: which reports were published after their Art. 49 deadline and by how many days,
which have no known date (HTML and Markdown sections, a column in agencies.csv and the XLSX agencies sheet)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.fetch.sidecar import write_sidecar
from auditor.packs import Pack
from auditor.ruletests import fixture_sidecar
from auditor.run import audit_paths
from auditor.store import Store
from auditor.summary import collect
from auditor.summary.collect import DocumentRow
from auditor.summary.rows import late_documents, publication_counts, publication_word, unknown_publication
from tests.conftest import SAMPLES

LATE = "002_9257bfa62931542d.txt"  # 孟州市人民政府办公室's 2025 report: due 2026-01-31
ON_TIME = "003_1299ff54e50d8c9c.txt"  # a 管委会's 2024 report: due 2025-01-31
UNDATED_PAGE = "000_0d1f4deeeff05532.txt"  # fetched from a page that states no date
NO_SIDECAR = "001_c4cd1e6bdb0ce4f5.txt"  # received by mail: no date at all


@pytest.fixture(scope="module")
def summarised(tmp_path_factory: pytest.TempPathFactory, packs: list[Pack]) -> tuple[Path, dict[str, str]]:
    """A store of four samples as fetched (late, on time, a page without a date, no sidecar), summarised into
    out/; and each file's agency."""
    folder = tmp_path_factory.mktemp("fetched")
    for name in (LATE, ON_TIME, UNDATED_PAGE, NO_SIDECAR):
        shutil.copy(SAMPLES / name, folder / name)
    for name, published in ((LATE, "2026-02-05"), (ON_TIME, "2025-01-20"), (UNDATED_PAGE, None)):
        write_sidecar(folder, fixture_sidecar(folder / name, published))
    db = folder.parent / "publication.db"
    with Store(db) as store:
        result = audit_paths([folder], packs, store=store)
    agencies = {Path(d.path).name: d.report.agency or "" for d in result.documents}
    out = folder.parent / "out"
    outcome = CliRunner().invoke(main, ["summary", "--db", str(db), "--out", str(out)], catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    return out, agencies


def _document(**changes: object) -> DocumentRow:
    row = DocumentRow(1, "甲局", 2025, "a.txt", "standard", dict.fromkeys(("error", "warning", "info",
                                                                          "not_assessable"), 0), (), "pass")
    return DocumentRow(**{**row.__dict__, **changes})


def test_days_late_counts_from_the_deadline_and_unknown_is_never_on_time() -> None:
    assert _document(published="2026-02-05", deadline="2026-01-31").days_late == 5
    assert _document(published="2026-01-31", deadline="2026-01-31").days_late == 0
    assert _document(published="2026-04-01", deadline="2026-03-31").days_late == 1
    assert _document(published=None, deadline="2026-01-31").days_late is None
    assert _document(published="2026-02-05", deadline=None).days_late is None  # the year or body unknown
    assert publication_word(_document(published="2026-02-05", deadline=None), "zh") == "2026-02-05 公布，期限无法确定"
    assert publication_word(_document(), "en") == "date unknown"


def test_collect_reads_each_documents_date_and_deadline(summarised: tuple[Path, dict[str, str]], tmp_path: Path
                                                        ) -> None:
    db = summarised[0].parent / "publication.db"
    summary = collect(db)
    by_file = {Path(d.path).name: d for d in summary.documents}
    assert (by_file[LATE].published, by_file[LATE].deadline, by_file[LATE].days_late) == ("2026-02-05",
                                                                                          "2026-01-31", 5)
    assert (by_file[ON_TIME].published, by_file[ON_TIME].deadline, by_file[ON_TIME].days_late) == (
        "2025-01-20", "2025-01-31", 0)
    assert by_file[UNDATED_PAGE].published is None and by_file[UNDATED_PAGE].publication_error == "no_date"
    assert by_file[NO_SIDECAR].published is None and by_file[NO_SIDECAR].publication_error is None
    assert [Path(d.path).name for d in late_documents(summary)] == [LATE]
    assert sorted(Path(d.path).name for d in unknown_publication(summary)) == sorted([UNDATED_PAGE, NO_SIDECAR])
    assert publication_counts(summary) == {"late": 1, "unknown": 2, "on_time": 1}


def test_agencies_csv_and_xlsx_have_a_publication_column(summarised: tuple[Path, dict[str, str]]) -> None:
    out, agencies = summarised
    with (out / "agencies.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "按期公布" and rows[0][-2] == "状态"  # appended: the columns before keep their places
    by_file = {Path(r[2]).name: r[-1] for r in rows[1:]}
    assert by_file == {LATE: "逾期 5 天（2026-02-05 公布，期限 2026-01-31）", ON_TIME: "按期（2025-01-20 公布）",
                       UNDATED_PAGE: "发布日期不明", NO_SIDECAR: "发布日期不明"}
    sheet = openpyxl.load_workbook(out / "summary.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("按期公布")
    cells = {Path(str(r[2])).name: r[column] for r in sheet.iter_rows(min_row=2, values_only=True) if r[2]}
    assert cells == by_file
    assert agencies[LATE] == "孟州市人民政府办公室"


def test_html_and_markdown_list_the_late_and_the_unknown(summarised: tuple[Path, dict[str, str]]) -> None:
    out, agencies = summarised
    page = (out / "summary.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>逾期公布与发布日期不明的报告</h2>"):]
    section = section[:section.index("<h2>", 4)]
    assert "逾期 1 份；发布日期不明或期限无法确定 2 份；按期 1 份。" in section
    late = section[section.index("<h3>逾期公布</h3>"):section.index("<h3>发布日期不明</h3>")]
    assert f"<td>{agencies[LATE]}</td>" in late
    assert '<td>2026-02-05</td><td>2026-01-31</td><td class="n">5</td>' in late
    assert ON_TIME not in section and agencies[ON_TIME] not in section
    unknown = section[section.index("<h3>发布日期不明</h3>"):]
    assert UNDATED_PAGE in unknown and "保存的网页未载明发布日期" in unknown
    assert NO_SIDECAR in unknown and "未提供发布日期" in unknown
    md = (out / "summary.md").read_text(encoding="utf-8")
    part = md[md.index("## 逾期公布与发布日期不明的报告"):]
    part = part[:part.index("\n## ")]
    assert f"- {agencies[LATE]}（2025，{LATE}）: 逾期 5 天（2026-02-05 公布，期限 2026-01-31）" in part
    unknown_md = part[part.index("### 发布日期不明"):]
    assert unknown_md.count("\n- ") == 2 and "保存的网页未载明发布日期" in unknown_md


def test_english_words(summarised: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    db = summarised[0].parent / "publication.db"
    result = CliRunner().invoke(main, ["summary", "--db", str(db), "--out", str(tmp_path), "--lang", "en"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## Reports published late or on an unknown date" in md
    assert "5 days late (published 2026-02-05, deadline 2026-01-31)" in md
    assert "the page saved states no publication date" in md


def test_a_jurisdictions_own_deadline_comes_from_its_configuration(tmp_path: Path) -> None:
    """A province that wants its departments' reports by 1月15日 says so in its run configuration (issue 13 part 6,
    `domain.md` M-DEADLINE): the audit's finding and the summary both count from that day."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / ON_TIME, folder / ON_TIME)  # on time by the 条例's 1月31日
    write_sidecar(folder, fixture_sidecar(folder / ON_TIME, "2025-01-20"))
    config = tmp_path / "auditor.yaml"
    config.write_text("parameters:\n  deadline_department: 115\n", encoding="utf-8")
    db, out = tmp_path / "a.db", tmp_path / "out"
    audited = CliRunner().invoke(main, ["audit", str(folder), "--config", str(config), "--db", str(db),
                                        "--fail-on", "none"], catch_exceptions=False)
    assert "发布日期为 2025-01-20，晚于 2025-01-15 的公布期限 5 天" in audited.output
    plain = CliRunner().invoke(main, ["audit", str(folder), "--fail-on", "none"], catch_exceptions=False)
    assert "M-DEADLINE" not in plain.output  # without it, the 条例's day
    assert CliRunner().invoke(main, ["summary", "--db", str(db), "--out", str(out)]).exit_code == 0
    assert "逾期 5 天（2025-01-20 公布，期限 2025-01-15）" in (out / "summary.md").read_text(encoding="utf-8")
