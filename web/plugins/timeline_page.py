"""Newsline's timeline page for Datasette: ``/-/timeline`` and its chart ``/-/timeline/chart.svg``.

Filters are URL parameters (``entity``, ``market``, ``type``, ``since``, ``until``, ``q``; ``next`` pages on),
so a filtered timeline is a link to share. The queries are in ``pipeline.browse``.
"""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict, defaultdict
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from pipeline.browse import (
    COUNT_CAP,
    ENTITY_IDS_SQL,
    EVENT_TYPES,
    NARROW_FILTER,
    PAGE_SIZE,
    Filters,
    Plan,
    date_label,
    details_queries,
    group_label,
    safe_url,
    set_size_query,
)

TYPE_COLOURS = dict(
    zip(
        EVENT_TYPES,
        "#1b9e77 #d95f02 #7570b3 #e7298a #a6761d #e6ab02 #66a61e #1f78b4 #b15928 #999999".split(),
        strict=True,
    )
)
# Counting the matches is a courtesy: it gets a short time limit and the page goes on without it.
COUNT_TIME_LIMIT_MS = 150
# Charts already drawn, by filters and the database files' state: a write (the cron job) changes the key.
CHART_CACHE: OrderedDict[tuple, dict] = OrderedDict()
CHART_CACHE_SIZE = 64


async def make_plan(db, filters: Filters) -> Plan:
    """Look the entity up once and pick the membership filter to start from: the one with the fewest
    events, if it has few enough; else None (walk the date index)."""
    entity_ids = []
    if filters.entity:
        entity_ids = [row[0] for row in (await db.execute(ENTITY_IDS_SQL, {"entity": filters.entity})).rows]
    plan = Plan(filters, entity_ids)
    sizes = {}
    for name, (sql, _, params) in filters.membership(entity_ids).items():
        sizes[name] = (await db.execute(*set_size_query(sql, params))).first()[0]
    if sizes:
        plan.smallest = min(sizes, key=sizes.get)
        if sizes[plan.smallest] <= NARROW_FILTER:
            plan.driving = plan.smallest
    return plan


def chart_cache_key(db, filters: Filters) -> tuple:
    state = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(db.path + suffix)
            state.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            state.append(None)
    return (db.path, tuple(sorted(filters.as_args().items())), tuple(state))


async def load_page(db, filters: Filters) -> tuple[list[dict], str | None, int | None]:
    """The events of one page with their actors, markets and sources; the next page's cursor; the total
    (None when counting would take too long)."""
    plan = await make_plan(db, filters)
    rows = [dict(row) for row in (await db.execute(*plan.page_query())).rows]
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    cursor = f"{last['first_day']},{last['id']}" if last else None
    events = rows[:PAGE_SIZE]
    total = CHART_CACHE.get(chart_cache_key(db, filters), {}).get("total")
    if total is None:
        try:
            counted = await db.execute(*plan.count_query(), custom_time_limit=COUNT_TIME_LIMIT_MS)
            total = counted.first()[0]
        except QueryInterrupted:
            total = None
    if events:
        found = defaultdict(lambda: defaultdict(list))
        for part, (sql, params) in details_queries([e["id"] for e in events]).items():
            for row in (await db.execute(sql, params)).rows:
                found[row[0]][part].append(dict(row))
        for event in events:
            event.update(found[event["id"]])
    return events, cursor, total


def decorate(datasette, database: str, events: list[dict], filters: Filters) -> list[dict]:
    """Labels and links for the template (text stays text: the template escapes it)."""
    urls = datasette.urls
    groups: list[dict] = []
    for event in events:
        event["date_label"] = date_label(event["event_date"], event["date_precision"], event["date_end"])
        event["colour"] = TYPE_COLOURS.get(event["event_type"], "#999999")
        event["row_url"] = urls.row(database, "events", tilde_encode(event["id"]))
        event["sources_url"] = (
            urls.query(database, "event_sources") + "?" + urlencode({"event_id": event["id"]})
        )
        for source in event.get("sources", []):
            source["href"] = safe_url(source["url"])
            source["row_url"] = urls.row(database, "articles", tilde_encode(source["id"]))
        for actor in event.get("actors", []):
            actor["filter_url"] = page_url(datasette, {**filters.as_args(), "entity": actor["name"]})
        for market in event.get("markets", []):
            market["filter_url"] = page_url(datasette, {**filters.as_args(), "market": market["market_code"]})
        year, label = event["first_day"][:4], group_label(event["first_day"], event["date_precision"])
        if not groups or groups[-1]["year"] != year:
            groups.append({"year": year, "months": []})
        months = groups[-1]["months"]
        if not months or months[-1]["label"] != label:
            months.append({"label": label, "events": []})
        months[-1]["events"].append(event)
    return groups


def page_url(datasette, args: dict[str, str], path: str = "-/timeline") -> str:
    query = urlencode({name: value for name, value in args.items() if value})
    return datasette.urls.path(path) + (f"?{query}" if query else "")


async def timeline_page(datasette, request):
    db = datasette.get_database()
    filters = Filters.from_args(request.args)
    problems, events, cursor, total = list(filters.problems), [], None, None
    try:
        events, cursor, total = await load_page(db, filters)
    except QueryInterrupted:
        problems.append(
            "These filters took longer than the time limit: narrow them (a market, an entity, dates)."
        )
    except sqlite3.OperationalError as error:
        problems.append(f"The query failed: {error}")
    markets = [
        dict(row)
        for row in (await db.execute("select code, name, kind from markets order by kind, name")).rows
    ]
    context = {
        "filters": filters,
        "event_types": EVENT_TYPES,
        "type_colours": TYPE_COLOURS,
        "markets": markets,
        "groups": decorate(datasette, db.name, events, filters),
        "shown": len(events),
        "total": total,
        "count_cap": COUNT_CAP,
        "problems": problems,
        "next_url": page_url(datasette, {**filters.as_args(), "next": cursor}) if cursor else None,
        "first_url": page_url(datasette, filters.as_args()) if filters.after else None,
        "chart_url": page_url(datasette, filters.as_args(), "-/timeline/chart.svg"),
        "chart_table_url": datasette.urls.query(db.name, "monthly_counts_by_type")
        + "?"
        + urlencode({"since": filters.since, "until": filters.until}),
        "clear_url": datasette.urls.path("-/timeline"),
        "database": db.name,
    }
    return Response.html(await datasette.render_template("timeline.html", context, request=request))


async def timeline_chart(datasette, request):
    db = datasette.get_database()
    filters = Filters.from_args(request.args)
    key = chart_cache_key(db, filters)
    context = CHART_CACHE.get(key)
    if context is None:
        context = {"bars": [], "legend": [], "message": "", "coarse": 0}
        try:
            plan = await make_plan(db, filters)
            context.update(chart_layout((await db.execute(*plan.chart_query())).rows))
            CHART_CACHE[key] = context
            while len(CHART_CACHE) > CHART_CACHE_SIZE:
                CHART_CACHE.popitem(last=False)
        except QueryInterrupted:
            context["message"] = "Too many events to count within the time limit: narrow the filters."
        except sqlite3.OperationalError as error:
            context["message"] = f"The query failed: {error}"
    svg = await datasette.render_template("timeline_chart.svg", context, request=request)
    return Response(svg, content_type="image/svg+xml; charset=utf-8")


def chart_layout(rows, width: int = 900, height: int = 150) -> dict:
    """Stacked bars of events per month (per year beyond ten years of months), coloured by type."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    coarse = total = 0
    for first_day, event_type, precision, events in rows:
        total += events
        if precision in ("day", "week", "month"):
            counts[first_day[:7]][event_type] += events
        else:
            coarse += events
    if not counts:
        return {"message": "No events dated to the month match.", "coarse": coarse, "total": total}
    months = _month_range(min(counts), max(counts))
    by_year = len(months) > 120
    buckets: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month in months:
        for event_type, events in counts.get(month, {}).items():
            buckets[month[:4] if by_year else month][event_type] += events
    keys = sorted({month[:4] for month in months}) if by_year else months
    peak = max(sum(bucket.values()) for bucket in buckets.values())
    step = (width - 40) / len(keys)
    present = {event_type for bucket in buckets.values() for event_type in bucket}
    types = [t for t in EVENT_TYPES if t in present] + sorted(present - set(EVENT_TYPES))
    bars = []
    for index, key in enumerate(keys):
        y = height
        for event_type in types:
            events = buckets.get(key, {}).get(event_type, 0)
            if not events:
                continue
            bar_height = max(1.0, events / peak * (height - 10))
            y -= bar_height
            bars.append(
                {
                    "x": round(40 + index * step, 1),
                    "y": round(y, 1),
                    "width": round(max(step - 1, 1), 1),
                    "height": round(bar_height, 1),
                    "colour": TYPE_COLOURS.get(event_type, "#999999"),
                    "title": f"{key}: {events} {event_type}",
                }
            )
    legend = [{"type": t, "colour": TYPE_COLOURS.get(t, "#999999")} for t in types]
    return {
        "bars": bars,
        "legend": legend,
        "peak": peak,
        "first": keys[0],
        "last": keys[-1],
        "unit": "year" if by_year else "month",
        "coarse": coarse,
        "total": total,
    }


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@hookimpl
def register_routes():
    return [
        (r"^/-/timeline$", timeline_page),
        (r"^/-/timeline/chart\.svg$", timeline_chart),
    ]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("-/timeline"), "label": "Timeline"}]


@hookimpl
def extra_css_urls(template, datasette):
    if template == "timeline.html":
        return [datasette.urls.path("static/timeline.css")]
    return []
