"""Named entities from the spaCy model, normalised so one actor has one name across articles.

    >>> normalize_entity("TikTok's", "ORG"), normalize_entity("ByteDance Ltd.", "ORG")
    ('TikTok', 'ByteDance')

Names lose a leading "the", possessives and company suffixes, then go through the alias table
(``nlp/data/entity_aliases.tsv``, extended by the file ``NEWSLINE_ENTITY_ALIASES`` names). Within one
article a bare surname ("Trump") takes the full name the article used ("Donald Trump").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

DATA = Path(__file__).resolve().parent / "data"
ENTITY_LABELS = ("ORG", "PERSON", "GPE", "NORP", "PRODUCT", "MONEY", "PERCENT", "LOC")
ACTOR_LABELS = ("ORG", "PERSON", "GPE", "NORP")
# Kept as written: amounts are not names.
LITERAL_LABELS = ("MONEY", "PERCENT")
COMPANY_SUFFIX = re.compile(
    r"[,\s]+(?:Ltd|Limited|Inc|Incorporated|Corp|Corporation|Co|Company|PLC|plc|AG|SA|SE|NV|GmbH|S\.p\.A|SpA|LLC|"
    r"Holdings?|Tbk|Bhd|KK|K\.K)\.?$"
)


@dataclass(frozen=True)
class EntityMention:
    start: int
    end: int
    text: str
    name: str
    label: str


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip().casefold()


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    files = [DATA / "entity_aliases.tsv"]
    if os.environ.get("NEWSLINE_ENTITY_ALIASES"):
        files.append(Path(os.environ["NEWSLINE_ENTITY_ALIASES"]))
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                alias, canonical = line.split("\t")
                table[_key(alias)] = canonical.strip()
    return table


def normalize_entity(text: str, label: str) -> str:
    """The canonical name of an entity mention."""
    name = re.sub(r"\s+", " ", text.replace("’", "'")).strip()
    if label in LITERAL_LABELS:
        return name
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"'s?$", "", name).strip()
    for _ in range(2):  # "Foo Holdings Ltd."
        name = COMPANY_SUFFIX.sub("", name).strip()
    return aliases().get(_key(name), name)


def _with_name_before(doc: Doc, entity: Span) -> Span:
    """An organisation whose name the model cut short: "Arm Holdings" found as "Holdings" (the first word
    is also a common noun). Capitalised proper nouns just before it, in its compound, belong to it."""
    start = entity.start
    while start > 0 and _name_word(doc[start - 1]) and doc[start - 1].head.i in range(start, entity.end):
        start -= 1
    return doc[start : entity.end] if start != entity.start else entity


def _name_word(token: Token) -> bool:
    return (
        token.pos_ == "PROPN"
        and token.dep_ == "compound"
        and token.text[:1].isupper()
        and not token.ent_type_
    )


def entities_in_doc(doc: Doc) -> list[EntityMention]:
    """Entity mentions of a parsed article, with surnames resolved to the full names used in it."""
    mentions = []
    for entity in doc.ents:
        if entity.label_ not in ENTITY_LABELS:
            continue
        label = entity.label_
        span = _with_name_before(doc, entity) if label == "ORG" else entity
        mentions.append(
            EntityMention(
                span.start_char, span.end_char, span.text, normalize_entity(span.text, label), label
            )
        )
    full_names = {m.name.split()[-1]: m.name for m in mentions if m.label == "PERSON" and " " in m.name}
    return [
        EntityMention(m.start, m.end, m.text, full_names.get(m.name, m.name), m.label)
        if m.label == "PERSON" and " " not in m.name
        else m
        for m in mentions
    ]
