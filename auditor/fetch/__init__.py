"""`auditor fetch`: reports saved from the web as published (the page, or the attachment it links), each with a
sidecar that says where and when it was fetched and the publication date the page states.

Beside ingest, below the CLI: pages.py reads a fetched page (its publication date, its attachment link), client.py is
the polite client, save.py fetches one URL into a folder, sidecar.py writes and reads the sidecars (the audit reads
the publication date from them: auditor.audit.read_facts).
"""

from auditor.fetch.client import Policy
from auditor.fetch.save import FetchOptions, ListError, Outcome, fetch_all, read_url_list
from auditor.fetch.sidecar import (
    SIDECAR_SUFFIX,
    Sidecar,
    SidecarError,
    companions,
    fetched_publication,
    read_sidecar,
    sidecar_for,
)

# `auditor fetch` exits 0 when every URL was saved, 4 when one or more could not be (each named on its line; the
# others are saved all the same), 2 on a usage error (no URL, a list or an output folder that cannot be used).
EXIT_FETCH_FAILED = 4

__all__ = ["EXIT_FETCH_FAILED", "SIDECAR_SUFFIX", "FetchOptions", "ListError", "Outcome", "Policy", "Sidecar",
           "SidecarError", "companions", "fetch_all", "fetched_publication", "read_sidecar", "read_url_list",
           "sidecar_for"]
