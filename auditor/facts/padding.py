"""How much the 主动公开 part of 总体情况 says was disclosed (rule S1-PADDING, domain.md §4 S1-PADDING and §3.6
"proactive-disclosure narrative with very small or no quantitative figures").

The 2021 format asks 总体情况 to state the year's 主动公开 work; R21-1 asks it not to be padded with the body's
general business ("不宜泛化"). What tells the two apart, measurably, is what the part counts: a disclosure part
counts what was published (「主动公开政府信息 1564 条」「发布政策解读 96 篇」「公报 12 期」), a padded one counts
windows, service items and videos (「线下窗口 15 个」「2138 项政务服务事项」: sample 000) or nothing at all. So the
figures summed are those in the units of published things (条, 篇, 份, 期, 件), and 个 and 项, the units of everything
else, are not.

The part is the first of section 一 whose heading (after a mark: 「（一）」「一、」「1.」「（1）」) names 主动公开, with
everything up to the next mark of its level or a higher one (its own 「一是…」 and 「1.」 items included), and its
figures count where their clause speaks of publishing. A section without such a part has
nothing to measure (S1-ASPECTS says what it lacks): no claim, so the rule is not assessable rather than failed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditor import limits
from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import nfkc

KEY = "claim.proactive_items"
# The marks that open a part, from the highest level down (「一、」 over 「（一）」 over 「1.」 over 「（1）」): a part
# ends where a mark of its own level or a higher one opens the next, so the 「一是…」 or 「1.」 items inside a
# 「（一）」 part stay in it.
_MARKS = {"dun": r"[一二三四五六七八九十]+[、.．]", "paren": r"[（(][一二三四五六七八九十]+[)）]",
          "arabic": r"\d{1,2}[、.．](?!\d)", "paren_arabic": r"[（(]\d{1,2}[)）]"}
_LEVEL = {kind: level for level, kind in enumerate(_MARKS)}
# A heading's words: up to punctuation, a space or a digit (「主动公开政府信息1564条」 is a heading run into its text).
_MARK = re.compile(r"^\s*(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _MARKS.items()) + r")\s*"
                   r"(?P<heading>[^。：:；;，,\s\d]{1,16})")
_PROACTIVE = re.compile(r"主动公开|信息发布|公开政府信息")
# Where a heading's own words end (「主动公开方面平潭综合实验区切实落实…」: a heading run into its text).
_HEADING_END = re.compile(r"^.*?(?:方面|情况|工作)")
# A figure counts where its clause speaks of publishing: 「办理政务热线工单 4.6 万余件」 (sample 001) counts tickets.
_CLAUSE = re.compile(r"[，,。；;！？]")
_PUBLISHED = re.compile(r"公开|发布|信息|文件|解读|公报|更新|推送|政策|上传|刊登|转载")
# A count of published things: 1564 条, 1,647条, 260 余条, 2.3万条, 1万余篇; not 15 个 (windows) or 2138 项 (service
# items).
_FIGURE = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万)?\s*(?:余|多)?\s*(?:条|篇|份|期|件)")


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
                short = ended.group() if ended else heading
                start = (kind, short, p.line)
                # From the heading on, as one clause with the text it runs into: 「（一）主动公开政府信息1564条」.
                texts.append(text[mark.start("heading"):])
            continue
        if kind is not None and _LEVEL[kind] <= _LEVEL[start[0]]:
            break  # the next part at the same level, or the end of the one it is in
        texts.append(text)
    if start is None:
        return ()
    body = "".join(texts)
    total = sum(_count(m) for clause in _CLAUSE.split(body) if _PUBLISHED.search(clause)
                for m in _FIGURE.finditer(clause))
    _, heading, line = start
    return (Claim(KEY, total, heading, line, 1, 1, 1 + len(heading)),)


def _count(figure: re.Match[str]) -> int:
    """The figure as a count; 0 for a digit run too long to be one (a garbled page's 400 nines)."""
    digits = re.sub(r"[,，]", "", figure.group(1))
    if len(digits) > limits.MAX_NUMBER_DIGITS:
        return 0
    value = float(digits)
    return round(value * 10_000) if figure.group(2) else round(value)
