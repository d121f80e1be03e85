"""Brief: a neutral headline and 5-10 summary sentences from the best-corroborated claims.

Every summary sentence is the wording of one source sentence (so it can be checked), cites the
claim it comes from and names the outlets that carry it. Superseded claims, questions, quotes in
the first person and sentences with loaded wording in the outlet's own voice are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from crosswire.models import Brief, BriefSentence, Claim, Conflict, Document, Entity
from crosswire.stages.annotate import outside_quotes
from crosswire.stages.lexicons import LOADED_WORDS

MAX_WORDS = 45
_TIMESTAMP = re.compile(r"^\s*\d{1,2}[:.]\d{2}\s*[—–-]\s*")
_FIRST_PERSON = re.compile(r"^[“\"]?(?:I|We|My|Our)\b")
# A sentence opening on a pronoun or a connective leans on the one before it: out of context it misleads.
_DEPENDENT = re.compile(r"^(?:He|She|It|They|This|These|That|Those|His|Her|Its|Their|But|And|Yet|So|Also)\b")
_CONFLICT_ORDER = {"polarity": 0, "supersession": 1, "numeric": 2, "temporal": 3, "attribution": 4, "other": 5}


def write_brief(
    claims: Sequence[Claim],
    conflicts: Sequence[Conflict],
    entities: Sequence[Entity],
    documents: Sequence[Document],
    max_sentences: int = 8,
) -> Brief:
    """Pick the best-corroborated, neutral claims, order them in time, cite claims and sources."""
    outlets = {d.id: d.outlet or d.id for d in documents}
    by_id = {c.id: c for c in claims}
    # What superseded an earlier report is news the reader must not miss, corroborated or not.
    later = [by_id[k.claims[-1]] for k in conflicts if k.kind == "supersession" and k.claims[-1] in by_id]
    must = list(dict.fromkeys(c for c in later if _usable(c)))[: max(1, max_sentences // 3)]
    ranked = [c for c in sorted((c for c in claims if _usable(c)), key=_rank, reverse=True) if c not in must]
    chosen = must + _pick(ranked, max_sentences - len(must))
    chosen.sort(key=lambda c: (c.first_reported or "9999", c.id))
    disputed_ids = {
        cid for k in conflicts if k.kind in ("polarity", "numeric") and "disagree" in k.explanation for cid in k.claims
    } | {cid for k in conflicts if k.kind == "polarity" for cid in k.claims}
    summary = []
    for claim in chosen:
        sources = tuple(sorted({outlets[m.doc] for m in claim.mentions}))
        text = _TIMESTAMP.sub("", claim.text).strip()
        independent = claim.independent_sources
        note = f" [{independent} independent source{'s' if independent > 1 else ''}: {', '.join(sources)}"
        note += "; copies counted once]" if len(sources) > independent else "]"
        if claim.id in disputed_ids:
            note = f" [disputed between {', '.join(sources)}: see the conflicts]"
        summary.append(BriefSentence(text + note, (claim.id,), sources))
    ordered = sorted(conflicts, key=lambda k: (_CONFLICT_ORDER.get(k.kind, 9), k.id))
    worth = tuple(k.id for k in ordered if "consistent" not in k.explanation)
    return Brief(_headline(entities, documents, claims), tuple(summary), worth)


def _pick(ranked: list[Claim], limit: int) -> list[Claim]:
    """Take the best claims, but no more than two single-source claims from any one document."""
    chosen: list[Claim] = []
    per_doc: Counter[str] = Counter()
    for claim in ranked:
        if len(chosen) == limit:
            break
        doc = claim.mentions[0].doc
        if claim.independent_sources < 2 and per_doc[doc] >= 2:
            continue
        per_doc[doc] += claim.independent_sources < 2
        chosen.append(claim)
    return chosen


def _usable(claim: Claim) -> bool:
    text = _TIMESTAMP.sub("", claim.text).strip()
    if not text[:1].isupper() or text.endswith(":") or not _balanced(text):
        return False
    if claim.status == "superseded" or len(text.split()) > MAX_WORDS or text.rstrip().endswith("?"):
        return False
    if (
        text.lstrip()[:1] in "“\"‘'"
        or _FIRST_PERSON.match(text)
        or _DEPENDENT.match(text)
        or not any(m.certainty != "denied" for m in claim.mentions)
    ):
        return False
    words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]+", outside_quotes(text))}
    return not (words & LOADED_WORDS)


def _balanced(text: str) -> bool:
    """A sentence whose quotation marks do not pair up is a fragment of a longer quote."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def _rank(claim: Claim) -> tuple[int, bool, int, int, int, float]:
    firm = sum(1 for m in claim.mentions if m.certainty == "asserted")
    settled = claim.status != "disputed"
    # Names and numbers make a sentence checkable; a sentence full of them says what happened.
    specifics = len(re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+|\d", claim.text))
    return (claim.independent_sources, settled, firm, min(specifics, 6), len(claim.mentions), -int(claim.id[1:]) / 1e6)


def _headline(entities: Sequence[Entity], documents: Sequence[Document], claims: Sequence[Claim]) -> str:
    people = [e.name for e in entities if e.type == "PERSON"][:2]
    places = [e.name for e in entities if e.type in ("GPE", "LOC")][:1]
    subject = " and ".join(people) if people else (places[0] if places else "The story")
    outlets = Counter(d.outlet or d.id for d in documents)
    corroborated = sum(1 for c in claims if c.independent_sources >= 2)
    where = f" in {places[0]}" if places and people else ""
    return (
        f"{subject}{where}: {len(documents)} reports from {len(outlets)} sources, "
        f"{corroborated} claims carried by more than one"
    )
