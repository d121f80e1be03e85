"""Sentence similarity that scales: TF-IDF vectors with cosine computed on demand, and candidate pairs
found by blocking (an inverted index over discriminative terms) instead of comparing all pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# A term shared by more sentences than this says little about two of them being one claim; such terms
# still count in the cosine, they only do not propose candidate pairs.
MAX_BLOCK_SIZE = 100


class TextIndex:
    """TF-IDF (sublinear tf, l2-normalised) over lemma lists, one row per sentence."""

    def __init__(self, lemma_lists: Sequence[Sequence[str]]) -> None:
        self.size = len(lemma_lists)
        if any(lemma_lists):
            vectorizer = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
            self.matrix = vectorizer.fit_transform([list(x) for x in lemma_lists]).tocsr()
        else:
            self.matrix = None

    def cosine(self, i: int, j: int) -> float:
        if self.matrix is None:
            return 0.0
        m = self.matrix
        a, b = slice(m.indptr[i], m.indptr[i + 1]), slice(m.indptr[j], m.indptr[j + 1])
        _, ia, ib = np.intersect1d(m.indices[a], m.indices[b], assume_unique=True, return_indices=True)
        return float(np.dot(m.data[a][ia], m.data[b][ib]))

    def blocks(self, max_block: int = MAX_BLOCK_SIZE) -> Iterable[np.ndarray]:
        """Row indices sharing each discriminative term (one array per term)."""
        if self.matrix is None:
            return
        columns = self.matrix.tocsc()
        for term in range(columns.shape[1]):
            rows = columns.indices[columns.indptr[term] : columns.indptr[term + 1]]
            if 1 < len(rows) <= max_block:
                yield rows


def candidate_pairs(blocks: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """All pairs (i < j) that share at least one block."""
    pairs: set[tuple[int, int]] = set()
    for block in blocks:
        pairs.update((min(a, b), max(a, b)) for a, b in combinations(sorted(set(int(x) for x in block)), 2))
    return pairs
