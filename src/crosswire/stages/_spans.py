"""Rule-based finders for time expressions and quantities in one sentence (character spans): English
here, French in ``_spans_fr`` (chosen by the document's language)."""

from __future__ import annotations

import re

from crosswire.lexicons import APPROXIMATORS, CURRENCIES, MONTH_PATTERN, NUMBER_WORDS, SCALES, UNITS, WEEKDAY_PATTERN
from crosswire.stages._bounds import sane_number
from crosswire.stages._quantities import FoundQuantity, measure
from crosswire.stages._spans_fr import find_quantities_fr, find_times_fr

MONTHS = MONTH_PATTERN
_WEEKDAY = rf"(?:{WEEKDAY_PATTERN})s?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))"
TIME_RE = re.compile(
    "|".join(
        [
            # absolute dates, with or without year
            rf"(?:(?:on|from|since|by|until|before|after)\s+)?(?:the\s+)?(?:early\s+hours\s+of\s+)?"
            rf"(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:{MONTHS})\.?(?:,?\s+\d{{4}})?"
            rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)\b",
            r"\b\d{4}-\d{2}-\d{2}\b",
            # a live-blog entry's clock time ("18:52 — Police fired ..."): the entry happened that day
            r"^\d{1,2}[:.]\d{2}(?=\s*[—–-])",
            # weekdays with their modifiers
            rf"(?:(?:early|late)\s+(?:on\s+)?)?(?:(?:on|last|this|next|by|since|until|from|before|after|"
            rf"over)\s+)?(?:(?:early|late)\s+)?{_WEEKDAY}{_PART}?\b",
            # deictic days
            r"\b(?:(?:early|late)\s+)?(?:yesterday|today|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|"
            r"evening))(?:\s+(?:morning|afternoon|evening|night))?\b",
            r"\b(?:over\s+)?(?:the\s+)?(?:last|past|this|next|coming)\s+(?:weekend|week|month|year)\b",
            r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:day|week)s?\s+(?:ago|earlier)\b",
            r"\bthis\s+coming\s+week\b",
            # months and years
            rf"\b(?:(?:in|since|by|until|from|early|late|mid-?|mid|last|this|next)\s*(?:{MONTHS})(?:\s+\d{{4}})?|(?:{MONTHS})\s+\d{{4}})\b(?!\s+\d)",
            r"\b(?:in|since|by|until|from|of)\s+(?:1[89]\d{2}|20\d{2})(?:\s*[-–]\s*(?:1[89]\d{2}|20\d{2}))?\b",
        ]
    ),
    re.I,
)
# What every time expression above holds somewhere (a digit, a month or weekday name, a deictic word):
# a sentence with none of these has none, and is not run through the whole pattern (about half of
# news sentences; the long pattern costs about four times this search). An alternative added to
# TIME_RE needs its word here too (tests/test_annotate.py checks the two agree).
_TIME_WORD = re.compile(
    rf"\d|{MONTHS}|{WEEKDAY_PATTERN}|yesterday|today|tomorrow|night|morning|afternoon|evening|week|month|year|ago"
    r"|earlier",
    re.I,
)
_NUMBER_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_NUMBER_WORDS})(?![\w])"
_SCALE = r"(?:\s*(?:thousand|million|billion|trillion|bn))?"
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
QUANTITY_RE = re.compile(
    rf"(?P<cur>(?:US)?\$|€|£)?(?:(?:between|from|anywhere\s+from)\s+)?"
    rf"(?P<low>{_NUMBER}{_SCALE})(?:\s*(?:-|–|to|and)\s*(?P<high>{_NUMBER}{_SCALE}))?"
    rf"(?:(?:\s*|-)(?P<unit>{_UNIT})\b)?",
    re.I,
)
# Every quantity holds a digit or a number word: the same shortcut for quantities.
_NUMBER_WORD = re.compile(rf"\d|{_NUMBER_WORDS}", re.I)


def find_times(text: str, language: str = "en") -> list[tuple[int, int, str]]:
    """Time expressions in a sentence, as (start, end, text), longest first where they overlap.

    Args:
        text: one sentence.
        language: the document's language; "fr" reads French expressions ("lundi prochain",
            "le 1er juin 2023", "il y a trois jours"), any other English ones.
    """
    if language == "fr":
        return find_times_fr(text)
    if not _TIME_WORD.search(text):
        return []
    spans = []
    for match in TIME_RE.finditer(text):
        expression = match.group(0).strip()
        if not expression or expression.lower() in ("may", "march") and not _month_context(text, match.start()):
            continue
        start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
        if expression == "Today" and re.search(r"[A-Z][\w.]*\s$", text[:start]):
            continue  # a name such as "Russia Today" or "USA Today", not a date
        spans.append((start, start + len(expression), expression))
    return spans


def _month_context(text: str, start: int) -> bool:
    """'May' and 'March' are months only before a number or after in/since/by/early/late."""
    before = text[max(0, start - 8) : start].lower()
    after = text[start : start + 12]
    return bool(re.search(r"(?:in|since|by|until|early|late|mid-?)\s*$", before) or re.search(r"^\w+\.?\s+\d", after))


def _value(text: str) -> float | None:
    text = text.lower().replace(",", "").strip()
    scale = 1.0
    for word, factor in SCALES.items():
        if len(word) > 1 and text.endswith(word):
            scale, text = factor, text[: -len(word)].strip()
            break
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text] * scale
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return value if sane_number(value) else None  # "a 400-digit count" is no figure a story states


def find_quantities(text: str, skip: list[tuple[int, int]], language: str = "en") -> list[FoundQuantity]:
    """Numbers with units or counted nouns, normalised to base units; spans in ``skip`` (dates) excluded.

    Args:
        text: one sentence.
        skip: character spans to leave out (the sentence's time expressions).
        language: the document's language; "fr" reads French figures ("3 000", "1,5 million",
            "vingt-quatre", "12 %", "entre 10 et 20 km") into the same units as English ones.
    """
    if language == "fr":
        return find_quantities_fr(text, skip)
    if not _NUMBER_WORD.search(text):
        return []
    found = []
    for match in QUANTITY_RE.finditer(text):
        start, end = match.span()
        if start == end or any(s < end and start < e for s, e in skip):
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ":."):
            continue
        if re.match(r"[:.]\d{2}\b", text[end : end + 3]):
            continue  # a clock time such as 08:15
        low, high = _value(match.group("low")), _value(match.group("high") or match.group("low"))
        if low is None or high is None or (match.group("low").isalpha() and not match.group("unit") and low < 2):
            continue
        if re.fullmatch(r"(?:1[89]|20)\d{2}", match.group("low")) and not match.group("unit"):
            continue  # a year, not a count
        unit_text = (match.group("unit") or "").lower()
        base, dimension, factor = measure(CURRENCIES.get((match.group("cur") or "").lower()), unit_text, UNITS)
        approximate = bool(APPROXIMATORS.search(text[max(0, start - 25) : start])) or match.group("high") is not None
        found.append(
            FoundQuantity(
                start=start,
                end=end,
                text=match.group(0),
                low=min(low, high) * factor,
                high=max(low, high) * factor,
                unit=base,
                dimension=dimension,
                original_unit=unit_text or None,
                approximate=approximate,
            )
        )
    return found
