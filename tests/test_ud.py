"""A French (Universal Dependencies) parse put in the English rules' scheme (stages/_ud.py): what the
rules read comes out as it does for English, and every sentence stays one tree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from crosswire.analysis.languages import OTHER_PIPELINES
from crosswire.analysis.pipeline import load_pipeline
from crosswire.stages._attribution import attribution
from crosswire.stages._clauses import split_clauses

MODEL = OTHER_PIPELINES["fr"][0]
pytestmark = pytest.mark.skipif(
    importlib.util.find_spec(MODEL) is None,
    reason=f"spaCy's French pipeline ({MODEL}) is not installed: pip install -e '.[fr]'",
)
ARTICLE = Path(__file__).resolve().parent / "data" / "languages" / "orlevo_fr.txt"


@pytest.fixture(scope="module")
def french():
    return load_pipeline(MODEL)


def test_ud_every_sentence_is_one_tree_with_one_root(french):
    text = ARTICLE.read_text(encoding="utf-8") + (
        " « Nous ne céderons pas », a-t-il dit. Il n'est pas ministre. Les négociations doivent reprendre mercredi."
        " Un incendie s'est déclaré lundi soir dans l'usine, a annoncé la préfecture. Le général de Gaulle était"
        " président. La réunion, qui devait durer deux heures, a été annulée par le ministère."
        " Le port, a précisé la préfecture, restera fermé. Les grévistes, a-t-il indiqué, reprendront lundi."
        " Le trafic reprendra demain, estiment les autorités. Le directeur a été limogé, rapporte Le Monde."
    )
    doc = french(text)
    for sent in doc.sents:
        roots = [t for t in sent if t.head.i == t.i]
        assert len(roots) == 1, sent.text
        for token in sent:
            seen, node = set(), token
            while node.head.i != node.i:
                assert node.i not in seen, f"a cycle at {token.text!r} in {sent.text!r}"
                seen.add(node.i)
                node = node.head
                assert sent.start <= node.i < sent.end, f"{token.text!r} hangs outside {sent.text!r}"


def test_ud_labels_read_as_english(french):
    doc = french("La maire a déclaré que la grève n'aurait pas lieu à Marseille.")
    labels = {t.text: t.dep_ for t in doc}
    assert labels["aurait"] == "ccomp" and labels["lieu"] == "dobj" and labels["pas"] == "neg"
    assert labels["à"] == "prep" and labels["Marseille"] == "pobj"  # the preposition heads its noun
    assert doc[3].tag_ == "VBN"  # "déclaré", a participle
    assert [(e.text, e.label_) for e in doc.ents] == [("Marseille", "GPE")]


def test_ud_copula_and_modal_head_as_in_english(french):
    doc = french("Le maire n'est pas ministre.")
    est = doc[3]
    assert est.dep_ == "ROOT" and {c.dep_ for c in est.children} >= {"nsubj", "neg", "attr"}
    doc = french("Les négociations doivent reprendre mercredi.")
    assert doc[3].dep_ == "ROOT" and doc[2].dep_ == "aux" and doc[2].tag_ == "MD"


def test_ud_a_quote_and_its_speaker_are_one_sentence(french):
    doc = french("« Nous ne céderons pas », a-t-il dit.")
    (sent,) = doc.sents
    assert sent.root.pos_ == "VERB" and doc[0].dep_ == "punct"
    assert any(t.text == "-il" and t.dep_ == "nsubj" for t in doc)


def test_ud_no_sentence_starts_at_a_lower_case_word(french):
    doc = french("Le syndicat réclame une hausse de douze pour cent pour les quelque neuf cents employés.")
    assert len(list(doc.sents)) == 1


def test_ud_sentences_start_after_a_closing_quote_never_at_one(french):
    doc = french('"Nous ne céderons pas." Le ministre a quitté la salle sans un mot.')
    assert [s.text for s in doc.sents] == ['"Nous ne céderons pas."', "Le ministre a quitté la salle sans un mot."]
    doc = french("Jean Martin a déclaré : « Nous partons. » Le ministre a quitté la salle.")
    assert [s.text for s in doc.sents][0].endswith("»")


def test_ud_a_reporting_verb_after_its_words_has_its_subject_after_it(french):
    doc = french("Un incendie s'est déclaré lundi soir dans l'usine chimique, a annoncé la préfecture.")
    (sent,) = doc.sents
    speaker, verb = attribution(sent, None)
    assert (speaker, verb) == ("la préfecture", "annoncer")
    assert doc[0].dep_ == "det"  # "Un incendie": an article, not a count


@pytest.mark.parametrize(
    ("text", "speaker", "verb"),
    [
        ("Le bilan est de quatre morts, a annoncé la préfecture.", "la préfecture", "annoncer"),
        ("« La situation est grave », estime le maire.", "le maire", "estimer"),
        ("« Nous ne céderons pas », affirme Marc Dubois.", "Marc Dubois", "affirmer"),
        ("Le directeur a été limogé, rapporte Le Monde.", "Le Monde", "rapporter"),
        ("Le trafic reprendra demain, estiment les autorités.", "les autorités", "estimer"),
        ('"Nous sommes inquiets", a déclaré le maire.', "le maire", "déclarer"),
        ("D'après la police, trois personnes ont été arrêtées.", "la police", "according to"),
        ("Les riverains se plaignent que le bruit continue.", "Les riverains", "se plaindre"),
        # In the middle of the words it reports, set off by commas.
        ("Le port, a précisé la préfecture, restera fermé jusqu'à vendredi.", "la préfecture", "préciser"),
        ("Les grévistes, a indiqué le syndicat, reprendront le travail lundi.", "le syndicat", "indiquer"),
        # A series of acts: what is announced is no speaker.
        (
            "Le ministre de l'Intérieur s'est rendu sur place mardi, a annoncé des mesures d'urgence et a promis "
            "une aide aux familles.",
            None,
            None,
        ),
    ],
)
def test_ud_the_speaker_after_the_words_in_its_forms(french, text, speaker, verb):
    sent = next(iter(french(text).sents))
    assert attribution(sent, None) == (speaker, verb)


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("Le port n'est plus fermé depuis mardi.", True),
        ("Personne n'a été blessé dans l'incendie.", True),
        ("Aucun n'a été interpellé par la police.", True),
        ("Le syndicat n'a pas accepté la proposition.", True),
        ("Une personne a été tuée dans l'accident.", False),  # a person
        ("Le gouvernement n'a débloqué que trois millions d'euros.", False),  # "ne ... que": only
    ],
)
def test_ud_french_negation(french, text, negated):
    (clause,) = split_clauses(next(iter(french(text).sents)))
    assert clause.negated is negated


def test_ud_the_words_around_a_reporting_verb_keep_their_subject(french):
    sent = next(iter(french("Les grévistes, a indiqué le syndicat, reprendront le travail lundi.").sents))
    clauses = [c for c in split_clauses(sent) if not c.frame]
    assert [c.text for c in clauses] == ["Les grévistes, reprendront le travail lundi"]
