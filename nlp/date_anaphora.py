"""Dates that point back at the date before them: "on the same day", "the next day", "a week later",
"earlier in the week", "later that month", "the following year", and back from it: "the day before", "a year earlier".

News tells a chain of facts this way: "JASM opened its plant on Saturday. On the same day, the ministry
committed ..." The value is the previous date mention's, moved by the offset, at the precision the
expression gives (never finer than its antecedent's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from nlp import grammar as g
from nlp.timex import interval

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from nlp.dates import DateMention

# Counts of an offset told in words ("eighteen months after it was agreed", "ten days later").
NUMBERS = {
    word: n
    for n, word in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen twenty".split(),
        start=1,
    )
} | {"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50}
_NUMBER_WORDS = "|".join(sorted(NUMBERS, key=len, reverse=True))  # "seventeen" before "seven"
COUNT = rf"(?P<count>{_NUMBER_WORDS}|\d{{1,2}})"
# (pattern, unit of the offset, sign); a count of 0 means the antecedent's own day, month or year; "~" marks
# an expression that, with no date told before it, is the publication's own week, month or year.
# "the same day the order was signed", "the same day as the vote": the day is named after, not before.
FORWARD = r"(?!\s+(?:as|that|when|on\s+which|the|a|an|its|his|her|their)\b)"
# "the day before" is a date of its own unless a noun follows ("the day before the vote", "the day before
# yesterday", "the week before Christmas").
NOT_BEFORE_A_NOUN = r"(?!\s+(?:the|a|an|its|his|her|their|this|that|yesterday)\b|\s+(?-i:[A-Z0-9]))"
RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"\b(?:the\s+same\s+day|that\s+(?:same\s+)?day)\b{FORWARD}", re.I), "day"),
    # "the next morning", "the following evening": the day after, at some hour of it
    (
        re.compile(
            r"\b(?:the\s+(?:next|following)\s+(?:day|morning|afternoon|evening|night)|the\s+day\s+after(?=[,.;]))",
            re.I,
        ),
        "day+1",
    ),
    (re.compile(rf"\b{COUNT}\s+days?\s+later\b", re.I), "day+n"),
    (re.compile(rf"\b{COUNT}\s+weeks?\s+later\b", re.I), "week+n"),
    (
        re.compile(
            rf"\b(?:(?P<mod>later|earlier)\s+)?(?:that(?:\s+same)?|the\s+same)\s+month\b{FORWARD}", re.I
        ),
        "month",
    ),
    # "It tried to resume sailings late in the month": the month of the date before.
    (re.compile(r"\b(?P<mod>late|early|later|earlier)\s+in\s+the\s+(?:same\s+)?month\b", re.I), "month~"),
    (re.compile(r"\b(?:the\s+(?:following|next)\s+month|a\s+month\s+later)\b", re.I), "month+1"),
    # "Trump signed the order on Thursday. The White House had signaled earlier in the week ...": the week
    # of the last day told that is not ahead of the publication (not of a deadline named since), or the
    # publication's own week when no such day was told.
    (re.compile(r"\b(?P<mod>late|early|later|earlier)\s+in\s+the\s+(?:same\s+)?week\b", re.I), "isoweek~"),
    (
        re.compile(
            rf"\b(?:(?P<mod>later|earlier)\s+)?(?:that(?:\s+same)?|the\s+same)\s+week\b{FORWARD}", re.I
        ),
        "isoweek",
    ),
    (
        re.compile(
            rf"\b(?:(?P<mod>later|earlier)\s+)?(?:that(?:\s+same)?|the\s+same)\s+year\b{FORWARD}", re.I
        ),
        "year",
    ),
    (re.compile(r"\b(?P<mod>late|early|later|earlier)\s+in\s+the\s+(?:same\s+)?year\b", re.I), "year~"),
    # "By the following week, power was back": the week after the day told before.
    (re.compile(r"\bthe\s+(?:following|next)\s+week\b(?!\s+or\b)", re.I), "isoweek+1"),
    # "the next year" only where it is no span ahead ("over the next year", "in the next year or two").
    (
        re.compile(
            r"(?<!\bover )(?<!\bin )(?<!\bwithin )(?<!\bduring )(?<!\bfor )(?<!\bthrough )"
            r"\b(?:the\s+following\s+year|the\s+next\s+year\b(?!\s+or\b))\b",
            re.I,
        ),
        "year+1",
    ),
    # ... and back: "the day before," "three days earlier", "the previous month", "the year before,"
    (
        re.compile(rf"\b(?:the\s+(?:previous|preceding)\s+day|the\s+day\s+before{NOT_BEFORE_A_NOUN})", re.I),
        "day-1",
    ),
    # "after a 6% drop the week before": the week before the one told before.
    (
        re.compile(rf"\bthe\s+(?:(?:previous|preceding)\s+week|week\s+before{NOT_BEFORE_A_NOUN})", re.I),
        "isoweek-1",
    ),
    (re.compile(rf"\b{COUNT}\s+days?\s+earlier\b", re.I), "day-n"),
    (re.compile(rf"\b{COUNT}\s+weeks?\s+earlier\b", re.I), "week-n"),
    (
        re.compile(
            r"\b(?:the\s+(?:previous|preceding)\s+month|a\s+month\s+earlier|the\s+month\s+before(?=[,.;]))",
            re.I,
        ),
        "month-1",
    ),
    (
        re.compile(r"\b(?:the\s+(?:previous|preceding)\s+year|the\s+year\s+before(?=[,.;]))", re.I),
        "year-1",
    ),
    # "a year earlier", "a year later": twelve months from the date before, at its month when it gives one
    # ("in July, up from 3.9 million a year earlier" is the July before; "the previous year" is a year).
    (re.compile(r"\ba\s+year\s+later\b", re.I), "annum+1"),
    (re.compile(r"\ba\s+year\s+earlier\b", re.I), "annum-1"),
]
COMPARISON_BASE = re.compile(r"\b(?:from|than|over|versus|vs\.?|with|on|against)\s+$", re.I)
# Words of a comparison before a date in the same clause: "three times the figure a year earlier".
COMPARISON_WORDS = re.compile(
    r"\b(?:times|twice|double|triple|half|percent|per cent|compared|versus|than|higher|lower|up|down|figure|level)\b|%",
    re.I,
)
FINE = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
MODS = {"later": "END", "earlier": "START", "late": "END", "early": "START"}


def _start(mention: DateMention) -> date | None:
    """The first day of a mention's value when it is a day, a week, a month or a year (``2024-02-24``,
    ``2024-W08``, ``2024-02``, ``2024``), else None."""
    value = mention.value or ""
    if not re.fullmatch(r"\d{4}(?:-\d{2}){0,2}|\d{4}-W\d{2}", value):
        return None
    try:
        span = interval(value)
    except ValueError:
        return None  # "2024-02-30"
    return span[0] if span else None


def _resolve(unit: str, count: int, antecedent: DateMention) -> tuple[str, str] | None:
    """The value and precision of ``unit`` moved ``count`` from the antecedent, if it is precise enough."""
    start = _start(antecedent)
    precision = antecedent.precision or "year"
    if start is None or precision not in FINE:
        return None
    if unit == "day":
        if precision != "day":
            return None
        day = start + timedelta(days=count)
        return day.isoformat(), "day"
    if unit == "week":
        if precision != "day":
            return None
        return (start + timedelta(days=7 * count)).isoformat(), "day"
    if unit == "isoweek":
        if precision not in ("day", "week"):
            return None
        year, week, _ = (start + timedelta(days=7 * count)).isocalendar()
        return f"{year:04d}-W{week:02d}", "week"
    if unit == "month":
        if FINE[precision] > FINE["month"]:
            return None
        index = start.year * 12 + start.month - 1 + count
        return f"{index // 12:04d}-{index % 12 + 1:02d}", "month"
    if unit == "annum" and FINE[precision] <= FINE["month"]:
        return f"{start.year + count:04d}-{start.month:02d}", "month"
    return f"{start.year + count:04d}", "year"


def anaphoric_dates(text: str, known: list[DateMention], reference: date | None = None) -> list[DateMention]:
    """Expressions of ``text`` that date a fact by the date mentioned before them, resolved (some, with
    none before them, by ``reference``, the publication date)."""
    from nlp.dates import DateMention

    found: list[DateMention] = []
    taken = [(m.start, m.end) for m in known]
    for pattern, rule in RULES:
        unit, sign, step, own = re.fullmatch(r"(\w+)([+-]?)(\w*)(~?)", rule).groups()
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            if sign == "-" and _comparison_base(text, start):
                continue  # "up 9 percent from the year before": the base of a comparison, no fact's date
            # A week is the antecedent of a week only ("last week ... the week before").
            antecedents = [
                m
                for m in known
                if m.end <= start and _start(m) is not None and (m.precision != "week" or unit == "isoweek")
            ]
            if unit == "isoweek" and own:  # a week is told by a day, and a day past when the week is
                antecedents = [
                    m
                    for m in antecedents
                    if m.precision == "day" and (reference is None or _start(m) <= reference)
                ]
            if not antecedents and own and reference is not None:
                antecedents = [DateMention(start, start, "", reference.isoformat(), "day")]
            if not antecedents:
                continue
            groups = match.groupdict()
            count = 0 if not step else (int(step) if step.isdigit() else _count(groups.get("count")))
            count = -count if sign == "-" else count
            resolved = _resolve(unit, count, antecedents[-1])
            if resolved is None:
                continue
            mod = MODS.get((groups.get("mod") or "").lower())
            found.append(DateMention(start, end, match.group(0), resolved[0], resolved[1], None, mod))
            taken.append((start, end))
    return found


# "shares fell on Friday, a day after the chipmaker said it would cut jobs", "two days after asking",
# "hours before Starbucks announced": the fact told after "after" or "before" is dated by the date of the
# clause the phrase hangs on, moved back (after) or forward (before) by the count.
OFFSET = re.compile(
    rf"\b(?:{COUNT}\s+(?P<unit>day|week|month|year)s?|the\s+(?P<the>day)|(?:(?:{_NUMBER_WORDS}|\d+)\s+)?(?P<hours>hours?|minutes?))"
    r"\s+(?P<dir>after|before)",
    re.I,
)
CLAUSE_FOLLOWS = re.compile(r"\s+[\w'‘\"“]")
# "less than a week after", "about two hours before", "for 20 months after", "in the minutes before": a
# count that is not the gap between two facts' dates.
NOT_A_GAP = re.compile(
    r"\b(?:less|more|fewer|other)\s+than\s+$|\b(?:under|over|nearly|almost|about|around|roughly|some|within|"
    r"for|the|up\s+to|at\s+least|at\s+most)\s+$",
    re.I,
)


def is_offset(date_text: str) -> bool:
    """Whether a date's text is an offset from another date ("a day after", "hours before")."""
    return OFFSET.fullmatch(date_text) is not None


def _offset_word(doc: Doc, mention: DateMention) -> Token | None:
    """The "after" or "before" of an offset ("two days after"), as parsed; None for any other date."""
    match = OFFSET.fullmatch(mention.text)
    span = doc.char_span(mention.start + match.start("dir"), mention.end) if match else None
    return span[0] if span is not None else None


def offset_phrase(doc: Doc, mention: DateMention) -> tuple[Token, int, int] | None:
    """For a date that is an offset ("a day after"), the word it dates (the verb of the clause after
    "after", "a day after the chipmaker said", or of the clause it takes, "two days after asking") and the
    character span of that clause; else None (a noun, "a week before its debut", names no act done)."""
    word = _offset_word(doc, mention)
    if word is None:
        return None
    if word.dep_ == "mark" and word.head.pos_ in ("VERB", "AUX"):
        dated, phrase = word.head, word.head
    elif word.dep_ == "prep":
        # "two days after asking ...": a clause, not a noun ("a week before its debut" names no act done)
        dated = next((c for c in word.children if c.dep_ == "pcomp" and c.pos_ in ("VERB", "AUX")), None)
        phrase = word
    else:
        return None
    if dated is None:
        return None
    last = phrase.right_edge
    return dated, phrase.left_edge.idx, last.idx + len(last.text)


def offset_dates(doc: Doc, text: str, known: list[DateMention]) -> list[DateMention]:
    """Offsets from a date of the same sentence ("on Friday, a day after ..."), resolved from it; none when
    the clause they introduce has its own date, or the sentence no date to count from."""
    from nlp.dates import DateMention

    found = []
    for match in OFFSET.finditer(text):
        start, end = match.start(), match.end("dir")
        if (
            NOT_A_GAP.search(text[max(0, start - 20) : start])
            or not CLAUSE_FOLLOWS.match(text, end)
            or any(start < m.end and m.start < end for m in known)
        ):
            continue
        mention = DateMention(start, end, text[start:end], None, None)
        phrase = offset_phrase(doc, mention)
        if phrase is None:
            # "detained the suspect two days after the 6 May break-in": counted from the date of the noun it
            # names, the offset dates the clause it hangs on.
            dated_noun = _dated_noun_offset(doc, match, mention, known)
            if dated_noun is not None:
                found.append(dated_noun)
            continue
        _, low, high = phrase
        sentence = phrase[0].sent
        around = [m for m in known if sentence.start_char <= m.start < sentence.end_char]
        if any(low <= m.start < high for m in around):
            continue  # "a month after it became the largest shareholder in August": dated by itself
        anchors = [m for m in around if _start(m) is not None and not m.is_vague and m.mod is None]
        if not anchors:
            continue
        anchor = min(anchors, key=lambda m: abs(m.start - start))
        groups = match.groupdict()
        unit = (groups["unit"] or "day").lower()
        count = 0 if groups["hours"] else _count(groups["count"])
        count = -count if groups["dir"].lower() == "after" else count
        resolved = _resolve(unit, count, anchor)
        if resolved is not None:
            found.append(replace(mention, value=resolved[0], precision=resolved[1]))
    return found


def offset_noun(doc: Doc, mention: DateMention) -> tuple[int, int] | None:
    """For an offset before a noun ("two days after the 6 May break-in"), the noun phrase's character span;
    else None (a clause follows, or nothing a date could be counted from)."""
    word = _offset_word(doc, mention)
    if word is None or word.dep_ != "prep":
        return None
    noun = next((c for c in word.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN")), None)
    if noun is None:
        return None
    return noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge.text)


def _dated_noun_offset(doc: Doc, match: re.Match, mention: DateMention, known: list[DateMention]):
    """An offset before a noun that carries its own date ("two days after the 6 May break-in", "a week before
    the March 3 vote"), resolved from that date (it dates the clause the offset hangs on); else None."""
    span = offset_noun(doc, mention)
    if span is None:
        return None
    inside = [m for m in known if span[0] <= m.start < span[1] and _start(m) is not None and not m.is_vague]
    if len(inside) != 1 or inside[0].mod is not None:
        return None
    groups = match.groupdict()
    count = 0 if groups["hours"] else _count(groups["count"])
    count = count if groups["dir"].lower() == "after" else -count
    resolved = _resolve((groups["unit"] or "day").lower(), count, inside[0])
    return None if resolved is None else replace(mention, value=resolved[0], precision=resolved[1])


OF_THAT_YEAR = re.compile(r"\s+of\s+(?:that|the\s+same)\s+year\b", re.I)


def of_that_year(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """``mentions`` with "November of that year" read as one date: the month in the year of the date
    before it (not "November" in the year nearest the publication, and "that year" a second date)."""
    result = []
    for mention in mentions:
        follow = OF_THAT_YEAR.match(text, mention.end) if mention.year_inferred else None
        value = mention.value or ""
        # Only a mention followed by "of that year" looks back for its year (most are not).
        # (not a month joined to it: "June and July of that year" are both of the year told before)
        antecedents = (
            [
                m
                for m in result
                if m.end <= mention.start
                and _start(m) is not None
                and not (m.year_inferred and AND_MONTH.fullmatch(text, m.end, mention.end))
            ]
            if follow
            else []
        )
        if not (follow and re.match(r"\d{4}", value) and antecedents):
            result.append(mention)
            continue
        year = f"{_start(antecedents[-1]).year:04d}"
        end = follow.end()
        result.append(
            replace(
                mention,
                end=end,
                text=text[mention.start : end],
                value=year + value[4:],
                date_end=year + mention.date_end[4:] if mention.date_end else None,
                year_inferred=False,
            )
        )
    return result


# "in June and July", "in March, April and May": a month joined to the month before it (a comma joins
# only in a list that ends "and <month>": "in June, July saw a rise" names one month).
AND_MONTH = re.compile(rf"(?P<link>,?\s+(?:and|or)\s+|,\s*)(?P<month>{g.MONTH})(?!\s*{g.DAY}\b)")
# "that November": a month of the year told before it.
THAT_MONTH = re.compile(rf"\b[Tt]hat\s+(?P<month>{g.MONTH})(?!\s*\d)")


def _joined_month(text: str, mention: DateMention) -> re.Match | None:
    """The month joined to a month mention ("June" in "in May and June"), if any."""
    if (
        mention.precision != "month"
        or mention.date_end
        or not re.fullmatch(g.MONTH, mention.text.split()[-1])
    ):
        return None
    follow = AND_MONTH.match(text, mention.end)
    if follow is not None and "," in follow.group("link") and not follow.group("link").strip(", "):
        after = AND_MONTH.match(text, follow.end())
        return follow if after is not None and after.group("link").strip(", ") else None
    return follow


def coordinated_months(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """``mentions`` with the months joined to a month ("in June and July", "March, April and May"); a month
    given its year ("May of 2022", "July of that year") gives it to the months joined before it."""
    from nlp.dates import DateMention

    found = {m.start: m for m in mentions}
    pending = sorted(found)
    links: list[tuple[int, int]] = []  # (month, the month joined after it), by start
    while pending:
        mention = found[pending.pop(0)]
        follow = _joined_month(text, mention)
        if follow is None:
            continue
        start, end = follow.span("month")
        links.append((mention.start, start))
        if start not in found:
            first, second = g.month_number(mention.text.split()[-1]), g.month_number(follow.group("month"))
            value = f"{int(mention.value[:4]) + (second < first):04d}-{second:02d}"
            found[start] = DateMention(
                start, end, text[start:end], value, "month", None, None, mention.year_inferred
            )
            pending.insert(0, start)  # "March, April and May": April's joined month next
    for first_start, second_start in reversed(links):  # the year flows back from the last month of a list
        first, second = found[first_start], found[second_start]
        if (
            first.year_inferred
            and not second.year_inferred
            and re.fullmatch(r"\d{4}-\d{2}", second.value or "")
        ):
            wraps = g.month_number(second.text.split()[0]) < g.month_number(first.text.split()[-1])
            value = f"{int(second.value[:4]) - wraps:04d}-{first.value[5:7]}"
            found[first_start] = replace(first, value=value, year_inferred=False)
    return sorted(found.values(), key=lambda m: m.start)


def that_month(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """``mentions`` with the months of the year told before them: "launched in 2019 ... that November"."""
    from nlp.dates import DateMention

    found = {m.start: m for m in mentions}
    for match in THAT_MONTH.finditer(text):
        start, end = match.span()
        before = [m for m in found.values() if m.end <= start and _start(m) is not None]
        if start in found or any(m.start < end and start < m.end for m in found.values()) or not before:
            continue
        year = _start(max(before, key=lambda m: m.end)).year
        found[start] = DateMention(
            start, end, match.group(0), f"{year:04d}-{g.month_number(match.group('month')):02d}", "month"
        )
    return sorted(found.values(), key=lambda m: m.start)


def _comparison_base(text: str, start: int) -> bool:
    """Whether a date that points back is the base of a comparison: right after "from", "than", "on"…, or
    after a word of comparison in the same clause ("more than three times the figure a year earlier")."""
    before = text[max(0, start - 50) : start]
    clause = re.split(r"[.;:,]", before)[-1]
    return bool(COMPARISON_BASE.search(before) or COMPARISON_WORDS.search(clause))


def _count(word: str | None) -> int:
    word = (word or "one").lower()
    return int(word) if word.isdigit() else NUMBERS.get(word, 1)


# "met on Thursday, 6 February, and he resigned the following Monday": a weekday counted from the day told
# before it, not from the publication.
SEQUENCE_BEFORE = re.compile(r"\bthe\s+(?P<way>following|next|previous|preceding)\s+$", re.I)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def sequenced_weekdays(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """Weekdays after "the following", "the next", "the previous" or "the preceding", dated from the day told
    before them (when one was)."""
    found = []
    for index, mention in enumerate(mentions):
        words = mention.text.lower().split()
        if mention.precision != "day" or not words or words[-1] not in WEEKDAY_NAMES:
            found.append(mention)
            continue
        start = mention.start
        if words[0] == "next" and len(words) == 2:  # "the next Monday": the grammar read "next Monday"
            way = "next" if re.search(r"\bthe\s+$", text[max(0, start - 5) : start], re.I) else None
        else:
            sequence = SEQUENCE_BEFORE.search(text, max(0, start - 20), start) if len(words) == 1 else None
            way = sequence.group("way").lower() if sequence else None
        antecedent = next(
            (m for m in reversed(mentions[:index]) if m.precision == "day" and _start(m) is not None), None
        )
        if way is None or antecedent is None:
            found.append(mention)
            continue
        target = WEEKDAY_NAMES.index(words[-1])
        base = _start(antecedent)
        if way in ("following", "next"):
            day = base + timedelta(days=(target - base.weekday() - 1) % 7 + 1)
        else:
            day = base - timedelta(days=(base.weekday() - target - 1) % 7 + 1)
        found.append(replace(mention, value=day.isoformat()))
    return found
