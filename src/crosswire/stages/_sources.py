"""Independent sources: how many outlets carry a set of claim mentions, counting one outlet's pages,
republished wire copy and verbatim-copied sentences once. Shared by ``align`` (a claim's count) and
``events`` (the outlets that tell a happening)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz

from crosswire.models import ClaimMention
from crosswire.stages._disjoint import DisjointSet


def independent_sources(
    group: Sequence[ClaimMention], docs: dict, copy_similarity: float, copies: Sequence[set[str]] = ()
) -> int:
    """Outlets carrying the claim, counting once one outlet's documents, near-duplicate documents
    (``copies``: wire text republished) and sentences copied verbatim."""
    texts: dict[str, list[str]] = {}  # each document's mentions' sentences
    for m in group:
        texts.setdefault(m.doc, []).append(m.text)
    doc_ids = sorted(texts)
    if len(doc_ids) < 2:
        return len(doc_ids)
    # One outlet however its pages spell it: facts.same_outlets gave each outlet one name, from the
    # sites and bylines its pages share ("WSWS" and a footer's "WWSWS" on wsws.org pages).
    outlets = {doc: (docs[doc].outlet or "").casefold() for doc in doc_ids}
    reprinted: dict[str, set[int]] = {}  # each document's groups of copies, by place in ``copies``
    for n, copy in enumerate(copies):
        for doc in copy & texts.keys():
            reprinted.setdefault(doc, set()).add(n)
    sets = DisjointSet(doc_ids)
    for i, a in enumerate(doc_ids):
        for b in doc_ids[i + 1 :]:
            if sets.find(a) == sets.find(b):
                continue  # (one source already, through other documents: the count is the same)
            same_outlet = bool(outlets[a]) and outlets[a] == outlets[b]
            reprint = bool(reprinted.get(a, _NONE) & reprinted.get(b, _NONE))
            if same_outlet or reprint or _copied(texts[a], texts[b], copy_similarity):
                sets.union(a, b)
    return len(sets.groups())


_NONE: frozenset[int] = frozenset()


def _copied(sentences: list[str], others: list[str], copy_similarity: float) -> bool:
    """Whether a sentence of one document is copied, near verbatim, in the other."""
    return any(fuzz.ratio(x, y) >= copy_similarity for x in sentences for y in others)
