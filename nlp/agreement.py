"""Types of the gold facts by a second annotator, against the first (the gold) and the extractor.

    python -m nlp.agreement            # every corpus with a second annotation
    python -m nlp.agreement blind7     # one

tests/fixtures/agreement/<corpus>.jsonl holds, for every gold fact of a corpus, the type a second annotator
gave it and the other types (`also`) they found defensible, reading only the fact's description, its
sentences and DESIGN.md's definitions of the types (tests/fixtures/agreement/GUIDE.md), never the gold's type
nor the code. It measures how far people agree on a fact's type, and so what type accuracy can mean: the
share of facts both annotators typed alike (and Cohen's kappa), and the extractor's type accuracy on its
candidates counted strictly (the gold's type) and leniently (the gold's type, or one the second annotator
gave or found defensible).
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass

from nlp.evaluate import CORPORA, FIXTURES, evaluate_events

AGREEMENT = FIXTURES / "agreement"


@dataclass
class Agreement:
    facts: int
    agreement: float  # facts the second annotator typed as the gold does
    kappa: float
    strict: float  # the extractor's candidates of their gold fact's type
    lenient: float  # ... or of a type the second annotator gave or found defensible


def second_types(name: str) -> dict[str, list[str]]:
    """Fact id -> the second annotator's type and the types they found defensible (the first one first)."""
    rows = [json.loads(line) for line in (AGREEMENT / f"{name}.jsonl").read_text().splitlines() if line]
    return {r["id"]: [r["type"], *r["also"]] for r in rows}


def agreement(name: str) -> Agreement:
    content, catalogue = CORPORA[name]
    gold = {e["id"]: e["type"] for e in tomllib.loads(catalogue.read_text(encoding="utf-8"))["events"]}
    second = second_types(name)
    pairs = [(gold[fact], types[0]) for fact, types in second.items()]
    same = sum(a == b for a, b in pairs) / len(pairs)
    first_counts, second_counts = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first_counts[t] * second_counts[t] for t in first_counts) / len(pairs) ** 2
    scores = evaluate_events(content, catalogue)
    matched = round(scores.precision * scores.candidates)
    typed = round(scores.type_accuracy * matched)
    defensible = sum(found in second.get(fact, ()) for fact, found in scores.wrong_types)
    return Agreement(
        facts=len(pairs),
        agreement=same,
        kappa=(same - chance) / (1 - chance),
        strict=typed / max(1, matched),
        lenient=(typed + defensible) / max(1, matched),
    )


def main(argv: list[str]) -> int:
    names = argv[1:] or [n for n in CORPORA if (AGREEMENT / f"{n}.jsonl").exists()]
    for name in names:
        a = agreement(name)
        print(
            f"{name}: {a.facts} facts, annotators agree on {a.agreement:.3f} (kappa {a.kappa:.3f}); "
            f"extractor's candidate types {a.strict:.3f}, {a.lenient:.3f} counting the second annotator's"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
