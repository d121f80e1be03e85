"""What story clustering reads of each document, without its text: its id, dates, content hash and
its hashed word and name counts (``StoryFeatures``), made a part of a pile at a time and joined, and
the pile's frequencies (``Frequencies``), which weigh a word by its rarity. ``cluster_features``
reads any ``FeatureSource``: these in memory, or a pile's kept on disk (``analysis/piles.py``)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

import numpy as np
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.lexicons import MONTH_NAME_PATTERN, WEEKDAY_PATTERN
from crosswire.models import Document
from crosswire.stages._order import content_key

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer

FEATURES = 2**18


@functools.cache
def hashers() -> tuple[HashingVectorizer, HashingVectorizer]:
    """The hashers of a document's words and of its names, made once a process (scikit-learn is
    imported here, when a story is first sorted, not by every command that loads this module: it
    took 1.1-1.4 s of a fresh process's start)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(
        n_features=FEATURES,
        alternate_sign=False,
        norm=None,
        stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]{2,}\b",
    )
    # Capitalised words inside sentences, less stop words ("The") and the calendar words every story
    # has.
    names = HashingVectorizer(
        n_features=FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        stop_words=sorted({w.capitalize() for w in STOP_WORDS}),
        token_pattern=rf"(?<![.!?]\s)(?<!^)(?<!\n)\b(?!(?:{WEEKDAY_PATTERN})\b)(?!(?:{MONTH_NAME_PATTERN})\b)"
        r"[A-Z][a-zA-Z'’-]{2,}\b",
    )
    return words, names


@dataclass(frozen=True, slots=True)
class Frequencies:
    """In how many of a pile's documents each hashed word and name occurs, and how many documents there
    are: what weighs a word by its rarity (IDF). Counts add up, so a pile's can be made a part at a time."""

    words: np.ndarray
    names: np.ndarray
    documents: int

    @staticmethod
    def of(words: sparse.csr_matrix, names: sparse.csr_matrix) -> Frequencies:
        """The frequencies of the documents whose counts are the rows of ``words`` and ``names``."""
        return Frequencies(
            np.bincount(words.indices, minlength=FEATURES),
            np.bincount(names.indices, minlength=FEATURES),
            words.shape[0],
        )

    def __add__(self, other: Frequencies) -> Frequencies:
        return Frequencies(self.words + other.words, self.names + other.names, self.documents + other.documents)

    def __sub__(self, other: Frequencies) -> Frequencies:
        return Frequencies(self.words - other.words, self.names - other.names, self.documents - other.documents)


class FeatureSource(Protocol):
    """What story clustering reads of a pile (``StoryFeatures`` in memory, or features kept on disk):
    each document's id and publication day, the pile's publication order, the word and name counts of
    any documents, read when their partition runs, and the pile's frequencies."""

    @property
    def ids(self) -> tuple[str, ...]: ...
    @property
    def days(self) -> tuple[date | None, ...]: ...

    def __len__(self) -> int: ...

    def order(self) -> tuple[Sequence[int], int]:
        """The documents' positions in publication order (see ``publication_order``), and how many
        of them are dated."""
        ...

    def rows(self, rows: Sequence[int]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]: ...

    def frequencies(self) -> Frequencies: ...


def publication_order(ids: Sequence[str], dates: Sequence[str | None], keys: Sequence[str]) -> tuple[list[int], int]:
    """Positions in publication order, and how many documents are dated: by publication date, undated
    documents last; documents of one date (or undated) by content hash, then id (ids are unique in a
    pile), so that the order does not depend on file names or reading order. A spill file sorts alike
    in SQL (``Spill.publication_order``)."""
    order = sorted(range(len(ids)), key=lambda i: (dates[i] or UNDATED, dates[i] or "~", keys[i], ids[i]))
    return order, sum(1 for d in dates if (d or UNDATED) != UNDATED)


UNDATED = "9999"  # where undated documents sort (after every date written as a year)


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What story clustering reads of each document, without its text: its id, publication date and
    day, content hash (the canonical order's tie-break), and its hashed word and name counts (float32
    holds a count exactly). A pile's features can be made a part at a time and joined, so the
    documents themselves need not all be in memory at once."""

    ids: tuple[str, ...]
    dates: tuple[str | None, ...]
    days: tuple[date | None, ...]
    keys: tuple[str, ...]
    words: sparse.csr_matrix
    names: sparse.csr_matrix

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, rows: Sequence[int]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """The word and name counts of these documents (by position), in this order."""
        return self.words[list(rows)], self.names[list(rows)]

    def frequencies(self) -> Frequencies:
        return Frequencies.of(self.words, self.names)

    def order(self) -> tuple[list[int], int]:
        return publication_order(self.ids, self.dates, self.keys)


def story_features(documents: Sequence[Document]) -> StoryFeatures:
    """The clustering features of these documents (see ``StoryFeatures``)."""
    texts = [f"{d.title or ''}\n{d.body}" for d in documents]
    if not texts:  # (the hashers cannot transform nothing)
        empty = sparse.csr_matrix((0, FEATURES), dtype=np.float32)
        return StoryFeatures((), (), (), (), empty, empty)
    return StoryFeatures(
        tuple(d.id for d in documents),
        tuple(d.published.date for d in documents),
        tuple(publication_day(d) for d in documents),
        tuple(content_key(d) for d in documents),
        *(hasher.transform(texts).astype(np.float32) for hasher in hashers()),
    )


def join_features(parts: Sequence[StoryFeatures]) -> StoryFeatures:
    """Features made a part at a time, as one."""
    if not parts:
        return story_features(())
    return StoryFeatures(
        tuple(i for p in parts for i in p.ids),
        tuple(d for p in parts for d in p.dates),
        tuple(d for p in parts for d in p.days),
        tuple(k for p in parts for k in p.keys),
        sparse.vstack([p.words for p in parts], format="csr"),
        sparse.vstack([p.names for p in parts], format="csr"),
    )


def publication_day(doc: Document) -> date | None:
    """A publication day the time window may rely on: stated or from metadata, never inferred."""
    known = doc.published.basis in ("stated", "metadata") and doc.published.date and len(doc.published.date) == 10
    return date.fromisoformat(doc.published.date) if known and doc.published.date else None
