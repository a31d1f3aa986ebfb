"""Bad input never crashes: arbitrary bytes and text give a result or the project's own documented error."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import Article, extract_article
from crawler.sources import Source, SourcesFileError, parse_sources
from nlp.markets import resolve_market
from pipeline.ingest import IngestError, ingest_file
from pipeline.store import Store

# Modest budgets keep the suite fast; deadline=None because the first call loads models and tables.
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HTML_PIECES = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        "<body>",
        "<article>",
        "<p>",
        "</p>",
        "<h1>",
        "<a href='javascript:alert(1)'>",
        "<script type='application/ld+json'>",
        '{"@type": "NewsArticle", "datePublished": "2025-13-45"}',
        "</script>",
        "<meta property='article:published_time' content='not a date'>",
        "<link rel='canonical' href='::::'>",
        "<time datetime='9999-99-99'>",
        "<table><tr><td>",
        "\x00",
        "\ufeff",
        "&#0;&#xD800;&amp",
        "Markets in Japan grew 5% in 2024. ",
        "TikTok Shop opened in Indonesia last September. ",
    ]
)
HTMLISH = st.lists(HTML_PIECES | st.text(max_size=40), max_size=40).map("".join)


@QUICK
@given(page=st.binary(max_size=3000) | HTMLISH | HTMLISH.map(lambda s: s.encode("utf-16")))
def test_extract_article_never_crashes(page):
    article = extract_article(page, "https://example.com/news/1.html")
    assert isinstance(article, Article)
    assert article.is_article or article.skip_reason


@QUICK
@given(name=st.text(max_size=60))
def test_resolve_market_returns_a_code_or_none(name):
    code = resolve_market(name)
    assert code is None or (isinstance(code, str) and code)


@pytest.fixture(scope="session")
def nlp_model():
    from nlp.model import load_model

    return load_model()


REFERENCES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)) | st.dates(
    min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)
)
DATE_TEXT = st.lists(
    st.sampled_from(
        [
            "last September",
            "on Tuesday",
            "next year",
            "the coming months",
            "between 2024 and 2027",
            "by June 19",
            "Q3 2025",
            "the 31st of February",
            "in 99999",
            "mid-",
            "week 53 of 2021",
            "2025-W12",
            "Oct. 7 to Oct. 11",
            "since 0",
            " ",
            ".",
        ]
    )
    | st.text(max_size=30),
    max_size=12,
).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=DATE_TEXT, reference=REFERENCES, offset=st.integers(-14, 14))
def test_find_dates_never_crashes_and_offsets_point_into_the_text(nlp_model, text, reference, offset):
    from nlp.dates import find_dates

    if isinstance(reference, datetime):
        reference = reference.replace(tzinfo=timezone(timedelta(hours=offset)))
    for mention in find_dates(text, reference):
        assert 0 <= mention.start <= mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        assert mention.value


@QUICK
@given(
    raw=st.text(max_size=400)
    | st.lists(st.sampled_from(["[[sources]]", 'name = "a"', "feeds = ['x']"])).map("\n".join)
)
def test_the_sources_loader_gives_sources_and_problems_or_its_own_error(raw):
    try:
        sources, problems = parse_sources(raw, "sources.toml")
    except SourcesFileError as error:
        assert str(error).startswith("sources.toml: ")
        return
    assert all(isinstance(source, Source) for source in sources)
    assert all(str(problem).startswith("sources.toml") for problem in problems)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
ROWS = st.fixed_dictionaries(
    {},
    optional={
        "url": st.sampled_from(
            ["https://example.com/a", "ftp://x", "", "https://user:pw@example.com/b?token=t"]
        )
        | st.text(max_size=20),
        "text": st.text(max_size=80),
        "maintext": st.text(max_size=80),
        "published": st.text(max_size=25)
        | st.sampled_from(["2025-01-02", "2025-01-02 10:00:00", "yesterday"]),
        "title": JSON_VALUES,
        "authors": JSON_VALUES,
        "source": JSON_VALUES,
    },
)
LINES = st.lists(
    ROWS.map(json.dumps)
    | JSON_VALUES.map(json.dumps)
    | st.text(max_size=40).map(lambda s: s.replace("\n", " ")),
    max_size=8,
)


@QUICK
@given(lines=LINES, junk=st.binary(max_size=50))
def test_ingest_takes_the_good_lines_and_names_the_bad_ones(tmp_path_factory, lines, junk):
    folder = tmp_path_factory.mktemp("ingest")
    path = folder / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(folder / "t.db")
    try:  # one database per example: its connection is closed, not left to the garbage collector
        result = ingest_file(store, path)
        assert result.read == len([line for line in lines if line.strip()])
        assert result.new + result.duplicates + len(result.problems) == result.read
        assert all(problem.startswith(f"{path}:") for problem in result.problems)
        assert result.new <= store.db["articles"].count <= result.new + result.duplicates
        # Credentials in a URL never reach the database.
        assert not [
            row for row in store.db["articles"].rows if "pw@" in row["url"] or "token=t" in row["url"]
        ]
        binary = Path(folder / "junk.jsonl")
        binary.write_bytes(junk)
        try:
            ingest_file(store, binary)
        except IngestError as error:
            assert str(error).startswith(f"{binary}: ")
    finally:
        store.db.conn.close()
