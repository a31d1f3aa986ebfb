"""Date expressions in news text, resolved against the publication date to TimeML TIMEX3-style values.

    >>> [(m.text, m.value, m.precision) for m in find_dates("Sales fell last September.", date(2023, 10, 10))]
    [('last September', '2023-09', 'month')]

Values: ``2025-01-19`` (day), ``2025-W12`` (week), ``2025-09`` (month), ``2025-Q3`` and seasons such as
``2024-SU`` (quarter), ``2025`` (year); ``PRESENT_REF``, ``PAST_REF`` and ``FUTURE_REF`` for "now",
"recently" and "in the coming months" (precision ``vague``: never a made-up exact day). A range has
``date_end``; "early 2025", "mid-2024" and "the end of 2024" keep their year with ``mod`` START, MID, END.

The expressions are found by the patterns below (the grammar of dates in news prose) and, for what they
miss, by the spaCy model's DATE entities that dateparser can read; durations ("for two years", "30 years")
and ages are never dates. Absolute dates are read by one reused dateparser ``DateDataParser``; relative ones
by rules over the reference date, because dateparser cannot resolve "last September", "between 2024 and
2027", quarters or weekday tense.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from nlp import grammar as g
from nlp.date_anaphora import (
    anaphoric_dates,
    coordinated_months,
    of_that_year,
    offset_dates,
    sequenced_weekdays,
    that_month,
)
from nlp.pattern_scan import scanner
from nlp.timex import interval

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Kinds whose year, when not written, is the one closest to the reference.
YEARLESS_KINDS = {
    "month_day",
    "month",
    "day_range",
    "day_span",
    "month_period",
    "month_range",
    "season",
    "season_ahead",
    "holiday",
}
# A quarter told in the future tense is this year's while its figures may still be ahead (reported within
# about a quarter of its end), else next year's.
QUARTER_REPORTED = timedelta(days=100)
# Words before a period whose figures are told: "results for the fourth quarter", "earnings in the third".
REPORTED_FOR = re.compile(r"\b(?:results|earnings|figures|accounts|numbers)\s+(?:for|in|of)$")
PERIOD_MONTHS = {"quarter": 3, "half": 6, "half-year": 6, "year": 12}  # "the half to June"
# Words before a weekday that make it a limit ahead, whatever the tense: "adjourned the hearing until Thursday".
UNTIL = re.compile(r"\b(?:until|till)\s+$", re.I)


def _after_until(text: str, start: int) -> bool:
    """Whether the date at ``start`` follows "until" or "till"."""
    return UNTIL.search(text, max(0, start - 8), start) is not None


SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
QUARTER_WORDS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
    "last": 4,  # "the last quarter of 2023"
}
MOD_WORDS = {
    "early": "START",
    "the start of": "START",
    "the beginning of": "START",
    "start of": "START",
    "beginning of": "START",
    "mid": "MID",
    "mid-": "MID",
    "the middle of": "MID",
    "middle of": "MID",
    "late": "END",
    "the end of": "END",
    "end of": "END",
    "end-": "END",
    "the close of": "END",
}


@dataclass(frozen=True)
class DateMention:
    """A date expression: its span, its TIMEX3-style value and precision, a range end and a modifier."""

    start: int
    end: int
    text: str
    value: str | None
    precision: str | None
    date_end: str | None = None
    mod: str | None = None
    year_inferred: bool = False  # "June 19", "in March": the year was chosen, not written

    @property
    def is_vague(self) -> bool:
        return self.precision == "vague"


def _day_number(text: str) -> int:
    """31 for "31", "31st"."""
    return int(re.sub(r"\D", "", text))


def _as_date(reference: date | datetime) -> date:
    return reference.date() if isinstance(reference, datetime) else reference


def _month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week_value(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _closest_day(month: int, day: int, reference: date) -> date | None:
    """The date with this month and day nearest to ``reference`` (news omits the year when it is obvious)."""
    best = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - reference).days) < abs((best - reference).days):
            best = candidate
    return best


def _closest_month(month: int, reference: date) -> tuple[int, int]:
    options = [(year, month) for year in (reference.year - 1, reference.year, reference.year + 1)]
    return min(options, key=lambda ym: abs((ym[0] * 12 + ym[1]) - (reference.year * 12 + reference.month)))


def _day_range(first_month: int, first: str, last_month: int, last: str, year: str | None, reference: date):
    """(value, precision, date_end, mod) of a range of days; the year is the closest one when not given."""
    try:
        if year:
            first_day = date(int(year), first_month, _day_number(first))
        else:
            first_day = _closest_day(first_month, _day_number(first), reference)
        if first_day is None:
            return None
        last_day = date(
            first_day.year + (1 if last_month < first_month else 0), last_month, _day_number(last)
        )
    except ValueError:
        return None
    if last_day <= first_day:
        return None
    return first_day.isoformat(), "day", last_day.isoformat(), None


def _season_year(season: str, which: str, reference: date) -> int:
    """The year of "this/last/next <season>" or a bare season; winter counts in the year it starts."""
    first = SEASON_START_MONTH[season]
    here = reference.year * 12 + reference.month - 1
    starts = [year * 12 + first - 1 for year in range(reference.year - 2, reference.year + 3)]
    current = next((s for s in starts if s <= here < s + 3), None)
    if which == "last":
        chosen = max(s for s in starts if s + 3 <= here)
    elif which == "next":
        chosen = min(s for s in starts if s > here)
    elif current is not None:
        chosen = current
    elif which == "this":
        chosen = (
            min(s for s in starts if s > here)
            if first > reference.month
            else max(s for s in starts if s <= here)
        )
    else:
        chosen = min(starts, key=lambda s: min(abs(here - s), abs(here - (s + 2))))
    return chosen // 12


def _weekday(name: str, reference: date, direction: str) -> date:
    """``direction``: 'past' (on or before), 'last' (strictly before), 'next' (strictly after), 'coming' (on
    or after: "trading starts on Thursday", written on a Thursday morning, is that day)."""
    target = g.WEEKDAY_INDEX[name.lower()[:3]]
    if direction == "next":
        return reference + timedelta(days=(target - reference.weekday() - 1) % 7 + 1)
    if direction == "coming":
        return reference + timedelta(days=(target - reference.weekday()) % 7)
    back = (reference.weekday() - target) % 7
    if direction == "last" and back == 0:
        back = 7
    return reference - timedelta(days=back)


@lru_cache(maxsize=1)
def _absolute_parser():
    from dateparser.date import DateDataParser

    # One parser for absolute forms ("19 January 2025", "Jan. 19, 2025", "2025-01-19"): the reference
    # plays no part in them, so it is built once and reused.
    return DateDataParser(
        languages=["en"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": True, "STRICT_PARSING": True},
    )


def _parse_absolute(text: str) -> tuple[str, str] | None:
    data = _absolute_parser().get_date_data(text)
    if data.date_obj is None:
        return None
    when = data.date_obj
    if data.period == "day" or data.period == "time":
        return when.date().isoformat(), "day"
    if data.period == "month":
        return _month_value(when.year, when.month), "month"
    if data.period == "year":
        return f"{when.year:04d}", "year"
    return None


# Events set on a calendar: held in the present tense ("holds an election in May"), they lie ahead.
SCHEDULED_EVENTS = {
    "election",
    "vote",
    "referendum",
    "ballot",
    "summit",
    "meeting",
    "conference",
    "hearing",
    "auction",
    "congress",
    "convention",
}
BARE_MONTH = re.compile(g.MONTH)
# The grammar's patterns, each with the function that finds its matches (``finditer``'s, found faster)
SCANS = [(kind, pattern, scanner(pattern)) for kind, pattern in g.PATTERNS]
BARE_WEEKDAY = re.compile(rf"(?:on\s+)?{g.WEEKDAY}", re.I)


def _future_context(text: str, start: int) -> bool:
    window = text[max(0, start - 60) : start]
    return bool(g.FUTURE_CUES.search(window))


def _quarter_from(reference: date, shift: int) -> str:
    """The quarter ``shift`` quarters from the reference's own ("this quarter" 0, "next quarter" 1)."""
    index = reference.year * 4 + (reference.month - 1) // 3 + shift
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def _resolve(match: re.Match, kind: str, text: str, reference: date):
    """(value, precision, date_end, mod) for one pattern match, or None."""
    groups = match.groupdict()
    year = reference.year

    def relative_year(word: str | None) -> int | None:
        if word is None:
            return None
        word = word.lower()
        if re.fullmatch(r"\d{4}", word):
            return int(word)
        return {"this year": year, "the year": year, "last year": year - 1, "next year": year + 1}.get(word)

    if kind == "year_range":
        first, second = int(groups["y1"]), groups["y2"]
        second_year = int(second) if len(second) == 4 else int(str(first)[:2] + second)
        if second_year <= first:
            return None
        return f"{first:04d}", "year", f"{second_year:04d}", None
    if kind == "day_range":  # June 16-17
        month = g.month_number(groups["month"])
        return _day_range(month, groups["d1"], month, groups["d2"], groups.get("year"), reference)
    if kind == "day_span":  # Oct. 7 to Oct. 11
        if groups["link"] == "and" and not match.group(0).lower().startswith("between"):
            return None  # "May 2 and May 9": two dates, not a range
        first_month, last_month = g.month_number(groups["m1"]), g.month_number(groups["m2"])
        return _day_range(first_month, groups["d1"], last_month, groups["d2"], groups.get("year"), reference)
    if kind == "month_range":
        m1, m2 = g.month_number(groups["m1"]), g.month_number(groups["m2"])
        explicit = groups.get("year")
        y = int(explicit) if explicit else _closest_month(m1, reference)[0]
        y2 = y if m2 >= m1 else y + 1
        return _month_value(y, m1), "month", _month_value(y2, m2), None
    if kind == "month_period":
        m1, m2 = g.month_number(groups["m1"]), g.month_number(groups["m2"])
        months = (m2 - m1) % 12 + 1
        if months > 6:
            return None
        explicit = groups.get("year")
        # The period nearest the publication (by its middle month): "the January-to-March quarter" in
        # February or in May; "the December-February period" starts the year before its middle month's.
        middle = _shift_month(2000, m1, months // 2)[1]
        y = int(explicit) if explicit else _closest_month(middle, reference)[0] - (middle < m1)
        if m1 % 3 == 1 and months == 3:
            return f"{y:04d}-Q{m1 // 3 + 1}", "quarter", None, None
        y2 = y if m2 >= m1 else y + 1
        return _month_value(y, m1), "month", _month_value(y2, m2), None
    if kind == "period_to":  # the three months to September: a quarter when it is one, else months
        unit = (groups.get("unit") or "").lower()
        months = PERIOD_MONTHS[re.sub(r"\s+", "-", unit)] if unit else g.number_value(groups["count"])
        last = g.month_number(groups["month"])
        y = int(groups["year"]) if groups.get("year") else _closest_month(last, reference)[0]
        first_year, first = _shift_month(y, last, 1 - months)
        if months == 3 and last % 3 == 0:
            return f"{y:04d}-Q{last // 3}", "quarter", None, None
        return _month_value(first_year, first), "month", _month_value(y, last), None
    if kind == "months_of":  # the first three months of 2025
        count = g.number_value(groups["count"])
        y = relative_year(groups["year"]) or year
        if count == 3:
            return f"{y:04d}-Q{1 if groups['which'].lower() == 'first' else 4}", "quarter", None, None
        first = 1 if groups["which"].lower() == "first" else 13 - count
        return _month_value(y, first), "month", _month_value(y, first + count - 1), None
    if kind == "half":
        if groups.get("hn"):
            half = int(groups["hn"])
        else:
            half = 1 if groups["half"].lower() in ("first", "1st") else 2
        y = relative_year(groups.get("year") or groups.get("year2")) or year
        months = (1, 6) if half == 1 else (7, 12)
        return _month_value(y, months[0]), "month", _month_value(y, months[1]), None
    if kind == "full_date":
        parsed = _parse_absolute(re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", match.group(0)))
        if parsed is None:
            return None
        return parsed[0], parsed[1], None, None
    if kind == "iso_date":
        try:
            return date.fromisoformat(match.group(0)).isoformat(), "day", None, None
        except ValueError:
            return None
    if kind == "numeric_date":
        day, month, y = int(groups["a"]), int(groups["b"]), int(groups["year"])
        if day <= 12 and month <= 12 and day != month:
            return None  # 03/04/2024: day-month or month-day cannot be told apart
        if month > 12:
            day, month = month, day
        try:
            return date(y, month, day).isoformat(), "day", None, None
        except ValueError:
            return None
    if kind in ("dotted_date", "slashed_iso_date"):
        try:
            day = date(int(groups["year"]), int(groups["month"]), int(groups["day"]))
        except ValueError:
            return None
        return day.isoformat(), "day", None, None
    if kind == "ordinal_day":  # on the 3rd: the last such day, or the next one where the clause looks ahead
        number = _day_number(groups["day"])
        limit = match.group(0).split()[0].lower() in ("by", "until", "till")  # "submit offers by the 21st"
        ahead = limit or _future_context(text, match.start())
        for shift in (0, 1, 2) if ahead else (0, -1, -2):
            y, m = _shift_month(reference.year, reference.month, shift)
            try:
                day = date(y, m, number)
            except ValueError:
                continue
            if (day >= reference) if ahead else (day <= reference):
                return day.isoformat(), "day", None, None
        return None
    if kind == "week_of":
        month, day_text = (groups["m1"], groups["d1"]) if groups.get("m1") else (groups["m2"], groups["d2"])
        found = _closest_day(g.month_number(month), _day_number(day_text), reference)
        return (_week_value(found), "week", None, None) if found else None
    if kind == "month_day":
        month = g.month_number(groups["month"])
        day = _day_number(groups["day"])
        found = _closest_day(month, day, reference)
        return (found.isoformat(), "day", None, None) if found else None
    if kind == "month_relative_year":
        shift = {"last": -1, "next": 1, "this": 0}[groups["which"]]
        return _month_value(year + shift, g.month_number(groups["month"])), "month", None, None
    if kind == "month_year":
        return _month_value(int(groups["year"]), g.month_number(groups["month"])), "month", None, None
    if kind == "month":
        month = g.month_number(groups["month"])
        which = (groups.get("which") or "").lower()
        current = (reference.year, reference.month)
        if which == "last":
            y = year if month < reference.month else year - 1
        elif which == "next":
            y = year if month > reference.month else year + 1
        elif which == "this":
            y = year
        else:
            y = _closest_month(month, reference)[0] if (year, month) != current else year
        return _month_value(y, month), "month", None, None
    if kind == "modified":
        mod = MOD_WORDS[re.sub(r"\s+", " ", groups["mod"].lower())]
        inner = groups["inner"].lower()
        if re.fullmatch(r"\d{4}", inner) or inner in ("this year", "the year", "last year", "next year"):
            return f"{relative_year(inner):04d}", "year", None, mod
        if inner in ("the month", "this month"):
            return _month_value(reference.year, reference.month), "month", None, mod
        if inner in ("the week", "this week", "next week", "last week"):
            shift = {"next week": 7, "last week": -7}.get(inner, 0)
            return _week_value(reference + timedelta(days=shift)), "week", None, mod
        if inner.endswith("quarter"):  # by the end of the quarter / early next quarter
            return (
                _quarter_from(reference, {"next": 1, "last": -1}.get(inner.split()[0], 0)),
                "quarter",
                None,
                mod,
            )
        if inner in ("next month", "last month"):
            y, m = _shift_month(reference.year, reference.month, 1 if inner == "next month" else -1)
            return _month_value(y, m), "month", None, mod
        season_match = re.fullmatch(r"(?:(this|last|next|the)\s+)?(spring|summer|autumn|winter)", inner)
        if season_match:  # late summer / early this winter
            which, season = season_match.group(1) or "", SEASONS[season_match.group(2)]
            return (
                f"{_season_year(season, which if which != 'the' else '', reference):04d}-{season}",
                "quarter",
                None,
                mod,
            )
        month_match = re.fullmatch(rf"({g.MONTH})(?:\s+(\d{{4}}))?", groups["inner"])
        if month_match:
            month = g.month_number(month_match.group(1))
            if month_match.group(2):
                return _month_value(int(month_match.group(2)), month), "month", None, mod
            y, _ = _closest_month(month, reference)
            return _month_value(y, month), "month", None, mod
        return None
    if kind == "quarter":
        number = groups.get("qn")
        q = int(number) if number else QUARTER_WORDS[groups["qword"].lower()]
        y = relative_year(groups.get("year") or groups.get("year2")) or year
        return f"{y:04d}-Q{q}", "quarter", None, None
    if kind == "month_quarter":  # the December quarter: the quarter that ends that month
        last = g.month_number(groups["month"])
        if last % 3:
            return None  # "the April quarter" is a company's own (February to April), no calendar quarter
        y = int(groups["year"]) if groups.get("year") else _closest_month(last, reference)[0]
        return f"{y:04d}-Q{last // 3}", "quarter", None, None
    if kind == "relative_quarter":
        shift = {"this": 0, "last": -1, "previous": -1, "next": 1}[groups["which"].lower()]
        return _quarter_from(reference, shift), "quarter", None, None
    if kind == "season_ahead" and not _future_context(text, match.start()):
        return None
    if kind in ("season", "season_ahead"):
        season = SEASONS[groups["season"].lower()]
        explicit = groups.get("year")
        y = (
            int(explicit)
            if explicit
            else _season_year(season, (groups.get("which") or "").lower(), reference)
        )
        return f"{y:04d}-{season}", "quarter", None, None
    if kind == "weekday_range":
        # between Monday and Wednesday: the first day read as a weekday alone is, the last the next such day
        first = _resolve(match, "weekday", text, reference)
        start = date.fromisoformat(first[0])
        last = start + timedelta(days=(g.WEEKDAY_INDEX[groups["weekday2"].lower()[:3]] - start.weekday()) % 7)
        return (start.isoformat(), "day", last.isoformat(), None) if last > start else None
    if kind == "weekday":
        which = (groups.get("which") or "").lower()
        if which == "next":
            day = _weekday(groups["weekday"], reference, "next")
        elif which != "last" and (_future_context(text, match.start()) or _after_until(text, match.start())):
            # "will vote on Thursday" written on a Thursday is next week's (today would be "today"), but
            # "later on Thursday" is that very day.
            later = re.search(
                r"\blater\s+(?:on\s+)?$", text[max(0, match.start() - 12) : match.start()], re.I
            )
            day = _weekday(groups["weekday"], reference, "coming" if later else "next")
        else:
            day = _weekday(groups["weekday"], reference, "last" if which == "last" else "past")
        return day.isoformat(), "day", None, None
    if kind == "holiday":  # Boxing Day: the nearest 26 December (the verb's tense may move it a year)
        days = [g.holiday_date(groups["holiday"], y) for y in (year - 1, year, year + 1)]
        found = min(days, key=lambda day: abs((day - reference).days))
        return found.isoformat(), "day", None, None
    if kind == "weekend":  # the ISO week of that Saturday and Sunday
        which = (groups.get("which") or groups.get("which2") or "").lower()
        saturday = reference - timedelta(days=(reference.weekday() - 5) % 7)  # the last one, or today
        in_weekend = reference.weekday() >= 5
        if which in ("next", "coming") or (
            not which and not in_weekend and _future_context(text, match.start())
        ):
            saturday += timedelta(days=7)  # ahead: "temperatures could reach 35C over the weekend"
        elif which in ("last", "past") and in_weekend:
            saturday -= timedelta(days=7)
        elif which == "this" and not in_weekend:
            saturday += timedelta(days=7)
        return _week_value(saturday), "week", None, None
    if kind == "day_word":
        words = groups["word"].lower().split()
        offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "after": 2, "before": -2}
        offset = offsets[words[2] if words[0] == "the" else words[0]]  # "the day after tomorrow": 2
        return (reference + timedelta(days=offset)).isoformat(), "day", None, None
    if kind == "part_of_day":
        return reference.isoformat(), "day", None, None
    if kind == "last_night":
        return (reference - timedelta(days=1)).isoformat(), "day", None, None
    if kind == "relative_unit":
        unit = groups["unit"].lower()
        shift = {"this": 0, "current": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}[
            groups["which"].lower()
        ]
        if unit == "quarter":
            return _quarter_from(reference, shift), "quarter", None, None
        if unit == "week":
            return _week_value(reference + timedelta(days=7 * shift)), "week", None, None
        if unit == "month":
            y, m = _shift_month(reference.year, reference.month, shift)
            return _month_value(y, m), "month", None, None
        return f"{year + shift:04d}", "year", None, None
    if kind == "before_last":  # the year before last
        unit = groups["unit"]
        if unit == "week":
            return _week_value(reference - timedelta(days=14)), "week", None, None
        if unit == "month":
            return _month_value(*_shift_month(reference.year, reference.month, -2)), "month", None, None
        return f"{year - 2:04d}", "year", None, None
    if kind == "ago":  # three days ago / a fortnight ago / two years from now
        amount = g.number_value(groups["amount"])
        unit = groups["unit"].lower().rstrip("s")
        ahead = groups["way"].lower() != "ago"
        if amount is None:
            return ("FUTURE_REF" if ahead else "PAST_REF"), "vague", None, None
        sign = 1 if ahead else -1
        if unit == "fortnight":
            unit, amount = "week", 2 * amount
        if unit == "day":
            return (reference + timedelta(days=sign * amount)).isoformat(), "day", None, None
        if unit == "week":
            return _week_value(reference + timedelta(days=sign * 7 * amount)), "week", None, None
        if unit == "month":
            y, m = _shift_month(reference.year, reference.month, sign * amount)
            return _month_value(y, m), "month", None, None
        if unit == "decade":
            return f"{year + sign * 10 * amount:04d}", "year", None, None
        return f"{year + sign * amount:04d}", "year", None, None
    if kind == "vague":
        word = match.group(0).lower()
        if g.PRESENT_WORDS.fullmatch(word):
            return "PRESENT_REF", "day", None, None
        if g.FUTURE_WORDS.search(word):
            return "FUTURE_REF", "vague", None, None
        return "PAST_REF", "vague", None, None
    if kind == "year":
        return groups["year"], "year", None, None
    raise ValueError(kind)


def find_pattern_dates(text: str, reference: date | datetime) -> list[DateMention]:
    """The date expressions the grammar finds in ``text``, resolved against ``reference``."""
    reference = _as_date(reference)
    taken: list[tuple[int, int]] = []
    mentions = []
    for kind, pattern, scan in SCANS:
        for match in scan(text):
            span = (
                match.span("date") if "date" in pattern.groupindex and match.group("date") else match.span()
            )
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            if kind == "year" and g.not_a_year(text, *span):
                continue
            if g.in_a_name(text, *span):
                continue  # "the Sunday Times", "the Audi Q3"
            resolved = _resolve(match, kind, text, reference)
            if resolved is None:
                continue
            taken.append(span)
            value, precision, date_end, mod = resolved
            groups = match.groupdict()
            inferred = kind in YEARLESS_KINDS and not groups.get("year") and not groups.get("which")
            # "the end of January", "late March": a month whose year was chosen, as "in March"
            inferred = inferred or (kind == "modified" and bool(BARE_MONTH.fullmatch(groups["inner"])))
            # "grew in the fourth quarter": this year's unless the verb says it is over (``_by_tense``)
            inferred = inferred or (kind == "quarter" and not groups.get("year") and not groups.get("year2"))
            mentions.append(
                DateMention(
                    span[0], span[1], text[span[0] : span[1]], value, precision, date_end, mod, inferred
                )
            )
    return sorted(mentions, key=lambda m: m.start)


def dates_from_entities(doc: Doc, reference: date | datetime, known: list[DateMention]) -> list[DateMention]:
    """spaCy DATE entities the grammar missed, when dateparser reads them and they are no duration nor part
    of a name."""
    found, text = [], doc.text
    for entity in doc.ents:
        if entity.label_ != "DATE":
            continue
        start, end = entity.start_char, entity.end_char
        if any(start < m.end and m.start < end for m in known):
            continue
        if g.DURATION.fullmatch(entity.text) or g.AGE.search(entity.text) or g.in_a_name(text, start, end):
            continue
        parsed = _parse_absolute(entity.text) if g.HAS_DATE_WORD.search(entity.text) else None
        if parsed:
            found.append(DateMention(start, end, entity.text, parsed[0], parsed[1]))
    return found


def _governing_verb(doc: Doc, mention: DateMention) -> Token | None:
    """The verb a date hangs on (the root of its span, then up to the first verb), or None."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return None
    verb, came_from = span.root, None
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb, came_from = verb.head, verb
    if came_from is not None and came_from.dep_ == "ccomp" and verb.lemma_.lower() in g.REPORTING_VERBS:
        # "Applications close on Jan. 16, the county said", parsed with no verb of its own: the report's
        # tense is not the date's
        return None
    return verb


def _hangs_on(doc: Doc, mention: DateMention, verb: Token) -> bool:
    """Whether a date is the verb's own time, not a noun's between them ("to launch a version of its channel
    in the fall" may date the channel) nor where a state starts ("to meet the rule from September")."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    node = span.root.head if span is not None else verb
    if node.lower_ in ("from", "since"):
        return False
    while node.i != verb.i:
        if node.pos_ in ("NOUN", "PROPN") or node.head.i == node.i:
            return False
        node = node.head
    return True


FUTURE_AUXILIARIES = {"will", "'ll", "shall"}
# Verbs whose past is their present ("cut", "set"): their tense cannot tell a plan from what was done.
SAME_IN_THE_PAST = {
    "cut", "put", "set", "hit", "let", "shut", "quit", "spread", "cost", "bet", "burst", "cast", "hurt",
    "split", "upset", "broadcast", "forecast", "bid", "shed", "read", "beat", "offset", "outbid", "reset",
}  # fmt: skip
# Present-tense verbs that tell a state or a saying, not an act set for a day ("is closed on Monday").
PRESENT_STATES = {"be", "have", "remain", "stay", "keep", "seem", "appear", "look", "mean", "show", "know"}
# Verbs whose complement is a bare infinitive ("let it float", "made them wait", "saw prices fall").
BARE_INFINITIVE_HEADS = {"let", "make", "help", "see", "watch", "hear", "have"}
PAST_AUXILIARIES = {"had", "has", "have", "was", "were"}


def _auxiliaries(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}


def _told_in_past(verb: Token) -> bool:
    """'took', 'had taken', 'was taken': the verb's own tense is past."""
    return verb.tag_ == "VBD" or bool(_auxiliaries(verb) & PAST_AUXILIARIES)


def _tense(doc: Doc, mention: DateMention) -> str | None:
    """'past' or 'future' from the verb governing a date, or None when the verb does not say."""
    verb = _governing_verb(doc, mention)
    if verb is None:
        return None
    auxiliaries = _auxiliaries(verb)
    if auxiliaries & FUTURE_AUXILIARIES or (
        verb.lower_ == "going" and any(c.dep_ == "xcomp" for c in verb.children)
    ):
        return "future"
    if _told_in_past(verb):
        return "past"
    if verb.tag_ in ("VBZ", "VBP") and any(
        c.dep_ == "dobj" and c.lemma_.lower() in SCHEDULED_EVENTS for c in verb.children
    ):
        return "future"  # "Panama holds a general election in May": a calendar event, told in the present
    if verb.tag_ == "VBN" and not auxiliaries and verb.dep_ in ("acl", "amod", "ROOT"):
        # "the terms reached in March", "a plant opened in February" (and "The takeover, first announced on
        # Sept. 3, still needs ..." when the parse makes the participle the root): done before the report
        return "past"
    if (
        verb.tag_ == "VB"
        and verb.dep_ in ("xcomp", "ccomp")
        and not auxiliaries
        and verb.head.lemma_.lower() in BARE_INFINITIVE_HEADS
        and _told_in_past(verb.head)
    ):
        return "past"  # "after the central bank let it float in June": a bare infinitive in its verb's past
    if verb.tag_ == "VBG" and verb.dep_ == "xcomp" and not auxiliaries:
        # "stopped working on 30 October", "began trading on 14 September": a gerund that completes a verb
        # of beginning or ending happens when that verb does, so it takes that verb's tense.
        if _auxiliaries(verb.head) & FUTURE_AUXILIARIES:
            return "future"
        if _told_in_past(verb.head):
            return "past"
    if (
        verb.tag_ == "VB"
        and verb.dep_ in ("xcomp", "ccomp")
        and auxiliaries == {"to"}
        and _hangs_on(doc, mention, verb)
    ):
        # "is scheduled to launch in the fall", "plans to open in March", "are preparing to sell it in June":
        # what a present plan, schedule or intention is to do lies ahead ("expects deliveries to recover in the
        # second quarter": with its own subject, a ccomp).
        main = verb.head
        if main.tag_ in ("VBZ", "VBP") or _auxiliaries(main) & {"is", "are", "am", "'s", "'re"}:
            return "future"
    if verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.lower_ in ("after", "since"):
        # "After reviving at the end of January, it came back...": before the clause it leads to, so in the
        # past when that clause is
        if _told_in_past(verb.head.head):
            return "past"
    return None


def _in_past_perfect(doc: Doc, mention: DateMention) -> bool:
    """Whether the clause of a date, or the verb it completes, is in the past perfect: "had aimed to finish
    by the end of May", "had been due to open by June"."""
    verb = _governing_verb(doc, mention)
    return verb is not None and in_past_perfect(verb)


def in_past_perfect(verb: Token, steps: int = 3) -> bool:
    """Whether a verb, or one it completes ("aimed" of "had aimed to finish", "due" of "had been due to"),
    is in the past perfect, looking up at most ``steps`` verbs."""
    for _ in range(steps):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ == "had" for c in verb.children):
            return True
        if verb.dep_ not in ("xcomp", "acomp") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


# Verbs that set a thing to a day ("pushed back to Sept. 17", "scheduled a hearing for April", "were aiming
# for early May"): the day they set it to is not in their tense.
DATE_MOVES = {
    "push", "extend", "delay", "postpone", "move", "defer", "reschedule", "bring", "set", "adjourn", "schedule",
    "plan", "slate", "aim", "target",
}  # fmt: skip


def _moves_a_date(doc: Doc, mention: DateMention) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    head = span.root.head  # "to", "for"
    verb = head.head if head.lower_ in ("to", "for") else None
    while verb is not None and verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head  # "pushed ... back, to": the particle's verb
    return verb is not None and verb.lemma_.lower() in DATE_MOVES


def _shift_year(value: str | None, years: int) -> str | None:
    if not value or not value[:4].isdigit():
        return value
    shifted = f"{int(value[:4]) + years:04d}{value[4:]}"
    if shifted[5:] == "02-29":
        shifted = shifted[:8] + "28"
    return shifted


def _by_tense(doc: Doc, text: str, mention: DateMention, reference: date) -> DateMention:
    """A written-without-year date that the verb puts on the other side of the reference moves a year."""
    if not mention.year_inferred or mention.value is None:
        return mention
    tense = _tense(doc, mention)
    if tense is None and mention.precision == "day" and _set_in_present(doc, mention):
        tense = "future"  # "applications close Sept. 30": a day's act told in the present
    # The words before, "the" left out ("by the fall" as "by", "results for the fourth quarter" as "results for").
    before = re.sub(r"\s*\bthe$", "", text[max(0, mention.start - 30) : mention.start].rstrip().lower())
    if before.endswith("since"):
        tense = "past"  # "its second delayed start since Dec. 27": what a span started from lies behind
    elif before.endswith(("until", "by", "till")) and not _in_past_perfect(doc, mention):
        # "has until January to sell", "gave the lender until June 19": a limit lies ahead, whatever the verb
        # (but one a plan told in the past perfect had set, "had aimed to finish by the end of May", lay
        # ahead of that plan, and so is read by the verb's tense).
        tense = "future"
    elif tense == "past" and before.endswith((" to", " for")) and _moves_a_date(doc, mention):
        # "pushed the deadline back last Thursday, to Sept. 17", "has scheduled a hearing for April": the act
        # is past, the day it set need not be.
        tense = None
    start = interval(mention.value)[0]
    if tense == "future" and mention.precision == "quarter" and "-Q" in mention.value:
        if REPORTED_FOR.search(before) and start > reference:
            # "will report results for the fourth quarter on Feb. 12", written in January: the quarter just
            # over, last year's
            return replace(mention, value=_shift_year(mention.value, -1))
        if interval(mention.value)[1] >= reference - QUARTER_REPORTED:
            return mention  # "will report a loss for the third quarter", written in October: this year's
        # "will close its plant in the first quarter", written in November: next year's
        return replace(mention, value=_shift_year(mention.value, 1))
    if tense == "past" and start > reference:
        shift = -1  # "Britain left the EU on 31 January", written in December
    elif tense == "future" and start < reference.replace(day=1):
        shift = 1  # "the talks will resume in March", written in November
    else:
        return mention
    return replace(
        mention, value=_shift_year(mention.value, shift), date_end=_shift_year(mention.date_end, shift)
    )


def _set_in_present(doc: Doc, mention: DateMention) -> bool:
    """Whether a day is an act's, told in the simple present: "fares rise by 4% on Monday", "the show opens
    on Friday" (news tells what is past in the past, and what is set for a day in the present)."""
    verb = _governing_verb(doc, mention)
    return (
        verb is not None
        # (a plural subject's present under "said" is often tagged as a bare verb: "fares rise ..., the agency
        # said"; not a bare infinitive: "which helped it clear the Senate on Tuesday")
        and (
            verb.tag_ == "VBZ"
            or (verb.tag_ == "VBP" and verb.lower_ == verb.lemma_.lower())
            # (not a root tagged so: "Apple rewrote its rules on Thursday" was once "rewrote VB")
            or (verb.tag_ == "VB" and verb.dep_ == "ccomp" and verb.head.lemma_ in g.REPORTING_VERBS)
        )
        and not _auxiliaries(verb)
        and verb.lemma_.lower() not in g.REPORTING_VERBS | PRESENT_STATES
        # "the bank cut rates on Thursday": a past the same as the present is no present
        and verb.lower_ not in SAME_IN_THE_PAST
        # the verb's own day, not a noun's ("the deal follows its announcement on Monday" is past)
        and _hangs_on(doc, mention, verb)
    )


def _weekday_by_tense(doc: Doc, text: str, mention: DateMention, reference: date) -> DateMention:
    """A bare weekday read as ahead because the sentence speaks of the future ("will open a store, the
    company said on Tuesday") goes back a week when its own verb is in the past; one read as past goes
    ahead when an act told in the present is set for it ("fares rise on Monday")."""
    if mention.precision != "day" or not BARE_WEEKDAY.fullmatch(mention.text) or not mention.value:
        return mention
    day = date.fromisoformat(mention.value)
    if day < reference and _set_in_present(doc, mention):
        while day <= reference:
            day += timedelta(days=7)
        return replace(mention, value=day.isoformat())
    if day <= reference or _tense(doc, mention) != "past" or _after_until(text, mention.start):
        return mention
    while day > reference:
        day -= timedelta(days=7)
    return replace(mention, value=day.isoformat())


def find_dates_in_doc(doc: Doc, reference: date | datetime, text: str | None = None) -> list[DateMention]:
    """Date mentions of a parsed spaCy ``Doc`` (what `timeline process` uses, one parse per article);
    ``text`` is the doc's text if the caller has it (``doc.text`` is joined anew from the tokens)."""
    day, text = _as_date(reference), doc.text if text is None else text
    mentions = [_by_tense(doc, text, m, day) for m in find_pattern_dates(text, reference)]
    mentions = [_weekday_by_tense(doc, text, m, day) for m in mentions]
    mentions = sorted(mentions + dates_from_entities(doc, reference, mentions), key=lambda m: m.start)
    # "in June and July of that year", "that November": the months joined, then the year of the last (told
    # before, "of that year") given to the first.
    mentions = coordinated_months(text, mentions)
    mentions = that_month(text, coordinated_months(text, of_that_year(text, mentions)))
    # "met on Thursday, 6 February, and resigned the following Monday": from the day told before.
    mentions = sequenced_weekdays(text, mentions)
    # "On the same day", "a week later": dated by the mention before them.
    mentions = sorted(mentions + anaphoric_dates(text, mentions, day), key=lambda m: m.start)
    # "on Friday, a day after the chipmaker said": dated by the date of the clause the phrase hangs on.
    return sorted(mentions + offset_dates(doc, text, mentions), key=lambda m: m.start)


def find_dates(text: str, reference: date | datetime) -> list[DateMention]:
    """Date expressions in ``text`` with values resolved against ``reference`` (the publication date)."""
    from nlp.model import load_model

    return find_dates_in_doc(load_model()(text), reference)
