"""The application's pages through Jinja2 with autoescape, every printed text first made `visible` (a control, ANSI
or bidi character from a report or an uploaded file's name becomes a printed escape), as the report pages are
(auditor.formatters.html.render). No inline script or style: the stylesheet is served from the application, and
the Content-Security-Policy (auditor.web.app) allows nothing else."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from auditor import __version__
from auditor.formatters.html.words import VERDICT_LABELS
from auditor.formatters.safe import visible
from auditor.review.labels import SCOPE_LABELS, STATE_LABELS
from auditor.summary.words import WORDS as SUMMARY_WORDS
from auditor.web.access import csrf_token
from auditor.web.words import WORDS


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("auditor.web", "templates"), autoescape=True, finalize=_finalize,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@cache
def stylesheet() -> str:
    return files("auditor.web").joinpath("style.css").read_text(encoding="utf-8")


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    lang: str = request.app.state.lang
    who = getattr(request.state, "viewer", None)
    html = _environment().get_template(template).render(
        lang=lang, w=WORDS[lang], sw=SUMMARY_WORDS[lang], state_labels=STATE_LABELS[lang],
        scope_labels=SCOPE_LABELS[lang], verdict_labels=VERDICT_LABELS[lang], csrf=csrf_token(request), who=who,
        version=__version__, **values)
    return HTMLResponse(html, status_code=status_code)
