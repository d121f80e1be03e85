"""Claims are propositions: clause splitting, spans, guards against false corroboration."""

from __future__ import annotations

import pytest
from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze


def _analyze(tmp_path, nlp, texts: dict[str, str]):
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return analyze([str(tmp_path)], SETTINGS, nlp=nlp)


def _together(dossier, a: str, b: str) -> bool:
    return any(any(a in m.span for m in c.mentions) and any(b in m.span for m in c.mentions) for c in dossier.claims)


FILLER = "The talks took place in the capital of the province during a long and difficult week for everyone."


def test_claims_one_sentence_carries_several_propositions(tmp_path, nlp):
    text = (
        "Under the deal, spokesman Ivan Markov said a criminal case against Olga Dragan would be dropped, "
        "Dragan would move to Zelnia, and her supporters would face no action.\n\n" + FILLER
    )
    dossier = _analyze(tmp_path, nlp, {"a": text})
    first = next(s for s in dossier.documents[0].sentences if s.text.startswith("Under the deal"))
    mentions = [m for c in dossier.claims for m in c.mentions if m.sentence == first.id]
    spans = [m.span for m in mentions]
    assert len(mentions) >= 3, spans
    assert any(s.startswith("Dragan would move to Zelnia") for s in spans)
    assert all(m.text == first.text and m.text[m.start : m.end] == m.span for m in mentions)
    assert not any(s.endswith("Markov said") for s in spans)  # the reporting frame is no claim
    assert any(m.negated for m in mentions if "no action" in m.span)
    assert all(m.speaker_name and "Markov" in m.speaker_name for m in mentions)


def test_claims_relative_clause_states_its_own_fact(tmp_path, nlp):
    text = "Apart from the safe passage granted to Olga Dragan, who is now in Zelnia, the deal gave few details.\n\n"
    dossier = _analyze(tmp_path, nlp, {"a": text + FILLER})
    clauses = [m.clause for c in dossier.claims for m in c.mentions]
    assert "Olga Dragan is now in Zelnia" in clauses


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "Police fired tear gas at the protesters in Orlevo on Monday.",
            "Police did not fire tear gas at the protesters in Orlevo on Monday.",
        ),
        (
            "The ministry of transport did not respond to a request for comment on Monday.",
            "The drivers' association did not respond to a request for comment on Monday.",
        ),
        (
            "At least 30 people were injured in the clashes at Orlevo on Monday.",
            "Exactly 12 people were injured in the clashes at Orlevo on Monday.",
        ),
    ],
)
def test_claims_guards_keep_look_alikes_apart(tmp_path, nlp, first, second):
    dossier = _analyze(tmp_path, nlp, {"one": f"{first}\n\n{FILLER}", "two": f"{second}\n\n{FILLER}"})
    assert not _together(dossier, first.rstrip("."), second.rstrip("."))


def test_claims_same_fact_in_other_words_is_one_claim(tmp_path, nlp):
    dossier = _analyze(
        tmp_path,
        nlp,
        {
            "one": "Fuel stations across Dravnik ran out of diesel on Tuesday.\n\n" + FILLER,
            "two": "Filling stations in Dravnik had run out of diesel by Tuesday, drivers said.\n\n" + FILLER,
        },
    )
    claim = next(c for c in dossier.claims if any("ran out of diesel" in m.span for m in c.mentions))
    assert {m.doc for m in claim.mentions} == {"one", "two"}
    assert claim.independent_sources == 2 and claim.status == "corroborated"


@pytest.mark.xfail(
    strict=True,
    reason="known miss with the ECB+-calibrated combiner: 'Prigozhin will move to Belarus' (one outlet) and "
    "'Prigozhin is (now) in Belarus' (another) differ in verb and speaker and score about 0.3 against a bar of 0.7 "
    "chosen on ECB+ dev for pairwise precision 0.85; the two WSWS pages group, but they are one outlet",
)
def test_claims_reference_exile_to_belarus_is_one_claim_across_three_documents(reference_dossier):
    groups = [
        c
        for c in reference_dossier.claims
        if sum("Belarus" in m.span and "Prigozhin" in (m.clause or m.span) for m in c.mentions) >= 3
    ]
    assert groups and len({m.doc for m in groups[0].mentions}) >= 3


def test_claims_reference_known_false_groupings_are_gone(reference_dossier):
    assert not _together(
        reference_dossier, "His whereabouts on Sunday were not known", "You know Putin as well as I do"
    )
    assert not _together(reference_dossier, "It is too soon to tell", "We can whack him")
    for claim in reference_dossier.claims:
        if claim.independent_sources >= 2:  # only news counts: background, opinion and questions never do
            assert len({m.doc for m in claim.mentions if m.kind == "news"}) >= 2


def test_claims_second_act_of_one_subject_and_a_named_doer_are_propositions(tmp_path, nlp):
    text = (
        "Governor Ivan Markov praised the drivers for their patience and invited them to talks in the capital.\n\n"
        "Olga Dragan will move to Zelnia under the deal mediated by Provincial Governor Ivan Markov.\n\n" + FILLER
    )
    dossier = _analyze(tmp_path, nlp, {"a": text})
    by_clause = {m.clause: m for c in dossier.claims for m in c.mentions}
    invited = next(m for clause, m in by_clause.items() if "invited them to talks" in clause)
    assert invited.clause.startswith("Governor Ivan Markov invited")  # the shared subject is put back
    assert (invited.predicate, invited.subject) == ("invite", "markov")
    mediated = next(m for clause, m in by_clause.items() if "mediated by" in clause)
    assert (mediated.predicate, mediated.subject, mediated.object) == ("mediate", "markov", "deal")
    move = next(m for clause, m in by_clause.items() if clause.startswith("Olga Dragan will move"))
    assert "mediated" not in move.clause
    assert all(m.text[m.start : m.end] == m.span for m in by_clause.values())


def test_claims_the_event_of_is_said_to_is_the_verb_it_governs(tmp_path, nlp):
    text = "Olga Dragan is said to have fled to Zelnia after the talks in the capital collapsed.\n\n" + FILLER
    dossier = _analyze(tmp_path, nlp, {"a": text})
    fled = next(m for c in dossier.claims for m in c.mentions if "is said to have fled" in m.span)
    assert fled.predicate == "flee" and fled.certainty == "hedged"


def test_claims_a_lasting_act_and_one_dated_act_stay_apart(tmp_path, nlp):
    # Without the guard these two group: same people, same verb, nearly the same words.
    first = "Olga Dragan has for months accused Governor Ivan Markov of ordering attacks on the convoys of the drivers."
    second = (
        "On Saturday, March 15, 2025, Olga Dragan accused Governor Ivan Markov of ordering an attack on the convoy "
        "of the drivers."
    )
    dossier = _analyze(tmp_path, nlp, {"one": f"{first}\n\n{FILLER}", "two": f"{second}\n\n{FILLER}"})
    assert not _together(dossier, "has for months accused", "On Saturday, March 15")


def test_claims_opposite_acts_and_a_plan_are_never_one_claim(tmp_path, nlp):
    # Without the guards both pairs group as one claim of two independent sources: same subject, object,
    # day and most words.
    left = "Drivers began to leave the motorway near Orlevo on Sunday, the union said."
    stayed = "The drivers stayed on the motorway near Orlevo on Sunday, the union said."
    will = "The drivers will stay on the motorway near Orlevo, the union said."
    for other in (stayed, will):
        dossier = _analyze(tmp_path, nlp, {"one": f"{left}\n\n{FILLER}", "two": f"{other}\n\n{FILLER}"})
        assert not _together(dossier, "began to leave", "stay"), other


def test_claims_a_wish_is_not_a_claim_of_its_own(tmp_path, nlp):
    text = "The rebels wanted that the soldiers of the garrison would desert their posts in the city.\n\n" + FILLER
    dossier = _analyze(tmp_path, nlp, {"a": text})
    spans = [m.span for c in dossier.claims for m in c.mentions if "wanted" in m.text]
    assert spans and not any(s.startswith("the soldiers of the garrison") for s in spans), spans


def test_claims_content_in_another_sentence_is_never_corroborated(tmp_path, nlp):
    dossier = _analyze(
        tmp_path,
        nlp,
        {
            "one": "Hundreds of drivers blocked the motorway near Orlevo. "
            "Other drivers in the province could do the same.\n\n" + FILLER,
            "two": "Other drivers in the province could do the same, a union leader warned on Monday.\n\n" + FILLER,
        },
    )
    for claim in dossier.claims:
        assert len({m.doc for m in claim.mentions if "do the same" in m.span}) < 2, claim.text


def test_claims_shipped_combiner_loads_and_the_default_bar_is_its_threshold():
    from crosswire.settings import Settings
    from crosswire.stages._combiner import COMBINER_FEATURES, load_combiner

    combiner = load_combiner()
    assert combiner is not None, "src/crosswire/data/claim_combiner.json is missing or was trained on other features"
    assert combiner.features == COMBINER_FEATURES
    assert Settings().claim_similarity == round(combiner.threshold, 1)  # the dev threshold, to one decimal
    strong = [0.95, 0.8, 1.0, 1.0, 1.0, 0.0, 0.5, 1.0, 0.0, 1.0, 0.0, 1.0]
    weak = [0.2, 0.0, 0.0, 0.2, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    assert combiner.probability(strong) > Settings().claim_similarity > combiner.probability(weak)


def test_claims_without_the_encoder_matching_falls_back_to_wording_and_says_so(tmp_path, nlp):
    from dataclasses import replace

    from crosswire.analysis.pipeline import matching_status

    settings = replace(SETTINGS, claim_encoder="none")
    assert matching_status(settings).startswith("by wording only")
    for name, text in {
        "one": "Fuel stations across Dravnik ran out of diesel on Tuesday, the ministry said.\n\n" + FILLER,
        "two": "Fuel stations across Dravnik ran out of diesel on Tuesday, drivers said.\n\n" + FILLER,
    }.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    dossier = analyze([str(tmp_path)], settings, nlp=nlp)
    assert any(len({m.doc for m in c.mentions}) == 2 for c in dossier.claims)


def test_claims_a_he_is_the_person_named_before_and_corroborates(tmp_path, nlp):
    # "He" in the first article is Dravnik's governor, named as the subject of the sentence before;
    # the clause is matched as "Markov closed ...", and the two articles carry one claim.
    dossier = _analyze(
        tmp_path,
        nlp,
        {
            "one": "Governor Ivan Markov has for months fought the ministry over the road. "
            "He closed the motorway near Orlevo on Friday after a week of protests.\n\n" + FILLER,
            "two": "Ivan Markov closed the motorway near Orlevo on Friday with a decree that surprised the capital."
            "\n\n" + FILLER,
        },
    )
    mention = next(m for c in dossier.claims for m in c.mentions if m.doc == "one" and "closed" in m.span)
    assert mention.clause.startswith("Ivan Markov closed") and mention.subject == "markov"
    assert _together(dossier, "He closed the motorway", "Ivan Markov closed the motorway")
