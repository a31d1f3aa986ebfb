"""`timeline process` throughput against bare spaCy, measured in one run.

    python -m bench.process_throughput [--articles N]

Builds a temporary database of N articles (the demo corpus's texts, repeated under new URLs), then times
(1) bare ``nlp.pipe`` over the same texts with the same model and (2) `timeline process` over the database
(parse, dates, entities, markets, candidates and the writes). Prints articles/s for both and their ratio;
the target is a ratio above 0.8. The two runs alternate twice and the faster of each is kept, since this
machine is noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from demo.build import load_stories
from nlp.model import load_model
from pipeline.process import process_articles
from pipeline.schema import open_database
from pipeline.store import ArticleRecord, Store


def corpus(count: int) -> list[ArticleRecord]:
    stories = load_stories()
    records = []
    for n in range(count):
        story = stories[n % len(stories)]
        text = story.meta["standfirst"] + "\n" + story.body.replace("## ", "")
        records.append(
            ArticleRecord(
                url=f"https://bench.example/{n}/{story.slug}",
                source="bench",
                text=text + f"\nRef {n}.",  # distinct texts, so none is stored as a copy
                published_at=story.meta["published"],
            )
        )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    records = corpus(args.articles)
    texts = [r.text for r in records]
    nlp = load_model()
    list(nlp.pipe(texts[:20]))  # warm up
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        Store(db).add_articles(records)
        bare_times, process_times = [], []
        for _ in range(2):
            start = time.perf_counter()
            for _doc in nlp.pipe(texts, batch_size=32):
                pass
            bare_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = process_articles(db, reprocess=True, processes=1)
            process_times.append(time.perf_counter() - start)
            assert result.articles == len(records)
    bare = len(texts) / min(bare_times)
    pipeline = len(texts) / min(process_times)
    print(f"{len(texts)} articles, {sum(len(t.split()) for t in texts) // len(texts)} words each on average")
    print(f"bare nlp.pipe:    {bare:7.1f} articles/s")
    print(f"timeline process: {pipeline:7.1f} articles/s")
    print(f"ratio process / bare spaCy: {pipeline / bare:.2f} (target > 0.80)")


if __name__ == "__main__":
    main()
