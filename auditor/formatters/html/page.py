"""One report's page, as plain values for the template: its findings (each with where it is marked), its lines in
order with the tables placed where the report prints them, every value cell with the findings on it.

Nothing here writes markup: the template does, and Jinja2 escapes every value (after `visible`, see render.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auditor.describe import describe_key, describe_line
from auditor.facts.vocabulary import CHINESE_NUMERALS, TABLES, label
from auditor.formatters.html import grids
from auditor.formatters.html.words import SEVERITY_LABELS, STATE_LABELS, STATES, WORDS
from auditor.model import DocumentResult, Finding, Operand, ReportView, RuleInfo, Severity, ViewCell, ViewLine

_TITLES = {"t2": ("表二　主动公开政府信息情况", "Table 2: proactive disclosure"),
           "t3": ("表三　收到和处理政府信息公开申请情况", "Table 3: applications received and processed"),
           "t4": ("表四　政府信息公开行政复议、行政诉讼情况", "Table 4: administrative review and litigation")}


@dataclass(frozen=True)
class FindingItem:
    id: str
    severity: str  # error | warning | info
    state: str  # awaiting | confirmed | dismissed | waived | known
    finding: Finding
    where: str
    anchor: str | None  # the id of the cell or line it is marked on; None: shown in the list only
    evidence: tuple[str, ...]
    failed_by: str | None
    title: str = ""  # the rule's title and what to do about it, from the run's packs (RunStream.rules)
    remediation: str = ""


@dataclass
class CellItem:
    slot: grids.Slot
    cell: ViewCell | None = None
    findings: list[FindingItem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return "c-" + (self.slot.key or "").replace(".", "-")

    @property
    def worst(self) -> str:
        return _worst(self.findings)


@dataclass
class TableItem:
    id: str
    title: str
    rows: list[list[CellItem]]
    line: int  # where the report prints it: its first cell's line
    elsewhere: list[tuple[str, ViewCell]]  # cells read that the drawn template has no place for


@dataclass
class LineItem:
    line: ViewLine
    segments: list[tuple[str, str | None]]  # the text in pieces, each with the severity of a snippet it marks
    findings: list[FindingItem] = field(default_factory=list)
    new_page: int | None = None  # a paged file: the page this line is the first drawn line of

    @property
    def id(self) -> str:
        return f"L{self.line.line}"

    @property
    def worst(self) -> str:
        return _worst(self.findings)


@dataclass
class Page:
    document: DocumentResult
    findings: list[FindingItem]
    blocks: list[LineItem | TableItem]
    missing_tables: list[str]
    counts: dict[str, int]  # per severity and per review state


def _worst(findings: list[FindingItem]) -> str:
    return max(findings, key=lambda f: Severity.parse(f.severity)).severity if findings else ""


def _state(f: Finding) -> str:
    return f.review.state.value if f.review is not None else "awaiting"


def _cite(o: Operand, lang: str) -> str:
    where = describe_line(o.location.line, o.location.page, o.location.page_line, lang)
    if o.ref.startswith("claim."):
        what = ("正文「{}」" if lang == "zh" else "narrative '{}'").format(o.raw or "")
    else:
        what = f"{describe_key(o.ref, lang)} = {o.raw if o.raw else '—'}"
    return f"{what}（{where}）" if lang == "zh" else f"{what} ({where})"


def _evidence(f: Finding, lang: str) -> tuple[str, ...]:
    """The located operand and every non-zero one, as the text output cites them; zeros only counted."""
    located = [o for o in f.evidence.operands if o.location.line]
    cited = [o for i, o in enumerate(located) if i == 0 or o.value != 0]
    lines = [_cite(o, lang) for o in cited]
    zeros = len(located) - len(cited)
    if zeros:
        lines.append(f"其余 {zeros} 项为 0" if lang == "zh" else f"{zeros} more, all 0")
    return tuple(lines)


def _where(f: Finding, lang: str) -> str:
    words = WORDS[lang]
    loc = f.location
    if loc.table and loc.row and loc.column:
        cell = words["located_cell"].format(table=TABLES.get(loc.table, (loc.table, loc.table))[lang != "zh"],
                                            row=label(loc.row, lang), column=label(loc.column, lang))
        if loc.page is None:
            return cell
        page = describe_line(None, loc.page, None, lang)
        return f"{cell}（{page}）" if lang == "zh" else f"{cell} ({page})"
    parts = []
    if loc.section:
        n = CHINESE_NUMERALS[loc.section - 1] if lang == "zh" and loc.section <= 10 else str(loc.section)
        parts.append(words["section"].format(n=n))
    if loc.line:
        parts.append(describe_line(loc.line, loc.page, loc.page_line, lang))
    return " ".join(parts) or words["not_located"]


def _segments(text: str, marks: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """`text` cut around the first occurrence of each finding's snippet (non-overlapping, in order)."""
    spans: list[tuple[int, int, str]] = []
    for snippet, severity in marks:
        start = text.find(snippet) if snippet else -1
        if start < 0:
            continue
        end = start + len(snippet)
        if all(end <= a or start >= b for a, b, _ in spans):
            spans.append((start, end, severity))
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end, severity in sorted(spans):
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], severity))
        at = end
    if at < len(text) or not pieces:
        pieces.append((text[at:], None))
    return pieces


def _tables(view: ReportView, template: int | None, lang: str) -> tuple[list[TableItem], list[str]]:
    by_table: dict[str, dict[str, ViewCell]] = {}
    for c in view.cells:
        by_table.setdefault(c.table, {})[f"{c.table}.{c.row}.{c.column}"] = c
    drawn: list[TableItem] = []
    missing: list[str] = []
    for table in ("t2", "t3", "t4"):
        cells = by_table.get(table)
        if not cells:
            missing.append(WORDS[lang]["table_missing"].format(table=TABLES[table][lang != "zh"]))
            continue
        if table == "t2":
            grid = grids.table2(template, lang)
        elif table == "t3":
            grid = grids.table3(grids.t3_layout(set(cells), template), lang)
        else:
            grid = grids.table4(lang)
        rows = [[CellItem(slot, cells.get(slot.key) if slot.key else None) for slot in row] for row in grid]
        placed = grids.keys(grid)
        elsewhere = [(describe_key(k, lang), c) for k, c in cells.items() if k not in placed]
        drawn.append(TableItem(table, _TITLES[table][lang != "zh"], rows, min(c.line for c in cells.values()),
                               elsewhere))
    return drawn, missing


def build_page(d: DocumentResult, lang: str, rules: Mapping[str, RuleInfo] | None = None) -> Page:
    """`rules`: the run's rules by id, for each finding's rule title and remediation."""
    view = d.view or ReportView((), ())
    tables, missing = _tables(view, d.report.template, lang) if d.view is not None else ([], [])
    cells = {item.slot.key: item for t in tables for row in t.rows for item in row if item.slot.key and item.cell}
    lines = {v.line: v for v in view.lines}
    on_line: dict[int, list[FindingItem]] = {}
    items: list[FindingItem] = []
    for n, f in enumerate(d.findings, start=1):
        loc = f.location
        key = f"{loc.table}.{loc.row}.{loc.column}" if loc.table and loc.row and loc.column else None
        anchor = None
        if key in cells:
            anchor = cells[key].id
        elif loc.line in lines:
            anchor = f"L{loc.line}"
        rule = (rules or {}).get(f.rule_id)
        item = FindingItem(f"f{n}", f.severity.label, _state(f), f, _where(f, lang), anchor, _evidence(f, lang),
                           WORDS[lang][f"failed_by_{f.failed_by}"] if f.failed_by else None,
                           rule.title.get(lang, "") if rule else "", rule.remediation if rule else "")
        items.append(item)
        if key in cells:
            cells[key].findings.append(item)
        elif loc.line in lines:
            on_line.setdefault(loc.line, []).append(item)
    blocks: list[LineItem | TableItem] = []
    page = None
    for v in view.lines:
        marks = [(i.finding.location.snippet or "", i.severity) for i in on_line.get(v.line, [])]
        blocks.append(LineItem(v, _segments(v.text, marks), on_line.get(v.line, []),
                               v.page if v.page is not None and v.page != page else None))
        page = v.page if v.page is not None else page
    # A table goes before the first line printed after it (a web dump's one line holds both: the line first).
    for t in tables:
        at = next((i for i, b in enumerate(blocks) if isinstance(b, LineItem) and b.line.line > t.line), len(blocks))
        blocks.insert(at, t)
    counts = {s: sum(1 for i in items if i.severity == s) for s in SEVERITY_LABELS[lang]}
    counts.update({s: sum(1 for i in items if i.state == s) for s in STATES})
    return Page(d, items, blocks, missing, counts)


__all__ = ["STATE_LABELS", "Page", "build_page"]
