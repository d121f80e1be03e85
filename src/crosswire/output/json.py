"""Dossier → JSON following ``dossier.schema.json`` (version 1), plus extra evidence fields."""

from __future__ import annotations

import json
from typing import Any

from crosswire.models import ClaimMention, Dossier, Quantity, TimeMention

SCHEMA_VERSION = "1"


def to_dict(dossier: Dossier, generator_version: str = "0") -> dict[str, Any]:
    """The dossier as schema-shaped plain data; key order is stable so runs can be diffed."""
    texts = {(d.id, s.id): s.text for d in dossier.documents for s in d.sentences}

    def ref(doc: str, sentence: str) -> dict[str, Any]:
        return {"doc": doc, "sentence": sentence, "text": texts.get((doc, sentence), "")}

    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "crosswire", "version": generator_version},
        "documents": [
            {
                "id": d.id,
                "source": d.source,
                "title": d.title,
                "outlet": d.outlet,
                "outlet_evidence": d.outlet_evidence,
                "label": d.label,
                "byline": d.byline,
                "published": {"date": d.published.date, "basis": d.published.basis, "evidence": d.published.evidence},
                "language": d.language,
                "story_block": d.story,
                "genre": d.genre,
                "url": d.url,
                "sentences": [{"id": s.id, "paragraph": s.paragraph, "text": s.text} for s in d.sentences],
                "removed": [{"kind": r.kind, "text": r.text, "why": r.why} for r in d.removed],
            }
            for d in dossier.documents
        ],
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "mentions": [
                    {**ref(m.doc, m.sentence), "surface": m.text, "start": m.start, "end": m.end} for m in e.mentions
                ],
                "merges": list(e.merges),
            }
            for e in dossier.entities
        ],
        "timeline": [
            {
                "id": t.id,
                "date": t.date,
                "precision": t.precision,
                "text": t.text,
                "claims": list(t.claims),
                "background": t.background,
                "evidence": [_time(m, ref) for m in t.evidence],
            }
            for t in dossier.timeline
        ],
        "claims": [
            {
                "id": c.id,
                "text": c.text,
                "mentions": [_mention(m, ref) for m in c.mentions],
                "independent_sources": c.independent_sources,
                "first_reported": c.first_reported,
                "status": c.status,
                "quantities": [_quantity(q) for q in c.quantities],
                "normalisation": list(c.normalisation),
            }
            for c in dossier.claims
        ],
        "conflicts": [
            {
                "id": k.id,
                "kind": k.kind,
                "claims": list(k.claims),
                "explanation": k.explanation,
                "superseded": k.superseded,
                "disputes": k.disputes,
                "evidence": [_mention(m, ref) for m in k.evidence],
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
                    {**ref(m.doc, s), "speaker_text": m.speaker_text, "block": m.block}
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
                    {**ref(m.doc, m.sentence), "word": m.word, "start": m.start, "claim": m.claim, "day": m.day}
                    for m in v.mentions
                ],
            }
            for v in dossier.events
        ],
    }


def to_json(dossier: Dossier, generator_version: str = "0") -> str:
    # Strict JSON: no NaN or Infinity (numbers are bounded where they are parsed; this keeps it so).
    return json.dumps(to_dict(dossier, generator_version), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _mention(m: ClaimMention, ref) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        **ref(m.doc, m.sentence),
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


def _time(m: TimeMention, ref) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return {
        **ref(m.doc, m.sentence),
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
