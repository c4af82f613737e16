"""Refused logins as the store keeps them (schema version 10), so that every process of a deployment counts the same
guesses (auditor.web.throttle decides what the counts allow)."""

from __future__ import annotations

from auditor.store.accounts import now, store_guarded
from auditor.store.db import Store


class SignIns:
    """The `sign_in_failures` table of one open Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._db = store._connection

    @store_guarded
    def failures(self, name: str, client: str, since: str) -> tuple[int, int]:
        """How many logins were refused since `since` (ISO time, UTC) for this account name, and from this client."""
        by_name = self._db.execute("SELECT COUNT(*) FROM sign_in_failures WHERE name = ? AND at >= ?",
                                   (name, since)).fetchone()[0]
        by_client = self._db.execute("SELECT COUNT(*) FROM sign_in_failures WHERE client = ? AND at >= ?",
                                     (client, since)).fetchone()[0]
        return int(by_name), int(by_client)

    @store_guarded
    def refused(self, name: str, client: str, forget_before: str) -> None:
        """A refused login counted; the rows no window reaches any more (older than `forget_before`) dropped."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM sign_in_failures WHERE at < ?", (forget_before,))
            db.execute("INSERT INTO sign_in_failures (name, client, at) VALUES (?, ?, ?)", (name, client, now()))

    @store_guarded
    def succeeded(self, name: str) -> None:
        """The account's own count starts again once its password was given right (its client's count stays)."""
        with self.store._transaction() as db:
            db.execute("DELETE FROM sign_in_failures WHERE name = ?", (name,))
