"""Where a pile's cleaned documents wait for their batch: compressed, in a temporary SQLite file, so
the process sorting a large pile into stories holds each document's clustering features and outlet
facts, not its text.

Documents are kept as the parse cache keeps them (compressed JSON of the model's types, never
pickle) and taken back once, when their batch of stories is annotated.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from crosswire.analysis.cache import decode_document, encode
from crosswire.models import Document


class Spill:
    """Cleaned documents by id, in a temporary file removed on ``close`` (or at the end of a ``with``)."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="crosswire-pile-")
        self._db = sqlite3.connect(Path(self._folder.name) / "documents.db")
        self._db.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to recover after a crash
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, data BLOB NOT NULL)")

    def put(self, documents: Iterable[Document]) -> None:
        """Keep these documents (one of the same id is replaced, as a dict by id would)."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO documents (id, data) VALUES (?, ?)", ((d.id, encode(d)) for d in documents)
            )

    def take(self, ids: Sequence[str]) -> list[Document]:
        """These documents, in this order, let go from the file; an id not kept (or taken) is left out."""
        return self._read(ids, let_go=True)

    def peek(self, ids: Sequence[str]) -> list[Document]:
        """These documents, in this order, kept in the file."""
        return self._read(ids, let_go=False)

    def _read(self, ids: Sequence[str], let_go: bool) -> list[Document]:
        found: dict[str, Document] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT id, data FROM documents WHERE id IN ({marks})", chunk)  # noqa: S608
            found.update((doc_id, decode_document(data)) for doc_id, data in rows)
            if let_go:
                with self._db:
                    self._db.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk)  # noqa: S608
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    def close(self) -> None:
        try:
            self._db.close()
        finally:
            self._folder.cleanup()

    def __enter__(self) -> Spill:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
