"""A folder watched for a story: articles added as they arrive, once settled, by one process."""

from __future__ import annotations

from dataclasses import replace

from conftest import SAMPLE, SETTINGS

from crosswire import cli
from crosswire.errors import StoreError
from crosswire.stories import watch as watching
from crosswire.stories.store import open_store
from crosswire.stories.watch import watch


def _looks(steps):
    """A ``sleep`` for ``watch`` that makes the next change to the folder instead of waiting."""
    changes = iter(steps)
    return lambda seconds: next(changes)()


def _versions(lines):
    """The versions the watch said it saved ("version 2"), in order."""
    return [line.split("; ")[1].split(" in ")[0] for line in lines if "; version " in line]


def test_watch_adds_each_article_once_it_has_settled(tmp_path, nlp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    wire = (SAMPLE / "wire_report.txt").read_bytes()
    breaking = (SAMPLE / "breaking.txt").read_bytes()
    (inbox / "wire_report.txt").write_bytes(wire)
    (inbox / "empty.txt").touch()  # (a download not begun: never read while empty)
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
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, lines.append, 7, _looks(steps))
    assert [a.result.version for a in adds] == [1, 2, None]
    assert all(a.result.dossier is None for a in adds)  # (none kept but the last, inside)
    assert [d.name for d in store.documents("port")] == ["wire_report.txt", "breaking.txt"]
    assert len(store.version("port", 2)["documents"]) == 2  # (the half-written file was never read)
    assert _versions(lines) == ["version 1", "version 2"]
    assert any("nothing new in copy.txt" in line for line in lines)
    # After each version, what it changed since the one before (the first: since nothing).
    counts = [line for line in lines if " new claim(s), " in line]
    assert len(counts) == 2 and not counts[1].startswith("  0 new claim(s)")
    new_claims = int(counts[0].split()[0])
    assert new_claims == len(store.version("port", 1)["claims"])
    store.close()


def test_watch_a_feed_saved_again_over_its_file_brings_only_its_new_entries(tmp_path, nlp):
    # A fetcher writes the feed over its file: each version is stored as another document, and
    # the story reads each entry once (a line says which were left out); the add is no failure.
    from test_archives import _feed

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coast.rss").write_bytes(_feed(1))
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    steps = [
        lambda: None,
        lambda: (inbox / "coast.rss").write_bytes(_feed(2)),
        lambda: None,
        lambda: (inbox / "coast.rss").write_bytes(_feed(3)),  # (its third entry: too short to read)
        lambda: None,
    ]
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, lines.append, 6, _looks(steps))
    assert [a.result.version for a in adds] == [1, 2, 3]
    titles = sorted(d["title"] for d in store.version("port", 3)["documents"])
    assert titles == ["Ferry strike ends", "Port reopens"]
    # The first stored is read (a feed's articles keep their document from version to version),
    # and each add says the copies of the file it added, once: not again those of earlier adds.
    left = [line for line in lines if line.startswith("  left out")]
    assert len(left) == 2 and all(line.startswith("  left out port/coast-") for line in left)
    assert "the same article as port/coast.rss:1 " in left[0]
    assert "2 of its articles are the same as articles read before (port/coast.rss:1, " in left[1]
    assert any("coast.rss changed: added again" in line for line in lines)
    store.close()


def test_watch_says_each_problem_once_while_it_lasts(tmp_path, nlp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    wire = (SAMPLE / "wire_report.txt").read_bytes()
    (inbox / "huge.txt").write_text("word " * len(wire))
    (inbox / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # (a link to nothing)
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    small = replace(SETTINGS, max_file_bytes=len(wire))
    steps = [lambda: None, lambda: (inbox / "wire.txt").write_bytes(wire)] + [lambda: None] * 3
    adds = watch(store, "port", str(inbox), small, nlp, lines.append, 5, _looks(steps))
    assert sum("huge.txt" in line for line in lines) == 1  # tried at each look, said once
    assert sum("gone.txt" in line for line in lines) == 1
    assert [a.result.version for a in adds] == [1]
    assert [d.name for d in store.documents("port")] == ["wire.txt"]
    store.close()


def test_watch_leaves_out_what_was_taken_out_of_the_story(tmp_path, nlp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("wire_report.txt", "breaking.txt"):
        (inbox / name).write_bytes((SAMPLE / name).read_bytes())
    store = open_store(tmp_path / "s.db")
    watch(store, "port", str(inbox), SETTINGS, nlp, [].append, 2, _looks([lambda: None]))
    store.remove_documents("port", ["breaking.txt"])
    lines: list[str] = []  # a watch started again, the file still in the folder
    quiet = _looks([lambda: None] * 2)
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, lines.append, 3, quiet)
    assert [a.result.version for a in adds] == [None]  # (the wire report: bytes the story holds)
    assert [d.name for d in store.documents("port")] == ["wire_report.txt"]
    assert sum("left out breaking.txt" in line for line in lines) == 1
    store.close()


def test_watch_tries_a_failed_add_again_at_the_next_look(tmp_path, nlp, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "wire.txt").write_bytes((SAMPLE / "wire_report.txt").read_bytes())
    failures = iter([StoreError("database is locked")])

    def busy_once(*args, **kwargs):
        for failure in failures:
            raise failure
        return add_to_story(*args, **kwargs)

    add_to_story = watching.add_to_story
    monkeypatch.setattr(watching, "add_to_story", busy_once)
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    quiet = _looks([lambda: None] * 3)
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, lines.append, 4, quiet)
    assert [a.result.version for a in adds] == [1]
    assert sum("database is locked" in line for line in lines) == 1
    store.close()


def test_watch_stops_on_ctrl_c_with_every_version_kept(tmp_path, nlp, monkeypatch, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    db = tmp_path / "s.db"

    def interrupted(store, story, *args, **options):
        store.add_documents(story, [("a.txt", b"stored before the stop")])
        raise KeyboardInterrupt

    monkeypatch.setattr("crosswire.stories.service.load_models", lambda settings: nlp)
    monkeypatch.setattr(watching, "watch", interrupted)
    code = cli.main(["watch", str(inbox), "--story", "port", "--db", str(db), "--every", "1"])
    assert code == 0 and "stopped" in capsys.readouterr().err
    store = open_store(db)  # (closed by the command, and what it stored is there)
    assert [d.name for d in store.documents("port")] == ["a.txt"]
    store.close()


def test_watch_refuses_a_folder_that_is_not_there_before_loading_a_model(tmp_path, capsys):
    db = tmp_path / "s.db"
    code = cli.main(["watch", str(tmp_path / "nowhere"), "--story", "port", "--db", str(db)])
    assert code == 2 and "no such folder" in capsys.readouterr().err
    assert not db.exists()


def test_watch_refuses_a_look_more_often_than_every_half_second(tmp_path, capsys):
    code = cli.main(["watch", str(tmp_path), "--story", "port", "--every", "0.1"])
    assert code == 2 and "watch_every" in capsys.readouterr().err


def test_watch_a_binary_or_empty_file_is_said_once_and_not_stored(tmp_path, nlp):
    # Upload and `crosswire add` refused them; watch stored them, said "added", then "skipped"
    # at every version after.
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "wire_report.txt").write_bytes((SAMPLE / "wire_report.txt").read_bytes())
    (inbox / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "spaces.txt").write_bytes(b"   \n\n  ")
    store = open_store(tmp_path / "s.db")
    lines: list[str] = []
    looks = _looks([lambda: None] * 4)
    adds = watch(store, "port", str(inbox), SETTINGS, nlp, lines.append, 4, looks)
    assert [a.result.version for a in adds] == [1]
    assert [d.name for d in store.documents("port")] == ["wire_report.txt"]
    junk = [line for line in lines if "junk.txt" in line]
    assert junk == [f"  skipped {inbox}/junk.txt: looks binary, not a .txt text file; not stored"]
    spaces = [line for line in lines if "spaces.txt" in line]
    empty = "the file is empty (or white space only); not stored"
    assert spaces == [f"  skipped {inbox}/spaces.txt: {empty}"]
    store.close()


def test_watch_the_diff_it_points_to_runs_as_printed(sample_dossier, monkeypatch):
    # It printed the story as Python quotes it ("it's $HOME": the shell expands $HOME) and no
    # --db: as printed, the command failed.
    monkeypatch.setattr(watching, "SHOWN", 0)  # (the command is printed when lines are left out)
    empty = replace(sample_dossier, claims=(), conflicts=())
    lines = watching._changes(empty, sample_dossier, "it's $HOME", "my store.db")
    quoted = "'--story=it'\"'\"'s $HOME'"
    assert lines[-1] == f"  (all of it: crosswire diff {quoted} --db 'my store.db')"
