"""Which decision applies to a finding.

Decisions are appended, never changed (auditor/store/decisions.py), so the one that applies is worked out here: the
latest decision on the finding itself (scope "report", its fingerprint); else the latest waiver of the check for the
finding's body (scope "agency": any year's report of that body); else the latest waiver of the check for every body
(scope "all"). A decision on the finding itself outranks a broader waiver however old: a person who confirmed this
report's finding meant it. A waiver past its `until` day no longer applies (the next broader one may); a reopened
finding ("awaiting") is back in the queue, broader waivers notwithstanding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from auditor.model import Finding, Review, ReviewState
from auditor.store.agency import agency_stem
from auditor.store.decisions import NEEDS_REASON, SCOPES, STATES, Decision


class DecisionError(ValueError):
    """A decision that cannot be recorded as asked (no reason for a dismissal, a scope for a confirmation…): the
    message says why, in English and Chinese (the CLI prints the one of its --lang)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.messages = {"zh": zh, "en": en}


@dataclass(frozen=True)
class Subject:
    """What a decision is about: one finding of one body's report of one year (from a run, or from the store)."""

    fingerprint: str
    rule_id: str
    check_id: str
    agency: str | None
    year: int | None
    message: str = ""

    @classmethod
    def of(cls, finding: Finding, agency: str | None, year: int | None) -> Subject:
        return cls(finding.fingerprint, finding.rule_id, finding.check_id, agency, year, finding.message)


def decide(subject: Subject, state: str, *, reason: str = "", by: str, scope: str = "report",
           until: date | None = None, at: datetime | None = None) -> Decision:
    """A new decision on a finding, checked: a dismissal and a waiver need a reason, only a waiver reaches beyond
    its report or has an end date."""
    if state not in STATES:
        raise DecisionError(f"未知的审核结论「{state}」", f"unknown decision {state!r}")
    if scope not in SCOPES:
        raise DecisionError(f"未知的豁免范围「{scope}」", f"unknown scope {scope!r}")
    if state in NEEDS_REASON and not reason.strip():
        raise DecisionError("排除（误报）和豁免须写明理由（--reason）",
                            "a dismissal or a waiver needs a reason (--reason)")
    if state != "waived" and (scope != "report" or until is not None):
        raise DecisionError("只有豁免可以扩大范围或设定期限", "only a waiver has a wider scope or an end date")
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    if until is not None and until < moment.date():  # a typo of the year, most likely: it would waive nothing
        raise DecisionError(f"截止日期 {until.isoformat()} 已过：这项豁免不会对任何核查生效（请写今天或以后的日期）",
                            f"the last day {until.isoformat()} has passed: the waiver would apply to nothing "
                            "(give today or a later day)")
    when = moment.isoformat(timespec="seconds")
    return Decision(subject.fingerprint, subject.rule_id, subject.check_id,
                    agency_stem(subject.agency) if subject.agency else "", subject.year, state, scope, reason.strip(),
                    by, when, until.isoformat() if until else None, subject.message)


class Ledger:
    """The decisions of a store or a file, indexed for the lookups a run makes (one per finding)."""

    def __init__(self, decisions: Iterable[Decision], today: date | None = None, source: str = "store") -> None:
        self.today = (today or datetime.now(UTC).date()).isoformat()
        self.source = source
        self._report: dict[str, Decision] = {}
        self._agency: dict[tuple[str, str, str], list[Decision]] = {}
        self._all: dict[tuple[str, str], list[Decision]] = {}
        for d in sorted(decisions, key=lambda d: d.decided_at):  # oldest first: a later one replaces it
            if d.scope == "report":
                self._report[d.fingerprint] = d
            elif d.scope == "agency":
                self._agency.setdefault((d.rule_id, d.check_id, d.agency_stem), []).append(d)
            else:
                self._all.setdefault((d.rule_id, d.check_id), []).append(d)
        # Each report-scope decision that stands as a confirmation, by its year and body: asked once per audited
        # report (rectification), so indexed once rather than scanned each time.
        self._confirmed: dict[tuple[int | None, str], list[Decision]] = {}
        for d in self._report.values():
            if d.state == "confirmed" and self._live(d):
                self._confirmed.setdefault((d.year, d.agency_stem), []).append(d)

    def __len__(self) -> int:
        return len(self._report) + sum(len(v) for v in (*self._agency.values(), *self._all.values()))

    def decision(self, subject: Subject) -> Decision | None:
        """The decision that applies to the finding, None when it awaits review."""
        own = self._report.get(subject.fingerprint)
        if own is not None and self._live(own):
            return None if own.state == "awaiting" else own
        stem = agency_stem(subject.agency) if subject.agency else ""
        for candidates in (self._agency.get((subject.rule_id, subject.check_id, stem), []),
                           self._all.get((subject.rule_id, subject.check_id), [])):
            live = [d for d in candidates if self._live(d)]
            if live:
                return live[-1]
        return None

    def confirmed(self, year: int, agencies: Iterable[str]) -> list[Decision]:
        """The findings of `year` on the body (any of its names) whose latest decision is a confirmation, oldest
        decision first: what the office held against the body's report of that year."""
        stems = {agency_stem(a) for a in agencies if a}
        found = [d for stem in stems for d in self._confirmed.get((year, stem), ())]
        return sorted(found, key=lambda d: d.decided_at)

    def review(self, subject: Subject) -> Review | None:
        d = self.decision(subject)
        if d is None:
            return None
        return Review(ReviewState(d.state), d.reason, d.decided_by, d.decided_at, d.scope, d.until, self.source)

    def _live(self, d: Decision) -> bool:
        return d.until is None or d.until >= self.today
