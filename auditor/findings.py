"""Outcomes → findings: the message in the run's language, the location, the evidence down to the cell."""

from __future__ import annotations

from auditor import limits
from auditor.describe import describe_key, describe_status
from auditor.evaluate import APPROXIMATE, OUT_OF_RANGE, ZERO_DIVISOR, Outcome, referent
from auditor.facts.model import ReportFacts
from auditor.facts.vocabulary import label
from auditor.model import Evidence, Finding, Location, NotAssessable, Operand
from auditor.packs.expr import Exists, Key, Node, Num
from auditor.packs.model import Rule
from auditor.packs.reference import Number, comparisons, fmt, left_keys, terms, value


def operands(outcome: Outcome, facts: ReportFacts) -> tuple[Operand, ...]:
    out: list[Operand] = []
    if outcome.claim is not None:
        c = outcome.claim
        out.append(Operand(c.key, c.value, c.text, "number",
                           Location(section=c.section, line=c.line, snippet=c.text)))
    for spec in outcome.check.operands:
        for key in spec.members or (spec.key,):
            kind, found = referent(key, facts)
            if kind not in ("prev", "cell"):
                continue  # claims are cited above; sections and report values have no cell to point at
            item, cell = found[0], found[0].cell
            if cell is None:  # absent, or last year's report (its value, no place in this file)
                out.append(Operand(key, item.value, None if item.status == "absent" else item.raw, item.status,
                                   Location()))
                continue
            out.append(Operand(key, cell.value, cell.raw, cell.status,
                               Location(section=cell.section, line=cell.line, table=cell.table, row=cell.row,
                                        column=cell.column, snippet=cell.raw)))
    return tuple(out)


def _location(outcome: Outcome, evidence: tuple[Operand, ...], facts: ReportFacts,
              claim_sections: dict[str, tuple[int, ...]]) -> Location:
    """The claim for a narrative check; the left-hand cell of the first comparison; else the section the check is
    about (a `section.N` it requires, or the one section a claim kind is read from), at its heading line."""
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
                heading = next((s for s in facts.sections if s.number == sections[0]), None)
                return Location(section=sections[0], line=heading.line if heading else None)
    return Location()


def message_values(outcome: Outcome, lang: str) -> dict[str, str]:
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
            delta = lhs - rhs
            values.update(found=fmt(lhs), expected=fmt(rhs), diff=("+" if delta > 0 else "") + _short(delta))
    if closest is not None:
        values.update(closest=_short(closest[1]), closest_diff=_short(closest[0]))
    if outcome.claim is not None:
        values["claim_text"] = outcome.claim.text
        values["claim_line"] = str(outcome.claim.line)
        if outcome.claim.source is not None:
            values["claim_source"] = outcome.claim.source
    return values


def _short(number: Number) -> str:
    """A computed number for a message: whole numbers as they are, ratios to two decimals (39.29, not 39.285714)."""
    return fmt(round(number, 2)) if isinstance(number, float) else fmt(number)


def _show(node: Node, number: Number) -> str:
    """A value as the report wrote it when it is one fact (96.0914 stays 96.0914); rounded when computed."""
    return fmt(number) if isinstance(node, (Key, Num)) else _short(number)


def build_finding(outcome: Outcome, rule: Rule, facts: ReportFacts, lang: str,
                  claim_sections: dict[str, tuple[int, ...]] | None = None) -> Finding:
    evidence_ops = operands(outcome, facts)
    values = message_values(outcome, lang)
    values.update(agency=facts.agency or "?", year=str(facts.year or "?"))
    message = rule.message[lang].format_map(_Missing(values))
    if "expected" in values:
        evidence = Evidence(expected=values["expected"], found=values["found"], operands=evidence_ops)
    else:  # exists() alone or combined: what was required, and that it is not there
        evidence = Evidence(expected=values.get("target_label", rule.title[lang]), found="—", operands=evidence_ops)
    return Finding(rule_id=rule.id, rule_name=rule.name, check_id=outcome.check.check_id, severity=rule.severity,
                   message=message, location=_location(outcome, evidence_ops, facts, claim_sections or {}),
                   evidence=evidence, failed_by=outcome.failed_by)


def build_not_assessable(outcome: Outcome, facts: ReportFacts, lang: str) -> NotAssessable:
    evidence = operands(outcome, facts)
    reasons = []
    if outcome.cause == APPROXIMATE and outcome.claim is not None:
        reasons.append(f"正文所述为约数（「{outcome.claim.text}」）" if lang == "zh"
                       else f"the narrative gives an approximate number ('{outcome.claim.text}')")
    elif outcome.cause == ZERO_DIVISOR:
        reasons.append("分母为 0" if lang == "zh" else "a divisor is 0")
    elif outcome.cause == OUT_OF_RANGE:
        bounds = f"{limits.ENGINE_MIN_ABS:g} ≤ |x| < {limits.ENGINE_MAX_ABS:.0e}".replace("e+", "e")
        computed = "计算所得的值" if lang == "zh" else "a computed value"
        for key in outcome.unsafe:
            what = describe_key(key, lang) if ":" not in key else computed
            shown = fmt(outcome.env[key])
            if len(shown) > 24:
                shown = f"{shown[:20]}…"
            reasons.append(f"{what}为 {shown}，超出规则引擎能精确比较的范围（{bounds}，或 0）" if lang == "zh" else
                           f"{what} is {shown}, outside the range the rule engine compares exactly ({bounds}, or 0)")
    for key in outcome.missing:
        kind, found = referent(key, facts)
        if kind == "claim":
            reasons.append("正文未陈述该数字" if lang == "zh" else "the narrative states no such number")
            continue
        status, raw = (found[0].status, found[0].raw) if found else ("absent", "")
        reasons.append(f"{describe_key(key, lang)}{describe_status(status, raw, lang)}" if lang == "zh"
                       else f"{describe_key(key, lang)} {describe_status(status, raw, lang)}")
    return NotAssessable(rule_id=outcome.check.rule_id, check_id=outcome.check.check_id,
                         reason=("；" if lang == "zh" else "; ").join(reasons),
                         operands=tuple(o for o in evidence if o.ref in outcome.missing or o.ref in outcome.unsafe))


class _Missing(dict[str, str]):
    """format_map source: a placeholder without a value in this outcome renders as «?» rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"
