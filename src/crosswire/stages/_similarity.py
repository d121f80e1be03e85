"""Sentence similarity that scales: TF-IDF vectors with cosine computed on demand, and candidate pairs
found by blocking (an inverted index over discriminative terms) instead of comparing all pairs."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

# A term shared by more sentences than this says little about two of them being one claim; such terms
# still count in the cosine, they only do not propose candidate pairs.
MAX_BLOCK_SIZE = 100


class TextIndex:
    """TF-IDF (sublinear tf, l2-normalised) over lemma lists, one row per sentence."""

    def __init__(self, lemma_lists: Sequence[Sequence[str]]) -> None:
        self.size = len(lemma_lists)
        if any(lemma_lists):
            weigh = TfidfTransformer(sublinear_tf=True)
            self.matrix = weigh.fit(counts := _counts(lemma_lists)).transform(counts, copy=False).tocsr()
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


def _counts(lemma_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """The term counts scikit-learn's ``TfidfVectorizer(analyzer=lambda x: x)`` makes of these lists,
    alike to the last bit (columns in alphabetical order, each row's entries in the order the terms
    first appear in the lists, as it leaves them), without its loop over every term in Python: a
    story kept open makes this index again at every add (0.1 s a time for 30,000 clauses)."""
    first = dict.fromkeys(itertools.chain.from_iterable(lemma_lists))  # terms, in order of appearance
    temporary = dict(zip(first, range(len(first)), strict=True))
    lengths = np.fromiter(map(len, lemma_lists), dtype=np.int64, count=len(lemma_lists))
    columns = np.fromiter(
        map(temporary.__getitem__, itertools.chain.from_iterable(lemma_lists)), dtype=np.int32, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(len(lemma_lists), dtype=np.int32), lengths)
    counts = sparse.csr_matrix(
        (np.ones(len(columns)), (rows, columns)), shape=(len(lemma_lists), len(temporary)), dtype=np.float64
    )
    counts.sum_duplicates()  # (each row's entries in order of appearance, a repeated term counted)
    alphabetical = np.empty(len(temporary), dtype=np.int32)
    alphabetical[[temporary[term] for term in sorted(temporary)]] = np.arange(len(temporary), dtype=np.int32)
    counts.indices = alphabetical[counts.indices]
    return counts


def candidate_pairs(blocks: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """All pairs (i < j) that share at least one block."""
    pairs: set[tuple[int, int]] = set()
    for block in blocks:
        pairs.update((min(a, b), max(a, b)) for a, b in combinations(sorted(set(int(x) for x in block)), 2))
    return pairs
