"""Split a parsed sentence into propositions (clauses) on spaCy's dependency parse.

A clause starts at a verb that carries a proposition of its own: the sentence's root, a coordinated or
complement verb with its own subject ("..., Marchenko would leave Orlevo, and drivers would face
no charges"), a non-restrictive relative clause ("Marchenko, who is now in Orlevo, ..."), or the "that"
clause of a noun of talk or prospect ("after complaints that the army had not fed them"). Every
word belongs to the nearest clause start above it. Reporting frames ("Reiter said") are not claims of
their own: they give the speaker and their cue to the clauses they report. Clauses too short to state
anything stay part of the clause around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crosswire.lexicons import HEARSAY, MODAL_FUTURE, REPORTING_VERBS, SPECULATION
from crosswire.stages._certainty import Reading, negates, read_clause

MIN_WORDS = 4
MIN_CONTENT = 1
_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}
_SPLIT_DEPS = {"conj", "ccomp", "parataxis", "advcl"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_RELATIVE = {"who", "which", "that", "whom", "whose"}
_THAT = {"that", "que", "qu'", "qu’"}  # the "that" of a reported clause, which a claim leaves out
_PRONOUN_SUBJECTS = {"he", "she"}
# A complement clause is a claim of its own under a verb of saying or knowing ("said that ...", "showed
# that ..."); under "want", "hope" or "fear" it is a wish or a worry, not something that happened.
_KNOWING = frozenset(["know", "show", "prove", "reveal", "find", "learn", "realise", "realize", "see", "mean"])
_OBJECTS = ("dobj", "attr", "oprd", "acomp", "dative")
# Verbs that carry the event in their complement: "began running short" is running short, "continued to
# shell" is shelling, "kept the road blocked" is blocking it (general English).
_ASPECTUAL = frozenset(["begin", "start", "continue", "resume", "keep"])
_RESULTATIVE = frozenset(["keep", "leave"])
# "X is said to have fled": the event is the fleeing; the passive verb only says who vouches for it.
_RAISING = frozenset(["say", "report", "believe", "think", "allege", "understand", "know", "rumour", "rumor"])
# Unions made once (each ``|`` builds a new lexicon, too dear for every token).
_SAID_OR_KNOWN = REPORTING_VERBS | _KNOWING
_TALK = SPECULATION | HEARSAY


@dataclass(frozen=True, slots=True)
class Split:
    """A clause as found: character span in the sentence, matching text, role, negation, and whether it
    is a reporting frame (kept out of the claims, its cues passed to the clauses it reports)."""

    start: int
    end: int
    text: str
    role: str
    negated: bool
    frame: bool
    lemmas: tuple[str, ...]
    subject: str = ""  # lower-case head word of the clause's subject ("" for pronouns or none found)
    predicate: str = ""  # lemma of the clause's head verb ("move", "be")
    head: int = -1  # character offset of that verb in the sentence
    object: str = ""  # lower-case head word of what the verb acts on ("orlevo" in "is in Orlevo")
    reading: Reading = Reading()  # certainty from the parse: negation, modals, plans (see _certainty)
    tense: str = ""  # "past", "present", "perfect", "pluperfect", "future", or "" (a modal, or none found)


def split_clauses(sent: Any, subject_name: str | None = None, text: str | None = None) -> list[Split]:
    """The propositions of one spaCy sentence span, in reading order (one when it cannot be split).
    ``text``: the span's text when the caller has it (``Span.text`` joins its words at every call)."""
    text = sent.text if text is None else text
    tokens = list(sent)  # each Token made once: iterating a span makes new ones every time
    root = sent.root
    heads = [root, *[t for t in tokens if t.i != root.i and _starts_clause(t)]]
    if len(heads) == 1:
        return [_whole(sent, subject_name, text)]
    parent = _Heads(sent.doc, {t.i: t.head.i for t in tokens})
    owner = _owners(parent, {h.i for h in heads})
    # Too short to stand alone: give the words back to the clause above.
    changed = True
    while changed and len(heads) > 1:
        changed = False
        for head in heads[1:]:
            words = [t for t in tokens if owner[t.i] == head.i]
            if sum(t.is_alpha for t in words) < MIN_WORDS or sum(_content(t) for t in words) < MIN_CONTENT:
                up = parent[head.i]
                above = _owners(parent, {h.i for h in heads if h.i != head.i}, up)[up] if up != head.i else None
                target = above if above is not None else root.i
                for t in words:
                    owner[t.i] = target
                heads = [h for h in heads if h.i != head.i]
                changed = True
                break
    if len(heads) == 1:
        return [_whole(sent, subject_name, text)]
    words_of: dict[int | None, list[Any]] = {}
    for t in tokens:
        words_of.setdefault(owner[t.i], []).append(t)
    base = sent.start_char + (len(text) - len(text.lstrip()))
    splits = [_split(sent, head, words_of.get(head.i, []), subject_name, base) for head in heads]
    framed = [s for s in splits if not s.frame]
    if not framed:
        return [_whole(sent, subject_name, text)]
    return sorted(framed + [s for s in splits if s.frame], key=lambda s: s.start)


def _starts_clause(token: Any) -> bool:
    if token.pos_ not in ("VERB", "AUX") or token.dep_ == "ROOT":
        return False
    has_subject = any(c.dep_ in _SUBJECTS for c in token.children)
    if _talk_content(token):
        return has_subject
    if token.dep_ == "acl":
        # "the deal mediated by Ortiz": a participle with its doer named states a fact of its own.
        return token.tag_ == "VBN" and _agent(token) is not None
    if token.dep_ == "conj" and not has_subject:
        # "Ortiz praised the drivers and invited them to talks": a second act of the same subject.
        return (
            token.pos_ == "VERB"
            and _subject(token.head) is not None
            and any(c.dep_ in _OBJECTS or c.dep_ in ("xcomp", "prep") for c in token.children)
        )
    if token.dep_ == "relcl":
        # Only a relative clause set off by a comma states a fact of its own; "fighters who had joined"
        # says which fighters.
        first = min(t.i for t in token.subtree)
        return first > 0 and token.doc[first - 1].text == ","
    if token.dep_ == "advcl":
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children):
            return False
        # "Having closed the road on Friday, the drivers announced ...": a participle clause
        # states an event of the main clause's subject.
        return has_subject or (token.tag_ in ("VBG", "VBN") and _subject(token.head) is not None)
    first = token
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head  # "wanted that A happen and that B happen": B is as much a wish as A
    if first.dep_ == "ccomp" and first.head.lemma_.lower() not in _SAID_OR_KNOWN.of(first):
        return False
    return token.dep_ in _SPLIT_DEPS and has_subject


def _talk_content(verb: Any) -> bool:
    """ "complaints that it had not fed them", "fears that the mine will close": the "that" clause of a
    noun of talk or prospect is a proposition of its own, said or feared by others, not part of the
    clause around the noun (which stays as firm as it is: "the army released them after complaints")."""
    noun = verb.head
    return (
        verb.dep_ in ("acl", "ccomp")
        and noun.pos_ == "NOUN"
        and noun.lemma_.lower() in _TALK.of(noun)
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)
    )


def _subject_word(head: Any, subject_name: str | None = None) -> str:
    """Who or what the clause is about: the subject's head word, its antecedent for a relative pronoun,
    the main clause's subject for a participle, the person a "he" or "she" stands for (``subject_name``,
    its last word); "" for any other pronoun."""
    subject = _agent(head) or _subject(head) or _shared_subject(head)  # "brokered by Ortiz": Ortiz did it
    if subject is not None and subject.lower_ in _RELATIVE and head.dep_ == "relcl":
        subject = head.head
    if subject is not None and subject.lower_ in _PRONOUN_SUBJECTS and subject_name:
        return subject_name.split()[-1].lower()
    return _word(subject)


def _shared_subject(head: Any) -> Any | None:
    """The subject a clause without its own takes from the clause above: a second verb of the same
    subject ("Ortiz praised ... and invited them") or an active participle ("Having closed the road,
    the drivers ...")."""
    if _subject(head) is not None or not (head.dep_ == "conj" or (head.dep_ == "advcl" and _active_participle(head))):
        return None
    return _subject(head.head)


def _event_verb(head: Any) -> Any:
    """The verb that says what happened: the clause's head, or the complement an aspectual or
    resultative verb carries ("kept the road blocked" -> "blocked")."""
    lemma = head.lemma_.lower()
    if lemma in _RAISING and head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children):
        inner = next((c for c in head.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if inner is not None:
            return _event_verb(inner)
    if lemma == "go" and any(c.dep_ == "prt" and c.lower_ == "on" for c in head.children):
        inner = next((c for c in head.children if c.dep_ in ("xcomp", "advcl") and c.tag_ == "VB"), None)
        if inner is not None:  # "went on to praise": the praising
            return inner
    if lemma in _ASPECTUAL:
        inner = next((c for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if inner is not None:
            return inner
    if lemma in _RESULTATIVE:
        for obj in (c for c in head.children if c.dep_ == "dobj"):
            inner = next((c for c in obj.children if c.dep_ == "acl" and c.tag_ == "VBN"), None)
            if inner is not None:
                return inner
    return head


def _active_participle(verb: Any) -> bool:
    """ "Having closed the road, the drivers ...": the main subject did it. "Agreed late on Friday, the
    deal ...": a passive participle's main subject is what was done, not who did it."""
    return verb.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "having" for c in verb.children)


def _word(token: Any | None) -> str:
    if token is None or token.pos_ == "PRON":
        return ""
    return str(token.lemma_ if token.pos_ != "PROPN" else token.text).lower()


def _agent(verb: Any) -> Any | None:
    """The doer of a passive verb, named after "by"."""
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _object_word(head: Any) -> str:
    """What the clause's verb acts on: its object or complement, else the object of its first
    preposition, else the same for an infinitive it governs ("wanted to seize the city")."""
    if _agent(head) is not None:  # "the deal was brokered by Ortiz": the deal is what was brokered
        if head.dep_ == "acl" and not _talk_content(head):  # "the deal mediated by Ortiz"
            return _word(head.head)
        return _word(next((c for c in head.children if c.dep_ == "nsubjpass"), None))
    for verb in (head, *[c for c in head.children if c.dep_ == "xcomp"]):
        found = next((c for c in verb.children if c.dep_ in _OBJECTS), None)
        if found is None:
            prep = next((c for c in verb.children if c.dep_ == "prep"), None)
            found = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if found is not None and found.pos_ != "PRON":
            return _word(found)
    return ""


def _subject(verb: Any) -> Any | None:
    return next((c for c in verb.children if c.dep_ in _SUBJECTS), None)


class _Heads(dict[int, int]):
    """Each token's head, by index: the sentence's, and any other the walk up reaches (from the doc)."""

    def __init__(self, doc: Any, heads: dict[int, int]) -> None:
        super().__init__(heads)
        self.doc = doc

    def __missing__(self, i: int) -> int:
        self[i] = head = int(self.doc[i].head.i)
        return head


def _owners(parent: dict[int, int], heads: set[int], only: int | None = None) -> dict[int, int | None]:
    """The clause each token belongs to: the nearest of ``heads`` at or above it in the parse (token
    indices; ``parent`` maps each of the sentence's tokens to its head), None above every one. With
    ``only``, that token's (and those on its way up)."""
    found: dict[int, int | None] = {}
    for start in list(parent) if only is None else (only,):
        path, current = [], start
        while True:
            if current in heads:
                owner: int | None = current
                break
            if current in found:
                owner = found[current]
                break
            up = parent[current]
            if up == current:
                owner = None
                break
            path.append(current)
            current = up
        found.update(dict.fromkeys(path, owner))
        found.setdefault(start, owner)
    return found


def _content(token: Any) -> bool:
    return token.pos_ in _CONTENT_POS and not token.is_stop and token.is_alpha


def _whole(sent: Any, subject_name: str | None, raw: str) -> Split:
    root = sent.root  # (found by a walk over the sentence each time it is asked for)
    negator = next((t for t in sent if negates(t, root)), None)
    reading = read_clause(root, negator)
    base = sent.start_char + (len(raw) - len(raw.lstrip()))
    return Split(
        0,
        len(raw.strip()),
        "".join(_named(t, subject_name) + t.whitespace_ for t in sent).strip(),
        "main",
        negator is not None or reading.certainty == "denied",  # "failed to", "refused to" negate too
        False,
        _lemmas(list(sent)),
        _subject_word(root, subject_name),
        *_predicate(root, base),
        reading,
        tense(root),
    )


def _split(sent: Any, head: Any, words: list[Any], subject_name: str | None, base: int) -> Split:
    trimmed = list(words)
    # Leading "and"/"that" and punctuation go; "if", "after", "because" stay: they change what is said.
    # "neither" / "either" / "both" open their clause's subject ("that neither he nor ..."): they stay.
    while trimmed and (
        (trimmed[0].pos_ in ("PUNCT", "CCONJ") and trimmed[0].dep_ != "preconj") or trimmed[0].lower_ in _THAT
    ):
        trimmed.pop(0)
    while trimmed and trimmed[-1].pos_ in ("PUNCT", "CCONJ"):
        trimmed.pop()
    trimmed = trimmed or words
    start = trimmed[0].idx - base
    end = trimmed[-1].idx + len(trimmed[-1].text) - base
    parts = []
    for t in trimmed:
        piece = t.text
        if t.lower_ in _RELATIVE and t.dep_ in _SUBJECTS | {"dobj", "pobj"} and head.dep_ == "relcl":
            piece = _noun_phrase(head.head)  # "who is now in Orlevo" -> "Marchenko is now in Orlevo"
        else:
            piece = _named(t, subject_name)
        parts.append(piece + t.whitespace_)
    role = {"ROOT": "main", "ccomp": "reported", "relcl": "relative", "advcl": "adverbial", "acl": "relative"}.get(
        head.dep_, "conjunct"
    )
    # "The glitch was not reported" is about the glitch: a passive reporting verb frames speech only
    # with "it" as its subject ("it was reported that ...").
    frame = head.lemma_.lower() in REPORTING_VERBS.of(head) and not any(
        c.dep_ in ("dobj", "attr", "acomp") or (c.dep_ == "nsubjpass" and c.lower_ != "it") for c in head.children
    )
    negator = next((t for t in trimmed if negates(t, head)), None)
    reading = read_clause(head, negator, reported=role == "reported")
    text = re.sub(r"\s*,(?:\s*,)+", ",", "".join(parts)).strip()  # words of a nested clause leave ", ,"
    subject = _shared_subject(head)
    if head.dep_ == "acl" and not _talk_content(head):
        text = f"{_noun_phrase(head.head)} {text}"  # "the deal mediated by Ortiz"
    elif subject is not None:
        joint = ", " if head.dep_ == "advcl" else " "
        text = f"{_noun_phrase(subject)}{joint}{text[:1].lower()}{text[1:]}"  # who did it
    return Split(
        start,
        end,
        text,
        role,
        negator is not None or reading.certainty == "denied",  # "failed to", "refused to" negate too
        frame,
        _lemmas(trimmed),
        _subject_word(head, subject_name),
        *_predicate(head, base),
        reading,
        tense(head),
    )


def _named(token: Any, subject_name: str | None) -> str:
    """The token as the clause is matched: a subject "he" or "she" is the person it stands for."""
    if token.lower_ in _PRONOUN_SUBJECTS and token.dep_ in _SUBJECTS and subject_name:
        return subject_name
    return str(token.text)


def tense(head: Any) -> str:
    """The tense of a clause's verb group, from its auxiliaries and tags ("had signed": pluperfect)."""
    auxes = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & MODAL_FUTURE.of(head) or (head.lower_ == "going" and words & {"is", "are", "am", "'s", "'re"}):
        return "future"
    if any(a.tag_ == "MD" for a in auxes):
        return ""
    if "had" in words or "'d" in words:
        return "pluperfect"
    if words & {"has", "have", "'ve"} and any(t.tag_ == "VBN" for t in (head, *auxes)):
        return "perfect"
    tags = {head.tag_, *(a.tag_ for a in auxes)}
    if "VBD" in tags:
        return "past"
    if tags & {"VBZ", "VBP"}:
        return "present"
    return ""


def _predicate(head: Any, base: int) -> tuple[str, int, str]:
    """The event's verb lemma, its offset in the sentence, and what it acts on."""
    event = _event_verb(head)
    if event.i == head.i or event.dep_ == "acl":  # "kept the road blocked": the road is what was blocked
        return event.lemma_.lower(), event.idx - base, _object_word(head)
    return event.lemma_.lower(), event.idx - base, _object_word(event) or _object_word(head)


def _noun_phrase(token: Any) -> str:
    """A noun and the words before it in its phrase ('Interior Minister Tomas Reiter')."""
    left = [t for t in token.lefts if t.dep_ in ("compound", "amod", "det", "poss", "nummod")]
    start = left[0].i if left else token.i
    return str(token.doc[start : token.i + 1].text)


def _lemmas(tokens: list[Any]) -> tuple[str, ...]:
    # What is claimed, not who: names are compared separately (entity overlap).
    return tuple(t.lemma_.lower() for t in tokens if _content(t) and len(t.text) > 1 and not t.ent_type_)
