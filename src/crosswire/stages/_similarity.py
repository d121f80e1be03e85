"""Sentence similarity that scales: TF-IDF vectors with cosine computed on demand, and candidate pairs
found by blocking (an inverted index over discriminative terms) instead of comparing all pairs.

A word's weight is how rare it is in general use, not in the story: -ln of its frequency in
wordfreq's list for the sentence's language. So two sentences' similarity is theirs alone, the same
in any story and at every version of a story kept open: what adding an article changes is only
where it takes part (issue 14: reconciling only what an added article touches needs that)."""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
from scipy import sparse

from crosswire.stages._memo import story_memo

# A term shared by more sentences than this says little about two of them being one claim; such terms
# still count in the cosine, they only do not propose candidate pairs.
MAX_BLOCK_SIZE = 100


class TextIndex:
    """TF-IDF over lemma lists, one row per sentence: sublinear tf (1 + ln count) times the word's
    weight in the row's language (``word_weights``), rows l2-normalised. ``languages``: each row's
    language code (English for every row when not given). Nothing is built until asked for: a
    cosine reads the two sentences alone, blocking reads which rows hold which term, and only
    ``matrix`` (the whole index, for a reader outside the analysis) weighs every row."""

    def __init__(
        self,
        lemma_lists: Sequence[Sequence[str]],
        languages: Sequence[str] | None = None,
    ) -> None:
        self.size = len(lemma_lists)
        spoken = languages if languages is not None else ["en"] * self.size
        self._rows = list(zip(map(tuple, lemma_lists), spoken, strict=True))

    @functools.cached_property
    def _held(self) -> tuple[sparse.csr_matrix, list[str]] | None:
        """The rows' term counts and the terms (``_counts``); None when no row holds a term."""
        lemma_lists = [lemmas for lemmas, _ in self._rows]
        return _counts(lemma_lists) if any(lemma_lists) else None

    @functools.cached_property
    def matrix(self) -> sparse.csr_matrix | None:
        """Every row's vector, as ``sentence_cosine`` weighs it; None when no row holds a term."""
        if self._held is None:
            return None
        counts, terms = self._held
        weighed = counts.copy()
        weighed.data = 1.0 + np.log(weighed.data)
        rows = np.repeat(np.arange(self.size), np.diff(weighed.indptr))
        row_language = np.array([language for _, language in self._rows], dtype=object)
        for language in dict.fromkeys(row_language.tolist()):
            table, rarest = word_weights(language)
            found = (table.get(t, rarest) for t in terms)
            weights = np.fromiter(found, dtype=np.float64, count=len(terms))
            mine = row_language[rows] == language
            weighed.data[mine] *= weights[weighed.indices[mine]]
        from sklearn.preprocessing import normalize  # (here: the benchmarks read this, not a run)

        return normalize(weighed, copy=False).tocsr()

    def cosine(self, i: int, j: int) -> float:
        """The cosine of rows ``i`` and ``j``: the two sentences' alone (``sentence_cosine``), the
        same in any index that holds them, in either order."""
        return sentence_cosine(self._rows[i], self._rows[j])

    def blocks(self, max_block: int = MAX_BLOCK_SIZE) -> sparse.csr_matrix:
        """The discriminative terms' rows: one row of the matrix per term held by 2 to ``max_block``
        sentences, marking those sentences (see ``candidate_pairs``)."""
        if self._held is None:
            return sparse.csr_matrix((0, self.size), dtype=np.int32)
        columns = self._held[0].tocsc()
        held = np.diff(columns.indptr)
        kept = columns[:, (held > 1) & (held <= max_block)]
        marks = np.ones(kept.nnz, dtype=np.int32)
        shape = (kept.shape[1], self.size)
        return sparse.csr_matrix((marks, kept.indices, kept.indptr), shape=shape)


Sentence = tuple[tuple[str, ...], str]  # a sentence's lemmas, and its language

# Sentence pairs whose cosine a story keeps: claims and conflicts of a 300-article synthetic story
# ask for about 25,000 (many of them the same pairs) at each analysis. At most some 60 MB.
PAIRS_KEPT = 1 << 18


def _sentence_cosine(a: Sentence, b: Sentence) -> float:
    """The cosine of two sentences' TF-IDF vectors (``TextIndex``): a function of the two alone,
    exactly the same whichever comes first (a correctly rounded sum, ``math.fsum``), so a story
    kept open keeps it from one add to the next, and a sentence pair scores alike in an add and in
    an analysis afresh."""
    first, second = _unit_vector(*a), _unit_vector(*b)
    if len(first) > len(second):
        first, second = second, first
    return math.fsum(weight * second[term] for term, weight in first.items() if term in second)


sentence_cosine = story_memo(_sentence_cosine, size=PAIRS_KEPT)


@story_memo
def _unit_vector(lemmas: tuple[str, ...], language: str) -> dict[str, float]:
    """A sentence's TF-IDF vector, term by term: sublinear tf times the word's weight, l2-normalised
    (as a row of ``TextIndex.matrix``, to the last bit or so)."""
    table, rarest = word_weights(language)
    counts = Counter(lemmas)
    weights = {t: (1.0 + math.log(count)) * table.get(t, rarest) for t, count in counts.items()}
    norm = math.sqrt(math.fsum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()} if norm else {}


@functools.cache
def word_weights(language: str) -> tuple[Mapping[str, float], float]:
    """Each word's weight in ``language``: -ln of its frequency in general use, from wordfreq's small
    list (the 30,000 or so most frequent words of its sources), and the weight of a word not in that
    list (as rare as the rarest in it). "und" (too short to tell) is English, as it is read with the
    English model; a code wordfreq does not know, or cannot read, weighs every word alike. The
    table is shared by every caller, so it is handed out read-only."""
    from wordfreq import get_frequency_dict

    try:
        frequencies = get_frequency_dict("en" if language == "und" else language, "small")
    except (LookupError, ValueError):  # (langcodes' error for a code it cannot parse is a ValueError)
        return MappingProxyType({}), 1.0
    if not frequencies:
        return MappingProxyType({}), 1.0
    rarest = -math.log(min(frequencies.values()))
    return MappingProxyType({word: -math.log(f) for word, f in frequencies.items()}), rarest


def _counts(lemma_lists: Sequence[Sequence[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """The term counts scikit-learn's ``TfidfVectorizer(analyzer=lambda x: x)`` makes of these lists,
    alike to the last bit (columns in alphabetical order, each row's entries in the order the terms
    first appear in the lists, as it leaves them), without its loop over every term in Python: a
    story kept open makes this index again at every add (0.1 s a time for 30,000 clauses); and the
    terms, in the columns' order."""
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
    terms = sorted(temporary)
    alphabetical = np.empty(len(temporary), dtype=np.int32)
    alphabetical[[temporary[term] for term in terms]] = np.arange(len(temporary), dtype=np.int32)
    counts.indices = alphabetical[counts.indices]
    return counts, terms


Blocks = Iterable[Iterable[int] | sparse.csr_matrix]


def candidate_pairs(blocks: Blocks, size: int) -> list[tuple[int, int]]:
    """All pairs (i < j) of rows below ``size`` that share at least one block, in order. A block is
    a list of rows, or a matrix with one row per block marking its rows (``TextIndex.blocks``). The
    pairs come from one sparse product of the blocks with themselves, not from a loop over each
    block's pairs: a story kept open makes them again at every add (about a tenth of a second for
    30,000 clauses in Python)."""
    first, second = candidate_arrays(blocks, size)
    return list(zip(first.tolist(), second.tolist(), strict=True))


def candidate_arrays(blocks: Blocks, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``candidate_pairs`` as two arrays of rows, the first of each pair and the second."""
    matrices, lists = [], []
    for block in blocks:
        if isinstance(block, sparse.csr_matrix):
            matrices.append(block)
        else:
            lists.append(np.unique(np.fromiter(block, dtype=np.int64)))
    if lists:
        matrices.append(_marking(lists, size))
    if not matrices:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    membership = sparse.vstack(matrices, format="csr")
    shared = sparse.triu(membership.T.tocsr() @ membership, k=1).tocoo()
    order = np.lexsort((shared.col, shared.row))
    return shared.row[order].astype(np.int64), shared.col[order].astype(np.int64)


def _marking(blocks: Sequence[np.ndarray], size: int) -> sparse.csr_matrix:
    """One row per block, marking its rows (each given once).

    Raises:
        IndexError: a row outside ``range(size)`` (scipy would not check it).
    """
    lengths = np.fromiter(map(len, blocks), dtype=np.int64, count=len(blocks))
    rows = np.concatenate(blocks)
    if len(rows) and (rows.min() < 0 or rows.max() >= size):
        raise IndexError(f"candidate_pairs: a block holds a row outside 0..{size - 1}")
    rows = rows.astype(np.int32, copy=False)
    marks = np.ones(len(rows), dtype=np.int32)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    return sparse.csr_matrix((marks, rows, starts), shape=(len(blocks), size))
