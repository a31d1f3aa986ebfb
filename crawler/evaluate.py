"""Evaluate `extract_article` against gold: main-text precision and recall, titles, dates, skips.

    python -m crawler.evaluate

Gold pages are the demo site's (demo/site, truth in tests/fixtures/gold/articles.json and demo/content)
and our own extra fixtures (tests/fixtures/extraction/NAME.html with NAME.json: url, title, published,
text, or skip). Text scores compare bags of words: precision = shared words / extracted words,
recall = shared words / gold words, summed over all pages (micro-averaged).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from crawler.extract import extract_article
from pipeline.dedup import normalized_words

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "demo" / "site"
GOLD = ROOT / "tests" / "fixtures" / "gold" / "articles.json"
FIXTURES = ROOT / "tests" / "fixtures" / "extraction"


@dataclass
class GoldPage:
    name: str
    url: str
    html: bytes
    is_article: bool
    title: str | None = None
    published: str | None = None
    text: str | None = None


@dataclass
class PageScore:
    name: str
    shared: int
    extracted: int
    gold: int
    title_ok: bool
    date_ok: bool
    skip_ok: bool
    detail: str = ""


def demo_gold_pages() -> list[GoldPage]:
    from demo.build import load_stories

    stories = {s.outlet.domain + s.path: s for s in load_stories()}
    pages = []
    for row in json.loads(GOLD.read_text(encoding="utf-8")):
        file = SITE / row["page"]
        if row["kind"] == "missing":
            continue
        url = "https://" + row["page"].removesuffix("index.html")
        if row["kind"] in ("index", "about"):
            pages.append(GoldPage(row["page"], url, file.read_bytes(), False))
            continue
        story = stories[row["page"]]
        text = story.meta["standfirst"] + "\n" + story.body.replace("## ", "")
        pages.append(
            GoldPage(row["page"], url, file.read_bytes(), True, row["title"], row["published"], text)
        )
    return pages


def fixture_gold_pages(folder: Path = FIXTURES) -> list[GoldPage]:
    pages = []
    for gold_file in sorted(folder.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        html = gold_file.with_suffix(".html").read_bytes()
        is_article = not gold.get("skip")
        pages.append(
            GoldPage(
                gold_file.stem,
                gold["url"],
                html,
                is_article,
                gold.get("title"),
                gold.get("published"),
                gold.get("text"),
            )
        )
    return pages


def score_page(page: GoldPage) -> PageScore:
    article = extract_article(page.html, page.url)
    if not page.is_article:
        return PageScore(
            page.name, 0, 0, 0, True, True, not article.is_article, article.skip_reason or "stored"
        )
    extracted = Counter(normalized_words(article.text))
    gold = Counter(normalized_words(page.text or ""))
    shared = sum((extracted & gold).values())
    published = article.published.isoformat() if article.published else None
    date_ok = published is not None and page.published is not None and _same_moment(published, page.published)
    return PageScore(
        page.name,
        shared,
        sum(extracted.values()),
        sum(gold.values()),
        article.title == page.title,
        date_ok,
        article.is_article,
        "" if article.is_article else f"skipped: {article.skip_reason}",
    )


def _same_moment(found: str, expected: str) -> bool:
    """Equal instants, or equal days when the page only gives a day."""
    from datetime import datetime

    found_dt, expected_dt = datetime.fromisoformat(found), datetime.fromisoformat(expected)
    if found_dt.tzinfo is None or expected_dt.tzinfo is None:
        return found_dt.date() == expected_dt.date()
    return found_dt == expected_dt


@dataclass
class Summary:
    precision: float
    recall: float
    title_accuracy: float
    date_accuracy: float
    skip_accuracy: float
    articles: int
    non_articles: int


def summarize(scores: list[PageScore]) -> Summary:
    articles = [s for s in scores if s.gold]
    others = [s for s in scores if not s.gold]
    shared = sum(s.shared for s in articles)
    return Summary(
        precision=shared / max(1, sum(s.extracted for s in articles)),
        recall=shared / max(1, sum(s.gold for s in articles)),
        title_accuracy=sum(s.title_ok for s in articles) / max(1, len(articles)),
        date_accuracy=sum(s.date_ok for s in articles) / max(1, len(articles)),
        skip_accuracy=sum(s.skip_ok for s in scores) / max(1, len(scores)),
        articles=len(articles),
        non_articles=len(others),
    )


def evaluate() -> tuple[list[PageScore], Summary]:
    scores = [score_page(page) for page in demo_gold_pages() + fixture_gold_pages()]
    return scores, summarize(scores)


def main() -> int:
    scores, summary = evaluate()
    print(f"{'page':70} {'P':>6} {'R':>6} title date kind")
    for s in scores:
        if s.gold:
            p, r = s.shared / max(1, s.extracted), s.shared / max(1, s.gold)
            flags = f"{'ok' if s.title_ok else 'BAD':5} {'ok' if s.date_ok else 'BAD':4} {'ok' if s.skip_ok else 'BAD'}"
            print(f"{s.name[:70]:70} {p:6.3f} {r:6.3f} {flags} {s.detail}")
        else:
            print(f"{s.name[:70]:70} {'':6} {'':6} {'':10} {'ok' if s.skip_ok else 'BAD'} ({s.detail})")
    print(
        f"\n{summary.articles} articles, {summary.non_articles} non-articles: "
        f"main text precision {summary.precision:.3f}, recall {summary.recall:.3f}; "
        f"titles {summary.title_accuracy:.3f}, dates {summary.date_accuracy:.3f}, "
        f"article/non-article {summary.skip_accuracy:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
