"""A horizontal bar chart as inline SVG: no script, no external asset, readable without a browser plug-in. Labels
and title go through `html_text`; colours and numbers are the writer's own."""

from __future__ import annotations

from auditor.formatters.safe import html_text

SEVERITY_COLORS = {"error": "#c62828", "warning": "#ef8f00", "info": "#1f77b4"}
STATUS_COLORS = {"problem": "#6d4c41", "incomplete": "#8e24aa",
                 "error": "#c62828", "warning": "#ef8f00", "info": "#1f77b4",
                 "pass": "#2e7d32"}

_ROW, _BAR, _LABEL, _WIDTH = 22, 16, 190, 360  # pixel geometry: row pitch, bar height, label column, bar area


def bar_chart(bars: list[tuple[str, int, str]], title: str) -> str:
    """One bar per (label, value, colour), the longest bar the full width; an empty list gives an empty chart."""
    top = max((value for _, value, _ in bars), default=0) or 1
    height = _ROW * len(bars) + 8
    width = _LABEL + _WIDTH + 50
    parts = [f'<svg role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{html_text(title)}</title>']
    for index, (label, value, color) in enumerate(bars):
        y = 4 + index * _ROW
        length = round(_WIDTH * value / top)
        parts.append(f'<text x="{_LABEL - 6}" y="{y + 13}" text-anchor="end" font-size="12">{html_text(label)}</text>'
                     f'<rect x="{_LABEL}" y="{y}" width="{length}" height="{_BAR}" fill="{color}"/>'
                     f'<text x="{_LABEL + length + 4}" y="{y + 13}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
