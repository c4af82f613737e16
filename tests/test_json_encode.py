"""`--format json` by orjson (issue 14 part 4): the very text the standard library's encoder wrote from `asdict`
copies, on every sample, corpus and found report, and on values chosen where the two encoders differ."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import random
import struct
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from auditor import model
from auditor.audit import audit_file
from auditor.formatters.encode import _PYTHON_WRITES_OTHERWISE, dumps_indented, stdlib_indented
from auditor.formatters.serialize import document
from auditor.model import DocumentResult, Location, Operand, Problem, Review, ReviewState
from auditor.packs import Pack

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"


def _as_before(d: DocumentResult) -> dict[str, Any]:
    """serialize.document as it was written before orjson: `asdict` copies, the enums turned into text by hand."""
    data = document(d)
    findings = []
    for f in d.findings:
        found = asdict(f)
        del found["translations"]  # the store's, never the run's JSON (serialize._FINDING_FIELDS)
        found["severity"] = f.severity.label
        if f.review is not None:
            found["review"]["state"] = f.review.state.value
        findings.append(found)
    return data | {"report": asdict(d.report), "findings": findings,
                   "not_assessable": [asdict(n) for n in d.not_assessable],
                   "problems": [asdict(p) for p in d.problems],
                   "coverage": asdict(d.coverage) if d.coverage is not None else None,
                   "rectification": [asdict(r) for r in d.rectification]}


def _reports(generated: Path, packs: list[Pack]) -> list[Path]:
    """Every sample, found and corpus report, and reports generated as benchmarks/bench_audit.py generates them (an
    injected defect every 7th, so failed findings with operands are among them)."""
    found = [*sorted((ROOT / "samples").iterdir()), *sorted((ROOT / "tests" / "corpus" / "found").iterdir())]
    if CORPUS.is_dir():
        found += sorted(p for p in CORPUS.iterdir() if p.name != "README.md")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from bench_audit import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for kind, n in (("text", 21), ("html", 14 if CORPUS.is_dir() else 0)):
        folder = generated / kind
        folder.mkdir()
        found += [path for path, _ in generate(kind, n, folder, packs)]
    return [p for p in found if p.is_file()]


def test_every_report_is_written_as_the_standard_library_wrote_it(packs: list[Pack], tmp_path: Path) -> None:
    reports = _reports(tmp_path, packs)
    assert len(reports) > 60
    fast = 0
    for path in reports:
        result = audit_file(path, packs)
        expected = json.dumps(_as_before(result), ensure_ascii=False, indent=2)
        assert dumps_indented(document(result)) == expected, path
        assert stdlib_indented(document(result)) == expected, path  # the fallback writes the same
        fast += not _PYTHON_WRITES_OTHERWISE.search(orjson.dumps(document(result), option=orjson.OPT_INDENT_2))
    assert fast > len(reports) // 2  # the fast path is the one taken, not the fallback every time


def _random_float(rng: random.Random) -> float:
    while True:
        x: float = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        if x == x and abs(x) != float("inf"):
            return x


def test_floats_are_written_as_json_dumps_writes_them() -> None:
    rng = random.Random(14)
    values = [_random_float(rng) for _ in range(20000)] + [rng.uniform(-1e-3, 1e-3) for _ in range(5000)]
    values += [1e-05, 1e-4, 9.99e-5, 1e16, 1e15, 1e22, 5e-324, -0.0, 0.1 + 0.2, 26.79, 100.0, 2 ** 63, 2 ** 64]
    for value in values:
        assert dumps_indented([value]) == json.dumps([value], ensure_ascii=False, indent=2), value


@pytest.mark.parametrize("text", [
    "".join(chr(i) for i in range(0x30)),  # every C0 control: the short escapes and \u00XX
    "\x7f\x85\u2028\u2029\u202e\ufeff\U0001f600",  # written raw by both (json_text escapes them afterwards)
    "\udcff 损坏的 UTF-16",  # a lone surrogate: orjson refuses it, json.dumps writes it
    "e-mail 1e-5 0.00001 \"quoted\" back\\slash",  # the fallback's triggers inside a text: the same text either way
])
def test_texts_are_written_as_json_dumps_writes_them(text: str) -> None:
    value = {"message": text, "nested": [{"k": text}], "empty": [], "none": {}}
    assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_dataclasses_and_enums_are_written_as_their_fields_and_values() -> None:
    operand = Operand("t3.new_received.total", 0.00001, "0.00001", "number", Location(line=3, snippet="\udcff"))
    review = Review(ReviewState.CONFIRMED, "ok", "lead", "2026-01-01T00:00:00Z")
    value = {"operand": operand, "review": review, "problems": (Problem("x", "t", "m"),), "big": 2 ** 70}
    expected = json.dumps({"operand": asdict(operand), "review": asdict(review) | {"state": "confirmed"},
                           "problems": [asdict(Problem("x", "t", "m"))], "big": 2 ** 70}, ensure_ascii=False, indent=2)
    assert dumps_indented(value) == expected
    assert dumps_indented({"operand": Operand("k", 3, "3", "number", Location())}) == json.dumps(
        {"operand": asdict(Operand("k", 3, "3", "number", Location()))}, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        dumps_indented({"path": Path("x")})  # as json.dumps refuses it: no silent str()


def test_json_text_skips_only_text_it_would_leave_unchanged() -> None:
    """json_text returns a text with no character but printable ones and newlines as it is: every character it
    escapes must be one that str.isprintable refuses (as `visible`'s own fast path assumes)."""
    from auditor.formatters.safe import _JSON_RAW, json_text

    escaped = [c for c in map(chr, range(0x110000)) if _JSON_RAW.match(c)]
    assert len(escaped) > 2000 and not any(c.isprintable() for c in escaped)
    assert json_text('{\n  "a": "x\\u202ey"\n}') == '{\n  "a": "x\\u202ey"\n}'
    assert json_text('{\n  "a": "x\u202ey\u3000"\n}') == '{\n  "a": "x\\u202ey\u3000"\n}'


def _result_dataclasses() -> list[type]:
    return [c for _, c in inspect.getmembers(model, inspect.isclass)
            if dataclasses.is_dataclass(c) and c.__module__ == model.__name__]


def test_results_hold_nothing_orjson_would_write_otherwise() -> None:
    """orjson writes a dataclass without __slots__ from its __dict__ and leaves out names with a leading underscore,
    where asdict (and the fallback) writes its fields: the two agree only while no result class has a field named
    `_x` and nothing (a cached_property, a memo set by object.__setattr__) adds to an instance's __dict__."""
    classes = _result_dataclasses()
    assert model.Finding in classes and model.DocumentResult in classes
    for cls in classes:
        assert not any(f.name.startswith("_") for f in dataclasses.fields(cls)), cls
        assert not any(isinstance(v, functools.cached_property) for v in vars(cls).values()), cls


def test_an_instance_holds_its_fields_only(packs: list[Pack]) -> None:
    """The results of a real audit, walked: every dataclass in them has exactly its fields in its __dict__."""
    result = audit_file(ROOT / "samples" / sorted(p.name for p in (ROOT / "samples").glob("*.txt"))[0], packs)
    seen = 0
    todo: list[Any] = [result]
    while todo:
        value = todo.pop()
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            assert list(vars(value)) == [f.name for f in dataclasses.fields(value)], type(value)
            todo += [getattr(value, f.name) for f in dataclasses.fields(value)]
            seen += 1
        elif isinstance(value, (list, tuple)):
            todo += value
    assert seen > 20
