"""`--format html`: a page per report and an index, checked as files and in a real browser (Debian's Chromium through
Playwright, headless). In CI (CI=true) a missing browser fails these tests: it never skips them."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from lxml import html as lxml_html

from auditor.audit import audit_file
from auditor.batch import IN_PROCESS
from auditor.cli import main
from auditor.formatters.html import SeveralReports, as_html, grids, page_html, page_name, write_site
from auditor.model import DocumentResult, Review, ReviewState, RunResult
from auditor.packs import Pack
from auditor.run import audit_stream
from tests.browser import Watched
from tests.conftest import edited_copy

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
S003 = SAMPLES / "003_1299ff54e50d8c9c.txt"
S004 = SAMPLES / "004_bdd5b039361f2e6c.txt"
TITLE = "# 焦作市人民政府办公室 2021 年"
# The README's changed cell: （一）予以公开's 总计 11 → 12 gives T3-ROW[row=granted] and T3-SUM[col=total] on cells.
GRANTED = ("\t(一) 予以公开\t11\t0\t0\t0\t0\t0\t11", "\t(一) 予以公开\t11\t0\t0\t0\t0\t0\t12")
HOSTILE_LINE = "本机关</table></div><script>alert('x')</script><img src=x onerror=alert(1)>\u202eabc\x1b[31m红\x07。"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def changed_004(folder: Path) -> Path:
    return edited_copy(S004, folder, lambda text: text.replace(*GRANTED))


def hostile_004(folder: Path) -> Path:
    """Sample 004 with markup, a bidi override and terminal controls in its title and a paragraph, under a file name
    that is markup too."""
    text = S004.read_text(encoding="utf-8")
    assert TITLE in text and "\n## 一、总体情况\n" in text
    text = text.replace(TITLE, "# 局<script>alert(1)</script>\u202e办 2021 年", 1)
    text = text.replace("\n## 一、总体情况\n", "\n## 一、总体情况\n\n" + HOSTILE_LINE + "\n", 1)
    path = folder / "<b>x<img src=y>.txt"
    path.write_text(text, encoding="utf-8")
    return path


def reviewed(d: DocumentResult) -> DocumentResult:
    """The findings given one decision of each kind, in order (the rest awaiting review)."""
    states = [ReviewState.CONFIRMED, ReviewState.DISMISSED, ReviewState.WAIVED, ReviewState.KNOWN]
    findings = tuple(dataclasses.replace(f, review=Review(states[i], reason="理由" if i in (1, 2) else "", by="张三"))
                     if i < len(states) else f for i, f in enumerate(d.findings))
    return dataclasses.replace(d, findings=findings)


# --- the page as a file ------------------------------------------------------------------------------------------

def test_the_templates_draw_table_three_as_the_state_council_template() -> None:
    for layout, results in ((2021, 22), (2019, 20)):  # domain.md §2.3: 三、本年度办理结果 spans 22 rows, 20 in 2019
        grid = grids.table3(layout, "zh")
        rows = [r for r in grid if any(s.key for s in r)]
        assert len(rows) == results + 3  # 一、二 before, 四 after
        assert all(sum(1 for s in r if s.key) == 7 for r in rows)
        merged = next(s for r in grid for s in r if s.text == "三、本年度办理结果")
        assert merged.rowspan == results
        assert ("t3.other_processing.total" in grids.keys(grid)) == (layout == 2019)
        assert ("t3.other.unpaid_fee.total" in grids.keys(grid)) == (layout == 2021)
    assert len(grids.keys(grids.table4("zh"))) == 15
    # Every column of a grid row is filled: the spans add up to the table's width.
    for grid in (grids.table2(2021, "zh"), grids.table2(2019, "en")):
        assert {sum(s.colspan for s in row) for row in grid} == {4}


def test_a_cell_of_the_2019_layout_in_a_2021_report_is_drawn_where_it_is() -> None:
    assert grids.t3_layout({"t3.other_processing.total"}, 2021) == 2019
    assert grids.t3_layout({"t3.other.other.total", "t3.other_processing.total"}, 2021) == 2021
    assert grids.t3_layout(set(), 2019) == 2019


def test_every_cell_of_a_sample_has_its_place_and_every_finding_its_mark(tmp_path: Path, packs: list[Pack]) -> None:
    d = audit_file(changed_004(tmp_path), packs, view=True)
    tree = lxml_html.fromstring(page_html(d, "zh"))
    assert d.view is not None
    for c in d.view.cells:
        cell = tree.get_element_by_id(f"c-{c.table}-{c.row}-{c.column}".replace(".", "-"))
        assert cell.text_content().strip().startswith(c.raw)
    marked = {e.get("id") for e in tree.xpath("//td[@data-mk]")}
    assert marked == {"c-t3-granted-total", "c-t3-total_processed-total", "c-t3-other-other-total"}
    assert "c-t3-other-other-total" in marked  # PLA-OTHER, an info on a cell
    # A finding on a line of text is marked there, with its message beneath; one on a heading too.
    line = tree.get_element_by_id("L13")
    assert "hl-error" in line.get("class") and "TXT-PCT-NOTHELD" in line.text_content()
    assert "44%" in line.xpath(".//mark")[0].text_content()
    # Every finding is in the list, and each links to where it is marked.
    rows = tree.xpath("//table[@id='findings']/tbody/tr")
    assert len(rows) == len(d.findings)
    for row in rows:
        href = row.xpath(".//a/@href")
        assert href and tree.get_element_by_id(href[0][1:]) is not None


def test_the_identity_verdict_and_coverage_are_on_the_page(packs: list[Pack]) -> None:
    d = audit_file(S003, packs, view=True)
    page = page_html(d, "zh")
    for text in ("焦作市城乡一体化示范区管委会", "2024", "2021 年格式", "standard@0.1.0", "标题（第 3 行）",
                 "结论：核查完整，发现问题", "读到的表格：表二、表三、表四", "章节：一、二、三、四、五、六"):
        assert text in page
    english = page_html(audit_file(S003, packs, "en", view=True), "en")
    for text in ('lang="en"', "Table 3: applications received and processed", "audited in full, findings",
                 "natural persons", "the title (line 3)", "awaiting review"):
        assert text in english
    assert "核查范围" not in english


def test_an_incomplete_audit_says_why(packs: list[Pack], tmp_path: Path) -> None:
    copy = edited_copy(S004, tmp_path, lambda text: text.split("\n### 三、收到和处理")[0])  # no table 三 nor 四
    d = audit_file(copy, packs, view=True)
    assert d.verdict.value == "incomplete"
    tree = lxml_html.fromstring(page_html(d, "zh"))
    assert tree.get_element_by_id("gaps").text_content().strip()
    assert "表三：未读到" in tree.text_content()


def test_review_states_are_shown_and_counted(tmp_path: Path, packs: list[Pack]) -> None:
    d = reviewed(audit_file(changed_004(tmp_path), packs, view=True))
    tree = lxml_html.fromstring(page_html(d, "zh"))
    states = [r.get("data-state") for r in tree.xpath("//table[@id='findings']/tbody/tr")]
    assert states[:4] == ["confirmed", "dismissed", "waived", "known"] and set(states[4:]) == {"awaiting"}
    labels = tree.xpath("//form[@id='filters']//label")
    assert [label.text_content().strip() for label in labels][3:] == [
        "待审核 (" + str(len(states) - 4) + ")", "已确认 (1)", "已排除（误报） (1)", "已豁免 (1)", "基线已有 (1)"]
    assert "理由" in tree.get_element_by_id("f2").text_content()


def test_a_hostile_report_text_is_inert_in_the_markup(tmp_path: Path, packs: list[Pack]) -> None:
    d = audit_file(hostile_004(tmp_path), packs, view=True)
    page = page_html(d, "zh")
    assert "<script>alert" not in page and "<img" not in page and "</table></div>" not in page
    assert "\u202e" not in page and "\x1b" not in page and "\x07" not in page
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//script")) == 1 and not tree.xpath("//img | //b")
    text = tree.text_content()
    assert "<script>alert('x')</script>" in text and "\\u202e" in text and "\\x1b[31m" in text
    assert "<b>x<img src=y>.txt" in text  # the file's name, shown as text


def test_page_names_never_come_from_a_path() -> None:
    for number, path in enumerate(["../../etc/passwd", "平潭.txt", "a b;rm -rf ~.txt", "/x/<b>.html", ".hidden",
                                   "C:\\reports\\..\\x.txt", "x" * 300 + ".txt"], start=1):
        name = page_name(number, path)
        assert re.fullmatch(r"\d{4}(-[A-Za-z0-9_-]{1,60})?\.html", name), name
    assert page_name(7, "平潭.txt") == "0007.html"
    assert page_name(3, "samples/003_1299ff54e50d8c9c.txt") == "0003-003_1299ff54e50d8c9c.html"


def test_the_report_view_is_carried_only_when_asked(packs: list[Pack]) -> None:
    plain = next(audit_stream([S003], packs, supervision=IN_PROCESS).documents)
    drawn = next(audit_stream([S003], packs, supervision=IN_PROCESS, view=True).documents)
    assert plain.view is None and drawn.view is not None
    assert dataclasses.replace(drawn, view=None) == plain
    lines = {v.line: v for v in drawn.view.lines}
    assert lines[5].heading and lines[5].text == "一、总体情况" and lines[3].heading  # a heading and the title
    assert "受理政府信息公开申请 9 件" in lines[15].text
    workers = next(audit_stream([S003], packs, view=True).documents)  # through a worker process, pickled
    assert workers.view == drawn.view


def test_one_report_is_one_page_and_several_go_to_a_folder(packs: list[Pack]) -> None:
    one = "".join(as_html(RunResult((audit_file(S003, packs, view=True),))))
    assert one.startswith("<!DOCTYPE html>") and "焦作市城乡一体化示范区管委会" in one
    with pytest.raises(SeveralReports):
        "".join(as_html(RunResult((audit_file(S003, packs), audit_file(S004, packs)))))


# --- the command line --------------------------------------------------------------------------------------------

def test_cli_prints_one_page_and_refuses_several_without_a_folder(tmp_path: Path) -> None:
    single = run("audit", str(S003), "--format", "html")
    assert single.exit_code == 1 and single.stdout.startswith("<!DOCTYPE html>")
    finding = lxml_html.fromstring(single.stdout).xpath("//tr[@data-finding][contains(., 'TXT-NEW')]")[0]
    assert "正文所述收到申请数与表三一致" in finding.text_content()  # the rule's title, from the run's packs
    assert "整改建议" in finding.text_content()
    several = run("audit", str(SAMPLES), "--format", "html")
    assert several.exit_code == 2 and several.stdout == ""
    assert "-o" in several.stderr and "文件夹" in several.stderr
    english = run("audit", str(SAMPLES), "--format", "html", "--lang", "en")
    assert english.exit_code == 2 and "folder" in english.stderr


def test_cli_writes_an_index_and_a_page_per_report(tmp_path: Path) -> None:
    shutil.copy(S003, tmp_path / "平潭.txt")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    out = tmp_path / "out"
    result = run("audit", str(SAMPLES), str(tmp_path / "平潭.txt"), str(tmp_path / "notes.png"), "--format", "html",
                 "-o", str(out))
    assert result.exit_code == 2  # the .png is audited as named, and is not a report
    names = sorted(p.name for p in out.iterdir())
    assert names == ["0001-000_0d1f4deeeff05532.html", "0002-001_c4cd1e6bdb0ce4f5.html",
                     "0003-002_9257bfa62931542d.html", "0004-003_1299ff54e50d8c9c.html",
                     "0005-004_bdd5b039361f2e6c.html", "0006.html", "0007-notes.html", "index.html"]
    index = lxml_html.fromstring((out / "index.html").read_text(encoding="utf-8"))
    assert index.xpath("//table[@id='reports']/tbody/tr/td[2]/a/@href") == names[:-1]
    assert "未能核查" in index.text_content()


def test_cli_cannot_write_the_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("kept", encoding="utf-8")
    result = run("audit", str(S003), "--format", "html", "-o", str(blocker))
    assert result.exit_code == 2 and "无法写入" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "kept"


# --- in the browser ----------------------------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path: Path, packs: list[Pack]) -> Path:
    """A folder of pages: the five samples, the changed 004 with decisions of every kind, and the hostile 004."""
    folder = tmp_path / "in"
    folder.mkdir()
    changed = changed_004(folder)
    hostile = hostile_004(folder)
    documents = [audit_file(p, packs, view=True) for p in sorted(SAMPLES.glob("*.txt"))]
    documents += [reviewed(audit_file(changed, packs, view=True)), audit_file(hostile, packs, view=True)]
    out = tmp_path / "site"
    assert write_site(RunResult(tuple(documents)), out) == 7
    return out


def test_a_findings_cell_is_visibly_marked_and_its_message_reachable(chromium: Any, site: Path) -> None:
    w = Watched(chromium, site / "0006-004_bdd5b039361f2e6c.html")
    marked, plain = "#c-t3-granted-total", "#c-t3-granted-natural_person"
    assert w.style(marked, "backgroundColor") != w.style(plain, "backgroundColor")
    assert w.style(marked, "outlineStyle") != w.style(plain, "outlineStyle")
    pop = w.page.locator("#p-c-t3-granted-total")
    assert not pop.is_visible()
    # Keyboard: Tab reaches the cell, and focus shows the message and its evidence.
    for _ in range(200):
        w.page.keyboard.press("Tab")
        if w.page.evaluate("document.activeElement.id") == "c-t3-granted-total":
            break
    else:
        pytest.fail("Tab never reached the marked cell")
    assert pop.is_visible()
    assert "T3-ROW[row=granted]" in pop.inner_text() and "12" in pop.inner_text()
    w.page.keyboard.press("Tab")
    w.page.mouse.move(0, 0)
    assert not pop.is_visible()
    w.page.hover("#c-t3-granted-total")  # and the mouse
    assert pop.is_visible()
    # A finding's link in the list leads to its cell.
    w.page.locator("#findings tr", has_text="T3-ROW[row=granted]").locator("a").click()
    assert w.page.evaluate("location.hash") == "#c-t3-granted-total"
    assert w.errors == [] and w.requests == [w.url] and w.dialogs == []
    w.close()


def test_the_filters_hide_and_show_findings(chromium: Any, site: Path) -> None:
    w = Watched(chromium, site / "0006-004_bdd5b039361f2e6c.html")
    page = w.page
    assert page.is_visible("#filters")
    errors = page.locator("#findings tr[data-sev=error]")
    total = page.locator("#findings tbody tr").count()
    assert errors.count() == 3 and errors.nth(0).is_visible()  # TXT-PCT-NOTHELD, T3-ROW and T3-SUM
    shown_before = page.inner_text("#shown")
    page.uncheck("#filters input[name=sev][value=error]")
    assert not any(errors.nth(i).is_visible() for i in range(3))
    assert page.inner_text("#shown") != shown_before and f"{total - 3}" in page.inner_text("#shown")
    # The cell's mark goes with its findings: no highlight, out of the Tab order.
    assert w.style("#c-t3-granted-total", "backgroundColor") == w.style("#c-t3-granted-natural_person",
                                                                        "backgroundColor")
    assert page.get_attribute("#c-t3-granted-total", "tabindex") is None
    assert "hl-info" in (page.get_attribute("#c-t3-other-other-total", "class") or "")  # PLA-OTHER stays
    page.check("#filters input[name=sev][value=error]")
    assert errors.nth(0).is_visible() and page.get_attribute("#c-t3-granted-total", "tabindex") == "0"
    # By review state: the first four findings are confirmed, dismissed, waived and known (reviewed()).
    for state in ("confirmed", "dismissed", "waived", "known"):
        row = page.locator(f"#findings tr[data-state={state}]")
        assert row.count() == 1 and row.is_visible()
        page.uncheck(f"#filters input[name=state][value={state}]")
        assert not row.is_visible()
    awaiting = page.locator("#findings tr[data-state=awaiting]")
    assert awaiting.count() == total - 4 and all(awaiting.nth(i).is_visible() for i in range(awaiting.count()))
    page.uncheck("#filters input[name=state][value=awaiting]")
    assert page.locator("#findings tbody tr:visible").count() == 0
    assert page.locator(".ln[data-mk].hl-error, .ln[data-mk].hl-warning, .ln[data-mk].hl-info").count() == 0
    assert w.errors == [] and w.requests == [w.url]
    w.close()


def test_the_index_links_to_every_page(chromium: Any, site: Path) -> None:
    w = Watched(chromium, site / "index.html")
    links = w.page.locator("#reports tbody tr td:nth-child(2) a")
    assert links.count() == 7
    hrefs = [links.nth(i).get_attribute("href") for i in range(7)]
    agencies = [links.nth(i).inner_text() for i in range(7)]
    assert all(href and (site / href).is_file() for href in hrefs)
    for i, (href, agency) in enumerate(zip(hrefs, agencies, strict=True)):
        w.page.click(f"#reports tbody tr:nth-child({i + 1}) td:nth-child(2) a")
        assert w.page.url.endswith("/" + href)
        assert agency in w.page.inner_text("h1")
        w.page.click("text=返回索引")
        assert w.page.url.endswith("/index.html")
    assert w.errors == [] and all(url.startswith(site.as_uri()) for url in w.requests)
    w.close()


def test_a_hostile_report_text_stays_text_in_the_browser(chromium: Any, site: Path) -> None:
    w = Watched(chromium, site / "0007-b-x-img-src-y.html")  # the file's name is markup: reduced to safe letters
    page = w.page
    assert page.evaluate("document.scripts.length") == 1
    assert page.evaluate("document.images.length") == 0 and page.locator("b").count() == 0
    body = page.inner_text("body")
    assert "<script>alert('x')</script>" in body and "<img src=x onerror=alert(1)>" in body
    assert "\\u202e" in body and "\\x1b[31m" in body and "\u202e" not in body
    assert page.locator("table.grid").count() == 3  # the </table> in the text closed nothing
    assert w.dialogs == [] and w.errors == [] and w.requests == [w.url]
    w.close()


def test_chinese_renders_in_a_cjk_font(chromium: Any, site: Path) -> None:
    """fonts-wqy-zenhei (or another CJK font) draws 表三: its glyphs are not the empty boxes of a missing font."""
    w = Watched(chromium, site / "0004-003_1299ff54e50d8c9c.html")
    widths = w.page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '20px ' + getComputedStyle(document.body).fontFamily;
        return [c.measureText('表').width, c.measureText('三').width, c.measureText('\\u{10FFFD}').width];
    }""")
    assert widths[0] > 15 and widths[1] > 15
    fonts = w.context.new_cdp_session(w.page)
    fonts.send("DOM.enable")
    fonts.send("CSS.enable")
    node = fonts.send("DOM.querySelector", {"nodeId": fonts.send("DOM.getDocument")["root"]["nodeId"],
                                            "selector": "h1"})["nodeId"]
    used = fonts.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert any(re.search(r"WenQuanYi|Noto Sans CJK|Noto Serif CJK|Droid Sans Fallback", f["familyName"])
               for f in used), used
    w.close()
