from __future__ import annotations

from conftest import doc

from crosswire.stages.brief import _named, _reads_alone, _stands_alone


def _profile(dossier, prefix):
    return next(p for p in dossier.profiles if p.doc.startswith(prefix))


def test_profile_opinion_is_more_loaded_than_wire(sample_dossier):
    assert _profile(sample_dossier, "opinion").loaded_language > _profile(sample_dossier, "wire_report").loaded_language
    framing = dict(_profile(sample_dossier, "opinion").framing)
    assert framing.get("sabotage", 0) >= 1 and framing.get("mutiny", 0) >= 1


def test_profile_reference_framing_counts_coup_attempt(reference_dossier):
    framing = dict(_profile(reference_dossier, "002_").framing)
    assert framing.get("coup attempt", 0) >= 3


def test_brief_cites_existing_claims_and_no_removed_text(sample_dossier):
    claims = {c.id for c in sample_dossier.claims}
    assert 5 <= len(sample_dossier.brief.summary) <= 10
    comments = next(r.text for r in doc(sample_dossier, "live_blog").removed if r.kind == "comments")
    for sentence in sample_dossier.brief.summary:
        assert sentence.claims and set(sentence.claims) <= claims
        assert sentence.text.split(" [")[0] not in comments
    superseded = {c.id for c in sample_dossier.claims if c.status == "superseded"}
    assert not superseded & {cid for s in sample_dossier.brief.summary for cid in s.claims}


def test_brief_reference_sentences_stand_alone(reference_dossier):
    """Every brief sentence's wording is a mention that needs no earlier sentence, in 5-8 sentences."""
    named = _named(reference_dossier.entities)
    mentions = {(c.id, m.text): m for c in reference_dossier.claims for m in c.mentions}
    assert 5 <= len(reference_dossier.brief.summary) <= 8
    claims = {c.id: c for c in reference_dossier.claims}
    for sentence in reference_dossier.brief.summary:
        mention = next(
            (m for (cid, text), m in mentions.items() if cid == sentence.claims[0] and sentence.text.startswith(text)),
            None,
        )
        if mention is not None:
            assert _stands_alone(mention, named), sentence.text
            continue
        # A claim two outlets carry may be told by its proposition alone ("Prigozhin launched ..."),
        # which must read on its own too.
        claim = claims[sentence.claims[0]]
        told = sentence.text.split(" [")[0]
        assert claim.independent_sources >= 2 and any(told.rstrip(".") in (m.clause or "") for m in claim.mentions)
        assert _reads_alone(told, (), named.people), sentence.text
        assert sentence.sources and "WWSWS" not in sentence.sources
