"""The command line: parse options, call the library, format. No audit logic lives here (STYLE §14).

Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage, rule-pack or input error (a file that could not be
read, an invalid pack, an engine failure), a history store that cannot be opened or used (auditor.store.errors), or
an output (-o, summary --out) that cannot be written, the previous one then kept, or an `audit --published` list
that cannot be read (a line of it that cannot be used is a problem of the run, not exit 2). `auditor fetch`: 0 every URL
saved, 4 one or more not (auditor.fetch.EXIT_FETCH_FAILED), 2 usage.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import click

from auditor import __version__, budget, limits
from auditor.audit import expand, read_facts
from auditor.batch import Supervision
from auditor.config import ConfigError, load_config, load_configured_packs
from auditor.describe import describe_line
from auditor.engine import process_engine
from auditor.facts.model import cell_counts, to_json
from auditor.fetch import EXIT_FETCH_FAILED
from auditor.fetch.lists import ListError, read_url_list
from auditor.fetch.published import read_published_list
from auditor.formatters import FORMATTERS
from auditor.formatters.fetched import outcome_line, total_line
from auditor.formatters.html import write_site
from auditor.formatters.safe import json_text, visible
from auditor.help_zh import HelpGroup, display_width
from auditor.ingest import IngestError
from auditor.model import RunStream, Severity
from auditor.packs import Pack, PackError
from auditor.packs.docs import readme_is_current, readme_path, render_rule, rule_summary, write_readme
from auditor.packs.supplement import load_packs, packs_of
from auditor.problems import problem
from auditor.resources import default_pack_dirs
from auditor.review import (
    BaselineError,
    DecisionError,
    ExchangeError,
    Ledger,
    decide,
    read_baseline,
    read_decisions,
    write_baseline,
    write_decisions,
)
from auditor.review.exchange import decisions_data
from auditor.review.labels import SCOPE_LABELS, STATE_LABELS
from auditor.review.queue import FILTERS, Item, pick, queue
from auditor.ruletests import run_pack_fixtures
from auditor.run import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Tally, audit_stream
from auditor.store import Store, StoreError, is_url
from auditor.store.decisions import SCOPES
from auditor.store.errors import classify


def _pack_dirs(dirs: tuple[Path, ...]) -> list[Path]:
    """The bundled packs (unless --no-default-packs) and then those given with --pack, each folder once."""
    bundled = [] if click.get_current_context().meta.get(_NO_DEFAULTS) else default_pack_dirs()
    if not bundled and not dirs:
        raise click.UsageError("--no-default-packs needs at least one --pack")
    out, seen = [], set()
    for d in [*bundled, *dirs]:
        if d.resolve() not in seen:
            seen.add(d.resolve())
            out.append(d)
    return out


def _load_packs(dirs: tuple[Path, ...], lang: str, config: Path | None = None) -> list[Pack]:
    """The bundled packs and those given (packs/supplement.py: a pack given for a template a bundled pack audits
    must supplement it), with the run configuration applied; exit 2 naming the file, the JSON pointer and the
    reason when a pack or the configuration is invalid."""
    try:
        return load_configured_packs(_pack_dirs(dirs), load_config(config))
    except PackError as exc:
        _pack_failed(exc, lang)


def _given_packs(dirs: tuple[Path, ...], lang: str) -> tuple[list[Pack], list[Pack]]:
    """For `rules doc` and `rules test`, which work on packs as files: every loaded pack, and the packs of the
    folders given, loaded on their own (a copy of a bundled pack is not a second pack for its template; a
    supplement is its own rules, compiled with the pack it supplements, bundled or given); the bundled packs when
    none is given."""
    if not dirs:
        loaded = _load_packs(dirs, lang)
        return loaded, loaded
    bases = [] if click.get_current_context().meta.get(_NO_DEFAULTS) else default_pack_dirs()
    try:
        loaded = load_packs(list(dirs), bases=bases)
        return loaded, packs_of(loaded, dirs)
    except PackError as exc:
        _pack_failed(exc, lang)


def _pack_failed(exc: PackError, lang: str) -> NoReturn:
    slug = "config_invalid" if isinstance(exc, ConfigError) else "pack_invalid"
    p = problem(slug, lang, file=exc.file, pointer=exc.pointer, reason=exc.reason_in(lang))
    click.echo(f"auditor: {p.title}: {visible(p.message)}", err=True)
    sys.exit(EXIT_ERROR)


_NO_DEFAULTS = "auditor.no_default_packs"
# The header lines of `parse --stats` and `rules list` (text).
_STATS_HEADER = {
    "zh": "# 文件  格式  机关 年度  读到的章节  各表单元格：读出/空白/无法识别  读取问题",
    "en": "# file  format  agency year  sections read  cells per table: read/blank/unreadable  reading issues",
}
_RULES_HEADER = {"zh": ("规则包", "编号", "名称", "严重程度", "类别", "标题"),
                 "en": ("pack", "id", "name", "severity", "category", "title")}


def _pack_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--pack DIR (repeatable) adds a pack to the bundled ones; --no-default-packs leaves the bundled ones out."""
    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        ctx.meta[_NO_DEFAULTS] = value

    command = click.option("--no-default-packs", is_flag=True, expose_value=False, callback=remember,
                           help="Run only the packs given with --pack, not the bundled ones.")(command)
    return click.option("--pack", "packs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
                        help="Rule pack folder to add to the bundled packs (repeatable). A pack for a template a "
                             "bundled pack already audits must say `supplements: <pack id>` in its pack.yaml (its "
                             "rules are added to that pack's); or use --no-default-packs.")(command)
# Eager, so that `--lang zh --help` gives the help in Chinese (auditor/help_zh.py: eager options are processed in
# the order given, --help among them).
_lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, is_eager=True,
                            help="Language of messages; given before --help, of this help too.")
_config_option = click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
                              help="Run configuration (YAML): rules off, severities, thresholds, agency names.")


# Every command and group below is a HelpCommand or a HelpGroup: its help in Chinese where asked for (help_zh.py).
@click.group(cls=HelpGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """Audit 政府信息公开工作年度报告 against the State Council template and its arithmetic."""




class _StoreLocation(click.ParamType[Path | str, str]):
    """--db: a postgresql:// URL as given (a Path would fold its //), else a file path, as click.Path checks it."""

    name = "file-or-url"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if is_url(value):
            return value
        return Path(click.Path(dir_okay=False, path_type=str).convert(value, param, ctx))


_STORE = _StoreLocation()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "none"]), default="error",
              show_default=True,
              help="Lowest severity that makes the exit code 1; `none` also lets an incomplete audit (exit code 3) "
                   "exit 0.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to a file; with --format html, to a folder (index.html and one page per report).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per core). The order of results does not depend on it.")
@click.option("--timeout", type=click.FloatRange(min=1, max=3600), default=limits.FILE_SECONDS, show_default=True,
              help="Seconds one file may take, and each page of a scan --ocr-page-seconds more; a file still running "
                   "then is stopped and reported (file_timeout).")
@click.option("--ocr-page-seconds", type=click.FloatRange(min=0, max=600), default=budget.OCR_PAGE_SECONDS,
              show_default=True,
              help="Seconds each page of a scan earns its file beyond --timeout, for OCR (0: a scan has --timeout "
                   "alone).")
@click.option("--progress/--no-progress", default=None, help="A progress bar (default: on a terminal only).")
@click.option("--db", type=_STORE,
              help="History store (SQLite file, created if absent, or a PostgreSQL database as "
                   "postgresql://user@host:port/dbname): records every audit and gives the cross-year rules last "
                   "year's report of the same body.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Baseline file (`auditor baseline`): its findings are reported as known and --fail-on counts "
                   "only new ones.")
@click.option("--decisions", "decisions_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Review decisions file (`auditor review export`), applied as the store's are with --db.")
@click.option("--show", type=click.Choice(["not-assessable", "unchecked", "fingerprints"]), multiple=True,
              help="Also list, in the text output, the checks that could not be made or the narrative numbers no "
                   "check read (their counts are always printed; the JSON output lists both), or each finding's "
                   "fingerprint (for `auditor review`). Repeatable.")
@click.option("--published", "published_file", type=click.Path(path_type=Path, dir_okay=False),
              help="A list of publication dates, one a line: path<TAB>2025-01-20 (a path relative to the list's "
                   "folder); each date is the file's, for M-DEADLINE, over a fetch sidecar's.")
@_pack_option
@_config_option
@_lang_option
def audit(paths: tuple[Path, ...], fmt: str, fail_on: str, output: Path | None, jobs: int, timeout: float,
          ocr_page_seconds: float, progress: bool | None, db: Path | str | None, baseline_file: Path | None,
          decisions_file: Path | None, show: tuple[str, ...], published_file: Path | None, packs: tuple[Path, ...],
          config: Path | None, lang: str) -> None:
    """Audit report files or folders (folders are walked recursively). Findings a person dismissed or waived (with
    --db or --decisions), or that the --baseline already has, are shown marked and not counted by --fail-on."""
    if fmt == "html" and output is None and sum(1 for _ in expand(paths)) > 1:
        _usage_failed(_HTML_NEEDS_FOLDER[lang])
    loaded = _load_packs(packs, lang, config)
    bar = sys.stderr.isatty() if progress is None else progress
    try:
        known = read_baseline(baseline_file) if baseline_file else frozenset()
        from_file = read_decisions(decisions_file) if decisions_file else []
    except (BaselineError, ExchangeError) as exc:
        _review_failed(exc.message(lang))
    try:
        published = read_published_list(published_file) if published_file else None
    except ListError as exc:
        _usage_failed(visible(_PUBLISHED_UNREADABLE[lang].format(reason=exc)))
    try:
        store = Store(db) if db else None
        ledger = Ledger([*store.decisions(), *from_file]) if store else Ledger(from_file, source="file") \
            if decisions_file else None
    except StoreError as exc:
        _store_failed(exc, lang)
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    run = audit_stream(paths, loaded, lang, jobs, partial(_progress_bar, lang=lang) if bar else None, store,
                       Supervision(seconds=timeout, ocr_page_seconds=ocr_page_seconds), ledger, known,
                       view=fmt == "html", published=published)
    tally = Tally(run.problems)
    # Each document is written as it comes and then dropped: a run of any size holds only those in flight.
    watched = RunStream(tally.watch(run.documents), run.problems, lang, run.rules, baseline_file is not None)
    try:
        try:
            _write_run(watched, fmt, color, output, lang, frozenset(show))
        finally:
            # A run stopped early still records what it audited, before the store closes; that can fail too (the
            # same full disk that stopped -o): the store's message then follows the output's.
            run.documents.close()
    except StoreError as exc:  # the disk full, the file locked beyond the timeout or found corrupt, mid-run
        _store_failed(exc, lang)
    except sqlite3.Error as exc:  # never expected (Store raises StoreError); still a message, not a traceback
        _store_failed(classify(exc, db or "?"), lang)
    finally:
        if store:
            store.close()
    sys.exit(tally.exit_code(None if fail_on == "none" else Severity.parse(fail_on)))


_PUBLISHED_UNREADABLE = {"zh": "无法读取发布日期清单：{reason}",
                         "en": "cannot read the publication date list: {reason}"}


def _write_run(watched: RunStream, fmt: str, color: bool, output: Path | None, lang: str,
               show: frozenset[str] = frozenset()) -> None:
    """The run's report on stdout, or in `output`: written beside the file and moved over it when complete, so a
    failed run leaves the last good one (exit 2 with the reason). HTML with `output`: a folder of pages."""
    if fmt == "html" and output is not None:
        try:
            write_site(watched, output)
        except OSError as exc:
            _cannot_write("file", output, exc, lang)
        return
    if output is None:
        from tqdm import tqdm  # here, not at the top: a worker process imports this module and never draws a bar

        for piece in FORMATTERS[fmt](watched, color, show):
            with tqdm.external_write_mode():  # the bar (on stderr) steps aside while the report is written
                click.echo(piece, nl=False)
        return
    unfinished = output.with_name(output.name + ".partial")
    try:
        with unfinished.open("w", encoding="utf-8") as handle:
            for piece in FORMATTERS[fmt](watched, color, show):
                handle.write(piece)
        unfinished.replace(output)
    except BaseException as exc:
        unfinished.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        _cannot_write("file", output, exc, lang)


# --- the run's own failures: one message each, in --lang, and exit 2 -----------------------------------------------

_CANNOT_WRITE = {
    "file": {"zh": "无法写入 {path}：{reason}；原有文件保持不变",
             "en": "cannot write {path}: {reason}; the previous file was left as it was"},
    "summary": {"zh": "无法把汇总写入 {path}：{reason}；原有的汇总文件保持不变",
                "en": "cannot write the summary to {path}: {reason}; the summary files there were left as they were"},
}
# What the operating system said, in Chinese; in English its own words (strerror).
_OS_REASONS_ZH = {errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EACCES: "没有写入权限",
                  errno.EPERM: "没有写入权限", errno.EROFS: "文件系统只读", errno.ENOENT: "文件夹不存在",
                  errno.ENOTDIR: "路径中有一项不是文件夹", errno.EISDIR: "是一个文件夹"}


def _os_reason(exc: OSError, lang: str) -> str:
    if lang == "zh" and exc.errno in _OS_REASONS_ZH:
        return f"{_OS_REASONS_ZH[exc.errno]}（{exc.strerror}）"
    return exc.strerror or str(exc)


def _cannot_write(what: str, path: Path, exc: OSError, lang: str) -> NoReturn:
    message = _CANNOT_WRITE[what][lang].format(path=path, reason=_os_reason(exc, lang))
    click.echo(f"auditor: {visible(message)}", err=True)
    sys.exit(EXIT_ERROR)


_HTML_NEEDS_FOLDER = {
    "zh": "--format html 为每份报告生成一个页面：多份报告请用 -o 指定输出文件夹（写入 index.html 和各报告页面）",
    "en": "--format html makes one page per report: for several reports name a folder with -o (index.html and one "
          "page per report are written there)",
}


def _usage_failed(message: str) -> NoReturn:
    click.echo(f"auditor: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _store_failed(exc: StoreError, lang: str) -> NoReturn:
    click.echo(f"auditor: {visible(exc.message(lang))}", err=True)
    sys.exit(EXIT_ERROR)


_STAGES = {"zh": {"record": "读取入库", "audit": "核查"}, "en": {"record": "recording", "audit": "auditing"}}


def _progress_bar(total: int, stage: str, lang: str = "zh") -> Callable[[], None]:
    """A bar on stderr (the report goes to stdout) for one stage of the run, gone when the stage ends; none for a
    stage with nothing to do."""
    if total == 0:
        return lambda: None
    from tqdm import tqdm  # as in _write_run

    bar = tqdm(total=total, desc=_STAGES[lang][stage], unit="份" if lang == "zh" else "file", file=sys.stderr,
               leave=False, dynamic_ncols=True)

    def tick() -> None:
        bar.update(1)
        if bar.n == total:
            bar.close()

    return tick


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--stats", is_flag=True, help="One line per file (folders walked): sections found, cells read, blank, "
                                            "unreadable; instead of the facts.")
@_pack_option
@_config_option
@_lang_option
def parse(paths: tuple[Path, ...], stats: bool, packs: tuple[Path, ...], config: Path | None, lang: str) -> None:
    """Print the facts read from one report, as JSON (the keys rule packs use); with --stats, how much was read
    from each of many."""
    loaded = _load_packs(packs, lang, config)
    files = list(expand(paths))
    if not stats and len(files) != 1:
        raise click.UsageError("give one file (or --stats for several)")
    failed = False
    if stats:  # what each column counts, once
        click.echo(_STATS_HEADER[lang])
    for path in files:
        try:
            facts, pack = read_facts(path, loaded)
        except IngestError as exc:
            p = problem(exc.slug, lang, str(path), **exc.values)
            click.echo(f"auditor: {p.title}: {visible(p.message)}", err=True)
            failed = True
            continue
        if not stats:
            data = to_json(facts)
            data["pack"] = pack.label if pack else None
            click.echo(json_text(json.dumps(data, ensure_ascii=False, indent=2)))
            continue
        sections = "".join(str(s.number) for s in facts.sections) or "-"
        tables = " ".join(f"{t}:{c['number']}/{c['blank'] + c['dash'] + c['none']}/{c['unreadable']}"
                          for t, c in cell_counts(facts).items())
        issues = ",".join(i.slug for i in facts.issues) or "-"
        click.echo(f"{visible(str(path))}  {facts.format}  {visible(facts.agency or '?')} {facts.year or '?'}  "
                   f"sections {sections}  cells read/blank/unreadable {tables or '-'}  issues {issues}")
    sys.exit(EXIT_ERROR if failed else EXIT_CLEAN)


# --- for rule writers: list, show, document and test a pack's rules -------------------------------------------------
# `rules doc --check` and `rules test` exit 1 for a stale README or a failed or missing fixture, as findings would.

_NO_SUCH_RULE = {"zh": "没有规则 {wanted!r}（{packs}）；可用编号、名称或别名，`auditor rules list` 列出全部规则",
                 "en": "no rule {wanted!r} in {packs}; give an id, a name or an alias (`auditor rules list`)"}


@main.group()
def rules() -> None:
    """List, show, document and test the rules of a pack (for people who write rules)."""


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_pack_option
@_lang_option
def list_rules(fmt: str, packs: tuple[Path, ...], lang: str) -> None:
    """One line per rule: id, name, severity, category and title (in --lang)."""
    rows = [rule_summary(rule, pack, lang) for pack in _load_packs(packs, lang) for rule in pack.rules]
    if fmt == "json":
        click.echo(json_text(json.dumps(rows, ensure_ascii=False, indent=2)))
        return
    columns = ("pack", "id", "name", "severity", "category")  # a rule two packs share is listed under each
    head = dict(zip((*columns, "title"), _RULES_HEADER[lang], strict=True))
    widths = {c: max((display_width(row[c]) for row in [head, *rows]), default=0) for c in columns}
    for row in [head, *rows]:
        click.echo("  ".join(row[c] + " " * (widths[c] - display_width(row[c])) for c in columns) + "  "
                   + row.get("title", head["title"]))


@rules.command()
@click.argument("wanted", metavar="ID_OR_NAME")
@_pack_option
@_lang_option
def show(wanted: str, packs: tuple[Path, ...], lang: str) -> None:
    """Everything about one rule, found by its id, name or an alias."""
    loaded = _load_packs(packs, lang)
    found = next(((pack, rule) for pack in loaded if (rule := pack.rule(wanted)) is not None), None)
    if found is None:
        labels = ", ".join(pack.label for pack in loaded)
        click.echo("auditor: " + _NO_SUCH_RULE[lang].format(wanted=wanted, packs=labels), err=True)
        sys.exit(EXIT_ERROR)
    pack, rule = found
    click.echo(f"{pack.label}  {rule.file}\n")
    click.echo(render_rule(rule, pack))


@rules.command()
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a README differs from what the rules give.")
@_pack_option
@_lang_option
def doc(check: bool, packs: tuple[Path, ...], lang: str) -> None:
    """Write each pack's README.md from its rules' metadata."""
    stale = False
    for pack in _given_packs(packs, lang)[1]:
        if not check:
            click.echo(f"wrote {write_readme(pack)}")
        elif readme_is_current(pack):
            click.echo(f"up to date: {readme_path(pack)}")
        else:
            stale = True
            click.echo(f"stale: {readme_path(pack)} (run `auditor rules doc`)")
    sys.exit(EXIT_FINDINGS if stale else EXIT_CLEAN)


@rules.command("test")
@click.argument("pack_dirs", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--fixtures", type=click.Path(path_type=Path, file_okay=False),
              help="Folder holding <pack id>/<RULE_ID>.yaml fixture files. Default: tests/rules here, else the "
                   "tests/rules of the repository the pack is in (rules/<pack> → tests/rules).")
@_lang_option
def run_rule_tests(pack_dirs: tuple[Path, ...], fixtures: Path | None, lang: str) -> None:
    """Run the fixtures of each pack (default: the bundled packs); exit 1 if a case fails or a rule lacks a
    fixture file, a case that must pass, or one that must fail. A rule taken unchanged from the pack a pack extends
    is tested with that pack."""
    all_ok = True
    loaded, given = _given_packs(pack_dirs, lang)
    for pack in given:
        report = run_pack_fixtures(pack, _fixtures_of(pack, fixtures, lang), process_engine(), loaded)
        for result in report.results:
            if result.ok:
                click.echo(f"PASS  {result.rule_id}  {result.name}")
            else:
                click.echo(f"FAIL  {result.rule_id}  {result.name}: {result.detail}")
        for rule_id, owner in report.inherited:
            click.echo(f"SAME  {rule_id}  unchanged from pack {owner}: its cases run with that pack")
        for gap in report.gaps:
            click.echo(f"GAP   {gap}")
        passed = sum(1 for result in report.results if result.ok)
        click.echo(f"{pack.label}: {len(report.results)} cases, {passed} passed, "
                   f"{len(report.results) - passed} failed; {len(report.inherited)} rules tested with the pack "
                   f"they come from; {len(report.gaps)} gaps ({report.fixtures})")
        all_ok = all_ok and report.ok
    sys.exit(EXIT_CLEAN if all_ok else EXIT_FINDINGS)


def _fixtures_of(pack: Pack, given: Path | None, lang: str) -> Path:
    """Where the pack's fixtures are: the folder given; else tests/rules in the working folder, else beside the
    pack's repository. Exit 2 naming the places looked in when none holds a folder for the pack, rather than a
    run that reports every rule as having no fixture."""
    if given is not None:
        return given
    candidates = [Path("tests/rules"), Path(pack.path).resolve().parent.parent / "tests" / "rules"]
    for candidate in candidates:
        if (candidate / pack.id).is_dir():
            return candidate
    looked = ", ".join(str(c / pack.id) for c in candidates)
    click.echo("auditor: " + (f"找不到规则包 {pack.id} 的测试用例文件夹（已查找：{looked}）；请用 --fixtures 指定"
                              if lang == "zh" else
                              f"no fixtures folder for the pack {pack.id} (looked in {looked}): give --fixtures"),
               err=True)
    sys.exit(EXIT_ERROR)


# --- for the supervisory office: one year of the history store, summarised --------------------------------------------


@main.command()
@click.option("--db", type=_STORE, required=True, help="History store written by `auditor audit --db`.")
@click.option("--year", type=int, help="Statistics year to summarise (default: every year in the store).")
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Text file (UTF-8, GBK or GB18030), one agency name per line: those without a report are listed "
                   "as not submitted.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for summary.html, summary.xlsx, agencies.csv, findings.csv, summary.md and tongbao.docx "
                   "(the 通报 draft); scores.csv with a scoring scheme; reports/, each report's annotated page, "
                   "linked from summary.html.")
@_pack_option
@_config_option
@_lang_option
def summary(db: Path | str, year: int | None, roster: Path | None, out: Path, packs: tuple[Path, ...],
            config: Path | None, lang: str) -> None:
    """Summarise a year's audits for the jurisdiction: findings by agency and by rule, table 三 and 四 totals, the
    reports not fully audited, non-submitters, scores, and a draft of the 通报."""
    # Imported here: the summary's writers (openpyxl, python-docx, cn2an) cost an `audit` ~0.3 s of start-up.
    from auditor.summary import SummaryError, summarise
    from auditor.summary import write_all as write_summary
    from auditor.summary.collect import PAGE_FOLDER

    loaded = _load_packs(packs, lang, config)  # rule titles, agency aliases, and the scheme's rules to check
    try:
        collected = summarise(db, year, roster, load_config(config), loaded)
    except ConfigError as exc:
        _pack_failed(exc, lang)
    except SummaryError as exc:
        cause = exc.__cause__  # the store refused (StoreError) or failed while read (sqlite3.Error): its message
        if isinstance(cause, StoreError):
            _store_failed(cause.at(db), lang)
        if isinstance(cause, sqlite3.Error):
            _store_failed(classify(cause, db), lang)
        click.echo(f"auditor: {visible(exc.message(lang))}", err=True)
        sys.exit(EXIT_ERROR)
    try:
        written = write_summary(collected, out, lang)
    except OSError as exc:  # nothing was moved into `out`: the previous summary is whole
        _cannot_write("summary", out, exc, lang)
    pages = [p for p in written if p.parent.name == PAGE_FOLDER]
    words = _WROTE[lang]
    for path in written:
        if path not in pages:
            click.echo(words["file"].format(path=path))
    if pages:  # one line for the folder, not one per report of the year
        click.echo(words["pages"].format(folder=f"{pages[0].parent}{os.sep}", n=len(pages)))


_WROTE = {"zh": {"file": "已写出 {path}", "pages": "已写出 {folder}（{n} 份报告的核查页）"},
          "en": {"file": "wrote {path}", "pages": "wrote {folder} ({n} report pages)"}}


_FETCH_WORDS = {
    "zh": {"none": "没有要下载的网址：请给出网址或 --list 文件", "out": "无法使用输出文件夹 {path}：{reason}",
           "list": "无法读取网址清单：{reason}"},
    "en": {"none": "no URL to fetch: give URLs or a --list file",
           "out": "cannot use the output folder {path}: {reason}",
           "list": "cannot read the URL list: {reason}"},
}


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--list", "url_list", type=click.Path(path_type=Path, dir_okay=False),
              help="A file of URLs, one a line: URL, or URL<TAB>agency name (# comments and blank lines skipped).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to save each report in (created if missing), with a sidecar <file>.fetched.json each.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=600), default=30, show_default=True,
              help="Seconds one request may take, from connecting to its last byte.")
@click.option("--max-size", type=click.IntRange(min=1, max=limits.MAX_INPUT_BYTES // (1024 * 1024)), default=64,
              show_default=True, help="MiB one response may be; the download stops there.")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=2, show_default=True,
              help="Further attempts after a 5xx answer or a time-out (only those).")
@click.option("--backoff", type=click.FloatRange(min=0, max=300), default=2.0, show_default=True,
              help="Seconds before the first retry; doubled for each further one.")
@click.option("--delay", type=click.FloatRange(min=0, max=300), default=1.0, show_default=True,
              help="Seconds between two requests to one host.")
@_lang_option
def fetch(urls: tuple[str, ...], url_list: Path | None, out: Path, timeout: float, max_size: int, retries: int,
          backoff: float, delay: float, lang: str) -> None:
    """Save reports from the web as published: each page, or the attachment (PDF, DOC, DOCX, OFD, WPS) it links,
    with the URL, the fetch time and the publication date the page states. `auditor audit FOLDER` reads them."""
    from auditor.fetch.client import Policy  # httpx and lxml: only this command needs them
    from auditor.fetch.save import FetchOptions, fetch_all

    words = _FETCH_WORDS[lang]
    entries: list[tuple[str, str | None]] = [(u, None) for u in urls]
    if url_list is not None:
        try:
            entries += read_url_list(url_list)
        except ListError as exc:
            _usage_failed(visible(words["list"].format(reason=exc)))
    if not entries:
        _usage_failed(words["none"])
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as exc:
        _usage_failed(visible(words["out"].format(path=out, reason=_os_reason(exc, lang))))
    policy = Policy(timeout=timeout, max_bytes=max_size * 1024 * 1024, retries=retries, backoff=backoff, delay=delay)
    outcomes = []
    for outcome in fetch_all(entries, out, FetchOptions(policy)):
        outcomes.append(outcome)
        click.echo(outcome_line(outcome, lang))
    click.echo(total_line(outcomes, lang))
    sys.exit(EXIT_CLEAN if all(o.ok for o in outcomes) else EXIT_FETCH_FAILED)


# --- for the supervisory office: review the findings, keep the decisions -------------------------------------------
# Decisions live in the history store, appended and never changed; `audit --db` marks the findings they apply to,
# and --fail-on counts only what still stands. `review export`/`import` move them between stores or into a file.

_REVIEW_WORDS = {
    "zh": {"none": "没有待列出的问题", "ambiguous": "编号 {wanted} 对应多条问题：{found}；请多写几位",
           "unknown": "编号 {wanted} 不是 {db} 中任何问题的编号（`auditor review list --state all` 列出全部）",
           "short": "编号 {wanted} 太短：至少写 8 位", "recorded": "已记录 {n} 条审核结论",
           "exported": "已导出 {n} 条审核结论到 {path}", "imported": "已导入 {n} 条新的审核结论（共 {total} 条）",
           "history_none": "编号 {wanted} 没有审核记录", "count": "共 {n} 条",
           "baseline": "已写入基线 {path}：{n} 条问题",
           "no_year": "历史库中没有 {year} 年度的报告（历史库中的年度：{held}）",
           "covered": "本问题没有单独的审核记录，适用{scope}的豁免："},
    "en": {"none": "no findings to list", "ambiguous": "{wanted} matches several findings: {found}; give more of it",
           "unknown": "{wanted} is not the fingerprint of any finding in {db} (`auditor review list --state all`)",
           "short": "{wanted} is too short: give at least 8 characters", "recorded": "recorded {n} decisions",
           "exported": "exported {n} decisions to {path}", "imported": "imported {n} new decisions ({total} in all)",
           "history_none": "no decision recorded on {wanted}", "count": "{n} in all",
           "baseline": "wrote the baseline {path}: {n} findings",
           "no_year": "the store has no document of {year} (the years it holds: {held})",
           "covered": "no decision on this finding itself; a waiver for {scope} applies:"},
}


def _review_failed(message: str) -> NoReturn:
    click.echo(f"auditor: {visible(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _open_store(db: Path | str, lang: str, must_exist: bool = True) -> Store:
    if must_exist and not is_url(db) and not Path(db).is_file():  # a server's database: connecting says
        _review_failed(f"{db}: " + ("没有这个历史库（先运行 `auditor audit --db …`）" if lang == "zh"
                                    else "no such history store (run `auditor audit --db …` first)"))
    try:
        return Store(db)
    except StoreError as exc:
        _store_failed(exc, lang)


@main.group()
def review() -> None:
    """Review a year's findings: list them, record decisions (confirmed, dismissed, waived), show their history,
    and move decisions between stores as a file."""


_db_option = click.option("--db", type=_STORE, required=True,
                          help="History store written by `auditor audit --db` (a file, or a postgresql:// URL).")


@review.command("list")
@_db_option
@click.option("--year", type=int, help="Statistics year (default: every year in the store).")
@click.option("--state", type=click.Choice(FILTERS), default="awaiting", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_lang_option
def review_list(db: Path | str, year: int | None, state: str, fmt: str, lang: str) -> None:
    """The findings of a year in the store, one per fingerprint, with the decision that applies."""
    with _open_store(db, lang) as store:
        try:
            if year is not None and year not in (held := store.years()):  # 20244 for 2024: no false calm
                _review_failed(_REVIEW_WORDS[lang]["no_year"].format(
                    year=year, held=", ".join(map(str, held)) or ("无" if lang == "zh" else "none")))
            items = [i for i in queue(store, year) if state == "all" or i.state == state]
        except StoreError as exc:
            _store_failed(exc, lang)
    if fmt == "json":
        click.echo(json_text(json.dumps([_item_data(i) for i in items], ensure_ascii=False, indent=2)))
        return
    words = _REVIEW_WORDS[lang]
    for item in items:
        s = item.subject
        where = describe_line(item.line, item.page, item.page_line, lang)
        click.echo("  ".join(visible(str(x)) for x in (
            s.fingerprint[:12], STATE_LABELS[lang][item.state], item.severity, s.check_id, s.agency or "?",
            s.year or "?", where) if x))
        click.echo(f"    {visible(s.message)}")
        if item.decision is not None and item.decision.reason:
            click.echo(f"    {visible(item.decision.decided_by)} {visible(item.decision.decided_at)}: "
                       f"{visible(item.decision.reason)}")
    click.echo(words["count"].format(n=len(items)) if items else words["none"])


def _item_data(item: Item) -> dict[str, object]:
    s = item.subject
    return {"fingerprint": s.fingerprint, "state": item.state, "severity": item.severity, "rule_id": s.rule_id,
            "check_id": s.check_id, "agency": s.agency, "year": s.year, "line": item.line, "page": item.page,
            "page_line": item.page_line, "message": s.message,
            "paths": list(item.paths),
            "decision": None if item.decision is None else decisions_data([item.decision])["decisions"][0]}


def _decide(db: Path | str, fingerprints: tuple[str, ...], state: str, reason: str, by: str | None, scope: str,
            until: datetime | None, lang: str) -> None:
    words = _REVIEW_WORDS[lang]
    who = by or os.environ.get("AUDITOR_REVIEWER") or getpass.getuser()
    with _open_store(db, lang) as store:
        try:
            items = queue(store, None)
            chosen = []
            for wanted in fingerprints:
                if len(wanted) < 8:
                    _review_failed(words["short"].format(wanted=wanted))
                found = pick(items, wanted)
                if not found:
                    _review_failed(words["unknown"].format(wanted=wanted, db=store.path))
                if len(found) > 1:
                    _review_failed(words["ambiguous"].format(
                        wanted=wanted, found=", ".join(i.subject.fingerprint[:16] for i in found[:5])))
                chosen.append(found[0])
            try:
                made = [decide(i.subject, state, reason=reason, by=who, scope=scope,
                               until=until.date() if until else None) for i in chosen]
            except DecisionError as exc:
                _review_failed(exc.messages[lang])
            store.record_decisions(made)
        except StoreError as exc:
            _store_failed(exc, lang)
    click.echo(words["recorded"].format(n=len(made)))


_fingerprints = click.argument("fingerprints", nargs=-1, required=True)
_by_option = click.option("--by", help="Who decides (default: $AUDITOR_REVIEWER, else the login name).")


@review.command("confirm")
@_db_option
@_fingerprints
@click.option("--reason", default="", help="Why (optional for a confirmation).")
@_by_option
@_lang_option
def review_confirm(db: Path | str, fingerprints: tuple[str, ...], reason: str, by: str | None, lang: str) -> None:
    """Confirm findings: real problems, for the year's 通报."""
    _decide(db, fingerprints, "confirmed", reason, by, "report", None, lang)


@review.command("dismiss")
@_db_option
@_fingerprints
@click.option("--reason", required=True, help="Why the finding is a false positive.")
@_by_option
@_lang_option
def review_dismiss(db: Path | str, fingerprints: tuple[str, ...], reason: str, by: str | None, lang: str) -> None:
    """Dismiss findings as false positives."""
    _decide(db, fingerprints, "dismissed", reason, by, "report", None, lang)


@review.command("waive")
@_db_option
@_fingerprints
@click.option("--reason", required=True, help="Why the exception is accepted.")
@click.option("--scope", type=click.Choice(SCOPES), default="report", show_default=True,
              help="This report's finding, the same check on every report of this body, or on every report.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day the waiver applies.")
@_by_option
@_lang_option
def review_waive(db: Path | str, fingerprints: tuple[str, ...], reason: str, scope: str, until: datetime | None,
                 by: str | None, lang: str) -> None:
    """Waive findings: accepted exceptions, for this report, this body or every report, optionally until a date."""
    _decide(db, fingerprints, "waived", reason, by, scope, until, lang)


@review.command("reopen")
@_db_option
@_fingerprints
@click.option("--reason", default="", help="Why the finding is back in the queue.")
@_by_option
@_lang_option
def review_reopen(db: Path | str, fingerprints: tuple[str, ...], reason: str, by: str | None, lang: str) -> None:
    """Put findings back in the queue (the earlier decisions stay in their history)."""
    _decide(db, fingerprints, "awaiting", reason, by, "report", None, lang)


@review.command("history")
@_db_option
@click.argument("fingerprint")
@_lang_option
def review_history(db: Path | str, fingerprint: str, lang: str) -> None:
    """Every decision recorded on one finding, oldest first."""
    words = _REVIEW_WORDS[lang]
    if len(fingerprint) < 8:
        _review_failed(words["short"].format(wanted=fingerprint))
    with _open_store(db, lang) as store:
        try:
            found = [d for d in store.decisions() if d.fingerprint.startswith(fingerprint.lower())]
        except StoreError as exc:
            _store_failed(exc, lang)
    if len({d.fingerprint for d in found}) > 1:
        _review_failed(words["ambiguous"].format(wanted=fingerprint, found=", ".join(
            sorted({d.fingerprint[:16] for d in found}))))
    if not found:
        # None on the finding itself; a waiver for its body or for every report may still cover it.
        with _open_store(db, lang) as store:
            try:
                covered = [i for i in pick(queue(store, None), fingerprint) if i.decision is not None]
            except StoreError as exc:
                _store_failed(exc, lang)
        if len(covered) != 1:
            _review_failed(words["history_none"].format(wanted=fingerprint))
        found = [covered[0].decision]  # type: ignore[list-item]  # not None: filtered above
        s = covered[0].subject
        click.echo(f"{s.fingerprint}  {visible(s.check_id)}  {visible(s.message)}")
        click.echo("  " + words["covered"].format(scope=SCOPE_LABELS[lang][found[0].scope]))
    else:
        click.echo(f"{found[0].fingerprint}  {visible(found[0].check_id)}  {visible(found[0].message)}")
    for d in found:
        reach = "" if d.scope == "report" else f" [{SCOPE_LABELS[lang][d.scope]}]"
        until = f" ≤ {d.until}" if d.until else ""
        click.echo(f"  {d.decided_at}  {visible(d.decided_by)}  {STATE_LABELS[lang][d.state]}{reach}{until}"
                   + (f"  {visible(d.reason)}" if d.reason else ""))


@review.command("export")
@_db_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
@_lang_option
def review_export(db: Path | str, output: Path, lang: str) -> None:
    """Write every decision of the store, with its history, to a YAML file."""
    with _open_store(db, lang) as store:
        try:
            decisions = store.decisions()
        except StoreError as exc:
            _store_failed(exc, lang)
    try:
        n = write_decisions(decisions, output)
    except OSError as exc:
        _cannot_write("file", output, exc, lang)
    click.echo(_REVIEW_WORDS[lang]["exported"].format(n=n, path=output))


@review.command("import")
@_db_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_lang_option
def review_import(db: Path | str, file: Path, lang: str) -> None:
    """Add the decisions of a file (from `review export`) to the store; those it has already are skipped."""
    try:
        decisions = read_decisions(file)
    except ExchangeError as exc:
        _review_failed(exc.message(lang))
    with _open_store(db, lang, must_exist=False) as store:
        try:
            n = store.record_decisions(decisions)
        except StoreError as exc:
            _store_failed(exc, lang)
    click.echo(_REVIEW_WORDS[lang]["imported"].format(n=n, total=len(decisions)))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The baseline file to write (JSON).")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True)
@_pack_option
@_config_option
@_lang_option
def baseline(paths: tuple[Path, ...], output: Path, jobs: int, packs: tuple[Path, ...], config: Path | None,
             lang: str) -> None:
    """Write the findings of an audit of PATHS as a baseline: `audit --baseline FILE` then reports them as known
    and fails only on new ones. Exit 2 if a file could not be read (its findings are not in the baseline)."""
    run = audit_stream(paths, _load_packs(packs, lang, config), lang, jobs)
    tally = Tally(run.problems)
    try:
        n = write_baseline(tally.watch(run.documents), output)
    except OSError as exc:
        _cannot_write("file", output, exc, lang)
    finally:
        run.documents.close()
    click.echo(_REVIEW_WORDS[lang]["baseline"].format(path=output, n=n))
    sys.exit(EXIT_ERROR if tally.input_error else EXIT_CLEAN)


# --- the web application (issue 12): `auditor serve`, and its accounts ---------------------------------------------
# Imported when asked for: the web extra (`pip install -e '.[web]'`) is needed only by these commands.

_WEB_MISSING = {"zh": "网页应用需要安装 web 附加依赖：pip install 'auditor[web]'（开发环境：pip install -e '.[web]'）",
                "en": "the web application needs the web extra: pip install 'auditor[web]' (a checkout: "
                      "pip install -e '.[web]')"}


@main.command()
@click.option("--db", type=_STORE, required=True,
              help="History store (SQLite file, created if absent, or postgresql://user@host:port/dbname).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--secret-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File whose first line signs the session cookies (default: a new random key at each start, "
                   "which signs everyone out on a restart).")
@click.option("--https-only", is_flag=True, help="Session cookies marked Secure (behind a TLS proxy).")
@click.option("--max-upload-mb", type=click.IntRange(1, 64), default=32, show_default=True,
              help="Largest file an upload may be.")
@_pack_option
@_config_option
@_lang_option
def serve(db: Path | str, host: str, port: int, secret_file: Path | None, https_only: bool, max_upload_mb: int,
          packs: tuple[Path, ...], config: Path | None, lang: str) -> None:
    """Start the web application: agencies check and submit their reports, the office reviews the year."""
    try:
        import uvicorn

        from auditor.web import create_app
    except ImportError:
        _usage_failed(_WEB_MISSING[lang])
    loaded = _load_packs(packs, lang, config)
    secret = None
    if secret_file is not None:
        secret = secret_file.read_text(encoding="utf-8").strip().splitlines()[0] if secret_file.stat().st_size else ""
        if len(secret) < 32:
            _usage_failed("--secret-file: " + ("密钥至少 32 个字符" if lang == "zh" else "the key needs 32 characters"))
    try:
        app = create_app(db, loaded, lang, secret, https_only, load_config(config), max_upload_mb << 20)
    except StoreError as exc:
        _store_failed(exc, lang)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


@main.group()
def users() -> None:
    """The web application's accounts: supervisors (the office) and agencies (one body each)."""


_USER_WORDS = {
    "zh": {"added": "已添加用户 {name}（{role}）", "disabled": "已停用用户 {name}", "unknown": "没有用户 {name}",
           "none": "还没有用户（auditor users add …）", "needs_agency": "agency 角色须用 --agency 指定所属机关",
           "no_agency": "supervisor 不属于某个机关：不要给 --agency"},
    "en": {"added": "added the user {name} ({role})", "disabled": "disabled the user {name}",
           "unknown": "no user {name}", "none": "no user yet (auditor users add …)",
           "needs_agency": "an agency account needs --agency", "no_agency": "a supervisor has no --agency"},
}


@users.command("add")
@_db_option
@click.argument("name")
@click.option("--role", type=click.Choice(["supervisor", "agency"]), required=True)
@click.option("--agency", "agency_name", help="The body an agency account speaks for, as its reports' titles name it.")
@click.option("--password-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Read the password from this file's first line (default: asked for, twice, not echoed).")
@_lang_option
def users_add(db: Path | str, name: str, role: str, agency_name: str | None, password_file: Path | None,
              lang: str) -> None:
    """Add an account. Its password is hashed with argon2; the store never holds the password."""
    try:
        from auditor.store.accounts import Accounts
        from auditor.web.passwords import hash_password
    except ImportError:
        _usage_failed(_WEB_MISSING[lang])
    words = _USER_WORDS[lang]
    if role == "agency" and not (agency_name or "").strip():
        _usage_failed(words["needs_agency"])
    if role == "supervisor" and agency_name:
        _usage_failed(words["no_agency"])
    if password_file is not None:
        lines = password_file.read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        _usage_failed(str(exc))
    with _open_store(db, lang, must_exist=False) as store:
        try:
            Accounts(store).add_user(name, hashed, role, agency_name)
        except ValueError as exc:
            _usage_failed(str(exc))
        except StoreError as exc:
            _store_failed(exc, lang)
    click.echo(words["added"].format(name=visible(name), role=role))


@users.command("list")
@_db_option
@_lang_option
def users_list(db: Path | str, lang: str) -> None:
    """Every account: name, role, agency, and whether it is disabled."""
    from auditor.store.accounts import Accounts

    with _open_store(db, lang) as store:
        try:
            found = Accounts(store).users()
        except StoreError as exc:
            _store_failed(exc, lang)
    for user in found:
        flag = (" 已停用" if lang == "zh" else " disabled") if user.disabled else ""
        click.echo("  ".join(visible(x) for x in (user.name, user.role, user.agency or "-")) + flag)
    if not found:
        click.echo(_USER_WORDS[lang]["none"])


@users.command("disable")
@_db_option
@click.argument("name")
@_lang_option
def users_disable(db: Path | str, name: str, lang: str) -> None:
    """Refuse an account's logins from now on (its sessions end at their next request); it is kept, since its
    decisions name it."""
    from auditor.store.accounts import Accounts

    with _open_store(db, lang) as store:
        try:
            done = Accounts(store).set_disabled(name)
        except StoreError as exc:
            _store_failed(exc, lang)
    if not done:
        _usage_failed(_USER_WORDS[lang]["unknown"].format(name=visible(name)))
    click.echo(_USER_WORDS[lang]["disabled"].format(name=visible(name)))
