"""The gold of meantime_timeline.py: dated anchors from the SemEval-2015 TimeLine lines on MEANTIME, and
crosswire's time mentions placed on its cleaned bodies (see the script's docstring for the definitions)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _ecbplus_data as ecb
from _claim_data import (
    TIMELINES,
    conll_tokens,
    load_meantime,
    locate,
    map_trial_ids,
    timeline_lines,
)
from _piles import Pile, PileDoc

CORPORA = dict(zip(TIMELINES, ("airbus", "gm", "stock"), strict=True))  # SOURCE.md's 458 anchors


RANK = {"year": 0, "month": 1, "day": 2}


Dated = tuple[str, str]  # (date, precision): "2008", "year" / "2008-03", "month" / "2008-03-17", "day"


@dataclass
class Anchor:
    topic: str
    doc: str
    sentence: int  # gold sentence number (0 title, 1 date line, 2... body)
    date: str
    precision: str
    start: int  # the sentence's offsets in the pile document's text
    end: int
    text: str
    published: str
    events: list[tuple[int, str]] = field(default_factory=list)  # (offset in the pile text, word)
    lines: set[str] = field(default_factory=set)

    @property
    def on_pubdate(self) -> bool:
        return agrees((self.published, "day"), self.date, self.precision)


@dataclass
class Time:
    """A resolved time mention, placed in crosswire's body of its document."""

    start: int
    end: int
    text: str
    date: str
    precision: str
    entry: str = ""  # the timeline entry holding it ("" for a bare resolved time)


def gold_date(raw: str) -> Dated | None:
    """'2008-03-XX' -> ('2008-03', 'month'); 'XXXX-XX-XX' and 'XXX-XX-XX' -> None (no known year)."""
    parts = raw.strip().split("-")
    if not re.fullmatch(r"\d{4}", parts[0]):
        return None
    kept = [parts[0]]
    for part in parts[1:3]:
        if not re.fullmatch(r"\d\d", part):
            break
        kept.append(part)
    return "-".join(kept), ("year", "month", "day")[len(kept) - 1]


def agrees(predicted: Dated, gold: str, precision: str) -> bool:
    when, own = predicted
    return RANK.get(own, -1) >= RANK[precision] and when[: len(gold)] == gold


def _line_dates(folder: Path, name: str) -> dict[str, str]:
    """Line id (as ``timeline_lines`` names it) -> the line's date."""
    out = {}
    for path in sorted(folder.glob("*.txt")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()[1:]):
            out[f"{name}/{path.stem}:{i}"] = line.split("\t")[1]
    return out


def load(data: Path, topics: list[str]) -> tuple[list[Pile], list[Anchor], dict[str, int]]:
    """The topics' piles and their gold anchors."""
    piles = [p for p in load_meantime(data)[0] if p.name in topics]
    docs: dict[str, tuple[str, PileDoc]] = {d.id: (p.name, d) for p in piles for d in p.docs}
    tokens = {
        path.name.split("_", 1)[0]: conll_tokens(path)
        for topic in topics
        for path in sorted((data / "conll_gold" / f"corpus_{topic}").glob("*.conll"))
    }
    base = data / "semeval2015-timelines"
    lines: list[tuple[str, list[str]]] = []
    dates: dict[str, str] = {}
    for corpus, topic in CORPORA.items():
        if topic in topics:
            folder = base / corpus / "TimeLines_Gold_Standard"
            lines += timeline_lines(folder, corpus)
            dates |= _line_dates(folder, corpus)
    if "apple" in topics:
        folder = base / "TimeLines_trial_data_task4_v1.2"
        trial = timeline_lines(folder, "apple")
        rename = map_trial_ids(trial, {d: tokens[d] for d, (t, _) in docs.items() if t == "apple"})
        lines += [(i, [rename.get(r.split("-")[0], "?") + r[r.find("-") :] for r in refs]) for i, refs in trial]
        dates |= _line_dates(folder, "apple")
    stats: Counter[str] = Counter()
    anchors: dict[tuple[str, int, str], Anchor] = {}
    for line_id, refs in lines:
        dated = gold_date(dates[line_id])
        for doc, number, word in ((ref.split("-", 2) + ["", ""])[:3] for ref in refs):
            stats["event mentions"] += 1
            found = locate(tokens.get(doc), int(number) if number.isdigit() else -9, word)
            if found is None or doc not in docs:
                stats["not located"] += 1
                continue
            if dated is None:
                stats["undated (no known year)"] += 1
                continue
            if found < 2:
                stats["in a title or date line (left out)"] += 1
                continue
            topic, pdoc = docs[doc]
            key = (doc, found, dated[0])
            if key not in anchors:
                text = ecb.detokenise(tokens[doc][found])[0]
                start, end = pdoc.spans[found]
                anchors[key] = Anchor(topic, doc, found, *dated, start, end, text, pdoc.published or "")
            offsets = ecb.detokenise(tokens[doc][found])[1]
            at = tokens[doc][found].index(word.split("_")[0])
            anchors[key].events.append((pdoc.spans[found][0] + offsets[at][0], word))
            anchors[key].lines.add(line_id)
    stats["anchors"] = len(anchors)
    out = sorted(anchors.values(), key=lambda a: (a.topic, a.doc, a.sentence, a.date))
    for a in out:
        a.events = sorted(set(a.events))
    return piles, out, dict(stats)


def times_on_bodies(dossier: Any, resolved: Any) -> tuple[dict[str, list[Time]], dict[str, list[Time]]]:
    """Per document, in body order: the timeline's evidence, and every resolved time with a date."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    timeline: dict[str, list[Time]] = defaultdict(list)
    for entry in dossier.timeline:
        for m in entry.evidence:
            base = starts[(m.doc, m.sentence)]
            timeline[m.doc].append(Time(base + m.start, base + m.end, m.text, entry.date, entry.precision, entry.id))
    bare: dict[str, list[Time]] = defaultdict(list)
    for a in resolved:
        base = {s.id: s.start for s in a.document.sentences}
        for m in a.times:
            if m.date and m.precision:
                bare[m.doc].append(
                    Time(base[m.sentence] + m.start, base[m.sentence] + m.end, m.text, m.date, m.precision)
                )
    for found in (*timeline.values(), *bare.values()):
        found.sort(key=lambda t: t.start)
    return timeline, bare


def claim_dates(dossier: Any) -> dict[str, list[tuple[int, int, Time]]]:
    """Per document: (body start, body end, date) of every claim mention crosswire dated ('when')."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    found: dict[str, list[tuple[int, int, Time]]] = defaultdict(list)
    for claim in dossier.claims:
        for m in claim.mentions:
            base = starts[(m.doc, m.sentence)]
            end = m.end if m.end >= 0 else len(m.text)
            if m.when:
                label = f"{m.when_basis}: {m.span[:40]}"
                found[m.doc].append((base + m.start, base + end, Time(-1, -1, label, m.when, m.when_precision)))
    return found


def distance(t: Time, at: list[int]) -> int:
    return min(max(t.start - e, e - t.end + 1, 0) for e in at)
