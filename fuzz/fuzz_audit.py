"""A seeded mutation fuzzer for `auditor audit`: mutated reports, each audited in a capped child process.

    python fuzz/fuzz_audit.py --seed 1 --count 10000 -j 2
    python fuzz/fuzz_audit.py --minutes 5
    python fuzz/fuzz_audit.py --replay fuzz/out/crash/1-000042-pingtan-2021.txt

Input `i` of seed `s` is a pure function of (s, i) and the sorted seed files: its own random.Random(f"{s}:{i}")
picks a seed file and one to three mutators suited to its format. Every input that is not `ok` is saved under
`--out` (default fuzz/out/) with a sidecar JSON (seed, index, mutation path, outcome) to replay it. Exit code 1 when
any input failed (any class but ok).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path

import fuzz_docx
import fuzz_pdf
from fuzz_harness import FAILURES, OK, Outcome, run_chunk
from fuzz_html import HTML_MUTATORS
from fuzz_text import TEXT_MUTATORS, Context, Mutator, pick

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"}  # auditor.audit.REPORT_SUFFIXES
SEED_GLOBS = (ROOT / "samples", "*.txt"), (ROOT / "tests/fixtures/parity", "*"), \
    (ROOT / "tests/fixtures/reports", "*"), (ROOT.parent / "shared/corpus/reports", "*")
DEFAULT_OUT = ROOT / "fuzz" / "out"
MIB = 1 << 20


@dataclass(frozen=True)
class Seed:
    name: str  # relative to the repository root, as saved with a failing input
    data: bytes
    kind: str  # text | html | docx | pdf


@dataclass(frozen=True)
class FuzzInput:
    index: int
    seed: Seed
    data: bytes
    mutations: tuple[str, ...]

    @property
    def file_name(self) -> str:
        stem, suffix = Path(self.seed.name).stem, Path(self.seed.name).suffix
        return f"{self.index:06d}-{stem}{suffix}"


@dataclass(frozen=True)
class Options:
    seed: int = 1
    count: int | None = 1000  # None: until `minutes` pass
    minutes: float | None = None
    jobs: int = 1
    out: Path = DEFAULT_OUT
    timeout: float = 30.0  # wall seconds per input
    memory_mib: int = 1024  # address-space cap of the child
    bombs: bool = False
    chunk: int = 50  # inputs per child process
    quiet: bool = False


@dataclass(frozen=True)
class Record:
    index: int
    seed_file: str
    mutations: tuple[str, ...]
    outcome: Outcome
    saved: str | None  # the failing input's copy under --out


@dataclass
class Campaign:
    options: Options
    records: list[Record] = field(default_factory=list)
    seconds: float = 0.0

    def failures(self, classes: Sequence[str] = FAILURES) -> list[Record]:
        return [r for r in self.records if r.outcome.cls in classes]


# --- inputs ----------------------------------------------------------------------------------------------------------


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}.get(suffix, "text")


def load_seeds(root: Path = ROOT) -> list[Seed]:
    """Every seed report, in a fixed order (folder by folder, names sorted); the corpus beside the checkout is
    optional. Seeds are only read."""
    seeds = []
    for folder, pattern in SEED_GLOBS:
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                seeds.append(Seed(os.path.relpath(path, root), path.read_bytes(), kind_of(path)))
    return seeds


def mutators_for(kind: str, bombs: bool) -> tuple[tuple[Mutator, int], ...]:
    if kind == "docx":
        return fuzz_docx.DOCX_MUTATORS + (fuzz_docx.BOMB_MUTATORS if bombs else ())
    if kind == "pdf":
        return fuzz_pdf.PDF_MUTATORS + (fuzz_pdf.BOMB_MUTATORS if bombs else ())
    return HTML_MUTATORS if kind == "html" else TEXT_MUTATORS


def generate(campaign_seed: int, index: int, seeds: Sequence[Seed], bombs: bool = False) -> FuzzInput:
    """Input `index` of the campaign: a seed and one to three mutations, all drawn from the input's own generator
    (so any input can be rebuilt alone, and -j does not change what is generated)."""
    rng = random.Random(f"{campaign_seed}:{index}")
    seed = rng.choice(list(seeds))
    pool = [s.data for s in seeds if s.kind in {"text", "html"} and s is not seed]
    context = Context(pool, bombs)
    data, steps = seed.data, []
    for _ in range(rng.choices((1, 2, 3), weights=(6, 3, 1))[0]):
        data, step = pick(mutators_for(seed.kind, bombs), rng)(data, rng, context)
        steps.append(step)
    return FuzzInput(index, seed, data, tuple(steps))


# --- running ---------------------------------------------------------------------------------------------------------


def _chunks(options: Options) -> Iterator[range]:
    start = 0
    while options.count is None or start < options.count:
        end = start + options.chunk if options.count is None else min(options.count, start + options.chunk)
        yield range(start, end)
        start = end


def _save(options: Options, item: FuzzInput, outcome: Outcome) -> str:
    """The failing input and its sidecar under out/<class>/: enough to replay it or rebuild it from the seed."""
    folder = options.out / outcome.cls
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{options.seed}-{item.file_name}"
    path.write_bytes(item.data)
    sidecar = {"campaign_seed": options.seed, "index": item.index, "bombs": options.bombs,
               "seed_file": item.seed.name, "mutations": list(item.mutations), "sha256": _digest(item.data),
               "size": len(item.data), **asdict(outcome),
               "replay": f"python fuzz/fuzz_audit.py --replay {_shown(path)}"}
    path.with_name(path.name + ".json").write_text(json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n",
                                                   encoding="utf-8")
    return _shown(path)


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it (fuzz/out/...), else as it is."""
    resolved = path.resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(resolved)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run_range(options: Options, seeds: Sequence[Seed], indices: range) -> list[Record]:
    work = options.out / "work" / f"{options.seed}-{indices.start:06d}"
    work.mkdir(parents=True, exist_ok=True)
    try:
        items = [generate(options.seed, i, seeds, options.bombs) for i in indices]
        paths = []
        for item in items:
            path = work / item.file_name
            path.write_bytes(item.data)
            paths.append(path)
        outcomes = run_chunk(paths, work, options.timeout, options.memory_mib * MIB)
        return [Record(item.index, item.seed.name, item.mutations, outcome,
                       None if outcome.cls == OK else _save(options, item, outcome))
                for item, outcome in zip(items, outcomes, strict=True)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_campaign(options: Options, seeds: Sequence[Seed] | None = None) -> Campaign:
    """Generate and audit the campaign's inputs in `options.jobs` children at a time; records in index order."""
    seeds = list(seeds) if seeds is not None else load_seeds()
    campaign = Campaign(options)
    began = time.monotonic()
    stop = None if options.minutes is None else began + options.minutes * 60
    chunks = _chunks(options)
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        pending: set[Future[list[Record]]] = set()
        while True:
            while len(pending) < options.jobs and (stop is None or time.monotonic() < stop):
                indices = next(chunks, None)
                if indices is None:
                    break
                pending.add(pool.submit(_run_range, options, seeds, indices))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                campaign.records.extend(future.result())
            if not options.quiet:
                _progress(campaign, time.monotonic() - began)
    shutil.rmtree(options.out / "work", ignore_errors=True)
    campaign.records.sort(key=lambda r: r.index)
    campaign.seconds = time.monotonic() - began
    return campaign


def _progress(campaign: Campaign, seconds: float) -> None:
    counts = Counter(r.outcome.cls for r in campaign.records if r.outcome.cls != OK)
    failing = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"
    done = len(campaign.records)
    print(f"[{done} inputs, {seconds:.0f} s, {done / max(seconds, 1e-9):.1f}/s] failures: {failing}",
          file=sys.stderr, flush=True)


# --- reporting -------------------------------------------------------------------------------------------------------


def signature(record: Record) -> str:
    """The outcome with the file's name and the numbers taken out: inputs that failed the same way share one."""
    detail = re.sub(r"\S*/(?:work|out)/\S*", "<file>", record.outcome.detail)
    detail = re.sub(r"\d+", "N", re.sub(r"0x[0-9a-fA-F]+|\\x[0-9a-fA-F]{2}", "0xH", detail))
    return f"{record.outcome.cls}: {' '.join(detail.split())[:150]}"


def summary(campaign: Campaign) -> str:
    """The table of outcome classes (count, example files), the distinct failure signatures and the throughput."""
    by_class: dict[str, list[Record]] = {}
    for record in campaign.records:
        by_class.setdefault(record.outcome.cls, []).append(record)
    lines = [f"{'class':<20} {'count':>6}  examples", f"{'-' * 20} {'-' * 6}  {'-' * 40}"]
    for cls in (OK, *FAILURES):
        records = by_class.get(cls, [])
        if records or cls == OK:
            examples = ", ".join(r.saved or "" for r in records[:3] if r.saved)
            lines.append(f"{cls:<20} {len(records):>6}  {examples}")
    signatures: dict[str, list[Record]] = {}
    for record in campaign.failures():
        signatures.setdefault(signature(record), []).append(record)
    if signatures:
        lines += ["", "failure signatures (count, first example):"]
        for sig, records in sorted(signatures.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            path = " → ".join(records[0].mutations)
            lines.append(f"  {len(records):>5}  {sig}\n         e.g. {records[0].saved}  [{path[:160]}]")
    rate = len(campaign.records) / max(campaign.seconds, 1e-9)
    lines += ["", f"{len(campaign.records)} inputs in {campaign.seconds:.1f} s: {rate:.1f} inputs/s "
                  f"(-j {campaign.options.jobs}, seed {campaign.options.seed})"]
    return "\n".join(lines)


def write_summary(campaign: Campaign) -> Path:
    path = campaign.options.out / f"summary-{campaign.options.seed}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"options": {k: str(v) for k, v in asdict(campaign.options).items()}, "seconds": campaign.seconds,
            "counts": Counter(r.outcome.cls for r in campaign.records),
            "failures": [asdict(r) for r in campaign.failures()]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# --- replay ----------------------------------------------------------------------------------------------------------


def replay(files: Sequence[Path], options: Options) -> int:
    """Audit saved inputs again, each in a capped child; with a sidecar, also check that the seed and index still
    rebuild the same bytes. 1 when any is still not ok."""
    failed = False
    seeds: list[Seed] | None = None
    for file in files:
        with tempfile.TemporaryDirectory(prefix="fuzz-replay-") as work:
            outcome = run_chunk([file], Path(work), options.timeout, options.memory_mib * MIB)[0]
        print(f"{file}: {outcome.cls} ({outcome.seconds:.2f} s, peak {outcome.peak_mib} MiB)\n  {outcome.detail}")
        failed = failed or outcome.cls != OK
        sidecar = file.with_name(file.name + ".json")
        if sidecar.exists():
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            seeds = seeds if seeds is not None else load_seeds()
            rebuilt = generate(meta["campaign_seed"], meta["index"], seeds, meta.get("bombs", False))
            same = "identical" if _digest(rebuilt.data) == meta["sha256"] else "DIFFERENT (seed files changed?)"
            print(f"  seed {meta['campaign_seed']} index {meta['index']} from {meta['seed_file']}: "
                  f"{' → '.join(meta['mutations'])}\n  rebuilt from the seed: {same}")
    return 1 if failed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--count", type=int, help="inputs to generate (default 1000)")
    size.add_argument("--minutes", type=float, help="generate until this much time has passed")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="child processes at once")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where failing inputs go (default fuzz/out)")
    parser.add_argument("--timeout", type=float, default=30.0, help="wall seconds per input (default 30)")
    parser.add_argument("--memory-mib", type=int, default=1024, help="child address-space cap (default 1024)")
    parser.add_argument("--bombs", action="store_true", help="add decompression and table-grid bombs (1 GiB)")
    parser.add_argument("--replay", type=Path, nargs="+", metavar="FILE", help="audit saved inputs again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    options = Options(seed=args.seed, count=None if args.minutes else (args.count or 1000), minutes=args.minutes,
                      jobs=max(1, args.jobs), out=args.out, timeout=args.timeout, memory_mib=args.memory_mib,
                      bombs=args.bombs, chunk=25 if args.minutes else 50)
    if args.replay:
        return replay(args.replay, options)
    campaign = run_campaign(options)
    print(summary(campaign))
    print(f"summary: {write_summary(campaign)}")
    return 1 if campaign.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
