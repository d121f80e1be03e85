"""Document facts: outlet, publication date with its basis, language and genre.

The date's basis is never stronger than its evidence: "stated" only when the page prints the date
(dateline, byline line), "metadata" when it comes from HTML or feed fields, "inferred" when reasoned
from the text (the evidence says how), "unknown" otherwise.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from urllib.parse import urlparse

import dateparser
import py3langid

from crosswire.models import Document, Published
from crosswire.stages.clean import DATE_IN_LINE
from crosswire.stages.lexicons import LOADED_WORDS

_HEADER_SPLIT = re.compile(r"\s*[·|•]\s*")
_CONTACT = re.compile(r"^to contact (?:the )?([A-Z][\w&.' -]{1,40}?)(?: and | on | visit|:|,|$)", re.I)
_BIO_OUTLET = re.compile(r"\b(?:at|for|of) ((?:The )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,4})\b")
_STAFF = re.compile(r"^(.+?)\s+(?:staff|desk|newsroom|reporters?|correspondents?)$", re.I)
_LINK_DOMAIN = re.compile(r"https?://(?:www\.)?([\w.-]+\.[a-z]{2,})", re.I)
_TIMESTAMP_PARA = re.compile(r"^\s*\d{1,2}[:.]\d{2}\b")
_LABELS = {
    "opinion": "opinion",
    "comment": "opinion",
    "editorial": "opinion",
    "column": "opinion",
    "analysis": "analysis",
    "explainer": "analysis",
    "press release": "press_release",
}
_DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"}


def document_facts(doc: Document) -> Document:
    """Fill in outlet, published date (with basis and evidence), language and genre."""
    return replace(
        doc,
        outlet=doc.outlet or _outlet(doc),
        published=_published(doc),
        language=_language(doc.body),
        genre=_genre(doc),
    )


def _header_parts(doc: Document) -> list[str]:
    return [p for p in _HEADER_SPLIT.split(doc.dateline or "") if p]


def _outlet(doc: Document) -> str | None:
    for part in _header_parts(doc):
        labelled = DATE_IN_LINE.search(part) or re.match(r"(?:by |opinion|analysis|live|comment)", part, re.I)
        if not labelled and re.match(r"^(?:The )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,4}$", part):
            return part
    staff = _STAFF.match(doc.byline or "")
    if staff:
        return staff.group(1)
    wire = re.search(r"\(([^)]{2,40})\)", doc.wire_dateline or "")
    if wire:
        return wire.group(1)
    for removed in doc.removed:
        contact = _CONTACT.match(removed.text)
        if contact and contact.group(1).lower() not in ("reporter", "author", "writer", "editor", "us"):
            return contact.group(1).strip()
        if removed.why == "author biography":
            bio = _BIO_OUTLET.search(removed.text)
            if bio:
                return bio.group(1)
    for removed in doc.removed:
        domain = _LINK_DOMAIN.search(removed.text)
        if domain and removed.kind == "boilerplate":
            return domain.group(1)
    if doc.url:
        return urlparse(doc.url).netloc.removeprefix("www.") or None
    return None


def parse_date(text: str) -> str | None:
    """An ISO date for a written full date ('27 June 2023', 'March 18, 2025'), else None."""
    match = DATE_IN_LINE.search(text)
    if not match:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", match.group(0)):
        try:
            return date.fromisoformat(match.group(0)).isoformat()
        except ValueError:  # '2025-02-30': digits in the shape of a date, not a date
            return None
    parsed = dateparser.parse(match.group(0), languages=["en"], settings=_DATE_SETTINGS)  # type: ignore[arg-type]
    return parsed.date().isoformat() if parsed else None


def _published(doc: Document) -> Published:
    if doc.dateline and (stated := parse_date(doc.dateline)):
        return Published(stated, "stated", f"printed under the headline: {doc.dateline!r}")
    if doc.published.date:
        return doc.published
    found = sorted({d for m in DATE_IN_LINE.finditer(doc.body) if (d := parse_date(m.group(0)))})
    if found:
        latest = found[-1]
        if latest <= date.today().isoformat():
            return Published(
                latest,
                "inferred",
                f"latest full date written in the text ({latest}); the article was published on or after it",
            )
    return Published(None, "unknown", "no date in the page, its metadata or its text")


def _language(text: str) -> str:
    if len(text.split()) < 5:
        return "und"
    lang, _ = py3langid.classify(text[:5000])
    return str(lang)


def _genre(doc: Document) -> str:
    header = " ".join([doc.title or "", doc.dateline or "", doc.byline or ""]).lower()
    removed = " ".join(r.text.lower() for r in doc.removed if r.kind in ("boilerplate", "byline", "dateline"))
    if re.search(r"\bbreaking\b|\bdeveloping story\b", header + " " + removed):
        return "breaking"
    if re.search(r"\blive\b", header) or sum(1 for p in doc.paragraphs if _TIMESTAMP_PARA.match(p)) >= 3:
        return "live_blog"
    for label, genre in _LABELS.items():
        if re.search(rf"(?:^|[|·:]\s*){label}\b", header):
            return genre
    if any(r.kind == "comments" for r in doc.removed):
        return "live_blog"
    words = re.findall(r"[\w-]+", doc.body.lower())
    loaded = sum(1 for w in words if w in LOADED_WORDS)
    if words and loaded / len(words) >= 0.006:
        return "opinion"
    return "news"
