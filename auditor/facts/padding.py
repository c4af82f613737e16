"""How much the 主动公开 part of 总体情况 says was disclosed (rule S1-PADDING, domain.md §4 S1-PADDING and §3.6
"proactive-disclosure narrative with very small or no quantitative figures").

The 2021 format asks 总体情况 to state the year's 主动公开 work; R21-1 asks it not to be padded with the body's
general business ("不宜泛化"). What tells the two apart, measurably, is what the part counts: a disclosure part
counts what was published (「主动公开政府信息 1564 条」「发布政策解读 96 篇」「公报 12 期」), a padded one counts
windows, service items and videos (「线下窗口 15 个」「2138 项政务服务事项」: sample 000) or nothing at all. So the
figures summed are those in the units of published things (条, 篇, 份, 期, 件), and 个 and 项, the units of everything
else, are not.

The part is the first of section 一 whose heading (after a mark: 「（一）」「一、」「1.」「（1）」) names 主动公开, with
everything up to the next mark of the same kind (its own 「一是…」 items included). A section without such a part has
nothing to measure (S1-ASPECTS says what it lacks): no claim, so the rule is not assessable rather than failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import nfkc

KEY = "claim.proactive_items"
# The marks that open a part, by kind: a part ends where the next mark of its own kind opens the next one, so the
# 「一是…」 or 「1.」 items inside a 「（一）」 part stay in it.
_MARKS = {"paren": r"[（(][一二三四五六七八九十]+[)）]", "dun": r"[一二三四五六七八九十]+[、.．]",
          "arabic": r"\d{1,2}[、.．](?!\d)", "paren_arabic": r"[（(]\d{1,2}[)）]"}
_MARK = re.compile(r"^\s*(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _MARKS.items()) + r")\s*"
                   r"(?P<heading>[^。：:；;，,\s]{1,16})")
_PROACTIVE = re.compile(r"主动公开|信息发布|公开政府信息")
# Where a heading's own words end (「主动公开方面平潭综合实验区切实落实…」: a heading run into its text).
_HEADING_END = re.compile(r"^.*?(?:方面|情况|工作)")
# A count of published things: 1564 条, 1,647条, 260 余条, 96 篇; not 15 个 (windows) or 2138 项 (service items).
_FIGURE = re.compile(r"(\d[\d,，]*)\s*(?:余|多)?\s*(?:条|篇|份|期|件)")


def proactive_claims(paragraphs: Iterable[ParagraphFact]) -> tuple[Claim, ...]:
    """`claim.proactive_items`: the sum of the 主动公开 part's figures of published things, at its heading's line
    (0 when it states none); nothing when section 一 has no such part."""
    texts: list[str] = []
    start: tuple[str, str, int] | None = None  # the part's mark kind, heading and line
    for p in paragraphs:
        if p.section != 1:
            continue
        text = nfkc(p.text).lstrip("#").strip()
        mark = _MARK.match(text)
        kind = next((k for k in _MARKS if mark is not None and mark.group(k)), None)
        if start is None:
            if mark is not None and kind is not None and _PROACTIVE.search(mark.group("heading")):
                heading = mark.group("heading")
                ended = _HEADING_END.match(heading)
                start = (kind, ended.group() if ended else heading, p.line)
                texts.append(text[mark.end("heading"):])
            continue
        if kind == start[0]:
            break  # the next part of the same kind
        texts.append(text)
    if start is None:
        return ()
    body = "".join(texts)
    total = sum(int(re.sub(r"[,，]", "", m.group(1))) for m in _FIGURE.finditer(body))
    _, heading, line = start
    return (Claim(KEY, total, heading, line, 1, 1, 1 + len(heading)),)
