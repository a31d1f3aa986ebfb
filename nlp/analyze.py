"""One article through the NLP stage: entities, dates, markets and event candidates from one spaCy parse.

>>> # doctest: +SKIP
>>> for analysis in analyze_texts([(text, published)]): print(analysis.candidates)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from nlp.attribute_match import use_array_matcher
from nlp.dates import DateMention, find_dates_in_doc
from nlp.entities import EntityMention, entities_in_doc
from nlp.events import Candidate, candidates_in_doc
from nlp.lemma_memo import use_lemma_memo
from nlp.markets import resolve_market, sector_matcher
from nlp.model import load_model

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

# Bump when extraction changes, so `timeline process` re-processes what older versions stored.
EXTRACTOR_VERSION = "71"
# Components the stage needs: everything en_core_web_sm has (tagger and lemmatizer for triggers, parser
# for attachment and sentences, NER for actors). Other pipelines may carry more; these are not run.
UNUSED_COMPONENTS = (
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "spancat",
    "coref",
    "trainable_lemmatizer",
)


@dataclass
class MarketMention:
    start: int
    end: int
    text: str
    code: str


@dataclass
class Analysis:
    entities: list[EntityMention]
    dates: list[DateMention]
    markets: list[MarketMention]
    candidates: list[Candidate]
    error: str | None = None  # why the analysis failed (then it found nothing); None when it did not
    truncated: int | None = None  # the text's length when only its first MAX_ANALYSED_CHARS were read


def failed_analysis(error: Exception) -> Analysis:
    """What an article the analysis broke on yields: nothing found, and the reason."""
    return Analysis([], [], [], [], error=f"{type(error).__name__}: {error}")


def analyze_doc(
    doc: Doc, published: date | datetime | None, matcher: Matcher, text: str | None = None
) -> Analysis:
    """The analysis of ``doc``; ``text``, if given, is the text it was parsed from (spaCy keeps every
    character, so it is ``doc.text``, which spaCy joins anew from the tokens on each access)."""
    text = doc.text if text is None else text
    reference = published or datetime.now()
    dates = find_dates_in_doc(doc, reference, text)
    entities = entities_in_doc(doc)
    longest: dict[tuple[int, str], int] = {}  # (start, sector) → end: "online retail market" once, not twice
    for match_id, start, end in matcher(doc):
        span = doc[start:end]
        key = (span.start_char, doc.vocab.strings[match_id])
        longest[key] = max(longest.get(key, 0), span.end_char)
    sector_spans = [(start, end, slug) for (start, slug), end in sorted(longest.items())]
    markets = [MarketMention(s, e, text[s:e], code) for s, e, code in sector_spans]
    for entity in entities:
        if entity.label in ("GPE", "NORP", "LOC") and (code := resolve_market(entity.text)):
            markets.append(MarketMention(entity.start, entity.end, entity.text, code))
    candidates = candidates_in_doc(doc, dates, entities, sector_spans, published, text)
    return Analysis(entities, dates, sorted(markets, key=lambda m: m.start), candidates)


def pipe(nlp: Language, texts: Iterable[str], batch_size: int = 32, n_process: int = 1) -> Iterator:
    disabled = [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
    use_array_matcher(nlp)  # the attribute ruler's matches, the same, a fifth of their cost
    use_lemma_memo(nlp)  # the same lemmas, a tenth of their cost
    with nlp.select_pipes(disable=disabled):
        yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


# A wire story's dateline: "MUMBAI (Harbourline) - ", "LOS ANGELES, Calif. (AP) — ", "LONDON—", at the
# start of one of the text's first lines (the standfirst comes first), the place in capitals. Its place is
# no fact's: where the story was filed, which the lede names again when it matters.
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'-]{2,}(?:\s[A-Z][A-Z.'-]+){0,3})(?:,\s[A-Z][A-Za-z.]+)?\s*(?:\([^()\n]{1,40}\)\s*)?"
    r"(?:-{1,2}\s+|[–—]\s*)(?=[A-Z“\"])",
    re.M,
)
DATELINE_LINES = 3


def parsed_text(text: str) -> str:
    """``text`` as it is parsed: a dateline blanked (spaces, then a line break), so the lede parses as a
    sentence of its own ("MUMBAI (Harbourline) - Tesla opened ..." made the city and the agency the
    opening's actors) and every offset still points into ``text``."""
    head = text.split("\n", DATELINE_LINES)
    limit = len(text) - len(head[-1]) if len(head) > DATELINE_LINES else len(text)
    for match in DATELINE.finditer(text, 0, limit):
        start, end = match.span()
        text = text[:start] + " " * (end - start - 1) + "\n" + text[end:]
    return text


# The characters of an article the analysis reads: news is far shorter (the gold corpora's longest is 4,241), and
# spaCy refuses a text over its max_length (a million) with an error that would stop the whole batch; what
# is longer is read up to the last paragraph or sentence break before this.
MAX_ANALYSED_CHARS = 200_000


def readable_part(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """``text``, or its beginning up to the last paragraph (else sentence) break within ``limit``."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = head.rfind("\n")
    if cut < limit // 2:
        cut = max(head.rfind(". "), limit // 2)
    return head[: cut + 1]


def analyze_texts(
    items: Iterable[tuple[str, date | datetime | None]], batch_size: int = 32, n_process: int = 1
) -> Iterator[Analysis]:
    """Analyses of (text, publication date) pairs, parsed in batches with ``nlp.pipe``."""
    nlp = load_model()
    matcher = sector_matcher(nlp)
    items = [(readable_part(text), published, len(text)) for text, published in items]
    for (text, published, length), doc in zip(
        items, pipe(nlp, (parsed_text(t) for t, _, _ in items), batch_size, n_process), strict=True
    ):
        try:
            analysis = analyze_doc(doc, published, matcher, text)
        except Exception as error:  # one article's odd text must not stop the others (nor every later run)
            analysis = failed_analysis(error)
        if length > len(text):
            analysis.truncated = length
        yield analysis
