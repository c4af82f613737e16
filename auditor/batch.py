"""Many files at once: `-j N` worker processes, results in input order whatever N is, a progress bar on a terminal.

Workers are *spawned*, not forked: a forked child would inherit the parent's durable-rules Host, and a Host must never
be shared (engine-notes §1.8). Each worker builds its own engine on first use. A worker that dies (the C engine can
crash a process) costs only the file it held: that file is retried alone in a fresh worker and, if it dies again,
becomes a `worker_died` problem for that file; the other files' results are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from auditor.facts.model import Prepared
from auditor.model import DocumentResult, ReportInfo
from auditor.packs.model import Pack
from auditor.problems import problem

_PACKS: list[Pack] = []  # one copy per worker process, set by _start_worker
# Files submitted ahead per worker: enough to keep every worker busy, few enough that a batch's memory stays flat.
_AHEAD = 4


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
                 prepare: Callable[[Path], Prepared | None] = lambda _: None) -> Iterator[DocumentResult]:
    """`audit` (a module-level function: workers find it by name) each of `files` in `jobs` spawned processes;
    results yielded in the order of `files`, as soon as each and those before it are done. `tick` is called once per
    file. `prepare(file)`: what a first pass already read of it (sent to the worker with the file), or None; it is
    called only for the few files in flight, so a batch of any size holds only their facts and results."""
    context = multiprocessing.get_context("spawn")
    in_flight = jobs * _AHEAD
    pending: deque[tuple[Path, Prepared | None, ProcessPoolExecutor, Future[DocumentResult]]] = deque()
    queue = iter(files)
    pool: ProcessPoolExecutor | None = None
    try:
        while True:
            while len(pending) < in_flight and (path := next(queue, None)) is not None:
                before = prepare(path)
                if pool is None:
                    pool = _pool(jobs, context, packs)
                try:
                    future = pool.submit(_work, audit, path, lang, before)
                except BrokenProcessPool:  # a worker died since the last submit: this file goes to a fresh pool
                    pool.shutdown(wait=False)
                    pool = _pool(jobs, context, packs)
                    future = pool.submit(_work, audit, path, lang, before)
                pending.append((path, before, pool, future))
            if not pending:
                return
            path, before, owner, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # A crashed worker takes its pool's unfinished files down with it: each is retried alone, and the
                # files not yet submitted go to a fresh pool.
                if owner is pool:
                    owner.shutdown(wait=False)
                    pool = None
                result = _alone(audit, path, packs, lang, context, before)
            tick()
            yield result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(jobs: int, context: multiprocessing.context.BaseContext, packs: list[Pack]) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(packs,))


def _alone(audit: Audit, path: Path, packs: list[Pack], lang: str, context: multiprocessing.context.BaseContext,
           prepared: Prepared | None) -> DocumentResult:
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_worker,
                                 initargs=(packs,)) as pool:
            return pool.submit(_work, audit, path, lang, prepared).result()
    except BrokenProcessPool:
        return DocumentResult(str(path), None, ReportInfo(None, None, None, None), None,
                              problems=(problem("worker_died", lang, str(path)),))
