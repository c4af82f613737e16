"""`--help` in Chinese (issue 15): every command's and group's page, click's own words included, when the locale,
AUDITOR_LANG or a `--lang zh` before --help asks for it; click's English page, as it was, otherwise. The catalogue
(auditor/help_zh.py) must cover every command and every option with an English help, and hold nothing unused."""

from __future__ import annotations

import inspect
import re

import click
import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.help_zh import COMMANDS, OPTIONS, command_key, display_width, lines_of, option_key, short_help

_LOCALE = ("AUDITOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
_CLICK_WORDS = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "default:", "required]")


def _tree() -> dict[str, click.Context]:
    """A context for `auditor` ("") and for every command and group below it, by the catalogue's key."""
    found: dict[str, click.Context] = {}

    def walk(ctx: click.Context) -> None:
        found[command_key(ctx)] = ctx
        if isinstance(ctx.command, click.Group):
            for name in ctx.command.list_commands(ctx):
                walk(click.Context(ctx.command.commands[name], parent=ctx, info_name=name))

    walk(click.Context(main, info_name="auditor"))
    return found


TREE = _tree()


def _options(ctx: click.Context) -> list[click.Option]:
    """The command's options that have an English help (--help and --version included)."""
    return [p for p in ctx.command.get_params(ctx) if isinstance(p, click.Option) and p.help]


@pytest.fixture(autouse=True)
def _no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _LOCALE:
        monkeypatch.delenv(name, raising=False)


def _help(args: list[str], **env: str) -> str:
    result = CliRunner().invoke(main, args, env=env, prog_name="auditor", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _flat(text: str) -> str:
    """Without spaces and line breaks: a text found in a page however the page wrapped it."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("key", sorted(TREE), ids=lambda key: key or "auditor")
def test_chinese_help_of_every_command_and_group(key: str) -> None:
    ctx = TREE[key]
    page = _help([*key.split(), "--help"], LANG="zh_CN.UTF-8")
    flat = _flat(page)
    assert page.startswith(f"用法：auditor {key}".rstrip() + " ") and "\n选项：\n" in page
    assert [word for word in _CLICK_WORDS if word in page] == []
    assert key in COMMANDS, f"no Chinese help for the command {key!r}"
    assert _flat(COMMANDS[key]) in flat
    assert _flat(inspect.cleandoc(ctx.command.help or "")) not in flat
    for param in ctx.command.get_params(ctx):
        # An argument with a help would give click's "Positional arguments" section, which help_zh.py does not write.
        assert isinstance(param, click.Option) or getattr(param, "help", None) is None, param.name
    for option in _options(ctx):
        found = option_key(key, option)
        assert found is not None, f"no Chinese help for {key} {option.opts}"
        assert _flat(OPTIONS[found]) in flat
        assert _flat(option.help or "") not in flat
    if isinstance(ctx.command, click.Group):
        assert "\n命令：\n" in page
        for name, command in ctx.command.commands.items():
            assert _flat(short_help(COMMANDS[f"{key} {name}".strip()])) in flat
            assert _flat(command.get_short_help_str(limit=500)) not in flat
    widest = max(page.splitlines(), key=display_width)
    assert display_width(widest) <= 80, widest  # CliRunner's page width


def test_the_catalogue_holds_nothing_unused_and_is_chinese() -> None:
    used = {option_key(key, option) for key, ctx in TREE.items() for option in _options(ctx)}
    assert set(COMMANDS) == set(TREE)
    assert set(OPTIONS) == used
    assert [text for text in [*COMMANDS.values(), *OPTIONS.values()] if not re.search("[\u4e00-\u9fff]", text)] == []


def test_a_shared_entry_translates_one_english_text() -> None:
    """An option found under its name alone ("--db") is one text everywhere: a command's own --db with another
    help needs an entry of its own ("summary --db"), not the shared one."""
    english: dict[str, set[str]] = {}
    for key, ctx in TREE.items():
        for option in _options(ctx):
            found = option_key(key, option)
            if found is not None and " " not in found:
                english.setdefault(found, set()).add(option.help or "")
    assert {name: texts for name, texts in english.items() if len(texts) > 1} == {}


@pytest.mark.parametrize("key", sorted(TREE), ids=lambda key: key or "auditor")
def test_english_help_by_default_is_clicks_own(key: str) -> None:
    ctx = TREE[key]
    with CliRunner().isolation():  # the page width CliRunner gives
        formatter = ctx.make_formatter()
        click.Command.format_help(ctx.command, ctx, formatter)  # click's page, not HelpCommand's
    page = _help([*key.split(), "--help"])
    assert page == formatter.getvalue().rstrip("\n") + "\n"
    assert page.startswith("Usage: auditor") and "-h, --help" in page and "Show this message and exit." in page
    assert not re.search("[\u4e00-\u9fff]", page.replace("政府信息公开工作年度报告", "").replace("通报", "")
                         .replace("三 and 四", ""))


@pytest.mark.parametrize(("env", "args", "language"), [
    ({}, [], "en"),
    ({"LANG": "C.UTF-8"}, [], "en"),
    ({"LANG": "zh_CN.UTF-8"}, [], "zh"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, [], "zh"),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, [], "en"),  # the first one set decides, as in gettext
    ({"LC_ALL": "zh_TW.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, [], "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, [], "zh"),  # an empty one is not set
    ({"AUDITOR_LANG": "zh", "LANG": "en_US.UTF-8"}, [], "zh"),
    ({"AUDITOR_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, [], "en"),
    ({"AUDITOR_LANG": "fr", "LANG": "zh_CN.UTF-8"}, [], "zh"),  # a value it does not know is passed over
    ({}, ["--lang", "zh"], "zh"),
    ({"AUDITOR_LANG": "zh", "LANG": "zh_CN.UTF-8"}, ["--lang", "en"], "en"),
])
def test_which_language(env: dict[str, str], args: list[str], language: str) -> None:
    page = _help(["audit", *args, "--help"], **env)
    assert page.startswith("用法：" if language == "zh" else "Usage:")


def test_lang_after_help_comes_too_late_and_the_environment_decides() -> None:
    assert _help(["audit", "--help", "--lang", "zh"]).startswith("Usage:")
    assert _help(["review", "waive", "-h", "--lang", "en"], AUDITOR_LANG="zh").startswith("用法：")


def test_lines_break_by_terminal_columns() -> None:
    assert lines_of("abc defgh 甲乙", 8) == ["abc", "defgh 甲", "乙"]  # an English word whole, a Chinese one anywhere
    assert lines_of("甲乙丙。", 6) == ["甲乙", "丙。"]  # a closing mark does not start a line
    assert lines_of("甲乙 packs。", 10) == ["甲乙", "packs。"]
    assert lines_of("甲乙丙）。", 8) == ["甲乙", "丙）。"]  # two of them
    assert lines_of("甲乙（丙）", 6) == ["甲乙", "（丙）"]  # an opening one does not end one
    assert lines_of("默认值  [默认：30.0；1<=x<=3600]", 12) == ["默认值", "[默认：30.0；1<=x<=3600]"]
