"""Every figure of the performance suite, each a ratio against a baseline measured in the same run.

    python -m bench                      # the whole suite (about 12 to 14 minutes on 2 quiet cores); writes bench/results.json
    python -m bench --only crawl nlp     # some of it
    python -m bench --quick --output /tmp/quick.json   # small sizes: does it run?

One line per figure, ``name: value (goal …)``; the same figures, with their details and the load average
of the machine before and after, go to bench/results.json. The other benchmarks of this folder
(merge_scale, near_duplicates, datasette_queries, process_throughput) run on their own.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.crawl_speed import crawl_figures
from bench.db_writes import db_write_figures
from bench.measure import Figure, load_average
from bench.nlp_speed import nlp_figures
from bench.scale import scale_figures

RESULTS = Path(__file__).resolve().parent / "results.json"
SUITE: dict[str, Callable[..., list[Figure]]] = {
    "writes": db_write_figures,
    "crawl": crawl_figures,
    "scale": scale_figures,
    "nlp": nlp_figures,
}
# Sizes for a quick check that the suite runs (a minute or two); its figures mean little.
QUICK: dict[str, tuple] = {"writes": (300,), "crawl": (300,), "scale": (500, 2000, 24), "nlp": (48, 96)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SUITE), help="run only these parts")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check that the suite runs")
    args = parser.parse_args()
    started = time.perf_counter()
    report: dict = {
        "started_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "cores": len(os.sched_getaffinity(0)),
        "load_average_before": load_average(),
        "figures": [],
    }
    for name, run in SUITE.items():
        if args.only and name not in args.only:
            continue
        part_started = time.perf_counter()
        for figure in run(*QUICK[name]) if args.quick else run():
            print(figure.line(), flush=True)
            report["figures"].append(figure.as_json())
        report[f"{name}_seconds"] = round(time.perf_counter() - part_started, 1)
    report["load_average_after"] = load_average()
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    met = [f for f in report["figures"] if f["met"] is not None]
    print(
        f"{sum(f['met'] for f in met)} of {len(met)} goals met in {report['total_seconds']:.0f} s "
        f"(load average {report['load_average_before']} before, {report['load_average_after']} after); "
        f"details in {args.output}"
    )


if __name__ == "__main__":
    main()
