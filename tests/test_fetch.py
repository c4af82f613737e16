"""`auditor fetch` against a local site of saved pages (tests/fetch_site.py, 127.0.0.1 only), and the audit of
what it saved: the publication date reaches the facts, and M-DEADLINE judges it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from auditor.audit import read_facts, walk
from auditor.cli import main
from auditor.facts.model import to_json
from auditor.fetch import EXIT_FETCH_FAILED
from auditor.fetch.client import USER_AGENT, Policy, PoliteClient
from auditor.fetch.pages import attachment_link, parse_page, publication_date
from auditor.fetch.save import FetchOptions, fetch_all
from auditor.fetch.sidecar import read_sidecar, sidecar_for
from auditor.formatters.fetched import outcome_line
from auditor.packs.loader import load_pack
from auditor.resources import default_pack_dirs, schema
from tests.fetch_site import Site, serve

FAST = Policy(timeout=5, max_bytes=4 * 1024 * 1024, retries=1, backoff=0.01, delay=0)


@pytest.fixture(scope="module")
def site() -> object:
    with serve() as running:
        yield running


def _fetch(site: Site, out: Path, *paths: str, policy: Policy = FAST) -> list:  # type: ignore[type-arg]
    return list(fetch_all([(site.url(p), None) for p in paths], out, FetchOptions(policy)))


def test_a_page_with_an_attachment_saves_both_and_the_pages_date(site: Site, tmp_path: Path) -> None:
    (outcome,) = _fetch(site, tmp_path, "/attached.html")
    assert outcome.ok and outcome.file == "0001-127.0.0.1.pdf" and outcome.page == "0001-127.0.0.1.page.html"
    assert outcome.published is not None and outcome.published.date == dt.date(2026, 1, 20)
    saved = (tmp_path / outcome.file).read_bytes()
    assert saved.startswith(b"%PDF-")  # the report, not the guide linked beside it (same bytes: check the URL)
    sidecar = json.loads(sidecar_for(tmp_path / outcome.file).read_text(encoding="utf-8"))
    Draft202012Validator(schema("fetched.schema.json")).validate(sidecar)
    assert sidecar["final_url"] == site.url("/files/report.pdf")
    assert sidecar["url"] == site.url("/attached.html") and sidecar["status"] == 200
    assert sidecar["content_type"] == "application/pdf"
    assert sidecar["sha256"] == hashlib.sha256(saved).hexdigest() and sidecar["size"] == len(saved)
    assert sidecar["published"] == {"date": "2026-01-20", "source": "meta:PubDate", "text": "2026-01-20 09:30"}
    assert sidecar["page"]["file"] == outcome.page and sidecar["page"]["final_url"] == site.url("/attached.html")
    assert dt.datetime.fromisoformat(sidecar["fetched_at"]).tzinfo is not None


@pytest.mark.parametrize(("page", "suffix", "day"), [("/attached-docx.html", "docx", 21),
                                                   ("/attached-ofd.html", "ofd", 22)])
def test_a_word_or_ofd_attachment_is_saved_as_what_it_is_and_audited(site: Site, tmp_path: Path, page: str,
                                                                      suffix: str, day: int) -> None:
    """An attachment is named by its bytes (an OFD behind download?id=77, served as octet-stream), and the saved
    folder audits with the page's date: M-DEADLINE counts from it (on time here: due 2026-01-31)."""
    (outcome,) = _fetch(site, tmp_path, page)
    assert outcome.ok and outcome.file == f"0001-127.0.0.1.{suffix}", outcome
    assert outcome.published is not None and outcome.published.date == dt.date(2026, 1, day)
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--format", "json", "--fail-on", "none"],
                                catch_exceptions=False)
    data = json.loads(result.output)
    (document,) = data["documents"]
    assert document["format"] == suffix and document["report"]["agency"] == "孟州市人民政府办公室"
    assert not [f for f in document["findings"] if f["rule_id"] == "M-DEADLINE"]
    assert "M-DEADLINE" not in str(document["not_assessable"])  # judged from the date, not for the want of one


def test_a_page_that_is_the_report_states_its_date_in_its_text(site: Site, tmp_path: Path) -> None:
    (outcome,) = _fetch(site, tmp_path, "/late.html")
    assert outcome.ok and outcome.file == "0001-127.0.0.1.html" and outcome.page is None
    sidecar = read_sidecar(sidecar_for(tmp_path / outcome.file))
    assert sidecar.published == {"date": "2026-02-05", "source": "text", "text": "发布时间：2026年2月5日"}
    assert sidecar.page is None


def test_a_redirect_is_followed_and_its_final_url_kept(site: Site, tmp_path: Path) -> None:
    (outcome,) = _fetch(site, tmp_path, "/redirect")
    assert outcome.ok
    assert read_sidecar(sidecar_for(tmp_path / outcome.file)).final_url == site.url("/late.html")


@pytest.mark.parametrize(("path", "slug"), [
    ("/missing.html", "http_status"), ("/loop", "too_many_redirects"), ("/image.png", "not_a_report_format"),
    ("/always-503", "http_status")])
def test_a_failure_is_that_urls_outcome_and_saves_nothing(site: Site, tmp_path: Path, path: str, slug: str) -> None:
    (outcome,) = _fetch(site, tmp_path, path)
    assert outcome.failure == slug and outcome.file is None
    assert list(tmp_path.iterdir()) == []


def test_only_5xx_and_timeouts_are_retried(site: Site, tmp_path: Path) -> None:
    before_404, before_503 = site.count("/missing.html"), site.count("/always-503")
    _fetch(site, tmp_path, "/missing.html", "/always-503")
    assert site.count("/missing.html") - before_404 == 1  # a 404 will not be better in a second
    assert site.count("/always-503") - before_503 == 2  # once, then FAST's one retry
    (flaky,) = _fetch(site, tmp_path, "/flaky.html")
    assert flaky.ok and site.count("/flaky.html") == 2


def test_backoff_doubles_between_retries() -> None:
    waited: list[float] = []
    policy = Policy(timeout=5, retries=3, backoff=0.5, delay=0)
    with serve() as own, PoliteClient(policy, sleep=waited.append) as client, pytest.raises(Exception,
                                                                                              match="http_status"):
        client.get(own.url("/always-503"))
    assert waited == [0.5, 1.0, 2.0]


def test_a_slow_server_times_out_and_is_retried(site: Site, tmp_path: Path) -> None:
    before = site.count("/slow")
    (outcome,) = _fetch(site, tmp_path, "/slow", policy=Policy(timeout=0.3, retries=1, backoff=0.01, delay=0))
    assert outcome.failure == "timeout"
    assert site.count("/slow") - before == 2


def test_a_response_over_the_limit_stops_at_the_limit(site: Site, tmp_path: Path) -> None:
    (outcome,) = _fetch(site, tmp_path, "/big", policy=Policy(timeout=5, max_bytes=256 * 1024, retries=0, delay=0))
    assert outcome.failure == "too_large" and list(tmp_path.iterdir()) == []


def test_an_attachment_that_fails_keeps_the_page_as_the_report(site: Site, tmp_path: Path) -> None:
    broken, login = _fetch(site, tmp_path, "/broken-link.html", "/login-link.html")
    assert broken.failure == "attachment_failed" and "404" in broken.detail
    assert login.failure == "attachment_not_a_document"
    for outcome in (broken, login):
        assert outcome.file is not None and outcome.file.endswith(".html")
        assert read_sidecar(sidecar_for(tmp_path / outcome.file)).page is None


def test_one_host_is_asked_politely(site: Site, tmp_path: Path) -> None:
    start = len(site.requests)
    _fetch(site, tmp_path, "/late.html", "/undated.html", policy=Policy(timeout=5, retries=0, delay=0.3))
    (_, first, agent), (_, second, _) = site.requests[start:start + 2]
    assert second - first >= 0.3 and agent == USER_AGENT and agent.startswith("auditor/")


def test_the_command_fetches_a_list_with_agency_names(site: Site, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# 2025 年度报告\n{site.url('/attached.html')}\t孟州市人民政府办公室\n\n"
                       f"{site.url('/late.html')}\t孟州市人民政府办公室\n{site.url('/missing.html')}\n"
                       "ftp://example.invalid/report.pdf\n", encoding="gbk")
    out = tmp_path / "saved"
    result = CliRunner().invoke(main, ["fetch", "--list", str(listing), "--out", str(out), "--delay", "0",
                                       "--backoff", "0", "--retries", "0"], catch_exceptions=False)
    assert result.exit_code == EXIT_FETCH_FAILED, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("已保存") and "［孟州市人民政府办公室］" in lines[0]
    assert "发布日期 2026-01-20" in lines[0]
    assert "服务器答复 HTTP 404" in lines[2] and "不是 http(s) 网址" in lines[3]
    assert lines[-1] == "共 4 个网址：已保存 2，失败 2"
    agencies = {read_sidecar(p).agency for p in out.glob("*.fetched.json")}
    assert agencies == {"孟州市人民政府办公室"}


def test_the_command_refuses_nothing_to_fetch_and_an_unreadable_list(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["fetch", "--out", str(tmp_path)]).exit_code == 2
    binary = tmp_path / "urls.bin"
    binary.write_bytes(b"\0\1\2" * 100)
    result = runner.invoke(main, ["fetch", "--list", str(binary), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "binary" in result.output


def test_the_saved_folder_audits_with_its_publication_dates(site: Site, tmp_path: Path) -> None:
    _fetch(site, tmp_path, "/attached.html", "/late.html", "/undated.html")
    files, skipped = walk(tmp_path)
    assert [p.name for p in files] == ["0001-127.0.0.1.pdf", "0002-127.0.0.1.html", "0003-127.0.0.1.html"]
    assert skipped == [(tmp_path / "0001-127.0.0.1.page.html", "fetched_page")]  # sidecars are read, not listed
    pack = load_pack(default_pack_dirs()[0])
    facts, _ = read_facts(files[1], [pack])
    assert facts.publication is not None and facts.publication.date == "2026-02-05"
    assert to_json(facts)["publication"]["where"] == "0002-127.0.0.1.html.fetched.json"
    result = CliRunner().invoke(main, ["audit", str(tmp_path), "--format", "json"], catch_exceptions=False)
    run = json.loads(result.output)
    by_file = {Path(d["path"]).name: d for d in run["documents"]}
    late = [f for f in by_file["0002-127.0.0.1.html"]["findings"] if f["rule_id"] == "M-DEADLINE"]
    assert len(late) == 1 and "发布日期为 2026-02-05，晚于 2026-01-31 的公布期限 5 天" in late[0]["message"]
    assert not [f for f in by_file["0001-127.0.0.1.pdf"]["findings"] if f["rule_id"] == "M-DEADLINE"]
    assert not [n for n in by_file["0001-127.0.0.1.pdf"]["not_assessable"] if n["check_id"] == "M-DEADLINE"]
    undated = [n for n in by_file["0003-127.0.0.1.html"]["not_assessable"] if n["check_id"] == "M-DEADLINE"]
    assert [n["reason"] for n in undated] == ["保存的网页未载明发布日期（0003-127.0.0.1.html.fetched.json）"]
    skipped = [p for p in run["problems"] if p["slug"] == "file_skipped"]
    assert [Path(p["path"]).name for p in skipped] == ["0001-127.0.0.1.page.html"]


@pytest.mark.parametrize(("page", "expected"), [
    ('<meta name="PubDate" content="2025-01-20 16:34">', "2025-01-20"),
    ('<meta property="article:published_time" content="2025-03-01T08:00:00+08:00">', "2025-03-01"),
    ("<body><span>发布日期：</span><span>2025-01-20</span></body>", "2025-01-20"),
    ("<body>发布时间：2025年1月9日 10:00</body>", "2025-01-09"),
    ("<body>发布时间:2025/01/09</body>", "2025-01-09"),
    ("<body>成文日期：2025-01-02 发布日期：2025.01.21</body>", "2025-01-21"),
    ("<body>日期：2025-01-22 浏览：3</body>", "2025-01-22"),
    ("<body>成文日期：2025-01-02</body>", None),  # the date it was signed, not published
    ("<body>发布日期：2025-02-30</body>", None),  # no such day
    ("<body><script>var d='发布日期：2025-01-20'</script></body>", None),  # no script is run or read
])
def test_publication_dates_as_pages_state_them(page: str, expected: str | None) -> None:
    root = parse_page(f"<html><head><meta charset='utf-8'>{page}</head></html>".encode()
                      if page.startswith("<meta") else f"<html>{page}</html>".encode())
    assert root is not None
    found = publication_date(root)
    assert (found.date.isoformat() if found else None) == expected


def test_a_gbk_page_without_a_charset_is_read() -> None:
    body = "<p>孟州市人民政府办公室 2025 年政府信息公开工作年度报告</p>" * 5  # a page, not a one-line snippet
    root = parse_page(f"<html><body>{body}<p>发布日期：2025-01-20</p></body></html>".encode("gbk"))
    assert root is not None and publication_date(root) is not None


def test_the_attachment_link_prefers_the_annual_report() -> None:
    root = parse_page("""<html><body><a href="guide.pdf">公开指南.pdf</a><a href="javascript:void(0)">年度报告.pdf</a>
        <a href="/down?id=7">附件：2024年度报告</a><a href="report.docx">下载</a></body></html>""".encode())
    assert root is not None
    link = attachment_link(root, "http://example.gov.cn/zwgk/page.html")
    assert link is not None and link.url == "http://example.gov.cn/down?id=7" and link.text == "附件：2024年度报告"
    none = parse_page(b"<html><body><a href='/other.html'>other</a></body></html>")
    assert none is not None and attachment_link(none, "http://example.gov.cn/") is None


def test_nothing_from_a_url_reaches_the_terminal_as_a_control_sequence(tmp_path: Path) -> None:
    (outcome,) = fetch_all([("http://127.0.0.1:9/\x1b[31mred\u202e", "机关\x1b[2J")], tmp_path,
                           FetchOptions(Policy(timeout=1, retries=0, delay=0)))
    line = outcome_line(outcome, "zh")
    assert "\x1b" not in line and "\u202e" not in line and "\\x1b" in line and outcome.failure is not None
