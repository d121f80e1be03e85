"""Ingest: turn paths (files, folders, '-' for stdin) into RawDocuments, or Skipped with a reason.

Plain text and Markdown are decoded (UTF-8 first, then charset detection); HTML keeps its markup for
the cleaner (trafilatura extracts text and metadata there); JSON Lines give one document per line
with ``text`` or ``html`` and optional ``title``, ``url``, ``outlet``, ``published``, ``author``; RSS and
Atom feeds (``.rss``, ``.atom``, ``.xml``) one per entry; web archives (``.warc``, ``.warc.gz``) one
per HTML page.

Nothing in a source stops the batch: a file too large (refused by its size before it is read), binary,
empty or unreadable, a broken JSON line, a symbolic link loop or a special file becomes a ``Skipped``
naming the file in a printable form (``printable``: a newline in a name shows as ``\\n``).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Protocol

from charset_normalizer import from_bytes

from crosswire.models import RawDocument, Skipped
from crosswire.stages._archives import feed_records, said_briefly, warc_records

TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = {".warc", ".gz"}  # ".gz" only as ".warc.gz"
# What a folder's walk takes, by ``suffix_of``: a .gz only as a .warc.gz (a stray backup.txt.gz is
# passed over, as a .pdf is; named on its own, it is refused with the reason).
SUPPORTED_NAMES = {*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSONL_SUFFIXES, *PARQUET_SUFFIXES}
SUPPORTED_NAMES |= {*FEED_SUFFIXES, ".warc", ".warc.gz"}
BINARY_SUFFIXES = PARQUET_SUFFIXES | WARC_SUFFIXES  # binary by nature: no binary-content check
SUPPORTED = sorted({*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSONL_SUFFIXES, *PARQUET_SUFFIXES, *FEED_SUFFIXES, *WARC_SUFFIXES})
_BINARY_SNIFF = 4096
_MAX_STRAY_NULS = 2  # a NUL or two pasted into a text file; binary data has many
_MAX_ACCENTED_SHARE = 0.2
_FEED_SNIFF = 1024  # bytes of piped input searched for a feed's root element
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)\b")
_CHARSET_SNIFF = 4096  # bytes of a page's head searched for the character set it declares
_META_CHARSET = re.compile(rb"(?i)<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})")
_MAX_CONTROL_SHARE = 0.01  # text has next to no control characters; binary data decoded as text has many
_STRAY_BYTES = re.compile(r"[\udc80-\udcff]+")
# Unicode's control characters (category Cc: U+0000-001F, U+007F-009F) other than the whitespace ones.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MAX_META_CHARS = 2000  # a title, byline or outlet longer than this is not one
_MAX_URL_CHARS = 8192  # longer URLs are dropped (browsers and servers refuse them too)
_MAX_ID_CHARS = 200


class Taken(Protocol):
    """Where ``unique_ids`` keeps the ids it has given: a set, or a pile's spill file
    (``Spill.given_ids``), since they are as many as the pile's documents."""

    def __contains__(self, doc_id: object, /) -> bool: ...

    def add(self, doc_id: str, /) -> None: ...


Listing = Callable[[Path], tuple[Iterator[str], list[Skipped]]]
"""How a folder's article files are found: their paths one by one, in name order, and what could not
be walked (``folder_names``, or the same found another way: in a process of its own)."""


def read(
    sources: Iterable[str],
    max_bytes: int = 5_000_000,
    taken: Taken | None = None,
    listing: Listing | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Read every source; yield a RawDocument per article, or a Skipped naming the file and reason.

    Folders are walked recursively in name order (files of unsupported types are skipped silently
    there, but reported when named explicitly), by ``listing`` (``folder_names`` by default).
    Document ids are file names without extension, made unique with a numeric suffix; stdin
    documents get a content hash. ``taken``: where the ids given are kept (``unique_ids``).
    """
    list_folder = listing or folder_names
    read_each = (item for source in sources for item in _read_one(source, max_bytes, list_folder))
    yield from unique_ids(read_each, taken)


def read_named(
    files: Iterable[tuple[str, bytes]], max_bytes: int = 5_000_000, taken: Taken | None = None
) -> Iterator[RawDocument | Skipped]:
    """Read documents held in memory (a stored story's files) as ``read`` reads files: each is a
    (name, bytes) pair, read in name order; the name's suffix gives the format, its stem the document
    id, and the name is the source (a feed's records are "name:N")."""
    read_each = (item for name, data in sorted(files) for item in _read_data(name, data, max_bytes))
    yield from unique_ids(read_each, taken)


def unique_ids(
    items: Iterable[RawDocument | Skipped],
    taken: Taken | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Document ids made unique in reading order: an id is its name if no document read before took
    it, else its name with the first free number from 2 ("notes", "notes-2"; "a", "a-2", "a" again:
    "a-3"). The ids given are kept in ``taken`` (a set of this call's own by default); ids already
    there are avoided too.

    What is kept grows with the pile, so it is kept small: the ids given, and for a name given a
    number, the last number given: the search for its next one starts after it (every lower number
    is taken, and ids are never let go). A name given no number yet starts from 2 if it is taken."""
    numbered: dict[str, int] = {}  # the last number given to a name, for names given one
    taken = set() if taken is None else taken
    for item in items:
        if isinstance(item, RawDocument):
            last = numbered.get(item.id)
            number = last + 1 if last else 2 if item.id in taken else 0
            candidate = item.id
            if number:
                candidate = f"{item.id}-{number}"
                while candidate in taken:
                    number += 1
                    candidate = f"{item.id}-{number}"
                numbered[item.id] = number
            taken.add(candidate)
            if candidate != item.id:
                item = replace(item, id=candidate)
        yield item


def _read_one(source: str, max_bytes: int, listing: Listing) -> Iterator[RawDocument | Skipped]:
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        yield from _guarded("<stdin>", _piped(data, max_bytes))
        return
    path = Path(source)
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        yield Skipped(printable(source), "ingest", _os_reason(path, exc))
        return
    if not is_dir:
        yield from _read_file(path, max_bytes)
        return
    files, problems = listing(path)
    yield from problems
    empty = True
    for file in files:
        empty = False
        yield from _read_file(file, max_bytes)
    if empty and not problems:
        yield Skipped(
            printable(source), "ingest", f"folder has no readable articles (looked for {', '.join(SUPPORTED)})"
        )


def folder_names(folder: Path) -> tuple[Iterator[str], list[Skipped]]:
    """``list_files``' article files as strings (as ``str(Path(...))`` gives them), given one by one
    from a single string (``_one_string``), and what could not be walked."""
    files, problems = _list_names(folder)
    return _one_string(files), problems


def _one_string(names: list[str]) -> Iterator[str]:
    """``names`` (emptied) given back one by one from a single string of bytes, for a pile's whole
    reading (``os.fsencode``: one byte a character for most names, and every name comes back as it
    was). Walking a folder leaves its names scattered among the memory the walk freed, which Python
    cannot hand back while they live in it: walking 40,000 files and keeping their names as a list
    left the process 33 MB larger, keeping them as one string 4 MB (anonymous memory; the strings
    themselves are about 7 MB). No name holds NUL, which separates them."""
    joined = b"\0".join(map(os.fsencode, names))
    names.clear()
    start = 0
    while start < len(joined):
        end = joined.find(b"\0", start)
        end = len(joined) if end < 0 else end
        yield os.fsdecode(joined[start:end])
        start = end + 1


def list_files(folder: str | Path) -> tuple[list[Path], list[Skipped]]:
    """The article files under ``folder`` (recursively, in name order) and what could not be walked.

    Symbolic links are followed, but a folder already walked is not walked again: a link loop (or a
    second link to one folder) becomes a ``Skipped``, as do broken or looping links, folders that cannot
    be opened, and special files (pipes, devices) with a supported suffix. Files of other types are
    left out silently. Names may hold any bytes (newlines, invalid UTF-8); messages show them escaped.
    """
    files, problems = _list_names(folder)
    return [Path(file) for file in files], problems


def _list_names(folder: str | Path) -> tuple[list[str], list[Skipped]]:
    """``list_files``, its files as strings (each as ``str(Path(...))`` gives it), in the same order:
    what a pile's folder is read from (``_one_string``). Walking 40,000 files and keeping them as
    ``Path`` objects left the process 43 MB larger (anonymous memory), against 33 MB as strings."""
    root = Path(folder)
    files: list[str] = []
    problems: list[Skipped] = []
    walked: dict[tuple[int, int], Path] = {}
    stack = [root]
    links: list[Path] = []  # folders reached through a symbolic link, walked after the real ones
    while stack or links:
        directory = stack.pop() if stack else links.pop(0)
        try:
            info = directory.stat()
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name, reverse=True)
        except OSError as exc:
            problems.append(
                Skipped(printable(directory), "ingest", f"cannot open folder: {_os_reason(directory, exc)}")
            )
            continue
        key = (info.st_dev, info.st_ino)
        if key in walked:
            problems.append(
                Skipped(
                    printable(directory),
                    "ingest",
                    f"symbolic link to a folder already read ({printable(walked[key])}); not read again "
                    "(a link loop, or two links to one folder)",
                )
            )
            continue
        walked[key] = directory
        for entry in entries:
            path = Path(entry.path)
            supported = suffix_of(entry.name) in SUPPORTED_NAMES  # (a .gz only as a .warc.gz, here)
            try:
                mode = entry.stat().st_mode  # follows links
            except OSError as exc:
                if supported or exc.errno == errno.ELOOP:
                    problems.append(Skipped(printable(path), "ingest", _os_reason(path, exc)))
                continue
            if stat.S_ISDIR(mode):
                (links if entry.is_symlink() else stack).append(path)
            elif stat.S_ISREG(mode):
                if supported:
                    files.append(str(path))
            elif supported:
                problems.append(Skipped(printable(path), "ingest", _NOT_REGULAR))
    files.sort(key=_path_order)
    return files, problems


def _path_order(path: str) -> str:
    """A key that orders paths (as ``str(Path(...))`` gives them) as ``Path`` objects order: part by
    part, lowercased on Windows as ``PureWindowsPath`` compares them (``str.lower``, which is not
    always ``os.path.normcase``). No name holds the separator or NUL, so with the separator as NUL a
    string comparison is a comparison of the parts."""
    return (path.lower() if os.name == "nt" else path).replace(os.sep, "\0")


_NOT_REGULAR = "not a regular file (a pipe, socket or device); only files can be read"


def printable(path: str | Path) -> str:
    """A path as text that prints on one line: invalid UTF-8 bytes as ``\\xff``, a newline as ``\\n``."""
    try:
        text = os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte (from JSON, say)
        text = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _os_reason(path: str | Path, exc: OSError | ValueError) -> str:
    """Why a path cannot be read, in words."""
    if isinstance(exc, ValueError):
        return "the name holds a NUL byte, which no file name can contain"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link leads back to itself); not followed"
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"broken symbolic link (its target {printable(os.readlink(path))} does not exist)"
        return "no such file or folder; check the path"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path is too long for this system"
    return f"cannot read: {exc.strerror or exc}"


def read_bytes(path: str | Path, max_bytes: int) -> bytes | Skipped:
    """A regular file's bytes, or a Skipped saying why not (not a regular file, too large, unreadable).

    A file is refused by its size before a byte is read: a 200 MB file costs a stat, not 200 MB.
    """
    name = printable(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return Skipped(name, "ingest", _NOT_REGULAR)
        if info.st_size > max_bytes:
            return Skipped(name, "ingest", f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit")
        with open(path, "rb") as file:
            data = file.read(max_bytes + 1)  # bounded: the file may have grown since the stat
    except OSError as exc:
        return Skipped(name, "ingest", f"cannot read file: {_os_reason(path, exc)}")
    if len(data) > max_bytes:
        return Skipped(name, "ingest", f"file grew over the {max_bytes:,}-byte limit while it was read")
    return data


def _read_file(path: str | Path, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    if _stem_and_suffix(str(path))[1].lower() not in SUPPORTED:
        yield _unsupported(printable(path))
        return
    data = read_bytes(path, max_bytes)
    if isinstance(data, Skipped):
        yield data
        return
    yield from _read_data(printable(path), data, max_bytes)


NOT_AN_ARCHIVE = "a .gz file is read only as a web archive (.warc.gz); unpack it first"


def readable_gz(name: str) -> bool:
    """False for a .gz file that is not a .warc.gz (the one kind of .gz crosswire reads); True
    for any other name."""
    return suffix_of(name) == ".warc.gz" or not _file_name(name).lower().endswith(".gz")


def suffix_of(name: str) -> str:
    """The suffix a file is read by, lower-cased: ".warc.gz" for a gzipped web archive, else its
    last suffix ("" for none)."""
    lowered = _file_name(name).lower()
    return ".warc.gz" if lowered.endswith(".warc.gz") else _stem_and_suffix(lowered)[1]


def _stem_and_suffix(path: str) -> tuple[str, str]:
    """``PurePath(path).stem`` and ``.suffix`` ("a/b.tar.gz": "b.tar", ".gz"), without a path."""
    name = _file_name(path)
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:
        return name[:dot], name[dot:]
    return name, ""


# In Python 3.11 ``pathlib`` interns every part of every path it parses (``sys.intern``). A pile's
# reading process, making a path of each of 100,000 differently named files, churned the table of
# interned strings until it was made anew: 7.5 MB of the process's own, in place of a table shared
# with the process it was forked from (tracemalloc, one run). Names are read as strings instead.
def _file_name(path: str) -> str:
    """``PurePath(path).name``, without making a path."""
    if os.name == "nt":  # (drives and two separators: pathlib's own rules)
        return PurePath(path).name
    parts = [part for part in path.split("/") if part and part != "."]
    return parts[-1] if parts else ""


def _read_data(name: str, data: bytes, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """One file's bytes, read by the suffix of its ``name`` (a path, or a stored story's file name)."""
    return _guarded(name, _read_format(name, data, max_bytes))


def _guarded(name: str, items: Iterator[RawDocument | Skipped]) -> Iterator[RawDocument | Skipped]:
    """``items`` (one input's documents), a failure inside the reading (a bug, or a library's on
    input it does not expect) made that input's error after the documents read before it: the other
    inputs are read, and a stored story that holds the input can still be analysed."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 (one file must not sink the batch, or a stored story)
        yield Skipped(
            name,
            "ingest",
            f"reading this file failed inside crosswire ({said_briefly(exc)}); the other files "
            "were read. This is a bug in crosswire: please report it with this file",
        )


def _read_format(name: str, data: bytes, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """One file's bytes, read as its suffix says (``_read_data``, before its guard)."""
    stem, suffix = _stem_and_suffix(name)
    suffix = suffix.lower()
    if suffix not in SUPPORTED:
        yield _unsupported(name)
        return
    if suffix in PARQUET_SUFFIXES:
        yield from _parquet(data, name, stem)
        return
    problem = _size_problem(data, name, max_bytes) if suffix in FEED_SUFFIXES | WARC_SUFFIXES else None
    if problem:
        yield problem
        return
    if suffix in FEED_SUFFIXES:
        yield from _feed(data, name, printable(stem))
        return
    if suffix in WARC_SUFFIXES:
        if not readable_gz(name):
            yield Skipped(name, "ingest", NOT_AN_ARCHIVE)
            return
        yield from _warc(data, name, printable(_file_name(name).split(".")[0]), max_bytes)
        return
    fmt = "html" if suffix in HTML_SUFFIXES else "jsonl" if suffix in JSONL_SUFFIXES else TEXT_SUFFIXES[suffix]
    yield from _from_bytes(data, name, printable(stem), fmt, max_bytes)


def _piped(data: bytes, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """What was piped in, read as its first bytes tell: a web archive (WARC, or gzip, read only as a
    .warc.gz), an RSS or Atom feed, else text (an HTML page is told once it is decoded)."""
    source = "<stdin>"
    head = data[:_FEED_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    feed = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) and bool(_FEED_ROOT.search(head))
    if not (data.startswith((b"\x1f\x8b", b"WARC/")) or feed):
        yield from _from_bytes(data, source, None, "text", max_bytes)
        return
    problem = _size_problem(data, source, max_bytes)
    if problem:
        yield problem
    elif feed:
        yield from _feed(data, source, "stdin")
    else:
        yield from _warc(data, source, "stdin", max_bytes)


def _unsupported(name: str) -> Skipped:
    suffix = printable(_stem_and_suffix(name)[1].lower())
    return Skipped(name, "ingest", f"unsupported file type {suffix or '(none)'}; use {', '.join(SUPPORTED)}")


def _size_problem(data: bytes, source: str, max_bytes: int) -> Skipped | None:
    """An input too large or empty, said so; None when neither."""
    if len(data) > max_bytes:
        return Skipped(source, "ingest", f"input is over the {max_bytes:,}-byte limit")
    if not data.strip():
        return Skipped(source, "ingest", "file is empty")
    return None


def _from_bytes(
    data: bytes, source: str, stem: str | None, fmt: str, max_bytes: int
) -> Iterator[RawDocument | Skipped]:
    problem = _size_problem(data, source, max_bytes)
    if problem:
        yield problem
        return
    # A feed with one corrupt line (a NUL byte in it) is still a feed: its other lines are read.
    declared = declared_charset(data) if fmt == "html" or stem is None else None
    text = decode(data, nul_means_binary=fmt != "jsonl", declared=declared)
    if text is None:
        yield Skipped(
            source,
            "ingest",
            "file looks binary: not text in UTF-8, Windows-1252 or any encoding we can detect "
            "(or it mixes several encodings)",
        )
        return
    if not text.replace("\ufeff", "").strip():  # any white space: a no-break space is nothing to read either
        yield Skipped(source, "ingest", "file is empty (nothing but a byte-order mark or white space)")
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


def looks_binary(data: bytes) -> bool:
    """NUL bytes near the start, more than a stray one or two, and no UTF-16/32 byte-order mark: not a
    text file (a quick check, before any decoding)."""
    if _unicode_bom(data):
        return False
    return data[:_BINARY_SNIFF].count(b"\x00") > _MAX_STRAY_NULS


def decode(data: bytes, nul_means_binary: bool = True, declared: str | None = None) -> str | None:
    """Decode bytes as UTF-16/32 when they open on a byte-order mark, else as UTF-8, else in the
    character set a page or its headers ``declared`` (when it reads them), else as the charset
    charset-normalizer finds; None for binary data. A stray NUL or two in a text file is dropped."""
    bom = _unicode_bom(data)
    if bom:
        try:
            return data.decode(bom).replace("\x00", "")
        except UnicodeDecodeError:
            return None
    if nul_means_binary and looks_binary(data):
        return None
    text = _decode(data, declared)
    if text is not None and nul_means_binary:
        text = text.replace("\x00", "")
    if text is None or _control_share(text) > _MAX_CONTROL_SHARE:
        return None
    return text


def declared_charset(page: bytes) -> str | None:
    """The character set an HTML page declares in its head (``<meta charset>`` or an ``http-equiv``
    content type), None when it declares none."""
    found = _META_CHARSET.search(page[:_CHARSET_SNIFF])
    return found.group(1).decode("ascii") if found else None


def _unicode_bom(data: bytes) -> str | None:
    """The codec a UTF-16 or UTF-32 byte-order mark names (UTF-32's first: it starts like UTF-16's)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return None


def _decode(data: bytes, declared: str | None = None) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    codec = _codec(declared) if declared else None
    if codec:
        with contextlib.suppress(UnicodeError, LookupError):
            return data.decode(codec)
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


def _codec(declared: str) -> str | None:
    """The codec to read a page in whose character set is ``declared``, as browsers read it: a page
    that says Latin-1 or ASCII is Windows-1252; one that says UTF-8, UTF-16 or UTF-32 without
    being it (UTF-8 and a byte-order mark were tried first), or names no known set, is read as
    undeclared."""
    try:
        found = codecs.lookup(declared)
    except LookupError:
        return None
    name = found.name
    # (``codecs`` also names transforms of bytes, base64, hex, zlib: no page is written in them)
    if not getattr(found, "_is_text_encoding", True):
        return None
    if name.startswith(("utf-8", "utf-16", "utf-32")):
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray single-byte characters (a Windows-1252 quote pasted in), or None.

    Each stray byte is read as Windows-1252. Text that has no real multi-byte UTF-8 character, or many
    stray bytes, is left to the detectors (a whole file in one legacy encoding, or binary data).
    """
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    strays = sum(len(run) for run in _STRAY_BYTES.findall(text))
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - strays
    if multibyte <= 0 or strays > multibyte:
        return None
    return _STRAY_BYTES.sub(lambda run: bytes(ord(c) - 0xDC00 for c in run.group()).decode("cp1252", "replace"), text)


def _control_share(text: str) -> float:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / max(len(sample), 1)


def _parquet(data: bytes, name: str, stem: str) -> Iterator[RawDocument | Skipped]:
    """Rows of a Parquet shard, with the same fields as JSON Lines (needs pyarrow: crosswire[ray])."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        yield Skipped(name, "ingest", "reading Parquet needs pyarrow: pip install 'crosswire[ray]'")
        return
    try:
        rows = pq.read_table(pa.BufferReader(data)).to_pylist()
    except Exception as exc:  # pyarrow raises several kinds on a broken file
        yield Skipped(name, "ingest", f"not a readable Parquet file ({type(exc).__name__}: {exc})")
        return
    for number, item in enumerate(rows, start=1):
        yield from _item(item, f"{name}:{number}", stem, number)


def _feed(data: bytes, name: str, stem: str) -> Iterator[RawDocument | Skipped]:
    """An RSS or Atom feed: one document per entry (``name:N``), with its title, link, date, author."""
    records, problem = feed_records(data)
    if problem:
        yield Skipped(name, "ingest", problem)
    for number, record in enumerate(records, start=1):
        if not record["text"]:
            why = f"entry {number} carries no text (no content, no summary)"
            yield Skipped(f"{name}:{number}", "ingest", why)
            continue
        yield from _item(record, f"{name}:{number}", stem, number)


def _warc(data: bytes, name: str, stem: str, max_bytes: int) -> Iterator[RawDocument | Skipped]:
    """A web archive: one document per HTML page it holds (``name:N``, N the WARC record's number),
    each read in the character set its headers or its page declare when it is not UTF-8."""
    pages = problems = 0
    for number, record in warc_records(data, max_bytes):
        where = f"{name}:{number}"
        if isinstance(record, str):
            problems += 1
            yield Skipped(where, "ingest", record)
            continue
        body = record.pop("html_bytes")
        html = decode(body, declared=record.pop("charset") or declared_charset(body))
        if html is None:
            problems += 1
            yield Skipped(where, "ingest", f"record {number} says HTML but its body is not text")
            continue
        pages += 1
        yield from _item({**record, "html": html}, where, stem, number)
    if not pages and not problems:
        yield Skipped(name, "ingest", "the archive holds no HTML page with status 200 (nothing to read as news)")


def _jsonl(text: str, source: str, stem: str) -> Iterator[RawDocument | Skipped]:
    # Not splitlines(): JSON strings may hold U+2028 and other characters it would break a record at.
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, "ingest", f"line {number} is not valid JSON ({exc.msg}); the other lines were read")
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number; arrays nested 100,000 deep
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]
            why = f"line {number} cannot be read as JSON ({reason}); the other lines were read"
            yield Skipped(where, "ingest", why)
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
    meta = {k: _one_line(item.get(k)) for k in ("title", "outlet", "url", "published")}
    meta["author"] = _one_line(item.get("author") or item.get("byline"))
    if meta["url"] and len(meta["url"]) > _MAX_URL_CHARS:
        meta["url"] = None  # only a fallback for the outlet's name; a tracking URL must not cost the article
    for field, value in meta.items():
        if field != "url" and value is not None and len(value) > _MAX_META_CHARS:
            yield Skipped(
                where,
                "ingest",
                f"record {number}'s {field!r} field is {len(value):,} characters long; "
                f"{'an' if field[:1] in 'aeiou' else 'a'} {field} of over {_MAX_META_CHARS:,} characters "
                "is not one (fix or remove the field)",
            )
            return
    given_id = _one_line(item.get("id"))
    yield RawDocument(
        id=printable(given_id) if given_id and len(given_id) <= _MAX_ID_CHARS else f"{stem}-{number}",
        source=where,
        text=_valid_unicode(body or html or ""),
        format="html" if html and not body else "jsonl",
        html=_valid_unicode(html) if html else None,
        meta_title=meta["title"],
        meta_outlet=meta["outlet"],
        meta_url=meta["url"],
        meta_author=meta["author"],
        meta_published=meta["published"],
    )


def _one_line(value: object) -> str | None:
    """A metadata value on one line with single spaces (None when absent or blank)."""
    if value is None:
        return None
    return _valid_unicode(" ".join(str(value).split())) or None


def _valid_unicode(text: str) -> str:
    """Lone surrogates (JSON allows escapes like \\ud800) replaced: they cannot be written out as UTF-8."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
