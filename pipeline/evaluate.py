"""Evaluate the merged timeline against gold events.

    python -m pipeline.evaluate            # the demo corpus
    python -m pipeline.evaluate heldout    # the held-out corpus
    python -m pipeline.evaluate --verbose  # also every event with its mentions
    python -m pipeline.evaluate --pooled blind4 blind6  # also the figures of the corpora taken together

The corpus is ingested into a temporary database (syndicated copies found by the store's own dedup),
processed and merged exactly as `timeline process` does. An event is a gold fact when its mentions match
that fact in their articles (as in `nlp.evaluate`), preferring the fact annotated on the same sentence;
the gold fact it matches most often is its own (on a tie, as when one sentence carries two facts, the
one of the event's type, as `nlp.evaluate` attributes a candidate).
Recall = gold facts with an event / gold facts reported in the corpus; precision = events that are a gold
fact / events; duplicate rate = events beyond the first for the same gold fact / events; type accuracy =
events of their gold fact's type / events that are a gold fact.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from nlp.evaluate import CORPORA, DEMO_CATALOGUE, DEMO_CONTENT, fact_matches, load_corpus
from pipeline.process import process_articles
from pipeline.schema import open_database
from pipeline.store import ArticleRecord, Store
from pipeline.timeline import merge_events, top_order


@dataclass
class TimelineScores:
    recall: float
    precision: float
    duplicate_rate: float
    type_accuracy: float
    gold_facts: int
    events: int
    misses: list[str]
    strays: list[str]
    duplicates: list[str]
    top_precision: float = 0.0  # of the top events by importance (as many as lead facts), those that are one
    details: list[str] = field(default_factory=list)  # every event with its mentions, for `--verbose`
    # The counts behind the figures, to pool corpora: facts found, events that are a fact, events beyond the
    # first of their fact, those of their fact's type, top events that are lead facts, top events ranked.
    found: int = 0
    matched: int = 0
    extra: int = 0
    typed: int = 0
    top_leads: int = 0
    top_ranked: int = 0

    COUNTS = ("gold_facts", "events", "found", "matched", "extra", "typed", "top_leads", "top_ranked")

    @classmethod
    def from_counts(
        cls,
        *,
        gold_facts: int,
        events: int,
        found: int,
        matched: int,
        extra: int,
        typed: int,
        top_leads: int,
        top_ranked: int,
        **lists,
    ) -> TimelineScores:
        """The figures of these counts (``lists``: misses, strays, duplicates and details, if any)."""
        return cls(
            recall=found / max(1, gold_facts),
            precision=matched / max(1, events),
            duplicate_rate=extra / max(1, events),
            type_accuracy=typed / max(1, matched),
            top_precision=top_leads / max(1, top_ranked),
            gold_facts=gold_facts,
            events=events,
            found=found,
            matched=matched,
            extra=extra,
            typed=typed,
            top_leads=top_leads,
            top_ranked=top_ranked,
            **{"misses": [], "strays": [], "duplicates": []} | lists,
        )


@dataclass
class Corpus:
    """A gold corpus ingested and processed into a database, ready to merge and score."""

    db: sqlite_utils.Database
    gold: dict[str, dict]
    page_of: dict[str, str]  # article id -> page
    reported: dict[str, set[str]]  # page -> gold facts it reports
    sentences: dict[str, list[tuple[set[str], str]]]  # page -> (words of an annotated sentence, its fact)
    leads: set[str] = field(default_factory=set)  # facts an article leads with: an editor's picks


def prepare_corpus(folder: Path, content: Path = DEMO_CONTENT, catalogue: Path = DEMO_CATALOGUE) -> Corpus:
    """Ingest ``content`` into a database in ``folder`` and process it exactly as `timeline process` does."""
    gold = {e["id"]: e for e in tomllib.loads(catalogue.read_text(encoding="utf-8"))["events"]}
    articles = load_corpus(content)
    db = open_database(folder / "timeline.db")
    records = [
        ArticleRecord(
            url=f"https://{a.page.removesuffix('.md')}",
            source=a.page.split("/")[0],
            text=a.text,
            published_at=a.published.isoformat(),
        )
        for a in articles
    ]
    outcomes = Store(db).add_articles(records)
    process_articles(db)
    return Corpus(
        db=db,
        gold=gold,
        page_of={o.article_id: a.page for o, a in zip(outcomes, articles, strict=True)},
        reported={a.page: {m["event"] for m in a.mentions} for a in articles},
        sentences={a.page: [(_words(m["sentence"]), m["event"]) for m in a.mentions] for a in articles},
        leads={_lead(a) for a in articles if a.mentions},
    )


def _lead(article) -> str:
    """The fact of the article's first annotated sentence: what the story was written about."""
    return min(article.mentions, key=lambda m: article.text.find(m["sentence"]) % (len(article.text) + 1))[
        "event"
    ]


def evaluate_timeline(content: Path = DEMO_CONTENT, catalogue: Path = DEMO_CATALOGUE) -> TimelineScores:
    with tempfile.TemporaryDirectory() as folder:
        corpus = prepare_corpus(Path(folder), content, catalogue)
        merge_events(corpus.db)
        return score_timeline(corpus)


def score_timeline(corpus: Corpus) -> TimelineScores:
    """Score the events now in ``corpus.db`` against its gold facts."""
    db, gold, page_of, reported, sentences = (
        corpus.db,
        corpus.gold,
        corpus.page_of,
        corpus.reported,
        corpus.sentences,
    )
    events = list(db["events"].rows_where(order_by="id"))
    members: dict[str, list] = {}
    for row in db.execute(
        "select m.event_id, c.article_id, c.event_date, c.date_end, c.actors, c.markets, c.sentence,"
        " c.event_type, c.trigger from event_mentions m join event_candidates c on c.id = m.candidate_id"
    ):
        members.setdefault(row[0], []).append(row[1:])
    own: dict[str, str | None] = {}
    for event in events:
        votes = Counter()
        for article_id, value, end, actors, markets, sentence, *_ in members.get(event["id"], []):
            page = page_of.get(article_id, "")
            facts = {
                g
                for g in reported.get(page, ())
                if fact_matches(value, end, json.loads(actors), json.loads(markets), gold[g])
            }
            # A mention in the very sentence annotated for a fact is that fact, not its same-day neighbour.
            said = _said_in(sentence, sentences.get(page, [])) & facts
            for gold_id in said or facts:
                votes[gold_id] += 1
        # On a tie (a sentence that carries two facts), the fact of the event's type, then the first id.
        own[event["id"]] = (
            min(votes, key=lambda g: (-votes[g], gold[g]["type"] != event["event_type"], g))
            if votes
            else None
        )
    facts = set().union(*reported.values())
    found = {g for g in own.values() if g}
    matched = [e for e in events if own[e["id"]]]
    by_fact = Counter(own[e["id"]] for e in matched)
    top = sorted(events, key=top_order)[: len(corpus.leads)]
    return TimelineScores.from_counts(
        gold_facts=len(facts),
        events=len(events),
        found=len(found & facts),
        matched=len(matched),
        extra=sum(n - 1 for n in by_fact.values()),
        typed=sum(e["event_type"] == gold[own[e["id"]]]["type"] for e in matched),
        top_leads=sum(own[e["id"]] in corpus.leads for e in top),
        top_ranked=len(top),
        misses=sorted(facts - found),
        strays=[
            f"{e['event_date']} {e['event_type']}: {e['summary'][:100]}" for e in events if not own[e["id"]]
        ],
        duplicates=[f"{fact} x{n}" for fact, n in by_fact.items() if n > 1],
        details=[
            f"{own[e['id']]} <- {e['event_date']} {e['event_type']}\n"
            + "\n".join(
                f"    {page_of.get(m[0], '?')[:40]} {m[1]} {m[6]}/{m[7]} {m[3]} {m[4]}: {m[5][:90]!r}"
                for m in members.get(e["id"], [])
            )
            for e in sorted(events, key=lambda e: (own[e["id"]] or "~", e["event_date"]))
        ],
    )


def _words(sentence: str) -> set[str]:
    return set(re.findall(r"\w+", sentence.lower()))


def _said_in(sentence: str, annotated: list[tuple[set[str], str]]) -> set[str]:
    """Gold facts annotated on this sentence (most of the shorter one's words shared)."""
    words = _words(sentence)
    return {
        fact
        for gold_words, fact in annotated
        if words and gold_words and len(words & gold_words) >= 0.8 * min(len(words), len(gold_words))
    }


def pooled(scores: list[TimelineScores]) -> TimelineScores:
    """The corpora of ``scores`` taken as one: each figure from the summed counts (a corpus weighs by its
    facts and events, not one corpus one vote)."""
    return TimelineScores.from_counts(
        **{name: sum(getattr(s, name) for s in scores) for name in TimelineScores.COUNTS}
    )


FIGURES = {
    "recall": "recall",
    "precision": "precision",
    "duplicate_rate": "duplicate rate",
    "type_accuracy": "type accuracy",
    "top_precision": "top events that are lead facts",
}


def summary(name: str, scores: TimelineScores) -> str:
    figures = ", ".join(f"{label} {getattr(scores, key):.3f}" for key, label in FIGURES.items())
    return f"{name}: {scores.gold_facts} gold facts, {scores.events} events: {figures}"


def spread(scores: dict[str, TimelineScores]) -> str:
    """Each figure's lowest and highest corpus: how far one corpus of a hundred facts strays from the pool."""
    parts = []
    for key, label in FIGURES.items():
        low = min(scores, key=lambda name: getattr(scores[name], key))
        high = max(scores, key=lambda name: getattr(scores[name], key))
        parts.append(
            f"{label} {getattr(scores[low], key):.3f} ({low}) to {getattr(scores[high], key):.3f} ({high})"
        )
    return "range over corpora: " + "; ".join(parts)


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    names = [a for a in argv[1:] if a not in ("--verbose", "--pooled")] or ["demo"]
    unknown = [name for name in names if name not in CORPORA]
    if unknown:
        print(f"unknown corpus {', '.join(unknown)}; known: {', '.join(CORPORA)}", file=sys.stderr)
        return 1
    every = {}
    for name in names:
        scores = every[name] = evaluate_timeline(*CORPORA[name])
        if verbose:
            print("events (gold fact <- date type, then mentions):\n" + "\n".join(scores.details))
        print("missed gold facts:\n  " + "\n  ".join(scores.misses))
        print("events that are no gold fact:\n  " + "\n  ".join(scores.strays))
        print("gold facts with more than one event:\n  " + "\n  ".join(scores.duplicates))
        print(summary(name, scores))
    if "--pooled" in argv:
        print(summary(f"pooled ({len(every)} corpora)", pooled(list(every.values()))))
        print(spread(every))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
