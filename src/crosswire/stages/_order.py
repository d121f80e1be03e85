"""A canonical order of documents, so a dossier depends on the set of documents it reads and not on
the order they arrived in or the names of their files.

Every later stage numbers, pairs and breaks ties by the order it meets documents, mentions and
claims. Putting the documents in the order of a hash of their content first makes all of those
choices a function of the content; ids (taken from file names) never decide an order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

from crosswire.models import COPY, Document, Skipped

_RECORD = re.compile(r":\d+$")  # a feed's or archive's record, "name.rss:3", after its file's name
_SAID = 3  # articles named in one file's note of those left out, before "and N more"
_SEPARATOR = "\x1f"  # cannot occur in cleaned text, so two field lists never hash alike by accident


def content_key(document: Document) -> str:
    """SHA-256 of a document's cleaned body and facts: everything but its id and source."""
    fields = (
        document.body,
        document.title or "",
        document.outlet or "",
        document.byline or "",
        document.url or "",
        document.published.date or "",
        document.published.basis or "",
        document.language,
        document.genre,
        document.format,
        document.dateline or "",
        document.wire_dateline or "",
    )
    return hashlib.sha256(_SEPARATOR.join(fields).encode("utf-8", "surrogatepass")).hexdigest()


def canonical_order(documents: Iterable[Document]) -> list[Document]:
    """Dated documents by date, then undated ones; within a day, by content hash. Copies alike in
    every field but their name tie, and only then does the id decide (their analyses are alike)."""
    return sorted(documents, key=lambda d: (d.published.date or "~", content_key(d), d.id))


def document_rank(documents: Sequence[Document]) -> dict[str, int]:
    """Document id -> its place in the canonical order, for sort keys that must not use the id."""
    return {d.id: n for n, d in enumerate(canonical_order(documents))}


def file_of(source: str) -> str:
    """The file a document came from: its source, without a feed's or archive's record number
    ("name.rss:3" -> "name.rss")."""
    return _RECORD.sub("", source)


def read_once(
    documents: Sequence[Document], given: Mapping[str, int] | None = None
) -> tuple[list[Document], list[Skipped]]:
    """``documents`` without the articles alike in every field but their name to another, and what
    was left out, said (``said_once``): a feed saved again, its entries unchanged, or a file given
    twice under two names, brings each article once. Of such copies the one given first is read
    (``given``: each document's place among the inputs; without it, the order of ``documents``): a
    story's first stored, so that a feed saved again does not move its articles to its newest file.
    Which name a copy is read under is all that order decides. Articles that differ in any field
    (another outlet's copy of wire text, with its own outlet or title; a corrected version) all
    stay: copies are counted as one source later (``cluster.near_duplicates``). The documents kept
    and the copies left out come in the order of ``documents``."""
    place = given or {d.id: n for n, d in enumerate(documents)}
    keys = [content_key(d) for d in documents]
    first: dict[str, Document] = {}
    for document, key in zip(documents, keys, strict=True):
        if key not in first or place[document.id] < place[first[key].id]:
            first[key] = document
    kept = [d for d, key in zip(documents, keys, strict=True) if first[key] is d]
    pairs = zip(documents, keys, strict=True)
    again = [(d.source, first[key].source) for d, key in pairs if first[key] is not d]
    return kept, said_once(again)


def said_once(again: Sequence[tuple[str, str]]) -> list[Skipped]:
    """What ``read_once`` left out, each pair (the source of an article left out, of the one read),
    said in a note a file: a feed saved again says once how many of its entries were read before,
    not once an entry."""
    by_file: dict[str, list[tuple[str, str]]] = {}
    for pair in again:
        by_file.setdefault(file_of(pair[0]), []).append(pair)
    notes = []
    for file, pairs in by_file.items():
        if len(pairs) == 1:
            left, read = pairs[0]
            reason = f"the same article as {read} (alike in every field): read once"
            notes.append(Skipped(left, COPY, reason))
            continue
        named = ", ".join(read for _, read in pairs[:_SAID])
        more = f" and {len(pairs) - _SAID} more" if len(pairs) > _SAID else ""
        reason = (
            f"{len(pairs)} of its articles are the same as articles read before ({named}{more}; "
            "alike in every field): each is read once"
        )
        notes.append(Skipped(file, COPY, reason))
    return notes
