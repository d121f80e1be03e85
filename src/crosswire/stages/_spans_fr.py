"""Rule-based finders for French time expressions and quantities in one sentence (character spans):
the French counterparts of ``_spans``, giving the same spans and the same base units, so that a
French figure or date compares with an English one."""

from __future__ import annotations

import re

from crosswire.lexicons import CURRENCIES
from crosswire.stages._french import (
    APPROXIMATORS_FR,
    FIGURE_PATTERN_FR,
    MONTH_PATTERN_FR,
    MONTH_SHORT_PATTERN_FR,
    NUMBER_WORDS_PATTERN_FR,
    ROUND_NUMBERS_FR,
    ROUND_PATTERN_FR,
    SCALE_PATTERN_FR,
    UNIT_PATTERN_FR,
    UNITS_FR,
    WEEKDAY_PATTERN_FR,
    number_value,
)
from crosswire.stages._quantities import FoundQuantity, measure

_Q = r"['’]"  # the apostrophe, straight or curly
_MONTH = rf"(?:{MONTH_PATTERN_FR})"
_DAY = rf"(?:{WEEKDAY_PATTERN_FR})"
_PART = r"(?:matin|midi|après-midi|soir|soirée)"
_NEXT_LAST = r"(?:dernier|dernière|passé|passée|prochain|prochaine)"
_COUNT = rf"(?:\d+|{NUMBER_WORDS_PATTERN_FR})"
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_SINCE = rf"(?:dès|depuis|jusqu{_Q}à|d{_Q}ici)"
_DATE_DAY = r"(?:1er|\d{1,2})"
_MONTH_START = (
    rf"(?:en|depuis|dès|jusqu{_Q}en|d{_Q}ici|début|fin|courant|au\s+mois\s+de"
    rf"|(?:en|au)\s+début\s+de|(?:en|à\s+la)\s+fin\s+de|(?:à\s+la\s+)?mi-)"
)
TIME_RE_FR = re.compile(
    "|".join(
        [
            # full dates, with or without weekday and year: "le 1er juin 2023", "mardi 14 mars",
            # "14 sept. 2025", "du 13 au 14 juillet" (the day written with its month)
            rf"(?:(?:depuis|dès|avant|après|d{_Q}ici)\s+)?(?:(?:le|les|du|au|jusqu{_Q}au)\s+)?"
            rf"(?:{_DAY}\s+)?(?:{_DATE_DAY}\s+(?:au|et)\s+)?{_DATE_DAY}\s+"
            rf"(?:{_MONTH}(?:\s+\d{{4}})?|(?:{MONTH_SHORT_PATTERN_FR})\.?\s+\d{{4}})\b",
            r"\b\d{4}-\d{2}-\d{2}\b",
            # day first: 14/03/2025
            r"\b(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}\b",
            # a live-blog entry's clock time ("18h52 — La police ...")
            r"^\d{1,2}[:.h]\d{2}(?=\s*[—–-])",
            # the night from one day to the next: "dans la nuit de samedi à dimanche"
            rf"\b(?:dans\s+)?la\s+nuit\s+(?:de|du)\s+{_DAY}(?:\s+(?:à|au)\s+{_DAY})?\b",
            # weekdays with their modifiers: "lundi prochain", "mercredi dernier", "jeudi matin",
            # "dès lundi"; not "le lundi", "les lundis": every Monday
            rf"(?<!\ble\s)(?<!\bles\s)\b(?:(?:{_SINCE}|avant|après|ce)\s+)?{_DAY}"
            rf"(?:\s+{_PART})?(?:\s+{_NEXT_LAST})?\b",
            # deictic days: "hier soir", "avant-hier", "aujourd'hui", "ce matin", "cette nuit"
            rf"\b(?:{_SINCE}\s+)?(?:avant-hier|après-demain|aujourd{_Q}hui|hier|demain)"
            rf"(?:\s+{_PART})?(?![\w-])",
            r"\b(?:ce\s+(?:matin|midi|soir)|cet\s+après-midi|cette\s+nuit"
            r"|la\s+nuit\s+dernière)\b",
            # periods: "la semaine dernière", "le mois prochain", "l'an dernier", "cette année"
            rf"\b(?:(?:depuis|dès|jusqu{_Q}à)\s+)?(?:(?:la|le)\s+|l{_Q})?"
            rf"(?:semaine|week-end|weekend|mois|année|an)\s+{_NEXT_LAST}\b",
            r"\b(?:cette|ce|cet)\s+(?:semaine|week-end|weekend|mois(?:-ci)?|année|an)\b(?!-là)",
            # "il y a trois jours", "deux semaines plus tôt"
            rf"\bil\s+y\s+a\s+{_COUNT}\s+(?:jours?|semaines?)\b(?!\s+(?:de\b|d{_Q}))",
            rf"\b{_COUNT}\s+(?:jours?|semaines?)\s+plus\s+tôt\b",
            # months: "en mars", "en mars 2024", "début juin", "mi-juillet", "mars dernier"
            rf"\b(?:{_MONTH_START}\s*{_MONTH}(?:\s+(?:{_YEAR}|{_NEXT_LAST}))?"
            rf"|{_MONTH}\s+(?:{_YEAR}|{_NEXT_LAST}))\b(?!\s+\d)",
            # years: "en 2023", "depuis 2019", "fin 2024" ("de 2019 à 2021" is a range of figures)
            rf"\b(?:en|depuis|dès|jusqu{_Q}en|d{_Q}ici|à\s+partir\s+de|début|fin|mi-)\s*{_YEAR}"
            rf"(?:\s*[-–]\s*{_YEAR})?\b(?![ \u00a0\u202f]?\d)",
        ]
    ),
    re.I,
)
_NUMBER = rf"(?:{FIGURE_PATTERN_FR}|{NUMBER_WORDS_PATTERN_FR})(?!\w)(?:\s+{SCALE_PATTERN_FR})?"
# A range: "entre 10 et 20", "de 10 à 20", "10-20"; "et" only after "entre" ("âgés de 25 et 30
# ans" is two ages).
_TO = r"(?:-|–|à|(?(between)et|(?!)))"
QUANTITY_RE_FR = re.compile(
    rf"(?P<cur>(?:US)?\$|€|£)?(?:(?P<pre>(?P<between>entre)|de)\s+)?"
    rf"(?P<low>{ROUND_PATTERN_FR}|{_NUMBER})(?:\s*{_TO}\s*(?P<high>{_NUMBER}))?"
    rf"(?:(?:\s*|-)(?:de\s+|d{_Q})?(?P<unit>{UNIT_PATTERN_FR}))?",
    re.I,
)
# A clock time ("10h30", "18 h 30", "18:52", "à 10 heures"): when, not how many.
_CLOCK = re.compile(r"\b\d{1,2}(?:\s?h(?:\s?\d{2})?|[:.]\d{2})(?!\w)", re.I)
_CLOCK_BEFORE = re.compile(rf"\b(?:à|vers|dès|avant|après|jusqu{_Q}à)\s*$", re.I)
_HOURS = ("heure", "heures")


def find_times_fr(text: str) -> list[tuple[int, int, str]]:
    """French time expressions in a sentence, as (start, end, text)."""
    spans = []
    for match in TIME_RE_FR.finditer(text):
        expression = match.group(0).strip()
        if expression:
            start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
            spans.append((start, start + len(expression), expression))
    return spans


def find_quantities_fr(text: str, skip: list[tuple[int, int]]) -> list[FoundQuantity]:
    """French figures with units or counted nouns, normalised to the English base units; spans in
    ``skip`` (dates) excluded."""
    found = []
    skip = [*skip, *(m.span() for m in _CLOCK.finditer(text))]
    for match in QUANTITY_RE_FR.finditer(text):
        quantity = _quantity(text, match)
        if quantity and not any(s < quantity.end and quantity.start < e for s, e in skip):
            found.append(quantity)
    return found


def _quantity(text: str, match: re.Match[str]) -> FoundQuantity | None:
    """One match read as a quantity, or None when it is no figure (a year, a clock time, "un")."""
    # "de" and "entre" open a range only: "plus de 3 000" is the figure "3 000"
    start = match.start() if match.group("high") or not match.group("pre") else match.start("low")
    start = match.start() if match.group("cur") else start
    end = match.end()
    if start == end or (start > 0 and (text[start - 1].isalnum() or text[start - 1] in ":.-")):
        return None
    unit_text = " ".join((match.group("unit") or "").lower().split())
    clock = unit_text in _HOURS and _CLOCK_BEFORE.search(text[:start])
    if clock or re.match(r"[.,]\d", text[end : end + 2]):
        return None  # "à 10 heures": a time of day; "1.5": a figure written the English way
    low, high = _value(match.group("low")), _value(match.group("high") or match.group("low"))
    words = match.group("low")[0].isalpha()
    if low is None or high is None or (words and not unit_text and low < 2):
        return None
    if re.fullmatch(r"(?:1[89]|20)\d{2}", match.group("low")) and not unit_text:
        return None  # a year, not a count
    base, dimension, factor = measure(CURRENCIES.get((match.group("cur") or "").lower()), unit_text, UNITS_FR)
    approximate = (
        bool(APPROXIMATORS_FR.search(text[max(0, start - 30) : start]))
        or match.group("high") is not None
        or _round(match.group("low")) is not None
    )
    return FoundQuantity(
        start=start,
        end=end,
        text=text[start:end],
        low=min(low, high) * factor,
        high=max(low, high) * factor,
        unit=base,
        dimension=dimension,
        original_unit=unit_text or None,
        approximate=approximate,
    )


def _value(text: str) -> float | None:
    """A figure, a number in words or a round number ("une centaine": 100)."""
    found = _round(text)
    return found if found is not None else number_value(text)


def _round(text: str) -> float | None:
    """The value of a round number ("une dizaine": 10), None for any other figure."""
    found = re.fullmatch(r"une?\s+(\w+)", text.strip().lower())
    return ROUND_NUMBERS_FR.get(found.group(1)) if found else None
