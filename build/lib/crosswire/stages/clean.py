"""Clean: separate a page into title, byline, dateline, body, and everything that is not the article.

The body comes out as paragraphs with lines broken mid-sentence joined. Everything removed is kept
with its kind (title, byline, dateline, boilerplate, comments, navigation, duplicate, other) so a
reader can see what was dropped and why. HTML goes through trafilatura first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from rapidfuzz import fuzz

from crosswire.errors import InputError
from crosswire.lexicons import MONTH_PATTERN, WEEKDAY_PATTERN
from crosswire.models import Document, Published, RawDocument, Removed
from crosswire.settings import DEFAULTS
from crosswire.stages._bounds import sane_iso
from crosswire.stages._chat import comment_start
from crosswire.stages._dates import DATE_IN_LINE

MONTHS = MONTH_PATTERN
BOILERPLATE = re.compile(
    r"^(?:this is a (?:breaking|developing) (?:news )?story|please (?:check|come) back|to contact\b|contact us\b|"
    r"(?:additional )?reporting(?: by\b|\s*\()|writing by\b|editing by\b|compiled by\b|"
    r"sign up\b|subscribe\b|follow us\b|"
    r"share (?:this|on)\b|read more\b|related:|advertisement$|click here\b|download (?:our|the) app|"
    r"we use cookies|this (?:site|website) uses cookies|©|copyright\b|all rights reserved|"
    r"(?:this story|this article) (?:has been|was) (?:updated|corrected))",
    re.I,
)
# The leading run is possessive (*+): given back, it backtracks cubically on a long line of '*' or '_'.
LINK_ONLY = re.compile(r"^[*_\s]*+\[?[^\s\]]*\]?\(?https?://\S+\)?[*_\s]*$|^[*_\s]*+\[[^\]]+\]\([^)]+\)[*_\s]*$")
# (?<!\s) starts the match at the beginning of a space run, not inside it (linear on long runs of spaces).
AGENCY_CREDIT = re.compile(r"(?<!\s)\s*\(((?:[A-Za-z]{2,6}/)*[A-Za-z]{2,6})\)\s*$")
BYLINE = re.compile(
    r"^(?:(?:opinion|analysis|comment|editorial)\s*[|:–—-]\s*)?(?:by\s+)?"
    r"([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|da|di|la|le|bin|al)){1,4}"
    r"(?:\s*(?:,| and )\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3})*)"
    r"(?:\s*[,|]\s*.{0,40})?$",
    re.I,
)
WIRE_DATELINE = re.compile(
    rf"^[A-Z][A-Z.'’-]{{2,}}(?: [A-Z][A-Z.'’-]+){{0,3}}(?:,\s*(?:{MONTHS})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?)?"
    r"\s*(?:\(([^)]{2,40})\))?\s*[-–—]+\s*"
)
AUTHOR_BIO = re.compile(
    r"^[A-Z][\w.'’ -]{2,60} is (?:a|an|the) [\w ,'’-]{0,60}"
    r"(?:columnist|correspondent|editor|reporter|writer|contributor|journalist|author)\b",
)
BOILERPLATE_TAIL = re.compile(
    r"^[A-Z][\w .'’-]{2,40} will (?:update|continue to (?:report|update|follow|cover))\b.{0,80}"
    r"(?:story|article|page|throughout|as more)",
    re.I,
)
WEEKDAY_WORD = re.compile(rf"\b(?:{WEEKDAY_PATTERN}),?", re.I)
_TERMINAL = re.compile(r"[.!?:;…。！？：；](?:[\"”’'»)\]*_」』）]+)?\s*$")
_SUBHEADING_MAX_CHARS = 60
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LIST = re.compile(r"^(?:[-*+]|\d{1,2}[.)])\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")  # the rule; _strip_emphasis applies it
# Per mark, its last closing position, searched for in the reversed line (a mark right after a non-space).
_EMPHASIS_LAST_CLOSER = {mark: re.compile(re.escape(mark) + r"(?=\S)") for mark in ("**", "__", "*", "_")}
_EMPHASIS_MAX_COST = 2_000_000  # characters the pattern may rescan on one line (about 10 ms)
# Link text and target stop at the next bracket, so an unclosed '[' or '](' costs one short scan, not one to the end.
# A URL may hold one level of balanced parentheses (https://en.wikipedia.org/wiki/Foo_(bar)).
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\((?:[^()\[\]]|\([^()\[\]]*\))+\)")
# A link-only line longer than this is not a bare link (and LINK_ONLY is quadratic on crafted long lines).
_LINK_MAX_CHARS = 1000
# Only the end of a paragraph decides whether it ends a sentence (a search over all of it is slow on long text).
_TERMINAL_TAIL = 64
# spaCy needs about 400 MB and 5 s for a paragraph of 100,000 characters; real paragraphs are under 5,000.
MAX_PARAGRAPH_CHARS = 50_000
_TIMESTAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\b")
_HEADER_SCAN = 6
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>")
# Elements without an end tag, or whose end tag pages often leave out: they do not deepen the nesting.
_NO_END_TAG = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
    | {"p", "li", "dt", "dd", "option", "tr", "td", "th"}
)
_HTML_MAX_DEPTH = 255  # libxml2 (under lxml and trafilatura) drops what is nested deeper
_JOIN_MIN_WORDS = 8


@dataclass(slots=True)
class _Unit:
    text: str
    blank_before: bool
    heading: bool = False


def clean(raw: RawDocument, comment_min_paragraphs: int = DEFAULTS.comment_min_paragraphs) -> Document:
    """Clean one raw document into a Document with body paragraphs and removed parts.

    Raises:
        InputError: the page holds no article text (nothing left after cleaning), or a line too long
            to be a paragraph of an article (see ``MAX_PARAGRAPH_CHARS``).
    """
    removed: list[Removed] = []
    text, meta = raw.text, dict[str, str]()
    if raw.format == "html" and raw.html:
        text, meta, html_removed = _from_html(raw)
        removed.extend(html_removed)
    _check_line_lengths(raw.source, text)
    units = _units(text, markdown=raw.format == "markdown" or (raw.format != "html" and "\n# " in "\n" + text))
    title, byline, dateline, units = _header(units, removed, meta.get("title") or raw.meta_title)
    units = _drop_boilerplate(units, removed)
    paragraphs = _join_broken_lines(units)
    if raw.format != "html":  # trafilatura already leaves marked-up comment sections out of HTML
        paragraphs = _drop_comments(paragraphs, removed, comment_min_paragraphs)
    paragraphs = _drop_subheadings_and_bios(paragraphs, removed)
    paragraphs = _drop_agency_credit(paragraphs, removed)
    paragraphs, wire_dateline = _drop_wire_dateline(paragraphs, removed)
    if not paragraphs:
        raise InputError(raw.source, "no article text left after cleaning (page is empty or all boilerplate)")
    _check_paragraph_lengths(raw.source, paragraphs)
    return Document(
        id=raw.id,
        source=raw.source,
        title=title,
        outlet=meta.get("sitename") or raw.meta_outlet,
        byline=byline or meta.get("author") or raw.meta_author,
        published=(
            Published(_iso(meta["date"]), "metadata", f"page metadata: {meta['date']}")
            if meta.get("date")
            else Published(_iso(raw.meta_published), "metadata", f"feed field 'published': {raw.meta_published}")
            if raw.meta_published and _iso(raw.meta_published)
            else Published(None, "unknown")
        ),
        language="und",
        genre="other",
        paragraphs=tuple(paragraphs),
        removed=tuple(removed),
        format=raw.format,
        url=meta.get("url") or raw.meta_url,
        dateline=dateline,
        wire_dateline=wire_dateline,
    )


def _check_line_lengths(source: str, text: str) -> None:
    """Refuse a text with a line too long to be a paragraph, before any pattern runs over it."""
    if len(text) <= MAX_PARAGRAPH_CHARS:
        return
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if len(line) > MAX_PARAGRAPH_CHARS and len(line.strip()) > MAX_PARAGRAPH_CHARS:
            raise InputError(source, _too_long(f"line {number}", line.strip()))


def _check_paragraph_lengths(source: str, paragraphs: list[str]) -> None:
    for number, paragraph in enumerate(paragraphs, start=1):
        if len(paragraph) > MAX_PARAGRAPH_CHARS:
            raise InputError(source, _too_long(f"paragraph {number}", paragraph))


def _too_long(where: str, text: str) -> str:
    shape = "with no spaces" if not any(c.isspace() for c in text) else f"in {len(text.split()):,} words"
    return (
        f"{where} is {len(text):,} characters long {shape}, over the {MAX_PARAGRAPH_CHARS:,}-character limit "
        "for one paragraph; this does not look like article text (if it is, break it into paragraphs)"
    )


def _from_html(raw: RawDocument) -> tuple[str, dict[str, str], list[Removed]]:
    html = raw.html or ""
    try:
        result = trafilatura.bare_extraction(html, url=raw.meta_url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(raw.source, f"HTML could not be parsed ({type(exc).__name__}: {exc})") from exc
    if result is None or not getattr(result, "text", None):
        depth = _nesting_depth(html)
        if depth > _HTML_MAX_DEPTH:
            raise InputError(
                raw.source,
                f"no article text found: the HTML is nested {depth:,} elements deep, and the parser stops "
                f"at {_HTML_MAX_DEPTH}; the page is malformed or built to break parsers",
            )
        raise InputError(raw.source, "no article text found in the HTML page (trafilatura found no main content)")
    meta = {
        k: str(getattr(result, k)) for k in ("title", "author", "date", "sitename", "url") if getattr(result, k, None)
    }
    return str(getattr(result, "text", "")), meta, _html_removed(html)


def _nesting_depth(html: str) -> int:
    """How deep the page's elements nest, counted from its tags (elements that need no end tag left out)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _NO_END_TAG or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _html_removed(html: str) -> list[Removed]:
    """The page parts trafilatura leaves out that a reader would recognise: menus, footers, banners."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    kinds = {"nav": "navigation", "header": "navigation", "footer": "boilerplate", "aside": "other", "form": "other"}
    for element in tree.iter("nav", "header", "footer", "aside", "form"):
        text = " ".join(element.text_content().split())
        if text:
            found.append(Removed(kinds[element.tag], text[:500], f"<{element.tag}> element"))
    for element in tree.xpath("//*[contains(@class,'cookie') or contains(@id,'cookie') or contains(@class,'related')]"):
        text = " ".join(element.text_content().split())
        if text:
            kind = (
                "advertising" if "cookie" not in (element.get("class", "") + element.get("id", "")) else "boilerplate"
            )
            found.append(Removed(kind, text[:500], "cookie banner or related-links block"))
    return found


def _units(text: str, markdown: bool) -> list[_Unit]:
    units: list[_Unit] = []
    blank = True
    for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").split("\n"):
        stripped = line.strip()
        if not stripped:
            blank = True
            continue
        heading = False
        if markdown:
            heading = bool(_MD_HEADING.match(stripped))
            stripped = _MD_LIST.sub("", _MD_HEADING.sub("", stripped))
            if not _link_only(stripped):
                stripped = _strip_emphasis(_MD_LINK.sub(r"\1", stripped))
        units.append(_Unit(stripped, blank, heading))
        blank = False
    return units


def _link_only(text: str) -> bool:
    return len(text) <= _LINK_MAX_CHARS and ("://" in text or "](" in text) and bool(LINK_ONLY.match(text))


def _strip_emphasis(line: str) -> str:
    """Markdown emphasis marks taken off (``**a**`` -> ``a``), unless the line is built so that this is slow.

    _MD_EMPHASIS scans to the end of the line for every opening mark with no closing mark after it;
    on a line with thousands of those the marks are left in rather than spending seconds on them.
    """
    if "*" not in line and "_" not in line:
        return line
    cost = 0
    for mark, last_closer in _EMPHASIS_LAST_CLOSER.items():
        found = last_closer.search(line[::-1])
        after = 0 if found is None else len(line) - found.end()
        cost += line.count(mark, after) * (len(line) - after)
    return _MD_EMPHASIS.sub(r"\2", line) if cost <= _EMPHASIS_MAX_COST else line


def _ends_sentence(text: str) -> bool:
    return bool(_TERMINAL.search(text.rstrip()[-_TERMINAL_TAIL:]))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _header(
    units: list[_Unit], removed: list[Removed], meta_title: str | None
) -> tuple[str | None, str | None, str | None, list[_Unit]]:
    """Take title, duplicate titles, byline and dateline off the top of the page."""
    title = meta_title.strip() if meta_title else None
    byline = dateline = None
    index = 0
    while index < len(units) and index < _HEADER_SCAN:
        unit = units[index].text
        if BOILERPLATE.match(unit):
            removed.append(Removed("boilerplate", unit, "standard notice"))
        elif title and _same_title(unit, title):
            longer = unit if len(unit) > len(title) else title
            removed.append(Removed("duplicate", unit, "repeated title"))
            title = _one_line(longer)
        elif title is None and byline is None and _looks_like_title(units, index):
            title = _one_line(unit)
            removed.append(Removed("title", unit, "first line, headline-shaped"))
        elif dateline is None and DATE_IN_LINE.search(unit) and len(unit.split()) <= 12:
            dateline = _one_line(unit)
            rest = WEEKDAY_WORD.sub("", DATE_IN_LINE.sub("", unit)).strip(" |,–—-·")
            rest = re.sub(r"^(?:published|updated|posted)(?: on)?:?\s*$", "", rest, flags=re.I)
            if rest and byline is None and BYLINE.match(rest):
                byline = _byline_name(rest)
            removed.append(Removed("dateline", unit, "date line under the headline"))
        elif byline is None and len(unit.split()) <= 10 and BYLINE.match(unit) and not _ends_sentence(unit):
            byline = _byline_name(unit)
            removed.append(Removed("byline", unit, "author line under the headline"))
        else:
            break
        index += 1
    return title, byline, dateline, units[index:]


def _byline_name(text: str) -> str:
    text = re.sub(r"^(?:opinion|analysis|comment|editorial)\s*[|:–—-]\s*", "", _one_line(text), flags=re.I)
    return re.sub(r"^by\s+", "", text, flags=re.I).strip(" ,|")


def _looks_like_title(units: list[_Unit], index: int) -> bool:
    unit = units[index]
    words = unit.text.split()
    if unit.heading:
        return True
    if not 2 <= len(words) <= 25:
        return False
    following = units[index + 1].text if index + 1 < len(units) else ""
    header_next = bool(DATE_IN_LINE.search(following) and len(following.split()) <= 12) or bool(
        following[:3].lower() == "by " or re.match(r"^(?:opinion|analysis|comment)\s*[|:]", following, re.I)
    )
    return header_next or not re.search(r"[.!?]\s*$", unit.text)


def _same_title(line: str, title: str) -> bool:
    a, b = line.lower(), title.lower()
    return a == b or fuzz.ratio(a, b) >= 90 or (min(len(a), len(b)) > 20 and (a.startswith(b) or b.startswith(a)))


def _drop_boilerplate(units: list[_Unit], removed: list[Removed]) -> list[_Unit]:
    kept = []
    for unit in units:
        if BOILERPLATE.match(unit.text) or _link_only(unit.text):
            removed.append(Removed("boilerplate", unit.text, "standard notice or bare link"))
        else:
            kept.append(unit)
    return kept


def _iso(value: str | None) -> str | None:
    """The calendar date a metadata value starts with ('2025-05-06T10:00Z'), or None if there is none
    or it does not exist ('2025-02-30')."""
    match = re.match(r"(\d{4}-\d{2}-\d{2})", value or "")
    return sane_iso(match.group(1)) if match else None  # also None for years past the bounds (9999)


def _join_broken_lines(units: list[_Unit]) -> list[str]:
    """Join lines broken in the middle of a sentence (or hard-wrapped inside a paragraph)."""
    wrapped = _is_hard_wrapped(units)
    # Each paragraph is a list of parts joined at the end, with its word count capped at _JOIN_MIN_WORDS:
    # re-reading the whole paragraph at every line made a file of many short lines quadratic.
    paragraphs: list[list[str]] = []
    words: list[int] = []
    for unit in units:
        text = unit.text
        if paragraphs and not _TIMESTAMP.match(text):
            previous = paragraphs[-1][-1]
            soft_wrap = wrapped and not unit.blank_before
            mid_sentence = not _ends_sentence(previous) and (text[:1].islower() or words[-1] >= _JOIN_MIN_WORDS)
            if soft_wrap or mid_sentence:
                hyphen = previous.endswith("-") and text[:1].islower()  # 'inter-' + 'national': one word
                paragraphs[-1] += ["" if hyphen else " ", text]
                words[-1] = min(words[-1] + _word_count(text) - hyphen, _JOIN_MIN_WORDS)
                continue
        paragraphs.append([text])
        words.append(_word_count(text))
    return ["".join(parts) for parts in paragraphs]


def _word_count(text: str) -> int:
    """Words in ``text``, counted up to _JOIN_MIN_WORDS (enough for the joining rule)."""
    return len(text.split(maxsplit=_JOIN_MIN_WORDS)[:_JOIN_MIN_WORDS])


def _drop_subheadings_and_bios(paragraphs: list[str], removed: list[Removed]) -> list[str]:
    kept = []
    for index, paragraph in enumerate(paragraphs):
        short = len(paragraph.split()) < _JOIN_MIN_WORDS and len(paragraph) <= _SUBHEADING_MAX_CHARS
        if short and not _ends_sentence(paragraph):
            removed.append(Removed("other", paragraph, "subheading"))
        elif index >= len(paragraphs) - 2 and AUTHOR_BIO.match(paragraph):
            removed.append(Removed("byline", paragraph, "author biography"))
        elif index >= len(paragraphs) - 2 and BOILERPLATE_TAIL.match(paragraph):
            removed.append(Removed("boilerplate", paragraph, "closing notice"))
        else:
            kept.append(paragraph)
    return kept


def _drop_wire_dateline(paragraphs: list[str], removed: list[Removed]) -> tuple[list[str], str | None]:
    """Strip a wire dateline such as 'CITY, March 18 (Agency) - ' from the first paragraph."""
    match = WIRE_DATELINE.match(paragraphs[0]) if paragraphs else None
    if not match:
        return paragraphs, None
    removed.append(Removed("dateline", match.group(0).strip(), "wire dateline"))
    return [paragraphs[0][match.end() :], *paragraphs[1:]], match.group(0).strip()


def _is_hard_wrapped(units: list[_Unit]) -> bool:
    """True when paragraphs are separated by blank lines and lines inside them are wrapped."""
    inner = sum(1 for u in units if not u.blank_before)
    blocks = sum(1 for u in units if u.blank_before)
    if blocks < 2 or inner < 3:
        return False
    lengths = [len(u.text) for u in units]
    typical = sorted(lengths)[len(lengths) // 2]
    return inner >= blocks and 40 <= typical <= 100


def _drop_comments(paragraphs: list[str], removed: list[Removed], min_paragraphs: int) -> list[str]:
    start = comment_start(paragraphs, min_paragraphs)
    if start is None:
        return paragraphs
    removed.append(
        Removed(
            "comments",
            "\n".join(paragraphs[start:]),
            f"reader comments: {len(paragraphs) - start} chat-like paragraphs",
        )
    )
    return paragraphs[:start]


def _drop_agency_credit(paragraphs: list[str], removed: list[Removed]) -> list[str]:
    if not paragraphs:
        return paragraphs
    match = AGENCY_CREDIT.search(paragraphs[-1])
    if not match or len(paragraphs[-1]) == len(match.group(0)):
        return paragraphs
    removed.append(Removed("byline", match.group(0).strip(), "agency credit"))
    return [*paragraphs[:-1], paragraphs[-1][: match.start()].rstrip()]
