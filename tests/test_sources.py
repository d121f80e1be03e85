"""Independent sources: one outlet's pages, republished copies and copied sentences count once,
and the count follows chains of them (outlet A's sentence copied by B, whose page C reprinted)."""

from __future__ import annotations

import random
from types import SimpleNamespace

from rapidfuzz import fuzz

from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._sources import independent_sources

COPY = 90.0


def _mention(doc: str, text: str) -> SimpleNamespace:
    return SimpleNamespace(doc=doc, text=text)


def _docs(outlets: dict[str, str | None]) -> dict[str, SimpleNamespace]:
    return {doc: SimpleNamespace(outlet=outlet) for doc, outlet in outlets.items()}


def test_one_outlet_copies_and_copied_sentences_count_once_and_chain():
    said = "The bridge was closed on Monday after inspectors found cracks in two supports."
    group = [
        _mention("a1", said),
        _mention("a2", "Inspectors closed the bridge."),  # outlet A again, spelled otherwise
        _mention("b", said.replace("Monday", "monday")),  # B copied a1's sentence
        _mention("c", "Traffic was sent north."),  # C reprinted B's page (``copies``)
        _mention("d", "Engineers will report next week."),  # D: its own source
        _mention("e", "The crossing stays shut."),  # no outlet known: its own source
    ]
    outlets = {
        "a1": "Daily Ledger",
        "a2": "DAILY LEDGER",
        "b": "Wire",
        "c": "Gazette",
        "d": "Post",
        "e": None,
    }
    assert independent_sources(group, _docs(outlets), COPY, [{"b", "c"}]) == 3  # {a1 a2 b c}, d, e
    assert independent_sources(group, _docs(outlets), COPY) == 4  # c apart without the copies
    assert independent_sources(group[:1], _docs(outlets), COPY) == 1
    assert independent_sources([], _docs(outlets), COPY) == 0


def test_the_count_is_the_number_of_groups_of_documents_linked_pairwise():
    # The definition, pair by pair, against random groups of up to 12 documents.
    rng = random.Random(7)
    sentences = [
        "The mayor resigned on Friday.",
        "The mayor resigned on friday.",
        "Fuel ran out.",
        "Fuel ran out on Monday at the depot.",
        "Rain.",
        "Schools shut early.",
    ]
    outlets = ["A", "a", "B", None, "", "C", "Straße", "STRASSE"]  # (casefold: ß is ss)
    for _ in range(200):
        docs = {f"d{n}": rng.choice(outlets) for n in range(rng.randint(1, 12))}
        group = [_mention(d, rng.choice(sentences)) for d in docs for _ in range(rng.randint(1, 2))]
        # Groups of copies of 1 to 3 documents, one of them perhaps outside this group.
        pool = [*docs, "elsewhere"]
        sizes = [rng.randint(1, min(3, len(pool))) for _ in range(rng.randint(0, 3))]
        copies = [set(rng.sample(pool, size)) for size in sizes]
        sets = DisjointSet(sorted(docs))
        for a in docs:
            for b in docs:
                outlet_a, outlet_b = docs[a], docs[b]
                same = bool(outlet_a and outlet_b and outlet_a.casefold() == outlet_b.casefold())
                texts_a = [m.text for m in group if m.doc == a]
                texts_b = [m.text for m in group if m.doc == b]
                copied = any(fuzz.ratio(x, y) >= COPY for x in texts_a for y in texts_b)
                if a != b and (same or copied or any(a in c and b in c for c in copies)):
                    sets.union(a, b)
        assert independent_sources(group, _docs(docs), COPY, copies) == len(sets.groups())
