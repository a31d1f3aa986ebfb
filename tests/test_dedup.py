"""The numpy MinHash and near-duplicate index give what datasketch gives, value for value."""

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from demo.build import load_stories
from pipeline.dedup import (
    MINHASH_SCHEME,
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    NearDuplicateIndex,
    content_hash,
    fingerprint,
    minhash_of,
    normalized_words,
    shingles,
    signature_from_bytes,
    signature_to_bytes,
    signatures_from_blobs,
)

TEXTS = [story.body for story in load_stories()] + [
    "",
    "One",
    "Two words",
    "Three words here",
    "Café NAÏVE résumé — façade’s “quoted” ﬁ ligature, Straße; ΣΊΣΥΦΟΣ and İstanbul",
    "tab\tand\nline breaks\r\nand  spaces " * 20,
]


def datasketch_minhash(text: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)
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
        query = MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=MINHASH_SCHEME)
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
