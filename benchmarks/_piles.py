"""Piles of documents given to crosswire as one story, and where its claims land on our gold units.

A Pile is a list of PileDoc (our own ids and text, gold sentence spans in that text); parse runs
it through crosswire's prepare + annotate once (_harness.run_pile) and keeps, per document, how our
offsets map onto crosswire's cleaned body (offset_map). claims_on and claims_at_verbs then put
each gold Unit (an event mention's first character, or a sentence) under crosswire's claims.
Used by claim_matching.py, meantime_timeline.py, meantime_certainty.py, polnear_attribution.py and
train_claim_combiner.py."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from _harness import run_pile

from crosswire.settings import Settings

ENDS = tuple(".!?\"'”’)")


Where = Callable[[int], int | None]


@dataclass
class PileDoc:
    id: str
    title: str
    sentences: list[tuple[int, str]]  # (gold sentence number, detokenised text)
    published: str | None = None
    url: str | None = None
    group: str = ""  # ECB+ sub-topic: "ecb" or "ecbplus"
    text: str = ""
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # sentence -> offsets in text

    def __post_init__(self) -> None:
        for number, sentence in self.sentences:
            if self.text:
                self.text += " " if self.text.endswith(ENDS) else "\n\n"
            self.spans[number] = (len(self.text), len(self.text) + len(sentence))
            self.text += sentence


@dataclass
class Unit:
    """A gold item in a pile document: an event mention (its first character) or a sentence."""

    id: str
    doc: str
    start: int
    end: int
    text: str = ""
    chains: frozenset[str] = frozenset()


@dataclass
class Pile:
    name: str
    docs: list[PileDoc]
    annotated: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    where: dict[str, Where] = field(default_factory=dict)  # doc -> (our offset -> body offset)

    def own(self, units: list[Unit]) -> list[Unit]:
        ids = {d.id for d in self.docs}
        return [u for u in units if u.doc in ids]


def offset_map(text: str, body: str) -> Where:
    """Offsets in the text we gave crosswire -> offsets in its cleaned body (None: cleaned away)."""
    if text == body:
        return lambda i: i
    blocks = difflib.SequenceMatcher(None, text, body, autojunk=False).get_matching_blocks()
    return lambda i: next((b + i - a for a, b, n in blocks if a <= i < a + n), None)


def parse(pile: Pile, settings: Settings, nlp: Any) -> None:
    """Ingest, clean and annotate the pile once; keep how our offsets land in each body."""
    rows = [
        dict(id=d.id, title=d.title, text=d.text, published=d.published, url=d.url)
        | {"outlet": "Wikinews" if d.published else None}
        for d in pile.docs
    ]
    pile.annotated, pile.errors = run_pile(rows, settings, nlp, pile.name)
    for i, e in enumerate(pile.errors):  # '<tmp>/<pile>.jsonl:<line>' -> the document's id
        line = e.source.rsplit(":", 1)[-1]
        pile.errors[i] = replace(e, source=pile.docs[int(line) - 1].id if line.isdigit() else e.source)
    text = {d.id: d.text for d in pile.docs}
    for a in pile.annotated:
        pile.where[a.document.id] = offset_map(text[a.document.id], a.document.body)


def nowhere(i: int) -> None:
    return None


def claims_on(pile: Pile, dossier: Any, units: list[Unit]) -> dict[str, list[str]]:
    """For each unit, the claims with a mention span over it, shortest span first."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for claim in dossier.claims:
        for m in claim.mentions:
            base = starts[(m.doc, m.sentence)]
            end = getattr(m, "end", -1)  # -1: to the end of the sentence
            end = base + (end if end >= 0 else len(m.text))
            spans[m.doc].append((base + getattr(m, "start", 0), end, f"{pile.name}:{claim.id}"))
    out: dict[str, list[str]] = {}
    for u in units:
        where = pile.where.get(u.doc, nowhere)
        a, b = where(u.start), where(u.end - 1)
        if a is None:
            out[u.id] = []
            continue
        b = a + 1 if b is None else b + 1
        out[u.id] = [c for _, c in sorted((e - s, c) for s, e, c in spans[u.doc] if s < b and a < e)]
    return out


def claims_at_verbs(pile: Pile, dossier: Any, units: list[Unit]) -> dict[str, list[str]]:
    """For each unit, the claims whose mention's head verb is the unit's first character: a gold
    event mention joins a claim only as the verb of its clause, the other event words of the clause
    (nominal events, infinitives, participles inside it) stay singletons."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    at: dict[tuple[str, int], list[str]] = defaultdict(list)
    for claim in dossier.claims:
        for m in claim.mentions:
            if getattr(m, "head", -1) >= 0:
                at[(m.doc, starts[(m.doc, m.sentence)] + m.head)].append(f"{pile.name}:{claim.id}")
    out: dict[str, list[str]] = {}
    for u in units:
        first = pile.where.get(u.doc, nowhere)(u.start)
        out[u.id] = at.get((u.doc, first), []) if first is not None else []
    return out


def with_events(pile: Pile, dossier: Any, found: dict[str, list[str]], instead: bool = False) -> dict[str, list[str]]:
    """Each unit's claims and the events those claims belong to (``dossier.events``): two units that
    share an event are predicted to tell one happening. ``instead``: the event replaces its claim
    (for clustering, a claim in an event is that event)."""
    event_of = {f"{pile.name}:{c}": f"{pile.name}:{v.id}" for v in getattr(dossier, "events", ()) for c in v.claims}
    if instead:
        return {u: [event_of.get(c, c) for c in cs] for u, cs in found.items()}
    return {u: cs + [event_of[c] for c in cs if c in event_of] for u, cs in found.items()}


def unplaced(piles: list[Pile], units: list[Unit]) -> int:
    """Units whose first character is in no crosswire body (document skipped, text cleaned away)."""
    return sum(p.where.get(u.doc, nowhere)(u.start) is None for p in piles for u in p.own(units))
