"""Rule fixtures: named cases that start from a real report, change it, and say what one rule must conclude.

Shared by the parametrized test (tests/test_rules.py) and `auditor rules test` (run_pack_fixtures).
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.audit import read_facts
from auditor.engine import Engine, EngineError
from auditor.evaluate import evaluate
from auditor.facts.model import History, ReportFacts, section_texts, to_json
from auditor.facts.normalize import read_cell
from auditor.fetch.sidecar import Sidecar, write_sidecar
from auditor.findings import build_finding
from auditor.ingest import IngestError
from auditor.model import Status
from auditor.packs.loader import load_pack
from auditor.packs.model import Pack, PackError
from auditor.resources import InvalidFile, check_schema, read_yaml
from auditor.store import last_year_of, with_history
from auditor.store.peers import PeerIndex


@dataclass(frozen=True)
class CaseResult:
    rule_id: str
    name: str
    ok: bool
    detail: str


def load_fixture(path: Path) -> dict[str, Any]:
    """The fixture file (its rule and cases); ValueError naming the file, the JSON pointer and the reason when it
    cannot be read, is not YAML as packs must be (auditor.resources.read_yaml: no aliases, bounded size and depth)
    or breaks its schema."""
    try:
        data: dict[str, Any] = read_yaml(path)
        # The validator's own first error (packs and configuration sort by path): kept as fixtures report it.
        check_schema(data, "rule-tests.schema.json", sort=False)
    except InvalidFile as exc:
        raise ValueError(f"{path}: {exc.pointer or '/'}: {exc.reason}") from None
    return data


def _base_path(base: str, fixture: Path) -> Path:
    for root in (Path.cwd(), *fixture.resolve().parents):
        if (root / base).is_file():
            return root / base
    raise FileNotFoundError(f"{fixture}: base report {base!r} not found")


def fixture_sidecar(report: Path, published: str | None) -> Sidecar:
    """The sidecar `auditor fetch` would write for `report` fetched from a page stating `published` (or no date)."""
    data = report.read_bytes()
    stated = None if published is None else {"date": published, "source": "text", "text": f"发布日期：{published}"}
    return Sidecar("auditor (rule fixture)", "http://127.0.0.1/report", None, "2026-01-01T00:00:00Z", report.name,
                   "http://127.0.0.1/report", 200, "text/plain", hashlib.sha256(data).hexdigest(), len(data), stated,
                   None)


def case_facts(case: dict[str, Any], fixture: Path, pack: Pack) -> ReportFacts:
    source = _base_path(case["base"], fixture)
    text = source.read_text(encoding="utf-8-sig")
    for old, new in (case.get("replace") or {}).items():
        if old not in text:
            raise ValueError(f"{fixture}: case {case['name']!r}: {old!r} is not in {case['base']}")
        text = text.replace(old, new)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / source.name
        copy.write_text(text, encoding="utf-8")
        if "published" in case:  # as `auditor fetch` saves a page: its sidecar beside it
            write_sidecar(copy.parent, fixture_sidecar(copy, case["published"]))
        facts, _ = read_facts(copy, [pack])
    cells = dict(facts.cells)
    for key, override in (case.get("cells") or {}).items():
        if key not in cells:
            raise ValueError(f"{fixture}: case {case['name']!r}: no cell {key} in {case['base']}")
        raw = str(override)
        value = read_cell(raw)
        cells[key] = dataclasses.replace(cells[key], raw=raw, status=value.status, value=value.value)
    drop = set(case.get("drop_sections") or ())
    sections = tuple(s for s in facts.sections if s.number not in drop)
    # Last year's numbers as the history store would supply them (auditor.store.previous), so cross-year fixtures
    # need no database; a key left out is a cell last year's report did not give as a number.
    previous = case.get("previous") or {}
    wrong = sorted(k for k in previous if not k.startswith("prev."))
    if wrong:
        raise ValueError(f"{fixture}: case {case['name']!r}: previous keys must start with 'prev.': {wrong}")
    facts = dataclasses.replace(facts, cells=cells, sections=sections)
    history = History(dict(previous))
    if case.get("last_year"):  # a real earlier report: its numbers and its text, as the store would give them
        last_facts, _ = read_facts(_base_path(case["last_year"], fixture), [pack])
        read = last_year_of(facts, to_json(last_facts))
        history = History({**history.values, **read.values}, read.claims)
    if "peers" in case:  # the year's other reports, as the store would index them
        peers = []
        for name in case["peers"]:
            peer, _ = read_facts(_base_path(name, fixture), [pack])
            if peer.agency:
                peers.append((name, peer.agency, name, {n: text for n, (_, text) in section_texts(peer).items()}))
        # The case's report is an edited copy of its base, so never the same file as a peer: compared, unless same body.
        copied = PeerIndex.of_reports(peers).claims(facts, key="")
        history = History(history.values, history.claims + copied)
    return with_history(facts, history)


def run_case(pack: Pack, rule_id: str, case: dict[str, Any], fixture: Path, engine: Engine) -> CaseResult:
    facts = case_facts(case, fixture, pack)
    evaluation = evaluate(pack, facts, engine)
    mine = [o for o in evaluation.outcomes if o.check.rule_id == rule_id]
    counts = {s: sum(1 for o in mine if o.status is s) for s in Status}
    failing = sorted(o.check.check_id for o in mine if o.status is Status.FAILED)
    expect = case["expect"]
    problems = []
    for name, status in (("failed", Status.FAILED), ("passed", Status.PASSED),
                         ("not_assessable", Status.NOT_ASSESSABLE)):
        if name in expect and counts[status] != expect[name]:
            problems.append(f"{name}: expected {expect[name]}, got {counts[status]}")
    if "failing" in expect and failing != sorted(expect["failing"]):
        problems.append(f"failing: expected {sorted(expect['failing'])}, got {failing}")
    rule = pack.rule(rule_id)
    assert rule is not None
    messages = [build_finding(o, rule, facts, "zh").message for o in evaluation.with_status(Status.FAILED)
                if o.check.rule_id == rule_id]
    for needle in expect.get("message_contains", ()):
        if not any(needle in m for m in messages):
            problems.append(f"no message contains {needle!r}: {messages}")
    if evaluation.disagreements:
        problems.append(f"engine and reference disagree: {evaluation.disagreements}")
    return CaseResult(rule_id, case["name"], not problems, "; ".join(problems) or "ok")


def case_expects_failure(case: dict[str, Any]) -> bool:
    expect = case["expect"]
    return bool(expect.get("failed")) or bool(expect.get("failing"))


def case_expects_pass(case: dict[str, Any]) -> bool:
    expect = case["expect"]
    return expect.get("failed") == 0 and bool(expect.get("passed"))


@dataclass(frozen=True)
class PackTestReport:
    """A pack's fixtures run (`auditor rules test`): every case's result in rule and file order; the rules taken
    unchanged from the pack it extends, with the pack whose fixtures test them (their cases run with that pack);
    and the gaps (a rule without a fixture file or without a must-pass or must-fail case, a fixture that cannot be
    read, a fixture that tests no rule of the pack, a parent pack that does not load)."""

    pack: Pack
    fixtures: Path
    results: tuple[CaseResult, ...]
    inherited: tuple[tuple[str, str], ...]
    gaps: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.gaps and all(r.ok for r in self.results)


def _run_case_safely(pack: Pack, rule_id: str, case: dict[str, Any], fixture: Path, engine: Engine) -> CaseResult:
    # A case that cannot be built (its base report unreadable, its edited text or cell missing) or that the engine
    # cannot evaluate is a failed case with the reason, so one bad case does not hide the others' results.
    try:
        return run_case(pack, rule_id, case, fixture, engine)
    except (ValueError, OSError, IngestError, EngineError) as exc:
        return CaseResult(rule_id, case["name"], False, f"{type(exc).__name__}: {exc}")


def _lineage(pack: Pack, loaded: Iterable[Pack]) -> tuple[dict[str, Pack], str | None]:
    """The pack and every pack it extends, by id, each found where the loader finds it (beside the one extending
    it): one already loaded from that folder is reused, another is loaded. The second item says why a parent could
    not be loaded (None when all were)."""
    by_dir = {Path(p.path).resolve(): p for p in loaded}
    family = {pack.id: pack}
    current = pack
    while current.extends and current.extends not in family:
        directory = (Path(current.path).parent / current.extends).resolve()
        try:
            current = by_dir.get(directory) or load_pack(directory)
        except PackError as exc:
            return family, f"the pack it extends does not load: {exc}"
        family[current.id] = current
    return family, None


def run_pack_fixtures(pack: Pack, fixtures_root: Path, engine: Engine, loaded: Iterable[Pack] = ()) -> PackTestReport:
    """Run the fixtures of `pack` found in `fixtures_root/<pack id>/<RULE_ID>.yaml`, rules in pack order.

    A rule the pack takes unchanged from the pack it extends is tested by that pack's fixtures (fixture_owner, as
    in tests/test_rules.py): its fixture file is checked here, its cases run when that pack is tested. `loaded`
    are packs already loaded (a parent among them is not loaded again). Never raises for a bad fixture or parent:
    an unreadable or invalid fixture file, a case that cannot be built or a parent that does not load is reported
    (as a gap or a failed case) and the rest still runs.
    """
    family, parent_problem = _lineage(pack, loaded)
    results: list[CaseResult] = []
    inherited: list[tuple[str, str]] = []
    gaps = [f"{pack.id}: {parent_problem}"] if parent_problem else []
    for rule in pack.rules:
        owner = fixture_owner(pack, rule.id, family)
        fixture = fixtures_root / owner / f"{rule.id}.yaml"
        if owner != pack.id:
            inherited.append((rule.id, owner))
        if not fixture.is_file():
            gaps.append(f"{rule.id}: no fixture file {fixture}")
            continue
        try:
            data = load_fixture(fixture)
        except ValueError as exc:
            gaps.append(f"{rule.id}: fixture file not usable: {exc}")
            continue
        if data["rule"] != rule.id:
            gaps.append(f"{rule.id}: {fixture.name} names rule {data['rule']}")
            continue
        cases = data["cases"]
        if owner == pack.id:
            results.extend(_run_case_safely(pack, rule.id, case, fixture, engine) for case in cases)
        if not any(case_expects_pass(c) for c in cases):
            gaps.append(f"{rule.id}: no case that must pass")
        if not any(case_expects_failure(c) for c in cases):
            gaps.append(f"{rule.id}: no case that must fail")
    directory = fixtures_root / pack.id
    if directory.is_dir():
        for fixture in sorted(directory.glob("*.yaml")):
            if pack.rule(fixture.stem) is None:
                gaps.append(f"{fixture.name}: tests no rule of pack {pack.id}")
    return PackTestReport(pack, directory, tuple(results), tuple(inherited), tuple(gaps))


def fixture_owner(pack: Pack, rule_id: str, packs: dict[str, Pack]) -> str:
    """Whose fixtures test this rule: a rule a pack takes unchanged from the pack it extends (the same compiled
    checks) is tested by that pack's fixtures; a rule it changes, through groups or parameters, by its own."""
    parent = packs.get(pack.extends or "")
    if parent is not None and parent.rule(rule_id) and parent.compiled(rule_id) == pack.compiled(rule_id):
        return fixture_owner(parent, rule_id, packs)
    return pack.id
