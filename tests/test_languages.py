"""Other languages: a German or French article is never read with the English model; it is left out
with its language and what to do (the articles in tests/data/languages were written for these tests)."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLE, SETTINGS

from crosswire import cli
from crosswire.analysis import pipeline
from crosswire.analysis.piles import analyze_stories
from crosswire.analysis.pipeline import LocalExecutor, analyze

HERE = Path(__file__).resolve().parent / "data" / "languages"
GERMAN, FRENCH = HERE / "orlevo_de.txt", HERE / "orlevo_fr.txt"


def test_languages_german_and_french_are_left_out_with_the_reason(nlp):
    dossier = analyze([str(SAMPLE), str(GERMAN), str(FRENCH)], SETTINGS, executor=LocalExecutor(nlp))
    sources = {d.source for d in dossier.documents}
    assert not any("orlevo_" in s for s in sources) and len(sources) >= 5
    reasons = {Path(e.source).name: e.reason for e in dossier.errors}
    assert reasons["orlevo_de.txt"].startswith("written in German (de), and crosswire reads English only")
    assert reasons["orlevo_fr.txt"].startswith("written in French (fr), and crosswire reads English only")
    assert "give an English translation of it to include it" in reasons["orlevo_de.txt"]
    # Nothing of theirs became an entity: no "Warnstreik", "Dienstag" or "Lohnerhöhung" as a person.
    names = {n for e in dossier.entities for n in (e.name, *e.aliases)}
    assert not names & {"Warnstreik", "Dienstag", "Lohnerhöhung", "Gewerkschaft", "Orlevo :"}
    ids = {d.id for d in dossier.documents}
    assert all(m.doc in ids for e in dossier.entities for m in e.mentions)


def test_languages_a_pile_leaves_them_out_of_every_story(nlp):
    stories = analyze_stories([str(SAMPLE), str(GERMAN)], SETTINGS, nlp=nlp)
    assert all("orlevo_de" not in doc for story, _ in stories for doc in story.documents)
    errors = [e for _, dossier in stories for e in dossier.errors]
    assert [Path(e.source).name for e in errors] == ["orlevo_de.txt"]


def test_languages_a_german_article_alone_writes_nothing_and_says_why(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    out = tmp_path / "d.json"
    out.write_text("a good dossier")
    assert cli.main(["analyze", str(GERMAN), "--json", str(out)]) == 1
    said = capsys.readouterr().err
    assert f"skipped {GERMAN}: written in German (de), and crosswire reads English only" in said
    assert out.read_text() == "a good dossier"
