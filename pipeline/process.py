"""`timeline process`: run the NLP stage over stored articles and store what it finds.

Articles not yet processed by the current extractor version (``nlp.analyze.EXTRACTOR_VERSION``), or all
of them with ``reprocess``, go through spaCy in batches; each chunk of articles is written in one
transaction (its old mentions and candidates replaced), so an interrupted run loses at most one chunk and
the next run picks up the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from nlp.analyze import EXTRACTOR_VERSION, Analysis, analyze_texts
from nlp.markets import market_info
from nlp.model import ModelNotInstalled, load_model
from pipeline.store import utc_now
from pipeline.workers import default_processes, worker_pool

# Articles read and written per transaction.
CHUNK_SIZE = 200
# Articles per task of a worker process: one nlp.pipe batch, so that the workers share a chunk evenly and
# finish a run together (the last task, run while the other worker may be idle, is short).
TASK_SIZE = 8
# Texts per nlp.pipe batch. Measured on 800-word articles with en_core_web_sm: 8, 16 and 32 parse at the
# same speed (within noise), but a process peaks at about 330 MB with 8, 450 MB with 16, 710 MB with 32.
BATCH_SIZE = 8
# From this many articles on, articles are analysed in several worker processes (parse and analysis both);
# below it, starting the workers (each loads the model) costs more than it saves.
MULTIPROCESS_FROM = 200
NLP_TABLES = ("entity_mentions", "date_mentions", "market_mentions", "event_candidates")


@dataclass
class ProcessResult:
    articles: int = 0
    entities: int = 0
    dates: int = 0
    markets: int = 0
    candidates: int = 0
    # Articles the analysis broke on, with the reason: stored as processed with nothing found (a later
    # extractor version reads them again), so one odd text neither stops a run nor every run after it.
    failed: list[tuple[str, str]] = field(default_factory=list)
    truncated: list[tuple[str, int]] = field(default_factory=list)  # articles read only in part, their length


def local_time(published_at: str | None) -> datetime | None:
    """The publication time as the publisher wrote it: relative dates count days where it was published."""
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at)
    except ValueError:
        return None


def pending_articles(db: sqlite_utils.Database, reprocess: bool = False) -> list[str]:
    where = "" if reprocess else "where nlp_version is null or nlp_version != ?"
    params = [] if reprocess else [EXTRACTOR_VERSION]
    return [row[0] for row in db.execute(f"select id from articles {where} order by id", params)]


def candidate_id(article_id: str, sentence_start: int, date_start: int) -> str:
    return hashlib.sha1(f"{article_id}:{sentence_start}:{date_start}".encode()).hexdigest()[:16]


class EntityIds:
    """``entities`` rows by (name, label), created on first sight, with a dict cache in front."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.cache: dict[tuple[str, str], int] = {}

    def __call__(self, name: str, label: str) -> int:
        key = (name, label)
        found = self.cache.get(key)
        if found is None:
            row = self.db.execute("select id from entities where name = ? and label = ?", key).fetchone()
            if row:
                found = row[0]
            else:
                found = self.db.execute("insert into entities (name, label) values (?, ?)", key).lastrowid
            self.cache[key] = found
        return found


# The columns of each NLP table, in the order ``_rows`` gives their values.
COLUMNS = {
    "entity_mentions": ("article_id", "char_start", "char_end", "entity_id", "text"),
    "date_mentions": (
        "article_id", "char_start", "char_end", "text", "value", "precision", "date_end", "mod",
    ),
    "market_mentions": ("article_id", "char_start", "market_code", "char_end", "text"),
    "event_candidates": (
        "id", "article_id", "sentence", "char_start", "char_end", "date_text", "date_char_start",
        "event_date", "date_precision", "date_end", "date_mod", "date_from", "event_type", "trigger",
        "actors", "markets", "confidence", "published_at",
    ),
}  # fmt: skip
INSERTS = {
    name: f"insert into {name} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
    for name, columns in COLUMNS.items()
}


def _rows(
    article_id: str, published_at: str | None, analysis: Analysis, entity_id: EntityIds
) -> dict[str, list[tuple]]:
    """The rows of one article's analysis, per table, as tuples in ``COLUMNS`` order."""
    return {
        "entity_mentions": [
            (article_id, e.start, e.end, entity_id(e.name, e.label), e.text) for e in analysis.entities
        ],
        "date_mentions": [
            (article_id, m.start, m.end, m.text, m.value, m.precision, m.date_end, m.mod) for m in analysis.dates
        ],
        "market_mentions": [(article_id, m.start, m.code, m.end, m.text) for m in analysis.markets],
        "event_candidates": [
            (
                candidate_id(article_id, c.sentence_start, c.date.start), article_id, c.sentence,
                c.sentence_start, c.sentence_end, c.date.text, c.date.start, c.date.value, c.date.precision,
                c.date.date_end, c.date.mod, c.date_from, c.event_type, c.trigger,
                json.dumps(c.actors, ensure_ascii=False), json.dumps(c.markets), c.confidence, published_at,
            )
            for c in analysis.candidates
        ],
    }  # fmt: skip


def _write_markets(db: sqlite_utils.Database, codes: set[str]) -> None:
    known = {row[0] for row in db.execute("select code from markets")}
    rows = [info.__dict__ for code in sorted(codes - known) if (info := market_info(code))]
    if rows:
        db["markets"].insert_all(rows, pk="code", ignore=True)


def _read_chunk(db: sqlite_utils.Database, chunk: list[str]) -> list[tuple[str, str, str | None]]:
    placeholders = ", ".join("?" * len(chunk))
    return list(
        db.execute(
            f"select id, text, published_at from articles where id in ({placeholders}) order by id", chunk
        )
    )


def _analyze_items(items: list[tuple[str, str | None]]) -> list[Analysis]:
    """Run in a worker process: parse and analyse (text, published_at) pairs."""
    return list(analyze_texts(((text, local_time(published)) for text, published in items), BATCH_SIZE))


def _load_worker_model() -> None:
    """Load the model as each worker starts, so workers load in parallel; an error surfaces on first use."""
    try:
        load_model()
    except ModelNotInstalled:
        pass


Chunk = list[tuple[str, str, str | None]]


def _analyzed_in_process(chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, list[Analysis]]]:
    for articles in chunks:
        yield articles, _analyze_items([(text, published) for _, text, published in articles])


def _analyzed_in_pool(chunks: Iterator[Chunk], processes: int) -> Iterator[tuple[Chunk, list[Analysis]]]:
    """Chunks analysed by ``processes`` workers (parse and analysis both), in order, one chunk ahead of
    the writes so that the workers never wait for the database; only two chunks are ever in memory."""
    with worker_pool(processes, _load_worker_model) as pool:
        pending: deque[tuple[Chunk, list[Future]]] = deque()
        for articles in chunks:
            items = [(text, published) for _, text, published in articles]
            futures = [
                pool.submit(_analyze_items, items[start : start + TASK_SIZE])
                for start in range(0, len(items), TASK_SIZE)
            ]
            pending.append((articles, futures))
            if len(pending) > 1:
                done, futures = pending.popleft()
                yield done, [analysis for future in futures for analysis in future.result()]
        while pending:
            done, futures = pending.popleft()
            yield done, [analysis for future in futures for analysis in future.result()]


def write_analyses(
    db: sqlite_utils.Database, articles: Chunk, analyses: list[Analysis], entity_id: EntityIds
) -> dict[str, list[tuple]]:
    """Replace the NLP rows of ``articles`` with those of their ``analyses``, in one transaction."""
    chunk = [article_id for article_id, _, _ in articles]
    placeholders = ", ".join("?" * len(chunk))
    with db.atomic():
        rows: dict[str, list[tuple]] = {name: [] for name in NLP_TABLES}
        for (article_id, _, published), analysis in zip(articles, analyses, strict=True):
            for name, table_rows in _rows(article_id, published, analysis, entity_id).items():
                rows[name] += table_rows
        market_code = COLUMNS["market_mentions"].index("market_code")
        _write_markets(db, {row[market_code] for row in rows["market_mentions"]})
        for name in NLP_TABLES:
            db.execute(f"delete from {name} where article_id in ({placeholders})", chunk)
            db.conn.executemany(INSERTS[name], rows[name])
        db.execute(
            f"update articles set nlp_version = ?, processed_at = ? where id in ({placeholders})",
            [EXTRACTOR_VERSION, utc_now(), *chunk],
        )
    return rows


def process_articles(
    db: sqlite_utils.Database,
    reprocess: bool = False,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ProcessResult:
    """Process pending articles (all with ``reprocess``); ``progress(done, total)`` after each chunk.

    Articles are read, analysed and written one chunk at a time, so memory stays flat in their number.
    """
    ids = pending_articles(db, reprocess)
    if processes is None:
        processes = default_processes() if len(ids) >= MULTIPROCESS_FROM else 1
    processes = max(1, min(processes, -(-len(ids) // TASK_SIZE)))  # no idle workers on small jobs
    result = ProcessResult()
    entity_id = EntityIds(db)
    chunks = (_read_chunk(db, ids[offset : offset + CHUNK_SIZE]) for offset in range(0, len(ids), CHUNK_SIZE))
    analyzed = _analyzed_in_pool(chunks, processes) if processes > 1 else _analyzed_in_process(chunks)
    for articles, analyses in analyzed:
        rows = write_analyses(db, articles, analyses, entity_id)
        for (article_id, _, _), analysis in zip(articles, analyses, strict=True):
            if analysis.error:
                result.failed.append((article_id, analysis.error))
            if analysis.truncated:
                result.truncated.append((article_id, analysis.truncated))
        result.articles += len(articles)
        result.entities += len(rows["entity_mentions"])
        result.dates += len(rows["date_mentions"])
        result.markets += len(rows["market_mentions"])
        result.candidates += len(rows["event_candidates"])
        if progress:
            progress(result.articles, len(ids))
    return result
