from datetime import datetime

import pytest

from crawler.evaluate import demo_gold_pages, evaluate, fixture_gold_pages, score_page
from crawler.extract import decode_html, extract_article

# Floors only go up: raise them when the evaluation improves (python -m crawler.evaluate).
FLOORS = {
    "precision": 0.97,
    "recall": 0.97,
    "title_accuracy": 1.0,
    "date_accuracy": 1.0,
    "skip_accuracy": 1.0,
}


def test_extraction_quality_floors():
    scores, summary = evaluate()
    assert summary.articles >= 40 and summary.non_articles >= 13
    for name, floor in FLOORS.items():
        assert getattr(summary, name) >= floor, (
            name,
            getattr(summary, name),
            [s for s in scores if not s.skip_ok],
        )


@pytest.mark.parametrize("page", demo_gold_pages() + fixture_gold_pages(), ids=lambda p: p.name)
def test_each_gold_page(page):
    score = score_page(page)
    assert score.skip_ok, score.detail
    if page.is_article:
        assert score.title_ok and score.date_ok
        assert score.shared / score.gold >= 0.9


def test_windows_1252_page_is_decoded(gold_articles):
    row = next(r for r in gold_articles if r.get("encoding") == "windows-1252")
    from crawler.evaluate import SITE

    raw = (SITE / row["page"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = extract_article(raw, "https://" + row["page"])
    assert "€" in article.text and "’" in article.text
    assert article.title == row["title"]


def test_tracking_parameters_leave_the_canonical_url():
    html = (
        '<html><head><link rel="canonical" href="/news/a.html?utm_source=x&page=2#top"></head><body>'
        + "<article><h1>T</h1>"
        + "<p>Words of a short article that keeps going for a while so it counts as one.</p>" * 8
        + "</article></body></html>"
    )
    article = extract_article(html, "https://example.com/news/a.html?utm_medium=feed")
    assert article.canonical_url == "https://example.com/news/a.html?page=2"


def test_date_sources_in_order_of_trust():
    body = "<article><p>" + "A sentence about the market that carries on. " * 20 + "</p></article>"
    page = (
        '<html><head><meta property="article:published_time" content="2024-05-02T08:00:00+02:00">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H",'
        ' "datePublished": "2024-05-01T09:30:00+09:00", "dateModified": "2024-06-01"}</script>'
        f"</head><body>{body}</body></html>"
    )
    article = extract_article(page, "https://example.com/x")
    assert article.published == datetime.fromisoformat("2024-05-01T09:30:00+09:00")
    assert article.published_from == "json-ld"


def test_broken_html_and_empty_pages_do_not_raise():
    assert not extract_article(b"", "https://example.com/empty").is_article
    assert not extract_article("<html><body><p>unclosed <div><table>", "https://example.com/b").is_article
    assert decode_html(b"\xef\xbb\xbfhello") == "hello"
    article = extract_article(b"\x00\x01\x02 binary junk \xff\xfe", "https://example.com/bin")
    assert not article.is_article and article.skip_reason
