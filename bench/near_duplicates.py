"""Measure the near-duplicate threshold on the demo corpus.

    python -m bench.near_duplicates

Prints the estimated Jaccard similarity (word 3-grams, MinHash) of every syndicated copy to its original,
and the highest similarity between two articles that are not copies, so the gap the threshold sits in
(pipeline.dedup.NEAR_DUPLICATE_THRESHOLD) is visible.
"""

from __future__ import annotations

from itertools import combinations

from demo.build import load_stories
from pipeline.dedup import NEAR_DUPLICATE_THRESHOLD, minhash_of


def main() -> None:
    stories = {f"{s.outlet.domain}/{s.slug}": s for s in load_stories()}
    signatures = {key: minhash_of(story.body) for key, story in stories.items()}
    copies = {(s.meta["syndicated_from"], key) for key, s in stories.items() if s.meta.get("syndicated_from")}
    copy_scores, other_scores = [], []
    for a, b in combinations(sorted(signatures), 2):
        score = signatures[a].jaccard(signatures[b])
        if (a, b) in copies or (b, a) in copies:
            copy_scores.append((score, a, b))
        else:
            other_scores.append((score, a, b))
    for score, a, b in sorted(copy_scores):
        print(f"copy      {score:.3f}  {a}  <->  {b}")
    for score, a, b in sorted(other_scores, reverse=True)[:3]:
        print(f"not copy  {score:.3f}  {a}  <->  {b}")
    lowest_copy = min(s for s, _, _ in copy_scores)
    highest_other = max(s for s, _, _ in other_scores)
    print(f"pairs: {len(copy_scores)} copies, {len(other_scores)} others")
    print(
        f"lowest copy {lowest_copy:.3f}, highest non-copy {highest_other:.3f}, threshold {NEAR_DUPLICATE_THRESHOLD}"
    )
    print(
        f"margin ratio: lowest copy / threshold = {lowest_copy / NEAR_DUPLICATE_THRESHOLD:.2f}, "
        f"threshold / highest non-copy = {NEAR_DUPLICATE_THRESHOLD / max(highest_other, 1e-9):.2f}"
    )


if __name__ == "__main__":
    main()
