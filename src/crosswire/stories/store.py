"""SQLite story store: stories, their documents (bytes as given, deduplicated by content hash) and
every analysis as a numbered version. WAL mode; ordered, idempotent migrations; every write is one
transaction, so a killed process leaves the last committed version intact.

Adding to a story takes two transactions with an analysis between them: the documents, then the
version. A process killed in between leaves documents that no version has analysed; each version
records the highest document id its analysis read (``covers``), so ``unanalysed`` finds them and
the next add analyses them instead of reporting nothing new."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from crosswire.errors import StoreError

if sys.version_info >= (3, 14):
    from compression import zstd
else:  # (the standard library's module before 3.14, the same code: backports.zstd)
    from backports import zstd

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
    # 2: which documents each version analysed. Documents are never deleted, so ids only grow and
    # "every document with id <= covers" is exact. Older versions get the documents stored before
    # them (to the second): an add stores its documents before it saves its version.
    """
    ALTER TABLE versions ADD COLUMN covers INTEGER;
    UPDATE versions SET covers = (
        SELECT COALESCE(MAX(d.id), 0) FROM documents d
        WHERE d.story_id = versions.story_id AND d.added <= versions.created
    );
    """,
    # 3: documents taken out of a story (`crosswire remove`) keep their row, so ids still only grow and
    # older versions still say what they read; ``removed`` is when, NULL while the document is in.
    """
    ALTER TABLE documents ADD COLUMN removed TEXT;
    """,
    # 4: each document's annotation, kept by the hash of the cleaned document and the version of the
    # pipeline that made it, so a story's next version parses only its new documents.
    """
    CREATE TABLE annotations (
        document TEXT NOT NULL,
        version TEXT NOT NULL,
        data BLOB NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (document, version)
    );
    """,
    # 5: a version's dossier may be stored compressed (zlib bytes, see ``_packed``). Nothing to
    # change in the tables; the number tells a crosswire that does not know it that the store is
    # newer than it can read (``migrate`` refuses such a store rather than misread it).
    """
    SELECT 1;
    """,
    # 6: a version's dossier may be stored as a Zstandard frame (see ``_packed``); as for 5.
    """
    SELECT 1;
    """,
    # 7: a version's dossier may be stored as a patch against a whole one of the same story: its
    # number in ``base`` (NULL: the version is whole). See ``_patched``. The index finds a story's
    # latest whole version and the patches against it without reading every version's row.
    """
    ALTER TABLE versions ADD COLUMN base INTEGER;
    CREATE INDEX versions_base ON versions (story_id, base, number);
    """,
    # 8: what a version changed since the one before it (``changes``: JSON, NULL when not worked out
    # when it was saved), so that the versions page reads a few lines a version instead of every
    # version's dossier; and each version's ``token``, which names exactly the version such changes
    # were worked out against (its number alone could be another store's, or another process's).
    """
    ALTER TABLE versions ADD COLUMN changes TEXT;
    ALTER TABLE versions ADD COLUMN token TEXT;
    """,
)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a version changes since an earlier one (``stories.diff.VersionChanges`` as JSON), and
    which version that is: ``since`` and its ``token`` (0 and None: the story had no version)."""

    since: int
    token: str | None
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredDocument:
    name: str
    sha256: str
    data: bytes
    added: str
    id: int


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
        # NORMAL in WAL: a commit is written to the WAL before COMMIT returns but fsynced only at
        # checkpoints. A killed process (kill -9, a crash) loses nothing committed, because the
        # operating system still holds the write; a power cut or OS crash can lose the last commits,
        # never the file's consistency. FULL would fsync every commit for power-loss durability.
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        store = Store(connection)
        store.migrate()
        return store
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot open story store {path}: {exc}. Is it a crosswire database?") from exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# The highest document id of a story (``Store.top``).
_TOP = "SELECT COALESCE(MAX(d.id), 0) FROM documents d JOIN stories s ON s.id = d.story_id"
_TOP += " WHERE s.name = ?"


class Store:
    """Typed access to one SQLite store; callers never see SQL."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        # The whole version last patched against: (story, number, as stored, JSON); ``_whole_text``.
        self._whole: tuple[int | None, int, bytes, bytes] | None = None

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
        if max(done, default=0) > len(MIGRATIONS):
            raise StoreError(
                f"this story store was written by a newer crosswire (store schema {max(done)}, this crosswire "
                f"reads up to {len(MIGRATIONS)}); upgrade crosswire to open it"
            )
        for number, script in enumerate(MIGRATIONS, start=1):
            if number in done:
                continue
            with self._transaction() as db:
                # Another process may have applied it since we looked; the write lock settles it.
                if db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (number,)).fetchone():
                    continue
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
        """Store files in a story, all or none; a file whose bytes are already there is skipped.
        Returns the new names. No files: nothing is written (not even an empty story)."""
        added: list[str] = []
        if not files:
            return added
        with self._transaction() as db:
            story_id = self._story_id(db, story, create=True)
            for name, data in files:
                digest = hashlib.sha256(data).hexdigest()
                known = db.execute(
                    "SELECT name, removed FROM documents WHERE story_id=? AND sha256=?", (story_id, digest)
                ).fetchone()
                if known and known[1] is not None:  # taken out earlier, added again: it is back in
                    db.execute("UPDATE documents SET removed = NULL WHERE story_id=? AND sha256=?", (story_id, digest))
                    added.append(known[0])
                if known:
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
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        candidate, number = name, 0
        while candidate in taken:  # "a.txt" taken, and so is "a-<hash>.txt": count on
            mark = digest[:8] if number == 0 else f"{digest[:8]}-{number}"
            candidate = f"{stem}-{mark}{dot}{suffix}"
            number += 1
        return candidate

    def documents(self, story: str) -> list[StoredDocument]:
        """The story's documents in the order they were stored (one consistent read)."""
        rows = self._db.execute(
            "SELECT d.name, d.sha256, d.data, d.added, d.id FROM documents d JOIN stories s ON s.id = d.story_id "
            "WHERE s.name = ? AND d.removed IS NULL ORDER BY d.id",
            (story,),
        )
        return [StoredDocument(name, sha, bytes(data), added, id_) for name, sha, data, added, id_ in rows]

    def top(self, story: str) -> int:
        """The highest document id of ``story``, taken-out documents included (0 for none)."""
        (top,) = self._db.execute(_TOP, (story,)).fetchone()
        return int(top)

    def removed_hashes(self, story: str) -> set[str]:
        """The content hashes (SHA-256) of the documents taken out of ``story``."""
        rows = self._db.execute(
            "SELECT d.sha256 FROM documents d JOIN stories s ON s.id = d.story_id "
            "WHERE s.name = ? AND d.removed IS NOT NULL",
            (story,),
        )
        return {row[0] for row in rows}

    def remove_documents(self, story: str, names: list[str]) -> tuple[list[str], int]:
        """Take documents out of a story (their rows stay, marked removed). Returns the names taken out
        and the highest document id stored now, removed ones included: what the next analysis covers.

        Raises:
            StoreError: the story does not exist, or a name is not one of its documents.
        """
        with self._transaction() as db:
            story_id = self._story_id(db, story, create=False)
            if story_id is None:
                raise StoreError(f"no story {story!r} in this store")
            present = {
                r[0] for r in db.execute("SELECT name FROM documents WHERE story_id=? AND removed IS NULL", (story_id,))
            }
            # A removal whose version was never saved (the analysis after it was interrupted) is still
            # pending: the document is stored as removed and the latest version still reads it, so
            # taking it out again completes it.
            unknown = [n for n in names if n not in present]
            if unknown:
                removed = {
                    r[0]
                    for r in db.execute(
                        "SELECT name FROM documents WHERE story_id=? AND removed IS NOT NULL", (story_id,)
                    )
                }
                read = self._read_by_latest(story) if set(unknown) & removed else set()
                unknown = [n for n in unknown if not (n in removed and f"{story}/{Path(n).name}" in read)]
            if unknown:
                listed = ", ".join(sorted(present)[:20]) or "none"
                raise StoreError(f"story {story!r} has no document {unknown[0]!r} (its documents: {listed})")
            now = _now()
            for name in names:
                db.execute("UPDATE documents SET removed=? WHERE story_id=? AND name=?", (now, story_id, name))
            (top,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM documents WHERE story_id=?", (story_id,)).fetchone()
        return list(names), int(top)

    def _read_by_latest(self, story: str) -> set[str]:
        """The sources of the documents the story's latest version analysed, a feed's records as their file."""
        dossier = self.version(story) or {}
        sources = (d.get("source") for d in dossier.get("documents", []) if isinstance(d, dict))
        return {re.sub(r":\d+$", "", source) for source in sources if isinstance(source, str)}

    def unanalysed(self, story: str) -> list[str]:
        """Names of the story's documents its latest version did not analyse (all of them when it has no
        version): what an add that was interrupted before saving its version left behind."""
        # The latest version's coverage first, then the documents past it: one subquery per document
        # row read every version's row (each holding a whole dossier) and took seconds on a large story.
        found = self._db.execute(
            "SELECT s.id, (SELECT v.covers FROM versions v WHERE v.story_id = s.id ORDER BY v.number DESC LIMIT 1) "
            "FROM stories s WHERE s.name = ?",
            (story,),
        ).fetchone()
        if found is None:
            return []
        story_id, covers = found
        rows = self._db.execute(
            "SELECT name FROM documents WHERE story_id = ? AND removed IS NULL AND id > ? ORDER BY id",
            (story_id, covers or 0),
        )
        return [row[0] for row in rows]

    def save_version(
        self,
        story: str,
        dossier: dict[str, Any] | bytes,
        covers: int | None = None,
        documents: int | None = None,
        changes: Changes | None = None,
        token: str | None = None,
    ) -> int:
        """Store an analysis of the story as its next version; returns the version number. When the
        latest version already covers more documents (another add read more and finished first), nothing
        is stored and its number is returned: the latest version never goes backwards.

        A version is stored as a patch against the story's latest whole version while the patches
        against that one stay smaller than it, else whole (``_patched``): a desk stores a version at
        every add, and one article changes a fraction of a story's dossier.

        Args:
            story: the story's name (created if new).
            dossier: the analysis, as the dossier's JSON dictionary, or that JSON already written
                (UTF-8, surrogates passed through: ``KeptJSON.dumps``).
            covers: the highest ``StoredDocument.id`` the analysis read; None means every document
                stored now (right only when nothing can have been added since the analysis read them).
            documents: how many documents the analysis holds; needed for a dossier given as JSON.
            changes: what the version changes since an earlier one; kept only if that one is the
                latest version now (its number and token), else the version's changes stay unknown.
            token: names the version (``token``); a random one when not given.

        Raises:
            ValueError: a dossier given as JSON without its number of documents.
        """
        if isinstance(dossier, dict):
            documents = len(dossier.get("documents", []))
        elif documents is None:
            raise ValueError("save_version: a dossier given as JSON needs its number of documents")
        text = _written(dossier)
        with self._transaction() as db:
            story_id = self._story_id(db, story, create=True)
            (last,) = db.execute(
                "SELECT COALESCE(MAX(number), 0) FROM versions WHERE story_id=?", (story_id,)
            ).fetchone()
            if covers is None:
                (covers,) = db.execute(
                    "SELECT COALESCE(MAX(id), 0) FROM documents WHERE story_id=?", (story_id,)
                ).fetchone()
            latest = db.execute(
                "SELECT covers, token FROM versions WHERE story_id=? ORDER BY number DESC LIMIT 1",
                (story_id,),
            ).fetchone()
            if latest and latest[0] is not None and latest[0] > covers:
                return int(last)  # a concurrent add saved an analysis of more documents: keep it latest
            since = (last, latest[1] if latest else None)
            kept = changes is not None and (changes.since, changes.token) == since
            base, stored = self._patched(db, story_id, text)
            db.execute(
                "INSERT INTO versions "
                "(story_id, number, created, documents, dossier, covers, base, changes, token) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    story_id,
                    last + 1,
                    _now(),
                    documents,
                    stored,
                    covers,
                    base,
                    json.dumps(changes.summary, ensure_ascii=False) if kept and changes else None,
                    token or secrets.token_hex(16),
                ),
            )
            return int(last) + 1

    def _patched(
        self,
        db: sqlite3.Connection,
        story_id: int | None,
        text: bytes,
    ) -> tuple[int | None, bytes]:
        """A version's JSON as stored: (the number of the whole version it is a patch against, the
        patch), or (None, the whole of it, ``_packed``). A patch is a Zstandard frame compressed
        with that version's JSON as its prefix (``zstd --patch-from``): 13 KB after one add to a
        1,000-article story whose versions take 2.0 MB whole, 120 KB after 29. The patches against
        one whole version grow as the story moves away from it, so once they would take more than
        the whole version itself the next version is whole again: the story's versions take at
        most twice what their whole ones do, and reading one reads at most two (``version``)."""
        whole = db.execute(_LATEST_WHOLE, (story_id,)).fetchone()
        if whole is None or not isinstance(whole[1], bytes):
            return None, _packed(text)
        number, stored = whole
        (spent,) = db.execute(
            "SELECT COALESCE(SUM(LENGTH(dossier)), 0) FROM versions WHERE story_id=? AND base=?",
            (story_id, number),
        ).fetchone()
        if spent >= len(stored):
            return None, _packed(text)
        try:
            prefix = self._whole_text(story_id, number, stored, keep=True)
        except StoreError:  # (a damaged whole version: this one is whole, and the story reads on)
            return None, _packed(text)
        if len(prefix) < _PREFIX_MIN or (len(prefix) + len(text)).bit_length() > _PATCH_WINDOW_MAX:
            return None, _packed(text)
        patch = _packed(text, prefix)
        return (None, _packed(text)) if spent + len(patch) > len(stored) else (number, patch)

    def _whole_text(
        self,
        story_id: int | None,
        number: int,
        stored: bytes,
        keep: bool = False,
    ) -> bytes:
        """The JSON of a whole version (``stored``: as stored); with ``keep``, kept for the next
        call. A desk patches every version against the same whole one, so saving keeps it (37 MB
        for a 1,000-article story); reading does not: each of the web app's pooled stores would.
        What is kept is used only while the stored bytes are the same: a whole version damaged on
        disk meanwhile is read, and refused, as it is now."""
        kept = self._whole
        if kept is not None and kept[:2] == (story_id, number) and kept[2] == stored:
            return kept[3]
        text = _text(stored)
        if keep:
            self._whole = (story_id, number, stored, text)
        return text

    def versions(self, story: str) -> list[VersionInfo]:
        rows = self._db.execute(
            "SELECT v.number, v.created, v.documents FROM versions v JOIN stories s ON s.id = v.story_id "
            "WHERE s.name = ? ORDER BY v.number",
            (story,),
        )
        return [VersionInfo(*row) for row in rows]

    def latest(self, story: str) -> tuple[int, str | None] | None:
        """The number and token of the story's latest version (``save_version``; None as the token
        of a version stored before versions had tokens), or None when it has no version."""
        row = self._db.execute(
            "SELECT v.number, v.token FROM versions v JOIN stories s ON s.id = v.story_id "
            "WHERE s.name = ? ORDER BY v.number DESC LIMIT 1",
            (story,),
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def token(self, story: str, number: int) -> str | None:
        """The token of one version of a story (``save_version``), or None: no such version, or one
        stored before versions had tokens."""
        query = "SELECT v.token FROM versions v JOIN stories s ON s.id = v.story_id"
        row = self._db.execute(query + " WHERE s.name = ? AND v.number = ?", (story, number)).fetchone()
        return row[0] if row else None

    def changes(self, story: str) -> dict[int, dict[str, Any]]:
        """What each version changed since the one before it, where that was worked out when it was
        saved (``save_version``), by version number; a record that cannot be read is left out."""
        rows = self._db.execute(
            "SELECT v.number, v.changes FROM versions v JOIN stories s ON s.id = v.story_id "
            "WHERE s.name = ? AND v.changes IS NOT NULL",
            (story,),
        )
        found = {}
        for number, text in rows:
            try:
                summary = json.loads(text)
            except (TypeError, ValueError):
                continue  # (damaged: worked out again where it is shown)
            if isinstance(summary, dict):
                found[int(number)] = summary
        return found

    def version(self, story: str, number: int | None = None) -> dict[str, Any] | None:
        """The dossier of one version (the latest when ``number`` is None), or None.

        Raises:
            StoreError: the version, or the whole one it is a patch against, is damaged.
        """
        query = (
            "SELECT v.dossier, v.base, v.story_id "
            "FROM versions v JOIN stories s ON s.id = v.story_id WHERE s.name = ? "
            + ("AND v.number = ?" if number is not None else "ORDER BY v.number DESC LIMIT 1")
        )
        row = self._db.execute(query, (story, number) if number is not None else (story,)).fetchone()
        if row is None:
            return None
        stored, base, story_id = row
        if base is None:
            return _unpacked(stored)
        whole = self._db.execute(
            "SELECT dossier FROM versions WHERE story_id=? AND number=? AND base IS NULL",
            (story_id, base),
        ).fetchone()
        if whole is None or not isinstance(whole[0], bytes):
            why = f"the whole version {base} it is a patch against is not there"
            raise StoreError(_damaged(why))
        return _parsed(_unpatch(stored, self._whole_text(story_id, base, whole[0])))

    def annotations(self, documents: Iterable[str], version: str) -> tuple[dict[str, bytes], set[str]]:
        """The kept annotations of these document hashes made by ``version``, and which of the others
        were kept from another version (parsed again now because the pipeline changed)."""
        found: dict[str, bytes] = {}
        stale: set[str] = set()
        for document, made_by, data in self._annotation_rows("document, version, data", documents):
            if made_by == version:
                found[document] = bytes(data)
            else:
                stale.add(document)
        return found, stale - found.keys()

    def holds(self, documents: Iterable[str], version: str) -> set[str]:
        """Which of these document hashes have an annotation made by ``version`` (none is read)."""
        return {row[0] for row in self._annotation_rows("document", documents, version)}

    def _annotation_rows(self, columns: str, documents: Iterable[str], version: str | None = None) -> Iterator[Any]:
        """``columns`` of the annotations of these document hashes (of ``version`` only, if given),
        asked for 500 at a time (SQLite's limit on a statement's parameters)."""
        keys = sorted(set(documents))
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            where = f"document IN ({marks})" + (" AND version = ?" if version is not None else "")
            query = f"SELECT {columns} FROM annotations WHERE {where}"  # noqa: S608 (no value is spliced in)
            yield from self._db.execute(query, [*chunk, *([version] if version is not None else [])])

    def save_annotations(self, items: dict[str, bytes], version: str) -> None:
        """Keep annotations (replacing one of the same document and version)."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO annotations (document, version, data, created) VALUES (?, ?, ?, ?)",
                [(key, version, data, _now()) for key, data in items.items()],
            )

    def stories(self) -> list[StoryInfo]:
        rows = self._db.execute(
            "SELECT s.name, (SELECT COUNT(*) FROM documents d WHERE d.story_id = s.id AND d.removed IS NULL), "
            "(SELECT COUNT(*) FROM versions v WHERE v.story_id = s.id), "
            "(SELECT MAX(created) FROM versions v WHERE v.story_id = s.id) FROM stories s ORDER BY s.name"
        )
        return [StoryInfo(*row) for row in rows]


# A version's dossier is stored as compressed JSON: a 1,000-article story's is 37 MB of JSON, and a
# desk stores one at every add. orjson writes it in 0.04 s where the json module took 0.44 s; text
# that is not valid Unicode (a lone surrogate from a file name that was not UTF-8) is beyond orjson,
# and such a dossier is written by the json module. Zstandard (level 3) compresses it to 1.9 MB in
# 0.04 s, where zlib (level 3) took 0.18-0.23 s for 4.3 MB (measured on that story, 2026-12-05).
# ``_text`` reads every form stored so far: a Zstandard frame, zlib bytes (store schema 5) and JSON
# text (before). (orjson would write a NaN as null where the json module wrote NaN; a dossier holds
# none: its JSON output refuses one.) Since store schema 7 most versions are patches against a whole
# one (``Store._patched``). Zstandard is the standard library's module (Python 3.14), or its
# backport, which compresses against a prefix (``as_prefix``): a patch of 13 KB where the zstandard
# binding's raw-content dictionary gave 2.0 MB, no smaller than the version whole (tried once on a
# 1,000-article story's versions, 2026-12-07).
_PACK_LEVEL = 3
_LATEST_WHOLE = " ".join(
    (
        "SELECT number, dossier FROM versions",
        "WHERE story_id=? AND base IS NULL ORDER BY number DESC LIMIT 1",
    )
)
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # how every Zstandard frame begins (zlib's begin with 0x78)
_PATCH_WINDOW_MAX = 31  # a patch's window holds its whole version and itself: 2 GB at most
_PREFIX_MIN = 8  # Zstandard takes no shorter prefix (a dossier is thousands of bytes)


def _written(dossier: dict[str, Any] | bytes) -> bytes:
    """A dossier's JSON, as UTF-8 (surrogates passed through)."""
    if isinstance(dossier, bytes):
        return dossier
    try:
        return orjson.dumps(dossier)
    except orjson.JSONEncodeError:
        return json.dumps(dossier, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _packed(text: bytes, prefix: bytes | None = None) -> bytes:
    """``text`` compressed; with ``prefix``, against it as its raw prefix, in a window that holds
    both, matches found at any distance (``zstd --patch-from``; ``_unpatch`` reverses it)."""
    # (with a checksum: a damaged frame is refused, not read as other valid JSON; zlib had one too)
    parameter = zstd.CompressionParameter
    options: dict[int, int] = {parameter.compression_level: _PACK_LEVEL, parameter.checksum_flag: 1}
    if prefix is None:
        return zstd.compress(text, options=options)
    options[parameter.window_log] = max(10, (len(prefix) + len(text)).bit_length())
    options[parameter.enable_long_distance_matching] = 1
    prefixed = zstd.ZstdDict(prefix, is_raw=True).as_prefix
    return zstd.compress(text, options=options, zstd_dict=prefixed)


def _unpatch(patch: bytes | str, prefix: bytes) -> bytes:
    if not isinstance(patch, bytes):
        raise StoreError(_damaged("a patch stored as text"))
    options: dict[int, int] = {zstd.DecompressionParameter.window_log_max: _PATCH_WINDOW_MAX}
    try:
        prefixed = zstd.ZstdDict(prefix, is_raw=True).as_prefix
        return zstd.decompress(patch, zstd_dict=prefixed, options=options)
    except (zstd.ZstdError, ValueError) as exc:
        raise StoreError(_damaged(f"{type(exc).__name__}: {exc}")) from exc


def _text(stored: str | bytes) -> bytes:
    """A whole version's JSON, from any form stored so far: a Zstandard frame, zlib bytes (store
    schema 5) and JSON text (before)."""
    try:
        if isinstance(stored, str):
            return stored.encode("utf-8", "surrogatepass")
        if stored.startswith(_ZSTD_MAGIC):
            return zstd.decompress(stored)
        return zlib.decompress(stored)
    except (zstd.ZstdError, zlib.error) as exc:
        raise StoreError(_damaged(f"{type(exc).__name__}: {exc}")) from exc


def _unpacked(stored: str | bytes) -> dict[str, Any]:
    return _parsed(_text(stored))


def _parsed(text: bytes) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(text.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise StoreError(_damaged(f"{type(exc).__name__}: {exc}")) from exc
    return value


def _damaged(why: str) -> str:
    return (
        f"a stored version is damaged and cannot be read ({why}); the story's documents are "
        "intact: add or remove a document to store a new version"
    )
