"""What a fetched HTML page says about the report: the publication date it states, and the link to the report's
attachment when the page only announces it. Parsed with lxml's HTML parser, as the HTML reader parses (no script
is run: a page that builds itself in JavaScript has no date or link here, and the audit says what it lacks)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4.dammit import EncodingDetector
from lxml import etree
from lxml import html as lxml_html

from auditor.fetch.dates import DATE, day_of
from auditor.ingest.decode import DecodeError, decode

# The formats a report is published in as an attachment (issue 13: PDF, Word, OFD, WPS).
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".ofd", ".wps")

# <meta> names CMSs give the publication time (TRS and 政府网站集约化平台 pages: PubDate; others: Open Graph's
# article:published_time, Dublin Core). Strongest first: a meta tag is written by the CMS, not typed by an editor.
_META_NAMES = ("pubdate", "publishdate", "publish_date", "article:published_time", "dc.date.issued", "dc.date",
               "firstpublishedtime", "og:release_date")

# The labels that state publication, strongest first. A bare 日期/时间 label counts only when no 发布 label is there
# and it stands alone (no Chinese character before it): 成文日期 (the date the document was signed), 更新时间 and
# 截止日期 are not publication and never match.
_LABELLED = (re.compile(r"(?:发布|公开|发表|上传)(?:日期|时间)\s*[:：]?\s*" + DATE),
             re.compile(r"发布于\s*[:：]?\s*" + DATE),
             re.compile(r"(?<![\u4e00-\u9fff])(?:日期|时间)\s*[:：]\s*" + DATE))
_META_DATE = re.compile(DATE)


@dataclass(frozen=True)
class Published:
    """The publication date a page states, how it states it (`meta:<name>` or `text`) and the words it was read
    from (for the sidecar and a finding's evidence)."""

    date: dt.date
    source: str
    text: str


@dataclass(frozen=True)
class Attachment:
    url: str
    text: str  # the link's text as the page shows it


def parse_page(data: bytes) -> etree._Element | None:
    """The page's tree, decoded as the HTML reader decodes (a BOM, the declared charset, UTF-8, then detection);
    None when it is not text or holds no markup."""
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    try:
        text, _ = decode(data, declared=str(declared) if declared else None)
    except DecodeError:
        return None
    # The XML declaration is dropped: lxml refuses an encoding declaration in a str.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def publication_date(root: etree._Element) -> Published | None:
    """The publication date the page states: a CMS's <meta> tag first, else the first labelled date in the visible
    text (发布日期：2025-01-20, 发布时间：2025年1月20日 10:00, 日期：…). None when the page states none, or only a date
    that is not one (2025-02-30)."""
    for name in _META_NAMES:
        for meta in root.iter("meta"):
            key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
            content = meta.get("content") or ""
            if key == name and (match := _META_DATE.search(content)) and (day := day_of(match)):
                return Published(day, f"meta:{meta.get('name') or meta.get('property') or meta.get('itemprop')}",
                                 content.strip()[:200])
    text = _visible_text(root)
    for pattern in _LABELLED:
        for match in pattern.finditer(text):
            if (day := day_of(match)) is not None:
                return Published(day, "text", match.group().strip()[:200])
    return None


def attachment_link(root: etree._Element, base_url: str) -> Attachment | None:
    """The link to the report's attachment, if the page has one: a link whose address or text ends in a report
    format (.pdf .doc .docx .ofd .wps), or whose text says 附件 and names a report. Among several, one that names
    the annual report (年度报告, 年报) first, then page order. Only http(s) addresses."""
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    base_url = urljoin(base_url, base) if base else base_url
    best: tuple[int, Attachment] | None = None
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = " ".join(link.text_content().split())
        title = link.get("title") or ""
        path = unquote(urlsplit(url).path).lower()
        named = f"{text} {title}"
        by_suffix = PurePosixPath(path).suffix in ATTACHMENT_SUFFIXES or any(
            s.strip().lower().endswith(ATTACHMENT_SUFFIXES) for s in (text, title) if s)
        by_words = "附件" in named and "报告" in named
        if not (by_suffix or by_words):
            continue
        score = 2 * ("年度报告" in named or "年报" in named) + by_suffix
        if best is None or score > best[0]:
            best = (score, Attachment(url, text or title))
    return best[1] if best else None


def _visible_text(root: etree._Element) -> str:
    """The page's text without scripts and styles; the tree is left as it is."""
    parts = root.xpath("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]")
    return " ".join(" ".join(str(p) for p in parts).split())
