"""A progress line on long crawls, instead of a wall of logs."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from twisted.internet import task

logger = logging.getLogger("newsline.progress")


class CrawlProgress:
    def __init__(self, crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, crawler.settings.getfloat("NEWSLINE_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider=None) -> None:
        if self.interval > 0:
            self._loop = task.LoopingCall(self.report)
            self._loop.start(self.interval, now=False)

    def spider_closed(self, spider=None, reason=None) -> None:
        if self._loop and self._loop.running:
            self._loop.stop()

    def report(self) -> None:
        stats = self.crawler.stats
        logger.info(
            "%.0fs: %d pages fetched, %d new articles, %d duplicates, %d skipped, %d errors, %d queued",
            time.monotonic() - self.started,
            stats.get_value("response_received_count", 0),
            stats.get_value("newsline/new_articles", 0),
            stats.get_value("newsline/duplicates", 0),
            stats.get_value("newsline/skipped", 0),
            stats.get_value("newsline/errors", 0),
            stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0),
        )
