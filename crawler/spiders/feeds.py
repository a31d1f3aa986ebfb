"""RSS and Atom feeds (parsed with feedparser)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import feedparser

from crawler.sources import Source
from crawler.spiders.base import ArticleSpider


class FeedMixin:
    def parse_feed(self, response, source: Source) -> Iterable[Any]:
        parsed = feedparser.parse(response.body, response_headers={"content-location": response.url})
        if not parsed.entries:
            reason = f"malformed feed: {parsed.bozo_exception}" if parsed.bozo else "feed has no entries"
            self.entry_problem(source, response.url, reason)
            return
        for entry in parsed.entries:
            link = entry.get("link")
            if not link:
                continue
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            published = datetime.fromtimestamp(calendar.timegm(stamp), UTC).isoformat() if stamp else None
            request = self.article_request(response.urljoin(link), source, listed_published=published)
            if request is not None:
                yield request


class FeedsSpider(FeedMixin, ArticleSpider):
    """Articles linked from the sources' RSS and Atom feeds."""

    name = "feeds"
    entry_kinds = ("feeds",)
