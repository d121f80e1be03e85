"""Brief: a neutral headline and 5-8 summary sentences that tell the story, built on claim groups.

Claims are ranked by how many independent sources carry them (then firmness and specifics); the
chosen ones are told in the order they happened (the date of the event where the text gives one,
else when it was first reported). Each summary sentence is the clearest self-contained source
sentence of its claim (for a claim several outlets carry, the mention that adds least to the others,
its clause alone where the outlet states it firmly in its own voice, with whose wording it is): news,
not background or the outlet's own opinion; no leading pronoun or connective, no pronoun without
someone or something named before it in the sentence ("... under his orders" with nobody named), no
phrase that points back out of it ("could do the same"), no subject left out ("Added that ...");
quotation marks balanced. A claim none of whose mentions stands alone is left out of the brief (it
stays in the dossier). Attributed statements keep their speaker. A superseded report never stands
alone: what superseded it is told instead. Every sentence cites its claim and sources.
After the summary: the conflicts worth a reader's attention, then what only one source says.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.lexicons import LOADED_WORDS, MONTH_NAME_PATTERN, REPORTING_VERBS, WEEKDAY_PATTERN
from crosswire.models import (
    COMMENTARY_GENRES,
    Brief,
    BriefSentence,
    Claim,
    ClaimMention,
    Conflict,
    Document,
    Entity,
    Event,
    TimelineEntry,
)
from crosswire.settings import DEFAULTS
from crosswire.stages._attribution import outside_quotes
from crosswire.stages._memo import object_memo, story_memo
from crosswire.stages._mentions import proposition_text

MAX_WORDS = 45
MAX_SINGLE_SOURCE_LISTED = 12
FORWARD_CHARS = 32  # how far after an opening phrase's comma its subject may start
_TIMESTAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*[—–-]\s*")
_FIRST_PERSON = re.compile(r"^[“\"]?(?:I|We|My|Our|You|Your)\b")
# A sentence opening on a pronoun or a connective leans on the one before it: out of context it misleads.
_DEPENDENT = re.compile(
    r"^(?:He|She|It|They|This|These|That|Those|His|Her|Its|Their|Him|Them|But|And|Yet|So|Also|However|"
    r"Meanwhile|Nevertheless|Still|Instead|Then|There|Here|Other|Another|Such|Likewise|Similarly|Moreover|"
    r"Furthermore|Besides|Thus|Therefore|Otherwise|Who|Whom|Which|The same|The latter)\b"
)
# Pronouns that need someone (personal) or something (neuter) named earlier in the same sentence.
_PERSONAL = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.I)
_NEUTER = re.compile(r"\b(?:it|its|itself|they|them|their|theirs|themselves)\b", re.I)
# Phrases that point back out of the sentence: "could do the same", "the latter", "said this was".
_ANAPHORIC = re.compile(
    r"\b(?:the same(?=\s*[,.;:!?]|\s+(?:thing|things|way)\b)|the latter\b|the former(?=\s*[,.;:!?])"
    r"|(?:this|these|those)(?=\s*[,.;:!?]|\s+(?:is|was|were|are|has|had|have|would|will|could|can|may|might|"
    r"means|meant)\b)|that(?=\s*[.;!?]))",
    re.I,
)
_SUCH = re.compile(r"\bsuch\b(?!\s+as\b)", re.I)  # "such attacks": fine when a clause before it names them
# Nouns for a person that a "he" or "she" can point back to when no name is given.
_PERSON_NOUN = re.compile(
    r"\b(?:president|minister|spokes(?:man|woman|person)|leader|chief|boss|commander|official|officer|man|woman|"
    r"mayor|governor|head|founder|owner|general|secretary|chair(?:man|woman)?|director|envoy|ambassador|king|queen|"
    r"judge|lawyer|witness|resident|soldier|reporter|editor|author)\b",
    re.I,
)
_DETERMINED = re.compile(
    r"\b(?:the|a|an|these|those|some|many|several|all|both|other|two|three|four)\s+[a-z][\w-]*", re.I
)
_CALENDAR = re.compile(f"{WEEKDAY_PATTERN}|{MONTH_NAME_PATTERN}", re.I)
_CONFLICT_ORDER = {"polarity": 0, "supersession": 1, "numeric": 2, "temporal": 3}  # every kind conflicts makes


def write_brief(
    claims: Sequence[Claim],
    conflicts: Sequence[Conflict],
    entities: Sequence[Entity],
    documents: Sequence[Document],
    max_sentences: int = DEFAULTS.brief_sentences,
    timeline: Sequence[TimelineEntry] = (),
    events: Sequence[Event] = (),
) -> Brief:
    """Pick the best-corroborated news claims, tell them in the order they happened, cite everything.
    Among single-source claims of one kind (reporting, or commentary), one whose happening other
    outlets also report (an ``Event``) comes first, and its note names them: other reports of the
    happening, not of the sentence; its source count stays the claim's own."""
    docs = {d.id: d for d in documents}
    event_of = {c: v for v in events for c in v.claims}
    by_id = {c.id: c for c in claims}
    superseded_by = {k.superseded: k.claims[-1] for k in conflicts if k.kind == "supersession" and k.superseded}
    named = _named(entities)
    wording = _Wordings(by_id, docs, named)
    overtaken = _overtaken(documents)
    # Whether a claim can be worded at all is asked as the claims are taken, best first: a large
    # story's brief tells eight of its many thousand claims and lists a dozen.
    current = [c for c in claims if c.status != "superseded"]
    usable = [c for c in current if not all(m.doc in overtaken for m in c.mentions if m.kind == "news")]
    # What superseded an earlier report is news the reader must not miss, corroborated or not.
    usable_ids = {c.id for c in usable}  # (claim ids are unique: a set, not a scan of the list)
    later = [by_id[k] for k in superseded_by.values() if k in usable_ids and wording[k] is not None]
    must = list(dict.fromkeys(later))[: max(1, max_sentences // 3)]
    must_ids = {c.id for c in must}
    event_outlets = {c.id: event_of[c.id].outlets if c.id in event_of else 0 for c in claims}
    # The claims come in the story's order (their first reports'): the last tie-break of a ranking.
    place = {c.id: n for n, c in enumerate(claims)}
    rank = {c.id: _rank(c, place[c.id]) for c in current}  # (ranked twice below: with the event's outlets, without)
    ranked = [
        c
        for c in sorted(usable, key=lambda c: (rank[c.id][0], event_outlets[c.id], *rank[c.id][1:]), reverse=True)
        if c.id not in must_ids
    ]
    chosen = must + _pick(ranked, max_sentences - len(must), wording, docs, event_outlets)
    happened = _event_dates(timeline)
    chosen.sort(
        key=lambda c: (happened.get(c.id) or c.first_reported or "9999", c.first_reported or "9999", place[c.id])
    )
    disputed = {cid for k in conflicts if k.kind in ("polarity", "numeric") and k.disputes for cid in k.claims}
    summary = []
    for claim in chosen:
        told = wording[claim.id]
        assert told is not None
        summary.append(_sentence(claim, told, docs, claim.id in disputed, event_of.get(claim.id), by_id))
    # (by kind, then in the order found: a stable sort; ids are made from content, not rank)
    ordered = sorted(conflicts, key=lambda k: _CONFLICT_ORDER.get(k.kind, 9))
    worth = tuple(k.id for k in ordered if k.disputes or k.kind == "supersession")
    in_summary = {c.id for c in chosen}
    single = tuple(
        itertools.islice(
            (
                c.id
                for c in sorted(current, key=lambda c: rank[c.id], reverse=True)
                if c.independent_sources == 1
                and c.id not in in_summary
                and c.status == "single_source"
                and wording[c.id] is not None
            ),
            MAX_SINGLE_SOURCE_LISTED,
        )
    )
    return Brief(_headline(entities, documents, claims), tuple(summary), worth, single)


def _overtaken(documents: Sequence[Document]) -> set[str]:
    """Breaking reports with a later dated report in the pile: what only they say ("are in the middle of
    attempting a coup") was provisional when written and has since been overtaken, so the brief tells
    it only when another source carries it too. It stays in the dossier and its single-source list."""
    dates = [d.published.date for d in documents if d.published.date]
    latest = max(dates) if dates else None
    return {
        d.id
        for d in documents
        if d.genre == "breaking" and latest and (d.published.date is None or d.published.date < latest)
    }


def _sentence(
    claim: Claim,
    told: _Wording,
    docs: dict[str, Document],
    disputed: bool,
    event: Event | None = None,
    claims: dict[str, Claim] | None = None,
) -> BriefSentence:
    news = [m for m in claim.mentions if m.kind == "news"]
    sources = tuple(sorted({docs[m.doc].label for m in news}))
    mention, text = told.mention, told.text
    # A fact told only by commentary pages says so: the reader weighs it knowing where it stands.
    commentary = all(docs[m.doc].genre in COMMENTARY_GENRES for m in news)
    independent = claim.independent_sources
    if disputed:
        note = f" [disputed between {', '.join(sources)}: see the conflicts]"
    else:
        note = f" [{independent} independent source{'s' if independent != 1 else ''}: {', '.join(sources)}"
        note += " (commentary)" if commentary and news else ""
        note += "; copies counted once" if len(sources) > independent else ""
        note += f"; wording: {docs[mention.doc].label}" if independent >= 2 else ""
        note += _also_told(claim, event, claims or {}, docs, set(sources)) + "]"
    if mention.speaker_name and mention.speaker_name.split()[-1] not in text:
        note = f" (according to {mention.speaker_name})" + note
    return BriefSentence(text + note, (claim.id,), sources)


def _also_told(
    claim: Claim, event: Event | None, claims: dict[str, Claim], docs: dict[str, Document], named: set[str]
) -> str:
    """ "; other reports of this happening, not of this sentence: Orlevo Courier (c12)": where else
    the happening is told, each with its own claim (which may say something else about it)."""
    if event is None:
        return ""
    elsewhere = []
    for cid in event.claims:
        other = claims.get(cid)
        if cid == claim.id or other is None:
            continue
        labels = sorted({docs[m.doc].label for m in other.mentions if m.kind == "news"} - named)
        if labels:
            elsewhere.append(f"{', '.join(labels)} ({cid})")
    return f"; other reports of this happening, not of this sentence: {'; '.join(elsewhere)}" if elsewhere else ""


class _Wordings(dict[str, "_Wording | None"]):
    """Each claim's wording (``_wording``), worked out the first time it is asked for."""

    def __init__(self, claims: dict[str, Claim], docs: dict[str, Document], named: _Named) -> None:
        super().__init__()
        self._claims, self._docs, self._named = claims, docs, named

    def __missing__(self, claim_id: str) -> _Wording | None:
        told = self[claim_id] = _wording(self._claims[claim_id], self._docs, self._named)
        return told


@dataclass(frozen=True, slots=True)
class _Wording:
    """How the brief tells a claim: one mention's sentence, or that mention's proposition alone."""

    mention: ClaimMention
    text: str


def _wording(claim: Claim, docs: dict[str, Document], named: _Named) -> _Wording | None:
    """The clearest source wording of a claim, or None when no mention can stand in a neutral brief.
    A claim several outlets carry is told by the mention that adds least to what the others say,
    its proposition alone where that reads on its own ("Markov closed the road on Friday", a "he"
    named) rather than the whole sentence: the rest of one outlet's sentence ("..., with a clear
    appeal to ...") is that outlet's only. The note then says whose wording it is."""
    shared = claim.independent_sources >= 2
    options: list[_Wording] = []
    for m in claim.mentions:
        if not _may_tell(m):
            continue
        # Only the outlet's own firm statement loses its sentence: "Reports that X have not been
        # confirmed" and "Reiter promised that X" say how sure X is and who says it.
        own_fact = m.certainty == "asserted" and m.speaker is None and not m.cues
        if shared and own_fact:
            clause = proposition_text(m)
            if clause == m.text and m.clause:
                clause = m.clause  # the whole sentence, with a "he" or "she" named
            clause = _TIMESTAMP.sub("", clause).strip()
            if clause != m.text and _reads_alone(clause, (), named.people):
                options.append(_Wording(m, clause))
        if _stands_alone(m, named):
            options.append(_Wording(m, _TIMESTAMP.sub("", m.text).strip()))
    if len(options) < 2:
        return options[0] if options else None
    others = {
        doc: frozenset(w for o in claim.mentions if o.doc != doc for w in _content_words(o.clause or o.span))
        for doc in {m.doc for m in claim.mentions}
    }

    def clarity(w: _Wording) -> tuple[bool, int, bool, float, int]:
        m = w.mention
        reporting = docs[m.doc].genre not in COMMENTARY_GENRES
        own = len(_content_words(w.text) - others[m.doc]) if shared else 0  # what only this outlet says
        share = (len(m.span) / max(1, len(m.text))) if m.text else 0.0
        return (reporting, -own, m.certainty == "asserted", round(share, 1), -len(w.text))

    return max(options, key=clarity)


def _may_tell(mention: ClaimMention) -> bool:
    """Whether the brief may tell a claim in this mention's words: news, and not a party's denial (a
    negative fact the outlet states is: "no one was hurt")."""
    return mention.kind == "news" and not (mention.certainty == "denied" and not mention.negated)


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in STOP_WORDS)


@dataclass(frozen=True, slots=True)
class _Named:
    """Who and what the sentences name: entity offsets and types per (document, sentence), and the
    words of every person's names (the parser misses a name in some sentences it finds in others)."""

    spots: dict[tuple[str, str], tuple[tuple[int, str], ...]] = field(default_factory=dict)
    people: frozenset[str] = frozenset()
    # Whether a sentence stands alone, by (document, sentence, text, speaker): clauses share sentences.
    alone: dict[tuple[str, str, str, str | None], bool] = field(default_factory=dict, compare=False)


def _named(entities: Sequence[Entity]) -> _Named:
    spots: dict[tuple[str, str], list[tuple[int, str]]] = {}
    people: set[str] = set()
    for entity in entities:
        if entity.type == "PERSON":
            people |= {w for name in (entity.name, *entity.aliases) for w in name.split() if w[:1].isupper()}
        for m in entity.mentions:
            spots.setdefault((m.doc, m.sentence), []).append((m.start, entity.type))
    return _Named({key: tuple(sorted(found)) for key, found in spots.items()}, frozenset(people))


def _stands_alone(mention: ClaimMention, named: _Named | None = None) -> bool:
    """Whether the sentence says its claim to a reader who has not read the sentences before it."""
    named = named or _Named()
    key = (mention.doc, mention.sentence, mention.text, mention.speaker_name)
    if key not in named.alone:
        spots = named.spots.get((mention.doc, mention.sentence), ())
        speaker = _name_words(mention.speaker_name)
        named.alone[key] = _reads_alone(mention.text, spots, named.people | speaker if speaker else named.people)
    return named.alone[key]


def _reads_alone(text: str, spots: Sequence[tuple[int, str]], people: frozenset[str]) -> bool:
    """Whether ``text`` says what it says to a reader who has not read the sentences before it.
    ``spots``: the offsets and types of the entities it names, where known; ``people``: the words of
    person names."""
    plain = _TIMESTAMP.sub("", text).strip()
    if not plain[:1].isupper() or plain.endswith((":", "?")) or not _balanced(plain) or len(plain.split()) > MAX_WORDS:
        return False
    if plain[:1] in "“\"‘'" or _FIRST_PERSON.match(plain) or _DEPENDENT.match(plain) or _elided(plain):
        return False
    own = outside_quotes(text)
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", own)}
    if words & LOADED_WORDS:
        return False
    return _points_back(own, spots, people) is None


def _name_words(name: str | None) -> frozenset[str]:
    return frozenset(w for w in (name or "").split() if w[:1].isupper())


def _elided(text: str) -> bool:
    """A sentence that opens on a reporting verb in the past has left its subject in the sentence
    before ("Added that the talks would resume.")."""
    first = re.match(r"[A-Za-z]+", text)
    word = first.group(0).lower() if first else ""
    return word in ("said", "told", "wrote") or (
        word.endswith("ed") and (word[:-2] in REPORTING_VERBS or word[:-1] in REPORTING_VERBS)
    )


def _points_back(text: str, spots: Sequence[tuple[int, str]], people: frozenset[str]) -> str | None:
    """The first word of ``text`` (quotes blanked) that needs an earlier sentence to be understood: a
    pronoun with nobody or nothing named before it, or a phrase such as "the same". None if there is none.

    ``spots`` are the offsets and types of the entities the sentence names; ``people`` the words of
    person names. A pronoun in an opening phrase may point forward to the subject after the comma
    ("In her first interview, Mayor Ilves said ...").
    """
    for found in _PERSONAL.finditer(text):
        if not (_someone(text, 0, found.start(), spots, people) or _forward(text, found.start(), spots, people)):
            return found.group(0)
    for found in _NEUTER.finditer(text):
        before = text[: found.start()]
        named = any(start < found.start() for start, _ in spots) or _antecedent(before)
        if not (named or _forward(text, found.start(), spots, people, neuter=True)):
            return found.group(0)
    anaphor = _ANAPHORIC.search(text)
    if anaphor:
        return anaphor.group(0)
    such = _SUCH.search(text)
    if such and "," not in text[: such.start()]:
        return such.group(0)
    return None


def _someone(text: str, start: int, end: int, spots: Sequence[tuple[int, str]], people: frozenset[str]) -> bool:
    """Whether ``text[start:end]`` names a person: a person entity, a person's name, or a role noun."""
    if any(start <= at < end and kind == "PERSON" for at, kind in spots):
        return True
    if re.search(r"\b(?:every|each|any|no)\s+[a-z]+", text[start:end], re.I):
        return True  # "every mayor kept his seat": the pronoun is bound in its own sentence
    words = re.findall(r"[A-Za-z][\w'’-]*", text[start:end])
    return any(w.removesuffix("’s").removesuffix("'s") in people for w in words) or bool(
        _PERSON_NOUN.search(text[start:end])
    )


def _forward(
    text: str, at: int, spots: Sequence[tuple[int, str]], people: frozenset[str], neuter: bool = False
) -> bool:
    """A pronoun in the opening phrase whose referent is the subject just after the comma."""
    comma = text.find(",")
    if comma < 0 or at > comma:
        return False
    window = (comma + 1, min(len(text), comma + FORWARD_CHARS))
    if neuter:
        return any(window[0] <= s < window[1] for s, _ in spots) or _antecedent(
            text[window[0] : window[1]], opening=False
        )
    return _someone(text, *window, spots, people)


def _antecedent(before: str, opening: bool = True) -> bool:
    """Whether the words before an "it" or "they" name a thing it could stand for: a determined noun
    phrase ("the army"), a name the parser missed, or a plural noun ("mercenaries")."""
    if _DETERMINED.search(before):
        return True
    words = re.findall(r"[A-Za-z][\w-]*", before)
    # A sentence's first word is capitalised whatever it is.
    if any(w[:1].isupper() and not _CALENDAR.fullmatch(w) for w in words[1 if opening else 0 :]):
        return True
    return any(len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")) for w in words)


def _event_dates(timeline: Sequence[TimelineEntry]) -> dict[str, str]:
    """The earliest date the texts give for each claim's event (background years are not claims)."""
    dates: dict[str, str] = {}
    for entry in timeline:
        for claim_id in entry.claims:
            if claim_id not in dates or entry.date < dates[claim_id]:
                dates[claim_id] = entry.date
    return dates


def _pick(
    ranked: list[Claim],
    limit: int,
    wording: dict[str, _Wording | None],
    docs: dict[str, Document],
    event_outlets: dict[str, int] | None = None,
) -> list[Claim]:
    """Take the best claims that can be worded, no more than two single-source claims from any one
    outlet (its pages together), reporting before commentary among those, then a claim whose happening
    other outlets also report before one nobody else does; never the same source sentence twice."""
    event_outlets = event_outlets or {}

    def commentary(claim: Claim) -> bool:
        """Whether the page the claim is worded from is commentary: known without wording it when
        every page it could be worded from (``_wording``'s options) is of one kind."""
        kinds = {docs[m.doc].genre in COMMENTARY_GENRES for m in claim.mentions if _may_tell(m)}
        if len(kinds) < 2:
            return kinds == {True}
        told = wording[claim.id]
        return told is not None and docs[told.mention.doc].genre in COMMENTARY_GENRES

    chosen: list[Claim] = []
    per_doc: Counter[str] = Counter()
    sentences: set[tuple[str, str]] = set()
    for claim in _in_turn(ranked, commentary, event_outlets):
        if len(chosen) == limit:
            break
        told = wording[claim.id]
        if told is None:
            continue
        mention = told.mention
        if (mention.doc, mention.sentence) in sentences:
            continue
        outlet = docs[mention.doc].label
        if claim.independent_sources < 2 and per_doc[outlet] >= 2:
            continue
        per_doc[outlet] += claim.independent_sources < 2
        sentences.add((mention.doc, mention.sentence))
        chosen.append(claim)
    return chosen


def _in_turn(
    ranked: list[Claim], commentary: Callable[[Claim], bool], event_outlets: dict[str, int]
) -> Iterator[Claim]:
    """``ranked`` as a stable sort orders it by more sources first, then, among claims of fewer
    than two sources (one or none), reporting before commentary, then a claim whose happening
    other outlets also report before one nobody else does. Made as it is read: whether a claim is
    commentary is asked only of the claims reached (the brief takes a few of a large story's
    thousands)."""
    by_sources: dict[int, list[Claim]] = defaultdict(list)
    for claim in ranked:
        by_sources[claim.independent_sources].append(claim)
    known: dict[str, bool] = {}

    def kind(claim: Claim) -> bool:
        if claim.id not in known:
            known[claim.id] = commentary(claim)
        return known[claim.id]

    for sources in sorted(by_sources, reverse=True):
        group = by_sources[sources]
        few = [event_outlets.get(c.id, 0) < 2 for c in group]
        for is_commentary in (False, True) if sources < 2 else (None,):
            for alone in (False, True):
                yield from (
                    c
                    for c, f in zip(group, few, strict=True)
                    if f == alone and (is_commentary is None or kind(c) == is_commentary)
                )


def _balanced(text: str) -> bool:
    """A sentence whose quotation marks do not pair up is a fragment of a longer quote."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _rank(claim: Claim, place: int) -> tuple[int, bool, int, int, int, int]:
    """Sources carrying the claim, firmness, specifics; then the first reported (``place``: the
    claim's place in the story's order). The brief puts the outlets telling the claim's happening
    second where it counts them."""
    return (*_standing(claim), -place)


@object_memo  # (a desk's next add finds most claims again, the same objects)
def _standing(claim: Claim) -> tuple[int, bool, int, int, int]:
    firm = sum(1 for m in claim.mentions if m.certainty == "asserted" and m.kind == "news")
    settled = claim.status != "disputed"
    # Names and numbers make a sentence checkable; a sentence full of them says what happened.
    specifics = _specifics(claim.text)
    return (
        claim.independent_sources,
        settled,
        firm,
        min(specifics, 6),
        len(claim.mentions),
    )


@story_memo
def _specifics(text: str) -> int:
    return len(re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+|\d", text))


def _headline(entities: Sequence[Entity], documents: Sequence[Document], claims: Sequence[Claim]) -> str:
    people = [e.name for e in entities if e.type == "PERSON"][:2]
    places = [e.name for e in entities if e.type in ("GPE", "LOC")][:1]
    subject = " and ".join(people) if people else (places[0] if places else "The story")
    outlets = Counter(d.label for d in documents)
    corroborated = sum(1 for c in claims if c.independent_sources >= 2)
    where = f" in {places[0]}" if places and people else ""
    return (
        f"{subject}{where}: {_count(len(documents), 'report')} from {_count(len(outlets), 'source')}, "
        f"{_count(corroborated, 'claim')} carried by more than one"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
