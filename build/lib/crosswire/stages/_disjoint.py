"""Disjoint sets (union-find), for the stages that merge things pairwise: copies and outlets counted
once, story blocks, near-duplicate documents, entity spellings, events. ``union(a, b)`` keeps a's root
as the root, so which member names a group is the caller's choice."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class DisjointSet(Generic[K]):
    def __init__(self, items: Iterable[K]) -> None:
        self._parent: dict[K, K] = {x: x for x in items}

    def find(self, x: K) -> K:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: K, b: K) -> tuple[K, K] | None:
        """Put b's group under a's root; (a's root, b's old root), or None when already one group."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        self._parent[rb] = ra
        return ra, rb

    def groups(self) -> dict[K, list[K]]:
        """Root -> members, both in the order the items were given."""
        out: dict[K, list[K]] = {}
        for x in self._parent:
            out.setdefault(self.find(x), []).append(x)
        return out
