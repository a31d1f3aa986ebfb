"""Every entry point of every source in one crawl: what `timeline crawl` runs."""

from __future__ import annotations

from crawler.spiders.base import ArticleSpider
from crawler.spiders.feeds import FeedMixin
from crawler.spiders.pages import PagesMixin
from crawler.spiders.sitemaps import SitemapMixin


class NewsSpider(FeedMixin, SitemapMixin, PagesMixin, ArticleSpider):
    """Feeds, sitemaps and start pages together, sharing one queue, one politeness budget and one store."""

    name = "news"
    entry_kinds = ("feeds", "sitemaps", "start_urls")
