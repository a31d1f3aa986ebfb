"""What a merge costs after a run that changed a little of a large store, against a full merge.

    python -m bench.merge_incremental [--articles 100000] [--changed 800]

A store of ``--articles`` synthetic processed articles (bench.scale's: 4 candidates each, facts over five
years) is merged in full once. Then: a merge with nothing changed; a merge after ``--changed`` candidates
of the latest year were rewritten (as processing new articles about this year would), which re-merges
only that year's group; and a full merge of the same data, which must find nothing to change (the
incremental merge gave the timeline a full one gives). Times in seconds, with the process's peak RSS
after the first merge, which holds one group of years in memory at a time.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from bench.scale import bulk_store
from pipeline.schema import open_database
from pipeline.timeline import merge_events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.db"
        bulk_store(path, args.articles)
        db = open_database(path)

        def timed(label: str, **options) -> None:
            start = time.perf_counter()
            result = merge_events(db, **options)
            print(f"{label}: {time.perf_counter() - start:.1f} s, {result}", flush=True)

        timed("full merge")
        print(f"    peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
        timed("nothing changed")
        year = db.execute("select max(substr(event_date, 1, 4)) from event_candidates").fetchone()[0]
        with db.atomic():
            db.execute(
                "update event_candidates set confidence = round(confidence + 0.01, 2) where id in"
                " (select id from event_candidates where event_date like ? limit ?)",
                [f"{year}%", args.changed],
            )
        timed(f"{args.changed} candidates of {year} changed")
        timed("the same data merged in full (changes nothing)", full=True)


if __name__ == "__main__":
    main()
