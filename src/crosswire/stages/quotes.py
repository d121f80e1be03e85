"""Quotes: every direct quote with its speaker resolved to an entity, identical quotes merged."""

from __future__ import annotations

import re
from collections.abc import Sequence

from crosswire.models import Annotated, Entity, Quote, QuoteMention
from crosswire.stages.entities import entity_lookup, find_entity


def resolve_quotes(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """Group quote mentions with the same words across documents and name their speakers.

    A speaker named only by a first name ('said resident Dmitry') resolves to the entity of that
    first name alone, never to a better-known person who shares it.
    """
    lookup = entity_lookup(entities)
    names = {e.id: e.name for e in entities}
    groups: dict[str, list[QuoteMention]] = {}
    for doc in annotated:
        for mention in doc.quotes:
            groups.setdefault(_key(mention.text), []).append(mention)
    quotes: list[Quote] = []
    for mentions in groups.values():
        speakers = [(find_entity(lookup, m.speaker_text), m.speaker_text) for m in mentions if m.speaker_text]
        speaker, spoken_name = next(((e, t) for e, t in speakers if e), speakers[0] if speakers else (None, None))
        quotes.append(
            Quote(
                id=f"q{len(quotes) + 1}",
                text=mentions[0].text,
                speaker=speaker,
                speaker_name=names.get(speaker or "", spoken_name),
                mentions=tuple(mentions),
            )
        )
    return tuple(quotes)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
