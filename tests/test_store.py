import sqlite3
import subprocess
import sys
from itertools import combinations

import pytest
import sqlite_utils
from datasketch import MinHash

from demo.build import load_stories
from pipeline.dedup import (
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    PERMUTATION_SCHEME,
    content_hash,
    fingerprint,
    minhash_of,
    normalized_words,
    shingles,
    signature_to_bytes,
)
from pipeline.schema import MIGRATIONS, SCHEMA_VERSION, migrate, open_database
from pipeline.store import ArticleRecord, Store, stored_url
from pipeline.urls import article_id
from tests.conftest import ROOT

STORIES = {f"{s.outlet.domain}/{s.slug}": s for s in load_stories()}


def plain(story) -> str:
    return "\n\n".join(block.strip() for block in story.body.split("\n\n") if not block.startswith("## "))


def record(key: str, **changes) -> ArticleRecord:
    story = STORIES[key]
    fields = dict(
        url=story.url,
        source=story.outlet.source,
        text=plain(story),
        title=story.meta["title"],
        published_at=story.meta["published"],
    )
    fields.update(changes)
    return ArticleRecord(**fields)


ORIGINAL = "asia-wire.example/tiktok-tokopedia-stake"
COPY = "jakarta-commerce-post.example/tiktok-buys-into-tokopedia"


def test_new_article_is_stored_with_its_fields(db):
    store = Store(db)
    [outcome] = store.add_articles([record(ORIGINAL)])
    assert outcome.status == "new"
    row = db["articles"].get(outcome.article_id)
    assert row["title"] == STORIES[ORIGINAL].meta["title"]
    assert row["canonical_url"] == STORIES[ORIGINAL].url
    assert row["content_hash"] == content_hash(plain(STORIES[ORIGINAL]))
    assert row["duplicate_of"] is None


def test_same_canonical_url_is_one_row(db):
    store = Store(db)
    first = store.add_articles([record(ORIGINAL)])[0]
    again = store.add_articles([record(ORIGINAL, url=STORIES[ORIGINAL].url + "?utm_source=rss")])[0]
    assert again.status == "known"
    assert again.article_id == first.article_id
    assert db["articles"].count == 1


def test_same_text_elsewhere_points_to_the_first(db):
    store = Store(db)
    first = store.add_articles([record(ORIGINAL)])[0]
    text = "  " + plain(STORIES[ORIGINAL]).upper().replace(",", " ,") + "  "
    copy = store.add_articles([record(ORIGINAL, url="https://mirror.example/p/1", text=text)])[0]
    assert copy.status == "copy"
    assert copy.reason == "same text"
    assert db["articles"].get(copy.article_id)["duplicate_of"] == first.article_id


def test_syndicated_copy_is_a_near_duplicate_of_the_original(db):
    store = Store(db)
    original = store.add_articles([record(ORIGINAL)])[0]
    copy = store.add_articles([record(COPY)])[0]
    assert copy.status == "copy"
    assert copy.reason == "near duplicate"
    assert copy.similarity >= NEAR_DUPLICATE_THRESHOLD
    assert db["articles"].get(copy.article_id)["duplicate_of"] == original.article_id


def test_copy_arriving_first_hands_over_to_the_earlier_original(db):
    store = Store(db)
    copy = store.add_articles([record(COPY)])[0]
    original = store.add_articles([record(ORIGINAL)])[0]
    assert db["articles"].get(original.article_id)["duplicate_of"] is None
    assert db["articles"].get(copy.article_id)["duplicate_of"] == original.article_id


def test_near_duplicate_index_survives_a_new_store(db):
    Store(db).add_articles([record(ORIGINAL)])
    copy = Store(db).add_articles([record(COPY)])[0]
    assert copy.status == "copy"


def test_reports_of_one_fact_by_different_outlets_are_not_copies():
    """Outlets that write the same news in their own words stay separate articles."""
    syndicated = {
        (s.meta["syndicated_from"], f"{s.outlet.domain}/{s.slug}")
        for s in STORIES.values()
        if s.meta.get("syndicated_from")
    }
    assert len(syndicated) == 2
    signatures = {key: minhash_of(plain(story)) for key, story in STORIES.items()}
    for a, b in combinations(sorted(signatures), 2):
        similarity = signatures[a].jaccard(signatures[b])
        # With room to spare on both sides (bench/near_duplicates.py prints the gap).
        if (a, b) in syndicated or (b, a) in syndicated:
            assert similarity >= 1.5 * NEAR_DUPLICATE_THRESHOLD, (a, b, similarity)
        else:
            assert similarity <= NEAR_DUPLICATE_THRESHOLD / 2, (a, b, similarity)


def test_crawl_pages_remember_outcomes_and_attempts(db):
    store = Store(db)
    url = "https://a.example/missing.html"
    assert not store.is_settled(url)
    for _ in range(3):
        assert url in store.pages_to_retry("a") or not db["crawl_pages"].count
        store.record_pages(
            [{"url": url, "source": "a", "status": "error", "reason": "HTTP 404", "http_status": 404}]
        )
    assert store.is_settled(url)  # given up after three attempts
    assert store.pages_to_retry("a") == []
    store.record_pages(
        [{"url": "https://a.example/about?utm_source=x", "source": "a", "status": "skipped", "reason": "x"}]
    )
    assert store.is_settled("https://a.example/about")


@pytest.mark.parametrize("published", [None, "not a date"])
def test_undated_article_never_becomes_the_original(db, published):
    store = Store(db)
    original = store.add_articles([record(ORIGINAL)])[0]
    copy = store.add_articles([record(COPY, published_at=published)])[0]
    assert db["articles"].get(copy.article_id)["duplicate_of"] == original.article_id


def test_crawl_run_row(db):
    store = Store(db)
    run = store.start_crawl_run(["a", "b"])
    assert db["crawl_runs"].get(run)["status"] == "running"
    row = store.finish_crawl_run(run, {"pages": 3, "new_articles": 2}, "ok")
    assert (row["pages"], row["new_articles"], row["status"], row["sources"]) == (3, 2, "ok", "a, b")
    assert row["finished_at"] >= row["started_at"]


def mixed_records() -> list[ArticleRecord]:
    """Demo stories with their syndicated copies, exact copies published earlier and later, the same URL
    again, short texts and undated ones: every way a record can meet the ones before it."""
    records = []
    for n, key in enumerate(sorted(STORIES)):
        records.append(record(key))
        text = plain(STORIES[key])
        if n % 3 == 0:
            published = ["2001-01-01T00:00:00+00:00", None, "2099-01-01"][n % 9 // 3]
            records.append(
                record(key, url=f"https://mirror.example/{n}", text=text.upper(), published_at=published)
            )
        if n % 4 == 1:
            records.append(record(key, url=STORIES[key].url + "?utm_source=feed", text="Changed text."))
        if n % 5 == 2:
            records.append(record(key, url=f"https://short.example/{n}", text=" ".join(text.split()[:30])))
    return records


@pytest.mark.parametrize("batch_size", [1, 3, 5, 17, 100])
def test_a_batch_judges_each_record_as_if_the_ones_before_it_were_stored(db, batch_size):
    records = mixed_records()
    expected_db = sqlite_utils.Database(memory=True)
    migrate(expected_db)
    expected = [Store(expected_db).add_articles([r])[0] for r in records]  # one record per call
    store = Store(db)
    outcomes = []
    for start in range(0, len(records), batch_size):
        outcomes += store.add_articles(records[start : start + batch_size])
    assert outcomes == expected
    assert {o.status for o in outcomes} == {"new", "copy", "known"}
    assert {o.reason for o in outcomes} >= {"same text", "near duplicate", "same canonical URL"}
    for table in ("articles", "article_signatures"):
        assert list(db.query(f"select * from {table} order by 1")) == list(
            expected_db.query(f"select * from {table} order by 1")
        )


# -- signatures of the scheme before (schema version 6) ----------------------------------------------------


def sha1_scheme_signature(text: str) -> bytes:
    """A signature as stores of schema version 6 wrote it: datasketch's affine32 MinHash with its default
    hash, SHA-1 of each word 3-gram."""
    signature = MinHash(num_perm=NUM_PERM, scheme=PERMUTATION_SCHEME)
    signature.update_batch([s.encode("utf-8") for s in shingles(normalized_words(text))])
    return signature_to_bytes(signature)


def version_6_database(path, records: list[ArticleRecord]) -> None:
    """A database file of schema version 6 holding ``records``, signed with the SHA-1 scheme, and one
    signature whose article is gone."""
    old = sqlite_utils.Database(path)
    for step in MIGRATIONS[:6]:
        step(old)
    old.execute("PRAGMA user_version = 6")
    Store(old).add_articles(records)
    with old.conn:
        for key, text in old.execute("select id, text from articles").fetchall():
            old.execute(
                "update article_signatures set minhash = ? where article_id = ?",
                [sha1_scheme_signature(text), key],
            )
        old.execute("insert into article_signatures values ('gone', ?)", [sha1_scheme_signature("gone")])
    old.close()


def signatures(path) -> dict[str, bytes]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("select article_id, minhash from article_signatures"))


def originals() -> list[ArticleRecord]:
    return [record(key) for key, story in sorted(STORIES.items()) if not story.meta.get("syndicated_from")]


def test_migration_to_version_7_signs_every_article_again(tmp_path):
    path = tmp_path / "v6.db"
    version_6_database(path, originals())
    before = signatures(path)
    db = open_database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    texts = dict(db.execute("select id, text from articles"))
    after = signatures(path)
    assert set(after) == set(texts) == set(before) - {"gone"}
    for key, text in texts.items():
        assert after[key] == signature_to_bytes(fingerprint(text)[1])
        assert after[key] != before[key]


def test_after_the_migration_the_store_decides_as_a_new_one(tmp_path):
    """Syndicated copies, exact copies and the other mixed records meet a migrated store as they meet a
    store written with the new scheme from the start; before the migration the copies would be missed."""
    path = tmp_path / "v6.db"
    version_6_database(path, originals())
    unmigrated = Store(sqlite_utils.Database(path))  # what the old signatures answer to a new one
    assert unmigrated._index().matches(fingerprint(plain(STORIES[COPY]))[1]) == []
    unmigrated.db.close()
    fresh = sqlite_utils.Database(memory=True)
    migrate(fresh)
    Store(fresh).add_articles(originals())
    syndicated = [
        (key, s.meta["syndicated_from"])
        for key, s in sorted(STORIES.items())
        if s.meta.get("syndicated_from")
    ]
    later = [record(key) for key, _ in syndicated] + mixed_records()
    migrated = Store(open_database(path)).add_articles(later)
    assert migrated == Store(fresh).add_articles(later)
    for outcome, (_, original) in zip(migrated, syndicated, strict=False):
        assert (outcome.status, outcome.reason) == ("copy", "near duplicate")
        assert outcome.duplicate_of == article_id(stored_url(STORIES[original].url))
    assert {o.reason for o in migrated} >= {"near duplicate", "same text", "same canonical URL"}


KILLED_MIGRATION = """
import sys, time
import pipeline.dedup, pipeline.schema

pipeline.schema.RESIGN_CHUNK = 2
pipeline.schema.RESIGN_PROGRESS_FROM = 0
sign = pipeline.dedup.fingerprint
pipeline.dedup.fingerprint = lambda text: (time.sleep(0.05), sign(text))[1]
pipeline.schema.open_database(sys.argv[1])
"""


def test_a_migration_killed_half_way_leaves_version_6_as_it_was(tmp_path):
    path = tmp_path / "v6.db"
    version_6_database(path, originals())
    before = signatures(path)
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MIGRATION, str(path)], stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    lines = []
    for line in child.stderr:  # progress on stderr: killed once two pages of signatures are written
        lines.append(line)
        if line.strip().startswith("4 of"):
            break
    child.kill()
    child.wait()
    assert lines[0].startswith(f"signing {len(originals())} articles again (MinHash scheme"), lines
    assert lines[-1].strip().startswith("4 of"), lines
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 6
    assert signatures(path) == before
    db = open_database(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 7
    assert all(
        signatures(path)[key] == signature_to_bytes(fingerprint(text)[1])
        for key, text in db.execute("select id, text from articles")
    )
