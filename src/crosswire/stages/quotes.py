"""Quotes: every direct quote with its speaker resolved to an entity, identical quotes merged."""

from __future__ import annotations

import re
from collections.abc import Sequence

from crosswire.models import Annotated, Entity, Quote, QuoteMention
from crosswire.stages._names import describer, entity_lookup, find_entity


def resolve_quotes(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """Group quote mentions with the same words across documents and name their speakers.

    A speaker named only by a first name ('said resident Dmitry') resolves to the entity of that
    first name alone, never to a better-known person who shares it.
    """
    lookup = entity_lookup(entities)
    names = {e.id: e.name for e in entities}
    descriptions = describer(annotated, entities)
    groups: dict[str, list[QuoteMention]] = {}
    speaker_of: dict[tuple[str, int], tuple[str | None, str]] = {}  # a mention's (entity, name as written)
    for doc in annotated:
        for mention in doc.quotes:
            groups.setdefault(_key(mention.text), []).append(mention)
            if mention.speaker_text:
                entity, named = find_entity(lookup, mention.speaker_text), None
                if entity is None:  # "the paper", "the interior minister"
                    where = mention.speaker_sentence or (mention.sentences[0] if mention.sentences else "")
                    entity, named = descriptions.find(mention.speaker_text, mention.doc, where)
                speaker_of[(mention.doc, mention.start)] = (entity, named or mention.speaker_text)
    quotes: list[Quote] = []
    for mentions in groups.values():
        speakers = [speaker_of[(m.doc, m.start)] for m in mentions if (m.doc, m.start) in speaker_of]
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
