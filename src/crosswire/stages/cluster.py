"""Stories from a pile: online clustering of documents as they stream in by publication time, and
near-duplicate (wire copy) detection.

Each document is compared with the stories opened so far on its words (hashed TF-IDF-like vectors,
no vocabulary to fit, so it works on a stream) and on its names (capitalised words inside sentences),
and with the time since the story's last document. It joins the closest story when close enough, or
opens a new one. Near-duplicates are found with MinHash LSH (datasketch) over word shingles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.models import Document

_FEATURES = 2**18
_WORDS = HashingVectorizer(
    n_features=_FEATURES,
    alternate_sign=False,
    norm=None,
    stop_words="english",
    token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z-]{2,}\b",
)
# Capitalised words inside sentences, less stop words ("The") and the calendar words every story has.
_NAMES = HashingVectorizer(
    n_features=_FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    stop_words=sorted({w.capitalize() for w in STOP_WORDS}),
    token_pattern=r"(?<![.!?]\s)(?<!^)(?<!\n)\b(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b)"
    r"(?!(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"[A-Z][a-zA-Z'’-]{2,}\b",
)
_SHINGLE = 5


@dataclass(frozen=True, slots=True)
class StoryCluster:
    id: str
    documents: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    threshold: float = 0.3  # similarity (0-1) a document needs to join an open story
    window_days: int = 10  # a story quiet for longer than this takes no new documents
    name_weight: float = 0.5  # share of the similarity that comes from shared names
    min_name_similarity: float = 0.15  # a story is about someone: no shared names, no join
    duplicate_jaccard: float = 0.8  # word-shingle Jaccard above which two documents are copies


def _vectors(texts: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    def weigh(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        matrix = matrix.tocsr().astype(np.float64)
        matrix.data = 1.0 + np.log(matrix.data)  # sublinear term frequency
        norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ matrix

    return weigh(_WORDS.transform(texts)), weigh(_NAMES.transform(texts))


def _day(doc: Document) -> date | None:
    """A publication day the time window may rely on: stated or from metadata, never inferred."""
    known = doc.published.basis in ("stated", "metadata") and doc.published.date and len(doc.published.date) == 10
    return date.fromisoformat(doc.published.date) if known and doc.published.date else None


def cluster_stories(
    documents: Sequence[Document], settings: ClusterSettings = ClusterSettings()
) -> tuple[StoryCluster, ...]:
    """Group documents into stories, visiting them in publication order (undated ones last)."""
    if not documents:
        return ()
    order = sorted(range(len(documents)), key=lambda i: (documents[i].published.date or "9999", documents[i].id))
    texts = [f"{documents[i].title or ''}\n{documents[i].body}" for i in order]
    words, names = _vectors(texts)
    word_sums: list[sparse.csr_matrix] = []
    name_sums: list[sparse.csr_matrix] = []
    members: list[list[int]] = []
    last_day: list[date | None] = []
    for row, index in enumerate(order):
        day = _day(documents[index])
        best, best_score = None, settings.threshold
        if members:
            word_matrix = sparse.vstack(word_sums)
            name_matrix = sparse.vstack(name_sums)
            # Mean similarity to the story's documents (not to their centroid's direction), so a loose
            # story does not grow more attractive as it grows.
            sizes = np.array([len(m) for m in members], dtype=np.float64)
            word_score = (word_matrix @ words[row].T).toarray().ravel() / sizes
            name_score = (name_matrix @ names[row].T).toarray().ravel() / sizes
            scores = (1 - settings.name_weight) * word_score + settings.name_weight * name_score
            scores[name_score < settings.min_name_similarity] = 0.0
            for story in np.argsort(-scores, kind="stable"):
                if scores[story] < best_score:
                    break
                quiet = last_day[story]
                if day and quiet and abs((day - quiet).days) > settings.window_days:
                    continue
                best, best_score = int(story), float(scores[story])
                break
        if best is None:
            word_sums.append(words[row])
            name_sums.append(names[row])
            members.append([index])
            last_day.append(day)
        else:
            word_sums[best] = word_sums[best] + words[row]
            name_sums[best] = name_sums[best] + names[row]
            members[best].append(index)
            previous = last_day[best]
            if day and (previous is None or day > previous):
                last_day[best] = day
    return tuple(
        StoryCluster(f"story-{n + 1:04d}", tuple(documents[i].id for i in group), _label(documents, group))
        for n, group in enumerate(members)
    )


def _label(documents: Sequence[Document], group: list[int]) -> str:
    """The story's most frequent capitalised names, for people to tell stories apart."""
    counts: dict[str, int] = {}
    for index in group:
        for name in re.findall(r"(?<![.!?]\s)\b[A-Z][a-z'’-]{2,}(?:\s[A-Z][a-z'’-]{2,})*", documents[index].body):
            if name.lower() not in STOP_WORDS:
                counts[name] = counts.get(name, 0) + 1
    top = sorted(counts, key=lambda n: (-counts[n], n))[:3]
    return ", ".join(top) or documents[group[0]].id


def near_duplicates(documents: Sequence[Document], threshold: float = 0.8) -> list[set[str]]:
    """Groups of documents whose texts are near-copies (MinHash LSH over 5-word shingles)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {}
    for doc in documents:
        tokens = re.findall(r"\w+", doc.body.lower())
        shingles = {" ".join(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1))}
        minhash = MinHash(num_perm=128, seed=1)
        for shingle in shingles:
            minhash.update(shingle.encode("utf-8"))
        hashes[doc.id] = minhash
        lsh.insert(doc.id, minhash)
    parent = {d.id: d.id for d in documents}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for doc_id, minhash in hashes.items():
        for other in lsh.query(minhash):
            if other != doc_id:
                parent[find(other)] = find(doc_id)
    groups: dict[str, set[str]] = {}
    for doc_id in hashes:
        groups.setdefault(find(doc_id), set()).add(doc_id)
    return [g for g in groups.values() if len(g) > 1]
