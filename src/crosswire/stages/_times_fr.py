"""French time expressions read for resolving: each is rewritten in the English words the timeline's
resolver reads ("lundi prochain" -> "next monday", "il y a trois jours" -> "3 days ago"), and the
cues that make a date a plan ("doit reprendre lundi"). The mention itself keeps its French text:
the rewriting is used for resolving only."""

from __future__ import annotations

import re

from crosswire.lexicons import words
from crosswire.stages._french import (
    MONTH_ENGLISH,
    NUMBER_WORDS_PATTERN_FR,
    WEEKDAY_ENGLISH,
    number_value,
    phrase_pattern,
)

_NEXT_LAST = r"(?:dernier|dernière|passé|passée|prochain|prochaine)"
_PART = r"(?:matin|midi|après-midi|soir|soirée|nuit)"
_COUNT = rf"(\d+|{NUMBER_WORDS_PATTERN_FR})"
# Whole phrases first, in order (each sees the text the ones before left).
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\b(?:dans\s+)?la\s+nuit\s+(?:de|du)\s+(\w+)(?:\s+(?:à|au)\s+\w+)?", r"\1 nuit"),
    (r"\bavant-hier\b", "2 days ago"),
    (r"\baprès-demain\b", "day after tomorrow"),
    (r"\b(?:hier\s+soir|la\s+nuit\s+dernière)\b", "last night"),
    (r"\bcette\s+nuit\b", "tonight"),
    (r"\baujourd'hui\b", "today"),
    (r"\bhier\b", "yesterday"),
    (r"\bdemain\b", "tomorrow"),
    (r"\bce\s+matin\b", "this morning"),
    (r"\bcet\s+après-midi\b", "this afternoon"),
    (r"\bce\s+soir\b", "this evening"),
    (r"\bce\s+midi\b", "today"),
    (r"\bmois-ci\b", "mois"),
    (r"\bmi-", "mid "),
    (r"\bau\s+mois\s+de\b", "in"),
    (r"\b(?:en|au)\s+début\s+de\b", "early"),
    (r"\b(?:en|à\s+la)\s+fin\s+de\b", "late"),
    (r"(?<![\w'])(?:l'|(?:le|la|les|du|au)\s+)", ""),  # articles
    # French puts "dernier"/"prochain" after the noun: "(en) octobre dernier" -> "dernier octobre"
    (rf"\b(?:en\s+)?([\w-]+(?:\s+{_PART})?)\s+({_NEXT_LAST})\b", r"\2 \1"),
)
_WORDS = {
    **WEEKDAY_ENGLISH,
    **MONTH_ENGLISH,
    "semaine": "week",
    "week-end": "weekend",
    "mois": "month",
    "année": "year",
    "an": "year",
    "matin": "morning",
    "midi": "afternoon",
    "après-midi": "afternoon",
    "soir": "evening",
    "soirée": "evening",
    "nuit": "night",
    "début": "early",
    "fin": "late",
    "en": "in",
    "courant": "in",
    "depuis": "since",
    "dès": "from",
    "jusqu'à": "until",
    "jusqu'en": "until",
    "jusqu'au": "until",
    "d'ici": "by",
    "ce": "this",
    "cet": "this",
    "cette": "this",
    **dict.fromkeys(("dernier", "dernière", "passé", "passée"), "last"),
    **dict.fromkeys(("prochain", "prochaine"), "next"),
}
_ENGLISH_DAY = "|".join(WEEKDAY_ENGLISH.values())
_ENGLISH_MONTH = "|".join(sorted(set(MONTH_ENGLISH.values())))
_AGO = re.compile(rf"\bil y a {_COUNT} (jour|semaine)s?\b")
_EARLIER = re.compile(rf"\b{_COUNT} (jour|semaine)s? plus tôt\b")
_WEEKDAY_BEFORE_DATE = re.compile(rf"\b(?:{_ENGLISH_DAY})\s+(?=\d{{1,2}}\s+(?:{_ENGLISH_MONTH})\b)")

# A plan: a scheduling word or auxiliary, or a verb in the future or conditional ("manifesteront",
# "entrerait"), before the date in its clause; or a date that opens with "dès", "d'ici", "à partir
# de" ("dès lundi"). Endings only where no other tense ends so ("-irait" is also "retirait").
_CUES = "|".join(phrase_pattern(w) for w in words("fr_future_cues"))
_FUTURE_ENDINGS = r"era|eront|ira|iront|dra|dront|erait|eraient|drait|draient"
FUTURE_BEFORE_FR = re.compile(
    rf"(?:\b(?i:{_CUES})\b|\b[a-zàâçéèêëîïôûùüÿœ]{{2,}}(?:{_FUTURE_ENDINGS})\b)"
    r"[^,.;]{0,30}$"
)
_FUTURE_OPENING = re.compile(r"(?:dès|d['’]ici|à\s+partir\s+d)", re.I)


def future_fr(before: str, mention: str) -> bool:
    """Whether a French date is a plan: a cue in the clause ``before`` it, or one opening it."""
    return bool(FUTURE_BEFORE_FR.search(before) or _FUTURE_OPENING.match(mention))


def to_internal(text: str) -> str:
    """A French time expression in the English words the resolver reads, lower case: "lundi
    prochain" -> "next monday", "il y a trois jours" -> "3 days ago", "14/03/2025" ->
    "2025-03-14"."""
    text = " ".join(text.lower().replace("’", "'").split())
    text = re.sub(r"\b1er\b", "1", text)
    text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", _iso, text)
    text = re.sub(r"^(\d{1,2})h(\d{2})$", r"\1:\2", text)  # a live-blog entry's clock time
    text = _AGO.sub(lambda m: _ago(m[1], m[2], "ago"), text)
    text = _EARLIER.sub(lambda m: _ago(m[1], m[2], "earlier"), text)
    for pattern, replacement in _PHRASES:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[\w'-]+", lambda m: _WORDS.get(m[0], m[0]), text)
    # "mardi 14 mars": the day of the month says which Tuesday
    return _WEEKDAY_BEFORE_DATE.sub("", text).strip()


def _ago(count: str, unit: str, direction: str) -> str:
    """'3 days ago' for "il y a trois jours", '2 weeks earlier' for "deux semaines plus tôt"."""
    value = number_value(count)
    number = str(int(value)) if value is not None else count
    noun = ("day" if unit == "jour" else "week") + ("" if number == "1" else "s")
    return f"{number} {noun} {direction}"


def _iso(match: re.Match[str]) -> str:
    """'2025-03-14' for "14/03/2025" (day first)."""
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
