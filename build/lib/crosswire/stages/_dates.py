"""Dates written in full ("27 June 2023", "March 18, 2025", "2023-06-27") found and read, and a
document's effective date. Shared by clean (datelines), facts (publication dates), timeline and
conflicts."""

from __future__ import annotations

import re

import dateparser

from crosswire.lexicons import MONTH_PATTERN as MONTHS
from crosswire.models import Annotated
from crosswire.stages._bounds import sane_iso

DATE_IN_LINE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b"
)


_DATE_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY"}


def parse_date(text: str) -> str | None:
    """An ISO date for a written full date ('27 June 2023', 'March 18, 2025'), else None."""
    match = DATE_IN_LINE.search(text)
    if not match:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", match.group(0)):
        return sane_iso(match.group(0))  # None for '2025-02-30' and for years out of bounds
    parsed = dateparser.parse(match.group(0), languages=["en"], settings=_DATE_SETTINGS)  # type: ignore[arg-type]
    return sane_iso(parsed.date().isoformat()) if parsed else None


def effective_date(doc: Annotated) -> str | None:
    """The document's date, or for an undated one the latest day its own text resolves to."""
    if doc.document.published.date:
        return doc.document.published.date
    days = [t.date for t in doc.times if t.precision == "day" and t.date]
    return max(days) if days else None
