"""HTML reports as published by CMS pages: paragraphs in reading order and tables as their visual grid.

Parsing is BeautifulSoup over lxml; this module only decides what the parsed tree means for a report:

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
split across spans comes out whole ("1" "2" → "12") and a label split across `<p>`s reads as one word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.dammit import EncodingDetector
from bs4.element import NavigableString, PageElement, PreformattedString

from auditor.ingest.decode import DecodeError, decode, looks_binary
from auditor.ingest.document import Document, Paragraph, Table, table_from_grid
from auditor.ingest.errors import IngestError

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
_MAX_COLSPAN = 1000  # the HTML standard's limit; beyond it browsers clamp too
_MAX_ROWSPAN = 65534

_BREAK = "\n"  # a token: the end of a visual line
_SOFT = "\ue000"  # a private-use character standing for white space that only separated tags
_HARD_SPACE = re.compile(r"\s+")  # Python's \s covers &nbsp; (U+00A0) and the ideographic space (U+3000)
_SPACE_RUN = re.compile(f"[ {_SOFT}]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WIDE_ENCODINGS = {"gbk", "gb2312", "gb_2312-80", "cp936", "x-gbk", "gb18030", "euc-cn", "hz-gb-2312"}


def read_html(data: bytes, path: str) -> Document:
    """Read one HTML report into a Document (format "html").

    Raises IngestError: `undecodable_text` when no encoding fits the bytes, `corrupt_file` (format "HTML") when the
    bytes are not markup the parser can read or it holds no visible text at all.
    """
    if looks_binary(data):
        raise IngestError("corrupt_file", format="HTML", reason="binary data, not markup")
    try:
        text, encoding = _decode(data)
    except DecodeError:
        raise IngestError("undecodable_text") from None
    return _read(text, path, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    """The page's own <meta charset>/http-equiv declaration when it names an encoding that decodes the bytes, else
    detection (auditor.ingest.decode). GBK and GB2312 are read as GB18030, their superset."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(data)  # a byte-order mark outranks any declaration (WHATWG encoding sniffing)
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    if declared:
        name = declared.lower()
        name = "gb18030" if name in _WIDE_ENCODINGS else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration (pages copied between sites keep their old <meta>): detect instead
    return decode(data)


def _read(text: str, path: str, encoding: str) -> Document:
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as exc:  # noqa: BLE001 - the parser's failure modes are not a documented set
        raise IngestError("corrupt_file", format="HTML",
                          reason=f"the HTML parser rejected it ({type(exc).__name__})") from None
    builder = _Builder()
    try:
        builder.walk(soup)
    except RecursionError:
        raise IngestError("corrupt_file", format="HTML", reason="markup nested too deeply") from None
    if not builder.paragraphs and not builder.tables:
        raise IngestError("corrupt_file", format="HTML", reason="no visible text in the markup")
    return Document(path=path, format="html", encoding=encoding, paragraphs=tuple(builder.paragraphs),
                    tables=tuple(builder.tables), line_count=builder.line)


@dataclass
class _Builder:
    """Walks the tree once in document order, numbering paragraphs and table rows in one sequence."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    line: int = 0
    _tokens: list[str] = field(default_factory=list)
    _heading: int | None = None  # level of the <h1>–<h6> the walk is inside, if any

    def walk(self, root: Tag) -> None:
        # An explicit stack, not recursion: broken pages nest thousands of unclosed tags. A leaving entry carries the
        # heading level to restore, so a <div> inside an <h2> still yields a heading line.
        stack: list[tuple[PageElement, bool, int | None]] = [(root, False, None)]
        while stack:
            node, leaving, outer = stack.pop()
            if not isinstance(node, Tag):
                self._tokens.extend(_text_tokens(node))
                continue
            name = node.name.lower()
            if leaving:
                self._flush()
                self._heading = outer
                continue
            if _skipped(node):
                continue
            if name == "br":
                self._flush()
                continue
            if name == "table" and not node.find("table"):
                self._flush()
                self._table(node)
                continue
            if name in _BLOCKS or name in _HEADINGS:
                self._flush()
                stack.append((node, True, self._heading))
                self._heading = _HEADINGS.get(name, self._heading)
            stack.extend((child, False, None) for child in reversed(node.contents))
        self._flush()

    def _flush(self) -> None:
        text = _line_text(self._tokens)
        self._tokens = []
        if text and not _is_chrome(text):
            self.line += 1
            self.paragraphs.append(Paragraph(self.line, text, heading_level=self._heading))

    def _table(self, table: Tag) -> None:
        caption = table.find("caption")
        if isinstance(caption, Tag):
            self._tokens = [_cell_text(caption)]
            self._flush()
        found, self.line = table_from_grid(_grid(table), self.line)
        if found:
            self.tables.append(found)


def _skipped(tag: Tag) -> bool:
    """Invisible or not the report's: dropped elements, `hidden`, inline display:none."""
    if tag.name.lower() in _DROPPED or tag.has_attr("hidden"):
        return True
    style = tag.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE.search(style))


def _text_tokens(node: PageElement) -> list[str]:
    """A text node's tokens: comments, doctypes and CDATA are not visible; white space between tags is soft."""
    if not isinstance(node, NavigableString) or isinstance(node, PreformattedString):
        return []
    text = str(node)
    if not text.strip():
        return [_SOFT] if text else []
    return [_HARD_SPACE.sub(" ", text)]


def _tokens(root: Tag) -> list[str]:
    """The text tokens under `root` in document order, with a _BREAK wherever a block or <br> ends a visual line."""
    out: list[str] = []
    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if not isinstance(node, Tag):
            out.extend(_text_tokens(node))
            continue
        name = node.name.lower()
        if leaving:
            out.append(_BREAK)
            continue
        if node is not root and _skipped(node):
            continue
        if name == "br":
            out.append(_BREAK)
            continue
        block = name in _BLOCKS or name in _HEADINGS
        if block:
            out.append(_BREAK)
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    return out


def _glues(before: str, after: str) -> bool:
    """Whether soft white space between these two characters disappears: next to CJK (which has no spaces between
    words) and between digits (a number the editor split into several spans)."""
    if not before or not after:
        return True
    if before.isdigit() and after.isdigit():
        return True
    return _wide(before) or _wide(after)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def _resolve(text: str) -> str:
    """Collapse white space runs: a run with real white space in it is one space (as a browser shows it); a run of
    soft space only is kept as one space unless _glues says it disappears."""

    def replace(match: re.Match[str]) -> str:
        if " " in match.group():
            return " "
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if _glues(before, after) else " "

    return _SPACE_RUN.sub(replace, text).strip(f" {_SOFT}")


def _line_text(tokens: list[str]) -> str:
    """One visual line (tokens hold no _BREAK here) as text."""
    return _resolve("".join(tokens))


def _cell_text(cell: Tag) -> str:
    """A cell's visible text: its lines (split by <p>, <br>, <div>…) resolved one by one, then joined by soft space."""
    lines = [_resolve(part) for part in "".join(_tokens(cell)).split(_BREAK)]
    return _resolve(_SOFT.join(line for line in lines if line))


def _own_rows(table: Tag) -> Iterator[Tag]:
    """The table's rows in document order (thead, tbody and tfoot alike): all its rows, as only a table without a
    nested table reaches here (_Builder.walk)."""
    for row in table.find_all("tr"):
        if isinstance(row, Tag):
            yield row


def _span(cell: Tag, attribute: str, limit: int) -> int:
    """rowspan/colspan as browsers read them: missing or invalid is 1, 0 (rowspan: to the end) is handled by the
    caller's clamp, anything above the standard's limit is the limit."""
    raw = cell.get(attribute)
    try:
        value = int(str(raw).strip()) if raw is not None else 1
    except ValueError:
        return 1
    if value == 0 and attribute == "rowspan":
        return limit
    return min(max(value, 1), limit)


def _grid(table: Tag) -> list[list[str | None]]:
    """The visual grid of a table: one list of cell texts per <tr>, positions covered by a merged cell None beside
    their origin, every row padded with "" to the table's width (the widest row) as the rendered table is
    rectangular."""
    rows = list(_own_rows(table))
    taken: dict[tuple[int, int], str | None] = {}
    for r, row in enumerate(rows):
        c = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            if not isinstance(cell, Tag):
                continue
            while (r, c) in taken:
                c += 1
            # A rowspan past the last row stops at the last row, as browsers draw it.
            height = min(_span(cell, "rowspan", _MAX_ROWSPAN), len(rows) - r)
            width = _span(cell, "colspan", _MAX_COLSPAN)
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
