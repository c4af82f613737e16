"""Many files at once: a task (reading a file, auditing it) run in `-j N` supervised worker processes (one when N is
1), results in input order whatever N is.

Supervised, because one report must cost only itself: a crash in C code (the durable-rules engine, a parser), a file
that runs past `limits.FILE_SECONDS` or a worker over `limits.WORKER_MEMORY_BYTES` ends that worker, not the run.
Workers are *spawned*, not forked: a forked child would inherit the parent's durable-rules Host, and a Host must never
be shared (engine-notes §1.8); an auditing worker builds its own engine on first use. A worker that dies costs only the
file it held: that file is retried alone in a fresh worker and, if it dies again, the caller says what stands for its
result (the audit: a `worker_died` problem for that file); a file that runs out of time is not retried (`timed_out`).
The other files' results are kept.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import resource
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from auditor import budget, limits
from auditor.facts.model import Prepared
from auditor.model import DocumentResult
from auditor.packs.model import Pack
from auditor.problems import problem

_PACKS: list[Pack] = []  # one copy per worker process, set by _start_worker
# Files submitted ahead per worker: enough to keep every worker busy, few enough that a batch's memory stays flat.
_AHEAD = 4
_POLL = 0.5  # seconds between two looks at what a waited-for file has earned (budget)


# A pool that cannot start a worker this many times running is not started again in this batch: each file left is
# its `worker_died` problem at once, not two more starts that fail the same way (a broken install, no memory).
_FAILED_STARTS = 3


def _start_worker(packs_file: str, memory: int, credits: Any, page_seconds: float) -> None:
    global _PACKS
    _PACKS = pickle.loads(Path(packs_file).read_bytes())  # noqa: S301 - written by this batch's parent (_shipped)
    budget.attach(credits, page_seconds)
    # A cap on the address space makes a runaway allocation a MemoryError in this worker (the audit reports it as the
    # file's limit_exceeded) instead of the machine's memory; a C allocation that fails may end the worker instead,
    # which costs its file only.
    with contextlib.suppress(ValueError, OSError):  # a platform without RLIMIT_AS runs unbounded, as before
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


# Fault injection for the tests of supervision (a spawned worker cannot be monkeypatched from the test): a worker
# handed the file of this name exits at once, as a crash in the C engine would end it; raises, as a bug outside the
# task's own guard would; or sleeps, as a hang would.
CRASH_ON = "AUDITOR_TEST_WORKER_CRASH_ON"
RAISE_ON = "AUDITOR_TEST_WORKER_RAISE_ON"
HANG_ON = "AUDITOR_TEST_WORKER_HANG_ON"
EARN_ON = "AUDITOR_TEST_WORKER_EARN_ON"


Audit = Callable[[Path, list[Pack], str, Prepared | None], DocumentResult]
T = TypeVar("T")
R = TypeVar("R")


def _run(task: Callable[[Path, T, list[Pack]], R], path: Path, before: T, slot: int | None = None) -> R:
    budget.running(slot)
    try:
        if os.environ.get(CRASH_ON) == path.name:
            os._exit(70)
        if os.environ.get(RAISE_ON) == path.name:
            raise IndexError("list index out of range")
        if os.environ.get(HANG_ON) == path.name:
            time.sleep(3600)
        if os.environ.get(EARN_ON) == path.name:  # a hang that has earned 2 s more, as a scan's pages earn theirs
            budget.earn(2.0)
            time.sleep(3600)
        return task(path, before, _PACKS)
    finally:
        budget.running(None)


def jobs_wanted(jobs: int) -> int:
    """`-j 0` means one worker per core."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Supervision:
    """How files are audited: in supervised worker processes (`isolate`), each stopped after `seconds`; or, with
    `isolate` False and one job, in the caller's process, unsupervised (for a caller that patches the pipeline, e.g. a
    test)."""

    isolate: bool = True
    seconds: float = limits.FILE_SECONDS
    ocr_page_seconds: float = budget.OCR_PAGE_SECONDS  # what each page of a scan earns beyond `seconds` (budget)


SUPERVISED = Supervision()
IN_PROCESS = Supervision(isolate=False)


@dataclass(frozen=True)
class Lost:
    """Why a file gave no result: its worker died (and again when the file was retried alone), it ran past its time,
    or the task raised outside its own guard (or its result could not be sent back); `reason` says what."""

    kind: Literal["died", "timeout", "error"]
    reason: str = ""


def run_parallel(audit: Audit, files: Sequence[Path], packs: list[Pack], lang: str, jobs: int,
                 tick: Callable[[], None] = lambda: None,
                 prepare: Callable[[Path], Prepared | None] = lambda _: None,
                 supervision: Supervision = SUPERVISED) -> Iterator[DocumentResult]:
    """`audit` (a module-level function: workers find it by name) each of `files` in `jobs` supervised processes;
    results in the order of `files` (in_order). `prepare(file)`: what a first pass already read of it, sent to the
    worker with the file, or None. A file whose worker dies twice is its `worker_died` problem, one that runs out of
    time its `file_timeout`, one whose task failed outside the audit's own guard its `internal_error`."""

    def lost(path: Path, why: Lost) -> DocumentResult:
        shown = str(path)
        if why.kind == "timeout":  # the limit that applied: the run's, plus what the file earned (budget)
            limit = why.reason or f"{supervision.seconds:g}"
            return DocumentResult.unread(shown, problem("file_timeout", lang, shown, limit=limit))
        if why.kind == "error":
            return DocumentResult.unread(shown, problem("internal_error", lang, shown, reason=why.reason))
        return DocumentResult.unread(shown, problem("worker_died", lang, shown))

    return in_order(partial(_audit_task, audit, lang), files, packs, jobs, tick, prepare, lost, supervision)


def _audit_task(audit: Audit, lang: str, path: Path, prepared: Prepared | None, packs: list[Pack]) -> DocumentResult:
    return audit(path, packs, lang, prepared)


def in_order(task: Callable[[Path, T, list[Pack]], R], files: Sequence[Path], packs: list[Pack], jobs: int,
             tick: Callable[[], None], prepare: Callable[[Path], T], lost: Callable[[Path, Lost], R],
             supervision: Supervision = SUPERVISED) -> Iterator[R]:
    """`task(file, prepare(file), packs)` for each of `files` in `jobs` spawned processes (`task` picklable: a
    module-level function or a partial of one); results yielded in the order of `files`, each as soon as it and those
    before it are done. `tick` is called once per file. `prepare` runs in this process only for the few files in
    flight, so a batch of any size holds only their inputs and results.
    A worker that dies takes its pool's unfinished files down with it: each is retried alone in a fresh process, and
    `lost(file, Lost("died"))` stands for the result of a file that kills that one too. A file not done
    `supervision.seconds` after it became the next result, plus the seconds its worker said it earned (budget.earn:
    a scan's pages), is stopped (its pool's workers killed, the others' files retried) and stands as
    Lost("timeout", the limit that applied). Only with IN_PROCESS and one job does the task run here, in this process,
    unsupervised."""
    jobs = min(jobs, len(files))  # no worker started for nothing
    seconds = supervision.seconds
    if jobs == 0:
        return
    if jobs == 1 and not supervision.isolate:
        for file in files:
            done = task(file, prepare(file), packs)
            tick()
            yield done
        return
    context = multiprocessing.get_context("spawn")
    in_flight = jobs * _AHEAD
    credits = context.RawArray("d", in_flight + 1)  # each file in flight has a slot (budget); +1: the one retried
    free = deque(range(in_flight + 1))
    pending: deque[tuple[Path, T, ProcessPoolExecutor | None, Future[R], int]] = deque()
    queue = iter(files)
    pool: ProcessPoolExecutor | None = None
    starts = _Starts(jobs, context, credits, supervision.ocr_page_seconds)
    try:
        with _shipped(packs) as starts.packs_file:
            while True:
                while len(pending) < in_flight and (path := next(queue, None)) is not None:
                    before = prepare(path)
                    slot = free.popleft()
                    credits[slot] = 0.0
                    if pool is None:
                        pool = starts.pool()
                    future = _submit(pool, _run, task, path, before, slot)
                    if future is None and pool is not None:  # a worker died since the last submit: a fresh pool
                        pool.shutdown(wait=False)
                        pool = starts.pool()
                        future = _submit(pool, _run, task, path, before, slot)
                    pending.append((path, before, pool, future or _broken(), slot))
                if not pending:
                    return
                path, before, owner, future, slot = pending.popleft()
                outcome = _wait(future, seconds, partial(credits.__getitem__, slot))
                if isinstance(outcome, Lost) and outcome.kind != "error":  # the pool is broken, or must be stopped
                    if outcome.kind == "timeout" and owner is not None:
                        _kill(owner)
                    if owner is pool:
                        if owner is not None:
                            owner.shutdown(wait=False)
                        pool = None  # the files not yet submitted go to a fresh pool
                    if outcome.kind == "died":
                        credits[slot] = 0.0
                        outcome = _alone(task, path, before, starts, supervision, slot)
                free.append(slot)
                result = lost(path, outcome) if isinstance(outcome, Lost) else outcome
                tick()
                yield result
    finally:
        # Stopped early (the consumer closed us: a full store, a broken pipe) with files still in workers: their
        # results are not wanted, and one of them may be hung, so the workers are killed, not waited for.
        for owner in {id(o): o for _, _, o, _, _ in pending if o is not None}.values():
            _kill(owner)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _shipped(packs: list[Pack]) -> Iterator[str]:
    """The packs pickled once into a private temporary file (mkstemp: 0600), its name the workers are started with;
    removed when the batch ends. Not sent as the workers' start-up arguments: CPython's spawn writes those into a
    pipe whose read end the parent keeps open until the write is done, so a worker that died before reading them
    all (killed for memory, a crash as it imports) left the parent blocked in that write for ever once they passed
    the pipe's 64 KB, and the packs are 650 KB (tests/test_batch.py starts such a worker)."""
    handle, name = tempfile.mkstemp(prefix="auditor-packs-", suffix=".pickle")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(packs, out, protocol=pickle.HIGHEST_PROTOCOL)
        yield name
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


class _Starts:
    """The pools of one batch, started alike; after _FAILED_STARTS starts running that failed, no more."""

    def __init__(self, jobs: int, context: multiprocessing.context.BaseContext, credits: Any,
                 page_seconds: float) -> None:
        self.jobs, self.context, self.credits, self.page_seconds = jobs, context, credits, page_seconds
        self.packs_file = ""
        self.failed = 0

    def pool(self, jobs: int | None = None) -> ProcessPoolExecutor | None:
        """A started pool, or None when its workers could not start (or starting has failed too often)."""
        if self.failed >= _FAILED_STARTS:
            return None
        try:
            pool = _pool(jobs or self.jobs, self.context, self.packs_file, self.credits, self.page_seconds)
        except BrokenProcessPool:
            self.failed += 1
            return None
        self.failed = 0
        return pool


def _submit(pool: ProcessPoolExecutor | None, *call: Any) -> Future[Any] | None:
    """The call's future, or None when the pool is broken (or there is none)."""
    if pool is None:
        return None
    try:
        return pool.submit(*call)
    except BrokenProcessPool:
        return None


def _broken() -> Future[Any]:
    """A future that failed as a dead worker's does: its file is retried alone, and then its worker_died."""
    future: Future[Any] = Future()
    future.set_exception(BrokenProcessPool("no worker could be started"))
    return future


def _wait(future: Future[R], seconds: float, earned: Callable[[], float] = lambda: 0.0) -> R | Lost:
    """The task's result, or why there is none. It has `seconds` from now, and what its worker earns meanwhile
    (`earned`: read again every _POLL seconds)."""
    start = time.monotonic()
    while True:
        limit = seconds + earned()
        remaining = start + limit - time.monotonic()
        try:
            return future.result(timeout=max(0.0, min(remaining, _POLL)))
        except (BrokenProcessPool, CancelledError):  # its pool broke (or was stopped) before it ran: retried alone
            return Lost("died")
        except FutureTimeout as exc:
            if not future.done():
                # Out of time only once a round that read what it earned (a scan's page may begin in the last
                # poll) finds none left.
                if remaining <= 0:
                    return Lost("timeout", f"{limit:g}")
                continue
            if future.cancelled():
                return Lost("died")
            if future.exception() is None:  # done just after the wait gave up: its result is there
                return future.result()
            return Lost("error", f"{type(exc).__name__}: {exc}")  # the task itself raised TimeoutError
        except Exception as exc:  # noqa: BLE001 - the task raised, or its result could not be pickled: this file only
            return Lost("error", f"{type(exc).__name__}: {exc}")


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose task ran out of time. ProcessPoolExecutor can only wait for a running task (before Python
    3.14's kill_workers), so its processes are killed; the pool then counts as broken and its other files are
    retried alone."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):  # already gone
            process.kill()
    # Not cancel_futures: a file queued behind the one stopped must fail as BrokenProcessPool and be retried alone;
    # cancelled, it would race to a CancelledError (handled in _wait, but the retry is what is meant).
    pool.shutdown(wait=False)


def _pool(jobs: int, context: multiprocessing.context.BaseContext, packs_file: str,
          credits: Any, page_seconds: float = budget.OCR_PAGE_SECONDS) -> ProcessPoolExecutor:
    """A pool whose `jobs` workers are all running before any file is handed over, and which never starts another.
    A spawn pool starts its workers one by one inside submit(), as it finds none idle: a worker that died while
    another was being started left that one outside the pool's shutdown, and the run hung at exit (seen in about
    half of the runs with a crashing file); and one that finished its first task while the next was being started
    (pickling the packs for it takes a while) left the pool short, to start a worker in the middle of the batch. So
    the pool is told to start them the way a fork pool does: all at once, in the first submit, here, where nothing
    can crash (Python 3.11 and 3.12 read this flag in submit() only)."""
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                               initargs=(packs_file, limits.WORKER_MEMORY_BYTES, credits, page_seconds))
    pool._safe_to_dynamically_spawn_children = False  # type: ignore[attr-defined]  # noqa: SLF001 - see above
    try:
        pool.submit(_ready).result()
    except BrokenProcessPool:  # a worker died as it started: BrokenProcessPool for the caller (_Starts)
        pool.shutdown(wait=False)
        raise
    # The pool's manager thread reads results from a pipe whose write end this process holds too (it never writes
    # there). A worker killed halfway through sending a result left that thread waiting for the rest of it forever,
    # and the interpreter hung at exit joining it. With this end closed, the workers' deaths close the pipe and the
    # thread reads its end instead. Safe only because no worker is started after this (a new one is sent this end).
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()
    return pool


def _ready() -> None:
    return None


def _alone(task: Callable[[Path, T, list[Pack]], R], path: Path, before: T, starts: _Starts,
           supervision: Supervision, slot: int) -> R | Lost:
    """A file whose pool broke, retried in a fresh process of its own (in its own slot of the credits)."""
    pool = starts.pool(1)
    future = _submit(pool, _run, task, path, before, slot)
    if pool is None or future is None:
        return Lost("died")
    try:
        outcome = _wait(future, supervision.seconds, partial(starts.credits.__getitem__, slot))
        if isinstance(outcome, Lost) and outcome.kind == "timeout":
            _kill(pool)
        return outcome
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
