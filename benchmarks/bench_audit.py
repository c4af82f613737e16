"""Audit throughput and memory on generated reports, end to end (read from disk, facts, engine, findings), text and
HTML separately. Prints reports/s on one core and peak RSS; speed targets live here, not in timed tests.

    python benchmarks/bench_audit.py [N ...]      # default: 1000 10000

Each generated report is a real one (the samples for text, the corpus's HTML pages for HTML) under a new agency
name; every seventh has a defect injected: the narrative's count of applications received is raised by a few, so its
TXT-NEW check must fail. The benchmark counts how many injected defects were found: a fast audit that misses them
is no result. Memory is the process's peak RSS after warm-up and after the run; flat in N means no leak per report.
"""

from __future__ import annotations

import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from auditor.audit import audit_file, read_facts
from auditor.packs import Pack, load_pack
from auditor.resources import default_pack_dirs

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "reports"
# "受理政府信息公开申请 9 件" and its variants: the number TXT-NEW compares with table 三.
RECEIVED = re.compile(r"((?:受理|收到)[^。<\d]{0,12}申请[^。<\d]{0,4}?)(\d+)(\s*件)")
DEFECT_EVERY = 7  # coprime with the number of sources, so every source gets defects


def sources(kind: str, packs: list[Pack]) -> list[tuple[str, str]]:
    """(text, agency name as written) of each real report of that kind whose narrative states a received count."""
    paths = sorted((ROOT / "samples").glob("*.txt")) if kind == "text" else sorted(CORPUS.glob("*.html"))
    found = []
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        agency = read_facts(path, packs)[0].agency or ""
        if agency and agency in text:
            found.append((text, agency))
    return found


def generate(kind: str, n: int, folder: Path, packs: list[Pack]) -> Iterator[tuple[Path, bool]]:
    """n report files in folder, and whether each has an injected defect."""
    bases = sources(kind, packs)
    suffix = ".txt" if kind == "text" else ".html"
    for i in range(n):
        text, agency = bases[i % len(bases)]
        text = text.replace(agency, f"{agency}第{i}分局")
        m = RECEIVED.search(text) if i % DEFECT_EVERY == DEFECT_EVERY - 1 else None
        if m is not None:
            text = f"{text[:m.start(2)]}{int(m[2]) + 3 + i % 5}{text[m.end(2):]}"
        path = folder / f"{i:05d}{suffix}"
        path.write_text(text, encoding="utf-8")
        yield path, m is not None


def run(kind: str, n: int, packs: list[Pack]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = list(generate(kind, n, Path(tmp), packs))
        audit_file(files[0][0], packs)  # warm-up: builds the engine and registers the rulesets
        rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        findings = injected = caught = 0
        for path, defect in files:
            result = audit_file(path, packs)
            findings += len(result.findings)
            injected += defect
            caught += defect and any(f.rule_id == "TXT-NEW" for f in result.findings)
        elapsed = time.perf_counter() - start
        rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{kind} N={n}: {n / elapsed:.0f} reports/s on one core ({elapsed / n * 1000:.2f} ms per report, "
          f"{elapsed:.1f} s); findings {findings}; injected defects found {caught}/{injected}; "
          f"peak RSS {rss_start / 1024:.1f} MB after warm-up, {rss_end / 1024:.1f} MB after")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    packs = [load_pack(d) for d in default_pack_dirs()]
    print(f"checks in the packs: {sum(len(p.checks) for p in packs)}")
    kinds = ["text"] + (["html"] if CORPUS.is_dir() else [])
    for kind in kinds:
        for n in sizes:
            run(kind, n, packs)


if __name__ == "__main__":
    main()
