"""A progress line on long crawls, instead of a wall of logs; URLs in log lines without their credentials."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from twisted.internet import task

from pipeline.urls import redact_text

logger = logging.getLogger("newsline.progress")


def redact_logs() -> None:
    """Make every log record (Scrapy's own too, whatever handler prints it) name URLs without credentials.

    A record factory rather than a handler filter: Scrapy replaces its log handler when a crawler starts.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_urls", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to logging's own error report
            return record
        try:
            redacted = redact_text(message)
        except Exception:  # a log call must never raise; a line that cannot be redacted is not shown
            redacted = (
                f"(a {record.levelname} line from {record.name} left out: its URLs could not be redacted)"
            )
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    factory.redacts_urls = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


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
