"""What a news text can sensibly say: the bounds every parsed number and date is checked against.

A figure or date outside them is not news but noise (or an attack): it is left unread where it is
parsed, so no later stage has to survive it ("a 400-digit count", "31 December 9999 plus a day").
"""

from __future__ import annotations

import math
from datetime import date, timedelta

MIN_YEAR, MAX_YEAR = 1000, 2999
# Larger than any figure a news story states (world output is about 1e14 dollars), small enough that
# sums and unit conversions stay finite.
MAX_QUANTITY = 1e15


def sane_number(value: float) -> bool:
    """A finite figure no larger than any a news story states."""
    return math.isfinite(value) and abs(value) <= MAX_QUANTITY


def sane_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def sane_iso(value: str | None) -> str | None:
    """The ISO date (YYYY-MM-DD), if it exists and its year is within bounds; else None."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day.isoformat() if sane_year(day.year) else None


def shift(base: date, days: int) -> str | None:
    """``base`` moved by ``days``, as an ISO date; None when that leaves the bounds."""
    if abs(days) > (MAX_YEAR - MIN_YEAR + 1) * 366:
        return None
    try:
        moved = base + timedelta(days=days)
    except OverflowError:
        return None
    return moved.isoformat() if sane_year(moved.year) else None
