"""`audit --published FILE`: publication dates given in a list reach a report's facts exactly as a fetch sidecar's
would, the lines that cannot be used are the run's problems, and a list that cannot be read is a usage error."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.audit import read_facts
from auditor.cli import main
from auditor.facts.model import to_json
from auditor.fetch import lists
from auditor.fetch.dates import parse_date
from auditor.fetch.published import read_published_list
from auditor.fetch.sidecar import write_sidecar
from auditor.packs import Pack
from auditor.ruletests import fixture_sidecar
from auditor.summary import collect
from tests.conftest import SAMPLES

DEPARTMENT = "002_9257bfa62931542d.txt"  # 孟州市人民政府办公室's 2025 report: due 2026-01-31
OTHER = "003_1299ff54e50d8c9c.txt"  # a 管委会's 2024 report: due 2025-01-31


def _folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _audit(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["audit", *args, "--format", "json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}, result.output


def _deadline(document: dict) -> tuple[list[str], list[str]]:  # type: ignore[type-arg]
    """(messages of M-DEADLINE findings, reasons it was not assessable) of one JSON document."""
    return ([f["message"] for f in document["findings"] if f["rule_id"] == "M-DEADLINE"],
            [n["reason"] for n in document["not_assessable"] if n["check_id"] == "M-DEADLINE"])


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-02-05", "2026-02-05"), ("2026/2/5", "2026-02-05"), ("2026.02.05", "2026-02-05"),
    ("2026年2月5日", "2026-02-05"), (" 2026-02-05 09:30 ", "2026-02-05"), ("2026-02-05T09:30:00", "2026-02-05"),
    ("2026-02-30", None), ("2026-13-01", None), ("5 Feb 2026", None), ("2026-02-05 and more", None), ("", None)])
def test_a_date_as_lists_write_it(text: str, expected: str | None) -> None:
    day = parse_date(text)
    assert (day.isoformat() if day else None) == expected


def test_the_list_reads_paths_beside_it_and_notes_the_lines_it_cannot_use(tmp_path: Path) -> None:
    listing = tmp_path / "dates.tsv"
    listing.write_text("# 发布日期\n\nsub/a.txt\t2026-01-20\nb.txt\t2026年1月9日\nb.txt\t2026-01-09\n"
                       "c.txt\t2026-13-01\nd.txt 2026-01-01\nsub/a.txt\t2026-01-21\n", encoding="gbk")
    read = read_published_list(listing)
    a, b, c = ((tmp_path / name).resolve() for name in ("sub/a.txt", "b.txt", "c.txt"))
    assert read.dates[b].date == "2026-01-09" and read.dates[b].where == "dates.tsv:4"  # the same date twice
    assert read.dates[b].source == "list" and read.dates[b].stated == "2026年1月9日"
    assert read.dates[c].date is None and "2026-13-01" in str(read.dates[c].error)
    assert read.dates[a].date is None and "dates.tsv:3 and dates.tsv:8" in str(read.dates[a].error)  # neither
    assert [(n.where, n.why) for n in read.notes] == [("dates.tsv:6", "bad_date"), ("dates.tsv:7", "no_tab"),
                                                      ("dates.tsv:8", "two_dates")]
    matched, notes = read.for_files([tmp_path / "b.txt"])
    assert list(matched) == [tmp_path / "b.txt"]
    assert [(n.where, n.why) for n in notes] == [("dates.tsv:3", "unmatched"), ("dates.tsv:6", "bad_date"),
                                                 ("dates.tsv:6", "unmatched"), ("dates.tsv:7", "no_tab"),
                                                 ("dates.tsv:8", "two_dates")]


def test_a_listed_date_is_the_facts_a_sidecar_would_give(tmp_path: Path, standard: Pack) -> None:
    folder = _folder(tmp_path, DEPARTMENT)
    listing = tmp_path / "dates.tsv"
    listing.write_text(f"reports/{DEPARTMENT}\t2026-02-05\n", encoding="utf-8")
    published = read_published_list(listing).dates[(folder / DEPARTMENT).resolve()]
    listed, _ = read_facts(folder / DEPARTMENT, [standard], published)
    write_sidecar(folder, fixture_sidecar(folder / DEPARTMENT, "2026-02-05"))
    fetched, _ = read_facts(folder / DEPARTMENT, [standard])
    assert listed.values == fetched.values and listed.values["report.published"] == 739652  # 2026-02-05's day
    assert to_json(listed)["publication"] == {"source": "list", "where": "dates.tsv:1", "date": "2026-02-05",
                                              "stated": "2026-02-05", "url": None, "error": None}


def test_the_command_judges_the_listed_dates_and_names_the_lines_not_used(tmp_path: Path) -> None:
    folder = _folder(tmp_path, DEPARTMENT, OTHER)
    listing = tmp_path / "dates.tsv"
    listing.write_text(f"reports/{DEPARTMENT}\t2026/2/5\nreports/{OTHER}\t2025-02-30\nreports/gone.txt\t2025-01-01\n",
                       encoding="utf-8")
    code, run, output = _audit(str(folder), "--published", str(listing))
    assert code == 1, output  # M-DEADLINE is an error; the list's lines are not input errors
    by_file = {Path(d["path"]).name: d for d in run["documents"]}
    late, _ = _deadline(by_file[DEPARTMENT])
    assert late == ["发布日期为 2026-02-05，晚于 2026-01-31 的公布期限 5 天。"]
    found, reasons = _deadline(by_file[OTHER])
    assert not found and reasons == ["发布日期无法取得（dates.tsv:2：「2025-02-30」 is not a date）"]
    unused = [p["message"] for p in run["problems"] if p["slug"] == "published_line_unused"]
    assert unused == [f"{listing}（dates.tsv:2）：reports/{OTHER} 的日期「2025-02-30」无法识别（如 2025-01-20），"
                      "该报告发布日期按不明计",
                      f"{listing}（dates.tsv:3）：reports/gone.txt 不是本次核查的文件"]


def test_the_list_wins_over_a_sidecar_that_disagrees_and_says_so(tmp_path: Path) -> None:
    folder = _folder(tmp_path, DEPARTMENT, OTHER)
    write_sidecar(folder, fixture_sidecar(folder / DEPARTMENT, "2026-01-20"))
    write_sidecar(folder, fixture_sidecar(folder / OTHER, "2025-01-10"))
    listing = folder / "dates.tsv"  # beside the reports: their names alone
    listing.write_text(f"{DEPARTMENT}\t2026-02-10\n{OTHER}\t2025-01-10\n", encoding="utf-8")
    code, run, output = _audit(str(folder), "--published", str(listing), "--lang", "en")
    by_file = {Path(d["path"]).name: d for d in run["documents"]}
    late, _ = _deadline(by_file[DEPARTMENT])
    assert late == ["Published on 2026-02-10, 10 days after the deadline of 2026-01-31."]
    notices = [p["message"] for p in by_file[DEPARTMENT]["problems"] if p["slug"] == "published_overrides_sidecar"]
    assert notices == [f"{folder / DEPARTMENT}: the --published list (dates.tsv:1) gives the publication date "
                       f"2026-02-10, not the 2026-01-20 the fetched page stated ({DEPARTMENT}.fetched.json); the "
                       "list's is used"]
    assert not [p for p in by_file[OTHER]["problems"] if p["slug"] == "published_overrides_sidecar"]  # they agree
    assert _deadline(by_file[OTHER]) == ([], [])  # on time


def test_a_list_that_cannot_be_read_is_a_usage_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, DEPARTMENT)
    binary = tmp_path / "dates.xlsx"
    binary.write_bytes(b"PK\x03\x04\0\0" * 50)
    for listing, words in ((tmp_path / "missing.tsv", "No such file"), (binary, "binary data")):
        result = CliRunner().invoke(main, ["audit", str(folder), "--published", str(listing)])
        assert result.exit_code == 2 and "无法读取发布日期清单" in result.output and words in result.output

def test_a_list_that_is_a_named_pipe_without_a_writer_does_not_hang_the_run(tmp_path: Path) -> None:
    """Read as the other bounded files are (resources.read_bounded): opened without waiting, an empty list."""
    folder = _folder(tmp_path, DEPARTMENT)
    pipe = tmp_path / "dates.tsv"
    os.mkfifo(pipe)
    code, _, _ = _audit(str(folder), "--published", str(pipe))
    assert code in (0, 1)  # audited: the reports' own findings, no date given


def test_a_list_over_its_limit_is_a_usage_error_naming_the_limit(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, DEPARTMENT)
    listing = tmp_path / "dates.tsv"
    listing.write_text("a.txt\t2025-01-20\n" * 10, encoding="utf-8")
    monkeypatch.setattr(lists, "MAX_LIST_BYTES", 64)
    result = CliRunner().invoke(main, ["audit", str(folder), "--published", str(listing)])
    assert result.exit_code == 2 and "无法读取发布日期清单" in result.output and "larger than" in result.output



def test_the_listed_dates_reach_the_store_and_the_summary(tmp_path: Path) -> None:
    folder = _folder(tmp_path, DEPARTMENT, OTHER)
    listing = tmp_path / "dates.tsv"
    listing.write_text(f"reports/{DEPARTMENT}\t2026-02-05\n", encoding="utf-8")
    db = tmp_path / "audits.db"
    code, run, output = _audit(str(folder), "--published", str(listing), "--db", str(db), "--jobs", "2")
    assert code == 1, output
    by_file = {Path(d.path).name: d for d in collect(db).documents}
    assert by_file[DEPARTMENT].days_late == 5 and by_file[OTHER].published is None
