"""The real spiders against the demo site served on loopback, through the `timeline crawl` command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
import sqlite_utils

from pipeline.urls import article_id, canonicalize_url
from tests.conftest import FAST, run_timeline


@dataclass
class Crawl:
    returncode: int
    stdout: str
    stderr: str
    requests: list[tuple[str, str, int]]


@pytest.fixture(scope="session")
def crawled(demo_site, tmp_path_factory):
    """Two crawls of the demo site into one database: (db, first crawl, second crawl)."""
    folder = tmp_path_factory.mktemp("crawl")
    sources = folder / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = folder / "timeline.db"
    crawls = []
    for _ in range(2):
        start = len(demo_site.requests)
        result = run_timeline("crawl", "--sources", str(sources), "--db", str(db_path), *FAST)
        crawls.append(Crawl(result.returncode, result.stdout, result.stderr, demo_site.requests[start:]))
    return sqlite_utils.Database(db_path), crawls[0], crawls[1]


def stored_id(demo_site, page: str) -> str:
    return article_id(canonicalize_url(demo_site.url(page)))


def test_crawl_succeeds_and_says_so(crawled):
    db, first, second = crawled
    assert first.returncode == 0, first.stderr
    assert "crawl 1 ok:" in first.stdout and "37 new articles" in first.stdout
    assert "Traceback" not in first.stderr


def test_every_gold_article_stored_once_with_title_and_date(crawled, demo_site, gold_articles):
    db, _, _ = crawled
    expected = [r for r in gold_articles if r["kind"] in ("article", "syndicated_copy")]
    assert len(expected) >= 30
    for row in expected:
        stored = db["articles"].get(stored_id(demo_site, row["page"]))
        assert stored["title"] == row["title"]
        assert stored["source"] == row["source"]
        found, truth = (
            datetime.fromisoformat(stored["published_at"]),
            datetime.fromisoformat(row["published"]),
        )
        if row["date_exposed_by"] == "byline":  # the page gives only the day
            assert found.date() == truth.date() and len(stored["published_at"]) == 10
        else:
            assert found == truth
    assert db["articles"].count == len(expected)


def test_no_non_article_stored_and_each_skip_has_a_reason(crawled, demo_site, gold_articles):
    db, _, _ = crawled
    urls = {r["url"] for r in db["articles"].rows}
    for row in gold_articles:
        if row["kind"] in ("about", "index", "missing", "members_only"):
            assert demo_site.url(row["page"]) not in urls
            assert demo_site.url(row["page"]).removesuffix("index.html") not in urls
    skipped = list(db["crawl_pages"].rows_where("status = 'skipped'"))
    assert skipped and all(r["reason"] for r in skipped)
    assert {r["url"].rsplit("/", 1)[-1] for r in skipped} >= {"about.html"}


def test_robots_disallowed_page_is_never_fetched(crawled, gold_articles):
    _, first, second = crawled
    members = [r for r in gold_articles if r["kind"] == "members_only"]
    assert members
    fetched = [path for domain, path, _ in first.requests + second.requests]
    assert not [path for path in fetched if path.startswith("/members/")]
    assert ("capitol-brief.example", "/robots.txt", 200) in first.requests


def test_copies_and_tracking_duplicate_collapse(crawled, demo_site, gold_articles):
    db, _, _ = crawled
    copies = [r for r in gold_articles if r["kind"] == "syndicated_copy"]
    assert len(copies) == 2
    for row in copies:
        stored = db["articles"].get(stored_id(demo_site, row["page"]))
        assert stored["duplicate_of"] == stored_id(demo_site, row["duplicate_of"])
        assert stored["duplicate_reason"] == "near duplicate"
    # TecnoItalia's feed links every story with utm_* parameters: one row per story, clean URLs.
    tecnoitalia = list(db["articles"].rows_where("source = 'tecnoitalia'"))
    assert len(tecnoitalia) == len(
        [r for r in gold_articles if r["source"] == "tecnoitalia" and r["kind"] == "article"]
    )
    assert not [r for r in tecnoitalia if "utm_" in r["url"] or "utm_" in r["canonical_url"]]
    originals = db.execute("select count(*) from articles where duplicate_of is null").fetchone()[0]
    assert originals == db["articles"].count - 2


def test_missing_page_is_an_error_with_its_status(crawled, demo_site, gold_articles):
    db, _, _ = crawled
    missing = next(r for r in gold_articles if r["kind"] == "missing")
    row = db["crawl_pages"].get(canonicalize_url(demo_site.url(missing["page"])))
    assert (row["status"], row["http_status"], row["reason"]) == ("error", 404, "HTTP 404")
    assert row["attempts"] == 2  # tried again by the second crawl


def test_second_crawl_fetches_no_article_again_and_adds_nothing(crawled, gold_articles):
    db, first, second = crawled
    assert second.returncode == 0, second.stderr
    article_paths = {"/" + r["page"].split("/", 1)[1] for r in gold_articles if r["kind"] != "missing"}
    assert not [p for _, p, _ in second.requests if p.split("?")[0] in article_paths and p != "/index.html"]
    # Feeds, sitemaps and start pages answer 304 Not Modified to the conditional requests.
    entry_statuses = {
        status for _, path, status in second.requests if not path.endswith((".html", "robots.txt"))
    }
    assert entry_statuses == {304}
    runs = list(db["crawl_runs"].rows)
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[0]["new_articles"] == 37 and runs[0]["duplicates"] == 2
    assert runs[1]["new_articles"] == 0 and runs[1]["not_modified"] >= 7
    assert "0 new articles" in second.stdout


def test_user_agent_and_robots_politeness_defaults():
    from crawler import settings

    assert settings.ROBOTSTXT_OBEY and settings.AUTOTHROTTLE_ENABLED
    assert "Newsline" in settings.USER_AGENT and settings.NEWSLINE_CONTACT_URL in settings.USER_AGENT
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN <= 2 and settings.DOWNLOAD_MAXSIZE <= 10 * 1024 * 1024
    assert not settings.HTTPCACHE_ENABLED


def test_interrupted_crawl_resumes_without_duplicates(demo_site, tmp_path, gold_articles):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = str(tmp_path / "timeline.db")
    stopped = run_timeline(
        "crawl", "--sources", str(sources), "--db", db_path, *FAST, "--set", "CLOSESPIDER_PAGECOUNT=15"
    )
    assert stopped.returncode == 130, stopped.stdout + stopped.stderr
    assert "interrupted" in stopped.stdout
    db = sqlite_utils.Database(db_path)
    partial = db["articles"].count
    assert 0 < partial < 37
    assert db["fetch_state"].count == 0  # validators kept back, so the next crawl re-reads the feeds
    resumed = run_timeline("crawl", "--sources", str(sources), "--db", db_path, *FAST)
    assert resumed.returncode == 0, resumed.stderr
    assert db["articles"].count == 37
    assert [r["status"] for r in db["crawl_runs"].rows] == ["interrupted", "ok"]


def test_progress_lines_on_long_crawls(demo_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    slow = [
        "--set",
        "DOWNLOAD_DELAY=0.1",
        "--set",
        "AUTOTHROTTLE_ENABLED=False",
        "--set",
        "NEWSLINE_PROGRESS_INTERVAL=0.5",
    ]
    result = run_timeline(
        "crawl", "--sources", str(sources), "--db", str(tmp_path / "t.db"), "--source", "tokyo-ledger", *slow
    )
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("crawl: ")]
    assert progress and "pages fetched" in progress[-1] and "new articles" in progress[-1]
    assert "Traceback" not in result.stderr and "CRITICAL" not in result.stderr
