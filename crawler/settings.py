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
RETRY_TIMES = 2

# Re-crawls rely on the article store and conditional requests, not on an HTTP cache.
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
# No control ports: a crawler under cron listens on nothing.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt, so a private address is refused before anything is fetched from it.
    "crawler.middlewares.PrivateAddressMiddleware": 50,
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

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
