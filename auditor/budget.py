"""A file's time, earned by the work it turns out to need: an audit's worker says "this file is a scan of 12 pages"
and the batch's supervision (auditor.batch) gives it the time that takes, rather than one limit for every file that
either stops every scan or lets a hung text file run for minutes.

The worker writes the seconds it has earned into its own slot of an array of doubles in shared memory, which the
parent reads while it waits for that file. No lock: one writer per slot (the worker running the file), and a worker
killed in the middle of a write cannot leave a lock held for the others, as a killed writer to a multiprocessing
queue can. Outside a supervised worker (a test, `IN_PROCESS`) earning is a no-op: nothing is waiting to stop it.
"""

from __future__ import annotations

from typing import Any

OCR_PAGE_SECONDS = 20.0  # a scanned page's OCR: measured 2–8 s on one core of the CI machine, ×2.5 for a slow one

_credits: Any = None  # the pool's shared array (multiprocessing.RawArray of doubles), set in each worker
_slot: int | None = None  # this worker's slot in it for the file it is running
_page_seconds = OCR_PAGE_SECONDS  # what a page earns in this worker (the run's --ocr-page-seconds)


def attach(credits: Any, page_seconds: float = OCR_PAGE_SECONDS) -> None:
    """In a worker, at its start: the pool's array, and what a scanned page earns."""
    global _credits, _page_seconds
    _credits, _page_seconds = credits, page_seconds


def running(slot: int | None) -> None:
    """In a worker, before each file: the slot its parent reads for that file (None: nobody reads one)."""
    global _slot
    _slot = slot


def earn_page() -> None:
    """A scanned page's OCR time for the file this worker is running."""
    earn(_page_seconds)


def earn(seconds: float) -> None:
    """More time for the file this worker is running, for work it has just found it must do."""
    if _credits is not None and _slot is not None:
        _credits[_slot] += seconds
