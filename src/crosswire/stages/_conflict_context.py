"""Shared by the conflict detectors (``conflicts`` and ``_conflict_events``): the ``_Context`` of
lookups per sentence (outlets, dates, entities, lemmas, times, who leads which group) and small
helpers over text: content-word stems, shortened quotes, which document is later."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from crosswire.lexicons import REPORTING_VERBS
from crosswire.models import Annotated, ClaimMention, Entity, Quantity, TimeMention
from crosswire.stages._dates import effective_date
from crosswire.stages._memo import document_memo, story_memo
from crosswire.stages._similarity import TextIndex

_PRONOUN_BEFORE = re.compile(r"\b(?:he|she|they|we|i)\b[^,;]{0,20}$", re.I)
# "Yevgeny Ivanov, head of the Union" or "the Union's chief Ivanov": a leader speaks for the group.
_LEADER = r"(?:head|chief|leader|boss|founder|commander|owner|chairman|chairwoman|president|director)"
_LEADER_AFTER = re.compile(rf"^,?\s*(?:the\s+)?(?:\w+\s+)?{_LEADER}\s+of\s+(?:the\s+)?$", re.I)
_LEADER_BEFORE = re.compile(rf"^(?:'s|’s)?\s+(?:\w+\s+)?{_LEADER}\s+$", re.I)


class _Context:
    """Lookups shared by the detectors: outlets, dates, entities and lemmas per sentence."""

    def __init__(self, annotated: Sequence[Annotated], entities: Sequence[Entity]) -> None:
        self.outlet = {a.document.id: a.document.label for a in annotated}
        self.language = {a.document.id: a.document.language for a in annotated}
        self.published = {a.document.id: a.document.published.date for a in annotated}
        self.date = {a.document.id: effective_date(a) for a in annotated}
        self.lemmas: dict[tuple[str, str], frozenset[str]] = {}
        self.times: dict[tuple[str, str], Sequence[TimeMention]] = defaultdict(tuple)
        self.order: dict[tuple[str, str], int] = {}
        for a in annotated:  # (what is read of each document alone, found again at a desk's next add)
            lemmas, times, order = _document_lookups(a)
            self.lemmas.update(lemmas)
            self.times.update(times)
            self.order.update(order)
        self.names: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.people: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.entity_name = {e.id: e.name for e in entities}
        self.entity_type = {e.id: e.type for e in entities}
        self.spans: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.by_word: dict[str, set[str]] = defaultdict(set)
        for entity in entities:
            person = entity.type == "PERSON"
            for m in entity.mentions:
                key = (m.doc, m.sentence)
                self.names[key].add(entity.id)
                if person:
                    self.people[key].add(entity.id)
                self.spans[key].append((m.start, m.end, entity.id))
            for alias in (entity.name, *entity.aliases):
                for word in alias.lower().split():
                    self.by_word[word].add(entity.id)
        self.at_position = {(doc, n): sentence for (doc, sentence), n in self.order.items()}
        self.leads = _leaders(annotated, self.spans, self.entity_type)

    @functools.cached_property
    def _text(self) -> tuple[dict[tuple[str, str], int], TextIndex]:
        """Each sentence's row in a TF-IDF index of the sentences' lemmas: built when first asked
        (numbers' sentences are compared by it only when they share too few words)."""
        keys = list(self.lemmas)
        lemmas = [tuple(sorted(self.lemmas[k])) for k in keys]
        languages = [self.language[doc] for doc, _ in keys]
        return {key: i for i, key in enumerate(keys)}, TextIndex(lemmas, languages)

    def similarity(self, a: ClaimMention | Quantity, b: ClaimMention | Quantity) -> float:
        index, text = self._text
        return text.cosine(index[(a.doc, a.sentence)], index[(b.doc, b.sentence)])

    def subjects(self, mention: ClaimMention) -> set[str]:
        """The entities a mention's subject names: its head word in a name of the sentence ("Marchenko"),
        a name the head governs ("members of the Hauliers' Association"), else one entity alone bearing it."""
        if not mention.subject:
            return set()
        key, word = (mention.doc, mention.sentence), mention.subject.lower()
        here = {e for _, _, e in self.spans[key] if e in self.by_word.get(word, set())}
        if here:
            return here
        head = re.search(rf"\b{re.escape(word)}\w*\s+of\s+(?:the\s+)?", mention.span, re.I)
        if head:
            at = mention.start + head.end()
            return {e for start, _, e in self.spans[key] if start == at}
        alone = self.by_word.get(word, set())
        return set(alone) if len(alone) == 1 else set()

    def actors(self, mention: ClaimMention, before: int) -> set[str]:
        """Who a mention's clause is about: its named subject; for "he said he ..." the speaker."""
        named = self.subjects(mention)
        if named:
            return named
        if mention.speaker and _PRONOUN_BEFORE.search(mention.text[mention.start : before]):
            return {mention.speaker}
        return set()

    def antecedent(self, mention: ClaimMention, claims_at: dict[tuple[str, str], list[ClaimMention]]) -> set[str]:
        """The one person or group the nearest earlier sentence of the document is about ("His ...")."""
        number = self.order.get((mention.doc, mention.sentence), 0)
        for back in (1, 2):
            sentence = self.at_position.get((mention.doc, number - back))
            if sentence is None:
                return set()
            found = {e for m in claims_at.get((mention.doc, sentence), []) for e in self.subjects(m)}
            if found:
                return found if len(found) == 1 else set()
        return set()

    def source(self, mention: ClaimMention) -> str:
        """'Outlet (published date)', or '(undated)': never a date guessed from the text."""
        when = self.published.get(mention.doc)
        return f"{self.outlet[mention.doc]} ({when or 'undated'})"


@document_memo
def _document_lookups(
    a: Annotated,
) -> tuple[
    dict[tuple[str, str], frozenset[str]], dict[tuple[str, str], tuple[TimeMention, ...]], dict[tuple[str, str], int]
]:
    """One document's lemmas and time mentions per sentence, and its sentences' places (frozen: a
    memo hands them to the detectors again at later adds)."""
    lemmas = {(i.doc, i.sentence): frozenset(i.lemmas) for i in a.info}
    times: dict[tuple[str, str], list[TimeMention]] = defaultdict(list)
    for t in a.times:
        times[(t.doc, t.sentence)].append(t)
    order = {(a.document.id, s.id): n for n, s in enumerate(a.document.sentences)}
    return lemmas, {key: tuple(found) for key, found in times.items()}, order


@story_memo  # one span is compared with many: its stems are read once
def _stems(text: str) -> frozenset[str]:
    """Crude content-word stems (first five letters), without stop words and reporting verbs."""
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return frozenset(w[:5] for w in words if w not in STOP_WORDS and w not in REPORTING_VERBS and len(w) > 2)


def _later(ctx: _Context, later_doc: str, earlier_doc: str) -> bool:
    a, b = ctx.date.get(later_doc), ctx.date.get(earlier_doc)
    return bool(a and b and a > b)


def _short(text: str, words: int = 18) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"


def _leaders(
    annotated: Sequence[Annotated], spans: dict[tuple[str, str], list[tuple[int, int, str]]], kind: dict[str, str]
) -> dict[str, set[str]]:
    """Person -> the groups the text names them head of, from appositions ("X, head of Y", "Y's chief X")."""
    leads: dict[str, set[str]] = defaultdict(set)
    for a in annotated:
        for sentence in a.document.sentences:
            found = spans.get((a.document.id, sentence.id), [])
            people = [(s, e, i) for s, e, i in found if kind.get(i) == "PERSON"]
            groups = [(s, e, i) for s, e, i in found if kind.get(i) in ("ORG", "NORP")]
            for ps, pe, person in people:
                for gs, ge, group in groups:
                    if (pe <= gs and _LEADER_AFTER.match(sentence.text[pe:gs])) or (
                        ge <= ps and _LEADER_BEFORE.match(sentence.text[ge:ps])
                    ):
                        leads[person].add(group)
    return leads
