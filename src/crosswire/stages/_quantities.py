"""Quantities found and compared: a figure as a finder reads it in a sentence, whether two normalised
figures agree, measure the same thing, and how to write one for a reader. Shared by the finders
(``_spans``, ``_spans_fr``), claim matching (align) and conflicts."""

from __future__ import annotations

import math
from dataclasses import dataclass

from crosswire.models import Quantity


@dataclass(frozen=True, slots=True)
class FoundQuantity:
    start: int
    end: int
    text: str
    low: float
    high: float
    unit: str
    dimension: str
    original_unit: str | None
    approximate: bool


def measure(currency: str | None, unit: str, units: dict[str, tuple[str, str, float]]) -> tuple[str, str, float]:
    """(base unit, dimension, factor to base) of a figure: money in ``currency``, else the ``unit``
    written after it (a key of ``units``), else a plain count. Shared by the English and French finders."""
    if currency:
        return currency, "money", 1.0
    if unit:
        return units[unit]
    return "count", "count", 1.0


def agree(a: Quantity, b: Quantity, tolerance: float) -> bool:
    """Two normalised quantities agree when their ranges overlap, allowing ``tolerance`` slack."""
    slack = tolerance * max(abs(a.high), abs(b.high), 1e-9)
    return a.low - slack <= b.high and b.low - slack <= a.high


def same_measure(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing (counts need the same counted noun)."""
    if a.dimension != b.dimension or a.unit != b.unit:
        return False
    return a.dimension != "count" or (a.noun is not None and a.noun == b.noun)


def describe(q: Quantity) -> str:
    """'120 miles (= 193 km)' — the quantity as written, with its normalised value when units differ."""
    if q.original_unit and q.original_unit not in (q.unit,) and q.dimension not in ("count",):
        value = f"{_fmt(q.low)}" if q.low == q.high else f"{_fmt(q.low)}–{_fmt(q.high)}"
        return f"'{q.text}' (= {value} {q.unit})"
    return f"'{q.text}'"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or math.isclose(value, round(value)) else f"{value:.1f}"
