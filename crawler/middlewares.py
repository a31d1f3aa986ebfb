"""Downloader middlewares: where requests may go, how failures are retried, and robots.txt by RFC 9309."""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet import task, threads
from twisted.internet.defer import Deferred

from pipeline.urls import redact_url

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """A request the crawler will not make or follow; the page is recorded with this reason."""


# NAT64 (RFC 6052): the last 32 bits are the IPv4 address the gateway connects to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Anything but a global unicast address: loopback, private, shared (100.64.0.0/10, where cloud metadata
    lives), link-local, reserved, multicast, unspecified. An IPv6 address that wraps an IPv4 one
    (``::ffff:10.0.0.1``, 6to4 ``2002:0a00:0001::``, NAT64 ``64:ff9b::10.0.0.1``) is judged by the IPv4 one.

    >>> is_private_address(ipaddress.ip_address("100.100.100.200"))
    True
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        else:
            address = address.ipv4_mapped or address.sixtofour or address
    return not address.is_global or address.is_multicast


def is_private_host(host: str) -> bool:
    """Whether ``host``, as written, names an internal address (a literal IP, or ``localhost``)."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return is_private_address(ipaddress.ip_address(host))
    except ValueError:
        return False


def resolve_private(host: str) -> str | None:
    """The first internal address ``host`` resolves to through the OS resolver, or None.

    A name that does not resolve is left to the download, which fails with its own error.
    """
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if is_private_address(address):
            return str(address)
    return None


class PrivateAddressMiddleware:
    """Refuse requests to internal addresses unless a source allows them (`allow_private_addresses`).

    A feed that links to http://127.0.0.1/admin, or to a name that resolves to 10.0.0.5, must not turn the
    crawler against its own network. Host names are resolved once per crawl (cached per host); redirects
    pass through here again, so a redirect to an internal host is refused too.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self._resolved: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        host = (urlparse_cached(request).hostname or "").lower()
        allowed = getattr(self.crawler.spider, "private_hosts_allowed", set())
        if host in allowed:
            return None
        if is_private_host(host):
            internal: str | None = host
        else:
            if host not in self._resolved:
                self._resolved[host] = await maybe_deferred_to_future(
                    threads.deferToThread(resolve_private, host)
                )
            internal = self._resolved[host]
            if internal is None:
                return None
            internal = f"{host} ({internal})"
        logger.warning(
            "refusing %s: private address %s (set allow_private_addresses for its source)",
            redact_url(request.url),
            internal,
        )
        raise RefusedRequest(f"private address {internal} refused")


class SourceDomainMiddleware:
    """Follow redirects only within the source's domains, and only to http(s).

    Article requests are checked against the source's domains before they are made; a redirect makes a
    new request that comes through here, and one that leaves the source is refused with the target named.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_request(self, request, spider=None):
        source = request.meta.get("source")
        if source is None or not request.meta.get("redirect_urls"):
            return None
        if urlparse_cached(request).scheme not in ("http", "https"):
            raise RefusedRequest(f"redirected to a non-http(s) URL {redact_url(request.url)}")
        if not source.allows(request.url):
            raise RefusedRequest(f"redirected outside the source's domains to {redact_url(request.url)}")
        return None


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None if unreadable.

    >>> retry_after_seconds(b"120")
    120.0
    """
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


async def _sleep(seconds: float) -> None:
    if seconds > 0:
        from twisted.internet import reactor  # the one Scrapy installed, not a default one at import

        await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) with a pause before each one.

    Scrapy re-queues a failed request at once. Here the n-th retry waits NEWSLINE_RETRY_BACKOFF * 2**(n-1)
    seconds (at most NEWSLINE_RETRY_BACKOFF_MAX). A 429 or 503 with ``Retry-After`` waits what the server
    asks, and holds back every request to that host meanwhile; one that asks for more than
    NEWSLINE_RETRY_AFTER_MAX seconds is not retried in this crawl (the page is recorded as an error and
    tried again by the next crawl).
    """

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSLINE_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("NEWSLINE_RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("NEWSLINE_RETRY_AFTER_MAX", 120.0)
        self._not_before: dict[str, float] = {}

    def _backoff(self, request) -> float:
        retries = request.meta.get("retry_times", 0)
        return min(self.backoff * 2**retries, self.backoff_max)

    async def process_request(self, request, spider=None):
        # A host that answered 429 with Retry-After gets no request before the time it asked for.
        wait = self._not_before.get(urlparse_cached(request).netloc, 0.0) - time.monotonic()
        await _sleep(wait)
        return None

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = self._backoff(request)
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if response.status in (429, 503) and asked is not None:
            if asked > self.retry_after_max:
                logger.warning(
                    "%s: HTTP %d asks to retry after %.0fs (over NEWSLINE_RETRY_AFTER_MAX=%.0fs): left for the"
                    " next crawl",
                    redact_url(request.url),
                    response.status,
                    asked,
                    self.retry_after_max,
                )
                return response
            delay = asked
            host = urlparse_cached(request).netloc
            self._not_before[host] = max(self._not_before.get(host, 0.0), time.monotonic() + asked)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await _sleep(delay)
        return retry

    async def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await _sleep(self._backoff(request))
        return retry


class _Unreachable:
    """The robots.txt of a host that could not be read: RFC 9309 says assume every path disallowed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def allowed(self, url, user_agent) -> bool:
        return False


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt as RFC 9309 reads it: 4xx means no rules; 5xx or no answer means stay away this crawl.

    Scrapy allows everything when robots.txt cannot be fetched (and logs a traceback); a polite crawler
    leaves a host alone whose robots.txt answers 500 or times out, and says so in one line.
    """

    async def robot_parser(self, request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots_request)
            except Exception as error:  # any failure to fetch robots.txt means it is unreachable
                self._settle(netloc, _Unreachable(f"{type(error).__name__}: {error}"))
            else:
                await self._parse_robots(response, netloc, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            parser = await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response, netloc: str, request) -> None:
        if response.status >= 500:
            self._stats.inc_value("robotstxt/response_count")
            self._settle(netloc, _Unreachable(f"HTTP {response.status}"))
        elif response.status >= 400:
            # RFC 9309 2.3.1.3: an unavailable robots.txt (404, 410, 403...) means no rules.
            await super()._parse_robots(response.replace(body=b""), netloc, request)
        else:
            await super()._parse_robots(response, netloc, request)

    def _settle(self, netloc: str, parser: _Unreachable) -> None:
        logger.warning(
            "robots.txt of %s unreachable (%s): nothing fetched from it in this crawl", netloc, parser.reason
        )
        self._stats.inc_value("newsline/robots_unreachable")
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        pending.callback(parser)

    def process_request_2(self, rp, request) -> None:
        if isinstance(rp, _Unreachable):
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(f"robots.txt unreachable ({rp.reason})")
        super().process_request_2(rp, request)
