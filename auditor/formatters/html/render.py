"""Pages through Jinja2 with autoescape: every value a template prints is first made `visible` (a control, ANSI or
bidi character from a report becomes a printed escape such as `\\u202e`), then HTML-escaped; only the page's own
stylesheet and script, read from this package, are written raw, and the Content-Security-Policy names them by hash.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from auditor import __version__
from auditor.describe import describe_line
from auditor.facts.vocabulary import CHINESE_NUMERALS, TABLES
from auditor.formatters.html.words import SEVERITY_LABELS, STATE_LABELS, STATES, VERDICT_LABELS, WORDS
from auditor.formatters.safe import visible

if TYPE_CHECKING:
    from jinja2 import Environment


def _finalize(value: Any) -> Any:
    """Every printed value: markup of our own (a macro's output) as it is, text made visible (then escaped)."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # only a run that writes HTML needs it

    return Environment(loader=PackageLoader("auditor.formatters.html", "templates"), autoescape=True,
                       finalize=_finalize, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


@cache
def _asset(name: str) -> str:
    return files("auditor.formatters.html").joinpath(name).read_text(encoding="utf-8")


def _common(lang: str, script: bool) -> dict[str, Any]:
    style = _asset("style.css")
    code = _asset("filters.js") if script else ""
    return {"lang": lang, "w": WORDS[lang], "sev_labels": SEVERITY_LABELS[lang], "state_labels": STATE_LABELS[lang],
            "verdict_labels": VERDICT_LABELS[lang], "states": STATES, "version": __version__,
            "place": lambda line, page, page_line: describe_line(line, page, page_line, lang),
            "style": Markup(style), "style_hash": _hash(style), "script": Markup(code), "script_hash": _hash(code),
            "table_names": lambda tables: ("、" if lang == "zh" else ", ").join(
                TABLES[t][lang != "zh"] for t in tables if t in TABLES),
            "section_names": lambda numbers: ("、" if lang == "zh" else ", ").join(
                CHINESE_NUMERALS[n - 1] if lang == "zh" and 0 < n <= 10 else str(n) for n in numbers)}


def render(template: str, lang: str, script: bool = False, **values: Any) -> str:
    return _environment().get_template(template).render(**_common(lang, script), **values)
