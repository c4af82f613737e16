"""Each report the summary lists links to its annotated page (issue 11 part 5): `auditor summary` writes
reports/doc-N.html from what the store recorded (its whole result, store version 9, and its facts), the web
application's summary download links to its own page of each document, and a document recorded before version 9
gets no page in the folder (one without its coverage would read as a failed audit)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.audit import audit_file
from auditor.cli import main
from auditor.packs import Pack
from auditor.run import audit_paths
from auditor.store import Store
from auditor.store.accounts import Accounts
from auditor.summary import collect, write_all
from auditor.summary.collect import Pages
from auditor.summary.pages import recorded
from tests.conftest import CORPUS, SAMPLES

UNREADABLE = CORPUS / "blank-template-2021.docx"


@pytest.fixture()
def store(tmp_path: Path, packs: list[Pack]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (*sorted(SAMPLES.glob("*.txt")), UNREADABLE):
        shutil.copy(path, folder / path.name)
    db = tmp_path / "audits.db"
    with Store(db) as opened:
        audit_paths([folder], packs, store=opened)
    return db


def _links(html: str) -> dict[str, str]:
    """Each linked report's anchor → its href, from the summary's findings-by-agency section."""
    return dict(re.findall(r'<p class="report" id="(doc-\d+)">[^<]*<a class="page" href="([^"]+)"', html))


def test_the_summary_links_every_report_to_its_page(store: Path, tmp_path: Path, packs: list[Pack]) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["summary", "--db", str(store), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"已写出 {out / 'reports'}/（5 份报告的核查页）" in result.output
    links = _links((out / "summary.html").read_text(encoding="utf-8"))
    assert sorted(links.values()) == sorted(f"reports/{a}.html" for a in links) and len(links) == 5
    with Store(store) as opened:
        rows = {f"doc-{d.id}": d for d in Accounts(opened).documents()}
        stored = {anchor: opened.result_of(d.id) for anchor, d in rows.items()}
    for anchor, href in links.items():
        page = (out / href).read_text(encoding="utf-8")
        audited = audit_file(Path(rows[anchor].path), packs, "zh", view=True)
        assert audited.view is not None
        recorded_result = stored[anchor]
        assert recorded_result is not None
        # The page is the recorded audit's: its verdict, its not-assessable checks, every finding's message.
        assert f'class="verdict v-{recorded_result.verdict.value}"' in page
        assert f"无法评估的核查（{len(recorded_result.not_assessable)} 项）" in page
        assert all(f.message.split("「")[0] in page for f in recorded_result.findings)
        # Drawn from the recorded facts: the lines the audit itself would draw.
        assert set(re.findall(r'id="(L\d+)"', page)) == {f"L{v.line}" for v in audited.view.lines}
        assert 'href="../summary.html"' in page


def test_the_stored_result_is_the_audit_without_its_view(store: Path, packs: list[Pack]) -> None:
    with Store(store) as opened:
        for row in Accounts(opened).documents():
            stored = opened.result_of(row.id)
            assert stored is not None and stored.view is None
            audited = audit_file(Path(row.path), packs, "zh")
            assert [f.fingerprint for f in stored.findings] == [f.fingerprint for f in audited.findings]
            assert stored.findings and all(f.review is None for f in stored.findings)


def test_a_document_recorded_before_version_9_gets_no_page_in_the_folder(store: Path, tmp_path: Path) -> None:
    with sqlite3.connect(store) as db:
        first = db.execute("SELECT min(id) FROM documents").fetchone()[0]
        db.execute("UPDATE documents SET result = NULL WHERE id = ?", (first,))
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["summary", "--db", str(store), "--out", str(out)]).exit_code == 0
    links = _links((out / "summary.html").read_text(encoding="utf-8"))
    assert f"doc-{first}" not in links and len(links) == 4
    assert not (out / "reports" / f"doc-{first}.html").exists()
    with Store(store) as opened:  # the web application still shows its findings, undrawn
        row = Accounts(opened).document(first)
        assert row is not None
        result, drawn = recorded(opened, row, None, {})
        assert not drawn and result.findings and result.coverage is None


def test_a_stored_result_this_version_cannot_read_is_shown_as_findings_only(store: Path) -> None:
    with sqlite3.connect(store) as db:
        first = db.execute("SELECT min(id) FROM documents").fetchone()[0]
        db.execute("UPDATE documents SET result = ? WHERE id = ?", ('{"path": 3}', first))
    with Store(store) as opened:
        row = Accounts(opened).document(first)
        assert row is not None
        result, drawn = recorded(opened, row, None, {})
    assert not drawn and result.findings


def test_the_web_summary_links_to_the_applications_pages(store: Path, tmp_path: Path) -> None:
    summary = collect(store)
    assert summary.pages is None  # collect alone links nowhere; summarise (the CLI, the web) says where
    web = replace(summary, pages=Pages(str(store), {}, {}, web="https://gongkai.example.gov.cn/auditor/"))
    written = write_all(web, tmp_path / "out", "zh")
    assert not (tmp_path / "out" / "reports").exists()  # the application draws its pages itself
    links = _links(next(p for p in written if p.name == "summary.html").read_text(encoding="utf-8"))
    assert links and all(href == f"https://gongkai.example.gov.cn/auditor/documents/{a.removeprefix('doc-')}"
                         for a, href in links.items())


def test_the_summary_page_in_chromium_shows_the_findings_and_opens_a_reports_page(store: Path, tmp_path: Path,
                                                                                  chromium: Any) -> None:
    """summary.html as the office opens it (issue 11): drawn with no console error and nothing fetched, the findings
    readable by agency with their rule titles, and a report's link opening its annotated page from the folder."""
    from tests.browser import Watched

    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["summary", "--db", str(store), "--out", str(out)]).exit_code == 0
    w = Watched(chromium, out / "summary.html")
    try:
        text = w.page.inner_text("body")
        assert "焦作市城乡一体化示范区管委会" in text and "受理政府信息公开申请 9 件" in text
        headings = w.page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
        assert any("问题" in h for h in headings) and len(headings) >= 8
        assert w.page.eval_on_selector("body", "b => b.scrollWidth <= window.innerWidth + 1")  # nothing overflows
        w.page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
        link = w.page.locator("a.page").first
        target = link.get_attribute("href")
        assert target and target.startswith("reports/doc-")
        link.click()
        w.page.wait_for_load_state()
        assert w.page.url.endswith(target) and w.page.locator(".finding, [data-state]").count() >= 1
        assert not w.errors and all(r.startswith("file://") for r in w.requests), (w.errors, w.requests)
    finally:
        w.close()
