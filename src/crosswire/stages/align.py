"""Align: group claim mentions across documents into claims, count independent sources.

Two mentions are one claim when a blend of evidence is strong enough: TF-IDF cosine of their
content lemmas, overlap of the entities they name, and their numbers measuring the same thing
(same dimension and counted noun) and agreeing after unit and range normalisation, so "200
kilometers from the capital" and "120 miles away from Moscow" meet. Grouping is average-link
agglomerative over candidate pairs, so one loose pair cannot chain two unrelated claims.

Independent sources: documents of the same outlet, and documents whose mention sentences are
near-verbatim copies (wire copy), count once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from crosswire.models import Annotated, Claim, ClaimMention, Entity, Quantity
from crosswire.stages._similarity import MAX_BLOCK_SIZE, TextIndex, candidate_pairs
from crosswire.stages.lexicons import ACT_REVERSED, DENIAL, PUBLIC_STATEMENT, SILENCE

WEIGHT_TEXT, WEIGHT_ENTITIES, WEIGHT_SAME_MEASURE, WEIGHT_AGREE = 0.7, 0.2, 0.25, 0.2
MIN_TEXT_FOR_ENTITIES = 0.15
SAME_OUTLET = 85.0  # outlet names this close are one outlet spelled two ways ("WSWS", "WWSWS")
_ANAPHORA = ("such", "these", "those")


@dataclass(frozen=True, slots=True)
class AlignSettings:
    claim_similarity: float = 0.42
    copy_similarity: float = 90.0
    quantity_tolerance: float = 0.15


def agree(a: Quantity, b: Quantity, tolerance: float) -> bool:
    """Two normalised quantities agree when their ranges overlap, allowing ``tolerance`` slack."""
    slack = tolerance * max(abs(a.high), abs(b.high), 1e-9)
    return a.low - slack <= b.high and b.low - slack <= a.high


def same_measure(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing (counts need the same counted noun)."""
    if a.dimension != b.dimension or a.unit != b.unit:
        return False
    return a.dimension != "count" or (a.noun is not None and a.noun == b.noun)


def align_claims(
    mentions: Sequence[ClaimMention],
    annotated: Sequence[Annotated],
    entities: Sequence[Entity],
    settings: AlignSettings = AlignSettings(),
    blocks: dict[str, int] | None = None,
    copies: Sequence[set[str]] = (),
) -> tuple[Claim, ...]:
    """Group mentions into claims with independent-source counts, first report date and a status."""
    if not mentions:
        return ()
    docs = {a.document.id: a.document for a in annotated}
    lemmas = {(i.doc, i.sentence): i.lemmas for a in annotated for i in a.info}
    numbers: dict[tuple[str, str], list[Quantity]] = defaultdict(list)
    for a in annotated:
        for q in a.quantities:
            numbers[(q.doc, q.sentence)].append(q)
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity in entities:
        if entity.type in ("PERSON", "ORG", "FAC", "EVENT") or len(entity.mentions) < 10:
            for m in entity.mentions:
                names[(m.doc, m.sentence)].add(entity.id)
    keys = [(m.doc, m.sentence) for m in mentions]
    index = TextIndex([lemmas.get(k, ()) for k in keys])
    scores: dict[tuple[int, int], float] = {}
    for i in range(len(mentions) - 1):
        if mentions[i].doc == mentions[i + 1].doc and _refers_back(mentions[i + 1]):
            scores[(i, i + 1)] = 1.0
    # Only pairs that share a discriminative word or a comparable number are compared (blocking), so
    # the work grows with the overlaps in the pile, not with the square of its sentences.
    for i, j in sorted(candidate_pairs([*index.blocks(), *_quantity_blocks(keys, numbers)])):
        first, second = mentions[i], mentions[j]
        if blocks is not None and blocks[first.doc] != blocks[second.doc]:
            continue  # different stories of a mixed pile
        if first.doc == second.doc or _opposed(first.text, second.text):
            continue  # a report and its reversal are two claims; conflicts.py links them
        # Shared names only count once the wording overlaps: two sentences about the story's main actor
        # are not one claim because both name him.
        text = index.cosine(i, j)
        score = WEIGHT_TEXT * text
        if text >= MIN_TEXT_FOR_ENTITIES:
            score += WEIGHT_ENTITIES * _jaccard(names[keys[i]], names[keys[j]])
        score += _quantity_score(numbers[keys[i]], numbers[keys[j]], settings.quantity_tolerance)
        if score >= settings.claim_similarity * 0.6:
            scores[(i, j)] = score
    groups = _average_link(len(mentions), scores, settings.claim_similarity)
    claims: list[Claim] = []
    for members in sorted(groups, key=lambda g: min(g)):
        group = [mentions[i] for i in sorted(members)]
        claims.append(_claim(f"c{len(claims) + 1}", group, members, scores, docs, numbers, settings, copies))
    return tuple(claims)


def _opposed(a: str, b: str) -> bool:
    """One sentence says an act happened and the other that it was reversed, or one reports silence
    and the other a statement: opposite claims, however many words they share."""

    def reversed_act(text: str) -> bool:
        return bool(ACT_REVERSED.search(text))

    def silent(text: str) -> bool:
        return bool(SILENCE.search(text)) and not PUBLIC_STATEMENT.search(text)

    return reversed_act(a) != reversed_act(b) or silent(a) != silent(b)


def _refers_back(mention: ClaimMention) -> bool:
    """A denial that points at the previous sentence ('disputes the occurrence of such strikes')."""
    lowered = mention.text.lower()
    return bool(DENIAL.search(mention.text)) and any(f" {w} " in f" {lowered} " for w in _ANAPHORA)


def _quantity_blocks(keys: list[tuple[str, str]], numbers: dict[tuple[str, str], list[Quantity]]) -> list[list[int]]:
    """Sentences whose numbers measure the same kind of thing at a similar magnitude."""
    blocks: dict[tuple[str, str, str | None, int], list[int]] = defaultdict(list)
    for row, key in enumerate(keys):
        for q in numbers.get(key, ()):
            if q.dimension == "count" and q.noun is None:
                continue
            magnitude = int(math.floor(math.log10(max(abs(q.low), 1e-9)) * 2))
            for bucket in (magnitude - 1, magnitude, magnitude + 1):
                blocks[(q.dimension, q.unit, q.noun if q.dimension == "count" else None, bucket)].append(row)
    return [rows for rows in blocks.values() if 1 < len(rows) <= MAX_BLOCK_SIZE]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _quantity_score(a: list[Quantity], b: list[Quantity], tolerance: float) -> float:
    best = 0.0
    for qa in a:
        for qb in b:
            if same_measure(qa, qb):
                best = max(best, WEIGHT_SAME_MEASURE + (WEIGHT_AGREE if agree(qa, qb, tolerance) else 0.0))
    return best


def _average_link(n: int, scores: dict[tuple[int, int], float], threshold: float) -> list[set[int]]:
    """Merge clusters best pair first while the average score between them stays over threshold."""
    cluster_of = {i: i for i in range(n)}
    members: dict[int, set[int]] = {i: {i} for i in range(n)}
    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < threshold:
            break
        ci, cj = cluster_of[i], cluster_of[j]
        if ci == cj:
            continue
        pairs = [scores.get((min(x, y), max(x, y)), 0.0) for x in members[ci] for y in members[cj]]
        if sum(pairs) / len(pairs) < threshold * 0.8:
            continue
        members[ci] |= members.pop(cj)
        for k in members[ci]:
            cluster_of[k] = ci
    return list(members.values())


def _claim(
    claim_id: str,
    group: list[ClaimMention],
    members: set[int],
    scores: dict[tuple[int, int], float],
    docs: dict,
    numbers: dict[tuple[str, str], list[Quantity]],
    settings: AlignSettings,
    copies: Sequence[set[str]] = (),
) -> Claim:
    ordered = sorted(members)
    centrality = {i: sum(scores.get((min(i, j), max(i, j)), 0.0) for j in ordered if j != i) for i in ordered}
    firm = [i for i in ordered if group[ordered.index(i)].certainty == "asserted"] or ordered
    # Prefer the wording of reporting over commentary, then the mention most like the others.
    reporting = {i for i in firm if docs[group[ordered.index(i)].doc].genre not in ("opinion", "analysis")}
    best = max(firm, key=lambda i: (i in reporting, centrality[i], -len(group[ordered.index(i)].text), -i))
    representative = group[ordered.index(best)]
    dates = [docs[m.doc].published.date for m in group if docs[m.doc].published.date]
    quantities = tuple(q for m in group for q in numbers[(m.doc, m.sentence)])
    independent = independent_sources(group, docs, settings.copy_similarity, copies)
    certainties = {m.certainty for m in group}
    status = (
        "disputed"
        if "denied" in certainties and certainties - {"denied"}
        else "corroborated"
        if independent >= 2
        else "single_source"
    )
    return Claim(
        id=claim_id,
        text=representative.text,
        mentions=tuple(group),
        independent_sources=independent,
        first_reported=min(dates) if dates else None,
        status=status,
        quantities=quantities,
        normalisation=_normalisation_notes(quantities, settings.quantity_tolerance),
    )


def independent_sources(
    group: Sequence[ClaimMention], docs: dict, copy_similarity: float, copies: Sequence[set[str]] = ()
) -> int:
    """Outlets carrying the claim, counting once one outlet's documents, near-duplicate documents
    (``copies``: wire text republished) and sentences copied verbatim."""
    doc_ids = sorted({m.doc for m in group})
    parent = {d: d for d in doc_ids}

    def find(d: str) -> str:
        while parent[d] != d:
            d = parent[d]
        return d

    for i, a in enumerate(doc_ids):
        for b in doc_ids[i + 1 :]:
            outlet_a, outlet_b = docs[a].outlet, docs[b].outlet
            same_outlet = bool(outlet_a and outlet_b and fuzz.ratio(outlet_a.lower(), outlet_b.lower()) >= SAME_OUTLET)
            copied = any(
                fuzz.ratio(x.text, y.text) >= copy_similarity for x in group if x.doc == a for y in group if y.doc == b
            )
            reprint = any(a in copy and b in copy for copy in copies)
            if same_outlet or copied or reprint:
                parent[find(b)] = find(a)
    return len({find(d) for d in doc_ids})


def _normalisation_notes(quantities: tuple[Quantity, ...], tolerance: float) -> tuple[str, ...]:
    notes = []
    for i, a in enumerate(quantities):
        for b in quantities[i + 1 :]:
            if a.doc != b.doc and same_measure(a, b) and a.original_unit != b.original_unit and agree(a, b, tolerance):
                notes.append(f"{describe(a)} and {describe(b)} agree (within {tolerance:.0%})")
    return tuple(dict.fromkeys(notes))


def describe(q: Quantity) -> str:
    """'120 miles (= 193 km)' — the quantity as written, with its normalised value when units differ."""
    if q.original_unit and q.original_unit not in (q.unit,) and q.dimension not in ("count",):
        value = f"{_fmt(q.low)}" if q.low == q.high else f"{_fmt(q.low)}–{_fmt(q.high)}"
        return f"'{q.text}' (= {value} {q.unit})"
    return f"'{q.text}'"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or math.isclose(value, round(value)) else f"{value:.1f}"
