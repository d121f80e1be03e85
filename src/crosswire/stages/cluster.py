"""Stories from a pile: online clustering of documents as they stream in by publication time, and
near-duplicate (wire copy) detection.

Each document, in publication order, is compared with the stories opened so far on its words and on
its names (capitalised words inside sentences), both hashed (no vocabulary to fit) and weighted by
how rare they are in the pile (IDF over the pile given: a stream re-clusters what it has stored), and
with the time since the story's last document. It joins the closest story when close enough, or
opens a new one. A second pass merges stories by average linkage. Once many stories are open, a
document is scored exactly against a few candidates only: the stories whose mean vector, sketched to
256 dimensions by a random projection, is closest to its own. Near-duplicates are found with MinHash
LSH over word shingles (the bands datasketch's ``MinHashLSH`` cuts, compared as values).
"""

from __future__ import annotations

import contextlib
import heapq
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
from datasketch import MinHashLSH
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS
from threadpoolctl import threadpool_limits

from crosswire.models import Document
from crosswire.settings import DEFAULTS
from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._memo import object_memo
from crosswire.stages._shelf import Shelf, ShelvedRow
from crosswire.stages._shingles import PERMUTATIONS, shingle_signature
from crosswire.stages._story_features import (
    FEATURES,
    FeatureSource,
    Frequencies,
    StoryFeatures,
    join_features,
    story_features,
)

__all__ = [
    "ClusterSettings",
    "FeatureSource",
    "Frequencies",
    "StoryCluster",
    "StoryFeatures",
    "cluster_features",
    "cluster_stories",
    "join_features",
    "near_duplicates",
    "story_features",
    "story_label",
]

_RESTACK = 32  # stories changed or opened (at least) before all totals are stacked again
_MERGE_BLOCK = 256  # stories per block when their similarities are tabled
_RECENT_BYTES = 16 * 2**20  # totals read back from a shelf and kept for the next comparisons
_SKETCH = 256  # dimensions of the random projection stories and documents are sketched in
_SKETCH_SPREAD = 4  # dimensions of the sketch each hashed word or name is sent to
_PROJECTION_STEP = 16_384  # rows of the projection drawn at a time
_SIGNS = np.array([-1.0, 1.0])


@dataclass(frozen=True, slots=True)
class StoryCluster:
    id: str
    documents: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    # mean similarity (0-1) a document needs to join a story, and two stories to merge
    threshold: float = DEFAULTS.story_similarity
    window_days: int = 10  # a story quiet for longer than this takes no new documents
    name_weight: float = 0.5  # share of the similarity that comes from shared names
    idf: bool = True  # weigh words by how rare they are in the pile
    merge: bool = True  # second pass: merge stories whose documents are, on average, close enough
    partition_documents: int = 2000  # consecutive documents (in time) clustered on their own in the first pass
    # With this many stories open, a document (and, when merging, a story) is scored exactly against
    # the ``candidates`` stories whose sketched mean is closest to it only (``_Sketches``).
    sketch_from: int = 1000
    candidates: int = 32


def _weigh(matrix: sparse.csr_matrix, idf: np.ndarray | None) -> sparse.csr_matrix:
    """Sublinear term frequency, times ``idf`` (when given), L2-normalised."""
    matrix = matrix.tocsr().astype(np.float64)
    matrix.data = 1.0 + np.log(matrix.data)
    if idf is not None:
        matrix = (matrix @ sparse.diags(idf)).tocsr()
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return (sparse.diags(1.0 / norms) @ matrix).tocsr()


@dataclass(slots=True)
class _Story:
    # The sum of the members' vectors (total . x / size is x's mean similarity), or where it waits
    # on a ``Shelf`` once its partition is clustered (``_total`` reads it back).
    total: sparse.csr_matrix | ShelvedRow
    rows: list[int]
    first: date | None
    last: date | None

    def takes(self, day: date | None, window: int) -> bool:
        """A document of this day is within ``window`` days of the story's span (or either is undated)."""
        return self.near_in_time(day, day, window)

    def near_in_time(self, first: date | None, last: date | None, window: int) -> bool:
        """The span [first, last] overlaps the story's span or lies within ``window`` days of it."""
        if not (first and last and self.first and self.last):
            return True
        return (max(first, self.first) - min(last, self.last)).days <= window

    def add_day(self, day: date | None) -> None:
        if day:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)


class _Totals:
    """The stories' totals stacked as columns of one matrix, so a document is scored against them in
    one product; restacked now and then, stories changed or opened since are scored one by one.

    A story quiet for longer than the window can take no later dated document (documents come in
    date order), so a restack leaves it out: in a pile of many days a document is compared with the
    stories of its days, not with every story ever opened. A document without a day may join any
    story: the stories left out are then scored from a second matrix, made once per restack."""

    def __init__(self) -> None:
        self.columns: sparse.csr_matrix | None = None
        self.stacked = np.zeros(0, dtype=np.int64)  # the stories in ``columns``, in order
        self.upto = 0  # stories opened before the last restack
        self.left_out = np.zeros(0, dtype=np.int64)  # closed at the last restack
        self.closed: sparse.csr_matrix | None = None  # their totals, made when an undated document needs them
        self.changed: set[int] = set()  # stories whose total moved since the last restack

    def scores(
        self, stories: list[_Story], vector: sparse.csr_matrix, dense: np.ndarray, day: date | None, window: int
    ) -> np.ndarray:
        """Each story's total times ``vector``; -inf for a story that cannot take a document of ``day``."""
        if self.columns is None or len(self.changed) + len(stories) - self.upto > max(_RESTACK, len(stories) // 8):
            self._restack(stories, day, window)
        found = np.full(len(stories), -np.inf)
        if len(self.stacked):
            assert self.columns is not None
            found[self.stacked] = (vector @ self.columns).toarray().ravel()
        if day is None and len(self.left_out):
            if self.closed is None:
                self.closed = _stack([stories[k] for k in self.left_out])
            found[self.left_out] = (vector @ self.closed).toarray().ravel()
        dense[vector.indices] = vector.data
        for story in self.changed.union(range(self.upto, len(stories))):
            total = _total(stories[story])
            found[story] = total.data @ dense[total.indices]
        dense[vector.indices] = 0.0
        return found

    def opened(self, stories: list[_Story]) -> None:
        """A story was opened (it is scored one by one until the next restack)."""

    def joined(self, stories: list[_Story], story: int, vector: sparse.csr_matrix) -> None:
        """``vector`` joined ``story``."""
        self.changed.add(story)

    def _restack(self, stories: list[_Story], day: date | None, window: int) -> None:
        keep = np.array([day is None or s.takes(day, window) for s in stories], dtype=bool)
        self.stacked, self.left_out = np.flatnonzero(keep), np.flatnonzero(~keep)
        self.columns = _stack([stories[k] for k in self.stacked]) if len(self.stacked) else None
        self.closed, self.upto, self.changed = None, len(stories), set()
        if self.columns is None:
            self.columns = sparse.csr_matrix((_columns(stories[0]), 0))


class _Sketches:
    """Candidate stories from sketches: each story's mean vector projected to ``_SKETCH`` dimensions
    (``_sketch``), kept in one dense matrix. A document's sketch times the matrix estimates its mean
    similarity to every story at once (256 multiplications a story instead of a sparse product over
    the story's words); the ``candidates`` stories estimated closest are scored exactly, the others not
    at all (-inf). A story's row (its sketched total) grows as documents join it.

    A story quiet for longer than the window can take no later dated document (documents come in date
    order), so its row is left out for dated documents once one is past its window; a document
    without a day (undated, or dated only by inference) may join any story, so for it every story
    stays.

    The estimate is approximate: a story that does not rank among the candidates is missed even when
    its exact score would have won (``benchmarks/clustering_scale.py`` measures what that costs)."""

    def __init__(self, stories: list[_Story], sizes: np.ndarray, window: int, candidates: int) -> None:
        self.sizes = sizes  # the caller's array of story sizes, kept current by it
        self.window = window
        self.candidates = candidates
        capacity = len(sizes)  # (the caller's stories and one per document still to come)
        self.totals = np.zeros((capacity, _SKETCH), dtype=np.float32)  # each story's total, sketched
        self.open = np.zeros(capacity, dtype=bool)
        self.count = 0  # stories so far
        self.closing: list[tuple[int, int]] = []  # (first day the story cannot take, story), soonest first
        self.bounds: dict[int, int] = {}  # each dated story's first day it cannot take, as an ordinal
        for story, found in enumerate(stories):
            self._put(story, found)

    def scores(
        self, stories: list[_Story], vector: sparse.csr_matrix, dense: np.ndarray, day: date | None, window: int
    ) -> np.ndarray:
        """The total of each candidate story times ``vector``; -inf for every other story."""
        found = np.full(len(stories), -np.inf)
        estimates = self.totals[: self.count] @ _sketch(vector) / self.sizes[: self.count]
        if day is not None:  # (a document without a day may join any story, closed or not)
            self._close_before(day)
            estimates[~self.open[: self.count]] = -np.inf
        take = min(max(1, self.candidates), self.count)
        dense[vector.indices] = vector.data
        for story in np.argpartition(-estimates, take - 1)[:take].tolist():
            if estimates[story] > -np.inf:
                total = _total(stories[story])
                found[story] = total.data @ dense[total.indices]
        dense[vector.indices] = 0.0
        return found

    def opened(self, stories: list[_Story]) -> None:
        """A story was opened (the last of ``stories``)."""
        self._put(len(stories) - 1, stories[-1])

    def joined(self, stories: list[_Story], story: int, vector: sparse.csr_matrix) -> None:
        """``vector`` joined ``story``: its row moves to the story's new mean."""
        self.totals[story] += _sketch(vector)
        self._closes(story, stories[story])

    def _put(self, story: int, found: _Story) -> None:
        self.totals[story] = _sketch(_total(found))
        self.open[story] = True
        self.count = story + 1
        self._closes(story, found)

    def _closes(self, story: int, found: _Story) -> None:
        if found.last is not None:
            self.bounds[story] = found.last.toordinal() + self.window + 1
            heapq.heappush(self.closing, (self.bounds[story], story))

    def _close_before(self, day: date) -> None:
        """Leave out the stories that can take no document of ``day`` or later."""
        while self.closing and self.closing[0][0] <= day.toordinal():
            bound, story = heapq.heappop(self.closing)
            if bound == self.bounds[story]:  # (not an older bound of a story since joined)
                self.open[story] = False


def _sketch(vector: sparse.csr_matrix) -> np.ndarray:
    """A random projection of one row of the story space to ``_SKETCH`` dimensions (float32): inner
    products of sketches estimate those of the rows, with an error of about the product of the rows'
    norms over 16. Each hashed word or name goes to ``_SKETCH_SPREAD`` of the sketch's dimensions with
    random signs (a sparse Johnson-Lindenstrauss projection, as in count sketches)."""
    dimensions, signs = _projection()
    weights = signs[vector.indices] * vector.data[:, None]
    return np.bincount(dimensions[vector.indices].ravel(), weights.ravel(), minlength=_SKETCH).astype(np.float32)


@cache
def _projection() -> tuple[np.ndarray, np.ndarray]:
    """For each dimension of the story space (hashed words, then hashed names): the sketch's dimensions
    it goes to and its signs there, scaled so that inner products are kept on average. Fixed by a
    seed, so that every process (and Ray worker) sketches alike.

    Drawn ``_PROJECTION_STEP`` rows at a time into the kept arrays: the generator's stream is the same
    as one draw of the whole (a test holds it), and no whole-size temporary of int64 or float64 is
    made (about 40 MB that the C heap kept after freeing it)."""
    generator = np.random.default_rng(20261203)
    rows = 2 * FEATURES
    dimensions = np.empty((rows, _SKETCH_SPREAD), dtype=np.int16)
    signs = np.empty((rows, _SKETCH_SPREAD), dtype=np.float32)  # (+-0.5 is exact in float32)
    for start in range(0, rows, _PROJECTION_STEP):
        size = (min(_PROJECTION_STEP, rows - start), _SKETCH_SPREAD)
        dimensions[start : start + _PROJECTION_STEP] = generator.integers(0, _SKETCH, size=size)
    for start in range(0, rows, _PROJECTION_STEP):
        size = (min(_PROJECTION_STEP, rows - start), _SKETCH_SPREAD)
        signs[start : start + _PROJECTION_STEP] = generator.choice(_SIGNS, size=size) / np.sqrt(_SKETCH_SPREAD)
    return dimensions, signs  # (12 MB in every process)


def _stack(stories: Sequence[_Story]) -> sparse.csr_matrix:
    return sparse.vstack([_total(s) for s in stories], format="csr").T.tocsr()


def _total(story: _Story) -> sparse.csr_matrix:
    """The story's total, read back from its shelf if it waits there."""
    return story.total.load() if isinstance(story.total, ShelvedRow) else story.total


def _columns(story: _Story) -> int:
    """The number of columns of the story's total (not read back for it)."""
    return story.total.columns if isinstance(story.total, ShelvedRow) else story.total.shape[1]


def _shelved(story: _Story, shelf: Shelf | None) -> _Story:
    """The story with its total kept on ``shelf`` (None: left as it is)."""
    if shelf is not None and not isinstance(story.total, ShelvedRow):
        story.total = shelf.keep(story.total)
    return story


def cluster_stories(
    documents: Sequence[Document], settings: ClusterSettings = ClusterSettings()
) -> tuple[StoryCluster, ...]:
    """Group documents into stories (see ``cluster_features``), each labelled with its most frequent
    names."""
    if not documents:
        return ()
    by_id = {d.id: d for d in documents}
    groups = cluster_features(story_features(documents), settings)
    return tuple(
        StoryCluster(f"story-{n + 1:04d}", group, story_label([by_id[i] for i in group]))
        for n, group in enumerate(groups)
    )


def cluster_features(
    features: FeatureSource, settings: ClusterSettings = ClusterSettings(), run: Runner | None = None
) -> list[tuple[str, ...]]:
    """Group documents into stories, from their features alone: the document ids of each story.

    Documents are put in publication order (undated ones last) and cut into partitions of at most
    ``partition_documents`` consecutive documents. First pass, online, in each partition on its own:
    each document joins the story of its partition whose documents it is closest to on average
    (words and names, weighted by rarity in the whole pile) if that mean similarity reaches
    ``threshold`` and the story was active within ``window_days``, or opens a new story. Second pass,
    over every partition's stories: stories whose documents are, on average, as close as a document
    must be to join (average linkage) are merged, closest first, so that a story cut by a partition's
    edge is joined again and the result depends less on the order documents arrived in.

    ``run`` maps the first pass over the partitions (``map`` by default; the Ray engine runs them in
    parallel); the partitions are independent, so the stories do not depend on where they ran.
    """
    if not len(features):
        return []
    ids = features.ids
    order, dated = features.order()  # (same date: by content, not by file name)
    weights = _Weights.of(features.frequencies(), settings)

    def partition(start: int, end: int) -> _Partition:
        rows = order[start:end]
        vectors = weights.vectors(*features.rows(rows))
        days = tuple(features.days[i] for i in rows)
        return _Partition(start, vectors, days, settings)

    size = max(1, settings.partition_documents)
    cuts = [(start, min(start + size, dated)) for start in range(0, dated, size)]
    # A pile of more than one partition keeps each partition's stories' totals on a shelf (a
    # temporary file) once it is clustered: they are read back when scored or merged (all at once
    # while fewer than ``sketch_from`` stories are open or merged). A merged total stays in memory.
    shelf_or_none = Shelf() if len(order) > size else contextlib.nullcontext()
    with shelf_or_none as shelf:
        stories: list[_Story] = []
        # Each partition is read and weighed when its turn comes (``run`` may take them all at
        # once, and hand back every partition's stories before any is kept on the shelf).
        for found in (run or map)(_online, (partition(*cut) for cut in cuts)):
            stories += [_shelved(story, shelf) for story in found]
        # Undated documents may join any story: they come last, with every story open, one after
        # the other (a partition's vectors at a time).
        for start in range(dated, len(order), size):
            found = _online(partition(start, min(start + size, len(order))), stories)
            stories = [_shelved(story, shelf) for story in found]
        if settings.merge:
            stories = _merge(stories, settings)
    stories.sort(key=lambda s: min(s.rows))
    return [tuple(ids[order[row]] for row in sorted(s.rows)) for s in stories]


Runner = Callable[[Callable[["_Partition"], list[_Story]], Iterable["_Partition"]], Iterable[list[_Story]]]


@dataclass(frozen=True, slots=True)
class _Weights:
    """How rare each hashed word and name is in the whole pile (smoothed IDF), so that a partition's
    vectors are weighed as the pile's would be."""

    words: np.ndarray | None
    names: np.ndarray | None
    name_weight: float

    @staticmethod
    def of(frequencies: Frequencies, settings: ClusterSettings) -> _Weights:
        """The weights of a pile of these frequencies."""
        if not settings.idf:
            return _Weights(None, None, settings.name_weight)
        documents = frequencies.documents
        return _Weights(_idf(frequencies.words, documents), _idf(frequencies.names, documents), settings.name_weight)

    def vectors(self, words: sparse.csr_matrix, names: sparse.csr_matrix) -> sparse.csr_matrix:
        """One row per document: its words and its names side by side, so that a dot product of two
        rows is the blend ``(1 - name_weight) * word cosine + name_weight * name cosine``."""
        return sparse.hstack(
            [
                np.sqrt(1 - self.name_weight) * _weigh(words, self.words),
                np.sqrt(self.name_weight) * _weigh(names, self.names),
            ],
            format="csr",
        )


def _vectors(words: sparse.csr_matrix, names: sparse.csr_matrix, settings: ClusterSettings) -> sparse.csr_matrix:
    """The weighted vectors of a whole pile, one row per document (its counts in ``words`` and ``names``)."""
    return _Weights.of(Frequencies.of(words, names), settings).vectors(words, names)


def _idf(frequency: np.ndarray, documents: int) -> np.ndarray:
    return np.log((1 + documents) / (1 + frequency)) + 1.0


@dataclass(frozen=True, slots=True)
class _Partition:
    """Consecutive documents (in publication order) clustered on their own in the first pass: their
    weighted vectors, their days, and the row of the first one in the whole pile's order."""

    start: int
    vectors: sparse.csr_matrix
    days: tuple[date | None, ...]
    settings: ClusterSettings


def _online(partition: _Partition, stories: Sequence[_Story] = ()) -> list[_Story]:
    """The first pass over one partition: each document joins its closest story (of the partition,
    or of ``stories`` when given) or opens one."""
    # One BLAS thread: the sketches' products are small and many, and waking a second thread for each
    # cost ten times the product itself (measured: 1.1 ms against 0.14 ms for 3,900 stories).
    with threadpool_limits(limits=1, user_api="blas"):
        return _first_pass(partition, stories)


def _first_pass(partition: _Partition, stories: Sequence[_Story]) -> list[_Story]:
    vectors, settings = partition.vectors, partition.settings
    stories = list(stories)
    sizes = np.zeros(len(stories) + len(partition.days))  # each story's documents, by story index
    sizes[: len(stories)] = [len(s.rows) for s in stories]
    table: _Totals | _Sketches = _Totals()
    dense = np.zeros(vectors.shape[1])  # the current document's vector, spread out (reset after use)
    for row, day in enumerate(partition.days):
        vector = _row(vectors, row)
        if isinstance(table, _Totals) and len(stories) >= max(1, settings.sketch_from):
            table = _Sketches(stories, sizes, settings.window_days, settings.candidates)
        best = None
        if stories:
            scores = table.scores(stories, vector, dense, day, settings.window_days) / sizes[: len(stories)]
            # The closest story that can take the document: closest first, the earlier story on a tie.
            near = np.flatnonzero(scores >= settings.threshold)
            for candidate in near[np.argsort(-scores[near], kind="stable")]:
                if stories[candidate].takes(day, settings.window_days):
                    best = int(candidate)
                    break
        if best is None:
            sizes[len(stories)] = 1
            # (a copy: the row is a view of the partition's vectors, which must not outlive the pass)
            stories.append(_Story(vector.copy(), [partition.start + row], day, day))
            table.opened(stories)
        else:
            sizes[best] += 1
            stories[best].total = _total(stories[best]) + vector
            stories[best].rows.append(partition.start + row)
            stories[best].add_day(day)
            table.joined(stories, best, vector)
    return stories


def _row(matrix: sparse.csr_matrix, row: int) -> sparse.csr_matrix:
    """Row ``row`` of ``matrix`` as a 1-row matrix (what ``matrix[row]`` gives, without its checks)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return sparse.csr_matrix(
        (matrix.data[start:end], matrix.indices[start:end], np.array([0, end - start])), shape=(1, matrix.shape[1])
    )


def _merge(stories: list[_Story], settings: ClusterSettings) -> list[_Story]:
    """Average-linkage merging of stories, closest pair first, with Lance-Williams updates on a sparse
    table of story similarities. An approximation of exact average linkage: a pair below half the
    threshold is not stored and counts as 0 when a merge averages it, which lowers that merged
    similarity and can change the order of later merges."""
    floor = settings.threshold / 2
    sizes = np.array([len(s.rows) for s in stories], dtype=np.float64)
    if len(stories) >= max(1, settings.sketch_from):
        with threadpool_limits(limits=1, user_api="blas"):
            near = _near_sketched(stories, sizes, floor, settings.candidates)
    else:
        near = _near(stories, sizes, floor)
    heap = [(-s, a, b) for a, row in enumerate(near) for b, s in row.items() if a < b and s >= settings.threshold]
    heapq.heapify(heap)
    alive = [True] * len(stories)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or near[a].get(b) != -negative:
            continue  # a story merged away, or the pair's similarity changed since it was queued
        first, second = stories[a], stories[b]
        if not first.near_in_time(second.first, second.last, settings.window_days):
            continue
        size_a, size_b = len(first.rows), len(second.rows)
        first.total = _total(first) + _total(second)
        first.rows.extend(second.rows)
        first.add_day(second.first)
        first.add_day(second.last)
        alive[b] = False
        merged: dict[int, float] = {}
        for c in (set(near[a]) | set(near[b])) - {a, b}:
            near[c].pop(a, 0.0)
            near[c].pop(b, 0.0)
            similarity = (size_a * near[a].get(c, 0.0) + size_b * near[b].get(c, 0.0)) / (size_a + size_b)
            if similarity >= floor:
                merged[c] = near[c][a] = similarity
                if similarity >= settings.threshold:
                    heapq.heappush(heap, (-similarity, min(a, c), max(a, c)))
        near[a], near[b] = merged, {}
    return [story for story, keep in zip(stories, alive, strict=True) if keep]


def _near(stories: Sequence[_Story], sizes: np.ndarray, floor: float) -> list[dict[int, float]]:
    """Every pair of stories whose average-linkage similarity reaches ``floor``."""
    totals = sparse.vstack([_total(s) for s in stories], format="csr")
    near: list[dict[int, float]] = [{} for _ in stories]
    for start in range(0, len(stories), _MERGE_BLOCK):
        block = (totals[start : start + _MERGE_BLOCK] @ totals.T).toarray()
        block /= np.outer(sizes[start : start + _MERGE_BLOCK], sizes)
        for offset, row in enumerate(block):
            a = start + offset
            for column in np.flatnonzero(row >= floor):
                if column != a:
                    near[a][int(column)] = float(row[column])
    return near


def _near_sketched(
    stories: Sequence[_Story], sizes: np.ndarray, floor: float, candidates: int
) -> list[dict[int, float]]:
    """The pairs of ``_near`` among each story and the ``candidates`` stories whose sketched mean is
    closest to its own (see ``_Sketches``), scored exactly: a pair that neither story's candidates
    include is missed. The stories' totals are not stacked into one matrix: each is read (from its
    shelf, if kept there) when compared, the most recently read kept a while (``_Recent``)."""
    # (filled row by row and divided in place: for 10,000 stories about 10 MB, where a list of the
    # rows beside their stack, then the stack beside its quotient, were about 20 MB at a time)
    means = np.empty((len(stories), _SKETCH), dtype=np.float32)
    for row, story in enumerate(stories):
        means[row] = _sketch(_total(story))
    means /= sizes[:, None].astype(np.float32)
    take = min(max(1, candidates) + 1, len(stories))
    near: list[dict[int, float]] = [{} for _ in stories]
    recent = _Recent(stories)
    for start in range(0, len(stories), _MERGE_BLOCK):
        estimates = means[start : start + _MERGE_BLOCK] @ means.T
        for offset, row in enumerate(estimates):
            a = start + offset
            others = sorted(b for b in np.argpartition(-row, take - 1)[:take].tolist() if b != a and b not in near[a])
            if not others:
                continue
            totals = sparse.vstack([recent.total(b) for b in others], format="csr")
            mine = recent.total(a)
            similarities = (totals @ mine.T).toarray().ravel() / (sizes[others] * sizes[a])
            for b, similarity in zip(others, similarities.tolist(), strict=True):
                if similarity >= floor:
                    near[a][b] = near[b][a] = similarity
    return near


class _Recent:
    """The stories' totals; those read back from a shelf are kept, most recent first, until the
    values and indices of the ones read since pass ``_RECENT_BYTES`` (a limit chosen, not tuned;
    reading again what it let go made a 100,000-article pile's sorting about 12 % slower, one run:
    BENCHMARKS.md). Objects and the caller's own list are not counted."""

    def __init__(self, stories: Sequence[_Story]) -> None:
        self.stories = stories
        self.kept: OrderedDict[int, sparse.csr_matrix] = OrderedDict()
        self.held = 0  # bytes of the values and indices kept

    def total(self, story: int) -> sparse.csr_matrix:
        found = self.kept.get(story)
        if found is not None:
            self.kept.move_to_end(story)
            return found
        found = _total(self.stories[story])
        if isinstance(self.stories[story].total, ShelvedRow):
            self.kept[story] = found
            self.held += found.data.nbytes + found.indices.nbytes
            while self.held > _RECENT_BYTES and len(self.kept) > 1:
                _, dropped = self.kept.popitem(last=False)
                self.held -= dropped.data.nbytes + dropped.indices.nbytes
        return found


def story_label(documents: Sequence[Document]) -> str:
    """A story's most frequent capitalised names, for people to tell stories apart (its documents in
    the story's order; the first one's id when none has a name)."""
    counts: dict[str, int] = {}
    for document in documents:
        for name in re.findall(r"(?<![.!?]\s)\b[A-Z][a-z'’-]{2,}(?:\s[A-Z][a-z'’-]{2,})*", document.body):
            if name.lower() not in STOP_WORDS:
                counts[name] = counts.get(name, 0) + 1
    top = sorted(counts, key=lambda n: (-counts[n], n))[:3]
    return ", ".join(top) or (documents[0].id if documents else "")


def near_duplicates(
    documents: Sequence[Document], threshold: float = 0.8, signatures: Sequence[tuple[int, ...]] = ()
) -> list[set[str]]:
    """Groups of documents whose texts are near-copies (MinHash LSH over 5-word shingles): two
    documents are one group when their signatures agree on every value of one of the bands that
    datasketch's ``MinHashLSH`` cuts for ``threshold`` (what its query finds), and groups chain.
    ``signatures``: each document's ``shingle_signature``, when kept (an empty one is made here).
    The bands are compared as values, not through an LSH index built afresh: a desk finds near
    copies again at every add, and each document's bands are cut once (``_bands``)."""
    sets = DisjointSet(d.id for d in documents)
    if len({d.id for d in documents}) != len(documents):
        raise ValueError("near_duplicates: two documents have one id")
    holder: dict[tuple[int, ...], str] = {}  # a band's values -> the first document holding them
    for k, doc in enumerate(documents):
        kept = signatures[k] if k < len(signatures) else ()
        signature = kept or shingle_signature(doc.body)
        if len(signature) != PERMUTATIONS:
            found = f"{len(signature)} values, not {PERMUTATIONS}"
            raise ValueError(f"near_duplicates: the signature of {doc.id} has {found}")
        for band in _bands(signature, threshold):
            sets.union(holder.setdefault(band, doc.id), doc.id)
    groups: dict[str, set[str]] = {}
    for doc in documents:
        groups.setdefault(sets.find(doc.id), set()).add(doc.id)
    return [g for g in groups.values() if len(g) > 1]


@object_memo  # (a document's signature is the same object from one add to the next)
def _bands(signature: tuple[int, ...], threshold: float) -> tuple[tuple[int, ...], ...]:
    """The signature cut into LSH bands, each band's number first (compared band by band)."""
    ranges = _band_ranges(threshold)
    return tuple((n, *signature[start:end]) for n, (start, end) in enumerate(ranges))


@cache
def _band_ranges(threshold: float) -> tuple[tuple[int, int], ...]:
    """Where datasketch's ``MinHashLSH`` cuts a signature into bands for ``threshold``."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS).hashranges)
