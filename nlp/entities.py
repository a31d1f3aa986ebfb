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
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "outside", "around", "across", "throughout", "into", "inside"}
# Labels of names that stand for one actor throughout an article.
NAME_LABELS = ("ORG", "PERSON", "PRODUCT")
# How often an article must write a capitalised word mid-sentence for it to count as a name the model missed.
MIN_NAME_REPEATS = 2
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


def _recurring_names(doc: Doc) -> list[Span]:
    """Organisations the model missed because their name is also a common word ("Arm", "Block"): a
    capitalised proper noun standing alone outside any entity, that the article writes at least twice
    mid-sentence (where a capital marks a name); then each of its bare uses, sentence starts included."""
    from collections import Counter

    import numpy as np
    from spacy.symbols import PROPN
    from spacy.tokens import Span

    def is_name(token: Token) -> bool:
        return token.pos_ == "PROPN" and token.text[:1].isupper() and token.is_alpha

    def is_suffix(token: Token) -> bool:
        return bool(COMPANY_SUFFIX.search(" " + token.text))

    def bare(token: Token) -> bool:
        """A name on its own: not part of an entity or of a longer name ("Markets" of "Digital Markets Act")."""
        before = doc[token.i - 1] if token.i > 0 and not token.is_sent_start else None
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        return (
            is_name(token)
            and not token.ent_type_
            and not is_suffix(token)
            and not (token.dep_ == "compound" and token.head.ent_type_)  # "President" of "President Biden"
            and not (before is not None and is_name(before))
            and not (after is not None and (after.ent_type_ or (is_name(after) and not is_suffix(after))))
        )

    # Only proper nouns can be names: the others are skipped without making a Token of each.
    proper = np.flatnonzero(doc.to_array("POS") == PROPN).tolist()
    counts = Counter(t.text for i in proper if not (t := doc[i]).is_sent_start and bare(t))
    names = {(text,): "ORG" for text, n in counts.items() if n >= MIN_NAME_REPEATS}
    # One name, one sense per article: a name the model found somewhere ("TikTok Shop", "SLIM") is that
    # name wherever else the article writes it.
    for entity in doc.ents:
        if entity.label_ in NAME_LABELS and entity.text[:1].isupper() and all(t.is_alpha for t in entity):
            names.setdefault(tuple(t.text for t in entity), entity.label_)
    lengths: dict[
        str, list[int]
    ] = {}  # a name's first word -> the lengths of the names it starts, longest first
    for words in names:
        lengths.setdefault(words[0], []).append(len(words))
    for first in lengths:
        lengths[first] = sorted(set(lengths[first]), reverse=True)
    texts = [t.text for t in doc]
    spans: list[Span] = []
    i = 0
    while i < len(doc):
        if texts[i] not in lengths:  # most words start no name
            i += 1
            continue
        match = next(
            (
                words
                for n in lengths.get(texts[i], ())
                if (words := tuple(texts[i : i + n])) in names and _unlabelled(doc[i : i + n])
            ),
            None,
        )
        end = i + len(match) if match is not None else i
        while match is not None and end < len(doc) and is_name(doc[end]) and not doc[end].ent_type_:
            end += 1  # "Quill Holdings", "TikTok Shop": a longer name of the same organisation
        if match is None or not _stands_alone(doc, i, end, is_name, is_suffix):
            i += 1
            continue
        spans.append(Span(doc, i, end, label=names[match]))
        i = end
    return spans


def _unlabelled(tokens: Span) -> bool:
    return not any(t.ent_type_ for t in tokens)


def _stands_alone(doc: Doc, start: int, end: int, is_name, is_suffix) -> bool:
    """Whether tokens make a whole name: no name word just before them or just after (but a suffix), and
    no entity they modify ("President" of "President Biden")."""
    first, last = doc[start], doc[end - 1]
    before = doc[start - 1] if start > 0 and not first.is_sent_start else None
    after = doc[end] if end < len(doc) else None
    if before is not None and is_name(before):
        return False
    if after is not None and (after.ent_type_ or (is_name(after) and not is_suffix(after))):
        return False
    return not (last.dep_ == "compound" and last.head.ent_type_) and not is_suffix(first)


def _all_capitals(tokens) -> bool:
    words = [t.text for t in tokens if t.is_alpha]
    return bool(words) and all(w.isupper() for w in words) and any(len(w) > 1 for w in words)


def _hyphenated_acronyms(doc: Doc) -> list[Span]:
    """Organisations named by capitals joined by hyphens, which the model splits and misses: "ENTSO-E",
    "SAG-AFTRA" (when it has not taken them for something); not places paired ("UK-EU")."""
    from spacy.tokens import Span

    from nlp.markets import resolve_market

    found = []
    for match in HYPHENATED_CAPITALS.finditer(doc.text):
        span = doc.char_span(match.start(), match.end())
        if span is None or any(t.ent_type_ for t in span):
            continue
        if all(resolve_market(part) for part in match.group().split("-")):
            continue
        found.append(Span(doc, span.start, span.end, label="ORG"))
    return found


# Capitals joined by hyphens: "ENTSO-E", "SAG-AFTRA" (a first part of one letter is a code: "S-1").
HYPHENATED_CAPITALS = re.compile(r"\b[A-Z]{2,}(?:-[A-Z]+)+\b")


def _organisations_taken_for_places(doc: Doc) -> set[str]:
    """Names the model labelled GPE that no gazetteer knows as a place and that the article never uses as
    one ("sell Arm to Nvidia", "Tokopedia's sellers"): organisations. A place is somewhere things happen:
    "in Renton", "near Kikuyo", "a Cambridge-based designer"."""
    from nlp.markets import resolve_market

    unknown: dict[str, bool] = {}  # text -> used as a place somewhere in the article
    for entity in doc.ents:
        if entity.label_ != "GPE" or resolve_market(entity.text) is not None:
            continue
        root = entity.root
        after = doc[entity.end : entity.end + 2]
        # "near the Shioli crater": the name of a place modifies the noun that is the place.
        where = root.head if root.dep_ == "compound" and root.head.pos_ == "NOUN" else root
        as_place = (where.dep_ == "pobj" and where.head.lower_ in LOCATIVE_PREPOSITIONS) or (
            len(after) == 2 and after[0].text == "-" and after[1].lower_ == "based"
        )
        unknown[entity.text] = unknown.get(entity.text, False) or as_place
    return {text for text, as_place in unknown.items() if not as_place}


def entities_in_doc(doc: Doc) -> list[EntityMention]:
    """Entity mentions of a parsed article, with surnames resolved to the full names used in it.

    Names the model missed but the article repeats ("Arm") are added to ``doc.ents`` as organisations, and
    names it took for places that are none ("Nvidia") or for people though written in capitals ("JAXA"),
    and capitals joined by hyphens ("ENTSO-E"), are made organisations, in ``doc.ents`` too: the rules that
    read token labels see them as organisations.
    """
    from spacy.tokens import Span

    # No person's name is written in capitals in running text: "JAXA" read as a person is an organisation.
    if any(e.label_ == "PERSON" and _all_capitals(e) for e in doc.ents):
        doc.ents = [
            Span(doc, e.start, e.end, label="ORG") if e.label_ == "PERSON" and _all_capitals(e) else e
            for e in doc.ents
        ]
    acronyms = _hyphenated_acronyms(doc)
    if acronyms:
        doc.set_ents(acronyms, default="unmodified")
    # Places that are organisations first: a name the model took once for a place ("Reddit" as a GPE) is then
    # an organisation the article names, found again wherever else it writes it.
    organisations = _organisations_taken_for_places(doc)
    if organisations:
        doc.ents = [
            Span(doc, e.start, e.end, label="ORG") if e.label_ == "GPE" and e.text in organisations else e
            for e in doc.ents
        ]
    recovered = _recurring_names(doc)
    if recovered:
        doc.set_ents(recovered, default="unmodified")
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
