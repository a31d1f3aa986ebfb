"""`timeline process`: run the NLP stage over stored articles and store what it finds.

Articles not yet processed by the current extractor version (``nlp.analyze.EXTRACTOR_VERSION``), or all
of them with ``reprocess``, go through spaCy in batches; each chunk of articles is written in one
transaction (its old mentions and candidates replaced), so an interrupted run loses at most one chunk and
the next run picks up the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from nlp.analyze import EXTRACTOR_VERSION, Analysis, analyze_texts
from nlp.markets import market_info
from pipeline.store import utc_now

CHUNK_SIZE = 200
# From this many articles on, spaCy parses in several processes.
MULTIPROCESS_FROM = 1000
NLP_TABLES = ("entity_mentions", "date_mentions", "market_mentions", "event_candidates")


@dataclass
class ProcessResult:
    articles: int = 0
    entities: int = 0
    dates: int = 0
    markets: int = 0
    candidates: int = 0


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
        if key not in self.cache:
            self.cache[key] = self.db["entities"].lookup({"name": name, "label": label})
        return self.cache[key]


def _rows(
    article_id: str, published_at: str | None, analysis: Analysis, entity_id: EntityIds
) -> dict[str, list]:
    rows: dict[str, list] = {name: [] for name in NLP_TABLES}
    for entity in analysis.entities:
        rows["entity_mentions"].append(
            {
                "article_id": article_id,
                "char_start": entity.start,
                "char_end": entity.end,
                "entity_id": entity_id(entity.name, entity.label),
                "text": entity.text,
            }
        )
    for mention in analysis.dates:
        rows["date_mentions"].append(
            {
                "article_id": article_id,
                "char_start": mention.start,
                "char_end": mention.end,
                "text": mention.text,
                "value": mention.value,
                "precision": mention.precision,
                "date_end": mention.date_end,
                "mod": mention.mod,
            }
        )
    for market in analysis.markets:
        rows["market_mentions"].append(
            {
                "article_id": article_id,
                "char_start": market.start,
                "market_code": market.code,
                "char_end": market.end,
                "text": market.text,
            }
        )
    for candidate in analysis.candidates:
        rows["event_candidates"].append(
            {
                "id": candidate_id(article_id, candidate.sentence_start, candidate.date.start),
                "article_id": article_id,
                "sentence": candidate.sentence,
                "char_start": candidate.sentence_start,
                "char_end": candidate.sentence_end,
                "date_text": candidate.date.text,
                "date_char_start": candidate.date.start,
                "event_date": candidate.date.value,
                "date_precision": candidate.date.precision,
                "date_end": candidate.date.date_end,
                "date_mod": candidate.date.mod,
                "date_from": candidate.date_from,
                "event_type": candidate.event_type,
                "trigger": candidate.trigger,
                "actors": json.dumps(candidate.actors, ensure_ascii=False),
                "markets": json.dumps(candidate.markets),
                "confidence": candidate.confidence,
                "published_at": published_at,
            }
        )
    return rows


def _write_markets(db: sqlite_utils.Database, codes: set[str]) -> None:
    known = {row[0] for row in db.execute("select code from markets")}
    rows = [info.__dict__ for code in sorted(codes - known) if (info := market_info(code))]
    if rows:
        db["markets"].insert_all(rows, pk="code", ignore=True)


def process_articles(
    db: sqlite_utils.Database,
    reprocess: bool = False,
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ProcessResult:
    """Process pending articles (all with ``reprocess``); ``progress(done, total)`` after each chunk."""
    ids = pending_articles(db, reprocess)
    if processes is None:
        processes = min(os.cpu_count() or 1, 4) if len(ids) >= MULTIPROCESS_FROM else 1
    result = ProcessResult()
    entity_id = EntityIds(db)
    for offset in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[offset : offset + CHUNK_SIZE]
        placeholders = ", ".join("?" * len(chunk))
        articles = list(
            db.execute(
                f"select id, text, published_at from articles where id in ({placeholders}) order by id", chunk
            )
        )
        analyses = analyze_texts(
            ((text, local_time(published)) for _, text, published in articles), n_process=processes
        )
        with db.atomic():
            rows: dict[str, list] = {name: [] for name in NLP_TABLES}
            for (article_id, _, published), analysis in zip(articles, analyses, strict=True):
                for name, table_rows in _rows(article_id, published, analysis, entity_id).items():
                    rows[name] += table_rows
            _write_markets(db, {row["market_code"] for row in rows["market_mentions"]})
            for name in NLP_TABLES:
                db.execute(f"delete from {name} where article_id in ({placeholders})", chunk)
                db[name].insert_all(rows[name], batch_size=500)
            db.execute(
                f"update articles set nlp_version = ?, processed_at = ? where id in ({placeholders})",
                [EXTRACTOR_VERSION, utc_now(), *chunk],
            )
        result.articles += len(articles)
        result.entities += len(rows["entity_mentions"])
        result.dates += len(rows["date_mentions"])
        result.markets += len(rows["market_mentions"])
        result.candidates += len(rows["event_candidates"])
        if progress:
            progress(result.articles, len(ids))
    return result
