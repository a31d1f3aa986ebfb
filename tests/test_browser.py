"""The timeline page in a real browser: headless Debian chromium driven by Playwright, against `timeline serve`.

Datasette runs as `timeline serve --base-url /newsline/`, as it would behind a proxy that keeps the prefix.
A screenshot is written to timeline.png in $NEWSLINE_TEST_ARTIFACTS, by default tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Where the screenshot goes: NEWSLINE_TEST_ARTIFACTS, else tests/artifacts/ (git-ignored).
ARTIFACTS = Path(os.environ.get("NEWSLINE_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db):
    """`timeline serve` over the demo database under /newsline/; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--db", demo_db, "--port", str(port)]
        + ["--base-url", "/newsline/"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/newsline/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "-/versions.json", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "Datasette did not start"
                time.sleep(0.3)
        yield base
    finally:  # a failed start, too, must not leave `timeline serve` running
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
    # Datasette stopped with `timeline serve`: nothing answers on the port any more.
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "-/versions.json", timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    tab = context.new_page()
    tab.problems = []  # uncaught script errors and dialogs: a published page shows neither
    tab.on("pageerror", lambda error: tab.problems.append(f"page error: {error}"))
    tab.on("dialog", lambda dialog: (tab.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield tab
    context.close()


def shown(page) -> list[tuple[str, str]]:
    """(event id, first day) of the events on the page, top to bottom."""
    return page.eval_on_selector_all(
        "li.timeline-event", "items => items.map(i => [i.dataset.eventId, i.dataset.firstDay])"
    )


def expected(demo_db: str, where: str, params: tuple = ()) -> list[str]:
    with sqlite3.connect(demo_db) as connection:
        rows = connection.execute(
            f"select id from events where first_day is not null and {where} order by first_day, id", params
        ).fetchall()
    return [row[0] for row in rows]


def test_timeline_page_filters_sources_and_search(server, page, demo_db):
    page.goto(server + "-/timeline")
    assert page.title() == "Timeline" and page.locator("h1").inner_text() == "Timeline"
    first = shown(page)
    assert [event_id for event_id, _ in first] == expected(demo_db, "1")[:50]
    assert [day for _, day in first] == sorted(day for _, day in first)
    chart_width = page.eval_on_selector(
        ".timeline-chart img", "image => image.complete && image.naturalWidth"
    )
    assert chart_width == 900

    # A market, chosen in the form: the URL carries it and the page shows exactly the market's events.
    page.select_option("select[name=market]", "US")
    page.click("form.timeline-filters button[type=submit]")
    page.wait_for_load_state()
    assert "market=US" in page.url
    in_market = expected(demo_db, "id in (select event_id from event_markets where market_code = 'US')")
    assert [event_id for event_id, _ in shown(page)] == in_market and in_market
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)

    # Then an entity, typed as people type it.
    page.fill("input[name=entity]", "tiktok")
    page.click("form.timeline-filters button[type=submit]")
    page.wait_for_load_state()
    assert "entity=tiktok" in page.url and "market=US" in page.url
    both = expected(
        demo_db,
        "id in (select event_id from event_markets where market_code = 'US')"
        " and id in (select event_id from event_entities join entities on entities.id = entity_id"
        " where entities.name = 'TikTok')",
    )
    assert [event_id for event_id, _ in shown(page)] == both and 0 < len(both) < len(in_market)

    # A source link leads to the article on the (demo) news site.
    link = page.locator("a.source-link").first
    title, href = link.inner_text(), link.get_attribute("href")
    assert href.startswith("http://127.0.0.1:")
    link.click()
    page.wait_for_load_state()
    assert page.url == href
    assert title.split(" ")[0] in page.locator("h1").first.inner_text()

    # Search: words in event summaries on the timeline page, then articles in Datasette's table search.
    page.goto(server + "-/timeline")
    page.fill("input[name=q]", "ministry")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "q=ministry" in page.url
    summaries = page.locator("p.event-summary").all_inner_texts()
    assert summaries and all("ministry" in summary.lower() for summary in summaries)
    page.goto(server + "demo/articles?_search=Tokopedia")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() > 0
    assert page.problems == []


def test_event_links_lead_to_row_pages_behind_the_base_url(server, page):
    page.goto(server + "-/timeline?type=ban")
    page.locator("a.event-row").first.click()
    page.wait_for_load_state()
    assert "/newsline/demo/events/" in page.url
    assert page.locator("h1").inner_text().startswith("events")
    page.go_back()
    page.locator("a.event-sources-query").first.click()
    page.wait_for_load_state()
    assert "/newsline/demo/event_sources?event_id=" in page.url
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    assert page.problems == []
