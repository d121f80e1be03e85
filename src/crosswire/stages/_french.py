"""French general language read from the lexicons: month and weekday names (with the English name
each stands for), number words, scales, round numbers, units and approximators, and the reading of
a French number written in words ("quatre-vingt-dix") or figures ("3 000", "1,5"). Shared by the
French finders (``_spans_fr``), full dates (``_dates``) and their resolution (``_times_fr``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from crosswire.lexicons import MONTHS, WEEKDAYS, words
from crosswire.stages._bounds import sane_number


def _pairs(name: str) -> dict[str, float]:
    """A "word value" list as a mapping."""
    return {word: float(value) for word, value in (line.rsplit(maxsplit=1) for line in words(name))}


def _plain(word: str) -> str:
    """A word without its accents ("février" -> "fevrier")."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _alternation(entries: Iterable[str]) -> str:
    """A regex alternation of ``entries``, longest first, spaces matching any run of white space."""
    escaped = (re.escape(e).replace(r"\ ", r"\s+") for e in entries)
    return "|".join(sorted(escaped, key=len, reverse=True))


# (("janvier", "janv"), ...), in order
MONTHS_FR = tuple(tuple(line.split()) for line in words("fr_months"))
# "février" and "fevrier" are the month written in full; "févr", "sept" are abbreviations.
MONTH_FULL_FR = tuple(n for names in MONTHS_FR for n in names if _plain(n) == _plain(names[0]))
MONTH_SHORT_FR = tuple(n for names in MONTHS_FR for n in names if _plain(n) != _plain(names[0]))
# "févr" -> "february", "mardi" -> "tuesday"
MONTH_ENGLISH = {n: MONTHS[i][0] for i, names in enumerate(MONTHS_FR) for n in names}
WEEKDAY_ENGLISH = dict(zip(words("fr_weekdays"), WEEKDAYS, strict=True))

MONTH_PATTERN_FR = _alternation(MONTH_FULL_FR)
MONTH_SHORT_PATTERN_FR = _alternation(MONTH_SHORT_FR)
WEEKDAY_PATTERN_FR = _alternation(WEEKDAY_ENGLISH)

NUMBER_WORDS_FR = _pairs("fr_number_words")
SCALES_FR = _pairs("fr_scales")
ROUND_NUMBERS_FR = _pairs("fr_round_numbers")
_UNIT_ROWS = (tuple(part.strip() for part in line.split("|")) for line in words("fr_units"))
UNITS_FR = {row[0].lower(): (row[1], row[2], float(row[3])) for row in _UNIT_ROWS}

_WORD = rf"(?:{_alternation(NUMBER_WORDS_FR)})(?!\w)"
# "deux mille", "vingt-quatre", "soixante et onze": "et" joins only before un, une and onze, so that
# "entre trois et quatre" stays a range.
_JOIN = r"(?:[\s-]+et(?=[\s-]+(?:une?|onze)\b))?[\s-]+"
NUMBER_WORDS_PATTERN_FR = rf"{_WORD}(?:{_JOIN}{_WORD})*(?!-?\w)"
SCALE_PATTERN_FR = rf"(?:{_alternation(SCALES_FR)})(?![\w])"
UNIT_PATTERN_FR = rf"(?:{_alternation(UNITS_FR)})(?![\w])"
ROUND_PATTERN_FR = rf"\bune?\s+(?:{_alternation(ROUND_NUMBERS_FR)})(?=\s+(?:de\s|d['’]))"
# "3 000" (a space, no-break space or narrow no-break space between thousands), "3.000", "1,5".
_THOUSANDS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,3}(?:\.\d{3})+"
FIGURE_PATTERN_FR = rf"(?:{_THOUSANDS})(?:,\d+)?|\d+(?:,\d+)?"


def phrase_pattern(entry: str) -> str:
    """A word-list entry as a regex: any white space between its words, either apostrophe."""
    return re.escape(entry).replace(r"\ ", r"\s+").replace("'", "['’]")


def _approximator(entry: str) -> str:
    body = phrase_pattern(entry)
    return body[:-2] + r"(?:de\s+|d['’])" if entry.endswith(" de") else body + r"\s*"


_APPROXIMATORS = "|".join(_approximator(e) for e in words("fr_approximators"))
APPROXIMATORS_FR = re.compile(rf"(?<![\w'’])(?:{_APPROXIMATORS})$", re.I)
_TOKEN = re.compile(rf"(?<!\w)(?:{_alternation(NUMBER_WORDS_FR)})(?!\w)")


def words_value(phrase: str) -> float | None:
    """The value of a French number in words ("deux mille" 2000, "quatre-vingt-dix" 90), None when
    the words do not make one number ("vingt trente")."""
    total, current = 0.0, 0.0
    for token in _TOKEN.findall(phrase.lower()):
        value = NUMBER_WORDS_FR[token]
        if value == 100:
            if current >= 100:
                return None
            current = max(current, 1) * 100
        elif value == 1000:
            if total:
                return None
            total, current = max(current, 1) * 1000, 0.0
        elif current % 100 == 0 or (current % 10 == 0 and current % 100 >= 20 and value < 20):
            current += value  # "vingt-quatre", "soixante-dix", "cent un"
        else:
            return None
    return total + current if total or current else None


def number_value(text: str) -> float | None:
    """The value of a French number in figures or words, with its scale ("1,5 million"), within the
    bounds a news story states."""
    text = " ".join(text.lower().split())
    scale = 1.0
    for word, factor in SCALES_FR.items():
        if text.endswith(" " + word):
            scale, text = factor, text[: -len(word)].strip()
            break
    if re.fullmatch(FIGURE_PATTERN_FR, text):
        value: float | None = float(re.sub(r"[\s.]", "", text).replace(",", "."))
    else:
        value = words_value(text)
    if value is None:
        return None
    value *= scale
    return value if sane_number(value) else None
