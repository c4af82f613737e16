"""`auditor fetch`: reports saved from the web as published (the page, or the attachment it links), each with a
sidecar that says where and when it was fetched and the publication date the page states.

Beside ingest, below the CLI: pages.py reads a fetched page (its publication date, its attachment link), client.py is
the polite client, save.py fetches one URL into a folder, sidecar.py writes and reads the sidecars (the audit reads
the publication date from them: auditor.audit.read_facts), lists.py and dates.py read the list files.

Import from the modules themselves: every audit imports sidecar.py, and must not pay for httpx and lxml, which only
`auditor fetch` needs (issue 14 part 5, tests/test_speed.py), so this package imports nothing.
"""

# `auditor fetch` exits 0 when every URL was saved, 4 when one or more could not be (each named on its line; the
# others are saved all the same), 2 on a usage error (no URL, a list or an output folder that cannot be used).
EXIT_FETCH_FAILED = 4
