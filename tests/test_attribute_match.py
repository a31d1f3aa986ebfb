"""The attribute ruler's array matcher finds what spaCy's Matcher finds, and leaves what it cannot read."""

from __future__ import annotations

import spacy

from nlp.attribute_match import ArrayMatcher, compile_patterns, use_array_matcher
from nlp.model import load_model

TEXTS = [
    "",
    "  \n\n",
    "There is a plan. There're two. Did he go? He did, and he's got it; she gets it.",
    "We ain't seen nothin' yet, y' know. Don't do that: it isn't done.",
    "Sales rose 5% to $1.2bn in the third quarter.\n\nThe company, which was founded in 1998, said so.",
    "A heading\nAnd a paragraph that follows it, with  two spaces  and a tab\there.",
]


def test_the_same_matches_as_spacy():
    nlp = load_model()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = ArrayMatcher(compile_patterns(ruler), nlp.vocab.strings)
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        docs = list(nlp.pipe(TEXTS))
    for doc in docs:
        assert fast(doc) == ruler.match(doc)


def test_the_same_annotations_through_the_pipeline():
    nlp = load_model()
    with nlp.select_pipes(disable=["ner"]):
        before = [[(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc] for doc in nlp.pipe(TEXTS)]
        assert use_array_matcher(nlp)
        assert use_array_matcher(nlp)  # once is enough
        after = [[(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in doc] for doc in nlp.pipe(TEXTS)]
    assert after == before


def test_patterns_beyond_it_keep_spacys_matcher():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "big", "OP": "+"}]], {"TAG": "JJ"})
    assert not use_array_matcher(nlp)
    assert "match" not in ruler.__dict__
    assert not use_array_matcher(spacy.blank("en"))  # no ruler


def test_a_blank_pipeline_with_plain_patterns():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": {"IN": ["cat", "dog"]}}], [{"ORTH": "Pets"}, {"LOWER": "here"}]], {"TAG": "NN"})
    ruler.add([[{"TEXT": {"REGEX": "^[0-9]+$"}}]], {"TAG": "CD"})
    ruler.add([[{"LOWER": {"NOT_IN": ["cat"]}, "IS_SPACE": False}]], {"POS": "X"}, index=0)
    doc = nlp.make_doc("Pets here: a Cat, 42 dogs and a dog.")
    expected = ruler.match(doc)
    assert use_array_matcher(nlp)
    assert ruler.match(doc) == expected
    assert [t.tag_ for t in nlp("Pets here: a Cat, 42 dogs and a dog.")][:5] == ["NN", "", "", "", "NN"]
