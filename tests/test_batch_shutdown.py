"""A worker killed halfway through sending its result must not leave the batch's process hung at exit."""
from __future__ import annotations

import gc
import os
import struct
import threading
import time
from concurrent.futures.process import _ExecutorManagerThread  # type: ignore[attr-defined]
from multiprocessing.queues import SimpleQueue
from pathlib import Path

from auditor.batch import Supervision, in_order
from auditor.packs.model import Pack


def _half_sent(path: Path, _before: None, _packs: list[Pack]) -> str:
    """Write the first bytes of a result message into the pool's result pipe, then hang: a worker killed now has
    left the reader mid-message, as one killed while sending its result would."""
    if path.name == "half":
        queue = next(o for o in gc.get_objects() if isinstance(o, SimpleQueue))
        os.write(queue._writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)  # noqa: SLF001 - the pool's own pipe
        time.sleep(3600)
    return path.name


def test_a_worker_killed_mid_result_leaves_no_thread_waiting(tmp_path: Path) -> None:
    before = {t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread)}
    files = [tmp_path / "a", tmp_path / "half", tmp_path / "c"]
    results = list(in_order(_half_sent, files, [], 2, lambda: None, lambda _: None,
                            lambda path, why: f"{path.name}:{why.kind}", Supervision(seconds=3)))
    assert results == ["a", "half:timeout", "c"]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        left = [t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread) and t not in before]
        if not any(t.is_alive() for t in left):
            break
        time.sleep(0.2)
    assert not [t for t in left if t.is_alive()], "a pool's manager thread is still waiting for a result"


def test_a_pool_has_all_its_workers_before_the_first_file() -> None:
    """A worker started in the middle of a batch would be sent the result pipe's closed write end."""
    import multiprocessing  # noqa: PLC0415

    from auditor.batch import _pool, _shipped  # noqa: PLC0415 - the pool itself is what is tested

    context = multiprocessing.get_context("spawn")
    with _shipped([]) as packs_file:
        pool = _pool(3, context, packs_file, context.RawArray("d", 1))
        try:
            assert len(pool._processes) == 3  # noqa: SLF001
            assert [f.result() for f in [pool.submit(abs, -n) for n in range(9)]] == list(range(9))
            assert len(pool._processes) == 3  # noqa: SLF001
        finally:
            pool.shutdown()
