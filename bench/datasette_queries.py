"""The Datasette experience on a large database: the timeline page and the canned queries, timed.

    python -m bench.datasette_queries                      # 1M events, 3M mentions (a few minutes)
    python -m bench.datasette_queries --events 20000       # a quick run

A synthetic database (events over 30 years at mixed precision, entities and markets drawn from skewed
pools so that some are in a tenth of all events and most in a handful, three mentions per event on
average) is written into a temporary directory through the real migrations, then served by the same
in-process Datasette that `timeline serve` runs (``pipeline.web.DatasetteConfig``). Each request is made
``--runs`` times; the median and the 95th percentile are printed, slowest last, with the query plans of
the heaviest canned queries.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from nlp.events import EVENT_TYPES
from pipeline.schema import open_database
from pipeline.web import DatasetteConfig

MARKETS = [("US", "country"), ("JP", "country"), ("ID", "country"), ("VN", "country"), ("DE", "country")]
MARKETS += [(f"C{n:02d}", "country") for n in range(60)] + [("EU", "region"), ("SEA", "region")]
MARKETS += [("ecommerce", "sector"), ("semiconductors", "sector"), ("payments", "sector")]
PRECISIONS = ["day"] * 14 + ["month"] * 3 + ["quarter", "year", "week"]
WORDS = "tiktok shop market launch ban ministry court deal results forecast sellers payments chips".split()
WORDS += [f"term{n}" for n in range(3000)]
SOURCES = [f"outlet-{n}" for n in range(40)]


def _id(prefix: str, n: int) -> str:
    return hashlib.sha1(f"{prefix}{n}".encode()).hexdigest()[:16]


def _value(day: date, precision: str) -> str:
    if precision == "month":
        return day.isoformat()[:7]
    if precision == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if precision == "year":
        return str(day.year)
    if precision == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def build(path: Path, events: int, mentions_per_event: float, entities: int, seed: int = 5) -> dict:
    """Write the synthetic database; return the names the queries ask for (busy and rare ones)."""
    rng = random.Random(seed)
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = off")
    start = date(2000, 1, 1)
    articles = max(1, int(events * mentions_per_event / 5))
    with conn:
        conn.executemany("insert into markets values (?, ?, ?)", [(c, c, k) for c, k in MARKETS])
        conn.executemany(
            "insert into entities (id, name, label) values (?, ?, ?)",
            ((n, f"Entity {n}", "ORG") for n in range(1, entities + 1)),
        )
        conn.executemany(
            "insert into articles (id, url, canonical_url, source, title, published_at, text, content_hash,"
            " fetched_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    _id("a", n),
                    f"https://news.example/{n}",
                    f"https://news.example/{n}",
                    SOURCES[n % len(SOURCES)],
                    " ".join(rng.sample(WORDS, 6)),
                    (start + timedelta(days=n * 30 * 365 // articles)).isoformat() + "T08:00:00+00:00",
                    " ".join(rng.sample(WORDS, 30)),
                    _id("h", n),
                    "2030-01-01T00:00:00+00:00",
                )
                for n in range(articles)
            ),
        )
    event_rows, mention_rows, actor_rows, market_rows = [], [], [], []

    def flush() -> None:
        with conn:
            conn.executemany("insert into events values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", event_rows)
            conn.executemany("insert into event_mentions values (?, ?, ?, ?, ?, ?, ?)", mention_rows)
            conn.executemany("insert or ignore into event_entities values (?, ?, ?)", actor_rows)
            conn.executemany("insert or ignore into event_markets values (?, ?)", market_rows)
        for rows in (event_rows, mention_rows, actor_rows, market_rows):
            rows.clear()

    for n in range(events):
        event_id = _id("e", n)
        day = start + timedelta(days=rng.randrange(30 * 365))
        count = max(1, round(rng.expovariate(1 / mentions_per_event)))
        # Articles near the event's day: reports follow the facts.
        position = min(articles - 1, (day - start).days * articles // (30 * 365))
        reporting = {min(articles - 1, position + rng.randrange(60)) for _ in range(count)}
        sources = {SOURCES[a % len(SOURCES)] for a in reporting}
        first = start + timedelta(days=min(reporting) * 30 * 365 // articles)
        summary = " ".join(rng.sample(WORDS, 12))
        precision = rng.choice(PRECISIONS)
        event_rows.append(
            (
                event_id,
                _value(day, precision),
                precision,
                None,
                rng.choice(EVENT_TYPES),
                summary,
                0.5,
                float(len(reporting)),
                first.isoformat(),
                count,
                len(sources),
            )
        )
        for k in range(count):
            article = sorted(reporting)[k % len(reporting)]
            mention_rows.append((event_id, _id("a", article), summary, "", k * 100, k * 100 + 90, None))
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            # Log-uniform: entity 1 is in about one event in six, most in a few.
            actor_rows.append((event_id, int(entities ** rng.random()), "actor"))
        for _ in range(rng.choice((1, 1, 2))):
            market_rows.append((event_id, MARKETS[int(len(MARKETS) ** rng.random()) - 1][0]))
        if len(event_rows) >= 50_000:
            flush()
    flush()
    counts = {
        table: conn.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("events", "event_mentions", "event_entities", "event_markets", "articles")
    }
    conn.close()
    return counts


def requests(database: str, events: int) -> dict[str, str]:
    """The pages and canned queries to time, with filters on busy and rare entities and markets."""
    page = "/-/timeline"
    canned = f"/{database}"

    def with_args(path: str, **args: str) -> str:
        return f"{path}?{urlencode(args)}"

    return {
        "timeline: first page": page,
        "timeline: busy market (US)": with_args(page, market="US"),
        "timeline: rare market (C40)": with_args(page, market="C40"),
        "timeline: busy entity": with_args(page, entity="Entity 1"),
        "timeline: rare entity": with_args(page, entity=f"Entity {max(2, events // 200)}"),
        "timeline: type and a year": with_args(page, type="ban", since="2015", until="2015"),
        "timeline: search": with_args(page, q="tiktok ministry"),
        "timeline: a page in the middle": with_args(page, next="2015-06-01,0"),
        "timeline chart: everything": f"{page}/chart.svg",
        "timeline chart: busy market": with_args(f"{page}/chart.svg", market="US"),
        "timeline chart: a year": with_args(f"{page}/chart.svg", since="2015", until="2015"),
        "events_for_entity (busy)": with_args(
            f"{canned}/events_for_entity.json", entity="Entity 1", since=""
        ),
        "events_for_entity (rare)": with_args(
            f"{canned}/events_for_entity.json", entity=f"Entity {max(2, events // 200)}", since=""
        ),
        "market_events_between": with_args(
            f"{canned}/market_events_between.json", market="JP", since="2010", until="2012"
        ),
        "market_events_between (rare, all dates)": with_args(
            f"{canned}/market_events_between.json", market="C40", since="", until=""
        ),
        "changed_since": with_args(f"{canned}/changed_since.json", since="2029-10-01"),
        "single_source_events": with_args(f"{canned}/single_source_events.json", since="2020", until=""),
        "top_events (all dates)": with_args(f"{canned}/top_events.json", since="", until="", how_many=""),
        "top_events (one year)": with_args(
            f"{canned}/top_events.json", since="2015", until="2015", how_many="50"
        ),
        "event_sources": with_args(f"{canned}/event_sources.json", event_id=_id("e", events // 2)),
        "entity_companions (busy)": with_args(f"{canned}/entity_companions.json", entity="Entity 1"),
        "entity_pairs (one year)": with_args(f"{canned}/entity_pairs.json", since="2015", until="2015"),
        "monthly_counts_by_type (all)": with_args(
            f"{canned}/monthly_counts_by_type.json", since="", until=""
        ),
        "search_events": with_args(f"{canned}/search_events.json", q="tiktok ministry"),
        "market_overview": f"{canned}/market_overview.json",
        "source_overview": f"{canned}/source_overview.json",
    }


async def measure(
    config: DatasetteConfig, paths: dict[str, str], runs: int
) -> list[tuple[str, float, float, float]]:
    """(name, first, median, p95) per request; the first run also fills caches (the chart's)."""
    datasette = config.datasette()
    await datasette.invoke_startup()
    results = []
    for name, path in paths.items():
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = await datasette.client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or "took longer than the time limit" in response.text:
                raise SystemExit(f"{name}: {path} answered {response.status_code}: {response.text[:300]}")
        first = timings[0]
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append((name, first, statistics.median(timings), p95))
        print(f"{name:40} {first:10.1f} {statistics.median(timings):10.1f} {p95:10.1f}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--mentions-per-event", type=float, default=3.0)
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="Write the database here and keep it (else a temp dir).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsline-bench-") as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        started = time.perf_counter()
        if not path.exists():
            counts = build(path, args.events, args.mentions_per_event, args.entities)
            print(
                f"built in {time.perf_counter() - started:.0f}s: "
                + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            )
        config = DatasetteConfig.for_database(path)
        print(f"{'request':40} {'first ms':>10} {'median ms':>10} {'p95 ms':>10}   ({args.runs} runs each)")
        results = asyncio.run(measure(config, requests(path.stem, args.events), args.runs))
        canned = [r for r in results if not r[0].startswith("timeline")]
        heaviest = sorted(canned, key=lambda r: r[2], reverse=True)[:3]
        print("heaviest canned queries: " + ", ".join(f"{r[0]} ({r[2]:.0f} ms)" for r in heaviest))


if __name__ == "__main__":
    main()
