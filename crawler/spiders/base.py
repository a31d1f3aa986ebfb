"""What every Newsline spider shares: sources, the store, conditional entry requests and article pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import extract_article
from crawler.items import ArticleItem, PageItem, ValidatorItem
from crawler.sources import Source, load_sources
from pipeline.store import ArticleRecord, Store, utc_now
from pipeline.urls import canonicalize_url

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml")


class ArticleSpider(scrapy.Spider):
    """Base spider: subclasses add entry points by listing kinds in ``entry_kinds``."""

    name = "articles"
    entry_kinds: tuple[str, ...] = ()

    def __init__(self, sources: list[Source] | str | None = None, source: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._sources_argument = sources
        self._only_source = source
        self._scheduled: set[str] = set()
        self._entries_requested: set[str] = set()
        self.failed_entries: list[str] = []
        self.sources: list[Source] = []
        self.private_hosts_allowed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.store = Store(crawler.settings.get("TIMELINE_DB"))
        spider.sources = spider._load_sources(crawler.settings.get("NEWSLINE_SOURCES"))
        spider.private_hosts_allowed = {
            host for source in spider.sources if source.allow_private_addresses for host in source.hosts()
        }
        return spider

    def _load_sources(self, default_path: str) -> list[Source]:
        if isinstance(self._sources_argument, list):
            sources = self._sources_argument
        else:
            sources, problems = load_sources(self._sources_argument or default_path)
            for problem in problems:
                logger.error("%s (source left out)", problem)
        if self._only_source:
            sources = [s for s in sources if s.name == self._only_source]
            if not sources:
                logger.error("no source named %r", self._only_source)
        return sources

    # -- entry points ---------------------------------------------------------------------------

    def entry_urls(self, source: Source) -> Iterable[tuple[str, str]]:
        """(kind, url) pairs of the entry points this spider crawls for ``source``."""
        for kind in self.entry_kinds:
            for url in getattr(source, kind):
                yield kind, url

    async def start(self) -> AsyncIterator[Any]:
        # A start page linking to itself (a "Home" link) is an entry point, not an article candidate.
        self._scheduled.update(canonicalize_url(url) for s in self.sources for _, url in self.entry_urls(s))
        for source in self.sources:
            for url in self.store.pages_to_retry(source.name):
                request = self.article_request(url, source, retry=True)
                if request is not None:
                    yield request
            for kind, url in self.entry_urls(source):
                request = self.entry_request(url, source, kind)
                if request is not None:
                    yield request

    def entry_request(self, url: str, source: Source, kind: str) -> scrapy.Request | None:
        """A conditional request (ETag / Last-Modified) for a feed, sitemap or start page; None if already made."""
        if url in self._entries_requested:
            return None
        self._entries_requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_entry,
            errback=self.entry_failed,
            headers=self.store.validators(url),
            dont_filter=True,
            meta={"source": source, "kind": kind, "handle_httpstatus_list": [304]},
        )

    def parse_entry(self, response: Response) -> Iterable[Any]:
        source: Source = response.meta["source"]
        kind: str = response.meta["kind"]
        if response.status == 304:
            self.crawler.stats.inc_value("newsline/not_modified")
            logger.debug("%s unchanged since the last crawl", response.url)
            if kind == "sitemaps":
                # An unchanged sitemap index can still list news sitemaps that changed: check those too.
                for url in self.store.known_entries(source.name, kind):
                    request = self.entry_request(url, source, kind)
                    if request is not None:
                        yield request
            return
        yield ValidatorItem(
            url=response.request.url,
            source=source.name,
            kind=kind,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )
        parser = {"feeds": "parse_feed", "sitemaps": "parse_sitemap", "start_urls": "parse_start_page"}[kind]
        yield from getattr(self, parser)(response, source)

    def entry_failed(self, failure) -> None:
        request = failure.request
        source: Source = request.meta["source"]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            logger.warning("source %s: %s not fetched: %s", source.name, request.url, failure.value)
        else:
            logger.error("source %s: cannot fetch %s: %s", source.name, request.url, _describe(failure))
        self.failed_entries.append(f"{source.name}: {request.url}")
        self.crawler.stats.inc_value("newsline/entry_errors")

    def entry_problem(self, source: Source, url: str, message: str) -> None:
        """An entry point that was fetched but could not be read (a malformed feed or sitemap)."""
        logger.error("source %s: %s: %s", source.name, url, message)
        self.failed_entries.append(f"{source.name}: {url}")
        self.crawler.stats.inc_value("newsline/entry_errors")

    # -- article pages --------------------------------------------------------------------------

    def article_request(
        self,
        url: str,
        source: Source,
        listed_published: str | None = None,
        retry: bool = False,
    ) -> scrapy.Request | None:
        """A request for an article page, or None when it is off-site, already queued or already stored."""
        if not source.allows(url):
            self.crawler.stats.inc_value("newsline/offsite")
            return None
        canonical = canonicalize_url(url)
        if canonical in self._scheduled:
            return None
        self._scheduled.add(canonical)
        if not retry and self.store.is_settled(canonical):
            self.crawler.stats.inc_value("newsline/already_stored")
            return None
        return scrapy.Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={"source": source, "listed_published": listed_published},
        )

    def parse_article(self, response: Response) -> Iterable[Any]:
        source: Source = response.meta["source"]
        content_type = response.headers.get(b"Content-Type", b"text/html").lower()
        if not any(t in content_type for t in HTML_TYPES):
            yield PageItem(
                response.url, source.name, "skipped", f"not HTML ({content_type.decode()})", response.status
            )
            return
        article = extract_article(response.text, response.url)
        if not article.is_article:
            yield PageItem(response.url, source.name, "skipped", article.skip_reason or "", response.status)
            return
        published, published_from = _iso(article.published), article.published_from
        if published is None and response.meta.get("listed_published"):
            published, published_from = response.meta["listed_published"], "listing"
        yield ArticleItem(
            ArticleRecord(
                url=response.url,
                source=source.name,
                text=article.text,
                title=article.title,
                canonical_url=article.canonical_url,
                published_at=published,
                published_from=published_from,
                language=article.language or source.language,
                author=article.author,
                fetched_at=utc_now(),
            )
        )

    def article_failed(self, failure) -> Iterable[Any]:
        request = failure.request
        source: Source = request.meta["source"]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt or a refused address: not an error of the page, and not worth remembering.
            logger.info("source %s: %s not fetched: %s", source.name, request.url, failure.value)
            self.crawler.stats.inc_value("newsline/ignored")
            return
        status = failure.value.response.status if failure.check(HttpError) else None
        logger.warning("source %s: article %s failed: %s", source.name, request.url, _describe(failure))
        yield PageItem(request.url, source.name, "error", _describe(failure), status)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _describe(failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return f"{type(failure.value).__name__}: {failure.value}"


def _iso(value: datetime | None) -> str | None:
    """ISO 8601; a bare date (no time, no offset, as htmldate and bylines give) stays a date."""
    if value is None:
        return None
    if value.tzinfo is None and value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat()
