from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import settings

from demo.server import DemoSite
from pipeline.schema import migrate

# CI runs the property tests on a fixed sequence of examples, so a run passes or fails the same way twice;
# local runs keep exploring new ones (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "gold"
TIMELINE = [sys.executable, "-m", "pipeline.cli"]
# The demo site is on loopback: crawl it without the delays meant for real sites.
FAST = [
    "--set",
    "DOWNLOAD_DELAY=0",
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]


@pytest.fixture
def db() -> sqlite_utils.Database:
    database = sqlite_utils.Database(memory=True)
    migrate(database)
    return database


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "timeline.db")


@pytest.fixture(scope="session")
def gold_articles() -> list[dict]:
    return json.loads((GOLD / "articles.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gold_events() -> list[dict]:
    return json.loads((GOLD / "events.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_site():
    with DemoSite() as site:
        yield site


def run_timeline(*args: str, timeout: float = 240, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the `timeline` command in a fresh process (Scrapy's reactor starts once per process)."""
    return subprocess.run(
        [*TIMELINE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def demo_db(demo_site, tmp_path_factory) -> str:
    """The demo site crawled and processed once per session; its articles link to the live demo site.

    Read-only for tests: copy it (``sqlite3`` backup) before writing.
    """
    folder = tmp_path_factory.mktemp("demo-db")
    sources = folder / "sources.toml"
    sources.write_text(demo_site.sources_toml(), encoding="utf-8")
    path = str(folder / "demo.db")
    crawled = run_timeline("crawl", "--sources", str(sources), "--db", path, *FAST)
    assert crawled.returncode == 0, crawled.stderr
    processed = run_timeline("process", "--db", path)
    assert processed.returncode == 0, processed.stderr
    return path
