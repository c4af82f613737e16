"""Each recorded report's annotated page, drawn from the history store: as the web application shows a document, and
as the `reports` writer puts it beside the year's summary (`reports/doc-12.html`), so every report the summary lists
links to its page (issue 11 part 5).

A document recorded with its whole result (store version 9) is drawn as its audit gave it: findings, coverage,
not-assessable checks and problems from `documents.result`, its lines and cells from its recorded facts. One
recorded before has its findings only; the web application shows those, the summary's folder gets no page for it
(a page without coverage would read as a failed audit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from auditor.audit import report_view
from auditor.facts.model import from_json
from auditor.formatters.html import page_html
from auditor.model import DocumentResult, ReportInfo
from auditor.review import Ledger, reviewed
from auditor.review.rectification import rectify
from auditor.store import Store, results
from auditor.store.accounts import Accounts, DocumentRow, Upload
from auditor.summary import register
from auditor.summary.collect import PAGE_FOLDER, Summary


def recorded(store: Store, document: DocumentRow, upload: Upload | None, aliases: Mapping[str, tuple[str, ...]],
             ledger: Ledger | None = None) -> tuple[DocumentResult, bool]:
    """The recorded document as its page shows it, with the decisions that apply now (`ledger`, default: the
    store's) and last year's confirmed findings matched; and whether it carries the report's lines and cells.
    `upload`: the web upload it was submitted from, whose stored result is the one shown. Raises
    results.ResultError for an upload's stored result this version cannot read."""
    ledger = ledger if ledger is not None else Ledger(store.decisions())
    result = _as_recorded(store, document, upload)
    result = reviewed(result, ledger)
    if len(ledger) and result.coverage is not None:
        names = aliases.get(result.report.agency or "", ())
        result = dataclasses.replace(result, rectification=rectify(result, ledger, names))
    return result, result.view is not None


def _as_recorded(store: Store, document: DocumentRow, upload: Upload | None) -> DocumentResult:
    if upload is not None and upload.result:
        return results.load(upload.result)
    try:
        whole = store.result_of(document.id)
    except results.ResultError:  # recorded by a version whose result this one cannot read: as one recorded before
        whole = None
    if whole is not None:
        return dataclasses.replace(whole, view=report_view(from_json(store.facts_of(document.id))))
    return DocumentResult(document.path, document.format,
                          ReportInfo(None, document.agency, document.year, document.template), document.pack,
                          findings=results.findings(store.findings_of(document.id)), passed=document.passed)


@register("reports")
def write_pages(summary: Summary, out: Path, lang: str) -> list[Path]:
    """`reports/doc-N.html` for each report the summary links to (Pages.href), one read and drawn at a time."""
    pages = summary.pages
    if pages is None or pages.web is not None:
        return []
    wanted = [d for d in summary.documents if pages.href(d) is not None]
    if not wanted:
        return []
    folder = out / PAGE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with Store(pages.db) as store:
        accounts = Accounts(store)
        ledger = Ledger(store.decisions())
        for doc in wanted:
            row = accounts.document(doc.document_id)
            if row is None:  # recorded again under another id since the summary read the store
                continue
            result, _ = recorded(store, row, None, pages.aliases, ledger)
            target = folder / f"{doc.anchor}.html"
            target.write_text(page_html(result, lang, "../summary.html", pages.rules), encoding="utf-8")
            written.append(target)
    return written
