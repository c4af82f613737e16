"""Outcomes → findings: the message in the run's language, the location, the evidence down to the cell."""

from __future__ import annotations

from auditor import limits
from auditor.describe import describe_key, describe_line, describe_status
from auditor.evaluate import (
    APPROXIMATE,
    OUT_OF_RANGE,
    READINGS,
    READINGS_PER_INSTANCE,
    READINGS_PER_REPORT,
    TOO_MANY_READINGS,
    ZERO_DIVISOR,
    Outcome,
    members_read,
    referent,
)
from auditor.facts.model import ReportFacts
from auditor.facts.publication import DATE_VALUES, DEADLINE, NO_DATE, show_day
from auditor.facts.readings import READINGS_PER_ROW
from auditor.facts.similarity import COPIED, COPIED_FROM_PEER
from auditor.facts.vocabulary import TABLES, label
from auditor.fingerprint import fingerprint, meaning
from auditor.model import Evidence, Finding, Location, NotAssessable, Operand, Status
from auditor.packs.expr import Compare, Exists, Key, Node, Num
from auditor.packs.model import Rule
from auditor.packs.reference import Number, comparisons, fmt, holds, left_keys, terms, value
from auditor.store.previous import LAST_YEAR_MARK, PREVIOUS_PROBLEMS, STORE_MARK

# Claims the history store derives (last year's report, other bodies' reports): missing without it.
HISTORY_CLAIMS = (COPIED, COPIED_FROM_PEER, PREVIOUS_PROBLEMS)


def operands(outcome: Outcome, facts: ReportFacts, only: frozenset[str] | None = None) -> tuple[Operand, ...]:
    """The values an outcome read, each with its place (a claim first, then cells in the check's order); `only`:
    just those of these keys (a not-assessable outcome cites its missing values alone, so the others are not built)."""
    out: list[Operand] = []
    if outcome.claim is not None and (only is None or outcome.claim.key in only):
        c = outcome.claim
        out.append(Operand(c.key, c.value, c.text, "number", located(facts, section=c.section, line=c.line,
                                                                     snippet=c.text, start=c.start_column)))
    for spec in outcome.check.operands:
        for key in members_read(spec, facts) or (spec.key,):
            if only is not None and key not in only:
                continue
            kind, found = referent(key, facts)
            if kind not in ("prev", "cell"):
                continue  # claims are cited above; sections and report values have no cell to point at
            item, cell = found[0], found[0].cell
            if cell is None:  # absent, or last year's report (its value, no place in this file)
                out.append(Operand(key, item.value, None if item.status == "absent" else item.raw, item.status,
                                   Location()))
                continue
            out.append(Operand(key, cell.value, cell.raw, cell.status,
                               located(facts, section=cell.section, line=cell.line, table=cell.table, row=cell.row,
                                       column=cell.column, snippet=cell.raw)))
    return tuple(out)


def located(facts: ReportFacts, section: int | None = None, line: int | None = None, table: str | None = None,
            row: str | None = None, column: str | None = None, snippet: str | None = None,
            start: int | None = None) -> Location:
    """A Location, with the page and the line on it where the file is paged (ReportFacts.places); `start`: the
    column (from 1) where what is located begins in its paragraph, so a statement in the middle of a paragraph printed
    over several lines is placed on its own printed line."""
    place = facts.places[line - 1] if facts.places and line and line <= len(facts.places) else None
    if place is None:
        return Location(section, line, table, row, column, snippet)
    page, page_line = place.at(start - 1) if start else (place.page, place.line)
    return Location(section, line, table, row, column, snippet, page, page_line)


def line_text(facts: ReportFacts, line: int | None, lang: str, start: int | None = None) -> str:
    """「第 7 行」, or in a paged file 「第 3 页第 5 行」: where a message sends its reader."""
    at = located(facts, line=line, start=start)
    return describe_line(at.line, at.page, at.page_line, lang)


def _location(outcome: Outcome, evidence: tuple[Operand, ...], facts: ReportFacts,
              claim_sections: dict[str, tuple[int, ...]], rule: Rule) -> Location:
    """The claim for a narrative check; the left-hand cell of the first comparison; else the section the check is
    about (a `section.N` it requires, or the one section a claim kind is read from), at its heading line; else the
    section the rule says the requirement belongs in (a statement sought in the whole text and not found)."""
    if outcome.claim is not None:
        return evidence[0].location
    found = comparisons(outcome.check.node)
    wanted = left_keys(found[0].left) if found else []
    for operand in evidence:
        if operand.ref in wanted:
            return operand.location
    if evidence:
        return evidence[0].location
    for spec in outcome.check.operands:
        for key in spec.members or (spec.key,):
            sections = (int(key.removeprefix("section.")),) if key.startswith("section.") else claim_sections.get(key)
            if sections and len(sections) == 1:
                return _heading(facts, sections[0])
    return _heading(facts, rule.section) if rule.section else Location()


def _heading(facts: ReportFacts, number: int) -> Location:
    """The section's heading; a section the report lacks, where it was looked for: at the heading of the next section
    there (it belongs before it), else of the one before it."""
    heading = next((s for s in facts.sections if s.number == number), None)
    if heading is None:
        after = [s for s in facts.sections if s.number > number]
        before = [s for s in facts.sections if s.number < number]
        heading = min(after, key=lambda s: s.line) if after else max(before, key=lambda s: s.line, default=None)
    return located(facts, section=number, line=heading.line if heading else None)


def message_values(outcome: Outcome, lang: str, facts: ReportFacts) -> dict[str, str]:
    values: dict[str, str] = {}
    for var, bound in outcome.check.bindings:
        values[var] = bound
        values[f"{var}_label"] = label(bound, lang)
    node = outcome.check.node
    if isinstance(node, Exists):
        values["target"] = node.count.keys[0]
        values["target_label"] = describe_key(node.count.keys[0], lang)
        return values
    env = outcome.env
    closest: tuple[float, Number] | None = None
    for i, comparison in enumerate(comparisons(node)):
        try:
            lhs, rhs = value(comparison.left, env), value(comparison.right, env)
        except (KeyError, ZeroDivisionError):
            continue  # a reading this instance cannot take (an operand of another alternative is missing)
        suffix = "" if i == 0 else f"_{i}"
        values[f"lhs{suffix}"], values[f"rhs{suffix}"] = _show(comparison.left, lhs), _show(comparison.right, rhs)
        values[f"lhs_terms{suffix}"] = terms(comparison.left, env)
        values[f"rhs_terms{suffix}"] = terms(comparison.right, env)
        if closest is None or abs(lhs - rhs) < closest[0]:
            closest = (abs(lhs - rhs), rhs)
        if i == 0:
            values.update(found=_show(comparison.left, lhs), expected=_show(comparison.right, rhs),
                          diff=_difference(lhs - rhs, lang))
    if closest is not None:
        values.update(closest=_short(closest[1]), closest_diff=_short(closest[0]))
    if outcome.claim is not None:
        values["claim_text"] = outcome.claim.text
        values["claim_line"] = str(outcome.claim.line)
        values["claim_at"] = line_text(facts, outcome.claim.line, lang, outcome.claim.start_column)
        if outcome.claim.source is not None:
            values["claim_source"] = outcome.claim.source
    return values


def _difference(delta: Number, lang: str) -> str:
    """How the left side stands to the right, in words a reader need not decode: 「少 11」 / "11 less" (a signed
    「相差 -11」 leaves the reader to work out which side is larger). Messages put it after 「比…」 / "is … than"."""
    size = _short(abs(delta))
    if lang == "zh":
        return f"多 {size}" if delta > 0 else f"少 {size}"
    return f"{size} more" if delta > 0 else f"{size} less"


def _short(number: Number) -> str:
    """A computed number for a message: whole numbers as they are, ratios to two decimals (39.29, not 39.285714)."""
    return fmt(round(number, 2)) if isinstance(number, float) else fmt(number)


def _show(node: Node, number: Number) -> str:
    """A value as the report wrote it when it is one fact (96.0914 stays 96.0914); rounded when computed; a day
    (report.published) as its date."""
    if isinstance(node, Key) and node.key in DATE_VALUES:
        return show_day(number)
    return fmt(number) if isinstance(node, (Key, Num)) else _short(number)


def build_finding(outcome: Outcome, rule: Rule, facts: ReportFacts, lang: str,
                  claim_sections: dict[str, tuple[int, ...]] | None = None) -> Finding:
    evidence_ops = operands(outcome, facts)
    quoted = _quoted(outcome) if outcome.cases else outcome  # failed under every reading: quote the nearest one
    message, evidence = _worded(outcome, quoted, rule, facts, evidence_ops, lang)
    # The other languages' messages too (a failed check is rare, its words cheap): `summary --lang en` of a run in
    # Chinese shows each finding in English. The evidence stays in the run's language.
    translations = tuple((other, _worded(outcome, quoted, rule, facts, evidence_ops, other)[0])
                         for other in rule.message if other != lang)
    wording = outcome.claim is not None and (rule.no_claims_pass or _counts_matches(outcome))
    return Finding(rule_id=rule.id, rule_name=rule.name, check_id=outcome.check.check_id, severity=rule.severity,
                   message=message, location=_location(outcome, evidence_ops, facts, claim_sections or {}, rule),
                   evidence=evidence, failed_by=outcome.failed_by,
                   fingerprint=fingerprint(rule.id, outcome.check.check_id, facts.agency, facts.year,
                                           meaning(evidence_ops, wording)),
                   translations=translations)


def _worded(outcome: Outcome, quoted: Outcome, rule: Rule, facts: ReportFacts, evidence_ops: tuple[Operand, ...],
            lang: str) -> tuple[str, Evidence]:
    """The finding's message and evidence in `lang`."""
    values = message_values(quoted, lang, facts)
    values.update(agency=facts.agency or "?", year=str(facts.year or "?"))
    message = rule.message[lang].format_map(_Missing(values))
    evidence = _evidence(quoted, rule, values, evidence_ops, lang)
    if outcome.cases:
        message, evidence = _under_every_reading(outcome, quoted, message, evidence, facts, lang)
    return message, evidence


def _quoted(outcome: Outcome) -> Outcome:
    """The outcome under the reading nearest to holding (its first comparison's sides closest), the one a message
    quotes as its example: 21 of 121, 21 and 1 against a sum of 27."""
    found = comparisons(outcome.check.node)

    def gap(env: dict[str, Number]) -> float:
        try:
            return abs(value(found[0].left, env) - value(found[0].right, env)) if found else 0.0
        except (KeyError, ZeroDivisionError):
            return float("inf")

    nearest = min(outcome.cases, key=lambda c: gap(c.env))
    return Outcome(outcome.check, outcome.status, nearest.env, outcome.claim, failed_by=outcome.failed_by)


# Readings listed in a message; more are counted, not listed.
_LISTED_READINGS = 8


def _under_every_reading(outcome: Outcome, quoted: Outcome, message: str, evidence: Evidence, facts: ReportFacts,
                         lang: str) -> tuple[str, Evidence]:
    """A check failed under every reading of the digit runs it reads: the message says which runs, lists their
    readings and quotes the rule's message under the nearest; the evidence gives the readings on their side."""
    zh = lang == "zh"
    keys = [key for key, _ in outcome.cases[0].values]
    readings = [_reading(case.values, facts, lang) for case in outcome.cases]
    listed = readings[:_LISTED_READINGS]
    if len(readings) > len(listed):
        shown = ("、".join(listed) + " 等") if zh else (", ".join(listed) + ", …")
    elif len(listed) > 1:
        shown = ("、".join(listed[:-1]) + " 或 " + listed[-1]) if zh else (", ".join(listed[:-1]) + " or " + listed[-1])
    else:
        shown = listed[0]
    example = _reading(next(c.values for c in outcome.cases if c.env == quoted.env), facts, lang)
    runs = _runs(keys, facts, lang)
    n = len(readings)
    if zh:
        message = (f"{runs}，无法唯一拆分；本项用到的数字有 {n} 种读法（{shown}），每一种读法下本项都不成立。"
                   f"如读作 {example}：{message}")
    else:
        message = (f"{runs[:1].upper()}{runs[1:]}, which cannot be split one way; the values this check reads "
                   f"have {n} readings ({shown}) and the check fails under every one. Reading {example}: {message}")
    found = comparisons(outcome.check.node)
    on_left = bool(found) and bool(set(keys) & set(left_keys(found[0].left)))
    if on_left:
        return message, Evidence(expected=evidence.expected, found=shown, operands=evidence.operands)
    return message, Evidence(expected=shown, found=evidence.found, operands=evidence.operands)


def _reading(values: tuple[tuple[str, int], ...], facts: ReportFacts, lang: str) -> str:
    """One reading in words: the value alone for one cell, else each cell's row and column with its value."""
    if len(values) == 1:
        return fmt(values[0][1])
    parts = []
    for key, number in values:
        cell = facts.cells[key]
        row, column = label(cell.row, lang), label(cell.column, lang)
        parts.append(f"「{row}」行「{column}」列 {number}" if lang == "zh" else f"'{row}'/'{column}' {number}")
    return ("、" if lang == "zh" else ", ").join(parts)


def _runs(keys: list[str], facts: ReportFacts, lang: str) -> str:
    """The digit runs the cells come from, each with its row and line (「表三「（七）总计」行的数字连写为「…」
    （第 49 行）」)."""
    seen: dict[tuple[str, int, str], str] = {}
    for key in keys:
        cell = facts.cells[key]
        name = TABLES.get(cell.table, (cell.table, cell.table))[0 if lang == "zh" else 1]
        row = label(cell.row, lang)
        seen.setdefault((cell.table, cell.line, cell.raw),
                        f"{name}「{row}」行的数字连写为「{cell.raw}」（{line_text(facts, cell.line, lang)}）"
                        if lang == "zh" else
                        f"{name}, row '{row}', runs its digits together as '{cell.raw}' "
                        f"({line_text(facts, cell.line, lang)})")
    return ("，" if lang == "zh" else "; ").join(seen.values())


_OPERATORS = {"==": "", "!=": "≠ ", ">=": "≥ ", "<=": "≤ ", ">": "> ", "<": "< "}
_NOT_FOUND = {"zh": "未找到", "en": "not found"}


def _evidence(outcome: Outcome, rule: Rule, values: dict[str, str], operands_: tuple[Operand, ...],
              lang: str) -> Evidence:
    """What was expected and what the report gives, in the report's terms. A detector's evidence is the text it
    found (「expected 0 / found 1」 counts matches, which tells a reader nothing); an agency-class guard
    (`report.agency.x == 0 or …`) is not what failed, so the comparison after it is shown."""
    required = _required(rule, values, lang)
    claim = outcome.claim
    if claim is not None and (rule.no_claims_pass or _counts_matches(outcome)):
        return Evidence(expected=required, found=claim.text, operands=operands_)
    if "expected" not in values:  # exists() alone or combined: what was required, and that it is not there
        return Evidence(expected=required, found=_NOT_FOUND[lang], operands=operands_)
    if claim is None:
        shown = _failed_comparison(outcome)
        if shown is not None:
            return Evidence(expected=shown[0], found=shown[1], operands=operands_)
    return Evidence(expected=values["expected"], found=values["found"], operands=operands_)


def _counts_matches(outcome: Outcome) -> bool:
    """Whether the check is `claim == 0` alone: the claim's value counts what it found (YOY-PREV5's problems not
    taken up), and its text says what they are."""
    node = outcome.check.node
    return (isinstance(node, Compare) and node.op == "==" and isinstance(node.left, Key)
            and node.left.key.startswith("claim.") and isinstance(node.right, Num) and node.right.value == 0)


def _required(rule: Rule, values: dict[str, str], lang: str) -> str:
    """The rule's title, with what its loop variables stand for (「总体情况涵盖五个方面：监督保障」)."""
    bound = [values[f"{var}_label"] for var, _ in rule.for_each if f"{var}_label" in values]
    if values.get("target", "").startswith("section."):
        return values["target_label"]
    return rule.title[lang] + (("：" if lang == "zh" else ": ") + "、".join(bound) if bound else "")


def _failed_comparison(outcome: Outcome) -> tuple[str, str] | None:
    """(expected, found) of the last comparison that fails and is not an agency-class guard: guards come first
    (`report.agency.approval_bureau == 0 or t2.licensing.decisions > 0`), the substance last."""
    shown = None
    for comparison in comparisons(outcome.check.node):
        if isinstance(comparison.left, Key) and comparison.left.key.startswith("report.agency."):
            continue
        try:
            if holds(comparison, outcome.env):
                continue
            lhs, rhs = value(comparison.left, outcome.env), value(comparison.right, outcome.env)
        except (KeyError, ZeroDivisionError):
            continue
        operator = _OPERATORS.get(comparison.op, "") if isinstance(comparison, Compare) else ""
        shown = (operator + _show(comparison.right, rhs), _show(comparison.left, lhs))
    return shown


def build_not_assessable(outcome: Outcome, facts: ReportFacts, lang: str) -> NotAssessable:
    evidence = operands(outcome, facts, frozenset(outcome.missing) | frozenset(outcome.unsafe))
    reasons = _cause(outcome, lang) + _missing_reasons(outcome.missing, facts, lang)
    if outcome.cause in (READINGS, TOO_MANY_READINGS):  # which cells first, then what their readings gave
        reasons = reasons[1:] + reasons[:1]
    return NotAssessable(rule_id=outcome.check.rule_id, check_id=outcome.check.check_id,
                         reason=("；" if lang == "zh" else "; ").join(dict.fromkeys(reasons)),
                         operands=evidence)


def _cause(outcome: Outcome, lang: str) -> list[str]:
    """Why an instance with all its values present could still not be compared."""
    zh = lang == "zh"
    if outcome.cause == APPROXIMATE and outcome.claim is not None:
        return [f"正文所述为约数（「{outcome.claim.text}」）" if zh
                else f"the narrative gives an approximate number ('{outcome.claim.text}')"]
    if outcome.cause == ZERO_DIVISOR:
        zeros = [describe_key(k, lang) for k in _divisor_keys(outcome) if outcome.env.get(k) == 0]
        if zeros:
            return [f"{'、'.join(zeros)}为 0，无法计算占比" if zh else f"{', '.join(zeros)} is 0: no share to compute"]
        return ["分母为 0，无法计算占比" if zh else "a divisor is 0: no share to compute"]
    if outcome.cause == READINGS:
        n = len(outcome.cases)
        failed = sum(1 for c in outcome.cases if c.status is Status.FAILED)
        held = sum(1 for c in outcome.cases if c.status is Status.PASSED)
        other = n - failed - held
        if zh:
            rest = f"、{other} 种无法核对" if other else ""
            return [f"按本项用到的数字的 {n} 种读法逐一核对：{failed} 种不成立、{held} 种成立{rest}，无法断定"]
        rest = f", {other} cannot be checked" if other else ""
        return [f"checked under each of the {n} readings of the values it reads: {failed} "
                f"fail{'s' * (failed == 1)}, {held} hold{'s' * (held == 1)}{rest}; no conclusion"]
    if outcome.cause == TOO_MANY_READINGS:
        return [f"连写数字的读法组合过多（每项最多逐一核对 {READINGS_PER_INSTANCE} 种，每份报告最多 "
                f"{READINGS_PER_REPORT} 种），未逐一核对" if zh else
                f"too many combinations of readings of the digits run together (at most {READINGS_PER_INSTANCE} "
                f"are checked one by one per check, {READINGS_PER_REPORT} per report)"]
    if outcome.cause == OUT_OF_RANGE:
        bounds = f"{limits.ENGINE_MIN_ABS:g} ≤ |x| < {limits.ENGINE_MAX_ABS:.0e}".replace("e+", "e")
        computed = "计算所得的值" if zh else "a computed value"
        reasons = []
        for key in outcome.unsafe:
            what = describe_key(key, lang) if ":" not in key else computed
            shown = fmt(outcome.env[key])
            if len(shown) > 24:
                shown = f"{shown[:20]}…"
            reasons.append(f"{what}为 {shown}，超出规则引擎能精确比较的范围（{bounds}，或 0）" if zh else
                           f"{what} is {shown}, outside the range the rule engine compares exactly ({bounds}, or 0)")
        return reasons
    return []


def _divisor_keys(outcome: Outcome) -> list[str]:
    keys: list[str] = []
    for divisor in outcome.check.divisors:
        keys.extend(left_keys(divisor))
    return keys


def _missing_reasons(keys: tuple[str, ...], facts: ReportFacts, lang: str) -> list[str]:
    """One reason per missing value, except that the cells of one row missing for one reason are one reason naming
    their columns (「表三「本年新收」行「自然人」「商业企业」列为空白」), not seven sentences."""
    rows: dict[tuple[str, ...], list[str]] = {}
    reasons: list[str | tuple[str, ...]] = []
    for key in dict.fromkeys(keys):  # a key two operands share is missing once
        kind, found = referent(key, facts)
        cell = found[0].cell if kind == "cell" and found else None
        if cell is None or facts.cells.get(key) is None:
            reasons.append(_missing_reason(key, facts, lang))
            continue
        group = (cell.table, cell.row, cell.status, cell.raw, str(cell.line))
        if group not in rows:
            rows[group] = []
            reasons.append(group)
        rows[group].append(key)
    return [r if isinstance(r, str) else _row_reason(rows[r], facts, lang) for r in reasons]


def _row_reason(keys: list[str], facts: ReportFacts, lang: str) -> str:
    if len(keys) == 1:
        return _missing_reason(keys[0], facts, lang)
    cell = facts.cells[keys[0]]
    if lang == "zh":
        columns = "".join(f"「{label(facts.cells[k].column, lang)}」" for k in keys)
    else:
        columns = ", ".join(f"'{label(facts.cells[k].column, lang)}'" for k in keys)
    first = describe_key(keys[0], lang)
    shown = first.replace(f"「{label(cell.column, lang)}」列", f"{columns}列") if lang == "zh" else \
        first.replace(f"column '{label(cell.column, lang)}'", f"columns {columns}")
    return _missing_reason(keys[0], facts, lang).replace(first, shown, 1)


class _Reasons:
    """Each missing key's reason, worked out once per report: a key missing in one report is missing for every check
    that reads it (a blank row's cells for ten checks). Holds the last report's facts (compared by identity, never
    by an id that a new object could reuse) and its reasons by language and key."""

    def __init__(self) -> None:
        self.facts: ReportFacts | None = None
        self.found: dict[tuple[str, str], str] = {}

    def reason(self, key: str, facts: ReportFacts, lang: str) -> str:
        if facts is not self.facts:
            self.facts, self.found = facts, {}
        found = self.found.get((lang, key))
        if found is None:
            found = self.found[(lang, key)] = _reason(key, facts, lang)
        return found


_REASONS = _Reasons()


def _missing_reason(key: str, facts: ReportFacts, lang: str) -> str:
    return _REASONS.reason(key, facts, lang)


def _reason(key: str, facts: ReportFacts, lang: str) -> str:
    """The real reason one value is missing: no history store, no report of last year, a claim the narrative does
    not make, or the cell as the report wrote it."""
    kind, found = referent(key, facts)
    if key in HISTORY_CLAIMS or kind == "prev":
        reason = history_reason(key, facts, lang)
        if reason is not None:
            return reason
    if kind == "claim":
        return _claim_reason(key, lang)
    if key in DATE_VALUES:
        return publication_reason(key, facts, lang)
    if kind == "report":
        what = _REPORT_VALUES.get(key) or (_AGENCY_CLASS if key.startswith("report.agency.") else _REPORT_VALUE)
        return f"{what[0]}无法判断" if lang == "zh" else f"{what[1]} cannot be told"
    status, raw = (found[0].status, found[0].raw) if found else ("absent", "")
    run = found[0].cell if kind == "cell" and found else None
    if run is not None and run.reading_count:  # a digit run of several readings (facts.readings)
        many = run.reading_count > READINGS_PER_ROW
        if lang == "zh":
            count = f"读法超过 {READINGS_PER_ROW} 种，未逐一列出" if many else f"有 {run.reading_count} 种读法"
            return (f"{describe_key(key, lang)}无法确定：{line_text(facts, run.line, lang)}的数字无法与各列一一对应"
                    f"（连写为「{raw}」，{count}）")
        count = f"more than {READINGS_PER_ROW} readings, not listed" if many else f"{run.reading_count} readings"
        where = line_text(facts, run.line, lang)
        return (f"{describe_key(key, lang)} cannot be told: the numbers of its row ({where}) do not map onto "
                f"the columns one to one (run together as '{raw}', {count})")
    if kind == "cell" and status == "unreadable" and not raw.strip():  # a row read whose cells could not be placed
        cell = found[0].cell
        line = cell.line if cell is not None else None
        if lang == "zh":
            where = line_text(facts, line, lang) if line else "该行"
            return f"{describe_key(key, lang)}无法确定：{where}的数字无法与各列一一对应"
        where = f" ({line_text(facts, line, lang)})" if line else ""
        return (f"{describe_key(key, lang)} cannot be told: the numbers of its row{where} "
                "do not map onto the columns one to one")
    if kind == "prev":
        return (f"{describe_key(key, lang)}没有数字" if lang == "zh" else f"{describe_key(key, lang)} holds no number")
    return (f"{describe_key(key, lang)}{describe_status(status, raw, lang)}" if lang == "zh"
            else f"{describe_key(key, lang)} {describe_status(status, raw, lang)}")


def publication_reason(key: str, facts: ReportFacts, lang: str) -> str:
    """Why the publication date or its deadline is not known: no source gave a date (or the source could not be
    used, and why), or the report's year or kind of body cannot be told."""
    zh = lang == "zh"
    if key == DEADLINE:
        return ("报告年度或机关类别无法判断，无法确定公布期限" if zh else
                "the report's year or the kind of body cannot be told, so neither can the deadline")
    found = facts.publication
    if found is not None and found.error == NO_DATE:
        return (f"保存的网页未载明发布日期（{found.where}）" if zh else
                f"the page saved states no publication date ({found.where})")
    if found is not None and found.error:
        return (f"发布日期无法取得（{found.where}：{found.error}）" if zh else
                f"the publication date is not known ({found.where}: {found.error})")
    return ("未提供发布日期（以 auditor fetch 保存网页，或以 audit --published 给出）" if zh else
            "no publication date was given (save the page with auditor fetch, or give audit --published)")


def history_reason(key: str, facts: ReportFacts, lang: str) -> str | None:
    """Why a cross-report value is missing, or None when the history is there and the value is simply absent."""
    zh = lang == "zh"
    if STORE_MARK not in facts.values:
        if key == COPIED_FROM_PEER:
            return ("未指定历史库（--db），无法取得同年度其他机关的报告" if zh else
                    "no history store was given (--db): other bodies' reports of the year are not available")
        return ("未指定历史库（--db），无法取得上一年度报告" if zh else
                "no history store was given (--db): last year's report is not available")
    if key == COPIED_FROM_PEER:
        return ("历史库中没有其他机关同年度报告的同一部分可供比较" if zh else
                "the history store holds no other body's report of the year with this section")
    if LAST_YEAR_MARK not in facts.values:
        last = f"{facts.year - 1} " if facts.year else ""
        body = facts.agency or "本机关"
        return (f"历史库中没有「{body}」{last}年度的报告" if zh else
                f"the history store holds no {last}report of {facts.agency or 'this body'}")
    if key == COPIED:
        return ("上一年度报告没有可比较的同一部分（或本年该部分过短）" if zh else
                "last year's report has no such section to compare (or this year's is too short)")
    if key == PREVIOUS_PROBLEMS:
        return ("上一年度报告第五部分未列出可识别的问题" if zh else
                "last year's section 5 lists no problems that can be told apart")
    return None


def _claim_reason(key: str, lang: str) -> str:
    what = _CLAIMS.get(key.removeprefix("claim."))
    if what is None:
        return "正文没有本项核对所需的陈述" if lang == "zh" else "the narrative makes no statement this check reads"
    return f"正文未陈述{what[0]}" if lang == "zh" else f"the narrative does not state {what[1]}"


# Report-level values (auditor.facts), in the words of the template.
_REPORT_VALUES: dict[str, tuple[str, str]] = {
    "report.year": ("报告年度", "the report's year"),
    "report.template": ("报告年度应使用的格式", "the template the report's year calls for"),
    "report.layout": ("表格所用的格式（2019 年或 2021 年）", "which template (2019 or 2021) the tables follow"),
    "report.layout_t3": ("表三「（六）其他处理」所用的格式（2019 年一行或 2021 年三行）",
                         "which template table 3's (6) 'other' rows follow (2019: one row, 2021: three)"),
    "report.section_length.5": ("第五部分的篇幅（未找到第五部分）", "how long section 5 is (no section 5 was found)"),
}
_AGENCY_CLASS = ("本机关的类别", "the kind of body")
_REPORT_VALUE = ("报告的相关信息", "the report detail this check needs")

# What each narrative claim is, for "the narrative does not state …" (extractors.yaml titles, in report words).
_CLAIMS: dict[str, tuple[str, str]] = {
    "applications_received": ("收到（受理、新收）的政府信息公开申请数", "the number of applications received"),
    "received_natural_person": ("自然人提出的申请数", "the applications from natural persons"),
    "received_organisations": ("法人或其他组织提出的申请数", "the applications from legal persons and organisations"),
    "applications_done": ("办结的申请数", "the number of applications concluded"),
    "carried_over": ("上年结转的申请数", "the applications carried over from last year"),
    "carried_forward": ("结转下年度办理的申请数", "the applications carried forward to next year"),
    "review_cases": ("行政复议案件数", "the number of administrative reviews"),
    "litigation_cases": ("行政诉讼案件数", "the number of lawsuits"),
    "normative_issued": ("本年制发的行政规范性文件数", "the normative documents issued this year"),
    "normative_repealed": ("本年废止的行政规范性文件数", "the normative documents repealed this year"),
    "normative_in_force": ("现行有效的行政规范性文件数", "the normative documents in force"),
    "licensing_decisions": ("行政许可处理决定数", "the number of licensing decisions"),
    "punishment_decisions": ("行政处罚处理决定数", "the number of punishment decisions"),
    "fee_amount": ("收取信息处理费的金额或「未收取」", "the information processing fee collected (or that none was)"),
    "statistics_year": ("统计数字所属的年度", "the year its figures belong to"),
    "granted_or_partly": ("予以公开及部分公开的申请数", "the applications granted in full or in part"),
    "unable_to_provide": ("无法提供的申请数", "the applications unable to be provided"),
    "pct_disclosed": ("公开（含部分公开）所占百分比", "the share granted in full or in part"),
    "pct_not_held": ("本机关不掌握（不存在）所占百分比", "the share of information not held"),
}


class _Missing(dict[str, str]):
    """format_map source: a placeholder without a value in this outcome renders as «?» rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"
