"""Decisions and a baseline applied to one document's result: its findings marked, nothing removed."""

from __future__ import annotations

import dataclasses

from auditor.model import DocumentResult, Review, ReviewState
from auditor.review.ledger import Ledger, Subject


def reviewed(document: DocumentResult, ledger: Ledger | None = None,
             baseline: frozenset[str] = frozenset()) -> DocumentResult:
    """The document with each finding's review: a person's decision when there is one, else "known" when the
    baseline holds its fingerprint, else none (awaiting review). A finding stays in the result either way: what is
    dismissed or waived is shown, and only not counted (Finding.counts)."""
    if not document.findings or (ledger is None and not baseline):
        return document
    findings = []
    for finding in document.findings:
        subject = Subject.of(finding, document.report.agency, document.report.year)
        review = ledger.review(subject) if ledger is not None else None
        if review is None and finding.fingerprint in baseline:
            review = Review(ReviewState.KNOWN, source="baseline")
        findings.append(finding if review is None else dataclasses.replace(finding, review=review))
    return dataclasses.replace(document, findings=tuple(findings))
