"""Event types: which trigger words report a fact, and what type of fact a trigger reports in its sentence.

The type comes from the trigger (``nlp/data/triggers.toml``), refined by what it governs: "announced a deal"
is a deal, "paused enforcement" a regulation, "must sell" an obligation, "plans to launch" a forecast,
"took over as chief executive" a personnel change ("other"), "launched in Japan" a market entry.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.dates import in_past_perfect
from nlp.timex import interval

if TYPE_CHECKING:
    from collections.abc import Iterator

    from spacy.tokens import Token

    from nlp.dates import DateMention

DATA = Path(__file__).resolve().parent / "data"
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
# Nouns that stand for places a service enters.
PLACE_NOUNS = {"market", "country", "region", "city", "territory"}
# What makes a flight a launch: "the first flight", "its maiden flight", "a test flight".
FIRST_FLIGHTS = {"first", "maiden", "test", "inaugural", "debut", "orbital", "second", "third"}
# Posts whose taking or leaving is a personnel change ("took over as chief executive").
ROLE_WORDS = {
    "executive",
    "ceo",
    "chairman",
    "chairwoman",
    "chair",
    "president",
    "director",
    "boss",
    "cfo",
    "coo",
    "officer",
    "governor",
    "minister",
    "secretary",
    "chancellor",
}
COMPANY_NOUNS = {
    "company",
    "firm",
    "group",
    "league",
    "club",
    "team",
    "carrier",
    "airline",
    "bank",
    "insurer",
    "maker",
}
# Prepositions that set the circumstances of an act, not what it acts on: "with the deadline arriving".
CIRCUMSTANCE_PREPOSITIONS = frozenset({"with", "amid", "despite", "after", "before", "following", "during"})
# ... of which those that name only what went on around it: "During Trump's visit, Nvidia agreed to ...".
SURROUNDINGS = frozenset({"during", "amid", "despite"})
# What a business reopens under when it starts again as a new one: "under the new name", "under its brand".
BRAND_NOUNS = {"name", "brand", "banner", "label"}
# Verbs that end what was planned or agreed.
TERMINATIONS = {"abandon", "call off", "cancel", "terminate", "scrap", "end", "dissolve"}
# Verbs that, said of a person, are a personnel change rather than a market move.
PERSONNEL_LEMMAS = {"leave", "step down", "resign", "quit", "join", "replace", "take over", "retire", "exit"}
RULE_NOUNS = {"regulation", "law", "rule", "decree", "order", "measure", "bill"}
# What a company's results return or move to: "returned to a net profit", "back into the black".
RESULT_STATES = {"profit", "profits", "profitability", "loss", "losses", "black", "red", "surplus", "deficit"}
OBLIGATION_HEADS = {"have", "need", "require", "oblige", "force", "compel", "order"}
PLAN_HEADS = {
    "expect",
    "plan",
    "aim",
    "intend",
    "hope",
    "target",
    "schedule",
    "prepare",
    "seek",
    "want",
    "set",
    "due",
}
# Heads that say someone means to act (not that something is scheduled or expected: "is due to take effect").
INTENT_HEADS = {"plan", "aim", "intend", "hope", "prepare", "seek", "want"}
FUTURE_AUXILIARIES = {"will", "shall", "'ll"}
# What is traded on a stock market: "shares rose", "dealings begin", "the listing opened" are market figures.
SHARE_WORDS = {
    "share",
    "shares",
    "stock",
    "stocks",
    "trading",
    "dealings",
    "dealing",
    "listing",
    "flotation",
    "ipo",
}
AMOUNT_LABELS = ("PERCENT", "MONEY", "QUANTITY", "CARDINAL")
# What starts when production or sales start: "production began in 2019", "deliveries start next week".
OUTPUT_NOUNS = {"production", "output", "sales", "delivery", "shipment", "construction", "trading", "service"}
# What a company raises money in from investors: an investment, a deal ("raised $410 million in a funding
# round"), not proceeds of a listing.
FUNDING_WORDS = {"funding", "financing", "fundraising", "fund-raising"}
# Words that count what follows them: "thousands of communities", "dozens of shops".
COUNT_WORDS = set("thousand thousands hundred hundreds million millions dozen dozens number".split())
# Verbs that start something: "began selling", "started offering".
INCEPTION_LEMMAS = {"begin", "start", "commence"}
# Light verbs whose object comes after "for": "filed for bankruptcy", "applied for a licence".
PURPOSE_OBJECT_VERBS = {"file", "apply", "bid", "seek", "vote"}
# What a company publishes on a date it sets: "will report first-quarter results on May 7" is the fact itself.
RESULTS_NOUNS = {"results", "result", "earnings", "figures", "accounts"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our"}
OBLIGATION_AUXILIARIES = {"must"}
# A plan dated this close after publication is a scheduled fact ("will stop at 5 p.m. today"), not a forecast.
SCHEDULED_WITHIN_DAYS = 14
# Types of facts that, dated after the publication, can only be foreseen ("with production starting in
# 2030"). A rule, a ruling or a deadline dated ahead is set already, and so are an election, a swearing-in
# and a company's results day; a deal dated ahead is most often the deadline set for it ("to sell by June").
AHEAD_TYPES = {"launch", "market_entry", "market_exit", "financial"}
# The triggers of a central bank's rate decision, by the [monetary] verbs that give them (`monetary_act`).
MONETARY_KEYS = {"cuts": "cut rates", "rises": "raise rates", "holds": "hold rates"}


@lru_cache(maxsize=1)
def rule_tables() -> dict[str, dict]:
    tables = tomllib.loads((DATA / "triggers.toml").read_text(encoding="utf-8"))
    extra = os.environ.get("NEWSLINE_TRIGGERS_FILE")
    if extra:
        for name, table in tomllib.loads(Path(extra).read_text(encoding="utf-8")).items():
            for key, values in table.items():
                tables.setdefault(name, {}).setdefault(key, [])
                tables[name][key] += values
    return tables


@lru_cache(maxsize=1)
def triggers() -> dict[str, str]:
    """Trigger lemma (or "verb particle") → event type."""
    return {
        lemma: name
        for name, table in rule_tables().items()
        if name in EVENT_TYPES
        for lemma in table["lemmas"]
    }


def _base_forms(word: str) -> list[str]:
    """Candidate base forms of an inflected verb, for the lemmas the model gets wrong ("fined" -> "fin")."""
    forms = []
    for suffix, replacement in (("ied", "y"), ("ies", "y"), ("ed", ""), ("d", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            forms.append(word[: -len(suffix)] + replacement)
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    return forms


@lru_cache(maxsize=1)
def trigger_first_words() -> frozenset[str]:
    """The first word of every trigger: a token that is not a verb can be a trigger only if its lemma or
    its own form is one of them (``trigger_key`` looks up the lemma, a noun's plural form, and multi-word
    triggers by their first word; the central bank's, the armies' and the courts' acts are verbs)."""
    return frozenset(key.split()[0] for key in triggers())


def trigger_key(token: Token) -> str | None:
    lemma = token.lemma_.lower()
    table = triggers()
    if lemma not in table and token.pos_ == "VERB" and token.tag_ not in ("VB", "VBP"):  # "wind" is no "win"
        lemma = next((form for form in _base_forms(token.lower_) if form in table), lemma)
    elif token.pos_ == "NOUN" and token.lower_ in table and token.lower_ != lemma:
        # nouns used in the plural: "talks", "sanctions", "damages", "earnings"; and a plural that is a word
        # of its own: "sales" rose (a figure), where "a sale" is a deal
        lemma = token.lower_
    for child in token.children:  # "roll out", "pull out", "go live", "take over"
        if (
            child.dep_ in ("prt", "advmod", "acomp", "dobj", "attr")
            and f"{lemma} {child.lower_}" in table
            and f"{lemma} {child.lower_}" not in MONETARY_KEYS.values()  # only a central bank's, below
        ):
            return f"{lemma} {child.lower_}"
        if child.dep_ == "prep":  # "enter into force", "go on sale", "letter of intent"
            for grandchild in child.children:
                if grandchild.dep_ == "pobj" and f"{lemma} {child.lower_} {grandchild.lower_}" in table:
                    return f"{lemma} {child.lower_} {grandchild.lower_}"
    if (
        lemma in table
        and token.pos_ in ("VERB", "NOUN", "PROPN", "AUX")
        and token.dep_ not in ("amod", "compound")
        and not (token.pos_ != "VERB" and lemma in _verbs_only())
        and not _orders_a_sequence(token, lemma)
    ):
        return lemma
    return None


def _orders_a_sequence(token: Token, lemma: str) -> bool:
    """ "cut rates four times, starting with a half-point move in September", "will open stores in phases,
    beginning with Japan in May": a participle that orders the steps of the clause it hangs on, whose act is
    that clause's, not a launch of its own."""
    return (
        lemma in ("start", "begin")
        and token.tag_ == "VBG"
        and token.dep_ in ("advcl", "xcomp", "conj")
        and any(c.dep_ == "prep" and c.lower_ == "with" for c in token.children)
        and not any(c.dep_ in ("dobj", "nsubj") for c in token.children)
    )


def _is_negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.dep_ == "det" and c.lower_ == "no" for c in token.children
    )


def _governed_trigger(token: Token) -> Token | None:
    """For a light verb: the trigger noun it is about (its object, subject or the noun it modifies)."""
    table = triggers()
    if (
        token.dep_ in ("acl", "relcl")
        and trigger_key(token.head)
        and token.head.lemma_.lower() not in _light()
    ):
        return token.head
    owner = token.head.head.head if token.head.dep_ == "pobj" and token.head.head.dep_ == "prep" else None
    if (
        token.dep_ in ("acl", "relcl")
        and owner is not None
        and owner.pos_ in ("NOUN", "PROPN")
        and not trigger_key(token.head)
        and trigger_key(owner)
        and owner.lemma_.lower() not in _light()
    ):
        return owner  # "an agreement on the main terms reached in March": what was reached is the agreement
    children = list(token.children)
    if not any(c.dep_ == "dobj" for c in children):
        # "lawmakers passed and the president signed a moratorium": the object the verbs share.
        children += [g for c in token.children if c.dep_ == "conj" for g in c.children if g.dep_ == "dobj"]
    if token.dep_ == "conj" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in children):
        # "its deal with Hims, meant to steer patients, collapsed in June": the subject the verbs share.
        children += [c for c in token.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    # "approved for weight loss": a purpose is not what the verb acts on ("filed for bankruptcy" is).
    # "During Trump's visit, Nvidia agreed to ...": what went on around the act is not what it acts on.
    preps = [
        c
        for c in token.children
        if c.dep_ == "prep"
        and (c.lower_ != "for" or token.lemma_.lower() in PURPOSE_OBJECT_VERBS)
        and c.lower_ not in SURROUNDINGS
    ]
    # "walked away from the deal": the preposition may hang on the particle.
    preps += [
        g for c in token.children if c.dep_ in ("advmod", "prt") for g in c.children if g.dep_ == "prep"
    ]
    children += [g for c in preps for g in c.children]
    # xcomp: "agreed to plead guilty"; ccomp: "announced that it would leave Russia"
    for dep in ("dobj", "nsubjpass", "attr", "nsubj", "pobj", "xcomp", "ccomp"):
        for child in children:
            key = trigger_key(child) if child.dep_ == dep else None
            # "agreed to abandon the venture": a clause that is itself a light trigger still says what was agreed.
            light_clause = dep in ("xcomp", "ccomp") and key in _light()
            if key and key in table and (key not in _light() or light_clause):
                # "a regulation that prohibits..." / "the law requiring...": the clause says what the rule does.
                clause = next(
                    (g for g in child.children if g.dep_ in ("relcl", "acl") and trigger_key(g)), None
                )
                return clause if clause is not None else child
    return None


@lru_cache(maxsize=1)
def family_words() -> dict[str, str]:
    """Every word of a trigger family (its name among them), with the family's name."""
    return {
        word: family
        for family, words in rule_tables().get("families", {}).items()
        for word in [family, *words]
    }


def trigger_family(key: str) -> str:
    """The family of a trigger: one name for the words of one act ("start" and "begin": "begin")."""
    return family_words().get(key, key)


@lru_cache(maxsize=1)
def _verbs_only() -> set[str]:
    return set(rule_tables().get("verbs_only", {}).get("lemmas", []))


@lru_cache(maxsize=1)
def _light() -> set[str]:
    return set(rule_tables().get("light", {}).get("lemmas", []))


@lru_cache(maxsize=1)
def _market_actors() -> frozenset[str]:
    return frozenset(rule_tables().get("market_actors", {}).get("words", []))


def event_type_of(
    token,
    key: str,
    markets: list[str],
    mention: DateMention | None = None,
    published=None,
    announced: bool = False,
) -> str | None:
    """The type of the fact a trigger reports, or None when the trigger reports no fact here. ``announced``:
    the date is the day the fact was said ("will offer the drug, Novo said on Tuesday"), so a future tense
    tells of a decision announced that day, not of a forecast."""
    if _is_negated(token):
        return None
    if token.dep_ == "xcomp" and trigger_key(token.head) == "vote" and token.head.i != token.i:
        # "Britons voted to leave", "lawmakers voted to ban...": what was voted is the vote's fact
        voted = event_type_of(token.head, "vote", markets, mention, published, announced)
        if voted == "other":
            return voted
    if _sought_in_court(token):
        # "the FTC sued to block the acquisition", "lost its attempt to block the deal in court"
        return "legal"
    original = token
    if key in _light() and _is_personnel_change(token, key, _head_words(_object_tokens(token))):
        return "other"  # "became chief executive in January", before "with a mandate to..." is looked at
    for _ in range(2):  # "agreed to begin talks": a light clause's own object, once more
        if key in _light() and (governed := _governed_trigger(token)) is not None:
            token, key = governed, trigger_key(governed) or governed.lemma_.lower()
    if token is original and _presents_an_offering(token, key):
        key = "launch"  # "Apple announced on Wednesday a new version of Vision Pro", "the headset reaches stores"
    if key in INCEPTION_LEMMAS and any(
        c.dep_ == "xcomp" and c.pos_ == "VERB" and not trigger_key(c) and _is_infinitive(c)
        for c in token.children
    ):
        # "economists have begun to question...", "the firm began to struggle": a state setting in, no act
        # begun ("began producing chips", "started shipping" are)
        return None
    if key in RULE_NOUNS:
        # "a regulation which forbids...": the rule's own clause says what kind of measure it is.
        clause = next((c for c in token.children if c.dep_ in ("relcl", "acl") and trigger_key(c)), None)
        if clause is not None and triggers().get(trigger_key(clause)) == "ban":
            return "ban"
    event_type = triggers().get(key, "other")
    tables = rule_tables()
    if key == "enter" and any(
        c.dep_ == "prep"
        and c.lower_ == "into"
        and any(
            g.dep_ == "pobj" and not g.ent_type_ and g.lemma_.lower() not in PLACE_NOUNS for g in c.children
        )
        for c in token.children
    ):
        event_type = "deal"  # "entered into a partnership", "will enter into talks": an agreement, no market
    if (
        key in ("license", "licence")
        and token.pos_ == "VERB"
        and _is_company(_subject(token) or _subject(original))
    ):
        event_type = "deal"  # "Reddit agreed to license its content to Google": a contract, not a permit
    if key == "sign" and token is original and _is_company(_subject(token)):
        event_type = "deal"  # "the league signed its package with three networks": no law, a contract
    subject = _subject(token) or _subject(original)
    subject_words = _words_of(subject)
    if key == "rule" and token.pos_ == "VERB" and token.dep_ != "xcomp":
        # "Mehta ruled that the company...", "the panel ruled on Friday": a ruling, not a rule ("he aims to
        # rule by August" is still to come)
        return "legal"
    if subject_words & set(tables.get("judicial", {}).get("words", [])):
        return "legal"  # "a jury found on Friday that...", "the court ordered", "prosecutors concluded"
    places = [m for m in markets if m[:1].isupper()]
    object_tokens = _object_tokens(token)
    subtree_words = {w.lower_ for w in object_tokens}
    if event_type == "regulation" and any(
        triggers().get(trigger_key(o) or "") == "ban" for o in _direct_objects(token)
    ):
        event_type = "ban"  # "ordered the grounding of 171 jets", "imposed a ban on exports"
    if (
        key == "order"
        and event_type == "regulation"
        and any(
            c.dep_ == "xcomp" and triggers().get(trigger_key(c) or "") == "market_exit"
            for c in token.children
        )
    ):
        # "ordered the company to stop processing Italians' data": an order to stop is a ban
        event_type = "ban"
    if event_type == "market_exit" and _stop_ordered_by_state(token):
        event_type = "ban"  # "US officials told it to stop exporting its chips to China"
    if key in INCEPTION_LEMMAS and _is_rate_path(token):
        event_type = "regulation"  # "the ECB started its easing cycle in June": its first cut
    if key in ("flight", "fly") and not any(c.lower_ in FIRST_FLIGHTS for c in token.children):
        return "other"  # an airliner's flight is no launch; a rocket's first or test flight is
    if _is_personnel_change(token, key, _head_words(object_tokens)):
        return "other"  # "took over as chief executive", "he would leave by the end of the year"
    trade = tables.get("trade", {})
    if key in trade.get("lemmas", []) and token.pos_ == "NOUN":
        event_type = "deal"  # "a purchase that ...", "the sale of its stake": the noun names the deal
    elif key in trade.get("lemmas", []) and _sells_own_shares(token):
        event_type = "financial"  # "Arm sold its shares at $51": an offering, not a sale of a business
    elif key in trade.get("lemmas", []):
        # "sell it to Nvidia" names a party; "sold through LillyDirect" only the channel.
        # "the Nokia phones are sold": a maker named before its product is not traded either.
        has_company = any(
            w.ent_type_ == "ORG"
            and not _is_channel(w, token)
            and not (w.dep_ == "compound" and not w.head.ent_type_)
            for w in object_tokens
        )
        deal_object = bool(subtree_words & set(trade.get("deal_objects", [])))
        if token.dep_ == "xcomp" and token.head.lemma_.lower() in INCEPTION_LEMMAS and not deal_object:
            # "began selling its drug in India" enters a market; "began selling vials of its drug Zepbound
            # to Americans" puts a product on sale (a business is agreed to be sold, not begun to be sold).
            placed = any(w.ent_type_ in ("GPE", "LOC") for w in object_tokens)
            event_type = "market_entry" if placed else "launch"
        elif has_company or deal_object:
            event_type = "deal"
        elif places:
            event_type = "market_entry"
        else:
            return None
    acted_on = {w.lower_ for w in _object_tokens(token, skip=CIRCUMSTANCE_PREPOSITIONS)}
    if (
        key in ("delay", "postpone")
        and event_type == "regulation"
        and not (acted_on & set(tables.get("rules", {}).get("objects", [])))
        and not (_is_public(subject) or _by_public_body(original))
        and not (token.dep_ == "acl" and token.head.lemma_.lower() in RULE_NOUNS)
    ):
        # "the Emmy Awards were postponed", "Musk postponed his visit": an occasion moved, no measure (a
        # government's delay of enforcement or of a deadline is one, and so is "an order delaying ...")
        event_type = "other"
    if event_type in ("market_exit", "launch") and acted_on & set(tables.get("rules", {}).get("objects", [])):
        # "paused enforcement", "suspended the tariff"; not "with the deadline arriving, TikTok stopped working"
        event_type = "regulation"
    if event_type in ("launch", "market_entry", "market_exit") and any(
        w.ent_type_ in ("PERCENT", "MONEY") and not (key in trade.get("lemmas", []) and _is_price(w, token))
        for w in _own_clause(token)
    ):
        event_type = "financial"  # "the market expanded by 9 percent", "the shares closed above $63"
    if event_type in ("launch", "market_entry", "market_exit") and _head_words(object_tokens) & RESULT_STATES:
        # "returned to a net profit", "went back into the black": a result, no market
        event_type = "financial"
    if event_type in ("launch", "market_entry", "market_exit", "deal") and subject_words & SHARE_WORDS:
        event_type = "financial"  # "dealings are due to begin on the Nasdaq", "its shares closed higher"
    if event_type == "launch" and {w.lemma_.lower() for w in _direct_objects(token)} & set(
        tables.get("information", {}).get("objects", [])
    ):
        event_type = "other"  # "released a picture of the lander": information, not a product
    if key == "report" and token.pos_ == "NOUN" and _by_public_author(token):
        event_type = "regulation"  # "the safety board said in a preliminary report": an inquiry's finding
    # "raised $410 million in a funding round": investors bought into the company, an investment
    if (
        event_type == "financial"
        and key in ("raise", "value")
        and {w.lower_ for w in _own_clause(token)} & FUNDING_WORDS
    ):
        event_type = "deal"
    if key == "charge" and token.pos_ == "NOUN" and _is_accounting_charge(token):
        event_type = "financial"  # "the Russian charge of $1.2 billion", "a write-down charge": a cost booked
    if key == "loss" and not any(w.ent_type_ in AMOUNT_LABELS for w in token.subtree):
        event_type = "other"  # "the loss of a door plug", "loss of contact": no money lost
    if key == "vote" and subject is not None and not _is_legislator(subject):
        event_type = "other"  # "machinists voted to accept the offer", "Britons voted to leave"
    if event_type in ("market_entry", "market_exit", "launch") and _is_military(subject):
        event_type = "other"  # "troops withdrew from the city": a military move, not a market's
    if key in INCEPTION_LEMMAS and event_type == "launch" and _begins_no_offering(token):
        event_type = "other"  # "the handover began at once", "a crisis that began in March": nothing launched
    if event_type in ("market_entry", "market_exit") and _moves_no_market(subject, object_tokens):
        event_type = "other"  # "Gelsinger left its board", "power came back overnight": no market's move
    if event_type == "market_exit" and _head_words(object_tokens) & set(
        tables.get("craft", {}).get("words", [])
    ):
        event_type = "other"  # "shut down its moon lander", "ended the probe's mission": a mission's end
    if event_type == "market_entry" and any(
        w.lower_ == "life" and w.head.lower_ == "to" for w in token.subtree
    ):
        event_type = "other"  # "the lander came back to life", "returned to life": a revival, not a market
    if event_type == "market_exit" and any(
        c.dep_ == "prep"
        and c.lower_ == "from"
        and any(g.dep_ == "pcomp" and g.tag_ == "VBG" for g in c.children)
        for c in token.children
    ):
        # "the lock-up that has stopped investors from selling": keeping someone from an act, no exit
        event_type = "ban" if _is_public(subject) else "other"
    if key in TERMINATIONS and any(
        o.ent_type_ == "ORG" or any(c.dep_ == "amod" and c.lower_ in ("joint", "shared") for c in o.children)
        for o in _direct_objects(token)
    ):
        event_type = "deal"  # "called off their joint service", "abandoned Venu Sports": a partnership's end
    if (
        key in ("open", "close", "shut")
        and token.pos_ == "VERB"
        and _head_words(_direct_objects(token)) & set(tables.get("fixtures", {}).get("objects", []))
    ):
        event_type = "other"  # "the plug was opened at the factory", "closed the door": no market move
    if (
        key in ("announce", "name")
        and event_type == "other"
        and (_by_public_body(original) or _is_public(subject))
    ):
        event_type = (
            "regulation"  # "the government announced the start of a closure process", "the Commission named six
            # groups as gatekeepers": a public measure
        )
    if key == "allow" and token is original and (_is_public(subject) or _is_public(_agent(token))):
        event_type = "regulation"  # "the regulator allowed the merger", not "was allowed by Apple to show"
    if key == "declare" and token is original and _is_public(subject):
        event_type = "regulation"  # "the regulator declared the shortage over", "declared an emergency"
    if event_type == "ban" and _is_self_imposed(token, subject):
        event_type = "other"  # "the airline grounded its fleet": a company's own step, not a government's ban
    if event_type == "ban" and any(
        o.pos_ in ("NOUN", "PROPN") and triggers().get(trigger_key(o) or "") == "deal"
        for o in _direct_objects(token)
    ):
        event_type = (
            "regulation"  # "the regulator blocked the merger": a ruling on a deal, not a ban on a market
        )
    if event_type in ("market_entry", "market_exit") and _state_joins_or_leaves(subject, object_tokens):
        event_type = "regulation"  # "Britain left the EU", "Croatia joined the euro area": a state's policy
    if event_type == "financial" and _is_policy_rate(token):
        event_type = "regulation"  # "its previous rate increase came in 2007": a central bank's decision
    if event_type == "financial" and _is_levy_change(token):
        event_type = "regulation"  # "the tariff increases announced last week": a government's measure
    amounts = AMOUNT_LABELS
    if key in tables.get("thresholds", {}).get("lemmas", []):
        if any(w.ent_type_ in amounts for w in object_tokens):
            event_type = "financial"  # "Nvidia's value topped $3 trillion", "the yen passed 160 per dollar"
        elif event_type == "financial":
            event_type = "other"  # "the lander reached the surface": no figure, no financial fact
    # "launched in Japan" (the place is where it launched), not "began production at its Kumamoto plant"
    # nor "the spacecraft, launched in September" in a sentence that names Japan elsewhere.
    launched_in = _place_of(token, object_tokens, places)
    if (
        key == "open"
        and token.pos_ == "VERB"
        and not _direct_objects(token)
        and subject is not None
        and subject.ent_type_ == "ORG"
        and any(w.ent_type_ == "FAC" for w in object_tokens)
    ):
        launched_in = True  # "McDonald's opened on Pushkin Square in 1990": the company itself arrived there
    if (
        event_type == "launch"
        and launched_in
        and key in ("launch", "debut", "open", "roll out", "start", "begin")
    ):
        if not subtree_words & set(tables.get("facilities", {}).get("objects", [])):
            event_type = "market_entry"
    if event_type == "market_entry" and any(
        c.dep_ == "prep" and c.lower_ == "under" and any(g.lemma_.lower() in BRAND_NOUNS for g in c.children)
        for c in token.children
    ):
        event_type = "launch"  # "reopened in Moscow under the new name Vkusno i tochka": a new brand launched
    if event_type in ("deal", "market_entry", "market_exit", "launch", "financial") and _by_public_body(
        original
    ):
        event_type = "regulation"  # "the Commission approved the acquisition", "the ministry bought yen"
    if event_type not in ("regulation", "ban") and (_is_obligation(token) or _is_obligation(original)):
        return "regulation"  # "ByteDance must sell by January 19": a legal obligation
    if _foretold(token) or _foretold(original):
        return "forecast"  # "another extension was coming", "more cuts are on the way": foreseen, not done
    # "plans to launch", "analysts expect utilisation to climb"
    planned = any(
        t.dep_ in ("xcomp", "ccomp") and t.head.lemma_.lower() in PLAN_HEADS for t in (token, original)
    )
    intended = any(
        t.dep_ == "xcomp" and t.head.lemma_.lower() in INTENT_HEADS and t.head.tag_ in ("VBZ", "VBP")
        for t in (token, original)
    )
    if intended and event_type == "regulation" and not _scheduled(mention, published):
        return "forecast"  # "Ofcom plans to publish its codes next month": a body's intention, not yet a rule
    future = not announced and any(
        c.dep_ == "aux" and c.lower_ in FUTURE_AUXILIARIES for t in (token, original) for c in t.children
    )
    if (
        (planned or future)
        and (event_type not in ("regulation", "ban", "legal") or key in MONETARY_KEYS.values())
        and not (event_type == "financial" and token.lemma_.lower() in RESULTS_NOUNS)
        and (not _scheduled(mention, published) or _plan_told_in_past(token) or _plan_told_in_past(original))
    ):
        return "forecast"
    if event_type in AHEAD_TYPES and _wholly_ahead(mention, published) and not _publishes_results(token):
        return "forecast"  # "with production starting in 2030", written in 2025: not yet done
    if (
        event_type == "forecast"
        and token.pos_ in ("NOUN", "PROPN")
        and _before_publication(mention, published)
    ):
        return (
            "other"  # "presented its plan at the end of May", written in July: the act is done, not foreseen
        )
    return event_type


# Clauses of their own under a trigger: "opened a showroom, launching its Model Y at $70,000" (the price is
# the launch's, not the opening's figure).
OWN_CLAUSES = {"advcl", "relcl", "ccomp", "conj", "parataxis", "acl"}


def _own_clause(token: Token) -> Iterator[Token]:
    """The trigger's subtree without the clauses of their own it heads."""
    yield token
    for child in token.children:
        if child.dep_ not in OWN_CLAUSES:
            yield from child.subtree


def _foretold(token: Token) -> bool:
    """A fact said to be coming, not told as done: "another extension was coming", "more rate cuts are on
    the way", "a ruling is imminent" (the fact is the subject of "be coming", "be on the way", "be
    imminent")."""
    if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ not in ("NOUN", "PROPN"):
        return False
    head = token.head
    lemma = head.lemma_.lower()
    if lemma == "come":
        return head.tag_ == "VBG" and any(c.dep_ == "aux" and c.lemma_ == "be" for c in head.children)
    if lemma != "be":
        return False
    return any(
        (c.dep_ == "acomp" and c.lower_ in ("imminent", "forthcoming"))
        or (c.dep_ == "prep" and c.lower_ == "on" and any(g.lower_ == "way" for g in c.children))
        for c in head.children
    )


def _plan_told_in_past(token: Token) -> bool:
    """A plan told in the past perfect, as one that was overtaken: "had been due to go live on Aug. 23",
    "had been scheduled to open on Friday" (a plan that did not happen as planned, however close its date)."""
    return token.dep_ in ("xcomp", "ccomp") and in_past_perfect(token.head, steps=2)


def _begins_no_offering(token: Token) -> bool:
    """Whether "began"/"started", with no object, tells of something that is no offering, output or business
    starting: "the handover began", "a crisis that began in March" (not "production began in 2019", "sales
    start on Friday", "the service started in Japan")."""
    if any(c.dep_ in ("dobj", "xcomp", "ccomp") for c in token.children):
        return False
    subject = _subject(token)
    if subject is not None and subject.lower_ in ("which", "that") and token.dep_ == "relcl":
        subject = token.head
    if subject is None or subject.ent_type_ or subject.pos_ != "NOUN":
        return False
    word = subject.lemma_.lower()
    return word not in _market_actors() and word not in OUTPUT_NOUNS and word not in COMPANY_NOUNS


def _counted(subject: Token) -> Token:
    """What a quantity counts: "thousands of communities" -> communities, "millions of users" -> users."""
    if subject.pos_ in ("NUM", "NOUN") and subject.lemma_.lower() in COUNT_WORDS:
        counted = next(
            (
                g
                for c in subject.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj"
            ),
            None,
        )
        if counted is not None:
            return counted
    return subject


def _moves_no_market(subject: Token | None, object_tokens: list[Token]) -> bool:
    """Whether a market entry or exit is told of someone or something that makes no market move, in no place:
    a person ("Gelsinger left its board", "a director who quit last year") or a thing that is neither a
    business nor its offering ("power came back overnight", "the channel was restored"). A named organisation,
    a business and its offering ([market_actors] in triggers.toml), or a place named ("Maersk paused voyages
    through the Red Sea") keep the move a market's."""
    if subject is None or any(w.ent_type_ in ("GPE", "LOC", "NORP") for w in object_tokens):
        return False
    subject = _counted(_antecedent(subject))  # "a board member who quit": the member
    if subject.ent_type_ == "PERSON" or subject.lower_ in ("he", "she"):
        return True
    if _is_public(subject) or _is_public_body_name(subject):
        return False  # "the government would begin a closure": a public measure, typed as one below
    if subject.ent_type_ or subject.pos_ != "NOUN" or subject.lemma_.lower() in COMPANY_NOUNS:
        return False
    if any(w.ent_type_ == "ORG" for w in object_tokens):
        return False
    return subject.lemma_.lower() not in _market_actors()


def _state_joins_or_leaves(subject: Token | None, object_tokens: list[Token]) -> bool:
    """A country entering or leaving an organisation or a union of states: "the United Kingdom leaves the
    European Union", "Sweden joined the alliance in March"."""
    if subject is None or subject.ent_type_ != "GPE":
        return False
    return any(w.ent_type_ == "ORG" for w in object_tokens)


def _is_policy_rate(token: Token) -> bool:
    """A change of "the rate" itself, a central bank's policy rate: "a rate increase", "the interest rate
    cut" (not "freight rate rises", whose rate is named by what it prices)."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    for child in token.children:
        if child.dep_ == "compound" and child.lemma_.lower() in ("rate", "interest"):
            return all(
                g.lemma_.lower() in ("interest", "policy", "key", "bank")
                for g in child.children
                if g.dep_ == "compound"
            )
    return False


def _is_levy_change(token: Token) -> bool:
    """A rise or cut of a tariff, duty or tax ("tariff increases", "raised duties on steel"): what a
    government sets, not a market's move. The words are [levies] in triggers.toml."""
    levies = set(rule_tables().get("levies", {}).get("words", []))
    if token.pos_ in ("NOUN", "PROPN"):
        return any(c.dep_ == "compound" and c.lemma_.lower() in levies for c in token.children)
    return any(c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in levies for c in token.children)


def _is_accounting_charge(token: Token) -> bool:
    """A charge a company books, not one it faces: singular, with no "criminal" and no "against" or "of" doing
    ("a criminal charge of conspiring", "charges against the founder" are legal)."""
    if token.tag_ == "NNS":
        return False
    words = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound", "prep")}
    return not words & {"criminal", "against", "of", "fraud", "murder", "corruption", "bribery"}


def _is_channel(word: Token, trigger: Token) -> bool:
    """A name under "through", "via" or "on" below a trade verb: where something is sold, not to whom."""
    for node in word.ancestors:
        if node.i == trigger.i:
            return False
        if node.dep_ == "prep" and node.lower_ in ("through", "via", "on"):
            return True
    return False


def _is_price(amount: Token, trigger: Token) -> bool:
    """An amount that is what something sells for ("selling vials at $399", "for $20 a month"), not a figure
    the fact reports."""
    for node in amount.ancestors:
        if node.i == trigger.i:
            return False
        if node.dep_ == "prep" and node.lower_ in ("at", "for"):
            return True
    return False


def _is_company(subject: Token | None) -> bool:
    """Whether a subject is a business: an organisation that is no public body, or a common noun naming one."""
    if subject is None:
        return False
    if subject.ent_type_ == "ORG":
        return not _is_public_body_name(subject) and not _is_legislator(subject)
    return subject.lemma_.lower() in COMPANY_NOUNS


def _sells_own_shares(token: Token) -> bool:
    return any(
        o.lower_ in SHARE_WORDS
        and any(c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS for c in o.children)
        for o in _direct_objects(token)
    )


def judicial_act(token: Token) -> str | None:
    """A verb whose subject is a court, a jury or prosecutors reports a legal fact whatever the verb ("a jury
    found on Friday that...", "prosecutors concluded in May that..."): its lemma, taken as a trigger."""
    if token.pos_ != "VERB":
        return None
    subject = _subject(token)
    if _words_of(subject) & set(rule_tables().get("judicial", {}).get("words", [])):
        return token.lemma_.lower()
    return None


def military_act(token: Token) -> str | None:
    """A movement of armed forces into a place is an invasion, whatever the verb ("troops crossed into
    Ukraine", "forces entered the city"): "invade", taken as a trigger."""
    table = rule_tables().get("military", {})
    if token.pos_ != "VERB" or token.lemma_.lower() not in table.get("movements", []):
        return None
    if not _words_of(_subject(token)) & set(table.get("words", [])):
        return None
    return "invade"


def monetary_act(token: Token) -> str | None:
    """A central bank moving or holding its policy rate, whatever the verb ("the ECB lowered its deposit
    rate", "policymakers held the benchmark rate at 5 per cent"): "cut rates", "raise rates" or "hold
    rates", taken as a trigger."""
    if token.pos_ != "VERB":
        return None
    table = rule_tables().get("monetary", {})
    lemma = token.lemma_.lower()
    key = next((key for name, key in MONETARY_KEYS.items() if lemma in table.get(name, [])), None)
    if key is None:
        return None
    moved = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass") and _is_policy_rate_word(c, table)]
    if not moved:
        return None
    who = _agent(token) if moved[0].dep_ == "nsubjpass" else _acting(token)
    return key if _is_central_bank(who, table) else None


def _acting(token: Token) -> Token | None:
    """The subject of a verb, through a relative pronoun: "the ECB, which cut rates" → the ECB."""
    subject = _subject(token)
    if subject is not None and subject.lower_ in ("which", "that", "who") and token.dep_ == "relcl":
        return token.head
    return subject


def _is_policy_rate_word(word: Token, table: dict) -> bool:
    """ "rates", "its deposit rate", "the benchmark federal funds rate", "its target range"; not "mortgage
    rates" nor "the rate of growth"."""
    modifiers = [c.lower_ for c in word.children if c.dep_ in ("compound", "amod", "nmod")]
    if word.lower_ in table.get("ranges", []):
        return "target" in modifiers
    if word.lower_ not in table.get("rates", []) or any(
        c.dep_ == "prep" and c.lower_ == "of" for c in word.children
    ):
        return False
    return all(m in table.get("modifiers", []) for m in modifiers)


def _is_central_bank(who: Token | None, table: dict) -> bool:
    if who is None:
        return False
    name = " ".join(w.lower_ for w in who.subtree if w.dep_ not in ("relcl", "acl", "punct", "appos"))
    return any(f" {bank} " in f" {name} " for bank in table.get("banks", []))


def _is_rate_path(token: Token) -> bool:
    """ "The ECB started its easing cycle in June", "the Fed began its rate cuts": a central bank's first move."""
    table = rule_tables().get("monetary", {})
    return _is_central_bank(_acting(token), table) and any(
        o.lower_ in table.get("cycles", [])
        and any(
            c.lower_ in table.get("cycle_words", []) for c in o.children if c.dep_ in ("compound", "amod")
        )
        for o in _direct_objects(token)
    )


def _is_military(subject: Token | None) -> bool:
    return bool(_words_of(subject) & set(rule_tables().get("military", {}).get("words", [])))


def _head_words(tokens: list[Token]) -> set[str]:
    """The words that head their phrase: "executive" in "chief executive", not in "an executive order"."""
    return {w.lower_ for w in tokens if w.dep_ not in ("amod", "compound")}


def _subject(token: Token) -> Token | None:
    """The subject of a trigger, or of the verb it completes ("dealings are due to begin": dealings)."""
    node = token
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        # "retired as chief executive and left the board": a verb joined to another shares its subject (not
        # one right after a name the parse gave elsewhere: "... and Anglo American cut its targets").
        joined = (
            node.dep_ == "conj"
            and node.pos_ == "VERB"
            and node.head.pos_ in ("VERB", "AUX")
            and node.doc[node.i - 1].pos_ not in ("NOUN", "PROPN")
        )
        if not (node.dep_ in ("xcomp", "acomp") or joined) or node.head.i == node.i:
            return None
        node = node.head
    return None


def _antecedent(subject: Token) -> Token:
    """A relative pronoun's noun ("the member" of "a board member who quit"), else the subject itself."""
    if subject.lower_ in ("who", "that", "which") and subject.head.dep_ == "relcl":
        return subject.head.head
    return subject


def _is_infinitive(verb: Token) -> bool:
    """ "to question", "to block": a verb with its "to"."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _words_of(subject: Token | None) -> set[str]:
    """The words naming a subject: its head and its compounds ("competition authorities", "federal jury")."""
    if subject is None:
        return set()
    return {subject.lower_, subject.lemma_.lower()} | {
        c.lower_ for c in subject.children if c.dep_ in ("compound", "amod")
    }


def _is_legislator(subject: Token) -> bool:
    words = set(rule_tables().get("legislators", {}).get("words", []))
    words |= set(rule_tables().get("public_bodies", {}).get("words", []))
    if subject.ent_type_ in ("GPE",):
        return True  # "Japan voted against the resolution": a state's vote
    return (
        bool(_words_of(subject) & words)
        or subject.ent_type_ == "ORG"
        and any(w in subject.text.lower() for w in words)
    )


def _is_self_imposed(token: Token, subject: Token | None) -> bool:
    """A ban a company puts on itself or its own things: "Alaska grounded its fleet", "the bank blocked its
    customers' transfers"; a government's ban names no such owner ("the FAA grounded 171 jets")."""
    if any(
        c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS
        for o in _direct_objects(token)
        for c in o.children
    ):
        return True
    if subject is None or subject.ent_type_ != "ORG":
        return False
    from nlp.markets import institution_market

    if institution_market(subject.text) or _is_public_body_name(subject):
        return False
    return True


def _agent(token: Token) -> Token | None:
    """Who acts on a passive verb: "was allowed by Apple" → Apple."""
    return next(
        (g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None
    )


def _is_public(subject: Token | None) -> bool:
    """Whether a subject is a public body by its words or its name ("the regulator", "the FDA")."""
    if subject is None:
        return False
    from nlp.markets import institution_market

    name = " ".join(w.text for w in subject.subtree if w.dep_ not in ("relcl", "acl", "punct", "det", "poss"))
    return _is_public_body_name(subject) or bool(institution_market(name) or institution_market(subject.text))


def _is_public_body_name(subject: Token) -> bool:
    name = " ".join(w.lower_ for w in subject.subtree if w.dep_ not in ("relcl", "acl", "punct"))
    words = rule_tables().get("public_bodies", {}).get("words", [])
    return any(f" {word} " in f" {name} " for word in words)


def _direct_objects(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]


def _place_of(token: Token, object_tokens: list[Token], places: list[str]) -> bool:
    """Whether the trigger itself is placed: "launched in Japan", "its U.S. launch", "the United States,
    where the service opened", "started here" (the sentence's place)."""
    place_labels = ("GPE", "LOC", "NORP")
    if any(w.ent_type_ in place_labels for w in object_tokens):
        return True
    if token.dep_ == "relcl" and (
        token.head.ent_type_ in place_labels or token.head.lemma_.lower() in PLACE_NOUNS
    ):
        return True  # "the United States, where it opened", "other markets where the service has opened"
    for child in token.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod") and child.ent_type_ in place_labels:
            return True
        if child.dep_ == "advmod" and child.lower_ in ("here", "there", "abroad", "overseas") and places:
            return True
    return False


def _is_personnel_change(token: Token, key: str, object_words: set[str]) -> bool:
    """Whether a trigger reports someone taking or leaving a post: "took over as chief executive", "Calhoun
    would leave by the end of the year", "replaced Simon Segars"."""
    if object_words & ROLE_WORDS:
        return True
    if key not in PERSONNEL_LEMMAS:
        return False
    subject = _subject(token)
    if subject is None:
        return False
    subject = _antecedent(subject)  # "who" in "Haas, who took over ...": the person is the clause's head
    return subject.ent_type_ == "PERSON" or subject.lower_ in ("he", "she")


def _object_tokens(token: Token, skip: frozenset[str] = frozenset()) -> list[Token]:
    """What a trigger acts on: its object, passive subject and prepositional objects (but those of the
    prepositions in ``skip``), with their modifiers."""
    found = []
    for child in token.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            found += list(child.subtree)
        elif child.dep_ in ("prep", "dative") and child.lower_ not in skip:  # "sell it to Nvidia"
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    found += list(grandchild.subtree)
    return found


def _by_public_body(token: Token) -> bool:
    """Whether the subject of a trigger is a government body, a regulator or a central bank."""
    tables = rule_tables()
    words = tables.get("public_bodies", {}).get("words", []) + tables.get("legislators", {}).get("words", [])
    if (
        token.pos_ == "NOUN"
        and token.dep_ in ("dobj", "dative")
        and token.head.lemma_.lower() in VERDICT_VERBS
    ):
        # "the CMA gave the restructured deal a green light": a verdict on it, by the verb's subject
        token = token.head
    for child in token.children:
        if child.dep_ in ("nsubj", "agent"):
            subject = " ".join(w.lower_ for w in child.subtree if w.dep_ not in ("relcl", "acl", "punct"))
            if any(f" {word} " in f" {subject} " for word in words):
                return True
    return False


def _sought_in_court(token: Token) -> bool:
    """Whether a trigger is what a lawsuit asks for ("sued to block the merger") or is pursued in court
    ("its attempt to block the deal in court", "challenged the fine in court"): the fact is the case."""
    if (
        token.dep_ in ("xcomp", "advcl")
        and _is_infinitive(token)  # a purpose, not "since ..."
        and triggers().get(trigger_key(token.head) or "") == "legal"
    ):
        return True
    return any(
        c.dep_ == "prep"
        and c.lower_ in ("in", "before")
        and any(g.lemma_.lower() == "court" for g in c.children)
        for c in token.children
    )


# Verbs by which one passes judgment on what another does ("gave the deal a green light", "cleared the merger").
VERDICT_VERBS = {"give", "grant", "clear", "approve", "allow", "back", "endorse", "review", "block"}
INSTRUCTING_VERBS = {"tell", "order", "instruct", "direct", "require", "force", "compel"}
OFFICIALS = {"official", "officials", "authorities", "government", "regulators", "ministry"}


ANNOUNCING = {"announce", "present", "show", "reveal"}
REACHING = {"reach", "hit"}
SHOP_WORDS = {"store", "shop", "shelf", "showroom", "dealership"}


@lru_cache(maxsize=1)
def _offerings() -> frozenset[str]:
    return frozenset(rule_tables().get("offerings", {}).get("words", []))


def _presents_an_offering(token: Token, key: str) -> bool:
    """An announcement whose object is a product ("announced a new version of Vision Pro": [offerings] in
    triggers.toml), or a product reaching the shops ("the headset reaches stores on 22 October")."""
    if key not in REACHING and key not in ANNOUNCING:
        return False
    objects = [c for c in token.children if c.dep_ == "dobj"]
    if key in REACHING:
        return any(c.lemma_.lower() in SHOP_WORDS for c in objects)
    return any(c.lemma_.lower() in _offerings() or c.ent_type_ == "PRODUCT" for c in objects)


def _stop_ordered_by_state(token: Token) -> bool:
    """An exit a government instructs: "officials told it to stop exporting", "Beijing forced it to halt"."""
    head = token.head
    if token.dep_ != "xcomp" or head.lemma_.lower() not in INSTRUCTING_VERBS:
        return False
    who = _agent(head) if any(c.dep_ == "nsubjpass" for c in head.children) else _subject(head)
    return who is not None and (who.lemma_.lower() in OFFICIALS or who.lower_ in OFFICIALS or _is_public(who))


def _is_obligation(token: Token) -> bool:
    """'must divest', 'has to complete a sale', 'the deadline for ByteDance to sell'."""
    if any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUXILIARIES for c in token.children):
        return True
    if token.dep_ == "xcomp" and token.head.lemma_.lower() in OBLIGATION_HEADS:
        # "automakers had to idle assembly lines", "the airline needed to cancel flights": what circumstances
        # forced, told in the past, is no rule ("will have to disclose", "must divest", "was ordered to sell")
        return not (token.head.lemma_.lower() in ("have", "need") and token.head.tag_ == "VBD")
    if _is_infinitive(token):
        # "pharmacies have until late April to stop" (however the parse hangs the infinitive): a time limit
        for node in list(token.ancestors)[:2]:
            if node.lemma_.lower() == "have" and any(
                c.dep_ == "prep" and c.lower_ in ("until", "till") for c in node.children
            ):
                return True
    nouns = ("deadline", "requirement", "obligation")
    return any(a.lemma_.lower() in nouns for a in list(token.ancestors)[:3]) and token.dep_ in (
        "acl",
        "relcl",
        "xcomp",
        "advcl",  # "the deadline for ByteDance to sell"
    )


def _before_publication(mention: DateMention | None, published) -> bool:
    """Whether a date ends before the publication day: what happened then is no forecast of the article's."""
    if mention is None or published is None:
        return False
    span = interval(mention.value, mention.date_end)
    day = published.date() if isinstance(published, datetime) else published
    return span is not None and span[1] < day


def _by_public_author(noun: Token) -> bool:
    """Whether a document is a public body's: "a report by the NTSB", "the regulator's report", "the board said
    in a preliminary report" (the subject of the verb it is said in)."""
    for child in noun.children:
        if child.dep_ == "poss" and _is_public(child):
            return True
        if child.dep_ == "prep" and child.lower_ == "by":
            if any(g.dep_ == "pobj" and _is_public(g) for g in child.children):
                return True
    if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.lower_ == "in":
        return _is_public(_subject(noun.head.head))
    return False


def _publishes_results(token: Token) -> bool:
    """ "Novo will publish second-quarter results on 6 August", "its results, due on May 7": a results day."""
    return token.lemma_.lower() in RESULTS_NOUNS or any(
        o.lemma_.lower() in RESULTS_NOUNS or o.lower_ in RESULTS_NOUNS for o in _direct_objects(token)
    )


def _wholly_ahead(mention: DateMention | None, published) -> bool:
    """Whether a date starts after the publication, beyond what is scheduled within days ("dealings begin on
    Thursday" is a fact set for that day; "production starting in 2030" is still to come)."""
    if mention is None or published is None:
        return False
    span = interval(mention.value, mention.date_end)
    day = published.date() if isinstance(published, datetime) else published
    return span is not None and (span[0] - day).days > SCHEDULED_WITHIN_DAYS


def _scheduled(mention: DateMention | None, published) -> bool:
    if mention is None or published is None or mention.precision != "day" or not mention.value:
        return False
    day = published.date() if isinstance(published, datetime) else published
    try:
        ahead = (date.fromisoformat(mention.value) - day).days
    except ValueError:
        return False
    return 0 <= ahead <= SCHEDULED_WITHIN_DAYS
