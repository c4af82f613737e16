"""Many files at once: `-j N` worker processes, results in input order whatever N is, a progress bar on a terminal.

Workers are *spawned*, not forked: a forked child would inherit the parent's durable-rules Host, and a Host must never
be shared (engine-notes §1.8). Each worker builds its own engine on first use. A worker that dies (the C engine can
crash a process) costs only the file it held: that file is retried alone in a fresh worker and, if it dies again,
becomes a `worker_died` problem for that file; the other files' results are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from auditor.facts.model import Prepared
from auditor.model import DocumentResult, ReportInfo
from auditor.packs.model import Pack
from auditor.problems import problem

_PACKS: list[Pack] = []  # one copy per worker process, set by _start_worker


def _start_worker(packs: list[Pack]) -> None:
    global _PACKS
    _PACKS = packs


# Fault injection for the tests of worker death (a spawned worker cannot be monkeypatched from the test): a worker
# handed the file of this name exits at once, as a crash in the C engine would end it.
CRASH_ON = "AUDITOR_TEST_WORKER_CRASH_ON"


Audit = Callable[[Path, list[Pack], str, Prepared | None], DocumentResult]


def _work(audit: Audit, path: Path, lang: str, prepared: Prepared | None) -> DocumentResult:
    if os.environ.get(CRASH_ON) == path.name:
        os._exit(70)
    return audit(path, _PACKS, lang, prepared)


def jobs_wanted(jobs: int) -> int:
    """`-j 0` means one worker per core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def run_parallel(audit: Audit, files: Sequence[Path], packs: list[Pack], lang: str, jobs: int,
                 tick: Callable[[], None] = lambda: None,
                 prepared: Sequence[Prepared | None] | None = None) -> list[DocumentResult]:
    """`audit` (a module-level function: workers find it by name) each of `files` in `jobs` spawned processes;
    results in the order of `files`. `tick` is called once per file. `prepared`: per file, what a first pass already
    read of it (sent to the worker with the file), or None."""
    context = multiprocessing.get_context("spawn")
    results: dict[int, DocumentResult] = {}
    retry: list[int] = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(packs,)) as pool:
        before = prepared or [None] * len(files)
        futures: list[tuple[int, Future[DocumentResult]]] = [(i, pool.submit(_work, audit, f, lang, before[i]))
                                                            for i, f in enumerate(files)]
        for i, future in futures:
            try:
                results[i] = future.result()
                tick()
            except BrokenProcessPool:
                retry.append(i)
    for i in retry:  # a crashed worker takes the pool's unfinished files down with it: retry each one alone
        results[i] = _alone(audit, files[i], packs, lang, context, before[i])
        tick()
    return [results[i] for i in range(len(files))]


def _alone(audit: Audit, path: Path, packs: list[Pack], lang: str, context: multiprocessing.context.BaseContext,
           prepared: Prepared | None) -> DocumentResult:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_worker,
                                 initargs=(packs,)) as pool:
            return pool.submit(_work, audit, path, lang, prepared).result()
    except BrokenProcessPool:
        return DocumentResult(str(path), None, ReportInfo(None, None, None, None), None,
                              problems=(problem("worker_died", lang, str(path)),))
