"""`timeline ingest`: articles from JSON Lines (our field names, or news-please's)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.store import ArticleRecord, Store, parse_timestamp, utc_now

# Our field name first, then the names news-please and similar tools write.
FIELD_NAMES = {
    "url": ("url",),
    "title": ("title",),
    "text": ("text", "maintext"),
    "published": ("published", "published_at", "date_publish"),
    "source": ("source", "source_domain"),
    "language": ("language",),
    "canonical_url": ("canonical_url",),
    "author": ("author", "authors"),
}
BATCH_SIZE = 500


class IngestError(Exception):
    """The input file cannot be read at all."""


@dataclass
class IngestResult:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def _field(row: dict, name: str):
    for key in FIELD_NAMES[name]:
        value = row.get(key)
        if value not in (None, "", []):
            return value
    return None


def record_from_row(row: object) -> ArticleRecord:
    """One JSON object as an ArticleRecord; ValueError says what is wrong with it."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {type(row).__name__}")
    url, text = _field(row, "url"), _field(row, "text")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"missing or invalid 'url' ({url!r})")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing 'text' (or news-please 'maintext')")
    published = _field(row, "published")
    published_at = None
    if published is not None:
        parsed = parse_timestamp(str(published).replace(" ", "T", 1))
        if parsed is None:
            raise ValueError(f"unreadable publication date {published!r}")
        published_at = str(published).replace(" ", "T", 1)
    author = _field(row, "author")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    return ArticleRecord(
        url=url,
        source=str(_field(row, "source") or urlsplit(url).hostname),
        text=text.strip(),
        title=_field(row, "title"),
        canonical_url=_field(row, "canonical_url"),
        published_at=published_at,
        published_from="ingest" if published_at else None,
        language=_field(row, "language"),
        author=author,
        fetched_at=str(row.get("date_download") or utc_now()),
    )


def read_jsonl(path: Path) -> Iterator[tuple[int, ArticleRecord | None, str | None]]:
    """(line number, record, problem) for each non-blank line of ``path``."""
    try:
        # JSON Lines ends lines with "\n" (a "\r" before it is whitespace); a lone "\r" splits nothing.
        handle = path.open(encoding="utf-8", newline="\n")
    except OSError as error:
        raise IngestError(f"{path}: cannot read: {error.strerror}") from error
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield number, record_from_row(json.loads(line)), None
                except json.JSONDecodeError as error:
                    yield number, None, f"not valid JSON ({error.msg} at column {error.colno})"
                except ValueError as error:
                    yield number, None, str(error)
        except UnicodeDecodeError as error:
            raise IngestError(f"{path}: not UTF-8 text ({error})") from error


def ingest_file(store: Store, path: str | Path) -> IngestResult:
    path = Path(path)
    result = IngestResult()
    batch: list[ArticleRecord] = []

    def flush() -> None:
        for outcome in store.add_articles(batch):
            if outcome.status == "new":
                result.new += 1
            else:
                result.duplicates += 1
        batch.clear()

    for number, record, problem in read_jsonl(path):
        result.read += 1
        if record is None:
            result.problems.append(f"{path}:{number}: {problem} (line skipped)")
            continue
        batch.append(record)
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    return result
