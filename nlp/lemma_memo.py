"""The rule lemmatizer's lemmas, looked up by (text, POS, morphology) instead of computed token by token.

spaCy's rule lemmatizer (en_core_web_sm's ``lemmatizer``) visits every token in Python: 4.8 ms of an
870-token article, for lemmas it mostly knows already (it caches them by the same key). A rule lemma is
a function of the token's text, POS and morphology alone, so this module reads those from the doc's
arrays, looks each token's lemma up in a memo (asking the lemmatizer itself on first sight) and writes
the lemmas back in one array: the same lemmas as ``Lemmatizer.__call__``, token for token.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class MemoLemmatizer:
    """``pipe`` for a rule-mode ``Lemmatizer``: what its ``__call__`` does, with a memo of lemmas."""

    def __init__(self, lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}  # (orth, pos, morph) → lemma's string id

    def __call__(self, doc: Doc) -> Doc:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables()
        if len(doc) == 0:
            return doc
        memo = self.memo
        strings = doc.vocab.strings
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma == 0 or lemmatizer.overwrite:
                key = (orth, pos, morph)
                lemma = memo.get(key)
                if lemma is None:
                    lemma = strings.add(lemmatizer.lemmatize(doc[i])[0])
                    if pos:  # without a POS, spaCy warns on each token: let it
                        memo[key] = lemma
            lemmas.append(lemma)
        doc.from_array([LEMMA], np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)


def use_lemma_memo(nlp: Language) -> bool:
    """Give ``nlp``'s rule lemmatizer the memo (for ``nlp.pipe``); True if it has it (now or from before)."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    if isinstance(getattr(lemmatizer.__dict__.get("pipe"), "__self__", None), MemoLemmatizer):
        return True
    if getattr(lemmatizer, "mode", None) != "rule":
        return False
    memo = MemoLemmatizer(lemmatizer)
    lemmatizer.pipe = memo.pipe
    return True
