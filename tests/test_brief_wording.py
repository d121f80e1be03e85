"""Brief wording on invented claims: each sentence stands alone, or the claim stays out of the brief."""

from __future__ import annotations

from collections import Counter

import pytest

from crosswire.models import Claim, ClaimMention, Document, Entity, EntityMention, Published
from crosswire.stages.brief import _named, _stands_alone, write_brief


def _doc(doc_id: str, outlet: str) -> Document:
    return Document(
        id=doc_id,
        source=f"{doc_id}.txt",
        title=None,
        outlet=outlet,
        byline=None,
        published=Published("2025-05-02", "stated"),
        language="en",
        genre="news",
        paragraphs=("x",),
        removed=(),
    )


def _mention(doc: str, sentence: str, text: str, speaker: str | None = None) -> ClaimMention:
    return ClaimMention(doc, sentence, text, None, speaker, "asserted")


def _claim(cid: str, *mentions: ClaimMention, sources: int = 2) -> Claim:
    return Claim(
        cid, mentions[0].text, mentions, sources, "2025-05-02", "corroborated" if sources > 1 else "single_source"
    )


def _person(name: str, *spots: tuple[str, str, int]) -> Entity:
    mentions = tuple(EntityMention(d, s, at, at + len(name), name, "PERSON") for d, s, at in spots)
    return Entity(f"e{abs(hash(name)) % 1000}", name, "PERSON", (name,), mentions)


@pytest.mark.parametrize(
    "text",
    [
        "Everything was done under his orders to keep the ferry running.",
        "Other harbour pilots could do the same.",
        "Added that the ferry would sail again on Friday.",
        "The council said this was the last delay.",
        "Such closures are rare on the northern coast.",
        "Dock workers voted on such measures last year.",
        "The tender went to the latter on Tuesday.",
        "On Tuesday, it published the new timetable for the crossing.",
    ],
)
def test_brief_sentence_that_points_back_does_not_stand_alone(text):
    assert not _stands_alone(_mention("a", "s1", text))


@pytest.mark.parametrize(
    "text",
    [
        "The ferry operator said its boats would sail again on Friday.",
        "Mayor Lina Ovaska said her office would pay for the repairs.",
        "In her first interview, Mayor Lina Ovaska promised to reopen the pier.",
        "Dock workers ended their strike on Monday after a pay offer.",
        "Ending their strike, dock workers returned to the pier on Monday.",
        "While some councillors wanted a new pier, no such plan was approved.",
        "The harbour master said every captain must file his route by noon.",
    ],
)
def test_brief_self_contained_sentence_stands_alone(text):
    assert _stands_alone(_mention("a", "s1", text))


def test_brief_pronoun_after_a_name_the_parser_found_elsewhere_stands_alone():
    # The parser found no entity in this sentence, but "Ovaska" is a person named elsewhere in the pile.
    mention = _mention("a", "s2", "On Monday, Ovaska told reporters that his deputy would resign.")
    entity = _person("Lina Ovaska", ("a", "s1", 0))
    assert not _stands_alone(mention)
    assert _stands_alone(mention, _named([entity]))


def test_brief_prefers_a_self_contained_mention_and_leaves_out_claims_with_none():
    docs = [_doc("a", "Harbour Post"), _doc("b", "Tarn Gazette"), _doc("c", "Coast Radio")]
    chosen = _claim(
        "c1",
        _mention("a", "s1", "Everything was decided under his orders."),
        _mention("b", "s4", "The ferry to Tarnholm was cancelled on the orders of Mayor Lina Ovaska."),
    )
    dropped = _claim(
        "c2", _mention("a", "s2", "Other pilots could do the same."), _mention("c", "s3", "He did it too.")
    )
    fillers = [
        _claim(
            f"c{i}", _mention("abc"[i % 3], f"s{i}", f"Tarn Electric Board crews repaired mast number {i}."), sources=1
        )
        for i in range(3, 9)
    ]
    brief = write_brief([chosen, dropped, *fillers], [], [], docs)
    texts = {s.claims[0]: s.text for s in brief.summary}
    assert texts["c1"].startswith("The ferry to Tarnholm was cancelled on the orders of Mayor Lina Ovaska.")
    assert "c2" not in texts
    assert 5 <= len(brief.summary) <= 8
    for sentence in brief.summary:
        assert sentence.claims and sentence.sources
    # Better corroborated claims come first in the choice: the two-source claim is told.
    assert "[2 independent sources: Harbour Post, Tarn Gazette; wording: " in texts["c1"]


def test_brief_leaves_out_what_only_an_overtaken_breaking_report_says():
    from dataclasses import replace

    breaking = replace(_doc("a", "Wire Flash"), genre="breaking", published=Published("2025-05-01", "stated"))
    later = replace(_doc("b", "Tarn Gazette"), published=Published("2025-05-03", "stated"))
    stale = _claim("c1", _mention("a", "s1", "Dock workers are blocking the ferry pier at Tarnholm."), sources=1)
    told_twice = _claim(
        "c2",
        _mention("a", "s2", "The ferry to Tarnholm was cancelled on Monday."),
        _mention("b", "s1", "The Monday ferry to Tarnholm was cancelled."),
    )
    fresh = _claim("c3", _mention("b", "s2", "Dock workers ended their strike at Tarnholm on Wednesday."), sources=1)
    brief = write_brief([stale, told_twice, fresh], [], [], [breaking, later])
    told = {s.claims[0] for s in brief.summary}
    assert told == {"c2", "c3"}  # corroborated, or from the later report
    assert "c1" in brief.single_source  # still on record as what one source says
    # Without a later report, the breaking report is the news.
    alone = write_brief([stale], [], [], [breaking])
    assert {s.claims[0] for s in alone.summary} == {"c1"}


def test_brief_single_source_claims_are_spread_over_outlets_reporting_first():
    from dataclasses import replace

    docs = [
        replace(_doc("a", "Harbour Post"), genre="opinion"),
        replace(_doc("b", "Harbour Post"), genre="opinion"),  # the same outlet's second page
        _doc("c", "Tarn Gazette"),
        _doc("d", "Coast Radio"),
    ]
    claims = [
        _claim(
            f"c{i}",
            _mention(doc, f"s{i}", f"Tarn Electric Board crews repaired mast number {i} on the pier."),
            sources=1,
        )
        for i, doc in enumerate("aabbaabbcd", start=1)
    ]
    brief = write_brief(claims, [], [], docs)
    by_outlet = Counter(
        next(d.label for d in docs if d.id == next(m.doc for c in claims if c.id == s.claims[0] for m in c.mentions))
        for s in brief.summary
    )
    assert by_outlet["Harbour Post"] <= 2  # two pages of one outlet are one outlet
    assert by_outlet["Tarn Gazette"] == 1 and by_outlet["Coast Radio"] == 1  # reporting is told


def test_brief_fact_told_only_by_commentary_says_so():
    from dataclasses import replace

    docs = [replace(_doc("a", "Harbour Post"), genre="opinion"), _doc("b", "Tarn Gazette")]
    claims = [
        _claim(
            "c1", _mention("a", "s1", "The ferry to Tarnholm was cancelled on Monday by Mayor Lina Ovaska."), sources=1
        ),
        _claim(
            "c2", _mention("b", "s1", "Tarn Electric Board crews repaired the mast on the pier on Tuesday."), sources=1
        ),
    ]
    texts = {s.claims[0]: s.text for s in write_brief(claims, [], [], docs).summary}
    assert "[1 independent source: Harbour Post (commentary)]" in texts["c1"]
    assert "[1 independent source: Tarn Gazette]" in texts["c2"]
