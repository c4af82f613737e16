"""`--help` in Chinese (issue 15): the command line's help texts, and click's own words, for a Chinese reader.

Which language the help is in, first that applies:

1. `--lang zh|en` written before `--help` on a command that has it (`auditor audit --lang zh --help`): --lang is an
   eager option, and click processes eager options in the order they are given, so its value is known when --help
   prints; after --help (`--help --lang zh`) it is not, and the next rules decide;
2. AUDITOR_LANG=zh or AUDITOR_LANG=en (any other value is passed over);
3. the locale: the first of LC_ALL, LC_MESSAGES and LANG that is set and not empty, as gettext reads them; Chinese
   when it starts with `zh` (zh_CN.UTF-8), English otherwise (C.UTF-8, en_US.UTF-8);
4. English.

The catalogue keys a command by its path (`review waive`, "" for `auditor` itself) and an option by the path and its
long name (`audit --fail-on`); an option several commands share, one definition in cli.py, by its name alone
(`--lang`). The English texts stay where they are, in cli.py's decorators and docstrings; tests/test_help_zh.py
fails for an option or command with English help and no Chinese, and for an entry nothing uses.

Click's own words come through gettext (`Usage:`, `Options:`, `Show this message and exit.`) and click ships no
translation of them; rather than install one process-wide, the Chinese page is written here from click's public
parts (the usage pieces, each option's help record and its get_help_extra) with Chinese headings. Click wraps text
by characters, as textwrap does, and a Chinese character takes two columns: the Chinese texts are broken into lines
here, by terminal columns, between two Chinese characters or at a space (an English word whole; a closing mark such
as 。 or ） never first on a line, an opening one never last), and handed to click as paragraphs it keeps as they
are (after a `\\b` line). The English page is click's, untouched.
"""

from __future__ import annotations

import os
import re
import unicodedata

import click

COMMANDS: dict[str, str] = {
    "": "对照国务院规定的年度报告格式及其勾稽关系，核查政府信息公开工作年度报告。",
    "audit": "核查年度报告文件或文件夹（递归遍历文件夹）。已被人工排除（误报）或豁免的问题（用 --db 或 "
             "--decisions），以及 --baseline 中已有的问题，加标记列出，不计入 --fail-on。",
    "baseline": "把核查 PATHS 所得的问题写成基线：此后 `audit --baseline FILE` 把这些问题列为已知问题，只因新问题"
                "而失败。有文件无法读取时退出码为 2（其问题不在基线中）。",
    "fetch": "按发布原样从网上保存年度报告：保存网页本身，或网页链接的附件（PDF、DOC、DOCX、OFD、WPS），并记录网址、"
             "下载时间和网页所载的发布日期。`auditor audit FOLDER` 可核查保存的文件。",
    "parse": "以 JSON 输出从一份报告读到的事实（规则包所用的键）；加 --stats 时，列出从多份报告各读到多少内容。",
    "review": "审核一年的问题：列出问题，记录审核结论（确认、排除（误报）、豁免），查看其历史，并以文件在历史库之间"
              "转移审核结论。",
    "review confirm": "确认问题：确实存在的问题，写入本年度的通报。",
    "review dismiss": "排除问题：判定为误报。",
    "review export": "把历史库中的全部审核结论连同其历史写入 YAML 文件。",
    "review history": "一个问题的全部审核记录，按时间先后。",
    "review import": "把文件（`review export` 导出）中的审核结论加入历史库；历史库已有的跳过。",
    "review list": "历史库中某一年度的问题，每个编号一条，附所适用的审核结论。",
    "review reopen": "重新待审：把问题放回待审核（此前的审核结论仍留在其历史中）。",
    "review waive": "豁免问题：接受的例外，适用于本报告、本机关各年度报告或所有报告，可定截止日期。",
    "rules": "列出、查看、生成文档并测试规则包中的规则（供编写规则的人使用）。",
    "rules doc": "根据规则的元数据写出每个规则包的 README.md。",
    "rules list": "每条规则一行：编号、名称、严重程度、类别和标题（用 --lang 的语言）。",
    "rules show": "一条规则的全部信息，按编号、名称或别名查找。",
    "rules test": "运行每个规则包的测试用例（默认：内置规则包）；有用例未通过，或某条规则缺少测试用例文件、应通过的"
                  "用例或应不通过的用例时，退出码为 1。从所扩展的规则包原样沿用的规则，随那个规则包测试。",
    "serve": "启动网页应用：报送单位自查并提交年度报告，政务公开办审核全年的报告。",
    "summary": "汇总本辖区一年的核查：按机关和按规则统计的问题、表三和表四的合计、未完整核查的报告、未报送的机关、"
               "评分，以及通报草稿。",
    "users": "网页应用的账户：政务公开办（supervisor）和报送单位（agency，每个账户对应一个机关）。",
    "users add": "添加账户。密码以 argon2 哈希保存；历史库从不保存密码本身。",
    "users disable": "停用账户，此后拒绝其登录（其会话在下一次请求时结束）；账户保留，因为其审核结论署有其名。",
    "users list": "全部账户：用户名、角色、所属机关，以及是否已停用。",
}

OPTIONS: dict[str, str] = {
    # Options several commands share (one definition in cli.py, or click's own).
    "--help": "显示本帮助并退出。",
    "--version": "显示版本并退出。",
    "--lang": "消息的语言；写在 --help 之前时，也是本帮助的语言。",
    "--pack": "追加到内置规则包之后的规则包文件夹（可重复）。规则包所针对的格式若已有内置规则包核查，须在其 "
              "pack.yaml 中写明 `supplements: <pack id>`（其规则并入那个规则包）；或用 --no-default-packs。",
    "--no-default-packs": "只运行 --pack 给出的规则包，不用内置规则包。",
    "--config": "运行配置（YAML）：关闭的规则、严重程度、阈值、机关名称。",
    "--db": "由 `auditor audit --db` 写入的历史库（文件，或 postgresql:// 网址）。",
    "--by": "审核人（默认：$AUDITOR_REVIEWER，否则为登录名）。",
    # One command's own.
    "audit --fail-on": "使退出码为 1 的最低严重程度；为 `none` 时，核查不完整（退出码 3）也以 0 退出。",
    "audit --output": "写入文件；--format html 时写入文件夹（index.html，每份报告一个页面）。",
    "audit --jobs": "工作进程数（0：每个处理器核一个）。结果的顺序与之无关。",
    "audit --timeout": "一个文件可用的秒数，扫描件每页另加 --ocr-page-seconds 秒；届时仍未读完的文件被停止并报告"
                       "（file_timeout）。",
    "audit --ocr-page-seconds": "扫描件每页在 --timeout 之外另得的文字识别秒数（0：扫描件也只有 --timeout）。",
    "audit --progress": "显示进度条（默认：仅在终端上显示）。",
    "audit --db": "历史库（SQLite 文件，不存在时新建；或 PostgreSQL 数据库 postgresql://user@host:port/dbname）："
                  "记录每次核查，并为跨年度规则提供同一机关上一年度的报告。",
    "audit --baseline": "基线文件（`auditor baseline` 写出）：其中的问题列为已知问题，--fail-on 只计新问题。",
    "audit --decisions": "审核结论文件（`auditor review export` 导出），如同 --db 时历史库中的审核结论一样适用。",
    "audit --show": "在文本输出中另外列出无法评估的检查、没有检查读到的正文数字（二者的数目总会列出；JSON 输出两者"
                    "都列），或每个问题的编号（供 `auditor review` 使用）。可重复。",
    "audit --published": "发布日期清单，每行一个：path<TAB>2025-01-20（路径相对于清单所在的文件夹）；清单中的日期即"
                         "该文件的发布日期，用于 M-DEADLINE，优先于下载记录中的日期。",
    "baseline --output": "要写出的基线文件（JSON）。",
    "fetch --list": "网址清单文件，每行一个：URL，或 URL<TAB>机关名称（跳过 # 注释和空行）。",
    "fetch --out": "保存年度报告的文件夹（不存在时新建），每份报告旁附一个 <file>.fetched.json 记录文件。",
    "fetch --timeout": "一次请求可用的秒数，从连接到收到最后一个字节。",
    "fetch --max-size": "一个响应最多的 MiB 数；到此即停止下载。",
    "fetch --retries": "遇到 5xx 应答或超时（仅限这两种）后再试的次数。",
    "fetch --backoff": "第一次重试前等待的秒数；此后每次加倍。",
    "fetch --delay": "对同一主机的两次请求之间相隔的秒数。",
    "parse --stats": "每个文件一行（遍历文件夹）：读到的章节，读出、空白、无法识别的单元格；代替事实输出。",
    "review confirm --reason": "理由（确认时可不填）。",
    "review dismiss --reason": "该问题为何属于误报。",
    "review list --year": "统计年度（默认：历史库中的每个年度）。",
    "review reopen --reason": "该问题为何重新待审。",
    "review waive --reason": "为何接受这一例外。",
    "review waive --scope": "本报告的这个问题，本机关各年度报告的同一检查，或所有报告的同一检查。",
    "review waive --until": "豁免适用的最后一天。",
    "rules doc --check": "不写文件；有 README 与规则所得的内容不同时，退出码为 1。",
    "rules test --fixtures": "存放 <pack id>/<RULE_ID>.yaml 测试用例文件的文件夹。默认：当前文件夹下的 tests/rules，"
                             "否则为规则包所在仓库的 tests/rules（rules/<pack> → tests/rules）。",
    "serve --db": "历史库（SQLite 文件，不存在时新建；或 postgresql://user@host:port/dbname）。",
    "serve --host": "监听的地址。",
    "serve --secret-file": "以其第一行签署会话 Cookie 的文件（默认：每次启动时新生成随机密钥，重启后所有人都须重新"
                           "登录）。",
    "serve --https-only": "会话 Cookie 标记为 Secure（运行在 TLS 代理之后时）。",
    "serve --max-upload-mb": "一次上传的文件最大可有多少 MB。",
    "summary --db": "由 `auditor audit --db` 写入的历史库。",
    "summary --year": "要汇总的统计年度（默认：历史库中的每个年度）。",
    "summary --roster": "应报送机关名单，文本文件（UTF-8、GBK 或 GB18030），每行一个机关名称：没有年度报告的机关列为"
                        "未报送。",
    "summary --out": "写出 summary.html、summary.xlsx、agencies.csv、findings.csv、summary.md 和 tongbao.docx（通报"
                     "草稿）的文件夹；有评分方案时另写 scores.csv；reports/ 中是每份报告的批注页面，由 summary.html "
                     "链接。",
    "users add --agency": "报送单位账户所代表的机关，按其年度报告标题中的名称填写。",
    "users add --password-file": "从该文件的第一行读取密码（默认：提示输入两次，不回显）。",
}

LANGUAGES = ("zh", "en")
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order (it reads LANGUAGE first: not here)
_COL_MAX, _COL_SPACING = 30, 2  # click's layout of a definition list (HelpFormatter.write_dl's defaults)


def help_language(ctx: click.Context) -> str:
    """The language of the help page of ctx's command (the module's docstring gives the order)."""
    given = ctx.params.get("lang")
    if given in LANGUAGES:
        return str(given)
    forced = os.environ.get("AUDITOR_LANG", "").strip().lower()
    if forced in LANGUAGES:
        return forced
    for name in _LOCALE_VARIABLES:
        if value := os.environ.get(name):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def command_key(ctx: click.Context) -> str:
    """The command's path below `auditor`, as the catalogue keys it: "review waive"; "" for `auditor`."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.command.name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def option_name(option: click.Option) -> str:
    """The name an option is known by: its first long name (`--output` for `-o, --output`)."""
    return next((o for o in option.opts if o.startswith("--")), option.opts[0])


def option_key(path: str, option: click.Option) -> str | None:
    """The catalogue's entry for an option of the command at `path`: its own, else the shared one; None if none."""
    name = option_name(option)
    return next((k for k in (f"{path} {name}".strip(), name) if k in OPTIONS), None)


def short_help(text: str) -> str:
    """A command's line in its group's list: the first sentence of its Chinese help."""
    return text.partition("。")[0] + "。"


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Click's `[默认：…；必填]` whole, an English word (a run of printable ASCII), spaces, or one other character.
_TOKEN = re.compile(r"\[[^\[\]]*\]|[!-~]+|\s+|.")
_NO_LINE_START = frozenset("，。、；：！？）」』》")
_NO_LINE_END = frozenset("（「『《")


def lines_of(text: str, columns: int) -> list[str]:
    """`text` broken into lines of at most `columns` terminal columns (a token longer than that has a line of its
    own); tokens move to the next line with a closing mark that does not fit, or with what an opening mark opens."""
    lines: list[str] = []
    line: list[str] = []  # its tokens, a space one token
    for token in _TOKEN.findall(text):
        if token.isspace():
            line += [" "] if line else []
            continue
        if line and display_width("".join(line) + token) > columns:
            keep = len(line)
            while keep > 0 and (line[keep - 1] in _NO_LINE_END
                                or next(t for t in [*line[keep:], token] if t != " ") in _NO_LINE_START):
                keep -= 1
            keep = keep or len(line)
            lines.append("".join(line[:keep]).rstrip())
            line = line[keep + (line[keep:keep + 1] == [" "]):]
        line.append(token)
    return [*lines, "".join(line).rstrip()] if line else lines


def _kept(text: str, columns: int) -> str:
    """`text` in lines of at most `columns` terminal columns, marked so that click writes them as they are."""
    return "\b\n" + "\n".join(lines_of(text, columns)) if text else ""


def _write_list(formatter: click.HelpFormatter, heading: str, rows: list[tuple[str, str]]) -> None:
    """A section as click's `formatter.section` and `write_dl` make it, with a Chinese heading."""
    if not rows:
        return
    first = min(max(len(term) for term, _ in rows), _COL_MAX) + _COL_SPACING
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{heading}：\n")
    with formatter.indentation():
        columns = formatter.width - formatter.current_indent - first
        formatter.write_dl([(term, _kept(text, columns)) for term, text in rows], _COL_MAX, _COL_SPACING)


def _option_row(ctx: click.Context, path: str, param: click.Parameter) -> tuple[str, str] | None:
    """An option's line: its names and metavar as click writes them, its help from the catalogue, click's
    `[default: …; required]` in Chinese."""
    record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
    if record is None or not isinstance(param, click.Option):
        return None
    key = option_key(path, param) if param.help else None
    text = OPTIONS[key] if key else param.help or ""  # an untranslated help in English, not a traceback
    extra = param.get_help_extra(ctx)
    items = [f"默认：{extra['default']}"] if "default" in extra else []
    items += [extra["range"]] if "range" in extra else []
    items += ["必填"] if "required" in extra else []
    return record[0], f"{text}  [{'；'.join(items)}]".strip() if items else text


class HelpCommand(click.Command):
    """A command whose help is in Chinese when help_language says so."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if help_language(ctx) != "zh":
            super().format_help(ctx, formatter)
            return
        path = command_key(ctx)
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(_kept(COMMANDS.get(path, self.help or ""), formatter.width - formatter.current_indent))
        _write_list(formatter, "选项", [row for p in self.get_params(ctx) if (row := _option_row(ctx, path, p))])
        _write_list(formatter, "命令", self.command_rows(ctx, path))

    def command_rows(self, ctx: click.Context, path: str) -> list[tuple[str, str]]:
        """The subcommands' lines (a group's)."""
        return []


class HelpGroup(HelpCommand, click.Group):
    """A group whose help, and its commands' and groups', is in Chinese when help_language says so."""

    command_class = HelpCommand
    group_class = type  # a subgroup is a HelpGroup too

    def command_rows(self, ctx: click.Context, path: str) -> list[tuple[str, str]]:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                key = f"{path} {name}".strip()
                rows.append((name, short_help(COMMANDS[key]) if key in COMMANDS else command.get_short_help_str()))
        return rows
