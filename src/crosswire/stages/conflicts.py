"""Conflicts: numbers that disagree, claims asserted in one place and denied in another, one event
dated to different days, an aim stated and disowned, and reports superseded by later ones (an act
reversed, silence broken, whereabouts unknown then reported). Each conflict carries a plain
explanation a reader can check against the cited sentences; claims caught in one get the status
"disputed" or "superseded"."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.models import Annotated, Claim, ClaimMention, Conflict, Entity, Quantity, TimeMention
from crosswire.stages._similarity import MAX_BLOCK_SIZE, TextIndex, candidate_pairs
from crosswire.stages.align import agree, describe, same_measure
from crosswire.stages.lexicons import (
    ACT_OPENED,
    ACT_REVERSED,
    DENIAL,
    PUBLIC_STATEMENT,
    REFUSAL,
    REPORTING_VERBS,
    SILENCE,
    UNDO,
    undoes,
)
from crosswire.stages.timeline import effective_date

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
# Verbs of an event's onset (general English): one event begins once, so two days for it disagree.
ONSET_LEMMAS = frozenset({"launch", "begin", "start", "initiate", "commence", "mount", "trigger"})
_ONSET_WORD = re.compile(r"\b(?:launch|beg[aiu]n|start|initiat|commenc|mount|trigger)\w*\s+", re.I)
_OBJECT_END = re.compile(r"\b(?:on|in|at|with|after|before|by|during|late|early|from|when|as)\b|[,;.:—–]", re.I)
# A day late in the evening and the small hours of the next are one night, not two dates.
_LATE = re.compile(r"\b(?:night|late|evening|overnight|midnight)\b", re.I)
_EARLY = re.compile(r"\b(?:early|overnight|dawn|daybreak|small hours|midnight)\b", re.I)
# "since Saturday" starts a state, "14:05" stamps a live-blog entry: neither dates an event.
_NOT_A_POINT = re.compile(r"^(?:since|until|till|through|from|by|for)\b|^\d{1,2}[:.]\d{2}$", re.I)
_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|they|we|i)\b[^,;]{0,20}$", re.I)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:his|her|their|its)\s+$", re.I)
# A person's whereabouts unknown, and a report that places them somewhere.
WHEREABOUTS_UNKNOWN = re.compile(
    r"\bwhereabouts\b[^.;]{0,40}?\b(?:(?:were|was|are|is|remain(?:s|ed)?)\s+(?:still\s+)?(?:not known|unknown|"
    r"unclear|not clear|a mystery)|not known)\b|\b(?:has|have|had) not been seen\b|\bcould not be (?:located|found)\b",
    re.I,
)
LOCATED = re.compile(
    r"\b(?:(?:is|was|are|were|has been|had been)\s+(?:now\s+|currently\s+|still\s+|already\s+|back\s+)?(?:in|at)|"
    r"(?:arrived|landed|surfaced|resurfaced|turned up|reappeared|seen|spotted|sighted|located|staying|sheltering|"
    r"(?:found|taken|sought) (?:refuge|shelter))\s+(?:in|at)|(?:arrived|flew|fled|travell?ed|went)\s+to)\b",
    re.I,
)
_NOT_YET = re.compile(
    r"\b(?:will|would|shall|could|may|might|plans? to|expected to|set to|going to|is to|not)\s+(?:\w+\s+)?$", re.I
)
# A stated aim, and the same aim disowned (general English).
AIM = re.compile(
    r"\b(?:(?:aim|goal|objective|purpose|intention|plan)s?\s*(?::|was|is|were|had been)\s*(?:to|was to)|"
    r"(?:aimed|aiming|wanted|wants|intended|intends|sought|seeks|planned|plans|set out|tried|trying) to|"
    r"in order to|in a bid to)\s+(?P<aim>[^.;:,]+)",
    re.I,
)
DISOWNED_AIM = re.compile(
    r"\b(?:(?:never|not|n't|no longer)\s+(?:\w+\s+)?(?:want(?:ed)?|intend(?:ed)?|aim(?:ed|ing)?|"
    r"s(?:ought|eek|eeking)|mean(?:t)?|plan(?:ned)?|tr(?:y|ied|ying)) to|had no (?:intention|plan|desire|wish|aim) "
    r"(?:of|to))\s+(?P<aim>[^.;:,]+)",
    re.I,
)
_AIM_END = re.compile(r"\b(?:but|rather than|instead|only)\b", re.I)
MIN_AIM_OVERLAP = 0.5
# "Yevgeny Ivanov, head of the Union" or "the Union's chief Ivanov": a leader speaks for the group.
_LEADER = r"(?:head|chief|leader|boss|founder|commander|owner|chairman|chairwoman|president|director)"
_LEADER_AFTER = re.compile(rf"^,?\s*(?:the\s+)?(?:\w+\s+)?{_LEADER}\s+of\s+(?:the\s+)?$", re.I)
_LEADER_BEFORE = re.compile(rf"^(?:'s|’s)?\s+(?:\w+\s+)?{_LEADER}\s+$", re.I)
_LEGAL_OBJECT = re.compile(r"\b(?:charges?|case|warrant|investigation|proceedings|ban|sanctions?|levy|tax)\b", re.I)


def find_conflicts(
    claims: Sequence[Claim],
    annotated: Sequence[Annotated],
    entities: Sequence[Entity],
    tolerance: float = 0.15,
    blocks: dict[str, int] | None = None,
) -> tuple[tuple[Claim, ...], tuple[Conflict, ...]]:
    """Detect numeric, polarity and supersession conflicts; return claims with updated status.
    With ``blocks`` (document -> story block), only documents of one block are compared."""
    context = _Context(annotated, entities)
    found: list[Conflict] = []
    found += _numeric(claims, context, tolerance)
    found += _polarity(claims, context)
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
    claims = [
        replace(c, normalisation=(*c.normalisation, *relations[c.id])) if c.id in relations else c for c in claims
    ]
    conflicts = tuple(replace(c, id=f"k{i + 1}") for i, c in enumerate(found))
    superseded = {c.superseded for c in conflicts if c.superseded}
    disputed = {
        cid for c in conflicts if c.kind in ("polarity", "numeric", "temporal") and c.disputes for cid in c.claims
    }
    updated = tuple(
        replace(c, status="superseded")
        if c.id in superseded
        else replace(c, status="disputed")
        if c.id in disputed
        else c
        for c in claims
    )
    return updated, conflicts


class _Context:
    """Lookups shared by the detectors: outlets, dates, entities and lemmas per sentence."""

    def __init__(self, annotated: Sequence[Annotated], entities: Sequence[Entity]) -> None:
        self.outlet = {a.document.id: a.document.label for a in annotated}
        self.published = {a.document.id: a.document.published.date for a in annotated}
        self.date = {a.document.id: effective_date(a) for a in annotated}
        self.lemmas = {(i.doc, i.sentence): set(i.lemmas) for a in annotated for i in a.info}
        self.names: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.people: dict[tuple[str, str], set[str]] = defaultdict(set)
        for entity in entities:
            for m in entity.mentions:
                self.names[(m.doc, m.sentence)].add(entity.id)
                if entity.type == "PERSON":
                    self.people[(m.doc, m.sentence)].add(entity.id)
        self.entity_name = {e.id: e.name for e in entities}
        self.entity_type = {e.id: e.type for e in entities}
        self.spans: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.by_word: dict[str, set[str]] = defaultdict(set)
        for entity in entities:
            for m in entity.mentions:
                self.spans[(m.doc, m.sentence)].append((m.start, m.end, entity.id))
            for alias in (entity.name, *entity.aliases):
                for word in alias.lower().split():
                    self.by_word[word].add(entity.id)
        self.times: dict[tuple[str, str], list[TimeMention]] = defaultdict(list)
        for a in annotated:
            for t in a.times:
                self.times[(t.doc, t.sentence)].append(t)
        self.order = {(a.document.id, s.id): n for a in annotated for n, s in enumerate(a.document.sentences)}
        self.at_position = {(doc, n): sentence for (doc, sentence), n in self.order.items()}
        self.leads = _leaders(annotated, self.spans, self.entity_type)
        keys = list(self.lemmas)
        self.index = {key: i for i, key in enumerate(keys)}
        self.text = TextIndex([tuple(sorted(self.lemmas[k])) for k in keys])

    def similarity(self, a: ClaimMention | Quantity, b: ClaimMention | Quantity) -> float:
        return self.text.cosine(self.index[(a.doc, a.sentence)], self.index[(b.doc, b.sentence)])

    def subjects(self, mention: ClaimMention) -> set[str]:
        """The entities a mention's subject names: its head word in a name of the sentence ("Marchenko"),
        a name the head governs ("members of the Hauliers' Association"), else one entity alone bearing it."""
        if not mention.subject:
            return set()
        key, word = (mention.doc, mention.sentence), mention.subject.lower()
        here = {e for _, _, e in self.spans[key] if e in self.by_word.get(word, set())}
        if here:
            return here
        head = re.search(rf"\b{re.escape(word)}\w*\s+of\s+(?:the\s+)?", mention.span, re.I)
        if head:
            at = mention.start + head.end()
            return {e for start, _, e in self.spans[key] if start == at}
        alone = self.by_word.get(word, set())
        return set(alone) if len(alone) == 1 else set()

    def actors(self, mention: ClaimMention, before: int) -> set[str]:
        """Who a mention's clause is about: its named subject; for "he said he ..." the speaker."""
        named = self.subjects(mention)
        if named:
            return named
        if mention.speaker and _PRONOUN_BEFORE.search(mention.text[mention.start : before]):
            return {mention.speaker}
        return set()

    def antecedent(self, mention: ClaimMention, claims_at: dict[tuple[str, str], list[ClaimMention]]) -> set[str]:
        """The one person or group the nearest earlier sentence of the document is about ("His ...")."""
        number = self.order.get((mention.doc, mention.sentence), 0)
        for back in (1, 2):
            sentence = self.at_position.get((mention.doc, number - back))
            if sentence is None:
                return set()
            found = {e for m in claims_at.get((mention.doc, sentence), []) for e in self.subjects(m)}
            if found:
                return found if len(found) == 1 else set()
        return set()

    def source(self, mention: ClaimMention) -> str:
        """'Outlet (published date)', or '(undated)': never a date guessed from the text."""
        when = self.published.get(mention.doc)
        return f"{self.outlet[mention.doc]} ({when or 'undated'})"


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


def _relation(a: Quantity, b: Quantity, tolerance: float) -> str | None:
    """How two comparable quantities relate, or None when they say the same. A relation that starts
    with "consistent" is no disagreement (see ``Conflict.disputes``)."""
    if agree(a, b, tolerance):
        if (a.low, a.high) == (b.low, b.high) or (a.low == a.high and b.low == b.high):
            return None
        point, span = (a, b) if a.low == a.high else (b, a) if b.low == b.high else (None, None)
        if point is None or span is None:
            return f"overlapping ranges {describe(a)} and {describe(b)}"
        where = (
            "lower bound"
            if abs(point.low - span.low) <= tolerance * span.low
            else ("upper bound" if abs(point.low - span.high) <= tolerance * span.high else "inside")
        )
        return (
            f"consistent but less precise: {describe(point)} is the {where} of the range {describe(span)}"
            if where != "inside"
            else f"consistent: {describe(point)} lies inside the range {describe(span)}"
        )
    return f"disagree: {describe(a)} vs {describe(b)}"


def _numeric(claims: Sequence[Claim], ctx: _Context, tolerance: float) -> list[Conflict]:
    claim_of = {(m.doc, m.sentence): c for c in claims for m in c.mentions}
    quantities = [(q, claim_of[(q.doc, q.sentence)]) for c in claims for q in c.quantities]
    conflicts, seen = [], set()
    for i, j in sorted(candidate_pairs(_numeric_blocks(quantities, ctx))):
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
        relation = _relation(a, b, tolerance) if related else None
        pair = tuple(sorted({ca.id, cb.id}))
        if relation is None or (pair, relation) in seen:
            continue
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
                disputes=not relation.startswith("consistent"),
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


def _polarity(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    conflicts = []
    for claim in claims:
        denied = [m for m in claim.mentions if m.certainty == "denied"]
        stated = [m for m in claim.mentions if m.certainty != "denied"]
        if denied and stated:
            conflicts.append(_polarity_conflict((claim.id,), stated[0], denied[0], ctx))
    stated_by_claim = [(c, m) for c in claims for m in c.mentions if m.certainty != "denied"]
    # A statement is its own clause: words elsewhere in its sentence are not what it states.
    stems_of = [_stems(m.span) for _, m in stated_by_claim]
    with_stem: dict[str, list[int]] = defaultdict(list)
    for row, stems in enumerate(stems_of):
        for stem in stems:
            with_stem[stem].append(row)
    for claim in claims:
        for denial in (m for m in claim.mentions if m.certainty == "denied"):
            denied_text = _denied_proposition(denial.text)
            proposition = _stems(denied_text)
            # Only the clause that carries what is denied speaks for the denial: its sentence's other
            # clauses ("..., saying officers relied on shields") are not denied by it.
            if len(proposition) < 2 or not proposition & _stems(denial.span):
                continue
            rows = {
                row for stem in proposition for row in with_stem.get(stem, ()) if len(with_stem[stem]) <= MAX_BLOCK_SIZE
            }
            candidates = [
                (len(proposition & stems_of[row]) / len(proposition), *stated_by_claim[row])
                for row in sorted(rows)
                if stated_by_claim[row][0].id != claim.id
                and stated_by_claim[row][1].doc != denial.doc
                and _same_participant(stated_by_claim[row][1], denial, proposition, ctx)
            ]
            if candidates:
                score, other, mention = max(candidates, key=lambda c: (c[0], c[1].id))
                if score >= MIN_DENIAL_OVERLAP and len(proposition & _stems(mention.span)) >= 2:
                    conflicts.append(_polarity_conflict((other.id, claim.id), mention, denial, ctx))
    unique: dict[tuple[str, ...], Conflict] = {}
    for conflict in conflicts:
        unique.setdefault(conflict.claims, conflict)
    return list(unique.values())


def _same_participant(stated: ClaimMention, denial: ClaimMention, proposition: set[str], ctx: _Context) -> bool:
    """Whether a statement and a denial are about one participant, not merely about shared words: the
    denied clause's subject takes part in the statement, or a name is in both the statement's clause and
    what is denied. A denial of a bare noun ("denied claims of a plot") has neither, and pairs with no
    sentence that merely mentions a plot."""
    stated_words = _stems(stated.span)
    # The subject of a clause that says "X denied ..." is the denier, not a participant.
    if denial.subject and not DENIAL.search(denial.span) and denial.subject[:5] in stated_words:
        return True
    names = ctx.names[(stated.doc, stated.sentence)]
    return any(_stems(ctx.entity_name[e]) & proposition & stated_words for e in names if e in ctx.entity_name)


def _stems(text: str) -> set[str]:
    """Crude content-word stems (first five letters), without stop words and reporting verbs."""
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return {w[:5] for w in words if w not in STOP_WORDS and w not in REPORTING_VERBS and len(w) > 2}


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
    for claim, mention in sorted(mentions, key=lambda cm: not PUBLIC_STATEMENT.search(cm[1].text)):
        for person in ctx.people[(mention.doc, mention.sentence)] | ({mention.speaker} if mention.speaker else set()):
            later_by_person[person].append((claim, mention))
        if ACT_REVERSED.search(mention.text) or UNDO.search(mention.text):
            undoing.append((claim, mention))
    reported: set[tuple[str, str]] = set()  # one supersession per earlier sentence, however many clauses
    for earlier_claim, earlier in mentions:
        key = (earlier.doc, earlier.sentence)
        if key in reported:
            continue
        opened = ACT_OPENED.search(earlier.text) and not ACT_REVERSED.search(earlier.text)
        silent = SILENCE.search(earlier.text)
        refusal = REFUSAL.search(earlier.text)
        if not (opened or silent or refusal):
            continue
        people = ctx.people[key]
        candidates = [cm for person in sorted(people) for cm in later_by_person[person]]
        candidates += undoing if refusal else []
        for later_claim, later in candidates:
            if later_claim.id == earlier_claim.id or not _later(ctx, later.doc, earlier.doc):
                continue
            shared = people & ctx.people[(later.doc, later.sentence)]
            if opened and shared and ACT_REVERSED.search(later.text) and _LEGAL_OBJECT.search(later.text):
                reason = "a later report says the action was reversed"
            elif refusal and undoes(later.text, refusal.group("object")):
                reason = f"a later report says the {refusal.group('object')} was undone after all"
            elif silent and later.speaker in people and (PUBLIC_STATEMENT.search(later.text) or later.speaker):
                if SILENCE.search(later.text) and not PUBLIC_STATEMENT.search(later.text):
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


def _later(ctx: _Context, later_doc: str, earlier_doc: str) -> bool:
    a, b = ctx.date.get(later_doc), ctx.date.get(earlier_doc)
    return bool(a and b and a > b)


def _short(text: str, words: int = 18) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


def _leaders(
    annotated: Sequence[Annotated], spans: dict[tuple[str, str], list[tuple[int, int, str]]], kind: dict[str, str]
) -> dict[str, set[str]]:
    """Person -> the groups the text names them head of, from appositions ("X, head of Y", "Y's chief X")."""
    leads: dict[str, set[str]] = defaultdict(set)
    for a in annotated:
        for sentence in a.document.sentences:
            found = spans.get((a.document.id, sentence.id), [])
            people = [(s, e, i) for s, e, i in found if kind.get(i) == "PERSON"]
            groups = [(s, e, i) for s, e, i in found if kind.get(i) in ("ORG", "NORP")]
            for ps, pe, person in people:
                for gs, ge, group in groups:
                    if (pe <= gs and _LEADER_AFTER.match(sentence.text[pe:gs])) or (
                        ge <= ps and _LEADER_BEFORE.match(sentence.text[ge:ps])
                    ):
                        leads[person].add(group)
    return leads


def _conflict(kind: str, pair: tuple[Claim, ClaimMention], other: tuple[Claim, ClaimMention], why: str) -> Conflict:
    return Conflict(
        id="",
        kind=kind,
        claims=tuple(dict.fromkeys((pair[0].id, other[0].id))),
        explanation=why,
        evidence=(pair[1], other[1]),
    )


def _day(ctx: _Context, mention: ClaimMention) -> TimeMention | None:
    """The one date a mention's own clause gives, resolved on its document's own date (or absolute)."""
    end = mention.end if mention.end >= 0 else len(mention.text)
    found = [
        t
        for t in ctx.times[(mention.doc, mention.sentence)]
        if mention.start <= t.start < end
        and t.date
        and t.precision in ("day", "month")
        and t.anchor_basis != "story"
        and not _NOT_A_POINT.search(t.text)
    ]
    return found[0] if len({t.date for t in found}) == 1 else None


def _different_days(a: TimeMention, b: TimeMention) -> bool:
    """Whether two dates cannot be one event's: neither contains the other (a month holds its days),
    and they are not one night seen from either side of midnight."""
    if not a.date or not b.date or a.date.startswith(b.date) or b.date.startswith(a.date):
        return False
    if a.precision == "day" and b.precision == "day":
        early, late = sorted((a, b), key=lambda t: t.date or "")
        gap = (date.fromisoformat(late.date or "") - date.fromisoformat(early.date or "")).days
        if gap == 1 and (_LATE.search(early.text) or _EARLY.search(late.text)):
            return False
    return True


def _onset_object(mention: ClaimMention) -> tuple[str, set[str]] | None:
    """For a clause whose predicate starts an event ("launched the strike on Monday"): the onset verb and
    the stems of what was started."""
    match = _ONSET_WORD.search(mention.span)
    if not match:
        return None
    rest = mention.span[match.end() :]
    cut = _OBJECT_END.search(rest)
    return match.group(0).strip().lower()[:5], _stems(rest[: cut.start() if cut else len(rest)])


def _temporal(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    """One event dated to different days by different documents: mentions of one claim, or clauses whose
    named subject starts the same thing ("the union launched the strike")."""
    dated = [
        (c, m, t)
        for c in claims
        for m in c.mentions
        if m.kind == "news" and not m.negated and m.certainty != "denied" and (t := _day(ctx, m)) is not None
    ]
    pairs: list[tuple[int, int]] = []
    by_claim: dict[str, list[int]] = defaultdict(list)
    by_onset: dict[str, list[int]] = defaultdict(list)
    onset: dict[int, set[str]] = {}
    for row, (claim, mention, _) in enumerate(dated):
        by_claim[claim.id].append(row)
        event = _onset_object(mention)
        if event and event[1]:
            onset[row] = event[1]
            for subject in ctx.subjects(mention):
                by_onset[subject].append(row)
    for rows in by_claim.values():
        pairs += [(i, j) for n, i in enumerate(rows) for j in rows[n + 1 :]]
    for rows in by_onset.values():
        pairs += [(i, j) for n, i in enumerate(rows) for j in rows[n + 1 :] if onset[i] & onset[j]]
    conflicts, seen = [], set()
    for i, j in sorted(set(pairs)):
        (ca, ma, ta), (cb, mb, tb) = dated[i], dated[j]
        if ma.doc == mb.doc or not _different_days(ta, tb) or (ca.id, cb.id, ma.doc, mb.doc) in seen:
            continue
        seen.add((ca.id, cb.id, ma.doc, mb.doc))
        why = (
            f"Dated differently: {ctx.source(ma)} puts it on {ta.date} (“{ta.text}”) — “{_short(ma.span)}”; "
            f"{ctx.source(mb)} on {tb.date} (“{tb.text}”) — “{_short(mb.span)}”."
        )
        conflicts.append(_conflict("temporal", (ca, ma), (cb, mb), why))
    return conflicts


def _whereabouts(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    """A person's whereabouts reported unknown, and a later report that places them somewhere."""
    mentions = [(c, m) for c in claims for m in c.mentions]
    claims_at: dict[tuple[str, str], list[ClaimMention]] = defaultdict(list)
    for _, m in mentions:
        claims_at[(m.doc, m.sentence)].append(m)
    located: dict[str, list[tuple[Claim, ClaimMention, str]]] = defaultdict(list)
    for claim, m in mentions:
        found = LOCATED.search(m.span)
        if not found or m.negated or m.certainty == "denied" or _NOT_YET.search(m.span[: found.start()]):
            continue
        after = m.start + found.end()
        places = [e for s, _, e in ctx.spans[(m.doc, m.sentence)] if after <= s <= after + 5]
        places = [e for e in places if ctx.entity_type.get(e) in ("GPE", "LOC")]
        for person in ctx.subjects(m) if places else set():
            located[person].append((claim, m, ctx.entity_name[places[0]]))
    conflicts, reported = [], set()
    for claim, m in mentions:
        unknown = WHEREABOUTS_UNKNOWN.search(m.span)
        if not unknown or (m.doc, m.sentence) in reported:
            continue
        if _POSSESSIVE_BEFORE.search(m.span[: unknown.start()]):
            people = ctx.antecedent(m, claims_at)
        else:
            people = ctx.subjects(m) or {
                e
                for s, _, e in ctx.spans[(m.doc, m.sentence)]
                if s < m.start + unknown.start() and ctx.entity_type.get(e) == "PERSON"
            }
        if len(people) != 1:
            continue
        person = next(iter(people))
        for later_claim, later, place in located.get(person, []):
            if later_claim.id == claim.id or not _later(ctx, later.doc, m.doc):
                continue
            name = ctx.entity_name.get(person, "the person")
            why = (
                f"Superseded: {ctx.source(m)} reported {name}'s whereabouts unknown (“{_short(m.span)}”); "
                f"a later report places {name} in {place}: {ctx.source(later)} — “{_short(later.span)}”"
            )
            conflicts.append(
                replace(
                    _conflict("supersession", (claim, m), (later_claim, later), why),
                    superseded=claim.id,
                    disputes=False,
                )
            )
            reported.add((m.doc, m.sentence))
            break
    return conflicts


def _aim_frames(
    claims: Sequence[Claim], ctx: _Context, pattern: re.Pattern[str]
) -> list[tuple[Claim, ClaimMention, set[str], set[str], str]]:
    """Mentions stating (or disowning) an aim: claim, mention, actors, stems of the aim, the aim's words."""
    claims_at: dict[tuple[str, str], list[ClaimMention]] = defaultdict(list)
    for c in claims:
        for m in c.mentions:
            claims_at[(m.doc, m.sentence)].append(m)
    frames = []
    for claim in claims:
        for m in claim.mentions:
            found = pattern.search(m.span)
            if not found or m.kind != "news" or (pattern is AIM and (m.negated or DISOWNED_AIM.search(m.span))):
                continue
            words = found.group("aim")
            cut = _AIM_END.search(words)
            words = re.sub(r"\s+(?:and|or)$", "", words[: cut.start() if cut else len(words)].strip())
            before = m.start + found.start()
            if _POSSESSIVE_BEFORE.search(m.span[: found.start()]):
                actors = ctx.antecedent(m, claims_at)
            else:
                actors = ctx.actors(m, before)
            if actors and _stems(words):
                frames.append((claim, m, actors, _stems(words), words))
    return frames


def _aims(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    """An aim attributed to an actor ("their goal was to take the depot") and the same actor, or its
    leader, disowning it ("he never wanted to take the depot")."""
    conflicts = []
    stated = _aim_frames(claims, ctx, AIM)
    for dc, dm, d_actors, d_stems, d_words in _aim_frames(claims, ctx, DISOWNED_AIM):
        for sc, sm, s_actors, s_stems, s_words in stated:
            if (sm.doc, sm.sentence) == (dm.doc, dm.sentence):
                continue
            same = s_actors & d_actors or any(ctx.leads.get(a, set()) & b for a, b in ((d, s_actors) for d in d_actors))
            same = same or any(ctx.leads.get(a, set()) & d_actors for a in s_actors)
            shared = s_stems & d_stems
            if not same or not shared or len(shared) / min(len(s_stems), len(d_stems)) < MIN_AIM_OVERLAP:
                continue
            who = ", ".join(sorted(ctx.entity_name.get(a, a) for a in d_actors))
            why = (
                f"Incompatible stated aims: {ctx.source(sm)} gives the aim as “{s_words}”; {who} disowns "
                f"“{d_words}”, as reported by {ctx.source(dm)}."
            )
            conflicts.append(_conflict("polarity", (sc, sm), (dc, dm), why))
            break
    return conflicts
