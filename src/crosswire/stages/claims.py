"""Claims: one claim mention per proposition (clause), with its span, speaker, certainty and kind.

A sentence is split into clauses by annotate (coordinated clauses, reported-speech complements,
non-restrictive relative clauses); each clause is a mention pointing at its sentence and its span
there. Remarks such as "These statements have yet to be independently confirmed." are folded into the
sentence before them (its mentions become "unconfirmed") instead of standing as claims of their own.

Not everything is news. Each mention gets a kind: "question"; "background" (it is dated more than a
year before the document); "opinion" (the outlet's own evaluation: loaded wording in its own voice,
or, in commentary, an own-voice statement anchored to no date, number or quote). They are kept and
labelled; align never counts them as corroboration and the brief never states them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from crosswire.lexicons import DENIAL, UNCONFIRMED
from crosswire.models import COMMENTARY_GENRES, Annotated, Certainty, ClaimMention, Clause, Entity, SentenceInfo
from crosswire.stages._attribution import loaded_words, outside_quotes
from crosswire.stages._memo import document_memo
from crosswire.stages._names import Describer, describer, entity_lookup, find_entity

MIN_WORDS = 6
BACKGROUND_YEARS = 1  # dated this many years or more before the document: background, not the story
_META = re.compile(
    r"^(?:these|this|those|the|such|that)\s+(?:statements?|claims?|reports?|accounts?|allegations?|figures?|"
    r"videos?|images?|footage|details?)\b",
    re.I,
)
_ACTORS = ("PERSON", "ORG", "GPE", "LOC", "FAC")  # a commentary sentence naming one states something checkable


def extract_claims(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> tuple[ClaimMention, ...]:
    """Every claim mention of the story, in document, sentence and clause order."""
    lookup = entity_lookup(entities)
    descriptions = describer(annotated, entities)
    mentions: list[ClaimMention] = []
    for doc in annotated:
        # Who speaks is the one thing the rest of the story decides (which entity a name is).
        speakers = tuple(_speaker(info, lookup, descriptions) if info.words >= MIN_WORDS else None for info in doc.info)
        mentions.extend(_document_claims(doc, speakers))
    return tuple(mentions)


def _speaker(info: SentenceInfo, lookup: dict[str, str], descriptions: Describer) -> tuple[str | None, str | None]:
    """(entity id, name as written) of who speaks in a sentence, where it can be told."""
    if not info.speaker_text:  # (most sentences: nothing to look up)
        return None, info.speaker_text
    speaker, speaker_name = find_entity(lookup, info.speaker_text), info.speaker_text
    if speaker is None:  # "the paper", "the interior minister"
        speaker, named = descriptions.find(info.speaker_text, info.doc, info.sentence)
        speaker_name = named or speaker_name
    return speaker, speaker_name


@document_memo
def _document_claims(
    doc: Annotated, speakers: tuple[tuple[str | None, str | None] | None, ...]
) -> tuple[ClaimMention, ...]:
    """The claim mentions of one document, ``speakers`` giving who speaks in each of its sentences."""
    texts = {s.id: s.text for s in doc.document.sentences}
    anchors = _anchors(doc)
    actors: dict[str, list[int]] = defaultdict(list)  # where each sentence names a person, body or place
    for e in doc.entities:
        if e.label in _ACTORS:
            actors[e.sentence].append(e.start)
    own: list[ClaimMention] = []
    for info, said_by in zip(doc.info, speakers, strict=True):
        text = texts[info.sentence]
        if own and _META.match(text) and (UNCONFIRMED.search(text) or DENIAL.search(text)):
            certainty: Certainty = "denied" if DENIAL.search(text) else "unconfirmed"
            cue = (DENIAL.search(text) or UNCONFIRMED.search(text)).group(0)  # type: ignore[union-attr]
            last = own[-1].sentence
            own = [
                replace(m, certainty=certainty, cues=(*m.cues, f"next sentence: {cue}")) if m.sentence == last else m
                for m in own
            ]
            continue
        if said_by is None:  # (fewer than MIN_WORDS words)
            continue
        speaker, speaker_name = said_by
        clauses = info.clauses or (Clause(0, len(text), text, info.lemmas, info.certainty, info.cues),)
        for clause in clauses:
            own.append(
                ClaimMention(
                    doc=info.doc,
                    sentence=info.sentence,
                    text=text,
                    speaker=speaker,
                    speaker_name=speaker_name,
                    certainty=clause.certainty,
                    cues=clause.cues,
                    start=clause.start,
                    end=clause.end,
                    clause=clause.text,
                    kind=_kind(doc, info, clause, text, anchors, actors.get(info.sentence, [])),
                    negated=clause.negated,
                    future=clause.future,
                    tense=clause.tense,
                    subject=clause.subject,
                    predicate=clause.predicate,
                    head=clause.head,
                    object=clause.object,
                )
            )
    return tuple(own)


def _anchors(doc: Annotated) -> dict[str, list[tuple[int, int, str]]]:
    """Per sentence: spans of dates, numbers and quotes (what makes a statement checkable)."""
    found: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for t in doc.times:
        found[t.sentence].append((t.start, t.end, t.date or ""))
    for q in doc.quantities:
        found[q.sentence].append((q.start, q.end, ""))
    return found


def _kind(doc: Annotated, info: SentenceInfo, clause: Clause, text: str, anchors: dict, actors: list[int]) -> str:
    if info.is_question:
        return "question"
    inside = [a for a in anchors.get(info.sentence, ()) if clause.start <= a[0] < clause.end]
    published = doc.document.published.date
    if published and any(d[:4].isdigit() and int(d[:4]) <= int(published[:4]) - BACKGROUND_YEARS for *_, d in inside):
        return "background"
    if info.speaker_text is not None or not info.own_voice:
        return "news"
    if loaded_words(outside_quotes(text)[clause.start : clause.end]):
        return "opinion"
    quoted = "“" in text or '"' in text
    named = any(clause.start <= start < clause.end for start in actors)
    if doc.document.genre in COMMENTARY_GENRES and not (inside or quoted or named):
        return "opinion"
    return "news"
