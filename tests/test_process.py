"""`timeline process` over a real database file."""

from __future__ import annotations

import json

import sqlite_utils
from click.testing import CliRunner

from demo.build import load_stories
from nlp.analyze import EXTRACTOR_VERSION
from pipeline.cli import cli
from tests.conftest import run_timeline


def ingest_demo(tmp_path, db_path, count=6):
    rows = []
    for story in load_stories()[:count]:
        rows.append(
            {
                "url": story.url,
                "title": story.meta["title"],
                "text": story.meta["standfirst"] + "\n" + story.body,
                "published": story.meta["published"],
                "source": story.outlet.source,
            }
        )
    path = tmp_path / "demo.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(path), "--db", db_path]).exit_code == 0
    return rows


def table_rows(db, name):
    return sorted(json.dumps(r, sort_keys=True) for r in db[name].rows)


def test_process_stores_mentions_and_candidates_once(tmp_path, db_path):
    ingest_demo(tmp_path, db_path)
    first = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("6 articles processed:")
    db = sqlite_utils.Database(db_path)
    assert db["event_candidates"].count > 6 and db["date_mentions"].count > 6
    assert db["markets"].get("JP")["kind"] == "country"
    candidate = next(db["event_candidates"].rows_where("event_type = 'market_entry'"))
    assert candidate["event_date"] and json.loads(candidate["markets"])
    assert {r["nlp_version"] for r in db["articles"].rows} == {EXTRACTOR_VERSION}
    snapshot = {
        name: table_rows(db, name) for name in ("event_candidates", "date_mentions", "entity_mentions")
    }
    again = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert again.stdout.startswith("0 articles processed")
    rebuilt = CliRunner().invoke(cli, ["process", "--reprocess", "--db", db_path])
    assert rebuilt.stdout.startswith("6 articles processed")
    assert {name: table_rows(db, name) for name in snapshot} == snapshot


def test_new_articles_only(tmp_path, db_path):
    ingest_demo(tmp_path, db_path, count=2)
    CliRunner().invoke(cli, ["process", "--db", db_path])
    ingest_demo(tmp_path, db_path, count=4)
    result = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert result.stdout.startswith("2 articles processed")


def test_unknown_model_is_one_clear_line(tmp_path, db_path):
    ingest_demo(tmp_path, db_path, count=1)
    result = run_timeline("process", "--db", db_path, env={"NEWSLINE_SPACY_MODEL": "xx_no_such_model"})
    assert result.returncode == 1
    assert "spaCy model 'xx_no_such_model' is not installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_two_processes_give_the_rows_of_one(tmp_path):
    # Worker processes parse and analyse; the rows (and the timeline merged from them) must not change.
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    ingest_demo(tmp_path / "a", one, count=40)
    ingest_demo(tmp_path / "b", two, count=40)
    assert run_timeline("process", "--processes", "1", "--db", one).returncode == 0
    result = run_timeline("process", "--processes", "2", "--db", two)
    assert result.returncode == 0, result.stderr
    first, second = sqlite_utils.Database(one), sqlite_utils.Database(two)
    for name in ("event_candidates", "date_mentions", "entity_mentions", "market_mentions", "events"):
        assert first[name].count > 0
        assert table_rows(first, name) == table_rows(second, name), name


def test_an_article_the_analysis_breaks_on_is_named_and_the_others_go_on(tmp_path, db_path, monkeypatch):
    """A fault injected into the analysis of one article (as "the last quarter of 2023" once raised in the
    date grammar): the run reports it and exits partial, the other articles are processed, and the next
    run does not stumble on it again."""
    import nlp.analyze

    rows = ingest_demo(tmp_path, db_path, count=3)
    broken = rows[1]["text"]
    real = nlp.analyze.candidates_in_doc

    def breaks_on_one(doc, *args, **kwargs):
        if doc.text.startswith(broken[:80]):
            raise KeyError("last")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(nlp.analyze, "candidates_in_doc", breaks_on_one)
    first = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert first.exit_code == 2, first.output
    assert first.stdout.startswith("3 articles processed:")
    assert rows[1]["url"] in first.stderr and "could not be analysed" in first.stderr
    assert "KeyError: 'last'" in first.stderr
    db = sqlite_utils.Database(db_path)
    (broken_id,) = [r["id"] for r in db["articles"].rows if r["url"] == rows[1]["url"]]
    assert not list(db["event_candidates"].rows_where("article_id = ?", [broken_id]))
    assert db["event_candidates"].count > 0  # the other two
    again = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert again.exit_code == 0 and again.stdout.startswith("0 articles processed")


def test_an_article_too_long_for_the_parser_is_read_in_part_and_named(tmp_path, db_path):
    """spaCy refuses a text over a million characters; such an article (a runaway page, a bad export) is read
    up to MAX_ANALYSED_CHARS, named in a note, and the run goes on."""
    from nlp.analyze import MAX_ANALYSED_CHARS, readable_part

    lede = "Acme Robotics said on Tuesday it would open a factory in Italy."
    rows = [
        {
            "url": "https://long.example/runaway",
            "title": "Runaway page",
            "text": lede + "\n" + " " * 1_100_000 + "\nThe end.",
            "published": "2024-03-01T09:00:00+00:00",
            "source": "long",
        },
        {
            "url": "https://short.example/story",
            "title": "Short story",
            "text": "Borealis Foods said on Monday it would enter the Japanese market.",
            "published": "2024-03-01T09:00:00+00:00",
            "source": "short",
        },
    ]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["ingest", str(path), "--db", db_path]).exit_code == 0
    result = CliRunner().invoke(cli, ["process", "--db", db_path])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 articles processed:")
    db = sqlite_utils.Database(db_path)
    (stored,) = [len(r["text"]) for r in db["articles"].rows if r["url"] == "https://long.example/runaway"]
    assert f"(https://long.example/runaway) has {stored:,} characters" in result.stderr
    sentences = {r["sentence"].strip() for r in db["event_candidates"].rows}
    assert lede in sentences and any("Borealis" in s for s in sentences)
    assert len(readable_part("a. " * MAX_ANALYSED_CHARS)) <= MAX_ANALYSED_CHARS
