"""A folder watched for a story: articles added as they arrive, once settled, by one process."""

from __future__ import annotations

from dataclasses import replace

from conftest import SAMPLE, SETTINGS

from crosswire import cli
from crosswire.stories.store import open_store
from crosswire.stories.watch import watch


def _looks(steps):
    """A ``sleep`` for ``watch`` that makes the next change to the folder instead of waiting."""
    changes = iter(steps)
    return lambda seconds: next(changes)()


def test_watch_adds_each_article_once_it_has_settled(tmp_path, nlp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    wire = (SAMPLE / "wire_report.txt").read_bytes()
    breaking = (SAMPLE / "breaking.txt").read_bytes()
    (inbox / "wire_report.txt").write_bytes(wire)
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    steps = [
        lambda: None,  # the wire report settles: version 1 at the second look
        lambda: (inbox / "breaking.txt").write_bytes(breaking[:200]),  # still being written
        lambda: (inbox / "breaking.txt").write_bytes(breaking),  # written out: settles a look later
        lambda: (inbox / "copy.txt").write_bytes(wire),  # bytes the story holds: no version
        lambda: None,
        lambda: None,
    ]
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, 0.5, lines.append, 7, _looks(steps))
    assert [a.result.version for a in adds] == [1, 2, None]
    assert [d.name for d in store.documents("port")] == ["wire_report.txt", "breaking.txt"]
    assert len(store.version("port", 2)["documents"]) == 2  # (the half-written file was never read)
    assert [line.split(";")[1].split(" in ")[0] for line in lines] == [" version 1", " version 2"]
    store.close()


def test_watch_says_once_what_it_cannot_read_and_goes_on(tmp_path, nlp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    wire = (SAMPLE / "wire_report.txt").read_bytes()
    (inbox / "huge.txt").write_text("word " * len(wire))
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    small = replace(SETTINGS, max_file_bytes=len(wire))
    steps = [lambda: None, lambda: (inbox / "wire.txt").write_bytes(wire)] + [lambda: None] * 3
    adds = watch(store, "port", str(inbox), small, nlp, 0.5, lines.append, 5, _looks(steps))
    assert sum("huge.txt" in line for line in lines) == 1  # said once, not at every look
    assert [a.result.version for a in adds] == [1]
    assert [d.name for d in store.documents("port")] == ["wire.txt"]
    store.close()


def test_watch_refuses_a_folder_that_is_not_there_before_loading_a_model(tmp_path, capsys):
    db = tmp_path / "s.db"
    code = cli.main(["watch", str(tmp_path / "nowhere"), "--story", "port", "--db", str(db)])
    assert code == 2 and "no such folder" in capsys.readouterr().err
    assert not db.exists()
