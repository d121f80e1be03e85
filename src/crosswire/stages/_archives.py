"""News as it comes in bulk: RSS/Atom feeds (feedparser) and web archives (WARC, the format of news
crawls, read with warcio). Each yields plain records (``title``, ``url``, ``published``, ``author`` and
``text`` or ``html``) that ``ingest`` turns into documents as it does JSON Lines records; a record that
cannot be read is a reason, and the others are kept."""

from __future__ import annotations

import io
import re
import time
import zlib
from collections.abc import Iterator
from typing import Any

import lxml.html

_CHUNK = 1 << 16  # bytes read at a time from a record passed over
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)")
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "br")


def feed_records(data: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """A feed's entries as records, and what is wrong with the feed as a whole (None when nothing
    is): it could not be read, it has no entries, or it is malformed past its last readable entry.

    An entry's text is its full content where the feed carries it, else its summary (often one
    paragraph: the cleaner then reports it as too short to analyse). Text the feed marks as HTML is
    read as HTML (its tags dropped, its entities such as ``&amp;`` read); text marked as plain is
    kept as it is, ``<`` and all."""
    import feedparser

    parsed = feedparser.parse(data)
    problem = getattr(parsed, "bozo_exception", None)
    malformed = said_briefly(problem) if problem is not None and _malformed(problem) else None
    if not parsed.entries:
        if problem:
            return [], f"not a readable RSS or Atom feed ({said_briefly(problem)})"
        return [], "a feed with no entries"
    records = []
    for entry in parsed.entries:
        content = entry["content"][0] if entry.get("content") else entry.get("summary_detail") or {}
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        records.append(
            {
                "title": _plain(entry.get("title_detail")),
                "url": _web_address(entry.get("link")),
                "author": entry.get("author"),
                "published": time.strftime("%Y-%m-%d", published) if published else None,
                "outlet": _plain(parsed.feed.get("title_detail")),
                "text": _plain(content),
            }
        )
    if malformed:
        why = f"the feed is cut short or malformed ({malformed}); the entries before that were read"
        return records, why
    return records, None


def _web_address(link: str | None) -> str | None:
    """An entry's link if it is a web address: feedparser gives an RSS entry without one its
    ``guid`` as its link, which may be any identifier ("id-2")."""
    return link if link and link.lower().startswith(("http://", "https://")) else None


def _malformed(problem: Exception) -> bool:
    """Whether what feedparser found wrong is broken XML (a feed cut short, a stray ``<``), not a
    mislabelled character set or media type, which it reads past."""
    import xml.sax

    return isinstance(problem, xml.sax.SAXException)


def _plain(detail: Any) -> str | None:
    """The text of a feed's text construct (feedparser's ``*_detail``: its ``value`` and ``type``),
    read as HTML when it is marked as HTML."""
    if not detail or detail.get("value") is None:
        return None
    value = str(detail["value"])
    return _text_of(value) if "html" in str(detail.get("type", "")).lower() else value.strip()


def _text_of(html: str) -> str:
    """The text of an HTML fragment, a blank line between its blocks (its entities read: ``&amp;``
    is "&" whether or not the fragment has tags)."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return "\n\n".join(" ".join(line.split()) for line in root.text_content().split("\n\n") if line.strip())


def warc_records(data: bytes, max_page_bytes: int) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each HTML page a WARC (or .warc.gz) archive holds, as (record number, record); a record that
    cannot be read is (number, reason). Responses that are not an HTML page with status 200 (images,
    scripts, redirects, errors) are not articles and are passed over. An archive cut short or
    damaged ends with its reason, wherever the cut falls (in a page, in a record passed over, in a
    record's headers), after the pages before it; a page over ``max_page_bytes`` once its body is
    decompressed is reported, not read whole. A record's ``charset`` is the one its HTTP headers
    declare (None when they declare none)."""
    from warcio.archiveiterator import ArchiveIterator

    unread = _opening(data)
    if unread:
        yield 1, unread
        return
    number = done = end = 0  # records begun, records read whole, where the last one ended
    try:
        records = ArchiveIterator(io.BytesIO(data))
        for record in records:
            number += 1
            if record.rec_type is None or record.length is None:  # (its headers are cut short)
                raise ValueError("a record without its type or length")
            if _http_headers_lost(record):
                raise ValueError("an HTTP record without its HTTP headers")
            page = _page(record, number, max_page_bytes)
            while record.raw_stream.read(_CHUNK):  # (the rest of the record: was all of it there?)
                pass
            lacking = getattr(record.raw_stream, "limit", 0)  # (bytes declared, not in the archive)
            if not lacking:  # (its blank lines read, and with them its gzip member's end)
                end = records.get_record_offset() + records.get_record_length()
            if lacking or _member_cut(records):
                before = "the records before it were read" if done else "nothing before it"
                yield number, f"the archive is cut short inside record {number}; {before}"
                return
            done = number
            if page is not None:
                yield number, page
    except Exception as exc:  # noqa: BLE001 (warcio raises many kinds at a cut or damaged record)
        where = f"record {done + 1}" if done else "its first record"
        before = "the records before it were read" if done else "nothing in it could be read"
        said = f"the archive is cut short or damaged at {where} ({said_briefly(exc)}); {before}"
        yield done + 1, said
        return
    if data[end:].strip(b"\r\n\t \x00"):  # (bytes no record took: the start of one cut short)
        where = "at its first record"
        if number:
            where = f"after record {number}; the records before it were read"
        yield number + 1, f"the archive is cut short or damaged {where}"


def _http_headers_lost(record: Any) -> bool:
    """Whether a record that holds an HTTP message (its content type says so) came without its
    HTTP headers: warcio reads a record cut inside its status line as one with nothing in it. (A
    response of another kind, a crawler's DNS lookup, has none.)"""
    kind = (record.rec_headers.get_header("Content-Type") or "").lower()
    return record.http_headers is None and "application/http" in kind


def _member_cut(records: Any) -> bool:
    """Whether the gzip member of a .warc.gz's record just read (its blank lines too) ends before
    its end: its content may all be there, and its last bytes missing."""
    unpacking = getattr(records.reader, "decompressor", None)
    return unpacking is not None and not getattr(unpacking, "eof", True)


def _opening(data: bytes) -> str | None:
    """Why an archive (gzipped or not) cannot be read as one, from its first bytes (None when it
    opens on a WARC record's first line): warcio reads lines of any text as records of the older
    ARC format."""
    head = data
    if data[:2] == b"\x1f\x8b":  # (gzip: its first bytes unpacked)
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(data[:_CHUNK], 16)
        except zlib.error:
            head = b"?"
    head = head.lstrip(b"\r\n")
    if head.startswith(b"WARC/"):
        return None
    if b"WARC/".startswith(head) or b"\x1f\x8b".startswith(data):  # (too short to tell)
        return "the archive is cut short at its first record; nothing in it could be read"
    return "not a web archive: it does not open on a WARC record ('WARC/1.0' and its headers)"


def _page(record: Any, number: int, max_page_bytes: int) -> dict[str, Any] | str | None:
    """A WARC record's HTML page (its address, body and declared charset), why it cannot be read,
    or None for a record that is not an HTML page with status 200."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    kind = (record.http_headers.get_header("Content-Type") or "").lower()
    if status != "200" or "html" not in kind:
        return None
    try:
        body = record.content_stream().read(max_page_bytes + 1)
    except Exception as exc:  # noqa: BLE001 (a broken chunked or compressed body: this record only)
        return f"record {number} has a body that cannot be read ({said_briefly(exc)})"
    if len(body) > max_page_bytes:
        return f"record {number}'s page is over the {max_page_bytes:,}-byte limit once decompressed"
    charset = _CHARSET.search(kind)
    url = record.rec_headers.get_header("WARC-Target-URI")
    return {"url": url, "html_bytes": body, "charset": charset.group(1) if charset else None}


def said_briefly(problem: BaseException) -> str:
    """What a library said of a problem, short enough for one line of a report: its kind and the
    first line of its message, cut at 160 characters, characters that are not printable escaped."""
    lines = str(problem).strip().splitlines() or [""]
    first = lines[0][:160].encode("ascii", "backslashreplace").decode("ascii")  # (binary, quoted)
    first = "".join(c if c.isprintable() else repr(c)[1:-1] for c in first)
    first += "..." if len(lines) > 1 or len(lines[0]) > 160 else ""
    return f"{type(problem).__name__}: {first}" if first else type(problem).__name__
