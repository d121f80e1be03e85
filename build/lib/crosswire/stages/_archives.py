"""News as it comes in bulk: RSS/Atom feeds (feedparser) and web archives (WARC, the format of news
crawls, read with warcio). Each yields plain records (``title``, ``url``, ``published``, ``author`` and
``text`` or ``html``) that ``ingest`` turns into documents as it does JSON Lines records; a record that
cannot be read is a reason, and the others are kept."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import lxml.html

_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "br")


def feed_records(data: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """A feed's entries as records, and why the feed as a whole could not be read (None when it could).

    An entry's text is its full content where the feed carries it, else its summary (often one
    paragraph: the cleaner then reports it as too short to analyse)."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = getattr(parsed, "bozo_exception", None)
        why = f"not a readable RSS or Atom feed ({problem})" if problem else "a feed with no entries"
        return [], why
    records = []
    for entry in parsed.entries:
        html = entry["content"][0].get("value", "") if entry.get("content") else entry.get("summary", "")
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        records.append(
            {
                "title": entry.get("title"),
                "url": entry.get("link"),
                "author": entry.get("author"),
                "published": time.strftime("%Y-%m-%d", published) if published else None,
                "outlet": parsed.feed.get("title"),
                "text": _text_of(html),
            }
        )
    return records, None


def _text_of(html: str) -> str:
    """The text of an HTML fragment, a blank line between its blocks."""
    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return "\n\n".join(" ".join(line.split()) for line in root.text_content().split("\n\n") if line.strip())


def warc_records(data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """Each HTML page a WARC (or .warc.gz) archive holds, as (record number, record); a record that
    cannot be read is (number, reason). Responses that are not an HTML page with status 200 (images,
    scripts, redirects, errors) are not articles and are passed over; an archive cut short ends with
    its reason, after the pages before the cut."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            kind = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200" or "html" not in kind:
                continue
            try:
                body = record.content_stream().read()
            except Exception as exc:  # noqa: BLE001 (a broken chunked or compressed body: this record only)
                yield number, f"record {number} has a body that cannot be read ({type(exc).__name__}: {exc})"
                continue
            if getattr(record.raw_stream, "limit", 0):  # bytes the record declared but the archive lacks
                yield number, f"record {number} is cut short: the archive ends inside it"
                continue
            yield number, {"url": record.rec_headers.get_header("WARC-Target-URI"), "html_bytes": body}
    except ArchiveLoadFailed as exc:
        yield number + 1, f"the archive cannot be read past record {number} ({exc}); the records before it were"
    except (OSError, EOFError, ValueError) as exc:  # a truncated gzip member, a cut-off record
        yield (
            number + 1,
            f"the archive is cut short after record {number} ({type(exc).__name__}); the records before it were",
        )
