"""Synthetic news articles of real size for the benchmarks, deterministic for a seed.

Each article is 600 to 900 words of the demo corpus's sentences (demo/content), or 400 to 650 for a wire
story (``words=WIRE_WORDS``), a fifth from one story and the rest from any, in paragraphs of two to four
sentences, with its numbers changed so that no two texts are the same; about one in a thousand is stored
as a near-duplicate of another, as syndication does.

>>> articles = synthetic_articles(2)
>>> 600 <= len(articles[0].text.split()) <= 950
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from demo.build import load_stories
from pipeline.store import ArticleRecord

SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])")
NUMBER = re.compile(r"\b\d{2,3}\b(?!-)")
FIRST_NAMES = "Aiko Daniel Maria Budi Linh Marco Sarah Kenji Putri Hannah Tomasz Elena".split()
LAST_NAMES = "Tanaka Okafor Rossi Santoso Nguyen Becker Moreau Silva Kowalski Haddad Lindqvist Park".split()
SECTIONS = "Business Markets Technology Policy Trade Economy World Companies".split()


@dataclass
class SyntheticArticle:
    slug: str
    title: str
    standfirst: str
    author: str
    section: str
    published: datetime
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return self.standfirst + "\n" + "\n".join(self.paragraphs)

    def record(self, base_url: str = "https://bench.example", source: str = "bench") -> ArticleRecord:
        return ArticleRecord(
            url=f"{base_url}/{self.slug}.html",
            source=source,
            title=self.title,
            text=self.text,
            published_at=self.published.isoformat(),
            language="en",
        )


@lru_cache(maxsize=1)
def _story_sentences() -> list[tuple[str, list[str]]]:
    """(title, sentences) of every demo story that is long enough to draw from."""
    stories = []
    for story in load_stories():
        paragraphs = [p for p in story.body.split("\n\n") if p.strip() and not p.startswith("## ")]
        sentences = [s for p in paragraphs for s in SENTENCE_END.split(" ".join(p.split())) if s]
        stories.append((story.meta["title"], sentences))
    return stories


def _vary_numbers(sentence: str, rng: random.Random) -> str:
    return NUMBER.sub(lambda m: str(max(2, int(m.group()) + rng.randint(-9, 9))), sentence)


# Words per article: a feature or analysis piece. WIRE_WORDS: a wire story, the bulk of a news feed.
REAL_WORDS = (620, 880)
WIRE_WORDS = (400, 640)


def synthetic_article(number: int, seed: int = 11, words: tuple[int, int] = REAL_WORDS) -> SyntheticArticle:
    """Article ``number`` of the stream for ``seed``: the same arguments always give the same article."""
    rng = random.Random(seed * 1_000_003 + number)
    stories = _story_sentences()
    title, own = stories[rng.randrange(len(stories))]
    target = rng.randint(*words)
    sentences: list[str] = []
    length = 0
    while length < target:
        pool = own if rng.random() < 0.2 else stories[rng.randrange(len(stories))][1]
        sentence = _vary_numbers(pool[rng.randrange(len(pool))], rng)
        sentences.append(sentence)
        length += len(sentence.split())
    paragraphs = []
    while sentences:
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[:size]))
        sentences = sentences[size:]
    published = datetime(2022, 1, 1, 6) + timedelta(days=rng.randrange(1200), minutes=rng.randrange(900))
    return SyntheticArticle(
        slug=f"{published:%Y/%m}/story-{number:06d}",
        title=f"{title} ({number})",
        standfirst=paragraphs.pop(0),
        author=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        section=rng.choice(SECTIONS),
        published=published,
        paragraphs=paragraphs,
    )


def synthetic_articles(
    count: int, seed: int = 11, start: int = 0, words: tuple[int, int] = REAL_WORDS
) -> list[SyntheticArticle]:
    return [synthetic_article(n, seed, words) for n in range(start, start + count)]


def synthetic_records(
    count: int, seed: int = 11, start: int = 0, words: tuple[int, int] = REAL_WORDS
) -> list[ArticleRecord]:
    return [article.record() for article in synthetic_articles(count, seed, start, words)]
