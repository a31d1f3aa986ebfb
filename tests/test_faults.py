"""The real spiders against a site that breaks in every way (tests/fault_server.py), through `timeline crawl`.

One crawl covers every fault; a second shows what is retried across crawls and what is given up. A page that
breaks the extractor is tested on the spider callback itself (no page of a real site reliably does).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.items import PageItem
from crawler.sources import Source
from crawler.spiders.base import ArticleSpider
from pipeline.store import MAX_ATTEMPTS, stored_url
from tests.conftest import FAST, run_timeline
from tests.fault_server import GOOD_PAGES, FaultSite

# Short timeouts and tiny pauses so the faults cost seconds, not minutes.
FAULT_SETTINGS = [
    *FAST,
    *("--set", "DOWNLOAD_TIMEOUT=1"),
    *("--set", "NEWSLINE_RETRY_BACKOFF=0.2"),
    *("--set", "NEWSLINE_RETRY_AFTER_MAX=5"),
    *("--set", "DOWNLOAD_MAXSIZE=1000000"),
    *("--set", "DOWNLOAD_WARNSIZE=0"),
    *("--set", "NEWSLINE_MAX_PAGES_PER_SOURCE=40"),
]


@dataclass
class Sites:
    main: FaultSite
    robots: dict[str, FaultSite]


@dataclass
class Crawl:
    returncode: int
    stdout: str
    stderr: str


def _source(name: str, netloc: str, **urls: list[str]) -> str:
    lines = [f'[[sources]]\nname = "{name}"']
    lines += [f"{key} = {values!r}".replace("'", '"') for key, values in urls.items()]
    lines += [f'allowed_domains = ["{netloc}"]', "allow_private_addresses = true", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def sites():
    robots = {mode: FaultSite(robots=mode) for mode in ("missing", "malformed", "error", "slow")}
    for site in robots.values():
        site.__enter__()
    with FaultSite(other=robots["missing"]) as main:
        yield Sites(main, robots)
    for site in robots.values():
        site.__exit__()


@pytest.fixture(scope="module")
def crawled(sites, tmp_path_factory):
    """Two crawls of the faulty sites into one database: (db, first, second, request counts after the first)."""
    main = sites.main
    folder = tmp_path_factory.mktemp("faults")
    toml = _source("faults", main.netloc, feeds=[main.url("/feed.xml")])
    toml += _source(
        "broken-entries",
        main.netloc,
        feeds=[main.url(p) for p in ("/feed-malformed.xml", "/feed-truncated.xml", "/feed-empty.xml")]
        + [main.url("/status/503?as=feed")],
        sitemaps=[
            main.url(p)
            for p in (
                "/sitemap-self.xml",
                "/sitemap-truncated.xml",
                "/sitemap-bad.xml.gz",
                "/sitemap-html.xml",
                "/sitemap-deep.xml",
            )
        ],
    )
    toml += _source("calendar", main.netloc, start_urls=[main.url("/calendar")])
    for mode, site in sites.robots.items():
        toml += _source(f"robots-{mode}", site.netloc, sitemaps=[site.url("/sitemap-good.xml")])
    sources = folder / "sources.toml"
    sources.write_text(toml, encoding="utf-8")
    db_path = folder / "timeline.db"
    crawls = []
    counts_after_first: dict[str, int] = {}
    for _ in range(2):
        result = run_timeline("crawl", "--sources", str(sources), "--db", str(db_path), *FAULT_SETTINGS)
        crawls.append(Crawl(result.returncode, result.stdout, result.stderr))
        if not counts_after_first:
            counts_after_first = {path: main.count(path) for path, _ in main.requests}
    return sqlite_utils.Database(db_path), crawls[0], crawls[1], counts_after_first


def page(db, site: FaultSite, path: str) -> dict:
    return db["crawl_pages"].get(stored_url(site.url(path)))


def test_the_crawl_goes_on_and_says_partial(crawled):
    db, first, second, _ = crawled
    assert first.returncode == 2, first.stdout + first.stderr
    assert "crawl 1 partial:" in first.stdout
    assert "Traceback" not in first.stderr and "Traceback" not in second.stderr
    run = db["crawl_runs"].get(1)
    assert run["status"] == "partial" and run["errors"] > 0 and run["new_articles"] > 0


def test_good_pages_alongside_the_faults_are_stored(crawled, sites):
    db, _, _, _ = crawled
    for path in GOOD_PAGES:
        assert page(db, sites.main, path)["status"] == "article", path
    stored = {row["url"] for row in db["articles"].rows}
    # Recovered by a retry, through a redirect within the site, or decoded despite a bad charset.
    for path in ("/flaky-503", "/retry-after", "/good-gzip", "/wrong-charset", "/missing-charset"):
        assert sites.main.url(path) in stored, path
    assert page(db, sites.main, "/unknown-charset")["status"] == "article"
    assert page(db, sites.main, "/redirect-ok")["status"] == "article"
    assert sites.main.url("/good/8.html") in stored


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_with_backoff_then_recorded(crawled, sites, status):
    db, _, _, counts = crawled
    path = f"/status/{status}"
    row = page(db, sites.main, path)
    assert (row["status"], row["http_status"], row["reason"]) == ("error", status, f"HTTP {status}")
    assert counts[path] == 3  # the first request and two retries
    times = sites.main.times(path)[:3]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # the pause doubles


def test_a_server_error_that_clears_is_stored_after_the_retry(crawled, sites):
    _, _, _, counts = crawled
    assert counts["/flaky-503"] == 2


def test_missing_and_gone_pages_are_recorded_and_not_retried_forever(crawled, sites):
    db, _, _, counts = crawled
    missing, gone = page(db, sites.main, "/status/404"), page(db, sites.main, "/status/410")
    assert (missing["status"], missing["http_status"]) == ("error", 404)
    assert (gone["status"], gone["http_status"]) == ("error", 410)
    assert counts["/status/404"] == 1 and counts["/status/410"] == 1  # never retried within a crawl
    # 404 is tried again by the next crawl (up to MAX_ATTEMPTS crawls); 410 Gone is given up at once.
    assert missing["attempts"] == 2 and sites.main.count("/status/404") == 2
    assert gone["attempts"] == MAX_ATTEMPTS and sites.main.count("/status/410") == 1


def test_server_errors_are_tried_again_by_the_next_crawl(crawled, sites):
    db, _, _, counts = crawled
    assert sites.main.count("/status/500") == 6
    assert page(db, sites.main, "/status/500")["attempts"] == 2
    assert sites.main.count("/good/1.html") == counts["/good/1.html"] == 1  # stored pages never refetched


def test_retry_after_is_honoured(crawled, sites):
    times = sites.main.times("/retry-after")
    assert len(times) == 2 and times[1] - times[0] >= 1.0


def test_a_retry_after_beyond_the_limit_is_left_for_the_next_crawl(crawled, sites):
    db, _, _, counts = crawled
    row = page(db, sites.main, "/retry-after-long")
    assert counts["/retry-after-long"] == 1
    assert (row["status"], row["reason"]) == ("error", "HTTP 429 (Retry-After: 3600)")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow-headers", "DownloadTimeoutError"),
        ("/slow-body", "DownloadTimeoutError"),
        ("/connection-reset", "ConnectionLost: Connection to the other side was lost"),
        ("/truncated", "ResponseDataLossError: the body ended before its Content-Length (truncated)"),
        ("/redirect-loop", "max redirections reached"),
        ("/redirect-offsite", "redirected outside the source's domains to http://127.0.0.1:"),
        ("/redirect-other-scheme", "HTTP 302"),
        ("/huge", "DownloadCancelledError"),
        ("/huge-unannounced", "DownloadCancelledError"),
        ("/bad-gzip", "body does not decompress (error: Error -3 while decompressing data"),
    ],
)
def test_failed_fetches_are_recorded_with_the_reason(crawled, sites, path, reason):
    db, _, _, _ = crawled
    row = page(db, sites.main, path)
    assert row is not None and row["status"] == "error" and reason in row["reason"], row


def test_timeouts_and_resets_are_retried(crawled):
    _, _, _, counts = crawled
    assert counts["/slow-headers"] == 3 and counts["/connection-reset"] == 3


def test_offsite_redirect_is_not_followed(crawled, sites):
    db, _, _, _ = crawled
    other = sites.robots["missing"]
    assert not list(db["articles"].rows_where("source = 'faults' and url like ?", [other.url("/%")]))


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/binary", "binary content served as HTML"),
        ("/empty", "empty page"),
        ("/not-html", "not HTML (application/pdf)"),
    ],
)
def test_pages_that_are_not_articles_are_skipped_with_the_reason(crawled, sites, path, reason):
    db, _, _, _ = crawled
    row = page(db, sites.main, path)
    assert (row["status"], row["reason"]) == ("skipped", reason)


@pytest.mark.parametrize(
    "expected",
    [
        "/feed-malformed.xml (malformed feed",
        "/feed-empty.xml (feed has no entries)",
        "/status/503?as=feed (HTTP 503)",
        "/sitemap-bad.xml.gz (sitemap .gz does not decompress",
        "/sitemap-html.xml (not a sitemap",
        "sitemap indexes nested deeper than 3",
        "calendar: page limit of 40 reached",
    ],
)
def test_broken_entry_points_and_limits_are_named_in_the_crawl_run(crawled, expected):
    db, _, _, _ = crawled
    assert expected in db["crawl_runs"].get(1)["message"]


def test_truncated_feeds_and_sitemaps_give_what_they_can(crawled, sites):
    db, _, _, _ = crawled
    assert page(db, sites.main, "/good/4.html")["status"] == "article"  # the feed's whole first item
    assert page(db, sites.main, "/good/5.html")["status"] == "article"  # the sitemap's whole first entry
    message = db["crawl_runs"].get(1)["message"]
    assert "feed-truncated" not in message and "sitemap-truncated" not in message


def test_self_referencing_and_endless_sitemap_indexes_end(crawled, sites):
    _, _, _, counts = crawled
    assert counts["/sitemap-self.xml"] == 1
    assert sum(n for path, n in counts.items() if path.startswith("/sitemap-deep.xml")) == 4


def test_an_endless_calendar_stops_at_the_page_limit(crawled, sites):
    _, _, _, counts = crawled
    days = [path for path in counts if path.startswith("/day/")]
    calendar_pages = [path for path in counts if path.startswith("/calendar?")]
    assert 0 < len(days) + len(calendar_pages) <= 40
    # Linked calendar pages are judged as pages, never crawled for more links.
    assert all(counts[path] == 1 for path in calendar_pages)


def test_missing_or_malformed_robots_txt_means_no_rules(crawled, sites):
    db, _, _, _ = crawled
    for mode in ("missing", "malformed"):
        site = sites.robots[mode]
        assert page(db, site, "/good/2.html")["status"] == "article", mode


@pytest.mark.parametrize(("mode", "reason"), [("error", "HTTP 503"), ("slow", "DownloadTimeoutError")])
def test_unreachable_robots_txt_keeps_the_crawler_away(crawled, sites, mode, reason):
    db, _, _, _ = crawled
    site = sites.robots[mode]
    assert {path for path, _ in site.requests} == {"/robots.txt"}
    message = db["crawl_runs"].get(1)["message"]
    assert f"robots-{mode}: {site.url('/sitemap-good.xml')} (robots.txt unreachable ({reason}" in message


def test_a_page_that_breaks_the_extractor_is_recorded_and_the_crawl_goes_on(caplog):
    """The spider callback on a page whose extraction raises: one `error` page, the traceback logged."""

    class BrokenExtractor:
        async def extract(self, html: str | bytes, url: str) -> None:
            raise RuntimeError("lxml gave up")

    spider = ArticleSpider()
    spider.extraction = BrokenExtractor()
    source = Source("broken", start_urls=["https://broken.example/"])
    request = Request("https://broken.example/story?token=s3cr3t", meta={"source": source})
    response = HtmlResponse(request.url, body=b"<html><p>story</p></html>", request=request)

    async def items() -> list:
        return [item async for item in spider.parse_article(response)]

    # The item keeps the URL as requested; the store redacts it when it writes the crawl_pages row.
    assert asyncio.run(items()) == [
        PageItem(
            "https://broken.example/story?token=s3cr3t",
            "broken",
            "error",
            "extraction failed: RuntimeError('lxml gave up')",
            200,
        )
    ]
    (record,) = [r for r in caplog.records if "cannot extract" in r.getMessage()]
    assert record.exc_info and "token=REDACTED" in record.getMessage()
