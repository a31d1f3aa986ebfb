"""Measure the near-duplicate threshold on the demo corpus.

    python -m bench.near_duplicates

Prints the estimated Jaccard similarity (word 3-grams, MinHash) of every syndicated copy to its original,
and the highest similarities between two articles that are not copies, so the gap the threshold sits in
(pipeline.dedup.NEAR_DUPLICATE_THRESHOLD) is visible; beside each estimate, the exact Jaccard similarity of
the two sets of 3-grams, which the estimate approximates (within about 0.04 with 128 values).
"""

from __future__ import annotations

from itertools import combinations

from demo.build import load_stories
from pipeline.dedup import MINHASH_SCHEME, NEAR_DUPLICATE_THRESHOLD, minhash_of, normalized_words, shingles


def main() -> None:
    stories = {f"{s.outlet.domain}/{s.slug}": s for s in load_stories()}
    signatures = {key: minhash_of(story.body) for key, story in stories.items()}
    grams = {key: shingles(normalized_words(story.body)) for key, story in stories.items()}
    copies = {(s.meta["syndicated_from"], key) for key, s in stories.items() if s.meta.get("syndicated_from")}
    copy_scores, other_scores = [], []
    for a, b in combinations(sorted(signatures), 2):
        score = signatures[a].jaccard(signatures[b])
        exact = len(grams[a] & grams[b]) / max(len(grams[a] | grams[b]), 1)
        if (a, b) in copies or (b, a) in copies:
            copy_scores.append((score, exact, a, b))
        else:
            other_scores.append((score, exact, a, b))
    print(f"MinHash scheme {MINHASH_SCHEME}: estimate (exact Jaccard of the 3-grams)")
    for score, exact, a, b in sorted(copy_scores):
        print(f"copy      {score:.3f} ({exact:.3f})  {a}  <->  {b}")
    for score, exact, a, b in sorted(other_scores, reverse=True)[:3]:
        print(f"not copy  {score:.3f} ({exact:.3f})  {a}  <->  {b}")
    lowest_copy = min(s for s, *_ in copy_scores)
    highest_other = max(s for s, *_ in other_scores)
    print(f"pairs: {len(copy_scores)} copies, {len(other_scores)} others")
    print(
        f"lowest copy {lowest_copy:.3f}, highest non-copy {highest_other:.3f}, threshold {NEAR_DUPLICATE_THRESHOLD}"
    )
    print(
        f"margin ratio: lowest copy / threshold = {lowest_copy / NEAR_DUPLICATE_THRESHOLD:.2f}, "
        f"threshold / highest non-copy = {NEAR_DUPLICATE_THRESHOLD / max(highest_other, 1e-9):.2f}"
    )
    exact_copy = min(e for _, e, *_ in copy_scores)
    exact_other = max(e for _, e, *_ in other_scores)
    print(f"exact: lowest copy {exact_copy:.3f}, highest non-copy {exact_other:.3f}")


if __name__ == "__main__":
    main()
