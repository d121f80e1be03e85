"""Same-event sentence pairs: cross-document pairs of gold sentences in a pile, scored by baselines
(MiniLM cosine, TF-IDF cosine, content-word Jaccard: average precision) and by crosswire ('the two
sentences share a claim': one operating point, and the cosine's recall at its precision)."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from _piles import Pile, Unit
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import average_precision_score

WORD = re.compile(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*")


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


@dataclass
class Pairs:
    """Cross-document pairs of sentence units within each pile: gold labels and baseline scores."""

    a: list[str]
    b: list[str]
    pile: np.ndarray
    gold: np.ndarray
    scores: dict[str, np.ndarray]


def make_pairs(piles: list[Pile], units: list[Unit], encoder: Any) -> Pairs:
    a, b, pile_of, gold, scores = [], [], [], [], defaultdict(list)
    vectors = dict(zip([u.id for u in units], encoder.encode([u.text for u in units]), strict=True)) if encoder else {}
    for pile in piles:
        us = pile.own(units)
        tfidf = TfidfVectorizer(analyzer=content_words, sublinear_tf=True)
        tfidf.fit([t for d in pile.docs for _, t in d.sentences])
        rows = tfidf.transform([u.text for u in us])
        cosine = (rows @ rows.T).toarray()
        words = [set(content_words(u.text)) for u in us]
        for i, j in itertools.combinations(range(len(us)), 2):
            if us[i].doc == us[j].doc:
                continue
            a.append(us[i].id)
            b.append(us[j].id)
            pile_of.append(pile.name)
            gold.append(bool(us[i].chains & us[j].chains))
            scores["TF-IDF cosine"].append(cosine[i, j])
            scores["word Jaccard"].append(len(words[i] & words[j]) / max(len(words[i] | words[j]), 1))
            if encoder:
                scores["MiniLM cosine"].append(float(vectors[us[i].id] @ vectors[us[j].id]))
    arrays = {k: np.array(v) for k, v in scores.items()}
    return Pairs(a, b, np.array(pile_of), np.array(gold, bool), arrays)


def point(predicted: np.ndarray, gold: np.ndarray) -> dict[str, Any]:
    tp, n, g = int((predicted & gold).sum()), int(predicted.sum()), int(gold.sum())
    return dict(tp=tp, predicted=n, gold=g, p=tp / n if n else 0.0, r=tp / g if g else 0.0)


def recall_at_precision(scores: np.ndarray, gold: np.ndarray, precision: float) -> dict[str, Any]:
    """The best recall of 'score >= t' over the thresholds t with a precision >= ``precision``."""
    order = np.argsort(-scores, kind="stable")
    s, tp = scores[order], np.cumsum(gold[order])
    ok = (tp / np.arange(1, len(s) + 1) >= precision) & np.r_[s[1:] != s[:-1], True]
    if not ok.any():
        return dict(r=0.0, threshold=None)
    i = np.flatnonzero(ok)[np.argmax(tp[ok])]
    return dict(
        r=float(tp[i] / max(gold.sum(), 1)),
        threshold=float(s[i]),
        tp=int(tp[i]),
        predicted=int(i + 1),
    )


def baselines(pairs: Pairs, rows: np.ndarray) -> dict[str, Any]:
    gold = pairs.gold[rows]
    ap = {k: float(average_precision_score(gold, v[rows])) for k, v in pairs.scores.items()}
    jaccard = point(pairs.scores["word Jaccard"][rows] >= 0.3, gold)
    return {
        "pairs": int(rows.sum()),
        "positives": int(gold.sum()),
        "AP": ap,
        "Jaccard >= 0.3": jaccard,
    }


def crosswire_pairs(pairs: Pairs, found: dict[str, list[str]], rows: np.ndarray) -> dict[str, Any]:
    """'The two sentences share a claim' as P / R, and the cosine's recall at that precision."""
    share = np.array(
        [bool(set(found.get(x, ())) & set(found.get(y, ()))) for x, y in zip(pairs.a, pairs.b, strict=True)]
    )
    out = point(share[rows], pairs.gold[rows])
    if "MiniLM cosine" in pairs.scores:
        cosine = pairs.scores["MiniLM cosine"][rows]
        out["cosine at crosswire's P"] = recall_at_precision(cosine, pairs.gold[rows], out["p"])
    return out
