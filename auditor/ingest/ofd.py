"""OFD reports (GB/T 33190-2016, 版式文档): the XML of the package read for positioned text and rulings, then the PDF
reader's geometry (layout.py) rebuilds lines, paragraphs and ruled tables.

Why no OFD library: on PyPI, `easyofd` renders OFD to PDF and images and pulls PyMuPDF (AGPL), reportlab, fontTools
and loguru for it; `ofdreader` 0.1.0 ships no code; `ofdkit` 0.2 (stdlib only, Apache-2.0) gives text runs but no
path objects, so no cell borders to rebuild a table from, and repairs malformed XML silently. OFD is a documented
format of a few XML parts, so it is read here with the bounded zip reader (package.py) and lxml, no DTD, no network.

What is read (section numbers of GB/T 33190-2016):

* the package: OFD.xml → DocBody/DocRoot (§7.4) → Document.xml: CommonData/PageArea (§7.5) and Pages/Page BaseLoc
  (§7.6); a page's Content.xml, and the content of the TemplatePages it names (headers and footers often live
  there), under its own page area (Page/Area) when it has one. Locations are relative to the part naming them, or
  absolute from the package root; one leaving the package is refused.
* Layer → TextObject, PathObject and PageBlock (nested up to _MAX_DEPTH) (§8-§11). Coordinates are millimetres from
  the page's top left, y downwards; an object's are relative to its Boundary, through its CTM when it has one.
* TextObject (§11): each TextCode's X/Y is the first character's baseline; DeltaX (and DeltaY, vertical text) give
  the advance to each next character, with the `g count value` shorthand; a character with no delta given advances by
  an estimate (a full-width character its font size, others half). Each character becomes a pdfplumber-style char
  in points (1 mm = 72/25.4 pt), so layout.py's tolerances mean what they mean for a PDF.
* PathObject (§9): the axis-parallel segments of its AbbreviatedData (M, L, C; curves are no rulings) are edges when
  it is stroked (Stroke defaults to true); a fill only when thin, as pdf.py's rule for backgrounds.

Not read: CompositeObject and image objects (a scan stored as OFD has no text: `no_text_layer`), annotations,
signatures. Limits: package.py's for the members (size, ratio, count), limits.MAX_PDF_PAGES pages, MAX_PAGE_CHARS
characters a page; malformed XML, a missing part or a DTD is `corrupt_file` (format OFD).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.text import chars_to_textmap

from auditor import limits
from auditor.ingest.document import Document
from auditor.ingest.errors import IngestError
from auditor.ingest.layout import Item, build_document, drop_page_furniture, find_tables, join_pages, outside_tables
from auditor.ingest.layout import page_items as layout_items
from auditor.ingest.package import bounded_package

PT_PER_MM = 72 / 25.4
_MAX_DEPTH = 32  # PageBlocks nested in PageBlocks: real files nest one or two deep
_RULE_MAX_MM = 2.0 / PT_PER_MM  # a filled path thinner than this is a drawn rule (pdf.py's _RULE_MAX_THICKNESS)
_AXIS_MM = 0.05  # a segment whose ends differ by less than this across its direction is horizontal (or vertical)
_A4 = (0.0, 0.0, 210.0, 297.0)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
Affine = tuple[float, float, float, float, float, float]
_IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read_ofd(data: bytes, path: str) -> Document:
    """Read an OFD report into a Document (format "ofd", encoding "xml").

    Raises IngestError: `limit_exceeded` (package.py's limits, pages, characters a page, table cells), `corrupt_file`
    (format "OFD") for a package without OFD.xml, a part it names that is missing, malformed XML, a DTD, numbers that
    are not numbers; `no_text_layer` when no page has a character."""
    package = _Package(bounded_package(data, "OFD"))
    pages = list(package.pages())
    if not any(page.chars for page in pages):
        raise IngestError("no_text_layer")
    items = [page_items(page, number) for number, page in enumerate(pages)]
    kept = drop_page_furniture(items, [page.height for page in pages])
    return build_document(join_pages(kept), path, "ofd", "xml")


@dataclass
class Page:
    """One page as layout.py and pdfplumber's table finder read it: chars and edges in points, and its box."""

    width: float
    height: float
    chars: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)


def page_items(page: Page, number: int) -> list[Item]:
    """The page's ruled tables and text lines in reading order, as pdf.py makes them from a PDF page."""
    tables = find_tables(page, page.edges)
    outside = outside_tables(tables)
    # pdfplumber's text map reads its chars in the order given (a PDF page's are in drawing order, which writers keep
    # to reading order): here they are put in reading order, lines top to bottom, each left to right.
    rows = cluster_objects([c for c in page.chars if outside(c)], "top", 1.5)
    ordered = [c for row in rows for c in sorted(row, key=lambda c: c["x0"])]
    lines = chars_to_textmap(ordered).extract_text_lines(strip=True, return_chars=True) if ordered else []
    return layout_items(lines, tables, number)


class _Package:
    """The parts of a bounded (repacked) OFD package, by name, parsed on demand."""

    def __init__(self, data: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._names = {_normal(name): name for name in self._zip.namelist()}
        self._folded: dict[str, list[str]] = {}
        for name in self._names:
            self._folded.setdefault(name.casefold(), []).append(name)

    def pages(self) -> Iterator[Page]:
        root = self.xml("OFD.xml")
        count = 0
        for body in _children(root, "DocBody"):
            document_path = self.resolve("OFD.xml", _text(_child(body, "DocRoot")))
            document = self.xml(document_path)
            common = _child(document, "CommonData")
            default_box = _box(_text(_child(_child(common, "PageArea"), "PhysicalBox"))) or _A4
            templates = {t.get("ID", ""): self.resolve(document_path, t.get("BaseLoc"))
                         for t in _children(common, "TemplatePage")}
            for entry in _children(_child(document, "Pages"), "Page"):
                count += 1
                if count > limits.MAX_PDF_PAGES:
                    raise IngestError("limit_exceeded", **limits.exceeded(
                        "OFD 页数", "OFD pages", str(limits.MAX_PDF_PAGES)))
                yield self._page(self.resolve(document_path, entry.get("BaseLoc")), default_box, templates)

    def _page(self, location: str, default_box: tuple[float, ...], templates: dict[str, str]) -> Page:
        content = self.xml(location)
        box = _box(_text(_child(_child(content, "Area"), "PhysicalBox"))) or default_box
        page = Page(width=box[2] * PT_PER_MM, height=box[3] * PT_PER_MM)
        for template in _children(content, "Template"):
            template_location = templates.get(template.get("TemplateID", ""))
            if template_location is not None:
                _draw(self.xml(template_location), page)
        _draw(content, page)
        return page

    def resolve(self, base: str, location: str | None) -> str:
        """The part a location names: relative to the folder of the part `base`, or absolute from the root (§7.2).
        Producers get this wrong in two known ways, each still naming one part: a relative location written from the
        root, and a name in another case (written on Windows: 「TPLS/」 for 「Tpls/」); a name that fits several
        parts is not guessed."""
        if not location or not location.strip():
            raise _corrupt(f"{_shown(base)} names no part")
        location = location.strip().replace("\\", "/")
        candidates = [location.lstrip("/")] if location.startswith("/") else [
            posixpath.join(posixpath.dirname(base), location), location]
        for candidate in candidates:
            name = posixpath.normpath(candidate)
            if name.startswith("../") or name == "..":
                raise _corrupt(f"{_shown(base)} names a part outside the package ({_shown(location)})")
            if name in self._names:
                return name
            folded = self._folded.get(name.casefold(), [])
            if len(folded) == 1:
                return folded[0]
        raise _corrupt(f"missing part {_shown(posixpath.normpath(candidates[0]))}")

    def xml(self, name: str) -> Any:
        try:
            data = self._zip.read(self._names[_normal(name)])
        except KeyError:
            raise _corrupt(f"missing part {_shown(name)}") from None
        try:
            tree = etree.parse(io.BytesIO(data), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise _corrupt(f"malformed XML in {_shown(name)} ({_shown(str(exc))})") from None
        if tree.docinfo.doctype:  # OFD needs no DTD; entities are how XML bombs are built
            raise _corrupt(f"{_shown(name)} declares a DTD")
        return tree.getroot()


def _draw(part: Any, page: Page) -> None:
    """Add the text and rulings of a page or template part's layers to `page`."""
    for layer in _children(_child(part, "Content"), "Layer"):
        _objects(layer, page, 0)


def _objects(container: Any, page: Page, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise _corrupt(f"page blocks nested over {_MAX_DEPTH} deep")
    for element in container:
        name = _local(element)
        if name == "TextObject":
            page.chars.extend(_characters(element))
            if len(page.chars) > limits.MAX_PAGE_CHARS:
                raise IngestError("limit_exceeded", **limits.exceeded(
                    "OFD 单页字符数", "the characters of one OFD page", f"{limits.MAX_PAGE_CHARS:,}"))
        elif name == "PathObject":
            page.edges.extend(_edges(element))
        elif name == "PageBlock":
            _objects(element, page, depth + 1)


def _characters(text_object: Any) -> Iterator[dict[str, Any]]:
    """A TextObject's characters as pdfplumber chars (points, from the page's top left)."""
    transform = _transform(text_object)
    a, b, c, d = transform[:4]
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    size = _number(text_object.get("Size"), "Size", 0.0)
    shown = size * scale
    x = y = 0.0
    for code in _children(text_object, "TextCode"):
        text = "".join(ch for ch in (code.text or "") if unicodedata.category(ch) != "Cc")
        x, y = _number(code.get("X"), "X", x), _number(code.get("Y"), "Y", y)  # omitted: the previous code's
        delta_x = _deltas(code.get("DeltaX"), len(text) - 1)
        delta_y = _deltas(code.get("DeltaY"), len(text) - 1)
        vertical = bool(delta_y) and not delta_x  # a column of characters, each below the one before
        for i, char in enumerate(text):
            advance = _estimate(char, size)
            px, py = _apply(transform, x, y)
            # A character is as wide as the pen moves after it (its glyph and the letter spacing: one TextCode is one
            # run, no gap read as a space inside it, 「2025」 not 「2 0 2 5」), up to two ems (a spread-out title).
            given = delta_x[i] if i < len(delta_x) and not vertical else None
            width = min(given, 2 * size) if given is not None and given > 0 else advance
            yield _char(char, px, py, width * scale, shown)
            x += delta_x[i] if i < len(delta_x) else (0.0 if vertical else advance)
            y += delta_y[i] if i < len(delta_y) else (advance if vertical else 0.0)


def _char(text: str, x: float, baseline: float, width: float, size: float) -> dict[str, Any]:
    """A pdfplumber char: x0 at the pen position, top and bottom from the baseline by the font size (an em box with
    its baseline at 88 %: the shape of a CJK font's em, close enough for the table finder's 3 pt tolerances)."""
    x0, top = x * PT_PER_MM, (baseline - 0.88 * size) * PT_PER_MM
    points = size * PT_PER_MM
    return {"object_type": "char", "text": text, "x0": x0, "x1": x0 + max(width, 0.0) * PT_PER_MM, "top": top,
            "bottom": top + points, "doctop": top, "size": points, "upright": True, "height": points,
            "width": max(width, 0.0) * PT_PER_MM}


def _estimate(char: str, size: float) -> float:
    return size if unicodedata.east_asian_width(char) in ("W", "F") else size / 2


_COMMAND = re.compile(r"[A-Za-z]")


def _edges(path_object: Any) -> Iterator[dict[str, Any]]:
    """The rulings a PathObject draws: its axis-parallel straight segments, when it is ink."""
    stroked = path_object.get("Stroke", "true").strip().lower() != "false"
    filled = path_object.get("Fill", "false").strip().lower() == "true"
    box = _box(path_object.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
    if not stroked and not (filled and min(box[2], box[3]) < _RULE_MAX_MM and not _white(path_object)):
        return  # a background fill, not a rule
    transform = _transform(path_object)
    for (x0, y0), (x1, y1) in _segments(_text(_child(path_object, "AbbreviatedData"))):
        (ax, ay), (bx, by) = _apply(transform, x0, y0), _apply(transform, x1, y1)
        if abs(ay - by) < _AXIS_MM and abs(ax - bx) >= _AXIS_MM:
            yield _edge(min(ax, bx), max(ax, bx), ay, ay, "h")
        elif abs(ax - bx) < _AXIS_MM and abs(ay - by) >= _AXIS_MM:
            yield _edge(ax, ax, min(ay, by), max(ay, by), "v")


def _white(path_object: Any) -> bool:
    """Whether a path is filled white (FillColor in the default RGB space, 0-255 a channel, §8.3.2)."""
    value = (_child(path_object, "FillColor").get("Value", "") if _child(path_object, "FillColor") is not None
             else "")
    return value.split() == ["255", "255", "255"]


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict[str, Any]:
    x0, x1, top, bottom = (v * PT_PER_MM for v in (x0, x1, top, bottom))
    return {"object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
            "width": x1 - x0, "height": bottom - top, "orientation": orientation}


def _segments(data: str | None) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of an AbbreviatedData path (§9.3, table 36): M moves, L draws a line, C closes the
    subpath; B, Q and A draw curves (their end point becomes the current point), S is the legacy start."""
    tokens = (data or "").replace(",", " ").split()
    operands = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    current: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op not in operands:
            raise _corrupt(f"a path has the operator {_shown(op)}")
        values = [_number(v, "path", 0.0) for v in tokens[i + 1:i + 1 + operands[op]]]
        if len(values) < operands[op]:
            raise _corrupt(f"a path's {op} lacks its operands")
        i += 1 + operands[op]
        if op in ("M", "S"):
            current = start = (values[0], values[1])
        elif op == "L":
            point = (values[0], values[1])
            if current is not None:
                yield current, point
            current = point
        elif op == "C":
            if current is not None and start is not None and current != start:
                yield current, start
            current = start
        else:
            current = (values[-2], values[-1])


def _deltas(value: str | None, limit: int) -> list[float]:
    """A DeltaX/DeltaY list with `g count value` expanded, never past `limit` values (a count of a billion costs
    nothing)."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            count = int(_number(tokens[i + 1], "DeltaX", 0.0)) if _finite(tokens[i + 1]) else 0
            out.extend([_number(tokens[i + 2], "DeltaX", 0.0)] * max(0, min(count, limit - len(out))))
            i += 3
        else:
            out.append(_number(tokens[i], "DeltaX", 0.0))
            i += 1
    return out


def _transform(element: Any) -> Affine:
    """Object space to page space: the CTM (§8.3.1), then the move to the Boundary's origin."""
    box = _box(element.get("Boundary")) or (0.0, 0.0, 0.0, 0.0)
    ctm = element.get("CTM")
    a, b, c, d, e, f = _numbers(ctm, "CTM", 6) if ctm else _IDENTITY
    return (a, b, c, d, e + box[0], f + box[1])


def _apply(m: Affine, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _box(value: str | None) -> tuple[float, ...] | None:
    return _numbers(value, "Boundary", 4) if value and value.strip() else None


def _numbers(value: str | None, what: str, count: int) -> tuple[float, ...]:
    parts = (value or "").replace(",", " ").split()
    if len(parts) != count:
        raise _corrupt(f"{what} is not {count} numbers ({_shown(value or '')})")
    return tuple(_number(p, what, 0.0) for p in parts)


def _number(value: str | None, what: str, default: float) -> float:
    if value is None:
        return default
    if not _finite(value):
        raise _corrupt(f"{what} is not a number ({_shown(value)})")
    return float(value)


def _finite(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def _local(element: Any) -> str:
    """An element's name without its namespace (files in use write ofd:, another prefix, or none); "" for comments
    and processing instructions."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: Any, name: str) -> Iterator[Any]:
    if element is not None:
        yield from (child for child in element if _local(child) == name)


def _child(element: Any, name: str) -> Any:
    return next(_children(element, name), None)


def _text(element: Any) -> str | None:
    return element.text.strip() if element is not None and element.text else None


def _normal(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/").lstrip("/"))


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:80] + "…"


def _corrupt(reason: str) -> IngestError:
    return IngestError("corrupt_file", format="OFD", reason=reason)
