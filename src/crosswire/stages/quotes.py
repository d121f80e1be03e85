"""Quotes: every direct quote with its speaker resolved to an entity, identical quotes merged."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from crosswire.models import Annotated, Entity, Quote, QuoteMention
from crosswire.stages._ids import fingerprint, numbered, slug
from crosswire.stages._names import describer, entity_lookup, find_entity

ID_WORDS, ID_CHARS = 6, 48  # a quote's id: its first words, at most this long


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
    for quote_id, mentions in zip(quote_ids(groups), groups.values(), strict=True):
        speakers = [speaker_of[(m.doc, m.start)] for m in mentions if (m.doc, m.start) in speaker_of]
        speaker, spoken_name = next(((e, t) for e, t in speakers if e), speakers[0] if speakers else (None, None))
        quotes.append(
            Quote(
                id=quote_id,
                text=mentions[0].text,
                speaker=speaker,
                speaker_name=names.get(speaker or "", spoken_name),
                mentions=tuple(mentions),
            )
        )
    return tuple(quotes)


def quote_ids(keys: Iterable[str]) -> list[str]:
    """Each quote's id, from its words (``_key``): its first words, "q-they-want-to-silence-us"; a
    later quote beginning alike adds a fingerprint of all its words. So a quote keeps its id while
    no quote beginning alike is found before it, whatever else is (until 2026-12-07 quotes were
    numbered "q1", "q2" in the story's order). Alike in all their words is one quote."""
    bases, given = [], set()
    for key in keys:
        base = "q-" + slug(" ".join(key.split()[:ID_WORDS]), ID_CHARS)
        if base in given:
            base = f"{base}-{fingerprint(key)}"
        else:
            given.add(base)
        bases.append(base)
    return numbered(bases)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
