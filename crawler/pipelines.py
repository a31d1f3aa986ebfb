"""The one place the crawler writes: articles, page outcomes and feed validators go to the store."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from crawler.items import ArticleItem, PageItem, ValidatorItem
from pipeline.store import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    """Batches items into the article store.

    Feed and sitemap validators are saved only when the crawl finishes cleanly: an interrupted crawl
    fetches its feeds again in full next time, so no article they list is missed.
    """

    def __init__(self, crawler, db_path: str, batch_size: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.batch_size = batch_size
        self.articles: list[ArticleItem] = []
        self.pages: list[dict] = []
        self.validators: list[dict] = []
        self.store: Store | None = None
        self.crawl_run_id: int | None = None
        self.owns_crawl_run = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(crawler, settings.get("TIMELINE_DB"), settings.getint("NEWSLINE_BATCH_SIZE", 20))
        # The finish reason is known only once the spider has closed, after close_spider().
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.store = Store(self.db_path)
        run_id = self.crawler.settings.get("NEWSLINE_CRAWL_RUN_ID")
        if run_id:
            self.crawl_run_id = int(run_id)
        else:
            # Run through plain `scrapy crawl`: this pipeline keeps the crawl_runs row itself.
            spider = self.crawler.spider
            self.crawl_run_id = self.store.start_crawl_run(s.name for s in spider.sources)
            self.owns_crawl_run = True

    def process_item(self, item: Any, spider=None) -> Any:
        if isinstance(item, ArticleItem):
            self.articles.append(item)
        elif isinstance(item, PageItem):
            self.pages.append(
                {
                    "url": item.url,
                    "source": item.source,
                    "status": item.status,
                    "reason": item.reason,
                    "http_status": item.http_status,
                }
            )
            self.crawler.stats.inc_value("newsline/errors" if item.status == "error" else "newsline/skipped")
        elif isinstance(item, ValidatorItem):
            self.validators.append(
                {
                    "url": item.url,
                    "source": item.source,
                    "kind": item.kind,
                    "etag": item.etag,
                    "last_modified": item.last_modified,
                }
            )
        if len(self.articles) + len(self.pages) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        assert self.store is not None
        if self.articles:
            outcomes = self.store.add_articles([item.record for item in self.articles], self.crawl_run_id)
            for item, outcome in zip(self.articles, outcomes, strict=True):
                if outcome.status == "new":
                    self.crawler.stats.inc_value("newsline/new_articles")
                else:
                    self.crawler.stats.inc_value("newsline/duplicates")
                    if outcome.status == "copy":
                        self.crawler.stats.inc_value("newsline/new_articles")
                    logger.info(
                        "%s is a duplicate of %s (%s)", item.record.url, outcome.duplicate_of, outcome.reason
                    )
                self.pages.append(
                    {
                        "url": item.requested_url or item.record.url,
                        "source": item.record.source,
                        "status": "article" if outcome.status == "new" else "duplicate",
                        "reason": outcome.reason,
                        "http_status": 200,
                        "article_id": outcome.article_id,
                    }
                )
            self.articles = []
        if self.pages:
            self.store.record_pages(self.pages, self.crawl_run_id)
            self.pages = []

    def close_spider(self, spider=None) -> None:
        self.flush()

    def spider_closed(self, spider=None, reason: str | None = None) -> None:
        assert self.store is not None
        if reason == "finished":
            self.store.save_validators(self.validators)
        if self.owns_crawl_run and self.crawl_run_id:
            spider = self.crawler.spider
            summary = crawl_counts(self.crawler.stats.get_stats())
            self.store.finish_crawl_run(
                self.crawl_run_id, summary, crawl_status(reason, spider), crawl_message(spider)
            )


def crawl_counts(stats: dict) -> dict[str, int]:
    """The crawl_runs counters from a crawler's stats."""
    return {
        "pages": stats.get("response_received_count", 0),
        "not_modified": stats.get("newsline/not_modified", 0),
        "new_articles": stats.get("newsline/new_articles", 0),
        "duplicates": stats.get("newsline/duplicates", 0),
        "skipped": stats.get("newsline/skipped", 0),
        "errors": stats.get("newsline/errors", 0) + stats.get("newsline/entry_errors", 0),
    }


def crawl_status(finish_reason: str | None, spider) -> str:
    """ok, partial (some entry points failed, or a limit was reached), failed (every entry point failed, or the
    crawl never ran) or interrupted."""
    if finish_reason is None or spider is None:
        return "failed"
    if finish_reason != "finished":
        return "interrupted"
    entries = sum(1 for source in spider.sources for _ in spider.entry_urls(source))
    failed = len(spider.failed_entries)
    if failed and failed >= entries:
        return "failed"
    return "partial" if failed or spider.limits_reached else "ok"


def crawl_message(spider) -> str:
    """What went wrong, for ``crawl_runs.message``: each failed entry point with its reason, each limit hit."""
    if spider is None:
        return ""
    return "; ".join([*spider.failed_entries, *spider.limits_reached])
