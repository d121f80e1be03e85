"""Lexicons of general news language shared by the stages: reporting verbs, hedges, denials, units,
weekdays, months, event-framing nouns, loaded wording. Nothing here names a story, a person or a place.

Word lists are data files beside this module (``<name>.txt``: one entry per line, ``#`` starts a
comment), read once at import by :func:`words`; a reviewer can read or extend a list without reading
code. The patterns built from words (denials, hedges, units) stay here, as code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of the word list ``name`` (``lexicons/<name>.txt``), in file order."""
    text = (files("crosswire.lexicons") / f"{name}.txt").read_text(encoding="utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(entry for entry in entries if entry)


class Lexicon(frozenset[str]):
    """A word list: its English entries (what ``in`` tests, so English reads exactly these) and its
    French ones (``fr_<name>.txt``), which a French document's words are looked up in too
    (``of(token)``). Kept apart because a French word may be an English one of another meaning:
    "pester", "dire", "observer", "elle"."""

    french: frozenset[str] = frozenset()
    both: frozenset[str] = frozenset()

    def of(self, token: Any) -> frozenset[str]:
        """The entries for ``token``'s document: with the French ones when its parse is French."""
        return self.in_language(token.doc.lang_)

    def in_language(self, language: str) -> frozenset[str]:
        """The entries a text in ``language`` is looked up in: the French ones too for French."""
        return self.both if language == "fr" else self

    def __or__(self, other: frozenset[str]) -> Lexicon:  # type: ignore[override]
        return _lexicon(frozenset(self) | other, self.french | getattr(other, "french", frozenset()))

    def __ror__(self, other: frozenset[str]) -> Lexicon:  # type: ignore[override,misc]
        return self | other  # "STOP_WORDS | REPORTING_VERBS" keeps the French entries too


def _lexicon(english: Iterable[str], french: Iterable[str]) -> Lexicon:
    found = Lexicon(english)
    found.french = frozenset(french)
    found.both = frozenset(found) | found.french
    return found


def lexicon(name: str) -> Lexicon:
    """The word list ``<name>.txt`` with its French list ``fr_<name>.txt`` where there is one."""
    french = files("crosswire.lexicons") / f"fr_{name}.txt"
    return _lexicon(words(name), words(f"fr_{name}") if french.is_file() else ())


WEEKDAYS = words("weekdays")
MONTHS = tuple(tuple(line.split()) for line in words("months"))  # (("january", "jan"), ...), in order
MONTH_NUMBERS = {name: number for number, names in enumerate(MONTHS, start=1) for name in names}
# Regex alternations, capitalised as written: "Monday|...|Sunday"; "January|...|December|Jan|...|Dec".
WEEKDAY_PATTERN = "|".join(day.capitalize() for day in WEEKDAYS)
MONTH_NAME_PATTERN = "|".join(names[0].capitalize() for names in MONTHS)
MONTH_PATTERN = MONTH_NAME_PATTERN + "|" + "|".join(short.capitalize() for names in MONTHS for short in names[1:])

LOADED_REPORTING_VERBS = lexicon("loaded_reporting_verbs")
REPORTING_VERBS = LOADED_REPORTING_VERBS | lexicon("reporting_verbs")

LIGHT_VERBS = lexicon("light_verbs")

# Certainty cues, matched on the sentence outside quotation marks. Order matters: denial beats
# unconfirmed beats hedged.
# French cues, joined to the English ones: no French cue is an English word.
_DENIAL_FR = (
    r"dément(?:ent)?|(?:a|ont|avait|avaient) (?:démenti|nié|contesté|réfuté)|nie(?:nt)?|"
    r"(?:conteste|contestent|rejette|rejettent|réfute|réfutent) (?:les |ces |toute |toutes )?"
    r"(?:informations?|accusations?|allégations?|affirmations?)|"
    r"(?:est|sont|était|étaient) (?:faux|fausses?|infondée?s?|sans fondement|mensong\w+)|"
    r"(?:n'est|n’est|ne sont) pas (?:vraie?s?|exacte?s?|fondée?s?)"
)
_UNCONFIRMED_FR = (
    r"non (?:encore )?(?:confirmée?s?|vérifiée?s?)|invérifiables?|sans confirmation|restent? à (?:confirmer|vérifier)|"
    r"(?:n'a|n’a|n'ont|n’ont|n'avait|n’avait|n'avaient|n’avaient) pas (?:encore )?(?:pu )?(?:être |été )?"
    r"(?:confirmée?s?|vérifiée?s?|confirmer|vérifier)|(?:ne peut|ne peuvent|ne pouvait) (?:pas )?être "
    r"(?:confirmée?s?|vérifiée?s?)"
)
_HEDGE_FR = (
    r"apparemment|probablement|vraisemblablement|peut-être|présumée?s?|supposée?s?|prétendue?s?|"
    r"sembl(?:e|ent|ait|aient)(?:-t-il)?|paraît-il|il se pourrait|"
    r"selon (?:certaines|plusieurs|des|de premières|diverses) (?:sources|informations|médias)|"
    r"selon (?:la presse|les médias)|de sources? (?:proches?|bien informées?|concordantes)"
)
DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied)|disput(?:e|es|ed)|refut(?:e|es|ed)|reject(?:s|ed)? (?:the |these |those )?"
    r"(?:claims?|reports?|allegations?|accusations?)|dismiss(?:es|ed)? (?:the |these )?(?:claims?|reports?)"
    r"|(?:is|was|were|are) (?:not true|false|untrue|fabricated)|no such (?:thing|strikes?|attack)|"
    + _DENIAL_FR
    + r")\b",
    re.I,
)
UNCONFIRMED = re.compile(
    r"\b(?:unconfirmed|unverified|(?:has|have|had) not been (?:independently )?(?:confirmed|verified)|"
    r"(?:yet|still) to be (?:independently )?(?:confirmed|verified)|could not (?:be )?(?:independently )?"
    r"(?:confirm|verif)\w*|no independent (?:verification|confirmation)|not (?:been )?independently "
    r"(?:confirmed|verified)|if confirmed|cannot be (?:independently )?(?:confirmed|verified)|"
    + _UNCONFIRMED_FR
    + r")\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|supposedly|ostensibly|perhaps|maybe|presumably|"
    r"(?:is|are|was|were) (?:said|believed|thought|reported|understood|alleged|rumou?red|speculated) to|"
    r"it is (?:believed|understood|thought|rumou?red|speculated)|"
    r"some reports|(?:reports|sources) (?:say|said|suggest|suggested|indicate|indicated)|according to "
    r"(?:(?:multiple|several|many|some|unnamed|anonymous|unconfirmed|media|press|local) )?"
    r"(?:reports|sources|people familiar)|may have|might have|could have|must have (?:been|\w+ed)|possibly|"
    r"probably|likely|"
    r"appears? to|seem(?:s|ed)? to|suggest(?:s|ed)?|what (?:he|she|they|it) claim(?:s|ed)?|claims? to be|"
    + _HEDGE_FR
    + r")\b",
    re.I,
)

FRAMING_TERMS = words("framing_terms")
FRAMING_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in FRAMING_TERMS) + r")(?:e?s)?\b", re.I)
# "a so-called “X”", "what X called a “Y”": quoted names for the event.
NAMED_AS_RE = re.compile(
    r"(?:so-called|so called|what [\w .’']{2,40} call(?:s|ed))\s+(?:an? |the )?[“\"‘']([^”\"’']{3,40})[”\"’']", re.I
)

LOADED_WORDS = lexicon("loaded_words")

# Units: surface form -> (base unit, dimension, factor to base).
UNITS: dict[str, tuple[str, str, float]] = {
    "km": ("km", "distance", 1.0),
    "kms": ("km", "distance", 1.0),
    "kilometre": ("km", "distance", 1.0),
    "kilometres": ("km", "distance", 1.0),
    "kilometer": ("km", "distance", 1.0),
    "kilometers": ("km", "distance", 1.0),
    "mile": ("km", "distance", 1.609344),
    "miles": ("km", "distance", 1.609344),
    "mi": ("km", "distance", 1.609344),
    "metre": ("km", "distance", 0.001),
    "metres": ("km", "distance", 0.001),
    "meter": ("km", "distance", 0.001),
    "meters": ("km", "distance", 0.001),
    "m": ("km", "distance", 0.001),
    "feet": ("km", "distance", 0.0003048),
    "foot": ("km", "distance", 0.0003048),
    "ft": ("km", "distance", 0.0003048),
    "yards": ("km", "distance", 0.0009144),
    "kg": ("kg", "mass", 1.0),
    "kilograms": ("kg", "mass", 1.0),
    "kilogrammes": ("kg", "mass", 1.0),
    "tonnes": ("kg", "mass", 1000.0),
    "tonne": ("kg", "mass", 1000.0),
    "tons": ("kg", "mass", 907.18474),
    "pounds": ("kg", "mass", 0.45359237),
    "lbs": ("kg", "mass", 0.45359237),
    "lb": ("kg", "mass", 0.45359237),
    "%": ("%", "percent", 1.0),
    "percent": ("%", "percent", 1.0),
    "per cent": ("%", "percent", 1.0),
    "square kilometers": ("km2", "area", 1.0),
    "square kilometres": ("km2", "area", 1.0),
    "square miles": ("km2", "area", 2.589988),
    "hectares": ("km2", "area", 0.01),
    "minute": ("min", "duration", 1.0),
    "minutes": ("min", "duration", 1.0),
    "hour": ("min", "duration", 60.0),
    "hours": ("min", "duration", 60.0),
    "day": ("min", "duration", 1440.0),
    "days": ("min", "duration", 1440.0),
    "week": ("min", "duration", 10080.0),
    "weeks": ("min", "duration", 10080.0),
    "month": ("min", "duration", 43200.0),
    "months": ("min", "duration", 43200.0),
    "year": ("min", "duration", 525600.0),
    "years": ("min", "duration", 525600.0),
}
CURRENCIES = {
    "$": "usd",
    "us$": "usd",
    "€": "eur",
    "£": "gbp",
    "dollars": "usd",
    "euros": "eur",
    "pounds sterling": "gbp",
}

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
APPROXIMATORS = re.compile(
    r"\b(?:about|around|roughly|some|nearly|almost|approximately|an estimated|estimated|up to|more than|over|"
    r"at least|a good|just|fewer than|less than|close to|upwards of|anywhere from)\s*$",
    re.I,
)

# Legal or official acts and their reversal: used to spot a report superseded by a later one.
ACT_OPENED = re.compile(
    r"\b(?:arrest warrant|warrant (?:has been |was )?issued|(?:been |was |were )?charged with|charges? (?:of|against)|"
    r"criminal (?:case|investigation|proceedings)|indicted|detained|arrested|banned|suspended)\b",
    re.I,
)
# A state or a repeated act over a stretch of time ("has for months accused"), not one event on one day.
DURATION = re.compile(
    r"\b(?:for|over) (?:(?:the|many|several|some|a few|two|three|four|five|six) )?(?:past |last )?"
    r"(?:days|weeks|months|years|decades)\b|\bsince (?:the (?:start|beginning)|last|early|late)\b",
    re.I,
)
ACT_REVERSED = re.compile(
    r"\b(?:dropp(?:ed|ing)|drop|withdr(?:ew|awn)|lift(?:ed)?|quash(?:ed)?|dismiss(?:ed)?|clos(?:ed|ing) the case|"
    r"cancell?(?:ed)?|revok(?:ed)?|released|acquitted|overturned|reinstated|would be dropped)\b",
    re.I,
)
SILENCE = re.compile(
    r"\b(?:(?:has|have|had) (?:still )?not (?:yet )?(?:commented|spoken|responded|appeared|said anything)|"
    r"(?:kept|maintained|remained) (?:a |an )?(?:\w+ )?silen(?:ce|t)|declined to comment|no comment)\b",
    re.I,
)
PUBLIC_STATEMENT = re.compile(
    r"\b(?:(?:televised|television|national|public|video) (?:address|speech|statement|message)|address(?:ed)? "
    r"the nation|(?:in|gave) a speech|press conference|said in a statement|broadcast on)\b",
    re.I,
)

# A refusal to undo something ("would not withdraw the levy") and a later undoing of the same thing.
_UNDO = (
    r"withdraw|withdrew|withdrawn|scrap|scrapped|suspend|suspended|lift|lifted|cancel|cancelled|canceled|"
    r"drop|dropped|repeal|repealed|abandon|abandoned|reverse|reversed"
)
UNDO = re.compile(rf"\b(?:{_UNDO})\b", re.I)
REFUSAL = re.compile(
    rf"\b(?:will|would|shall|did|does|do) not (?:{_UNDO})\b\s+(?:the |its |their |his |her )?"
    rf"(?:\w+ ){{0,2}}?(?P<object>[a-z]{{3,}})\b",
    re.I,
)


def undoes(text: str, thing: str) -> bool:
    """Whether ``text`` reports ``thing`` undone ('suspended the diesel levy'), not merely refused."""
    name = re.escape(thing)
    done = re.search(rf"\b(?:{_UNDO})\b[^.;]{{0,40}}\b{name}\b", text, re.I) or re.search(
        rf"\b{name}\b[^.;]{{0,30}}\b(?:was|were|is|has been|had been|would be) (?:{_UNDO})", text, re.I
    )
    return bool(done) and not REFUSAL.search(text)


# A clause whose content is in another sentence ("others could do the same", "she did so too"): it
# says nothing that can be matched on its own.
CONTENT_ELSEWHERE = re.compile(
    r"\b(?:do|does|did|doing|done)\s+(?:the\s+same|so|likewise|similarly)\b|\bfollow(?:ed|s)?\s+suit\b", re.I
)

MODAL_POSSIBILITY = lexicon("modal_possibility")
MODAL_FUTURE = lexicon("modal_future")
INTENDED = lexicon("intended")
FAILED = lexicon("failed")
ATTRIBUTION_VERBS = lexicon("attribution_verbs")
BELIEVED = lexicon("believed")
POSSIBLE = lexicon("possible")
MINDED = lexicon("minded")
SPECULATION = lexicon("speculation")
HEARSAY = lexicon("hearsay")
REJECTING = lexicon("rejecting")
SOUGHT = lexicon("sought")
SCHEDULED = lexicon("scheduled")
WEIGHED = lexicon("weighed")
UNABLE = lexicon("unable")

# A date after one of these, in the same clause, is a plan ("will be held on 1 October 2023"): it
# says nothing about when the article was written.
FUTURE_BEFORE = re.compile(
    r"\b(?:will|would|shall|is due|are due|scheduled|planned|plans? to|expected to|set to|going to)\b[^,.;]{0,30}$",
    re.I,
)
