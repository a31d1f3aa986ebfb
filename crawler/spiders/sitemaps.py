"""Sitemaps: sitemap indexes, plain sitemaps and Google News sitemaps with their publication dates."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from lxml import etree
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip

from crawler.sources import Source
from crawler.spiders.base import ArticleSpider

_PARSER = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


class SitemapMixin:
    def parse_sitemap(self, response, source: Source) -> Iterable[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except (OSError, EOFError, ValueError, zlib.error) as error:
                self.entry_problem(source, response.url, f"sitemap .gz does not decompress ({error})")
                return
            except _DecompressionMaxSizeExceeded:
                self.entry_problem(source, response.url, "sitemap larger than DOWNLOAD_MAXSIZE once unzipped")
                return
        root = etree.fromstring(body, parser=_PARSER) if body.strip() else None
        kind = _local(root.tag) if root is not None else ""
        if kind == "sitemapindex":
            nesting = response.meta.get("nesting", 0) + 1
            for child in root:
                location = _child_text(child, "loc")
                if location and source.allows(location):
                    request = self.entry_request(response.urljoin(location), source, "sitemaps", nesting)
                    if request is not None:
                        yield request
        elif kind == "urlset":
            for child in root:
                location = _child_text(child, "loc")
                if location:
                    published = _child_text(child, "publication_date") or _child_text(child, "lastmod")
                    request = self.article_request(
                        response.urljoin(location), source, listed_published=published
                    )
                    if request is not None:
                        yield request
        else:
            self.entry_problem(source, response.url, "not a sitemap (expected <urlset> or <sitemapindex>)")


class SitemapsSpider(SitemapMixin, ArticleSpider):
    """Articles listed in the sources' sitemaps and sitemap indexes."""

    name = "sitemaps"
    entry_kinds = ("sitemaps",)
