"""Events: the happenings the claims tell, linked across documents.

A claim is one proposition, and two outlets seldom state one proposition in words close enough to
group ("Orlevo's mayor brokered the deal on Saturday" / "under the deal, brokered late on Saturday,
..."); they do name the same happening. An event links the claims that tell one happening, whatever
each says about it: mentions with the same event verb in one story block, both told as having
happened (not a plan, a possibility, a rumour or a denial), that share a participant or a day (the
same subject, the same object, or the same day given by their own sentences) and differ in none:
no two subjects, no two days, not a lasting state against a dated act, across everything the event
already holds. Verbs that name no happening of their own ("be", "have", "say") link nothing; the
mentions of one claim are one happening.

The events are a reader's index, not evidence: an event three outlets tell says three outlets speak of
it, not that any claim about it is corroborated (that is counted per claim, by ``align``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from crosswire.lexicons import ATTRIBUTION_VERBS, LIGHT_VERBS, REPORTING_VERBS
from crosswire.models import Claim, ClaimMention, Document, Event, EventMention
from crosswire.settings import DEFAULTS
from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._ids import fingerprint, numbered
from crosswire.stages._memo import items_memo, object_memo
from crosswire.stages._mentions import WORD, lasting, text_day
from crosswire.stages._order import document_rank
from crosswire.stages._sources import independent_sources

MAX_GROUP = 400  # mentions of one verb in one story block: more than this is a common verb, not one event
_NO_EVENT = LIGHT_VERBS | REPORTING_VERBS | ATTRIBUTION_VERBS  # saying is told by the claim's speaker


def find_events(
    claims: Sequence[Claim],
    documents: Sequence[Document],
    blocks: Mapping[str, int] | None = None,
    copy_similarity: float = DEFAULTS.copy_similarity,
    copies: Sequence[set[str]] = (),
) -> tuple[Event, ...]:
    """The events two or more documents tell through two or more claims, each with its mentions,
    claims and the independent outlets that tell it (one outlet's pages and copies count once)."""
    pairs = [pair for claim in claims for pair in _event_mentions(claim)]
    mentions = [em for em, _ in pairs]
    docs = {d.id: d for d in documents}
    rank = document_rank(documents)  # ids come from file names: they never decide an order

    def place(i: int) -> tuple[int, int, int]:
        m = mentions[i]
        return rank.get(m.doc, -1), _number(m.sentence), m.start

    groups = []
    languages = {d.id: d.language for d in documents}
    for group in link_event_mentions(mentions, blocks, languages):
        if len(group) < 2:
            continue  # (most: one mention, in one document)
        members = sorted(group, key=place)
        if len({mentions[i].doc for i in members}) < 2 or len({mentions[i].claim for i in members}) < 2:
            continue  # an event links claims: one claim in two documents is that claim's own business
        groups.append(members)
    groups.sort(key=lambda g: (-len({mentions[i].doc for i in g}), place(g[0])))
    events = []
    ids = numbered(_event_base(mentions[members[0]], docs) for members in groups)
    for event_id, members in zip(ids, groups, strict=True):
        news = [pairs[i][1] for i in members if mentions[i].news]
        events.append(
            Event(
                id=event_id,
                word=_commonest([mentions[i].word.lower() for i in members]),
                mentions=tuple(mentions[i] for i in members),
                claims=tuple(dict.fromkeys(c for i in members if (c := mentions[i].claim))),
                documents=len({mentions[i].doc for i in members}),
                outlets=independent_sources(news, docs, copy_similarity, copies) if news else 0,
            )
        )
    return tuple(events)


def _event_base(first: EventMention, documents: Mapping[str, Document]) -> str:
    """An event's id, from its first mention in the story's order: where its verb stands in which
    sentence (its words and its place), of a document of which title and date ("ev-4be2c1"). So an
    event keeps its id while its first telling does (until 2026-12-07 events were numbered "ev1",
    "ev2" by size, and one article renamed most of a story's events)."""
    document = documents.get(first.doc)
    title = (document.title or "") if document else ""
    published = (document.published.date or "") if document else ""
    sentences = document.sentences if document else ()
    text = next((s.text for s in sentences if s.id == first.sentence), "")
    return f"ev-{fingerprint(title, published, first.sentence, first.start, text)}"


def link_event_mentions(
    mentions: Sequence[EventMention],
    blocks: Mapping[str, int] | None = None,
    languages: Mapping[str, str] | None = None,
) -> list[list[int]]:
    """Mentions of one happening, as groups of indices into ``mentions`` (every mention in one
    group), each group in order, the groups in the order of their first mentions. Two groups join
    only when nothing in one contradicts the other: no two subjects, no two days, no lasting state
    beside a dated act. ``languages``: each document's language (English when not given).

    Mentions of no one claim and no one verb (in a story block) are never compared, even through
    others: each connected part of the story's mentions is linked on its own (``_linked``), which
    gives the groups linking them all at once gives. A story kept open finds again every part an
    add did not touch (the same mentions, the same objects), without linking it again."""
    verbs = _verb_groups(mentions, blocks, languages)
    groups: list[list[int]] = []
    for part in _parts(mentions, verbs):
        if len(part) == 1:  # (most: a mention alone)
            groups.append(part)
            continue
        linked = _linked(tuple(mentions[i] for i in part), _numbered(verbs[i] for i in part))
        groups += [[part[k] for k in group] for group in linked]
    groups.sort(key=lambda group: group[0])
    return groups


# A story block and a verb's lemma: the mentions that may tell one event.
_VerbGroup = tuple[int, str]


def _verb_groups(
    mentions: Sequence[EventMention],
    blocks: Mapping[str, int] | None,
    languages: Mapping[str, str] | None,
) -> list[_VerbGroup | None]:
    """Each mention's verb group; None for a verb that names no happening of its own, for what is
    not told as having happened, and for a group of more than ``MAX_GROUP`` mentions (a common verb,
    not one event)."""
    found: list[_VerbGroup | None] = []
    for m in mentions:
        language = (languages or {}).get(m.doc, "en")
        if m.lemma and m.happened and m.lemma not in _NO_EVENT.in_language(language):
            found.append(((blocks or {}).get(m.doc, 0), m.lemma))
        else:
            found.append(None)
    sizes = Counter(group for group in found if group is not None)
    return [None if group is None or sizes[group] > MAX_GROUP else group for group in found]


def _parts(mentions: Sequence[EventMention], verbs: Sequence[_VerbGroup | None]) -> list[list[int]]:
    """The mentions' connected parts (through one claim or one verb group), each in order."""
    codes: dict[tuple[str, str] | _VerbGroup, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for i, (m, verb) in enumerate(zip(mentions, verbs, strict=True)):
        for key in (("claim", m.claim) if m.claim else None, verb):
            if key is not None:
                rows.append(i)
                columns.append(codes.setdefault(key, len(codes)))
    n = len(mentions)
    size = n + len(codes)
    graph = sparse.csr_matrix(
        (
            np.ones(len(rows), dtype=np.int8),
            (np.array(rows, dtype=np.int64), n + np.array(columns, dtype=np.int64)),
        ),
        shape=(size, size),
    )
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels[:n], kind="stable")  # (stable: each part's indices stay in order)
    cuts = np.flatnonzero(np.diff(labels[:n][order])) + 1
    return [part.tolist() for part in np.split(order, cuts)] if n else []


def _numbered(verbs: Iterable[_VerbGroup | None]) -> tuple[int, ...]:
    """A part's verb groups as the order in which each first comes, -1 for none: all that linking
    reads of them (a story block's number, which an add can change, is not)."""
    numbers: dict[_VerbGroup, int] = {}
    return tuple(-1 if verb is None else numbers.setdefault(verb, len(numbers)) for verb in verbs)


@items_memo  # (a desk's next add finds most parts again: the same mentions, in a new tuple)
def _linked(
    mentions: tuple[EventMention, ...],
    verbs: tuple[int, ...],
) -> tuple[tuple[int, ...], ...]:
    """``link_event_mentions`` of one connected part: its groups, as positions in ``mentions``;
    ``verbs``: each mention's verb group, numbered (``_numbered``)."""
    sets = DisjointSet(range(len(mentions)))
    held: dict[int, _Held] = {}  # a group's, by its root: made when first asked (most stay alone)

    def held_by(root: int) -> _Held:
        found = held.get(root)
        if found is None:  # (a root never asked about is a mention alone: it holds its own)
            found = held[root] = _Held.of(mentions[root])
        return found

    def join(root: int, other: int, force: bool = False) -> None:
        """Join the groups of two roots (``root`` stays the root) unless they clash."""
        if force or not held_by(root).clashes(held_by(other)):
            sets.union(root, other)
            held_by(root).take(held_by(other))

    for claim_group in _by_claim(mentions).values():  # one proposition tells one happening
        for i in claim_group[1:]:
            root, other = sets.find(claim_group[0]), sets.find(i)
            if root != other:
                join(root, other, force=True)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, verb in enumerate(verbs):
        if verb >= 0:
            groups[verb].append(i)
    for members in groups.values():
        for x, i in enumerate(members):
            # i's root is the same throughout: a join keeps the first root as the root. A pair
            # already in one group is passed over (most pairs of a common verb's mentions).
            root, mention = sets.find(i), mentions[i]
            for j in members[x + 1 :]:
                other = sets.find(j)
                if other != root and _in_common(mention, mentions[j]):
                    join(root, other)
    return tuple(tuple(group) for group in sets.groups().values())


@dataclass(slots=True)
class _Held:
    """What a group of mentions already says about its happening: who did it, on which days, and
    whether it holds a lasting state or an act dated to a day."""

    subjects: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)
    lasting: bool = False
    dated_act: bool = False

    @classmethod
    def of(cls, m: EventMention) -> _Held:
        return cls(
            {m.subject} if m.subject else set(), {m.day} if m.day else set(), m.lasting, bool(m.day) and not m.lasting
        )

    def clashes(self, other: _Held) -> bool:
        return bool(
            (self.subjects and other.subjects and not self.subjects & other.subjects)
            or (self.days and other.days and not self.days & other.days)
            or (self.lasting and other.dated_act)
            or (self.dated_act and other.lasting)
        )

    def take(self, other: _Held) -> None:
        self.subjects |= other.subjects
        self.days |= other.days
        self.lasting |= other.lasting
        self.dated_act |= other.dated_act


def _in_common(a: EventMention, b: EventMention) -> bool:
    """Something besides the verb: the doer, what was done to, or the day. (Different objects alone
    do not part two mentions: on ECB+, verb pairs with different objects were mostly one event.)"""
    return bool(
        (a.subject and a.subject == b.subject) or (a.object and a.object == b.object) or (a.day and a.day == b.day)
    )


@object_memo  # (a desk's next add finds most claims again, the same objects: see ``align``)
def _event_mentions(claim: Claim) -> tuple[tuple[EventMention, ClaimMention], ...]:
    return tuple((told, m) for m in claim.mentions if (told := _told(m, claim.id)) is not None)


@object_memo  # (a desk's next add finds each mention of the documents it read, with its claim id)
def _told(m: ClaimMention, claim: str) -> EventMention | None:
    """The event a claim mention tells, as a mention of ``claim``; None for a mention with no event
    verb."""
    if not m.predicate or m.head < 0:
        return None
    word = WORD.match(m.text, m.head)
    return EventMention(
        m.doc,
        m.sentence,
        m.head,
        word.group(0) if word else m.predicate,
        m.predicate.lower(),
        claim,
        text_day(m),
        lasting(m),
        m.subject,
        m.object,
        m.kind == "news",
        # told as having happened: not a plan, a possibility, a rumour, nor a denial (a denial of
        # an event is a conflict with its report, never another telling of it)
        m.kind == "news" and not m.future and m.certainty == "asserted" and not m.negated,
    )


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
