"""Dates written in full ("27 June 2023", "March 18, 2025", "2023-06-27", and in French "14 mars
2025", "1er juin 2023") found and read, and a document's effective date. Shared by clean
(datelines), facts (publication dates), timeline and conflicts."""

from __future__ import annotations

import re

import dateparser

from crosswire.lexicons import MONTH_PATTERN as MONTHS
from crosswire.models import Annotated
from crosswire.stages._bounds import sane_iso
from crosswire.stages._french import MONTH_PATTERN_FR, MONTH_SHORT_PATTERN_FR

DATE_IN_LINE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b"
)

# "14 mars 2025", "1er juin 2023", "3 févr. 2024": day, month, year, in the French order. French
# writes its months in lower case (or all capitals in a header); "14 Mars 2025" stays unread, so no
# English text reads as French.
_MONTH_FR = rf"{MONTH_PATTERN_FR}|(?:{MONTH_SHORT_PATTERN_FR})\."
DATE_IN_LINE_FR = re.compile(rf"\b(?:1er|\d{{1,2}})\s+(?:{_MONTH_FR}|{_MONTH_FR.upper()})\s+\d{{4}}\b")

_DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"}


def parse_date(text: str) -> str | None:
    """An ISO date for a written full date ('27 June 2023', 'March 18, 2025', and in French
    '14 mars 2025', 'Publié le 1er juin 2023 à 10h30'), else None. An English date is read first."""
    match = DATE_IN_LINE.search(text)
    if not match:
        french = DATE_IN_LINE_FR.search(text)
        return _read(french.group(0), "fr") if french else None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", match.group(0)):
        return sane_iso(match.group(0))  # None for '2025-02-30' and for years out of bounds
    return _read(match.group(0), "en")


def _read(written: str, language: str) -> str | None:
    """A full date as dateparser reads it in ``language``, within bounds."""
    parsed = dateparser.parse(written, languages=[language], settings=_DATE_SETTINGS)  # type: ignore[arg-type]
    return sane_iso(parsed.date().isoformat()) if parsed else None


def effective_date(doc: Annotated) -> str | None:
    """The document's date, or for an undated one the latest day its own text resolves to."""
    if doc.document.published.date:
        return doc.document.published.date
    days = [t.date for t in doc.times if t.precision == "day" and t.date]
    return max(days) if days else None
