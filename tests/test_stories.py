"""Stories that evolve: add documents, keep versions, diff them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS

from crosswire import cli
from crosswire.diff import diff
from crosswire.store import open_store
from crosswire.stories import add_to_story, collect_files

# Publication order: the breaking rewrite first, the 27 June article last.
ORDER = ["003_", "004_", "000_", "001_", "002_"]


def test_stories_adding_the_same_document_twice_changes_nothing(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    files, errors = collect_files([str(SAMPLE / "wire_report.txt")])
    assert not errors
    first = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    again = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    assert first.version == 1 and again.version is None
    assert [v.number for v in store.versions("levy")] == [1]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_stories_reference_in_publication_order_supersedes_the_warrant(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    paths = sorted(REFERENCE.glob("*.txt"), key=lambda p: ORDER.index(p.name[:4]))
    for path in paths:
        add_to_story(store, "wagner", [(path.name, path.read_bytes())], SETTINGS, nlp=nlp)
    versions = [store.version("wagner", n) for n in range(1, 6)]

    def warrant(dossier):
        return next(c for c in dossier["claims"] if "An arrest warrant has been issued" in c["text"])

    assert warrant(versions[0])["status"] != "superseded"
    assert warrant(versions[-1])["status"] == "superseded"
    changes = [diff(a, b) for a, b in zip(versions, versions[1:], strict=False)]
    moved = [s for change in changes for s in change.status_changes if "arrest warrant" in s.text]
    assert moved and moved[0].after == "superseded"
    assert any(k["kind"] == "supersession" for change in changes for k in change.new_conflicts)


def test_stories_cli_add_and_diff(tmp_path, capsys, monkeypatch, nlp):
    import crosswire.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    db = str(tmp_path / "c.db")
    assert cli.main(["add", str(SAMPLE / "breaking.txt"), "--story", "levy", "--db", db, "--quiet"]) == 0
    feed = Path(SAMPLE / "feed.jsonl")
    assert cli.main(["add", str(feed), "--story", "levy", "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["diff", "--story", "levy", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "version 1 -> 2" in out and "superseded" in out
    assert cli.main(["diff", "--story", "nope", "--db", db]) == 2


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_stories_add_without_a_story_sorts_files_into_stories(tmp_path, nlp):
    from crosswire.stories import add_to_pile

    store = open_store(tmp_path / "s.db")
    wagner = sorted(REFERENCE.glob("*.txt"))
    add_to_story(store, "wagner", [(p.name, p.read_bytes()) for p in wagner[:3]], SETTINGS, nlp=nlp)
    later = [(p.name, p.read_bytes()) for p in wagner[3:]]
    later += [(p.name, p.read_bytes()) for p in sorted(SAMPLE.iterdir()) if p.suffix in (".txt", ".md", ".html")]
    results = add_to_pile(store, later, SETTINGS, nlp=nlp)
    names = {r.story for r in results}
    assert "wagner" in names and len(names) == 2
    stored = {info.name: info.documents for info in store.stories()}
    assert stored["wagner"] == 5
