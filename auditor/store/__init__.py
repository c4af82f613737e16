"""The history store (an SQLite file, or a PostgreSQL database: auditor.store.postgres) and what the cross-report
rules read from it: last year's report of the same body (previous.py) and the other bodies' reports of the same year
(peers.py).

    with Store(database_path) as store:
        facts = with_history(facts, last_year(store, facts, aliases))  # before evaluating this report
        ...                                                           # evaluate, build the result
        store.record(report_path, facts, result)                      # after auditing it

Whatever stops the store (no such folder, read-only, not a database, a newer schema, locked, the disk full,
corrupt) is a StoreError, whose `kind` and `message(lang)` say which (errors.py).
"""

from auditor.store.db import Store, StoredFacts, file_hash
from auditor.store.errors import StoreError
from auditor.store.postgres import display, is_url
from auditor.store.previous import (
    LAST_YEAR_MARK,
    PREVIOUS_PROBLEMS,
    STORE_MARK,
    last_year,
    last_year_of,
    prev_values,
    problem_items,
    with_history,
)
from auditor.store.schema import MIGRATIONS

__all__ = ["LAST_YEAR_MARK", "MIGRATIONS", "PREVIOUS_PROBLEMS", "STORE_MARK", "Store", "StoreError", "StoredFacts",
           "display", "is_url",
           "file_hash", "last_year", "last_year_of", "prev_values", "problem_items", "with_history"]
