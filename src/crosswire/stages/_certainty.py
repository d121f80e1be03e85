"""How firmly a clause states its event, read off the dependency parse.

Word lists find cues anywhere in a sentence; the parse says which clause a cue belongs to. For a clause's
head verb this reads:

- negation of the verb ("did not reach", "never signed", "no strikes took place", "nobody was hurt"):
  the clause denies its event;
- a modal auxiliary of possibility or condition ("may", "could", "would", "should"): hedged ("can", an
  ability or a permission, is a present fact; "cannot" denies);
- a governing word that puts the event in its complement: a plan, an expectation or an attempt
  ("expects to cut", "is likely to win", "plans to build", "tried to enter", "has plans to import"):
  hedged; a failure or refusal ("failed to reach", "refused to comment"): the event did not happen;
- a word of believing, doubting or talk that governs the clause's content ("police believe the fire
  was set", "it is possible that ...", "there is speculation that ...", "reports stating that ...", "is
  in talks to buy", "is considering selling"): hedged; "was unable to meet" did not happen; a verb of
  denial over a noun of talk ("dismissed the claims that ...") denies the claim's content; "has yet to
  decide" has not decided; an adjective of worry or conviction with a clause ("investors are worried
  that ...", "officials are confident that ...") makes it an opinion: hedged;
- the future ("will sign", "is going to", "is set to", and every plan): flagged, since a plan or a
  threat is not an event that took place. A timetable ("is set to begin", "is due to fly", "is scheduled
  to open", "is going to") states its event as firmly as "will": future, not hedged.

The lexicons are general English (``lexicons.MODAL_*``, ``INTENDED``, ``FAILED``, ``BELIEVED``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crosswire.lexicons import (
    BELIEVED,
    FAILED,
    HEARSAY,
    INTENDED,
    MINDED,
    MODAL_FUTURE,
    MODAL_POSSIBILITY,
    POSSIBLE,
    REJECTING,
    REPORTING_VERBS,
    SCHEDULED,
    SOUGHT,
    SPECULATION,
    UNABLE,
    WEIGHED,
)
from crosswire.models import Certainty

_NEGATORS = {"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor"}
_NEGATIVE_PRONOUNS = {"nobody", "nothing", "none", "noone"}
# French: "ne" negates its verb when a second negative word goes with it ("ne ... pas / plus / jamais",
# "personne n'a", "aucun n'a"), never alone ("n'a débloqué que 3 millions" is "only"); "pas" and
# "jamais" also negate without it. "rien" and "personne" are negative without a determiner of their
# own ("une personne a été tuée" is a person); "aucun", "nul" as an argument or on one.
_FRENCH_NE = {"ne", "n'", "n’"}
_FRENCH_ADVERBS = {"pas", "jamais", "plus", "guère", "point"}
_FRENCH_PRONOUNS = {"rien", "personne"}
_FRENCH_DETERMINERS = {"aucun", "aucune", "nul", "nulle"}
_FRENCH_SECOND = _FRENCH_ADVERBS | _FRENCH_PRONOUNS | _FRENCH_DETERMINERS
_ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "attr"}
_MAY = {"may", "might", "could"}  # "may not happen" is still a possibility, not a denial
_IDIOMS = {"doubt"}  # "is no doubt true" affirms
# Words of INTENDED that also take a "that" clause as an expectation ("it is expected that ...").
_EXPECTING_THAT = {"expect", "hope", "wish", "want", "intend", "plan", "propose", "likely", "unlikely"}
# Unions made once (each ``|`` builds a new lexicon, too dear for every clause).
_CANNOT = FAILED | UNABLE
_AIMED = INTENDED | SOUGHT | WEIGHED
_TO_DO = INTENDED | FAILED | WEIGHED
_TALK = SPECULATION | HEARSAY


@dataclass(frozen=True, slots=True)
class Reading:
    """A clause's certainty from its parse, the words that decided it, and whether it is a plan."""

    certainty: Certainty = "asserted"  # "asserted", "hedged" or "denied"
    cue: str = ""
    future: bool = False


def negates(token: Any, head: Any) -> bool:
    """Whether ``token`` negates the clause headed by ``head``: 'not'/'never' on its verb, 'no' on its
    subject or object ('would face no action'), or a negative pronoun as either ('nobody was hurt')."""
    if token.doc.lang_ == "fr":
        return _negates_in_french(token, head)
    if token.lower_ not in _NEGATORS:
        return False
    if token.dep_ == "neg":
        return bool(token.head.i == head.i or token.head.head.i == head.i)
    if token.dep_ == "preconj" and token.lower_ == "neither":  # "neither the union nor the company commented"
        return bool(token.head.i == head.i or (token.head.head.i == head.i and token.head.dep_ in _ARGUMENTS))
    if token.dep_ == "det":
        return bool(
            token.head.head.i == head.i and token.head.dep_ in _ARGUMENTS and token.head.lemma_.lower() not in _IDIOMS
        )
    if token.lower_ in _NEGATIVE_PRONOUNS:
        return bool(token.head.i == head.i and token.dep_ in _ARGUMENTS)
    return bool(token.lower_ == "never" and token.head.i == head.i)


def _negates_in_french(token: Any, head: Any) -> bool:
    word = token.lower_
    on_head = token.head.i == head.i or token.head.head.i == head.i
    if word in _FRENCH_NE:
        verb = token.head
        return on_head and any(_french_negative(t) for t in verb.subtree if t.i != token.i and t.head.i == verb.i)
    if word in ("pas", "jamais") and token.dep_ == "neg":
        return on_head
    if word in _FRENCH_PRONOUNS or word in _FRENCH_DETERMINERS and token.dep_ in _ARGUMENTS:
        return _french_negative(token) and token.head.i == head.i and token.dep_ in _ARGUMENTS
    if word in _FRENCH_DETERMINERS and token.dep_ == "det":
        return bool(token.head.head.i == head.i and token.head.dep_ in _ARGUMENTS)
    return False


def _french_negative(token: Any) -> bool:
    """A word that makes "ne" a negation: "pas", "plus", "jamais" ..., or "personne", "rien", "aucun"
    without a determiner of their own, or "aucun" on the word it determines."""
    word = token.lower_
    if word in _FRENCH_ADVERBS:
        return True
    if word in _FRENCH_PRONOUNS or word in _FRENCH_DETERMINERS and token.dep_ != "det":
        return not any(c.dep_ == "det" for c in token.children)
    return word in _FRENCH_DETERMINERS or any(c.lower_ in _FRENCH_DETERMINERS for c in token.children)


def read_clause(head: Any, negator: Any | None, reported: bool = False) -> Reading:
    """The certainty of the clause headed by ``head``; ``negator`` is the word that negates it, if any;
    ``reported``: the clause is what a reporting verb reports, where "would" is the past of "will"
    ("said the engines would be replaced": a plan then, not a condition)."""
    # "could cut jobs and close plants", "did not cut jobs or close plants": a coordinated verb without
    # an auxiliary of its own shares the first verb's.
    verbs = [head, *([first] if (first := _sharing(head)) is not None else [])]
    if negator is None and first is not None:
        negator = next((c for c in first.children if c.dep_ == "neg" and negates(c, first)), None)
    negated = negator is not None
    no = "not" if negator is None or negator.lower_ == "n't" else negator.lower_
    auxes = [c for v in verbs for c in v.children if c.dep_ == "aux"]
    modal = next((c for c in auxes if c.lower_ in MODAL_POSSIBILITY.of(c)), None)
    # The French conditional ("auraient cessé", "servirait") does what "would" does: a hedge, or under
    # a reporting verb the future of the past.
    passives = [c for v in verbs for c in v.children if c.dep_ == "auxpass"]  # "serait ouverte"
    modal = modal or next((t for t in (*auxes, *passives, *verbs) if "Cnd" in t.morph.get("Mood")), None)
    # The French simple future is in the verb itself ("restera fermé", "seront relâchés").
    future = any(c.lower_ in MODAL_FUTURE.of(c) for c in auxes) or any(
        "Fut" in t.morph.get("Tense") for t in (*verbs, *auxes, *passives)
    )
    # "Marchenko would move to Zelnia, the spokesman said": the frame hangs off the reported verb.
    reported = (
        reported
        or (first is not None and first.dep_ == "ccomp" and first.head.lemma_.lower() in REPORTING_VERBS.of(first))
        or any(
            c.dep_ in ("parataxis", "ccomp", "advcl") and c.lemma_.lower() in REPORTING_VERBS.of(c)
            for v in verbs
            for c in v.children
        )
    )
    if modal is not None and reported and (modal.lower_ == "would" or "Cnd" in modal.morph.get("Mood")):
        modal, future = None, True
    if _not_yet(head) and not negated:
        return Reading("denied", "yet to")
    governor = _governor(head)
    if governor is not None:
        lemma, words = governor
        if lemma in _CANNOT.of(head) and not negated:
            return Reading("denied", words)
        if lemma in SCHEDULED.of(head) and not any(c.dep_ == "prt" for c in head.children):  # not "set out to"
            return Reading("denied", f"{no} {words}", True) if negated else Reading("asserted", "", True)
        if lemma in _AIMED.of(head):
            # "is expected to have lost": a guess about the past, not a plan
            inner = [c for c in head.children if c.dep_ == "xcomp"]
            inner += [g for c in head.children for g in c.children if g.dep_ in ("xcomp", "acl")]
            ahead = not any(c.dep_ == "aux" and c.lower_ == "have" for x in inner for c in x.children)
            return Reading("denied" if negated else "hedged", words, ahead)
    rejected = _rejected(head)
    if rejected is not None:
        return Reading("denied", rejected, future)
    doubted = _doubted(head)
    if doubted is not None and not (negated and modal is None):
        return Reading("hedged", doubted, future)
    if negated:
        if modal is not None and modal.lower_ in _MAY:
            return Reading("hedged", f"{modal.text} {no}", future)
        return Reading("denied", no, future)
    if modal is not None:
        return Reading("hedged", modal.text, future)
    return Reading(future=future or (head.lower_ == "going" and _complement(head) is not None))


def _not_yet(head: Any) -> bool:
    """ "has yet to decide", "is yet to reopen": the event in the infinitive has not happened."""
    yet = any(c.dep_ == "advmod" and c.lower_ == "yet" for c in head.children)
    return yet and head.lemma_.lower() in ("have", "be") and _complement(head) is not None


def _sharing(verb: Any) -> Any | None:
    """The first verb of a coordination whose auxiliaries ``verb`` shares: a second verb with no subject
    or auxiliary of its own, bare after a modal or "did" ("could cut jobs and close plants") or in the
    first verb's form ("had not cut jobs or closed plants"); not after "but" ("did not cut jobs but
    closed plants")."""
    first = verb.head
    if verb.dep_ != "conj" or first.i == verb.i or first.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.dep_ in ("aux", "auxpass", "neg") or c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    if any(c.dep_ == "cc" and c.lower_ in ("but", "yet") for c in (*first.children, *verb.children)):
        return None
    auxes = [c for c in first.children if c.dep_ == "aux"]
    if verb.tag_ == "VB" and any(a.tag_ == "MD" or a.lemma_.lower() == "do" for a in auxes):
        return first
    return first if auxes and verb.tag_ == first.tag_ else None


def _governor(head: Any) -> tuple[str, str] | None:
    """(lemma, words) of the word that carries the clause's event in an infinitive complement:
    the head verb itself ("expects to cut", "is considering selling"), its adjective ("is likely to
    win", "was unable to meet") or its object noun ("has plans to import", "is in talks to buy")."""
    complement = _complement(head)
    if complement is not None and head.lemma_.lower() in _TO_DO.of(head):
        return head.lemma_.lower(), f"{head.text} to" if complement.tag_ == "VB" else head.text
    if head.lemma_.lower() in _EXPECTING_THAT and any(c.dep_ == "ccomp" for c in head.children):
        return head.lemma_.lower(), f"{head.text} that"  # "it is expected that ...", "hopes that ..."
    infinitive = any(c.dep_ == "acl" and c.tag_ == "VB" for c in head.children)
    if (
        head.pos_ == "NOUN" and head.lemma_.lower() in INTENDED.of(head) and infinitive
    ):  # "Their goal: to seize the city."
        return head.lemma_.lower(), f"{head.text}: to"
    for child in head.children:
        lemma = child.lemma_.lower()
        if lemma not in INTENDED.of(child):
            continue
        if child.dep_ == "nsubj" and child.pos_ == "NOUN" and _complement(head) is not None:
            return lemma, f"{child.text} {head.text} to"  # "the aim was to cut the city off"
        if child.dep_ == "acomp" and (_complement(child) is not None or _complement(head) is not None):
            return lemma, f"{child.text} to"
        if child.dep_ == "dobj" and any(c.dep_ == "acl" and c.tag_ == "VB" for c in child.children):
            return lemma, f"{child.text} to"
    for child in head.children:
        lemma = child.lemma_.lower()
        if child.dep_ == "acomp" and lemma in UNABLE and (_complement(child) is not None or complement is not None):
            return lemma, f"{child.text} to"  # "was unable to meet the demand"
    for noun in _sought(head):
        return noun.lemma_.lower(), f"{noun.text} to"  # "is in talks to buy", "made a bid to buy"
    return None


def _sought(head: Any) -> list[Any]:
    """Nouns of SOUGHT with an infinitive of their own that are the clause's object, or the object of
    its preposition ("is in talks to buy", "made a bid to buy", "launched an offer to acquire")."""
    nouns = [c for c in head.children if c.dep_ in ("dobj", "attr")]
    nouns += [g for c in head.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return [
        n
        for n in nouns
        if n.lemma_.lower() in SOUGHT.of(n) and any(c.dep_ == "acl" and c.tag_ == "VB" for c in n.children)
    ]


def _rejected(head: Any) -> str | None:
    """The words that deny the clause as a claim of others: the "that" clause of a noun of talk that a
    verb of denial takes as its object ("dismissed the claims that the port had been closed")."""
    noun, verb = head.head, head.head.head
    talk = head.dep_ in ("acl", "ccomp") and noun.pos_ == "NOUN" and noun.lemma_.lower() in HEARSAY.of(noun)
    if talk and noun.dep_ == "dobj" and verb.lemma_.lower() in REJECTING.of(verb):
        return f"{verb.text} {noun.text}"
    return None


def _doubted(head: Any) -> str | None:
    """The words that put the clause's content in doubt: a verb of believing or fearing with a clause
    ("police believe the fire was set", "investors fear the bank could fail"), an adjective of
    possibility with one ("it is possible that ...", "it is unclear whether ..."), or a noun of talk or
    prospect with one as the clause's subject or object ("there is speculation that ...", "rumours that
    ... spread", "raised fears that ...")."""
    clause = [c for c in head.children if c.dep_ == "ccomp"]
    noun = head.head
    if head.dep_ in ("acl", "ccomp") and noun.pos_ == "NOUN" and noun.lemma_.lower() in _TALK.of(noun):
        return f"{noun.text} that"  # split off: "[reports that] army units were ordered ..."
    if head.lemma_.lower() in BELIEVED.of(head) and clause:
        return f"{head.text} that"
    if head.dep_ == "ccomp" and head.head.lemma_.lower() in BELIEVED.of(
        head
    ):  # split off: "analysts predicted [that] ..."
        return f"{head.head.text} that"
    verb = head.head
    reporting = head.dep_ == "ccomp" and verb.dep_ == "acl" and verb.lemma_.lower() in REPORTING_VERBS.of(verb)
    if (
        reporting and verb.head.pos_ == "NOUN" and verb.head.lemma_.lower() in HEARSAY.of(verb)
    ):  # "reports stating that"
        return f"{verb.head.text} {verb.text}"
    for child in head.children:
        lemma = child.lemma_.lower()
        own = [c for c in child.children if c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX")]
        if (
            child.dep_ == "acomp"
            and (lemma in POSSIBLE.of(child) or child.lower_ in MINDED.of(child))
            and (clause or own)
        ):
            mark = next((c.lower_ for c in (clause or own)[0].children if c.dep_ == "mark"), "that")
            return f"{child.text} {mark}"
        denied = any(c.dep_ == "det" and c.lower_ == "no" for c in child.children)  # "there is no fear that"
        nominal = child.dep_ in _ARGUMENTS | {"nsubjpass"} and child.pos_ == "NOUN"
        if nominal and lemma in SPECULATION.of(child) and (clause or own) and not denied:
            return f"{child.text} that"
    return None


def _complement(word: Any) -> Any | None:
    """The infinitive or participle that completes ``word`` ("expects [to cut]")."""
    return next((c for c in word.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
