"""Newsline's spiders: `news` crawls every entry point of every source; `feeds`, `sitemaps` and `pages`
crawl one kind each (``scrapy crawl feeds -a source=NAME``)."""
