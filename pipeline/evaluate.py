"""Evaluate the merged timeline against gold events.

    python -m pipeline.evaluate            # the demo corpus
    python -m pipeline.evaluate heldout    # the held-out corpus

The corpus is ingested into a temporary database (syndicated copies found by the store's own dedup),
processed and merged exactly as `timeline process` does. An event is a gold fact when its mentions match
that fact in their articles (as in `nlp.evaluate`); the gold fact it matches most often is its own.
Recall = gold facts with an event / gold facts reported in the corpus; precision = events that are a gold
fact / events; duplicate rate = events beyond the first for the same gold fact / events; type accuracy =
events of their gold fact's type / events that are a gold fact.
"""

from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nlp.evaluate import CORPORA, DEMO_CATALOGUE, DEMO_CONTENT, fact_matches, load_corpus
from pipeline.process import process_articles
from pipeline.schema import open_database
from pipeline.store import ArticleRecord, Store
from pipeline.timeline import merge_events


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


def evaluate_timeline(content: Path = DEMO_CONTENT, catalogue: Path = DEMO_CATALOGUE) -> TimelineScores:
    gold = {e["id"]: e for e in tomllib.loads(catalogue.read_text(encoding="utf-8"))["events"]}
    articles = load_corpus(content)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "timeline.db")
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
        page_of = {o.article_id: a.page for o, a in zip(outcomes, articles, strict=True)}
        reported = {a.page: {m["event"] for m in a.mentions} for a in articles}
        process_articles(db)
        merge_events(db)
        events = list(db["events"].rows_where(order_by="id"))
        members = {}
        for row in db.execute(
            "select m.event_id, c.article_id, c.event_date, c.date_end, c.actors, c.markets from event_mentions m"
            " join event_candidates c on c.id = m.candidate_id"
        ):
            members.setdefault(row[0], []).append(row[1:])
    own: dict[str, str | None] = {}
    for event in events:
        votes = Counter()
        for article_id, value, end, actors, markets in members.get(event["id"], []):
            for gold_id in sorted(reported.get(page_of.get(article_id, ""), ())):
                if fact_matches(value, end, json.loads(actors), json.loads(markets), gold[gold_id]):
                    votes[gold_id] += 1
        own[event["id"]] = min(votes, key=lambda g: (-votes[g], g)) if votes else None
    facts = set().union(*reported.values())
    found = {g for g in own.values() if g}
    matched = [e for e in events if own[e["id"]]]
    by_fact = Counter(own[e["id"]] for e in matched)
    return TimelineScores(
        recall=len(found & facts) / max(1, len(facts)),
        precision=len(matched) / max(1, len(events)),
        duplicate_rate=sum(n - 1 for n in by_fact.values()) / max(1, len(events)),
        type_accuracy=sum(e["event_type"] == gold[own[e["id"]]]["type"] for e in matched)
        / max(1, len(matched)),
        gold_facts=len(facts),
        events=len(events),
        misses=sorted(facts - found),
        strays=[
            f"{e['event_date']} {e['event_type']}: {e['summary'][:100]}" for e in events if not own[e["id"]]
        ],
        duplicates=[f"{fact} x{n}" for fact, n in by_fact.items() if n > 1],
    )


def main(argv: list[str]) -> int:
    for name in argv[1:] or ["demo"]:
        scores = evaluate_timeline(*CORPORA[name])
        print("missed gold facts:\n  " + "\n  ".join(scores.misses))
        print("events that are no gold fact:\n  " + "\n  ".join(scores.strays))
        print("gold facts with more than one event:\n  " + "\n  ".join(scores.duplicates))
        print(
            f"{name}: {scores.gold_facts} gold facts, {scores.events} events: recall {scores.recall:.3f}, "
            f"precision {scores.precision:.3f}, duplicate rate {scores.duplicate_rate:.3f}, "
            f"type accuracy {scores.type_accuracy:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
