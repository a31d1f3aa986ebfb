"""Start pages (home pages, section fronts): every link within the source's domains is a candidate article."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.linkextractors import LinkExtractor

from crawler.sources import Source
from crawler.spiders.base import ArticleSpider

_LINKS = LinkExtractor(deny_extensions=None, unique=True)


class PagesMixin:
    def parse_start_page(self, response, source: Source) -> Iterable[Any]:
        if not hasattr(response, "text"):
            self.entry_problem(source, response.url, "start page is not text")
            return
        for link in _LINKS.extract_links(response):
            request = self.article_request(link.url, source)
            if request is not None:
                yield request


class PagesSpider(PagesMixin, ArticleSpider):
    """Articles linked from the sources' start pages."""

    name = "pages"
    entry_kinds = ("start_urls",)
