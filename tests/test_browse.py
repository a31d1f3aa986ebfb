"""The Datasette experience in-process (``datasette.client``): metadata, canned queries, the timeline page."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from urllib.parse import parse_qs, urlencode, urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml

from pipeline.browse import date_label, fts_terms, group_label, safe_url
from pipeline.export import Filters as ExportFilters
from pipeline.export import select_events
from pipeline.schema import open_database
from pipeline.web import WEB, BadBaseUrl, DatasetteConfig, normalise_base_url

CANNED = yaml.safe_load((WEB / "metadata.yml").read_text(encoding="utf-8"))["databases"]["timeline"][
    "queries"
]


def get(datasette, path: str):
    return asyncio.run(datasette.client.get(path))


@pytest.fixture(scope="module")
def datasette(demo_db):
    return DatasetteConfig.for_database(demo_db).datasette()


@pytest.fixture(scope="module")
def demo(demo_db) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{demo_db}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def canned(datasette, name: str, **params: str) -> list[dict]:
    response = get(datasette, f"/demo/{name}.json?_shape=array&{urlencode(params)}")
    assert response.status_code == 200, response.text
    return response.json()


def timeline_ids(datasette, path: str) -> tuple[list[str], lxml.html.HtmlElement]:
    response = get(datasette, path)
    assert response.status_code == 200, response.text
    page = lxml.html.fromstring(response.text)
    return page.xpath("//li[@data-event-id]/@data-event-id"), page


def all_pages(datasette, args: dict[str, str]) -> list[str]:
    """Event ids over every page of the timeline, following its 'next' links."""
    path, ids = f"/-/timeline?{urlencode(args)}", []
    while path:
        page_ids, page = timeline_ids(datasette, path)
        ids += page_ids
        links = page.xpath("//a[@class='next-page']/@href")
        path = links[0] if links else None
    return ids


def expected_ids(demo, where: str = "1", params: tuple = ()) -> list[str]:
    sql = f"select id from events where first_day is not null and {where} order by first_day, id"
    return [row[0] for row in demo.execute(sql, params)]


# Metadata and publishing


def test_metadata_describes_every_table_and_column(datasette, demo):
    metadata = get(datasette, "/-/metadata.json").json()
    tables = metadata["databases"]["demo"]["tables"]
    names = [
        row[0]
        for row in demo.execute(
            "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite_%'"
            " and name not like '%_fts' and name not like '%_fts_%'"
        )
    ]
    shown = [name for name in names if not tables.get(name, {}).get("hidden")]
    assert {"merge_state", "event_candidates", "crawl_pages", "fetch_state", "timeline"} <= set(shown)
    for table in shown:
        assert tables.get(table, {}).get("description"), table
        columns = {row[1] for row in demo.execute(f"pragma table_xinfo({table})")}
        described = {name for name, text in tables[table].get("columns", {}).items() if text}
        assert columns <= described, (table, sorted(columns - described))
    page = get(datasette, "/demo/events").text
    assert (
        "How precisely the date is known" in page and "sentences in articles that report this event" in page
    )


def test_every_canned_query_is_read_only_and_described():
    assert len(CANNED) >= 8
    for name, query in CANNED.items():
        assert not query.get("write"), name
        assert query["title"] and query["description"], name
        assert query["sql"].lstrip().lower().startswith(("select", "with")), name


def test_writes_are_refused_and_slow_queries_stopped(demo_db):
    datasette = DatasetteConfig.for_database(demo_db, sql_time_limit_ms=50).datasette()
    refused = get(datasette, "/demo.json?" + urlencode({"sql": "delete from events"}))
    assert refused.status_code == 400 and "Statement must be a SELECT" in refused.text
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    stopped = get(datasette, "/demo.json?" + urlencode({"sql": slow}))
    assert stopped.status_code == 400 and "SQL query took too long" in stopped.text
    assert get(datasette, "/-/settings.json").json()["sql_time_limit_ms"] == 50


def test_base_url_prefixes_every_link(demo_db):
    datasette = DatasetteConfig.for_database(demo_db, base_url="newsline").datasette()
    response = get(datasette, "/-/timeline")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    links = [href for href in page.xpath("//a/@href | //img/@src | //link/@href") if href.startswith("/")]
    assert links and all(href.startswith("/newsline/") for href in links), links
    assert 'href="/newsline/-/timeline"' in get(datasette, "/").text
    with pytest.raises(BadBaseUrl):
        normalise_base_url("http://example.com/")


def test_search_on_articles_and_event_summaries(datasette, demo):
    articles = get(datasette, "/demo/articles.json?_search=Indonesia&_shape=array").json()
    assert articles and all("indonesia" in (a["title"] + a["text"]).lower() for a in articles)
    events = get(datasette, "/demo/events.json?_search=Indonesia&_shape=array").json()
    assert events and all("indonesia" in e["summary"].lower() for e in events)


# Canned queries


def test_events_for_entity(datasette, demo):
    rows = canned(datasette, "events_for_entity", entity="tiktok", since="")
    expected = demo.execute(
        "select distinct event_id from event_entities join entities on entities.id = entity_id"
        " where entities.name = 'TikTok'"
    ).fetchall()
    assert len(rows) == len(expected) > 5
    days = [
        demo.execute("select first_day from events where id = ?", [r["event_id"]]).fetchone()[0] for r in rows
    ]
    assert days == sorted(days)
    later = canned(datasette, "events_for_entity", entity="TikTok", since="2025-01")
    assert [r["event_id"] for r in later] == [
        r["event_id"] for r, day in zip(rows, days, strict=True) if day >= "2025-01"
    ]


def test_market_events_between(datasette, demo):
    rows = canned(datasette, "market_events_between", market="jp", since="2024", until="2025-06")
    expected = expected_ids(
        demo,
        "first_day between '2024-01-01' and '2025-06-30'"
        " and id in (select event_id from event_markets where market_code = 'JP')",
    )
    assert [r["event_id"] for r in rows] == expected and expected
    everything = canned(datasette, "market_events_between", market="JP", since="", until="")
    assert len(everything) > len(rows)


def test_changed_since(datasette, demo):
    rows = canned(datasette, "changed_since", since="2025-06-01")
    expected = demo.execute(
        "select count(distinct event_id) from event_mentions join articles on articles.id = article_id"
        " where published_at >= '2025-06-01'"
    ).fetchone()[0]
    assert len(rows) == expected > 0
    assert {r["change"] for r in rows} <= {"new event", "new reports"}
    assert [r["latest_report"] for r in rows] == sorted((r["latest_report"] for r in rows), reverse=True)
    assert canned(datasette, "changed_since", since="") == []


def test_single_source_events(datasette, demo):
    rows = canned(datasette, "single_source_events", since="", until="")
    assert [r["event_id"] for r in rows] == expected_ids(demo, "source_count = 1")
    assert all(r["url"].startswith("http://127.0.0.1:") for r in rows)


def test_top_events_rank_as_the_evaluation_does(datasette, demo):
    # The order pipeline.evaluate scores as "top events that are lead facts": importance, then outlets, then id.
    ranked = [
        row[0]
        for row in demo.execute(
            "select id from events where first_day is not null order by importance desc, source_count desc, id"
        )
    ]
    rows = canned(datasette, "top_events", since="", until="", how_many="")
    assert [r["event_id"] for r in rows] == ranked[:20]
    assert rows[0]["importance"] > rows[-1]["importance"]
    assert all(r["sources"] for r in rows)
    five = canned(datasette, "top_events", since="2025", until="2025-06", how_many="5")
    in_range = [
        row[0]
        for row in demo.execute(
            "select id from events where first_day between '2025-01-01' and '2025-06-30'"
            " order by importance desc, source_count desc, id limit 5"
        )
    ]
    assert [r["event_id"] for r in five] == in_range and len(in_range) == 5


def test_event_sources(datasette, demo):
    event_id = demo.execute("select id from events order by mention_count desc, id limit 1").fetchone()[0]
    rows = canned(datasette, "event_sources", event_id=event_id)
    mentions = demo.execute("select count(*) from event_mentions where event_id = ?", [event_id]).fetchone()[
        0
    ]
    assert len(rows) == mentions > 1
    assert all(r["sentence"] and r["url"] for r in rows)


def test_entity_companions_and_pairs(datasette, demo):
    companions = canned(datasette, "entity_companions", entity="TikTok")
    assert companions and "TikTok" not in {r["name"] for r in companions}
    counts = [r["events_together"] for r in companions]
    assert counts == sorted(counts, reverse=True)
    pairs = canned(datasette, "entity_pairs", since="", until="")
    assert pairs and [r["events_together"] for r in pairs] == sorted(
        (r["events_together"] for r in pairs), reverse=True
    )
    top = pairs[0]
    together = demo.execute(
        "select count(distinct a.event_id) from event_entities a join event_entities b on a.event_id = b.event_id"
        " where a.entity_id = (select id from entities where name = ?)"
        " and b.entity_id = (select id from entities where name = ?)",
        [top["entity"], top["other_entity"]],
    ).fetchone()[0]
    assert top["events_together"] == together


def test_monthly_counts_by_type(datasette, demo):
    rows = canned(datasette, "monthly_counts_by_type", since="", until="")
    fine = demo.execute(
        "select count(*) from events where date_precision in ('day', 'week', 'month')"
    ).fetchone()[0]
    assert sum(r["events"] for r in rows) == fine
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows)
    year = canned(datasette, "monthly_counts_by_type", since="2025", until="2025")
    assert year and all(r["month"].startswith("2025-") for r in year)


def test_search_events_and_overviews(datasette, demo):
    found = canned(datasette, "search_events", q="Indonesia")
    assert found and all("indonesia" in r["summary"].lower() for r in found)
    markets = canned(datasette, "market_overview")
    assert (
        sum(r["events"] for r in markets) == demo.execute("select count(*) from event_markets").fetchone()[0]
    )
    sources = canned(datasette, "source_overview")
    assert sum(r["articles"] for r in sources) == demo.execute("select count(*) from articles").fetchone()[0]
    assert sum(r["copies"] for r in sources) == 2


def test_every_canned_query_has_a_test():
    tested = "".join(open(__file__, encoding="utf-8").read().split())
    for name in CANNED:
        assert f'"{name}"' in tested, f"no test calls the canned query {name}"


# The timeline page


def test_timeline_pages_hold_every_event_once_in_date_order(datasette, demo):
    first, page = timeline_ids(datasette, "/-/timeline")
    assert len(first) == 50 and page.xpath("//a[@class='next-page']")
    assert all_pages(datasette, {}) == expected_ids(demo)
    assert page.xpath("//h1/text()") == ["Timeline"]
    first_day = demo.execute("select first_day from events where id = ?", [first[0]]).fetchone()[0]
    assert page.xpath("//h2/text()")[0] == first_day[:4]


def test_timeline_filters_match_the_export(datasette, demo, demo_db):
    """The page and `timeline export` pick the same events (the page in calendar order)."""
    database = open_database(demo_db)
    first_days = dict(demo.execute("select id, first_day from events").fetchall())
    for args, export in (
        ({"market": "JP"}, ExportFilters(market="JP")),
        ({"entity": "tiktok"}, ExportFilters(entity="tiktok")),
        ({"type": "regulation"}, ExportFilters(event_type="regulation")),
        ({"market": "ID", "entity": "TikTok"}, ExportFilters(entity="TikTok", market="ID")),
    ):
        shown = all_pages(datasette, args)
        exported = sorted(
            (e["id"] for e in select_events(database, export)), key=lambda i: (first_days[i], i)
        )
        assert shown == exported and shown, args


def test_timeline_date_filters_and_search(datasette, demo):
    shown = all_pages(datasette, {"since": "2025-03", "until": "2025"})
    assert shown == expected_ids(demo, "first_day between '2025-03-01' and '2025-12-31'") and shown
    found = all_pages(datasette, {"q": "indonesia"})
    words = [i for i in expected_ids(demo) if re.search(r"\bindonesia\b", _summary(demo, i), re.IGNORECASE)]
    assert found == words and found
    ids, page = timeline_ids(datasette, "/-/timeline?since=yesterday")
    assert len(ids) == 50 and "since: not a date" in page.text_content()
    ids, page = timeline_ids(datasette, "/-/timeline?q=" + urlencode({"": '"unbalanced AND ('})[1:])
    assert ids == [] and "No events match" in page.text_content()


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("value", ["2025-13", "2024-02-30", "2025-00", "2025-02-29"])
def test_timeline_names_a_date_that_does_not_exist_instead_of_failing(datasette, demo, name, value):
    ids, page = timeline_ids(datasette, f"/-/timeline?{name}={value}")
    assert f"{name}: not a date: {value!r}" in page.text_content()
    assert ids == expected_ids(demo)[:50]
    chart = get(datasette, f"/-/timeline/chart.svg?{name}={value}")
    assert chart.status_code == 200 and lxml.etree.fromstring(chart.content).xpath("//*[@class='bar']")


def _summary(demo, event_id: str) -> str:
    return demo.execute("select summary from events where id = ?", [event_id]).fetchone()[0]


def test_timeline_event_shows_date_type_markets_actors_and_links(datasette, demo):
    event = demo.execute(
        "select * from events where date_precision = 'day' and source_count > 1 order by first_day, id limit 1"
    ).fetchone()
    ids, page = timeline_ids(datasette, f"/-/timeline?since={event['first_day']}")
    item = page.xpath(f"//li[@data-event-id='{event['id']}']")[0]
    assert item.xpath(".//time/text()")[0] == date_label(event["event_date"], "day")
    assert item.xpath(".//span[@class='event-type']/text()") == [event["event_type"]]
    markets = [
        r[0]
        for r in demo.execute(
            "select market_code from event_markets where event_id = ? order by 1", [event["id"]]
        )
    ]
    assert item.xpath(".//a[@class='event-market']/text()") == markets
    assert item.xpath(".//a[@class='event-row']/@href") == [f"/demo/events/{event['id']}"]
    links = item.xpath(".//a[@class='source-link']/@href")
    urls = {
        r[0]
        for r in demo.execute(
            "select url from articles join event_mentions on article_id = articles.id where event_id = ?",
            [event["id"]],
        )
    }
    assert set(links) == urls
    assert get(datasette, item.xpath(".//a[@class='event-row']/@href")[0]).status_code == 200
    sources = item.xpath(".//a[@class='event-sources-query']/@href")[0]
    assert parse_qs(urlsplit(sources).query) == {"event_id": [event["id"]]}
    assert get(datasette, sources).status_code == 200
    headings = page.xpath("//section[@class='timeline-year'][1]/h3/text()")
    assert headings[0] == group_label(event["first_day"], "day")


def test_timeline_chart_counts_events_by_month_and_type(datasette, demo):
    response = get(datasette, "/-/timeline/chart.svg?market=JP")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    chart = lxml.etree.fromstring(response.content)
    titles = chart.xpath("//*[local-name()='rect'][@class='bar']/*[local-name()='title']/text()")
    counted = sum(int(title.split(": ")[1].split()[0]) for title in titles)
    expected = demo.execute(
        "select count(*) from events join event_markets on event_id = id where market_code = 'JP'"
        " and date_precision in ('day', 'week', 'month')"
    ).fetchone()[0]
    assert counted == expected > 0
    empty = get(datasette, "/-/timeline/chart.svg?entity=nobody")
    assert "No events dated to the month match" in empty.text


def test_labels():
    assert date_label("2025-09-14", "day") == "14 September 2025"
    assert date_label("2025-09", "month") == "September 2025"
    assert date_label("2025", "year") == "2025"
    assert date_label("2024", "year", "2027") == "2024 – 2027"
    assert date_label("2025-W12", "week") == "week 12 of 2025 (17 Mar – 23 Mar)"
    for impossible in ("2025-W53", "2025-13", "2024-02-30", "2025-00"):
        assert date_label(impossible, "day") == impossible
    assert date_label("2020-W53", "week") == "week 53 of 2020 (28 Dec – 3 Jan)"
    assert group_label("2025-04-01", "quarter") == "Q2 2025, date known to the quarter"
    assert group_label("2025-04-09", "day") == "April 2025"
    assert safe_url("https://example.com/a") == "https://example.com/a"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example/", None):
        assert safe_url(url) is None
    assert fts_terms('tiktok "shop* (') == '"tiktok" """shop"* "("'


# Escaping

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory) -> str:
    """The demo database plus an article and an event whose texts and link are attacks."""
    path = str(tmp_path_factory.mktemp("hostile") / "demo.db")
    with sqlite3.connect(demo_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    database = open_database(path)
    database["articles"].insert(
        {
            "id": "hostile",
            "url": "javascript:alert(1)",
            "canonical_url": "javascript:alert(2)",
            "source": f"outlet{HOSTILE}",
            "title": f"Title {HOSTILE}",
            "published_at": "2025-10-01",
            "text": f"Text {HOSTILE} <img src=x onerror=alert(3)>",
            "content_hash": "hostile",
            "fetched_at": "2025-10-01T00:00:00+00:00",
        }
    )
    database["entities"].insert({"id": 99999, "name": f"Actor {HOSTILE}", "label": "ORG"})
    database["events"].insert(
        {
            "id": "hostile-event",
            "event_date": "2025-10-01",
            "date_precision": "day",
            "event_type": f"ban{HOSTILE}",
            "summary": f"Summary {HOSTILE}",
            "source_count": 1,
            "mention_count": 1,
            "first_reported": "2025-10-01",
        }
    )
    database["event_mentions"].insert(
        {
            "event_id": "hostile-event",
            "article_id": "hostile",
            "sentence": f"Sentence {HOSTILE}",
            "char_start": 0,
        }
    )
    database["event_entities"].insert({"event_id": "hostile-event", "entity_id": 99999, "role": "actor"})
    return path


def test_article_and_event_text_is_always_escaped(hostile_db):
    datasette = DatasetteConfig.for_database(hostile_db).datasette()
    pages = [
        "/demo/articles/hostile",
        "/demo/articles?_search=script",
        "/demo/events/hostile-event",
        "/demo/timeline?id=hostile-event",
        "/demo/event_sources?event_id=hostile-event",
        "/-/timeline?since=2025-10-01&until=2025-10-01",
        "/-/timeline?entity=" + urlencode({"": f"Actor {HOSTILE}"})[1:],
        "/-/timeline/chart.svg?since=2025-10-01&until=2025-10-01",
    ]
    for path in pages:
        response = get(datasette, path)
        assert response.status_code == 200, path
        assert HOSTILE not in response.text and "<img src=x" not in response.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text, path
        assert 'href="javascript:' not in response.text.lower(), path
    ids, page = timeline_ids(datasette, "/-/timeline?since=2025-10-01&until=2025-10-01")
    item = page.xpath("//li[@data-event-id='hostile-event']")[0]
    assert item.xpath(".//p[@class='event-summary']/text()") == [f"Summary {HOSTILE}"]
    assert item.xpath(".//a[@class='source-link']") == []
    assert item.xpath(".//span[@class='source-unlinked']/text()") == [f"Title {HOSTILE}"]
    assert not page.xpath("//script[contains(., 'alert')]")


def test_a_timelinejs_export_shows_crawled_text_as_text(hostile_db):
    from pipeline.export import export_events

    story = json.loads(
        export_events(open_database(hostile_db), "timelinejs", ExportFilters(since="2025-10-01"))
    )
    [slide] = [e for e in story["events"] if e["unique_id"] == "hostile-event"]
    fields = slide["text"]["headline"] + slide["text"]["text"]
    assert HOSTILE not in fields and "&lt;script&gt;alert(1)&lt;/script&gt;" in fields
    assert "href" not in slide["text"]["text"]  # its only source's address is javascript:
    others = [e["text"]["text"] for e in story["events"] if e["unique_id"] != "hostile-event"]
    assert others and all('<a href="http://127.0.0.1:' in text for text in others)


def test_an_export_of_the_top_events_keeps_the_most_important_in_date_order(demo_db):
    database = open_database(demo_db)
    ranked = [
        row[0]
        for row in database.execute("select id from events order by importance desc, source_count desc, id")
    ]
    top = select_events(database, ExportFilters(top=5))
    assert {e["id"] for e in top} == set(ranked[:5])
    assert [(e["event_date"], e["id"]) for e in top] == sorted((e["event_date"], e["id"]) for e in top)
    # The filters apply first: the top of one market's events.
    japan = select_events(database, ExportFilters(market="JP", top=3))
    everything_in_japan = select_events(database, ExportFilters(market="JP"))
    assert len(japan) == 3 < len(everything_in_japan)
    assert min(e["importance"] for e in japan) >= max(
        e["importance"] for e in everything_in_japan if e["id"] not in {j["id"] for j in japan}
    )
