"""A run over many files: streamed one document at a time, in input order, with or without the history store.

Without a store each file is audited as it comes. With one, a first pass records every file's facts, so a report
finds last year's report of the same body and the other bodies' reports of its year even when they are in this run;
then each file's facts are read back from the store, given what the store holds for its cross-report rules
(History), audited, and recorded with its findings. Nothing holds more than the files in flight.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator, Iterable
from functools import partial
from itertools import islice
from pathlib import Path

from auditor.audit import audit_guarded, read_facts, select_pack, walk
from auditor.batch import SUPERVISED, Lost, Supervision, in_order, jobs_wanted, run_parallel
from auditor.facts.model import History, Prepared, ReportFacts, from_json
from auditor.model import DocumentResult, Problem, ReportInfo, RuleInfo, RunResult, RunStream, Severity, Verdict
from auditor.packs.model import Pack
from auditor.problems import is_input_error, problem
from auditor.review import Ledger, reviewed
from auditor.review.rectification import rectify
from auditor.store import Store, StoreError, last_year
from auditor.store.peers import PeerIndex

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INCOMPLETE = 3  # a report whose core checks could not run: never to be taken for a clean one

# Why a folder walk left a file out (audit.walk), as a run says it.
SKIP_REASONS = {
    "zh": {"hidden": "隐藏文件", "image": "图片（暂不支持文字识别）",
           "other": "不是报告的文件格式（可读 .txt .md .html .htm .docx .pdf）"},
    "en": {"hidden": "a hidden file", "image": "an image (no text recognition yet)",
           "other": "not a report's file format (.txt .md .html .htm .docx .pdf are read)"},
}

# Documents recorded per store transaction: one commit per batch, not per file (Store.batch).
RECORD_BATCH = 64

# progress(total, stage) gives a function called once per file done in that stage: "record" (the store's first
# pass, reading and recording every file) and "audit".
Progress = Callable[[int, str], Callable[[], None]]


def audit_paths(paths: Iterable[Path], packs: list[Pack], lang: str = "zh", jobs: int = 1,
                progress: Progress | None = None, store: Store | None = None,
                supervision: Supervision = SUPERVISED, ledger: Ledger | None = None,
                baseline: frozenset[str] = frozenset()) -> RunResult:
    """audit_stream, with every document kept: for a library caller or a test that wants the whole run at once."""
    run = audit_stream(paths, packs, lang, jobs, progress, store, supervision, ledger, baseline)
    return RunResult(documents=tuple(run.documents), problems=run.problems, lang=lang, rules=run.rules,
                     baseline=run.baseline)


def audit_stream(paths: Iterable[Path], packs: list[Pack], lang: str = "zh", jobs: int = 1,
                 progress: Progress | None = None, store: Store | None = None,
                 supervision: Supervision = SUPERVISED, ledger: Ledger | None = None,
                 baseline: frozenset[str] = frozenset(), view: bool = False) -> RunStream:
    """Audit files and folders, each document's result yielded as soon as it and those before it are done, each file
    in a supervised worker process (batch.py: a crash, a hang or a runaway allocation costs that file only). `jobs`
    is the number of workers (0: one per core); the documents come in the same order either way. `supervision`:
    each file's time limit, or IN_PROCESS with one job to audit in this process (for a caller that patches the
    pipeline, e.g. a test).
    `progress` is told of each file done, per stage (Progress). With a `store`, recording is idempotent per file
    content, so a run killed midway is completed by running it again; keep the store open until the documents are
    consumed, or close the documents first (what was audited is recorded then).
    `ledger` (review decisions, e.g. Ledger(store.decisions())) and `baseline` (fingerprints already known) mark
    each document's findings as they come (auditor.review.reviewed); the store records the findings unmarked.
    `view`: each document also carries the report's lines and cells (DocumentResult.view), for an output that draws
    the report (`--format html`); off, a result carries only what JSON and text print."""
    files: list[Path] = []
    empty: list[Path] = []  # folders given that hold no report file
    left_out: list[tuple[Path, str]] = []
    for given in paths:
        found, skipped = walk(given)
        if given.is_dir() and not found:
            empty.append(given)
        files.extend(found)
        left_out.extend(skipped)
    problems = tuple(problem("no_input_files", lang, str(p)) for p in empty) + tuple(
        problem("file_skipped", lang, str(p), reason=SKIP_REASONS[lang][why]) for p, why in left_out)
    documents = _documents(files, packs, lang, jobs, progress, store, supervision, view)
    if store is not None and ledger is None:
        ledger = Ledger(store.decisions())
    if ledger is not None or baseline:
        documents = _reviewed(documents, ledger, baseline, store, packs)
    return RunStream(documents, problems, lang, rule_infos(packs), bool(baseline))


def rule_infos(packs: Iterable[Pack]) -> tuple[RuleInfo, ...]:
    """One entry per rule id of the packs, in the packs' order. A pack that extends another takes its rules
    unchanged, so the first pack's metadata stands for every pack that has the rule."""
    found: dict[str, RuleInfo] = {}
    for pack in packs:
        for rule in pack.rules:
            if (known := found.get(rule.id)) is not None:
                found[rule.id] = dataclasses.replace(known, packs=(*known.packs, pack.label))
                continue
            found[rule.id] = RuleInfo(rule.id, rule.name, dict(rule.title), rule.severity, rule.category,
                                      rule.rationale, rule.remediation, rule.references, (pack.label,))
    return tuple(found.values())


def _reviewed(documents: Generator[DocumentResult, None, None], ledger: Ledger | None,
              baseline: frozenset[str], store: Store | None,
              packs: list[Pack]) -> Generator[DocumentResult, None, None]:
    """Each document with its findings' reviews and, with a store, last year's confirmed findings matched."""
    aliases = {p.label: p.agency_aliases for p in packs}
    rectifying = store is not None and ledger is not None and len(ledger) > 0  # no decision: nothing confirmed
    try:
        for document in documents:
            document = reviewed(document, ledger, baseline)
            if rectifying and ledger is not None:
                names = aliases.get(document.pack or "", {}).get(document.report.agency or "", ())
                document = dataclasses.replace(document, rectification=rectify(document, ledger, names))
            yield document
    finally:  # closing the run closes the audit under it (what was audited is recorded, the workers stop)
        documents.close()


def _documents(files: list[Path], packs: list[Pack], lang: str, jobs: int, progress: Progress | None,
               store: Store | None, supervision: Supervision,
               view: bool = False) -> Generator[DocumentResult, None, None]:
    prepare: Callable[[Path], Prepared | None] = _nothing  # without a store, nothing is read ahead
    recorded: dict[Path, int] = {}
    if store is not None:
        recorded = _record_all(files, packs, lang, jobs, store,
                               progress(len(files), "record") if progress else _quiet, supervision)
        peers = {year: PeerIndex.of_year(store, year) for year in store.years_of(recorded.values())}
        prepare = partial(_prepared, store=store, packs=packs, recorded=recorded, peers=peers)
    tick = progress(len(files), "audit") if progress else _quiet
    audit = partial(audit_guarded, view=True) if view else audit_guarded  # a partial pickles to the workers
    results = run_parallel(audit, files, packs, lang, jobs_wanted(jobs), tick, prepare, supervision)
    if store is None:
        yield from results
        return
    done: list[tuple[Path, DocumentResult]] = []
    try:
        for path, result in zip(files, results, strict=False):
            done.append((path, result))
            if len(done) == RECORD_BATCH:
                batch, done = done, []  # a batch the store refused (StoreError) is not tried again below
                _record_results(store, batch, recorded)
            yield result
    finally:  # also when the run is stopped early: what was audited is recorded
        try:
            if done:
                _record_results(store, done, recorded)
        finally:  # the store failing (StoreError) stops the workers now, not when the generator is collected
            _close(results)


def _quiet() -> None:
    pass


def _record_all(files: list[Path], packs: list[Pack], lang: str, jobs: int, store: Store,
                tick: Callable[[], None], supervision: Supervision = SUPERVISED) -> dict[Path, int]:
    """Every readable file's facts recorded in the store, and its document id: this run's own reports are last
    year's, and the year's peers, for each other. Files are read in `jobs` worker processes like the audit (reading
    a PDF is the slow part); recording stays here, in order. Until its audit is recorded, a document carries an
    `audit_pending` problem, so a run stopped in between never leaves it looking clean. The facts are not kept: the
    audit reads them back from the store, one file at a time."""
    read = in_order(_read_task, files, packs, jobs_wanted(jobs), _quiet, _nothing, _unread, supervision)
    recorded: dict[Path, int] = {}
    try:
        for start in range(0, len(files), RECORD_BATCH):
            with store.batch():
                for path, got in zip(files[start:start + RECORD_BATCH], islice(read, RECORD_BATCH), strict=True):
                    if got is not None:  # else unreadable: the audit pass reports why
                        facts, pack = got
                        pending = DocumentResult(str(path), facts.format, ReportInfo(
                            facts.title, facts.agency, facts.year, facts.template), pack,
                            problems=(problem("audit_pending", lang, str(path)),))
                        recorded[path] = store.record(path, facts, pending)
                    tick()  # once recorded, so the stage's bar ends when the last record is written
    finally:  # the store failing (StoreError: the disk full…) stops the readers now, not when collected
        _close(read)
    return recorded


def _close(iterator: Iterable[object]) -> None:
    if isinstance(iterator, Generator):
        iterator.close()


def _read_task(path: Path, _: None, packs: list[Pack]) -> tuple[ReportFacts, str | None] | None:
    """A file's facts and the label of its pack (run in a worker), or None when it cannot be read."""
    try:
        facts, pack = read_facts(path, packs)
    except Exception:  # noqa: BLE001 - the audit pass reports this file's problem; here it has no facts
        return None
    return facts, pack.label if pack else None


def _nothing(_: Path) -> None:
    return None


def _unread(_: Path, __: Lost) -> None:
    return None  # the audit pass meets the same file and says why it has no facts


def _prepared(path: Path, *, store: Store, packs: list[Pack], recorded: dict[Path, int],
              peers: dict[int, PeerIndex]) -> Prepared | None:
    """A recorded file's facts, read back from the store, and what the store gives its cross-report rules. A bug met
    here is this file's alone: it travels to the audit, which reports it as the file's internal_error."""
    document_id = recorded.get(path)
    if document_id is None:
        return None  # not readable: the audit reports why
    try:
        facts = from_json(store.facts_of(document_id))
        if facts.path != str(path):  # the same bytes under another name, recorded last: this file's own facts
            facts = read_facts(path, packs)[0]
        return Prepared(facts, _history(store, facts, select_pack(packs, facts), document_id, peers))
    except StoreError:  # the store, not this file: the run stops with the store's message (exit 2)
        raise
    except Exception as exc:  # noqa: BLE001 - reported with the file, never swallowed
        return Prepared(None, failure=f"{type(exc).__name__}: {exc}")


def _history(store: Store, facts: ReportFacts, pack: Pack | None, document_id: int,
             peers: dict[int, PeerIndex]) -> History:
    """Last year's report of the same body, and the comparison with other bodies' reports of the year."""
    last = last_year(store, facts, pack.agency_aliases.get(facts.agency or "", ()) if pack else ())
    index = peers.get(facts.year) if facts.year is not None else None
    key = store.content_hash(document_id)
    copied = index.claims(facts, key) if index is not None and key is not None else ()
    return History(last.values, last.claims + copied)


def _record_results(store: Store, done: list[tuple[Path, DocumentResult]], recorded: dict[Path, int]) -> None:
    with store.batch():
        for path, result in done:
            if path in recorded:  # its facts were recorded by the first pass; now its findings
                store.record_result(recorded[path], result)
            else:  # no facts to keep, but the year's summary must still count it as unreadable
                store.record_unreadable(path, result)


class Tally:
    """What a run's exit code depends on, counted as its documents stream past (they are not kept)."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.input_error = any(is_input_error(p) for p in problems)
        self.incomplete = False
        self.worst: Severity | None = None

    def watch(self, documents: Iterable[DocumentResult]) -> Generator[DocumentResult, None, None]:
        for document in documents:
            verdict = document.verdict
            self.input_error = self.input_error or verdict is Verdict.FAILED
            self.incomplete = self.incomplete or verdict is Verdict.INCOMPLETE
            for finding in document.findings:
                if not finding.counts:  # dismissed, waived, or known to the baseline: shown, not counted
                    continue
                if self.worst is None or finding.severity > self.worst:
                    self.worst = finding.severity
            yield document

    def exit_code(self, fail_on: Severity | None) -> int:
        """2 when any input, pack or engine problem means the run cannot vouch for a file; else 3 when a report's
        core checks could not run (unless `fail_on` is None: `--fail-on none` asks for 0 whatever was found); else 1
        for findings at or above `fail_on`; else 0."""
        if self.input_error:
            return EXIT_ERROR
        if fail_on is not None and self.incomplete:
            return EXIT_INCOMPLETE
        if fail_on is not None and self.worst is not None and self.worst >= fail_on:
            return EXIT_FINDINGS
        return EXIT_CLEAN
