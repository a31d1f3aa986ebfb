"""The numpy MinHash and near-duplicate index give what datasketch gives, value for value."""

import hashlib
import random
from itertools import combinations

import numpy as np
from datasketch import MinHash, MinHashLSH

from demo.build import load_stories
from pipeline import dedup
from pipeline.dedup import (
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    PERMUTATION_SCHEME,
    NearDuplicateIndex,
    content_hash,
    fingerprint,
    minhash_of,
    normalized_words,
    shingles,
    signature_from_bytes,
    signature_to_bytes,
    signature_values,
    signatures_from_blobs,
    word_hash,
)

TEXTS = [story.body for story in load_stories()] + [
    "",
    "One",
    "Two words",
    "Three words here",
    "Café NAÏVE résumé — façade’s “quoted” ﬁ ligature, Straße; ΣΊΣΥΦΟΣ and İstanbul",
    "tab\tand\nline breaks\r\nand  spaces " * 20,
]

MASK64 = 2**64 - 1


def reference_gram_hash(gram: bytes) -> int:
    """The scheme's 32-bit hash of one word 3-gram (its UTF-8 words joined by spaces), in plain Python from
    the scheme's definition, apart from the numpy code: BLAKE2b (8 bytes, little-endian) of each word, fewer
    than three words filled up with empty ones, ((h1 * K ^ h2) * K ^ h3) mod 2^64 with K the 64-bit golden
    ratio, MurmurHash3's fmix64, the high 32 bits."""
    words = gram.split(b" ")
    words += [b""] * (3 - len(words))
    mixed = 0
    for word in words:
        mixed = (mixed * 0x9E3779B97F4A7C15) & MASK64
        mixed ^= int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little")
    mixed ^= mixed >> 33
    mixed = (mixed * 0xFF51AFD7ED558CCD) & MASK64
    mixed ^= mixed >> 33
    mixed = (mixed * 0xC4CEB9FE1A85EC53) & MASK64
    mixed ^= mixed >> 33
    return mixed >> 32


def datasketch_minhash(text: str) -> MinHash:
    """datasketch's MinHash of the text's word 3-grams, with the scheme's gram hash as its hash function."""
    signature = MinHash(num_perm=NUM_PERM, scheme=PERMUTATION_SCHEME, hashfunc=reference_gram_hash)
    signature.update_batch([s.encode("utf-8") for s in shingles(normalized_words(text))])
    return signature


def test_signatures_are_datasketchs():
    for text in TEXTS:
        expected = datasketch_minhash(text).hashvalues
        assert np.array_equal(minhash_of(text).hashvalues, expected), text[:40]
        text_hash, values = fingerprint(text)
        assert text_hash == content_hash(text)
        assert np.array_equal(values, expected)
        assert np.array_equal(signature_from_bytes(signature_to_bytes(values)).hashvalues, expected)
        assert np.array_equal(signatures_from_blobs([signature_to_bytes(values)])[0], expected)


def test_permutations_are_datasketchs():
    expected = MinHash(num_perm=NUM_PERM, scheme=PERMUTATION_SCHEME).permutations
    assert np.array_equal(dedup._permutations(), expected)
    assert dedup._permutations().dtype == expected.dtype


def test_the_scheme_gives_the_same_values_in_every_process():
    """Stored signatures must stay comparable: the values are pinned (no salted ``hash()`` in them)."""
    assert word_hash("tiktok") == 0x4E7F3EB01DF1F9F5
    assert word_hash("") == 0xB4B2797457A0A6E4
    values = signature_values("TikTok opens its shop to Japanese sellers in Tokyo")
    assert values[:4].tolist() == [736395189, 1036130106, 89571207, 345753879]


def test_the_word_hash_cache_may_be_emptied_at_any_time(monkeypatch):
    texts = TEXTS[:12]
    expected = [signature_values(text) for text in texts]
    monkeypatch.setattr(dedup, "WORD_HASH_CACHE_SIZE", 50)
    monkeypatch.setattr(dedup, "_word_hashes_seen", {})
    for text, values in zip(texts, expected, strict=True):
        assert np.array_equal(signature_values(text), values)
        assert len(dedup._word_hashes_seen) <= 50 + len(set(normalized_words(text)))


def sha1_scheme_minhash(text: str) -> MinHash:
    """The signature of the scheme before (``affine32``: datasketch's default, SHA-1 of each 3-gram)."""
    signature = MinHash(num_perm=NUM_PERM, scheme=PERMUTATION_SCHEME)
    signature.update_batch([s.encode("utf-8") for s in shingles(normalized_words(text))])
    return signature


def test_the_scheme_decides_what_the_sha1_scheme_decided():
    """On the demo corpus every pair falls on the same side of the threshold under both schemes, and the
    estimates differ by no more than two MinHash estimates of 128 values do."""
    bodies = [story.body for story in load_stories()]
    new = [minhash_of(body) for body in bodies]
    old = [sha1_scheme_minhash(body) for body in bodies]
    copies = 0
    for a, b in combinations(range(len(bodies)), 2):
        before, after = old[a].jaccard(old[b]), new[a].jaccard(new[b])
        assert (before >= NEAR_DUPLICATE_THRESHOLD) == (after >= NEAR_DUPLICATE_THRESHOLD), (
            a,
            b,
            before,
            after,
        )
        assert abs(before - after) <= 0.15, (a, b, before, after)
        copies += after >= NEAR_DUPLICATE_THRESHOLD
    assert copies == 2  # the corpus's two syndicated copies


def test_ascii_words_are_folded_as_unicode_ones():
    text = "TikTok's Shop -- launched in 2024_Q3! ÉCLAIR"
    assert normalized_words(text) == ["tiktok", "s", "shop", "launched", "in", "2024_q3", "eclair"]
    assert normalized_words(text[:-7]) == normalized_words(text[:-7] + "\u00a0")


def variants(rng: random.Random, count: int) -> list[np.ndarray]:
    """Signatures of texts that share from none to all of their words with a few base texts."""
    vocabulary = [f"w{n}" for n in range(3000)]
    bases = [[rng.choice(vocabulary) for _ in range(300)] for _ in range(6)]
    signatures = []
    for _ in range(count):
        words = list(rng.choice(bases))
        share = rng.random()
        words = [w if rng.random() < share else rng.choice(vocabulary) for w in words]
        signatures.append(minhash_of(" ".join(words)).hashvalues)
    return signatures


def test_index_answers_what_datasketch_lsh_answers():
    rng = random.Random(5)
    signatures = variants(rng, 400)
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_THRESHOLD, num_perm=NUM_PERM)
    loaded, added = NearDuplicateIndex(), NearDuplicateIndex()
    loaded.add_many([f"k{n}" for n in range(200)], np.array(signatures[:200]))
    stored = {}
    for n, values in enumerate(signatures):
        query = MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=PERMUTATION_SCHEME)
        expected = sorted(
            ((key, query.jaccard(stored[key])) for key in lsh.query(query)),
            key=lambda pair: (-pair[1], pair[0]),
        )
        expected = [pair for pair in expected if pair[1] >= NEAR_DUPLICATE_THRESHOLD]
        assert added.matches(values) == expected
        if n >= 200:
            assert loaded.matches(values) == expected
            loaded.add(f"k{n}", values)
        lsh.insert(f"k{n}", query)
        stored[f"k{n}"] = query
        added.add(f"k{n}", values)
        added.add(f"k{n}", signatures[0])  # a key already there keeps its first signature
    assert len(added) == len(loaded) == 400
    assert sum(bool(added.matches(values)) for values in signatures[:50]) == 50


def test_index_rebuilds_keep_every_row():
    signatures = variants(random.Random(9), 60)
    index = NearDuplicateIndex()
    for n in range(5000):  # past a rebuild of the sorted part, with rows added since
        index.add(f"k{n}", signatures[n % 60] if n < 60 else np.full(NUM_PERM, n, dtype=np.uint32))
    assert index.matches(signatures[7])[0] == ("k7", 1.0)
    assert index.matches(np.full(NUM_PERM, 4999, dtype=np.uint32)) == [("k4999", 1.0)]
    assert index.matches(np.full(NUM_PERM, 2100, dtype=np.uint32)) == [("k2100", 1.0)]
