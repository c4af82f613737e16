"""A small OFD writer (GB/T 33190-2016) for the tests: a PDF's pages as an OFD package, as a PDF-to-OFD converter
(the way most OFD reports are made: printed to OFD from Word or WPS) would write them.

Each run of characters on one baseline becomes a TextObject (Boundary, Size, one TextCode with X/Y and DeltaX, the
`g count value` shorthand where the advances repeat); each ruling a PathObject (AbbreviatedData `M … L …`, a rectangle
`M L L L C`): stroked rules as stroked paths, thin filled bars as filled ones, background fills as fills without
stroke (which a reader must not take for rules). Units are millimetres from the page's top left.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import pdfplumber

NS = "http://www.ofdspec.org/2016"
MM_PER_PT = 25.4 / 72


def mm(value: float) -> str:
    return f"{value * MM_PER_PT:.3f}".rstrip("0").rstrip(".") or "0"


def ofd_from_pdf(data: bytes, title: str = "") -> bytes:
    """The OFD package of the PDF `data`."""
    parts: dict[str, str] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [_page_xml(page) for page in pdf.pages]
        width, height = pdf.pages[0].width, pdf.pages[0].height
    parts["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>0123456789abcdef</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
        "<ofd:Creator>tests/ofd_writer.py</ofd:Creator></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
    page_list = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    parts["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>999999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {mm(width)} {mm(height)}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>")
    parts["Doc_0/PublicRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
        '<ofd:Font ID="1" FontName="SimSun" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    for i, body in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = body
    return package(parts)


def package(parts: dict[str, str | bytes]) -> bytes:
    """A zip of `parts`, deflated as OFD writers store them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _page_xml(page: Any) -> str:
    ids = iter(range(1000, 10**9))
    objects = [*(_text_object(run, next(ids)) for run in _runs(page.chars, float(page.height))),
               *(_path(obj, next(ids)) for obj in [*page.rects, *page.lines])]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="2" Type="Body">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def _runs(chars: Iterable[dict[str, Any]], height: float) -> Iterator[list[dict[str, Any]]]:
    """Characters in drawing order, cut where the baseline or size changes or the pen moves back or jumps."""
    run: list[dict[str, Any]] = []
    for char in chars:
        if run:
            last = run[-1]
            same = (abs(_baseline(char, height) - _baseline(last, height)) < 0.5 and char["size"] == last["size"]
                    and last["x0"] <= char["x0"] <= last["x1"] + 2 * char["size"])
            if not same:
                yield run
                run = []
        run.append(char)
    if run:
        yield run


def _baseline(char: dict[str, Any], height: float) -> float:
    return height - float(char["matrix"][5])  # the text matrix's y is the baseline, from the page's bottom


def _text_object(run: list[dict[str, Any]], object_id: int) -> str:
    top = min(c["top"] for c in run)
    left = run[0]["x0"]
    width = max(c["x1"] for c in run) - left
    depth = max(c["bottom"] for c in run) - top
    ascent = float(run[0]["y1"]) - float(run[0]["matrix"][5])  # pdfplumber's y1 is the char's top, from the bottom
    deltas = _shorthand([c2["x0"] - c1["x0"] for c1, c2 in zip(run, run[1:], strict=False)])
    delta = f' DeltaX="{deltas}"' if deltas else ""
    text = escape("".join(c["text"] for c in run))
    return (f'<ofd:TextObject ID="{object_id}" Boundary="{mm(left)} {mm(top)} {mm(width)} {mm(depth)}" Font="1" '
            f'Size="{mm(run[0]["size"])}"><ofd:FillColor Value="0 0 0"/>'
            f'<ofd:TextCode X="0" Y="{mm(run[0]["top"] - top + ascent)}"{delta}>{text}</ofd:TextCode></ofd:TextObject>')


def _shorthand(deltas: list[float]) -> str:
    """DeltaX values in mm, a repeated value written `g count value` (GB/T 33190 §11.3)."""
    shown = [mm(d) for d in deltas]
    out: list[str] = []
    i = 0
    while i < len(shown):
        j = i
        while j < len(shown) and shown[j] == shown[i]:
            j += 1
        out.append(f"g {j - i} {shown[i]}" if j - i > 2 else " ".join(shown[i:j]))
        i = j
    return " ".join(out)


def _path(obj: dict[str, Any], object_id: int) -> str:
    x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
    w, h = x1 - x0, bottom - top
    if obj["object_type"] == "line":
        data = f"M 0 0 L {mm(w)} {mm(h)}"
        paint = 'Stroke="true"'
    else:
        data = f"M 0 0 L {mm(w)} 0 L {mm(w)} {mm(h)} L 0 {mm(h)} C"
        paint = 'Stroke="true" Fill="false"' if obj.get("stroke") else 'Stroke="false" Fill="true"'
    colour = obj.get("non_stroking_color")
    white = isinstance(colour, (list, tuple)) and len(colour) in (1, 3) and all(float(v) == 1 for v in colour)
    fill = f'<ofd:FillColor Value="{"255 255 255" if white else "0 0 0"}"/>'
    return (f'<ofd:PathObject ID="{object_id}" Boundary="{mm(x0)} {mm(top)} {mm(w)} {mm(h)}" LineWidth="0.25" '
            f"{paint}>{fill}<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>")



def page_ofd(layer: str, *, ns: str = NS, template: str | None = None, document: str | None = None,
             parts: dict[str, str | bytes] | None = None) -> bytes:
    """A one-page OFD whose layer holds `layer` (XML of text and path objects in the `ofd:` prefix), and, given, a
    template page holding `template`; `document` replaces Document.xml, `parts` adds or replaces parts. `ns=""`
    writes no namespace at all, as some producers do."""
    declared = f' xmlns:ofd="{ns}"' if ns else ""

    def named(xml: str) -> str:
        return xml if ns else xml.replace("ofd:", "")

    uses = '<ofd:Template TemplateID="9"/>' if template is not None else ""
    common = ('<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/>' if template is not None else "")
    built: dict[str, str | bytes] = {
        "OFD.xml": named(f'<ofd:OFD{declared} Version="1.1" DocType="OFD"><ofd:DocBody>'
                         "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"),
        "Doc_0/Document.xml": named(document or (
            f"<ofd:Document{declared}><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
            f'</ofd:PageArea>{common}</ofd:CommonData><ofd:Pages><ofd:Page ID="1" '
            'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')),
        "Doc_0/Pages/Page_0/Content.xml": named(
            f'<ofd:Page{declared}>{uses}<ofd:Content><ofd:Layer ID="2">{layer}</ofd:Layer></ofd:Content></ofd:Page>'),
    }
    if template is not None:
        built["Doc_0/Tpls/Tpl_0/Content.xml"] = named(
            f'<ofd:Page{declared}><ofd:Content><ofd:Layer ID="3">{template}</ofd:Layer></ofd:Content></ofd:Page>')
    built.update(parts or {})
    return package(built)


def text(x: float, y: float, content: str, size: float = 4.0, extra: str = "", code: str = "") -> str:
    """A TextObject at (x, y) mm (its Boundary's origin; the baseline one size below)."""
    return (f'<ofd:TextObject ID="10" Boundary="{x} {y} 150 {size * 1.2}" Size="{size}"{extra}>'
            f'<ofd:TextCode X="0" Y="{size}"{code}>{escape(content)}</ofd:TextCode></ofd:TextObject>')


def rule(x0: float, y0: float, x1: float, y1: float, paint: str = 'Stroke="true"') -> str:
    """A straight PathObject from (x0, y0) to (x1, y1) mm."""
    return (f'<ofd:PathObject ID="11" Boundary="{min(x0, x1)} {min(y0, y1)} {abs(x1 - x0)} {abs(y1 - y0)}" '
            f'{paint}><ofd:AbbreviatedData>M {x0 - min(x0, x1)} {y0 - min(y0, y1)} L {x1 - min(x0, x1)} '
            f"{y1 - min(y0, y1)}</ofd:AbbreviatedData></ofd:PathObject>")
