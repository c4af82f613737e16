"""Supervisors' batch uploads as their pages show them (schema version 10): written by the process running a batch,
read by any process of the deployment (auditor.web.audits), so a page polled through another process, or after a
restart, still shows how far the batch got."""

from __future__ import annotations

import json
from dataclasses import dataclass

from auditor.store.accounts import now, store_guarded
from auditor.store.db import Store

Item = tuple[str, int | None, str]  # (file name, document id, verdict)


@dataclass(frozen=True)
class BatchRow:
    id: str
    owner: int
    total: int
    stage: str
    done: int
    error: str | None
    refused: tuple[str, ...]
    items: tuple[Item, ...]
    started_at: str
    updated_at: str


class Batches:
    """The `batches` table of one open Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._db = store._connection

    @store_guarded
    def save(self, job_id: str, owner: int, total: int, stage: str, done: int, error: str | None,
             refused: tuple[str, ...], items: list[Item]) -> None:
        """The batch as it stands now, `updated_at` now (the first save also sets `started_at`)."""
        stamp = now()
        with self.store._transaction() as db:
            db.execute(
                "INSERT INTO batches (id, owner, total, stage, done, error, refused, items, started_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, "
                "done = excluded.done, error = excluded.error, items = excluded.items, "
                "updated_at = excluded.updated_at",
                (job_id, owner, total, stage, done, error, json.dumps(list(refused), ensure_ascii=False),
                 json.dumps(items, ensure_ascii=False), stamp, stamp))

    @store_guarded
    def get(self, job_id: str) -> BatchRow | None:
        row = self._db.execute("SELECT id, owner, total, stage, done, error, refused, items, started_at, updated_at "
                               "FROM batches WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            return None
        items = tuple((str(n), None if d is None else int(d), str(v)) for n, d, v in json.loads(row[7]))
        return BatchRow(str(row[0]), int(row[1]), int(row[2]), str(row[3]), int(row[4]), row[5],
                        tuple(json.loads(row[6])), items, str(row[8]), str(row[9]))
