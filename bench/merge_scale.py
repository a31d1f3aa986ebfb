"""The event merge at scale: time per 1,000 candidates at 10k and at 100k, measured in one run.

    python -m bench.merge_scale

A synthetic stream of candidates (facts reported about four times each, by actors and places drawn from
pools, with sentences sharing words within a fact) goes through ``pipeline.timeline.cluster_members``, with
Python's cyclic garbage collector paused as ``merge_events`` pauses it.
Near-linear means the two per-1k times are close: the ratio 100k/10k is printed (1.0 is linear; 10 would
be quadratic), with the number of clusters each candidate is compared with, which does not drift with
the machine's load. Each candidate's id names the fact it reports, so the bench also prints how pure the
events are. Two streams:

- ``dense``: both sizes cover the same five years and 3,000 companies, so at 100k every company has ten
  times the facts a year it has at 10k: blocks fill up (to their caps) and each candidate has more
  facts to tell its own from.
- ``growing``: an archive that grows with time, as a crawl's does: the same 300 companies and the same
  number of facts a month, over six months at 10k and five years at 100k.
"""

from __future__ import annotations

import gc
import math
import random
import time
from collections import Counter
from datetime import date, timedelta

from nlp.events import EVENT_TYPES
from pipeline import timeline
from pipeline.timeline import Member, _content_words, cluster_members

TYPES = [t for t in EVENT_TYPES if t != "other"]
WORDS = [f"word{n}" for n in range(5000)]
PLACES = ["US", "JP", "ID", "VN", "DE", "FR", "IT", "GB", "CN", "IN", "BR", "MX", "KR", "SG", "AU"]


def stream(count: int, seed: int = 7, growing: bool = False) -> list[Member]:
    rng = random.Random(seed)
    # Dense: five years whatever the size; growing: 20k candidates a year, so the facts a month and per
    # company a month stay the same (300 companies, as many as the dense stream has per 10k candidates).
    days = max(1, count * 365 // 20_000) if growing else 5 * 365
    companies = 300 if growing else 3000
    facts = []
    for n in range(count // 4):  # about four reports per fact
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(days))
        facts.append(
            (
                day,
                rng.choice(TYPES),
                [f"Company {rng.randrange(companies)}"],
                [rng.choice(PLACES)],
                rng.sample(WORDS, 12),
                f"t{n % 40}",
            )
        )
    members = []
    for n in range(count):
        fact = rng.randrange(len(facts))
        day, event_type, actors, places, words, trigger = facts[fact]
        precision = rng.choice(["day", "day", "day", "month", "year"])
        value = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
        sentence = " ".join(rng.sample(words, 9) + rng.sample(WORDS, 4))
        members.append(
            Member(
                id=f"c{n:07d}-f{fact}",  # the fact it reports, for scoring the merge
                article_id=f"a{n // 3}",
                source=f"s{n % 50}",
                independent=True,
                published_at=value,
                sentence=sentence,
                event_date=value,
                precision=precision,
                date_end=None,
                event_type=event_type,
                trigger=trigger,
                actors=actors,
                markets=places,
                confidence=0.7,
                words=_content_words(sentence),
            )
        )
    order = {"day": 0, "month": 2, "year": 4}
    return sorted(members, key=lambda m: (order[m.precision], m.event_date, m.id))


def per_thousand(count: int, repeats: int, growing: bool = False) -> tuple[float, float, str]:
    """Seconds per 1k candidates (the best of ``repeats`` runs), cluster comparisons per candidate, and how
    well the events match the stream's facts."""
    members = stream(count, growing=growing)
    seconds = math.inf
    gc.collect()
    gc.disable()  # as `merge_events` runs the merge: Python's cyclic collector paused
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            clusters = cluster_members(members)
            seconds = min(seconds, (time.perf_counter() - start) / (count / 1000))
    finally:
        gc.enable()
    compared = 0
    original = timeline._same_fact

    def counted(*args):
        nonlocal compared
        compared += 1
        return original(*args)

    timeline._same_fact = counted  # counted in a run of its own, so that the timings above stay clean
    try:
        cluster_members(members)
    finally:
        timeline._same_fact = original
    facts_of = [Counter(m.id.split("-f")[1] for m in c.members) for c in clusters]
    pure = sum(len(f) == 1 for f in facts_of) / len(clusters)
    owners = Counter(f.most_common(1)[0][0] for f in facts_of)
    facts = len({m.id.split("-f")[1] for m in members})
    duplicates = sum(n - 1 for n in owners.values()) / len(clusters)
    return (
        seconds,
        compared / count,
        f"{len(clusters)} events for {facts} facts; {pure:.3f} of events hold one fact; "
        f"duplicate rate {duplicates:.3f}",
    )


def main() -> None:
    for name, growing in (("dense", False), ("growing", True)):
        small, small_compared, small_quality = per_thousand(10_000, repeats=5, growing=growing)
        large, large_compared, large_quality = per_thousand(100_000, repeats=2, growing=growing)
        print(f"{name} stream")
        print(
            f"  10k candidates:  {small * 1000:7.1f} ms per 1k candidates, {small_compared:.1f} clusters"
            f" compared per candidate; {small_quality}"
        )
        print(
            f"  100k candidates: {large * 1000:7.1f} ms per 1k candidates, {large_compared:.1f} clusters"
            f" compared per candidate; {large_quality}"
        )
        print(f"  ratio per-1k time 100k / 10k: {large / small:.2f} (1.0 is linear)")
        print(f"  ratio of comparisons per candidate 100k / 10k: {large_compared / small_compared:.2f}")


if __name__ == "__main__":
    main()
