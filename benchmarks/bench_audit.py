"""Audit throughput and memory: the samples audited N times in one process, end to end (read, facts, engine,
findings). Prints reports/s and peak RSS; speed targets live here, not in timed tests.

    python benchmarks/bench_audit.py [N]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from auditor.audit import audit_file
from auditor.packs import load_pack
from auditor.resources import default_pack_dirs

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    packs = [load_pack(d) for d in default_pack_dirs()]
    samples = sorted((ROOT / "samples").glob("*.txt"))
    audit_file(samples[0], packs)  # warm-up: builds the engine and registers the rulesets
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    findings = 0
    for i in range(n):
        findings += len(audit_file(samples[i % len(samples)], packs).findings)
    elapsed = time.perf_counter() - start
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    checks = sum(len(p.checks) for p in packs)
    print(f"reports: {n}  checks per report: {checks}  findings: {findings}")
    print(f"time: {elapsed:.2f} s  throughput: {n / elapsed:.0f} reports/s on one core  "
          f"({elapsed / n * 1000:.2f} ms per report)")
    print(f"peak RSS: {rss_start / 1024:.1f} MB after warm-up, {rss_end / 1024:.1f} MB after {n} reports")


if __name__ == "__main__":
    main()
