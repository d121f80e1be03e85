"""Ingest: turn paths (files, folders, '-' for stdin) into RawDocuments, or Skipped with a reason.

Plain text and Markdown are decoded (UTF-8 first, then charset detection); HTML keeps its markup for
the cleaner (trafilatura extracts text and metadata there); JSON Lines give one document per line
with ``text`` or ``html`` and optional ``title``, ``url``, ``outlet``, ``published``, ``author``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from charset_normalizer import from_bytes

from crosswire.models import RawDocument, Skipped

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
SUPPORTED = sorted({*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSONL_SUFFIXES, *PARQUET_SUFFIXES})
_BINARY_SNIFF = 4096
_MAX_ACCENTED_SHARE = 0.2


def read(sources: Iterable[str], max_bytes: int = 5_000_000) -> Iterator[RawDocument | Skipped]:
    """Read every source; yield a RawDocument per article, or a Skipped naming the file and reason.

    Folders are walked recursively in name order (files of unsupported types are skipped silently
    there, but reported when named explicitly). Document ids are file names without extension,
    made unique with a numeric suffix; stdin documents get a content hash.
    """
    seen: dict[str, int] = {}
    for source in sources:
        for item in _read_one(source, max_bytes):
            if isinstance(item, RawDocument):
                count = seen.get(item.id, 0)
                seen[item.id] = count + 1
                if count:
                    item = replace(item, id=f"{item.id}-{count + 1}")
            yield item


def _read_one(source: str, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        yield from _from_bytes(data, "<stdin>", None, "text", max_bytes)
        return
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
        if not files:
            yield Skipped(source, "ingest", f"folder has no readable articles (looked for {', '.join(SUPPORTED)})")
        for file in files:
            yield from _read_file(file, max_bytes)
    elif path.exists():
        yield from _read_file(path, max_bytes)
    else:
        yield Skipped(source, "ingest", "no such file or folder; check the path")


def _read_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        yield Skipped(str(path), "ingest", f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED)}")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Skipped(str(path), "ingest", f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), "ingest", f"cannot read file: {exc.strerror or exc}")
        return
    if suffix in PARQUET_SUFFIXES:
        yield from _parquet(path)
        return
    fmt = "html" if suffix in HTML_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else TEXT_SUFFIXES[suffix]
    yield from _from_bytes(data, str(path), path.stem, fmt, max_bytes)


def _from_bytes(
    data: bytes, source: str, stem: str | None, fmt: str, max_bytes: int
) -> Iterator[RawDocument | Skipped]:
    if len(data) > max_bytes:
        yield Skipped(source, "ingest", f"input is over the {max_bytes:,}-byte limit")
        return
    if not data.strip():
        yield Skipped(source, "ingest", "file is empty")
        return
    text = decode(data)
    if text is None:
        yield Skipped(source, "ingest", "file looks binary (not text in any encoding we can detect)")
        return
    doc_id = stem or "stdin-" + hashlib.sha256(data).hexdigest()[:12]
    if fmt == "jsonl":
        yield from _jsonl(text, source, doc_id)
    elif fmt == "html" or (
        fmt == "text" and stem is None and text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
    ):
        yield RawDocument(id=doc_id, source=source, text=text, format="html", html=text)
    else:
        yield RawDocument(id=doc_id, source=source, text=text, format=fmt)


def decode(data: bytes) -> str | None:
    """Decode bytes as UTF-8, else as the charset charset-normalizer finds; None for binary data."""
    if b"\x00" in data[:_BINARY_SNIFF]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Western pages that are not UTF-8 are nearly always Windows-1252 (the web's default). Take it when it
    # decodes and reads as mostly ASCII letters; otherwise (Cyrillic, Greek, ... codepages) ask the detector.
    try:
        western = data.decode("cp1252")
        letters = [c for c in western if c.isalpha()]
        if letters and sum(1 for c in letters if not c.isascii()) / len(letters) < _MAX_ACCENTED_SHARE:
            return western
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    return None if best is None else str(best)


def _parquet(path: Path) -> Iterator[RawDocument | Skipped]:
    """Rows of a Parquet shard, with the same fields as JSON Lines (needs pyarrow: crosswire[ray])."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield Skipped(str(path), "ingest", "reading Parquet needs pyarrow: pip install 'crosswire[ray]'")
        return
    try:
        rows = pq.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several kinds on a broken file
        yield Skipped(str(path), "ingest", f"not a readable Parquet file ({type(exc).__name__}: {exc})")
        return
    for number, item in enumerate(rows, start=1):
        yield from _item(item, f"{path}:{number}", path.stem, number)


def _jsonl(text: str, source: str, stem: str) -> Iterator[RawDocument | Skipped]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, "ingest", f"line {number} is not valid JSON ({exc.msg}); the other lines were read")
            continue
        yield from _item(item, where, stem, number)


def _item(item: object, where: str, stem: str, number: int) -> Iterator[RawDocument | Skipped]:
    """One feed record (a JSON line or a Parquet row) as a raw document."""
    if not isinstance(item, dict):
        yield Skipped(where, "ingest", f"record {number} is a JSON {type(item).__name__}, expected an object")
        return
    html = item.get("html") if isinstance(item.get("html"), str) else None
    body = item.get("text") if isinstance(item.get("text"), str) else None
    if not (body or html):
        yield Skipped(where, "ingest", f"record {number} has no 'text' or 'html' field with article text")
        return
    meta = {k: (str(item[k]) if item.get(k) is not None else None) for k in ("title", "outlet", "url", "published")}
    yield RawDocument(
        id=str(item.get("id") or f"{stem}-{number}"),
        source=where,
        text=body or html or "",
        format="html" if html and not body else "jsonl",
        html=html,
        meta_title=meta["title"],
        meta_outlet=meta["outlet"],
        meta_url=meta["url"],
        meta_author=str(item.get("author") or item.get("byline") or "") or None,
        meta_published=meta["published"],
    )
