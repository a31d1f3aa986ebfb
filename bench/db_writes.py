"""The store's batch write against a bare ``executemany`` of the same rows in one transaction.

    python -m bench.db_writes [--articles 2000] [--repeat 3]

``Store.add_articles`` writes batches of 500 synthetic articles (bench/corpus.py) into a database that
already holds 1,000: each article is looked up by canonical URL and by text hash, its MinHash signature is
computed (pipeline.dedup.fingerprint, scheme words64-affine32) and checked against the near-duplicate
index, then the article, its full-text index entry and its signature are written. The baseline writes the very rows the store wrote (read back from it) into a fresh
database of the same schema, full-text triggers included, with one ``executemany`` per table in one
transaction. Figure ``db_write_ratio``: rows/s of the store divided by rows/s of the baseline; the share of
the store's time spent on dedup (hashing and MinHash) is printed beside it. Each side runs ``--repeat``
times (default 3), the two alternating, and keeps its fastest run: the machine is shared, and one burst of
another process's work during one side's single run used to move the ratio by half.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.corpus import synthetic_records
from bench.measure import Figure, at_least
from pipeline.dedup import MINHASH_SCHEME, fingerprint
from pipeline.schema import open_database
from pipeline.store import Store

BATCH = 500


def store_seconds(path: Path, count: int) -> float:
    store = Store(open_database(path))
    store.add_articles(synthetic_records(1000, seed=5))  # a store that is not empty
    records = synthetic_records(count)
    start = time.perf_counter()
    for offset in range(0, count, BATCH):
        store.add_articles(records[offset : offset + BATCH])
    seconds = time.perf_counter() - start
    store.db.close()
    return seconds


def executemany_seconds(source: Path, target: Path, count: int) -> float:
    open_database(target).close()  # the same schema, triggers and indexes
    with sqlite3.connect(source) as reader:
        tables = {}
        for table in ("articles", "article_signatures"):
            key = "id" if table == "articles" else "article_id"
            cursor = reader.execute(f"select * from {table} order by {key}")
            columns = [d[0] for d in cursor.description]
            tables[table] = (columns, cursor.fetchall())
    writer = sqlite3.connect(target, isolation_level=None)
    writer.execute("PRAGMA journal_mode = wal")
    start = time.perf_counter()
    writer.execute("begin")
    for table, (columns, rows) in tables.items():
        sql = f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
        writer.executemany(sql, rows)
    writer.execute("commit")
    seconds = time.perf_counter() - start
    writer.close()
    return seconds * count / (count + 1000)  # the same number of rows as the store's timed part


def dedup_seconds(count: int) -> float:
    records = synthetic_records(count)
    start = time.perf_counter()
    for record in records:
        fingerprint(record.text)  # the text hash and the MinHash signature
    return time.perf_counter() - start


def db_write_figures(count: int = 2000, repeat: int = 3) -> list[Figure]:
    stores, bares, dedups = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            store_path, bare_path = Path(folder) / "store.db", Path(folder) / "bare.db"
            stores.append(store_seconds(store_path, count))
            bares.append(executemany_seconds(store_path, bare_path, count))
        dedups.append(dedup_seconds(count))
    store, bare, dedup = min(stores), min(bares), min(dedups)
    rows = count * 2  # an article and its signature
    return [
        at_least(
            "db_write_ratio",
            bare / store,
            0.5,
            command="python -m bench.db_writes",
            details={
                "articles": count,
                "runs_each": repeat,
                "store_seconds": [round(seconds, 3) for seconds in stores],
                "executemany_seconds": [round(seconds, 3) for seconds in bares],
                "store_rows_per_s": round(rows / store),
                "executemany_rows_per_s": round(rows / bare),
                "store_ms_per_article": round(store / count * 1000, 2),
                "dedup_hash_and_minhash_ms_per_article": round(dedup / count * 1000, 2),
                "minhash_scheme": MINHASH_SCHEME,
                "store_ratio_without_dedup": round(bare / max(store - dedup, 1e-9), 3),
            },
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    for figure in db_write_figures(args.articles, args.repeat):
        print(figure.line())
        print(f"    {figure.details}")


if __name__ == "__main__":
    main()
