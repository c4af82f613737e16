"""The pipeline for one file and for many: ingest → facts → pack selection → engine → findings.

Nothing here raises for bad input: every failure becomes a Problem on that file's result, and the other files'
results are kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path

from auditor.batch import jobs_wanted, run_parallel
from auditor.engine import Engine, EngineError, process_engine
from auditor.evaluate import evaluate
from auditor.facts import ReportFacts, agency_classes, extract_facts
from auditor.facts.claims import extract_claims
from auditor.facts.model import History, Prepared, from_json
from auditor.findings import build_finding, build_not_assessable
from auditor.ingest import IngestError, read_document
from auditor.model import DocumentResult, Problem, ReportInfo, RunResult, RunStream, Severity, Status
from auditor.packs.model import Pack
from auditor.problems import is_input_error, problem
from auditor.store import Store, last_year, with_history
from auditor.store.peers import PeerIndex

# Files a folder walk picks up; anything named explicitly on the command line is read whatever its name.
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}

# Documents recorded per store transaction: one commit per batch, not per file (Store.batch).
RECORD_BATCH = 64

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def select_pack(packs: Iterable[Pack], facts: ReportFacts) -> Pack | None:
    """The pack for the report's template (chosen by its year, as DQC's ruleset map chooses by taxonomy)."""
    template = facts.template
    if template is None and "t3.other.unpaid_fee.total" in facts.cells:
        template = 2021  # no year in the title, but (六)2 exists only in the 2021 layout
    return next((p for p in packs if template in p.templates), None)


def read_facts(path: Path, packs: list[Pack]) -> tuple[ReportFacts, Pack | None]:
    """Facts for one file, with the narrative claims of the pack that applies. Raises IngestError."""
    document = read_document(path)
    facts = extract_facts(document)
    if not facts.sections and not facts.tables_found:
        raise IngestError("structure_not_found", title=facts.title) if facts.title else IngestError("not_a_report")
    if facts.cells and facts.year is None and not any(c.status == "number" for c in facts.cells.values()):
        raise IngestError("blank_template")  # audited, it would be a report full of "not assessable", or worse, zeros
    pack = select_pack(packs, facts)
    if pack is not None:
        aliases = pack.agency_aliases.get(facts.agency or "", ())
        claims = extract_claims(facts.paragraphs, pack.extractors, facts.agency, aliases)
        facts = dataclasses.replace(facts, claims=claims,
                                    values={**facts.values, **agency_classes(facts, pack.agency_classes)})
    return facts, pack


def audit_file(path: Path, packs: list[Pack], lang: str = "zh", engine: Engine | None = None,
               history: History | None = None, facts: ReportFacts | None = None) -> DocumentResult:
    """Audit one file. `history`: what the history store gives the cross-report rules (last year's report of the same
    body as `prev.*` values, the comparisons of texts with it and with other bodies' reports of the year); without
    it they are not assessable.
    `facts`: the file's facts as read_facts gave them, when the caller has read it already."""
    shown = str(path)
    try:
        if facts is None:
            facts, pack = read_facts(path, packs)
        else:
            pack = select_pack(packs, facts)
        if history:
            facts = with_history(facts, history)
    except IngestError as exc:
        return DocumentResult(shown, None, ReportInfo(None, None, None, None), None,
                              problems=(problem(exc.slug, lang, shown, **exc.values),))
    info = ReportInfo(facts.title, facts.agency, facts.year, facts.template)
    problems = [problem(i.slug, lang, shown, **i.values) for i in facts.issues]
    if pack is None:
        problems.append(problem("no_pack_for_template", lang, shown, template=facts.template or "?",
                                year=facts.year or "?"))
        return DocumentResult(shown, facts.format, info, None, problems=tuple(problems))
    try:
        evaluation = evaluate(pack, facts, engine or process_engine())
    except EngineError as exc:
        problems.append(problem("engine_error", lang, shown, reason=str(exc)))
        return DocumentResult(shown, facts.format, info, pack.label, problems=tuple(problems))
    for check_id, engine_said, reference_said in evaluation.disagreements:
        problems.append(problem("engine_disagreement", lang, shown, check=check_id, engine=engine_said,
                                reference=reference_said))
    findings = [build_finding(o, pack.rules_by_id[o.check.rule_id], facts, lang, pack.claim_sections)
                for o in evaluation.outcomes if o.status is Status.FAILED]
    findings.sort(key=lambda f: (-f.severity, f.location.line or 0, f.rule_id, f.check_id))
    unassessed = tuple(build_not_assessable(o, facts, lang)
                       for o in evaluation.outcomes if o.status is Status.NOT_ASSESSABLE)
    passed = sum(1 for o in evaluation.outcomes if o.status is Status.PASSED)
    return DocumentResult(shown, facts.format, info, pack.label, tuple(findings), passed, unassessed,
                          tuple(problems))


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in a stable order: explicit files as given, folders walked recursively and sorted."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in REPORT_SUFFIXES:
                    yield child
        else:
            yield path


def audit_guarded(path: Path, packs: list[Pack], lang: str, prepared: Prepared | None = None) -> DocumentResult:
    """A bug met on one file must not cost the others: it becomes that file's `internal_error` problem (exit 2).
    `prepared`: the file as a batch's first pass read it, so it is not read again."""
    try:
        if prepared is None:
            return audit_file(path, packs, lang)
        return audit_file(path, packs, lang, history=prepared.history, facts=prepared.facts)
    except Exception as exc:  # reported, never swallowed: the run exits 2 and names the file
        reason = f"{type(exc).__name__}: {exc}"
        return DocumentResult(str(path), None, ReportInfo(None, None, None, None), None,
                              problems=(problem("internal_error", lang, str(path), reason=reason),))


def audit_paths(paths: Iterable[Path], packs: list[Pack], lang: str = "zh", jobs: int = 1,
                progress: Callable[[int], Callable[[], None]] | None = None, store: Store | None = None) -> RunResult:
    """audit_stream, with every document kept: for a library caller or a test that wants the whole run at once."""
    run = audit_stream(paths, packs, lang, jobs, progress, store)
    return RunResult(documents=tuple(run.documents), problems=run.problems, lang=lang)


def audit_stream(paths: Iterable[Path], packs: list[Pack], lang: str = "zh", jobs: int = 1,
                 progress: Callable[[int], Callable[[], None]] | None = None,
                 store: Store | None = None) -> RunStream:
    """Audit files and folders, each document's result yielded as soon as it and those before it are done, so a
    batch of any size holds only the few in flight. `jobs` > 1 runs that many worker processes (0: one per core);
    the documents come in the same order either way. `progress(total)` gives a function called once per file.

    With a history `store`, every file's facts are recorded first, so a report finds last year's report of the same
    body, and the other bodies' reports of its year, even when they are in this run; each is then audited with what
    the store gives it (History), its facts read back from the store, and recorded with its findings. Recording is
    idempotent per file content, so a run killed midway is completed by running it again. The store must stay open
    until the documents have been consumed."""
    files: list[Path] = []
    empty: list[Path] = []  # folders given that hold no report file
    for given in paths:
        found = list(expand([given]))
        if given.is_dir() and not found:
            empty.append(given)
        files.extend(found)
    problems = tuple(problem("no_input_files", lang, str(p)) for p in empty)
    return RunStream(_documents(files, packs, lang, jobs, progress, store), problems, lang)


def _documents(files: list[Path], packs: list[Pack], lang: str, jobs: int,
               progress: Callable[[int], Callable[[], None]] | None, store: Store | None) -> Iterator[DocumentResult]:
    tick = progress(len(files)) if progress else (lambda: None)
    prepare: Callable[[Path], Prepared | None] = lambda _: None  # noqa: E731 - without a store, nothing read ahead
    recorded: dict[Path, int] = {}
    if store is not None:
        recorded = _record_all(files, packs, store)
        years = store.years_of(recorded.values())
        peers = {year: PeerIndex.of_year(store, year) for year in years}
        prepare = partial(_prepared, store=store, packs=packs, recorded=recorded, peers=peers)
    workers = min(jobs_wanted(jobs), len(files))
    if workers > 1:
        results = run_parallel(audit_guarded, files, packs, lang, workers, tick, prepare)
    else:
        results = _serially(files, packs, lang, tick, prepare)
    if store is None:
        yield from results
        return
    done: list[tuple[Path, DocumentResult]] = []
    for path, result in zip(files, results, strict=True):
        done.append((path, result))
        if len(done) == RECORD_BATCH:
            _record_results(store, done, recorded)
            done = []
        yield result
    _record_results(store, done, recorded)


def _serially(files: list[Path], packs: list[Pack], lang: str, tick: Callable[[], None],
              prepare: Callable[[Path], Prepared | None]) -> Iterator[DocumentResult]:
    for path in files:
        result = audit_guarded(path, packs, lang, prepare(path))
        tick()
        yield result


def _record_all(files: list[Path], packs: list[Pack], store: Store) -> dict[Path, int]:
    """Every readable file's facts recorded in the store (without findings yet), and its document id: this run's own
    reports are last year's, and the year's peers, for each other. The facts are not kept: the audit reads them
    back from the store, one file at a time."""
    recorded: dict[Path, int] = {}
    for start in range(0, len(files), RECORD_BATCH):
        with store.batch():
            for path in files[start:start + RECORD_BATCH]:
                try:
                    facts, pack = read_facts(path, packs)
                except Exception:  # noqa: BLE001 - the audit pass reports this file's problem; here it has no facts
                    continue
                recorded[path] = store.record(path, facts, DocumentResult(str(path), facts.format, ReportInfo(
                    facts.title, facts.agency, facts.year, facts.template), pack.label if pack else None))
    return recorded


def _prepared(path: Path, *, store: Store, packs: list[Pack], recorded: dict[Path, int],
              peers: dict[int, PeerIndex]) -> Prepared | None:
    """A recorded file's facts, read back from the store, and what the store gives its cross-report rules."""
    document_id = recorded.get(path)
    if document_id is None:
        return None  # not readable: the audit reports why
    facts = from_json(store.facts_of(document_id))
    return Prepared(facts, _history(store, facts, select_pack(packs, facts), document_id, peers))


def _record_results(store: Store, done: list[tuple[Path, DocumentResult]], recorded: dict[Path, int]) -> None:
    with store.batch():
        for path, result in done:
            if path in recorded:  # its facts were recorded by the first pass; now its findings
                store.record_result(recorded[path], result)
            else:  # no facts to keep, but the year's summary must still count it as unreadable
                store.record_unreadable(path, result)


def _history(store: Store, facts: ReportFacts, pack: Pack | None, document_id: int,
             peers: dict[int, PeerIndex]) -> History:
    """Last year's report of the same body, and the comparison with other bodies' reports of the year."""
    last = last_year(store, facts, pack.agency_aliases.get(facts.agency or "", ()) if pack else ())
    index = peers.get(facts.year) if facts.year is not None else None
    key = store.content_hash(document_id)
    copied = index.claims(facts, key) if index is not None and key is not None else ()
    return History(last.values, last.claims + copied)


class Tally:
    """What a run's exit code depends on, counted as its documents stream past (they are not kept)."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self.input_error = any(is_input_error(p) for p in problems)
        self.worst: Severity | None = None

    def watch(self, documents: Iterable[DocumentResult]) -> Iterator[DocumentResult]:
        for document in documents:
            self.input_error = self.input_error or any(is_input_error(p) for p in document.problems)
            for finding in document.findings:
                if self.worst is None or finding.severity > self.worst:
                    self.worst = finding.severity
            yield document

    def exit_code(self, fail_on: Severity | None) -> int:
        """2 when any input, pack or engine problem means the run cannot vouch for a file; else 1 for findings at or
        above `fail_on` (None: never); else 0."""
        if self.input_error:
            return EXIT_ERROR
        if fail_on is not None and self.worst is not None and self.worst >= fail_on:
            return EXIT_FINDINGS
        return EXIT_CLEAN


def exit_code(result: RunResult, fail_on: Severity | None) -> int:
    """Tally.exit_code of a whole run."""
    tally = Tally(result.problems)
    for _ in tally.watch(result.documents):
        pass
    return tally.exit_code(fail_on)
