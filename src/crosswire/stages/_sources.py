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
    doc_ids = sorted({m.doc for m in group})
    if len(doc_ids) < 2:
        return len(doc_ids)
    sets = DisjointSet(doc_ids)
    for i, a in enumerate(doc_ids):
        for b in doc_ids[i + 1 :]:
            outlet_a, outlet_b = docs[a].outlet, docs[b].outlet
            # One outlet however its pages spell it: facts.same_outlets gave each outlet one name, from
            # the sites and bylines its pages share ("WSWS" and a footer's "WWSWS" on wsws.org pages).
            same_outlet = bool(outlet_a and outlet_b and outlet_a.casefold() == outlet_b.casefold())
            copied = any(
                fuzz.ratio(x.text, y.text) >= copy_similarity for x in group if x.doc == a for y in group if y.doc == b
            )
            reprint = any(a in copy and b in copy for copy in copies)
            if same_outlet or copied or reprint:
                sets.union(a, b)
    return len(sets.groups())
