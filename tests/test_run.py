"""`timeline run` under cron: one writer at a time, a killed run leaves a consistent database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import sqlite_utils

from tests.conftest import ROOT, run_timeline

SLOW = [
    "--set",
    "DOWNLOAD_DELAY=0.05",
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=1",
]


def start_run(sources, db_path, *extra):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--sources",
            str(sources),
            "--db",
            db_path,
            *SLOW,
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def test_two_runs_at_once_never_both_write(demo_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = str(tmp_path / "timeline.db")
    first = start_run(sources, db_path)
    time.sleep(1.5)
    second = start_run(sources, db_path)
    second_out, second_err = second.communicate(timeout=120)
    first_out, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert second.returncode == 75, second_err
    assert "is being written by process" in second_err and "Traceback" not in second_err
    assert "timeline:" in first_out
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 37 and [r["status"] for r in db["crawl_runs"].rows] == ["ok"]
    # A run that may wait goes after the first and finds nothing new.
    again = run_timeline("run", "--sources", str(sources), "--db", db_path, *SLOW, "--wait", "30")
    assert again.returncode == 0, again.stderr
    assert "0 new articles" in again.stdout


def test_a_killed_run_is_picked_up_without_duplicates(demo_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = str(tmp_path / "timeline.db")
    victim = start_run(sources, db_path)
    db = sqlite_utils.Database(db_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.3)
        if os.path.exists(db_path) and "articles" in db.table_names() and db["articles"].count >= 5:
            break
    os.kill(victim.pid, signal.SIGKILL)
    victim.communicate(timeout=30)
    assert 0 < db["articles"].count < 37
    resumed = run_timeline("run", "--sources", str(sources), "--db", db_path, *SLOW)
    assert resumed.returncode == 0, resumed.stderr
    assert db["articles"].count == 37
    assert [r["status"] for r in db["crawl_runs"].rows] == ["interrupted", "ok"]
    assert (
        db.execute("select count(*) from articles group by canonical_url having count(*) > 1").fetchall()
        == []
    )
    assert db["events"].count > 0


def test_export_formats_and_filters(demo_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = str(tmp_path / "timeline.db")
    assert (
        run_timeline(
            "run", "--sources", str(sources), "--db", db_path, "--source", "jakarta-commerce-post"
        ).returncode
        == 0
    )
    csv_out = run_timeline(
        "export", "--db", db_path, "--market", "ID", "--since", "2023-10", "--until", "2023-12"
    )
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("event_date,date_precision,date_end,event_type,summary")
    assert len(lines) > 1 and all(
        line[:7] in ("2023-10", "2023-11", "2023-12") for line in lines[1:] if line[:4].isdigit()
    )
    story = json.loads(
        run_timeline("export", "--db", db_path, "--format", "timelinejs", "--type", "deal").stdout
    )
    assert story["events"] and all(e["group"] == "deal" for e in story["events"])
    assert all("<a href=" in e["text"]["text"] for e in story["events"])
    events = json.loads(run_timeline("export", "--db", db_path, "--format", "json").stdout)
    assert events and all(e["sources"] for e in events)
    bad = run_timeline("export", "--db", db_path, "--since", "yesterday")
    assert bad.returncode == 1 and "not a date: 'yesterday'" in bad.stderr
