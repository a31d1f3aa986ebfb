"""The grammar of date expressions in English news prose, as data: ordered (kind, pattern) pairs.

Earlier patterns win where matches overlap, so the longer and more specific forms come first: "between
2024 and 2027" before "2024", "Sunday, January 19" before "Sunday", "the end of June" before "June".
Each pattern's kind tells `nlp.dates` how to resolve it. Examples of what each one finds are beside it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
}
MONTH_ABBREVIATIONS |= {"oct": 10, "nov": 11, "dec": 12}
WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
}

# Month names are matched with their capital letter: "may" and "march" are also verbs.
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)(?![a-z])"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
MONTH_NAME = re.compile(MONTH)
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d{2}"
RELATIVE_YEAR = rf"(?:{YEAR}|this year|last year|next year|the year)"
AMOUNT = r"(?:\d+|a couple of|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several)"
WEEKDAY_PREFIX = rf"(?:{WEEKDAY},?\s+(?:the\s+)?)?"
# Holidays on a fixed day of the year (month, day), and those that move: Easter's feasts (days from Easter
# Sunday) and the US holidays set on a weekday of a month ((month, weekday, nth); nth -1 is the last). Those
# whose day differs by country ("Independence Day", "Election Day") are left out.
HOLIDAYS = {
    "New Year's Day": (1, 1),
    "Valentine's Day": (2, 14),
    "St Patrick's Day": (3, 17),
    "Australia Day": (1, 26),
    "Anzac Day": (4, 25),
    "Juneteenth": (6, 19),
    "Canada Day": (7, 1),
    "the Fourth of July": (7, 4),
    "Bastille Day": (7, 14),
    "Remembrance Day": (11, 11),
    "Veterans Day": (11, 11),
    "Halloween": (10, 31),
    "Christmas Eve": (12, 24),
    "Christmas Day": (12, 25),
    "Boxing Day": (12, 26),
    "New Year's Eve": (12, 31),
}
EASTER_FEASTS = {"Good Friday": -2, "Easter Sunday": 0, "Easter Monday": 1, "Easter": 0}
NTH_WEEKDAY_HOLIDAYS = {"Memorial Day": (5, 0, -1), "Labor Day": (9, 0, 1), "Thanksgiving": (11, 3, 4)}
# A holiday's name as written: either apostrophe, "St" or "St." ("New Year’s Eve", "St. Patrick's Day"), "the"
# or "The"; the longer names first ("Easter Sunday" before "Easter").
HOLIDAY = "|".join(
    re.escape(name).replace("'", "['’]").replace("St\\ ", "St\\.?\\ ").replace("the\\ ", "[Tt]he\\ ")
    for name in sorted([*HOLIDAYS, *EASTER_FEASTS, *NTH_WEEKDAY_HOLIDAYS], key=len, reverse=True)
)


def _easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    h = (19 * a + b - d - (b - f + 1) // 3 + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holiday_date(name: str, year: int) -> date:
    """The day of a holiday's name as written, in ``year``."""
    key = name.replace("’", "'").replace("St.", "St").replace("The ", "the ")
    if key in HOLIDAYS:
        return date(year, *HOLIDAYS[key])
    if key in EASTER_FEASTS:
        return _easter(year) + timedelta(days=EASTER_FEASTS[key])
    month, weekday, nth = NTH_WEEKDAY_HOLIDAYS[key]
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    if nth > 0:
        return day + timedelta(weeks=nth - 1)
    while (day + timedelta(weeks=1)).month == month:
        day += timedelta(weeks=1)
    return day


# Words that set a thing to a date or move it: "scheduled for", "postponed to".
SETS_A_DATE = (
    r"(?:scheduled|rescheduled|planned|set|slated|due|earmarked|postponed|delayed|moved|pushed|put off|deferred"
    r"|targeted|pencil+ed in|brought forward)"
)


def _p(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


ANY_CASE = re.IGNORECASE  # for the lowercase words around the names; names keep their capitals

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso_date", _p(rf"\b{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b")),  # 2025-01-19
    # between 2024 and 2027 / from 2024 to 2027 / 2024-2027 / 2024-27
    (
        "year_range",
        _p(rf"\b(?:[Bb]etween|[Ff]rom)\s+(?P<y1>{YEAR})\s+(?:and|to|until|through)\s+(?P<y2>{YEAR})\b"),
    ),
    ("year_range", _p(rf"(?<![\w$€£¥.,-])(?P<y1>{YEAR})\s?[-–]\s?(?P<y2>(?:19|20)?\d{{2}})(?![\w%-])")),
    # the first half of 2024 / the second half of the year
    (
        "half",
        _p(
            rf"\b(?:the\s+)?(?P<half>first|second|1st|2nd)\s+half(?:\s+of\s+(?P<year>{RELATIVE_YEAR}))?\b",
            ANY_CASE,
        ),
    ),
    # H1 2025 / 2025 H2 / H1 of 2024: the halves of business news
    ("half", _p(rf"\bH(?P<hn>[12])(?:\s+(?:of\s+)?(?P<year>{YEAR})|(?=\s))(?![\w-])")),
    ("half", _p(rf"\b(?P<year2>{YEAR})\s+H(?P<hn>[12])\b")),
    # the January-to-March quarter / the April-June quarter (of 2024) / the October-December period:
    # business news names a quarter by its months
    (
        "month_period",
        _p(
            rf"\b(?:[Tt]he\s+)?(?P<m1>{MONTH})(?:\s*[-–]\s*|[-\s]to[-\s]|\s+through\s+)(?P<m2>{MONTH})"
            rf"\s+(?:quarter|period)\b(?:,?\s+(?:of\s+)?(?P<year>{YEAR})\b)?"
        ),
    ),
    # June 16-17 (, 2025) / 16-17 June (2025)
    (
        "day_range",
        _p(rf"\b(?P<month>{MONTH})\s+(?P<d1>{DAY})\s?[-–]\s?(?P<d2>{DAY})\b(?:,?\s+(?P<year>{YEAR})\b)?"),
    ),
    (
        "day_range",
        _p(rf"\b(?P<d1>{DAY})\s?[-–]\s?(?P<d2>{DAY})\s+(?P<month>{MONTH})(?:,?\s+(?P<year>{YEAR})\b)?"),
    ),
    # from 3 to 7 July / between 3 and 7 July (2025)
    (
        "day_range",
        _p(
            rf"\b(?:[Ff]rom|[Bb]etween)\s+(?P<d1>{DAY})\s+(?:to|and|until|through)\s+(?P<d2>{DAY})\s+"
            rf"(?P<month>{MONTH})(?:,?\s+(?P<year>{YEAR})\b)?"
        ),
    ),
    # Oct. 7 to Oct. 11 / from July 1 to Aug. 31 (, 2025) / between May 2 and May 9
    (
        "day_span",
        _p(
            rf"\b(?:(?:[Ff]rom|[Bb]etween)\s+)?(?P<m1>{MONTH})\s+(?P<d1>{DAY})\s+(?P<link>to|until|through|and)\s+"
            rf"(?P<m2>{MONTH})\s+(?P<d2>{DAY})\b(?:,?\s+(?P<year>{YEAR})\b)?"
        ),
    ),
    # from 27 December to 2 January (2026) / between 3 March and 9 April
    (
        "day_span",
        _p(
            rf"\b(?:[Ff]rom|[Bb]etween)\s+(?P<d1>{DAY})\s+(?P<m1>{MONTH})\s+(?P<link>to|until|through|and)\s+"
            rf"(?P<d2>{DAY})\s+(?P<m2>{MONTH})\b(?:,?\s+(?P<year>{YEAR})\b)?"
        ),
    ),
    # from March to May (2025)
    (
        "month_range",
        _p(
            rf"\b(?:[Ff]rom|[Bb]etween)\s+(?P<m1>{MONTH})\s+(?:to|and|until|through)\s+(?P<m2>{MONTH})"
            rf"(?:,?\s+(?P<year>{YEAR})\b)?"
        ),
    ),
    # Sunday, January 19, 2025 / 19 January 2025 / Jan. 19, 2025 / the 19th of January 2025
    (
        "full_date",
        _p(
            rf"\b{WEEKDAY_PREFIX}(?:{MONTH}\s+{DAY},?\s+{YEAR}|{DAY}\s+(?:of\s+)?{MONTH},?\s+{YEAR})\b"
            rf"|\bthe\s+{DAY}\s+of\s+{MONTH},?\s+{YEAR}\b"
        ),
    ),
    ("numeric_date", _p(rf"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>{YEAR})\b")),  # 19/01/2025
    # 27.02.2025 (day first, as written where the dots are used) / 2025/03/14 (year, month, day)
    ("dotted_date", _p(rf"(?<![\d.])(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>{YEAR})(?![\d.]\d)")),
    ("slashed_iso_date", _p(rf"(?<![\d/])(?P<year>{YEAR})/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})(?![\d/])")),
    # the week of June 9 / the week of 9 June: the week that day is in
    (
        "week_of",
        _p(rf"\b[Tt]he\s+week\s+of\s+(?:(?P<m1>{MONTH})\s+(?P<d1>{DAY})|(?P<d2>{DAY})\s+(?P<m2>{MONTH}))\b"),
    ),
    # the three months to September / the quarter to June / the six months ended June 2024 / the year to
    # March: business news names a reporting period by the month it ends in (before "June 2024" alone)
    (
        "period_to",
        _p(
            r"\b(?:the\s+)?(?:(?P<count>three|six|nine|twelve|3|6|9|12)\s+months|(?P<unit>quarter|half|half-year|"
            rf"half\s+year|year))\s+(?:to|ended|ending|through)\s+(?:the\s+end\s+of\s+)?(?P<month>{MONTH})"
            rf"(?:\s+(?P<year>{YEAR}))?\b(?!\s+\d)"
        ),
    ),
    ("month_year", _p(rf"\b(?P<month>{MONTH}),?\s+(?:of\s+)?(?P<year>{YEAR})\b")),  # January 2025
    # November last year / March next year / June this year
    ("month_relative_year", _p(rf"\b(?P<month>{MONTH}),?\s+(?:of\s+)?(?P<which>last|next|this)\s+year\b")),
    # early 2025 / mid-2024 / the end of June / late last year / by the end of the month
    (
        "modified",
        _p(
            r"\b(?P<mod>[Ee]arly|[Ll]ate|[Mm]id-?|[Ee]nd-|(?:[Tt]he\s+)?(?:start|beginning|middle|end|close)\s+of)\s*"
            rf"(?P<inner>{YEAR}|{MONTH}(?:\s+{YEAR})?|this year|next year|last year|the year|the month|this month"
            r"|next month|last month|the week|this week|next week|last week"
            r"|the quarter|this quarter|next quarter|last quarter"
            r"|(?:this\s+|last\s+|next\s+|the\s+)?(?:spring|summer|autumn|winter))\b"
        ),
    ),
    # the first three months of 2025 / the last six months of the year
    (
        "months_of",
        _p(
            r"\b(?:the\s+)?(?P<which>first|last|final)\s+(?P<count>three|six|nine)\s+months\s+of\s+"
            rf"(?P<year>{RELATIVE_YEAR})\b"
        ),
    ),
    # the third quarter (of 2025) / Q3 2024 / 2024 Q3 / the last quarter of 2024
    (
        "quarter",
        _p(
            r"\b(?:the\s+)?(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th|final)\s+quarter(?![-–]final)"
            rf"(?:\s+of\s+(?P<year>{RELATIVE_YEAR}))?\b",
            ANY_CASE,
        ),
    ),
    ("quarter", _p(rf"\b[Tt]he\s+(?P<qword>last)\s+quarter\s+of\s+(?P<year>{RELATIVE_YEAR})\b")),
    ("quarter", _p(rf"\bQ(?P<qn>[1-4])(?:\s+(?P<year>{YEAR}))?\b")),
    ("quarter", _p(rf"\b(?P<year2>{YEAR})\s+Q(?P<qn>[1-4])\b")),
    ("relative_quarter", _p(r"(?<!\bthe )\b(?P<which>this|last|next|previous)\s+quarter\b", ANY_CASE)),
    # the December quarter / the June quarter (of 2024): a quarter named by the month it ends in
    (
        "month_quarter",
        _p(rf"\b[Tt]he\s+(?P<month>{MONTH})\s+quarter\b(?:,?\s+(?:of\s+)?(?P<year>{YEAR})\b)?"),
    ),
    # this winter / last summer / spring 2024 / in the autumn; "fall" only where it cannot be a drop
    # ("sales fall", "the fall in prices", "the fall of the Berlin Wall" are no seasons)
    (
        "season",
        _p(
            rf"\b(?P<date>(?P<which>this|last|next)\s+(?P<season>spring|summer|autumn|fall|winter)"
            rf"(?:\s+(?:of\s+)?(?P<year>{YEAR}))?)\b",
            ANY_CASE,
        ),
    ),
    (
        "season",
        _p(
            rf"\b(?P<date>(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?(?P<year>{YEAR}))\b",
            ANY_CASE,
        ),
    ),
    (
        "season",
        _p(
            rf"\b(?:in\s+(?:the\s+)?|during\s+(?:the\s+)?|the\s+)(?P<date>(?P<season>spring|summer|autumn|winter))\b"
            rf"(?!\s+of\s+(?!{YEAR}))",
            ANY_CASE,
        ),
    ),
    (
        "season",
        _p(
            r"\b(?:in|until|till|before|after|through|during)\s+the\s+(?P<date>(?P<season>fall))\b"
            r"(?!\s+(?:of|in)\b)",
            ANY_CASE,
        ),
    ),
    # "agreement by the fall" is a season only where the clause speaks of what is ahead ("were hurt by the
    # fall" is a drop): "season_ahead" is resolved only after a future cue
    (
        "season_ahead",
        _p(r"\bby\s+the\s+(?P<date>(?P<season>fall))\b(?!\s+(?:of|in)\b)", ANY_CASE),
    ),
    # Sunday, January 19 / Jan. 20 / June 19 / 19 January / the 19th of January
    ("month_day", _p(rf"\b{WEEKDAY_PREFIX}(?P<month>{MONTH})\s+(?P<day>{DAY})\b(?!\s*[-–,]?\s*\d)")),
    (
        "month_day",
        _p(rf"\b{WEEKDAY_PREFIX}(?:the\s+)?(?P<day>{DAY})\s+(?:of\s+)?(?P<month>{MONTH})(?!\s*,?\s*\d)"),
    ),
    # Christmas Day / Boxing Day / Easter Sunday / Thanksgiving (not the first word of a name: "Easter Island")
    ("holiday", _p(rf"\b(?P<holiday>{HOLIDAY})(?![\w-])(?!\s+[A-Z][a-z])")),
    # between Monday and Wednesday / from Tuesday to Thursday: a range of days of one week
    (
        "weekday_range",
        _p(
            rf"\b(?:[Bb]etween|[Ff]rom)\s+(?P<weekday>{WEEKDAY})\s+(?:and|to|until|through|till)\s+"
            rf"(?P<weekday2>{WEEKDAY})\b(?!\s*,?\s*(?:{MONTH}|\d))"
        ),
    ),
    # last Monday / next Friday / on Tuesday
    ("weekday", _p(rf"\b(?:(?P<which>last|next|this)\s+)?(?P<weekday>{WEEKDAY})(?!s\b)\b", ANY_CASE)),
    # on the 3rd / by the 21st: a day of this month or the one before or after it (not "the 3rd floor")
    (
        "ordinal_day",
        _p(
            r"\b(?:[Oo]n|[Bb]y|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Ss]ince|[Ff]rom)\s+the\s+"
            r"(?P<date>(?P<day>3[01]|[12]\d|[1-9])(?:st|nd|rd|th))\b"
            r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:and|or|but|at|in|when|after|before|has|have|had|was|were|is|are|will|would"
            r"|with|for|to|as|from|by|until)\b)"
        ),
    ),
    ("day_word", _p(r"\b(?P<word>the\s+day\s+(?:after\s+tomorrow|before\s+yesterday))\b", ANY_CASE)),
    ("day_word", _p(r"\b(?P<word>today|tonight|yesterday|tomorrow)\b", ANY_CASE)),
    # the weekend / over the weekend / last weekend / this weekend (not "the weekend of June 5")
    (
        "weekend",
        _p(
            r"\b(?:(?P<which>this|last|next|past|coming)\s+weekend|the\s+(?:(?P<which2>past|coming)\s+)?weekend)\b"
            # ... and not an adjective ("the weekend takeover", "the weekend's decisions")
            r"(?=\s*(?:[,.;:!?)\"”]|$)|\s+(?:and|or|but|as|while|with|in|on|at|to|for|from|amid|despite|because|so|until)\b)",
            ANY_CASE,
        ),
    ),
    ("weekend", _p(r"\b(?:at|over|during)\s+(?P<date>the\s+weekend)\b(?!['’]s)", ANY_CASE)),
    ("part_of_day", _p(r"\bthis\s+(?:morning|afternoon|evening)\b", ANY_CASE)),
    ("last_night", _p(r"\blast\s+night\b", ANY_CASE)),  # the evening before the report
    # this week / last month / next year (not "the next year", a duration)
    (
        "relative_unit",
        _p(r"(?<!\bthe )\b(?P<which>this|last|next|previous)\s+(?P<unit>week|month|year)\b", ANY_CASE),
    ),
    # the current quarter / the current year: this one
    ("relative_unit", _p(r"\b[Tt]he\s+(?P<which>current)\s+(?P<unit>week|month|quarter|year)\b")),
    # the year before last / the month before last / the week before last
    ("before_last", _p(r"\b[Tt]he\s+(?P<unit>week|month|year)\s+before\s+last\b")),
    (
        "ago",
        _p(
            rf"\b(?P<amount>{AMOUNT})\s+(?P<unit>days?|weeks?|fortnights?|months?|years?|decades?)\s+"
            r"(?P<way>ago|from\s+now|hence)\b",
            ANY_CASE,
        ),
    ),
    # last September / next March / this June; in March / since December / by January
    ("month", _p(rf"\b(?P<which>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<month>{MONTH})\b(?!\s*\d)")),
    (
        "month",
        _p(
            r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Tt]hrough|[Dd]uring|[Bb]efore|[Aa]fter|[Oo]f|[Ll]ate|"
            rf"[Ee]arly)\s+(?:the\s+month\s+of\s+)?(?P<date>(?P<month>{MONTH}))(?!\s*\d)"
        ),
    ),
    # a month a thing is set for or moved to: "scheduled a hearing on remedies for April", "planned for
    # February", "postponed the vote to March" (a bare "for"/"to" is too often no date: "rose 5% to March")
    (
        "month",
        _p(
            rf"\b{SETS_A_DATE}\s+(?:[\w'-]+,?\s+){{0,7}}?(?:for|to)\s+(?P<date>(?P<month>{MONTH}))(?!\s*\d)"
            r"(?!'s\b)"
        ),
    ),
    # "the January blowout", "the October shutdown", "at its October meeting": a month naming the event after
    # it (not "the May government", where May is a name, nor "the December quarter", a period of accounts).
    (
        "month",
        _p(
            r"\b(?:[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Oo]ur)\s+(?P<date>(?P<month>(?!May\b)"
            + MONTH
            + r"))(?!\s*\d)(?!\s+(?:quarter|half|issue|edition)\b)(?=\s+[a-z][a-z-]*\b)"
        ),
    ),
    (
        "vague",
        _p(
            r"\b(?:now|currently|at present|at the moment|nowadays|these days|recently|lately|of late|in recent "
            r"(?:days|weeks|months|years|decades)|(?:in )?the recent past|soon|shortly|before long|in the (?:near "
            r"|distant )?future|(?:in |over )?the coming (?:days|weeks|months|years)|(?:in |over )?the "
            r"(?:days|weeks|months|years) ahead"
            r"|(?:in )?the past(?!\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|decades?|quarters?)\b))\b",
            ANY_CASE,
        ),
    ),
    ("year", _p(rf"(?<![\w$€£¥#.,/-])(?P<year>{YEAR})(?![\w%/]|[.,]\d|-\d)")),  # 2022 / the 2024 election
]

# Verbs that report what someone said: a date on them dates the saying ("said on Monday"), not the fact said.
REPORTING_VERBS = {"say", "tell", "report", "announce", "state", "add", "confirm", "write", "note"}
PRESENT_WORDS = re.compile(r"now|currently|at present|at the moment|nowadays|these days")
FUTURE_WORDS = re.compile(r"coming|future|soon|shortly|ahead|before long")
FUTURE_CUES = re.compile(
    r"\b(?:will|won't|shall|'ll|is due|are due|is set to|are set to|is scheduled|are scheduled|is expected"
    r"|are expected|expects?\s+(?:[\w'’-]+\s+){1,4}to\s+[a-z]+|plans? to|planned for|is to|are to|to be held|due to be|ready by|starting"
    r"|takes effect|take effect|comes into force|come into force|goes into effect|go into effect"
    # an instruction or a duty points ahead ("has been told to fix the damp by Friday"), and so does what a
    # report said would be ("said on Monday that the bill would return on Thursday")
    r"|must|should(?!\s+have)|has to|have to|told to|ordered to|asked to|instructed to|that\b[^.;]*\bwould)"
    r"\b[^.;]*$",
    ANY_CASE,
)
UNITS_AFTER_NUMBER = re.compile(
    r"\s*(?:%|percent|per cent|units|people|jobs|employees|workers|vehicles|cars|tons|tonnes|km|kilometres|"
    r"kilometers|miles|shares|stores|points|votes|yen|dollars|euros|won|rupiah|dong|metres|meters|feet|pages)\b",
    ANY_CASE,
)
DURATION = re.compile(
    r"(?:the\s+)?(?:past|last|next|first|coming|previous|following|final)?\s*(?:more than\s+|nearly\s+|about\s+|"
    r"almost\s+|over\s+|some\s+|around\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|forty|fifty|hundred|a few|few|several|many)?[\s-]*"
    r"(?:days?|weeks?|months?|years?|decades?|hours?|minutes?|quarters?|centuries|century|nights?)"
    r"(?:\s+(?:old|long|later|earlier|before|after|running))?",
    ANY_CASE,
)
AGE = re.compile(r"\d+-year-old|years?\s+old|\baged\s+\d+", ANY_CASE)
HAS_DATE_WORD = re.compile(rf"{MONTH}|{WEEKDAY}|\b{YEAR}\b")


def month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBREVIATIONS[key]


def number_value(word: str) -> int | None:
    """1 for "a", 3 for "three", 12 for "12"; None for the vague "a few", "several"."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


# Words before a number that make it a label: "Flight 2017 from Denver", "Route 2020", "No. 2019".
NUMBER_LABELS = re.compile(
    r"\b(?:flight|route|room|gate|platform|bus|train|line|no\.|number)\s+$", re.IGNORECASE
)


def not_a_year(text: str, start: int, end: int) -> bool:
    """Whether a 19xx/20xx number is a quantity ("2024 units", "$2025") or a label ("Flight 2017") rather than
    a year."""
    return bool(
        UNITS_AFTER_NUMBER.match(text, end)
        or NUMBER_LABELS.search(text, max(0, start - 10), start)
        or STREET_AFTER_NUMBER.match(text, end)
    )


# A house number before a street's name: "a warehouse at 1911 Rizal Avenue", "1848 Market Street".
STREET_AFTER_NUMBER = re.compile(
    r"(?:\s+[A-Z][\w'.-]*){1,3}\s+(?:Avenue|Ave\.?|Street|St\.|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Drive|Way|Place"
    r"|Square|Highway|Parkway|Terrace|Crescent|Close|Court)\b"
)


# A date word inside a name: "the Sunday Times", "Shares in Friday Labs", "the chain Ruby Tuesday", "the March
# for Science", "the Audi Q3", "the Zentek 2024 router". Words that may stand before a date in capitals
# (a sentence's first word aside) are no name's.
DATE_LEADERS = {
    "on", "by", "until", "till", "since", "before", "after", "from", "last", "next", "this", "early", "late",
    "in", "the", "its", "their", "our", "his", "her", "during", "for", "through", "of", "at", "and", "or",
    "super", "good", "black", "cyber", "easter", "ash", "holy", "maundy", "shrove", "palm", "giving", "election",
    "fiscal", "financial", "calendar", "mid", "end",
}  # fmt: skip
NAME_BEFORE = re.compile(r"(?:^|[^.!?\n\"“‘'(]\s)([A-Z][\w&.-]*)\s+$")
CAPITAL_AFTER = re.compile(r"\s+([A-Z][a-z]\w*)")
LOWER_AFTER = re.compile(r"\s+([a-z]+)\b")
QUARTER_FIGURES = set(
    "revenue revenues sales results earnings profit profits loss losses deliveries growth figures output orders "
    "shipments income margin margins guidance forecast report update".split()
)
MARCH_FOR = re.compile(r"\s+for\s+[A-Z]")
DATE_WORD = re.compile(rf"{MONTH}|{WEEKDAY}")
# Words after a year that make it a year in a sentence, not part of a name ("Tesla 2024 sales" aside).
YEAR_FOLLOWERS = set(
    "and or to when after before as but with while the a an of in on at for from by than that which it he she "
    "they was were is are will had has have said says saw also marks".split()
)


def _capitalized_before(text: str, start: int) -> str | None:
    """The capitalized word just before ``start`` when it is not a sentence's first, else None."""
    match = NAME_BEFORE.search(text, max(0, start - 40), start)
    if match is None or match.end() != start:
        return None
    word = match.group(1)
    return None if word.lower().rstrip(".") in DATE_LEADERS or MONTH_NAME.fullmatch(word) else word


# Words before a weekday that make it a day even when a name follows it ("on Tuesday President Biden signed").
WEEKDAY_LEADERS = set(
    "on by until till since from last next this every each late early before after through that and or to "
    "between said says".split()
)


def in_a_name(text: str, start: int, end: int) -> bool:
    """Whether the one-word date ``text[start:end]`` is part of a name rather than a date."""
    word = text[start:end]
    before = text[max(0, start - 12) : start].lower().split()
    after = CAPITAL_AFTER.match(text, end)
    named_after = after is not None and not DATE_WORD.fullmatch(after.group(1))
    if re.fullmatch(WEEKDAY, word):
        if named_after and before and before[-1].strip(",") not in WEEKDAY_LEADERS:
            return True  # "the Sunday Times", "Shares in Friday Labs", "the brand Friday Street", "a former
            # Saturday Night Live cast member" (not "on Tuesday President Biden signed")
        return _capitalized_before(text, start) is not None  # "the chain Ruby Tuesday"
    if MONTH_NAME.fullmatch(word):
        return MARCH_FOR.match(text, end) is not None  # "the March for Science"
    if re.fullmatch(r"Q[1-4]", word):
        # "the Audi Q3" (not "Apple Q3 revenue": a company's quarter)
        follower = LOWER_AFTER.match(text, end)
        figures = follower is not None and follower.group(1) in QUARTER_FIGURES
        return not figures and _capitalized_before(text, start) is not None
    if re.fullmatch(YEAR, word):
        follower, name = LOWER_AFTER.match(text, end), _capitalized_before(text, start)
        # "the Zentek 2024 router" (not "the EU 2030 target": an abbreviation is a place or a body)
        return (
            follower is not None
            and follower.group(1) not in YEAR_FOLLOWERS
            and name is not None
            and not name.isupper()
        )
    return False
