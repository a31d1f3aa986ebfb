"""What the spiders hand to the store pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.store import ArticleRecord


@dataclass
class ArticleItem:
    """An extracted article, on its way to the store."""

    record: ArticleRecord
    # The URL the crawler asked for, when a redirect led elsewhere: its crawl_pages row goes under it.
    requested_url: str | None = None


@dataclass
class PageItem:
    """A fetched page that did not become an article: skipped (not an article) or an error."""

    url: str
    source: str
    status: str
    reason: str
    http_status: int | None = None


@dataclass
class ValidatorItem:
    """ETag / Last-Modified of a feed, sitemap or start page, saved when the crawl finishes cleanly."""

    url: str
    source: str
    kind: str
    etag: str | None
    last_modified: str | None
