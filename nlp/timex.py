"""TIMEX3-style values as calendar intervals, to compare dates of different precision.

>>> interval("2025-Q1")
(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
>>> compatible("2023-09-12", "2023-09"), compatible("2023-09-12", "2023-10")
(True, False)
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


def _month_end(year: int, month: int) -> date:
    while month > 12:
        year, month = year + 1, month - 12
    return date(year, month, calendar.monthrange(year, month)[1])


def interval(value: str | None, end_value: str | None = None) -> tuple[date, date] | None:
    """First and last day a TIMEX value covers (through ``end_value`` for a range); None if vague."""
    if not value:
        return None
    first = _interval(value)
    if first is None:
        return None
    if end_value:
        last = _interval(end_value)
        if last is not None:
            return first[0], last[1]
    return first


def _interval(value: str) -> tuple[date, date] | None:
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), _month_end(year, month)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        year, quarter = int(m[1]), int(m[2])
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
        year, (first, last) = int(m[1]), SEASON_MONTHS[m[2]]
        return date(year, first, 1), _month_end(year, last)
    if m := re.fullmatch(r"(\d{4})", value):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    return None


def compatible(a: str | None, b: str | None, a_end: str | None = None, b_end: str | None = None) -> bool:
    """Whether two dates can be the same time: equal at the coarser precision, or one inside the other's range."""
    first, second = interval(a, a_end), interval(b, b_end)
    if first is None or second is None:
        return False
    return first[0] <= second[1] and second[0] <= first[1]
