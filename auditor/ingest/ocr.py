"""OCR of one page image: characters with boxes and confidences (RapidOCR), table rulings found in the pixels, and
from them the page items the PDF reader builds from a text layer (layout.Line, layout.Grid), in points.

Why RapidOCR (rapidocr-onnxruntime): its PP-OCRv4 models ship inside the wheel, so it runs offline from PyPI alone,
and it gives each character's box and confidence. Measured on the parity PDFs rendered at 200 dpi, it read all 63
numbers of a page of table 三 correctly; Tesseract 5.3 with Debian's chi_sim read 2 of them (the table rules
break its page segmentation), and garbled the labels.

Honesty rules:
* A number (a run of digits with its decimal point or thousands comma) of which any character was read with a
  confidence below _CONFIDENT is written as that many "?": its cell is unreadable, never a guessed value; in running
  text the claim it belonged to is not read.
* A table cell with ink in it that OCR read nothing from is "?" too (never blank: blank is what the report wrote).
* Rulings are the ink that survives an opening with a long thin kernel; pdfplumber's own table geometry
  (merge_edges → intersections → cells → tables) turns them into cells, as it does a PDF's drawn lines.
"""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.ingest.errors import IngestError
from auditor.ingest.image import PageImage
from auditor.ingest.layout import TOL, Grid, Line, closing_edges, tidy

ENGINE = "RapidOCR (PP-OCRv4)"
# Every digit read below this confidence makes its number unreadable. Set from the parity scans (tests/test_parity_
# scan.py, 1,000 cells): with the threshold at 0.7 no cell was read wrong, at 0.6 a row of table 三 was (its digits
# read wrong had confidences in 0.6–0.7); 0.85 keeps a wide margin above them and reads 87% of the cells (0.9: 73%).
_CONFIDENT = 0.85
# Rulings are at least this long. A column's rule runs through two rows of a table or more (table 二's rows of one
# line are ~15 pt high): longer than a character's stroke in body text (12 pt). A row's rule spans a cell at least
# (~45 pt), longer than a title's strokes (二号, 22 pt), which would otherwise make a title a "table".
_RULE_MIN_V = 16.0
_RULE_MIN_H = 40.0
# A shorter column rule is one still when both its ends meet a row's rule: a table of one row of single-line cells
# (table 四's numbers, alone at the top of a page) has column rules of ~12 pt, which a character's stroke, inside its
# cell's padding, never is.
_RULE_MIN_V_CLOSED = 8.0
_RULE_SPAN = 120.0  # points: the rules such a short one must close on are a table's, not a title's strokes
_RULE_INK = 200  # grey level below which a pixel may be a ruling: Word draws empty cells' borders in light grey
_INK = 128  # grey level below which a pixel is ink
_INK_MIN_PIXELS = 12  # a cell with fewer dark pixels (rulings and specks removed) is empty
_SPECK = 6  # pixels: a blot of ink smaller than this is noise, not a stroke
_CELL_INSET = 1.5  # points: a cell's border and its anti-aliased edge, left out when its ink is counted
_TWO_NUMBERS = re.compile(r"[0-9?]\s+[0-9?]")
_WORDS = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character: a label, whose lines may each hold a number
_NUMBER = re.compile(r"[0-9０-９][0-9０-９.．,，]*")


@dataclass(frozen=True)
class Glyph:
    """One character read, its box in points and the engine's confidence; `box`: the detection box it was read in."""

    text: str
    conf: float
    x0: float
    top: float
    x1: float
    bottom: float
    box: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2


@dataclass(frozen=True)
class PageRead:
    """What one page gave: its items in reading order, its height in points, and its table cells with ink."""

    items: list[Line | Grid]
    height: float
    cells_read: int
    cells_unsure: int


@functools.cache
def _engine() -> Any:
    """The engine, loaded once per process (0.2 s). IngestError `ocr_unavailable` when it is not installed."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # the package, or a library it loads (onnxruntime, OpenCV)
        raise IngestError("ocr_unavailable", reason=str(exc)) from None
    # text_score 0: every box comes back, so a low-confidence number is marked unreadable, not silently dropped.
    return RapidOCR(text_score=0.0, print_verbose=False)


def read_page(page: PageImage, number: int) -> PageRead:
    glyphs = _glyphs(page)
    horizontal, vertical = _rule_masks(page)
    tables = _tables(page, horizontal, vertical)
    ink = _ink_without_rules(page, horizontal | vertical)
    in_tables: set[int] = set()
    items: list[tuple[float, Line | Grid]] = []
    read = unsure = 0
    for cells in tables:
        grid, used, counts = _grid(cells, glyphs, ink, page.scale, number)
        in_tables |= used
        read, unsure = read + counts[0], unsure + counts[1]
        items.append((min(c[1] for c in cells), grid))
    for line in _lines([g for i, g in enumerate(glyphs) if i not in in_tables], number):
        items.append((line.top, line))
    items.sort(key=lambda pair: pair[0])
    return PageRead([item for _, item in items], page.pixels.shape[0] * page.scale, read, unsure)


def _glyphs(page: PageImage) -> list[Glyph]:
    rgb = np.repeat(page.pixels[:, :, None], 3, axis=2)
    result, _ = _engine()(rgb, return_word_box=True, text_score=0.0)
    glyphs: list[Glyph] = []
    for box, (quad, text, conf, char_boxes, chars, confs) in enumerate(result or []):
        if "".join(chars) != re.sub(r"\s", "", text) or len(char_boxes) != len(chars):
            # No reliable character boxes: the characters share the box, each with the box's confidence.
            chars, confs = [c for c in text if not c.isspace()], [conf] * len(text)
            char_boxes = _split(quad, len(chars))
        for char, char_conf, cbox in zip(chars, confs, char_boxes, strict=False):
            xs, ys = [p[0] for p in cbox], [p[1] for p in cbox]
            s = page.scale
            glyphs.append(Glyph(char, float(char_conf), min(xs) * s, min(ys) * s, max(xs) * s, max(ys) * s, box))
    return glyphs


def _split(quad: list[list[float]], count: int) -> list[list[list[float]]]:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    step = (x1 - x0) / max(1, count)
    return [[[x0 + k * step, top], [x0 + (k + 1) * step, bottom]] for k in range(count)]


def _rule_masks(page: PageImage) -> tuple[np.ndarray, np.ndarray]:
    import cv2

    ink = (page.pixels < _RULE_INK).astype(np.uint8) * 255
    across, down = max(8, round(_RULE_MIN_H / page.scale)), max(8, round(_RULE_MIN_V / page.scale))
    # Dilated across the rule first: a rule left a pixel out of level by the deskew still reads as one.
    horizontal = cv2.morphologyEx(cv2.dilate(ink, np.ones((3, 1), np.uint8)), cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1)))
    short = max(8, round(_RULE_MIN_V_CLOSED / page.scale))
    vertical = cv2.morphologyEx(cv2.dilate(ink, np.ones((1, 3), np.uint8)), cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, short)))
    return horizontal, _closed_or_long(vertical, horizontal, down, round(_RULE_SPAN / page.scale),
                                       round(TOL / page.scale))


def _closed_or_long(vertical: np.ndarray, horizontal: np.ndarray, long: int, span: int,
                    reach: int) -> np.ndarray:
    """The vertical rules at least `long` pixels, and the shorter ones of a band of a table that no long rule
    crosses: both ends run into a horizontal rule of at least `span` pixels (a pixel apart at most: a border is drawn
    through; a character keeps its cell's padding off the rules), and no long vertical rule crosses that band (then
    the band is a row of a grid whose columns are ruled already, and a short piece there is a character's stroke)."""
    import cv2

    count, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    is_long = stats[:, cv2.CC_STAT_HEIGHT] >= long
    is_long[0] = False
    long_rules = is_long[labels]
    _, rule_labels, rule_stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    keep = is_long.copy()
    for label in range(1, count):
        if is_long[label]:
            continue
        x, y, w, h, _ = stats[label]
        spans = []
        for end in (y, y + h - 1):
            window = rule_labels[max(0, end - 1):end + 2, max(0, x - 1):x + w + 1]
            wide = [int(k) for k in np.unique(window) if k and rule_stats[k, cv2.CC_STAT_WIDTH] >= span]
            spans.append(wide)
        # The row's top and bottom borders: two rules of the same extent (a title's strokes never are).
        pairs = [(a, b) for a in spans[0] for b in spans[1] if a != b
                 and abs(int(rule_stats[a, 0]) - int(rule_stats[b, 0])) <= reach
                 and abs(int(rule_stats[a, 0] + rule_stats[a, 2]) - int(rule_stats[b, 0] + rule_stats[b, 2])) <= reach]
        if not pairs:
            continue
        rule = rule_stats[pairs[0][0]]
        left, right = rule[cv2.CC_STAT_LEFT], rule[cv2.CC_STAT_LEFT] + rule[cv2.CC_STAT_WIDTH]
        keep[label] = not bool(long_rules[y + 1:y + h - 1, left:right].any())
    return np.where(keep[labels], vertical, 0).astype(vertical.dtype)


def _tables(page: PageImage, horizontal: np.ndarray,
            vertical: np.ndarray) -> list[list[tuple[float, float, float, float]]]:
    """The cells (x0, top, x1, bottom in points) of each ruled table on the page with at least two columns."""
    import cv2
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    s = page.scale
    edges: list[dict[str, Any]] = []
    for mask, orientation in ((horizontal, "h"), (vertical, "v")):
        _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _ in stats[1:]:
            x0, top, x1, bottom = x * s, y * s, (x + w) * s, (y + h) * s
            if orientation == "h":
                mid = (top + bottom) / 2
                edges.append({"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": mid,
                              "bottom": mid, "width": x1 - x0, "height": 0.0})
            else:
                mid = (x0 + x1) / 2
                edges.append({"object_type": "line", "orientation": "v", "x0": mid, "x1": mid, "top": top,
                              "bottom": bottom, "width": 0.0, "height": bottom - top})
    closing = [dict(edge, orientation="h") for edge in closing_edges(edges)]
    edges = merge_edges(edges + closing, TOL, TOL, TOL, TOL)
    cells = intersections_to_cells(edges_to_intersections(edges, TOL, TOL))
    return [group for group in cells_to_tables(cells) if len({round(c[0], 3) for c in group}) >= 2]


def _grid(cells: list[tuple[float, float, float, float]], glyphs: list[Glyph], ink: np.ndarray, scale: float,
          number: int) -> tuple[Grid, set[int], tuple[int, int]]:
    """The table's visual grid as pdfplumber lays out a Table's rows; the glyphs it took; (cells read, unsure)."""
    from pdfplumber.table import Table

    table = Table(None, cells)  # type: ignore[arg-type]  # rows come from the cells alone; the page is not used
    columns = sorted({float(c[0]) for c in cells})
    bbox = table.bbox
    taken = {i for i, g in enumerate(glyphs) if _inside(g.centre, bbox)}
    rows: list[list[str]] = []
    read = unsure = 0
    for row in table.rows:
        texts = []
        for cell in row.cells:
            if cell is None:
                texts.append("")
                continue
            mine = [glyphs[i] for i in taken if _inside(glyphs[i].centre, cell)]
            text = _cell_text(mine)
            if not text and _has_ink(ink, cell, scale):
                text = "?"
            if "?" in text:
                unsure += 1
            elif any(ch.isdigit() for ch in text):
                read += 1
            texts.append(text)
        rows.append(texts)
    return Grid(rows=rows, columns=columns, right=float(bbox[2]), page=number), taken, (read, unsure)


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _ink_without_rules(page: PageImage, rules: np.ndarray) -> np.ndarray:
    import cv2

    ink = ((page.pixels < _INK) & (rules == 0)).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= _SPECK
    keep[0] = False  # the background
    return np.asarray(keep[labels])


def _has_ink(ink: np.ndarray, cell: tuple[float, float, float, float], scale: float) -> bool:
    inset = _CELL_INSET
    x0, top = int((cell[0] + inset) / scale), int((cell[1] + inset) / scale)
    x1, bottom = int((cell[2] - inset) / scale), int((cell[3] - inset) / scale)
    if x1 <= x0 or bottom <= top:
        return False
    return int(np.count_nonzero(ink[top:bottom, x0:x1])) >= _INK_MIN_PIXELS


def _cell_text(glyphs: list[Glyph]) -> str:
    """The glyphs' text in reading order: lines top to bottom, joined without spaces (as a PDF cell's are). Two
    numbers in one cell are two values whose ruling the scan lost, never one number: side by side on a line, or on
    two lines of a cell that holds nothing else (a row's rule lost): the cell is "?"."""
    lines = [_line_text(row) for row in _rows(glyphs)]
    text = "".join(lines)
    if any(_TWO_NUMBERS.search(line) for line in lines):
        return "?"
    if sum(bool(_NUMBER.search(line)) for line in lines) >= 2 and not _WORDS.search(text):
        return "?"
    return text


def _rows(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into lines: a glyph whose centre lies within the height of a line's first glyph joins it."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: g.centre[1]):
        if rows:
            first = rows[-1][0]
            if abs(glyph.centre[1] - first.centre[1]) <= (first.bottom - first.top) / 2:
                rows[-1].append(glyph)
                continue
        rows.append([glyph])
    return [sorted(row, key=lambda g: g.x0) for row in rows]


def _line_text(row: list[Glyph]) -> str:
    """A line's text, a space where the gap between two glyphs is wider than half the line's height (layout.tidy then
    drops it beside a Chinese character), and every number read without confidence as "?"s."""
    height = statistics.median(g.bottom - g.top for g in row)
    parts: list[str] = []
    confs: list[float] = []
    for before, glyph in zip([None, *row[:-1]], row, strict=True):
        if before is not None and glyph.x0 - before.x1 > height / 2:
            parts.append(" ")
            confs.append(1.0)
        parts.append(glyph.text)
        confs.append(glyph.conf)
    text = "".join(parts)
    out = list(text)
    for match in _NUMBER.finditer(text):
        if min(confs[match.start():match.end()]) < _CONFIDENT:
            out[match.start():match.end()] = "?" * (match.end() - match.start())
    return tidy("".join(out))


def _lines(glyphs: list[Glyph], number: int) -> list[Line]:
    """The running text outside tables as lines; `size` is the line's height (scan.py evens out the body's)."""
    lines = []
    for row in _rows(glyphs):
        text = _line_text(row)
        if text:
            top, bottom = min(g.top for g in row), max(g.bottom for g in row)
            lines.append(Line(text, row[0].x0, max(g.x1 for g in row), top, bottom, bottom - top, number))
    return lines
