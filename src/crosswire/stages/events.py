"""Events: the happenings the claims tell, linked across documents.

A claim is one proposition, and two outlets seldom state one proposition in words close enough to
group ("Orlevo's mayor brokered the deal on Saturday" / "under the deal, brokered late on Saturday,
..."); they do name the same happening. An event links the claims that tell one happening, whatever
each says about it: mentions with the same event word (a claim's verb; a noun of action folded to the
verb the pile uses, "the shooting" to "shoot") in one story block that share a participant (the same
subject or the same object) and disagree on none, are not dated to different days by their own
sentences, and are both told as having happened (or not happened): not a plan, a possibility, a
rumour. Verbs that name no happening of their own ("be", "have", "say") link nothing; the mentions of
one claim are one happening.

The events are a reader's index, not evidence: an event three outlets tell says three outlets speak of
it, not that any claim about it is corroborated (that is counted per claim, by ``align``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from crosswire.models import Claim, ClaimMention, Document, Event, EventMention
from crosswire.stages._mentions import lasting, text_day
from crosswire.stages._order import document_rank
from crosswire.stages.align import independent_sources
from crosswire.stages.lexicons import ATTRIBUTION_VERBS, LIGHT_VERBS, REPORTING_VERBS

EVENT_DOCUMENT_SIMILARITY = 0.0
MAX_GROUP = 400  # mentions of one word in one story block: more than this is a common verb, not one event
_NO_EVENT = LIGHT_VERBS | REPORTING_VERBS | ATTRIBUTION_VERBS  # saying is told by the claim's speaker
_WORD = re.compile(r"\w[\w'-]*")
# Noun endings folded to the verb the pile also uses ("shooting" -> "shoot", "election" -> "elect").
_NOMINAL = (("ing", ""), ("ing", "e"), ("ation", "e"), ("ation", ""), ("ion", "e"), ("ion", ""), ("ment", ""))


def find_events(
    claims: Sequence[Claim],
    documents: Sequence[Document],
    blocks: Mapping[str, int] | None = None,
    copy_similarity: float = 0.9,
    copies: Sequence[set[str]] = (),
) -> tuple[Event, ...]:
    """The events two or more documents tell, each with its mentions, claims and independent sources."""
    mentions = [m for claim in claims for m in _event_mentions(claim)]
    docs = {d.id: d for d in documents}
    by_sentence: dict[tuple[str, str], list[ClaimMention]] = defaultdict(list)
    for claim in claims:
        for cm in claim.mentions:
            if cm.kind == "news":
                by_sentence[(cm.doc, cm.sentence)].append(cm)
    events = []
    for group in link_event_mentions(mentions, blocks):
        members = [mentions[i] for i in group]
        if len({m.doc for m in members}) < 2 or len({m.claim for m in members}) < 2:
            continue  # an event links claims: one claim in two documents is that claim's own business
        told = dict.fromkeys((m.doc, m.sentence) for m in members if m.news)
        events.append((members, [cm for key in told for cm in by_sentence[key][:1]]))
    rank = document_rank(documents)  # ids come from file names: they never decide an order

    def place(m: EventMention) -> tuple[int, int, int]:
        return rank.get(m.doc, -1), _number(m.sentence), m.start

    events = [(sorted(members, key=place), news) for members, news in events]
    events.sort(key=lambda e: (-len({m.doc for m in e[0]}), place(e[0][0])))
    return tuple(
        Event(
            id=f"ev{n}",
            word=_commonest([m.word.lower() for m in members]),
            mentions=tuple(members),
            claims=tuple(dict.fromkeys(m.claim for m in members if m.claim)),
            documents=len({m.doc for m in members}),
            independent_sources=independent_sources(news, docs, copy_similarity, copies) if news else 0,
        )
        for n, (members, news) in enumerate(events, start=1)
    )


def link_event_mentions(mentions: Sequence[EventMention], blocks: Mapping[str, int] | None = None) -> list[list[int]]:
    """Mentions of one happening, as groups of indices into ``mentions`` (every mention in one group)."""
    verbs = {m.lemma for m in mentions}
    keys = [fold(m.lemma, verbs) for m in mentions]
    parent = list(range(len(mentions)))
    days: dict[int, set[str]] = {i: {m.day} if m.day else set() for i, m in enumerate(mentions)}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int, force: bool = False) -> None:
        a, b = find(i), find(j)
        if a == b or (not force and days[a] and days[b] and not days[a] & days[b]):
            return  # one event happens on one day: two groups dated apart stay apart
        parent[b] = a
        days[a] |= days.pop(b)

    for claim_group in _by_claim(mentions).values():  # one proposition tells one happening
        for i in claim_group[1:]:
            join(claim_group[0], i, force=True)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, (m, key) in enumerate(zip(mentions, keys, strict=True)):
        if key and key not in _NO_EVENT and m.happened:
            groups[((blocks or {}).get(m.doc, 0), key)].append(i)
    for members in groups.values():
        if len(members) > MAX_GROUP:
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if _one_happening(mentions[i], mentions[j]):
                    join(i, j)
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        out[find(i)].append(i)
    return list(out.values())


def fold(lemma: str, verbs: set[str]) -> str:
    """A noun of action as the verb the pile also uses ("shooting" -> "shoot"); else the lemma."""
    for ending, added in _NOMINAL:
        if lemma.endswith(ending) and len(lemma) > len(ending) + 2:
            verb = lemma[: -len(ending)] + added
            if verb != lemma and verb in verbs:
                return verb
    return lemma


def _one_happening(a: EventMention, b: EventMention) -> bool:
    """Two mentions of one event word tell one happening: no two doers, no two days, not a lasting
    state against a dated act; and something in common besides the word: the doer, what was done to,
    or the day. (Different objects alone do not part them: on ECB+, verb pairs with different objects
    were mostly one event.)"""
    if a.subject and b.subject and a.subject != b.subject:
        return False
    if (a.day and b.day and a.day != b.day) or (a.lasting != b.lasting and (a.day or b.day)):
        return False
    shared = (a.subject and a.subject == b.subject) or (a.object and a.object == b.object) or (a.day and a.day == b.day)
    return bool(shared)  # "some expressed understanding" / "an adviser expressed disappointment": nothing


def _event_mentions(claim: Claim) -> list[EventMention]:
    out = []
    for m in claim.mentions:
        if not m.predicate or m.head < 0:
            continue
        word = _WORD.match(m.text, m.head)
        out.append(
            EventMention(
                doc=m.doc,
                sentence=m.sentence,
                start=m.head,
                word=word.group(0) if word else m.predicate,
                lemma=m.predicate.lower(),
                claim=claim.id,
                day=text_day(m),
                lasting=lasting(m),
                subject=m.subject,
                object=m.object,
                news=m.kind == "news",
                # told as having happened (or as not having happened), not as a plan, a possibility or a rumour
                happened=m.kind == "news" and not m.future and m.certainty in ("asserted", "denied"),
            )
        )
    return out


def _by_claim(mentions: Sequence[EventMention]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.claim:
            found[m.claim].append(i)
    return found


def _commonest(words: list[str]) -> str:
    """The word most mentions use; of equally common ones, the first in alphabetical order."""
    counts = Counter(words)
    return min(counts, key=lambda w: (-counts[w], w))


def _number(sentence: str) -> int:
    return int(sentence[1:]) if sentence[1:].isdigit() else 0
