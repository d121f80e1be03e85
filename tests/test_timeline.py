from __future__ import annotations

from datetime import date

import pytest

from crosswire.stages.timeline import _relative


@pytest.mark.parametrize(
    "expression, anchor, future, expected",
    [
        ("on saturday", date(2023, 6, 26), False, "2023-06-24"),
        ("late on monday", date(2023, 6, 26), False, "2023-06-26"),
        ("friday night", date(2023, 6, 26), False, "2023-06-23"),
        ("yesterday", date(2025, 3, 17), False, "2025-03-16"),
        ("on saturday", date(2025, 3, 21), True, "2025-03-22"),
        ("on 1 march", date(2025, 3, 17), False, "2025-03-01"),
    ],
)
def test_timeline_relative_expressions(expression, anchor, future, expected):
    assert _relative(expression, anchor, future)[0] == expected


def _times(dossier, doc_prefix, expression):
    return [m for e in dossier.timeline for m in e.evidence if m.doc.startswith(doc_prefix) and m.text == expression]


def test_timeline_reference_saturday_in_monday_article(reference_dossier):
    (mention,) = _times(reference_dossier, "004_", "Saturday evening")
    assert mention.date == "2023-06-24" and mention.anchor == "2023-06-26"


def test_timeline_undated_document_resolves_against_story_with_lower_confidence(reference_dossier):
    mentions = _times(reference_dossier, "000_", "late on Monday")
    assert mentions and all(m.anchor_basis == "story" and m.confidence < 0.5 for m in mentions)
    assert mentions[0].date == "2023-06-26"


def test_timeline_sample_entries_sorted_and_cite_sentences(sample_dossier):
    dates = [e.date for e in sample_dossier.timeline]
    assert dates == sorted(dates)
    friday = [e for e in sample_dossier.timeline if e.date == "2025-03-14"]
    assert friday and all(m.text == "on Friday night" for e in friday for m in e.evidence)
