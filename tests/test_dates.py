from datetime import date

import pytest

from nlp.dates import find_dates, find_pattern_dates

# (reference, text, expression, value, precision, date_end, mod): the traps the NLP issue names.
CASES = [
    (date(2023, 10, 10), "Sales fell last September.", "last September", "2023-09", "month", None, None),
    (date(2023, 9, 10), "Sales fell last September.", "last September", "2022-09", "month", None, None),
    (
        date(2025, 5, 20),
        "The deadline is 19 January 2025.",
        "19 January 2025",
        "2025-01-19",
        "day",
        None,
        None,
    ),
    (date(2025, 7, 2), "Sales rose on Monday.", "Monday", "2025-06-30", "day", None, None),
    (date(2025, 6, 30), "TikTok Shop went live on Monday.", "Monday", "2025-06-30", "day", None, None),
    (date(2025, 6, 30), "The board will meet on Monday.", "Monday", "2025-07-07", "day", None, None),
    (date(2025, 6, 30), "Shares dropped last Monday.", "last Monday", "2025-06-23", "day", None, None),
    (date(2025, 5, 20), "The plant opened in 2022.", "2022", "2022", "year", None, None),
    (
        date(2025, 5, 20),
        "Profit rose in the third quarter.",
        "the third quarter",
        "2025-Q3",
        "quarter",
        None,
        None,
    ),
    (
        date(2025, 5, 20),
        "Growth is expected between 2024 and 2027.",
        "between 2024 and 2027",
        "2024",
        "year",
        "2027",
        None,
    ),
    (date(2025, 5, 20), "It plans to list next year.", "next year", "2026", "year", None, None),
    (date(2025, 5, 20), "It must sell by June 19.", "June 19", "2025-06-19", "day", None, None),
    (date(2025, 6, 20), "The new deadline is Sept. 17.", "Sept. 17", "2025-09-17", "day", None, None),
    (date(2024, 1, 8), "The mission began on Dec. 18.", "Dec. 18", "2023-12-18", "day", None, None),
    (date(2025, 6, 2), "The summit runs June 16-17.", "June 16-17", "2025-06-16", "day", "2025-06-17", None),
    (date(2025, 5, 20), "Demand slowed in mid-2024.", "mid-2024", "2024", "year", None, "MID"),
    (date(2025, 5, 20), "A rebound came in early 2025.", "early 2025", "2025", "year", None, "START"),
    (date(2025, 5, 20), "Prices peaked at the end of 2024.", "the end of 2024", "2024", "year", None, "END"),
    (
        date(2025, 5, 20),
        "Output fell in the first quarter of 2025.",
        "the first quarter of 2025",
        "2025-Q1",
        "quarter",
        None,
        None,
    ),
    (date(2025, 3, 19), "Talks resume this week.", "this week", "2025-W12", "week", None, None),
    (
        date(2025, 1, 18),
        "It takes effect on Sunday, January 19.",
        "Sunday, January 19",
        "2025-01-19",
        "day",
        None,
        None,
    ),
    (date(2025, 1, 10), "The merger closed two years ago.", "two years ago", "2023", "year", None, None),
    (
        date(2025, 1, 10),
        "Sales grew in the first half of 2024.",
        "the first half of 2024",
        "2024-01",
        "month",
        "2024-06",
        None,
    ),
    (date(2025, 1, 10), "Prices rose this winter.", "this winter", "2024-WI", "quarter", None, None),
]


@pytest.mark.parametrize(
    "reference, text, expression, value, precision, date_end, mod", CASES, ids=[c[2] for c in CASES]
)
def test_news_date_traps(reference, text, expression, value, precision, date_end, mod):
    [mention] = [
        m for m in find_pattern_dates(text, reference) if expression in m.text or m.text in expression
    ]
    assert (mention.value, mention.precision, mention.date_end, mention.mod) == (
        value,
        precision,
        date_end,
        mod,
    )
    assert text[mention.start : mention.end] == mention.text


def test_vague_future_is_never_an_exact_day():
    [mention] = find_pattern_dates("Prices should ease in the coming months.", date(2025, 5, 20))
    assert mention.value == "FUTURE_REF" and mention.is_vague


@pytest.mark.parametrize(
    "text",
    [
        "The company has operated there for two years.",
        "She has 30 years of experience in retail.",
        "The 45-year-old founder stepped down.",
        "Buyers must wait 270 days.",
        "It sold 2,024 units and 2024 cars.",
        "Workers staged a 24-hour strike.",
    ],
)
def test_durations_ages_and_quantities_are_not_dates(text):
    assert find_dates(text, date(2025, 5, 20)) == []


def test_find_dates_uses_the_model_and_keeps_offsets():
    text = "TikTok Shop launched in Japan on Monday, months after its European debut in March."
    mentions = find_dates(text, date(2025, 6, 30))
    assert [(m.text, m.value) for m in mentions] == [("Monday", "2025-06-30"), ("March", "2025-03")]


def test_a_weekday_told_with_a_past_verb_is_behind_even_in_a_sentence_about_the_future():
    text = "The ferry line will drop its winter crossings, the operator announced on Tuesday."
    assert [(m.text, m.value) for m in find_dates(text, date(2025, 6, 12))] == [("Tuesday", "2025-06-10")]
    text = "The ferry line will drop its winter crossings on Tuesday."
    assert [(m.text, m.value) for m in find_dates(text, date(2025, 6, 12))] == [("Tuesday", "2025-06-17")]


def test_a_month_naming_the_event_after_it_is_a_date_but_not_a_name_or_a_quarter():
    found = find_dates("The inquiry into the August flooding of the depot closed.", date(2025, 2, 3))
    assert [(m.text, m.value) for m in found] == [("August", "2024-08")]
    assert find_dates("Ministers of the May government left early.", date(2018, 7, 2)) == []
    # A quarter named by the month it ends in is that quarter, not the month.
    found = find_dates("Ferry bookings rose in the December quarter.", date(2025, 2, 3))
    assert [(m.text, m.value, m.precision) for m in found] == [("the December quarter", "2024-Q4", "quarter")]
    # "the April quarter" is a company's own (February to April): no calendar quarter, and no month either.
    assert find_dates("Ferry bookings rose in the April quarter.", date(2025, 6, 3)) == []


def test_a_day_s_act_told_in_the_present_lies_ahead_but_a_past_of_the_same_form_does_not():
    reference = date(2026, 1, 1)  # a Thursday
    found = find_dates("Rail fares rise by 4% on Monday, the transport authority said.", reference)
    assert [m.value for m in found] == ["2026-01-05"]
    found = find_dates("The museum reopens on Monday after a two-year renovation.", reference)
    assert [m.value for m in found] == ["2026-01-05"]
    # "cut" is its own past, and a noun's day is no act's: both stay in the past.
    assert [m.value for m in find_dates("The central bank cut rates on Monday.", reference)] == ["2025-12-29"]
    text = "The deal follows the company's announcement on Monday that it would sell the unit."
    assert [m.value for m in find_dates(text, reference)] == ["2025-12-29"]


def test_the_current_quarter_the_next_morning_and_a_period_to_a_month_of_a_year():
    reference = date(2025, 8, 12)
    assert [m.value for m in find_dates("Revenue for the current quarter will fall.", reference)] == [
        "2025-Q3"
    ]
    text = "The blast came on the evening of 2 December, and the road was still shut the next morning."
    assert [m.value for m in find_dates(text, date(2024, 12, 5))] == ["2024-12-02", "2024-12-03"]
    found = find_dates("Exports were 62% of sales in the 12 months to March 2025.", reference)
    assert [(m.value, m.date_end) for m in found] == [("2024-04", "2025-03")]


def test_a_calendar_event_held_in_the_present_tense_lies_ahead():
    found = find_dates("The island holds a referendum in February on the new bridge.", date(2025, 9, 1))
    assert [(m.text, m.value) for m in found] == [("February", "2026-02")]
    found = find_dates("The island held a referendum in February on the new bridge.", date(2025, 9, 1))
    assert [(m.text, m.value) for m in found] == [("February", "2025-02")]


def test_a_modified_month_after_a_gerund_takes_the_tense_of_the_clause_it_leads_to():
    text = "After flooding at the end of January, the depot resumed work in late March."
    found = find_dates(text, date(2025, 8, 20))
    assert [(m.text, m.value) for m in found] == [
        ("the end of January", "2025-01"),
        ("late March", "2025-03"),
    ]
    text = "After finishing its trials in late January, the ferry will sail to Oslo."
    assert [m.value for m in find_dates(text, date(2025, 8, 20))] == ["2026-01"]


def test_dates_pointing_back_from_the_date_before_them_but_not_a_comparison_base():
    text = "The lighthouse was rebuilt in 2012, after a storm wrecked it the year before."
    assert [(m.text, m.value) for m in find_dates(text, date(2024, 5, 6))] == [
        ("2012", "2012"),
        ("the year before", "2011"),
    ]
    text = "Lighthouse visits rose in 2023, up a tenth from the year before."
    assert [m.text for m in find_dates(text, date(2024, 5, 6))] == ["2023"]
    text = "In 2023 the lighthouse drew three times the visitors it drew a year earlier."
    assert [m.text for m in find_dates(text, date(2024, 5, 6))] == ["2023"]


# Floors only go up (python -m nlp.evaluate dates prints the figure and every miss).
DATES_ACCURACY_FLOOR = 0.995


def test_date_test_set_floor():
    from nlp.evaluate import evaluate_dates

    scores = evaluate_dates()
    assert scores.cases >= 910
    assert scores.accuracy >= DATES_ACCURACY_FLOOR, scores.wrong


# Texts where a scan that skips ahead could go wrong: a date at the very start or end, glued to
# punctuation, after a character a lookbehind rules out, or overlapping the one before.
SCAN_TRAPS = [
    "2024",
    "2024 was the year; 2025-2027 the plan, not $2026 nor x2028 nor 2029%.",
    "(January 2025), [Jan. 5] and Oct. 7 to Oct. 11, 2024-25 then 1/2/2024.",
    "between 2024 and 2027. From March to May 2025. Q3 2024 and 2024 Q4, the third quarter.",
    "The January blowout, not the May government; mid-2024, end-2025, early June.",
    "Sales fell.\n2023\nJune 16-17, 2025 and 16-17 June and Sunday, January 19, 2025",
]


@pytest.mark.parametrize("text", SCAN_TRAPS)
def test_the_grammar_scan_finds_what_finditer_finds(text):
    from nlp.dates import SCANS

    for _, pattern, scan in SCANS:
        assert [(m.span(), m.groupdict()) for m in scan(text)] == [
            (m.span(), m.groupdict()) for m in pattern.finditer(text)
        ]


def test_the_scan_skips_ahead_only_where_the_pattern_opens_with_a_word_boundary_or_lookbehind():
    import re

    from nlp.pattern_scan import scanner, scout_for

    assert scout_for(re.compile(r"\b(?:January|June)\s+\d+")).pattern == r"(?:January|June)\s+\d+"
    assert scout_for(re.compile(r"(?<![\w$])(?:19|20)\d\d")).pattern == r"(?:19|20)\d\d"
    assert scout_for(re.compile(r"\b(?:today|tomorrow)", re.I)) is None  # no skipping ahead in any case
    assert scout_for(re.compile(r"\b(?:the\s+)?June")) is None  # an optional opening: no first letters
    assert scout_for(re.compile(r"June")) is None  # nothing to take off: finditer is as fast
    pattern = re.compile(r"\b(?:January|June)\s+\d+")
    assert [m.group() for m in scanner(pattern)("XJune 5, June 6 and January 7")] == ["June 6", "January 7"]


def test_movable_holidays_fall_on_their_day_of_each_year():
    from nlp.grammar import holiday_date

    easters = {
        2019: date(2019, 4, 21),
        2024: date(2024, 3, 31),
        2025: date(2025, 4, 20),
        2038: date(2038, 4, 25),
    }
    for year, easter in easters.items():
        assert holiday_date("Easter Sunday", year) == easter
    assert holiday_date("Good Friday", 2024) == date(2024, 3, 29)
    assert holiday_date("Thanksgiving", 2024) == date(2024, 11, 28)
    assert holiday_date("Labor Day", 2025) == date(2025, 9, 1)
    assert holiday_date("Memorial Day", 2024) == date(2024, 5, 27)
    # Said in December, Easter is the coming one (the nearest); the first word of a name is no holiday.
    found = find_dates("The cathedral will reopen on Easter Sunday.", date(2025, 12, 1))
    assert [(m.text, m.value) for m in found] == [("Easter Sunday", "2026-04-05")]
    assert [m.text for m in find_dates("The ship docked at Easter Island on 3 May.", date(2025, 6, 1))] == [
        "3 May"
    ]


def test_last_night_the_end_of_the_quarter_and_a_day_that_should_come():
    reference = date(2025, 7, 20)  # a Sunday
    assert [
        m.value for m in find_dates("Firefighters fought a blaze at the depot last night.", reference)
    ] == ["2025-07-19"]
    found = find_dates("The lender aims to complete the sale by the end of the quarter.", date(2024, 8, 12))
    assert [(m.value, m.mod) for m in found] == [("2024-Q3", "END")]
    found = find_dates(
        "Motorists should expect delays on Tuesday morning while crews work.", date(2020, 9, 5)
    )
    assert [m.value for m in found] == ["2020-09-08"]


def test_an_offset_counted_from_a_dated_noun_dates_the_clause_it_hangs_on():
    text = "Police detained the suspect two days after the 6 May break-in at the museum."
    found = find_dates(text, date(2021, 5, 20))
    assert [(m.text, m.value) for m in found] == [
        ("two days after", "2021-05-08"),
        ("the 6 May", "2021-05-06"),
    ]
