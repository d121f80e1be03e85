"""Document facts: outlet, publication date with its basis, language and genre.

The outlet comes with how it was found (``outlet_evidence``). Across a pile, ``same_outlets`` makes
one outlet of documents that point to one site as their own, or that share a byline and spell the
outlet nearly alike, and gives them one spelling: the one that matches the site, else the most frequent.

The date's basis is never stronger than its evidence: "stated" only when the page prints the date
(dateline, byline line), "metadata" when it comes from HTML or feed fields, "inferred" when reasoned
from the text (the evidence says how), "unknown" otherwise.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import NamedTuple
from urllib.parse import urlparse

from rapidfuzz.distance import Levenshtein

from crosswire.lexicons import FUTURE_BEFORE, LOADED_WORDS
from crosswire.models import Document, Genre, Published
from crosswire.stages._dates import DATE_IN_LINE, DATE_IN_LINE_FR, parse_date
from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._langid import identify
from crosswire.stages._memo import document_memo
from crosswire.stages._times_fr import FUTURE_BEFORE_FR

_HEADER_SPLIT = re.compile(r"\s*[·|•]\s*")
_CONTACT = re.compile(r"^to contact (?:the )?([A-Z][\w&.' -]{1,40}?)(?: and | on | visit|:|,|$)", re.I)
_BIO_OUTLET = re.compile(r"\b(?:at|for|of) ((?:The )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,4})\b")
_STAFF = re.compile(r"^(.+?)\s+(?:staff|desk|newsroom|reporters?|correspondents?)$", re.I)
_LINK_DOMAIN = re.compile(r"https?://(?:www\.)?([\w.-]+\.[a-z]{2,})", re.I)
_BARE_DOMAIN = re.compile(r"(?<![\w@.-])(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s)\]*,;:]|\.?$)")
MAX_NAMED_PARTNERS = 3  # documents an outlet's evidence names; the others of the outlet are counted
_SITE_KINDS = ("boilerplate", "navigation")  # the page's own furniture: footers, site links, contact notices
_TIMESTAMP_PARA = re.compile(r"^\s*\d{1,2}[:.]\d{2}\b")
_LABELS: dict[str, Genre] = {
    "opinion": "opinion",
    "comment": "opinion",
    "editorial": "opinion",
    "column": "opinion",
    "analysis": "analysis",
    "explainer": "analysis",
    "press release": "press_release",
}


def document_facts(doc: Document) -> Document:
    """Fill in outlet (with how it was found), published date (with basis and evidence), language and genre."""
    outlet: str | None
    evidence: str | None
    if doc.outlet:
        outlet, evidence = doc.outlet, doc.outlet_evidence or "the page's metadata (site name or feed field)"
    else:
        outlet, evidence = _outlet(doc)
    if not outlet:
        evidence = (
            "no outlet named in the page, its metadata, byline or links: shown by its host, its title, "
            "or else its kind and date"
        )
    language = _language(doc.body)
    return replace(
        doc,
        outlet=outlet,
        outlet_evidence=evidence,
        published=_published(doc, language),
        language=language,
        genre=_genre(doc),
    )


def outlet_view(document: Document) -> Document:
    """What ``same_outlets`` and a pile's sorting read of a document, so a large pile's texts can wait
    elsewhere meanwhile: no text, only the removed parts that can name its own site, no dateline, the
    date without its evidence.

    Its strings are not interned: a pile writes each view to a file at once (``PileOutlets``), and
    interning strings that then die churns the table of interned strings a pile's reading process
    shares with the process it was forked from (see ``ingest._file_name``)."""
    published = document.published
    return replace(
        document,
        published=Published(published.date, published.basis),
        paragraphs=(),
        removed=tuple(r for r in document.removed if r.kind in _SITE_KINDS),
        dateline=None,
        wire_dateline=None,
    )


class OutletKeys(NamedTuple):
    """What can make a document one outlet with another (``same_outlets``): the sites it points to as
    its own, its byline as a person's name ('' when none), and its outlet's spelling as letters."""

    sites: frozenset[str]
    byline: str
    spelling: str

    def shared(self) -> list[str]:
        """Keys that make two documents one outlet when both hold one: each own site, and the byline
        with the outlet's spelling. (One byline's nearly alike spellings are one outlet too:
        ``near_spellings``.)"""
        keys = [f"site {site}" for site in sorted(self.sites)]
        if self.byline and self.spelling:  # (no letters in the name: never one outlet by its byline)
            keys.append(f"byline {self.byline}\n{self.spelling}")
        return keys


def outlet_keys(document: Document) -> OutletKeys | None:
    """The document's ``OutletKeys``; None when it names no outlet (it is one outlet with no other)."""
    if not document.outlet:
        return None
    return OutletKeys(frozenset(_own_sites(document)), _byline_key(document.byline), _name_key(document.outlet))


def near_spellings(spellings: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of one byline's distinct outlet spellings that spell one name ("dailyledger",
    "dailyledgr"): documents under that byline with those spellings are one outlet."""
    ordered = sorted(spellings)
    return [(a, b) for x, a in enumerate(ordered) for b in ordered[x + 1 :] if _near(a, b)]


def same_outlets(documents: Sequence[Document]) -> list[Document]:
    """One outlet, one spelling: documents whose strongest evidence says they come from one outlet.

    Two documents are one outlet when both point to one site as their own (their web address or a
    footer/site link whose domain matches the outlet's name), or when they share a byline and spell
    the outlet nearly alike ("Daily Ledger" and "Daily Ledgr"). A near spelling alone is not enough
    ("CNN", "CNBC"), nor is a shared host whose name matches neither (an aggregator). The group's
    spelling is the one that matches its site, else the most frequent; each changed document says why
    (``one_outlet``). Documents are compared through their keys (``OutletKeys``), never pairwise:
    a wire service's thousands of pages must not make millions of pairs.
    """
    docs = list(documents)
    sets = DisjointSet(range(len(docs)))
    holder: dict[str, int] = {}  # each shared key -> the first document holding it
    spelled: dict[str, dict[str, int]] = defaultdict(dict)  # byline -> spelling -> a document
    for i, keys in enumerate(outlet_keys(d) for d in docs):
        if keys is None:
            continue
        for key in keys.shared():
            sets.union(holder.setdefault(key, i), i)
        if keys.byline and keys.spelling:
            spelled[keys.byline].setdefault(keys.spelling, i)
    for spellings in spelled.values():
        for a, b in near_spellings(list(spellings)):
            sets.union(spellings[a], spellings[b])
    for members in sets.groups().values():
        if len(members) > 1:
            for i, respelled in zip(members, one_outlet([docs[i] for i in members]), strict=True):
                docs[i] = respelled
    return docs


def one_outlet(members: Sequence[Document]) -> list[Document]:
    """Documents ``same_outlets`` found to be one outlet (in the pile's order), each with the group's
    spelling and evidence naming the first few documents it shares a site or a byline with, and why."""
    keys = [outlet_keys(d) for d in members]
    if any(k is None for k in keys):
        raise ValueError("one_outlet: a document that names no outlet is one outlet with no other")
    sites = [k.sites for k in keys if k]
    bylines = [k.byline for k in keys if k]
    spellings = [k.spelling for k in keys if k]
    sharing: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in range(len(members)):
        for site in sites[i]:
            sharing[("site", site)].append(i)
        if bylines[i]:
            sharing[("byline", bylines[i])].append(i)
    groups_of: dict[int, list[list[int]]] = defaultdict(list)
    for shared_by in sharing.values():
        if len(shared_by) > 1:
            for i in shared_by:
                groups_of[i].append(shared_by)

    def reasons(i: int, j: int) -> str:
        found = []
        shared = sorted(sites[i] & sites[j])
        if shared:
            found.append(f"both point to {shared[0]} as their own site")
        if bylines[i] and bylines[i] == bylines[j] and _near(spellings[i], spellings[j]):
            found.append(f"same byline ({members[min(i, j)].byline}) and nearly the same outlet name")
        return " and ".join(found)

    name, basis = _canonical(members, frozenset.intersection(*sites))
    out = []
    for i, d in enumerate(members):
        named: list[str] = []  # the first few documents it shares a site or a byline with, and why
        seen = {i}
        for j in heapq.merge(*groups_of[i]):  # (lazily: a wire service's site holds thousands)
            if len(named) == MAX_NAMED_PARTNERS:
                break
            if j not in seen:
                seen.add(j)
                if why := reasons(i, j):
                    named.append(f"{_cite(members[j])}: {why}")
        rest = len(members) - 1 - len(named)
        others = f"; and {rest} other document{'s' if rest > 1 else ''} of it" if rest else ""
        note = f"one outlet with {'; '.join(named)}{others}"
        if d.outlet != name:
            note += f"; spelled {d.outlet!r} here, shown as {name!r} ({basis})"
        evidence = f"{d.outlet_evidence}; {note}" if d.outlet_evidence else note
        out.append(_respelled(d, name, evidence))
    return out


@document_memo
def _respelled(document: Document, outlet: str, evidence: str) -> Document:
    """The document with its outlet's spelling and why; the same object for the same arguments within
    a story, so that the work later stages do on the document is found again at the story's next add."""
    return replace(document, outlet=outlet, outlet_evidence=evidence)


def _cite(doc: Document) -> str:
    """A document named in evidence: its title, else its id."""
    title = " ".join((doc.title or "").split())
    if len(title) > 60:
        title = title[:59].rsplit(" ", 1)[0] + "…"
    return f"“{title}”" if title else doc.id


def _byline_key(byline: str | None) -> str:
    """A byline that names a person (two words or more), normalised; '' otherwise."""
    words = re.findall(r"[^\W\d_]+", (byline or "").lower())
    words = words[1:] if words[:1] == ["by"] else words
    return " ".join(words) if len(words) >= 2 else ""


def _name_key(name: str) -> str:
    """An outlet name as letters and digits, lower case, without a leading 'The'."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def _near(a: str, b: str) -> bool:
    """Two spellings of one name: at most one edit per four characters, and never for very short names."""
    if min(len(a), len(b)) < 3:
        return a == b and bool(a)
    return Levenshtein.distance(a, b) <= max(len(a), len(b)) // 4


def _matches_site(name: str, domain: str, exact: bool = False) -> bool:
    """Whether an outlet name is how its domain spells it: 'WSWS' for wsws.org, 'Daily Ledger' for
    dailyledger.com, 'Evening Post Herald' for eph.net, 'North Valley Times' for nvtimes.com."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    if not words:
        return False
    keys = {"".join(words)}
    if len(words) >= 2:
        initials = "".join(w[0] for w in words)
        keys |= {initials, initials[:-1] + words[-1]}
    labels = [part for part in domain.lower().removeprefix("www.").split(".")[:-1] if len(part) >= 2]
    for key in keys:
        for label in labels:
            if key == label or label == "the" + key:
                return True
            if not exact and len(key) >= 4 and _near(key, label):
                return True
    return False


def _own_sites(doc: Document) -> set[str]:
    """Domains the page points to as its own: its web address or footer/site links, when the domain
    matches the outlet's name (a bare host is no evidence: aggregators carry many outlets)."""
    if not doc.outlet:
        return set()
    found = set()
    if doc.url and (host := urlparse(doc.url).hostname):
        found.add(host.removeprefix("www."))
    for removed in doc.removed:
        if removed.kind in _SITE_KINDS:
            found |= {m.lower() for m in _LINK_DOMAIN.findall(removed.text)}
            found |= {m.lower().removeprefix("www.") for m in _BARE_DOMAIN.findall(removed.text)}
    return {d for d in found if _matches_site(doc.outlet, d)}


def _canonical(group: Sequence[Document], sites: frozenset[str]) -> tuple[str, str]:
    """The group's spelling and why: the one spelled as its site, else the most frequent, else the first."""
    names = [d.outlet for d in group if d.outlet]
    counts = Counter(names)

    def score(name: str) -> tuple[bool, bool, int, int]:
        domain_shaped = bool(re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", name))
        spelled = any(_matches_site(name, s, exact=True) for s in sites)
        return (spelled and not domain_shaped, not domain_shaped, counts[name], -names.index(name))

    best = max(counts, key=score)
    if score(best)[0]:
        site = next(s for s in sorted(sites) if _matches_site(best, s, exact=True))
        return best, f"the spelling that matches {site}"
    if counts[best] > 1 and counts[best] > min(counts.values()):
        return best, f"the most frequent spelling ({counts[best]} of {len(names)} documents)"
    return best, "the first spelling in the pile"


def _header_parts(doc: Document) -> list[str]:
    return [p for p in _HEADER_SPLIT.split(doc.dateline or "") if p]


def _outlet(doc: Document) -> tuple[str | None, str | None]:
    """The outlet the page names, and where it names it."""
    for part in _header_parts(doc):
        labelled = DATE_IN_LINE.search(part) or re.match(r"(?:by |opinion|analysis|live|comment)", part, re.I)
        if not labelled and re.match(r"^(?:The )?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,4}$", part):
            return part, f"named in the line under the headline: {doc.dateline!r}"
    staff = _STAFF.match(doc.byline or "")
    if staff:
        return staff.group(1), f"staff byline {doc.byline!r}"
    wire = re.search(r"\(([^)]{2,40})\)", doc.wire_dateline or "")
    if wire:
        return wire.group(1), f"agency in the wire dateline {doc.wire_dateline!r}"
    for removed in doc.removed:
        contact = _CONTACT.match(removed.text)
        if contact and contact.group(1).lower() not in ("reporter", "author", "writer", "editor", "us"):
            return contact.group(1).strip(), f"contact notice at the foot of the page: {removed.text!r}"
        if removed.why == "author biography":
            bio = _BIO_OUTLET.search(removed.text)
            if bio:
                return bio.group(1), f"author biography: {removed.text[:120]!r}"
    for removed in doc.removed:
        domain = _LINK_DOMAIN.search(removed.text)
        if domain and removed.kind == "boilerplate":
            return domain.group(1), f"domain of a link in the page's boilerplate: {removed.text[:120]!r}"
    if doc.url:
        host = urlparse(doc.url).netloc.removeprefix("www.")
        return (host, f"host of the page's web address {doc.url}") if host else (None, None)
    return None, None


# A French article's opening dateline, in its first line: "Orlevo, le 14 mars 2025." ("Place, le date").
_FRENCH_DATELINE = re.compile(r"^[^\W\d][^\n,.;:]{0,40},\s+(?:le\s+)?(?P<date>" + DATE_IN_LINE_FR.pattern + r")")


def _published(doc: Document, language: str = "en") -> Published:
    if doc.dateline and (stated := parse_date(doc.dateline)):
        return Published(stated, "stated", f"printed under the headline: {doc.dateline!r}")
    if doc.published.date:
        return doc.published
    body = doc.body
    opening = _FRENCH_DATELINE.match(body) if language == "fr" else None
    if opening and (stated := parse_date(opening.group("date"))):
        return Published(stated, "stated", f"the article's opening dateline: {opening.group(0)!r}")
    # A French text's full dates ("le 14 mars 2025") and plan cues ("doit reprendre le ...").
    dates, plans = (DATE_IN_LINE_FR, FUTURE_BEFORE_FR) if language == "fr" else (DATE_IN_LINE, FUTURE_BEFORE)
    found = sorted(
        {
            d
            for m in dates.finditer(body)
            if not plans.search(body[max(0, m.start() - 80) : m.start()]) and (d := parse_date(m.group(0)))
        }
    )
    if found:
        latest = found[-1]
        if latest <= date.today().isoformat():
            return Published(
                latest,
                "inferred",
                f"latest full date the text gives a past or present event ({latest}; dates in plans left out); "
                "the article was published on or after it",
            )
    return Published(None, "unknown", "no date in the page, its metadata or its text")


def _language(text: str) -> str:
    if len(text.split()) < 5:
        return "und"
    return identify(text[:5000])


def _genre(doc: Document) -> Genre:
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
