"""The article store: batched upserts with dedup, crawl bookkeeping and conditional-fetch state."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from pipeline.dedup import (
    MIN_WORDS_FOR_NEAR_DUPLICATE,
    NearDuplicateIndex,
    content_hash,
    minhash_of,
    signature_from_bytes,
    signature_to_bytes,
)
from pipeline.schema import open_database
from pipeline.urls import article_id, canonicalize_url, redact_text, redact_url

logger = logging.getLogger(__name__)

# A page that failed this many times is given up until someone resets it.
MAX_ATTEMPTS = 3
# Page states after which the crawler never fetches the URL again.
SETTLED_PAGE_STATES = ("article", "duplicate", "skipped")
# HTTP statuses that say a page is gone for good: given up at once instead of after MAX_ATTEMPTS crawls.
GONE_STATUSES = (410,)


def stored_url(url: str) -> str:
    """The form a URL is stored and looked up in: canonical, without credentials (see ``redact_url``)."""
    return redact_url(canonicalize_url(url))


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime (naive ones taken as UTC), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass
class ArticleRecord:
    """One article as it enters the store, from the crawler or from `timeline ingest`."""

    url: str
    source: str
    text: str
    title: str | None = None
    canonical_url: str | None = None
    published_at: str | None = None
    published_from: str | None = None
    language: str | None = None
    author: str | None = None
    fetched_at: str = field(default_factory=utc_now)


@dataclass
class AddOutcome:
    """What the store made of one record: ``new``, ``copy`` (stored, duplicate_of set) or ``known``."""

    status: str
    article_id: str
    url: str
    duplicate_of: str | None = None
    reason: str | None = None
    similarity: float | None = None


class Store:
    """The article side of the database.

    >>> store = Store(":memory:")
    >>> store.add_articles([ArticleRecord(url="https://a.example/x", source="a", text="Hello")])[0].status
    'new'
    """

    def __init__(self, db: str | Path | sqlite_utils.Database) -> None:
        self.db = db if isinstance(db, sqlite_utils.Database) else open_database(db)
        self._near_duplicates: NearDuplicateIndex | None = None

    # -- articles -------------------------------------------------------------------------------

    def _index(self) -> NearDuplicateIndex:
        if self._near_duplicates is None:
            index = NearDuplicateIndex()
            rows = self.db.execute("select article_id, minhash from article_signatures")
            index.add_all((key, signature_from_bytes(blob)) for key, blob in rows)
            self._near_duplicates = index
        return self._near_duplicates

    def _root(self, key: str) -> dict:
        """The original that ``key`` is a copy of (or ``key``'s own row)."""
        row = self.db["articles"].get(key)
        seen = {key}
        while row["duplicate_of"] and row["duplicate_of"] not in seen:
            seen.add(row["duplicate_of"])
            row = self.db["articles"].get(row["duplicate_of"])
        return row

    def add_articles(
        self, records: Iterable[ArticleRecord], crawl_run_id: int | None = None
    ) -> list[AddOutcome]:
        """Store ``records`` in one transaction, deduplicating against the store and each other."""
        outcomes = []
        with self.db.atomic():
            for record in records:
                outcomes.append(self._add_one(record, crawl_run_id))
        return outcomes

    def _add_one(self, record: ArticleRecord, crawl_run_id: int | None) -> AddOutcome:
        canonical = stored_url(record.canonical_url or record.url)
        key = article_id(canonical)
        articles = self.db["articles"]
        existing = self.db.execute(
            "select id from articles where id = ? or canonical_url = ?", [key, canonical]
        ).fetchone()
        if existing:
            return AddOutcome("known", existing[0], record.url, existing[0], "same canonical URL")

        text_hash = content_hash(record.text)
        word_count = len(record.text.split())
        signature = minhash_of(record.text)
        match: tuple[str, str, float | None] | None = None  # (stored id, reason, similarity)
        same_text = self.db.execute(
            "select id from articles where content_hash = ? order by id limit 1", [text_hash]
        ).fetchone()
        if same_text:
            match = (same_text[0], "same text", 1.0)
        elif word_count >= MIN_WORDS_FOR_NEAR_DUPLICATE:
            near = self._index().matches(signature)
            if near:
                match = (near[0][0], "near duplicate", round(near[0][1], 3))

        duplicate_of = None
        if match:
            original = self._root(match[0])
            mine = parse_timestamp(record.published_at)
            theirs = parse_timestamp(original["published_at"])
            if mine is not None and (theirs is None or mine < theirs):
                # The new record was published first: it becomes the original of the whole group.
                self.db.execute(
                    "update articles set duplicate_of = ?, duplicate_reason = ?, duplicate_similarity = ?"
                    " where id = ? or duplicate_of = ?",
                    [key, match[1], match[2], original["id"], original["id"]],
                )
            else:
                duplicate_of = original["id"]

        articles.insert(
            {
                "id": key,
                "url": redact_url(record.url),
                "canonical_url": canonical,
                "source": record.source,
                "title": record.title,
                "published_at": record.published_at,
                "published_from": record.published_from,
                "language": record.language,
                "author": record.author,
                "text": record.text,
                "word_count": word_count,
                "content_hash": text_hash,
                "duplicate_of": duplicate_of,
                "duplicate_reason": match[1] if duplicate_of else None,
                "duplicate_similarity": match[2] if duplicate_of else None,
                "fetched_at": record.fetched_at,
                "crawl_run_id": crawl_run_id,
            }
        )
        self.db["article_signatures"].insert({"article_id": key, "minhash": signature_to_bytes(signature)})
        self._index().add(key, signature)
        if match:
            return AddOutcome("copy", key, record.url, duplicate_of or original["id"], match[1], match[2])
        return AddOutcome("new", key, record.url)

    # -- crawl pages ------------------------------------------------------------------------------

    def is_settled(self, url: str) -> bool:
        """Whether the crawler is done with ``url``: stored, judged a non-article, or given up on."""
        canonical = stored_url(url)
        if self.db.execute("select 1 from articles where canonical_url = ?", [canonical]).fetchone():
            return True
        row = self.db.execute(
            "select status, attempts from crawl_pages where url = ?", [canonical]
        ).fetchone()
        if row is None:
            return False
        status, attempts = row
        return status in SETTLED_PAGE_STATES or (status == "error" and (attempts or 0) >= MAX_ATTEMPTS)

    def pages_to_retry(self, source: str) -> list[str]:
        """URLs of ``source`` that failed before and have attempts left."""
        rows = self.db.execute(
            "select url from crawl_pages where source = ? and status = 'error' and attempts < ? order by url",
            [source, MAX_ATTEMPTS],
        )
        return [url for (url,) in rows]

    def record_pages(self, pages: Iterable[dict], crawl_run_id: int | None = None) -> None:
        """Remember what became of crawled URLs (dicts with url, source, status, reason, http_status)."""
        now = utc_now()
        with self.db.atomic():
            for page in pages:
                url = stored_url(page["url"])
                previous = self.db.execute(
                    "select attempts, first_seen from crawl_pages where url = ?", [url]
                ).fetchone()
                attempts = (previous[0] or 0) if previous else 0
                if page["status"] == "error":
                    gone = page.get("http_status") in GONE_STATUSES
                    attempts = max(attempts + 1, MAX_ATTEMPTS if gone else 0)
                self.db["crawl_pages"].upsert(
                    {
                        "url": url,
                        "source": page.get("source"),
                        "status": page["status"],
                        "reason": page.get("reason"),
                        "http_status": page.get("http_status"),
                        "article_id": page.get("article_id"),
                        "attempts": attempts,
                        "first_seen": previous[1] if previous else now,
                        "last_fetched": now,
                        "crawl_run_id": crawl_run_id,
                    },
                    pk="url",
                )

    # -- conditional fetches ----------------------------------------------------------------------

    def validators(self, url: str) -> dict[str, str]:
        """The ETag / Last-Modified stored for ``url``, as request headers."""
        row = self.db.execute(
            "select etag, last_modified from fetch_state where url = ?", [redact_url(url)]
        ).fetchone()
        headers = {}
        if row and row[0]:
            headers["If-None-Match"] = row[0]
        if row and row[1]:
            headers["If-Modified-Since"] = row[1]
        return headers

    def known_entries(self, source: str, kind: str) -> list[str]:
        """Entry URLs (feeds, sitemaps, start pages) of ``source`` fetched before, such as child sitemaps."""
        rows = self.db.execute(
            "select url from fetch_state where source = ? and kind = ? order by url", [source, kind]
        )
        return [url for (url,) in rows]

    def save_validators(self, states: Iterable[dict]) -> None:
        with self.db.atomic():
            for state in states:
                state = {**state, "url": redact_url(state["url"]), "fetched_at": utc_now()}
                self.db["fetch_state"].upsert(state, pk="url")

    # -- crawl runs -------------------------------------------------------------------------------

    def start_crawl_run(self, sources: Iterable[str]) -> int:
        with self.db.atomic():
            # A run still marked running was killed: writers hold the lock, so none is running now.
            self.db.execute(
                "update crawl_runs set status = 'interrupted', message = 'stopped before it finished'"
                " where status = 'running'"
            )
            table = self.db["crawl_runs"].insert(
                {"started_at": utc_now(), "sources": ", ".join(sources), "status": "running"}
            )
        return int(table.last_pk)

    def finish_crawl_run(self, run_id: int, counts: dict[str, int], status: str, message: str = "") -> dict:
        with self.db.atomic():
            self.db["crawl_runs"].update(
                run_id,
                {**counts, "status": status, "message": redact_text(message), "finished_at": utc_now()},
            )
        return self.db["crawl_runs"].get(run_id)
