"""What a claim mention says about its own event, read by the stages that compare mentions (align
groups propositions, events links mentions of one happening): the day its sentence gives it, whether
it lasts, and whether two mentions have one subject."""

from __future__ import annotations

import re
from functools import lru_cache

from crosswire.models import ClaimMention
from crosswire.stages.lexicons import DURATION

DATED_BY_TEXT = ("expression", "sentence")  # a date carried over from the paragraph or the document is too weak
WORD = re.compile(r"\w[\w'-]*")  # a word, with inner apostrophes and hyphens


def text_day(mention: ClaimMention) -> str | None:
    """The day the mention's own sentence gives its event ("launched on Friday"), else None."""
    if mention.when_precision == "day" and mention.when_basis in DATED_BY_TEXT:
        return mention.when
    return None


def lasting(mention: ClaimMention) -> bool:
    """A state or a repeated act over a stretch of time ("for months"), not one event."""
    return bool(DURATION.search(mention.clause or mention.span))


def same_subject(a: ClaimMention, b: ClaimMention) -> bool:
    """The subjects are one (same head word), or one's subject is named in the other's proposition
    ("fuel" in "fuel stations ...", "Marchenko" in "Yuliya Marchenko will ...")."""
    if a.subject == b.subject:
        return True
    return a.subject in words(b.clause or b.span) or b.subject in words(a.clause or a.span)


@lru_cache(maxsize=1 << 16)
def words(text: str) -> frozenset[str]:
    """The text's words, lower case."""
    return frozenset(w.lower() for w in WORD.findall(text))
