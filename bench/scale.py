"""Process and merge costs with 10k and with 100k articles stored, and the database size per 1k articles.

    python -m bench.scale [--small 10000] [--large 100000] [--batch 200]

Running spaCy over 100k articles takes hours, so the stored articles are written synthetically: real-size
texts (bench/corpus.py, full-text indexed), signatures, and per article 20 entity mentions, 6 dates,
6 market mentions and 4 event candidates (facts reported several times over five years by actors drawn
from fixed pools, as in bench/merge_scale.py), all marked processed. What grows with the store is measured
on top of that, with NLP results computed once:

- ``process_scale``: cost per 1k new articles of `timeline process` minus its merge (spaCy analysis,
  measured once on ``--batch`` articles, plus finding the pending articles, reading them and writing
  their rows, measured at each size), at 100k stored / at 10k stored.
- ``merge_scale``: ``pipeline.timeline.merge_events`` seconds per 1k stored articles, at 100k / at 10k. It is
  the store's first merge (the better of two at each size: of the store and of a copy), so every group of years
  is merged (later merges take only the groups a batch touched: ``python -m bench.merge_incremental``);
  the per-run time is printed too.
- ``db_mb_per_1k_articles``: the pages in use of the large store per 1k articles (as it is, not vacuumed;
  a VACUUM shrinks it by about 2%); reported only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.corpus import synthetic_articles, synthetic_records
from bench.measure import Figure, at_most
from nlp.analyze import EXTRACTOR_VERSION
from nlp.events import EVENT_TYPES
from nlp.markets import market_info
from pipeline.dedup import NUM_PERM
from pipeline.process import (
    CHUNK_SIZE,
    EntityIds,
    _analyze_items,
    _read_chunk,
    pending_articles,
    write_analyses,
)
from pipeline.schema import open_database
from pipeline.store import Store, insert_rows, stored_url
from pipeline.urls import article_id

MARKETS = ["US", "JP", "ID", "VN", "DE", "FR", "IT", "GB", "CN", "IN", "BR", "MX", "KR", "SG", "AU", "EU"]
TYPES = [t for t in EVENT_TYPES if t != "other"]
WORDS = [f"word{n}" for n in range(5000)]
ENTITIES = 5000
PER_ARTICLE = {"entity_mentions": 20, "date_mentions": 6, "market_mentions": 6, "event_candidates": 4}


def _id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def bulk_store(path: Path, count: int, seed: int = 3) -> None:
    """``count`` processed articles with their NLP rows, written in one transaction with executemany."""
    open_database(path).close()
    rng = random.Random(seed)
    numbers = np.random.default_rng(seed)
    texts = [a.text for a in synthetic_articles(500, seed=seed)]
    words = [len(text.split()) for text in texts]  # each stored text adds two words: "Stored n."
    facts = []
    for _ in range(count):  # four reports per fact on average
        day = f"{2021 + rng.randrange(5)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        facts.append((day, rng.choice(TYPES), f"Company {rng.randrange(3000)}", rng.choice(MARKETS)))
    connection = sqlite3.connect(path, isolation_level=None)
    # Setting up, not measured: no journal, no syncs and a large page cache (the full-text index's merges
    # hit it) build the store a quarter faster. The measured parts open it as `timeline` does (WAL).
    for pragma in ("journal_mode = off", "synchronous = off", "cache_size = -1000000"):
        connection.execute(f"pragma {pragma}")
    connection.execute("begin")
    connection.executemany(
        "insert or ignore into markets (code, name, kind) values (?, ?, ?)",
        [(i.code, i.name, i.kind) for code in MARKETS if (i := market_info(code))],
    )
    connection.executemany(
        "insert into entities (id, name, label) values (?, ?, ?)",
        [(n + 1, f"Company {n}", "ORG") for n in range(ENTITIES)],
    )
    for start in range(0, count, 5000):
        rows: dict[str, list[tuple]] = {name: [] for name in ("articles", "signatures", *PER_ARTICLE)}
        signatures = numbers.integers(
            0, 2**32, size=(5000, NUM_PERM), dtype=np.uint64
        )  # valid affine32 values
        for n in range(start, min(start + 5000, count)):
            article_id = _id(f"stored/{n}")
            text = f"{texts[n % len(texts)]}\nStored {n}."
            published = f"{2021 + n % 5}-{n % 12 + 1:02d}-{n % 28 + 1:02d}T08:00:00+00:00"
            url = f"https://stored.example/{n}.html"
            rows["articles"].append(
                (article_id, url, url, f"outlet-{n % 40}", f"Story {n}", published, "en", text,
                 words[n % len(texts)] + 2, _id(text), published, EXTRACTOR_VERSION, published)
            )  # fmt: skip
            rows["signatures"].append((article_id, signatures[n - start].tobytes()))
            for k in range(PER_ARTICLE["entity_mentions"]):
                rows["entity_mentions"].append(
                    (article_id, k * 200, k * 200 + 9, rng.randrange(ENTITIES) + 1, "Company")
                )
            for k in range(PER_ARTICLE["date_mentions"]):
                rows["date_mentions"].append(
                    (article_id, k * 500 + 50, k * 500 + 60, "last March", "2024-03", "month")
                )
            for k in range(PER_ARTICLE["market_mentions"]):
                rows["market_mentions"].append(
                    (article_id, k * 400 + 20, rng.choice(MARKETS), k * 400 + 25, "Japan")
                )
            for k in range(PER_ARTICLE["event_candidates"]):
                day, event_type, actor, market = facts[rng.randrange(len(facts))]
                sentence = " ".join([actor, event_type, *rng.sample(WORDS, 14)])
                rows["event_candidates"].append(
                    (_id(f"{article_id}:{k}"), article_id, sentence, k * 700, k * 700 + 120, "on 3 March", k * 700 + 40,
                     day, "day", None, None, "text", event_type, "launch", json.dumps([actor]),
                     json.dumps([market]), 0.7, published)
                )  # fmt: skip
        insert_rows(  # many rows per statement, as the store writes them: the full-text index is fed once each
            connection,
            "insert into articles (id, url, canonical_url, source, title, published_at, language, text,"
            " word_count, content_hash, fetched_at, nlp_version, processed_at) values ",
            rows["articles"],
        )
        connection.executemany("insert into article_signatures values (?, ?)", rows["signatures"])
        connection.executemany(
            "insert into entity_mentions (article_id, char_start, char_end, entity_id, text) values (?, ?, ?, ?, ?)",
            rows["entity_mentions"],
        )
        connection.executemany(
            "insert into date_mentions (article_id, char_start, char_end, text, value, precision)"
            " values (?, ?, ?, ?, ?, ?)",
            rows["date_mentions"],
        )
        connection.executemany(
            "insert into market_mentions (article_id, char_start, market_code, char_end, text) values (?, ?, ?, ?, ?)",
            rows["market_mentions"],
        )
        connection.executemany(
            "insert into event_candidates (id, article_id, sentence, char_start, char_end, date_text,"
            " date_char_start, event_date, date_precision, date_end, date_mod, date_from, event_type, trigger,"
            " actors, markets, confidence, published_at)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows["event_candidates"],
        )
    connection.execute("commit")
    connection.close()
    with open(path, "rb+") as written:  # on disk before anything is timed, not flushed during the timing
        os.fsync(written.fileno())


def store_side_seconds(path: Path, batch: list, analyses: list) -> tuple[float, float]:
    """Add ``batch`` to the store, then time what `timeline process` does around spaCy: find the pending
    articles, read them and write their rows. Also returns the seconds of adding the batch to the store
    (which loads every stored signature into the near-duplicate index first)."""
    db = open_database(path)
    start = time.perf_counter()
    Store(db).add_articles(batch)
    added = time.perf_counter() - start
    start = time.perf_counter()
    ids = pending_articles(db)
    entity_id = EntityIds(db)
    for offset in range(0, len(ids), CHUNK_SIZE):
        articles = _read_chunk(db, ids[offset : offset + CHUNK_SIZE])
        by_id = {article_id: analysis for article_id, analysis in analyses}
        write_analyses(db, articles, [by_id[a[0]] for a in articles], entity_id)
    seconds = time.perf_counter() - start
    assert len(ids) == len(batch), (len(ids), len(batch))
    db.close()
    return seconds, added


def used_bytes(path: Path) -> int:
    """The bytes of the database's pages in use (the WAL's included, free pages not): its size as a
    store that is never vacuumed keeps it, without the half minute a VACUUM of 1.5 GB takes."""
    with sqlite3.connect(path) as connection:
        pages, free, size = (
            connection.execute(f"pragma {name}").fetchone()[0]
            for name in ("page_count", "freelist_count", "page_size")
        )
    return (pages - free) * size


def merge_seconds(path: Path) -> float:
    from pipeline.timeline import merge_events

    db = open_database(path)
    start = time.perf_counter()
    merge_events(db)
    seconds = time.perf_counter() - start
    db.close()
    return seconds


def scale_figures(small: int = 10_000, large: int = 100_000, batch_size: int = 200) -> list[Figure]:
    batch = synthetic_records(batch_size, seed=99)
    start = time.perf_counter()
    analyzed = _analyze_items([(r.text, r.published_at) for r in batch])  # spaCy, in this process
    nlp = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        costs = {}
        for count in (small, large):
            path = Path(folder) / f"store-{count}.db"
            start = time.perf_counter()
            bulk_store(path, count)
            built = time.perf_counter() - start
            pairs = [(article_id(stored_url(r.url)), a) for r, a in zip(batch, analyzed, strict=True)]
            store_side, added = store_side_seconds(path, batch, pairs)
            # The better of two first merges (of the store and of a copy made before either): one run
            # swings by a tenth with the machine's load.
            twin = Path(folder) / f"twin-{count}.db"
            shutil.copyfile(path, twin)
            merge = min(merge_seconds(path), merge_seconds(twin))
            twin.unlink()
            costs[count] = {
                "build_seconds": round(built, 1),
                "store_side_seconds": round(store_side, 3),
                "add_batch_to_store_seconds": round(added, 2),
                "merge_seconds": round(merge, 2),
                "db_mb": round(used_bytes(path) / 1e6, 1),
            }
    per_1k = {n: (nlp + c["store_side_seconds"]) / batch_size * 1000 for n, c in costs.items()}
    merge_per_1k = {n: c["merge_seconds"] / (n + batch_size) * 1000 for n, c in costs.items()}
    command = "python -m bench.scale"
    details = {
        "batch": batch_size,
        "nlp_seconds_for_batch": round(nlp, 2),
        "stored": {str(n): c for n, c in costs.items()},
        "store_side_ratio": round(costs[large]["store_side_seconds"] / costs[small]["store_side_seconds"], 2),
    }
    return [
        at_most("process_scale", per_1k[large] / per_1k[small], 1.2, command=command, details=details),
        at_most(
            "merge_scale",
            merge_per_1k[large] / merge_per_1k[small],
            1.2,
            command=command,
            details={
                "merge_seconds_per_1k_stored": {str(n): round(v, 3) for n, v in merge_per_1k.items()},
                "merge_seconds_per_run": {str(n): c["merge_seconds"] for n, c in costs.items()},
                "candidates_per_article": PER_ARTICLE["event_candidates"],
            },
        ),
        Figure(
            "db_mb_per_1k_articles",
            round(costs[large]["db_mb"] / large * 1000, 2),
            "reported only",
            None,
            unit="MB",
            command=command,
            details={str(n): c["db_mb"] for n, c in costs.items()},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    for figure in scale_figures(args.small, args.large, args.batch):
        print(figure.line())
        print(f"    {figure.details}")


if __name__ == "__main__":
    main()
