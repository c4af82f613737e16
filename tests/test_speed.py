"""The speed work (issue 14) changes no answer: compiled conditions decide as the tree-walking reference does, the
YAML loaded through libyaml is the data PyYAML gives (with the same refusals), start-up imports no library only some
commands need, and every output of the samples, the corpus and generated reports is byte-identical to the code's
before the change (benchmarks/identical.py)."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auditor import resources
from auditor.packs import Pack
from auditor.packs.reference import holds

ROOT = Path(__file__).resolve().parent.parent


def _envs(check, rng: random.Random):  # type: ignore[no-untyped-def]
    keys = [o.key for o in check.operands]
    for _ in range(40):
        env = {k: rng.choice([0, 1, 2, 3, 7, 10, 100, 0.5, 26.79, -1, rng.randint(0, 500)]) for k in keys}
        for members in (o.members for o in check.operands):
            env.update({m: rng.randint(0, 20) for m in members})
        yield env


def test_compiled_conditions_decide_as_the_reference_does(standard: Pack) -> None:
    rng = random.Random(14)
    compared = 0
    for check in standard.checks:
        for env in _envs(check, rng):
            try:
                expected = holds(check.node, env)
            except ZeroDivisionError:
                continue  # never posted: evaluate._blocked settles a zero divisor first
            assert check.holds(env) is expected, (check.check_id, env)
            compared += 1
    assert compared > 5000


def test_a_compiled_condition_reads_keys_as_data_not_code() -> None:
    from auditor.packs.expr import Compare, Key, Num
    from auditor.packs.reference import compile_condition

    hostile = "x'] or __import__('os').system('echo owned') or e['"
    condition = compile_condition(Compare("==", Key(hostile), Num(1)))
    assert condition({hostile: 1}) is True and condition({hostile: 2}) is False
    with pytest.raises(KeyError):
        condition({})


def _yaml_files() -> list[Path]:
    found = [*ROOT.joinpath("rules").rglob("*.yaml"), *ROOT.joinpath("tests").rglob("*.yaml"),
             *ROOT.joinpath("tests").rglob("*.yml")]
    return sorted(set(found))


@pytest.mark.skipif(resources._FastStrictLoader is None, reason="PyYAML without libyaml")
def test_libyaml_loads_every_bundled_yaml_file_as_pyyaml_does() -> None:
    files = _yaml_files()
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            expected, error = yaml.load(text, Loader=resources._StrictLoader), None  # noqa: S506
        except yaml.YAMLError as exc:
            expected, error = None, str(exc)
        try:
            got, got_error = resources._load(text), None
        except yaml.YAMLError as exc:
            got, got_error = None, str(exc)
        assert (got, got_error) == (expected, error), path


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # an anchor and an alias
    "a: " + "[" * 40 + "]" * 40 + "\n",  # nesting beyond limits.MAX_YAML_DEPTH
    "a: " + "9" * 5000 + "\n",  # an integer too long for int()
    "a: [1, 2\n",  # not YAML: PyYAML's own message, line and column
    "a: b\x07c\n",  # a control character PyYAML's reader refuses and libyaml would not
])
def test_the_fast_loader_refuses_what_the_strict_loader_refuses(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as strict:
        yaml.load(text, Loader=resources._StrictLoader)  # noqa: S506
    with pytest.raises(yaml.YAMLError) as fast:
        resources._load(text)
    assert str(fast.value) == str(strict.value)


def test_start_up_imports_no_library_only_some_commands_need() -> None:
    """`auditor audit` of text reports imports neither the summary's writers nor the store's MinHash nor the
    DOCX/PDF/HTML readers (issue 14 part 5: they cost a cold start ~0.4 s)."""
    code = ("import sys\nfrom pathlib import Path\nimport auditor.cli\nfrom auditor.audit import audit_file\n"
            "from auditor.packs import load_pack\nfrom auditor.resources import default_pack_dirs\n"
            "packs = [load_pack(d) for d in default_pack_dirs()]\n"
            f"for p in sorted(Path({str(ROOT / 'samples')!r}).glob('*.txt')): audit_file(p, packs)\n"
            "print(sorted(m for m in ('cn2an', 'openpyxl', 'docx', 'pdfplumber', 'datasketch', 'scipy', 'numpy',"
            " 'lxml', 'bs4') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_every_output_is_byte_identical_to_the_code_before_the_speed_work() -> None:
    """JSON, text (with everything shown), SARIF and English text of the samples, the corpus, tests/corpus/found and
    150 generated reports, against the digests recorded from main at the branch point. A change meant to alter an
    output records them again (`python benchmarks/identical.py --record`) and says so."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "identical.py")], capture_output=True,
                          text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_pattern_is_skipped_only_where_it_cannot_match(packs: list[Pack]) -> None:
    """required_any: every match of every extractor pattern, in every line of the samples and the corpus, holds one
    of the pattern's texts; and the texts are those of the alternatives the pattern opens with."""
    from auditor.facts.claims import required_any
    from auditor.facts.normalize import same_length_nfkc

    assert required_any(re.compile(r"(?:受理|收到|新收)(?:了)?申请\d+件")) == ("受理", "收到", "新收")
    assert required_any(re.compile(r"(?:受理|收到)?申请")) == ()  # optional: no requirement
    assert required_any(re.compile(r"(?:a|b)", re.IGNORECASE)) == ()
    corpus = ROOT.parent / "shared" / "corpus" / "reports"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in
             [*sorted((ROOT / "samples").glob("*.txt")), *sorted(corpus.glob("*.txt")), *sorted(corpus.glob("*.html"))]]
    lines = [same_length_nfkc(line) for text in texts for line in text.splitlines()]
    matched = 0
    for pack in packs:
        for extractor in pack.extractors:
            for pattern in extractor.patterns:
                if not pattern.any_of:
                    continue
                for line in lines:
                    if pattern.regex.search(line):
                        matched += 1
                        assert any(t in line for t in pattern.any_of), (extractor.key, pattern.any_of, line)
    assert matched > 100
