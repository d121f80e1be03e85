"""Dossier ↔ JSON following ``dossier.schema.json`` (version 1), plus extra evidence fields.

``to_dict`` writes the schema's JSON; ``from_dict`` reads it back into the same types, so the store,
the diff and the web page work on a ``Dossier`` and a renamed field is found by the type checker.
What the JSON does not carry comes back empty (a claim mention's parse details, an entity mention's
label); ``to_dict(from_dict(data)) == data`` holds for every dossier crosswire writes. Fields the
schema does not require may be missing (a version stored by an older crosswire) and take defaults.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from crosswire.errors import InputError
from crosswire.models import (
    Brief,
    BriefSentence,
    Claim,
    ClaimMention,
    Conflict,
    Document,
    Dossier,
    Entity,
    EntityMention,
    Event,
    EventMention,
    Profile,
    Published,
    Quantity,
    Quote,
    QuoteMention,
    Removed,
    Sentence,
    Skipped,
    TimelineEntry,
    TimeMention,
)

SCHEMA_VERSION = "1"


Text = Callable[[str, str], str]  # a sentence's text, by document and sentence id


# Writes one document, entity or claim of a dossier: ``_written``, or the JSON ``KeptJSON`` wrote
# before.
Writer = Callable[[str, Any, Text], Any]


def to_dict(
    dossier: Dossier,
    generator_version: str = "0",
    write: Writer | None = None,
) -> dict[str, Any]:
    """The dossier as schema-shaped plain data; key order is stable so runs can be diffed. ``write``
    writes each document, entity and claim (by kind: "document", "entity", "claim") in place of
    ``_written`` (``KeptJSON``: their JSON, written before)."""
    write = write or _written
    # Every pointer to a sentence carries its text: {"doc", "sentence", "text", ...}, written out in
    # each dictionary (a 1,000-article story has about 100,000 of them; merging a dictionary made
    # for the pointer into each cost a desk's add a tenth of a second).
    texts = {(d.id, s.id): s.text for d in dossier.documents for s in d.sentences}

    def text(doc: str, sentence: str) -> str:
        return texts.get((doc, sentence), "")

    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "crosswire", "version": generator_version},
        "documents": [write("document", d, text) for d in dossier.documents],
        "entities": [write("entity", e, text) for e in dossier.entities],
        "timeline": [
            {
                "id": t.id,
                "date": t.date,
                "precision": t.precision,
                "text": t.text,
                "claims": list(t.claims),
                "background": t.background,
                "evidence": [_time(m, text) for m in t.evidence],
            }
            for t in dossier.timeline
        ],
        "claims": [write("claim", c, text) for c in dossier.claims],
        "conflicts": [
            {
                "id": k.id,
                "kind": k.kind,
                "claims": list(k.claims),
                "explanation": k.explanation,
                "superseded": k.superseded,
                "disputes": k.disputes,
                "evidence": [_mention(m, text) for m in k.evidence],
            }
            for k in dossier.conflicts
        ],
        "quotes": [
            {
                "id": q.id,
                "text": q.text,
                "speaker": q.speaker,
                "speaker_name": q.speaker_name,
                "mentions": [
                    {
                        "doc": m.doc,
                        "sentence": s,
                        "text": text(m.doc, s),
                        "speaker_text": m.speaker_text,
                        "block": m.block,
                    }
                    for m in q.mentions
                    for s in m.sentences[:1]
                ],
            }
            for q in dossier.quotes
        ],
        "profiles": [
            {
                "doc": p.doc,
                "framing": dict(p.framing),
                "loaded_language": p.loaded_language,
                "hedging_rate": p.hedging_rate,
                "attribution_rate": p.attribution_rate,
                "unique_claims": p.unique_claims,
                "loaded_examples": list(p.loaded_examples),
            }
            for p in dossier.profiles
        ],
        "brief": {
            "headline": dossier.brief.headline,
            "summary": [
                {"text": s.text, "claims": list(s.claims), "sources": list(s.sources)} for s in dossier.brief.summary
            ],
            "disputed": list(dossier.brief.disputed),
            "single_source": list(dossier.brief.single_source),
        },
        "errors": [{"source": e.source, "stage": e.stage, "reason": e.reason} for e in dossier.errors],
        # Not in the schema (extra fields are allowed): happenings several documents tell, each with its
        # claims; a reader's index, not corroboration (that is each claim's independent_sources).
        "events": [
            {
                "id": v.id,
                "word": v.word,
                "claims": list(v.claims),
                "documents": v.documents,
                "outlets": v.outlets,
                "mentions": [
                    {
                        "doc": m.doc,
                        "sentence": m.sentence,
                        "text": text(m.doc, m.sentence),
                        "word": m.word,
                        "start": m.start,
                        "claim": m.claim,
                        "day": m.day,
                    }
                    for m in v.mentions
                ],
            }
            for v in dossier.events
        ],
    }


def _document(d: Document, text: Text) -> dict[str, Any]:
    return {
        "id": d.id,
        "source": d.source,
        "title": d.title,
        "outlet": d.outlet,
        "outlet_evidence": d.outlet_evidence,
        "label": d.label,
        "byline": d.byline,
        "published": {
            "date": d.published.date,
            "basis": d.published.basis,
            "evidence": d.published.evidence,
        },
        "language": d.language,
        "story_block": d.block,
        "genre": d.genre,
        "url": d.url,
        "sentences": [{"id": s.id, "paragraph": s.paragraph, "text": s.text} for s in d.sentences],
        "removed": [{"kind": r.kind, "text": r.text, "why": r.why} for r in d.removed],
    }


def _entity(e: Entity, text: Text) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "aliases": list(e.aliases),
        "mentions": [
            {
                "doc": m.doc,
                "sentence": m.sentence,
                "text": text(m.doc, m.sentence),
                "surface": m.text,
                "start": m.start,
                "end": m.end,
            }
            for m in e.mentions
        ],
        "merges": list(e.merges),
    }


def _claim(c: Claim, text: Text) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": c.text,
        "mentions": [_mention(m, text) for m in c.mentions],
        "independent_sources": c.independent_sources,
        "first_reported": c.first_reported,
        "status": c.status,
        "quantities": [_quantity(q) for q in c.quantities],
        "normalisation": list(c.normalisation),
    }


_WRITERS: dict[str, Callable[[Any, Text], dict[str, Any]]] = {
    "document": _document,
    "entity": _entity,
    "claim": _claim,
}


def _written(kind: str, item: Any, text: Text) -> dict[str, Any]:
    return _WRITERS[kind](item, text)


class KeptJSON:
    """Each document's, entity's and claim's JSON, kept from one version of a story to the next. A
    desk stores a version at every add, and most of its documents, entities and claims are the
    objects the last add made (the stages find them again): their JSON, four fifths of a version's,
    is written once, not at every add. One is written again when it is another object, or a
    sentence it cites reads differently; what the last version did not hold is let go. On a
    1,000-article story the claims' JSON kept is 24 MB, the documents' and entities' about 9 MB
    more (the size of their JSON in a version)."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Any, tuple[str, ...], orjson.Fragment]] = {}

    def dumps(self, dossier: Dossier, generator_version: str = "0") -> bytes:
        """What ``to_dict`` makes of the dossier, as compact JSON in UTF-8. Text that is not valid
        Unicode (a file name that was not UTF-8) is beyond orjson: such a dossier is written by the
        json module, its surrogates passed through, and nothing is kept."""
        now: dict[int, tuple[Any, tuple[str, ...], orjson.Fragment]] = {}

        def written(kind: str, item: Any, text: Text) -> orjson.Fragment:
            # (a document's JSON holds its own sentences; an entity's and a claim's cite others')
            mentions = () if kind == "document" else item.mentions
            cited = tuple(text(m.doc, m.sentence) for m in mentions)
            found = self._kept.get(id(item))
            if found is None or found[0] is not item or found[1] != cited:
                # (copied: the bytes orjson hands back keep room for about 8 KB, ten times a
                # claim's JSON; 230 MB kept for the 1,000-article story's claims, not 24)
                exact = bytes(memoryview(orjson.dumps(_WRITERS[kind](item, text))))
                found = (item, cited, orjson.Fragment(exact))
            now[id(item)] = found
            return found[2]

        try:
            return orjson.dumps(to_dict(dossier, generator_version, written))
        except orjson.JSONEncodeError:
            now.clear()
            plain = json.dumps(to_dict(dossier, generator_version), ensure_ascii=False)
            return plain.encode("utf-8", "surrogatepass")
        finally:
            self._kept = now


def to_json(dossier: Dossier, generator_version: str = "0") -> str:
    # Strict JSON: no NaN or Infinity (numbers are bounded where they are parsed; this keeps it so).
    return json.dumps(to_dict(dossier, generator_version), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _mention(m: ClaimMention, text: Callable[[str, str], str]) -> dict[str, Any]:
    return {
        "doc": m.doc,
        "sentence": m.sentence,
        "text": text(m.doc, m.sentence),
        "speaker": m.speaker,
        "speaker_name": m.speaker_name,
        "certainty": m.certainty,
        "cues": list(m.cues),
        "span": {"start": m.start, "end": m.end if m.end >= 0 else len(m.text)},
        "clause": m.clause or m.span,
        "kind": m.kind,
        "negated": m.negated,
        "future": m.future,
        "tense": m.tense,
        "when": {"date": m.when, "precision": m.when_precision, "basis": m.when_basis} if m.when else None,
    }


def _time(m: TimeMention, text: Callable[[str, str], str]) -> dict[str, Any]:
    return {
        "doc": m.doc,
        "sentence": m.sentence,
        "text": text(m.doc, m.sentence),
        "expression": m.text,
        "resolved": m.date,
        "confidence": m.confidence,
        "anchor": m.anchor,
        "anchor_basis": m.anchor_basis,
    }


def _quantity(q: Quantity) -> dict[str, Any]:
    return {
        "doc": q.doc,
        "sentence": q.sentence,
        "text": q.text,
        "low": q.low,
        "high": q.high,
        "unit": q.unit,
        "dimension": q.dimension,
        "noun": q.noun,
        "approximate": q.approximate,
    }


def from_dict(data: Mapping[str, Any], source: str = "dossier") -> Dossier:
    """A dossier read back from the JSON ``to_dict`` wrote (``source`` names it in errors).

    Raises:
        InputError: the data is not a crosswire dossier of this schema version.
    """
    if not isinstance(data, Mapping) or data.get("schema_version") != SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, Mapping) else type(data).__name__
        raise InputError(source, f"not a crosswire dossier of schema version {SCHEMA_VERSION} (found {found!r})")
    try:
        return _dossier(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(source, f"a dossier field is missing or malformed ({type(exc).__name__}: {exc})") from exc


def _dossier(data: Mapping[str, Any]) -> Dossier:
    brief = data["brief"]
    return Dossier(
        documents=tuple(_read_document(d) for d in data["documents"]),
        entities=tuple(
            Entity(
                id=e["id"],
                name=e["name"],
                type=e["type"],
                aliases=tuple(e["aliases"]),
                mentions=tuple(
                    EntityMention(
                        m["doc"], m["sentence"], m.get("start", 0), m.get("end", 0), m.get("surface", ""), e["type"]
                    )
                    for m in e["mentions"]
                ),
                merges=tuple(e.get("merges", ())),
            )
            for e in data["entities"]
        ),
        timeline=tuple(
            TimelineEntry(
                id=t["id"],
                date=t["date"],
                precision=t["precision"],
                text=t["text"],
                evidence=tuple(_time_back(m) for m in t["evidence"]),
                claims=tuple(t.get("claims", ())),
                background=t.get("background", False),
            )
            for t in data["timeline"]
        ),
        claims=tuple(
            Claim(
                id=c["id"],
                text=c["text"],
                mentions=tuple(_mention_back(m) for m in c["mentions"]),
                independent_sources=c.get("independent_sources", 1),
                first_reported=c.get("first_reported"),
                status=c["status"],
                quantities=tuple(Quantity(start=0, end=0, **q) for q in c.get("quantities", ())),
                normalisation=tuple(c.get("normalisation", ())),
            )
            for c in data["claims"]
        ),
        conflicts=tuple(
            Conflict(
                id=k["id"],
                kind=k["kind"],
                claims=tuple(k["claims"]),
                explanation=k["explanation"],
                evidence=tuple(_mention_back(m) for m in k.get("evidence", ())),
                superseded=k.get("superseded"),
                disputes=k.get("disputes", True),
            )
            for k in data["conflicts"]
        ),
        quotes=tuple(
            Quote(
                id=q["id"],
                text=q["text"],
                speaker=q["speaker"],
                speaker_name=q["speaker_name"],
                mentions=tuple(
                    QuoteMention(
                        m["doc"], (m["sentence"],), 0, 0, q["text"], m.get("speaker_text"), block=m.get("block", False)
                    )
                    for m in q["mentions"]
                ),
            )
            for q in data["quotes"]
        ),
        profiles=tuple(
            Profile(
                doc=p["doc"],
                framing=tuple((term, count) for term, count in p["framing"].items()),
                loaded_language=p["loaded_language"],
                hedging_rate=p.get("hedging_rate", 0.0),
                attribution_rate=p.get("attribution_rate", 0.0),
                unique_claims=p.get("unique_claims", 0),
                loaded_examples=tuple(p.get("loaded_examples", ())),
            )
            for p in data["profiles"]
        ),
        brief=Brief(
            headline=brief["headline"],
            summary=tuple(
                BriefSentence(s["text"], tuple(s["claims"]), tuple(s.get("sources", ()))) for s in brief["summary"]
            ),
            disputed=tuple(brief.get("disputed", ())),
            single_source=tuple(brief.get("single_source", ())),
        ),
        errors=tuple(Skipped(e["source"], e.get("stage", ""), e["reason"]) for e in data.get("errors", ())),
        events=tuple(
            Event(
                id=v["id"],
                word=v["word"],
                mentions=tuple(
                    EventMention(m["doc"], m["sentence"], m["start"], m["word"], "", m["claim"], m["day"])
                    for m in v["mentions"]
                ),
                claims=tuple(v["claims"]),
                documents=v["documents"],
                outlets=v["outlets"],
            )
            for v in data.get("events", [])
        ),
    )


def _read_document(d: Mapping[str, Any]) -> Document:
    """A document with its paragraphs rebuilt from its sentences (one space between sentences)."""
    paragraphs: dict[int, list[str]] = {}
    for s in d["sentences"]:
        paragraphs.setdefault(s.get("paragraph", 0), []).append(s["text"])
    numbers = sorted(paragraphs)
    texts = {n: " ".join(paragraphs[n]) for n in numbers}
    sentences, offset, at = [], {}, 0
    for n in numbers:
        offset[n] = at
        at += len(texts[n]) + 2
    seen: dict[int, int] = {}
    for s in d["sentences"]:
        paragraph = s.get("paragraph", 0)
        start = offset[paragraph] + seen.get(paragraph, 0)
        seen[paragraph] = seen.get(paragraph, 0) + len(s["text"]) + 1
        sentences.append(Sentence(s["id"], paragraph, s["text"], start, start + len(s["text"])))
    published = d["published"]
    return Document(
        id=d["id"],
        source=d["source"],
        title=d["title"],
        outlet=d["outlet"],
        byline=d["byline"],
        published=Published(published["date"], published["basis"], published.get("evidence")),
        language=d["language"],
        genre=d["genre"],
        paragraphs=tuple(texts[n] for n in numbers),
        removed=tuple(Removed(r["kind"], r["text"], r.get("why", "")) for r in d["removed"]),
        url=d.get("url"),
        block=d.get("story_block", 0),
        sentences=tuple(sentences),
        outlet_evidence=d.get("outlet_evidence"),
    )


def _mention_back(m: Mapping[str, Any]) -> ClaimMention:
    when = m.get("when")
    span = m.get("span") or {"start": 0, "end": -1}
    return ClaimMention(
        doc=m["doc"],
        sentence=m["sentence"],
        text=m.get("text", ""),
        speaker=m.get("speaker"),
        speaker_name=m.get("speaker_name"),
        certainty=m["certainty"],
        cues=tuple(m.get("cues", ())),
        start=span["start"],
        end=span["end"],
        clause=m.get("clause", ""),
        kind=m.get("kind", "news"),
        negated=m.get("negated", False),
        future=m.get("future", False),
        tense=m.get("tense", ""),
        when=when["date"] if when else None,
        when_precision=when["precision"] if when else None,
        when_basis=when["basis"] if when else "",
    )


def _time_back(m: Mapping[str, Any]) -> TimeMention:
    return TimeMention(
        doc=m["doc"],
        sentence=m["sentence"],
        start=0,
        end=0,
        text=m["expression"],
        date=m.get("resolved"),
        confidence=m.get("confidence", 0.0),
        anchor=m.get("anchor"),
        anchor_basis=m.get("anchor_basis"),
    )
