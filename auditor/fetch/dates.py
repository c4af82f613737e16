"""Dates as pages and lists write them. Its own module, without lxml: `audit --published` reads dates through it,
and an audit must not import the page parser (issue 14 part 5: a cold start pays for every import)."""

from __future__ import annotations

import datetime as dt
import re

# A date as pages write it: 2025-01-20, 2025/1/20, 2025.01.20, 2025年1月20日 (a time may follow).
DATE = r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_WHOLE_DATE = re.compile(DATE + r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2})?)?")


def parse_date(text: str) -> dt.date | None:
    """A date written alone as pages write it (2025-01-20, 2025/1/20, 2025.01.20, 2025年1月20日, a time after it
    allowed), for a date given in a list (`audit --published`); None when it is not one or no such day."""
    match = _WHOLE_DATE.fullmatch(text.strip())
    return day_of(match) if match else None


def day_of(match: re.Match[str]) -> dt.date | None:
    """The day a DATE match names (groups 1–3), None when there is no such day (2025-02-30)."""
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
