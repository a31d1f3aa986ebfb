"""Scrapy settings for Newsline's crawler: polite by default.

`timeline crawl` and `scrapy crawl` both read this module; `timeline demo` and the tests lower the delays
for the loopback demo site only.
"""

import os

BOT_NAME = "newsline"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where articles go and which sources to crawl (both overridable: -s TIMELINE_DB=... or the env).
TIMELINE_DB = os.environ.get("TIMELINE_DB", "timeline.db")
NEWSLINE_SOURCES = os.environ.get("NEWSLINE_SOURCES", "sources.toml")

# An honest User-Agent: who we are and where to complain.
NEWSLINE_CONTACT_URL = os.environ.get("NEWSLINE_CONTACT_URL", "https://github.com/newsline/newsline")
USER_AGENT = f"Newsline/0.1 (news timeline research crawler; +{NEWSLINE_CONTACT_URL})"

# Politeness: obey robots.txt, adapt the pace to the server, few parallel requests per site.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2

# Refuse pages over 10 MB (news pages are far smaller); warn over 2 MB.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
# A failed fetch (5xx, 408, 429, timeout, reset, truncated body) is tried twice more in the same crawl,
# after 1 s, then 2 s (doubling, at most NEWSLINE_RETRY_BACKOFF_MAX); then it is recorded as an error in
# crawl_pages and tried again by the next crawls (three crawls in all).
RETRY_TIMES = 2
NEWSLINE_RETRY_BACKOFF = 1.0
NEWSLINE_RETRY_BACKOFF_MAX = 30.0
# A 429/503 Retry-After is obeyed (the whole host waits) up to this many seconds; longer waits are left for
# the next crawl.
NEWSLINE_RETRY_AFTER_MAX = 120.0
# Redirect chains longer than this (loops included) are recorded as errors.
REDIRECT_MAX_TIMES = 5
# Limits that end runaway sites: pages per source per crawl (links past it wait for the next crawl),
# sitemap indexes nested in each other, and Scrapy's own depth limit as a backstop.
NEWSLINE_MAX_PAGES_PER_SOURCE = 5000
NEWSLINE_MAX_SITEMAP_DEPTH = 3
DEPTH_LIMIT = 6

# Re-crawls rely on the article store and conditional requests, not on an HTTP cache.
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
# No control ports: a crawler under cron listens on nothing.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Redirects stay within their source's domains.
    "crawler.middlewares.SourceDomainMiddleware": 40,
    # Before robots.txt, so a private address is refused before anything is fetched from it.
    "crawler.middlewares.PrivateAddressMiddleware": 50,
    # robots.txt read as RFC 9309 says (unreachable means stay away), in place of Scrapy's.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.PoliteRobotsTxtMiddleware": 100,
    # Retries with a pause that doubles, and Retry-After obeyed, in place of Scrapy's immediate retries.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlProgress": 500,
}
# Seconds between progress lines on long crawls.
NEWSLINE_PROGRESS_INTERVAL = 10.0
# Articles written to the database per transaction; a killed crawl loses at most this many fetches.
NEWSLINE_BATCH_SIZE = 20
# Pages are extracted (trafilatura, dates) in this many worker processes beside the crawl (empty: one per
# core, at most 4; 0: all in the crawl process), from the NEWSLINE_EXTRACT_PROCESSES_FROM-th page of a
# crawl on: a small crawl never starts them. See crawler/extraction.py and docs/performance.md.
NEWSLINE_EXTRACT_PROCESSES = ""
NEWSLINE_EXTRACT_PROCESSES_FROM = 100
# Outputs of one response handled at a time. Scrapy's default (100) starts 100 asyncio tasks for every
# response, which cost more CPU than the rest of the crawl process on a large crawl (measured: 0.49 of
# bare extraction's speed with 100, 1.07 with 1); our item pipeline is synchronous, so 1 loses nothing.
CONCURRENT_ITEMS = 1

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
