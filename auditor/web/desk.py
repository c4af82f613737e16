"""What the supervisor's pages show, read from the store through the library the CLI uses: the year's summary
(auditor.summary.summarise), its review queue (auditor.review.queue: one item per fingerprint, with the decision that
applies through Ledger), a document as its annotated page draws it, and last year's confirmed findings matched with
this year's reports (auditor.review.rectification). No route computes any of this itself."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from auditor.config import RunConfig
from auditor.model import DocumentResult, ReportInfo
from auditor.packs import Pack
from auditor.review import Ledger, Subject, reviewed
from auditor.review.queue import FILTERS, queue
from auditor.review.rectification import rectify, status
from auditor.store import Store
from auditor.store.accounts import Accounts, DocumentRow, Upload
from auditor.summary import Summary, SummaryError, summarise
from auditor.summary.collect import STATUSES
from auditor.web import results

REVIEW_STATES = tuple(s for s in FILTERS if s != "all")


@dataclass(frozen=True)
class Dashboard:
    year: int | None
    years: tuple[int, ...]
    summary: Summary | None  # None: no document of the year yet
    statuses: dict[str, int]  # summary status → documents
    reviews: dict[str, int]  # review state → findings (one per fingerprint)
    uploads: int  # every upload of the year's documents, submitted or not, across agencies
    pending: int  # self-checks not (yet) submitted


def years(accounts: Accounts) -> tuple[int, ...]:
    return tuple(sorted({d.year for d in accounts.documents() if d.year is not None}))


def dashboard(store: Store, db: Path | str, year: int | None, packs: list[Pack], config: RunConfig) -> Dashboard:
    """`db`: where `store` is, as the application was given it (summarise opens it again)."""
    accounts = Accounts(store)
    known = years(accounts)
    if year is None and known:
        year = known[-1]
    summary: Summary | None = None
    if year is not None and year in known:
        try:
            summary = summarise(db, year, None, config, packs)
        except SummaryError:
            summary = None
    statuses = summary.status_counts if summary is not None else dict.fromkeys(STATUSES, 0)
    counted = Counter(i.state for i in queue(store, year)) if year is not None else Counter()
    uploads = accounts.uploads()
    return Dashboard(year, known, summary, statuses, {s: counted.get(s, 0) for s in REVIEW_STATES},
                     len(uploads), sum(1 for u in uploads if u.submitted_at is None))


def document_result(store: Store, document: DocumentRow, upload: Upload | None,
                    aliases: Mapping[str, tuple[str, ...]]) -> tuple[DocumentResult, bool]:
    """The recorded document as a page shows it, with the decisions that apply now and last year's confirmed
    findings matched; and whether it carries the report's lines and cells (an upload's audit does; a document that
    `audit --db` recorded has its findings only)."""
    ledger = Ledger(store.decisions())
    if upload is not None and upload.result:
        result = results.load(upload.result)
    else:
        result = DocumentResult(document.path, document.format,
                                ReportInfo(None, document.agency, document.year, document.template), document.pack,
                                findings=results.findings(store.findings_of(document.id)), passed=document.passed)
    result = reviewed(result, ledger)
    if len(ledger) and result.coverage is not None:
        names = aliases.get(result.report.agency or "", ())
        result = dataclasses.replace(result, rectification=rectify(result, ledger, names))
    return result, result.view is not None


def shown(result: DocumentResult, store: Store) -> DocumentResult:
    """An upload's stored audit (a self-check) with the decisions that apply now."""
    return reviewed(result, Ledger(store.decisions()))


def subject_of(result: DocumentResult, fingerprint: str) -> Subject | None:
    """The finding of this document with that fingerprint, as a decision names it; None if it has none such."""
    for finding in result.findings:
        if finding.fingerprint and finding.fingerprint == fingerprint:
            return Subject.of(finding, result.report.agency, result.report.year)
    return None


@dataclass(frozen=True)
class RectificationRow:
    document_id: int
    agency: str
    check_id: str
    rule_id: str
    last_message: str
    status: str  # fixed | repeated | not_assessable


def rectification(store: Store, year: int, aliases: Mapping[str, tuple[str, ...]]) -> list[RectificationRow]:
    """For each report of `year`, last year's confirmed findings on its body and what became of each: the check
    failing again (repeated), passing (fixed), or not made this year (not assessable), as auditor.review.rectify
    judges a run's document, from what the store recorded of this year's audit."""
    ledger = Ledger(store.decisions())
    rows: list[RectificationRow] = []
    for document in Accounts(store).documents(year):
        if document.agency is None:
            continue
        confirmed = ledger.confirmed(year - 1, (document.agency, *aliases.get(document.agency, ())))
        if not confirmed:
            continue
        findings = results.findings(store.findings_of(document.id))
        standing = {f.check_id: f.fingerprint for f in reviewed(
            DocumentResult(document.path, document.format, ReportInfo(None, document.agency, year, None),
                           document.pack, findings=findings), ledger).findings if f.stands}
        checks = store.checks_of(document.id) or {"passed": []}
        seen: set[str] = set()
        for decision in confirmed:
            if decision.check_id in seen:
                continue
            seen.add(decision.check_id)
            state, _ = status(decision.check_id, standing, checks.get("passed", []))
            rows.append(RectificationRow(document.id, document.agency, decision.check_id, decision.rule_id,
                                         decision.message, state))
    return rows


def history(accounts: Accounts, agency: str) -> tuple[list[DocumentRow], list[Upload]]:
    """An agency's recorded documents (every year) and its uploads, newest first."""
    documents = [d for d in accounts.documents() if d.agency == agency]
    uploads = accounts.uploads(agency)
    ids = {u.document_id for u in uploads if u.document_id is not None}
    documents += [d for i in sorted(ids) if (d := accounts.document(i)) is not None and d not in documents]
    return sorted(documents, key=lambda d: d.audited_at, reverse=True), uploads


def json_counts(board: Dashboard) -> str:
    """The dashboard's numbers, for a script or a test that polls them."""
    return json.dumps({"year": board.year, "statuses": board.statuses, "reviews": board.reviews,
                       "uploads": board.uploads, "pending": board.pending}, ensure_ascii=False)
