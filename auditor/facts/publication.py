"""The publication date as facts: `report.published` and `report.deadline`, each a day number (Python's
date.toordinal, so that a difference is a number of days), for rule M-DEADLINE.

The deadline is 条例 Art. 49's (domain.md §1): a department's report (局/委, 管委会, a 政府办公室 publishing its
own) by 1月31日 of the year after the report's year, the 本级政府's government-wide report (a 人民政府 above
乡镇) by 3月31日. Pack parameters `deadline_department` and `deadline_government` give each as a month and day
(131, 331), so a supervisor's earlier date is a run configuration's `parameters` (domain.md: 怀化 required 1月28日).
乡镇 and 街道 are not fixed by Art. 49 and usually follow 1月31日 (domain.md §1, [D/K]): they take the
department's date.
"""

from __future__ import annotations

import datetime as dt

from auditor.facts.model import Publication

PUBLISHED = "report.published"
DEADLINE = "report.deadline"
DATE_VALUES = frozenset({PUBLISHED, DEADLINE})  # values that are days: a message shows them as dates
GOVERNMENT_CLASS = "report.agency.government_wide"  # the pack's agency class of 本级人民政府 reports
NO_DATE = "no_date"  # Publication.error: the page was fetched but states no date (any other error is a cause in words)
PARAMETERS = {"department": "deadline_department", "government": "deadline_government"}


class DeadlineError(ValueError):
    """A deadline parameter that is no month and day (1231 is 31 December; 230 is no day)."""


def month_day(value: float) -> tuple[int, int]:
    """A deadline parameter (MMDD: 131) as (month, day). DeadlineError when it is no day of every year (229 is
    not: a deadline must exist each year)."""
    number = int(value)
    month, day = divmod(number, 100)
    if number != value or not 1 <= month <= 12:
        raise DeadlineError(f"{value:g} is not a month and day written MMDD (131 for 1月31日)")
    try:
        dt.date(2023, month, day)  # not a leap year: the date exists every year
    except ValueError:
        raise DeadlineError(f"{value:g} is not a day of every year (month {month}, day {day})") from None
    return month, day


def publication_values(publication: Publication | None) -> dict[str, int]:
    if publication is None or publication.date is None:
        return {}
    return {PUBLISHED: dt.date.fromisoformat(publication.date).toordinal()}


def deadline_values(year: int | None, values: dict[str, int | float], parameters: dict[str, float]) -> dict[str, int]:
    """`report.deadline` for a report of `year` whose body is of the class `values` say; nothing when the year or
    the class is unknown, or the pack has no deadline parameters (the rule is then not assessable)."""
    if year is None or GOVERNMENT_CLASS not in values or not all(p in parameters for p in PARAMETERS.values()):
        return {}
    which = "government" if values[GOVERNMENT_CLASS] else "department"
    month, day = month_day(parameters[PARAMETERS[which]])
    return {DEADLINE: dt.date(year + 1, month, day).toordinal()}


def show_day(number: float) -> str:
    """A day value as a date: 2025-01-31."""
    return dt.date.fromordinal(int(number)).isoformat()
