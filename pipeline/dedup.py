"""Article dedup: the same text (exact hash) and syndicated copies (MinHash LSH over word shingles).

The signatures are MinHash signatures of the text's word 3-grams, scheme ``words64-affine32``: each distinct
word is hashed once (BLAKE2b, 8 bytes), the three word hashes of each 3-gram are mixed into its 32-bit hash
with numpy, and datasketch's ``affine32`` permutations (seed 1) give the minimum per permutation. That is
what datasketch's ``MinHash`` computes with that 3-gram hash as its ``hashfunc`` (tests/test_dedup.py
checks it value for value); the near-duplicate index answers what datasketch's ``MinHashLSH`` answers (the
same bands and rows), from numpy arrays that load fast. Signatures stored under the scheme before
(``affine32``: SHA-1 of each 3-gram, three times slower) are re-computed by the schema's version 7.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # datasketch imports scipy: loaded only where a MinHash object is wanted
    from datasketch import MinHash

NUM_PERM = 128
# How stored signatures are computed: they are only comparable within one scheme, so a new scheme comes
# with a schema migration that re-signs every stored article (pipeline/schema.py, version 7 for this one).
MINHASH_SCHEME = "words64-affine32"
# datasketch's permutation scheme within ours: the one its MinHash objects of our values are created with.
PERMUTATION_SCHEME = "affine32"
SHINGLE_SIZE = 3
# Estimated Jaccard similarity of word 3-grams from which two texts are one story republished.
# Measured on the demo corpus (`python -m bench.near_duplicates`): its syndicated copies (new headline,
# a reworded lead, a sentence dropped and one added) score 0.57-0.63 (exactly 0.63-0.66; 0.59-0.63 under
# the SHA-1 scheme before); two outlets reporting the same fact in their own words score at most 0.09
# (exactly 0.07). 0.3 sits near the geometric middle of that gap, leaving room for copies trimmed or
# edited more heavily than ours.
NEAR_DUPLICATE_THRESHOLD = 0.3
# Texts shorter than this many words are too short to call near-duplicates safely.
MIN_WORDS_FOR_NEAR_DUPLICATE = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ASCII characters that are not word characters (``\w``), mapped to spaces: ``split()`` then finds the words.
_ASCII_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not _WORD.match(c)})
# The MurmurHash3 finalizer datasketch applies to each 32-bit input hash of the affine32 scheme.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)  # the signature of no shingle at all
# A 3-gram's hash from its word hashes: ((h1 * K ^ h2) * K ^ h3) mod 2^64, then MurmurHash3's 64-bit
# finalizer, whose high 32 bits are the gram's hash (the multiplications make the order of words count).
GRAM_MULTIPLIER = 0x9E3779B97F4A7C15
FMIX64 = (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33)
_GRAM_MULTIPLIER = np.uint64(GRAM_MULTIPLIER)
_FMIX64 = tuple(np.uint64(value) for value in FMIX64)
_HIGH_HALF = np.uint64(32)
# Word hashes computed so far, so that each distinct word is hashed once. News vocabularies keep growing
# (names, numbers): the cache is emptied when it holds this many words, about 25 MB.
WORD_HASH_CACHE_SIZE = 200_000
_word_hashes_seen: dict[str, int] = {}


def normalized_words(text: str) -> list[str]:
    """Words of ``text`` folded for comparison: case, accents and punctuation ignored.

    >>> normalized_words("TikTok’s Shop—launched!")
    ['tiktok', 's', 'shop', 'launched']
    """
    if text.isascii():  # NFKD leaves ASCII as it is, and casefold() is lower() on it
        return text.lower().translate(_ASCII_SEPARATORS).split()
    folded = unicodedata.normalize("NFKD", text.casefold())
    # Only the few distinct non-ASCII characters of a text are looked at: combining marks are dropped,
    # other characters that are not word characters become spaces (both only split or join words).
    for char in set(_NON_ASCII.findall(folded)):
        if unicodedata.combining(char):
            folded = folded.replace(char, "")
        elif not _WORD.match(char):
            folded = folded.replace(char, " ")
    if folded.isascii():
        return folded.translate(_ASCII_SEPARATORS).split()
    return _WORD.findall(folded)


def _hash_words(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    """A hash of the normalised text: equal for texts that differ only in spacing, case or punctuation."""
    return _hash_words(normalized_words(text))


def shingles(words: list[str], size: int = SHINGLE_SIZE) -> set[str]:
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def word_hash(word: str) -> int:
    """The scheme's 64-bit hash of a word: BLAKE2b of its UTF-8 with an 8-byte digest, little-endian.

    Stable across processes and Python versions (unlike ``hash()``), so stored signatures stay comparable.
    """
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def _word_hashes(words: list[str]) -> np.ndarray:
    """``word_hash`` of each of ``words`` (uint64), from the cache where it can."""
    seen = _word_hashes_seen
    try:
        return np.fromiter(map(seen.__getitem__, words), dtype=np.uint64, count=len(words))
    except KeyError:  # a word not seen yet
        pass
    if len(seen) >= WORD_HASH_CACHE_SIZE:
        seen.clear()
    hashes = {word: seen[word] if word in seen else word_hash(word) for word in set(words)}
    seen.update(hashes)
    return np.fromiter(map(hashes.__getitem__, words), dtype=np.uint64, count=len(words))


def _gram_hashes(words: list[str]) -> np.ndarray:
    """The 32-bit hashes (uint32) of ``words``' 3-grams, repeats included (a repeat leaves a minimum as it
    is). Fewer words than a 3-gram make one gram, filled up with empty words."""
    if len(words) < SHINGLE_SIZE:
        words = words + [""] * (SHINGLE_SIZE - len(words))
    hashes = _word_hashes(words)
    count = len(hashes) - SHINGLE_SIZE + 1
    mixed = hashes[:count] * _GRAM_MULTIPLIER
    for offset in range(1, SHINGLE_SIZE):
        mixed ^= hashes[offset : offset + count]
        if offset < SHINGLE_SIZE - 1:
            mixed *= _GRAM_MULTIPLIER
    return (_finalize(mixed, _FMIX64) >> _HIGH_HALF).astype(np.uint32)


def _finalize(values: np.ndarray, constants: tuple) -> np.ndarray:
    """MurmurHash3's finalizer (its 32- or 64-bit constants) applied in place to every value."""
    s1, m1, s2, m2, s3 = constants
    values ^= values >> s1
    values *= m1
    values ^= values >> s2
    values *= m2
    values ^= values >> s3
    return values


@lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    """datasketch's affine32 permutations for NUM_PERM and seed 1: (a, b), drawn as its ``MinHash`` draws
    them (tests/test_dedup.py compares), without importing datasketch and scipy for every store."""
    generator = np.random.RandomState(1)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return np.array([a, b])


def _signature_of_words(words: list[str]) -> np.ndarray:
    """The MinHash hash values (uint32) of ``words``' 3-grams: what datasketch's ``MinHash.update_batch``
    computes for the 3-grams with ``hashfunc`` the scheme's gram hash."""
    if not words:
        return _EMPTY.copy()
    hashed = _finalize(_gram_hashes(words), _FMIX)
    a, b = _permutations()
    permuted = np.multiply.outer(a, hashed)  # (NUM_PERM, grams): each permutation's row is contiguous
    permuted += b[:, None]
    return permuted.min(axis=1)


def fingerprint(text: str) -> tuple[str, np.ndarray]:
    """``content_hash(text)`` and the MinHash hash values of ``text``, from one pass over its words."""
    words = normalized_words(text)
    return _hash_words(words), _signature_of_words(words)


def signature_values(text: str) -> np.ndarray:
    return _signature_of_words(normalized_words(text))


def minhash_of(text: str) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM,
        hashvalues=signature_values(text),
        scheme=PERMUTATION_SCHEME,
        permutations=_permutations(),
    )


def signature_to_bytes(signature: MinHash | np.ndarray) -> bytes:
    values = signature if isinstance(signature, np.ndarray) else signature.hashvalues
    return np.asarray(values, dtype=np.uint64).tobytes()


def signature_from_bytes(blob: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(
        num_perm=NUM_PERM, hashvalues=np.frombuffer(blob, dtype=np.uint64), scheme=PERMUTATION_SCHEME
    )


def signatures_from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored signatures (``signature_to_bytes``) as one (n, NUM_PERM) uint32 array."""
    if not blobs:
        return np.empty((0, NUM_PERM), dtype=np.uint32)
    return np.frombuffer(b"".join(blobs), dtype=np.uint64).reshape(len(blobs), NUM_PERM).astype(np.uint32)


@lru_cache(maxsize=4)
def lsh_bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for ``threshold`` and NUM_PERM."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _values(signature: MinHash | np.ndarray) -> np.ndarray:
    values = signature if isinstance(signature, np.ndarray) else signature.hashvalues
    return np.asarray(values, dtype=np.uint32)


# Odd 64-bit constants that mix a band's values (and the band's number) into one bucket key. Two bands
# may share a key by chance: candidates are checked band by band, exactly, before they count.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], np.uint64)


class NearDuplicateIndex:
    """An LSH index of article signatures that answers "which stored articles is this one a copy of?".

    A stored article is a candidate when one of its bands (datasketch's: the same number of bands and
    rows per band for the threshold) equals the query's, and a match when its estimated similarity reaches
    the threshold. Bucket keys of the bulk-loaded rows are a sorted array; rows added since sit in a dict
    until the next rebuild.
    """

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._bands, self._band_rows = lsh_bands(threshold)
        self._width = self._bands * self._band_rows
        self._keys: list[str] = []
        self._row_of: dict[str, int] = {}
        self._signatures = np.empty((64, NUM_PERM), dtype=np.uint32)
        self._sorted_keys = np.empty(0, dtype=np.uint64)
        self._sorted_rows = np.empty(0, dtype=np.int64)
        self._sorted_count = 0
        self._recent: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def bucket_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(n, bands) uint64 bucket keys of (n, NUM_PERM) signatures, for ``add`` and ``matches``."""
        bands = signatures[:, : self._width].reshape(len(signatures), self._bands, self._band_rows)
        keys = np.zeros((len(signatures), self._bands), dtype=np.uint64)
        for row in range(self._band_rows):
            keys ^= bands[:, :, row].astype(np.uint64) * _MIX[row % 3]
            keys *= _MIX[3]
        keys ^= np.arange(self._bands, dtype=np.uint64) * _MIX[0]
        return keys

    def _reserve(self, count: int) -> None:
        needed = len(self._keys) + count
        if needed > len(self._signatures):
            grown = np.empty((max(needed, 2 * len(self._signatures)), NUM_PERM), dtype=np.uint32)
            grown[: len(self._keys)] = self._signatures[: len(self._keys)]
            self._signatures = grown

    def _rebuild(self) -> None:
        count = len(self._keys)
        keys = self.bucket_keys(self._signatures[:count]).ravel()
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_rows = order // self._bands
        self._sorted_count = count
        self._recent = {}

    def add(self, key: str, signature: MinHash | np.ndarray, buckets: np.ndarray | None = None) -> None:
        if key in self._row_of:
            return
        self._reserve(1)
        row = len(self._keys)
        self._signatures[row] = _values(signature)
        self._keys.append(key)
        self._row_of[key] = row
        if row - self._sorted_count >= max(2048, self._sorted_count // 8):
            self._rebuild()
            return
        if buckets is None:
            buckets = self.bucket_keys(self._signatures[row : row + 1])[0]
        for bucket in buckets.tolist():
            self._recent.setdefault(bucket, []).append(row)

    def add_many(self, keys: Sequence[str], signatures: np.ndarray) -> None:
        """Add rows in bulk (a store's stored signatures): one rebuild instead of a bucket entry each."""
        fresh = [n for n, key in enumerate(keys) if key not in self._row_of]
        if len(set(keys)) != len(keys):  # keep the first of a repeated key, as add() would
            seen: set[str] = set()
            fresh = [n for n in fresh if not (keys[n] in seen or seen.add(keys[n]))]
        self._reserve(len(fresh))
        start = len(self._keys)
        self._signatures[start : start + len(fresh)] = signatures[fresh]
        for offset, n in enumerate(fresh):
            self._keys.append(keys[n])
            self._row_of[keys[n]] = start + offset
        self._rebuild()

    def add_all(self, items: Iterable[tuple[str, MinHash | np.ndarray]]) -> None:
        for key, signature in items:
            self.add(key, signature)

    def _candidates(self, buckets: np.ndarray) -> np.ndarray:
        """Rows that share a bucket key with ``buckets``, in order (a few, mostly: a set beats np.unique)."""
        starts = np.searchsorted(self._sorted_keys, buckets, side="left")
        ends = np.searchsorted(self._sorted_keys, buckets, side="right")
        found: set[int] = set()
        sorted_rows = self._sorted_rows
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end > start:
                found.update(sorted_rows[start:end].tolist())
        if self._recent:
            recent = self._recent
            for bucket in buckets.tolist():
                if bucket in recent:
                    found.update(recent[bucket])
        return np.array(sorted(found), dtype=np.int64)

    def matches(
        self, signature: MinHash | np.ndarray, buckets: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Stored keys whose estimated similarity reaches the threshold, most similar first."""
        query = _values(signature)
        if buckets is None:
            buckets = self.bucket_keys(query[None, :])[0]
        rows = self._candidates(buckets)
        if not len(rows):
            return []
        same_value = self._signatures[rows] == query
        # A bucket key is a hash of a band: only rows that share a band exactly are candidates.
        bands = same_value[:, : self._width].reshape(len(rows), self._bands, self._band_rows)
        shared_band = bands.all(axis=2).any(axis=1)
        rows = rows[shared_band]
        equal = np.count_nonzero(same_value[shared_band], axis=1)
        found = []
        for row, count in zip(rows.tolist(), equal.tolist(), strict=True):
            similarity = count / NUM_PERM  # datasketch's MinHash.jaccard
            if similarity >= self.threshold:
                found.append((self._keys[row], similarity))
        return sorted(found, key=lambda pair: (-pair[1], pair[0]))
