"""Nothing lost, nothing half-written: SIGKILL at several points, readers during writes, schema versions."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.schema import MIGRATIONS, SCHEMA_VERSION, SchemaTooNew, open_database
from tests.conftest import FAST, ROOT, run_timeline

SLOW = [
    *("--set", "DOWNLOAD_DELAY=0.05"),
    *("--set", "AUTOTHROTTLE_ENABLED=False"),
    *("--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
    # Each article committed on its own (not 20 at a time, the last batch at close): every kill point of
    # the crawl test is reached while the crawl still runs, and readers see every step.
    *("--set", "NEWSLINE_BATCH_SIZE=1"),
]
DEMO_ARTICLES = 37


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def count(db_path: str, sql: str) -> int:
    """One value from a read-only connection, 0 while the database or table does not exist yet."""
    if not os.path.exists(db_path):
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(sql).fetchone()[0] or 0
    except sqlite3.OperationalError:
        return 0


def kill_when(process: subprocess.Popen, ready) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None and not ready():
        time.sleep(0.05)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def assert_consistent(db_path: str) -> None:
    """integrity_check passes; no article without its signature; no event whose counts disagree."""
    db = sqlite_utils.Database(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert (
        db.execute(
            "select count(*) from articles where id not in (select article_id from article_signatures)"
        ).fetchone()[0]
        == 0
    )
    assert (
        db.execute("select count(*) from articles group by canonical_url having count(*) > 1").fetchall()
        == []
    )
    assert half_merged_events(db.conn) == 0
    # NLP rows exist only for articles marked processed: a chunk is written whole or not at all.
    for table in ("entity_mentions", "date_mentions", "event_candidates"):
        orphans = db.execute(
            f"select count(*) from {table} where article_id in (select id from articles where nlp_version is null)"
        ).fetchone()[0]
        assert orphans == 0, table


def half_merged_events(connection: sqlite3.Connection) -> int:
    return connection.execute(
        "select count(*) from events where mention_count !="
        " (select count(*) from event_mentions where event_mentions.event_id = events.id)"
    ).fetchone()[0]


@pytest.fixture(scope="module")
def demo_sources(demo_site, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("integrity") / "sources.toml"
    path.write_text(demo_site.sources_toml(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled_db(demo_sources, tmp_path_factory) -> Path:
    """The demo site crawled once, not processed (copied by each test)."""
    path = tmp_path_factory.mktemp("crawled") / "timeline.db"
    result = run_timeline("crawl", "--sources", str(demo_sources), "--db", str(path), *FAST)
    assert result.returncode == 0, result.stderr
    sqlite_utils.Database(path).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="module")
def processed_reference(crawled_db, tmp_path_factory) -> dict[str, int]:
    path = tmp_path_factory.mktemp("reference") / "timeline.db"
    shutil.copy(crawled_db, path)
    result = run_timeline("process", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return timeline_counts(str(path))


def timeline_counts(db_path: str) -> dict[str, int]:
    db = sqlite_utils.Database(db_path)
    return {
        name: db[name].count for name in ("event_candidates", "events", "event_mentions", "entity_mentions")
    }


@pytest.mark.parametrize("articles_before_kill", [1, 12, 30])
def test_a_crawl_killed_at_any_point_resumes_without_loss_or_duplicates(
    demo_sources, tmp_path, articles_before_kill
):
    db_path = str(tmp_path / "timeline.db")
    victim = start("crawl", "--sources", str(demo_sources), "--db", db_path, *SLOW)
    kill_when(victim, lambda: count(db_path, "select count(*) from articles") >= articles_before_kill)
    assert victim.returncode == -signal.SIGKILL  # killed mid-crawl, not after it ended
    assert articles_before_kill <= count(db_path, "select count(*) from articles") < DEMO_ARTICLES
    assert_consistent(db_path)
    resumed = run_timeline("crawl", "--sources", str(demo_sources), "--db", db_path, *FAST)
    assert resumed.returncode == 0, resumed.stderr
    assert_consistent(db_path)
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == DEMO_ARTICLES
    assert [r["status"] for r in db["crawl_runs"].rows] == ["interrupted", "ok"]


# Kills while the model loads and while spaCy parses; a kill between the chunk's commit and the merge's
# has a test of its own below.
@pytest.mark.parametrize("seconds_before_kill", [1.0, 3.0])
def test_processing_killed_at_any_point_is_completed_by_the_next_run(
    crawled_db, processed_reference, tmp_path, seconds_before_kill
):
    db_path = str(tmp_path / "timeline.db")
    shutil.copy(crawled_db, db_path)
    victim = start("process", "--db", db_path)
    started = time.monotonic()
    kill_when(victim, lambda: time.monotonic() - started >= seconds_before_kill)
    assert_consistent(db_path)
    again = run_timeline("process", "--db", db_path)
    assert again.returncode == 0, again.stderr
    assert_consistent(db_path)
    assert timeline_counts(db_path) == processed_reference


def test_processing_killed_between_candidates_and_merge_is_completed(
    crawled_db, processed_reference, tmp_path
):
    from nlp.analyze import EXTRACTOR_VERSION
    from pipeline.process import process_articles

    db_path = str(tmp_path / "timeline.db")
    shutil.copy(crawled_db, db_path)
    database = open_database(db_path)
    half = [row[0] for row in database.execute("select id from articles order by id")][::2]
    database.execute(  # half the articles look processed, so the first run takes the other half
        f"update articles set nlp_version = ? where id in ({', '.join('?' * len(half))})",
        [EXTRACTOR_VERSION, *half],
    )
    database.conn.commit()
    first = run_timeline("process", "--db", db_path)  # the timeline of half the articles
    assert first.returncode == 0, first.stderr
    database.execute(
        f"update articles set nlp_version = null where id in ({', '.join('?' * len(half))})", half
    )
    database.conn.commit()
    # What a process killed after its last chunk's transaction, before the merge's, leaves behind.
    process_articles(database)
    again = run_timeline("process", "--db", db_path)
    assert again.returncode == 0, again.stderr
    assert timeline_counts(db_path) == processed_reference


def test_readers_never_error_nor_see_half_written_articles_during_a_run(demo_sources, tmp_path):
    db_path = str(tmp_path / "timeline.db")
    writer = start("run", "--sources", str(demo_sources), "--db", db_path, *SLOW)
    problems: list[str] = []
    seen = {"reads": 0, "max_events": 0, "max_articles": 0}

    def read() -> None:
        while writer.poll() is None:
            if not os.path.exists(db_path):
                time.sleep(0.02)
                continue
            try:
                # As Datasette opens a database: read-only; one snapshot per transaction.
                with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as connection:
                    connection.execute("begin")
                    # A new database is migrated one version per transaction: check it once fully created.
                    version = connection.execute("PRAGMA user_version").fetchone()[0]
                    if version == SCHEMA_VERSION:
                        check(connection)
                    connection.execute("commit")
                seen["reads"] += 1
            except sqlite3.Error as error:
                problems.append(f"{type(error).__name__}: {error}")
            time.sleep(0.01)

    def check(connection: sqlite3.Connection) -> None:
        articles = connection.execute("select count(*) from articles").fetchone()[0]
        unsigned = connection.execute(
            "select count(*) from articles where id not in (select article_id from article_signatures)"
        ).fetchone()[0]
        if unsigned:
            problems.append(f"{unsigned} articles without their signature")
        unprocessed = connection.execute(
            "select count(*) from event_candidates where article_id in"
            " (select id from articles where nlp_version is null)"
        ).fetchone()[0]
        if unprocessed:
            problems.append(f"{unprocessed} candidates of articles not marked processed")
        events = connection.execute("select count(*) from events").fetchone()[0]
        if events < seen["max_events"] or articles < seen["max_articles"]:
            problems.append(f"rows vanished: {articles} articles, {events} events")
        seen["max_events"] = max(seen["max_events"], events)
        seen["max_articles"] = max(seen["max_articles"], articles)

    reader = threading.Thread(target=read)
    reader.start()
    out, err = writer.communicate(timeout=240)
    reader.join(timeout=30)
    assert writer.returncode == 0, err
    assert problems == []
    assert seen["reads"] > 50 and seen["max_events"] > 0 and seen["max_articles"] == DEMO_ARTICLES


def transactions(db: sqlite_utils.Database, work) -> list[list[str]]:
    """The write statements ``work()`` runs, grouped by the transaction that commits them."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        work()
    finally:
        db.conn.set_trace_callback(None)
    groups: list[list[str]] = []
    current: list[str] | None = None
    for statement in statements:
        keyword = statement.strip().split(None, 1)[0].upper()
        if keyword == "BEGIN":
            current = []
        elif keyword == "COMMIT":
            groups.append(current or [])
            current = None
        elif keyword in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            if current is None:
                groups.append([statement])  # a write outside any transaction commits on its own
            else:
                current.append(statement)
    return [group for group in groups if group]


def test_a_batch_of_articles_is_written_in_one_transaction(tmp_path):
    from pipeline.store import ArticleRecord, Store

    store = Store(tmp_path / "t.db")
    records = [
        ArticleRecord(url=f"https://a.example/{n}", source="a", text=f"Story {n} " * 60) for n in range(3)
    ]
    groups = transactions(store.db, lambda: store.add_articles(records))
    assert len(groups) == 1 and len(groups[0]) >= 6  # three articles and their signatures, together


def test_a_processed_chunk_is_written_in_one_transaction(crawled_db, tmp_path):
    from pipeline.process import process_articles

    path = tmp_path / "timeline.db"
    shutil.copy(crawled_db, path)
    database = open_database(path)
    groups = transactions(database, lambda: process_articles(database))
    assert len(groups) == 1, [group[:2] for group in groups]


def test_the_event_merge_is_written_in_one_transaction(processed_reference, crawled_db, tmp_path):
    from pipeline.timeline import merge_events

    path = tmp_path / "timeline.db"
    shutil.copy(crawled_db, path)
    assert run_timeline("process", "--db", str(path)).returncode == 0
    database = open_database(path)
    groups = transactions(database, lambda: merge_events(database))
    assert len(groups) == 1, [group[:1] for group in groups]


# -- schema versions -------------------------------------------------------------------------------------


def test_an_older_database_is_migrated_forward_keeping_its_rows(tmp_path):
    path = tmp_path / "v1.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS[0](old)  # the version 1 schema, as the first release created it
    old.execute("PRAGMA user_version = 1")
    old["articles"].insert(
        {
            "id": "a1",
            "url": "https://example.com/a",
            "canonical_url": "https://example.com/a",
            "source": "example",
            "text": "Some text.",
            "content_hash": "h",
            "fetched_at": "2025-01-01T00:00:00+00:00",
        }
    )
    old.conn.commit()
    old.close()
    db = open_database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db["articles"].get("a1")["url"] == "https://example.com/a"
    assert {"nlp_version", "processed_at"} <= set(db["articles"].columns_dict)
    assert "candidate_id" in db["event_mentions"].columns_dict
    result = run_timeline("process", "--db", str(path))
    assert result.returncode == 0, result.stderr


def test_a_newer_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "future.db"
    future = sqlite3.connect(path)
    future.execute("create table articles (id text primary key, something_new text)")
    future.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    future.commit()
    future.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(SchemaTooNew) as raised:
        open_database(path)
    assert str(path) in str(raised.value)
    assert f"{SCHEMA_VERSION + 5}" in str(raised.value) and f"({SCHEMA_VERSION})" in str(raised.value)
    for command in (["process"], ["export"], ["crawl", "--sources", "nowhere.toml"]):
        result = run_timeline(*command, "--db", str(path))
        assert result.returncode == 1, command
        assert f"{path}: database schema version {SCHEMA_VERSION + 5} is newer" in result.stderr
        assert "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.db"]
