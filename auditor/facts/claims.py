"""Narrative claims: numbers the text states, found by the pack's extractors (phrases → numbers)."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex  # type: ignore[import-untyped]  # no stubs in the venv (types-regex)

from auditor import limits
from auditor.facts.model import Claim, ParagraphFact
from auditor.facts.normalize import mask_long_numbers, parse_number, same_length_nfkc
from auditor.ingest.errors import IngestError

try:  # the parser re.compile itself uses (CPython 3.11+); private, so its absence only costs speed
    import re._parser as regex_parser  # type: ignore[import-not-found]  # no stub
except ImportError:  # pragma: no cover - another Python: no pre-check, the same claims
    regex_parser = None

_REPEATS = (regex_parser.MAX_REPEAT, regex_parser.MIN_REPEAT, regex_parser.POSSESSIVE_REPEAT) if regex_parser else ()


def _literal_runs(items: Any) -> list[str]:
    """The runs of literal characters in a parsed pattern that every match passes through: its own literals, and those
    inside groups and inside repeats taken at least once. Alternatives, classes, look-arounds, optional parts and
    case-insensitive groups give nothing, so nothing is ever claimed that a match could lack."""
    runs: list[str] = []
    run: list[str] = []
    for op, arg in items:
        if op is regex_parser.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            runs.append("".join(run))
            run = []
        if op is regex_parser.SUBPATTERN and not (arg[1] & re.IGNORECASE):  # (group, add_flags, del_flags, items)
            runs += _literal_runs(arg[3])
        elif op in _REPEATS and arg[0] >= 1:  # (min, max, items)
            runs += _literal_runs(arg[2])
        elif op is regex_parser.ATOMIC_GROUP:
            runs += _literal_runs(arg)
    if run:
        runs.append("".join(run))
    return runs


def required_text(compiled: re.Pattern[str]) -> str:
    """The longest text every match of `compiled` contains; "" when there is none (or the pattern ignores case)."""
    if compiled.flags & re.IGNORECASE or regex_parser is None:
        return ""
    return max(_literal_runs(regex_parser.parse(compiled.pattern, compiled.flags)), key=len, default="")


def _branches(op: Any, arg: Any) -> list[Any] | None:
    """The alternatives of an alternation a match must pass through (`a|b`, `(?:a|b)`), each a parsed sequence;
    None for anything else (an optional or case-insensitive group, a look-around, a class)."""
    if op is regex_parser.BRANCH:  # (None, [items, …])
        return list(arg[1])
    if op is regex_parser.SUBPATTERN and not (arg[1] & re.IGNORECASE) and len(arg[3]) == 1:
        return _branches(*arg[3][0])
    return None


def required_any(compiled: re.Pattern[str]) -> tuple[str, ...]:
    """Texts of which every match of `compiled` contains at least one: for the first alternation the pattern must
    pass through whose every alternative has a literal text of its own (「(?:受理|收到|新收)…」: 受理, 收到 or 新收),
    the longest text of each alternative. () when there is none (or the pattern ignores case): no test then. It
    refines `required_text` for patterns that open with alternatives, which have no single text every match holds."""
    if compiled.flags & re.IGNORECASE or regex_parser is None:
        return ()
    for op, arg in regex_parser.parse(compiled.pattern, compiled.flags):
        branches = _branches(op, arg)
        if not branches:
            continue
        texts = [max(_literal_runs(items), key=len, default="") for items in branches]
        if all(texts):
            return tuple(dict.fromkeys(texts))
    return ()


@dataclass(frozen=True)
class ClaimPattern:
    """A phrase. Its number comes from the `value` group, or is `fixed` (「未收到…申请」 states 0; a presence phrase
    such as template residue states 1). A matched `approx` group (余, 多) marks the number as a bound."""

    regex: re.Pattern[str]
    fixed: int | float | None = None
    # Text every match contains, worked out once per pack: a paragraph without it cannot match, and a `in` test
    # costs far less than letting the regex engine try the pattern at every position of the paragraph.
    required: str = field(init=False, repr=False, compare=False)
    # And texts of which a match contains one (required_any): most of the patterns without a `required` text open
    # with alternatives, and without this test they ran on every paragraph of their sections, nearly always in vain.
    any_of: tuple[str, ...] = field(init=False, repr=False, compare=False)

    # The same pattern in the `regex` module, which matches as `re` does (tests/test_hardening_packs.py compares
    # them on every paragraph of the samples and the corpus) and can stop a search at a deadline, which `re` cannot:
    # its C loop neither times out nor lets a signal handler run. Packs check their patterns in both engines
    # (auditor.resources.compile_regex).
    matcher: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # frozen: set once, here
        object.__setattr__(self, "required", required_text(self.regex))
        object.__setattr__(self, "any_of", required_any(self.regex))
        # From the source alone, as the loader compiles it (re and regex number their flags differently)
        object.__setattr__(self, "matcher", regex.compile(self.regex.pattern, regex.V0))


class ExtractorTimeout(IngestError):
    """An extractor ran over its time on one document (limits.EXTRACTOR_SECONDS, or the document's whole
    extraction over limits.EXTRACTION_SECONDS): the document's claims are incomplete, and a narrative check
    would compare with what was found in time, or pass a detector that never finished looking, so the document
    is reported with this problem (an input error, exit 2) instead of audited."""

    def __init__(self, key: str, seconds: float) -> None:
        super().__init__("extractor_timeout", extractor=key, limit=f"{seconds:g}")


class _Budget:
    """The time each extractor, and all of them together, has spent on one document."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.total = 0.0

    def matches(self, key: str, pattern: ClaimPattern, text: str) -> list[Any]:
        """Every match of `pattern` in `text` (finditer's), charged to extractor `key`. Raises ExtractorTimeout
        once the extractor or the document is over its time: the regex module's timeout bounds the whole iteration
        (measured: a finditer whose every match is slow stops at the time given, tests/test_hardening_packs.py).
        Called for every pattern of every paragraph that may match, so it does no more than that."""
        spent = self.spent.get(key, 0.0)
        own, shared = limits.EXTRACTOR_SECONDS - spent, limits.EXTRACTION_SECONDS - self.total
        left, limit = (own, limits.EXTRACTOR_SECONDS) if own <= shared else (shared, limits.EXTRACTION_SECONDS)
        if left <= 0:
            raise ExtractorTimeout(key, limit)
        start = time.monotonic()
        try:
            found = list(pattern.matcher.finditer(text, timeout=left))
        except TimeoutError:
            raise ExtractorTimeout(key, limit) from None
        finally:
            used = time.monotonic() - start
            self.spent[key] = spent + used
            self.total += used
        return found


@dataclass(frozen=True)
class Extractor:
    """One claim kind: its key (`claim.applications_received`), its phrases, the sections it reads (all if empty)."""

    key: str
    patterns: tuple[ClaimPattern, ...]
    sections: tuple[int, ...] = ()
    kind: str = "regex"  # "enumeration": broken 一是…二是… (no patterns); "agency": names the body speaks as


def extract_claims(paragraphs: tuple[ParagraphFact, ...], extractors: tuple[Extractor, ...],
                   agency: str | None = None, aliases: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """Every mention, not the first: each non-overlapping match of each phrase in each paragraph.

    Phrases of one kind are tried in order and an earlier phrase's match wins where two overlap. `agency` (the title's)
    and its `aliases` serve the extractors of kind "agency". Raises ExtractorTimeout (an IngestError: the callers
    report the document's problem) when an extractor runs over its time on these paragraphs."""
    claims: list[Claim] = []
    if not extractors:
        return ()
    budget = _Budget()
    # Once per paragraph, for every extractor that reads it. A digit run longer than a number may be is masked (same
    # length, so columns still point into the text): no claim is made of it, the report's number_too_long problem
    # says so, and no extractor spends its time budget matching into it.
    folded = [mask_long_numbers(same_length_nfkc(p.text)) for p in paragraphs]
    for extractor in extractors:
        if extractor.kind == "enumeration":
            claims.extend(enumeration_breaks(paragraphs, extractor.key, extractor.sections))
        elif extractor.kind == "agency":
            claims.extend(agency_mentions(paragraphs, extractor, agency, aliases, folded, budget))
    regex_extractors = [e for e in extractors if e.kind == "regex"]
    readers: dict[int | None, list[Extractor]] = {}  # section → the regex extractors that read it, in pack order
    for paragraph, text in zip(paragraphs, folded, strict=True):
        if paragraph.section not in readers:
            readers[paragraph.section] = [e for e in regex_extractors
                                          if not e.sections or paragraph.section in e.sections]
        for extractor in readers[paragraph.section]:
            taken: list[tuple[int, int]] = []
            for pattern in extractor.patterns:
                if pattern.required not in text or pattern.any_of and not any(t in text for t in pattern.any_of):
                    continue
                for match in budget.matches(extractor.key, pattern, text):
                    if any(s < match.end() and match.start() < e for s, e in taken):
                        continue
                    read = _claimed(pattern, match, text)
                    if read is None:
                        continue
                    value, end, approximate = read
                    taken.append((match.start(), end))
                    claims.append(Claim(key=extractor.key, value=value, text=paragraph.text[match.start():end],
                                        line=paragraph.line, section=paragraph.section,
                                        start_column=match.start() + 1, end_column=end, approximate=approximate))
    return tuple(sorted(claims, key=lambda c: (c.line, c.start_column, c.key)))


def _claimed(pattern: ClaimPattern, match: Any, text: str) -> tuple[int | float, int, bool] | None:
    """What one match claims: its value, where the claim ends in `text`, and whether it is approximate (a matched
    `approx` group: 余, 多). A pattern with a `listed_unit` group opens a list of parts (listed_gap); None when the
    match states no number that can be read."""
    approximate = "approx" in pattern.regex.groupindex and match.group("approx") is not None
    if pattern.fixed is not None:
        return pattern.fixed, match.end(), approximate
    total = parse_number(match.group("value"))
    if total is None:
        return None
    if "listed_unit" not in pattern.regex.groupindex:
        return total, match.end(), approximate
    listed = listed_parts(text, match.end(), match.group("listed_unit"))
    if listed is None:
        return None
    parts, end, parts_approximate = listed
    return sum(parts) - total, end, approximate or parts_approximate


_ENUMERATION = re.compile(r"([一二三四五六七八九十])是")
_ORDINAL = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def enumeration_breaks(paragraphs: tuple[ParagraphFact, ...], key: str,
                       sections: tuple[int, ...] = ()) -> tuple[Claim, ...]:
    """Broken 一是…二是… enumerations: an ordinal that repeats or skips (一是…三是…三是), as presence claims (value 1)
    at the marker that breaks the order. A sequence runs through one section; it restarts at 一是."""
    claims: list[Claim] = []
    expected: dict[int | None, int] = {}
    for paragraph in paragraphs:
        if sections and paragraph.section not in sections:
            continue
        for match in _ENUMERATION.finditer(paragraph.text):
            n = _ORDINAL[match.group(1)]
            want = expected.get(paragraph.section, 1)
            if n == 1:
                expected[paragraph.section] = 2
                continue
            if n != want:
                start = max(0, match.start() - 8)
                claims.append(Claim(key=key, value=1, text=paragraph.text[start:match.end()], line=paragraph.line,
                                    section=paragraph.section, start_column=start + 1, end_column=match.end()))
            expected[paragraph.section] = n + 1
    return tuple(claims)


_MIN_SHORT_FORM = 4
_AGENCY_NOISE = re.compile(r"[\s（）()“”\"]")


def _normal_agency(name: str) -> str:
    """Names compared loosely: 「人民政府」 is also written 「政府」; white space and brackets do not count."""
    return _AGENCY_NOISE.sub("", name).replace("人民政府", "政府")


def same_agency(mention: str, agency: str, aliases: tuple[str, ...] = ()) -> bool:
    """Whether a name in the body refers to the agency of the title: equal, an alias, or a short form of it.

    A short form drops the place name: 「市政府办公室」 for 「焦作市人民政府办公室」, i.e. the mention without
    its leading 市/县/区 ends the title's name. It must keep at least four characters, so a bare 「管委会」
    matches nothing."""
    mention_n = _normal_agency(mention)
    short = mention_n.lstrip("市县区")
    for name in (agency, *aliases):
        name_n = _normal_agency(name)
        if mention_n == name_n or (len(short) >= _MIN_SHORT_FORM and name_n.endswith(short)):
            return True
    return False


def agency_mentions(paragraphs: tuple[ParagraphFact, ...], extractor: Extractor, agency: str | None,
                    aliases: tuple[str, ...], folded: Sequence[str] | None = None,
                    budget: _Budget | None = None) -> tuple[Claim, ...]:
    """The agency names the body speaks as (the `name` group of the extractor's patterns), each a claim whose value
    is 0 when it is the title's agency (or an alias) and 1 when it names another body. None without a title agency.
    `folded`: the paragraphs' texts through same_length_nfkc, when the caller has them already. Raises
    ExtractorTimeout past the extractor's time (`budget`: the document's, when the caller keeps one)."""
    if agency is None:
        return ()
    budget = budget or _Budget()
    claims = []
    for i, paragraph in enumerate(paragraphs):
        if extractor.sections and paragraph.section not in extractor.sections:
            continue
        text = folded[i] if folded is not None else same_length_nfkc(paragraph.text)
        for pattern in extractor.patterns:
            if pattern.required not in text:
                continue
            for match in budget.matches(extractor.key, pattern, text):
                name = paragraph.text[match.start("name"):match.end("name")]
                claims.append(Claim(key=extractor.key, value=0 if same_agency(name, agency, aliases) else 1,
                                    text=name, line=paragraph.line, section=paragraph.section,
                                    start_column=match.start("name") + 1, end_column=match.end("name")))
    return tuple(claims)


# --- a total beside its listed parts (「共公布政府信息2599条，(其中机构职能类信息25条，…其他…856条)」) ----------------

# How strongly a character separates the parts of a list: a list written with 「，」 between its parts ends at the
# first 「；」 (what follows is the next statement), one written with 「；」 runs on to the full stop. 「、」 separates
# two parts only right after a count (「涉及自然人80件、商业企业1件」), as strongly as 「，」 (lists mix them: 「…8条、
# 政策文件类信息5条，其他各类信息92条」); elsewhere it is inside a label (「政策、规范性文件类信息68条」). Texts arrive
# folded (NFKC): 「，」 is ',' and 「；」 is ';'.
_SEPARATORS = {",": 2, "，": 2, ";": 3, "；": 3}
_COUNT = re.compile(r"(?P<value>\d+(?:\.\d+)?万?|[零〇一二两三四五六七八九十百千万]+)(?P<approx>余|多)?\s*"
                    r"(?P<unit>[条件个项篇份期场次家人名批宗起户套本部类元])")
_COUNT_AT_END = re.compile(_COUNT.pattern + r"\s*$")
_SHARE_ONLY = re.compile(r"^\s*(?:占(?:比)?(?:为)?)?\s*\d+(?:\.\d+)?\s*%\s*$")
# A residual class closes an enumeration: with it the parts claim to cover the whole.
_RESIDUAL = re.compile(r"其他|其余")


@dataclass(frozen=True)
class _Segment:
    text: str
    end: int  # where the segment ends in the paragraph's text
    level: int  # how strongly it is separated from the segment before it


def _segments(text: str, start: int) -> list[_Segment]:
    """The list's segments from `start`: split at 「，」「；」 and at a 「、」 after a count, never inside brackets
    (a part's own note, 「预决算公开197条（政府预决算32条、…）」, is left out of its text). The list ends at the full
    stop, or at a closing bracket it did not open (the one around the whole list: 「(其中…856条)」)."""
    segments: list[_Segment] = []
    piece = ""
    depth, level = 0, 0
    for i in range(start, len(text) + 1):
        char = text[i] if i < len(text) else "。"
        if char in "(（[【":
            depth += 1
            continue
        if char in ")）]】":
            depth -= 1
            if depth >= 0:
                continue
            char = "。"
        if depth > 0:
            continue
        if char == "。" or char in _SEPARATORS or (char == "、" and _COUNT_AT_END.search(piece)):
            if piece.strip():
                segments.append(_Segment(piece, i, level))
            if char == "。":
                break
            piece, level = "", _SEPARATORS.get(char, _SEPARATORS[","])
            continue
        piece += char
    return segments


def listed_parts(text: str, start: int, unit: str) -> tuple[list[int | float], int, bool] | None:
    """The parts of the list that starts at `start` in `text` (folded): their counts, where the last one ends, and
    whether any is approximate. None unless the list is complete and unambiguous: at least two parts, each one count
    in `unit` (a part counted in another unit, 「征集调查11期」, or holding two counts, is not comparable), the last
    one a residual class (其他, 其余), and nothing but shares (「占51.85%」) between parts. The list ends at the first
    segment that is not a part, or at a separator stronger than the one between its first two parts."""
    parts: list[int | float] = []
    end, approximate, residual_last = start, False, False
    list_level, since_last = 0, 0
    for segment in _segments(text, start):
        since_last = max(since_last, segment.level)
        if _SHARE_ONLY.match(segment.text):
            continue
        counts = list(_COUNT.finditer(segment.text))
        if not counts:
            break  # the list is over: a statement without a count
        if len(counts) > 1 or counts[0].group("unit") != unit:
            return None
        if len(parts) == 1:
            list_level = since_last
        elif len(parts) > 1 and since_last > list_level:
            break
        value = parse_number(counts[0].group("value"))
        if value is None:
            return None
        parts.append(value)
        approximate = approximate or counts[0].group("approx") is not None
        label = segment.text[:counts[0].start()]
        residual_last = bool(_RESIDUAL.search(label))
        end = _count_end(text, segment, counts[0])
        since_last = 0
    if len(parts) < 2 or not residual_last:
        return None
    return parts, end, approximate


def _count_end(text: str, segment: _Segment, count: Any) -> int:
    """Where a part's count ends in the paragraph's text: the segment's pieces are contiguous except for left-out
    bracketed notes, so the count is found again backwards from the segment's end."""
    found = text.rfind(count.group(0), 0, segment.end)
    return found + len(count.group(0)) if found >= 0 else segment.end
