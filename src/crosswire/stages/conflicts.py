"""Conflicts: numbers that disagree, claims asserted in one place and denied in another, one event
dated to different days, an aim stated and disowned, and reports superseded by later ones (an act
reversed, silence broken, whereabouts unknown then reported). Each conflict carries a plain
explanation a reader can check against the cited sentences; claims caught in one get the status
"disputed" or "superseded".

This module holds the stage verb ``find_conflicts`` and the detectors over claims and figures:
numeric, polarity (denials) and supersession (an act reversed, silence broken). The shared lookups
live in ``_conflict_context``; the detectors over events (dates, whereabouts, aims) in
``_conflict_events``."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

from crosswire.lexicons import (
    ACT_OPENED,
    ACT_REVERSED,
    DENIAL,
    PUBLIC_STATEMENT,
    REFUSAL,
    SILENCE,
    UNDO,
    undoes,
)
from crosswire.models import Annotated, Claim, ClaimMention, Conflict, Document, Entity, Quantity
from crosswire.settings import DEFAULTS
from crosswire.stages._conflict_context import _Context, _short, _stems
from crosswire.stages._conflict_events import _aims, _temporal, _whereabouts
from crosswire.stages._ids import fingerprint, numbered
from crosswire.stages._memo import kept_alike, object_memo, searcher, story_memo
from crosswire.stages._quantities import agree, describe, same_measure
from crosswire.stages._similarity import MAX_BLOCK_SIZE, candidate_pairs

# Counted nouns that measure the same kind of thing (general English).
NOUN_CLASSES = {
    "personnel": {
        "troop",
        "soldier",
        "fighter",
        "mercenary",
        "serviceman",
        "servicemen",
        "force",
        "man",
        "men",
        "personnel",
        "militant",
        "recruit",
        "officer",
        "combatant",
        "guard",
    },
    "people": {"people", "person", "resident", "civilian", "protester", "demonstrator", "worker", "driver", "casualty"},
}
MAX_MAGNITUDE = 10.0
MIN_RELATED_SIMILARITY = 0.12
MIN_DENIAL_OVERLAP = 0.6
_DENIALS_AT_ONCE = 2048  # denials whose candidate statements are counted in one product
_DENIES = searcher(DENIAL)  # (a story's denials, each read once)
_LEGAL_OBJECT = re.compile(r"\b(?:charges?|case|warrant|investigation|proceedings|ban|sanctions?|levy|tax)\b", re.I)


def find_conflicts(
    claims: Sequence[Claim],
    annotated: Sequence[Annotated],
    entities: Sequence[Entity],
    tolerance: float = DEFAULTS.quantity_tolerance,
    blocks: dict[str, int] | None = None,
) -> tuple[tuple[Claim, ...], tuple[Conflict, ...]]:
    """Detect numeric, polarity and supersession conflicts; return claims with updated status.
    With ``blocks`` (document -> story block), only documents of one block are compared."""
    context = _Context(annotated, entities)
    found: list[Conflict] = []
    found += _numeric(claims, context, tolerance)
    found += _polarity(claims, context, blocks)
    found += _supersession(claims, context)
    found += _whereabouts(claims, context)
    found += _temporal(claims, context)
    found += _aims(claims, context)
    if blocks is not None:
        found = [c for c in found if len({blocks[m.doc] for m in c.evidence}) <= 1]
    # "Consistent but less precise" is a relation between figures, not a conflict: it goes on the claims.
    relations: dict[str, list[str]] = defaultdict(list)
    for c in found:
        if c.kind == "numeric" and not c.disputes:
            for cid in c.claims:
                relations[cid].append(c.explanation)
    found = [c for c in found if c.disputes or c.kind != "numeric"]
    documents = {a.document.id: a.document for a in annotated}
    ids = conflict_ids(found, documents)
    conflicts = tuple(replace(c, id=cid) for c, cid in zip(found, ids, strict=True))
    superseded = {c.superseded for c in conflicts if c.superseded}
    disputed = {
        cid for c in conflicts if c.kind in ("polarity", "numeric", "temporal") and c.disputes for cid in c.claims
    }

    def settled(claim: Claim) -> Claim:
        if claim.id not in relations and claim.id not in superseded and claim.id not in disputed:
            return claim
        if claim.id in relations:
            claim = replace(claim, normalisation=(*claim.normalisation, *relations[claim.id]))
        if claim.id in superseded:
            claim = replace(claim, status="superseded")
        elif claim.id in disputed:
            claim = replace(claim, status="disputed")
        return _as_before(claim.id, claim)

    return tuple(map(settled, claims)), conflicts


@kept_alike  # (a claim a conflict marks, unchanged since the last add: the same object again)
def _as_before(claim_id: str, claim: Claim) -> Claim:
    return claim


def conflict_ids(conflicts: Sequence[Conflict], documents: Mapping[str, Document]) -> list[str]:
    """Each conflict's id, from its kind and the sentences it cites, in any order
    ("k-polarity-4be2c1"): each one's words, where the claim starts and ends in it, its document's
    title and date. So a conflict keeps its id from one version of a story to the next for as long
    as it cites the same reports, whatever is found before it or which of its claims comes first
    (until 2026-12-07 conflicts were numbered "k1", "k2" in the order found, and one article
    renamed most of a story's conflicts). Alike in all of that: "-2", "-3" in the order found."""
    bases = []
    for conflict in conflicts:
        cited = sorted(_cited(m, documents.get(m.doc)) for m in conflict.evidence)
        read = [part for each in cited for part in each] or [*conflict.claims, conflict.explanation]
        bases.append(f"k-{conflict.kind}-{fingerprint(*read)}")  # (each detector cites: a fallback)
    return numbered(bases)


def _cited(mention: ClaimMention, document: Document | None) -> tuple[str, str, int, int, str]:
    """What a conflict's id reads of one sentence it cites (see ``conflict_ids``)."""
    title = (document.title or "") if document else ""
    date = (document.published.date or "") if document else ""
    return title, date, mention.start, mention.end, mention.text


def _noun_class(noun: str | None) -> str | None:
    if noun is None:
        return None
    return next((name for name, members in NOUN_CLASSES.items() if noun in members), noun)


def _comparable(a: Quantity, b: Quantity) -> bool:
    """Same dimension and unit; counts and durations must also count or time the same kind of thing."""
    if a.dimension != b.dimension or a.unit != b.unit:
        return False
    if a.dimension == "duration":
        return a.noun is not None and a.noun == b.noun
    if a.dimension == "count":
        return _noun_class(a.noun) is not None and _noun_class(a.noun) == _noun_class(b.noun)
    return True


def _relation(a: Quantity, b: Quantity, tolerance: float) -> tuple[str, bool] | None:
    """How two comparable quantities relate, in words, and whether that is a disagreement (see
    ``Conflict.disputes``); None when they say the same."""
    if agree(a, b, tolerance):
        if (a.low, a.high) == (b.low, b.high) or (a.low == a.high and b.low == b.high):
            return None
        point, span = (a, b) if a.low == a.high else (b, a) if b.low == b.high else (None, None)
        if point is None or span is None:
            return f"overlapping ranges {describe(a)} and {describe(b)}", True
        where = (
            "lower bound"
            if abs(point.low - span.low) <= tolerance * span.low
            else ("upper bound" if abs(point.low - span.high) <= tolerance * span.high else "inside")
        )
        words = (
            f"consistent but less precise: {describe(point)} is the {where} of the range {describe(span)}"
            if where != "inside"
            else f"consistent: {describe(point)} lies inside the range {describe(span)}"
        )
        return words, False
    return f"disagree: {describe(a)} vs {describe(b)}", True


def _numeric(claims: Sequence[Claim], ctx: _Context, tolerance: float) -> list[Conflict]:
    claim_of = {(m.doc, m.sentence): c for c in claims for m in c.mentions}
    quantities = [(q, claim_of[(q.doc, q.sentence)]) for c in claims for q in c.quantities]
    place = {c.id: n for n, c in enumerate(claims)}  # a pair's claims in the story's order
    conflicts, seen = [], set()
    for i, j in candidate_pairs(_numeric_blocks(quantities, ctx), len(quantities)):
        (a, ca), (b, cb) = quantities[i], quantities[j]
        if a.doc == b.doc or not _comparable(a, b):
            continue
        key_a, key_b = (a.doc, a.sentence), (b.doc, b.sentence)
        # Different claims only compare when their sentences are about the same thing and the numbers
        # are of one order of magnitude (a city's million people and three injured civilians are not).
        magnitude = max(a.high, b.high) / max(min(a.low, b.low), 1e-9)
        shared = _stems(_sentence_of(ca, key_a)) & _stems(_sentence_of(cb, key_b)) - _stems(f"{a.noun} {b.noun}")
        related = ca.id == cb.id or (
            magnitude <= MAX_MAGNITUDE
            and (same_measure(a, b) or bool(ctx.names[key_a] & ctx.names[key_b]))
            and bool(shared)
            and (ctx.similarity(a, b) >= MIN_RELATED_SIMILARITY or len(shared) >= 2)
        )
        found = _relation(a, b, tolerance) if related else None
        pair = tuple(sorted({ca.id, cb.id}, key=place.__getitem__))
        if found is None or (pair, found[0]) in seen:
            continue
        relation, disputes = found
        seen.add((pair, relation))
        ma = next(m for m in ca.mentions if (m.doc, m.sentence) == key_a)
        mb = next(m for m in cb.mentions if (m.doc, m.sentence) == key_b)
        what = f" ({a.noun})" if a.noun else ""
        conflicts.append(
            Conflict(
                id="",
                kind="numeric",
                claims=pair,
                explanation=f"Figures{what} {relation}, between {ctx.source(ma)} and {ctx.source(mb)}.",
                evidence=(ma, mb),
                disputes=disputes,
            )
        )
    return conflicts


def _numeric_blocks(quantities: list[tuple[Quantity, Claim]], ctx: _Context) -> list[list[int]]:
    """Quantities that could be compared: same measure and unit, and the same claim or a shared name."""
    blocks: dict[tuple[str, str, str | None, str], list[int]] = defaultdict(list)
    for row, (q, claim) in enumerate(quantities):
        measure = (q.dimension, q.unit, _noun_class(q.noun) if q.dimension == "count" else q.noun)
        # The measure alone is a block too: in one story, two counts of injured people are comparable
        # whether or not their sentences name anyone. The size cap keeps a large pile's blocks small.
        for anchor in ["", claim.id, *sorted(ctx.names[(q.doc, q.sentence)])]:
            blocks[(*measure, anchor)].append(row)
    # A name carried by every story of a pile ("Interior Ministry") proposes no pairs: blocks stay small.
    return [rows for rows in blocks.values() if 1 < len(rows) <= MAX_BLOCK_SIZE]


def _polarity(
    claims: Sequence[Claim],
    ctx: _Context,
    blocks: dict[str, int] | None = None,
) -> list[Conflict]:
    """A claim's statements against its own denials, and each denial against the statement most
    like it in another claim of another document (of the denial's story block, with ``blocks``)."""
    conflicts = []
    reads = list(map(_said, claims))
    for claim, read in zip(claims, reads, strict=True):
        if read.first_denied and read.stated:
            stated = read.stated[0][1]
            conflicts.append(_polarity_conflict((claim.id,), stated, read.first_denied, ctx))
    denials = list(chain.from_iterable(read.denials for read in reads))
    stated_by_claim = list(chain.from_iterable(read.stated for read in reads))
    stems_of = list(chain.from_iterable(read.stems for read in reads))
    denied_stems = frozenset().union(*(proposition for _, _, proposition in denials))
    with_stem: dict[str, list[int]] = defaultdict(list)  # (only the stems some denial looks up)
    for row, stems in enumerate(stems_of):
        for stem in stems & denied_stems:
            with_stem[stem].append(row)
    for d, rows in _sharing(denials, with_stem, len(stems_of)):
        claim, denial, proposition = denials[d]
        # The subject of a clause that says "X denied ..." is the denier, not a participant.
        subject = denial.subject[:5] if denial.subject and not _DENIES(denial.span) else None
        # The statement most like the denial is its pair if it shares enough: statements that
        # share less can be no pair, and are not looked at further.
        candidates = []
        for row in rows:
            other, said = stated_by_claim[row]
            if other.id == claim.id or said.doc == denial.doc:
                continue
            if blocks is not None and blocks[said.doc] != blocks[denial.doc]:
                continue  # (another story of a mixed pile: never its pair, however alike)
            score = len(proposition & stems_of[row]) / len(proposition)
            if score < MIN_DENIAL_OVERLAP:
                continue
            if _same_participant(said, stems_of[row], subject, proposition, ctx):
                candidates.append((score, other, said))
        if candidates:
            score, other, mention = max(candidates, key=lambda c: (c[0], c[1].id))
            if len(proposition & _stems(mention.span)) >= 2:
                conflicts.append(_polarity_conflict((other.id, claim.id), mention, denial, ctx))
    unique: dict[tuple[str, ...], Conflict] = {}
    for conflict in conflicts:
        unique.setdefault(conflict.claims, conflict)
    return list(unique.values())


def _sharing(
    denials: list[tuple[Claim, ClaimMention, frozenset[str]]],
    with_stem: dict[str, list[int]],
    statements: int,
) -> list[tuple[int, list[int]]]:
    """Each denial (by place) that some statement can reach ``MIN_DENIAL_OVERLAP`` with, and those
    statements' rows, in order."""
    # A statement holds at most the denial's stems that few statements hold (``MAX_BLOCK_SIZE``)
    # and every one that many hold; one that cannot reach the overlap so is left out. Counted for
    # many denials at once (a 2,000-article story holds some 11,000), not stem by stem.
    rarer = (stem for stem, rows in with_stem.items() if len(rows) <= MAX_BLOCK_SIZE)
    small = {stem: code for code, stem in enumerate(rarer)}
    if not small or not denials:
        return []
    held = sparse.csr_matrix(
        (
            np.ones(sum(len(with_stem[s]) for s in small), dtype=np.int32),
            np.fromiter(chain.from_iterable(with_stem[s] for s in small), dtype=np.int64),
            np.cumsum([0, *(len(with_stem[s]) for s in small)]),
        ),
        shape=(len(small), statements),
    )
    codes = [[small[s] for s in proposition if s in small] for _, _, proposition in denials]
    common = [sum(len(with_stem.get(s, ())) > MAX_BLOCK_SIZE for s in p) for _, _, p in denials]
    large = np.array(common)
    size = np.array([len(p) for _, _, p in denials])
    asks = sparse.csr_matrix(
        (
            np.ones(sum(map(len, codes)), dtype=np.int32),
            np.fromiter(chain.from_iterable(codes), dtype=np.int64),
            np.cumsum([0, *map(len, codes)]),
        ),
        shape=(len(denials), len(small)),
    )
    found: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(denials), _DENIALS_AT_ONCE):  # (every pair sharing a stem, a slice)
        shared = (asks[start : start + _DENIALS_AT_ONCE] @ held).tocsr()
        shared.sort_indices()  # (each denial's statements in order)
        first = start + np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
        enough = (shared.data + large[first]) / size[first] >= MIN_DENIAL_OVERLAP
        for d, row in zip(first[enough].tolist(), shared.indices[enough].tolist(), strict=True):
            found[d].append(row)
    return list(found.items())


class _Said(NamedTuple):
    """What a claim's mentions state and deny, for the denial detector, in mention order."""

    first_denied: ClaimMention | None
    # the denials that speak for what they deny, with its stems
    denials: tuple[tuple[Claim, ClaimMention, frozenset[str]], ...]
    stated: tuple[tuple[Claim, ClaimMention], ...]  # the mentions that do not deny
    stems: tuple[frozenset[str], ...]  # each statement's stems


@object_memo  # (read once a claim: a desk's next add finds most claims again, the same objects)
def _said(claim: Claim) -> _Said:
    denied = [m for m in claim.mentions if m.certainty == "denied"]
    stated = [m for m in claim.mentions if m.certainty != "denied"]
    denials = []
    for denial in denied:
        proposition = _stems(_denied_proposition(denial.text))
        # Only the clause that carries what is denied speaks for the denial: its sentence's
        # other clauses ("..., saying officers relied on shields") are not denied by it.
        if len(proposition) >= 2 and proposition & _stems(denial.span):
            denials.append((claim, denial, proposition))
    # A statement is its own clause: words elsewhere in its sentence are not what it states.
    return _Said(
        denied[0] if denied else None,
        tuple(denials),
        tuple((claim, m) for m in stated),
        tuple(_stems(m.span) for m in stated),
    )


def _same_participant(
    stated: ClaimMention,
    stated_words: frozenset[str],
    subject: str | None,
    proposition: frozenset[str],
    ctx: _Context,
) -> bool:
    """Whether a statement and a denial are about one participant, not merely about shared words: the
    denied clause's ``subject`` (its stem; None when it is the denier) takes part in the statement
    (``stated_words``: the stems of its clause), or a name is in both the statement's clause and what is
    denied. A denial of a bare noun ("denied claims of a plot") has neither, and pairs with no sentence
    that merely mentions a plot."""
    if subject is not None and subject in stated_words:
        return True
    names = ctx.names[(stated.doc, stated.sentence)]
    return any(_stems(ctx.entity_name[e]) & proposition & stated_words for e in names if e in ctx.entity_name)


@story_memo
def _denied_proposition(text: str) -> str:
    """What a denial denies: the clause after 'denied (that)', or before ', which ... denied'."""
    match = DENIAL.search(text)
    if not match:
        return text
    after = re.split(r"[,;.]", text[match.end() :], maxsplit=1)[0]
    if len(_stems(after)) >= 2:
        return after
    before = text[: match.start()]
    return re.split(r",\s*(?:which|what|something|a claim)\b", before)[0].split(",")[-1] if "," in before else before


def _sentence_of(claim: Claim, key: tuple[str, str]) -> str:
    return next(m.text for m in claim.mentions if (m.doc, m.sentence) == key)


def _polarity_conflict(ids: tuple[str, ...], stated: ClaimMention, denial: ClaimMention, ctx: _Context) -> Conflict:
    who = denial.speaker_name or ctx.outlet[denial.doc]
    return Conflict(
        id="",
        kind="polarity",
        claims=tuple(dict.fromkeys(ids)),
        explanation=(
            f"{ctx.source(stated)} reports it ({stated.certainty}"
            + (f", attributed to {stated.speaker_name}" if stated.speaker_name else "")
            + f"); {who} denies or disputes it, as reported by {ctx.source(denial)}."
        ),
        evidence=(stated, denial),
    )


def _supersession(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    """An official act later reversed (warrant then charges dropped), or silence then a statement."""
    conflicts = []
    mentions = [(c, m) for c in claims for m in c.mentions]
    # Later statements and reversals are rare: index them by the people they name, then compare.
    # A named public statement (address, speech, press conference) is the best evidence of speaking up.
    later_by_person: dict[str, list[tuple[Claim, ClaimMention]]] = defaultdict(list)
    undoing: list[tuple[Claim, ClaimMention]] = []
    for claim, mention in sorted(mentions, key=lambda cm: not _public(cm[1].text)):
        people = ctx.people[(mention.doc, mention.sentence)]
        for person in people:
            later_by_person[person].append((claim, mention))
        if mention.speaker and mention.speaker not in people:
            later_by_person[mention.speaker].append((claim, mention))
        if _undone(mention.text):
            undoing.append((claim, mention))
    by_person = {person: _ByDate(found, ctx.date) for person, found in later_by_person.items()}
    undoing_by_date = _ByDate(undoing, ctx.date)

    reported: set[tuple[str, str]] = set()  # one supersession per earlier sentence, however many clauses
    for earlier_claim, earlier in mentions:
        key = (earlier.doc, earlier.sentence)
        if key in reported:
            continue
        opened, silent, refusal = _opens(earlier.text)
        if not (opened or silent or refusal):
            continue
        people = ctx.people[key]
        since = ctx.date.get(earlier.doc)
        if not since:  # nothing is later than an undated report
            continue
        candidates = [cm for person in sorted(people) if person in by_person for cm in by_person[person].after(since)]
        candidates += undoing_by_date.after(since) if refusal else []
        for later_claim, later in candidates:
            when = ctx.date.get(later.doc)
            if not (when and when > since) or later_claim.id == earlier_claim.id:
                continue
            if opened and _reversal(later.text) and people & ctx.people[(later.doc, later.sentence)]:
                reason = "a later report says the action was reversed"
            elif refusal and _undoes(later.text, refusal.group("object")):
                reason = f"a later report says the {refusal.group('object')} was undone after all"
            elif silent and later.speaker in people and (_public(later.text) or later.speaker):
                if SILENCE.search(later.text) and not _public(later.text):
                    continue
                reason = f"{ctx.entity_name.get(later.speaker or '', 'the person')} has since spoken publicly"
            else:
                continue
            conflicts.append(
                Conflict(
                    id="",
                    kind="supersession",
                    claims=(earlier_claim.id, later_claim.id),
                    explanation=(
                        f"Superseded: {ctx.source(earlier)} reported “{_short(earlier.text)}”; {reason}: "
                        f"{ctx.source(later)} — “{_short(later.text)}”"
                    ),
                    evidence=(earlier, later),
                    superseded=earlier_claim.id,
                    disputes=False,
                )
            )
            reported.add(key)
            break
    unique: dict[tuple[str, ...], Conflict] = {}
    for conflict in conflicts:
        unique.setdefault(conflict.claims, conflict)
    return list(unique.values())


class _ByDate:
    """Mentions in the order given, taken by date: those of documents dated after a day, without
    reading the others (an earlier report is tried against every later mention of its people)."""

    def __init__(self, found: list[tuple[Claim, ClaimMention]], date: dict[str, str | None]) -> None:
        self.found = found
        rows = sorted((date.get(m.doc) or "", n) for n, (_, m) in enumerate(found))
        self.dates = [day for day, _ in rows]
        self.rows = [n for _, n in rows]

    def after(self, since: str) -> list[tuple[Claim, ClaimMention]]:
        """The mentions of documents dated after ``since``, in the order given."""
        return [self.found[n] for n in sorted(self.rows[bisect.bisect_right(self.dates, since) :])]


# A later mention is tried against many earlier ones, and clauses of one sentence share its text:
# each text's patterns are searched once (``story_memo``).
@story_memo
def _public(text: str) -> bool:
    return bool(PUBLIC_STATEMENT.search(text))


@story_memo
def _reversal(text: str) -> bool:
    return bool(ACT_REVERSED.search(text) and _LEGAL_OBJECT.search(text))


@story_memo
def _undoes(text: str, thing: str) -> bool:
    """``undoes``, once a story for each later text and thing refused: every earlier refusal of the
    thing is tried against the same later mentions."""
    return undoes(text, thing)


@story_memo
def _undone(text: str) -> bool:
    return bool(ACT_REVERSED.search(text) or UNDO.search(text))


@story_memo
def _opens(text: str) -> tuple[Any, re.Match[str] | None, re.Match[str] | None]:
    """What an earlier sentence may open that a later one supersedes: an act (not already reversed),
    a silence, a refusal."""
    return (ACT_OPENED.search(text) and not ACT_REVERSED.search(text), SILENCE.search(text), REFUSAL.search(text))
