"""The event merge at scale: time per 1,000 candidates at 10k and at 100k, measured in one run.

    python -m bench.merge_scale

A synthetic stream of candidates (facts reported several times over five years, by actors and places
drawn from fixed pools, with sentences sharing words within a fact) goes through
``pipeline.timeline.cluster_members``. Near-linear means the two per-1k times are close: the ratio
100k/10k is printed (1.0 is linear; 10 would be quadratic).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from nlp.events import EVENT_TYPES
from pipeline.timeline import Member, _content_words, cluster_members

TYPES = [t for t in EVENT_TYPES if t != "other"]
WORDS = [f"word{n}" for n in range(5000)]
PLACES = ["US", "JP", "ID", "VN", "DE", "FR", "IT", "GB", "CN", "IN", "BR", "MX", "KR", "SG", "AU"]


def stream(count: int, seed: int = 7) -> list[Member]:
    rng = random.Random(seed)
    facts = []
    for n in range(count // 4):  # about four reports per fact
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        facts.append(
            (
                day,
                rng.choice(TYPES),
                [f"Company {rng.randrange(3000)}"],
                [rng.choice(PLACES)],
                rng.sample(WORDS, 12),
                f"t{n % 40}",
            )
        )
    members = []
    for n in range(count):
        day, event_type, actors, places, words, trigger = rng.choice(facts)
        precision = rng.choice(["day", "day", "day", "month", "year"])
        value = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]
        sentence = " ".join(rng.sample(words, 9) + rng.sample(WORDS, 4))
        members.append(
            Member(
                id=f"c{n:07d}",
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


def per_thousand(count: int) -> tuple[float, int]:
    members = stream(count)
    start = time.perf_counter()
    clusters = cluster_members(members)
    return (time.perf_counter() - start) / (count / 1000), len(clusters)


def main() -> None:
    small, small_events = per_thousand(10_000)
    large, large_events = per_thousand(100_000)
    print(f"10k candidates:  {small * 1000:7.1f} ms per 1k candidates ({small_events} events)")
    print(f"100k candidates: {large * 1000:7.1f} ms per 1k candidates ({large_events} events)")
    print(f"ratio per-1k time 100k / 10k: {large / small:.2f} (1.0 is linear)")


if __name__ == "__main__":
    main()
