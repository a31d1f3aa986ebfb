"""The `timeline` command as users run it: real processes, a real database file."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline import cli as cli_module
from pipeline.cli import cli
from pipeline.schema import open_database
from tests.conftest import FAST, ROOT, run_timeline

NEWS_PLEASE_ROW = {
    "url": "https://harbour-daily.example/logistics/ports?utm_source=newsletter",
    "title": "Port operators brace for a slower summer",
    "maintext": "Container terminals along the northern coast expect fewer calls this summer. " * 6,
    "date_publish": "2024-03-04 10:15:00",
    "source_domain": "harbour-daily.example",
    "language": "en",
    "authors": ["Staff reporter", "Desk"],
}


def write_jsonl(path, rows):
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("crawl", "ingest", "serve", "demo"):
        assert command in result.output


def test_ingest_news_please_rows_and_report_bad_lines(tmp_path, db_path):
    own = {
        "url": "https://other.example/a",
        "text": "Another story entirely, told in its own words. " * 6,
        "published": "2024-03-05T09:00:00+01:00",
        "source": "other",
        "title": "Other",
    }
    data = tmp_path / "articles.jsonl"
    write_jsonl(
        data, [NEWS_PLEASE_ROW, own, "{not json", {"url": "ftp://x"}, {"url": "https://x.example/1"}, ""]
    )
    result = CliRunner().invoke(cli, ["ingest", str(data), "--db", db_path])
    assert result.exit_code == 2, result.output
    assert "5 lines read: 2 new articles, 0 duplicates, 3 rejected" in result.stdout
    assert f"{data}:3: not valid JSON" in result.stderr
    assert f"{data}:4: missing or invalid 'url'" in result.stderr
    assert f"{data}:5: missing 'text'" in result.stderr
    db = sqlite_utils.Database(db_path)
    row = next(db["articles"].rows_where("source = 'harbour-daily.example'"))
    assert row["canonical_url"] == "https://harbour-daily.example/logistics/ports"
    assert row["published_at"] == "2024-03-04T10:15:00"
    assert row["author"] == "Staff reporter, Desk"
    # A second run adds nothing: every row is already stored.
    again = CliRunner().invoke(cli, ["ingest", str(data), "--db", db_path])
    assert "0 new articles, 2 duplicates" in again.stdout
    assert db["articles"].count == 2


def test_ingest_missing_file_is_one_clear_line(db_path):
    result = CliRunner().invoke(cli, ["ingest", "no-such-file.jsonl", "--db", db_path])
    assert result.exit_code == 1
    assert "no-such-file.jsonl: cannot read" in result.output
    assert "Traceback" not in result.output


def test_crawl_with_a_broken_sources_file(tmp_path, db_path):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeeds = [\n', encoding="utf-8")
    result = run_timeline("crawl", "--sources", str(bad), "--db", db_path)
    assert result.returncode == 1
    assert "not valid TOML" in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_crawl_goes_on_when_one_source_entry_is_bad(demo_site, tmp_path, db_path):
    sources = tmp_path / "sources.toml"
    good = demo_site.sources_toml().split("[[sources]]")[1]  # the first outlet only
    sources.write_text(
        f'[[sources]]{good}\n[[sources]]\nname = "broken"\nfeeds = ["gopher://x"]\n', encoding="utf-8"
    )
    result = run_timeline("crawl", "--sources", str(sources), "--db", db_path, *FAST)
    assert result.returncode == 2, result.stderr  # partial: one source left out
    assert "source 'broken': feeds: 'gopher://x' is not an http(s) URL (source left out)" in result.stderr
    assert sqlite_utils.Database(db_path)["articles"].count == 8


def test_private_addresses_are_refused_unless_allowed(demo_site, tmp_path, db_path):
    feed = demo_site.url("tokyo-ledger.example/rss.xml")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nname = "ledger"\nfeeds = ["{feed}"]\n', encoding="utf-8")
    start = len(demo_site.requests)
    result = run_timeline("crawl", "--sources", str(sources), "--db", db_path, *FAST)
    assert result.returncode == 1
    assert f"refusing {feed}: private address" in result.stderr
    assert demo_site.requests[start:] == []
    allowed = run_timeline(
        "crawl",
        "--sources",
        str(sources),
        "--db",
        db_path,
        *FAST,
        env={"TIMELINE_ALLOW_PRIVATE_ADDRESSES": "1"},
    )
    assert allowed.returncode == 0, allowed.stderr
    assert sqlite_utils.Database(db_path)["articles"].count == 8


def test_scrapy_crawl_works_as_scrapy_users_expect(demo_site, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    db_path = tmp_path / "scrapy.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "sitemaps",
            "-a",
            f"sources={sources}",
            "-s",
            f"TIMELINE_DB={db_path}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(db_path)
    assert {r["source"] for r in db["articles"].rows} == {"saigon-trade-wire"}
    assert db["articles"].count == 6
    [run] = list(db["crawl_runs"].rows)
    assert run["status"] == "ok" and run["new_articles"] == 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for base in range(free_port(), 65000 - count, 97):
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free ports")


def test_serve_removes_its_metadata_file_when_datasette_cannot_start(tmp_path, monkeypatch):
    db_path = tmp_path / "timeline.db"
    open_database(str(db_path)).conn.close()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def no_datasette(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("datasette")

    monkeypatch.setattr(cli_module.subprocess, "Popen", no_datasette)
    with pytest.raises(FileNotFoundError):
        cli_module.run_datasette(str(db_path), "127.0.0.1", 0, "/", 1000)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("newsline-metadata-")) == []


def test_demo_twice_then_serve(tmp_path):
    db_path = str(tmp_path / "demo.db")
    site_port = str(free_ports(6))
    result = run_timeline("demo", "--no-serve", "--db", db_path, "--site-port", site_port)
    assert result.returncode == 0, result.stderr
    assert "37 new articles" in result.stdout and "37 articles (35 originals)" in result.stdout
    assert "processed 37 articles:" in result.stdout
    again = run_timeline("demo", "--no-serve", "--db", db_path, "--site-port", site_port)
    assert again.returncode == 0, again.stderr
    assert "0 new articles" in again.stdout and "37 articles (35 originals)" in again.stdout
    assert "processed 0 articles: 0 event candidates" in again.stdout
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--db", db_path, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/demo/articles.json?_shape=array&_size=100"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "Datasette did not start"
                time.sleep(0.5)
        assert len(rows) == 37
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert "Newsline" in response.read().decode()
        # The table notes of web/metadata.yml apply whatever the database file is called.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/demo/articles", timeout=5) as response:
            assert "Syndicated copies and duplicates keep a row" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
