"""`timeline export`: the timeline as CSV, JSON or the JSON that Knight Lab's TimelineJS reads.

>>> # doctest: +SKIP
>>> export_events(db, "timelinejs", market="JP", since="2025")
"""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass

import sqlite_utils

from nlp.timex import interval
from pipeline.browse import safe_url
from pipeline.timeline import top_order

FORMATS = ("csv", "json", "timelinejs")


class ExportError(Exception):
    """A filter that cannot be applied (a date that is not a date)."""


@dataclass
class Filters:
    entity: str | None = None
    market: str | None = None
    event_type: str | None = None
    since: str | None = None
    until: str | None = None
    top: int | None = None  # only the most important events (as the `top_events` query ranks them)


def _bound(value: str | None, end: bool):
    if not value:
        return None
    span = interval(value)
    if span is None:
        raise ExportError(f"not a date: {value!r} (use 2025, 2025-03 or 2025-03-31)")
    return span[1] if end else span[0]


def select_events(db: sqlite_utils.Database, filters: Filters) -> list[dict]:
    """Events in date order with their actors, markets and source articles, filtered."""
    since, until = _bound(filters.since, end=False), _bound(filters.until, end=True)
    where, params = [], []
    if filters.event_type:
        where.append("events.event_type = ?")
        params.append(filters.event_type)
    if filters.market:
        where.append("events.id in (select event_id from event_markets where market_code = ?)")
        params.append(filters.market)
    if filters.entity:
        where.append(
            "events.id in (select event_id from event_entities join entities on entities.id = entity_id"
            " where entities.name = ? collate nocase)"
        )
        params.append(filters.entity)
    sql = (
        "select * from events"
        + (" where " + " and ".join(where) if where else "")
        + " order by event_date, id"
    )
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = []
    for event in cursor.fetchall():
        row = dict(zip(columns, event, strict=True))
        span = interval(row["event_date"], row["date_end"])
        if not (span and ((since and span[1] < since) or (until and span[0] > until))):
            rows.append(row)
    if filters.top is not None:
        # The events the news cared most about, then back in date order: a timeline an editor would publish
        # (chosen before their details are read: `--top 20` of a large archive reads twenty events' sources).
        kept = {r["id"] for r in sorted(rows, key=top_order)[: filters.top]}
        rows = [r for r in rows if r["id"] in kept]
    for row in rows:
        row["actors"] = [
            r[0]
            for r in db.execute(
                "select name from event_entities join entities on entities.id = entity_id where event_id = ?"
                " order by name",
                [row["id"]],
            )
        ]
        row["markets"] = [
            r[0]
            for r in db.execute(
                "select market_code from event_markets where event_id = ? order by 1", [row["id"]]
            )
        ]
        row["sources"] = [
            {"url": r[0], "title": r[1], "source": r[2], "published_at": r[3]}
            for r in db.execute(
                "select distinct a.url, a.title, a.source, a.published_at from event_mentions m"
                " join articles a on a.id = m.article_id where m.event_id = ? order by a.published_at, a.url",
                [row["id"]],
            )
        ]
    return rows


def _timelinejs_date(value: str) -> dict:
    """TimelineJS wants {"year": ..., "month": ..., "day": ...} at the precision known."""
    span = interval(value)
    parts = {"year": str(span[0].year)}
    if len(value) >= 7 and value[4] == "-" and value[5:7].isdigit():
        parts["month"] = str(span[0].month)
    if len(value) == 10:
        parts["day"] = str(span[0].day)
    return parts


def _source_link(source: dict) -> str:
    """One source as TimelineJS HTML: its title linked to its page (only a web address becomes a link: a
    crawled "javascript:" address is shown as text), then its outlet."""
    url, title = safe_url(source["url"]), html.escape(source["title"] or source["url"] or "")
    if url:
        title = f'<a href="{html.escape(url)}">{title}</a>'
    return f"{title} ({html.escape(source['source'] or '')})"


def export_events(db: sqlite_utils.Database, output_format: str, filters: Filters | None = None) -> str:
    events = select_events(db, filters or Filters())
    if output_format == "json":
        return json.dumps(events, ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        columns = ["event_date", "date_precision", "date_end", "event_type", "summary", "actors", "markets"]
        columns += [
            "source_count",
            "mention_count",
            "first_reported",
            "confidence",
            "importance",
            "sources",
            "id",
        ]
        writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for event in events:
            writer.writerow(
                {
                    **event,
                    "actors": "; ".join(event["actors"]),
                    "markets": ", ".join(event["markets"]),
                    "sources": " ".join(s["url"] for s in event["sources"]),
                }
            )
        return buffer.getvalue()
    if output_format == "timelinejs":
        slides = []
        for event in events:
            # TimelineJS shows these fields as HTML: a crawled title or sentence is text, never markup.
            links = "".join(f"<li>{_source_link(source)}</li>" for source in event["sources"])
            slide = {
                "unique_id": event["id"],
                "start_date": _timelinejs_date(event["event_date"]),
                "text": {"headline": html.escape(event["summary"][:140]), "text": f"<ul>{links}</ul>"},
                "group": event["event_type"],
            }
            if event["date_end"]:
                slide["end_date"] = _timelinejs_date(event["date_end"])
            slides.append(slide)
        document = {"title": {"text": {"headline": "Newsline timeline", "text": f"{len(slides)} events"}}}
        document["events"] = slides
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    raise ExportError(f"unknown format {output_format!r} (one of {', '.join(FORMATS)})")
