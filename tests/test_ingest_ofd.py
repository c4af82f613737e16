"""OFD reports (auditor/ingest/ofd.py, issue 13 part 3): the samples as OFD give the facts their text gives and the
paragraphs their PDF gives; the spec's text and path objects are read as written; a damaged or hostile package is a
problem, never a traceback.

The OFD fixtures are written here, once a session, from the parity PDFs (tests/ofd_writer.py), as a PDF-to-OFD
converter writes them: a TextObject per run of characters with DeltaX, a PathObject per ruling.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from auditor import limits
from auditor.audit import read_facts
from auditor.ingest import IngestError, read_document, sniff_format
from auditor.packs import Pack
from tests.ofd_writer import NS, ofd_from_pdf, package, page_ofd, rule, text
from tests.test_cli import audit_json
from tests.test_parity import PARITY, ROOT, STEMS, _view


@pytest.fixture(scope="session")
def ofd_fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ofd")
    for stem in STEMS:
        (folder / f"{stem}.ofd").write_bytes(ofd_from_pdf((PARITY / f"{stem}.pdf").read_bytes(), stem))
    return folder


@pytest.mark.parametrize("stem", STEMS)
def test_ofd_gives_the_text_facts(stem: str, ofd_fixtures: Path, packs: list[Pack]) -> None:
    text_facts, text_pack = read_facts(ROOT / "samples" / f"{stem}.txt", packs)
    facts, pack = read_facts(ofd_fixtures / f"{stem}.ofd", packs)
    assert facts.format == "ofd"
    expected, found = _view(text_facts, text_pack, False), _view(facts, pack, False)
    for part in expected:  # compared as the PDF is (tests/test_parity.py): a layout format
        assert found[part] == expected[part], part
    assert len(facts.cells) == 200 and facts.claims
    pdf_facts, _ = read_facts(PARITY / f"{stem}.pdf", packs)
    assert [p.text for p in facts.paragraphs] == [p.text for p in pdf_facts.paragraphs]  # the same layout, read alike


def test_a_folder_of_ofd_audits(ofd_fixtures: Path) -> None:
    code, data = audit_json(str(ofd_fixtures))
    assert code == 1  # 003's and 004's narrative errors, as from the text
    assert [d["format"] for d in data["documents"]] == ["ofd"] * 5
    assert data["summary"]["problems"] == 0
    errors = sorted(f["rule_id"] for d in data["documents"] for f in d["findings"] if f["severity"] == "error")
    assert errors == ["TXT-NEW", "TXT-PCT-NOTHELD"]


def test_format_is_decided_by_content(tmp_path: Path) -> None:
    ofd = page_ofd(text(20, 20, "标题"))
    assert sniff_format(ofd, tmp_path / "report.zip") == "ofd"
    assert sniff_format(package({"a.txt": "x"}), tmp_path / "report.ofd") == "zip"


def _read(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "r.ofd"
    path.write_bytes(data)
    return [p.text for p in read_document(path).paragraphs]


def _error(tmp_path: Path, data: bytes) -> IngestError:
    path = tmp_path / "r.ofd"
    path.write_bytes(data)
    with pytest.raises(IngestError) as error:
        read_document(path)
    return error.value


def test_text_codes_deltas_and_shorthand(tmp_path: Path) -> None:
    spaced = text(20, 20, "2025年报告", code=' DeltaX="g 4 2.2 4 4 4"')
    assert _read(tmp_path, page_ofd(spaced)) == ["2025年报告"]


def test_a_text_code_without_x_or_y_continues_the_one_before(tmp_path: Path) -> None:
    two = ('<ofd:TextObject ID="1" Boundary="20 20 150 5" Size="4"><ofd:TextCode X="0" Y="4">一、</ofd:TextCode>'
           '<ofd:TextCode X="8">总体情况</ofd:TextCode></ofd:TextObject>')
    assert _read(tmp_path, page_ofd(two)) == ["一、总体情况"]


def test_ctm_and_vertical_text(tmp_path: Path) -> None:
    # Size 2 scaled by 2 is a 4 mm font; the second object is written top to bottom (DeltaY), one line a character.
    scaled = text(20, 20, "标题", size=2.0, extra=' CTM="2 0 0 2 0 0"')
    vertical = text(20, 60, "表格", code=' DeltaY="12"')  # a gap wider than a line: two paragraphs
    document = read_document(_write(tmp_path, page_ofd(scaled + vertical)))
    assert [p.text for p in document.paragraphs] == ["标题", "表", "格"]


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "r.ofd"
    path.write_bytes(data)
    return path


def test_a_ruled_grid_is_a_table_and_a_background_fill_is_not(tmp_path: Path) -> None:
    grid = "".join(rule(20, y, 120, y) for y in (40, 50, 60)) + "".join(rule(x, 40, x, 60) for x in (20, 70, 120))
    cells = (text(22, 42, "行政许可") + text(72, 42, "12") + text(22, 52, "其他对外管理服务事项") +
             text(72, 52, "—"))
    background = ('<ofd:PathObject ID="5" Boundary="10 100 190 40" Stroke="false" Fill="true">'
                  "<ofd:AbbreviatedData>M 0 0 L 190 0 L 190 40 L 0 40 C</ofd:AbbreviatedData></ofd:PathObject>")
    document = read_document(_write(tmp_path, page_ofd(grid + cells + background + text(20, 110, "正文。"))))
    [table] = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [["行政许可", "12"], ["其他对外管理服务事项", "—"]]
    assert [p.text for p in document.paragraphs] == ["正文。"]


def test_template_text_without_namespace_and_a_location_in_another_case(tmp_path: Path) -> None:
    # A template's text is the page's (a header); a producer on Windows wrote 「TPLS/」 for the part 「Tpls/」.
    data = page_ofd(text(20, 60, "正文"), ns="", template=text(20, 20, "页眉标题"))
    with zipfile.ZipFile(_write(tmp_path, data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(b"Tpls/", b"TPLS/")
    assert _read(tmp_path, package(dict(parts.items()))) == ["页眉标题", "正文"]


def test_no_text_is_no_text_layer(tmp_path: Path) -> None:
    image = '<ofd:ImageObject ID="4" Boundary="0 0 210 297" ResourceID="7"/>'
    assert _error(tmp_path, page_ofd(image)).slug == "no_text_layer"


@pytest.mark.parametrize(("data", "reason"), [
    (page_ofd("", parts={"Doc_0/Pages/Page_0/Content.xml": "<ofd:Page><unclosed>"}), "malformed XML in Doc_0/Pages"),
    (page_ofd("", parts={"OFD.xml": (
        f'<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>&b;</ofd:DocRoot></ofd:DocBody></ofd:OFD>')}),
     "OFD.xml declares a DTD"),
    (page_ofd("", document=f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages><ofd:Page ID="1" '
                           'BaseLoc="../../../etc/passwd"/></ofd:Pages></ofd:Document>'), "outside the package"),
    (page_ofd("", document=f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages><ofd:Page ID="1" '
                           'BaseLoc="Pages/Page_9/Content.xml"/></ofd:Pages></ofd:Document>'), "missing part"),
    (page_ofd(text(20, 20, "x").replace('Boundary="20 20', 'Boundary="NaN 20')), "Boundary is not a number"),
    (page_ofd(text(20, 20, "x", extra=' CTM="1 0 0 1"')), "CTM is not 6 numbers"),
    (page_ofd("<ofd:PageBlock>" * 40 + text(20, 20, "x") + "</ofd:PageBlock>" * 40), "nested over 32 deep"),
    (page_ofd(rule(0, 0, 10, 0).replace("M 0", "Z 0")), "operator Z"),
])
def test_a_damaged_package_is_corrupt(data: bytes, reason: str, tmp_path: Path) -> None:
    error = _error(tmp_path, data)
    assert error.slug == "corrupt_file" and error.values["format"] == "OFD"
    assert reason in error.values["reason"]


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEMBER_BYTES", 1 << 20)
    bomb = page_ofd(text(20, 20, "x"), parts={"Doc_0/Res/big.xml": b"\0" * (4 << 20)})  # deflates to 4 KiB
    error = _error(tmp_path, bomb)
    assert error.slug == "limit_exceeded" and "Doc_0/Res/big.xml" in error.values["what"]


def test_a_repeat_count_of_a_billion_costs_nothing(tmp_path: Path) -> None:
    assert _read(tmp_path, page_ofd(text(20, 20, "报告", code=' DeltaX="g 1000000000 4"'))) == ["报告"]


def test_characters_and_pages_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PAGE_CHARS", 10)
    error = _error(tmp_path, page_ofd(text(20, 20, "一二三四五六七八九十十一")))
    assert error.slug == "limit_exceeded" and "OFD" in error.values["what"]
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 1)
    pages = ''.join(f'<ofd:Page ID="{i}" BaseLoc="Pages/Page_0/Content.xml"/>' for i in range(2))
    two = page_ofd(text(20, 20, "x"), document=f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages>{pages}</ofd:Pages>'
                                                 "</ofd:Document>")
    error = _error(tmp_path, two)
    assert error.slug == "limit_exceeded" and error.values["what"] == "OFD 页数"
