"""Story blocks: in a large pile, documents that share distinctive names are put in one block, and
claims are only compared within a block. A pile is usually one story; in a mixed pile this keeps
two stories told with the same wording ("Police said 12 people were injured") from being merged,
and keeps the cross-document work from growing with the square of the pile."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from crosswire.models import Annotated, Entity
from crosswire.stages._disjoint import DisjointSet

MIN_DOCUMENTS = 20  # smaller piles are one story: nothing to block
MIN_SHARED_NAMES = 2
_NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT")


def story_blocks(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> dict[str, int]:
    """Document id -> block number. Two documents join a block when they share at least two
    distinctive names (named in fewer than a tenth of the pile's documents, and at least five)."""
    docs = [a.document.id for a in annotated]
    if len(docs) < MIN_DOCUMENTS:
        return {doc: 0 for doc in docs}
    cap = max(5, len(docs) // 10)
    shared: Counter[tuple[str, str]] = Counter()
    for entity in entities:
        if entity.type not in _NAME_TYPES:
            continue
        holders = sorted({m.doc for m in entity.mentions})
        if 2 <= len(holders) <= cap:
            shared.update(combinations(holders, 2))
    sets = DisjointSet(docs)
    for (a, b), count in sorted(shared.items()):
        if count >= MIN_SHARED_NAMES:
            sets.union(a, b)
    numbers: dict[str, int] = defaultdict(lambda: len(numbers))
    return {doc: numbers[sets.find(doc)] for doc in docs}
