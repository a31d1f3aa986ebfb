"""sources.toml: which outlets to crawl and how (format in README.md and DESIGN.md).

A file that is not valid TOML is refused whole; a source entry with a problem is reported with its line and
left out, and the other sources are still crawled.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.urls import redact_url

URL_LISTS = ("feeds", "sitemaps", "start_urls")
KNOWN_KEYS = {"name", "allowed_domains", "language", "allow_private_addresses", *URL_LISTS}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SourcesFileError(Exception):
    """The sources file cannot be read at all."""


@dataclass
class Source:
    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    language: str | None = None
    allow_private_addresses: bool = False

    def __post_init__(self) -> None:
        if not self.allowed_domains:
            self.allowed_domains = sorted({urlsplit(u).netloc.lower() for u in self.all_urls()})
        if os.environ.get("TIMELINE_ALLOW_PRIVATE_ADDRESSES") == "1":
            self.allow_private_addresses = True

    def all_urls(self) -> list[str]:
        return [*self.feeds, *self.sitemaps, *self.start_urls]

    def hosts(self) -> set[str]:
        """Host names (without ports) of the source's URLs and allowed domains."""
        hosts = {(urlsplit(u).hostname or "").lower() for u in self.all_urls()}
        hosts |= {urlsplit("//" + d).hostname or "" for d in self.allowed_domains}
        return hosts - {""}

    def allows(self, url: str) -> bool:
        """Whether ``url`` lies within the source's domains (``host`` or ``host:port``, subdomains included)."""
        try:
            parts = urlsplit(url)
        except ValueError:  # a malformed link in a page lies within no domain
            return False
        host = (parts.hostname or "").lower()
        netloc = parts.netloc.lower()
        for domain in self.allowed_domains:
            domain = domain.lower()
            if ":" in domain:
                if netloc == domain:
                    return True
            elif host == domain or host.endswith("." + domain):
                return True
        return False


@dataclass
class SourceProblem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def _table_lines(raw: str) -> list[int]:
    """1-based line numbers of each ``[[sources]]`` header, in order."""
    return [n for n, line in enumerate(raw.splitlines(), 1) if re.match(r"^\s*\[\[\s*sources\s*\]\]", line)]


def _key_line(raw: str, start: int, key: str) -> int:
    lines = raw.splitlines()
    for n in range(start, len(lines)):
        if n > start and re.match(r"^\s*\[", lines[n]):
            break
        if re.match(rf"^\s*{re.escape(key)}\s*=", lines[n]):
            return n + 1
    return start


def _check_url(value: object) -> str | None:
    if not isinstance(value, str):
        return f"{value!r} is not a URL string"
    try:
        parts = urlsplit(value)
    except ValueError as error:  # "http://[::1": an unclosed IPv6 bracket
        return f"{redact_url(value)!r} is not a valid URL ({error})"
    if "@" in parts.netloc:
        # Never echo the password; a crawler cannot send it anyway (and it would end up in logs).
        return f"{redact_url(value)!r} has a user name or password in it: not supported"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{redact_url(value)!r} is not an http(s) URL"
    return None


def _check_domain(value: object) -> str | None:
    try:
        urlsplit("//" + str(value))
    except ValueError as error:
        return f"{value!r} is not a valid domain ({error})"
    return None


def _check_lists(entry: dict) -> tuple[str, str] | None:
    """(message, key) for the first list-valued key that is not a list of good values."""
    for key in (*URL_LISTS, "allowed_domains"):
        value = entry.get(key, [])
        if not isinstance(value, list):
            return f"{key} must be a list, got {type(value).__name__}", key
        checks = map(_check_url if key in URL_LISTS else _check_domain, value)
        errors = [e for e in checks if e]
        if errors:
            return f"{key}: {errors[0]}", key
    return None


def parse_sources(raw: str, path: str = "sources.toml") -> tuple[list[Source], list[SourceProblem]]:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise SourcesFileError(f"{path}: not valid TOML: {error}") from error
    entries = data.get("sources")
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path}: no [[sources]] entries")
    header_lines = _table_lines(raw)
    sources: list[Source] = []
    problems: list[SourceProblem] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        start = header_lines[index] if index < len(header_lines) else None
        name = entry.get("name")
        valid_name = isinstance(name, str) and bool(NAME_PATTERN.match(name))
        label = f"source {name!r}" if valid_name else f"source #{index + 1}"

        def problem(message: str, key: str | None = None, start=start, label=label) -> None:
            line = _key_line(raw, start - 1, key) if (start and key) else start
            problems.append(SourceProblem(path, line, f"{label}: {message}"))

        if not valid_name:
            problem(f"name must be a short id of letters, digits, '-', '_' or '.', got {name!r}", "name")
            continue
        if name in seen:
            problem("the name is used by an earlier source", "name")
            continue
        unknown = sorted(set(entry) - KNOWN_KEYS)
        if unknown:
            problem(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})", unknown[0])
            continue
        error = _check_lists(entry)
        if error:
            problem(*error)
            continue
        if not any(entry.get(key) for key in URL_LISTS):
            problem("needs at least one of feeds, sitemaps or start_urls")
            continue
        private = entry.get("allow_private_addresses", False)
        if not isinstance(private, bool):
            problem(
                f"allow_private_addresses must be true or false, got {private!r}", "allow_private_addresses"
            )
            continue
        seen.add(name)
        sources.append(
            Source(
                name=name,
                feeds=list(entry.get("feeds", [])),
                sitemaps=list(entry.get("sitemaps", [])),
                start_urls=list(entry.get("start_urls", [])),
                allowed_domains=[str(d) for d in entry.get("allowed_domains", [])],
                language=entry.get("language"),
                allow_private_addresses=private,
            )
        )
    return sources, problems


def load_sources(path: str | Path) -> tuple[list[Source], list[SourceProblem]]:
    """Read a sources file: the usable sources, and a problem (with its line) for each entry left out."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise SourcesFileError(f"{path}: no such file") from error
    except UnicodeDecodeError as error:
        raise SourcesFileError(f"{path}: not UTF-8 text ({error})") from error
    return parse_sources(raw, str(path))
