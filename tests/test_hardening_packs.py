"""Hostile rule packs and configurations (issue 9, part 5): nothing a pack, an extractor, a configuration or a rule
fixture says may hang, bloat memory, write gigabytes or end in a traceback. Each is refused as pack_invalid or
config_invalid naming the file, the JSON pointer and the reason; an extractor that runs over its time makes the
document's `extractor_timeout` problem. Every case builds its hostile file in tmp_path."""

from __future__ import annotations

import json
import os
import re
import textwrap
import time
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor import limits
from auditor.cli import main
from auditor.config import ConfigError, load_config, load_configured_packs
from auditor.facts import extract_facts
from auditor.facts.claims import ClaimPattern, Extractor, ExtractorTimeout, extract_claims
from auditor.facts.model import ParagraphFact
from auditor.facts.normalize import same_length_nfkc
from auditor.ingest import read_document
from auditor.packs import PackError, load_pack
from auditor.packs.expr import ExprError, parse
from auditor.resources import InvalidFile, compile_regex, default_pack_dirs, read_yaml
from auditor.ruletests import load_fixture
from tests.conftest import edit_file

ROOT = Path(__file__).resolve().parent.parent
edit_file_once = partial(edit_file, count=1)
SAMPLE = ROOT / "samples" / "004_bdd5b039361f2e6c.txt"
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"

# Nine lists of nine aliases of the list before: 9**9 = 387 million strings to whoever walks the last one.
LAUGHS = "l0: &l0 [a, b, c, d, e, f, g, h, i]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))




def _pack_error(pack: Path) -> PackError:
    with pytest.raises(PackError) as error:
        load_pack(pack)
    return error.value


def _config_error(tmp_path: Path, text: str) -> ConfigError:
    path = tmp_path / "auditor.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_configured_packs(default_pack_dirs(), load_config(path))
    return error.value


# --- 1. YAML anchors and aliases (billion laughs), refused as the file is parsed -------------------------------------

@pytest.mark.parametrize(("file", "old", "new"), [
    ("pack.yaml", "groups:", "groups:\n  bomb: &bomb [a, b]\n  bomb2: *bomb"),
    ("T3-BAL.yaml", "  col: columns", "  col: &cols [total, natural_person]"),
    ("T3-BAL.yaml", "  references:", "  references: &refs [a, b]\n  aliases: *refs\n  references_x:"),
    ("extractors.yaml", "macros:", "macros:\n  X: &x '(?:a)'\n  Y: *x"),
])
def test_a_pack_with_an_anchor_or_alias_is_refused_with_line_and_column(pack_copy: Path, file: str, old: str,
                                                                        new: str) -> None:
    edit_file_once(pack_copy / file, old, new)
    error = _pack_error(pack_copy)
    assert Path(error.file).name == file
    assert re.search(r"line \d+, column \d+: (anchors|aliases) \(", error.reason), error.reason


def test_billion_laughs_in_a_pack_fails_at_once(pack_copy: Path) -> None:
    edit_file_once(pack_copy / "pack.yaml", "groups:", "groups:\n" + textwrap.indent(LAUGHS, "  "))
    start = time.monotonic()
    result = CliRunner().invoke(main, ["audit", "--no-default-packs", "--pack", str(pack_copy), str(SAMPLE)])
    assert time.monotonic() - start < 20
    assert result.exit_code == 2 and "anchors" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("text", [
    "agency_aliases:\n" + textwrap.indent(LAUGHS, "  "),
    "x: &ids [T3-BAL]\nrules: {disable: *ids}\n",
    "rules:\n  disable: &ids [T3-BAL]\n  severity: {}\n",
])
def test_a_configuration_with_an_anchor_or_alias_is_refused(tmp_path: Path, text: str) -> None:
    error = _config_error(tmp_path, text)
    assert error.pointer == "/" and "are not allowed" in error.reason and "line " in error.reason


def test_a_rule_fixture_with_an_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "T3-BAL.yaml"
    path.write_text("rule: T3-BAL\ncases:\n  - &c {name: one, base: x, expect: {failed: 1}}\n  - *c\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="anchors"):
        load_fixture(path)


def test_the_bundled_packs_and_fixtures_use_no_anchor_and_read_as_they_did() -> None:
    files = [*ROOT.joinpath("rules").rglob("*.yaml"), *ROOT.joinpath("tests", "rules").rglob("*.yaml")]
    assert len(files) > 100
    for path in files:
        read_yaml(path)  # raises InvalidFile on an anchor, an alias or anything else refused


# --- 2. File size: at most limits.MAX_YAML_BYTES are read, whatever the file is --------------------------------------

@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_rule_file_or_configuration_that_is_dev_zero_is_refused_unread(pack_copy: Path, tmp_path: Path) -> None:
    (pack_copy / "T3-BAL.yaml").unlink()
    (pack_copy / "T3-BAL.yaml").symlink_to("/dev/zero")
    error = _pack_error(pack_copy)
    assert Path(error.file).name == "T3-BAL.yaml" and "larger than 1 MiB" in error.reason
    config = tmp_path / "zero.yaml"
    config.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        load_config(config)


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(limits.MAX_YAML_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InvalidFile, match="larger than"):
        read_yaml(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_without_a_writer_does_not_block(tmp_path: Path) -> None:
    pipe = tmp_path / "auditor.yaml"
    os.mkfifo(pipe)
    assert load_config(pipe).disable == ()  # read as empty, at once: the default configuration


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "auditor.yaml"
    path.write_bytes("rules: {disable: [T3-BAL]}\n# 注释\n".encode("gb18030"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


# --- 3. Extractor regexes: checked when the pack loads, and timed on every document ---------------------------------

@pytest.mark.parametrize(("pattern", "reason"), [
    ("(?P<value>a+)+$", "catastrophic backtracking"),
    (r"(?:\w+\s?)*(?P<value>\d)件", "catastrophic backtracking"),
    ("(?:(?:.|.)+)+(?P<value>[Zz][Zz])", "catastrophic backtracking"),
    ("(?P<value>a{1000000})", "repeat counts of 1,000,000"),
    ("(?:(?P<value>a{100})){100}", "repeat counts of 10,000"),
    ("(" * 800 + "?P<value>a" + ")" * 800, "nest too deep"),
    ("(?P<value>a{99999999999})", "too large"),
    ("[[:digit:]](?P<value>a)", "ambiguous"),
])
def test_a_hazardous_extractor_pattern_is_refused(pack_copy: Path, pattern: str, reason: str) -> None:
    edit_file_once(pack_copy / "extractors.yaml", "  normative_issued:",
          f"  hostile:\n    title: hostile\n    patterns:\n      - {json.dumps(pattern)}\n  normative_issued:")
    error = _pack_error(pack_copy)
    assert error.pointer == "/claims/hostile/patterns/0" and reason in error.reason


def test_a_pattern_over_the_length_limit_is_refused_macros_included(pack_copy: Path) -> None:
    half = "b" * (limits.MAX_PATTERN_CHARS // 2)
    edit_file_once(pack_copy / "extractors.yaml", "macros:", f"macros:\n  HALF: '{half}'")
    edit_file_once(pack_copy / "extractors.yaml", "  normative_issued:",
          "  hostile:\n    title: hostile\n    patterns:\n      - '(?P<value>a){HALF}{HALF}'\n  normative_issued:")
    error = _pack_error(pack_copy)
    assert error.pointer == "/claims/hostile/patterns/0" and f"at most {limits.MAX_PATTERN_CHARS:,}" in error.reason
    edit_file_once(pack_copy / "extractors.yaml", "{HALF}{HALF}", "b" * (limits.MAX_PATTERN_CHARS + 1))
    reason = _pack_error(pack_copy).reason  # the schema says it before any macro is expanded
    assert "is not valid under any of the given schemas" in reason and len(reason) < 400  # the value is not echoed


@pytest.mark.parametrize("pattern", [
    r"(?:\s+[a-z]+)*", r"(\d+,)+", "(?:a++)+", "(?>a+)+", "(?:[^，。；]{0,10})?", "(?:a{1,2}){1,3}", "(a?x)+",
])
def test_repeats_that_cannot_explode_are_accepted(pattern: str) -> None:
    compile_regex(pattern, "/p")


def test_a_bad_agency_class_in_a_configuration_is_refused(tmp_path: Path) -> None:
    error = _config_error(tmp_path, "agency_classes: {approval_bureau: '(a+)+$'}\n")
    assert error.pointer == "/agency_classes/approval_bureau" and "catastrophic" in error.reason


def test_the_regex_module_matches_every_bundled_pattern_as_re_does() -> None:
    """Extractors run in the `regex` module (for its time-out); over every paragraph of the samples, the corpus and
    the parity fixtures, each bundled pattern finds the same matches, spans and groups as with `re`."""
    patterns = {p.regex.pattern: p for d in default_pack_dirs() for e in load_pack(d).extractors for p in e.patterns}
    files = [*ROOT.joinpath("samples").glob("*.txt"), *(CORPUS.iterdir() if CORPUS.is_dir() else ()),
             *ROOT.joinpath("tests", "fixtures").rglob("*.*")]
    texts = []
    for path in files:
        try:
            texts += [same_length_nfkc(p.text) for p in extract_facts(read_document(path)).paragraphs]
        except Exception:  # noqa: BLE001 - a file that does not read has no paragraphs to compare
            continue
    matched = 0
    for pattern in patterns.values():
        for text in texts:
            expected = [(m.span(), m.groupdict()) for m in pattern.regex.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in pattern.matcher.finditer(text)] == expected, pattern.regex
            matched += len(expected)
    assert len(patterns) > 30 and matched > 700


# A pattern the shape checks do not recognise (overlapping alternatives), exponential on a run of x without a y.
SLOW = r"(?:x|x)+y(?P<value>\d)件"


def test_an_extractor_over_its_time_budget_stops_with_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "EXTRACTOR_SECONDS", 0.2)
    slow = Extractor("claim.slow", (ClaimPattern(re.compile(SLOW)),))
    paragraphs = (ParagraphFact(1, 1, "x" * 40 + "1件 y"),)
    start = time.monotonic()
    with pytest.raises(ExtractorTimeout) as error:
        extract_claims(paragraphs, (slow,))
    assert time.monotonic() - start < 2
    assert error.value.slug == "extractor_timeout"
    assert error.value.values == {"extractor": "claim.slow", "limit": "0.2"}


def test_an_extractor_whose_every_match_is_slow_stops_at_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The regex module's timeout bounds a whole finditer, not each search: many matches, each found after a slow
    failed attempt, still stop at the budget (so the budget is checked once per call, not once per match)."""
    monkeypatch.setattr(limits, "EXTRACTOR_SECONDS", 0.3)
    slow = Extractor("claim.slow", (ClaimPattern(re.compile(r"(?:x|x)+y(?P<value>\d)件|z(?P<z>\d)")),))
    text = ("x" * 22 + "1件 z1 ") * 200  # each z1 is found after the slow part before it fails
    start = time.monotonic()
    with pytest.raises(ExtractorTimeout):
        extract_claims((ParagraphFact(1, 1, text),), (slow,))
    assert time.monotonic() - start < 1.5


def test_the_whole_documents_extraction_has_a_budget_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "EXTRACTION_SECONDS", 0.3)
    slow = [Extractor(f"claim.slow{i}", (ClaimPattern(re.compile(SLOW)),)) for i in range(5)]
    with pytest.raises(ExtractorTimeout) as error:
        extract_claims((ParagraphFact(1, 1, "x" * 40 + "1件 y"),), tuple(slow))
    assert error.value.values["limit"] == "0.3"


def test_a_document_whose_extractor_times_out_is_an_input_error_not_a_pass(pack_copy: Path, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "EXTRACTOR_SECONDS", 0.2)
    edit_file_once(pack_copy / "extractors.yaml", "  normative_issued:",
          f"  slow:\n    title: slow\n    patterns:\n      - pattern: '{SLOW}'\n        value: 1\n"
          "  normative_issued:")
    report = tmp_path / "report.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    report.write_text(f"{title}\n{'x' * 40}1件 y\n{rest}", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--format", "json", "--no-default-packs", "--pack", str(pack_copy),
                                       str(report)])
    assert result.exit_code == 2, result.output
    assert "extractor_timeout" in result.stdout and "claim.slow" in result.stdout
    assert '"passed": 0' in result.stdout  # not audited on incomplete claims: nothing passed that was not checked


# --- 4. Message placeholders: no format spec, no conversion ---------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["{lhs:>1999999999}", "{lhs:.2f}", "{lhs!r}", "{lhs:{rhs}}"])
def test_a_message_placeholder_with_a_format_spec_is_refused(pack_copy: Path, placeholder: str) -> None:
    edit_file_once(pack_copy / "T3-BAL.yaml", "{lhs}", placeholder)
    error = _pack_error(pack_copy)
    assert error.pointer == "/message/zh" and "format spec" in error.reason


# --- 5. Check expressions: terms and depth counted before anything recurses ------------------------------------------

def test_a_check_of_3000_terms_is_refused_without_recursion(pack_copy: Path) -> None:
    terms = " + ".join(["t3.new_received.total"] * 3000)
    edit_file_once(pack_copy / "T3-NN.yaml", "check: ", f"check: {terms} == 0 or ")
    error = _pack_error(pack_copy)
    assert error.pointer == "/check" and f"more than {limits.MAX_EXPR_TERMS} terms" in error.reason


@pytest.mark.parametrize(("text", "reason"), [
    (" + ".join(["t3.a.b"] * 40) + " == 0", "deep (each + or - of a chain is a level)"),
    ("not " * 40 + "t3.a.b == 0", "nests"),
    ("t3.a.b < 1e999", "out of range"),
    ("t3.a.b < 10000000000", "out of range"),
    ("t3.a.b == " + "9" * 5000, "syntax error"),
    ("t3.a.b == \x00", "syntax error"),
])
def test_hostile_expressions_are_expr_errors(text: str, reason: str) -> None:
    with pytest.raises(ExprError, match=re.escape(reason)):
        parse(text)


def test_the_bundled_checks_are_within_the_expression_limits() -> None:
    for directory in default_pack_dirs():
        for rule in load_pack(directory).rules:
            parse(rule.check)


# --- 6. Numeric parameters: finite, from 0 to limits.MAX_PARAMETER ---------------------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    (".nan", "not a finite number"), (".inf", "not a finite number"), ("-.inf", "not a finite number"),
    ("-1", "less than the minimum"), ("1.0e+12", "greater than the maximum"),
])
def test_a_pack_parameter_out_of_range_is_refused(pack_copy: Path, value: str, reason: str) -> None:
    edit_file_once(pack_copy / "pack.yaml", "pct_error_points: 1.5", f"pct_error_points: {value}")
    error = _pack_error(pack_copy)
    assert error.pointer == "/parameters/pct_error_points" and reason in error.reason


@pytest.mark.parametrize(("value", "reason"), [
    (".nan", "not a finite number"), ("-0.5", "less than the minimum"), ("1.0e+300", "greater than the maximum"),
])
def test_a_configured_parameter_out_of_range_is_refused(tmp_path: Path, value: str, reason: str) -> None:
    error = _config_error(tmp_path, f"parameters: {{pct_error_points: {value}}}\n")
    assert error.pointer == "/parameters/pct_error_points" and reason in error.reason


def test_a_fixed_extractor_value_must_be_finite(pack_copy: Path) -> None:
    edit_file_once(pack_copy / "extractors.yaml", "        value: 0", "        value: .nan")
    assert "not a finite number" in _pack_error(pack_copy).reason


def test_the_schemas_state_the_limits_module_bounds() -> None:
    schemas = ROOT / "schemas"
    pack = json.loads((schemas / "pack.schema.json").read_text(encoding="utf-8"))
    config = json.loads((schemas / "config.schema.json").read_text(encoding="utf-8"))
    for bound in (pack["properties"]["parameters"]["additionalProperties"],
                  config["properties"]["parameters"]["additionalProperties"]):
        assert bound["minimum"] == 0 and bound["maximum"] == limits.MAX_PARAMETER
    extractors = (schemas / "extractors.schema.json").read_text(encoding="utf-8")
    assert f'"maxLength": {limits.MAX_PATTERN_CHARS}' in extractors


# --- 7. The rest: nesting, long integers, keys that are not text, expansions ----------------------------------------

@pytest.mark.parametrize(("text", "pointer", "reason"), [
    ("rules: {disable: " + "[" * 50_000 + "]" * 50_000 + "}\n", "/", "nest more than"),
    ("parameters: {pct_error_points: " + "9" * 5000 + "}\n", "/", "too many digits"),
    ("parameters: {1: 5}\n", "/parameters", "not text"),
    ("rules: {severity: {yes: error}}\n", "/rules/severity", "not text"),
    ("rules: {disable: [T3-BAL]}\n\x00", "/", "not valid YAML"),
])
def test_hostile_configuration_shapes_are_refused(tmp_path: Path, text: str, pointer: str, reason: str) -> None:
    error = _config_error(tmp_path, text)
    assert error.pointer == pointer and reason in error.reason


def test_a_for_each_that_expands_to_millions_of_checks_is_refused(pack_copy: Path) -> None:
    many = ", ".join(f"v{i}" for i in range(1500))
    edit_file_once(pack_copy / "T3-NN.yaml", "  row: t3_rows", f"  row: t3_rows\n  a: [{many}]\n  b: [{many}]")
    start = time.monotonic()
    error = _pack_error(pack_copy)
    assert time.monotonic() - start < 10
    assert error.pointer == "/for_each" and "checks; at most" in error.reason


@pytest.mark.parametrize("args", [
    ["audit", "--config", "{config}", str(SAMPLE)],
    ["rules", "list", "--pack", "{pack}"],
])
def test_the_cli_reports_them_as_invalid_files_with_exit_2(tmp_path: Path, pack_copy: Path, args: list[str]) -> None:
    config = tmp_path / "auditor.yaml"
    config.write_text("parameters: {pct_error_points: .nan}\n", encoding="utf-8")
    edit_file_once(pack_copy / "pack.yaml", "pct_error_points: 1.5", "pct_error_points: .nan")
    result = CliRunner().invoke(main, [a.format(config=config, pack=pack_copy) for a in args])
    assert result.exit_code == 2
    assert "/parameters/pct_error_points" in result.stderr and "Traceback" not in result.output
