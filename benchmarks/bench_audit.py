"""Audit throughput and memory on generated reports, end to end (read from disk, facts, engine, findings), text and
HTML separately. Prints reports/s on one core and peak RSS; speed targets live here, not in timed tests.

    python benchmarks/bench_audit.py [N ...]              # default: 1000 10000
    python benchmarks/bench_audit.py --store [N ...]      # text, as `auditor audit DIR --db`: default 1000
    python benchmarks/bench_audit.py --cold               # `auditor audit one-file.txt` from a new interpreter
    python benchmarks/bench_audit.py --jobs [N]           # `auditor audit DIR -j 1` against `-j 2`: default 1000

With --store the generated text reports are audited as one batch into a fresh history store: every file's facts
recorded first, last year's report looked up, each report compared with the other bodies' reports of its year
(PEER-DUP: here every generated report is a copy of another body's, so each is flagged), then audited and recorded.

Each generated report is a real one (the samples for text, the corpus's HTML pages for HTML) under a new agency
name; every seventh has a defect injected: the narrative's count of applications received is raised by a few, so its
TXT-NEW check must fail. The benchmark counts how many injected defects were found: a fast audit that misses them
is no result. Memory is the process's peak RSS after warm-up and after the run; flat in N means no leak per report.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from auditor.audit import audit_file, read_facts
from auditor.packs import Pack, load_pack
from auditor.resources import default_pack_dirs
from auditor.run import audit_paths
from auditor.store import Store

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
        floor = read_and_split([path for path, _ in files])
    print(f"{kind} N={n}: {n / elapsed:.0f} reports/s on one core ({elapsed / n * 1000:.2f} ms per report, "
          f"{elapsed:.1f} s); {elapsed / floor:.0f}x a read-and-split pass ({floor / n * 1000:.3f} ms per report); "
          f"findings {findings}; injected defects found {caught}/{injected}; "
          f"peak RSS {rss_start / 1024:.1f} MB after warm-up, {rss_end / 1024:.1f} MB after")


def read_and_split(paths: list[Path]) -> float:
    """Seconds to read, decode and split into lines every file, the best of three passes: the floor an audit of the
    same files is measured against in the same run (issue 14: at most 15x), so the machine's noise cancels."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path in paths:
            path.read_bytes().decode("utf-8").splitlines()
        best = min(best, time.perf_counter() - start)
    return best


def cold_start(runs: int = 5) -> None:
    """`auditor audit one-file.txt` from a new interpreter (imports, packs, the supervised worker), median of runs,
    as a user's machine runs it: bytecode written (this machine's PYTHONDONTWRITEBYTECODE left out) and the compiled
    packs cached (packs/cache.py). The first run, into an empty pack cache, is timed apart, and so is a bare
    interpreter's start, the floor every run pays twice (the CLI and its worker)."""
    sample = sorted((ROOT / "samples").glob("*.txt"))[0]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(*args: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, check=False, env=env)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        env["AUDITOR_CACHE_DIR"] = tmp
        command = ("-c", "from auditor.cli import main; main()", "audit", str(sample))
        first = timed(*command)
        times = [timed(*command) for _ in range(runs)]
    bare = statistics.median(timed("-c", "pass") for _ in range(runs))
    print(f"cold start of one file: {statistics.median(times):.2f} s (median of {runs}; "
          f"{min(times):.2f}-{max(times):.2f} s); the first, compiling the packs: {first:.2f} s; "
          f"a bare interpreter starts in {bare:.3f} s")


def run_jobs(n: int, packs: list[Pack], runs: int = 3) -> None:
    """`auditor audit DIR --format json` of n generated text reports through the CLI with -j 1 and with -j 2, each
    the median of `runs` alternated runs (start-up, pack loading and writing the output included), and the ratio:
    what a user's `-j 2` gains on this machine's cores (issue 14: at least 1.8x on 2). The two outputs must be the
    same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        list(generate("text", n, folder, packs))
        times: dict[int, list[float]] = {1: [], 2: []}
        outputs: dict[int, bytes] = {}
        for _ in range(runs):
            for jobs in times:
                out = Path(tmp) / f"j{jobs}.json"
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "audit", str(folder),
                                "-j", str(jobs), "--format", "json", "--fail-on", "none", "-o", str(out)],
                               capture_output=True, check=True)
                times[jobs].append(time.perf_counter() - start)
                outputs[jobs] = out.read_bytes()
    one, two = (statistics.median(times[j]) for j in (1, 2))
    same = "identical" if outputs[1] == outputs[2] else "DIFFER"
    print(f"text through the CLI N={n}: -j 1 {one:.2f} s, -j 2 {two:.2f} s (medians of {runs}): -j 2 is "
          f"{one / two:.2f}x -j 1 on {os.cpu_count()} cores; outputs {same}")


def run_store(n: int, packs: list[Pack]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        files = list(generate("text", n, folder, packs))
        audit_file(files[0][0], packs)  # warm-up, as in run()
        rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        with Store(Path(tmp) / "history.db") as store:
            result = audit_paths([folder], packs, store=store)
        elapsed = time.perf_counter() - start
        rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    copied = sum(1 for d in result.documents if any(f.rule_id == "PEER-DUP" for f in d.findings))
    injected = sum(defect for _, defect in files)
    caught = sum(1 for (_, defect), d in zip(files, result.documents, strict=True)
                 if defect and any(f.rule_id == "TXT-NEW" for f in d.findings))
    print(f"text with --db N={n}: {n / elapsed:.0f} reports/s on one core ({elapsed / n * 1000:.2f} ms per report, "
          f"{elapsed:.1f} s); copied from another body (PEER-DUP) {copied}/{n}; injected defects found "
          f"{caught}/{injected}; peak RSS {rss_start / 1024:.1f} MB after warm-up, {rss_end / 1024:.1f} MB after")


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--store":
        packs = [load_pack(d) for d in default_pack_dirs()]
        for n in [int(a) for a in args[1:]] or [1000]:
            run_store(n, packs)
        return
    if args and args[0] == "--jobs":
        packs = [load_pack(d) for d in default_pack_dirs()]
        for n in [int(a) for a in args[1:]] or [1000]:
            run_jobs(n, packs)
        return
    if args and args[0] == "--cold":
        cold_start()
        return
    sizes = [int(a) for a in args] or [1000, 10000]
    packs = [load_pack(d) for d in default_pack_dirs()]
    print(f"checks in the packs: {sum(len(p.checks) for p in packs)}")
    kinds = ["text"] + (["html"] if CORPUS.is_dir() else [])
    for kind in kinds:
        for n in sizes:
            run(kind, n, packs)


if __name__ == "__main__":
    main()
