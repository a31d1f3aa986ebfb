"""The memo lemmatizer gives spaCy's rule lemmas, token for token, and leaves other lemmatizers alone."""

from __future__ import annotations

import spacy

from nlp.lemma_memo import MemoLemmatizer, use_lemma_memo
from nlp.model import load_model

TEXTS = [
    "",
    "  \n\n",
    "The companies were buying shares; he bought two more and has been selling them since. She gets it.",
    "Better results came earlier than the best forecasts: the largest banks fined, the regulator's fines paid.",
    "Oil prices fell. Prices are falling. The fall in prices continued in the fall.",
]
ATTRIBUTES = ("ORTH", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE")


def test_the_same_lemmas_and_nothing_else_changed():
    nlp = load_model()
    lemmatizer = nlp.get_pipe("lemmatizer")
    with nlp.select_pipes(disable=["lemmatizer"]):
        plain, memo = list(nlp.pipe(TEXTS)), list(nlp.pipe(TEXTS))
    memoized = MemoLemmatizer(lemmatizer)
    for doc, again in zip(plain, memo, strict=True):
        lemmatizer(doc)
        memoized(again)
        memoized(again)  # a second pass, from the memo, changes nothing
        assert again.to_array(list(ATTRIBUTES)).tolist() == doc.to_array(list(ATTRIBUTES)).tolist()
        assert [t.lemma_ for t in again] == [t.lemma_ for t in doc]


def test_used_by_the_pipeline_once():
    nlp = load_model()
    with nlp.select_pipes(disable=["ner"]):
        before = [[t.lemma_ for t in doc] for doc in nlp.pipe(TEXTS)]
        assert use_lemma_memo(nlp)
        assert use_lemma_memo(nlp)
        after = [[t.lemma_ for t in doc] for doc in nlp.pipe(TEXTS)]
    assert after == before


def test_other_lemmatizers_left_alone():
    assert not use_lemma_memo(spacy.blank("en"))  # no lemmatizer
    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert not use_lemma_memo(nlp)
    assert "pipe" not in lemmatizer.__dict__
