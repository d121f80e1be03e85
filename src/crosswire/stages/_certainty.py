"""How firmly a clause states its event, read off the dependency parse.

Word lists find cues anywhere in a sentence; the parse says which clause a cue belongs to. For a clause's
head verb this reads:

- negation of the verb ("did not reach", "never signed", "no strikes took place", "nobody was hurt"):
  the clause denies its event;
- a modal auxiliary of possibility or condition ("may", "could", "would", "should"): hedged;
- a governing word that puts the event in its complement: a plan, an expectation or an attempt
  ("expects to cut", "is likely to win", "plans to build", "tried to enter", "has plans to import"):
  hedged; a failure or refusal ("failed to reach", "refused to comment"): the event did not happen;
- the future ("will sign", "is going to", and every plan): flagged, since a plan or a threat is not
  an event that took place.

The lexicons are general English (``lexicons.MODAL_*``, ``INTENDED``, ``FAILED``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crosswire.stages.lexicons import FAILED, INTENDED, MODAL_FUTURE, MODAL_POSSIBILITY, REPORTING_VERBS

_NEGATORS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor"}
_NEGATIVE_PRONOUNS = {"nobody", "nothing", "none", "noone"}
_ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "attr"}
_MAY = {"may", "might", "could"}  # "may not happen" is still a possibility, not a denial
_IDIOMS = {"doubt"}  # "is no doubt true" affirms
# Words of INTENDED that also take a "that" clause as an expectation ("it is expected that ...").
_EXPECTING_THAT = {"expect", "hope", "wish", "want", "intend", "plan", "propose", "likely", "unlikely"}


@dataclass(frozen=True, slots=True)
class Reading:
    """A clause's certainty from its parse, the words that decided it, and whether it is a plan."""

    certainty: str = "asserted"  # "asserted", "hedged" or "denied"
    cue: str = ""
    future: bool = False


def negates(token: Any, head: Any) -> bool:
    """Whether ``token`` negates the clause headed by ``head``: 'not'/'never' on its verb, 'no' on its
    subject or object ('would face no action'), or a negative pronoun as either ('nobody was hurt')."""
    if token.lower_ not in _NEGATORS:
        return False
    if token.dep_ == "neg":
        return bool(token.head.i == head.i or token.head.head.i == head.i)
    if token.dep_ == "det":
        return bool(
            token.head.head.i == head.i and token.head.dep_ in _ARGUMENTS and token.head.lemma_.lower() not in _IDIOMS
        )
    if token.lower_ in _NEGATIVE_PRONOUNS:
        return bool(token.head.i == head.i and token.dep_ in _ARGUMENTS)
    return bool(token.lower_ == "never" and token.head.i == head.i)


def read_clause(head: Any, negator: Any | None, reported: bool = False) -> Reading:
    """The certainty of the clause headed by ``head``; ``negator`` is the word that negates it, if any;
    ``reported``: the clause is what a reporting verb reports, where "would" is the past of "will"
    ("said the engines would be replaced": a plan then, not a condition)."""
    negated = negator is not None
    no = "not" if negator is None or negator.lower_ == "n't" else negator.lower_
    modal = next((c for c in head.children if c.dep_ == "aux" and c.lower_ in MODAL_POSSIBILITY), None)
    future = any(c.dep_ == "aux" and c.lower_ in MODAL_FUTURE for c in head.children)
    # "Marchenko would move to Zelnia, the spokesman said": the frame hangs off the reported verb.
    reported = reported or any(
        c.dep_ in ("parataxis", "ccomp", "advcl") and c.lemma_.lower() in REPORTING_VERBS for c in head.children
    )
    if modal is not None and reported and modal.lower_ == "would":
        modal, future = None, True
    governor = _governor(head)
    if governor is not None:
        lemma, words = governor
        if lemma in FAILED and not negated:
            return Reading("denied", words)
        if lemma in INTENDED:
            if negated:
                return Reading("denied", words, True)
            return Reading("hedged", words, True)
    if negated:
        if modal is not None and modal.lower_ in _MAY:
            return Reading("hedged", f"{modal.text} {no}", future)
        return Reading("denied", no, future)
    if modal is not None:
        return Reading("hedged", modal.text, future)
    return Reading(future=future or (head.lower_ == "going" and _complement(head) is not None))


def _governor(head: Any) -> tuple[str, str] | None:
    """(lemma, words) of the word that carries the clause's event in an infinitive complement:
    the head verb itself ("expects to cut"), its adjective ("is likely to win") or its object noun
    ("has plans to import")."""
    if _complement(head) is not None and head.lemma_.lower() in INTENDED | FAILED:
        return head.lemma_.lower(), f"{head.text} to"
    if head.lemma_.lower() in _EXPECTING_THAT and any(c.dep_ == "ccomp" for c in head.children):
        return head.lemma_.lower(), f"{head.text} that"  # "it is expected that ...", "hopes that ..."
    infinitive = any(c.dep_ == "acl" and c.tag_ == "VB" for c in head.children)
    if head.pos_ == "NOUN" and head.lemma_.lower() in INTENDED and infinitive:  # "Their goal: to seize the city."
        return head.lemma_.lower(), f"{head.text}: to"
    for child in head.children:
        lemma = child.lemma_.lower()
        if lemma not in INTENDED:
            continue
        if child.dep_ == "nsubj" and child.pos_ == "NOUN" and _complement(head) is not None:
            return lemma, f"{child.text} {head.text} to"  # "the aim was to cut the city off"
        if child.dep_ == "acomp" and (_complement(child) is not None or _complement(head) is not None):
            return lemma, f"{child.text} to"
        if child.dep_ == "dobj" and any(c.dep_ == "acl" and c.tag_ == "VB" for c in child.children):
            return lemma, f"{child.text} to"
    return None


def _complement(word: Any) -> Any | None:
    """The infinitive or participle that completes ``word`` ("expects [to cut]")."""
    return next((c for c in word.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
