"""The event merge: candidates of one real-world fact, from many articles, become one event.

Two candidates are the same event when their dates are compatible (equal at the coarser precision), their
types agree (or are close: a ban and the market exit it causes), they share an actor (or one names the
other's) or a place, and their sentences say the same thing (shared content words, rare words weighing
more) or use the same trigger. Candidates are taken finest date first, so "in June" joins the event that
a "June 19" already made instead of standing beside it, in a fixed order, so the timeline does not depend
on the order in which articles arrived. Candidates fall into groups of years that never meet; a merge
takes again only the groups whose candidates changed since the last one (a log kept by triggers says
which) and writes only the rows that differ, so re-running it changes nothing and it gives the timeline
a merge of everything gives. An event's id follows its first report, so it holds as reports arrive.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import repeat

import sqlite_utils

from nlp.date_anaphora import is_offset
from nlp.event_types import family_words, trigger_family
from nlp.timex import PRECISION_ORDER, interval

CLOSE_TYPES = {
    frozenset({"ban", "market_exit"}),
    frozenset({"ban", "regulation"}),
    frozenset({"launch", "market_entry"}),
}
# Shared content words (Jaccard) from which two sentences say the same thing, when triggers differ.
TEXT_SIMILARITY = 0.12
# ... and from which two sentences of different types on the same day report one fact.
DIFFERENT_TYPE_SIMILARITY = 0.25
# ... or the words around their dates (their own clauses), alike from this share.
NEAR_SIMILARITY = 0.2
NEAR_CHARACTERS = 70
# ... and from which they report one fact even with no actor or place in common.
UNRELATED_SIMILARITY = 0.3
# ... and from which two sentences of one article restate one fact.
SAME_ARTICLE_SIMILARITY = 0.1
# ... and from which two same-day sentences that share only a place report one fact.
PLACE_ONLY_SIMILARITY = 0.03
# ... and from which an untyped mention joins a fact of any type.
OTHER_SIMILARITY = 0.2
# ... and from which two untyped mentions of one actor report one fact (a blowout one outlet says "blew
# out" and another "tore away": different verbs, few words in common beyond the actor's).
OTHER_ACTOR_SIMILARITY = 0.1
OTHER = "other"
FORECAST = "forecast"
# What an article that recalls a fact further down adds to its importance (one that leads with it adds 1):
# it takes five recalls to weigh as one story written about the fact. Background that many stories recall in
# a line ("Russian troops crossed into Ukraine on Feb. 24", "the bank's 2020 lawsuit") is not what an editor
# puts at the top of the story's timeline; the stories' own facts are.
RECALL_WEIGHT = 0.2
# Types whose place is the fact itself: the same move in two countries is two facts.
PLACE_TYPES = {"market_entry", "market_exit", "launch", "ban"}
# Types whose place alone can tie a coarse mention to a fact (a country's rule too; not a company's result).
PLACE_FACTS = PLACE_TYPES | {"regulation"}
STOPWORDS = set(
    "a an the of in on at to for from by with and or but as is are was were be been has have had it its this that "
    "these those which who whom whose will would said says say after before over under into about than more most "
    "also not no new its their they he she his her we our you your".split()
)
# Words of the date itself: two mentions' dates are compared as dates, not as shared words.
DATE_WORDS = set(
    "january february march april may june july august september october november december jan feb mar apr "
    "jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today yesterday "
    "tomorrow week weeks month months year years day days last next earlier later early mid late end "
    "quarter spring summer autumn fall winter".split()
)


@dataclass(slots=True)  # hundreds of thousands of them in a large merge
class Member:
    id: str
    article_id: str
    source: str
    independent: bool  # not a syndicated copy or duplicate
    published_at: str | None
    sentence: str
    event_date: str
    precision: str
    date_end: str | None
    event_type: str
    trigger: str
    actors: list[str]
    markets: list[str]
    confidence: float
    words: set[str] = field(default_factory=set)
    position: int = 0  # where its sentence starts in the article's text
    offsets: tuple = (None, None, None)  # its sentence's start and end, and its date's text, as stored
    # The words around its date (the fact's own clause, more than the sentence's background).
    near: set[str] = field(default_factory=set)
    # Derived once: the merge compares them many times.
    places: set[str] = field(init=False)
    sectors: set[str] = field(init=False)
    actor_keys: set[str] = field(init=False)
    family: str = field(init=False)  # its trigger's family: "started" and "began" are told with one verb
    span: tuple[date, date] | None = field(init=False)
    weight: float = field(init=False, default=0.0)  # the summed rarity of its words, set by the merge
    # Its actors and every other candidate's actor its sentence names ("TikTok Shop stopped..." names
    # TikTok), set by the merge: two mentions share an actor when one's actors meet the other's names.
    names: set[str] = field(init=False, default_factory=set)
    told: set[str] = field(init=False, default_factory=set)  # families of the trigger words its sentence says
    # Dated by counting from another date of its sentence ("a day after it said ..."): a fact recalled beside
    # the sentence's own, never what an article leads with.
    counted: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.places = {m for m in self.markets if m[:1].isupper()}
        self.sectors = {m for m in self.markets if m[:1].islower()}
        self.actor_keys = {a.strip().casefold() for a in self.actors if a.strip()}
        self.family = trigger_family(self.trigger)
        self.span = _span(self.event_date, self.date_end)
        words = _family_words()
        self.told = {words[w] for w in self.words if w in words}
        self.counted = is_offset(self.offsets[2] or "")


# An actor that is a common noun ("the agency") is looked for in other sentences while at most this many
# sentences of its group of years say it.
COMMON_NOUN_SENTENCES = 50
# A newcomer is compared with at most this many clusters of each of its blocks (the latest ones)...
BLOCK_LIMIT = 30
# ... and with at most this many members of a cluster (the latest ones).
MAX_COMPARED_MEMBERS = 25


@dataclass
class Cluster:
    members: list[Member] = field(default_factory=list)
    latest_start: date | None = None  # every member's span overlaps [latest_start, earliest_end]
    earliest_end: date | None = None

    def add(self, member: Member, span: tuple[date, date]) -> None:
        self.members.append(member)
        self.latest_start = span[0] if self.latest_start is None else max(self.latest_start, span[0])
        self.earliest_end = span[1] if self.earliest_end is None else min(self.earliest_end, span[1])


SUFFIXES = ("ings", "ing", "ed", "es", "s")
WORD = re.compile(r"[a-z0-9]+")


_span = lru_cache(maxsize=100_000)(interval)  # many candidates share a date


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """A crude stem, enough for "opened", "opening" and "opens" to count as one word."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def _family_words() -> dict[str, str]:
    """The stem of each one-word trigger of a family -> the family ("election" -> "elect")."""
    return {_stem(word): family for word, family in family_words().items() if " " not in word}


def _is_year(word: str) -> bool:
    return len(word) == 4 and word[:2] in ("19", "20") and word.isdigit()


def _near_words(sentence: str, at: int) -> set[str]:
    """The content words of ``sentence`` within NEAR_CHARACTERS of ``at`` (where its date starts)."""
    return _content_words(sentence[max(0, at - NEAR_CHARACTERS) : at + NEAR_CHARACTERS])


def _content_words(sentence: str) -> set[str]:
    keys = _CONTENT_KEYS
    words = set(WORD.findall(sentence.lower()))
    if len(keys) > 500_000:  # a bounded cache: a large merge meets many rare words once
        keys.clear()
    # A dict read per word (the merge reads hundreds of thousands of sentences); new words are worked out.
    found = {keys.get(word) or keys.setdefault(word, _content_key(word) or "\0") for word in words}
    found.discard("\0")
    return found


_CONTENT_KEYS: dict[str, str] = {}  # word -> its stem, or "\0" for a word that says nothing of the fact


def _content_key(word: str) -> str:
    """The stem a word counts as, or "" for a word that says nothing of the fact (short, common, a date)."""
    if len(word) <= 2 or word in STOPWORDS or word in DATE_WORDS or _is_year(word):
        return ""
    return _stem(word)


class ActorIndex:
    """Every candidate's actors, to find those a sentence names, whether or not the parse made them actors.

    A name is found as a whole word ("Arm" in "Arm's shares", not in "warm"), casefolded; names of two
    letters or fewer are too ambiguous to find in running text. An actor the parse took from a common noun
    ("the company", "the agency") is looked for too, but only while few sentences say it: in a large
    archive "company" is in every other sentence and names no one (and would make one block of them all).
    """

    def __init__(self, members: list[Member]) -> None:
        self.by_words: dict[tuple[str, ...], set[str]] = defaultdict(set)  # a name's words -> the names
        self.lengths: dict[str, set[int]] = defaultdict(set)  # a name's first word -> its lengths in words
        self.unindexed: set[str] = set()  # names with no word character
        spelled = {actor.strip() for member in members for actor in member.actors}
        proper = {name.casefold() for name in spelled if not name.islower()}
        self.common = {name.casefold() for name in spelled if name.islower()} - proper
        for key in {key for member in members for key in member.actor_keys if len(key) > 2}:
            words = tuple(NAME_WORD.findall(key))
            if words:
                self.by_words[words].add(key)
                self.lengths[words[0]].add(len(words))
            else:
                self.unindexed.add(key)

    def named_in(self, folded: str) -> set[str]:
        words = NAME_WORD.findall(folded)
        keys = set(self.unindexed)
        for start, word in enumerate(words):
            for length in self.lengths.get(word, ()):
                keys |= self.by_words.get(tuple(words[start : start + length]), set())
        # The words found, now the name itself as a whole word ("at&t" is not "at t").
        return {key for key in keys if key in folded and _name_pattern(key).search(folded)}


NAME_WORD = re.compile(r"\w+")


@lru_cache(maxsize=100_000)
def _name_pattern(key: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(key)}\b")


def _types_agree(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in CLOSE_TYPES


def _rarity(members: list[Member]) -> dict[str, float]:
    """Each word's inverse document frequency over the candidates: "ceremony" says more than "tiktok"."""
    counts = Counter(word for member in members for word in member.words)
    total = max(1, len(members))
    return {word: math.log(1 + total / count) for word, count in counts.items()}


def _weighted_jaccard(common: set[str], weight_a: float, weight_b: float, rarity: dict[str, float]) -> float:
    """Jaccard of two word sets, rare words weighing more: ``common`` their shared words, ``weight_a`` and
    ``weight_b`` each set's summed rarity."""
    shared = _weight(common, rarity)
    union = weight_a + weight_b - shared
    return shared / union if union > 0 else 0.0


def _similarity(a: Member, b: Member, rarity: dict[str, float]) -> float:
    """Weighted Jaccard of two sentences' content words (their summed rarity kept by the merge)."""
    return _weighted_jaccard(a.words & b.words, a.weight, b.weight, rarity)


def _near_similarity(a: Member, b: Member, rarity: dict[str, float]) -> float:
    """Weighted Jaccard of the words around two mentions' dates."""
    common = a.near & b.near
    if not common:
        return 0.0
    return _weighted_jaccard(common, _weight(a.near, rarity), _weight(b.near, rarity), rarity)


def _weight(words: set[str], rarity: dict[str, float]) -> float:
    """The summed rarity of ``words``."""
    return sum(map(rarity.get, words, repeat(1.0)))


def _same_fact(member: Member, cluster: Cluster, rarity: dict[str, float]) -> float:
    """A score above 0 when ``member`` reports the fact of ``cluster``; higher is a better match.

    Every member of the cluster must have a compatible date. Then, with one member that shares an actor (or
    names it), a place, or most of its words (and, for entries, exits, launches and bans, names no other
    place): the same type on the same day is enough, and so is the same type from a coarser date ("in
    October" joining "on 4 October"; not when the two name different countries; with only a place in common,
    for market moves and rules alone);
    otherwise the same type needs the same trigger or similar words, different types need the same day and
    clearly similar words (or, from a coarser date, the same actor and like words or verb, unless one is a
    forecast), and an untyped mention similar words.
    Two sentences of one article are one fact only when they restate it (same type, and like words or the
    same verb): an article that tells its fact "on Friday" tells another of that week with other words.
    """
    span = member.span
    if span is None or span[0] > cluster.earliest_end or cluster.latest_start > span[1]:
        return 0.0  # some member's date cannot be this one's
    best = 0.0
    for other in cluster.members[-MAX_COMPARED_MEMBERS:]:
        if other.article_id == member.article_id and other.sentence == member.sentence:
            return 0.0  # two dated facts of one sentence are two facts
        if (
            member.places
            and other.places
            and not member.places & other.places
            and PLACE_TYPES & {member.event_type, other.event_type}
        ):
            continue  # a launch in Japan and one in Italy are two facts, whoever made them
        similarity = _similarity(member, other, rarity)
        # An actor the parse missed is often still named: "TikTok Shop stopped taking orders".
        same_actor = bool(member.actor_keys & other.names or other.actor_keys & member.names)
        if not (same_actor or member.places & other.places) and similarity < UNRELATED_SIMILARITY:
            continue
        if other.article_id == member.article_id and not (
            member.event_type == other.event_type
            and (similarity >= SAME_ARTICLE_SIMILARITY or member.family == other.family)
        ):
            continue  # one article restates its fact in the same terms; another type is another fact
        # Many facts of a country fall on one day: with no actor in common, the day must come with like words.
        same_day = (
            member.precision == other.precision == "day"
            and member.event_date == other.event_date
            and (same_actor or similarity >= PLACE_ONLY_SIMILARITY)
        )
        # Told with one verb, or one's sentence says the other's ("won the May 5 election", "voters elect").
        same_trigger = (
            member.family == other.family or member.family in other.told or other.family in member.told
        )
        coarser = PRECISION_ORDER[member.precision] > PRECISION_ORDER[other.precision]
        # "Japan's e-commerce market grew in 2024", twice: the same coarse date, place and sector.
        same_slot = (
            member.precision == other.precision
            and member.event_date == other.event_date
            and bool(member.places & other.places)
            and bool(member.sectors & other.sectors)
        )
        if OTHER in (member.event_type, other.event_type):
            # An untyped mention says too little for the day alone to make it the same fact.
            untyped_pair = same_actor and member.event_type == other.event_type
            if (
                same_trigger
                or similarity >= (OTHER_ACTOR_SIMILARITY if untyped_pair else OTHER_SIMILARITY)
                or (same_actor and _near_similarity(member, other, rarity) >= NEAR_SIMILARITY)
            ):
                best = max(best, 0.5 + similarity + (0.2 if same_day else 0.0))
        elif _types_agree(member.event_type, other.event_type):
            if same_day or same_slot or same_trigger or similarity >= TEXT_SIMILARITY:
                best = max(
                    best, 1.0 + similarity + (0.5 if same_day else 0.0) + (0.2 if same_trigger else 0.0)
                )
            elif coarser and (
                # "sued Apple in March" (in the US) is not the EU's fine on Apple of 4 March
                (same_actor and not (member.places and other.places and not member.places & other.places))
                # A place is the fact of a market move or a country's rule, not of a company's result or deal:
                # "reported results last month" is not every US company's result of that month.
                or (member.event_type == other.event_type and member.event_type in PLACE_FACTS)
            ):
                best = max(best, 0.5 + similarity)  # "the October shutdown" joins the shutdown of 4 October
        elif same_day and (
            similarity >= DIFFERENT_TYPE_SIMILARITY
            or (same_trigger and same_actor)
            or (same_actor and _near_similarity(member, other, rarity) >= NEAR_SIMILARITY)
        ):
            # Types can differ on one fact ("signed a regulation" read as a ban by one outlet and as a rule by
            # another): the same verb of the same actor on the same day is the same act.
            best = max(best, similarity + (0.2 if same_trigger else 0.0))
        elif (
            same_actor
            and coarser
            and FORECAST not in (member.event_type, other.event_type)
            and (similarity >= DIFFERENT_TYPE_SIMILARITY or same_trigger)
        ):
            # A later, coarser telling of the same actor's act in like words or with its verb, read as
            # another type ("the Russian charge flagged in May, when the company said it would leave Russia"
            # joins the exit of 16 May); a plan and what came of it stay two facts.
            best = max(best, similarity)
    return best


# The version of the rules above: a store last merged by other rules is merged again whole, so its
# timeline is the one these rules give (a new release need not process its articles again to apply them).
MERGE_RULES = 7
MERGED = "c.event_date is not null and c.date_precision in ('day', 'week', 'month', 'quarter', 'year')"


def _load_members(
    db: sqlite_utils.Database, rows: list[tuple[int, str]], articles: dict[str, tuple[str, bool]]
) -> list[Member]:
    """The candidates of ``rows`` (each its rowid and id, in rowid order) the merge takes, in the merge's order,
    with their articles' source and whether each is an original (``articles``, from ``_article_sources``).

    They are read in rowid order, the order they were written in: the table's pages are met one after the
    other, not at random (by id, a merge at 100k stored articles read a third slower per candidate than at
    10k). The id must still match, so a candidate rewritten since it was listed is left to the next merge
    (its change is logged).
    """
    with db.atomic():  # a temporary table, but its writes too want a transaction that ends here
        conn = db.conn
        conn.execute("create temp table if not exists merge_rows (row integer primary key, id text not null)")
        conn.execute("delete from temp.merge_rows")
        conn.executemany("insert into temp.merge_rows values (?, ?)", rows)
    # "cross join" keeps the listed rows the outer loop (the planner, without statistics on the temporary
    # table, would scan every candidate once per group instead).
    rows = db.execute(
        f"""select c.id, c.article_id, c.published_at, c.sentence, c.event_date, c.date_precision, c.date_end,
                  c.event_type, c.trigger, c.actors, c.markets, c.confidence, c.char_start, c.char_end, c.date_text,
                  c.date_char_start
           from temp.merge_rows m cross join event_candidates c on c.rowid = m.row and c.id = m.id
           where {MERGED}"""
    )
    members = []
    for row in rows:
        article = articles.get(row[1])
        if article is None:
            continue  # an article removed since the merge began
        member = Member(
            *row[:2],
            *article,
            *row[2:9],
            json.loads(row[9]),
            json.loads(row[10]),
            row[11],
            _content_words(row[3]),
            row[12] or 0,
            row[12:15],
            _near_words(row[3], (row[15] or 0) - (row[12] or 0)),
        )
        if member.span is not None:
            members.append(member)
    # Finest dates first, then a fixed order: the merge never depends on the order articles arrived in.
    return sorted(
        members, key=lambda m: (PRECISION_ORDER[m.precision], m.event_date, m.published_at or "", m.id)
    )


def _article_sources(db: sqlite_utils.Database) -> dict[str, tuple[str, bool]]:
    """Every article's source and whether it is an original (not a copy or a duplicate of another).

    Read once a merge from two indexes (rowid and id, rowid and source) and the few copies, not with each
    candidate: an article row holds its text, and reading ``duplicate_of`` past it walked the text's
    overflow pages for each of an article's candidates, in every group of years (at 100k stored articles
    that is 1.4 GB read five times over, at 10k a store the page cache mostly holds).
    """
    source = dict(db.execute("select rowid, source from articles"))
    # Not null: less than any text (a number) or not (text, a blob); so written, the index finds them.
    copies = {
        i for (i,) in db.execute("select id from articles where duplicate_of < '' or duplicate_of >= ''")
    }
    return {
        i: (source[row], i not in copies)
        for row, i in db.execute("select rowid, id from articles")
        if row in source  # not one written between the two reads
    }


def _fill_temp_ids(conn, table: str, ids: Iterable[str]) -> None:
    """A temporary table ``table`` holding just ``ids``, for queries to join against."""
    conn.execute(f"create temp table if not exists {table} (id text primary key)")
    conn.execute(f"delete from temp.{table}")
    conn.executemany(f"insert into temp.{table} values (?)", ((i,) for i in ids))


Block = tuple[str, int, str]  # granularity ("d", "m" or "y"), the day, month or year's number, a name


def _block_keys(member: Member) -> tuple[set[Block], set[Block]]:
    """The blocks a member is compared within, and the blocks its cluster is then found in.

    Two candidates of one fact overlap in time and share an actor, a place (for one type group) or, for
    mentions whose actors the parse missed, the verb; ``_same_fact`` requires as much. Each cluster is
    filed under the day, the months and the years its members cover; a member looks only at the blocks of
    its own precision: a day at that day (finest dates come first, so a day only meets days), a week,
    month or quarter at its months, a year at its year. So a coarse mention scans one block per name,
    not one per month, and the work per candidate stays bounded however many candidates there are.
    """
    span = member.span
    if span is None:
        return set(), set()
    # Its actors and the actors its sentence names: any two mentions with an actor in common meet here.
    actors = {"a:" + name for name in member.names}
    group = _type_group(member.event_type)
    # A place is a wide block (a country has many facts a month), hence the type group in the key ...
    places = {f"p:{place}:{group}" for place in member.places}
    # ... and, over a whole year, the verb or the sector too (a place-only match wants one of them there).
    narrowers = {"v:" + member.family} | {"s:" + sector for sector in member.sectors}
    year_places = {f"{place}:{narrower}" for place in places for narrower in narrowers}
    # Mentions whose actors the parse missed still meet the facts of their day or month told with the
    # same verb (a year would be too wide a block for the verb alone).
    verbs = {"t:" + member.family} if PRECISION_ORDER[member.precision] <= PRECISION_ORDER["month"] else set()
    first, last = span[0].year * 12 + span[0].month - 1, span[1].year * 12 + span[1].month - 1
    months = {("m", month) for month in range(first, min(last, first + 35) + 1)}
    years = {("y", year) for year in range(span[0].year, min(span[1].year, span[0].year + 2) + 1)}
    days = {("d", span[0].toordinal())} if span[0] == span[1] else set()
    fine_names = actors | places | verbs
    year_names = actors | year_places
    fine_blocks = {(*period, name) for period in days | months for name in fine_names}
    year_blocks = {(*period, name) for period in years for name in year_names}
    # A mention that names an actor finds the facts of that actor through its blocks; the verb's block
    # (dense: a month has many launches) is for the mentions that name none.
    wanted = fine_names - verbs if member.names else fine_names
    if member.precision == "day":
        lookup = {(*period, name) for period in days for name in wanted}
    elif member.precision == "year":
        lookup = year_blocks
    else:
        lookup = {(*period, name) for period in months for name in wanted}
    return lookup, fine_blocks | year_blocks


def _type_group(event_type: str) -> str:
    """Types that may merge share a group (a ban and the exit it forces)."""
    return {"market_exit": "ban", "regulation": "ban", "market_entry": "launch"}.get(event_type, event_type)


@lru_cache(maxsize=100_000)  # many candidates share a date
def _years(span: tuple[date, date]) -> range:
    """The years of every block a member with this span looks in or files its cluster under."""
    first, last = span[0].year * 12 + span[0].month - 1, span[1].year * 12 + span[1].month - 1
    return range(span[0].year, max(min(last, first + 35) // 12, min(span[1].year, span[0].year + 2)) + 1)


class YearGroups:
    """Years linked by the candidates whose dates span them: candidates of different groups never meet
    (a member looks only at blocks of its own years), so each group is merged on its own, with its own
    word rarity and actor names, and a change re-merges only the groups of the years it touched."""

    def __init__(self, spans: Iterable[tuple[date, date]]) -> None:
        self.parent: dict[int, int] = {}
        for span in spans:
            years = _years(span)
            root = self.find(years[0])
            for year in years[1:]:
                self.parent[self.find(year)] = root

    def find(self, year: int) -> int:
        parent = self.parent
        while parent.setdefault(year, year) != year:
            parent[year] = parent[parent[year]]
            year = parent[year]
        return year

    def of(self, span: tuple[date, date]) -> int:
        return self.find(span[0].year)


def components(members: list[Member]) -> list[list[Member]]:
    """The members in groups that cannot meet one another's clusters, each in the members' order."""
    years = YearGroups(member.span for member in members)
    groups: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        groups[years.of(member.span)].append(member)
    return list(groups.values())


def cluster_members(members: list[Member]) -> list[Cluster]:
    """The merge of ``members`` (in the merge's order): each group of linked years on its own."""
    return [cluster for group in components(members) for cluster in _cluster_group(group)]


def _cluster_group(members: list[Member]) -> list[Cluster]:
    """Greedy merge, in the members' order, comparing each member only with clusters of its blocks."""
    clusters: list[Cluster] = []
    blocks: dict[Block, list[int]] = {}  # only the blocks a cluster is filed under (not those looked in)
    rarity = _rarity(members)
    index = ActorIndex(members)
    for member in members:
        member.weight = sum(map(rarity.__getitem__, member.words))  # the rarity of this group's words
        member.names = index.named_in(member.sentence.casefold())
    # A common noun said in many sentences is no one's name (the counts do not depend on the order).
    said = Counter(name for member in members for name in member.names & index.common)
    vague = {name for name, count in said.items() if count > COMMON_NOUN_SENTENCES}
    for member in members:
        member.names = member.actor_keys | (member.names - vague)
    for member in members:
        lookup, register = _block_keys(member)
        # The latest clusters of each block: bounded work per candidate, however dense a block gets.
        candidates = {index for key in lookup if key in blocks for index in blocks[key][-BLOCK_LIMIT:]}
        scored = [
            (score, -index)
            for index in candidates
            if (score := _same_fact(member, clusters[index], rarity)) > 0
        ]
        if scored:
            _, negative_index = max(scored)
            target = -negative_index
        else:
            clusters.append(Cluster())
            target = len(clusters) - 1
        clusters[target].add(member, member.span)
        for key in register:
            filed = blocks.get(key)
            if filed is None:
                blocks[key] = [target]
            elif filed[-1] != target:
                filed.append(target)
    return clusters


def _event_row(cluster: Cluster, leads: dict[str, int]) -> dict:
    members = cluster.members
    finest = min(PRECISION_ORDER[m.precision] for m in members)
    fine = [m for m in members if PRECISION_ORDER[m.precision] == finest]
    date_value, _ = Counter(m.event_date for m in fine).most_common(1)[0]
    ends = [m.date_end for m in fine if m.event_date == date_value and m.date_end]
    event_type = Counter(m.event_type for m in members).most_common(1)[0][0]
    independent = [m for m in members if m.independent]
    sources = {m.source for m in independent}
    # The clearest sentence: from an original article, at the event's finest date, one that leads with
    # this fact (a lead says what happened plainly), the parser's surest, the shortest.
    summary = max(
        members,
        key=lambda m: (
            m.independent,
            -PRECISION_ORDER[m.precision],
            _leads_with(m, leads),
            m.confidence,
            -len(m.sentence),
        ),
    )
    confidence = 1 - math.prod(
        1 - max((m.confidence for m in independent if m.source == s), default=0) for s in sources
    )
    # The id follows the first report, so it stays put as later articles join the event (bookmarks and
    # links to an event's page keep working); only an earlier report found later moves it.
    anchor = min(members, key=lambda m: (m.published_at or "9999", m.id)).id
    published = [m.published_at for m in members if m.published_at]
    return {
        "id": hashlib.sha1(anchor.encode()).hexdigest()[:16],
        "event_date": date_value,
        "date_precision": next(m.precision for m in fine),
        "date_end": ends[0] if ends else None,
        "event_type": event_type,
        "summary": summary.sentence.strip(),
        "confidence": round(min(confidence, 0.99), 3),
        "importance": _importance(independent, leads),
        "first_reported": min(published) if published else None,
        "mention_count": len(members),
        "source_count": len(sources),
    }


def _leads_with(member: Member, leads: dict[str, int]) -> bool:
    """Whether ``member`` is the fact its article leads with (a fact of its first dated sentence, not one
    that sentence counts back to: "fell on Friday, a day after it said ...")."""
    return member.position <= leads.get(member.article_id, 0) and not member.counted


def _importance(independent: list[Member], leads: dict[str, int]) -> float:
    """How much the news cared: each independent article that reports the fact counts, a whole point when
    it leads with it (its first dated fact: what the story is about) and less when it mentions it further
    down, as a later story does when it refers back ("the law, which the court upheld in January"): it
    takes five such recalls to weigh as one story written about the fact (RECALL_WEIGHT)."""
    weights: dict[str, float] = {}
    for member in independent:
        weight = 1.0 if _leads_with(member, leads) else RECALL_WEIGHT
        weights[member.article_id] = max(weights.get(member.article_id, 0.0), weight)
    return sum(weights.values())


def top_order(event: dict) -> tuple:
    """The order of a "top events" view (the `top_events` query, `export --top`, the evaluation's top events):
    importance, then independent outlets, then id."""
    return (-(event["importance"] or 0), -(event["source_count"] or 0), event["id"])


@dataclass
class MergeResult:
    """What a merge did to the timeline: the events it holds, and how many were new, changed or removed."""

    events: int
    added: int = 0
    updated: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"{self.events} events ({self.added} new, {self.updated} updated, {self.removed} removed)"


# The merge's page cache (KiB): its reads and writes go to indexes of a size with the store's (the default,
# 2 MB, made the writes of a merge at 100k stored articles a quarter slower).
MERGE_CACHE_KIB = 65_536


def merge_events(db: sqlite_utils.Database, full: bool = False) -> MergeResult:
    """Bring the events up to date with the stored candidates and write what changed.

    The candidates fall into groups of linked years that are merged apart (``YearGroups``); the groups
    whose years the merge log names (new, changed or removed candidates) are merged again from all their
    candidates, the others are left as they are (``full`` merges them all). So the timeline never depends on
    what arrived when: it is the one a merge of everything gives. Only rows that differ are written: a
    re-run writes nothing, and a batch of new articles rewrites the events it touched.
    """
    # A large merge makes hundreds of thousands of small objects that hold no reference cycles (reference
    # counting frees them): Python's cyclic collector, which would scan them over and over as they pile
    # up, pauses while it runs (it took a fifth of the time of a merge at 100k stored articles).
    collecting = gc.isenabled()
    cache = db.execute("pragma cache_size").fetchone()[0]
    gc.disable()
    db.execute(f"pragma cache_size = -{MERGE_CACHE_KIB}")
    try:
        return _merge(db, full)
    finally:
        db.execute(f"pragma cache_size = {cache}")
        if collecting:
            gc.enable()


def _merge(db: sqlite_utils.Database, full: bool) -> MergeResult:
    from pipeline.process import EntityIds

    # The count of candidate changes this merge is built from and the last log entry it covers, read
    # before the candidates: a change written meanwhile (by a writer outside the lock) stays to be merged.
    built_from = db.execute("select value from merge_state where name = 'candidates'").fetchone()[0]
    logged_until, touched = _merge_log(db)
    new_rules = not _merged_by_these_rules(db)
    if full or new_rules or not db["events"].count:
        touched = None
    elif not touched:  # nothing written since the last merge
        with db.atomic():
            db.execute("update merge_state set value = ? where name = 'merged'", [built_from])
        return MergeResult(db["events"].count)
    # The candidates (rowid and id, in rowid order) of each group of years merged again.
    groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
    kept: set[str] = set()  # those of the groups left as they are
    leads: dict[str, int] = {}  # article -> where its first dated fact starts
    dated = [
        (row, candidate, article, start or 0, span)
        for row, candidate, article, start, value, end in db.execute(
            "select c.rowid, c.id, c.article_id, c.char_start, c.event_date, c.date_end from event_candidates c"
            f" where {MERGED} order by c.rowid"
        )
        if (span := _span(value, end)) is not None
    ]
    years = YearGroups(span for *_, span in dated)
    again = None if touched is None else {years.find(year) for year in touched if year in years.parent}
    for row, candidate, article, start, span in dated:
        leads[article] = min(start, leads.get(article, start))
        group = years.of(span)
        if again is None or group in again:
            groups[group].append((row, candidate))
        else:
            kept.add(candidate)
    del dated
    articles = _article_sources(db) if groups else {}
    new_entity = EntityIds(db)
    # An actor is the first entity of its name (ids only grow, so the choice holds as entities are added).
    entity_of = dict(db.execute("select name, min(id) from entities group by name").fetchall())
    events: dict[str, tuple] = {}
    mentions: dict[tuple, tuple] = {}  # primary key -> row
    actors: set[tuple] = set()
    markets: set[tuple] = set()
    # One group of years at a time: only its candidates are in memory.
    clusters = (
        cluster
        for group in sorted(groups)
        for cluster in _cluster_group(_load_members(db, groups[group], articles))
    )
    for cluster in clusters:
        row = _event_row(cluster, leads)
        event_id = row["id"]
        events[event_id] = tuple(row[column] for column in EVENT_COLUMNS)
        for member in cluster.members:
            char_start, char_end, date_text = member.offsets
            # Two dated facts of one sentence merged into one event make one mention.
            mentions.setdefault(
                (event_id, member.article_id, char_start),
                (member.id, member.sentence.strip(), date_text, char_end),
            )
        for name in sorted({a for m in cluster.members for a in m.actors}):  # new entities in a fixed order
            actors.add((event_id, entity_of.get(name) or new_entity(name, "ORG"), "actor"))
        markets |= {(event_id, code) for m in cluster.members for code in m.markets}
    # The stored events to replace: all, or those with a mention that is not of a group left as it is.
    scope = None
    if touched is not None:
        mentioned = db.execute("select event_id, candidate_id from event_mentions")
        scope = {event for event, candidate in mentioned if candidate not in kept}
    # One transaction (sqlite-utils commits each statement outside db.atomic()): a reader never sees a
    # half-merged timeline, and a kill leaves the previous one whole.
    with db.atomic():
        db.execute("update merge_state set value = ? where name = 'merged'", [built_from])
        db.execute("delete from merge_pending where id <= ?", [logged_until])
        if new_rules:
            db.execute("insert or replace into merge_state values ('rules', ?)", [MERGE_RULES])
        result = _write_changes(db, events, mentions, actors, markets, scope)
    result.events = db["events"].count
    return result


def _merge_log(db: sqlite_utils.Database) -> tuple[int, set[int] | None]:
    """The last entry of the merge log and the years of the blocks its dates reach (None: every year)."""
    touched: set[int] | None = set()
    last = 0
    for entry, value, end in db.execute("select id, event_date, date_end from merge_pending"):
        last = max(last, entry)
        if value is None:
            touched = None
        elif touched is not None and (span := _span(value, end)) is not None:
            touched.update(_years(span))
    return last, touched


EVENT_COLUMNS = (
    "id",
    "event_date",
    "date_precision",
    "date_end",
    "event_type",
    "summary",
    "confidence",
    "importance",
    "first_reported",
    "mention_count",
    "source_count",
)


def _write_changes(
    db: sqlite_utils.Database,
    events: dict[str, tuple],
    mentions: dict[tuple, tuple],
    actors: set[tuple],
    markets: set[tuple],
    scope: set[str] | None = None,
) -> MergeResult:
    """Make the events tables hold these rows in place of the stored events of ``scope`` (None: all of
    them), touching only the rows that differ."""
    conn = db.conn
    columns = ", ".join(EVENT_COLUMNS)
    of_scope = ""
    if scope is not None:
        _fill_temp_ids(conn, "merge_scope", scope)
        of_scope = " where {} in (select id from temp.merge_scope)"
    old_events = {
        row[0]: row for row in conn.execute(f"select {columns} from events" + of_scope.format("id"))
    }
    old_mentions = {
        row[:3]: row[3:]
        for row in conn.execute(
            "select event_id, article_id, char_start, candidate_id, sentence, date_text, char_end"
            " from event_mentions" + of_scope.format("event_id")
        )
    }
    old_actors = set(
        conn.execute("select event_id, entity_id, role from event_entities" + of_scope.format("event_id"))
    )
    old_markets = set(
        conn.execute("select event_id, market_code from event_markets" + of_scope.format("event_id"))
    )
    # Empty events tables (a store's first merge, or one whose events were all removed): every row is new.
    empty = scope is None and not (old_events or old_mentions or old_actors or old_markets)
    with _bulk_load(conn) if empty else nullcontext():
        _write_rows(
            conn, events, mentions, actors, markets, old_events, old_mentions, old_actors, old_markets
        )
    # An event whose mentions, actors or markets changed counts as updated even when its row did not.
    touched = {key[0] for key in old_mentions.keys() ^ mentions.keys()} | {
        row[0] for row in (old_actors ^ actors) | (old_markets ^ markets)
    }
    touched |= {key[0] for key, row in mentions.items() if key in old_mentions and old_mentions[key] != row}
    changed = {i for i, row in events.items() if i in old_events and old_events[i] != row}
    updated = changed | (touched & old_events.keys() & events.keys())
    added = len(events.keys() - old_events.keys())
    return MergeResult(len(events), added, len(updated), len(old_events.keys() - events.keys()))


def _write_rows(
    conn, events, mentions, actors, markets, old_events, old_mentions, old_actors, old_markets
) -> None:
    """Delete the stored rows that are not among the new ones, update the events that changed and insert
    the rows that are new."""
    columns = ", ".join(EVENT_COLUMNS)
    gone_mentions = [key for key, row in old_mentions.items() if mentions.get(key) != row]
    conn.executemany(
        "delete from event_mentions where event_id = ? and article_id = ? and char_start is ?", gone_mentions
    )
    conn.executemany(
        "delete from event_entities where event_id = ? and entity_id = ? and role = ?", old_actors - actors
    )
    conn.executemany(
        "delete from event_markets where event_id = ? and market_code = ?", old_markets - markets
    )
    removed = [(i,) for i in old_events.keys() - events.keys()]
    conn.executemany("delete from events where id = ?", removed)
    changed = [row for i, row in events.items() if i in old_events and old_events[i] != row]
    assignments = ", ".join(f"{c} = ?" for c in EVENT_COLUMNS[1:])
    conn.executemany(f"update events set {assignments} where id = ?", [(*row[1:], row[0]) for row in changed])
    added = [row for i, row in events.items() if i not in old_events]
    conn.executemany(f"insert into events ({columns}) values ({', '.join('?' * len(EVENT_COLUMNS))})", added)
    conn.executemany(
        "insert into event_mentions (event_id, article_id, char_start, candidate_id, sentence, date_text,"
        " char_end) values (?, ?, ?, ?, ?, ?, ?)",
        [(*key, *row) for key, row in mentions.items() if old_mentions.get(key) != row],
    )
    conn.executemany(
        "insert into event_entities (event_id, entity_id, role) values (?, ?, ?)", actors - old_actors
    )
    conn.executemany("insert into event_markets (event_id, market_code) values (?, ?)", markets - old_markets)


EVENTS_TABLES = ("events", "event_mentions", "event_entities", "event_markets")


@contextmanager
def _bulk_load(conn) -> Iterator[None]:
    """Fill empty events tables without their secondary indexes and the summaries' full-text triggers, then
    build those once from the rows written, in the same transaction (an error rolls it all back).

    Row by row, each event went into seven indexes and, through a trigger, the full-text index, and each
    mention into two indexes at random places: the writes of a first merge took 0.079 s per 1k stored
    articles at 10k and 0.090 s at 100k (a fifth of the merge). Built once from the rows written, the same
    indexes take 0.037 s and 0.039 s (process time, the rows of the synthetic stores of bench.scale). The
    indexes and triggers come back as the schema wrote them: their SQL is read from it.
    """
    names = ", ".join(f"'{table}'" for table in EVENTS_TABLES)
    indexes = conn.execute(
        f"select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ({names})"
    ).fetchall()
    triggers = conn.execute(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'events'"
        " and sql like '%events_fts%'"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'drop index "{name}"')
    for name, _ in triggers:
        conn.execute(f'drop trigger "{name}"')
    yield
    if triggers:
        conn.execute("insert into events_fts (events_fts) values ('rebuild')")
    for _, sql in triggers + indexes:
        conn.execute(sql)


def refresh_events(db: sqlite_utils.Database, candidates_changed: bool) -> MergeResult:
    """Bring the events up to date when the candidates changed since the last merge (or none were built yet).

    A cron run that processed nothing leaves the timeline as it is instead of merging, unless the run
    before was killed after processing and before merging (the merge state and its log say so), or the
    timeline was merged by other rules than these.
    """
    if candidates_changed or not db["events"].count or _merge_is_stale(db):
        return merge_events(db)
    return MergeResult(db["events"].count)


def rules_changed(db: sqlite_utils.Database) -> bool:
    """Whether the timeline was merged by other rules than these (a store from an earlier release)."""
    return db["events"].count > 0 and not _merged_by_these_rules(db)


def _merged_by_these_rules(db: sqlite_utils.Database) -> bool:
    row = db.execute("select value from merge_state where name = 'rules'").fetchone()
    return row is not None and row[0] == MERGE_RULES


def _merge_is_stale(db: sqlite_utils.Database) -> bool:
    counts = dict(db.execute("select name, value from merge_state").fetchall())
    logged = db.execute("select exists (select 1 from merge_pending)").fetchone()[0]
    return counts.get("candidates") != counts.get("merged") or rules_changed(db) or bool(logged)
