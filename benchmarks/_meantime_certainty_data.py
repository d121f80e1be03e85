"""The gold of meantime_certainty.py: MEANTIME's hand-labelled event factuality (certainty, polarity, time)
on its CoNLL files, and the stories as piles for crosswire (../shared/eval-data/meantime-en)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import _ecbplus_data as ecb
from _piles import Pile, PileDoc


@dataclass
class Event:
    doc: str
    sentence: int
    start: int  # offsets in the pile document's text
    end: int
    word: str
    certainty: str
    polarity: str
    time: str

    @property
    def label(self) -> str:
        if self.polarity == "NEG":
            return "neg"
        return "hedge" if self.certainty in ("POSSIBLE", "PROBABLE") else "asserted"


@dataclass
class Gold:
    piles: list[Pile] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: dict[tuple[str, int], tuple[str, int, int]] = field(default_factory=dict)  # -> text, start, end


def _rows(path: Path) -> list[list[list[str]]]:
    sentences: list[list[list[str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            sentences[-1].append(line.split("\t"))
        elif sentences[-1]:
            sentences.append([])
    return [s for s in sentences if s]


def _tag(cell: str) -> str:
    return cell.split("-")[1] if cell.startswith(("B-", "I-")) else ""


def load(data: Path, topics: list[str]) -> Gold:
    gold = Gold()
    for topic in topics:
        pile = Pile(topic, [])
        for path in sorted((data / "conll_gold" / f"corpus_{topic}").glob("*.conll")):
            doc = path.name.split("_", 1)[0]
            rows = _rows(path)
            texts = [ecb.detokenise([r[1] for r in s]) for s in rows]
            date = datetime.strptime(texts[1][0], "%B %d, %Y").date().isoformat()
            document = PileDoc(doc, texts[0][0], [(n, texts[n][0]) for n in range(2, len(texts))], published=date)
            pile.docs.append(document)
            for n in range(2, len(rows)):
                base = document.spans[n][0]
                gold.sentences[(doc, n)] = (texts[n][0], *document.spans[n])
                for row, (start, end) in zip(rows[n], texts[n][1], strict=True):
                    if row[2].startswith("B-E"):
                        event = Event(
                            doc, n, base + start, base + end, row[1], _tag(row[3]), _tag(row[4]), _tag(row[5])
                        )
                        gold.events.append(event)
        gold.piles.append(pile)
    return gold
