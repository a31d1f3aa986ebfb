"""Downloader middlewares."""

from __future__ import annotations

import ipaddress
import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def is_private_host(host: str) -> bool:
    """Whether ``host`` names a loopback, private, link-local or otherwise internal address."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


class PrivateAddressMiddleware:
    """Refuse requests to internal addresses unless a source allows them (`allow_private_addresses`).

    A feed that links to http://127.0.0.1/admin must not turn the crawler against its own machine. Host
    names are checked as written; names that resolve to internal addresses are not (yet) caught here.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        host = urlparse_cached(request).hostname or ""
        if not is_private_host(host):
            return None
        spider = self.crawler.spider
        allowed = getattr(spider, "private_hosts_allowed", set())
        if host.lower() in allowed:
            return None
        logger.warning(
            "refusing %s: private address (set allow_private_addresses for its source)", request.url
        )
        raise IgnoreRequest(f"private address {host}")
