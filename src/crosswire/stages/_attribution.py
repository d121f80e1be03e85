"""Who says what: attribution of a sentence to its speaker, direct quotes and their speakers.

Rules on spaCy's parse: the subject of a reporting verb (or of a verb of demand, belief, intention or
finding that takes a clause or a quote), "according to X", the subject an infinitive or participle
takes from its clause, pronouns; a quote's speaker from its sentence, a name after it in its
paragraph, a colon introduction, or the quote before it; indirect speech carried on while it is
shifted back. ``annotate`` calls these for each sentence and document.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from crosswire.lexicons import ATTRIBUTION_VERBS, LOADED_WORDS, REPORTING_VERBS
from crosswire.models import Document, QuoteMention, Sentence, SentenceInfo
from crosswire.stages._memo import story_memo

_GUILLEMETS = str.maketrans("«»", "“”")
_STRAIGHT_QUOTE = re.compile(r"\"[^\"\n]{2,}\"")


_PRONOUNS = {"he", "she", "they", "him", "her"}
# In French: "il a dit", the inverted "a-t-il dit" (its clitic written "-il").
_FRENCH_PRONOUNS = {"il", "elle", "ils", "elles", "lui", "-il", "-elle", "-ils", "-elles"}
# "according to X" and the French "selon X", "d'après X".
_ACCORDING = {("according", "to"), ("selon", None), ("d'", "après"), ("d’", "après")}
_ASKING = {"how", "whether", "if"}  # an indirect question: what anyone will say is not known yet
# Verbs of speech made with a particle: "shot back", "weighed in", "spoke out", "pointed out".
_PHRASAL_SPEECH = {("shoot", "back"), ("fire", "back"), ("hit", "back"), ("weigh", "in"), ("chime", "in")}
_PHRASAL_SPEECH |= {("speak", "out"), ("lash", "out"), ("point", "out"), ("spell", "out")}
_DESCRIBES = {"with", "without", "against", "about", "over"}  # "officers with Orlevo Shipping ties": not the firm


# A name and a verb right after a quote: '..." —X replied', '...," says X', '...," X, the Y of Z, said'.
_OPENING = r"^[,.!?]?\s*(?:[—–-]+\s*)?"
_NAME_THEN_VERB = r"(?P<name2>(?:[A-Z][\w.’'-]+\s?){1,4})(?:,[^,“”\"\n]{2,80},)?\s+(?P<verb2>\w+)"
_AFTER_QUOTE = re.compile(
    _OPENING + r"(?:(?P<verb1>\w+)\s+(?P<name1>(?:[A-Z][\w.’'-]+\s?){1,4})|" + _NAME_THEN_VERB + ")"
)
# Name first only: '...," Yuliya Marchenko continued' reads "Yuliya" as a verb above.
_AFTER_QUOTE_NAME_FIRST = re.compile(_OPENING + _NAME_THEN_VERB)
# A name right before a quote opens, at the start of the text given or after a space, bracket or dash.
_NAME_RUN = r"(?:^|(?<=[\s(—–-]))(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
_NAME_COLON = re.compile(_NAME_RUN + r"\s*:\s*$")  # 'Reiter: “...”'
# 'Ivan Markov said, “...”', 'Markov told reporters: “...”': a name, its verb, up to three more words
_NAME_THEN_SAID = re.compile(_NAME_RUN + r"\s+(?P<verb>[a-z]+)(?:\s+[\w’'.-]+){0,3}\s*[,:]\s*$")
_REPLY = re.compile(r"\b(?:replied|replies|answered|answers|responded|responds|retorted|retorts|shot back)\b")
# A quote signed with a dash and a name, and nothing after it in its paragraph but another quote:
# “We will not go back.” ― Yuliya Marchenko
_BYLINE = re.compile(r"^[,.]?\s*[―—–-]+\s*(?P<name>[A-Z][\w’'-]*\.?(?:\s+[A-Z][\w’'-]*\.?){0,4})[.\s]*(?:$|[“\"])")


# Written forms of the reporting verbs ("said", "says", "replied", "added", "tweeted"), for the words
# after a quote, where there is no parse to give a lemma.
_IRREGULAR = {"say": ["said"], "tell": ["told"], "write": ["wrote", "written"], "tweet": ["tweeted"]}


_REPORTING_FORMS = (
    frozenset(
        form
        for verb in REPORTING_VERBS | ATTRIBUTION_VERBS  # after a quote, '"...?" X demanded' reports it too
        for form in (
            verb,
            verb + "s",
            verb + "es",
            verb + "d" if verb.endswith("e") else verb + "ed",
            verb[:-1] + "ies" if verb.endswith("y") else verb,
            verb[:-1] + "ied" if verb.endswith("y") else verb,
            *_IRREGULAR.get(verb, []),
        )
    )
    | {"continued", "continues"}
)  # '“...,” Reiter continued.': after a quote, going on speaking


_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)


_POSSESSIVE = re.compile(r"[’']s?$")


REPORTED_RUN = 3  # sentences after a reported one that can carry its speaker on


_BACKSHIFTED = ("pluperfect", "")  # "" is a modal: "would have benefited"


def speakers_from_quotes(
    info: list[SentenceInfo], quotes: list[QuoteMention], sentences: dict[str, Sentence]
) -> list[SentenceInfo]:
    """A sentence that is mostly a quote is attributed to the quote's speaker."""
    speaker_of: dict[str, str] = {}
    for quote in quotes:
        for sid in quote.sentences:
            sentence = sentences[sid]
            inside = min(sentence.end, quote.end) - max(sentence.start, quote.start)
            if quote.speaker_text and inside >= 0.5 * (sentence.end - sentence.start):
                speaker_of.setdefault(sid, quote.speaker_text)
    return [
        replace(i, speaker_text=speaker_of[i.sentence], own_voice=False)
        if i.speaker_text is None and i.sentence in speaker_of
        else i
        for i in info
    ]


def reported_speech_goes_on(info: list[SentenceInfo], sentences: list[Sentence]) -> list[SentenceInfo]:
    """Indirect speech runs on after its frame: "..., the minister explained. They had already expected
    Russia to fall apart." The sentences after a reported one, in the same paragraph, keep its speaker
    while they have no speaker, quote or question of their own and are shifted back as reported speech
    is ("had", "would"), or are in the plain past between the report and a shifted-back sentence, or
    name the same speaker again; the narrator is back at a new paragraph, a new frame or a change of
    tense. At most ``REPORTED_RUN`` sentences."""
    out = list(info)
    speaker: str | None = None
    tense, paragraph, run = "", -1, 0
    for n, (item, sentence) in enumerate(zip(info, sentences, strict=True)):
        own = _tense(item)
        if item.speaker_text is not None and item.speaker_text == speaker and sentence.paragraph == paragraph:
            run += 1  # the same speaker again ("..., Reiter explained. He expected ..."): the report goes on
            continue
        if item.speaker_text is not None:
            reported = [c for c in item.clauses if c.role == "reported"]
            speaker = item.speaker_text if reported and not item.is_question and item.own_voice is False else None
            tense, paragraph, run = (reported[0].tense if reported else ""), sentence.paragraph, 0
            continue
        if speaker is None or sentence.paragraph != paragraph or item.is_question or not item.own_voice:
            speaker = None
            continue
        # Only a sentence that shifts its tense back as reported speech does ("had", "would") goes on
        # being reported: on PolNeAR, a sentence in the plain past after a report is mostly the narrator.
        if (
            run >= REPORTED_RUN
            or tense == "present"
            or not (own in _BACKSHIFTED or _between_shifted(info, sentences, n))
        ):
            speaker = None
            continue
        run += 1
        out[n] = replace(item, speaker_text=speaker, reporting_verb="(reported speech goes on)", own_voice=False)
    return out


def _between_shifted(info: list[SentenceInfo], sentences: list[Sentence], n: int) -> bool:
    """A sentence in the plain past followed, in its paragraph, by one shifted back with nothing of its
    own ("... The drivers were tired by then. In the end they would have gone home."): the report goes on."""
    if n + 1 >= len(info) or sentences[n + 1].paragraph != sentences[n].paragraph:
        return False
    following = info[n + 1]
    if following.speaker_text is not None or following.is_question or not following.own_voice:
        return False
    return _tense(following) in _BACKSHIFTED


def _tense(item: SentenceInfo) -> str:
    """The tense of a sentence's first proposition ("" for a modal or none)."""
    return item.clauses[0].tense if item.clauses else ""


def normalise_name(text: str) -> str:
    """An entity's surface form without leading article, trailing possessive or stray punctuation."""
    text = _LEADING.sub("", text.strip().strip("“”\"‘’',.;:()"))
    return _POSSESSIVE.sub("", text).strip() if text.endswith(("’s", "'s", "’", "'")) else text


@story_memo
def outside_quotes(text: str) -> str:
    """The text with quoted passages blanked out (same length, so offsets still hold)."""
    chars = list(text)
    for start, end in quote_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")


@story_memo
def loaded_words(text: str) -> tuple[str, ...]:
    """The loaded words of ``text``, lower case and sorted: pass ``outside_quotes`` of a sentence (or
    a clause of it) for the writer's own choice of words."""
    return tuple(sorted({w.lower() for w in _WORD.findall(text)} & LOADED_WORDS))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted passages, quote marks included. Curly quotes nest (“ ... ‘ ... “x” ... ’ ... ”),
    so a quote containing a quoted word is one passage; straight double quotes pair up in order."""
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    text = text.translate(_GUILLEMETS)  # French « » read as “ ” (one character each: offsets kept)
    for index, char in enumerate(text):
        if char == "“":
            if depth == 0:
                opened = index
            depth += 1
        elif char == "”" and depth:
            depth -= 1
            if depth == 0 and index - opened > 2:
                spans.append((opened, index + 1))
    taken = [range(s, e) for s, e in spans]
    for match in _STRAIGHT_QUOTE.finditer(text):
        if not any(match.start() in r for r in taken):
            spans.append(match.span())
    return sorted(spans)


@lru_cache(maxsize=16)
def _quoted(paragraph: str) -> frozenset[tuple[int, int]]:
    """The quoted passages of a paragraph and its open ends: read once for all its sentences."""
    return frozenset(quote_spans(paragraph)) | _open_ends(paragraph)


def _open_ends(text: str) -> set[tuple[int, int]]:
    """The parts of a paragraph inside a quote that began in an earlier paragraph or runs on into the
    next one (an opening mark left open at a paragraph's end): no speaker is read there."""
    text = text.translate(_GUILLEMETS)
    opening, closing = text.rfind("“"), text.find("”")
    spans = set()
    if closing >= 0 and (text.find("“") < 0 or text.find("“") > closing):
        spans.add((0, closing + 1))
    if opening >= 0 and text.find("”", opening) < 0:
        spans.add((opening, len(text)))
    return spans


def _according(token: Any) -> Any | None:
    """The preposition of "according to X", "selon X" or "d'après X" starting at ``token``, if any."""
    for first, second in _ACCORDING:
        if token.lower_ != first:
            continue
        if second is None:
            return token
        if token.i + 1 < len(token.doc) and token.nbor().lower_ == second:
            # "d'après la police": either word may be the one the parser hangs "police" on
            return next((t for t in (token, token.nbor()) if any(c.dep_ == "pobj" for c in t.children)), token.nbor())
    return None


def attribution(sent: Any, last_subject: str | None) -> tuple[str | None, str | None]:
    """Who the sentence is attributed to and by which verb, read off the dependency parse."""
    # Quotes are read off the whole paragraph the sentence was parsed in: a quote of several sentences
    # ("“We knew. They did not tell us. Nobody asked,” Vidal said") has middle sentences with no mark.
    quoted = _quoted(sent.doc.text)

    def in_quote(token: Any) -> bool:
        return any(s <= token.idx < e for s, e in quoted)

    for token in sent:
        preposition = _according(token)
        if preposition is not None:
            objects = [c for c in preposition.children if c.dep_ == "pobj"]
            if objects:
                return _speaker_phrase(sent, objects[0], last_subject), "according to"
    for token in sent:
        if token.pos_ != "VERB" or in_quote(token):
            continue
        lemma = token.lemma_.lower()
        takes_clause = any(c.dep_ in ("ccomp", "xcomp") for c in token.children) or any(
            in_quote(t) for t in token.subtree
        )
        phrasal = any(c.dep_ in ("prt", "advmod") and (lemma, c.lower_) in _PHRASAL_SPEECH for c in token.children)
        put_it = lemma == "put" and _as_clause(token) and any(c.lower_ == "it" for c in token.children)
        reports = lemma in REPORTING_VERBS.of(token) or phrasal or put_it
        reports = reports or (lemma in ATTRIBUTION_VERBS.of(token) and takes_clause)
        if not reports and not _introduces_quote(token):
            continue
        if lemma == "call" and not (takes_clause or _calls_something(token)):
            continue  # "tried to call him": a phone call, not "called it a disgrace" or "called for"
        if any(c.dep_ == "auxpass" for c in token.children):
            continue  # "is said to", "has been declared": a hedge or a passive, not a speaker
        if any(c.lower_ in _ASKING and c.i < token.i for c in token.children):
            continue  # "the country wonders how the ministry will respond": nobody has spoken yet
        subjects = [c for c in token.children if c.dep_ == "nsubj" and not in_quote(c)]
        infinitive = token.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        if not subjects and (token.dep_ in ("xcomp", "conj") or infinitive):  # "went on to praise", "and added"
            subjects = [c for c in token.head.children if c.dep_ == "nsubj" and not in_quote(c)]
            if subjects and infinitive:
                return _speaker_phrase(sent, subjects[0], last_subject), token.lemma_.lower()
        if subjects and (token.dep_ not in ("amod", "acl", "relcl", "advcl", "pcomp") or _as_clause(token)):
            # "As Marchenko put it, ...", "As the Courier reported, ...": the frame comes first
            return _speaker_phrase(sent, subjects[0], last_subject), token.lemma_.lower()
        if not subjects and token.tag_ == "VBG" and token.dep_ in ("advcl", "conj", "pcomp"):
            doer = _participle_subject(_coordinated_participle(token))  # "..., stating that ...": the
            if doer is not None and not in_quote(doer):  # main clause's subject says it
                return _speaker_phrase(sent, doer, last_subject), token.lemma_.lower()
        if not subjects and _fragment_verb(token) and takes_clause:
            # "Ex-minister Ivan Markov, a veteran of the union, called upon drivers to “block the road”.":
            # the parser reads the sentence as one noun phrase; its verb's doer is that noun.
            return _speaker_phrase(sent, token.head, last_subject), token.lemma_.lower()
    return None, None


def _as_clause(verb: Any) -> bool:
    """ "As X said, ...": a clause that frames the sentence it opens with "as"."""
    return verb.dep_ == "advcl" and any(c.lower_ == "as" and c.i < verb.i for c in verb.children)


def _introduces_quote(verb: Any) -> bool:
    """ "X continued: “...”", "He went on:" at a paragraph's end: any verb right before a colon that
    opens a quote or ends the paragraph introduces what follows as its subject's words."""
    doc, after = verb.doc, verb.i + 1
    while after < len(doc) and doc[after].dep_ == "prt" and doc[after].head.i == verb.i:
        after += 1  # "went on:"
    if after >= len(doc) or doc[after].text != ":":
        return False
    rest = doc.text[doc[after].idx + 1 :].lstrip()
    return not rest or rest[0] in '“"'


def _calls_something(verb: Any) -> bool:
    """ "Called the deal a disgrace", "called for talks", "called on X to": "call" as a judgement or an
    appeal (its object has a complement, or "for" / "on" / "upon" follows)."""
    return (
        any(c.dep_ == "oprd" for c in verb.children)
        or any(c.dep_ in ("prep", "prt") and c.lower_ in ("for", "on", "upon") for c in verb.children)
        or any(c.dep_ == "dobj" and any(g.dep_ in ("oprd", "attr", "amod") for g in c.children) for c in verb.children)
    )


def _coordinated_participle(verb: Any) -> Any:
    """The participle a participle is coordinated with. "by speaking with X, whom Y tried to call, and
    telling him": the parser may hang "telling" on the nearer "call"; a participle joins a participle,
    so the "-ing" form before it that hangs on a preposition or a clause is its true partner."""
    if verb.dep_ != "conj" or verb.head.tag_ == "VBG":
        return verb
    partners = [
        t
        for t in verb.sent
        if t.i < verb.i
        and t.tag_ == "VBG"
        and t.dep_ in ("pcomp", "advcl")
        and not any(a.dep_ in ("relcl", "acl") for a in t.ancestors)  # not one inside someone else's clause
    ]
    return partners[-1] if partners else verb


def _fragment_verb(verb: Any) -> bool:
    """A past-tense verb the parser hung on a sentence-root noun as a participle ("Markov, a veteran,
    called upon ..."): the sentence has no verb root, nothing passive or agentive marks the participle,
    and it is no naming ("a man called Reiter")."""
    head = verb.head
    return (
        verb.dep_ == "acl"
        and verb.tag_ in ("VBD", "VBN")
        and head.dep_ == "ROOT"
        and head.pos_ in ("PROPN", "NOUN")
        and any(c.text == "," for c in head.children if c.i < verb.i)
        and not any(c.dep_ in ("agent", "auxpass", "oprd", "attr") for c in verb.children)
    )


def _participle_subject(verb: Any) -> Any | None:
    """The subject a participle clause takes from the clause it hangs on ("He insisted ..., stating
    that ..."; "X ended it by speaking with Y and telling him ..."), up to three clauses up; none
    when a relative clause comes between (its subject is someone else's)."""
    current = verb
    for _ in range(3):
        if current.dep_ in ("relcl", "acl", "ccomp") or current.head.i == current.i:
            return None
        current = current.head
        subject = next((c for c in current.children if c.dep_ == "nsubj"), None)
        if subject is not None and current.pos_ in ("VERB", "AUX"):
            return None if current.dep_ in ("relcl", "acl") else subject
    return None


def _pronouns(language: str) -> set[str]:
    """The personal pronouns a speaker is named by in ``language`` (English unless French)."""
    return _FRENCH_PRONOUNS if language == "fr" else _PRONOUNS


def _speaker_phrase(sent: Any, head: Any, last_subject: str | None) -> str | None:
    """The speaker named by a subject token: a named entity in its subtree, or a resolved pronoun (the
    one person named before it in the sentence, else the last subject before the sentence)."""
    if head.lower_ in _pronouns(head.doc.lang_):
        before = {normalise_name(e.text) for e in sent.ents if e.label_ == "PERSON" and e.end <= head.i}
        return before.pop() if len(before) == 1 else last_subject
    if head.lower_ in ("i", "we", "it", "you", "this", "that", "which", "who"):
        return None
    for ent in sent.ents:
        if ent.start <= head.i < ent.end and ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
            return normalise_name(ent.text)
    if head.pos_ == "PROPN":
        parts = [t for t in head.children if t.dep_ == "compound" and t.i < head.i] + [head]
        return sent.doc[parts[0].i : head.i + 1].text
    subtree = list(head.subtree)
    lo, hi = subtree[0].i, subtree[-1].i
    people = [
        e
        for e in sent.ents
        if e.label_ in ("PERSON", "ORG") and lo <= e.start and e.end - 1 <= hi and _stands_for(e.root, head)
    ]
    if people:
        return normalise_name(sorted(people, key=lambda e: (e.label_ != "PERSON", e.start))[0].text)
    start = max(lo, head.i - 5)
    while start <= head.i and sent.doc[start].is_punct:
        start += 1
    return sent.doc[start : head.i + 1].text if start <= head.i else None


def _stands_for(name: Any, head: Any) -> bool:
    """Whether a name inside a speaker's noun phrase can say who speaks: the phrase's own name, whom
    it speaks for ("a spokesman for the ministry"), who is behind a document ("a study published by
    the Orlevo Courier"), but not a name that only describes the speaker ("officers with past Orlevo
    Shipping ties", "a lawyer who sued Orlevo Shipping")."""
    token = name
    while token.i != head.i and token.head.i != token.i:
        if token.dep_ == "pobj" and token.head.lower_ in _DESCRIBES:
            return False
        if token.dep_ == "dobj" and token.head.dep_ == "relcl":
            return False
        token = token.head
    return token.i == head.i


def find_quotes(
    doc: Document, spans: list[tuple[Sentence, Any]], info: list[SentenceInfo], surnames: frozenset[str] = frozenset()
) -> list[QuoteMention]:
    """Direct quotes (quoted spans of three words or more) and block quotations after 'saying:'.
    ``surnames``: the last word of every person the document names (``annotate``'s)."""
    by_id = {i.sentence: i for i in info}
    parsed = {s.id: (s, sent) for s, sent in spans}
    known = _known_names(spans, surnames)
    body = doc.body
    offsets = []
    position = 0
    for paragraph in doc.paragraphs:
        offsets.append(position)
        position += len(paragraph) + 2
    quotes: list[QuoteMention] = []
    for index, paragraph in enumerate(doc.paragraphs):
        start = offsets[index]
        previous: str | None = None
        for q_open, q_close in quote_spans(paragraph):
            inner = paragraph[q_open + 1 : q_close - 1].strip(" ,\u00a0\u202f")  # French: « Non »
            if len(inner.split()) < 3:
                continue
            q_start, q_end = start + q_open + 1, start + q_close - 1
            covered = [s for s, _ in spans if s.start < q_end and q_start < s.end]
            named = _named_before(paragraph[max(0, q_open - 160) : q_open], known)
            speaker: str | None
            where: str | None
            if named:
                speaker, where = named, covered[0].id if covered else None
            else:
                speaker, where = _quote_speaker(body, q_end, covered, by_id, doc, index, q_open == 0)
            if speaker is None and covered:
                speaker, where = _in_their_words(parsed[covered[0].id], q_start - covered[0].start)
            if speaker is None and previous:
                speaker = previous  # a quote that carries on the one before it in the same paragraph
            alone = speaker is None and _only_quote(paragraph, q_open, q_close)
            before = _carried_on(quotes, offsets, index, doc.paragraphs) if alone else None
            if before is not None:
                # A paragraph that is nothing but a quote carries on the speaker of the paragraph before's
                # last quote: “... ,” Reiter said. / “And we will stay.”
                speaker, where = before.speaker_text, before.speaker_sentence
            previous = speaker or previous
            quotes.append(QuoteMention(doc.id, tuple(s.id for s in covered), q_start, q_end, inner, speaker, where))
        opens_with_quote = paragraph.lstrip()[:1] in '“"'
        if index > 0 and doc.paragraphs[index - 1].rstrip().endswith(":") and not opens_with_quote:
            intro = [s for s, _ in spans if s.paragraph == index - 1]
            block = [s for s, _ in spans if s.paragraph == index]
            if intro and block and intro[-1].text.rstrip().endswith(":"):
                speaker = by_id[intro[-1].id].speaker_text or _subject_of(spans, intro[-1])
                quotes.append(
                    QuoteMention(
                        doc.id,
                        tuple(s.id for s in block),
                        start,
                        start + len(paragraph),
                        paragraph,
                        speaker,
                        intro[-1].id,
                        block=True,
                    )
                )
    return quotes


def _known_names(spans: list[tuple[Sentence, Any]], surnames: frozenset[str]) -> frozenset[str]:
    """The people and organisations the document's parse names, and the people's surnames."""
    named = {normalise_name(e.text) for _, sent in spans for e in sent.ents if e.label_ in ("PERSON", "ORG")}
    return frozenset(named | surnames)


def _named_before(before: str, known: frozenset[str]) -> str | None:
    """A speaker named right before a quote opens: "Clinton: “...”" (a transcript's or a roundup's
    form), "... that New Jersey Gov. Chris Christie said, “...”", "Reiter told reporters: “...”". The
    name must be one the document's parse knows (a person, a surname, an organisation), so "Update:"
    or "Photo:" name nobody."""
    match = _NAME_COLON.search(before)
    if match is None:
        match = _NAME_THEN_SAID.search(before)
        if match is None or match.group("verb") not in _REPORTING_FORMS:
            return None
    name = normalise_name(match.group("name"))
    return name if name and (name in known or name.split()[-1] in known) else None


def _carried_on(
    quotes: list[QuoteMention], offsets: list[int], index: int, paragraphs: tuple[str, ...]
) -> QuoteMention | None:
    """The quote a quote-only paragraph carries on: the last one of the paragraph before, unless that
    was a reply or the two paragraphs before hold quotes of two speakers (an exchange: “...” Reiter
    replied. / “...”)."""
    if index == 0 or not quotes or quotes[-1].start < offsets[index - 1] or quotes[-1].speaker_text is None:
        return None
    if _REPLY.search(outside_quotes(paragraphs[index - 1])):
        return None
    earlier = [q for q in quotes if index >= 2 and offsets[index - 2] <= q.start < offsets[index - 1]]
    if any(q.speaker_text and q.speaker_text != quotes[-1].speaker_text for q in earlier):
        return None
    return quotes[-1]


def _only_quote(paragraph: str, q_open: int, q_close: int) -> bool:
    """The paragraph is this one quote and nothing else (but closing punctuation)."""
    return not paragraph[:q_open].strip() and not paragraph[q_close:].strip(" .,!?…")


def _quote_speaker(
    body: str,
    q_end: int,
    covered: list[Sentence],
    by_id: dict[str, SentenceInfo],
    doc: Document,
    paragraph: int,
    opens_paragraph: bool,
) -> tuple[str | None, str | None]:
    """Who speaks a quote: a name signing it at its paragraph's end ('" ― X'), the attribution in its
    sentence, a name after it ('—X replied'), the intro of a paragraph ending with a colon, or the
    speaker of the sentence just before in the paragraph."""
    byline = _BYLINE.match(body[q_end + 1 :].split("\n\n", 1)[0])
    if byline:
        return normalise_name(byline.group("name")), covered[-1].id if covered else None
    intro = _colon_intro(doc, paragraph, by_id) if opens_paragraph else None
    if intro and intro[0]:
        return intro
    for sentence in covered:
        speaker = by_id[sentence.id].speaker_text
        if speaker:
            return speaker, sentence.id
    # A name and a verb right after the quote, in its own paragraph: "..." —X replied / "...," says X.
    following = body[q_end + 1 : q_end + 160].split("\n\n", 1)[0]
    after = _AFTER_QUOTE.match(following)
    if after and after.group("verb1") and after.group("verb1").lower() not in _REPORTING_FORMS:
        after = _AFTER_QUOTE_NAME_FIRST.match(following) or after
    if after:
        groups = after.groupdict()
        verb = (groups.get("verb1") or groups.get("verb2") or "").lower()
        name = (groups.get("name1") or groups.get("name2") or "").strip()
        if verb in _REPORTING_FORMS and name.lower() not in _PRONOUNS | {"i", "we", "it"}:
            return normalise_name(name), covered[-1].id if covered else None
        if verb in _REPORTING_FORMS:  # '..." He said': the pronoun as its sentence resolved it
            return _resolved_at(doc, by_id, q_end + 1 + after.start("name2" if groups.get("name2") else "name1"))
    intro = _colon_intro(doc, paragraph, by_id)
    if intro and intro[0]:
        return intro
    if covered:
        before = [s for s in doc.sentences if s.paragraph == paragraph and s.end <= covered[0].start]
        if before and by_id[before[-1].id].speaker_text:
            return by_id[before[-1].id].speaker_text, before[-1].id
    return None, None


_IN_THEIR_WORDS = re.compile(r"\bin\s+(?P<pronoun>his|her|their)\s+(?:own\s+)?words\b", re.I)


def _in_their_words(found: tuple[Sentence, Any], at: int) -> tuple[str | None, str | None]:
    """ "Reiter met the union to, in his words, “end this for good”": the quote is the words of the one
    person the sentence names before "his" (or "her", "their")."""
    sentence, sent = found
    lead = len(sent.text) - len(sent.text.lstrip())
    phrases = list(_IN_THEIR_WORDS.finditer(sentence.text[: max(0, at)]))
    phrase = phrases[-1] if phrases else None  # the last one before the quote
    if phrase is None:
        return None, None
    named = [e for e in sent.ents if e.end_char - sent.start_char - lead <= phrase.start()]
    # a person; else a name the small model mistyped, if it is the subject ("Reiter met ...")
    people = {normalise_name(e.text) for e in named if e.label_ == "PERSON"} or {
        normalise_name(e.text) for e in named if e.label_ in ("ORG", "NORP", "GPE") and e.root.dep_ == "nsubj"
    }
    return (people.pop(), sentence.id) if len(people) == 1 else (None, None)


def _resolved_at(doc: Document, by_id: dict[str, SentenceInfo], at: int) -> tuple[str | None, str | None]:
    """The speaker of the sentence at body offset ``at``, unless it is an unresolved pronoun."""
    sentence = next((s for s in doc.sentences if s.start <= at < s.end), None)
    speaker = by_id[sentence.id].speaker_text if sentence else None
    if speaker is None or speaker.lower() in _pronouns(doc.language) | {"i", "we", "it"}:
        return None, None
    return speaker, sentence.id if sentence else None


def _colon_intro(doc: Document, paragraph: int, by_id: dict[str, SentenceInfo]) -> tuple[str | None, str] | None:
    if paragraph == 0 or not doc.paragraphs[paragraph - 1].rstrip().endswith(":"):
        return None
    previous = [s for s in doc.sentences if s.paragraph == paragraph - 1]
    return (by_id[previous[-1].id].speaker_text, previous[-1].id) if previous else None


def _subject_of(spans: list[tuple[Sentence, Any]], sentence: Sentence) -> str | None:
    """For an intro like 'X struck a conciliatory tone, saying:', the PERSON in the main subject."""
    for candidate, sent in spans:
        if candidate.id == sentence.id:
            for token in sent:
                if token.dep_ == "nsubj" and token.head.dep_ == "ROOT":
                    return _speaker_phrase(sent, token, None)
    return None
