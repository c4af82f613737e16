"""The history store (SQLite) and the cross-year values rules read from it.

    with Store(database_path) as store:
        facts = with_last_year(facts, last_year(store, facts, aliases))  # before evaluating this report
        ...                                                                    # evaluate, build the result
        store.record(report_path, facts, result)                               # after auditing it
"""

from auditor.store.db import Store, StoredFacts, file_hash
from auditor.store.previous import last_year, last_year_of, prev_values, with_last_year
from auditor.store.schema import MIGRATIONS, StoreError

__all__ = ["MIGRATIONS", "Store", "StoreError", "StoredFacts", "file_hash", "last_year", "last_year_of",
           "prev_values", "with_last_year"]
