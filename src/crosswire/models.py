"""The artefacts that flow through crosswire's pipeline: frozen dataclasses, nothing else.

Every stage takes some of these and returns new ones (``dataclasses.replace``); none is mutated.
Evidence is kept everywhere: mentions carry their document id, sentence id and character offsets
into that sentence, so any line of a report can quote the sentence behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

# Certainty of a claim mention, from firmest to weakest; "denied" is a polarity, not a degree.
Certainty = Literal["asserted", "hedged", "unconfirmed", "denied"]
Genre = Literal["news", "live_blog", "breaking", "opinion", "analysis", "press_release", "other"]
COMMENTARY_GENRES = ("opinion", "analysis")  # the outlet's own evaluation, not reporting
DateBasis = Literal["stated", "metadata", "inferred", "unknown"]  # how a document's date was known
LABEL_CHARS = 48  # a title shown in place of a missing outlet is cut to this length
_HASHED = re.compile(r"[0-9a-f]{8,}")  # a document id made from a content hash says nothing to a reader
_GENRE_NAMES = {
    "news": "news report",
    "live_blog": "live blog",
    "breaking": "breaking report",
    "opinion": "opinion piece",
    "analysis": "analysis",
    "press_release": "press release",
}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as read from disk or stdin, before any cleaning."""

    id: str
    source: str
    text: str
    format: str  # "text", "markdown", "html" or "jsonl"
    html: str | None = None
    meta_title: str | None = None
    meta_outlet: str | None = None
    meta_url: str | None = None
    meta_author: str | None = None
    meta_published: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that could not be analysed: where it came from, which stage gave up, and why. Or,
    with the stage ``COPY``, articles left out as alike in every field to one read (``read_once``):
    said, but no failure."""

    source: str
    stage: str
    reason: str

    @property
    def failed(self) -> bool:
        """Whether this input failed (all but copies read once): what makes a command exit 1."""
        return self.stage != COPY

    @property
    def line(self) -> str:
        """How a command says it: "skipped a.txt: file is empty", "left out b.rss: 3 of ..."."""
        return f"{'skipped' if self.failed else 'left out'} {self.source}: {self.reason}"


COPY = "copy"  # the stage of a ``Skipped`` that says articles were read once, as copies


@dataclass(frozen=True, slots=True)
class Removed:
    """A part of the page that is not article body, with the kind of thing it is."""

    kind: str
    text: str
    why: str = ""


@dataclass(frozen=True, slots=True)
class Published:
    date: str | None
    basis: DateBasis
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    id: str
    paragraph: int
    text: str
    start: int  # offset of the sentence in Document.body
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned article: its body as paragraphs, its facts, and what was removed."""

    id: str
    source: str
    title: str | None
    outlet: str | None
    byline: str | None
    published: Published
    language: str
    genre: Genre
    paragraphs: tuple[str, ...]
    removed: tuple[Removed, ...]
    format: str = "text"
    url: str | None = None
    dateline: str | None = None
    wire_dateline: str | None = None
    block: int = 0  # the story block (see stages/blocks.py) this document was grouped into (0: one block)
    sentences: tuple[Sentence, ...] = ()
    outlet_evidence: str | None = None  # where the outlet was found, and why spellings were merged

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def label(self) -> str:
        """How a reader knows this source: its outlet, else its web host, else its title, else its kind and date
        ("untitled live blog, 2023-06-26"); never a file hash."""
        if self.outlet:
            return self.outlet
        host = urlsplit(self.url).hostname if self.url else None
        if host:
            return host.removeprefix("www.")
        if not self.title:
            # Opening words would read as a source ("Defence Minister Ivan Markov…" for an untitled live
            # blog that starts by quoting him): say what the page is instead, and its file's name where
            # that is a name ("untitled news report (harbour-notes)"): two untitled pages stay two.
            kind = _GENRE_NAMES.get(self.genre, "page")
            name = "" if _HASHED.search(self.id) else f" ({self.id})"
            return f"untitled {kind}{name}, {self.published.date}" if self.published.date else f"untitled {kind}{name}"
        title = " ".join(self.title.split())
        return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True, slots=True)
class EntityMention:
    doc: str
    sentence: str
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time expression as written, and the calendar date it resolves to (None if it doesn't)."""

    doc: str
    sentence: str
    start: int
    end: int
    text: str
    date: str | None = None
    precision: str | None = None  # "day", "month" or "year"
    confidence: float = 0.0
    anchor: str | None = None  # the date it was resolved against
    anchor_basis: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit, normalised: ranges keep both ends, units convert to a base unit."""

    doc: str
    sentence: str
    start: int
    end: int
    text: str
    low: float
    high: float
    unit: str  # base unit after normalisation ("km", "kg", "%", "count", "usd", ...)
    dimension: str  # "distance", "mass", "percent", "money", "count", "duration", "area"
    noun: str | None = None  # what is counted, e.g. "troops"
    approximate: bool = False
    original_unit: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteMention:
    """A direct quotation in one document, with the speaker as the text names them."""

    doc: str
    sentences: tuple[str, ...]
    start: int  # offset in Document.body
    end: int
    text: str
    speaker_text: str | None
    speaker_sentence: str | None = None
    block: bool = False


@dataclass(frozen=True, slots=True)
class Clause:
    """One proposition inside a sentence, found on the dependency parse.

    ``start``/``end`` are character offsets into the sentence text (the clause's extent: its words run
    from ``start`` to ``end``, possibly around a clause nested inside it). ``text`` is what the claim
    says, for matching: the clause's own words, with the antecedent of a relative pronoun put back
    ("Marchenko is now in Orlevo" for "..., who is now in Orlevo,") and a pronoun subject resolved.
    """

    start: int
    end: int
    text: str
    lemmas: tuple[str, ...] = ()
    certainty: Certainty = "asserted"
    cues: tuple[str, ...] = ()
    negated: bool = False
    future: bool = False  # a plan, a promise or a forecast ("will sign", "expects to cut"), not an event
    tense: str = ""  # "past", "present", "perfect", "pluperfect", "future", or "" (a modal, or none found)
    role: str = "main"  # "main", "reported" (complement of a reporting verb), "conjunct", "relative", "adverbial"
    subject: str = ""  # the subject's head word, lower case ("" when it is a pronoun or none was found)
    predicate: str = ""  # the lemma of the clause's head verb
    head: int = -1  # character offset of that verb in the sentence (-1: unknown)
    object: str = ""  # what the verb acts on: its object's or complement's head word, lower case


@dataclass(frozen=True, slots=True)
class SentenceInfo:
    """What annotate found about one sentence: who it is attributed to and how firmly."""

    doc: str
    sentence: str
    speaker_text: str | None
    reporting_verb: str | None
    certainty: Certainty
    cues: tuple[str, ...] = ()
    own_voice: bool = True
    is_question: bool = False
    words: int = 0
    lemmas: tuple[str, ...] = ()
    clauses: tuple[Clause, ...] = ()


@dataclass(frozen=True, slots=True)
class Annotated:
    """A document with everything annotate found in it."""

    document: Document
    entities: tuple[EntityMention, ...]
    times: tuple[TimeMention, ...]
    quantities: tuple[Quantity, ...]
    quotes: tuple[QuoteMention, ...]
    info: tuple[SentenceInfo, ...]
    # The body's MinHash signature over 5-word shingles (``cluster.shingle_signature``), made once with
    # the parse and kept with it, so near-copies are found without reading every text again.
    signature: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[EntityMention, ...]
    merges: tuple[str, ...] = ()  # why each alias was merged in, for a reader to check


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    id: str
    date: str
    precision: str
    text: str
    evidence: tuple[TimeMention, ...]
    claims: tuple[str, ...] = ()
    background: bool = False  # history from before the story's days, shown apart from the story


# What a claim mention is: news can corroborate; the rest is kept, labelled, and never counted.
MENTION_KINDS = ("news", "background", "opinion", "question")


@dataclass(frozen=True, slots=True)
class ClaimMention:
    """One proposition as one document states it: the sentence it is in and its span there."""

    doc: str
    sentence: str
    text: str  # the whole sentence, as written
    speaker: str | None  # entity id
    speaker_name: str | None
    certainty: Certainty
    cues: tuple[str, ...] = ()
    start: int = 0  # the proposition's span in ``text``
    end: int = -1
    clause: str = ""  # the proposition alone, for matching (see ``Clause.text``)
    kind: str = "news"  # one of MENTION_KINDS
    negated: bool = False
    future: bool = False  # see ``Clause.future``
    tense: str = ""  # see ``Clause.tense``
    when: str | None = None  # the day (or month, year) the event took place, where the text places it
    when_precision: str | None = None
    # How it was found: "expression" (a date in the clause), "sentence" (elsewhere in its sentence),
    # "narrative" (the paragraph's last date: the story going on), "document" (an undated past or
    # present event: the document's day, an assumption), "statement" (a reported plan, condition or
    # past perfect: the day it was said, not the day it happens). See ``timeline.date_mentions``.
    when_basis: str = ""
    subject: str = ""  # see ``Clause.subject``
    predicate: str = ""  # see ``Clause.predicate``
    head: int = -1  # see ``Clause.head``
    object: str = ""  # see ``Clause.object``
    # The words of the sentence this mention stands for (``span``), cut once: a story's stages read
    # each mention's span many times, and a span cut afresh is a new string to hash at every memo.
    _span: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        end = self.end if self.end >= 0 else len(self.text)
        object.__setattr__(self, "_span", self.text[self.start : end])

    @property
    def span(self) -> str:
        """The words of the sentence this mention stands for."""
        return self._span


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    text: str
    mentions: tuple[ClaimMention, ...]
    independent_sources: int
    first_reported: str | None
    status: str
    quantities: tuple[Quantity, ...] = ()
    normalisation: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    kind: str
    claims: tuple[str, ...]
    explanation: str
    evidence: tuple[ClaimMention, ...] = ()
    superseded: str | None = None  # claim id made obsolete, for kind "supersession"
    disputes: bool = True  # False for a relation that is no disagreement ("consistent but less precise")


@dataclass(frozen=True, slots=True)
class EventMention:
    """A claim's event verb as a mention of a happening ("brokered"). ``start`` is the word's character
    offset in its sentence, ``lemma`` its verb's lemma."""

    doc: str
    sentence: str
    start: int
    word: str
    lemma: str
    claim: str | None = None
    day: str | None = None  # the day its own sentence gives the event
    lasting: bool = False  # a state or a repeated act ("has for months accused")
    subject: str = ""  # head word of who or what does it ("" when unknown)
    object: str = ""  # head word of what it is done to ("" when unknown)
    news: bool = True  # reported as news (not background, opinion or a question)
    happened: bool = True  # told as having happened (not a plan, a possibility, a rumour or a denial)


@dataclass(frozen=True, slots=True)
class Event:
    """One happening that several claims tell, in the same or other words of theirs: the claims may
    disagree (numbers, days, a denial) or each say a different thing about it. Telling one event is no
    corroboration of any claim about it: that is counted per claim."""

    id: str
    word: str
    mentions: tuple[EventMention, ...]
    claims: tuple[str, ...]
    documents: int
    outlets: int  # independent outlets that tell it (one outlet's pages and copies count once)


@dataclass(frozen=True, slots=True)
class Quote:
    id: str
    text: str
    speaker: str | None
    speaker_name: str | None
    mentions: tuple[QuoteMention, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    doc: str
    framing: tuple[tuple[str, int], ...]
    loaded_language: float
    hedging_rate: float
    attribution_rate: float
    unique_claims: int
    loaded_examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefSentence:
    text: str
    claims: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Brief:
    headline: str
    summary: tuple[BriefSentence, ...]
    disputed: tuple[str, ...] = ()
    single_source: tuple[str, ...] = ()  # claims only one source carries, most telling first


@dataclass(frozen=True, slots=True)
class Dossier:
    documents: tuple[Document, ...]
    entities: tuple[Entity, ...]
    timeline: tuple[TimelineEntry, ...]
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...]
    quotes: tuple[Quote, ...]
    profiles: tuple[Profile, ...]
    brief: Brief
    errors: tuple[Skipped, ...] = ()
    stats: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    events: tuple[Event, ...] = ()
