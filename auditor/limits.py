"""Every bound the tool puts on what a report, a rule pack or a configuration may make it do, in one place.

A report is untrusted input: an office receives files from hundreds of bodies, and a damaged or hostile one must cost
only itself, never memory, time or the other files' results. Each limit here is enforced where the input is read and
gives its own clear problem (the README's "Limits" table lists them). Each is set far above what a real report needs:
the largest file in ../shared/corpus is 0.4 MB, its largest table grid a few hundred cells.
"""

from __future__ import annotations

MiB = 1 << 20

# Reports
MAX_INPUT_BYTES = 64 * MiB  # one file as it arrives (a 100-page PDF with images is ~20 MB)
MAX_MEMBER_BYTES = 64 * MiB  # one member of a DOCX (or OFD) package, inflated
MAX_PACKAGE_BYTES = 256 * MiB  # all members of a package together, inflated
MAX_PDF_STREAM_BYTES = 64 * MiB  # one PDF content stream, inflated
MAX_PDF_PAGES = 500
MAX_PAGE_CHARS = 200_000  # characters of one OFD page (a dense A4 page holds ~3,000)
MAX_PDF_DECODED_BYTES = 256 * MiB  # all streams of one PDF together, decoded (pdfminer keeps them while it reads)
MAX_TABLE_CELLS = 100_000  # rows × columns of one table after rowspan/colspan are expanded
MAX_SPAN = 1_000  # a rowspan or colspan larger than this is read as this
MAX_PACKAGE_MEMBERS = 10_000  # members of one DOCX package (Word writes 10 to 30, one per image more)
MAX_DOCUMENT_CELLS = 500_000  # table cells of one document, all tables together, after spans are expanded
CONVERT_SECONDS = 20.0  # one LibreOffice conversion of a .doc/.wps (a cold start takes 2-3 s), inside FILE_SECONDS
MAX_NUMBER_DIGITS = 15  # digits in one number; exact in a double, and far beyond any count a report gives

# Each file is audited in a supervised worker process (auditor/batch.py): these bound what one file can take.
FILE_SECONDS = 30.0  # wall time from when a file is the next result due (`--timeout`); the slowest real report: ~2 s
WORKER_MEMORY_BYTES = 1 << 30  # a worker's address space; auditing a real report peaks at ~0.4 GiB of it

# The durable-rules engine reads a number exactly only in plain decimal notation: Python writes 1e-05 and 1e+16 in
# exponent notation, which crashes the C engine (SIGSEGV, tests/test_engine_hazards.py), and integers beyond 2**53
# lose digits as doubles. Values outside this range are not assessable, with the value named.
ENGINE_MAX_ABS = 10**12  # products with a rule's constants (×100, ×1000) stay exact below 2**53
ENGINE_MIN_ABS = 1e-4  # the smallest magnitude (other than 0) Python writes without an exponent


def engine_exact(number: int | float) -> bool:
    """Whether the engine reads and computes with `number` exactly: 0, or ENGINE_MIN_ABS ≤ |number| < ENGINE_MAX_ABS
    (the adapter sends floats, and json writes a float in exponent notation below 1e-4 and from 1e16)."""
    if isinstance(number, int):
        return abs(number) < ENGINE_MAX_ABS
    magnitude = abs(number)
    return magnitude == 0 or ENGINE_MIN_ABS <= magnitude < ENGINE_MAX_ABS  # False for NaN and infinities

# Rule packs and configurations (the office's own files, and any pack given with --pack)
MAX_YAML_BYTES = 1 * MiB  # one rule, pack, extractor or configuration file
MAX_EXPR_DEPTH = 32  # nesting of a check's expression
MAX_EXPR_TERMS = 256  # tokens of a check's expression
MAX_PATTERN_CHARS = 2_000  # one extractor regex
MAX_PATTERN_REPEAT = 1_000  # repeat counts of one regex, multiplied through their nesting (the bundled: 10)
EXTRACTOR_SECONDS = 2.0  # one extractor over one document's paragraphs
EXTRACTION_SECONDS = 10.0  # all extractors together over one document (the bundled: ~10 ms)
MAX_YAML_DEPTH = 32  # nesting of lists and maps in one of those files (the bundled ones nest 5 deep)
MAX_PARAMETER = 10**9  # a pack or configuration parameter, 0 to this (the bundled ones: 0.5 to 1,000,000)
MAX_EXPR_NUMBER = 10**9  # a number written in a check (the bundled checks write 0 to 1,000)
MAX_RULE_CHECKS = 1_000  # checks one rule's for_each expands to (the bundled rules: at most 25)
MAX_PACK_CHECKS = 5_000  # checks of one pack (the bundled packs: 146 and 129)

# The review's files (auditor/review): a year's decisions or baseline of a large jurisdiction, ~400 bytes a finding
MAX_REVIEW_FILE_BYTES = 64 * MiB  # a baseline (JSON) or decisions file (YAML): over 100,000 findings


def exceeded(what_zh: str, what_en: str, limit: str) -> dict[str, str]:
    """The template values of a `limit_exceeded` problem (both languages: the problem is worded later, in the
    run's language)."""
    return {"what": what_zh, "what_en": what_en, "limit": limit}


def size_text(n: int) -> str:
    """A byte count as a person reads it: 64 MiB, 1.5 KiB, 12 B."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1 << 10)):
        if n >= scale:
            shown = n / scale
            return f"{shown:.0f} {unit}" if shown == int(shown) else f"{shown:.1f} {unit}"
    return f"{n} B"
