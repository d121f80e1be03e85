from __future__ import annotations

from conftest import claim_with


def _conflicts(dossier, kind):
    return [k for k in dossier.conflicts if k.kind == kind]


def test_conflicts_reference_arrest_warrant_superseded(reference_dossier):
    warrant = claim_with(reference_dossier, "An arrest warrant has been issued")
    assert warrant.status == "superseded"
    assert any(k.superseded == warrant.id for k in _conflicts(reference_dossier, "supersession"))


def test_conflicts_reference_silence_then_speech(reference_dossier):
    silent = claim_with(reference_dossier, "has not commented publicly")
    assert silent.status == "superseded"


def test_conflicts_reference_range_relation_is_shown_on_the_claims_not_as_a_conflict(reference_dossier):
    notes = [n for c in reference_dossier.claims for n in c.normalisation if "25,000" in n]
    assert notes and "range" in notes[0]
    assert not any("25,000" in k.explanation for k in _conflicts(reference_dossier, "numeric"))


def test_conflicts_sample_injury_figures_disagree(sample_dossier):
    numeric = [k for k in _conflicts(sample_dossier, "numeric") if "disagree" in k.explanation]
    assert any("'30'" in k.explanation and "'12'" in k.explanation for k in numeric)
    assert not any("80 kilometres" in k.explanation for k in sample_dossier.conflicts)


def test_conflicts_sample_tear_gas_denial(sample_dossier):
    assert any(any("tear gas" in m.text for m in k.evidence) for k in _conflicts(sample_dossier, "polarity"))


def test_conflicts_sample_warrant_then_charges_dropped(sample_dossier):
    warrant = claim_with(sample_dossier, "An arrest warrant has been issued for Marchenko")
    assert warrant.status == "superseded"
