"""Quality gate: per-stage scores on the shipped sample corpus against hand-labelled expectations
(tests/quality/expected.json) must stay at or above the pinned floors (tests/quality/floors.json).

Run ``python tests/test_quality.py`` to print the scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "quality"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
FLOORS = json.loads((HERE / "floors.json").read_text(encoding="utf-8"))


def _share(hits: list[bool]) -> float:
    return sum(hits) / len(hits) if hits else 1.0


def scores(dossier) -> dict[str, float]:
    """Each stage's share of expectations met."""
    docs = {d.id: d for d in dossier.documents}
    facts = []
    for doc_id, want in EXPECTED["documents"].items():
        doc = docs[doc_id]
        got = {
            "outlet": doc.outlet,
            "byline": doc.byline,
            "date": doc.published.date,
            "basis": doc.published.basis,
            "genre": doc.genre,
        }
        facts += [got[k] == v for k, v in want.items()]
    body = " ".join(s.text for d in dossier.documents for s in d.sentences)
    entity_of = {alias: e.id for e in dossier.entities for alias in e.aliases}
    times = {(m.doc, m.text): m.date for t in dossier.timeline for m in t.evidence}
    claim_of = [(m.text, c) for c in dossier.claims for m in c.mentions]

    def claim(fragment: str):
        return [c.id for text, c in claim_of if fragment in text]

    def together(a: str, b: str) -> bool:
        return bool(set(claim(a)) & set(claim(b)))

    event_of = {c: v.id for v in dossier.events for c in v.claims}

    def one_event(a: str, b: str) -> bool:  # a claim of each in one event, or in one claim
        ea = {event_of.get(c, c) for c in claim(a)}
        return bool(ea & {event_of.get(c, c) for c in claim(b)})

    certainty = {m.text: m.certainty for c in dossier.claims for m in c.mentions}
    conflict_texts = [(k.kind, " ".join(m.text for m in k.evidence) + " " + k.explanation) for k in dossier.conflicts]
    quotes = [(q.text, q.speaker_name) for q in dossier.quotes]
    return {
        "documents": _share(facts),
        "cleaning": _share([fragment not in body for fragment in EXPECTED["removed_not_in_body"]]),
        "entities_same": _share(
            [
                entity_of.get(a) is not None and entity_of.get(a) == entity_of.get(b)
                for a, b in EXPECTED["entities"]["same"]
            ]
        ),
        "entities_apart": _share([entity_of.get(a) != entity_of.get(b) for a, b in EXPECTED["entities"]["apart"]]),
        "times": _share([times.get((d, e)) == want for d, e, want in EXPECTED["times"]]),
        "claims_same": _share([together(a, b) for a, b in EXPECTED["claims"]["same"]]),
        "claims_apart": _share([not together(a, b) for a, b in EXPECTED["claims"]["apart"]]),
        "events_same": _share([one_event(a, b) for a, b in EXPECTED["events"]["same"]]),
        "events_apart": _share([not one_event(a, b) for a, b in EXPECTED["events"]["apart"]]),
        "certainty": _share(
            [any(f in t and c == want for t, c in certainty.items()) for f, want in EXPECTED["certainty"]]
        ),
        "conflicts": _share(
            [
                any(kind == want["kind"] and all(f in text for f in want["both"]) for kind, text in conflict_texts)
                for want in EXPECTED["conflicts"]
            ]
        ),
        "no_false_conflicts": _share(
            [
                not any(a in text and b in text and "disagree" in text for _, text in conflict_texts)
                for a, b in EXPECTED["no_conflict_between"]
            ]
        ),
        "quotes": _share(
            [any(f in text and speaker == want for text, speaker in quotes) for f, want in EXPECTED["quotes"]]
        ),
    }


@pytest.mark.parametrize("stage", [k for k in FLOORS if not k.startswith("_")])
def test_quality_stage_meets_its_floor(sample_dossier, stage):
    score = scores(sample_dossier)[stage]
    assert score >= FLOORS[stage], f"{stage}: {score:.2f} < floor {FLOORS[stage]:.2f}"


if __name__ == "__main__":
    from conftest import SAMPLE, SETTINGS

    from crosswire.analysis.pipeline import analyze

    for stage, value in scores(analyze([str(SAMPLE)], SETTINGS)).items():
        print(f"{stage:<20}{value:6.2f}  floor {FLOORS.get(stage, 0):.2f}")
