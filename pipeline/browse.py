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
from datetime import date
from urllib.parse import urlsplit

from nlp.event_types import EVENT_TYPES as EVENT_TYPES  # re-exported: the page lists the types in this order
from nlp.timex import interval

PAGE_SIZE = 50
# Below this many events a filter drives the query (fetch them, sort); above, walking the date index wins.
NARROW_FILTER = 20_000
# The page counts the events that match up to this many.
COUNT_CAP = 1_000
MONTHS = "January February March April May June July August September October November December".split()
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_CURSOR = re.compile(r"(\d{4}-\d{2}-\d{2}),([\w-]{1,64})")


def _is_date(text: str) -> bool:
    """Whether ``text`` is a year, month or day that exists: ``2025-13`` and ``2024-02-30`` are not."""
    try:
        return bool(_DATE.fullmatch(text) and interval(text))
    except ValueError:
        return False


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
            if text and not _is_date(text):
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

    def membership(self, entity_ids: list[int]) -> dict[str, tuple[str, str, dict]]:
        """Filters that pick a set of events, each as (SQL selecting its ``event_id`` values, a condition on
        ``events`` for when another filter drives the query, parameters). ``entity_ids``: the entity's ids."""
        sets = {}
        if self.market:
            market = "market_code in (:market, upper(:market))"
            sets["market"] = (
                f"select event_id from event_markets where {market}",
                f"exists (select 1 from event_markets where event_id = events.id and {market})",
                {"market": self.market},
            )
        if self.entity:
            names = {f"entity_{n}": entity_id for n, entity_id in enumerate(entity_ids)}
            chosen = f"entity_id in ({', '.join(':' + name for name in names) or 'null'})"
            sets["entity"] = (
                f"select distinct event_id from event_entities where {chosen}",
                f"exists (select 1 from event_entities where event_id = events.id and {chosen})",
                names,
            )
        if self.q:
            sets["q"] = (
                "select events.id as event_id from events_fts join events on events.rowid = events_fts.rowid"
                " where events_fts match :q",
                "events.rowid in (select rowid from events_fts where events_fts match :q)",
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


ENTITY_IDS_SQL = "select id from entities where name = :entity collate nocase"


def set_size_query(sql: str, params: dict) -> tuple[str, dict]:
    """How many events a membership filter picks, counted no further than NARROW_FILTER + 1."""
    return f"select count(*) from ({sql} limit {NARROW_FILTER + 1})", params


@dataclass
class Plan:
    """How to read the events the filters pick: ``entity_ids`` are the entity's ids (its name looked up
    once), ``driving`` names the narrow membership filter to start from, or None to walk the date index."""

    filters: Filters
    entity_ids: list[int] = field(default_factory=list)
    driving: str | None = None
    # The membership filter with the fewest events, whatever their number: the chart reads them all.
    smallest: str | None = None

    def events_query(self, columns: str, tail: str, with_cursor: bool = True) -> tuple[str, dict]:
        """``select {columns} from events ... {tail}`` with every filter.

        Without a driving set SQLite walks the date index and checks the other filters row by row
        (``exists`` on a primary key), which finds a page of a broad filter after a few hundred rows.
        """
        where, params = self.filters.conditions(with_cursor)
        sets = self.filters.membership(self.entity_ids)
        source = "events"
        if self.driving:
            # CROSS JOIN keeps SQLite from reordering: the narrow set first, then each event by its key.
            driving_sql, _, driving_params = sets.pop(self.driving)
            source = f"({driving_sql}) as chosen cross join events on events.id = chosen.event_id"
            params.update(driving_params)
        for _, condition, set_params in sets.values():
            where.append(condition)
            params.update(set_params)
        return f"select {columns} from {source} where {' and '.join(where)} {tail}", params

    def page_query(self, limit: int = PAGE_SIZE) -> tuple[str, dict]:
        columns = "events.id, events.event_date, events.date_precision, events.date_end, events.event_type,"
        columns += " events.summary, events.source_count, events.mention_count, events.first_day"
        return self.events_query(columns, f"order by events.first_day, events.id limit {limit + 1}")

    def chart_query(self) -> tuple[str, dict]:
        """Events per day, type and precision over every page, for the chart (summed by month in Python).

        Grouped in the order of ``idx_events_first_day_type_precision``, so SQLite streams the groups from
        the index without sorting.
        """
        columns = "events.first_day, events.event_type, events.date_precision, count(*) as events"
        tail = "group by events.first_day, events.event_type, events.date_precision"
        every_match = Plan(self.filters, self.entity_ids, self.smallest, self.smallest)
        return every_match.events_query(columns, tail, with_cursor=False)

    def count_query(self) -> tuple[str, dict]:
        """How many events match, counted no further than COUNT_CAP + 1 (the page says "more than")."""
        sql, params = self.events_query("1", f"limit {COUNT_CAP + 1}", with_cursor=False)
        return f"select count(*) from ({sql})", params


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
    """One date's label; a value that is no real date (``2025-13``, ``2025-W53``) is shown as it is."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value):
        try:
            date(int(m[1]), int(m[2]), int(m[3] or 1))
        except ValueError:
            return value
        month = f"{MONTHS[int(m[2]) - 1]} {m[1]}"
        return f"{int(m[3])} {month}" if m[3] else month
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        return f"Q{m[2]} {m[1]}"
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        try:
            span = interval(value)
        except ValueError:  # a week the year does not have, such as 2025-W53
            return value
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
