"""A canonical order of documents, so a dossier depends on the set of documents it reads and not on
the order they arrived in or the names of their files.

Every later stage numbers, pairs and breaks ties by the order it meets documents, mentions and
claims. Putting the documents in the order of a hash of their content first makes all of those
choices a function of the content; ids (taken from file names) never decide an order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from crosswire.models import Document

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
