"""Run a crawl from Python (what `timeline crawl` calls): one process, one spider over every source."""

from __future__ import annotations

import logging
import sys
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from crawler.pipelines import crawl_counts, crawl_message, crawl_status
from crawler.sources import Source
from crawler.spiders.news import NewsSpider
from pipeline.store import Store

# Settings for crawling the bundled demo site over loopback: no need to be gentle with ourselves.
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def crawler_settings(db_path: str, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("TIMELINE_DB", db_path, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def _show_progress() -> None:
    progress = logging.getLogger("newsline.progress")
    if not progress.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("crawl: %(message)s"))
        progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def run_crawl(sources: list[Source], db_path: str, overrides: dict[str, Any] | None = None) -> dict:
    """Crawl ``sources`` into the database at ``db_path``; return the finished ``crawl_runs`` row.

    The reactor under Scrapy starts once per process, so call this once per process.
    """
    store = Store(db_path)
    run_id = store.start_crawl_run(source.name for source in sources)
    settings = crawler_settings(db_path, {"LOG_LEVEL": "WARNING", **(overrides or {})})
    settings.set("NEWSLINE_CRAWL_RUN_ID", run_id, priority="cmdline")
    _show_progress()
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=sources)
    status, message = "failed", ""
    try:
        process.start()
        reason = crawler.stats.get_value("finish_reason")
        status = crawl_status(reason, crawler.spider)
        message = crawl_message(crawler.spider)
    except KeyboardInterrupt:
        status, message = "interrupted", "interrupted by the user"
        raise
    finally:
        counts = crawl_counts(crawler.stats.get_stats() if crawler.stats else {})
        row = store.finish_crawl_run(run_id, counts, status, message)
    return row
