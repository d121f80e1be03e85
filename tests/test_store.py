from __future__ import annotations

import sqlite3

import pytest

from crosswire.errors import StoreError
from crosswire.store import open_store


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


def test_store_migrations_are_idempotent_and_wal(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    open_store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in db.execute("SELECT version FROM schema_migrations")] == [1]


def test_store_rejects_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "not.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="crosswire database"):
        open_store(path)
