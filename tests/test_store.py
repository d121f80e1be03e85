from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import zlib

import pytest
from conftest import damage_version

from crosswire.errors import StoreError
from crosswire.stories.store import MIGRATIONS, open_store

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd


def test_store_dedupes_by_content_and_round_trips_bytes(tmp_path):
    store = open_store(tmp_path / "s.db")
    data = "Ünïcode text\r\nwith CRLF and \x00 a NUL".encode()
    assert store.add_documents("story", [("a.txt", data), ("b.txt", data)]) == ["a.txt"]
    assert store.add_documents("story", [("a.txt", data)]) == []
    assert store.add_documents("story", [("a.txt", b"other bytes")]) == [
        f"a-{__import__('hashlib').sha256(b'other bytes').hexdigest()[:8]}.txt"
    ]
    assert store.documents("story")[0].data == data


def test_store_versions_are_numbered_and_kept(tmp_path):
    store = open_store(tmp_path / "s.db")
    assert store.save_version("story", {"documents": [1], "v": "one"}) == 1
    assert store.save_version("story", {"documents": [1, 2], "v": "two"}) == 2
    assert [v.number for v in store.versions("story")] == [1, 2]
    assert store.version("story")["v"] == "two" and store.version("story", 1)["v"] == "one"
    assert store.version("missing") is None
    (info,) = store.stories()
    assert (info.name, info.versions) == ("story", 2)


def test_store_a_version_is_stored_compressed_and_read_back_whole(tmp_path):
    """A desk stores a version at every add: a large story's dossier must not cost its full JSON each time."""
    claims = [
        {"id": f"c{n}", "text": f"Officials said {n} people were moved — “déjà vu”.", "mentions": []}
        for n in range(5000)
    ]
    dossier = {"documents": [1], "claims": claims}
    store = open_store(tmp_path / "s.db")
    store.save_version("story", dossier)
    assert store.version("story") == dossier
    store.close()
    (stored,) = sqlite3.connect(tmp_path / "s.db").execute("SELECT length(dossier) FROM versions").fetchone()
    assert stored < len(json.dumps(dossier, ensure_ascii=False)) / 4


def test_store_reads_versions_stored_in_every_earlier_form(tmp_path):
    """A store kept from earlier crosswires holds versions as JSON text, then as zlib bytes, then
    as Zstandard frames of another binding: each is read back as it was stored, beside the versions
    stored now."""
    path = tmp_path / "s.db"
    store = open_store(path)
    store.save_version("story", {"v": "zstd", "text": "“Zürich”"})
    store.close()
    db = sqlite3.connect(path)
    (story_id,) = db.execute("SELECT story_id FROM versions").fetchone()
    # (3: a frame as the zstandard binding wrote it until 2026-12-07, level 3 with a checksum)
    zstandard = "28b52ffd242b5901007b2276223a20227a7374616e64617264222c202274657874223a2022e2809c5ac3bc72"
    zstandard += "696368e2809d227dd947a8e8"
    old = {
        1: json.dumps({"v": "text", "text": "“Zürich”"}),
        2: zlib.compress(b'{"v": "zlib"}'),
        3: bytes.fromhex(zstandard),
    }
    columns = "story_id, number, created, documents, dossier"
    for number, dossier in old.items():
        db.execute(
            f"INSERT INTO versions ({columns}) VALUES (?, ?, ?, 0, ?)",
            (story_id, number + 10, "2026-12-01T00:00:00Z", dossier),
        )
    db.commit()
    db.close()
    store = open_store(path)
    assert store.version("story", 11) == {"v": "text", "text": "“Zürich”"}
    assert store.version("story", 12) == {"v": "zlib"}
    assert store.version("story", 13) == {"v": "zstandard", "text": "“Zürich”"}
    assert store.version("story", 1) == {"v": "zstd", "text": "“Zürich”"}


def test_store_a_damaged_version_is_refused_not_misread(tmp_path):
    """A stored version damaged on disk is an error that says so, never another dossier."""
    path = tmp_path / "s.db"
    store = open_store(path)
    claims = [{"id": f"c{n}", "text": f"{n} people were moved"} for n in range(300)]
    store.save_version("story", {"claims": claims})
    store.close()
    damage_version(path)  # (one bit, in the middle of the compressed text)
    with pytest.raises(StoreError, match="damaged"):
        open_store(path).version("story", 1)


def _desk_versions(count, claims=3000, changed=40):
    """Dossiers as a desk stores them, one a version: most claims as they were, a few new ones."""
    versions = []
    for version in range(count):
        said = "Officials said {} people were moved on day {}."
        adds = "Version {} adds {}: “déjà vu”."
        kept = [{"id": f"c{n}", "text": said.format(n, n % 7)} for n in range(claims)]
        new = [{"id": f"n{version}-{k}", "text": adds.format(version, k)} for k in range(changed)]
        versions.append({"documents": list(range(version + 1)), "claims": kept + new, "v": version})
    return versions


def _stored(path):
    with sqlite3.connect(path) as db:
        query = "SELECT number, base, length(dossier) FROM versions ORDER BY number"
        return db.execute(query).fetchall()


def test_store_a_desks_versions_are_stored_as_patches_and_read_back_exactly(tmp_path):
    """A desk stores a version at every add, and one article changes little of a story's dossier:
    each version after the first is kept as a patch against the first, a fraction of its size, and
    every version reads back exactly as it was saved, from this store and from one opened afresh."""
    path = tmp_path / "s.db"
    versions = _desk_versions(6)
    store = open_store(path)
    for dossier in versions:
        store.save_version("story", dossier)
    assert [store.version("story", n) for n in range(1, 7)] == versions
    store.close()
    fresh = open_store(path)
    assert [fresh.version("story", n) for n in range(6, 0, -1)] == versions[::-1]
    assert fresh.version("story") == versions[-1]
    assert fresh._whole is None  # (a store that only reads keeps no whole version: the web's pool)
    rows = _stored(path)
    assert [base for _, base, _ in rows] == [None, 1, 1, 1, 1, 1]
    whole = rows[0][2]
    assert all(size < whole / 5 for _, _, size in rows[1:])


def test_store_a_version_is_whole_again_once_its_patches_outweigh_a_whole_one(tmp_path):
    """Patches against one whole version grow as the story moves away from it: once they would take
    more than that version does, the next one is stored whole and later ones patch against it, so a
    story's versions take at most about twice their whole ones, and every one still reads back."""
    path = tmp_path / "s.db"
    versions = _desk_versions(40, claims=400, changed=60)
    store = open_store(path)
    for dossier in versions:
        store.save_version("story", dossier)
    rows = _stored(path)
    wholes = [number for number, base, _ in rows if base is None]
    assert len(wholes) >= 2 and wholes[0] == 1
    for number, base, _ in rows:  # each patch is against the latest whole version before it
        assert base is None or base == max(w for w in wholes if w < number)
    for whole in wholes:
        (size,) = [size for number, base, size in rows if number == whole]
        assert sum(s for _, base, s in rows if base == whole) <= size
    assert [open_store(path).version("story", n) for n in range(1, 41)] == versions


def test_store_a_patch_whose_whole_version_is_damaged_is_refused_and_the_story_goes_on(tmp_path):
    """A patch read against a damaged whole version is an error that says so, never another dossier;
    the next version saved is whole again, and reads back."""
    path = tmp_path / "s.db"
    first, second, third = _desk_versions(3)
    store = open_store(path)
    store.save_version("story", first)
    store.save_version("story", second)
    store.close()
    damage_version(path)
    store = open_store(path)
    with pytest.raises(StoreError, match="damaged"):
        store.version("story", 2)
    store.save_version("story", third)
    assert store.version("story") == third
    assert _stored(path)[-1][1] is None


def test_store_a_story_whose_first_version_is_tiny_takes_later_ones(tmp_path):
    """Zstandard takes no prefix shorter than 8 bytes: a version of a few bytes is never patched
    against, and the versions after it are still stored and read back."""
    store = open_store(tmp_path / "s.db")
    versions = [{}, {"v": 1}, *_desk_versions(3)]
    for dossier in versions:
        store.save_version("story", dossier)
    assert [store.version("story", n) for n in range(1, 6)] == versions


def test_store_a_desk_does_not_patch_against_a_whole_version_damaged_since_it_read_it(tmp_path):
    """A desk keeps the whole version it patches against; if that version's bytes are damaged on
    disk meanwhile, its next version is stored whole, readable by any store, not a patch only the
    desk can read."""
    path = tmp_path / "s.db"
    first, second, third = _desk_versions(3)
    desk = open_store(path)
    desk.save_version("story", first)
    desk.save_version("story", second)
    damage_version(path)
    desk.save_version("story", third)
    assert _stored(path)[-1][1] is None
    assert open_store(path).version("story", 3) == third


def test_store_migrations_are_idempotent_and_wal(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    open_store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations")] == list(range(1, len(MIGRATIONS) + 1))


def _old_store(path):
    """A store as the first schema left it: one story, two documents, a version that analysed only the first."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);"
        + MIGRATIONS[0]
        + "INSERT INTO schema_migrations VALUES (1);"
    )
    db.execute("INSERT INTO stories (id, name, created) VALUES (1, 'levy', '2024-05-01T10:00:00+00:00')")
    for number, (name, added) in enumerate(
        [("a.txt", "2024-05-01T10:00:00+00:00"), ("b.txt", "2024-05-01T11:00:00+00:00")], start=1
    ):
        data = name.encode()
        db.execute(
            "INSERT INTO documents (id, story_id, name, sha256, data, added) VALUES (?, 1, ?, ?, ?, ?)",
            (number, name, hashlib.sha256(data).hexdigest(), data, added),
        )
    db.execute(
        "INSERT INTO versions (story_id, number, created, documents, dossier) "
        "VALUES (1, 1, '2024-05-01T10:00:05+00:00', 1, '{\"v\": 1}')"
    )
    db.commit()
    db.close()


def test_store_migrations_upgrade_a_first_schema_store(tmp_path):
    path = tmp_path / "old.db"
    _old_store(path)
    store = open_store(path)
    # b.txt was stored after version 1 (an add killed before its version): it is found unanalysed.
    assert store.unanalysed("levy") == ["b.txt"]
    assert store.version("levy", 1) == {"v": 1}
    assert [d.data for d in store.documents("levy")] == [b"a.txt", b"b.txt"]
    assert store.save_version("levy", {"documents": [1, 2]}) == 2
    assert store.unanalysed("levy") == []
    store.close()
    db = sqlite3.connect(path)
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations")] == list(range(1, len(MIGRATIONS) + 1))
    assert [r[0] for r in db.execute("SELECT covers FROM versions ORDER BY number")] == [1, 2]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_store_migration_that_fails_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    import crosswire.stories.store as sqlite_store

    path = tmp_path / "old.db"
    _old_store(path)
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", (*MIGRATIONS, "ALTER TABLE versions ADD COLUMN x; SELECT nope"))
    with pytest.raises(StoreError):
        open_store(path)
    db = sqlite3.connect(path)
    # Migrations before it committed on their own; the broken last one rolled back whole (no column x,
    # not recorded).
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations")] == list(range(1, len(MIGRATIONS) + 1))
    assert "x" not in [r[1] for r in db.execute("PRAGMA table_info(versions)")]
    db.close()
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", MIGRATIONS)
    assert open_store(path).unanalysed("levy") == ["b.txt"]


def test_store_unanalysed_is_what_the_latest_version_did_not_read(tmp_path):
    store = open_store(tmp_path / "s.db")
    assert store.unanalysed("story") == []
    store.add_documents("story", [("a.txt", b"a"), ("b.txt", b"b")])
    assert store.unanalysed("story") == ["a.txt", "b.txt"]  # no version yet
    read = store.documents("story")
    store.add_documents("story", [("c.txt", b"c")])  # stored while the analysis ran
    store.save_version("story", {"documents": [1, 2]}, covers=max(d.id for d in read))
    assert store.unanalysed("story") == ["c.txt"]
    store.save_version("story", {"documents": [1, 2, 3]})
    assert store.unanalysed("story") == []


def test_store_latest_version_never_goes_backwards(tmp_path):
    """Two adds race: the one that read fewer documents finishes last, and must not become the latest."""
    store = open_store(tmp_path / "s.db")
    store.add_documents("story", [("a.txt", b"a")])
    slow_read = store.documents("story")
    store.add_documents("story", [("b.txt", b"b")])
    assert store.save_version("story", {"documents": [1, 2]}) == 1  # the fast add read a and b
    assert store.save_version("story", {"documents": [1]}, covers=max(d.id for d in slow_read)) == 1
    assert [v.number for v in store.versions("story")] == [1] and store.version("story")["documents"] == [1, 2]


def test_store_add_documents_is_all_or_nothing(tmp_path):
    store = open_store(tmp_path / "s.db")
    with pytest.raises(TypeError):
        store.add_documents("story", [("a.txt", b"fine"), ("b.txt", None)])  # type: ignore[list-item]
    assert store.documents("story") == [] and store.stories() == []
    assert store.add_documents("story", []) == [] and store.stories() == []


@pytest.mark.parametrize(
    "data",
    [
        b"line one\r\nline two\r\n",
        "caf\u00e9 \u2013 \u201cquoted\u201d".encode("cp1252"),
        "\ufeffByte order mark".encode("utf-8"),
        b"trailing whitespace \t \n\n   ",
        b"",
    ],
    ids=["crlf", "cp1252", "bom", "trailing-whitespace", "empty"],
)
def test_store_documents_round_trip_byte_for_byte(tmp_path, data):
    path = tmp_path / "s.db"
    open_store(path).add_documents("story", [("a.txt", data)])
    (stored,) = open_store(path).documents("story")
    assert stored.data == data and stored.sha256 == hashlib.sha256(data).hexdigest()


def test_store_version_text_is_kept_exactly(tmp_path):
    store = open_store(tmp_path / "s.db")
    dossier = {"documents": [], "text": "\u201cZ\u00fcrich\u201d\r\n\ufeff"}
    store.save_version("story", dossier)
    assert store.version("story", 1) == dossier
    raw = sqlite3.connect(tmp_path / "s.db").execute("SELECT dossier FROM versions").fetchone()[0]
    text = zstd.decompress(raw).decode("utf-8")
    assert json.loads(text) == dossier
    assert "Z\u00fcrich" in text  # readable in the database, not escaped


def test_store_keeps_a_version_whose_text_is_not_valid_unicode(tmp_path):
    # A file name that was not UTF-8 keeps its bytes as lone surrogates: orjson cannot write those,
    # and the version must still be stored and read back as it was.
    store = open_store(tmp_path / "s.db")
    dossier = {"documents": [{"source": "story/caf\udce9.txt"}], "n": 3}
    store.save_version("story", dossier)
    assert store.version("story", 1) == dossier


def test_store_rejects_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "not.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="crosswire database"):
        open_store(path)


def test_a_removal_whose_version_was_never_saved_can_be_completed(tmp_path):
    # `crosswire remove` stored the removal, then was interrupted before its version: the latest
    # version still reads the document, so removing it again must complete the removal, not refuse.
    store = open_store(tmp_path / "s.db")
    store.add_documents("levy", [("a.txt", b"first"), ("b.txt", b"second")])
    store.save_version("levy", {"documents": [{"source": "levy/a.txt"}, {"source": "levy/b.txt"}]})
    store.remove_documents("levy", ["a.txt"])  # ... and no version saved
    for never_stored in ("junk/a.txt", "../a.txt", "nothere.txt"):  # the latest version's names only
        with pytest.raises(StoreError, match="no document"):
            store.remove_documents("levy", [never_stored])
    assert store.remove_documents("levy", ["a.txt"]) == (["a.txt"], 2)
    store.save_version("levy", {"documents": [{"source": "levy/b.txt"}]})
    with pytest.raises(StoreError, match="no document 'a.txt'"):
        store.remove_documents("levy", ["a.txt"])  # now it is out, and the latest version says so


def test_store_removed_documents_leave_the_story_but_keep_their_row(tmp_path):
    store = open_store(tmp_path / "s.db")
    store.add_documents("levy", [("a.txt", b"first"), ("b.txt", b"second")])
    store.save_version("levy", {"v": 1})
    removed, covers = store.remove_documents("levy", ["a.txt"])
    assert removed == ["a.txt"] and covers == 2
    assert [d.name for d in store.documents("levy")] == ["b.txt"]
    assert store.unanalysed("levy") == []
    with pytest.raises(StoreError, match="no document 'a.txt'"):
        store.remove_documents("levy", ["a.txt"])  # already out
    with pytest.raises(StoreError, match="no story"):
        store.remove_documents("nothing", ["a.txt"])
    assert store.add_documents("levy", [("again.txt", b"first")]) == ["a.txt"]  # back in, under its name
    assert [d.name for d in store.documents("levy")] == ["a.txt", "b.txt"]


def test_store_names_never_collide(tmp_path):
    store = open_store(tmp_path / "s.db")
    first = hashlib.sha256(b"two").hexdigest()[:8]
    store.add_documents("s", [("a.txt", b"one"), (f"a-{first}.txt", b"three")])
    names = store.add_documents("s", [("a.txt", b"two")])  # its de-duplicated name is taken too
    assert len(names) == 1 and names[0] not in ("a.txt", f"a-{first}.txt")
    assert len({d.name for d in store.documents("s")}) == 3


def test_store_written_by_a_newer_crosswire_is_refused_not_misread(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_migrations (version) VALUES (?)", (len(MIGRATIONS) + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer crosswire"):
        open_store(path)


def test_store_keeps_a_version_given_as_json_already_written(tmp_path):
    # A desk writes a version's JSON itself (its claims' JSON kept from the last add): the store
    # keeps those bytes as they are, with the number of documents it is told.
    import orjson

    store = open_store(tmp_path / "s.db")
    written = orjson.dumps({"documents": [1, 2, 3], "v": "“Zürich”"})
    assert store.save_version("story", written, None, 3) == 1
    assert store.version("story") == {"documents": [1, 2, 3], "v": "“Zürich”"}
    assert [v.documents for v in store.versions("story")] == [3]
    with pytest.raises(ValueError, match="needs its number of documents"):
        store.save_version("story", written)


def test_store_keeps_a_versions_changes_only_against_the_latest_version(tmp_path):
    # What a version changed is kept only if it was worked out against the version that is the
    # latest when it is stored (its number and token): another process's, or another store's,
    # version of the same number must not stand for it.
    from crosswire.stories.store import Changes

    store = open_store(tmp_path / "s.db")
    empty = {"documents": []}
    assert store.save_version("s", empty, changes=Changes(0, None, {"new_claims": 3}), token="t1") == 1
    store.save_version("s", empty, changes=Changes(1, "t1", {"new_claims": 1}), token="t2")
    store.save_version("s", empty, changes=Changes(1, "t1", {"new_claims": 9}), token="t3")
    store.save_version("s", empty, changes=Changes(3, "other", {"new_claims": 9}))
    store.save_version("s", empty)
    assert store.changes("s") == {1: {"new_claims": 3}, 2: {"new_claims": 1}}
    with sqlite3.connect(tmp_path / "s.db") as db:  # a record damaged on disk is left out
        db.execute("UPDATE versions SET changes = '{not json' WHERE number = 2")
    assert store.changes("s") == {1: {"new_claims": 3}}
    assert store.changes("no such story") == {}
