"""A new user's first day (issue 15's stumbles): the README's set-up line succeeds as a command, English counts read
as English, the listings say what their columns are, and `rules test` finds its fixtures from anywhere."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from auditor.cli import main
from tests.conftest import ROOT, SAMPLES


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_the_readmes_set_up_line_succeeds_as_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.+?)\n```", readme, re.S)
    assert first is not None
    audit = first.group(1).split("&&")[-1].strip()
    words = shlex.split(audit)
    assert words[0].endswith("auditor") and words[1] == "audit"
    monkeypatch.chdir(ROOT)
    assert run(*words[1:]).exit_code == 0  # a `&&` chain after it goes on
    assert run("audit", "samples/").exit_code == 1  # and without --fail-on none, the samples' errors: as it says


def test_english_counts_one_thing_in_the_singular() -> None:
    last = run("audit", "--lang", "en", str(SAMPLES / "003_1299ff54e50d8c9c.txt")).stdout.strip().splitlines()[-1]
    assert last.startswith("1 file: ") and "1 error," in last and "1 files" not in last
    many = run("audit", "--lang", "en", str(SAMPLES)).stdout.strip().splitlines()[-1]
    assert many.startswith("5 files: ")


def test_rules_list_says_its_columns_and_the_pack_of_each_rule() -> None:
    lines = run("rules", "list", "--lang", "en").stdout.splitlines()
    assert lines[0].split()[:6] == ["pack", "id", "name", "severity", "category", "title"]
    rows = [line.split()[:2] for line in lines[1:]]
    assert {pack for pack, _ in rows} == {"standard", "standard-2019"}
    assert len(rows) == len({tuple(r) for r in rows})  # a rule two packs share: once under each, with its pack


def test_parse_stats_prints_a_header_line() -> None:
    lines = run("parse", "--stats", "--lang", "en", str(SAMPLES)).stdout.splitlines()
    assert lines[0].startswith("# file") and "read/blank/unreadable" in lines[0] and len(lines) == 6


def test_rules_test_finds_the_fixtures_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("rules", "test")
    assert result.exit_code == 0, result.output[-2000:]
    assert " 0 gaps " in result.output and str(ROOT / "tests" / "rules") in result.output
    copy = tmp_path / "mine" / "standard"
    shutil.copytree(ROOT / "rules" / "standard", copy)
    lost = run("rules", "test", str(copy))
    assert lost.exit_code == 2 and "--fixtures" in lost.stderr and str(tmp_path / "tests" / "rules") in lost.stderr
