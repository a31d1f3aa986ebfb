"""What every Newsline spider shares: sources, the store, conditional entry requests and article pages."""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extensions import redact_logs
from crawler.extraction import ExtractionPool
from crawler.items import ArticleItem, PageItem, ValidatorItem
from crawler.middlewares import RefusedRequest
from crawler.sources import Source, load_sources
from pipeline.store import ArticleRecord, Store, utc_now
from pipeline.urls import canonicalize_url, redact_text, redact_url

logger = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml")
# What an exception that carries no message means.
FAILURE_NOTES = {
    "ResponseDataLossError": "the body ended before its Content-Length (truncated)",
    "DownloadCancelledError": "larger than DOWNLOAD_MAXSIZE",
}
# Bytes no HTML page holds: a body with these in its first kilobytes is binary, whatever its Content-Type.
BINARY_MARKERS = (b"\x00", b"\x01", b"\x02", b"\x03", b"\x04", b"\x05", b"\x06", b"\x07", b"\x08")


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
        # Limits reached (pages per source, sitemap nesting): the crawl is partial, nothing failed.
        self.limits_reached: list[str] = []
        self._pages_requested: dict[str, int] = {}
        self.sources: list[Source] = []
        self.private_hosts_allowed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        redact_logs()
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.store = Store(crawler.settings.get("TIMELINE_DB"))
        spider.extraction = ExtractionPool.from_settings(crawler.settings)
        spider.max_pages_per_source = crawler.settings.getint("NEWSLINE_MAX_PAGES_PER_SOURCE", 0)
        spider.max_sitemap_depth = crawler.settings.getint("NEWSLINE_MAX_SITEMAP_DEPTH", 3)
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

    def entry_request(self, url: str, source: Source, kind: str, nesting: int = 0) -> scrapy.Request | None:
        """A conditional request (ETag / Last-Modified) for a feed, sitemap or start page; None if already made.

        ``nesting`` counts the sitemap indexes above a sitemap; past NEWSLINE_MAX_SITEMAP_DEPTH it is not
        fetched, so an index of indexes of indexes... ends.
        """
        if url in self._entries_requested:
            return None
        if nesting > self.max_sitemap_depth:
            self.limits_reached.append(
                f"{source.name}: {redact_url(url)} not fetched: sitemap indexes nested deeper than"
                f" {self.max_sitemap_depth} (NEWSLINE_MAX_SITEMAP_DEPTH)"
            )
            logger.warning("%s", self.limits_reached[-1])
            return None
        self._entries_requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_entry,
            errback=self.entry_failed,
            headers=self.store.validators(url),
            dont_filter=True,
            meta={"source": source, "kind": kind, "handle_httpstatus_list": [304], "nesting": nesting},
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
        self.entry_problem(source, request.url, _describe(failure))

    def entry_problem(self, source: Source, url: str, message: str) -> None:
        """An entry point that could not be fetched or read (an HTTP error, a malformed feed or sitemap)."""
        logger.error("source %s: %s: %s", source.name, redact_url(url), message)
        self.failed_entries.append(f"{source.name}: {redact_url(url)} ({message})")
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
        requested = self._pages_requested.get(source.name, 0)
        if self.max_pages_per_source and requested >= self.max_pages_per_source:
            if requested == self.max_pages_per_source:
                self.limits_reached.append(
                    f"{source.name}: page limit of {self.max_pages_per_source} reached"
                    " (NEWSLINE_MAX_PAGES_PER_SOURCE); the rest waits for the next crawl"
                )
                logger.warning("%s", self.limits_reached[-1])
            self._pages_requested[source.name] = requested + 1
            self.crawler.stats.inc_value("newsline/over_page_limit")
            return None
        self._pages_requested[source.name] = requested + 1
        # dont_filter: the spider deduplicates by canonical URL itself, and a redirect loop must end in
        # "max redirections reached" (recorded) rather than vanish in Scrapy's duplicate filter.
        return scrapy.Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            dont_filter=True,
            meta={"source": source, "listed_published": listed_published},
        )

    def closed(self, reason: str) -> None:
        self.extraction.close()

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        source: Source = response.meta["source"]
        requested = _requested_url(response.request)
        content_type = response.headers.get(b"Content-Type", b"text/html").lower()
        if not any(t in content_type for t in HTML_TYPES):
            kind = content_type.decode("latin-1")
            yield PageItem(requested, source.name, "skipped", f"not HTML ({kind})", response.status)
            return
        if not response.body.strip():
            yield PageItem(requested, source.name, "skipped", "empty page", response.status)
            return
        if any(marker in response.body[:4096] for marker in BINARY_MARKERS):
            yield PageItem(
                requested, source.name, "skipped", "binary content served as HTML", response.status
            )
            return
        try:
            # The text as the browser would decode it: BOM, then the HTTP charset, then <meta>, then a guess.
            html = response.text if hasattr(response, "text") else response.body
            article = await self.extraction.extract(html, response.url)
        except Exception as error:
            # A page that breaks the extractor is recorded (and logged with its traceback); the crawl goes on.
            logger.exception("source %s: cannot extract %s", source.name, redact_url(response.url))
            yield PageItem(requested, source.name, "error", f"extraction failed: {error!r}", response.status)
            return
        if not article.is_article:
            yield PageItem(requested, source.name, "skipped", article.skip_reason or "", response.status)
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
            ),
            requested_url=requested if requested != response.url else None,
        )

    def article_failed(self, failure) -> Iterable[Any]:
        request = failure.request
        source: Source = request.meta["source"]
        robots = failure.check(IgnoreRequest) and "robots.txt" in str(failure.value)
        if robots and not failure.check(RefusedRequest):
            # Forbidden by robots.txt: not an error of the page; the next crawl asks robots.txt again.
            logger.info("source %s: %s not fetched: %s", source.name, redact_url(request.url), failure.value)
            self.crawler.stats.inc_value("newsline/ignored")
            return
        status = failure.value.response.status if failure.check(HttpError) else None
        logger.warning(
            "source %s: article %s failed: %s",
            source.name,
            redact_url(_requested_url(request)),
            _describe(failure),
        )
        yield PageItem(_requested_url(request), source.name, "error", _describe(failure), status)


def _requested_url(request: scrapy.Request) -> str:
    """The URL first asked for, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _describe(failure) -> str:
    """The reason a request failed, in one line: ``HTTP 503``, ``DownloadTimeoutError: ...``."""
    if failure.check(HttpError):
        response = failure.value.response
        retry_after = response.headers.get(b"Retry-After")
        if retry_after:
            return f"HTTP {response.status} (Retry-After: {retry_after.decode('latin-1')[:40]})"
        return f"HTTP {response.status}"
    if failure.check(IgnoreRequest):
        return str(failure.value) or "refused"
    error = failure.value
    name = type(error).__name__
    if failure.check(zlib.error, gzip.BadGzipFile):
        return f"body does not decompress ({name}: {error})"
    # Twisted wraps the cause in a list of Failures: name the cause, not the wrapper's repr.
    causes = re.findall(r"Failure [\w.]+\.(\w+): ([^>]*)>", str(error))
    message = "; ".join(f"{kind}: {text.strip()}" for kind, text in causes) or str(error)
    message = redact_text(message) or FAILURE_NOTES.get(name, "no detail")
    return f"{name}: {message}"[:300]


def _iso(value: datetime | None) -> str | None:
    """ISO 8601; a bare date (no time, no offset, as htmldate and bylines give) stays a date."""
    if value is None:
        return None
    if value.tzinfo is None and value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat()
