"""A loaded rule pack: its manifest, its rules, its extractors, and the checks compiled from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from auditor.facts.claims import Extractor
from auditor.facts.vocabulary import ASPECTS
from auditor.model import Severity
from auditor.packs.compile import CompiledCheck, Shard


class PackError(Exception):
    """An invalid pack: which file, where in it (a JSON pointer), and why. The run stops with exit code 2."""

    def __init__(self, file: str, pointer: str, reason: str, reason_zh: str | None = None) -> None:
        super().__init__(f"{file} {pointer or '/'}: {reason}")
        self.file = file
        self.pointer = pointer or "/"
        self.reason = reason
        self.reason_zh = reason_zh  # the same in Chinese, where it has been written (a pack's own checks: English)

    def reason_in(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" and self.reason_zh else self.reason


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: dict[str, str]
    severity: Severity
    category: str
    rationale: str
    remediation: str
    references: tuple[str, ...]
    aliases: tuple[str, ...]
    for_each: tuple[tuple[str, tuple[str, ...]], ...]
    check: str
    message: dict[str, str]
    file: str
    no_claims_pass: bool = False  # `when_no_claims: pass`: a detector rule that found nothing has passed
    section: int | None = None  # `section: N`: where a finding that has no evidence to point at is located


@dataclass(frozen=True)
class CoreGroup:
    """Rules of which at least one check must be evaluated for a report's audit to be complete (pack.yaml `core`)."""

    id: str
    title: dict[str, str]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Pack:
    id: str
    title: dict[str, str]
    version: str
    templates: tuple[int, ...]
    groups: dict[str, list[str]]
    rules: tuple[Rule, ...]
    extractors: tuple[Extractor, ...]
    agency_classes: dict[str, re.Pattern[str]]
    agency_aliases: dict[str, tuple[str, ...]]  # an agency's title name → other names it goes by
    parameters: dict[str, float]
    path: str
    checks: tuple[CompiledCheck, ...]
    shards: tuple[Shard, ...]
    extends: str | None = None  # the pack this one takes rules from
    core: tuple[CoreGroup, ...] = ()
    supplements: tuple[str, ...] = ()  # the labels of the supplements whose rules were added (packs/supplement.py)

    def compiled(self, rule_id: str) -> list[tuple[str, object, object]]:
        """A rule's resolved checks (the engine's rules are made from these alone, numbered per pack): two packs that
        agree here judge every report alike."""
        return [(c.check_id, c.node, c.operands) for c in self.checks if c.rule_id == rule_id]

    def rule(self, id_or_name: str) -> Rule | None:
        """Selection accepts an id, a name or an alias (STYLE §3)."""
        for rule in self.rules:
            if id_or_name in (rule.id, rule.name, *rule.aliases):
                return rule
        return None

    @cached_property  # read for every finding of every report
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def claim_sections(self) -> dict[str, tuple[int, ...]]:
        """The sections each kind of narrative claim is read from (the aspects of 总体情况: facts/aspects.py)."""
        return {**{f"claim.{a}": (1,) for a in ASPECTS}, **{e.key: e.sections for e in self.extractors}}

    @cached_property  # worked out once per pack, not for every check of every report
    def section_needs(self) -> dict[int, tuple[tuple[int, ...], ...]]:
        """Per check (by index), the sections each narrative claim kind it reads is read from; only checks that read
        a claim kind limited to some sections (evaluate: such a check is not assessable when all are absent)."""
        needs: dict[int, tuple[tuple[int, ...], ...]] = {}
        for check in self.checks:
            keys = [k for spec in check.operands for k in (spec.members or (spec.key,)) if k.startswith("claim.")]
            found = tuple(sections for k in keys if (sections := self.claim_sections.get(k)))
            if found:
                needs[check.index] = found
        return needs

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}" + "".join(f"+{s}" for s in self.supplements)
