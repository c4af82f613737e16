"""HTML reports as published by CMS pages: paragraphs in reading order and tables as their visual grid.

Parsing is lxml's HTML parser (libxml2), its events built into a slim tree (html_tree.py); this module only decides
what the parsed tree means for a report:

* every `<table>` without a table inside it becomes a Table whose rows are the visual grid: rowspan and colspan are
  expanded, the merged cell's text sits in its top-left position and the positions it covers are empty cells marked
  `covered` (a tab-separated text report shows them as empty cells; the flag tells the facts layer they are not
  cells of their own), so it can keep taking a row's numbers from its end;
* a table that wraps other tables is layout, not data: its cells are read as ordinary blocks;
* block-level text outside tables becomes one Paragraph per visual line (`<br>` breaks a line), `<h1>`–`<h6>` set
  `heading_level`; scripts, styles, `<nav>`/`<header>`/`<footer>` and page-chrome lines (_CHROME) are dropped;
* a Document has no pages, so every paragraph and every table row gets `line` = its 1-based position in reading order
  (one sequence for both); `line_count` is the last line number.

Text is kept as written: "—", "/" and "" stay what they are (never 0). White space that only separates tags (a newline
between two `<span>`s, a `<p>` break inside a cell) is dropped between CJK characters and between digits, so a number
split across spans comes out whole ("1" "2" → "12") and a label split across `<p>`s reads as one word: the rule DOCX
line breaks follow too (text_join.glues).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from bs4.dammit import EncodingDetector
from lxml import etree

from auditor import limits
from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.ingest.document import CellBudget, Document, Paragraph, Table, table_from_grid
from auditor.ingest.errors import IngestError
from auditor.ingest.html_tree import Node, TreeTarget
from auditor.ingest.text_join import glues, join

if TYPE_CHECKING:
    from lxml.etree import ParserTarget

__all__ = ["CHROME_LINES", "read_html"]

# Lines of page furniture, compared on the line with all white space removed (startswith): they are the site's, not
# the report's, and would otherwise land in the narrative of section 六 or before the title.
CHROME_LINES: tuple[str, ...] = (
    "附件下载",
    "打印本页",
    "关闭窗口",
    "分享到",
    "【字体",  # 【字体：大 中 小】
    "字体：大中小",
    "【打印】",
    "【关闭】",
    "【打印本页】",
    "【关闭窗口】",
    "扫一扫在手机打开当前页",
)

# Elements whose content is never report text.
_DROPPED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "nav", "header",
                      "footer", "iframe", "object", "embed", "svg", "canvas", "select", "button", "input", "textarea"})
# Elements that start and end a visual line (the CSS display:block set of the HTML rendering defaults, plus cells).
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
                     "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4",
                     "h5", "h6", "hr", "html", "legend", "li", "main", "ol", "p", "pre", "section", "summary", "table",
                     "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}

_BREAK = "\n"  # a token: the end of a visual line
_SOFT = "\ue000"  # a private-use character standing for white space that only separated tags
_HARD_SPACE = re.compile(r"\s+")  # Python's \s covers &nbsp; (U+00A0) and the ideographic space (U+3000)
_SPACE_RUN = re.compile(f"[ {_SOFT}]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def read_html(data: bytes, path: str) -> Document:
    """Read one HTML report into a Document (format "html").

    Raises IngestError: `undecodable_text` when no encoding fits the bytes, `corrupt_file` (format "HTML") when the
    bytes are not markup the parser can read or it holds no visible text at all.
    """
    if looks_binary(data):
        raise IngestError("corrupt_file", format="HTML", reason="binary data, not markup")
    try:
        text, encoding = decode(data, declared=_declared_encoding(data))
    except DecodeError:
        raise IngestError("undecodable_text") from None
    return _read(text, path, encoding)


def _declared_encoding(data: bytes) -> str | None:
    """The encoding the page names for itself, if any (decode weighs it against a byte-order mark and the bytes): an
    XML declaration at the very start, else a <meta charset> or http-equiv Content-Type near the top. BeautifulSoup's
    sniffer, as before the reader moved to lxml (which offers none for bytes); the rest of bs4 is not used."""
    found = EncodingDetector.find_declared_encoding(data, is_html=True)
    return str(found) if found else None


def _read(text: str, path: str, encoding: str) -> Document:
    target = TreeTarget()
    # The cast: types-lxml's ParserTarget protocol also lists XML's namespace events; lxml calls only what a target
    # has. The page is fed as text, so libxml2 takes it as decoded and a <meta charset> cannot re-decode it; a leading
    # BOM character (a file with two) is not page text.
    parser = etree.HTMLParser(recover=True, target=cast("ParserTarget[None]", target))
    try:
        parser.feed(text.removeprefix("\ufeff"))
        parser.close()
    except Exception as exc:  # noqa: BLE001 - the parser's failure modes are not a documented set
        raise IngestError("corrupt_file", format="HTML",
                          reason=f"the HTML parser rejected it ({type(exc).__name__})") from None
    builder = _Builder()
    builder.read(target.root)
    if not builder.paragraphs and not builder.tables:
        raise IngestError("corrupt_file", format="HTML", reason="no visible text in the markup")
    return Document(path=path, format="html", encoding=encoding, paragraphs=tuple(builder.paragraphs),
                    tables=tuple(builder.tables), line_count=builder.line, page_title=_page_title(target.root))


_MAX_PAGE_TITLE_CHARS = 300


def _page_title(root: Node) -> str | None:
    """The text of the page's first <title> (it names the report when the body has no title line), found by an
    explicit walk that stops at <body>: the title belongs to the head, and a broken page may nest deeply."""
    stack: list[Node | str] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            continue
        if node.name == "title":
            text = " ".join("".join(c for c in node.content if isinstance(c, str)).split())
            return text[:_MAX_PAGE_TITLE_CHARS] or None
        if node.name != "body":
            stack.extend(reversed(node.content))
    return None


class _Walk:
    """The one walk of a tree in document order: visible text goes to `tokens` (_text_token); `line_end` is called
    wherever a block or <br> ends a visual line, `heading` being the level of the <h1>–<h6> that line is in; `table`
    is offered every <table> and says whether it took it (else its cells are read as blocks).

    An explicit stack, not recursion: broken pages nest thousands of unclosed tags. A leaving entry (a 1-tuple)
    carries the heading level to restore, so a <div> inside an <h2> still yields a heading line.
    """

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.heading: int | None = None

    def line_end(self) -> None:
        self.tokens.append(_BREAK)

    def table(self, table: Node) -> bool:
        return False

    def walk(self, content: list[Node | str]) -> None:
        stack: list[Node | str | tuple[int | None]] = list(reversed(content))
        tokens = self.tokens
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                tokens.append(_text_token(node))
                continue
            if isinstance(node, tuple):  # leaving a block
                self.line_end()
                self.heading = node[0]
                continue
            name = node.name.lower()
            if name in _DROPPED or (node.attributes and _hidden(node)):
                continue
            if name == "br":
                self.line_end()
                continue
            if name == "table" and self.table(node):
                continue
            if name in _BLOCKS or name in _HEADINGS:
                self.line_end()
                stack.append((self.heading,))
                self.heading = _HEADINGS.get(name, self.heading)
            stack.extend(reversed(node.content))


class _Builder(_Walk):
    """Walks the page once, numbering paragraphs and table rows in one sequence."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table] = []
        self.line = 0
        self.budget = CellBudget()

    def read(self, root: Node) -> None:
        self.walk(root.content)
        self.line_end()

    def line_end(self) -> None:
        text = _line_text(self.tokens)
        self.tokens.clear()
        if text and not _is_chrome(text):
            self.line += 1
            self.paragraphs.append(Paragraph(self.line, text, heading_level=self.heading))

    def table(self, table: Node) -> bool:
        parts = _table_parts(table)
        if parts is None:
            return False  # a table that wraps tables is layout
        caption, rows = parts
        self.line_end()
        if caption is not None:
            self.tokens.append(_cell_text(caption))
            self.line_end()
        found, self.line = table_from_grid(_grid(rows, self.budget), self.line, self.budget)
        if found:
            self.tables.append(found)
        return True


def _table_parts(table: Node) -> tuple[Node | None, list[Node]] | None:
    """A table's first <caption> and its rows in document order (thead, tbody and tfoot alike; hidden ones too), or
    None when a table is nested in it. One pass over the table, as for a data table every element has to be seen."""
    caption: Node | None = None
    rows: list[Node] = []
    stack = list(reversed(table.content))
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            continue
        if node.name == "table":
            return None
        if node.name == "tr":
            rows.append(node)
        elif node.name == "caption" and caption is None:
            caption = node
        stack.extend(reversed(node.content))
    return caption, rows


def _hidden(node: Node) -> bool:
    """Invisible: the `hidden` attribute or an inline display:none / visibility:hidden."""
    if "hidden" in node.attributes:
        return True
    style = node.attributes.get("style")
    return style is not None and bool(_HIDDEN_STYLE.search(style))


def _text_token(text: str) -> str:
    """A text run's token: white space between tags is soft."""
    return _HARD_SPACE.sub(" ", text) if text.strip() else _SOFT


def _resolve(text: str) -> str:
    """Collapse white space runs: a run with real white space in it is one space (as a browser shows it); a run of
    soft space only is kept as one space unless text_join.glues says it disappears."""

    def replace(match: re.Match[str]) -> str:
        if " " in match.group():
            return " "
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if glues(before, after) else " "

    return _SPACE_RUN.sub(replace, text).strip(f" {_SOFT}")


def _line_text(tokens: list[str]) -> str:
    """One visual line (tokens hold no _BREAK here) as text."""
    return _resolve("".join(tokens))


def _cell_text(cell: Node) -> str:
    """A cell's visible text: its lines (split by <p>, <br>, <div>…) resolved one by one, then joined as DOCX joins a
    cell's paragraphs (text_join.join). The cell's own content is read even when the cell is marked hidden: its grid
    position is there either way."""
    walk = _Walk()
    walk.walk(cell.content)
    return join(_resolve(part) for part in "".join(walk.tokens).split(_BREAK))


def _span(cell: Node, attribute: str) -> int:
    """rowspan/colspan as browsers read them: missing or invalid is 1, rowspan 0 (to the end) is the limit, which the
    caller's clamp turns into the rows left. The limit is limits.MAX_SPAN for both (the HTML standard clamps colspan
    at 1000 and rowspan at 65534; no report's table comes near either)."""
    raw = cell.attributes.get(attribute)
    try:
        value = int(raw.strip()) if raw is not None else 1
    except ValueError:
        return 1
    if value == 0 and attribute == "rowspan":
        return limits.MAX_SPAN
    return min(max(value, 1), limits.MAX_SPAN)


def _cells(rows: list[Node]) -> list[list[tuple[Node, int, int]]]:
    """Each row's cells with their height (clamped to the rows left: a rowspan past the last row stops there, as
    browsers draw it) and width."""
    return [[(cell, min(_span(cell, "rowspan"), len(rows) - r), _span(cell, "colspan"))
             for cell in row.content if not isinstance(cell, str) and cell.name in ("td", "th")]
            for r, row in enumerate(rows)]


def _check_size(cells: list[list[tuple[Node, int, int]]], budget: CellBudget) -> None:
    """Refuse a table whose grid could pass the cell limits, before any of it is built. A row of the grid is at most
    as wide as the widths of the cells that reach it, from that row or from a rowspan above, added up (every position
    up to its last cell is filled, and only those cells fill it), so rows × the widest such row bounds the grid."""
    reach = [0] * (len(cells) + 1)  # differences: a cell adds its width from its row to the row below its span
    for r, row in enumerate(cells):
        for _, height, width in row:
            reach[r] += width
            reach[r + height] -= width
    widest = running = 0
    for change in reach:
        running += change
        widest = max(widest, running)
    budget.take(0, len(cells) * widest)


def _grid(rows: list[Node], budget: CellBudget) -> list[list[str | None]]:
    """The visual grid of a table's rows: one list of cell texts per <tr>, positions covered by a merged cell None
    beside their origin, every row padded with "" to the table's width (the widest row) as the rendered table is
    rectangular. Raises IngestError("limit_exceeded") for a grid that could pass the cell limits (_check_size)."""
    cells = _cells(rows)
    _check_size(cells, budget)
    taken: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(cells):
        c = 0
        for cell, height, width in row:
            while (r, c) in taken:
                c += 1
            text = _cell_text(cell)
            for dr in range(height):
                for dc in range(width):
                    taken.setdefault((r + dr, c + dc), text if dr == dc == 0 else None)
            c += width
    if not taken:
        return []
    columns = max(c for _, c in taken) + 1
    return [[taken.get((r, c), "") for c in range(columns)] for r in range(len(rows))]


def _is_chrome(line: str) -> bool:
    folded = _HARD_SPACE.sub("", line)
    return len(folded) <= 40 and folded.startswith(CHROME_LINES)
