"""Where a pile's cleaned documents wait for their batch: compressed, in a temporary SQLite file, so
that no process holds a large pile's text.

Documents are kept as the parse cache keeps them (compressed JSON of the model's types, never
pickle) and taken back once, when their batch of stories is annotated. Each document's clustering
counts (hashed words and names) wait here too, as raw arrays, until story clustering reads its
partition; so do its clustering keys (the publication order is sorted here) and, once found, the
stories (each its documents' ids), read back a batch at a time. The ids reading has given wait here
too (``GivenIds``), so that a repeated file name is numbered past them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np
from scipy import sparse

from crosswire.analysis.cache import decode_document, encode
from crosswire.models import Document
from crosswire.stages._story_features import UNDATED

_INDEX = np.dtype("<i4")
_COUNT = np.dtype("<f4")


class ScratchDatabase:
    """A SQLite file in a temporary folder, removed on ``close`` (or at the end of a ``with``): scratch
    space, with nothing to recover after a crash. Given the ``path`` of one made before (by another
    process: see ``handed_over``), it is opened, and left in place on ``close``."""

    def __init__(self, prefix: str, name: str, path: Path | None = None) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._folder = tempfile.TemporaryDirectory(prefix=prefix)
            path = Path(self._folder.name) / name
        self.path = path
        self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        return db

    @contextlib.contextmanager
    def handed_over(self) -> Iterator[Path]:
        """The file's path, for another process to open and write while this one lets it be (its
        connection is closed meanwhile, and opened again after, so it reads what was written)."""
        self._db.close()
        try:
            yield self.path
        finally:
            self._db = self._connect()

    def close(self) -> None:
        try:
            self._db.close()
        finally:
            if self._folder is not None:
                self._folder.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class Spill(ScratchDatabase):
    """Cleaned documents by id, in a temporary file removed on ``close`` (or at the end of a ``with``)."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__("crosswire-pile-", "documents.db", path)
        if path is not None:
            return  # (its tables were made by the ``Spill`` that handed it over)
        self._db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, data BLOB NOT NULL)")
        self._db.execute("CREATE TABLE counts (id TEXT PRIMARY KEY, words BLOB NOT NULL, names BLOB NOT NULL)")
        self._db.execute("CREATE TABLE outlets (id TEXT PRIMARY KEY, outlet TEXT, evidence TEXT)")
        self._db.execute(
            "CREATE TABLE keys (row INTEGER PRIMARY KEY, id TEXT NOT NULL, date TEXT, day INTEGER, key TEXT)"
        )
        self._db.execute("CREATE INDEX keys_by_id ON keys (id)")
        self._db.execute("CREATE INDEX keys_by_key ON keys (key)")
        self._db.execute("CREATE TABLE stories (number INTEGER PRIMARY KEY, size INTEGER NOT NULL, ids TEXT NOT NULL)")
        self._db.execute("CREATE TABLE given (id TEXT PRIMARY KEY) WITHOUT ROWID")

    def given_ids(self) -> GivenIds:
        """Where reading the pile keeps the document ids it has given (``ingest.unique_ids``)."""
        return GivenIds(self)

    def put(self, documents: Iterable[Document]) -> None:
        """Keep these documents (one of the same id is replaced, as a dict by id would)."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO documents (id, data) VALUES (?, ?)", ((d.id, encode(d)) for d in documents)
            )

    def put_counts(self, ids: Sequence[str], words: sparse.csr_matrix, names: sparse.csr_matrix) -> None:
        """Keep each document's counts: row ``k`` of ``words`` and ``names`` is ``ids[k]``'s."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO counts (id, words, names) VALUES (?, ?, ?)",
                ((doc_id, _row_bytes(words, k), _row_bytes(names, k)) for k, doc_id in enumerate(ids)),
            )

    def put_keys(
        self, ids: Sequence[str], dates: Sequence[str | None], days: Sequence[date | None], keys: Sequence[str]
    ) -> None:
        """Keep each document's clustering keys (id, publication date and day, content hash), after
        those kept before: ``keys`` gives them back in this order."""
        with self._db:
            self._db.executemany(
                "INSERT INTO keys (id, date, day, key) VALUES (?, ?, ?, ?)",
                (
                    (doc_id, when or None, None if day is None else day.toordinal(), key)
                    for doc_id, when, day, key in zip(ids, dates, days, keys, strict=True)
                ),
            )

    def rekey(self, keys: dict[str, str]) -> None:
        """Give these documents (by id) a new content hash."""
        with self._db:
            self._db.executemany("UPDATE keys SET key = ? WHERE id = ?", ((key, i) for i, key in keys.items()))

    def keys_among(self, ids: Sequence[str]) -> list[str]:
        """Those of ``ids`` whose keys are kept, in the order they were kept."""
        return [doc_id for doc_id, _ in sorted(self._select("keys", "row", ids), key=lambda found: found[1])]

    def drop_keys(self, ids: Sequence[str]) -> None:
        """Let go of these documents' keys."""
        self._delete(("keys",), ids)

    def first_with(self, keys: Sequence[str]) -> dict[str, str]:
        """Of these content hashes, those a kept document holds, with the first such document's id
        (the pile's ``read_once``: a document read later with one of them is a copy)."""
        found: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(chunk))
            # (the first row last: it stays)
            where = f"key IN ({marks})"
            query = f"SELECT key, id FROM keys WHERE {where} ORDER BY row DESC"  # noqa: S608
            found.update(self._db.execute(query, chunk))
        return found

    def ids_and_days(self) -> tuple[tuple[str, ...], tuple[date | None, ...]]:
        """Every document's id and publication day, in the order kept (a day many documents share is
        one object). Ids are read before days, so that they lie together in memory."""
        ids = tuple(row[0] for row in self._db.execute("SELECT id FROM keys ORDER BY row"))
        shared: dict[int | None, date | None] = {None: None}
        days: list[date | None] = []
        for (day,) in self._db.execute("SELECT day FROM keys ORDER BY row"):
            if day not in shared:
                shared[day] = date.fromordinal(day)
            days.append(shared[day])
        return ids, tuple(days)

    def publication_order(self) -> tuple[array[int], int]:
        """The documents' positions (in the order kept) in publication order, sorted here rather than
        in memory, and how many are dated: as ``cluster.publication_order`` sorts them."""
        kept = self._db.execute("SELECT row FROM keys ORDER BY row")
        rows = np.fromiter((row for (row,) in kept), dtype=np.int64)
        ordered = self._db.execute(
            f"SELECT row FROM keys ORDER BY COALESCE(date, '{UNDATED}'), COALESCE(date, '~'), key, id, row"  # noqa: S608
        )
        positions = np.searchsorted(rows, np.fromiter((row for (row,) in ordered), dtype=np.int64))
        order = array("q")
        order.frombytes(positions.astype(np.int64).tobytes())
        undated = f"COALESCE(date, '{UNDATED}') = '{UNDATED}'"
        (dated,) = self._db.execute(f"SELECT COUNT(*) FROM keys WHERE NOT {undated}").fetchone()  # noqa: S608
        return order, int(dated)

    def put_stories(self, stories: Iterable[Sequence[str]]) -> None:
        """Keep the stories found (each its documents' ids), numbered from 0 in this order."""
        with self._db:
            self._db.execute("DELETE FROM stories")
            self._db.executemany(
                "INSERT INTO stories (number, size, ids) VALUES (?, ?, ?)",
                ((n, len(ids), json.dumps(list(ids))) for n, ids in enumerate(stories)),
            )

    def story_sizes(self) -> list[int]:
        """How many documents each story kept holds, by number."""
        return [row[0] for row in self._db.execute("SELECT size FROM stories ORDER BY number")]

    def stories(self, first: int, end: int) -> list[tuple[str, ...]]:
        """The documents' ids of stories ``first`` to ``end`` (not included), by number."""
        found = self._db.execute(
            "SELECT ids FROM stories WHERE number >= ? AND number < ? ORDER BY number", (first, end)
        )
        return [tuple(json.loads(row[0])) for row in found]

    def counts(self, ids: Sequence[str], columns: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """The word and name counts of these documents, one row each in this order (every id kept)."""
        found = {row[0]: row[1:] for row in self._select("counts", "words, names", ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise KeyError(f"no counts kept for {missing[:3]}")
        return (
            _matrix([found[i][0] for i in ids], columns),
            _matrix([found[i][1] for i in ids], columns),
        )

    def put_outlets(self, documents: Iterable[Document]) -> None:
        """Keep these documents' outlets (and their evidence) as grouped across the pile: ``take``
        gives the documents with them."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO outlets (id, outlet, evidence) VALUES (?, ?, ?)",
                ((d.id, d.outlet, d.outlet_evidence) for d in documents),
            )

    def take(self, ids: Sequence[str]) -> list[Document]:
        """These documents, in this order, with their outlets as grouped (``put_outlets``), let go from
        the file; an id not kept (or taken) is left out."""
        found = self._read(ids, let_go=True)
        taken = [d.id for d in found]
        outlets = {row[0]: row[1:] for row in self._select("outlets", "outlet, evidence", taken)}
        self._delete(("outlets", "counts", "keys"), taken)  # what else was kept of these documents goes with them
        return [
            replace(d, outlet=outlets[d.id][0], outlet_evidence=outlets[d.id][1]) if d.id in outlets else d
            for d in found
        ]

    def peek(self, ids: Sequence[str]) -> list[Document]:
        """These documents, in this order, kept in the file."""
        return self._read(ids, let_go=False)

    def _read(self, ids: Sequence[str], let_go: bool) -> list[Document]:
        found = {doc_id: decode_document(data) for doc_id, data in self._select("documents", "data", ids)}
        if let_go:
            self._delete(("documents",), ids)
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def _select(self, table: str, columns: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
        """(id, *columns) of these ids' rows of ``table`` (a fixed name), asked 500 ids at a time."""
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows += self._db.execute(f"SELECT id, {columns} FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608
        return rows

    def _delete(self, tables: Sequence[str], ids: Sequence[str]) -> None:
        with self._db:
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                for table in tables:
                    self._db.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608


class GivenIds:
    """The document ids a pile's reading has given (``ingest.Taken``), in the spill's file: as a set
    in memory they would grow with the pile (120,000 file names held 11 MB). A name read once
    costs a lookup and an insert, about 6 microseconds (0.66 s for 120,000 in a script outside
    the repository), against the milliseconds its document's cleaning takes. Inserts are committed
    every ``_COMMIT_EVERY`` ids and by the spill's next write; ids given after the last commit are
    lost if the spill is closed first, which matters to no one: they are read only while the pile
    is."""

    _COMMIT_EVERY = 500

    def __init__(self, spill: Spill) -> None:
        self._spill = spill  # (not its connection: handing the file over opens a new one)
        self._pending = 0

    def __contains__(self, doc_id: object, /) -> bool:
        found = self._spill._db.execute("SELECT 1 FROM given WHERE id = ?", (doc_id,))
        return found.fetchone() is not None

    def add(self, doc_id: str, /) -> None:
        db = self._spill._db
        db.execute("INSERT OR IGNORE INTO given (id) VALUES (?)", (doc_id,))
        self._pending += 1
        if self._pending >= self._COMMIT_EVERY:
            db.commit()
            self._pending = 0


def _row_bytes(matrix: sparse.csr_matrix, row: int) -> bytes:
    """A row's column indices then its values, as little-endian int32 and float32."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end].astype(_INDEX).tobytes() + matrix.data[start:end].astype(_COUNT).tobytes()


def _matrix(rows: Sequence[bytes], columns: int) -> sparse.csr_matrix:
    """Rows written by ``_row_bytes``, as one matrix."""
    sizes = [len(blob) // (_INDEX.itemsize + _COUNT.itemsize) for blob in rows]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(sizes)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    for k, (blob, size) in enumerate(zip(rows, sizes, strict=True)):
        cut = size * _INDEX.itemsize
        indices[indptr[k] : indptr[k + 1]] = np.frombuffer(blob, _INDEX, size)
        data[indptr[k] : indptr[k + 1]] = np.frombuffer(blob, _COUNT, size, offset=cut)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), columns))


def _chunks(ids: Sequence[str], size: int = 500) -> list[list[str]]:
    """``ids`` in lists of ``size`` (SQLite takes a bounded number of parameters a query)."""
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]
