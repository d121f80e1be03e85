"""Brief: a neutral headline and 5-8 summary sentences that tell the story, built on claim groups.

Claims are ranked by how many independent sources carry them (then firmness and specifics); the
chosen ones are told in the order they happened (the date of the event where the text gives one,
else when it was first reported). Each summary sentence is the clearest self-contained source
sentence of its claim: news, not background or the outlet's own opinion; no leading pronoun or
connective; quotation marks balanced. Attributed statements keep their speaker. A superseded report
never stands alone: what superseded it is told instead. Every sentence cites its claim and sources.
After the summary: the conflicts worth a reader's attention, then what only one source says.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from crosswire.models import Brief, BriefSentence, Claim, ClaimMention, Conflict, Document, Entity, TimelineEntry
from crosswire.stages.annotate import outside_quotes
from crosswire.stages.lexicons import LOADED_WORDS

MAX_WORDS = 45
MAX_SINGLE_SOURCE_LISTED = 12
_TIMESTAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*[—–-]\s*")
_FIRST_PERSON = re.compile(r"^[“\"]?(?:I|We|My|Our)\b")
# A sentence opening on a pronoun or a connective leans on the one before it: out of context it misleads.
_DEPENDENT = re.compile(
    r"^(?:He|She|It|They|This|These|That|Those|His|Her|Its|Their|Him|Them|But|And|Yet|So|Also|However|"
    r"Meanwhile|Nevertheless|Still|Instead|Then|There|Here)\b"
)
_CONFLICT_ORDER = {"polarity": 0, "supersession": 1, "numeric": 2, "temporal": 3, "attribution": 4, "other": 5}


def write_brief(
    claims: Sequence[Claim],
    conflicts: Sequence[Conflict],
    entities: Sequence[Entity],
    documents: Sequence[Document],
    max_sentences: int = 8,
    timeline: Sequence[TimelineEntry] = (),
) -> Brief:
    """Pick the best-corroborated news claims, tell them in the order they happened, cite everything."""
    docs = {d.id: d for d in documents}
    by_id = {c.id: c for c in claims}
    superseded_by = {k.superseded: k.claims[-1] for k in conflicts if k.kind == "supersession" and k.superseded}
    wording = {c.id: _wording(c, docs) for c in claims}
    usable = [c for c in claims if wording[c.id] is not None and c.status != "superseded"]
    # What superseded an earlier report is news the reader must not miss, corroborated or not.
    later = [by_id[k] for k in superseded_by.values() if k in by_id and by_id[k] in usable]
    must = list(dict.fromkeys(later))[: max(1, max_sentences // 3)]
    ranked = [c for c in sorted(usable, key=_rank, reverse=True) if c not in must]
    chosen = must + _pick(ranked, max_sentences - len(must), wording)
    happened = _event_dates(timeline)
    chosen.sort(key=lambda c: (happened.get(c.id) or c.first_reported or "9999", c.first_reported or "9999", c.id))
    disputed = {cid for k in conflicts if k.kind in ("polarity", "numeric") and k.disputes for cid in k.claims}
    summary = []
    for claim in chosen:
        mention = wording[claim.id]
        assert mention is not None
        summary.append(_sentence(claim, mention, docs, claim.id in disputed))
    ordered = sorted(conflicts, key=lambda k: (_CONFLICT_ORDER.get(k.kind, 9), k.id))
    worth = tuple(k.id for k in ordered if k.disputes or k.kind == "supersession")
    told = {c.id for c in chosen}
    single = tuple(
        c.id
        for c in sorted(usable, key=_rank, reverse=True)
        if c.independent_sources == 1 and c.id not in told and c.status == "single_source"
    )[:MAX_SINGLE_SOURCE_LISTED]
    return Brief(_headline(entities, documents, claims), tuple(summary), worth, single)


def _sentence(claim: Claim, mention: ClaimMention, docs: dict[str, Document], disputed: bool) -> BriefSentence:
    news = [m for m in claim.mentions if m.kind == "news"]
    sources = tuple(sorted({docs[m.doc].label for m in news}))
    text = _TIMESTAMP.sub("", mention.text).strip()
    independent = claim.independent_sources
    if disputed:
        note = f" [disputed between {', '.join(sources)}: see the conflicts]"
    else:
        note = f" [{independent} independent source{'s' if independent != 1 else ''}: {', '.join(sources)}"
        note += "; copies counted once]" if len(sources) > independent else "]"
    if mention.speaker_name and mention.speaker_name.split()[-1] not in text:
        note = f" (according to {mention.speaker_name})" + note
    return BriefSentence(text + note, (claim.id,), sources)


def _wording(claim: Claim, docs: dict[str, Document]) -> ClaimMention | None:
    """The clearest source sentence for a claim, or None when no mention can stand in a neutral brief."""
    candidates = [m for m in claim.mentions if m.kind == "news" and m.certainty != "denied" and _stands_alone(m)]
    if not candidates:
        return None

    def clarity(m: ClaimMention) -> tuple[bool, bool, float, int]:
        reporting = docs[m.doc].genre not in ("opinion", "analysis")
        share = (len(m.span) / max(1, len(m.text))) if m.text else 0.0
        return (reporting, m.certainty == "asserted", round(share, 1), -len(m.text))

    return max(candidates, key=clarity)


def _stands_alone(mention: ClaimMention) -> bool:
    text = _TIMESTAMP.sub("", mention.text).strip()
    if not text[:1].isupper() or text.endswith((":", "?")) or not _balanced(text) or len(text.split()) > MAX_WORDS:
        return False
    if text[:1] in "“\"‘'" or _FIRST_PERSON.match(text) or _DEPENDENT.match(text):
        return False
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", outside_quotes(text))}
    return not (words & LOADED_WORDS)


def _event_dates(timeline: Sequence[TimelineEntry]) -> dict[str, str]:
    """The earliest date the texts give for each claim's event (background years are not claims)."""
    dates: dict[str, str] = {}
    for entry in timeline:
        for claim_id in entry.claims:
            if claim_id not in dates or entry.date < dates[claim_id]:
                dates[claim_id] = entry.date
    return dates


def _pick(ranked: list[Claim], limit: int, wording: dict[str, ClaimMention | None]) -> list[Claim]:
    """Take the best claims, no more than two single-source claims from any one document, and never
    the same source sentence twice."""
    chosen: list[Claim] = []
    per_doc: Counter[str] = Counter()
    sentences: set[tuple[str, str]] = set()
    for claim in ranked:
        if len(chosen) == limit:
            break
        mention = wording[claim.id]
        assert mention is not None
        if (mention.doc, mention.sentence) in sentences:
            continue
        if claim.independent_sources < 2 and per_doc[mention.doc] >= 2:
            continue
        per_doc[mention.doc] += claim.independent_sources < 2
        sentences.add((mention.doc, mention.sentence))
        chosen.append(claim)
    return chosen


def _balanced(text: str) -> bool:
    """A sentence whose quotation marks do not pair up is a fragment of a longer quote."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _rank(claim: Claim) -> tuple[int, bool, int, int, int, float]:
    firm = sum(1 for m in claim.mentions if m.certainty == "asserted" and m.kind == "news")
    settled = claim.status != "disputed"
    # Names and numbers make a sentence checkable; a sentence full of them says what happened.
    specifics = len(re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+|\d", claim.text))
    return (claim.independent_sources, settled, firm, min(specifics, 6), len(claim.mentions), -int(claim.id[1:]) / 1e6)


def _headline(entities: Sequence[Entity], documents: Sequence[Document], claims: Sequence[Claim]) -> str:
    people = [e.name for e in entities if e.type == "PERSON"][:2]
    places = [e.name for e in entities if e.type in ("GPE", "LOC")][:1]
    subject = " and ".join(people) if people else (places[0] if places else "The story")
    outlets = Counter(d.label for d in documents)
    corroborated = sum(1 for c in claims if c.independent_sources >= 2)
    where = f" in {places[0]}" if places and people else ""
    return (
        f"{subject}{where}: {len(documents)} reports from {len(outlets)} sources, "
        f"{corroborated} claims carried by more than one"
    )
