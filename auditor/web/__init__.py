"""The web application (issue 12): the agencies' self-check and the supervisory office's desk over the history store,
a layer above the review and the summary, beside the CLI and as thin as it (STYLE §17).

    app = create_app("audits.db", packs)             # `auditor serve --db audits.db` runs it under uvicorn

app.py has the routes; access.py decides who may see what; audits.py runs every audit off the request, in a thread
of its own and the supervised workers under it; desk.py reads what the supervisor's pages show.
"""

from auditor.web.app import create_app

__all__ = ["create_app"]
