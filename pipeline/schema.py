"""The database: tables of the contract in DESIGN.md, created and migrated with sqlite-utils.

The schema version lives in ``PRAGMA user_version``; each migration moves it up by one, so any command can
open an older database and bring it up to date before it writes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import sqlite_utils

SCHEMA_VERSION = 7
DEFAULT_DB = "timeline.db"


def default_db_path() -> str:
    """The database path commands use when none is given: ``$TIMELINE_DB`` or ``timeline.db``."""
    return os.environ.get("TIMELINE_DB") or DEFAULT_DB


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
    db = sqlite_utils.Database(path)
    # Wait for another writer (a crawl and Datasette, or two commands) instead of failing at once.
    db.execute("PRAGMA busy_timeout = 30000")
    try:
        migrate(db)
    except SchemaTooNew as error:
        db.close()
        raise SchemaTooNew(f"{path}: {error}") from None
    return db


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every migration the database has not had yet."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {version} is newer than this Newsline knows ({SCHEMA_VERSION});"
            " upgrade Newsline (the database was left unchanged)"
        )
    for step in range(version, SCHEMA_VERSION):
        with db.atomic():
            MIGRATIONS[step](db)
            db.execute(f"PRAGMA user_version = {step + 1}")
    on_disk = any(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main")
    if on_disk and not db.conn.in_transaction:
        db.enable_wal()


class SchemaTooNew(Exception):
    """The database was written by a newer Newsline."""


def _create_version_1(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": str,
            "url": str,
            "canonical_url": str,
            "source": str,
            "title": str,
            "published_at": str,
            "published_from": str,
            "language": str,
            "author": str,
            "text": str,
            "word_count": int,
            "content_hash": str,
            "duplicate_of": str,
            "duplicate_reason": str,
            "duplicate_similarity": float,
            "fetched_at": str,
            "crawl_run_id": int,
        },
        pk="id",
        not_null={"url", "canonical_url", "source", "text", "content_hash", "fetched_at"},
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db["articles"].create_index(["canonical_url"], unique=True)
    db["articles"].create_index(["content_hash"])
    db["articles"].create_index(["duplicate_of"])
    db["articles"].create_index(["published_at"])
    db["articles"].create_index(["source"])
    db["articles"].enable_fts(["title", "text"], create_triggers=True)

    # MinHash signatures for near-duplicate detection, kept apart so browsing articles stays light.
    db["article_signatures"].create(
        {"article_id": str, "minhash": bytes},
        pk="article_id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    # Every URL the crawler has dealt with, so a second crawl neither refetches nor re-judges it.
    db["crawl_pages"].create(
        {
            "url": str,
            "source": str,
            "status": str,  # article, duplicate, skipped, error
            "reason": str,
            "http_status": int,
            "article_id": str,
            "attempts": int,
            "first_seen": str,
            "last_fetched": str,
            "crawl_run_id": int,
        },
        pk="url",
        not_null={"status"},
        defaults={"attempts": 0},
    )
    db["crawl_pages"].create_index(["status"])
    # Validators of feeds, sitemaps and start pages for conditional requests.
    db["fetch_state"].create(
        {"url": str, "source": str, "kind": str, "etag": str, "last_modified": str, "fetched_at": str},
        pk="url",
    )
    db["crawl_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "sources": str,
            "pages": int,
            "not_modified": int,
            "new_articles": int,
            "duplicates": int,
            "skipped": int,
            "errors": int,
            "status": str,  # running, ok, partial, failed, interrupted
            "message": str,
        },
        pk="id",
        defaults={
            "pages": 0,
            "not_modified": 0,
            "new_articles": 0,
            "duplicates": 0,
            "skipped": 0,
            "errors": 0,
            "status": "running",
        },
    )

    # Filled by `timeline process` (NLP and the event merge); created now so the contract stands whole.
    db["entities"].create({"id": int, "name": str, "label": str}, pk="id", not_null={"name", "label"})
    db["entities"].create_index(["name", "label"], unique=True)
    db["markets"].create({"code": str, "name": str, "kind": str}, pk="code", not_null={"name", "kind"})
    db["events"].create(
        {
            "id": str,
            "event_date": str,
            "date_precision": str,
            "date_end": str,
            "event_type": str,
            "summary": str,
            "confidence": float,
            "importance": float,
            "first_reported": str,
            "mention_count": int,
            "source_count": int,
        },
        pk="id",
    )
    db["events"].create_index(["event_date"])
    db["event_mentions"].create(
        {
            "event_id": str,
            "article_id": str,
            "sentence": str,
            "date_text": str,
            "char_start": int,
            "char_end": int,
        },
        pk=("event_id", "article_id", "char_start"),
        foreign_keys=[("event_id", "events", "id"), ("article_id", "articles", "id")],
    )
    db["event_entities"].create(
        {"event_id": str, "entity_id": int, "role": str},
        pk=("event_id", "entity_id", "role"),
        foreign_keys=[("event_id", "events", "id"), ("entity_id", "entities", "id")],
    )
    db["event_markets"].create(
        {"event_id": str, "market_code": str},
        pk=("event_id", "market_code"),
        foreign_keys=[("event_id", "events", "id"), ("market_code", "markets", "code")],
    )
    db.create_view("timeline", TIMELINE_VIEW_SQL, replace=True)


TIMELINE_VIEW_SQL = """
select
  events.id,
  events.event_date,
  events.date_precision,
  events.date_end,
  events.event_type,
  events.summary,
  (select group_concat(entities.name, '; ') from event_entities
     join entities on entities.id = event_entities.entity_id
     where event_entities.event_id = events.id) as actors,
  (select group_concat(event_markets.market_code, ', ') from event_markets
     where event_markets.event_id = events.id) as markets,
  events.source_count,
  events.mention_count,
  events.first_reported,
  events.confidence
from events
order by events.event_date, events.id
"""


def _create_version_2(db: sqlite_utils.Database) -> None:
    """The NLP stage's output: mentions of entities, dates and markets, and event candidates."""
    db["articles"].add_column("nlp_version", str)
    db["articles"].add_column("processed_at", str)
    db["articles"].create_index(["nlp_version"])
    db["entity_mentions"].create(
        {"article_id": str, "char_start": int, "char_end": int, "entity_id": int, "text": str},
        pk=("article_id", "char_start"),
        foreign_keys=[("article_id", "articles", "id"), ("entity_id", "entities", "id")],
    )
    db["entity_mentions"].create_index(["entity_id"])
    db["date_mentions"].create(
        {
            "article_id": str,
            "char_start": int,
            "char_end": int,
            "text": str,
            "value": str,
            "precision": str,
            "date_end": str,
            "mod": str,
        },
        pk=("article_id", "char_start"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["market_mentions"].create(
        {"article_id": str, "char_start": int, "market_code": str, "char_end": int, "text": str},
        pk=("article_id", "char_start", "market_code"),
        foreign_keys=[("article_id", "articles", "id"), ("market_code", "markets", "code")],
    )
    db["event_candidates"].create(
        {
            "id": str,
            "article_id": str,
            "sentence": str,
            "char_start": int,
            "char_end": int,
            "date_text": str,
            "date_char_start": int,
            "event_date": str,
            "date_precision": str,
            "date_end": str,
            "date_mod": str,
            "date_from": str,
            "event_type": str,
            "trigger": str,
            "actors": str,
            "markets": str,
            "confidence": float,
            "published_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["event_candidates"].create_index(["article_id"])
    db["event_candidates"].create_index(["event_date"])


def _create_version_3(db: sqlite_utils.Database) -> None:
    """Event mentions name the candidate they come from."""
    db["event_mentions"].add_column("candidate_id", str)
    db["event_mentions"].create_index(["candidate_id"])


_YEAR = "[0-9][0-9][0-9][0-9]"


def timex_first_day_sql(column: str) -> str:
    """SQL for the first calendar day (ISO) a TIMEX3 value covers: ``2025-Q2`` → ``2025-04-01``; null if vague.

    The same intervals as ``nlp.timex.interval``, in SQL so that a generated column and its index hold them.
    """
    c, y = column, _YEAR
    return (
        f"case when {c} glob '{y}-[0-9][0-9]-[0-9][0-9]' then {c}"
        f" when {c} glob '{y}-[0-9][0-9]' then {c} || '-01'"
        f" when {c} glob '{y}' then {c} || '-01-01'"
        f" when {c} glob '{y}-Q[1-4]' then printf('%s-%02d-01', substr({c}, 1, 4), substr({c}, 7, 1) * 3 - 2)"
        # ISO week 1 is the week of 4 January; its Monday is six days before the Sunday that ends it.
        f" when {c} glob '{y}-W[0-9][0-9]' then date(substr({c}, 1, 4) || '-01-04', 'weekday 0', '-6 days',"
        f" printf('%+d days', (substr({c}, 7, 2) - 1) * 7))"
        f" when {c} glob '{y}-SP' then substr({c}, 1, 4) || '-03-01'"
        f" when {c} glob '{y}-SU' then substr({c}, 1, 4) || '-06-01'"
        f" when {c} glob '{y}-FA' then substr({c}, 1, 4) || '-09-01'"
        f" when {c} glob '{y}-WI' then substr({c}, 1, 4) || '-12-01' end"
    )


def timex_last_day_sql(column: str) -> str:
    """SQL for the last calendar day a TIMEX3 value covers: ``2025-Q2`` → ``2025-06-30``; null if vague."""
    c, y, first = column, _YEAR, timex_first_day_sql(column)
    return (
        f"case when {c} glob '{y}-[0-9][0-9]-[0-9][0-9]' then {c}"
        f" when {c} glob '{y}' then {c} || '-12-31'"
        f" when {c} glob '{y}-W[0-9][0-9]' then date({first}, '+6 days')"
        f" when {c} glob '{y}-Q[1-4]' or {c} glob '{y}-[SFW][PUAI]' then date({first}, '+3 months', '-1 day')"
        f" else date({first}, '+1 month', '-1 day') end"
    )


TIMELINE_VIEW_SQL_4 = """
select
  events.id,
  events.event_date,
  events.date_precision,
  events.date_end,
  events.event_type,
  events.summary,
  (select group_concat(entities.name, '; ') from event_entities
     join entities on entities.id = event_entities.entity_id
     where event_entities.event_id = events.id) as actors,
  (select group_concat(event_markets.market_code, ', ') from event_markets
     where event_markets.event_id = events.id) as markets,
  events.source_count,
  events.mention_count,
  events.first_reported,
  events.confidence,
  events.first_day,
  events.last_day,
  events.year,
  (select json_group_array(market_code) from event_markets
     where event_markets.event_id = events.id) as market_codes,
  (select json_group_array(distinct articles.source) from event_mentions
     join articles on articles.id = event_mentions.article_id
     where event_mentions.event_id = events.id) as sources
from events
order by events.first_day, events.id
"""


def _create_version_4(db: sqlite_utils.Database) -> None:
    """Browsing: each event's first and last day and year, the indexes the timeline page and canned queries
    need, full-text search on event summaries, and a timeline view in calendar order with facetable lists."""
    first_day = timex_first_day_sql("event_date")
    last_day = f"coalesce({timex_last_day_sql('date_end')}, {timex_last_day_sql('event_date')})"
    # Generated columns: right whatever writes the events, and indexable.
    db.execute(f"alter table events add column first_day text generated always as ({first_day}) virtual")
    db.execute(f"alter table events add column last_day text generated always as ({last_day}) virtual")
    db.execute(
        "alter table events add column year integer generated always as"
        " (cast(substr(event_date, 1, 4) as integer)) virtual"
    )
    for sql in BROWSING_INDEXES:
        db.execute(sql)
    db["events"].enable_fts(["summary"], create_triggers=True)
    db.create_view("timeline", TIMELINE_VIEW_SQL_4, replace=True)


BROWSING_INDEXES = [
    # The timeline page: date order with keyset pagination, unfiltered or by type.
    "create index idx_events_first_day_id on events (first_day, id)",
    "create index idx_events_event_type_first_day_id on events (event_type, first_day, id)",
    # The chart and the monthly counts: read from the index alone, in date order.
    "create index idx_events_first_day_type_precision on events (first_day, event_type, date_precision)",
    # What changed since a date; events reported by a single source, in date order.
    "create index idx_events_first_reported on events (first_reported)",
    "create index idx_events_source_count_first_day_id on events (source_count, first_day, id)",
    # From a market, an entity or an article to its events (the primary keys lead with event_id).
    "create index idx_event_markets_market_code_event_id on event_markets (market_code, event_id)",
    "create index idx_event_entities_entity_id_event_id on event_entities (entity_id, event_id)",
    "create index idx_event_mentions_article_id on event_mentions (article_id)",
    # Entity names as people type them.
    "create index idx_entities_name_nocase on entities (name collate nocase)",
    # Articles per source with their first and last dates (it also does the work of the source index).
    "drop index if exists idx_articles_source",
    "create index idx_articles_source_published_at on articles (source, published_at)",
]


def _create_version_5(db: sqlite_utils.Database) -> None:
    """The merge's bookkeeping: a count of changes to the candidates, kept by triggers in the transaction
    that changes them, and the count the events were last merged from. When they differ (a run killed
    between its last processed chunk and the merge), the next run merges again."""
    db["merge_state"].create({"name": str, "value": int}, pk="name")
    db["merge_state"].insert_all([{"name": "candidates", "value": 0}, {"name": "merged", "value": 0}])
    for action in ("insert", "update", "delete"):
        db.execute(
            f"""create trigger event_candidates_{action}_counted after {action} on event_candidates
                begin update merge_state set value = value + 1 where name = 'candidates'; end"""
        )


def _create_version_6(db: sqlite_utils.Database) -> None:
    """The merge's log of what changed: the dates of every candidate written, changed or removed (and of an
    article's candidates when it becomes a copy of another), kept by triggers in the writing transaction.
    The merge re-clusters only the years the log names and empties it; a row with no date asks for the
    whole timeline, as the first merge after this migration does."""
    db["merge_pending"].create({"id": int, "event_date": str, "date_end": str}, pk="id")
    db.execute("insert into merge_pending (event_date, date_end) values (null, null)")
    for action, rows in (("insert", ["new"]), ("update", ["old", "new"]), ("delete", ["old"])):
        logs = " ".join(
            f"insert into merge_pending (event_date, date_end) select {row}.event_date, {row}.date_end"
            f" where {row}.event_date is not null;"
            for row in rows
        )
        db.execute(
            f"create trigger event_candidates_{action}_logged after {action} on event_candidates begin {logs} end"
        )
    db.execute(
        """create trigger articles_copy_logged after update of duplicate_of, source on articles
            when old.duplicate_of is not new.duplicate_of or old.source is not new.source
            begin insert into merge_pending (event_date, date_end) select c.event_date, c.date_end
                  from event_candidates c where c.article_id = new.id and c.event_date is not null; end"""
    )


# Articles signed again per statement batch by the migration to version 7 (their texts are read a chunk at a
# time, never all at once), and the article count from which it reports its progress on stderr.
RESIGN_CHUNK = 500
RESIGN_PROGRESS_FROM = 20_000


def _create_version_7(db: sqlite_utils.Database) -> None:
    """Near-duplicate signatures of the MinHash scheme ``words64-affine32`` (pipeline/dedup.py): every stored
    article is signed again from its text, since signatures of the scheme before (``affine32``, SHA-1 of each
    word 3-gram) cannot be compared with new ones. Signatures whose article is gone are dropped (they cannot
    be signed again). It runs in the migration's transaction: a run killed half-way leaves version 6 and its
    signatures as they were, and the next command starts it again."""
    from pipeline.dedup import MINHASH_SCHEME, fingerprint, signature_to_bytes

    db.execute("delete from article_signatures where article_id not in (select id from articles)")
    total = db.execute("select count(*) from articles").fetchone()[0]
    report = total >= RESIGN_PROGRESS_FROM
    if report:
        print(f"signing {total:,} articles again (MinHash scheme {MINHASH_SCHEME}) ...", file=sys.stderr)
    upsert = (
        "insert into article_signatures (article_id, minhash) values (?, ?)"
        " on conflict (article_id) do update set minhash = excluded.minhash"
    )
    started, last_rowid, done, next_report = time.monotonic(), -(2**63), 0, total // 10
    # Keyset pages in rowid order: each page is one range of the table, whatever the ids look like.
    page = "select rowid, id, text from articles where rowid > ? order by rowid limit ?"
    while rows := db.execute(page, [last_rowid, RESIGN_CHUNK]).fetchall():
        signed = [(key, signature_to_bytes(fingerprint(str(text or ""))[1])) for _, key, text in rows]
        db.conn.executemany(upsert, signed)
        last_rowid, done = rows[-1][0], done + len(rows)
        if report and done >= next_report:
            seconds = time.monotonic() - started
            print(f"  {done:,} of {total:,} articles signed ({seconds:.0f} s)", file=sys.stderr)
            next_report = done + total // 10


MIGRATIONS = [
    _create_version_1,
    _create_version_2,
    _create_version_3,
    _create_version_4,
    _create_version_5,
    _create_version_6,
    _create_version_7,
]
