"""The command line: parse options, call the library, format. No audit logic lives here (STYLE §14).

Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage, rule-pack or input error (a file that could not be
read, an invalid pack, an engine failure).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.audit import EXIT_ERROR, audit_paths, exit_code, read_facts
from auditor.facts.model import to_json
from auditor.formatters import FORMATTERS, render
from auditor.ingest import IngestError
from auditor.model import RunResult, Severity
from auditor.packs import Pack, PackError, load_pack
from auditor.problems import problem
from auditor.resources import default_pack_dirs


def _load_packs(dirs: tuple[Path, ...], lang: str) -> list[Pack]:
    try:
        return [load_pack(d) for d in (dirs or default_pack_dirs())]
    except PackError as exc:
        p = problem("pack_invalid", lang, file=exc.file, pointer=exc.pointer, reason=exc.reason)
        click.echo(f"auditor: {p.title}: {p.message}", err=True)
        sys.exit(EXIT_ERROR)


_pack_option = click.option("--pack", "packs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
                            help="Rule pack directory (repeatable). Default: the bundled packs.")
_lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                            help="Language of messages.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Audit 政府信息公开工作年度报告 against the State Council template and its arithmetic."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "none"]), default="error",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file.")
@_pack_option
@_lang_option
def audit(paths: tuple[Path, ...], fmt: str, fail_on: str, output: Path | None, packs: tuple[Path, ...],
          lang: str) -> None:
    """Audit report files or folders (folders are walked recursively)."""
    loaded = _load_packs(packs, lang)
    result: RunResult = audit_paths(paths, loaded, lang)
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(fmt, result, color)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    sys.exit(exit_code(result, None if fail_on == "none" else Severity.parse(fail_on)))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@_pack_option
@_lang_option
def parse(path: Path, packs: tuple[Path, ...], lang: str) -> None:
    """Print the facts read from one report, as JSON (the keys rule packs use)."""
    loaded = _load_packs(packs, lang)
    try:
        facts, pack = read_facts(path, loaded)
    except IngestError as exc:
        p = problem(exc.slug, lang, str(path), **exc.values)
        click.echo(f"auditor: {p.title}: {p.message}", err=True)
        sys.exit(EXIT_ERROR)
    data = to_json(facts)
    data["pack"] = pack.label if pack else None
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
