"""`timeline crawl` against bare extraction, and a second crawl of the unchanged site against the first.

    python -m bench.crawl_speed [--pages 5000]

A synthetic site of ``--pages`` article pages (bench/site.py) is served on loopback in this process.
Figures, measured in this run:

- ``crawl_ratio``: pages/s of `timeline crawl` (the real command in its own process, the real ``news``
  spider through robots.txt, the sitemap index and its sitemaps; AutoThrottle off and 32 requests at a
  time, as a user sets for a large crawl) divided by pages/s of ``crawler.extract.extract_article``
  (trafilatura, dates, language) over the same pages in this one process with no network.
- ``incremental_crawl_share``: wall time of a second `timeline crawl` of the unchanged site divided by
  the first one's; the article pages it fetched are counted (the goal is none).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.measure import TIMELINE, Figure, at_least, run_command
from bench.site import BenchSite
from crawler.extract import extract_article

# What a user sets for a large crawl of a site that can take it (see docs/performance.md).
CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "NEWSLINE_BATCH_SIZE": "100",
}


def bare_extraction_rate(pages: list[tuple[str, bytes]]) -> float:
    extract_article(pages[0][1], pages[0][0])  # warm up
    start = time.perf_counter()
    for url, body in pages:
        extract_article(body, url)
    return len(pages) / (time.perf_counter() - start)


def crawl(site: BenchSite, sources: Path, db: Path) -> float:
    settings = [part for key, value in CRAWL_SETTINGS.items() for part in ("--set", f"{key}={value}")]
    run = run_command([*TIMELINE, "crawl", "--sources", str(sources), "--db", str(db), *settings])
    return run.seconds


def crawl_figures(pages: int = 5000) -> list[Figure]:
    with BenchSite(pages) as site, tempfile.TemporaryDirectory() as folder:
        sources, db = Path(folder) / "sources.toml", Path(folder) / "crawl.db"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        first = crawl(site, sources, db)
        first_requests = dict(site.requests)
        site.reset_counts()
        second = crawl(site, sources, db)
        second_requests = dict(site.requests)
        bare = bare_extraction_rate(site.article_pages())
        stored = _count(db, "select count(*) from articles")
    rate = pages / first
    command = "python -m bench.crawl_speed"
    fetched_again = sum(n for kind, n in second_requests.items() if kind.startswith("article"))
    return [
        at_least(
            "crawl_ratio",
            rate / bare,
            0.8,
            command=command,
            details={
                "pages": pages,
                "articles_stored": stored,
                "crawl_pages_per_s": round(rate, 1),
                "bare_extraction_pages_per_s": round(bare, 1),
                "crawl_seconds": round(first, 1),
                "requests": first_requests,
            },
        ),
        Figure(
            "incremental_crawl_share",
            round(second / first, 4),
            "<= 0.05 and no article page fetched",
            second / first <= 0.05 and fetched_again == 0,
            command=command,
            details={
                "seconds_first": round(first, 1),
                "seconds_second": round(second, 2),
                "article_pages_fetched": fetched_again,
                "requests": second_requests,
            },
        ),
    ]


def _count(db: Path, sql: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args()
    for figure in crawl_figures(args.pages):
        print(figure.line())
        print(f"    {figure.details}")


if __name__ == "__main__":
    main()
