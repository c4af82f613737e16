"""The pipeline for one file: ingest → facts → pack selection → engine → findings (a run over many: run.py).

Nothing here raises for bad input: every failure becomes a Problem on that file's result, and the other files'
results are kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from auditor import limits
from auditor.coverage import coverage
from auditor.engine import Engine, EngineError, process_engine
from auditor.evaluate import evaluate
from auditor.facts import ReportFacts, agency_classes, extract_facts
from auditor.facts.aspects import aspect_claims
from auditor.facts.claims import extract_claims
from auditor.facts.model import History, Issue, Prepared, Publication
from auditor.facts.padding import proactive_claims
from auditor.facts.publication import deadline_values, publication_values
from auditor.facts.sections import numbering_claims
from auditor.facts.unchecked import unchecked_numbers
from auditor.facts.vocabulary import CHINESE_NUMERALS
from auditor.fetch.sidecar import companions, fetched_publication
from auditor.findings import build_finding, build_not_assessable, line_text, located
from auditor.fingerprint import distinguish
from auditor.ingest import IngestError, read_document
from auditor.model import DocumentResult, ReportInfo, ReportView, Status, Unchecked, ViewCell, ViewLine
from auditor.packs.model import Pack
from auditor.problems import problem
from auditor.store import with_history

# Files a folder walk picks up; anything named explicitly on the command line is read whatever its name.
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".doc", ".wps", ".ofd",
                   ".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scans and photos: read through OCR (ingest/scan.py)
# Reports in formats not read yet: walked all the same, so each is a problem of its own (unsupported_format, exit 2),
# never a report that silently was not audited.
UNREAD_REPORT_SUFFIXES: set[str] = set()
IMAGE_SUFFIXES = {".bmp", ".gif", ".webp"}  # images OCR does not read: a scan comes as PDF, PNG, JPEG or TIFF


def select_pack(packs: Iterable[Pack], facts: ReportFacts) -> Pack | None:
    """The pack for the report's template (chosen by its year, as DQC's ruleset map chooses by taxonomy)."""
    template = facts.template
    if template is None and "t3.other.unpaid_fee.total" in facts.cells:
        template = 2021  # no year in the title, but (六)2 exists only in the 2021 layout
    return next((p for p in packs if template in p.templates), None)


def read_facts(path: Path, packs: list[Pack],
               published: Publication | None = None) -> tuple[ReportFacts, Pack | None]:
    """Facts for one file, with the narrative claims of the pack that applies and its publication date: `published`
    when the caller has it (an `audit --published` list), else the sidecar `auditor fetch` saved beside it. Raises
    IngestError."""
    document = read_document(path)
    facts = extract_facts(document)
    fetched = fetched_publication(path)
    publication = published or fetched
    if published is not None and published.date is not None and fetched is not None and fetched.date is not None \
            and published.date != fetched.date:
        # Both say when: the list wins, being what the office states now (a CMS date can be a later edit's), and
        # the run says so, so the page's date is not silently dropped.
        facts = dataclasses.replace(facts, issues=(*facts.issues, Issue("published_overrides_sidecar", {
            "where": published.where, "date": published.date or published.stated, "fetched": fetched.date,
            "sidecar": fetched.where})))
    if publication is not None:
        facts = dataclasses.replace(facts, publication=publication,
                                    values={**facts.values, **publication_values(publication)})
    if not facts.sections and not facts.tables_found:
        raise IngestError("structure_not_found", title=facts.title) if facts.title else IngestError("not_a_report")
    if facts.cells and facts.year is None and not any(c.status == "number" for c in facts.cells.values()):
        raise IngestError("blank_template")  # audited, it would be a report full of "not assessable", or worse, zeros
    pack = select_pack(packs, facts)
    if pack is not None:
        aliases = pack.agency_aliases.get(facts.agency or "", ())
        claims = extract_claims(facts.paragraphs, pack.extractors, facts.agency, aliases)
        claims += aspect_claims(facts.paragraphs) + proactive_claims(facts.paragraphs)
        claims += numbering_claims(facts.sections, CHINESE_NUMERALS)
        values = {**facts.values, **agency_classes(facts, pack.agency_classes)}
        values.update(deadline_values(facts.year, values, pack.parameters))
        facts = dataclasses.replace(facts, claims=claims, values=values)
    return facts, pack


# How each kind of identity evidence (facts/identity.py) is named in a result.
_SOURCES = {
    "zh": {"title": "标题", "period": "统计期限", "self_named": "正文所称报告年度", "page_title": "网页标题",
           "file_name": "文件名", "opening": "总体情况首句", "signature": "落款", "layout": "表格格式（未能确定年度）"},
    "en": {"title": "the title", "period": "the statistics period", "self_named": "the report naming its year",
           "page_title": "the page's title", "file_name": "the file name", "opening": "the first sentence of 总体情况",
           "signature": "the signature", "layout": "the table layout (no year found)"},
}


def _source(facts: ReportFacts, kind: str | None, lang: str, of_year: bool) -> str | None:
    if kind is None:
        return None
    name = _SOURCES[lang][kind]
    evidence = next((e for e in facts.evidence if e.kind == kind and (e.year if of_year else e.agency)), None)
    if evidence is not None and evidence.line is not None:
        where = line_text(facts, evidence.line, lang)
        name += f"（{where}）" if lang == "zh" else f" ({where})"
    return name


def report_info(facts: ReportFacts, lang: str) -> ReportInfo:
    """The report's identity as a result gives it, with the evidence that decided its year and agency."""
    return ReportInfo(facts.title, facts.agency, facts.year, facts.template,
                      _source(facts, facts.year_source, lang, True), _source(facts, facts.agency_source, lang, False))


def _page(facts: ReportFacts, line: int, start: int | None = None) -> tuple[int | None, int | None]:
    at = located(facts, line=line, start=start)
    return at.page, at.page_line


def report_view(facts: ReportFacts) -> ReportView:
    """The report's title, headings, paragraphs and cells, for an output that draws it (a heading and a paragraph
    on one line: the heading)."""
    def line(number: int, section: int | None, text: str, heading: bool = False) -> ViewLine:
        return ViewLine(number, section, text, heading, *_page(facts, number))

    headings = {s.line: line(s.line, s.number, s.title, heading=True) for s in facts.sections if not s.inferred}
    if facts.title and facts.title_line is not None:
        headings.setdefault(facts.title_line, line(facts.title_line, None, facts.title, heading=True))
    lines = {**{p.line: line(p.line, p.section, p.text) for p in facts.paragraphs}, **headings}
    cells = tuple(ViewCell(c.table, c.row, c.column, c.raw, c.status, c.line, _page(facts, c.line)[0])
                  for c in facts.cells.values())
    return ReportView(tuple(lines[n] for n in sorted(lines)), cells, facts.title_line)


def audit_file(path: Path, packs: list[Pack], lang: str = "zh", engine: Engine | None = None,
               history: History | None = None, facts: ReportFacts | None = None,
               view: bool = False, published: Publication | None = None) -> DocumentResult:
    """Audit one file. `history`: what the history store gives the cross-report rules (last year's report of the same
    body as `prev.*` values, the comparisons of texts with it and with other bodies' reports of the year); without
    it they are not assessable.
    `facts`: the file's facts as read_facts gave them, when the caller has read it already.
    `view`: also give the result the report's lines and cells (ReportView), for an output that draws the report.
    `published`: the publication date the run was given for it (read_facts)."""
    shown = str(path)
    try:
        if facts is None:
            facts, pack = read_facts(path, packs, published)
        else:
            pack = select_pack(packs, facts)
        if history:
            facts = with_history(facts, history)
    except IngestError as exc:
        return DocumentResult.unread(shown, problem(exc.slug, lang, shown, **exc.values))
    info = report_info(facts, lang)
    drawn = report_view(facts) if view else None
    unchecked = tuple(Unchecked(u.line, u.section, u.clause, u.text, *_page(facts, u.line, u.start_column))
                      for u in unchecked_numbers(facts.paragraphs, facts.claims))
    problems = [problem(i.slug, lang, shown, **i.values) for i in facts.issues]
    if pack is None:
        problems.append(problem("no_pack_for_template", lang, shown, template=facts.template or "?",
                                year=facts.year or "?"))
        return DocumentResult(shown, facts.format, info, None, problems=tuple(problems),
                              coverage=coverage(facts, None, lang=lang, unchecked=unchecked), view=drawn)
    try:
        evaluation = evaluate(pack, facts, engine or process_engine())
    except EngineError as exc:
        problems.append(problem("engine_error", lang, shown, reason=str(exc)))
        return DocumentResult(shown, facts.format, info, pack.label, problems=tuple(problems),
                              coverage=coverage(facts, pack, lang=lang, unchecked=unchecked), view=drawn)
    for check_id, engine_said, reference_said in evaluation.disagreements:
        problems.append(problem("engine_disagreement", lang, shown, check=check_id, engine=engine_said,
                                reference=reference_said))
    findings = [build_finding(o, pack.rules_by_id[o.check.rule_id], facts, lang, pack.claim_sections)
                for o in evaluation.with_status(Status.FAILED)]
    findings.sort(key=lambda f: (-f.severity, f.location.line or 0, f.rule_id, f.check_id))
    findings = distinguish(findings)
    unassessed = tuple(build_not_assessable(o, facts, lang)
                       for o in evaluation.with_status(Status.NOT_ASSESSABLE))
    passed = [o.check.check_id for o in evaluation.outcomes if o.status is Status.PASSED]
    return DocumentResult(shown, facts.format, info, pack.label, tuple(findings), len(passed), unassessed,
                          tuple(problems), coverage(facts, pack, evaluation.outcomes, lang, unchecked),
                          tuple(dict.fromkeys(passed)), view=drawn)


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in a stable order: explicit files as given, folders walked recursively and sorted."""
    for path in paths:
        yield from walk(path)[0]


def walk(path: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to audit under `path` (itself when it is not a folder), sorted, and the files left out with why:
    "hidden" (a dot file, or in a dot folder), "image" (a picture in a format OCR does not read), "other" (not a
    report's format) or "fetched_page" (the page `auditor fetch` found the report's attachment on, kept as
    published). Nothing is left out in silence: a run lists them (problem `file_skipped`); only the sidecars of
    fetched reports are not listed, being read with their report."""
    if not path.is_dir():
        return [path], []
    candidates = sorted(c for c in path.rglob("*") if c.is_file())
    sidecars, pages = companions(candidates)
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for child in candidates:
        suffix = child.suffix.lower()
        if child in sidecars:
            continue
        if any(part.startswith(".") for part in child.relative_to(path).parts):
            skipped.append((child, "hidden"))
        elif child in pages:
            skipped.append((child, "fetched_page"))
        elif suffix in REPORT_SUFFIXES or suffix in UNREAD_REPORT_SUFFIXES:
            files.append(child)
        else:
            skipped.append((child, "image" if suffix in IMAGE_SUFFIXES else "other"))
    return files, skipped


def audit_guarded(path: Path, packs: list[Pack], lang: str, prepared: Prepared | None = None,
                  view: bool = False) -> DocumentResult:
    """A bug met on one file must not cost the others: it becomes that file's `internal_error` problem (exit 2).
    `prepared`: the file as a batch's first pass read it, so it is not read again. `view`: as audit_file's."""
    if prepared is not None and prepared.failure is not None:
        return _internal_error(path, lang, prepared.failure)
    try:
        if prepared is None:
            return audit_file(path, packs, lang, view=view)
        return audit_file(path, packs, lang, history=prepared.history, facts=prepared.facts, view=view,
                          published=prepared.published)
    except MemoryError:  # the worker's address-space cap (batch.py), reached by this file alone
        return DocumentResult.unread(str(path), problem(
            "limit_exceeded", lang, str(path),
            **limits.exceeded("处理所需内存", "the memory needed", limits.size_text(limits.WORKER_MEMORY_BYTES))))
    except Exception as exc:  # reported, never swallowed: the run exits 2 and names the file
        return _internal_error(path, lang, f"{type(exc).__name__}: {exc}")


def _internal_error(path: Path, lang: str, reason: str) -> DocumentResult:
    return DocumentResult.unread(str(path), problem("internal_error", lang, str(path), reason=reason))
