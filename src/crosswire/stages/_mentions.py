"""What a claim mention says about its own event, read by the stages that compare mentions (align
groups propositions, events links mentions of one happening) and by the brief: the day its sentence
gives it, whether it lasts, whether two mentions have one subject, and its proposition in words."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.lexicons import DURATION, REPORTING_VERBS
from crosswire.models import ClaimMention
from crosswire.stages._memo import searcher, story_memo

_DURATION = searcher(DURATION)

MIN_PROPOSITION_WORDS = 5  # a clause shorter than this is told by its whole sentence
DATED_BY_TEXT = ("expression", "sentence")  # a date carried over from the paragraph or the document is too weak
WORD = re.compile(r"\w[\w'-]*")  # a word, with inner apostrophes and hyphens


def text_day(mention: ClaimMention) -> str | None:
    """The day the mention's own sentence gives its event ("launched on Friday"), else None."""
    if mention.when_precision == "day" and mention.when_basis in DATED_BY_TEXT:
        return mention.when
    return None


def lasting(mention: ClaimMention) -> bool:
    """A state or a repeated act over a stretch of time ("for months"), not one event."""
    return bool(_DURATION(mention.clause or mention.span))


def same_subject(a: ClaimMention, b: ClaimMention) -> bool:
    """The subjects are one (same head word), or one's subject is named in the other's proposition
    ("fuel" in "fuel stations ...", "Marchenko" in "Yuliya Marchenko will ...")."""
    if a.subject == b.subject:
        return True
    return a.subject in words(b.clause or b.span) or b.subject in words(a.clause or a.span)


@story_memo
def words(text: str) -> frozenset[str]:
    """The text's words, lower case."""
    return frozenset(w.lower() for w in WORD.findall(text))


def proposition_text(mention: ClaimMention) -> str:
    """The claim in words: the whole sentence when the mention is the whole sentence, else its clause."""
    return _proposition(mention.start == 0 and mention.end in (-1, len(mention.text)), mention.clause, mention.text)


@story_memo
def _proposition(whole: bool, clause: str, text: str) -> str:
    clause = clause.rstrip(" ,;:.")
    words = clause.split()
    # A clause whose object was a quote or another clause ("the most important thing ... was") is no
    # sentence on its own: the whole sentence says it better.
    if whole or len(words) < MIN_PROPOSITION_WORDS or words[-1].lower().strip("“”\"'") in STOP_WORDS | REPORTING_VERBS:
        return text
    return clause[:1].upper() + clause[1:] + ("" if clause.endswith((".", "!", "?")) else ".")
