"""Conflict detectors over events, for the conflicts stage: one event dated to different days
(temporal), a person's whereabouts unknown then reported (supersession), and an aim stated and then
disowned by the same actor or its leader (polarity). Each returns conflicts without ids; the stage
numbers them and updates the claims."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from crosswire.models import Claim, ClaimMention, Conflict, TimeMention
from crosswire.stages._conflict_context import _Context, _later, _short, _stems
from crosswire.stages._memo import object_memo, searcher

# Verbs of an event's onset (general English): one event begins once, so two days for it disagree.
_ONSET_WORD = re.compile(r"\b(?:launch|beg[aiu]n|start|initiat|commenc|mount|trigger)\w*\s+", re.I)
_OBJECT_END = re.compile(r"\b(?:on|in|at|with|after|before|by|during|late|early|from|when|as)\b|[,;.:—–]", re.I)
# A day late in the evening and the small hours of the next are one night, not two dates.
_LATE = re.compile(r"\b(?:night|late|evening|overnight|midnight)\b", re.I)
_EARLY = re.compile(r"\b(?:early|overnight|dawn|daybreak|small hours|midnight)\b", re.I)
# "since Saturday" starts a state, "14:05" stamps a live-blog entry: neither dates an event.
_NOT_A_POINT = re.compile(r"^(?:since|until|till|through|from|by|for)\b|^\d{1,2}[:.]\d{2}$", re.I)
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
# Each is tried on every claim mention's span: searched once per text (``searcher``).
_SEARCH = {p: searcher(p) for p in (WHEREABOUTS_UNKNOWN, LOCATED, AIM, DISOWNED_AIM)}
MIN_AIM_OVERLAP = 0.5


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


def _onset_object(mention: ClaimMention) -> tuple[str, frozenset[str]] | None:
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
    onset: dict[int, frozenset[str]] = {}
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
    hits = [(claim, _hits(claim)) for claim in claims]
    claims_at: dict[tuple[str, str], list[ClaimMention]] = {}  # made when first needed ("His whereabouts")
    located: dict[str, list[tuple[Claim, ClaimMention, str]]] = defaultdict(list)
    for claim, m, found in ((c, m, found) for c, h in hits for m, found in h.located):
        after = m.start + found.end()
        places = [e for s, _, e in ctx.spans[(m.doc, m.sentence)] if after <= s <= after + 5]
        places = [e for e in places if ctx.entity_type.get(e) in ("GPE", "LOC")]
        for person in ctx.subjects(m) if places else set():
            located[person].append((claim, m, ctx.entity_name[places[0]]))
    conflicts, reported = [], set()
    for claim, m, unknown in ((c, m, found) for c, h in hits for m, found in h.unknown):
        if (m.doc, m.sentence) in reported:
            continue
        if _POSSESSIVE_BEFORE.search(m.span[: unknown.start()]):
            if not claims_at:
                claims_at.update(_claims_at(claims))
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
    claims: Sequence[Claim], ctx: _Context, disowned: bool
) -> list[tuple[Claim, ClaimMention, set[str], frozenset[str], str]]:
    """Mentions stating (``disowned``: disowning) an aim: claim, mention, actors, stems of the aim,
    the aim's words."""
    claims_at: dict[tuple[str, str], list[ClaimMention]] = {}  # made when first needed ("His aim ...")
    frames = []
    for claim in claims:
        hits = _hits(claim)
        for m, found in hits.disowned if disowned else hits.aims:
            words = found.group("aim")
            cut = _AIM_END.search(words)
            words = re.sub(r"\s+(?:and|or)$", "", words[: cut.start() if cut else len(words)].strip())
            before = m.start + found.start()
            if _POSSESSIVE_BEFORE.search(m.span[: found.start()]):
                if not claims_at:
                    claims_at.update(_claims_at(claims))
                actors = ctx.antecedent(m, claims_at)
            else:
                actors = ctx.actors(m, before)
            if actors and _stems(words):
                frames.append((claim, m, actors, _stems(words), words))
    return frames


class _Hits(NamedTuple):
    """What a claim's mentions say that the detectors over events look for, with the match, in
    mention order."""

    located: tuple[tuple[ClaimMention, re.Match[str]], ...]  # placed somewhere, as a fact
    unknown: tuple[tuple[ClaimMention, re.Match[str]], ...]  # whereabouts unknown
    aims: tuple[tuple[ClaimMention, re.Match[str]], ...]  # an aim stated (news, not negated)
    disowned: tuple[tuple[ClaimMention, re.Match[str]], ...]  # an aim disowned (news)


@object_memo  # (read once a claim: a desk's next add finds most claims again, the same objects)
def _hits(claim: Claim) -> _Hits:
    located, unknown, aims, disowned = [], [], [], []
    for m in claim.mentions:
        span = m.span
        found = _SEARCH[LOCATED](span)
        asserted = not (m.negated or m.certainty == "denied")
        if found and asserted and not _NOT_YET.search(span[: found.start()]):
            located.append((m, found))
        if found := _SEARCH[WHEREABOUTS_UNKNOWN](span):
            unknown.append((m, found))
        if m.kind == "news":
            found, disowning = _SEARCH[AIM](span), _SEARCH[DISOWNED_AIM](span)
            if found and not (m.negated or disowning):
                aims.append((m, found))
            if disowning:
                disowned.append((m, disowning))
    return _Hits(tuple(located), tuple(unknown), tuple(aims), tuple(disowned))


def _claims_at(claims: Sequence[Claim]) -> dict[tuple[str, str], list[ClaimMention]]:
    """Each sentence's claim mentions."""
    found: dict[tuple[str, str], list[ClaimMention]] = defaultdict(list)
    for c in claims:
        for m in c.mentions:
            found[(m.doc, m.sentence)].append(m)
    return found


def _aims(claims: Sequence[Claim], ctx: _Context) -> list[Conflict]:
    """An aim attributed to an actor ("their goal was to take the depot") and the same actor, or its
    leader, disowning it ("he never wanted to take the depot")."""
    conflicts = []
    stated = _aim_frames(claims, ctx, disowned=False)
    with_stem: dict[str, list[int]] = defaultdict(list)  # an aim and a disowned one share a stem
    for row, frame in enumerate(stated):
        for stem in frame[3]:
            with_stem[stem].append(row)
    for dc, dm, d_actors, d_stems, d_words in _aim_frames(claims, ctx, disowned=True):
        rows = sorted(set().union(*(with_stem.get(stem, ()) for stem in d_stems)))
        for sc, sm, s_actors, s_stems, s_words in (stated[row] for row in rows):
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
