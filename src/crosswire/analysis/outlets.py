"""A pile's outlets grouped on disk: ``same_outlets`` for a pile too large to hold every document's
outlet facts in memory.

As the pile is read, each document's keys (``OutletKeys``: its own sites, its byline with its
outlet's spelling) and, where they can make it one outlet with another or where its language is not
read, its outlet facts (``outlet_view``) go to a temporary SQLite file. Grouping then joins keys, not
documents: a document joins its keys, and one byline's nearly alike spellings are joined, in a
union-find over key numbers (an array of a few bytes per key). Each group's facts are read back one
group at a time, in the pile's canonical order, and spelled and explained by ``one_outlet``: the
outlets found are ``same_outlets``' on the whole pile, and what memory holds does not grow with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from crosswire.analysis.cache import decode_document, encode
from crosswire.analysis.languages import installed, not_read
from crosswire.analysis.spill import ScratchDatabase
from crosswire.models import Document, Skipped
from crosswire.stages.facts import near_spellings, one_outlet, outlet_keys, outlet_view

_FETCH = 10_000  # rows read at a time
_PILE_ORDER = "day, key, id"  # the pile's canonical order (``canonical_order``: date, content hash, id)


class PileOutlets(ScratchDatabase):
    """A pile's documents as ``same_outlets`` reads them, in a temporary file removed on ``close``
    (or at the end of a ``with``)."""

    def __init__(self) -> None:
        super().__init__("crosswire-outlets-", "outlets.db")
        # One row per document; ``day``, ``key`` and ``id`` give the pile's order (``_PILE_ORDER``). Its facts
        # are kept only where grouping or the language check will read them.
        self._db.execute(
            "CREATE TABLE documents (row INTEGER PRIMARY KEY, id TEXT NOT NULL, day TEXT NOT NULL, "
            "key TEXT NOT NULL, language TEXT NOT NULL, view BLOB, root INTEGER)"
        )
        self._db.execute("CREATE TABLE keys (number INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL)")
        self._db.execute("CREATE TABLE holds (row INTEGER NOT NULL, number INTEGER NOT NULL)")
        self._db.execute(
            "CREATE TABLE spellings (byline TEXT NOT NULL, spelling TEXT NOT NULL, number INTEGER NOT NULL, "
            "PRIMARY KEY (byline, spelling))"
        )

    def add(self, documents: Sequence[Document], order_keys: Sequence[str]) -> None:
        """Keep what grouping reads of these documents; ``order_keys`` are their content hashes
        (``content_key``), which order a day's documents."""
        with self._db:
            for document, order_key in zip(documents, order_keys, strict=True):
                keys = outlet_keys(document)
                shared = keys.shared() if keys else []
                kept = shared or not installed(document.language)
                row = self._db.execute(
                    "INSERT INTO documents (id, day, key, language, view) VALUES (?, ?, ?, ?, ?)",
                    (
                        document.id,
                        document.published.date or "~",
                        order_key,
                        document.language,
                        encode(outlet_view(document)) if kept else None,
                    ),
                ).lastrowid
                numbers = [self._number(key) for key in shared]
                self._db.executemany("INSERT INTO holds (row, number) VALUES (?, ?)", ((row, n) for n in numbers))
                if keys and keys.byline and keys.spelling:  # (the byline's key is the last one shared)
                    self._db.execute(
                        "INSERT OR IGNORE INTO spellings (byline, spelling, number) VALUES (?, ?, ?)",
                        (keys.byline, keys.spelling, numbers[-1]),
                    )

    def _number(self, key: str) -> int:
        self._db.execute("INSERT OR IGNORE INTO keys (key) VALUES (?)", (key,))
        found = self._db.execute("SELECT number FROM keys WHERE key = ?", (key,)).fetchone()
        return int(found[0])

    def grouped(self) -> Iterator[tuple[Document, Document]]:
        """Every document ``same_outlets`` would respell or explain, a group at a time: its outlet
        facts as read, and with its outlet as grouped."""
        self._find_groups()
        groups = self._db.execute("SELECT root FROM documents WHERE root IS NOT NULL GROUP BY root HAVING COUNT(*) > 1")
        for (root,) in groups.fetchall():  # (one number per outlet of many pages)
            members = self._db.execute(
                f"SELECT view FROM documents WHERE root = ? ORDER BY {_PILE_ORDER}",
                (root,),  # noqa: S608
            ).fetchall()
            given = [decode_document(view) for (view,) in members]
            yield from zip(given, one_outlet(given), strict=True)

    def _find_groups(self) -> None:
        """Each document holding a key gets its group's root: the documents holding one key are one
        group, and so are those of one byline spelling its outlet nearly alike."""
        (count,) = self._db.execute("SELECT COALESCE(MAX(number), 0) FROM keys").fetchone()
        parent = np.arange(int(count) + 1, dtype=np.int64)

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = int(parent[x])
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        holder, first = -1, 0  # the document whose keys are being read, and its first key
        for row, number in self._db.execute("SELECT row, number FROM holds ORDER BY row"):
            if row == holder:
                union(first, number)
            else:
                holder, first = row, number
        spelled = self._db.execute("SELECT byline, spelling, number FROM spellings ORDER BY byline")
        for _, of_byline in itertools.groupby(spelled, key=lambda r: r[0]):
            numbers = {spelling: number for _, spelling, number in of_byline}
            for a, b in near_spellings(list(numbers)):
                union(numbers[a], numbers[b])
        roots = self._db.execute("SELECT row, MIN(number) FROM holds GROUP BY row")
        while rows := roots.fetchmany(_FETCH):
            self._db.executemany("UPDATE documents SET root = ? WHERE row = ?", ((find(n), row) for row, n in rows))
        self._db.execute("CREATE INDEX IF NOT EXISTS by_root ON documents (root)")

    def not_read(self) -> list[tuple[str, Skipped]]:
        """The documents in a language not read here (in the pile's order), each with why, as
        ``in_languages_read`` says it."""
        languages = [lang for (lang,) in self._db.execute("SELECT DISTINCT language FROM documents")]
        unread = [lang for lang in languages if not installed(lang)]
        marks = ",".join("?" * len(unread))
        found = self._db.execute(
            f"SELECT view FROM documents WHERE language IN ({marks}) ORDER BY {_PILE_ORDER}",  # noqa: S608
            unread,
        )
        out = []
        for (view,) in found:
            document = decode_document(view)
            out.append((document.id, Skipped(document.source, "language", not_read(document.language))))
        return out
