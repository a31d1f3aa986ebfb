"""`timeline process` against bare spaCy, 2 worker processes against 1, and the memory of both.

    python -m bench.nlp_speed [--articles 400] [--job 2000]
    python -m bench.nlp_speed --memory-only 10000     # the peak memory over 10k articles (15 minutes)
    python -m bench.nlp_speed --ratio-only            # nlp_ratio alone (about 3 minutes)

Figures, each measured in this run on the same synthetic articles (bench/corpus.py, 600-900 words):

- ``nlp_ratio``: articles/s of `timeline process` (the real command in its own process, default settings:
  start-up, model loading, analysis, writes and the event merge included) over ``--articles`` articles,
  divided by articles/s of bare ``nlp.pipe`` in one process with the model's full pipeline. Each side is
  timed twice, in turns, and its better run taken: one run of either swings by a tenth with the machine's
  load (seven single measurements of one code gave 1.48 to 1.68). `timeline process` multiplies its
  matrices with numpy's BLAS where spaCy uses blis (``nlp/matmul.py``), so the figure's details also give
  bare spaCy's rate with numpy's products and the ratio to that, timed in the same turns.
- ``parallel_nlp_speedup``: wall time of `timeline process --processes 1` over ``--job`` articles divided
  by that of ``--processes 2``. The job's articles are wire stories of 400 to 650 words (the ratio's are
  600 to 900): the bulk of a news feed, and a job the suite can run twice within its 15 minutes. Shorter
  texts do not flatter the speedup: the start-up and the final merge, which one process or two pay alike,
  weigh more beside them.
- ``memory_peak_rss_mb`` and ``memory_growth``: the peak resident memory of the command's process tree
  (the main process and its workers, read from /proc) on the ``--job`` run, and that peak divided by the
  peak of a run over the first ``--articles`` of the same articles (both with 2 processes on this 2-core
  machine; 1.0 is flat). ``--memory-only 10000`` is the issue's 10k run, outside the suite's time budget.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.corpus import REAL_WORDS, WIRE_WORDS, synthetic_records
from bench.measure import TIMELINE, Figure, Run, at_least, at_most, run_command
from pipeline.schema import open_database
from pipeline.store import Store

MEMORY_LIMIT_MB = 1536
# The baseline's batch size: the one the previous benchmark used (8 to 64 parse at the same speed).
BARE_BATCH_SIZE = 32
# Peak memory may grow this much between the small and the large run and still count as flat.
FLAT_GROWTH = 1.2


def build_database(path: Path, count: int, words: tuple[int, int] = REAL_WORDS) -> list[str]:
    """Store ``count`` synthetic articles at ``path``; return their texts."""
    records = synthetic_records(count, words=words)
    store = Store(open_database(path))
    for start in range(0, count, 500):
        store.add_articles(records[start : start + 500])
    store.db.close()
    return [record.text for record in records]


def bare_spacy_rate(texts: list[str], nlp) -> float:
    """Articles/s of ``nlp`` (``load_as_shipped()``: the model's full pipeline, as spaCy ships it) in this one
    process."""
    for _ in nlp.pipe(texts[:16], batch_size=BARE_BATCH_SIZE):  # warm up
        pass
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=BARE_BATCH_SIZE):
        pass
    return len(texts) / (time.perf_counter() - start)


def best_ratio_runs(path: Path, texts: list[str], repeats: int = 2) -> tuple[float, Run, float]:
    """The better of ``repeats`` runs of each side, in turns: bare spaCy's rate, `timeline process`, and
    (for the record, not the goal) bare spaCy's rate with the matrix products `timeline process` uses."""
    from nlp.matmul import use_numpy_matmul
    from nlp.model import load_as_shipped

    nlp, same_products = load_as_shipped(), load_as_shipped()
    use_numpy_matmul(same_products)
    bare, default, bare_numpy = 0.0, None, 0.0
    for _ in range(repeats):
        bare = max(bare, bare_spacy_rate(texts, nlp))
        run = process(path)
        default = run if default is None or run.seconds < default.seconds else default
        bare_numpy = max(bare_numpy, bare_spacy_rate(texts, same_products))
    return bare, default, bare_numpy


def process(path: Path, processes: int | None = None) -> Run:
    extra = ["--processes", str(processes)] if processes else []
    return run_command([*TIMELINE, "process", "--reprocess", "--db", str(path), *extra])


def ratio_figure(texts: list[str], bare: float, default: Run, bare_numpy: float, command: str) -> Figure:
    rate = len(texts) / default.seconds
    return at_least(
        "nlp_ratio",
        rate / bare,
        1.5,
        command=command,
        details={
            "articles": len(texts),
            "bare_spacy_articles_per_s": round(bare, 2),
            "timeline_process_articles_per_s": round(rate, 2),
            "bare_spacy_numpy_matmul_articles_per_s": round(bare_numpy, 2),
            "ratio_to_bare_spacy_numpy_matmul": round(rate / bare_numpy, 2),
            "processes": "default (one per core, at most 4)",
            "words_per_article": sum(len(t.split()) for t in texts) // len(texts),
        },
    )


def ratio_only(articles: int = 400) -> Figure:
    """``nlp_ratio`` alone: bare spaCy, then `timeline process`, over the same articles."""
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.db"
        texts = build_database(small, articles)
        bare, default, bare_numpy = best_ratio_runs(small, texts)
    return ratio_figure(texts, bare, default, bare_numpy, "python -m bench.nlp_speed --ratio-only")


def nlp_figures(articles: int = 400, job: int = 2000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        small, large, first = (Path(folder) / f"{name}.db" for name in ("small", "large", "first"))
        texts = build_database(small, articles)
        bare, default, bare_numpy = best_ratio_runs(small, texts)
        job_texts = build_database(large, job, WIRE_WORDS)
        one = process(large, 1)
        two = process(large, 2)
        build_database(first, articles, WIRE_WORDS)
        start = process(first, 2)
    command = "python -m bench.nlp_speed"
    return [
        ratio_figure(texts, bare, default, bare_numpy, command),
        at_least(
            "parallel_nlp_speedup",
            one.seconds / two.seconds,
            1.6,
            command=command,
            details={
                "articles": job,
                "words_per_article": sum(len(t.split()) for t in job_texts) // len(job_texts),
                "seconds_1_process": round(one.seconds, 1),
                "seconds_2": round(two.seconds, 1),
            },
        ),
        at_most(
            "memory_peak_rss_mb",
            max(one.peak_rss_mb, two.peak_rss_mb),
            MEMORY_LIMIT_MB,
            unit="MB",
            command=command,
            details={
                "articles": job,
                "peak_mb_1_process": round(one.peak_rss_mb),
                "peak_mb_2_processes": round(two.peak_rss_mb),
                f"peak_mb_2_processes_first_{articles}": round(start.peak_rss_mb),
                f"peak_mb_default_processes_{articles}_longer_articles": round(default.peak_rss_mb),
            },
        ),
        at_most(
            "memory_growth",
            two.peak_rss_mb / start.peak_rss_mb,
            FLAT_GROWTH,
            command=command,
            details={"note": f"peak RSS of 2 processes: {job} articles / the first {articles} of them"},
        ),
    ]


def memory_run(count: int) -> Figure:
    """Peak memory of `timeline process` (default settings) over ``count`` articles: the issue's 10k run."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "memory.db"
        build_database(path, count)
        run = process(path)
    return at_most(
        "memory_peak_rss_mb",
        run.peak_rss_mb,
        MEMORY_LIMIT_MB,
        unit="MB",
        command=f"python -m bench.nlp_speed --memory-only {count}",
        details={"articles": count, "seconds": round(run.seconds, 1), "output": run.output.strip()[-300:]},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400, help="articles of the NLP ratio (>= 400)")
    parser.add_argument("--job", type=int, default=2000, help="articles of the 2-vs-1 job (>= 2,000)")
    parser.add_argument("--memory-only", type=int, metavar="N", help="only the peak memory over N articles")
    parser.add_argument("--ratio-only", action="store_true", help="only nlp_ratio (over --articles articles)")
    args = parser.parse_args()
    if args.memory_only:
        figures = [memory_run(args.memory_only)]
    elif args.ratio_only:
        figures = [ratio_only(args.articles)]
    else:
        figures = nlp_figures(args.articles, args.job)
    for figure in figures:
        print(figure.line())
        print(f"    {figure.details}")


if __name__ == "__main__":
    main()
