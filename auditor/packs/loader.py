"""Load a rule pack directory: validate every file against its JSON Schema, compile every check, plan shards.

Anything wrong stops the load with a PackError naming the file, the JSON pointer and the reason (never skipped).
"""

from __future__ import annotations

import itertools
import math
import re
import string
from functools import partial
from pathlib import Path
from typing import Any

from auditor import limits
from auditor.facts.claims import ClaimPattern, Extractor
from auditor.facts.vocabulary import known_keys
from auditor.model import Severity
from auditor.packs.cache import cached_manifest, cached_pack
from auditor.packs.compile import CLAIM_PREFIX, CompiledCheck, check_limits, compile_check, plan_shards
from auditor.packs.expr import Call, ExprError, Node, keys_of, parse, resolve, walk
from auditor.packs.functions import FUNCTIONS
from auditor.packs.model import CoreGroup, Pack, PackError, Rule
from auditor.resources import InvalidFile, check_schema, compile_regex, read_yaml

MANIFEST = "pack.yaml"
EXTRACTORS = "extractors.yaml"
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
# Placeholders every message may use; loop variables add `{v}` and `{v_label}`.
MESSAGE_FIELDS = {"lhs", "rhs", "diff", "found", "expected", "lhs_terms", "rhs_terms", "claim_text", "claim_line",
                  "claim_at", "claim_source", "target", "target_label", "closest", "closest_diff", "agency", "year"}
# {lhs_1} {rhs_1} {lhs_terms_1} {rhs_terms_1}: the second comparison's sides and their arithmetic, and so on.
_INDEXED_FIELD = re.compile(r"^(?:lhs|rhs)(?:_terms)?_\d+$")


def manifest_of(directory: Path) -> dict[str, Any]:
    """A pack directory's pack.yaml, validated; a PackError when there is none or it is invalid."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise PackError(str(directory), "", f"no {MANIFEST}: not a rule pack directory",
                        f"没有 {MANIFEST}：不是规则包的文件夹")
    return cached_manifest(path, partial(_read, path, "pack.schema.json"))


def _read(path: Path, schema_name: str) -> Any:
    """The YAML in `path`, valid against schemas/`schema_name`; a PackError naming the file otherwise."""
    try:
        data = read_yaml(path)
        check_schema(data, schema_name)
    except InvalidFile as exc:
        raise PackError(str(path), exc.pointer, exc.reason, exc.reason_zh) from None
    return data


def load_pack(directory: Path, parameters: dict[str, float] | None = None,
              manifest: dict[str, Any] | None = None) -> Pack:
    """Load and compile a pack; `parameters` override the pack's own (those it does not have are ignored here and
    reported by the run configuration, which knows every loaded pack). `manifest`: its pack.yaml when the caller
    has read it already (manifest_of). A pack compiled before from the same files by the same code is read from the
    cache (packs/cache.py)."""
    directory = Path(directory)
    manifest = manifest if manifest is not None else manifest_of(directory)
    return cached_pack(directory, manifest, parameters, partial(_compiled, directory, parameters, manifest))


def _compiled(directory: Path, parameters: dict[str, float] | None, manifest: dict[str, Any]) -> Pack:
    manifest_path = directory / MANIFEST
    parent, inherited = _parent(directory, manifest, manifest_path)
    groups = {k: [str(v) for v in vs] for k, vs in (parent.get("groups") or {}).items()}
    groups.update({k: [str(v) for v in vs] for k, vs in (manifest.get("groups") or {}).items()})
    params = {k: float(v) for k, v in (parent.get("parameters") or {}).items()}
    params.update({k: float(v) for k, v in (manifest.get("parameters") or {}).items()})
    params.update({k: v for k, v in (parameters or {}).items() if k in params})
    extractors_file = directory / EXTRACTORS
    if not extractors_file.is_file() and inherited:
        extractors_file = inherited[0].parent / EXTRACTORS
    extractors, classes, aliases = _load_extractors(extractors_file)
    known = known_keys() | {e.key for e in extractors} | {f"report.agency.{c}" for c in classes}

    rules: list[Rule] = []
    checks: list[CompiledCheck] = []
    seen: dict[str, str] = {}
    own = [p for p in sorted(directory.glob("*.yaml")) if p.name not in (MANIFEST, EXTRACTORS)]
    for path in sorted(inherited + own, key=lambda p: p.stem):
        rule = _load_rule(path, groups)
        for ident in (rule.id, rule.name, *rule.aliases):
            if ident in seen:
                raise PackError(str(path), "/metadata", f"{ident!r} is already used by {seen[ident]}",
                                f"{ident!r} 已被 {seen[ident]} 使用")
            seen[ident] = path.name
        rules.append(rule)
        checks.extend(_compile_rule(rule, groups, params, known, start=len(checks)))
    if not rules:
        raise PackError(str(directory), "", "the pack has no rules", "规则包中没有规则")
    return Pack(id=manifest["id"], title=manifest["title"], version=manifest["version"],
                templates=tuple(manifest["templates"]), groups=groups, rules=tuple(rules),
                extractors=extractors, agency_classes=classes, agency_aliases=aliases, parameters=params,
                path=str(directory),
                checks=tuple(checks),
                shards=plan_shards(f"{manifest['id']}@{manifest['version']}", checks),
                extends=(manifest.get("extends") or {}).get("pack"),
                core=_core(manifest, parent, {r.id for r in rules}, manifest_path))


def _core(manifest: dict[str, Any], parent: dict[str, Any], rule_ids: set[str],
          manifest_path: Path) -> tuple[CoreGroup, ...]:
    """The core groups. A pack's own must name its rules (a typo would make a group that never runs, and every
    report incomplete); inherited ones keep the rules this pack has (a 2019 pack lacks some 2021 rules), and a
    group left with none is dropped, as the pack could never run it."""
    if manifest.get("core"):
        for i, group in enumerate(manifest["core"]):
            for j, rule_id in enumerate(group["rules"]):
                if rule_id not in rule_ids:
                    raise PackError(str(manifest_path), f"/core/{i}/rules/{j}", f"the pack has no rule {rule_id}",
                                    f"规则包中没有规则 {rule_id}")
    spec = manifest.get("core") or parent.get("core") or ()
    groups = (CoreGroup(g["id"], g["title"], tuple(r for r in g["rules"] if r in rule_ids)) for g in spec)
    return tuple(g for g in groups if g.rules)


def _parent(directory: Path, manifest: dict[str, Any], manifest_path: Path) -> tuple[dict[str, Any], list[Path]]:
    """The manifest of the pack this one extends, and the rule files it takes from it (none without `extends`)."""
    spec = manifest.get("extends")
    if not spec:
        return {}, []
    parent_dir = directory.parent / spec["pack"]
    parent_manifest = parent_dir / MANIFEST
    if not parent_manifest.is_file():
        raise PackError(str(manifest_path), "/extends/pack", f"no pack {spec['pack']!r} beside this one",
                        f"旁边没有规则包 {spec['pack']!r}")
    parent = _read(parent_manifest, "pack.schema.json")
    files = []
    for i, rule_id in enumerate(spec["rules"]):
        path = parent_dir / f"{rule_id}.yaml"
        if not path.is_file():
            raise PackError(str(manifest_path), f"/extends/rules/{i}", f"pack {spec['pack']!r} has no rule {rule_id}",
                            f"规则包 {spec['pack']!r} 中没有规则 {rule_id}")
        if (directory / path.name).is_file():
            raise PackError(str(manifest_path), f"/extends/rules/{i}", f"{rule_id} is both inherited and defined here",
                            f"{rule_id} 既被继承又在此定义")
        files.append(path)
    return parent, files


def _load_rule(path: Path, groups: dict[str, list[str]]) -> Rule:
    data = _read(path, "rule.schema.json")
    meta = data["metadata"]
    if path.stem != meta["id"]:
        raise PackError(str(path), "/metadata/id", f"id {meta['id']!r} does not match the file name {path.stem!r}",
                        f"编号 {meta['id']!r} 与文件名 {path.stem!r} 不符")
    for_each: list[tuple[str, tuple[str, ...]]] = []
    for var, spec in (data.get("for_each") or {}).items():
        if isinstance(spec, str):
            if spec not in groups:
                raise PackError(str(path), f"/for_each/{var}", f"unknown group {spec!r} (pack.yaml groups)",
                                f"没有名为 {spec!r} 的组（见 pack.yaml 的 groups）")
            values = tuple(groups[spec])
        else:
            values = tuple(str(v) for v in spec)
        if var in groups:
            raise PackError(str(path), f"/for_each/{var}", f"{var!r} is a group name; choose another variable",
                            f"{var!r} 是组名，请另取变量名")
        for_each.append((var, values))
    allowed = MESSAGE_FIELDS | {v for v, _ in for_each} | {f"{v}_label" for v, _ in for_each}
    for lang, text in data["message"].items():
        try:
            parsed = [(f, spec, conversion) for _, f, spec, conversion in string.Formatter().parse(text)
                      if f is not None]
        except ValueError as exc:
            raise PackError(str(path), f"/message/{lang}", f"bad placeholder: {exc}", f"占位符有误：{exc}") from None
        # Every value reaches the message as text already formatted (auditor.findings): a format spec can only
        # fail (`{lhs:.2f}` on a str) or pad it to any width (`{lhs:>1999999999}` writes 2 GB), a conversion
        # only show its quotes.
        styled = next((f"{{{f}{'!' + c if c else ''}{':' + spec if spec else ''}}}" for f, spec, c in parsed
                       if spec or c), None)
        if styled:
            raise PackError(str(path), f"/message/{lang}", f"placeholder {styled[:60]} has a format spec or "
                                                           "conversion; write the bare {name}",
                            f"占位符 {styled[:60]} 带有格式说明或转换，请只写 {{名称}}")
        fields = {f for f, _, _ in parsed}
        unknown = sorted(f for f in fields - allowed if not _INDEXED_FIELD.match(f))
        if unknown:
            raise PackError(str(path), f"/message/{lang}",
                            f"unknown placeholder(s) {unknown}; allowed: {sorted(allowed)}",
                            f"不认识的占位符 {unknown}；可用的有 {sorted(allowed)}")
    return Rule(id=meta["id"], name=meta["name"], title=meta["title"], severity=Severity.parse(meta["severity"]),
                category=meta["category"], rationale=meta["rationale"], remediation=meta["remediation"],
                references=tuple(meta["references"]), aliases=tuple(meta.get("aliases", ())),
                for_each=tuple(for_each), check=data["check"], message=data["message"], file=str(path),
                no_claims_pass=data.get("when_no_claims") == "pass", section=data.get("section"))


def _compile_rule(rule: Rule, groups: dict[str, list[str]], params: dict[str, float], known: set[str],
                  start: int) -> list[CompiledCheck]:
    try:
        node = parse(rule.check)
    except ExprError as exc:
        raise PackError(rule.file, "/check", str(exc)) from None
    names = [v for v, _ in rule.for_each]
    instances = math.prod(len(vals) for _, vals in rule.for_each)
    if instances > limits.MAX_RULE_CHECKS:
        raise PackError(rule.file, "/for_each", f"expands to {instances:,} checks; at most {limits.MAX_RULE_CHECKS:,}",
                        f"展开为 {instances:,} 项检查，至多 {limits.MAX_RULE_CHECKS:,} 项")
    if start + instances > limits.MAX_PACK_CHECKS:
        raise PackError(rule.file, "/for_each", f"the pack's checks come to more than {limits.MAX_PACK_CHECKS:,} "
                                                "with this rule's",
                        f"加上本规则，规则包的检查超过 {limits.MAX_PACK_CHECKS:,} 项")
    compiled: list[CompiledCheck] = []
    for values in itertools.product(*(vals for _, vals in rule.for_each)):
        bindings = dict(zip(names, values, strict=True))
        check_id = rule.id + (f"[{','.join(f'{k}={v}' for k, v in bindings.items())}]" if bindings else "")
        try:
            resolved = resolve(node, bindings, groups, params)
            unknown = [k for k in keys_of(resolved) if k not in known]
            if unknown:
                raise ExprError(f"unknown fact key(s) {unknown} for {check_id}")
            _check_function_arguments(resolved)
            check = compile_check(start + len(compiled), check_id, rule.id, tuple(bindings.items()), resolved,
                                  no_claims_pass=rule.no_claims_pass)
        except ExprError as exc:
            raise PackError(rule.file, "/check", str(exc)) from None
        reason = check_limits(check)
        if reason:
            raise PackError(rule.file, "/check", f"{check_id} {reason}")
        compiled.append(check)
    return compiled


def _check_function_arguments(node: Node) -> None:
    """Functions over table cells take table cells; count() and exists() take anything."""
    for n in walk(node):
        if isinstance(n, Call) and FUNCTIONS[n.fn].facts == "cells":
            wrong = [k for k in n.keys if not k.startswith(("t2.", "t3.", "t4."))]
            if wrong:
                raise ExprError(f"{n.fn}() reads table cells, not {wrong}")


def _load_extractors(path: Path) -> tuple[tuple[Extractor, ...], dict[str, re.Pattern[str]],
                                          dict[str, tuple[str, ...]]]:
    """The claim extractors, agency classes and agency aliases of `extractors.yaml` (none without such a file)."""
    if not path.is_file():
        return (), {}, {}
    data = _read(path, "extractors.schema.json")
    macros: dict[str, str] = data.get("macros") or {}
    extractors = []
    for name, spec in data["claims"].items():
        patterns = []
        for i, entry in enumerate(spec.get("patterns", ())):
            pointer = f"/claims/{name}/patterns/{i}"
            source, fixed = (entry, None) if isinstance(entry, str) else (entry["pattern"], entry["value"])
            regex = _compile(_MACRO.sub(partial(_macro, macros=macros, path=path, pointer=pointer), source),
                             path, pointer)
            if spec.get("kind") == "agency":
                if "name" not in regex.groupindex:
                    raise PackError(str(path), pointer, "an agency pattern needs a (?P<name>…) group",
                                    "机关名称的模式需要一个 (?P<name>…) 分组")
            elif fixed is None and "value" not in regex.groupindex:
                raise PackError(str(path), pointer, "a pattern needs a (?P<value>…) group (e.g. through {NUM}) "
                                                    "or a fixed `value`",
                                "模式需要一个 (?P<value>…) 分组（如通过 {NUM}）或固定的 value")
            patterns.append(ClaimPattern(regex, fixed))
        kind = spec.get("kind", "regex")
        if kind in ("regex", "agency") and not patterns:
            raise PackError(str(path), f"/claims/{name}", "a regex extractor needs patterns", "正则提取器需要 patterns")
        extractors.append(Extractor(CLAIM_PREFIX + name, tuple(patterns), tuple(spec.get("sections", ())), kind))
    classes = {name: _compile(source, path, f"/agency_classes/{name}")
               for name, source in (data.get("agency_classes") or {}).items()}
    aliases = {agency: tuple(names) for agency, names in (data.get("agency_aliases") or {}).items()}
    return tuple(extractors), classes, aliases


def _compile(source: str, path: Path, pointer: str) -> re.Pattern[str]:
    try:
        return compile_regex(source, pointer)
    except InvalidFile as exc:
        raise PackError(str(path), exc.pointer, exc.reason, exc.reason_zh) from None


def _macro(match: re.Match[str], macros: dict[str, str], path: Path, pointer: str) -> str:
    name = match.group(1)
    if name not in macros:
        raise PackError(str(path), pointer, f"unknown macro {{{name}}}; defined: {sorted(macros)}",
                        f"没有宏 {{{name}}}；已定义的有 {sorted(macros)}")
    return macros[name]
