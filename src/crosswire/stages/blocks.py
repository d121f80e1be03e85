"""Story blocks: in a large pile, documents that share distinctive names, or a run of words (a copied
sentence), are put in one block, and claims are only compared within a block. A pile is usually one
story; in a mixed pile this keeps two stories told with the same wording ("Police said 12 people were
injured") from being merged, and keeps the cross-document work from growing with the square of the
pile."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from crosswire.models import Annotated, Entity
from crosswire.stages._disjoint import DisjointSet

MIN_DOCUMENTS = 20  # smaller piles are one story: nothing to block
MIN_SHARED_NAMES = 2
RUN_WORDS = 8  # a sentence's first or last eight words, or all of it, written alike in two documents
_WORD = re.compile(r"[^\W_]+")
_NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT")


def story_blocks(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> dict[str, int]:
    """Document id -> block number. Two documents join a block when they share at least two
    distinctive names (named in fewer than a tenth of the pile's documents, and at least five), or a
    sentence, or the first or last eight words of one (as few documents hold it): copied text ("The
    Dow Jones currently has a value of 10769.00 points." in two updates of one report) is one story
    whatever names the pile's other documents share."""
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
    holders: dict[str, set[str]] = defaultdict(set)
    for a in annotated:
        for run in _runs(s.text for s in a.document.sentences):
            holders[run].add(a.document.id)
    for found in holders.values():
        if 2 <= len(found) <= cap:
            first, *rest = sorted(found)
            for other in rest:
                sets.union(first, other)
    numbers: dict[str, int] = defaultdict(lambda: len(numbers))
    return {doc: numbers[sets.find(doc)] for doc in docs}


def _runs(sentences: Iterable[str]) -> set[str]:
    """Each sentence of at least ``RUN_WORDS`` words, lower case: whole, its first and its last words."""
    found = set()
    for sentence in sentences:
        words = _WORD.findall(sentence.lower())
        if len(words) >= RUN_WORDS:
            found |= {" ".join(words), " ".join(words[:RUN_WORDS]), " ".join(words[-RUN_WORDS:])}
    return found
