"""Datasette over a Newsline database: the one configuration `timeline serve`, the tests and the benchmark use.

>>> # doctest: +SKIP
>>> config = DatasetteConfig.for_database("timeline.db", base_url="/newsline/")
>>> response = await config.datasette().client.get("/-/timeline?market=JP")
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

WEB = Path(__file__).resolve().parent.parent / "web"
DEFAULT_SQL_TIME_LIMIT_MS = 3000


class BadBaseUrl(Exception):
    """A base URL that is not a path such as ``/newsline/``."""


def normalise_base_url(base_url: str) -> str:
    """``newsline`` or ``/newsline`` → ``/newsline/``; ``/`` stays ``/``."""
    path = "/" + base_url.strip().strip("/")
    if "//" in path or "?" in path or "#" in path or ":" in path:
        raise BadBaseUrl(f"base URL must be a path such as /newsline/, got {base_url!r}")
    return path if path == "/" else path + "/"


def load_metadata(db_path: str | Path, base_url: str = "/") -> dict:
    """web/metadata.yml with its notes and canned queries filed under the database's name (the file's stem).

    Links in ``description_html`` are written from the root (``href="/-/timeline"``) and get the base URL.
    """
    metadata = yaml.safe_load((WEB / "metadata.yml").read_text(encoding="utf-8"))
    metadata["databases"] = {Path(db_path).stem: metadata["databases"]["timeline"]}
    metadata["description_html"] = metadata["description_html"].replace('href="/', f'href="{base_url}')
    return metadata


@dataclass
class DatasetteConfig:
    """Everything Datasette is started with: database, metadata, plugins, templates, static files, settings."""

    db_path: str
    metadata: dict
    settings: dict[str, object] = field(default_factory=dict)
    plugins_dir: Path = WEB / "plugins"
    template_dir: Path = WEB / "templates"
    static_dir: Path = WEB / "static"

    @classmethod
    def for_database(
        cls, db_path: str | Path, base_url: str = "/", sql_time_limit_ms: int = DEFAULT_SQL_TIME_LIMIT_MS
    ) -> DatasetteConfig:
        base_url = normalise_base_url(base_url)
        settings = {
            "base_url": base_url,
            "sql_time_limit_ms": sql_time_limit_ms,
            "default_page_size": 50,
            # Facets on a million events would only time out; they are computed on smaller tables.
            "facet_time_limit_ms": 500,
        }
        return cls(str(db_path), load_metadata(db_path, base_url), settings)

    def serve_command(self, metadata_file: str | Path, host: str, port: int) -> list[str]:
        """The `datasette serve` command line (read-only: no write plugins, no writable canned queries)."""
        command = [sys.executable, "-m", "datasette", "serve", self.db_path, "--metadata", str(metadata_file)]
        command += ["--plugins-dir", str(self.plugins_dir), "--template-dir", str(self.template_dir)]
        command += ["--static", f"static:{self.static_dir}", "--host", host, "--port", str(port)]
        for name, value in self.settings.items():
            command += ["--setting", name, str(value)]
        return command

    def write_metadata(self, path: str | Path) -> None:
        Path(path).write_text(yaml.safe_dump(self.metadata, sort_keys=False), encoding="utf-8")

    def datasette(self):
        """The same Datasette in this process, for ``datasette.client`` in tests and benchmarks."""
        from datasette.app import Datasette

        return Datasette(
            [self.db_path],
            metadata=self.metadata,
            plugins_dir=str(self.plugins_dir),
            template_dir=str(self.template_dir),
            static_mounts=[("static", str(self.static_dir))],
            settings=self.settings,
        )
