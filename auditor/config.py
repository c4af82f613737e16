"""The run configuration: a supervisor's local choices (rules off, severities, thresholds, agency names), applied to
the loaded packs without editing them. Validated against schemas/config.schema.json; anything unknown stops the run
naming the file, the JSON pointer and the reason, like an invalid pack (exit code 2).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.facts.publication import PARAMETERS as DEADLINE_PARAMETERS
from auditor.facts.publication import DeadlineError, month_day
from auditor.model import Severity
from auditor.packs.compile import plan_shards
from auditor.packs.model import Pack, PackError
from auditor.packs.supplement import load_packs
from auditor.resources import InvalidFile, check_schema, compile_regex, read_yaml


class ConfigError(PackError):
    """An invalid run configuration; reported like an invalid pack."""


@dataclass(frozen=True)
class ScoringScheme:
    """How `auditor summary` scores an agency (config `summary.scoring`): from `start`, each finding that stands (not
    dismissed or waived: auditor.summary.collect.FindingRow.stands) deducts its rule's amount, else its severity's
    (a severity not named deducts 0); one rule deducts at most `cap_per_rule` from one agency; no score is below
    `floor`. `rules` is keyed as the configuration names them (id, name or alias) until resolved against the packs
    (resolve_scoring)."""

    severity: dict[Severity, float]
    rules: dict[str, float] = field(default_factory=dict)
    start: float = 100.0
    floor: float = 0.0
    cap_per_rule: float | None = None


@dataclass(frozen=True)
class SummaryOptions:
    """`auditor summary`'s choices (config `summary`): the 通报 draft's jurisdiction, issuer and deadline (None: the
    draft leaves a marked blank for the office to fill), and the scoring scheme (None: no scores)."""

    jurisdiction: str | None = None
    issuer: str | None = None
    deadline: str | None = None
    scoring: ScoringScheme | None = None


@dataclass(frozen=True)
class RunConfig:
    path: str | None = None
    disable: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    agency_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    agency_classes: dict[str, str] = field(default_factory=dict)
    summary: SummaryOptions = field(default_factory=SummaryOptions)


def load_config(path: Path | None) -> RunConfig:
    if path is None:
        return RunConfig()
    try:
        data: Any = read_yaml(path) or {}  # an empty file is the default configuration
        check_schema(data, "config.schema.json")
        for name, pattern in (data.get("agency_classes") or {}).items():
            compile_regex(pattern, f"/agency_classes/{name}")
    except InvalidFile as exc:  # bad YAML too, with its line and column, as the pack loader reports it
        raise ConfigError(str(path), exc.pointer, exc.reason, exc.reason_zh) from None
    rules = data.get("rules") or {}
    summary = _summary_options(data.get("summary") or {}, str(path))
    return RunConfig(summary=summary, path=str(path), disable=tuple(rules.get("disable", ())),
                     severity={k: Severity.parse(v) for k, v in (rules.get("severity") or {}).items()},
                     parameters={k: float(v) for k, v in (data.get("parameters") or {}).items()},
                     agency_aliases={k: tuple(v) for k, v in (data.get("agency_aliases") or {}).items()},
                     agency_classes=dict(data.get("agency_classes") or {}))


def _summary_options(data: dict[str, Any], where: str) -> SummaryOptions:
    scoring = data.get("scoring")
    scheme = None
    if scoring is not None:
        scheme = ScoringScheme(severity={Severity.parse(k): float(v) for k, v in scoring["severity"].items()},
                               rules={k: float(v) for k, v in (scoring.get("rules") or {}).items()},
                               start=float(scoring.get("start", 100)), floor=float(scoring.get("floor", 0)),
                               cap_per_rule=None if "cap_per_rule" not in scoring else float(scoring["cap_per_rule"]))
        if scheme.floor > scheme.start:  # a relation between two values, which JSON Schema cannot state
            raise ConfigError(where, "/summary/scoring/floor", f"the floor ({scheme.floor:g}) is above the start "
                                                              f"({scheme.start:g})",
                              f"最低分（{scheme.floor:g}）高于起始分（{scheme.start:g}）")
    return SummaryOptions(data.get("jurisdiction"), data.get("issuer"), data.get("deadline"), scheme)


def resolve_scoring(scheme: ScoringScheme, packs: list[Pack], where: str = "configuration") -> ScoringScheme:
    """The scheme with its rules keyed by rule id. ConfigError for a name no loaded pack has: a misspelt id would
    otherwise silently score that rule by its severity."""
    rules: dict[str, float] = {}
    for name, deduction in scheme.rules.items():
        found = next((r for p in packs if (r := p.rule(name))), None)
        if found is None:
            pointer = name.replace("~", "~0").replace("/", "~1")  # RFC 6901
            raise ConfigError(where, f"/summary/scoring/rules/{pointer}", f"no loaded pack has a rule {name!r}",
                              f"已加载的规则包中没有规则 {name!r}")
        rules[found.id] = deduction
    return dataclasses.replace(scheme, rules=rules)


def load_configured_packs(directories: list[Path], config: RunConfig) -> list[Pack]:
    """Load each pack with the configuration's parameters, then apply its rule and agency choices.

    Every rule and parameter the configuration names must exist in at least one pack: a misspelt id would
    otherwise silently leave the rule running."""
    packs = load_packs(directories, parameters=config.parameters)
    where = config.path or "configuration"
    for pack in packs:  # not zipped with `directories`: a supplement merges into its base (load_packs)
        for name in DEADLINE_PARAMETERS.values():  # a month and day, which a number's range cannot say
            if name in pack.parameters:
                try:
                    month_day(pack.parameters[name])
                except DeadlineError as exc:
                    given = name in config.parameters
                    day = f"{pack.parameters[name]:g}"
                    raise ConfigError(where if given else str(Path(pack.path) / "pack.yaml"), f"/parameters/{name}",
                                      str(exc), f"{day} 不是每年都有的月日（写作 MMDD，如 131 表示 1月31日）") from None
    for name in config.parameters:
        if not any(name in p.parameters for p in packs):
            raise ConfigError(where, f"/parameters/{name}", "no loaded pack has this parameter",
                              "已加载的规则包中没有这个参数")
    for pointer, names in (("/rules/disable", config.disable), ("/rules/severity", tuple(config.severity))):
        for name in names:
            if not any(p.rule(name) for p in packs):
                raise ConfigError(where, f"{pointer}", f"no loaded pack has a rule {name!r}",
                                  f"已加载的规则包中没有规则 {name!r}")
    return [_apply(p, config) for p in packs]


def _apply(pack: Pack, config: RunConfig) -> Pack:
    disabled = {r.id for name in config.disable if (r := pack.rule(name))}
    severity = {r.id: s for name, s in config.severity.items() if (r := pack.rule(name))}
    rules = tuple(dataclasses.replace(r, severity=severity.get(r.id, r.severity)) for r in pack.rules
                  if r.id not in disabled)
    checks = tuple(c for c in pack.checks if c.rule_id not in disabled)
    aliases = dict(pack.agency_aliases)
    for agency, names in config.agency_aliases.items():
        aliases[agency] = tuple(dict.fromkeys(aliases.get(agency, ()) + names))
    classes = {**pack.agency_classes, **{k: re.compile(v) for k, v in config.agency_classes.items()}}
    shards = pack.shards if not disabled else plan_shards(pack.label, list(checks))
    return dataclasses.replace(pack, rules=rules, checks=checks, shards=shards, agency_aliases=aliases,
                               agency_classes=classes)
