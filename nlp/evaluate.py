"""Evaluate event candidates, dates and markets against gold.

    python -m nlp.evaluate            # all of them
    python -m nlp.evaluate events     # one of: events, heldout, unseen, dev2, dates, markets

Events: the demo corpus's gold (tests/fixtures/gold/events.toml and the mention blocks of demo/content),
and a held-out corpus in the same form (tests/fixtures/heldout/) that the rules were not tuned on. A candidate matches a gold event when
the event is reported in the candidate's article, the dates are compatible (equal at the coarser
precision) and an actor or a market overlaps. Recall = gold (event, article) mentions with a matching
candidate / all gold mentions; precision = matching candidates / all candidates; type accuracy = matching
candidates of the gold event's type / matching candidates.
Dates: tests/fixtures/dates/expressions.jsonl; a case is right when a found date overlaps the expression
with the expected value, precision, end and modifier, and, for a negative case, when none overlaps it.
Markets: tests/fixtures/markets/names.jsonl, exact codes (None for non-places).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from nlp.timex import compatible

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEMO_CONTENT = ROOT / "demo" / "content"
DEMO_CATALOGUE = FIXTURES / "gold" / "events.toml"
HELDOUT = FIXTURES / "heldout"
# Corpora in the content format with their gold catalogues: (articles folder, events.toml).
# A second corpus kept apart from the rules: several outlets on each story, for the merge.
UNSEEN = FIXTURES / "unseen"
# A third, written by someone who never saw the rules and kept blind until the third session of 2026-11-24
# (only its scores were read); since then a development corpus, its errors read to choose rules.
FRESH = FIXTURES / "fresh"
# A development corpus in new domains (tests/fixtures/dev2), written apart from the rules: its first figures
# were blind, later rules were chosen with its errors in view.
DEV2 = FIXTURES / "dev2"
# A corpus in five new domains (tests/fixtures/blind2), written blind (its writer never read the rules) and
# kept blind (only its summary lines read) until the seventh session of 2026-11-24; since then a development
# corpus, its errors read to choose rules.
BLIND2 = FIXTURES / "blind2"
# Another, written blind on 2026-11-24 (third session) in five more domains (tests/fixtures/blind3): a crewed
# test flight, two Hollywood strikes, a national blackout, a chipmaker's crisis, a share listing. Blind until
# the seventh session, a development corpus since, like blind2.
BLIND3 = FIXTURES / "blind3"
# Written blind in the sixth session of 2026-11-24 (23 articles by 6 outlets on 5 stories): a social
# network's takeover, a carmakers' strike, a ship blocking a canal, a trade agreement, a battery maker's
# collapse. Only its summary lines are read.
BLIND4 = FIXTURES / "blind4"
# Written blind in the seventh session of 2026-11-24 (25 articles by 6 outlets on 5 stories): a country's
# bans of foreign apps, chip export controls, a headset's roll-out, app store lawsuits, a design software
# maker's failed takeover and listing. Only its summary lines were read until the eighth session, when
# blind6 took its place; a development corpus since.
BLIND5 = FIXTURES / "blind5"
# Written blind in the eighth session of 2026-11-24 (25 articles by 6 outlets on 5 stories): a crypto
# exchange's collapse, duties on imported electric cars, attacks on shipping, an AI company's board crisis, a
# games console's launch. Only its summary lines are read.
BLIND6 = FIXTURES / "blind6"
# Written blind in the ninth session of 2026-11-24 (25 articles by 6 outlets on 5 stories): a canal's drought
# limits, a cyberattack on a health-payments company, a carmaker's plant crisis and union deal, a surge in
# cocoa prices, a merger of two media groups' Indian businesses. Only its summary lines are read, measured
# once with the session's start code and once with its end code; the tenth session read them after its rules.
BLIND7 = FIXTURES / "blind7"
# Written blind in the tenth session of 2026-11-24 (26 articles by 6 outlets on 5 stories): an airliner's
# groundings and return, a rail drivers' strike, a government's budget and a bond market crisis, an antitrust
# case against a search engine, a winter storm's blackouts. Only its summary lines are read, measured once
# with the session's start code and once with its end code.
BLIND8 = FIXTURES / "blind8"
# Written blind in the eleventh session of 2026-11-25 (29 articles by 6 outlets on 5 stories): a social app's
# launch and its late arrival in Europe, a country's debt crisis and bailout, a streaming service's crackdown on
# shared passwords and its advertising plan, a lithium mine's licence fight, an airline's privatisation and
# aircraft orders. Only its summary lines are read, measured with the session's start code and after its rules.
BLIND9 = FIXTURES / "blind9"
BLIND10 = FIXTURES / "blind10"
CORPORA = {
    "demo": (DEMO_CONTENT, DEMO_CATALOGUE),
    "heldout": (HELDOUT, HELDOUT / "events.toml"),
    "unseen": (UNSEEN, UNSEEN / "events.toml"),
    "fresh": (FRESH, FRESH / "events.toml"),
    "dev2": (DEV2, DEV2 / "events.toml"),
    "blind2": (BLIND2, BLIND2 / "events.toml"),
    "blind3": (BLIND3, BLIND3 / "events.toml"),
    "blind4": (BLIND4, BLIND4 / "events.toml"),
    "blind5": (BLIND5, BLIND5 / "events.toml"),
    "blind6": (BLIND6, BLIND6 / "events.toml"),
    "blind7": (BLIND7, BLIND7 / "events.toml"),
    "blind8": (BLIND8, BLIND8 / "events.toml"),
    "blind9": (BLIND9, BLIND9 / "events.toml"),
    "blind10": (BLIND10, BLIND10 / "events.toml"),
}


@dataclass
class EventScores:
    recall: float
    precision: float
    type_accuracy: float
    gold_mentions: int
    candidates: int
    misses: list[str]
    false_positives: list[str]
    type_errors: list[str]
    wrong_types: list[tuple[str, str]]  # (gold fact id, the type found) of each candidate in type_errors


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.casefold()) if w not in ("the", "s")}


def actors_overlap(found: list[str], gold: list[str]) -> bool:
    """Whether one found actor names a gold actor: the words of one name contain the other's.

    "trade ministry" names "Indonesia's trade ministry"; "Trump" names "Donald Trump"; "Washington" names
    "United States" (both are the country US).
    """
    from nlp.markets import resolve_market

    if any((a := _words(f)) and (b := _words(g)) and (a <= b or b <= a) for f in found for g in gold):
        return True
    # "Washington" acting for "the United States": the same country by either name.
    found_codes = {resolve_market(f) for f in found} - {None}
    return bool(found_codes & {resolve_market(g) for g in gold})


def fact_matches(
    value: str | None, end: str | None, actors: list[str], markets: list[str], event: dict
) -> bool:
    """Whether a found fact (a candidate or a merged event) is the gold ``event``: compatible dates, and an
    actor or a market in common."""
    if not compatible(value, event["date"], end):
        return False
    return actors_overlap(actors, event["actors"]) or bool(set(markets) & set(event["markets"]))


@dataclass
class GoldArticle:
    page: str
    text: str
    published: datetime
    mentions: list[dict]


def load_corpus(content: Path) -> list[GoldArticle]:
    """Articles in the demo content format (``<folder>/<outlet>/<slug>.md``) with their gold mentions."""
    import tomllib

    articles = []
    for path in sorted(content.glob("*/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
        meta = tomllib.loads(front)
        text = meta["standfirst"] + "\n" + body.strip().replace("## ", "")
        page = str(path.relative_to(content))
        articles.append(
            GoldArticle(page, text, datetime.fromisoformat(meta["published"]), meta.get("mentions", []))
        )
    return articles


def evaluate_events(content: Path = DEMO_CONTENT, catalogue: Path = DEMO_CATALOGUE) -> EventScores:
    """Candidates of the articles in ``content`` against the gold events of ``catalogue``."""
    import tomllib

    from nlp.analyze import analyze_texts

    events_by_id = {e["id"]: e for e in tomllib.loads(catalogue.read_text(encoding="utf-8"))["events"]}
    articles = load_corpus(content)
    analyses = dict(
        zip((a.page for a in articles), analyze_texts((a.text, a.published) for a in articles), strict=True)
    )
    by_page = {a.page: [events_by_id[m["event"]] for m in a.mentions] for a in articles if a.mentions}

    def matches(candidate, event) -> bool:
        if not compatible(candidate.date.value, event["date"], candidate.date.date_end):
            return False
        return actors_overlap(candidate.actors, event["actors"]) or bool(
            set(candidate.markets) & set(event["markets"])
        )

    found_mentions, matched, typed, total = 0, 0, 0, 0
    misses, false_positives, type_errors, wrong_types = [], [], [], []
    for page, analysis in analyses.items():
        events = by_page.get(page, [])
        for event in {e["id"]: e for e in events}.values():
            if any(matches(c, event) for c in analysis.candidates):
                found_mentions += 1
            else:
                misses.append(f"{page}: {event['id']} ({event['date']})")
        for candidate in analysis.candidates:
            total += 1
            # The gold event it reports: of its type if one matches, else the first that matches.
            matching = [e for e in events if matches(candidate, e)]
            hit = next(
                (e for e in matching if e["type"] == candidate.event_type), matching[0] if matching else None
            )
            if hit:
                matched += 1
                typed += candidate.event_type == hit["type"]
                if candidate.event_type != hit["type"]:
                    wrong_types.append((hit["id"], candidate.event_type))
                    type_errors.append(
                        f"{hit['id']}: {candidate.event_type} (want {hit['type']}) [{candidate.trigger}] "
                        f"{candidate.sentence[:80]}"
                    )
            else:
                false_positives.append(
                    f"{page}: {candidate.event_type} {candidate.date.value} [{candidate.trigger}] {candidate.sentence[:90]}"
                )
    gold_total = sum(len({e["id"] for e in events}) for page, events in by_page.items() if page in analyses)
    return EventScores(
        recall=found_mentions / max(1, gold_total),
        precision=matched / max(1, total),
        type_accuracy=typed / max(1, matched),
        gold_mentions=gold_total,
        candidates=total,
        misses=misses,
        false_positives=false_positives,
        type_errors=type_errors,
        wrong_types=wrong_types,
    )


@dataclass
class DateScores:
    accuracy: float
    cases: int
    wrong: list[str]


def evaluate_dates() -> DateScores:
    from nlp.dates import find_dates_in_doc
    from nlp.model import load_model

    cases = [
        json.loads(line)
        for line in (FIXTURES / "dates" / "expressions.jsonl").read_text().splitlines()
        if line
    ]
    nlp = load_model()
    wrong = []
    for case, doc in zip(cases, nlp.pipe(c["text"] for c in cases), strict=True):
        start = case["text"].index(case["expression"])
        end = start + len(case["expression"])
        found = [
            m
            for m in find_dates_in_doc(doc, datetime.fromisoformat(case["reference"]))
            if m.start < end and start < m.end
        ]
        if case["value"] is None:
            ok = not found
        else:
            expected = (case["value"], case["precision"], case.get("end"), case.get("mod"))
            ok = any((m.value, m.precision, m.date_end, m.mod) == expected for m in found)
        if not ok:
            got = [(m.text, m.value, m.precision, m.date_end, m.mod) for m in found]
            wrong.append(
                f"{case['id']}: {case['expression']!r} ref {case['reference']} want {case['value']} "
                f"{case['precision']} {case.get('end')} {case.get('mod')} got {got}"
            )
    return DateScores((len(cases) - len(wrong)) / max(1, len(cases)), len(cases), wrong)


def evaluate_markets() -> DateScores:
    from nlp.markets import resolve_market

    cases = [
        json.loads(line) for line in (FIXTURES / "markets" / "names.jsonl").read_text().splitlines() if line
    ]
    wrong = [
        f"{c['name']!r}: want {c['code']} got {resolve_market(c['name'])}"
        for c in cases
        if resolve_market(c["name"]) != c["code"]
    ]
    return DateScores((len(cases) - len(wrong)) / max(1, len(cases)), len(cases), wrong)


def main(argv: list[str]) -> int:
    which = argv[1:] or ["events", "heldout", "dates", "markets"]
    if "dates" in which:
        scores = evaluate_dates()
        print("\n".join(scores.wrong))
        print(f"dates: {scores.cases} expressions, accuracy {scores.accuracy:.3f}\n")
    if "markets" in which:
        scores = evaluate_markets()
        print("\n".join(scores.wrong))
        print(f"markets: {scores.cases} names, accuracy {scores.accuracy:.3f}\n")
    for name, (content, catalogue) in CORPORA.items():
        name = "events" if name == "demo" else name  # `events` names the demo corpus on the command line
        if name not in which or not catalogue.exists():
            continue
        scores = evaluate_events(content, catalogue)
        print("missed:\n  " + "\n  ".join(scores.misses))
        print("candidates matching no gold event:\n  " + "\n  ".join(scores.false_positives))
        print("wrong types:\n  " + "\n  ".join(scores.type_errors))
        print(
            f"{name}: {scores.gold_mentions} gold mentions, {scores.candidates} candidates: recall {scores.recall:.3f}, "
            f"precision {scores.precision:.3f}, type accuracy {scores.type_accuracy:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
