"""SQLite story store: stories, their documents (bytes as given, deduplicated by content hash) and
every analysis as a numbered version. WAL mode; ordered, idempotent migrations; every write is one
transaction, so a killed process leaves the last committed version intact."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crosswire.errors import StoreError

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        data BLOB NOT NULL,
        added TEXT NOT NULL,
        UNIQUE (story_id, sha256),
        UNIQUE (story_id, name)
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        number INTEGER NOT NULL,
        created TEXT NOT NULL,
        documents INTEGER NOT NULL,
        dossier TEXT NOT NULL,
        UNIQUE (story_id, number)
    );
    """,
)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    name: str
    sha256: str
    data: bytes
    added: str


@dataclass(frozen=True, slots=True)
class VersionInfo:
    number: int
    created: str
    documents: int


@dataclass(frozen=True, slots=True)
class StoryInfo:
    name: str
    documents: int
    versions: int
    updated: str | None


def open_store(path: str | Path) -> Store:
    """Open (creating and migrating) the store at ``path``.

    Raises:
        StoreError: the file is not a crosswire store or cannot be opened.
    """
    try:
        connection = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        store = Store(connection)
        store.migrate()
        return store
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open story store {path}: {exc}. Is it a crosswire database?") from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Typed access to one SQLite store; callers never see SQL."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def migrate(self) -> None:
        """Apply the migrations this file has not seen yet, in order, each in its own transaction."""
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        done = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
        for number, script in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            with self._transaction() as db:
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (version) VALUES (?)", (number,))

    def _story_id(self, db: sqlite3.Connection, name: str, create: bool) -> int | None:
        row = db.execute("SELECT id FROM stories WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        if not create:
            return None
        return int(db.execute("INSERT INTO stories (name, created) VALUES (?, ?)", (name, _now())).lastrowid or 0)

    def add_documents(self, story: str, files: list[tuple[str, bytes]]) -> list[str]:
        """Store files in a story; a file whose bytes are already there is skipped. Returns new names."""
        added = []
        with self._transaction() as db:
            story_id = self._story_id(db, story, create=True)
            for name, data in files:
                digest = hashlib.sha256(data).hexdigest()
                if db.execute("SELECT 1 FROM documents WHERE story_id=? AND sha256=?", (story_id, digest)).fetchone():
                    continue
                unique = self._unique_name(db, story_id, name, digest)
                db.execute(
                    "INSERT INTO documents (story_id, name, sha256, data, added) VALUES (?, ?, ?, ?, ?)",
                    (story_id, unique, digest, data, _now()),
                )
                added.append(unique)
        return added

    @staticmethod
    def _unique_name(db: sqlite3.Connection, story_id: int | None, name: str, digest: str) -> str:
        taken = {r[0] for r in db.execute("SELECT name FROM documents WHERE story_id=?", (story_id,))}
        if name not in taken:
            return name
        stem, dot, suffix = name.rpartition(".")
        return f"{stem}-{digest[:8]}.{suffix}" if dot else f"{name}-{digest[:8]}"

    def documents(self, story: str) -> list[StoredDocument]:
        rows = self._db.execute(
            "SELECT d.name, d.sha256, d.data, d.added FROM documents d JOIN stories s ON s.id = d.story_id "
            "WHERE s.name = ? ORDER BY d.id",
            (story,),
        )
        return [StoredDocument(name, sha, bytes(data), added) for name, sha, data, added in rows]

    def save_version(self, story: str, dossier: dict[str, Any]) -> int:
        """Store an analysis of the story as its next version; returns the version number."""
        with self._transaction() as db:
            story_id = self._story_id(db, story, create=True)
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM versions WHERE story_id=?", (story_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO versions (story_id, number, created, documents, dossier) VALUES (?, ?, ?, ?, ?)",
                (
                    story_id,
                    last + 1,
                    _now(),
                    len(dossier.get("documents", [])),
                    json.dumps(dossier, ensure_ascii=False),
                ),
            )
            return int(last) + 1

    def versions(self, story: str) -> list[VersionInfo]:
        rows = self._db.execute(
            "SELECT v.number, v.created, v.documents FROM versions v JOIN stories s ON s.id = v.story_id "
            "WHERE s.name = ? ORDER BY v.number",
            (story,),
        )
        return [VersionInfo(*row) for row in rows]

    def version(self, story: str, number: int | None = None) -> dict[str, Any] | None:
        """The dossier of one version (the latest when ``number`` is None), or None."""
        query = "SELECT v.dossier FROM versions v JOIN stories s ON s.id = v.story_id WHERE s.name = ? " + (
            "AND v.number = ?" if number is not None else "ORDER BY v.number DESC LIMIT 1"
        )
        row = self._db.execute(query, (story, number) if number is not None else (story,)).fetchone()
        return json.loads(row[0]) if row else None

    def stories(self) -> list[StoryInfo]:
        rows = self._db.execute(
            "SELECT s.name, (SELECT COUNT(*) FROM documents d WHERE d.story_id = s.id), "
            "(SELECT COUNT(*) FROM versions v WHERE v.story_id = s.id), "
            "(SELECT MAX(created) FROM versions v WHERE v.story_id = s.id) FROM stories s ORDER BY s.name"
        )
        return [StoryInfo(*row) for row in rows]
