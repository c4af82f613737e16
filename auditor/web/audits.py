"""Audits for the web application, run one at a time in a thread of their own: never in the event loop's thread, never
in a request's. Each goes through auditor.run.audit_stream, which audits every file in a supervised worker process
(the durable-rules engine is bound to the thread that made it, and a crash or a hang in a parser must cost that file
only), exactly as `auditor audit` does; with the store for a submission or a batch (recorded as `audit --db`
records), without it for a self-check (a self-check is no part of the office's year).

A request that needs the result at once (a self-check, a submission) waits for it; a batch is a Job whose progress
a page polls, so a long batch never holds a request open.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from auditor import budget, limits
from auditor.batch import Supervision
from auditor.model import DocumentResult
from auditor.packs import Pack
from auditor.review import Ledger
from auditor.run import audit_stream
from auditor.store import Store, StoreError, file_hash, results
from auditor.store.accounts import Accounts
from auditor.store.batches import Batches
from auditor.web.uploads import Received

_T = TypeVar("_T")
# Seconds a request waits for its own audit (a self-check, a submission): the longest a file may take (the worker's
# own limit, and a scan of the most pages allowed earning its OCR time, auditor.budget), plus the worker's start and
# the store's work, plus the audits queued before it.
WAIT_SECONDS = limits.FILE_SECONDS + limits.MAX_SCAN_PAGES * budget.OCR_PAGE_SECONDS + 600.0
JOBS_KEPT = 200  # finished batch jobs remembered for their pages; the oldest are forgotten first


class AlreadySubmitted(Exception):
    """The agency has submitted a report of that year already (or this very upload): one version a year."""


def submitted_before(accounts: Accounts, upload_id: int) -> bool:
    """Whether the upload, or another of its agency's uploads of the same report year, was submitted."""
    found = accounts.upload(upload_id)
    if found is None:
        return False
    year = year_of(found.result)
    return any(u.submitted_at is not None and (u.id == upload_id or year_of(u.result) == year)
               for u in accounts.uploads(found.agency))


def year_of(result: str | None) -> int | None:
    """The report year of an upload's stored audit (None: none, or unreadable)."""
    try:
        return results.load(result or "").report.year
    except results.ResultError:
        return None


@dataclass
class Job:
    """A batch in progress, as its page shows it. Mutable state, written by the audit thread under `lock`."""

    id: str
    owner: int  # the user who started it: only they (or another supervisor) see it
    total: int
    stage: str = "queued"  # queued | record | audit | done | failed
    done: int = 0
    error: str | None = None
    refused: tuple[str, ...] = ()  # the files not audited, with why (uploads.Refused)
    items: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file name, document id, verdict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # When the store last heard of it: set on a job read from the store (another process runs it, or ran it before
    # a restart); None on one this process runs.
    updated_at: str | None = None

    def snapshot(self) -> Job:
        with self.lock:
            return dataclasses.replace(self, items=list(self.items), lock=threading.Lock())

    @property
    def quiet_minutes(self) -> int:
        """Minutes since a job read from the store last made progress (0: finished, or run by this process)."""
        if self.updated_at is None or self.stage in ("done", "failed"):
            return 0
        return int((datetime.now(UTC) - datetime.fromisoformat(self.updated_at)).total_seconds() // 60)

    def save(self, store: Store) -> None:
        snapshot = self.snapshot()
        Batches(store).save(snapshot.id, snapshot.owner, snapshot.total, snapshot.stage, snapshot.done,
                            snapshot.error, snapshot.refused, snapshot.items)


class Audits:
    """The application's audit thread and its batch jobs."""

    def __init__(self, db: Path | str, packs: list[Pack], lang: str = "zh",
                 seconds: float = limits.FILE_SECONDS) -> None:
        self.db = db
        self.packs = packs
        self.lang = lang
        self.supervision = Supervision(seconds=seconds)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auditor-audits")
        self._jobs: dict[str, Job] = {}
        self._jobs_lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _wait(self, task: Callable[[], _T]) -> _T:
        future: Future[_T] = self._pool.submit(task)
        return future.result(timeout=WAIT_SECONDS)

    def check(self, received: Received) -> DocumentResult:
        """A self-check: the file audited as the CLI would without a store, the decisions already made on its
        findings shown; nothing recorded in the documents."""
        return self._wait(lambda: self._check(received))

    def _check(self, received: Received) -> DocumentResult:
        with Store(self.db) as store:
            ledger = Ledger(store.decisions())
        with tempfile.TemporaryDirectory(prefix="auditor-web-") as folder:
            path = received.write(Path(folder))
            run = audit_stream([path], self.packs, self.lang, 1, None, None, self.supervision, ledger, view=True)
            try:
                document = next(iter(run.documents))
            finally:
                run.documents.close()
        return dataclasses.replace(document, path=received.name)

    def submit(self, upload_id: int, received: Received) -> DocumentResult:
        """The upload recorded in the store as the office's copy (`audit --db` would record it so: last year's
        report and the year's other reports give the cross-report rules their numbers), and the upload marked
        submitted with that audit."""
        return self._wait(lambda: self._submit(upload_id, received))

    def _submit(self, upload_id: int, received: Received) -> DocumentResult:
        with Store(self.db) as store, tempfile.TemporaryDirectory(prefix="auditor-web-") as folder:
            accounts = Accounts(store)
            found = accounts.upload(upload_id)
            if found is None or submitted_before(accounts, upload_id):
                raise AlreadySubmitted
            # The store's claim, not this thread's order, makes it one version a year: another process of the
            # deployment may be submitting the same agency's year at this moment.
            stale = (datetime.now(UTC) - timedelta(seconds=WAIT_SECONDS + 60)).isoformat(timespec="microseconds")
            if not accounts.claim_submission(found.agency, year_of(found.result) or 0, upload_id, stale):
                raise AlreadySubmitted
            try:
                path = received.write(Path(folder))
                document = self._recorded(store, [path])[0]
                document_id = accounts.document_id(file_hash(path), document.pack or "")
                shown = dataclasses.replace(document, path=received.name)
                accounts.mark_submitted(upload_id, document_id, results.dump(shown))
            except BaseException:
                with suppress(StoreError):  # the store failing again must not hide why the submission failed
                    accounts.release_submission(upload_id)
                raise
        return shown

    def _recorded(self, store: Store, paths: list[Path],
                  progress: Callable[[int, str], Callable[[], None]] | None = None) -> list[DocumentResult]:
        run = audit_stream(paths, self.packs, self.lang, 1, progress, store, self.supervision, view=True)
        try:
            return list(run.documents)
        finally:
            run.documents.close()  # records what was audited, and stops the workers

    def start_batch(self, owner: int, files: list[Received], refused: tuple[str, ...] = ()) -> Job:
        """A batch (a supervisor's): recorded in the store as `audit --db` records a folder, each file also kept as
        an upload so its annotated page can be shown. Returns at once; the Job tells the progress."""
        job = Job(uuid.uuid4().hex, owner, len(files), refused=refused)
        with Store(self.db) as store:  # a store that cannot take it refuses the batch now, with its message
            job.save(store)
        with self._jobs_lock:
            self._jobs[job.id] = job
            while len(self._jobs) > JOBS_KEPT:
                del self._jobs[next(iter(self._jobs))]
        self._pool.submit(self._batch, job, files)
        return job

    def job(self, job_id: str) -> Job | None:
        """The batch as this process knows it, else as the store last heard of it (None: no such batch)."""
        with self._jobs_lock:
            job = self._jobs.get(job_id)
        if job is not None:
            return job.snapshot()
        with Store(self.db) as store:
            row = Batches(store).get(job_id)
        if row is None:
            return None
        return Job(row.id, row.owner, row.total, row.stage, row.done, row.error, row.refused, list(row.items),
                   updated_at=row.updated_at)

    def _batch(self, job: Job, files: list[Received]) -> None:
        store: Store | None = None

        def told() -> None:
            # Inside a transaction of the audit's (a batch of records) the save would be part of it, seen by other
            # processes only at its commit: skipped, so the recording stage is saved when it ends (the page's
            # patience for each stage allows for that: app.QUIET_MINUTES).
            if store is not None and not store.in_transaction:
                job.save(store)

        def progress(total: int, stage: str) -> Callable[[], None]:
            with job.lock:
                job.stage, job.done = stage, 0
            told()

            def tick() -> None:
                with job.lock:
                    job.done += 1
                told()

            return tick

        try:
            with Store(self.db) as store, tempfile.TemporaryDirectory(prefix="auditor-web-") as folder:
                paths = [f.write(Path(folder), number) for number, f in enumerate(files, start=1)]
                documents = self._recorded(store, paths, progress)
                accounts = Accounts(store)
                for received, path, document in zip(files, paths, documents, strict=True):
                    document_id = accounts.document_id(file_hash(path), document.pack or "")
                    shown = dataclasses.replace(document, path=received.name)
                    upload_id = accounts.add_upload(job.owner, document.report.agency or "", received.name,
                                                    received.sha256, received.content, results.dump(shown))
                    accounts.mark_submitted(upload_id, document_id, results.dump(shown))
                    with job.lock:
                        job.items.append((received.name, document_id, document.verdict.value))
                    told()
                with job.lock:
                    job.stage = "done"
                job.save(store)
        except Exception as exc:  # noqa: BLE001 - the job's page says what stopped it (a StoreError's message)
            message = exc.message(self.lang) if hasattr(exc, "message") else f"{type(exc).__name__}: {exc}"
            with job.lock:
                job.stage, job.error = "failed", str(message)
            with suppress(StoreError), Store(self.db) as again:  # the store may be what failed: then memory only
                job.save(again)
