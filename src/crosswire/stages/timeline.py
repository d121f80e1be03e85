"""Time: resolve time expressions to calendar dates, then build the story's timeline.

Relative expressions ("on Saturday", "late on Monday", "yesterday") are resolved against the
document's own publication date. A document without a date is resolved against the story's latest
stated or metadata date, with lower confidence, and says so (``anchor_basis = "story"``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from crosswire.lexicons import FUTURE_BEFORE as _FUTURE_BEFORE  # one list of plan cues for both
from crosswire.lexicons import MONTH_NUMBERS, NUMBER_WORDS, WEEKDAYS
from crosswire.models import Annotated, Claim, ClaimMention, Document, Published, TimelineEntry, TimeMention
from crosswire.stages._bounds import sane_iso, sane_year, shift
from crosswire.stages._dates import parse_date
from crosswire.stages._ids import fingerprint, numbered
from crosswire.stages._memo import document_memo, story_memo
from crosswire.stages._order import document_rank
from crosswire.stages._times_fr import future_fr, to_internal

_DAY_MONTH = (
    re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<month>[A-Za-z]+)"),
    re.compile(r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"),
)
# Counts for "two days ago", "a week earlier": the general number words, plus the article.
_SMALL_NUMBERS = {"a": 1, "an": 1, **{w: int(n) for w, n in NUMBER_WORDS.items() if " " not in w and n <= 10}}
# An entry dated more than this many days before the story's earliest document is background:
# history the articles recall, not the story's own days (a week: what "last week" still reaches).
STORY_LEAD_DAYS = 7
_CONFIDENCE = {"stated": 0.9, "metadata": 0.9, "inferred": 0.6, "story": 0.4}


def resolve_times(annotated: Sequence[Annotated]) -> tuple[Annotated, ...]:
    """Give every time mention its calendar date, precision, anchor and confidence where possible."""
    story_dates = [
        a.document.published.date
        for a in annotated
        if a.document.published.date and a.document.published.basis in ("stated", "metadata")
    ]
    story_anchor = max(story_dates) if story_dates else None
    return tuple(_resolved(doc, None if doc.document.published.date else story_anchor) for doc in annotated)


@document_memo
def _resolved(doc: Annotated, story_anchor: str | None) -> Annotated:
    """One document with its time mentions resolved against its own date, or ``story_anchor`` (the
    story's latest stated date) when it has none, and then dated from its text if it can be."""
    published = doc.document.published
    anchor, basis = (published.date, published.basis) if published.date else (story_anchor, "story")
    sentences = {s.id: s.text for s in doc.document.sentences}
    language = doc.document.language
    times = tuple(_resolve(t, sentences.get(t.sentence, ""), anchor, basis, language) for t in doc.times)
    document = doc.document if published.date else _date_from_text(doc.document, times, sentences)
    return replace(doc, document=document, times=times)


def _date_from_text(document: Document, times: Sequence[TimeMention], sentences: dict[str, str]) -> Document:
    """An undated document is dated on or after the latest day its own text reports as past or present
    (basis "inferred"): it cannot have been written before the events it tells. Days named only by a
    weekday were resolved against the story's other documents, and the evidence says so."""
    days = [
        t
        for t in times
        if t.precision == "day" and t.date and not _planned(sentences.get(t.sentence, ""), t, document.language)
    ]
    if not days:
        return document
    latest = max(days, key=lambda t: (t.date, t.sentence, t.start))
    how = (
        ""
        if latest.anchor_basis == "absolute"
        else f", resolved against the story's latest dated document ({latest.anchor})"
    )
    evidence = (
        f"latest day its own text reports: '{latest.text}' ({latest.date}{how}); "
        "the article was published on or after it"
    )
    return replace(document, published=Published(latest.date, "inferred", evidence))


def _planned(sentence: str, mention: TimeMention, language: str) -> bool:
    """Whether a plan cue ("will", "doit", "dès") makes the mention's date one ahead of the sentence."""
    if language == "fr":
        return future_fr(sentence[: mention.start], mention.text)
    return bool(_FUTURE_BEFORE.search(sentence[: mention.start]))


def _absolute_fr(written: str, internal: str) -> str | None:
    """A French full date ("le 1er juin 2023"), or a numeric one read day first ("14/03/2025")."""
    return parse_date(written.lower()) or parse_date(internal)


@story_memo  # (a desk that keeps its memos resolves only the new article's mentions at an add)
def _resolve(mention: TimeMention, sentence: str, anchor: str | None, basis: str, language: str = "en") -> TimeMention:
    # A French mention is resolved from its English rewriting; its text stays as written.
    text = to_internal(mention.text) if language == "fr" else mention.text.lower()
    absolute = parse_date(mention.text) if language != "fr" else _absolute_fr(mention.text, text)
    if absolute:
        return replace(mention, date=absolute, precision="day", confidence=0.95, anchor=None, anchor_basis="absolute")
    year = re.search(r"\b(1[89]\d{2}|20\d{2})\b", text)
    month = next((n for name, n in MONTH_NUMBERS.items() if re.search(rf"\b{name}\b", text)), None)
    if year and month is None:
        return replace(
            mention, date=year.group(1), precision="year", confidence=0.9, anchor=None, anchor_basis="absolute"
        )
    if year and month and not re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b(?!\d)", text.replace(year.group(1), "")):
        return replace(  # "January 1998": month and year, no day
            mention,
            date=f"{year.group(1)}-{month:02d}",
            precision="month",
            confidence=0.9,
            anchor=None,
            anchor_basis="absolute",
        )
    checked = sane_iso(anchor)
    if checked is None:
        return mention
    base = date.fromisoformat(checked)
    future = text.startswith("next") or _planned(sentence, mention, language)
    found = _relative(text, base, future)
    if found is None:
        return mention
    value, precision = found
    return replace(
        mention,
        date=value,
        precision=precision,
        confidence=_CONFIDENCE.get(basis, 0.4),
        anchor=anchor,
        anchor_basis=basis,
    )


def _relative(text: str, base: date, future: bool) -> tuple[str, str] | None:
    if re.fullmatch(r"\d{1,2}[:.]\d{2}", text):
        return base.isoformat(), "day"  # a live-blog entry stamped with the clock time of its day
    for index, name in enumerate(WEEKDAYS):
        if name in text:
            if future or text.startswith("next"):
                delta = (index - base.weekday()) % 7 or 7
                return _day(shift(base, delta))
            delta = (base.weekday() - index) % 7
            if text.startswith("last") and delta == 0:
                delta = 7
            return _day(shift(base, -delta))
    deictic = {
        "day after tomorrow": 2,  # never an English mention (those say "tomorrow"): French "après-demain"
        "yesterday": -1,
        "last night": -1,
        "tomorrow": 1,
        "today": 0,
        "tonight": 0,
        "this morning": 0,
        "this afternoon": 0,
        "this evening": 0,
    }
    for word, delta in deictic.items():
        if word in text:
            return _day(shift(base, delta))
    period = re.search(r"\b(last|past|this|next|coming)\s+(year|month|week)\b", text)
    if period:
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[period.group(1)]
        if period.group(2) == "year":
            return (f"{base.year + step:04d}", "year") if sane_year(base.year + step) else None
        if period.group(2) == "month":
            month_index = base.year * 12 + base.month - 1 + step
            if not sane_year(month_index // 12):
                return None
            return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}", "month"
        return None  # a week has no calendar date of our precisions
    ago = re.search(
        r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(day|week)s?\s+(ago|earlier)\b", text
    )
    if ago:
        if len(ago.group(1)) > 7:
            return None  # more days than the calendar holds
        count = int(ago.group(1)) if ago.group(1).isdigit() else _SMALL_NUMBERS.get(ago.group(1), 1)
        days = count * (7 if ago.group(2) == "week" else 1)
        return _day(shift(base, -days))  # None for "1000000 days ago"
    for pattern in _DAY_MONTH:
        for match in pattern.finditer(text):
            number = MONTH_NUMBERS.get(match.group("month").lower().rstrip("."))
            if number:
                # "30 February": no such day, so no date (never a month passed off as a day)
                return _day(_nearest_year(base, number, int(match.group("day"))))
    for name, number in MONTH_NUMBERS.items():
        if re.search(rf"\b{name}\b", text):
            if future or text.startswith("next"):
                year = base.year + (1 if number < base.month else 0)
            else:
                year = base.year - (
                    1 if number > base.month + 1 or text.startswith("last") and number >= base.month else 0
                )
            return (f"{year:04d}-{number:02d}", "month") if sane_year(year) else None
    return None


def _day(value: str | None) -> tuple[str, str] | None:
    return (value, "day") if value else None


def _nearest_year(base: date, month: int, day: int) -> str | None:
    candidates = []
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    candidates = [d for d in candidates if sane_year(d.year)]
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - base).days)).isoformat()


def date_mentions(mentions: Sequence[ClaimMention], annotated: Sequence[Annotated]) -> tuple[ClaimMention, ...]:
    """Give each claim mention the date its event took place, where the text places it:

    - "expression": a resolved date inside the clause (the one nearest its verb; of dates nested in
      one another, "yesterday, at this year's conference", the most precise);
    - "sentence": for a past, perfect or present clause, a date elsewhere in its sentence;
    - "narrative": for a clause in the simple past with no date of its own, the last day a sentence
      before it in the same paragraph gave, if that day is not after the document's own (a deadline
      ahead is not where the story is): the story goes on. The paragraph is the bound, not a count
      of sentences: an aside on another month or year ("In April, a blog had ...") does not end
      the day the paragraph tells;
    - "document": a past, perfect or present clause with no date near it happened on the document's
      day (news tells what just happened); an assumption, and ``when_basis`` says so;
    - "statement": a plan, a condition or a past perfect ("Jobs said yesterday that Apple will offer
      ...") is dated to when it was said, not to when it happens: the date in the reporting frame
      outside every clause ("said yesterday"), else the document's day. In the writer's own voice
      ("The line will reopen in the spring") the writer says it, on the document's day. The event
      itself keeps no date; the basis says the date is the statement's, and the narrative never
      dates a plan. A speaker's clause with no date of its own, in its clause or sentence, was said
      where that speaker was last dated in the article ("Jobs said on Friday ..." then "Jobs also
      said that ..."): one speaker's words in one report come from one occasion until a date says
      otherwise; that date is the statement's too, and its basis says so.
    """
    by_doc = {a.document.id: a for a in annotated}
    places: dict[str, list[int]] = defaultdict(list)  # each document's mentions, by place in ``mentions``
    for n, m in enumerate(mentions):
        places[m.doc].append(n)
    out = list(mentions)
    for doc_id, where in places.items():
        doc = by_doc.get(doc_id)
        if doc is not None:
            for n, dated in zip(where, _dated_document(doc, tuple(mentions[n] for n in where)), strict=True):
                out[n] = dated
    return tuple(out)


@document_memo
def _dated_document(doc: Annotated, mentions: tuple[ClaimMention, ...]) -> tuple[ClaimMention, ...]:
    """``date_mentions`` for the claim mentions of one document (all of them: a speaker's occasions
    are read across the document)."""
    by_doc = {doc.document.id: doc}
    dated: dict[tuple[str, str], list[TimeMention]] = defaultdict(list)
    for t in doc.times:
        if t.date and t.precision:
            dated[(t.doc, t.sentence)].append(t)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        spans[(m.doc, m.sentence)].append((m.start, m.end if m.end >= 0 else len(m.text)))
    position = {(doc.document.id, s.id): n for n, s in enumerate(doc.document.sentences)}
    occasions = _occasions(mentions, by_doc, dated, position, spans)
    out = []
    for m in mentions:
        index = position.get((m.doc, m.sentence))
        said = _occasion_before(occasions.get((m.doc, m.speaker or "")), index)
        found = _mention_date(m, doc, dated, index, spans[(m.doc, m.sentence)], said)
        out.append(replace(m, when=found[0], when_precision=found[1], when_basis=found[2]) if found else m)
    return tuple(out)


def _mention_date(
    m: ClaimMention,
    doc: Annotated,
    dated: dict[tuple[str, str], list[TimeMention]],
    index: int | None,
    clauses: Sequence[tuple[int, int]] = (),
    said: TimeMention | None = None,
) -> tuple[str, str, str] | None:
    """(date, precision, basis) for one mention; ``index`` is its sentence's place in the document,
    ``clauses`` the spans of every claim mention of its sentence (what is left is the reporting frame),
    ``said`` the date its speaker was last given before it in the document."""
    end = m.end if m.end >= 0 else len(m.text)
    at = m.head if m.head >= 0 else m.start
    in_sentence = dated.get((m.doc, m.sentence), [])
    inside = _most_precise([t for t in in_sentence if m.start <= t.start < end])
    if inside:
        best = _nearest(inside, at)
        return str(best.date), str(best.precision), "expression"
    if m.kind != "news":
        return None
    published = sane_iso(doc.document.published.date)
    if m.future or m.tense not in ("past", "perfect", "present"):
        frame = _in_frame(in_sentence, clauses)
        if frame:  # "said yesterday that ...", "In a July 16 press conference, Jobs said ..."
            best = _nearest(frame, m.start)
            return str(best.date), str(best.precision), "statement"
        if said is not None:
            return str(said.date), str(said.precision), "statement"
        return (published, "day", "statement") if published else None
    if in_sentence:  # "..., which came on Friday after ...": the sentence's date, nearest the verb first
        best = _nearest(in_sentence, at)
        return str(best.date), str(best.precision), "sentence"
    if said is not None:  # "Jobs also said that ...": on the occasion the article dated his words to
        return str(said.date), str(said.precision), "statement"
    sentences = doc.document.sentences
    if m.tense == "past" and index is not None:
        for earlier in reversed(sentences[:index]):
            if earlier.paragraph != sentences[index].paragraph:
                break
            # a day after the document's own is a deadline or a plan, not where the story is
            days = [
                t
                for t in dated.get((m.doc, earlier.id), [])
                if t.precision == "day" and (published is None or str(t.date) <= published)
            ]
            if days:
                return str(days[-1].date), "day", "narrative"
    return (published, "day", "document") if published else None


def _occasions(
    mentions: Sequence[ClaimMention],
    by_doc: dict[str, Annotated],
    dated: dict[tuple[str, str], list[TimeMention]],
    position: dict[tuple[str, str], int],
    spans: dict[tuple[str, str], list[tuple[int, int]]],
) -> dict[tuple[str, str], list[tuple[int, TimeMention]]]:
    """Per (document, speaker): the sentences whose reporting frame dates that speaker's words ("Jobs
    said on Friday that ..."), with the date nearest the clause, in document order. A date in the
    frame after the document's own day is a deadline, not when anyone spoke."""
    found: dict[tuple[str, str], dict[int, TimeMention]] = defaultdict(dict)
    for m in mentions:
        index = position.get((m.doc, m.sentence))
        doc = by_doc.get(m.doc)
        if not m.speaker or m.kind != "news" or index is None or doc is None:
            continue
        published = sane_iso(doc.document.published.date)
        frame = _in_frame(dated.get((m.doc, m.sentence), []), spans[(m.doc, m.sentence)])
        spoken = [t for t in frame if published is None or str(t.date) <= published]
        if spoken:
            found[(m.doc, m.speaker)].setdefault(index, _nearest(spoken, m.start))
    return {key: sorted(by_index.items(), key=lambda item: item[0]) for key, by_index in found.items()}


def _in_frame(times: Sequence[TimeMention], clauses: Sequence[tuple[int, int]]) -> list[TimeMention]:
    """The dates of a sentence outside every claim mention in it: its reporting frame's ("said on Monday")."""
    return [t for t in times if not any(s <= t.start < e for s, e in clauses)]


def _nearest(times: Sequence[TimeMention], at: int) -> TimeMention:
    """The date nearest a character offset, the earlier one on a tie."""
    return min(times, key=lambda t: (abs(t.start - at), t.start))


def _occasion_before(occasions: list[tuple[int, TimeMention]] | None, index: int | None) -> TimeMention | None:
    """The last dated occasion of a speaker in a sentence before ``index``."""
    if not occasions or index is None:
        return None
    earlier = [t for n, t in occasions if n < index]
    return earlier[-1] if earlier else None


def _most_precise(times: Sequence[TimeMention]) -> list[TimeMention]:
    """The dates, less those that only contain a more precise one of them ("this year" beside
    "yesterday"): of nested dates, the finest says when."""
    return [
        t
        for t in times
        if not any(
            _COARSENESS.get(str(o.precision), 1) < _COARSENESS.get(str(t.precision), 1)
            and str(o.date).startswith(str(t.date))
            for o in times
        )
    ]


_Order = tuple[str, int, int, int, int, str]  # period end, coarseness, claim, document, sentence, precision
_COARSENESS = {"day": 0, "month": 1, "year": 2}


def build_timeline(annotated: Sequence[Annotated], claims: Sequence[Claim]) -> tuple[TimelineEntry, ...]:
    """One entry per dated event: time mentions of the same date in sentences of the same claim merge."""
    dated = {(t.doc, t.sentence) for a in annotated for t in a.times if t.date and t.precision}
    spans: dict[tuple[str, str], list[tuple[int, int, Claim]]] = defaultdict(list)  # (dated ones)
    for c in claims:
        for m in c.mentions:
            if (m.doc, m.sentence) in dated:
                end = m.end if m.end >= 0 else len(m.text)
                spans[(m.doc, m.sentence)].append((m.start, end, c))

    def claim_at(doc: str, sentence: str, start: int) -> Claim | None:
        """The claim whose proposition holds the time expression (a sentence may carry several)."""
        found = spans.get((doc, sentence), [])
        inside = [c for s, e, c in found if s <= start < e]
        return inside[0] if inside else (found[0][2] if found else None)

    sentences = {(a.document.id, s.id): s.text for a in annotated for s in a.document.sentences}
    groups: dict[tuple[str, str, str], list[TimeMention]] = defaultdict(list)
    for doc in annotated:
        for mention in doc.times:
            if not mention.date or not mention.precision:
                continue
            claim = claim_at(mention.doc, mention.sentence, mention.start)
            key = (mention.date, mention.precision, claim.id if claim else f"{mention.doc}/{mention.sentence}")
            groups[key].append(mention)
    entries: list[TimelineEntry] = []
    by_id = {c.id: c for c in claims}
    place = {c.id: n for n, c in enumerate(claims)}
    rank = document_rank([a.document for a in annotated])

    def order(item: tuple[tuple[str, str, str], list[TimeMention]]) -> _Order:
        # Same date: in claim order, then dates outside claims by document (never id) and sentence.
        (when, precision, group), mentions = item
        first = mentions[0]
        number = int(first.sentence[1:]) if first.sentence[1:].isdigit() else 0
        # A month or a year sorts at its period's end, after the days within it ("2023-06" after
        # "2023-06-27"): it gives no day, so it cannot open the story's days nor be placed among them.
        end, coarseness = _period_end(when, precision), _COARSENESS.get(precision, 1)
        return (end, coarseness, place.get(group, len(place)), rank.get(first.doc, -1), number, precision)

    starts = [day for a in annotated if (day := sane_iso(a.document.published.date))]
    story_start = shift(date.fromisoformat(min(starts)), -STORY_LEAD_DAYS) if starts else None
    ordered = sorted(groups.items(), key=order)
    documents = {a.document.id: a.document for a in annotated}
    bases = []
    for key, found in ordered:
        bases.append(_entry_base(key, key[2] in by_id, found[0], documents, sentences))
    ids = numbered(bases)
    for entry_id, ((when, precision, group), mentions) in zip(ids, ordered, strict=True):
        claim = by_id.get(group)
        # The entry reads as the sentence that carries the date, never a grouped claim's other wording.
        text = sentences[(mentions[0].doc, mentions[0].sentence)]
        entries.append(
            TimelineEntry(
                id=entry_id,
                date=when,
                precision=precision,
                text=_shorten(text),
                evidence=tuple(mentions),
                claims=(claim.id,) if claim else (),
                background=story_start is not None and _period_end(when, precision) < story_start,
            )
        )
    return tuple(entries)


def _entry_base(
    key: tuple[str, str, str],
    of_claim: bool,
    first: TimeMention,
    documents: Mapping[str, Document],
    sentences: Mapping[tuple[str, str], str],
) -> str:
    """A timeline entry's id, from what groups it: its date and precision, and the claim that holds
    the date ("t-2025-03-14-4be2c1"), or, for a date outside claims, the sentence (its words and
    place) and its document's title and date. So an entry keeps its id while its claim keeps its
    own, whatever entries an article adds before it (until 2026-12-07 entries were numbered "t1",
    "t2" in date order, and one article renamed thousands of a large story's entries)."""
    when, precision, group = key
    if of_claim:  # (else ``group`` is "document id/sentence id", and ids come from file names)
        return f"t-{when}-{fingerprint(precision, group)}"
    document = documents.get(first.doc)
    title = (document.title or "") if document else ""
    published = (document.published.date or "") if document else ""
    text = sentences.get((first.doc, first.sentence), "")
    return f"t-{when}-{fingerprint(precision, title, published, first.sentence, text)}"


def _period_end(when: str, precision: str) -> str:
    """The last day a date of this precision covers ('2023-05' -> '2023-05-31'), as ISO text."""
    if precision == "year":
        return f"{when}-12-31"
    if precision == "month":
        return f"{when}-31"  # compared as text: no month has a later day
    return when


def _shorten(text: str, words: int = 30) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + " …"
