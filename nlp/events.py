"""Event candidates: one per reported fact, with its sentence, date, actors, markets, type and confidence.

Each date expression of a sentence belongs to a trigger (``nlp/data/triggers.toml``: "launch", "ban",
"divest", "uphold"…) found through the dependency parse: its clause's verb if that is a trigger, else the
nearest trigger in its clause, else the same one clause up; every (trigger, date) pair is a candidate, so
"The House approved it on Saturday and the Senate on Tuesday" gives two. The type comes from the trigger (``nlp/event_types.py``),
refined by what it governs ("announced a deal" is a deal, "paused enforcement" a regulation, "must sell"
an obligation, "plans to launch" a forecast). A trigger with no date takes the publication date only when
its verb says the fact has just happened ("has launched"). The sentence must name an actor or a market;
a sentence that names neither continues the actors of the story's last one that did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from nlp.date_anaphora import is_offset, offset_noun, offset_phrase
from nlp.dates import DateMention
from nlp.entities import ACTOR_LABELS, EntityMention
from nlp.event_types import EVENT_TYPES as EVENT_TYPES  # re-exported: callers list the types from here
from nlp.event_types import (
    event_type_of,
    judicial_act,
    military_act,
    monetary_act,
    rule_tables,
    trigger_first_words,
    trigger_key,
)
from nlp.grammar import FUTURE_CUES, REPORTING_VERBS
from nlp.markets import institution_market, resolve_market
from nlp.timex import interval

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Prepositions that put a date on the event itself, rather than on a deadline or a target.
EVENT_TIME_PREPOSITIONS = {"on", "in", "at", "during", "since", "early", "late", "last", "this"}
PLACE_PREPOSITIONS = {
    "in",
    "at",
    "from",
    "to",
    "into",
    "near",
    "across",
    "throughout",
    "inside",
    "outside",
    "around",
}
# Prepositions that name another, earlier or later, event: "grounded after two crashes".
SEQUENCE_PREPOSITIONS = {"after", "before", "following"}
# ... and those that set a noun beside a verb's act rather than make it the act's object.
ADJUNCT_PREPOSITIONS = SEQUENCE_PREPOSITIONS | {
    "since",
    "until",
    "during",
    "despite",
    "amid",
    "with",
    "without",
}
# What stands between a date and a finer one that restates it: "next week, on May 7", "in May, on the 7th".
APPOSED_DATES = re.compile(r"[\s,–—-]*(?:on|in|at)?\s*")
WHEN_CLAUSE = re.compile(r"[\s,]*when\b")
# Prepositions that give a state its length or its start: "has been shut for two years", "since March".
STATE_PREPOSITIONS = {"for", "since"}
TARGET_PREPOSITIONS = {"by", "until", "to", "before", "till", "through", "from"}
# ... of which those that set a limit or an appointment, which a past act may put ahead of the report.
LIMIT_PREPOSITIONS = {"by", "until", "to", "till", "through", "for"}
PRECISION_BONUS = {"day": 0.1, "week": 0.06, "month": 0.05, "quarter": 0.03, "year": 0.0}
# Types whose present perfect ("has launched") reports a fresh fact rather than a trend ("has grown").
JUST_HAPPENED_TYPES = {"launch", "market_entry", "market_exit", "deal"}
PARTS_OF_DAY = {"morning", "afternoon", "evening", "night", "noon", "midday", "midnight"}
# Nouns that name a document or a recurring thing: a date before them labels it ("the 2024 law").
DOCUMENT_NOUNS = {
    "law",
    "regulation",
    "rule",
    "decree",
    "bill",
    "act",
    "order",
    "election",
    "budget",
    "report",
    "plan",
    "strategy",
    "policy",
    "survey",
    "edition",
    "model",
    "agreement",
    "treaty",
    "season",
}
# Quoted speech: an opinion or a comment, not a reported fact ("“You sign today and get paid later,” he said").
QUOTE = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")
# What would have happened, in the clause before a date: "the rule, which would have capped exports from 15
# May" (the date of no fact).
COUNTERFACTUAL = re.compile(
    r"\b(?:would|could|might)(?:n't|\s+not)?\s+have\s+(?:been\s+)?[a-z]+(?:ed|en|wn|ne|t)\b[^,;:.]*$", re.I
)
# A preposition just before a date: the date is an adverbial of its clause, not a label of the noun after it.
INTRODUCED = re.compile(r"\b(?:[Oo]n|[Ii]n|[Aa]t|[Dd]uring|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom)\s+$")
# Occasions at which things are done: "cut rates at its December meeting", "unveiled at its June event".
OCCASION_NOUNS = {"meeting", "session", "summit", "conference", "event", "gathering", "assembly", "congress"}
# Modifiers that make a noun a record or a first, whose date is the comparison's scope, not the fact's date:
# "the largest flotation this year", "for the first time since 1990".
FIRST_WORDS = {"first", "only"}


@dataclass
class Candidate:
    """One reported fact found in one sentence of one article."""

    sentence: str
    sentence_start: int
    sentence_end: int
    trigger: str
    event_type: str
    date: DateMention
    date_from: str  # "text" (a date expression) or "published" (the publication date)
    actors: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    confidence: float = 0.5


# Common nouns that name an institution acting in the news, besides the public bodies of triggers.toml.
INSTITUTION_NOUNS = {"court", "judge", "jury", "tribunal", "ministry", "company", "group", "bank", "union"}


def _path_length(a, b) -> int:
    """Edges between two tokens of one sentence in the dependency tree."""
    a_chain = [a, *a.ancestors]
    b_chain = [b, *b.ancestors]
    b_index = {token.i: n for n, token in enumerate(b_chain)}
    for n, token in enumerate(a_chain):
        if token.i in b_index:
            return n + b_index[token.i]
    return len(a_chain) + len(b_chain)


def _clause_verb(token: Token) -> Token:
    """The verb heading the clause ``token`` is in (the token itself if it is one)."""
    node = token
    while node.pos_ not in ("VERB", "AUX") and node.dep_ != "ROOT" and node.head.i != node.i:
        node = node.head
    return node


def _argument_of_trigger(noun: Token, trigger_ids: set[int]) -> bool:
    """Whether a noun is what a trigger verb acts on ("vote on the agreement", "announce its decision"):
    then the verb's act is the dated fact, not the noun's."""
    if noun.dep_ in ("dobj", "nsubjpass", "attr"):
        return noun.head.i in trigger_ids
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.lower_ not in ADJUNCT_PREPOSITIONS:
        return noun.head.head.i in trigger_ids and noun.head.head.pos_ in ("VERB", "AUX")
    return False


def _dated_noun(head: Token, trigger_ids: set[int]) -> Token | None:
    """The trigger noun a date modifies, before any verb: "its US launch in September 2023", "the crashes
    of two jets in October 2018"; and, as read, the event an "after" or "before" phrase names just before
    the date ("grounded after two crashes, in Indonesia in October 2018"), whatever the parse hung it on."""
    node = head
    for _ in range(4):
        if node.dep_ != "pobj" or node.head.dep_ != "prep":
            break
        owner = node.head.head
        if owner.pos_ not in ("NOUN", "PROPN"):
            break
        if owner.i in trigger_ids and not _argument_of_trigger(owner, trigger_ids):
            return owner
        node = owner
    if node.dep_ == "pobj" and node.head.dep_ == "prep":
        verb = node.head.head
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in SEQUENCE_PREPOSITIONS and prep.i < head.i:
                event = next((c for c in prep.children if c.dep_ == "pobj" and c.i in trigger_ids), None)
                between = head.doc[event.i + 1 : head.i] if event is not None else []
                if event is not None and not any(t.pos_ in ("VERB", "AUX") for t in between):
                    return event
    return None


def _attach(head: Token, sentence_triggers: list[tuple[Token, str]]):
    """The trigger a date belongs to, and how far it sits from it in the tree.

    The date belongs to its clause: the clause's verb when that is a trigger ("signed ... on Monday"),
    else the nearest trigger within the clause ("the deadline ... on Sunday"), else the same one level up
    ("said on Monday that it would buy"), else the nearest trigger of the sentence.
    """
    trigger_ids = {token.i for token, _ in sentence_triggers}
    noun = _dated_noun(head, trigger_ids)
    if noun is not None:
        return noun, _path_length(head, noun)
    verb = _clause_verb(head)
    for _ in range(4):
        if verb.i in trigger_ids:
            return verb, _path_length(head, verb)
        if verb.dep_ == "xcomp" and verb.head.i in trigger_ids:
            return verb.head, _path_length(head, verb.head)  # "stopped taking orders in early October"
        if (
            verb.dep_ in ("acl", "relcl")
            and verb.head.i in trigger_ids
            and verb.head.pos_ in ("NOUN", "PROPN")
        ):
            return verb.head, _path_length(head, verb.head)  # "the cap set by the regulator in January"
        in_clause = [t for t, _ in sentence_triggers if _clause_verb(t).i == verb.i or t.head.i == verb.i]
        if in_clause:
            nearest = min(in_clause, key=lambda t: (_path_length(head, t), abs(t.i - head.i)))
            return nearest, _path_length(head, nearest)
        if verb.dep_ == "ROOT" or verb.head.i == verb.i:
            break
        verb = _clause_verb(verb.head)
    nearest, _ = min(
        sentence_triggers, key=lambda pair: (_path_length(head, pair[0]), abs(pair[0].i - head.i))
    )
    return nearest, _path_length(head, nearest) + 2


def _date_head(doc: Doc, mention: DateMention):
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span.root if span is not None else None


def _attachment(head: Token) -> str:
    """How a date hangs on its verb: the preposition or modifier that introduces it."""
    node = head
    for _ in range(3):
        if node.dep_ == "pobj" and node.head.dep_ == "prep":
            return node.head.text.lower()
        for child in node.children:
            if (
                child.dep_ in ("prep", "case")
                and child.text.lower() in TARGET_PREPOSITIONS | EVENT_TIME_PREPOSITIONS
            ):
                return child.text.lower()
        node = node.head
    return ""


def _is_past(verb: Token) -> bool:
    """'took', 'has taken', 'was set by', 'after reviving': the verb tells of something already done."""
    if verb.tag_ == "VBD":
        return True
    if verb.tag_ == "VBN" and any(
        c.dep_ == "agent"
        or (c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP") and c.lemma_ in ("have", "be"))
        for c in verb.children
    ):
        return any(c.dep_ == "agent" or c.lemma_ == "have" or c.tag_ == "VBD" for c in verb.children)
    return verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.lower_ == "after"


def _past_told_as_future(doc: Doc, token: Token, mention: DateMention, published: date | None) -> bool:
    """Whether a fact told in the past tense got a date after the publication: the date was resolved the
    wrong way ("after reviving at the end of January" written in August is last January), so it is dropped."""
    if published is None:
        return False
    span = interval(mention.value, mention.date_end)
    if span is None or span[0] <= published:
        return False
    head = _date_head(doc, mention)
    if head is not None and _attachment(head) in LIMIT_PREPOSITIONS:
        # "pushed the deadline back to Sept. 17", "scheduled a hearing for April", "had until 18 October to
        # close": a limit or an appointment a past act set may lie ahead.
        return False
    verb = _clause_verb(head) if head is not None else token  # the tense the date itself is told in
    return verb.pos_ in ("VERB", "AUX") and _is_past(verb)


def _has_perfect_aspect(token: Token) -> bool:
    """'have doubled', 'has grown', 'had expanded' (and the same through 'more than doubled')."""
    return token.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in token.children)


def _is_just_happened(token: Token) -> bool:
    """'has launched', 'have agreed': present perfect reports a fact as of the publication date; not with a
    duration or a starting point ("has been shut for two years", "has paused output for a day", "have
    stayed closed since March"), which tells of a state, not of a fresh fact."""
    return (
        token.tag_ == "VBN"
        and any(c.dep_ == "aux" and c.lemma_ == "have" and c.tag_ in ("VBZ", "VBP") for c in token.children)
        and not any(c.dep_ == "prep" and c.lower_ in STATE_PREPOSITIONS for c in token.children)
        and not any(  # "have been suspended since the court struck down the contract"
            c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in STATE_PREPOSITIONS for m in c.children)
            for c in token.children
        )
        and not _is_generic(token)
        and not _is_open_question(token)
        and not _has_unnamed_subject(token)
    )


# Subjects that count members of a group without naming one: "many of which have stopped covering it".
QUANTIFIER_SUBJECTS = {"many", "some", "most", "several", "few", "others", "half", "none", "all"}


STATE_VERBS = {"keep", "stay", "remain"}
STATE_FORMS = {"kept", "keeps", "stay", "stays", "stayed", "remain", "remains", "remained"}


def _is_kept_state(token: Token) -> bool:
    """'kept its restaurants closed', 'have stayed shut', 'remained closed': a state that lasts, not the
    act that began it (which has its own date)."""
    if token.dep_ in ("acomp", "oprd") and token.head.lemma_ in STATE_VERBS:
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in STATE_FORMS for c in token.children)


SESSION_SUBJECTS = {"market", "markets", "trading", "exchange", "session", "bell"}
SESSION_MARKS = {"after", "before", "when", "until", "as", "once"}


def _is_session_time(token: Token) -> bool:
    """'after the market closes on Friday', 'before trading opened': the day's session as a time, no
    market's opening or exit."""
    if token.dep_ != "advcl" or not any(
        c.dep_ == "mark" and c.lower_ in SESSION_MARKS for c in token.children
    ):
        return False
    return any(c.dep_ == "nsubj" and c.lower_ in SESSION_SUBJECTS for c in token.children)


def _lede_end(text: str) -> int:
    """Where the article's first paragraph ends. The lede tells the news as just happened ("Toyota has
    recalled a million cars"); further down, a present perfect with no date is background ("Disney has
    agreed to lend the company money", "Google has invested billions in Anthropic"), not a fact of the day.
    """
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _has_unnamed_subject(verb: Token) -> bool:
    """'insurers, many of which have stopped covering the drug': a trend among some of a kind, no one's act."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in QUANTIFIER_SUBJECTS for c in verb.children)


def _is_generic(verb: Token) -> bool:
    """A clause about a kind of thing, not a particular one: "companies that have sold copies" (a bare plural
    the clause describes)."""
    if verb.dep_ != "relcl":
        return False
    noun = verb.head
    return noun.tag_ in ("NNS", "NNPS") and not any(
        c.dep_ in ("det", "poss", "nummod") for c in noun.children
    )


KIND_QUANTIFIERS = {"most", "many", "some", "all", "any", "every", "few", "several"}


def _describes_a_kind(verb: Token) -> bool:
    """A participle that says what kind of thing a quantified noun is: "most aircraft ordered today will not
    be delivered for years", "many cars sold in March were hybrids" (no particular order or sale)."""
    if verb.dep_ != "acl" or verb.tag_ != "VBN":
        return False
    return any(c.dep_ in ("amod", "det") and c.lower_ in KIND_QUANTIFIERS for c in verb.head.children)


def _is_open_question(verb: Token) -> bool:
    """A clause put as a question or a condition asserts nothing: "whether sales have started to recover",
    "if the deal has closed"."""
    node = verb
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in node.children):
            return True
        if node.dep_ not in ("xcomp", "conj") or node.head.i == node.i:
            return False
        node = node.head
    return False


PRONOUN_LABELS = {"he": ("PERSON",), "she": ("PERSON",), "it": ("ORG",)}
# Businesses told by what they are, as "the company" stands for the one named before.
DEFINITE_BUSINESSES = set(
    "company firm group bank lender airline carrier retailer insurer developer miner brewer operator conglomerate "
    "startup start-up streamer broadcaster publisher manufacturer supplier producer utility".split()
)


def _pronoun_actors(
    sentence_triggers: list[tuple[Token, str]], earlier: list[EntityMention], known: list[str]
) -> list[str]:
    """'he granted…', 'it said…': the subject pronoun of a trigger taken as the last such entity before."""
    found = []
    for token, _ in sentence_triggers:
        for child in token.children:
            labels = PRONOUN_LABELS.get(child.lower_) if child.dep_ in ("nsubj", "nsubjpass") else None
            if child.dep_ in ("nsubj", "nsubjpass") and _is_definite_business(child):
                labels = ("ORG",)  # "the company will publish results": the last organisation named, as "it"
            if labels:
                previous = next((e.name for e in reversed(earlier) if e.label in labels), None)
                if previous and previous not in known + found:
                    found.append(previous)
    return found


RELATIVE_PRONOUNS = {"which", "who", "that"}
BASED_AFTER = re.compile(r"-based\b|\s+based\b")
WEEKEND = re.compile(r"\bweekend\b", re.IGNORECASE)


def _named_subjects(
    sentence_triggers: list[tuple[Token, str]], inside: list[EntityMention], known: list[str]
) -> list[str]:
    """Names the entity recogniser missed that a trigger's subject gives ("Country Garden, which defaulted in
    2023, ...", "SLIM lifted off"): a proper noun with its compounds, the antecedent of a relative pronoun,
    unless it is a place or a date, or a name already found."""
    found = []
    places = {e.name.casefold() for e in inside if e.label in ("GPE", "LOC", "NORP", "DATE")}
    taken = {name.casefold() for name in known}
    for token, _ in sentence_triggers:
        for child in token.children:
            if child.dep_ not in ("nsubj", "nsubjpass"):
                continue
            subject = token.head if child.lower_ in RELATIVE_PRONOUNS and token.dep_ == "relcl" else child
            if subject.pos_ != "PROPN" or subject.ent_type_ not in ("", "ORG", "PERSON", "PRODUCT"):
                continue  # a place, a people, a law ("the Online Safety Act became law"), a date
            first = subject  # the proper nouns just before it that are its own ("Country Garden")
            while (
                first.i > subject.sent.start
                and (word := subject.doc[first.i - 1]).pos_ == "PROPN"
                and word.dep_ in ("compound", "flat")
                and word.ent_type_ in ("", "ORG", "PERSON", "PRODUCT")
            ):
                first = word
            name = subject.doc.text[first.idx : subject.idx + len(subject)]  # "Coca-Cola" keeps its hyphen
            key = name.casefold()
            if key not in places and not any(key in n or n in key for n in taken):
                found.append(name)
                taken.add(name.casefold())
    return found


def _described_actors(
    sentence_triggers: list[tuple[Token, str]], earlier: list[EntityMention], known: list[str]
) -> list[str]:
    """ "the guild", "the department", "the exchange": an organisation named before, told again by a word of
    its name ("the Writers Guild of America", "the Commerce Department"); the last one named that has it."""
    if not sentence_triggers:
        return []
    found = []
    taken = {name.casefold() for name in known}
    for noun in sentence_triggers[0][0].sent:
        if noun.pos_ != "NOUN" or noun.ent_type_ or not _told_as_known(noun):
            continue
        word = noun.lower_
        named = next(
            (
                e.name
                for e in reversed(earlier)
                if e.label == "ORG" and word in re.findall(r"[\w-]+", e.name.casefold())
            ),
            None,
        )
        if named is None and _is_business_word(word):
            # "The developer's listing was cancelled", "the Toronto-based company": the last organisation
            named = next((e.name for e in reversed(earlier) if e.label == "ORG"), None)
        if named and named.casefold() not in taken:
            found.append(named)
            taken.add(named.casefold())
    return found


def _told_as_known(noun: Token) -> bool:
    """ "the guild", "the developer's", "the Toronto-based company": a noun with "the" and nothing that makes it
    another ("the Danish company", "a rival bank")."""
    words = [c for c in noun.children if c.lower_ not in ("'s", "’s")]
    return (
        bool(words)
        and words[0].lower_ == "the"
        and all(w.dep_ in ("amod", "compound") and w.lower_.endswith("based") for w in words[1:])
    )


def _is_business_word(word: str) -> bool:
    """ "company", "lender", "carmaker": a word that tells a business by what it is."""
    return word in DEFINITE_BUSINESSES or word.endswith("maker")


def _is_definite_business(noun: Token) -> bool:
    """ "the company", "the carmaker", "the bank": a business named before, told by what it is (no name, no
    other words: "the Danish company" may be another)."""
    return (
        noun.pos_ == "NOUN"
        and not noun.ent_type_
        and _is_business_word(noun.lemma_.lower())
        and [c.lower_ for c in noun.children] == ["the"]
    )


def _is_where(doc: Doc, entity: EntityMention) -> bool:
    """Whether a name stands where a place does: after "in", "at", "from", "near" ("shares rose in New York")."""
    span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:  # "in Germany, France and Italy"
        root = root.head
    return root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPOSITIONS


def _sentence_actors(
    doc: Doc, sentence_triggers, inside: list[EntityMention], earlier: list[EntityMention]
) -> list[str]:
    actors = list(dict.fromkeys(e.name for e in inside if e.label in ("ORG", "PERSON", "PRODUCT")))
    actors += _pronoun_actors(sentence_triggers, earlier, actors)
    actors += _described_actors(sentence_triggers, earlier, actors)
    actors += _named_subjects(sentence_triggers, inside, actors)
    if not actors:
        # A country can act ("Japan's government", "the United States announced"); a nationality
        # ("Italian users") names a place, not who acted, and so does a place where something happened
        # ("trading in New York", "lifted off from the space centre").
        actors = list(
            dict.fromkeys(
                e.name
                for e in inside
                if e.label in ACTOR_LABELS and e.label != "NORP" and not _is_where(doc, e)
            )
        )
    if not actors:
        # "The court heard the case": an institution named by a common noun is still an actor ("analysts"
        # or "the market" are not).
        bodies = set(rule_tables().get("public_bodies", {}).get("words", [])) | INSTITUTION_NOUNS
        actors = [
            " ".join([w.text for w in c.lefts if w.dep_ in ("compound", "amod")] + [c.text])
            for token, _ in sentence_triggers
            for c in token.children
            if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN") and c.lemma_.lower() in bodies
        ]
    return actors


def _is_comparison_scope(head: Token) -> bool:
    """Whether a date is the scope of a record or a first ("the largest flotation anywhere this year", "for the
    first time since 1990", "its biggest gain since March") rather than the date of a fact."""
    node, preposition = head, ""
    if node.dep_ == "pobj" and node.head.dep_ == "prep":
        preposition, node = node.head.lower_, node.head
    elif node.dep_ != "npadvmod":
        return False
    anchor = node.head
    if anchor.lemma_ == "be":  # "what will be the largest flotation this year"
        anchor = next((c for c in anchor.children if c.dep_ == "attr"), anchor)
    if anchor.pos_ not in ("NOUN", "PROPN"):
        return False
    modifiers = [c for c in anchor.children if c.dep_ in ("amod", "advmod")]
    if any(c.tag_ in ("JJS", "RBS") for c in modifiers):
        return True
    return preposition == "since" and any(c.lower_ in FIRST_WORDS for c in modifiers)


COMPARING = {"than", "versus", "vs", "vs."}


def _is_comparison_base(head: Token) -> bool:
    """Whether a date is what a figure is compared with ("doubled this month compared with mid-December",
    "higher than in January", "May versus April"): the base of the comparison, no fact's date."""
    node = head
    for _ in range(3):
        if node.dep_ not in ("pobj", "pcomp", "prep") or node.head.i == node.i:
            return False
        node = node.head
        if node.lower_ in COMPARING:
            return True
        if node.lower_ in ("with", "to") and node.head.lemma_.lower() in ("compare", "comparison"):
            return True
    return False


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in QUOTE.finditer(text)]


def _attached_dates(
    doc: Doc,
    sentence: Span,
    dates: list[DateMention],
    sentence_triggers: list[tuple[Token, str]],
    text: str,
):
    """(trigger token, date, how it is attached, tree distance, whether it is the day the fact was said) for
    each usable date of the sentence. ``text`` is the text the doc was parsed from (``doc.text`` is joined
    again on every read)."""
    attached = []
    here = [m for m in dates if sentence.start_char <= m.start < sentence.end_char]
    # The clauses dated by an offset ("a day after the chipmaker said ...") are no other date's.
    offsets = {m.start: offset_phrase(doc, m) for m in here}
    counted = [phrase[1:] for phrase in offsets.values() if phrase is not None]
    # "detained him two days after the 6 May break-in": the offset dates the clause, the noun's date only
    # the noun ("the device's launch on 2 February" is still a launch of that day).
    nouns = {
        m.start: span
        for m in here
        if m.value and offsets[m.start] is None and is_offset(m.text) and (span := offset_noun(doc, m))
    }
    for mention in here:
        if mention.is_vague or mention.value == "PRESENT_REF":
            continue
        offset = offsets[mention.start]
        if offset is not None:
            # "a day after the chipmaker said it would cut jobs": the date of a trigger in that clause.
            dated, low, high = offset
            chosen, distance = _attach(dated, sentence_triggers)
            if low <= chosen.idx < high:
                attached.append((chosen, mention, "after", distance, False))
            continue
        head = _date_head(doc, mention)
        if head is None:
            continue
        labelled = None  # the trigger noun the date labels: "the October shutdown", "its 2021 merger"
        if head.dep_ == "compound" and head.head.lower_ in PARTS_OF_DAY:
            head = head.head  # "on Tuesday night": the date is the whole phrase
        elif _dates_an_occasion(head):
            head = head.head  # "held rates at its October meeting": the date of what was done there
        elif (
            head.dep_ in ("compound", "nummod", "amod", "poss")
            and head.head.pos_ in ("NOUN", "PROPN")
            # "On Monday shares in Nvidia fell": a date a preposition brings is no label, whatever the parse
            # (but "at Thursday's closing price" brings the price)
            and not (
                head.dep_ != "poss"
                and not text.startswith(("'s", "’s"), mention.end)
                and INTRODUCED.search(text[max(0, mention.start - 10) : mention.start])
            )
        ):
            issued = any(c.dep_ == "poss" and c.pos_ == "PROPN" for c in head.head.children)
            if (head.head.lemma_.lower() in DOCUMENT_NOUNS and not issued) or not trigger_key(head.head):
                # "a 2020 regulation", "Thursday's closing price": a label; "the October shutdown" is a fact,
                # and so is "the Commission's 2016 order": the year its issuer made it.
                continue
            labelled = head.head
        if (
            _is_comparison_scope(head)
            or _is_comparison_base(head)
            or _in_concession(head, sentence_triggers)
            or COUNTERFACTUAL.search(text[max(sentence.start_char, mention.start - 120) : mention.start])
        ):
            continue
        # A date that labels a trigger noun is that noun's, not the date of the verb acting on it.
        if labelled is not None and any(token.i == labelled.i for token, _ in sentence_triggers):
            chosen, distance = labelled, 1
        else:
            chosen, distance = _attach(head, sentence_triggers)
        if any(low <= chosen.idx < high for low, high in counted):
            continue
        own_noun = nouns.get(mention.start)
        if (own_noun and own_noun[0] <= chosen.idx < own_noun[1]) or any(
            low <= mention.start < high and not low <= chosen.idx < high for low, high in nouns.values()
        ):
            continue  # an offset dates no act of the noun it counts from; the noun's date no act outside it
        attached.append((chosen, mention, _attachment(head), distance, _said_on(head, chosen)))
    # "It halted output on Friday, the company said on Monday": the day it was said is not the day of a
    # fact dated as finely in its own clause (a coarser date, "this year", leaves the day it was said).
    own_dated = [(chosen.i, mention) for chosen, mention, *_, said in attached if not said]
    for chosen, mention, how, distance, said in attached:
        if not said or not any(i == chosen.i and _as_fine(own, mention) for i, own in own_dated):
            yield chosen, mention, how, distance, said


def _dates_an_occasion(head: Token) -> bool:
    """A date naming an occasion at which something is done: "at its October meeting", "during its
    September event" (the occasion's date is the act's)."""
    occasion = head.head
    return (
        head.dep_ in ("compound", "nummod", "amod")
        and occasion.lemma_.lower() in OCCASION_NOUNS
        and occasion.dep_ == "pobj"
        and occasion.head.lower_ in ("at", "during")
    )


CONCESSIVE = {"though", "although", "whereas"}


def _in_concession(head: Token, sentence_triggers: list[tuple[Token, str]]) -> bool:
    """A date in a clause of concession that reports no fact of its own ("Service returned within a day,
    though the app was still missing from the stores this morning"): it dates that state, not the fact of
    the clause it qualifies."""
    trigger_ids = {token.i for token, _ in sentence_triggers}
    verb = _clause_verb(head)
    for _ in range(4):
        if verb.i in trigger_ids or any(_clause_verb(t).i == verb.i for t, _ in sentence_triggers):
            return False
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE for c in verb.children):
            return True
        if verb.dep_ == "ROOT" or verb.head.i == verb.i:
            return False
        verb = _clause_verb(verb.head)
    return False


def _as_fine(one: DateMention, other: DateMention) -> bool:
    """Whether one date is at least as precise as another (a day as a day, a week as a month…)."""
    order = ("year", "quarter", "month", "week", "day")
    rank = {name: n for n, name in enumerate(order)}
    return rank.get(one.precision or "", -1) >= rank.get(other.precision or "", 99)


def _before(mention: DateMention, day: date | None) -> bool:
    span = interval(mention.value, mention.date_end)
    return day is not None and span is not None and span[0] <= day


# Verbs of a state, a wish or an attempt, no act: "kept its shops closed in March", "hoped to settle by June".
NO_ACT_VERBS = {"keep", "remain", "stay", "continue", "seem", "appear", "look", "want", "hope", "try", "wait"}


def _main_verb_trigger(sentence: Span, quoted: list[tuple[int, int]]) -> list[tuple[Token, str]]:
    """For a dated sentence with no trigger word: its main verb, when someone named does it ("Tesla delivered
    its first car in India on Friday", "Apple took the device to eight more countries in June"), and it is
    not inside a quotation (``quoted``: spans of quoted speech). A fact told in words the vocabulary lacks is
    still a fact; typed by its verb (most often "other")."""
    verb = sentence.root
    if verb.lemma_.lower() in REPORTING_VERBS:
        # "Orvane said on Monday it would ...": the reported clause's verb
        verb = next((c for c in verb.children if c.dep_ == "ccomp" and c.pos_ == "VERB"), verb)
    return [(verb, verb.lemma_.lower())] if _named_act(verb, quoted) else []


def _offset_triggers(
    doc: Doc, sentence: Span, dates: list[DateMention], triggers: list[tuple[Token, str]], quoted
) -> list[tuple[Token, str]]:
    """The verbs of clauses dated by an offset ("eight months after the company first showed it", "two days
    after asking the start-up ...") that hold no trigger word: the offset dates that clause's act, whatever
    its verb, when someone named does it (as ``_main_verb_trigger``)."""
    found = []
    for mention in dates:
        if not (sentence.start_char <= mention.start < sentence.end_char and is_offset(mention.text)):
            continue
        phrase = offset_phrase(doc, mention)
        if phrase is None:
            continue
        verb, low, high = phrase
        if not any(low <= token.idx < high for token, _ in triggers) and _named_act(verb, quoted):
            found.append((verb, verb.lemma_.lower()))
    return found


def _named_act(verb: Token, quoted: list[tuple[int, int]]) -> bool:
    """Whether ``verb`` tells an act of someone named (an actor entity, a pronoun, "the company"), not a state,
    a wish or a saying, outside quotations. A clause with no subject of its own ("after asking the start-up")
    is its governing verb's subject's act."""
    if (
        verb.pos_ != "VERB"
        or verb.lemma_.lower() in REPORTING_VERBS | NO_ACT_VERBS
        or _is_kept_state(verb)
        or any(start <= verb.idx < end for start, end in quoted)
    ):
        return False
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        subject = next((c for c in verb.head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject is not None and (
        subject.ent_type_ in ACTOR_LABELS
        or subject.lower_ in ("it", "they", "he", "she")
        or _is_definite_business(subject)
    )


def _said_on(head: Token, trigger: Token) -> bool:
    """Whether a date hangs on a reporting verb ("said on Monday") other than the trigger it was given to."""
    verb = _clause_verb(head)
    return verb.i != trigger.i and verb.lemma_.lower() in REPORTING_VERBS


def candidates_in_doc(
    doc,
    dates: list[DateMention],
    entities: list[EntityMention],
    sector_spans: list[tuple[int, int, str]],
    published: date | datetime | None,
    text: str | None = None,
) -> list[Candidate]:
    """Event candidates of one parsed article: one per dated fact (a trigger and a date attached to it).
    ``text``, if given, is the text the doc was parsed from (``doc.text``, which spaCy joins on each read)."""
    found: list[Candidate] = []
    published_day = published.date() if isinstance(published, datetime) else published
    sentences = []
    text = doc.text if text is None else text
    # "over the weekend" dates what a story tells in passing ("sellers moved their catalogues over the
    # weekend") more than a fact it reports, which it gives a day: measured on the demo, such candidates made
    # three duplicate or stray events and found no fact (the date is still found for other callers).
    dates = [d for d in dates if not WEEKEND.search(d.text)]
    quoted = _quoted_spans(text)
    lede_end = _lede_end(text)
    first_words = trigger_first_words()
    for sentence in doc.sents:
        s_start, s_end = sentence.start_char, sentence.end_char
        # A word of a date expression ("since the start of the year") names no fact.
        sentence_triggers = [
            (token, key)
            for token in sentence
            # Only a verb, or a word that starts a trigger, can be one (a cheap test of every token first).
            if (token.pos_ == "VERB" or token.lemma_.lower() in first_words or token.lower_ in first_words)
            and (
                key := monetary_act(token) or military_act(token) or trigger_key(token) or judicial_act(token)
            )
            and not any(d.start <= token.idx < d.end for d in dates if s_start <= d.start < s_end)
            and not _is_kept_state(token)
            and not _is_session_time(token)
            and not _describes_a_kind(token)
            and not any(start <= token.idx < end for start, end in quoted)
        ]
        if not sentence_triggers and any(s_start <= d.start < s_end for d in dates):
            sentence_triggers = _main_verb_trigger(sentence, quoted)
        sentence_triggers += _offset_triggers(doc, sentence, dates, sentence_triggers, quoted)
        inside = [e for e in entities if s_start <= e.start < s_end]
        actors = _sentence_actors(doc, sentence_triggers, inside, [e for e in entities if e.start < s_start])
        # Places, and institutions that stand for them ("Congress" acts for the US).
        # Not where a company is based ("the Toronto-based company", "a London-based lender"): no place of its act.
        markets = [
            resolve_market(e.text)
            for e in inside
            if e.label in ("GPE", "NORP", "LOC") and not BASED_AFTER.match(text, e.end)
        ]
        markets += [institution_market(e.text) for e in inside if e.label == "ORG"]
        markets += [slug for start, _, slug in sector_spans if s_start <= start < s_end]
        markets = list(dict.fromkeys(m for m in markets if m))
        # Sectors alone ("payments") name no one: such a sentence still continues the story's actors.
        named = any(e.label in ACTOR_LABELS for e in inside) or any(m[:1].isupper() for m in markets)
        sentences.append((sentence, sentence_triggers, actors, markets, named))
    # The article's lead: the first sentence that names someone (a standfirst may name no one).
    lead = next(((actors, markets) for _, _, actors, markets, named in sentences if named), ([], []))
    context_actors, context_markets = lead  # the actors and markets of the last sentence that named some
    for sentence, sentence_triggers, actors, markets, named in sentences:
        s_start, s_end = sentence.start_char, sentence.end_char
        inherited = not named and bool(context_actors or context_markets)
        if inherited:
            # "The reprieve runs into early April.": a sentence naming no one continues the story's actors.
            actors = list(dict.fromkeys(context_actors + lead[0] + actors))
            markets = list(dict.fromkeys(markets + context_markets + lead[1]))
        elif named:
            if not any(m[:1].isupper() for m in markets):
                # "The legislation was introduced in Parliament": who is named, but the place is the story's.
                markets = list(dict.fromkeys(markets + [m for m in context_markets if m[:1].isupper()]))
            if not actors:
                # "Dealings begin in New York on Thursday": a place is named, but who acts is the story's.
                actors = list(context_actors)
            context_actors, context_markets = actors, markets
        if not sentence_triggers or not (actors or markets):
            continue
        keys = dict((token.i, key) for token, key in sentence_triggers)
        dated: set[int] = set()
        for token, mention, how, distance, said in _attached_dates(
            doc, sentence, dates, sentence_triggers, text
        ):
            dated.add(token.i)
            if _past_told_as_future(doc, token, mention, published_day):
                continue
            date_from = "text"
            if how == "since" and published_day is not None and _has_perfect_aspect(token):
                # "rates have doubled since mid-December": the fact is the state as of publication.
                mention = DateMention(
                    mention.start, mention.end, mention.text, published_day.isoformat(), "day"
                )
                date_from = "published"
            event_type = event_type_of(
                token,
                keys[token.i],
                markets,
                mention,
                published_day,
                announced=said and _before(mention, published_day),
            )
            if event_type is None or (date_from == "published" and event_type != "financial"):
                # A state since a date is a fact as of publication only as a figure ("shares have fallen
                # since January"), not an act ("has cut 15,000 jobs since last summer").
                continue
            confidence = (
                0.5 + (0.15 if distance <= 3 else 0.0) + PRECISION_BONUS.get(mention.precision or "", 0)
            )
            confidence += 0.0 if inherited else 0.1
            confidence -= 0.1 if how in TARGET_PREPOSITIONS else 0.0
            found.append(
                Candidate(
                    sentence.text,
                    s_start,
                    s_end,
                    keys[token.i],
                    event_type,
                    mention,
                    date_from,
                    actors,
                    markets,
                    round(min(confidence, 0.95), 2),
                )
            )
        for token, key in sentence_triggers:
            if (
                token.i in dated
                or published_day is None
                or s_start >= lede_end
                or not _is_just_happened(token)
            ):
                continue
            event_type = event_type_of(token, key, markets)
            if event_type in JUST_HAPPENED_TYPES:
                today = DateMention(
                    token.idx, token.idx + len(token.text), token.text, published_day.isoformat(), "day"
                )
                found.append(
                    Candidate(
                        sentence.text,
                        s_start,
                        s_end,
                        key,
                        event_type,
                        today,
                        "published",
                        actors,
                        markets,
                        0.4,
                    )
                )
    return _one_per_fact(found)


def _one_per_fact(candidates: list[Candidate]) -> list[Candidate]:
    """Within a sentence, one candidate per date: the triggers of one dated fact are one fact; and one trigger
    dated twice, the second date inside the first ("next week, on May 7"), is one fact on the finer date."""
    best: dict[tuple[int, str | None, str | None, int | None], Candidate] = {}
    for candidate in candidates:
        # A date counted from another ("hours before Starbucks announced") dates another fact.
        offset = candidate.date.start if is_offset(candidate.date.text) else None
        key = (candidate.sentence_start, candidate.date.value, candidate.date.date_end, offset)
        current = best.get(key)
        if current is None or _type_rank(candidate) < _type_rank(current):
            best[key] = candidate
    kept = [c for c in best.values() if not any(_restates_finer(other, c) for other in best.values())]
    kept = [c for c in kept if not any(_reports_period(other, c) for other in kept)]
    return sorted(kept, key=lambda c: (c.sentence_start, c.date.start))


# How long after a quarter or a half ends its figures are reported (most within six to eight weeks).
REPORTING_LAG = timedelta(days=75)


def _reports_period(report: Candidate, period: Candidate) -> bool:
    """Whether ``period`` is the reporting period of the figures ``report`` tells on a day, in one sentence
    ("said on Wednesday that its revenue rose 71% in the three months to December") or of the same actor in
    the article ("Reddit reported its first profit on Tuesday. Revenue rose 68% in the three months to
    September."): one fact, the results of that day, not a second one dated by the quarter."""
    if not report.event_type == period.event_type == "financial":
        return False
    if report.sentence_start != period.sentence_start and not set(report.actors) & set(period.actors):
        return False
    if report.date.precision != "day" or not (
        period.date.precision == "quarter" or (period.date.precision == "month" and period.date.date_end)
    ):
        return False
    day, span = interval(report.date.value), interval(period.date.value, period.date.date_end)
    return day is not None and span is not None and span[1] < day[0] <= span[1] + REPORTING_LAG


def _restates_finer(finer: Candidate, coarser: Candidate) -> bool:
    """Whether two candidates are one trigger's fact told with two dates, ``finer`` inside ``coarser``."""
    if finer is coarser or finer.sentence_start != coarser.sentence_start or finer.trigger != coarser.trigger:
        return False
    if finer.date_from != "text" or coarser.date_from != "text":
        return False
    first, second = sorted((finer.date, coarser.date), key=lambda d: d.start)
    gap = finer.sentence[first.end - finer.sentence_start : second.start - finer.sentence_start]
    # "in February, when its rocket reached orbit on 17 February": a clause that dates the month's fact.
    restated_by_when = first is coarser.date and bool(WHEN_CLAUSE.match(gap))
    # "cut its deposit rate last week, its fourth reduction this year": the year counts the week's fact (not
    # "will cut again this year", nor "step down at the end of the year", which are facts of their own).
    before_coarser = coarser.sentence[: coarser.date.start - coarser.sentence_start]
    same_fact = (
        finer.event_type == coarser.event_type
        and finer.date.precision in ("day", "week", "month")
        and coarser.date.mod is None
        and not FUTURE_CUES.search(before_coarser[-60:])
    )
    if not APPOSED_DATES.fullmatch(gap) and not restated_by_when and not same_fact:
        return False  # "said on Monday that he would leave at the end of the year": two facts' dates
    inner = interval(finer.date.value, finer.date.date_end)
    outer = interval(coarser.date.value, coarser.date.date_end)
    if inner is None or outer is None or inner == outer:
        return False
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _type_rank(candidate: Candidate) -> tuple[int, float]:
    # A specific type beats "other", and a content trigger beats a reporting verb.
    return (candidate.event_type == "other" or candidate.trigger in REPORTING_VERBS, -candidate.confidence)
