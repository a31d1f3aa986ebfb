"""The article store: batched upserts with dedup, crawl bookkeeping and conditional-fetch state."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

from pipeline.dedup import (
    MIN_WORDS_FOR_NEAR_DUPLICATE,
    NUM_PERM,
    NearDuplicateIndex,
    fingerprint,
    signature_to_bytes,
    signatures_from_blobs,
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


_ARTICLE_COLUMNS = (
    "id, url, canonical_url, source, title, published_at, published_from, language, author, text,"
    " word_count, content_hash, duplicate_of, duplicate_reason, duplicate_similarity, fetched_at, crawl_run_id"
)
_INSERT_ARTICLES = f"insert into articles ({_ARTICLE_COLUMNS}) values "
_INSERT_SIGNATURES = "insert into article_signatures (article_id, minhash) values "
# Rows per insert statement. The full-text index takes in a statement's rows at its end: one statement
# of many rows costs a third of as many one-row statements. A few fixed sizes keep the statements in
# sqlite3's cache; the last rows of a batch (fewer than the smallest size) go in one by one.
_STATEMENT_ROWS = (64, 16, 4)
# Parameters per lookup query: under SQLite's smallest limit on host parameters (999).
_LOOKUP_CHUNK = 400


@lru_cache(maxsize=32)
def _insert_statement(insert: str, width: int, rows: int) -> str:
    return insert + ", ".join(["(" + ", ".join("?" * width) + ")"] * rows)


def insert_rows(connection: sqlite3.Connection, insert: str, rows: list[tuple]) -> None:
    """Run ``insert`` (``insert into t (columns) values ``) for ``rows``, many rows per statement."""
    if not rows:
        return
    width, limit = len(rows[0]), connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    done = 0
    for size in _STATEMENT_ROWS:
        if size * width > limit:
            continue
        statement = _insert_statement(insert, width, size)
        while len(rows) - done >= size:
            connection.execute(statement, [value for row in rows[done : done + size] for value in row])
            done += size
    connection.executemany(_insert_statement(insert, width, 1), rows[done:])


class _Batch:
    """One ``add_articles`` call: what the store holds is read once for the whole batch, then each record
    is judged in order against it and the records before it, and the rows are written together."""

    def __init__(self, store: Store, records: list[ArticleRecord], crawl_run_id: int | None) -> None:
        self.store, self.records, self.crawl_run_id = store, records, crawl_run_id
        self.canonicals = [stored_url(r.canonical_url or r.url) for r in records]
        self.keys = [article_id(c) for c in self.canonicals]
        self.fingerprints = [fingerprint(r.text) for r in records]
        self.buckets: np.ndarray | None = None  # the index's bucket keys of every signature, when needed
        self.known: dict[str, str] = {}  # id or canonical URL -> id of the stored row
        self.first_with_hash: dict[str, str] = {}  # content hash -> smallest id with that hash
        self.pending: list[tuple] = []
        self.pending_signatures: list[tuple[str, bytes]] = []
        self._look_up()

    def _look_up(self) -> None:
        db = self.store.db
        wanted = sorted(set(self.keys) | set(self.canonicals))
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            part = wanted[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" * len(part))
            query = (
                f"select id, canonical_url from articles where id in ({marks}) or canonical_url in ({marks})"
            )
            for key, canonical in db.execute(query, part + part):
                self.known[key] = key
                self.known[canonical] = key
        hashes = sorted({text_hash for text_hash, _ in self.fingerprints})
        for start in range(0, len(hashes), _LOOKUP_CHUNK):
            part = hashes[start : start + _LOOKUP_CHUNK]
            query = (
                "select content_hash, min(id) from articles"
                f" where content_hash in ({', '.join('?' * len(part))}) group by content_hash"
            )
            self.first_with_hash.update(db.execute(query, part))

    def flush(self) -> None:
        """Write the rows judged so far (before a group handover reads and updates stored rows)."""
        if self.pending:
            insert_rows(self.store.db.conn, _INSERT_ARTICLES, self.pending)
            insert_rows(self.store.db.conn, _INSERT_SIGNATURES, self.pending_signatures)
            self.pending, self.pending_signatures = [], []

    def add(self, n: int) -> AddOutcome:
        record, canonical, key = self.records[n], self.canonicals[n], self.keys[n]
        stored = self.known.get(key) or self.known.get(canonical)
        if stored:
            return AddOutcome("known", stored, record.url, stored, "same canonical URL")
        text_hash, signature = self.fingerprints[n]
        word_count = len(record.text.split())
        index = self.store._index()  # loaded the first time a record is not known by its URL
        if self.buckets is None:
            signatures = np.array([values for _, values in self.fingerprints])
            self.buckets = index.bucket_keys(signatures.reshape(len(self.records), NUM_PERM))
        buckets = self.buckets[n]
        match: tuple[str, str, float | None] | None = None  # (stored id, reason, similarity)
        same_text = self.first_with_hash.get(text_hash)
        if same_text:
            match = (same_text, "same text", 1.0)
        elif word_count >= MIN_WORDS_FOR_NEAR_DUPLICATE:
            near = index.matches(signature, buckets)
            if near:
                match = (near[0][0], "near duplicate", round(near[0][1], 3))

        duplicate_of = original = None
        if match:
            self.flush()
            original, theirs = self.store._root(match[0])
            mine = parse_timestamp(record.published_at)
            if mine is not None and (parse_timestamp(theirs) is None or mine < parse_timestamp(theirs)):
                # The new record was published first: it becomes the original of the whole group.
                self.store.db.execute(
                    "update articles set duplicate_of = ?, duplicate_reason = ?, duplicate_similarity = ?"
                    " where id = ? or duplicate_of = ?",
                    [key, match[1], match[2], original, original],
                )
            else:
                duplicate_of = original

        # Ingested fields may be any JSON value: stored as sqlite-utils stores them (objects as JSON text).
        source, title, published_at, published_from, language, author, fetched_at = map(
            jsonify_if_needed,
            (record.source, record.title, record.published_at, record.published_from, record.language,
             record.author, record.fetched_at),
        )  # fmt: skip
        self.pending.append(
            (
                key, redact_url(record.url), canonical, source, title, published_at, published_from, language,
                author, record.text, word_count, text_hash, duplicate_of, match[1] if duplicate_of else None,
                match[2] if duplicate_of else None, fetched_at, self.crawl_run_id,
            )
        )  # fmt: skip
        self.pending_signatures.append((key, signature_to_bytes(signature)))
        self.known[key] = self.known[canonical] = key
        if text_hash not in self.first_with_hash or key < self.first_with_hash[text_hash]:
            self.first_with_hash[text_hash] = key
        index.add(key, signature, buckets)
        if match:
            return AddOutcome("copy", key, record.url, duplicate_of or original, match[1], match[2])
        return AddOutcome("new", key, record.url)


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
            cursor = self.db.execute("select article_id, minhash from article_signatures")
            keys: list[str] = []
            parts = [signatures_from_blobs([])]
            while rows := cursor.fetchmany(10_000):  # a part at a time: the blobs are 1 KB each
                keys += [key for key, _ in rows]
                parts.append(signatures_from_blobs([blob for _, blob in rows]))
            index.add_many(keys, np.concatenate(parts))
            self._near_duplicates = index
        return self._near_duplicates

    def _root(self, key: str) -> tuple[str, str | None]:
        """(id, published_at) of the original that ``key`` is a copy of (or ``key``'s own)."""
        query = "select id, duplicate_of, published_at from articles where id = ?"
        row = self.db.execute(query, [key]).fetchone()
        seen = {key}
        while row[1] and row[1] not in seen:
            seen.add(row[1])
            row = self.db.execute(query, [row[1]]).fetchone()
        return row[0], row[2]

    def add_articles(
        self, records: Iterable[ArticleRecord], crawl_run_id: int | None = None
    ) -> list[AddOutcome]:
        """Store ``records`` in one transaction, deduplicating against the store and each other.

        Each record is judged as if the ones before it were stored already; the store is asked once per
        batch which URLs and texts it holds, and the rows go in with one ``executemany`` per table.
        """
        batch = _Batch(self, list(records), crawl_run_id)
        with self.db.atomic():
            outcomes = [batch.add(n) for n in range(len(batch.records))]
            batch.flush()
        return outcomes

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
