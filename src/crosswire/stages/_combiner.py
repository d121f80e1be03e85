"""The learned combiner that turns a candidate pair's evidence into the probability of one claim.

A logistic regression over the features ``align.pair_features`` computes, trained on public data by
``benchmarks/train_claim_combiner.py`` (ECB+ training topics: two clauses are one claim when their
verbs are gold mentions of one cross-document event) and shipped as ``data/claim_combiner.json`` with
the figures it was chosen on. Nothing here is fitted at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

COMBINER_FEATURES = (
    "encoder cosine",  # all-MiniLM-L6-v2 cosine of the two propositions
    "tf-idf cosine",  # of their content lemmas, words weighed by their rarity in general use
    "same verb",  # the clauses' head verbs have one lemma
    "verb likeness",  # encoder cosine of the two head verbs' lemmas ("move", "go")
    "same object",  # what the verbs act on has one head word
    "different objects",  # both have one, and they differ
    "shared names",  # Jaccard of the people, organisations and places named
    "shared thing",  # a place, organisation or thing named in both
    "numbers agree",  # the same measure, agreeing after normalisation (1) or only the same measure
    "same subject",  # both have a subject and it is one
    "different speakers",  # attributed to two different people
    "length",  # the shorter proposition's content words / 8, at most 1
)
COMBINER_FILE = Path(__file__).resolve().parent.parent / "data" / "claim_combiner.json"


@dataclass(frozen=True, slots=True)
class Combiner:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # the probability chosen on held-out data (see the file's "chosen_on")
    # The screen: a second logistic regression over every feature but the encoder's cosine, and the
    # probability under which a pair is not worth encoding (chosen on dev to keep nearly every pair the
    # combiner accepts; see the file's "screen").
    screen_weights: tuple[float, ...] = ()
    screen_bias: float = 0.0
    screen_threshold: float = 0.0

    def probability(self, values: list[float]) -> float:
        return _logistic(self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True)))

    def screened(self, values: list[float]) -> bool:
        """Whether a pair is worth running the encoder on (its features but the cosine, first slot)."""
        if not self.screen_weights:
            return True
        z = self.screen_bias + sum(w * x for w, x in zip(self.screen_weights, values[1:], strict=True))
        return _logistic(z) >= self.screen_threshold


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@lru_cache(maxsize=1)
def load_combiner() -> Combiner | None:
    """The shipped combiner, or None when its file is missing or was trained on other features."""
    try:
        raw = json.loads(COMBINER_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(raw.get("features", ())) != COMBINER_FEATURES:
        return None
    screen = raw.get("screen") or {}
    return Combiner(
        COMBINER_FEATURES,
        tuple(float(w) for w in raw["weights"]),
        float(raw["bias"]),
        float(raw["threshold"]),
        tuple(float(w) for w in screen.get("weights", ())),
        float(screen.get("bias", 0.0)),
        float(screen.get("threshold", 0.0)),
    )
