"""Many files at once: a task (reading a file, auditing it) run in `-j N` worker processes, results in input order
whatever N is.

Workers are *spawned*, not forked: a forked child would inherit the parent's durable-rules Host, and a Host must never
be shared (engine-notes §1.8); an auditing worker builds its own engine on first use. A worker that dies (the C engine
can crash a process) costs only the file it held: that file is retried alone in a fresh worker and, if it dies again,
the caller says what stands for its result (the audit: a `worker_died` problem for that file); the other files'
results are kept.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import TypeVar

from auditor.facts.model import Prepared
from auditor.model import DocumentResult
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
T = TypeVar("T")
R = TypeVar("R")


def _run(task: Callable[[Path, T, list[Pack]], R], path: Path, before: T) -> R:
    if os.environ.get(CRASH_ON) == path.name:
        os._exit(70)
    return task(path, before, _PACKS)


def jobs_wanted(jobs: int) -> int:
    """`-j 0` means one worker per core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def run_parallel(audit: Audit, files: Sequence[Path], packs: list[Pack], lang: str, jobs: int,
                 tick: Callable[[], None] = lambda: None,
                 prepare: Callable[[Path], Prepared | None] = lambda _: None) -> Iterator[DocumentResult]:
    """`audit` (a module-level function: workers find it by name) each of `files` in `jobs` spawned processes;
    results in the order of `files` (in_order). `prepare(file)`: what a first pass already read of it, sent to the
    worker with the file, or None. A file whose worker dies twice becomes its `worker_died` problem."""

    def died(path: Path) -> DocumentResult:
        return DocumentResult.unread(str(path), problem("worker_died", lang, str(path)))

    return in_order(partial(_audit_task, audit, lang), files, packs, jobs, tick, prepare, died)


def _audit_task(audit: Audit, lang: str, path: Path, prepared: Prepared | None, packs: list[Pack]) -> DocumentResult:
    return audit(path, packs, lang, prepared)


def in_order(task: Callable[[Path, T, list[Pack]], R], files: Sequence[Path], packs: list[Pack], jobs: int,
             tick: Callable[[], None], prepare: Callable[[Path], T], died: Callable[[Path], R]) -> Iterator[R]:
    """`task(file, prepare(file), packs)` for each of `files` in `jobs` spawned processes (`task` picklable: a
    module-level function or a partial of one); results yielded in the order of `files`, each as soon as it and those
    before it are done. `tick` is called once per file. `prepare` runs in this process only for the few files in
    flight, so a batch of any size holds only their inputs and results. A worker that dies takes its pool's
    unfinished files down with it: each is retried alone in a fresh process, and `died(file)` stands for the result
    of a file that kills that one too. With `jobs` 1 (or one file) the task runs here, in this process."""
    jobs = min(jobs, len(files))  # no worker started for nothing
    if jobs <= 1:
        for file in files:
            done = task(file, prepare(file), packs)
            tick()
            yield done
        return
    context = multiprocessing.get_context("spawn")
    in_flight = jobs * _AHEAD
    pending: deque[tuple[Path, T, ProcessPoolExecutor, Future[R]]] = deque()
    queue = iter(files)
    pool: ProcessPoolExecutor | None = None
    try:
        while True:
            while len(pending) < in_flight and (path := next(queue, None)) is not None:
                before = prepare(path)
                if pool is None:
                    pool = _pool(jobs, context, packs)
                try:
                    future = pool.submit(_run, task, path, before)
                except BrokenProcessPool:  # a worker died since the last submit: this file goes to a fresh pool
                    pool.shutdown(wait=False)
                    pool = _pool(jobs, context, packs)
                    future = pool.submit(_run, task, path, before)
                pending.append((path, before, pool, future))
            if not pending:
                return
            path, before, owner, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:  # the files not yet submitted go to a fresh pool
                if owner is pool:
                    owner.shutdown(wait=False)
                    pool = None
                result = _alone(task, path, before, packs, context, died)
            tick()
            yield result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _pool(jobs: int, context: multiprocessing.context.BaseContext, packs: list[Pack]) -> ProcessPoolExecutor:
    """A pool whose `jobs` workers are all running before any file is handed over. A spawn pool starts its workers
    one by one inside submit(); a worker that died while another was being started left that one outside the pool's
    shutdown, and the run hung at exit (seen in about half of the runs with a crashing file). Each no-op submitted
    while no worker is idle starts one, so they are all started here, where nothing can crash."""
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(packs,))
    for started in [pool.submit(_ready) for _ in range(jobs)]:
        started.result()
    return pool


def _ready() -> None:
    return None


def _alone(task: Callable[[Path, T, list[Pack]], R], path: Path, before: T, packs: list[Pack],
           context: multiprocessing.context.BaseContext, died: Callable[[Path], R]) -> R:
    try:
        with _pool(1, context, packs) as pool:
            return pool.submit(_run, task, path, before).result()
    except BrokenProcessPool:
        return died(path)
