"""Reports in traditional characters (繁体字) are read converted to simplified ones (ingest/script.py), and say so:
real 繁体 pages were "not a report" (exit 2) before."""

from __future__ import annotations

import html
from pathlib import Path

import opencc
import pytest

from auditor.audit import audit_file
from auditor.ingest import read_document
from auditor.ingest.script import is_traditional
from auditor.model import Verdict
from auditor.packs import Pack
from tests.conftest import CORPUS, SAMPLES

FOUND = Path(__file__).resolve().parent / "corpus" / "found"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"


def traditional(text: str) -> str:
    return str(opencc.OpenCC("s2t").convert(text))


def test_a_real_traditional_page_is_audited(packs: list[Pack]) -> None:
    """蓬江区发展和改革局 2024 (a mirror of the 江门 page, 「蓬江區發展和改革局2024年度政府信息公開工作年度報告」)."""
    result = audit_file(FOUND / "pengjiang-fgj-2024.txt", packs)
    assert result.verdict is Verdict.INCOMPLETE  # read; its tables are headings only
    assert result.report.agency == "蓬江区发展和改革局" and result.report.year == 2024
    assert result.coverage is not None and result.coverage.sections == (1, 2, 3, 4, 5, 6)
    assert "traditional_script" in {p.slug for p in result.problems}
    assert not any(p.blocking for p in result.problems)


def as_html(text: str) -> str:
    """A text report as a web page: paragraphs, and each run of tab rows one <table>."""
    out, in_table = [], False
    for line in text.splitlines():
        row = "\t" in line
        if row != in_table:
            out.append("<table>" if row else "</table>")
            in_table = row
        out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>" if row
                   else f"<p>{html.escape(line)}</p>")
    return "<html><body>" + "".join(out) + ("</table>" if in_table else "") + "</body></html>"


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_a_report_converted_to_traditional_audits_as_the_simplified_one(packs: list[Pack], tmp_path: Path,
                                                                        fmt: str) -> None:
    text = S004.read_text(encoding="utf-8")
    assert "報告" in traditional(text)
    write = as_html if fmt == "html" else (lambda t: t)
    simple, old = tmp_path / f"simplified.{fmt}", tmp_path / f"traditional.{fmt}"
    simple.write_text(write(text), encoding="utf-8")
    old.write_text(write(traditional(text)), encoding="utf-8")
    converted, original = audit_file(old, packs), audit_file(simple, packs)
    assert "traditional_script" in {p.slug for p in converted.problems}
    assert "traditional_script" not in {p.slug for p in original.problems}
    assert original.findings and converted.verdict is original.verdict
    assert converted.report.agency == original.report.agency and converted.report.year == original.report.year
    assert [f.check_id for f in converted.findings] == [f.check_id for f in original.findings]
    assert [f.fingerprint for f in converted.findings] == [f.fingerprint for f in original.findings]


def test_simplified_reports_are_left_as_written() -> None:
    files = sorted(SAMPLES.glob("*.txt")) + (sorted(CORPUS.iterdir()) if CORPUS.is_dir() else [])
    for path in files:
        if path.suffix in {".txt", ".md", ".html"}:
            document = read_document(path)
            assert document.script is None, path.name
    assert not is_traditional("本机关收到政府信息公开申请 5 件，「發」字一处。")  # one traditional character quoted
