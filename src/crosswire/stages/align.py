"""Align: group claim mentions across documents into claims, count independent sources.

Candidate pairs come from blocking (a shared discriminative word, name or comparable number) and
pass guards that no likeness overrides: a report and its negation, denial or reversal, figures of
one measure that disagree, different subjects, a clause whose content is in another sentence. Each
remaining pair is scored by a learned combiner (``_combiner``, trained on ECB+ by
``benchmarks/train_claim_combiner.py``) over the encoder's cosine of the two propositions, how alike
their verbs are, their objects, names, numbers, subjects and speakers; without the encoder, by a
lexical blend (TF-IDF cosine of content lemmas, shared names, agreeing numbers). Grouping is
average-link over the scored pairs, so one loose pair cannot chain two unrelated claims.

Independent sources: documents of the same outlet, and documents whose mention sentences are
near-verbatim copies (wire copy), count once.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

import numpy as np

from crosswire.lexicons import (
    ACT_REVERSED,
    CONTENT_ELSEWHERE,
    DENIAL,
    PUBLIC_STATEMENT,
    REPORTING_VERBS,
    SILENCE,
)
from crosswire.models import (
    COMMENTARY_GENRES,
    Annotated,
    Claim,
    ClaimMention,
    Document,
    Entity,
    Quantity,
)
from crosswire.settings import DEFAULTS
from crosswire.stages._combiner import load_combiner
from crosswire.stages._encoder import Encoder, VectorMemo, load_encoder
from crosswire.stages._ids import fingerprint, numbered, slug
from crosswire.stages._memo import (
    PairMemo,
    document_memo,
    kept_alike,
    object_memo,
    searcher,
    story_memo,
)
from crosswire.stages._mentions import lasting, proposition_text, same_subject, text_day
from crosswire.stages._quantities import agree, describe, same_measure
from crosswire.stages._similarity import MAX_BLOCK_SIZE, TextIndex, candidate_arrays
from crosswire.stages._sources import independent_sources

WEIGHT_TEXT, WEIGHT_ENTITIES, WEIGHT_SAME_MEASURE, WEIGHT_AGREE = 0.7, 0.2, 0.25, 0.2
MIN_TEXT_FOR_ENTITIES = 0.15
UNANCHORED = 0.8  # encoder similarity needed when two propositions share no word stem and no place or thing
ANCHOR_STEM = 4
SPEAKER_PENALTY = 0.15
ID_WORDS, ID_CHARS = 6, 48  # a claim's id: the first words of its first report, at most this long
_ANAPHORA = ("such", "these", "those")
_CONTENT_ELSEWHERE = searcher(CONTENT_ELSEWHERE)


@dataclass(frozen=True, slots=True)
class AlignSettings:
    claim_similarity: float = DEFAULTS.claim_similarity
    copy_similarity: float = DEFAULTS.copy_similarity
    quantity_tolerance: float = DEFAULTS.quantity_tolerance
    encoder: str = DEFAULTS.claim_encoder
    lexical_claim_similarity: float = DEFAULTS.lexical_claim_similarity


def align_claims(
    mentions: Sequence[ClaimMention],
    annotated: Sequence[Annotated],
    entities: Sequence[Entity],
    settings: AlignSettings = AlignSettings(),
    blocks: dict[str, int] | None = None,
    copies: Sequence[set[str]] = (),
    vectors: VectorMemo | None = None,
) -> tuple[Claim, ...]:
    """Group mentions into claims with independent-source counts, first report date and a status.
    ``vectors``: sentence vectors kept from an earlier analysis of the story (``Encoder.encode``)."""
    if not mentions:
        return ()
    docs = {a.document.id: a.document for a in annotated}
    evidence = _Evidence(mentions, annotated, entities)
    index = TextIndex(evidence.lemmas, evidence.languages)
    scores: dict[tuple[int, int], float] = {}
    for i in range(len(mentions) - 1):
        if mentions[i].doc == mentions[i + 1].doc and _refers_back(mentions[i + 1]):
            scores[(i, i + 1)] = 1.0
    candidates = candidates_for(mentions, evidence, index, settings.quantity_tolerance, blocks)
    encoder, _ = load_encoder(settings.encoder)
    combiner = load_combiner() if encoder else None
    if combiner is not None and encoder is not None:
        threshold = settings.claim_similarity
        features_of = pair_features(
            mentions, evidence, index, encoder, candidates, screen=combiner.screened, vectors=vectors
        )
        for (i, j), features in zip(candidates, features_of, strict=True):
            if features is None:
                continue  # cannot reach the bar whatever the encoder says (see Combiner.screened)
            if features[0] < UNANCHORED and not evidence.anchors[i] & evidence.anchors[j]:
                continue  # nothing in common but a person's name: likeness from the name, not the event
            score = combiner.probability(features)
            if score >= threshold * 0.6:
                scores[(i, j)] = score
    else:
        threshold = settings.lexical_claim_similarity
        for i, j in candidates:
            score = _lexical_score(index.cosine(i, j), evidence, i, j, settings.quantity_tolerance)
            if _speakers_differ(mentions[i], mentions[j]):
                score -= SPEAKER_PENALTY  # two people saying similar words are two claims unless clearly one
            if score >= threshold * 0.6:
                scores[(i, j)] = score
    # With the encoder, a group's average similarity must itself clear the bar: topical likeness chains.
    groups = _average_link([m.doc for m in mentions], scores, threshold, 1.0 if combiner else 0.8)
    groups = sorted(groups, key=lambda g: min(g))
    claims: list[Claim] = []
    ids = claim_ids([mentions[min(g)] for g in groups], docs)
    for claim_id, members in zip(ids, groups, strict=True):
        ordered = sorted(members)
        group = [mentions[i] for i in ordered]
        # (one mention's numbers: the tuple its evidence holds, the same object from add to add)
        numbers = [evidence.numbers[i] for i in ordered]
        quantities = numbers[0] if len(numbers) == 1 else tuple(q for each in numbers for q in each)
        claims.append(_claim(claim_id, group, members, scores, docs, quantities, settings, copies))
    return tuple(claims)


def claim_ids(
    first: Sequence[ClaimMention],
    documents: Mapping[str, Document] | None = None,
) -> list[str]:
    """Each claim's id, from the words of its first report in the story's order (the earliest
    published, then the canonical order within a day): its first words as a slug, "c-prigozhin-
    launched-the-rebellion". A later claim whose first report begins alike adds a fingerprint of
    that report (its sentence, where the claim starts in it, its document's title and date):
    "c-talks-went-on-4be2c1". Two first reports alike in all of that get "-2", "-3" in the story's
    order.

    So an id holds as long as its claim's first report does, with one exception: the first claim
    to begin so takes a fingerprint once an article placed before it (published earlier, or the
    same day and first by content) tells a claim beginning alike. Until 2026-12-06 later claims were
    numbered "-2", "-3" in the story's order: an article placed before them renamed every one, and
    a story kept open made each again. A number by rank ("c12") named another claim in the next
    version as soon as an article brought a claim before it. Made from content, never from file
    names: a dossier does not depend on them. ``documents``: the mentions' documents by id (without
    them, a fingerprint reads the sentence and the claim's place in it alone)."""
    wanted: list[str] = []
    given: set[str] = set()
    for m in first:
        base = _id_base(m.span)
        if base in given:
            document = (documents or {}).get(m.doc)
            title = (document.title or "") if document else ""
            date = (document.published.date or "") if document else ""
            base = f"{base}-{_fingerprint(title, date, m.text, m.start)}"
        else:
            given.add(base)
        wanted.append(base)
    return numbered(wanted)


@story_memo
def _fingerprint(title: str, date: str, sentence: str, start: int) -> str:
    """Six hexadecimal digits of a hash of a claim's first report (see ``claim_ids``)."""
    return fingerprint(title, date, start, sentence)


@story_memo
def _id_base(span: str) -> str:
    return "c-" + slug(" ".join(span.split()[:ID_WORDS]), ID_CHARS)


def candidates_for(
    mentions: Sequence[ClaimMention],
    evidence: _Evidence,
    index: TextIndex,
    tolerance: float,
    blocks: dict[str, int] | None = None,
) -> list[tuple[int, int]]:
    """Pairs of news mentions of two documents worth comparing. Only pairs that share a discriminative
    word, a name or a comparable number are proposed (blocking), so the work grows with the overlaps in
    the pile, not with the square of its clauses; guarded pairs (see ``_guarded``) are left out. Of
    a story kept open, only the pairs an add brought are checked (``PairMemo``)."""
    blocks_of = [index.blocks(), *evidence.name_blocks(), *evidence.quantity_blocks()]
    first, second = candidate_arrays(blocks_of, len(mentions))
    # Only news corroborates (background, opinion and questions stay apart), only across
    # documents, of one story of a mixed pile, and of one language: the encoder and the word
    # features are of one language, no match across two.
    docs, news, languages, stories = _row_codes(mentions, evidence, blocks)
    kept = news[first] & news[second] & (docs[first] != docs[second])
    kept &= (languages[first] == languages[second]) & (stories[first] == stories[second])
    first, second = first[kept], second[kept]
    rows = list(zip(mentions, evidence.numbers, strict=True))
    apart = _APART(rows, first, second, tolerance)
    return list(zip(first[~apart].tolist(), second[~apart].tolist(), strict=True))


def _row_codes(
    mentions: Sequence[ClaimMention], evidence: _Evidence, blocks: dict[str, int] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each mention's document, whether it is news, its language and its story block, as numbers
    (``blocks`` must hold every mention's document)."""
    doc_codes: dict[str, int] = {}
    language_codes: dict[str, int] = {}
    docs = [doc_codes.setdefault(m.doc, len(doc_codes)) for m in mentions]
    news = [m.kind == "news" for m in mentions]
    spoken = evidence.languages
    languages = [language_codes.setdefault(each, len(language_codes)) for each in spoken]
    stories = [blocks[m.doc] for m in mentions] if blocks is not None else [0] * len(mentions)
    return (
        np.array(docs, dtype=np.int64),
        np.array(news, dtype=bool),
        np.array(languages, dtype=np.int64),
        np.array(stories, dtype=np.int64),
    )


def _apart(
    a: ClaimMention,
    na: Sequence[Quantity],
    b: ClaimMention,
    nb: Sequence[Quantity],
    tolerance: float,
) -> bool:
    """Two news mentions of two documents that are never to be compared: a mention whose content is
    in another sentence ("others could do the same"), or a pair ``_guarded`` keeps apart."""
    if _CONTENT_ELSEWHERE(a.span) or _CONTENT_ELSEWHERE(b.span):
        return True
    return _guarded(a, b, na, nb, tolerance)


_APART = PairMemo(_apart)


def pair_features(
    mentions: Sequence[ClaimMention],
    evidence: _Evidence,
    index: TextIndex,
    encoder: Encoder,
    pairs: list[tuple[int, int]],
    tolerance: float = DEFAULTS.quantity_tolerance,
    screen: Callable[[list[float]], bool] | None = None,
    vectors: VectorMemo | None = None,
) -> list[list[float] | None]:
    """What the combiner weighs for each pair, in the order of ``COMBINER_FEATURES``. The encoder's
    cosine of the two propositions (the costly feature) is computed only for pairs that pass
    ``screen`` (given the other features, the cosine slot set to 0); the others get None."""
    verbs = sorted({mentions[r].predicate for pair in pairs for r in pair if mentions[r].predicate})
    verb_vectors = dict(zip(verbs, encoder.encode(verbs, vectors), strict=True)) if verbs else {}
    rows: list[list[float]] = []
    for i, j in pairs:
        a, b = mentions[i], mentions[j]
        both_subjects = bool(a.subject and b.subject)
        rows.append(
            [
                0.0,  # the encoder's cosine, below
                index.cosine(i, j),
                float(bool(a.predicate) and a.predicate == b.predicate),
                float(verb_vectors[a.predicate] @ verb_vectors[b.predicate]) if a.predicate and b.predicate else 0.0,
                float(bool(a.object) and a.object == b.object),
                float(bool(a.object and b.object) and a.object != b.object),
                _jaccard(evidence.names[i], evidence.names[j]),
                float(bool(evidence.things[i] & evidence.things[j])),
                _quantity_score(evidence.numbers[i], evidence.numbers[j], tolerance)
                / (WEIGHT_SAME_MEASURE + WEIGHT_AGREE),
                float(both_subjects and same_subject(a, b)),
                float(_speakers_differ(a, b)),
                min(1.0, min(len(evidence.lemmas[i]), len(evidence.lemmas[j])) / 8),
            ]
        )
    passed = [screen is None or screen(row) for row in rows]
    meaning = _meaning(encoder, mentions, [pair for pair, ok in zip(pairs, passed, strict=True) if ok], vectors)
    for pair, row, ok in zip(pairs, rows, passed, strict=True):
        if ok:
            row[0] = meaning[pair]
    return [row if ok else None for row, ok in zip(rows, passed, strict=True)]


class _Evidence:
    """Per mention: its clause lemmas, the entities and the numbers inside its span."""

    def __init__(
        self, mentions: Sequence[ClaimMention], annotated: Sequence[Annotated], entities: Sequence[Entity]
    ) -> None:
        # Where each document names each entity, and whether that counts as a name, a thing or both:
        # the one thing the rest of the story decides (the rest is read from the document alone).
        # Flat (sentence, offset, entity id, a name?, a thing?, sentence, ...): one plain tuple a
        # document, which the memo keys in one go.
        marks: dict[str, list[str | int | bool]] = defaultdict(list)
        for entity in entities:
            named = entity.type in ("PERSON", "ORG", "FAC", "EVENT") or len(entity.mentions) < 10
            thing = entity.type != "PERSON"
            if named or thing:
                for em in entity.mentions:
                    marks[em.doc] += (em.sentence, em.start, entity.id, named, thing)
        by_doc = {a.document.id: a for a in annotated}
        places: dict[str, list[int]] = defaultdict(list)  # each document's mentions, by place in ``mentions``
        for row, m in enumerate(mentions):
            places[m.doc].append(row)
        found: dict[int, _Row] = {}
        for doc_id, rows in places.items():
            kept = _document_evidence(by_doc.get(doc_id), tuple(mentions[r] for r in rows), tuple(marks[doc_id]))
            found.update(zip(rows, kept, strict=True))
        ordered = [found[r] for r in range(len(mentions))]
        columns: tuple[list[Any], ...] = tuple(map(list, zip(*ordered, strict=True))) if ordered else ([],) * 6
        self.languages: list[str] = columns[0]
        self.lemmas: list[tuple[str, ...]] = columns[1]
        self.names: list[frozenset[str]] = columns[2]
        self.things: list[frozenset[str]] = columns[3]
        self.anchors: list[frozenset[str]] = columns[4]
        self.numbers: list[tuple[Quantity, ...]] = columns[5]

    def name_blocks(self) -> list[list[int]]:
        """Mentions naming the same person, organisation, place or thing (capped like every block)."""
        holders: dict[str, list[int]] = defaultdict(list)
        for row, names in enumerate(self.names):
            for name in names | self.things[row]:
                holders[name].append(row)
        return [rows for rows in holders.values() if 1 < len(rows) <= MAX_BLOCK_SIZE]

    def quantity_blocks(self) -> list[list[int]]:
        """Mentions whose numbers measure the same kind of thing at a similar magnitude."""
        found: dict[tuple[str, str, str | None, int], list[int]] = defaultdict(list)
        for row, numbers in enumerate(self.numbers):
            for q in numbers:
                if q.dimension == "count" and q.noun is None:
                    continue
                magnitude = int(math.floor(math.log10(min(max(abs(q.low), 1e-9), 1e300)) * 2))
                for bucket in (magnitude - 1, magnitude, magnitude + 1):
                    found[(q.dimension, q.unit, q.noun if q.dimension == "count" else None, bucket)].append(row)
        return [rows for rows in found.values() if 1 < len(rows) <= MAX_BLOCK_SIZE]


_Row = tuple[str, tuple[str, ...], frozenset[str], frozenset[str], frozenset[str], tuple[Quantity, ...]]


@document_memo
def _document_evidence(
    doc: Annotated | None,
    mentions: tuple[ClaimMention, ...],
    marks: tuple[str | int | bool, ...],
) -> list[_Row]:
    """``_Evidence`` of one document's claim mentions (``doc`` None: a mention of no document given),
    each as (language, lemmas, names, things, anchors, numbers); ``marks``: sentence, offset, entity
    id, a name?, a thing? of each entity mention in the document, one after the other. What is handed
    back is shared by the calls that find it again, and is read, never changed."""
    infos = doc.info if doc is not None else ()
    clauses = {(i.doc, i.sentence, c.start): c for i in infos for c in i.clauses}
    sentence_lemmas = {(i.doc, i.sentence): i.lemmas for i in infos}
    # "und" (too short to tell) is read with the English model, so it is English here.
    language = "en" if doc is None or doc.document.language == "und" else doc.document.language
    lemmas = [
        clauses[(m.doc, m.sentence, m.start)].lemmas
        if (m.doc, m.sentence, m.start) in clauses
        else sentence_lemmas.get((m.doc, m.sentence), ())
        for m in mentions
    ]
    rows: dict[str, list[int]] = defaultdict(list)
    for row, m in enumerate(mentions):
        rows[m.sentence].append(row)

    def inside(sentence: str, start: int) -> list[int]:
        return [r for r in rows.get(sentence, ()) if _covers(mentions[r], start)]

    names: list[set[str]] = [set() for _ in mentions]
    things: list[set[str]] = [set() for _ in mentions]
    for sentence, start, entity, named, thing in zip(*[iter(marks)] * 5, strict=True):
        for r in inside(str(sentence), int(start)):
            if named:
                names[r].add(str(entity))
            if thing:
                things[r].add(str(entity))
    numbers: list[list[Quantity]] = [[] for _ in mentions]
    for q in doc.quantities if doc is not None else ():
        for r in inside(q.sentence, q.start):
            numbers[r].append(q)
    # What two propositions must share to be compared by meaning: a word stem ("meet", "meeting")
    # that is not a reporting verb, or a place, organisation or thing (people are in most sentences).
    return [  # (frozen: what a memo hands back to later adds must not be changed by anyone)
        (language, tuple(lemmas[r]), frozenset(names[r]), frozenset(things[r]),
         _anchor_stems(tuple(lemmas[r]), language) | things[r], tuple(numbers[r]))
        for r in range(len(mentions))
    ]  # fmt: skip


@story_memo
def _anchor_stems(lemmas: tuple[str, ...], language: str) -> frozenset[str]:
    """The word stems a clause offers as anchors: its lemmas' first letters, reporting verbs aside."""
    verbs = REPORTING_VERBS.in_language(language)
    return frozenset(w[:ANCHOR_STEM] for w in lemmas if len(w) >= 3 and w not in verbs)


def _covers(mention: ClaimMention, start: int) -> bool:
    end = mention.end if mention.end >= 0 else len(mention.text)
    return mention.start <= start < end


def _guarded(
    a: ClaimMention, b: ClaimMention, na: Sequence[Quantity], nb: Sequence[Quantity], tolerance: float
) -> bool:
    """Pairs that can never be one claim, however alike their words: a report and its negation, denial
    or reversal (those are conflicts), a plan and an event, numbers of one measure that disagree, other
    subjects, other event verbs."""
    if a.negated != b.negated or (a.certainty == "denied") != (b.certainty == "denied"):
        return True
    if a.future != b.future:
        return True  # "the drivers will stay on the motorway" is no report that they left or stayed
    if _opposed(a.clause or a.span, b.clause or b.span):
        return True  # the clause's own words: "the case would be dropped" is not in "he would move"
    if lasting(a) != lasting(b) and (text_day(a) or text_day(b)):
        return True  # "has for months accused" and "accused on Saturday night": two acts
    if any(same_measure(x, y) and not agree(x, y, tolerance) for x in na for y in nb):
        return True
    # "The ministry did not respond" and "her association did not respond" are two claims; a figure both
    # give ("200 kilometers" / "120 miles" from the capital) says they speak of one thing after all.
    measured = any(same_measure(x, y) and x.dimension != "count" for x in na for y in nb)
    if measured:
        return False
    # One proposition has one predicate: "began to leave the motorway" and "stayed on the motorway"
    # share their subject, object, day and most words, and say opposite things. (Different verbs for
    # one event, "brokered" / "mediated", are linked as an event, not counted as one claim.)
    if a.predicate and b.predicate and a.predicate != b.predicate:
        return True
    return bool(a.subject and b.subject and not same_subject(a, b))


def _speakers_differ(a: ClaimMention, b: ClaimMention) -> bool:
    return bool(a.speaker and b.speaker and a.speaker != b.speaker)


def _meaning(
    encoder: Encoder,
    mentions: Sequence[ClaimMention],
    pairs: list[tuple[int, int]],
    vectors: VectorMemo | None = None,
) -> dict[tuple[int, int], float]:
    """Encoder cosine of each candidate pair's propositions; each distinct text is encoded once."""
    rows = sorted({r for pair in pairs for r in pair})
    texts = list(dict.fromkeys(mentions[r].clause or mentions[r].span for r in rows))
    position = {text: k for k, text in enumerate(texts)}
    encoded = encoder.encode(texts, vectors)
    key = {r: position[mentions[r].clause or mentions[r].span] for r in rows}
    return {(i, j): float(encoded[key[i]] @ encoded[key[j]]) for i, j in pairs}


def _lexical_score(text: float, evidence: _Evidence, i: int, j: int, tolerance: float) -> float:
    """TF-IDF cosine of the clause lemmas, shared names once the wording overlaps, agreeing numbers."""
    score = WEIGHT_TEXT * text
    if text >= MIN_TEXT_FOR_ENTITIES:
        score += WEIGHT_ENTITIES * _jaccard(evidence.names[i], evidence.names[j])
    return score + _quantity_score(evidence.numbers[i], evidence.numbers[j], tolerance)


def _opposed(a: str, b: str) -> bool:
    """One sentence says an act happened and the other that it was reversed, or one reports silence
    and the other a statement: opposite claims, however many words they share."""

    return _reversed_act(a) != _reversed_act(b) or _silent(a) != _silent(b)


@story_memo
def _reversed_act(text: str) -> bool:
    return bool(ACT_REVERSED.search(text))


@story_memo
def _silent(text: str) -> bool:
    return bool(SILENCE.search(text)) and not PUBLIC_STATEMENT.search(text)


def _refers_back(mention: ClaimMention) -> bool:
    """A denial that points at the previous sentence ('disputes the occurrence of such strikes')."""
    return _denial_pointing_back(mention.text)


@story_memo
def _denial_pointing_back(text: str) -> bool:
    lowered = text.lower()
    return bool(DENIAL.search(text)) and any(f" {w} " in f" {lowered} " for w in _ANAPHORA)


def _jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _quantity_score(a: Sequence[Quantity], b: Sequence[Quantity], tolerance: float) -> float:
    best = 0.0
    for qa in a:
        for qb in b:
            if same_measure(qa, qb):
                best = max(best, WEIGHT_SAME_MEASURE + (WEIGHT_AGREE if agree(qa, qb, tolerance) else 0.0))
    return best


def _average_link(
    docs: Sequence[str], scores: dict[tuple[int, int], float], threshold: float, slack: float
) -> list[set[int]]:
    """Merge clusters best pair first while the average score between them stays over threshold. The
    average is over pairs of different documents: two mentions of one document are never compared, so
    their pair is no evidence either way (a pair never proposed, or guarded, counts as 0)."""
    n = len(docs)
    cluster_of = {i: i for i in range(n)}
    members: dict[int, set[int]] = {i: {i} for i in range(n)}
    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < threshold:
            break
        ci, cj = cluster_of[i], cluster_of[j]
        if ci == cj:
            continue
        pairs = [
            scores.get((min(x, y), max(x, y)), 0.0) for x in members[ci] for y in members[cj] if docs[x] != docs[y]
        ]
        if pairs and sum(pairs) / len(pairs) < threshold * slack:  # none: a denial and what it refers back to
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
    quantities: tuple[Quantity, ...],
    settings: AlignSettings,
    copies: Sequence[set[str]] = (),
) -> Claim:
    if len(group) == 1:  # (most claims: one mention, which speaks for itself)
        return _single_claim(claim_id, group[0], docs, quantities, settings)
    ordered = sorted(members)
    centrality = {i: sum(scores.get((min(i, j), max(i, j)), 0.0) for j in ordered if j != i) for i in ordered}
    firm = [i for i in ordered if group[ordered.index(i)].certainty == "asserted"] or ordered
    # Prefer the wording of reporting over commentary, then the mention most like the others.
    reporting = {i for i in firm if docs[group[ordered.index(i)].doc].genre not in COMMENTARY_GENRES}
    best = max(firm, key=lambda i: (i in reporting, centrality[i], -len(group[ordered.index(i)].text), -i))
    representative = group[ordered.index(best)]
    dates = [docs[m.doc].published.date for m in group if docs[m.doc].published.date]
    news = [m for m in group if m.kind == "news"]
    independent = independent_sources(news, docs, settings.copy_similarity, copies) if news else 0
    certainties = {m.certainty for m in group}
    status = (
        "disputed"
        if "denied" in certainties and certainties - {"denied"}
        else "corroborated"
        if independent >= 2
        else "single_source"
    )
    claim = Claim(
        id=claim_id,
        text=proposition_text(representative),
        mentions=tuple(group),
        independent_sources=independent,
        first_reported=min(dates) if dates else None,
        status=status,
        quantities=quantities,
        normalisation=_normalisation_notes(quantities, settings.quantity_tolerance),
    )
    return _as_before(claim_id, claim)


@kept_alike  # (a claim of several mentions an add left alone: the same object at a desk's next add)
def _as_before(claim_id: str, claim: Claim) -> Claim:
    return claim


def _single_claim(
    claim_id: str,
    mention: ClaimMention,
    docs: dict,
    quantities: tuple[Quantity, ...],
    settings: AlignSettings,
) -> Claim:
    """``_claim`` of one mention: its own wording, its document's date, one source if it is news."""
    date = docs[mention.doc].published.date
    return _one_mention_claim(mention, claim_id, date, quantities, settings.quantity_tolerance)


@object_memo  # (a desk's next add finds most claims again: the same objects, not new ones)
def _one_mention_claim(
    mention: ClaimMention,
    claim_id: str,
    date: str | None,
    quantities: tuple[Quantity, ...],
    tolerance: float,
) -> Claim:
    return Claim(
        id=claim_id,
        text=proposition_text(mention),
        mentions=(mention,),
        independent_sources=1 if mention.kind == "news" else 0,  # (one document is one source)
        first_reported=date or None,
        status="single_source",
        quantities=quantities,
        normalisation=_normalisation_notes(quantities, tolerance),
    )


def _normalisation_notes(quantities: tuple[Quantity, ...], tolerance: float) -> tuple[str, ...]:
    notes = []
    for i, a in enumerate(quantities):
        for b in quantities[i + 1 :]:
            if a.doc != b.doc and same_measure(a, b) and a.original_unit != b.original_unit and agree(a, b, tolerance):
                notes.append(f"{describe(a)} and {describe(b)} agree (within {tolerance:.0%})")
    return tuple(dict.fromkeys(notes))
