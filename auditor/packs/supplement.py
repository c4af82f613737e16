"""Several packs in one run: the bundled packs and the user's, each template audited by exactly one pack.

A run's packs are chosen by the report's template (auditor.audit.pack_for), so two packs for one template cannot both
run, and taking the first in silence would drop the second's rules: a user who wrote `--pack my-rules` beside the
bundled packs would see their rule never run. So a pack is one of two kinds:

- a **pack** (its own `templates`): two of them for one template is an error naming both;
- a **supplement** (`supplements: standard` in its pack.yaml): its rules are added to that pack's, as one pack that
  audits that pack's reports. It may use the pack's groups, parameters and claims, and add its own; a rule id, name
  or claim that the pack already has is an error, never an override (an office that wants another rule instead
  disables the bundled one in the run configuration).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from auditor.facts.vocabulary import known_keys
from auditor.packs.compile import CompiledCheck, plan_shards
from auditor.packs.loader import (
    EXTRACTORS,
    MANIFEST,
    _compile_rule,
    _load_extractors,
    _load_rule,
    load_pack,
    manifest_of,
)
from auditor.packs.model import Pack, PackError, Rule


def load_packs(directories: Iterable[Path], parameters: dict[str, float] | None = None,
               bases: Iterable[Path] = ()) -> list[Pack]:
    """The packs of `directories` in their order, each supplement added to the pack it names. `bases`: further
    pack directories loaded only so that a supplement of one of them can be tested or documented on its own
    (their packs are not returned unless supplemented). Raises PackError for two packs of one template, a
    supplement of a pack not loaded, or a supplement that clashes with its pack."""
    listed = [(Path(d), manifest_of(Path(d))) for d in directories]
    packs: list[Pack] = []
    for directory, manifest in listed:
        if not manifest.get("supplements"):
            pack = load_pack(directory, parameters, manifest)
            _one_pack_per_template(pack, packs)
            packs.append(pack)
    returned = len(packs)
    known_ids = {p.id for p in packs}
    for directory in bases:
        base = manifest_of(directory)
        if base["id"] not in known_ids:
            packs.append(load_pack(directory, parameters, base))
    for directory, manifest in listed:
        target = manifest.get("supplements")
        if target:
            index = next((i for i, p in enumerate(packs) if p.id == target), None)
            if index is None:
                raise PackError(str(directory / MANIFEST), "/supplements",
                                f"supplements the pack {target!r}, which is not loaded (loaded: "
                                f"{', '.join(p.id for p in packs) or 'none'})",
                                f"补充的规则包 {target!r} 未加载（已加载：{'、'.join(p.id for p in packs) or '无'}）")
            packs[index] = supplemented(packs[index], directory, manifest, parameters)
    return packs[:returned] + [p for p in packs[returned:] if p.supplements]  # a base only as supplemented


def _one_pack_per_template(pack: Pack, loaded: list[Pack]) -> None:
    for other in loaded:
        shared = sorted(set(pack.templates) & set(other.templates))
        if shared:
            raise PackError(str(Path(pack.path) / MANIFEST), "/templates",
                            f"template {shared[0]} is also audited by the pack {other.id!r} ({other.path}); a report "
                            f"is audited by one pack: add `supplements: {other.id}` to add this pack's rules to it, "
                            f"or leave the other out (--no-default-packs for the bundled ones)",
                            f"模板 {shared[0]} 也由规则包 {other.id!r}（{other.path}）核查；一份报告只由一个规则包"
                            f"核查：要把本包的规则加入该包，请写 `supplements: {other.id}`，或不加载另一个包（内置包"
                            f"用 --no-default-packs）")


def supplemented(base: Pack, directory: Path, manifest: dict[str, Any],
                 parameters: dict[str, float] | None = None) -> Pack:
    """`base` with the rules, groups, parameters and claims of the supplement in `directory` added."""
    where = str(directory / MANIFEST)
    outside = sorted(set(manifest["templates"]) - set(base.templates))
    if outside:
        raise PackError(where, "/templates", f"the pack {base.id!r} does not audit template {outside[0]}",
                        f"规则包 {base.id!r} 不核查模板 {outside[0]}")
    groups = dict(base.groups)
    for name, values in (manifest.get("groups") or {}).items():
        if name in groups:
            raise PackError(where, f"/groups/{name}", f"the pack {base.id!r} already has a group {name!r}",
                            f"规则包 {base.id!r} 已有组 {name!r}")
        groups[name] = [str(v) for v in values]
    params = dict(base.parameters)
    for name, value in (manifest.get("parameters") or {}).items():
        if name in params:
            raise PackError(where, f"/parameters/{name}", f"the pack {base.id!r} already has a parameter {name!r}",
                            f"规则包 {base.id!r} 已有参数 {name!r}")
        params[name] = float((parameters or {}).get(name, value))
    extractors, classes, aliases = _load_extractors(directory / EXTRACTORS)
    clash = {e.key for e in extractors} & {e.key for e in base.extractors}
    if clash:
        raise PackError(str(directory / EXTRACTORS), "/claims",
                        f"the pack {base.id!r} already has the claim {sorted(clash)[0]!r}",
                        f"规则包 {base.id!r} 已有陈述 {sorted(clash)[0]!r}")
    all_extractors = base.extractors + extractors
    all_classes = {**base.agency_classes, **classes}
    known = known_keys() | {e.key for e in all_extractors} | {f"report.agency.{c}" for c in all_classes}
    seen = {ident: rule.file for rule in base.rules for ident in (rule.id, rule.name, *rule.aliases)}
    rules: list[Rule] = []
    checks: list[CompiledCheck] = list(base.checks)
    for path in sorted(p for p in directory.glob("*.yaml") if p.name not in (MANIFEST, EXTRACTORS)):
        rule = _load_rule(path, groups)
        for ident in (rule.id, rule.name, *rule.aliases):
            if ident in seen:
                raise PackError(str(path), "/metadata", f"{ident!r} is already used by {seen[ident]}",
                                f"{ident!r} 已被 {seen[ident]} 使用")
            seen[ident] = str(path)
        rules.append(rule)
        checks.extend(_compile_rule(rule, groups, params, known, start=len(checks)))
    if not rules:
        raise PackError(str(directory), "", "the supplement has no rules", "补充包中没有规则")
    merged_aliases = dict(base.agency_aliases)
    for agency, names in aliases.items():
        merged_aliases[agency] = tuple(dict.fromkeys(merged_aliases.get(agency, ()) + names))
    label = f"{base.label}+{manifest['id']}@{manifest['version']}"
    return dataclasses.replace(base, groups=groups, parameters=params, rules=base.rules + tuple(rules),
                               extractors=all_extractors, agency_classes=all_classes, agency_aliases=merged_aliases,
                               checks=tuple(checks), shards=plan_shards(label, checks),
                               supplements=(*base.supplements, f"{manifest['id']}@{manifest['version']}"))


def supplement_view(pack: Pack, directory: Path) -> Pack:
    """The supplement in `directory` as a pack of its own rules (for its README and its fixtures), compiled with
    the pack it was added to."""
    manifest = manifest_of(directory)
    here = Path(directory).resolve()
    own = tuple(r for r in pack.rules if Path(r.file).resolve().parent == here)
    ids = {r.id for r in own}
    checks = tuple(c for c in pack.checks if c.rule_id in ids)
    return dataclasses.replace(pack, id=manifest["id"], title=manifest["title"], version=manifest["version"],
                               path=str(directory), rules=own, checks=checks, extends=None, core=(), supplements=(),
                               shards=plan_shards(f"{manifest['id']}@{manifest['version']}", list(checks)))


def packs_of(loaded: Iterable[Pack], directories: Iterable[Path]) -> list[Pack]:
    """The packs loaded from `directories`, in their order: a pack as loaded, a supplement as its own rules
    (supplement_view), for the commands that work on packs as files (rules doc, rules test)."""
    loaded = list(loaded)
    out = []
    for directory in directories:
        manifest = manifest_of(directory)
        target = manifest.get("supplements")
        if target:
            out.append(supplement_view(next(p for p in loaded if p.id == target), directory))
        else:
            here = Path(directory).resolve()
            out.append(next(p for p in loaded if Path(p.path).resolve() == here))
    return out
