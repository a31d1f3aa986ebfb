"""Article dedup: the same text (exact hash) and syndicated copies (MinHash LSH over word shingles)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
# datasketch's hashing scheme; stored signatures are only comparable within one scheme.
MINHASH_SCHEME = "affine32"
SHINGLE_SIZE = 3
# Estimated Jaccard similarity of word 3-grams from which two texts are one story republished.
# Measured on the demo corpus (`python -m bench.near_duplicates`): its syndicated copies (new headline,
# a reworded lead, a sentence dropped and one added) score 0.59-0.63; two outlets reporting the same
# fact in their own words score at most 0.09. 0.3 sits near the geometric middle of that gap, leaving
# room for copies trimmed or edited more heavily than ours.
NEAR_DUPLICATE_THRESHOLD = 0.3
# Texts shorter than this many words are too short to call near-duplicates safely.
MIN_WORDS_FOR_NEAR_DUPLICATE = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def normalized_words(text: str) -> list[str]:
    """Words of ``text`` folded for comparison: case, accents and punctuation ignored.

    >>> normalized_words("TikTok’s Shop—launched!")
    ['tiktok', 's', 'shop', 'launched']
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    # Combining marks are never ASCII: only the few non-ASCII characters of a text are looked at.
    folded = _NON_ASCII.sub(_drop_combining, folded)
    return _WORD.findall(folded)


def _drop_combining(match: re.Match) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def content_hash(text: str) -> str:
    """A hash of the normalised text: equal for texts that differ only in spacing, case or punctuation."""
    return hashlib.sha1(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()


def shingles(words: list[str], size: int = SHINGLE_SIZE) -> set[str]:
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@lru_cache(maxsize=1)
def _permutations():
    """The scheme's permutations for NUM_PERM (seed 1), drawn once instead of for every signature."""
    return MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME).permutations


def minhash_of(text: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME, permutations=_permutations())
    signature.update_batch([s.encode("utf-8") for s in shingles(normalized_words(text))])
    return signature


def signature_to_bytes(signature: MinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype=np.uint64).tobytes()


def signature_from_bytes(blob: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=MINHASH_SCHEME)


class NearDuplicateIndex:
    """An LSH index of article signatures that answers "which stored articles is this one a copy of?"."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, signature: MinHash) -> None:
        if key not in self._signatures:
            self._lsh.insert(key, signature)
            self._signatures[key] = signature

    def add_all(self, items: Iterable[tuple[str, MinHash]]) -> None:
        for key, signature in items:
            self.add(key, signature)

    def matches(self, signature: MinHash) -> list[tuple[str, float]]:
        """Stored keys whose estimated similarity reaches the threshold, most similar first."""
        found = []
        for key in self._lsh.query(signature):
            similarity = signature.jaccard(self._signatures[key])
            if similarity >= self.threshold:
                found.append((key, similarity))
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))
