"""The timeline page's queries and labels (the Datasette plugin in web/plugins/ renders them).

Every query reads through an index: the page walks ``idx_events_first_day_id`` (or the type index) in date
order when no narrow filter is given, and starts from the narrowest filter's events otherwise, so a page
costs about the same on the demo and on a million events.

>>> date_label("2025-Q1", "quarter")
'Q1 2025'
>>> safe_url("javascript:alert(1)") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nlp.timex import interval

PAGE_SIZE = 50
# Below this many events a filter drives the query (fetch them, sort); above, walking the date index wins.
NARROW_FILTER = 20_000
EVENT_TYPES = (
    "market_entry",
    "market_exit",
    "launch",
    "regulation",
    "ban",
    "legal",
    "deal",
    "financial",
    "forecast",
    "other",
)
MONTHS = "January February March April May June July August September October November December".split()
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2}),([\w-]{1,64})")


@dataclass
class Filters:
    """The page's URL parameters: ``entity``, ``market``, ``type``, ``since``, ``until``, ``q`` and ``next``."""

    entity: str = ""
    market: str = ""
    event_type: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    after: tuple[str, str] | None = None
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """Read the parameters; a date that is not one is dropped and named in ``problems``."""
        value = {name: (args.get(name) or "").strip()[:200] for name in ("entity", "market", "type", "q")}
        filters = cls(value["entity"], value["market"], value["type"], q=value["q"])
        for name in ("since", "until"):
            text = (args.get(name) or "").strip()
            if text and not (_DATE.fullmatch(text) and interval(text)):
                filters.problems.append(f"{name}: not a date: {text!r} (use 2025, 2025-03 or 2025-03-31)")
            else:
                setattr(filters, name, text)
        if cursor := _CURSOR.fullmatch((args.get("next") or "").strip()):
            filters.after = (cursor[1], cursor[2])
        return filters

    def as_args(self) -> dict[str, str]:
        """The filters as URL parameters, empty ones left out (for links to the next page and the chart)."""
        pairs = [("entity", self.entity), ("market", self.market), ("type", self.event_type)]
        pairs += [("since", self.since), ("until", self.until), ("q", self.q)]
        return {name: value for name, value in pairs if value}

    def membership(self) -> dict[str, tuple[str, dict]]:
        """Filters that pick a set of event ids, each as (SQL selecting ``event_id``, its parameters)."""
        sets = {}
        if self.market:
            sets["market"] = (
                "select event_id from event_markets where market_code in (:market, upper(:market))",
                {"market": self.market},
            )
        if self.entity:
            sets["entity"] = (
                "select event_id from event_entities where entity_id in"
                " (select id from entities where name = :entity collate nocase)",
                {"entity": self.entity},
            )
        if self.q:
            sets["q"] = (
                "select events.id as event_id from events_fts join events on events.rowid = events_fts.rowid"
                " where events_fts match :q",
                {"q": fts_terms(self.q)},
            )
        return sets

    def conditions(self, with_cursor: bool = True) -> tuple[list[str], dict]:
        """Conditions on ``events`` itself: type, dates, the page cursor."""
        where, params = ["events.first_day is not null"], {}
        if self.event_type:
            where.append("events.event_type = :type")
            params["type"] = self.event_type
        if self.since:
            where.append("events.first_day >= :since")
            params["since"] = interval(self.since)[0].isoformat()
        if self.until:
            where.append("events.first_day <= :until")
            params["until"] = interval(self.until)[1].isoformat()
        if with_cursor and self.after:
            where.append("(events.first_day, events.id) > (:after_day, :after_id)")
            params["after_day"], params["after_id"] = self.after
        return where, params


def fts_terms(text: str) -> str:
    """Words to find, each quoted so FTS syntax cannot fail: ``tiktok shop*`` → ``"tiktok" "shop"*``."""
    terms = []
    for word in text.split():
        prefix = word.endswith("*")
        word = word.rstrip("*").replace('"', '""')
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms) or '""'


def set_size_query(sql: str, params: dict) -> tuple[str, dict]:
    """How many events a membership filter picks, counted no further than NARROW_FILTER + 1."""
    return f"select count(*) from ({sql} limit {NARROW_FILTER + 1})", params


def events_query(
    filters: Filters, driving: str | None, columns: str, tail: str, with_cursor: bool = True
) -> tuple[str, dict]:
    """``select {columns} from events ... {tail}`` with every filter, started from the ``driving`` set if any."""
    where, params = filters.conditions(with_cursor)
    sets = filters.membership()
    source = "events"
    if driving:
        # CROSS JOIN keeps SQLite from reordering: the narrow set first, then each event by its key.
        driving_sql, driving_params = sets.pop(driving)
        source = f"({driving_sql}) as chosen cross join events on events.id = chosen.event_id"
        params.update(driving_params)
    for sql, set_params in sets.values():
        where.append(f"events.id in ({sql})")
        params.update(set_params)
    return f"select {columns} from {source} where {' and '.join(where)} {tail}", params


def page_query(filters: Filters, driving: str | None, limit: int = PAGE_SIZE) -> tuple[str, dict]:
    columns = "events.id, events.event_date, events.date_precision, events.date_end, events.event_type,"
    columns += " events.summary, events.source_count, events.mention_count, events.first_day"
    return events_query(filters, driving, columns, f"order by events.first_day, events.id limit {limit + 1}")


def chart_query(filters: Filters, driving: str | None) -> tuple[str, dict]:
    """Events per month and type over every page (events known only to the quarter or year apart)."""
    columns = "substr(events.first_day, 1, 7) as month, events.event_type,"
    columns += " events.date_precision in ('day', 'week', 'month') as dated_to_month, count(*) as events"
    return events_query(filters, driving, columns, "group by 1, 2, 3 order by 1, 2", with_cursor=False)


def details_queries(event_ids: list[str]) -> dict[str, tuple[str, list]]:
    """Actors, markets and source articles of the events on one page."""
    marks = ", ".join("?" for _ in event_ids)
    return {
        "actors": (
            "select distinct event_entities.event_id, entities.name from event_entities"
            f" join entities on entities.id = event_entities.entity_id where event_entities.event_id in ({marks})"
            " order by entities.name",
            event_ids,
        ),
        "markets": (
            "select event_markets.event_id, event_markets.market_code, markets.name from event_markets"
            " left join markets on markets.code = event_markets.market_code"
            f" where event_markets.event_id in ({marks}) order by event_markets.market_code",
            event_ids,
        ),
        "sources": (
            "select distinct event_mentions.event_id, articles.id, articles.url, articles.title, articles.source,"
            " articles.published_at, articles.duplicate_of from event_mentions"
            f" join articles on articles.id = event_mentions.article_id where event_mentions.event_id in ({marks})"
            " order by articles.published_at, articles.id",
            event_ids,
        ),
    }


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None: a ``javascript:`` URL never becomes a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def date_label(event_date: str, precision: str | None, date_end: str | None = None) -> str:
    """The date as precisely as it is known: '14 September 2025', 'September 2025', 'Q1 2025', '2025'."""
    label = _one_date_label(event_date)
    if date_end:
        return f"{label} – {_one_date_label(date_end)}"
    return label


def _one_date_label(value: str) -> str:
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        return f"{int(m[3])} {MONTHS[int(m[2]) - 1]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        return f"{MONTHS[int(m[2]) - 1]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return f"Q{m[2]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        span = interval(value)
        return f"week {int(m[2])} of {m[1]} ({span[0]:%-d %b} – {span[1]:%-d %b})"
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
        return f"{dict(SP='spring', SU='summer', FA='autumn', WI='winter')[m[2]]} {m[1]}"
    return value


def group_label(first_day: str, precision: str | None) -> str:
    """The month heading an event sits under; events known only to the quarter or year get their own."""
    year, month = first_day[:4], int(first_day[5:7])
    if precision == "year":
        return f"{year}, date known to the year"
    if precision == "quarter":
        return f"Q{(month - 1) // 3 + 1} {year}, date known to the quarter"
    return f"{MONTHS[month - 1]} {year}"
