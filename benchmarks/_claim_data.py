"""The gold data of the claim-matching benchmarks as piles: ECB+ topics with their event mentions, and the
MEANTIME stories with the SemEval-2015 TimeLine lines (../shared/eval-data/ecbplus and meantime-en).

The Apple trial timelines use other document ids; map_trial_ids maps them to MEANTIME's by the
document that holds their event words, and locate finds an event word near its sentence."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import _ecbplus_data as ecb
from _piles import Pile, PileDoc, Unit

TIMELINES = ("corpus_1", "corpus_2", "corpus_3")  # airbus, gm, stock; the trial data is apple


def load_ecb(data: Path, topics: list[str]) -> tuple[list[Pile], list[Any], list[Unit], list[Unit], dict]:
    """Topic piles; gold event mentions (``_ecbplus_data.Mention``, head lemma added); the
    mentions as units (first character); the annotated sentences as units."""
    docs = [d for d in ecb.load(data)[0] if d.topic in topics]
    stats: Counter[str] = Counter()
    mentions: list[ecb.Mention] = []
    for doc in docs:
        root = ET.parse(doc.path).getroot()
        token = {t.get("t_id"): (int(t.attrib["sentence"]), int(t.attrib["number"])) for t in root.iter("token")}
        chain: dict[str | None, str] = {}
        for rel in root.iterfind("Relations/CROSS_DOC_COREF"):
            chain |= {src.get("m_id"): f"{doc.topic}:{rel.get('note')}" for src in rel.iter("source")}
        seen: set[tuple[int, ...]] = set()
        for mark in root.iterfind("Markables/*"):
            anchors = sorted(token[a.get("t_id")] for a in mark.findall("token_anchor"))
            if not mark.tag.startswith(("ACTION_", "NEG_ACTION_")) or not anchors:
                continue
            s, numbers = anchors[0][0], tuple(n for _, n in anchors)
            if s not in doc.annotated:
                continue
            if anchors[-1][0] != s or (s, *numbers) in seen:
                stats["skipped: crosses sentences or duplicate span"] += 1
                continue
            seen.add((s, *numbers))
            mid = mark.get("m_id")
            stats["in a cross-document chain" if mid in chain else "singleton (no chain)"] += 1
            gold = chain.get(mid, f"{doc.name}:single:{mid}")
            mention = ecb.Mention(f"{doc.name}#{mid}", doc.topic, doc.name, s, numbers[0], numbers[-1], "", gold)
            mentions.append(mention)
    ecb.add_heads(docs, mentions)
    piles = {t: Pile(t, []) for t in topics}
    pdocs: dict[str, PileDoc] = {}
    for d in docs:
        url = "".join(d.sentences[0]) if d.sentences[0][0] == "http" and 0 not in d.annotated else None
        kept = [(n, t) for n, t in d.texts.items() if n or not url]
        group = d.name.split("_", 1)[1].lstrip("0123456789")
        pdocs[d.name] = PileDoc(d.name, d.name, kept, url=url, group=group)
        piles[d.topic].docs.append(pdocs[d.name])
    offsets = {d.name: d.offsets for d in docs}
    units = []
    for m in mentions:
        start = pdocs[m.doc].spans[m.sentence][0] + offsets[m.doc][m.sentence][m.first][0]
        units.append(Unit(m.id, m.doc, start, start + 1))
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        if ":single:" not in m.chain:
            chains[(m.doc, m.sentence)].add(m.chain)
    sentences = []
    for d in docs:
        for s in d.annotated:
            start, end = pdocs[d.name].spans[s]
            sentences.append(Unit(f"{d.name}/{s}", d.name, start, end, d.texts[s], frozenset(chains[(d.name, s)])))
    return [p for p in piles.values() if p.docs], mentions, units, sentences, dict(stats)


def conll_tokens(path: Path) -> list[list[str]]:
    sentences: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            sentences[-1].append(line.split("\t")[1])
        elif sentences[-1]:
            sentences.append([])
    return [s for s in sentences if s]


def timeline_lines(folder: Path, name: str) -> list[tuple[str, list[str]]]:
    """(line id, ['docid-sentence-word', ...]) for every line of every timeline in a folder."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()[1:]):
            out.append((f"{name}/{path.stem}:{i}", line.split("\t")[2:]))
    return out


def load_meantime(data: Path) -> tuple[list[Pile], list[Unit], dict]:
    """Story piles, and the body sentences of the gold timelines as units (chains: their lines)."""
    tokens: dict[str, list[list[str]]] = {}
    piles = []
    for folder in sorted((data / "conll_gold").glob("corpus_*")):
        pile = Pile(folder.name.removeprefix("corpus_"), [])
        for path in sorted(folder.glob("*.conll")):
            doc = path.name.split("_", 1)[0]
            tokens[doc] = conll_tokens(path)
            texts = [ecb.detokenise(s)[0] for s in tokens[doc]]
            date = datetime.strptime(texts[1], "%B %d, %Y").date().isoformat()
            pile.docs.append(PileDoc(doc, texts[0], list(enumerate(texts))[2:], published=date))
        piles.append(pile)
    base = data / "semeval2015-timelines"
    lines = [x for c in TIMELINES for x in timeline_lines(base / c / "TimeLines_Gold_Standard", c)]
    trial = timeline_lines(base / "TimeLines_trial_data_task4_v1.2", "apple")
    rename = map_trial_ids(trial, {d.id: tokens[d.id] for p in piles if p.name == "apple" for d in p.docs})
    lines += [(i, [rename.get(r.split("-")[0], "?") + r[r.find("-") :] for r in refs]) for i, refs in trial]
    stats: Counter[str] = Counter({"apple trial document ids mapped": len(rename)})
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    for line_id, refs in lines:
        for doc, number, word in ((ref.split("-", 2) + ["", ""])[:3] for ref in refs):
            found = locate(tokens.get(doc), int(number) if number.isdigit() else -9, word)
            stats["mentions (apple: trial timelines)" if line_id.startswith("apple") else "mentions"] += 1
            if found is None:
                stats["not located"] += 1
            elif found < 2:
                stats["in a title or date line (left out)"] += 1
            else:
                chains[(doc, found)].add(line_id)
    text = {(d.id, n): (t, *d.spans[n]) for p in piles for d in p.docs for n, t in d.sentences}
    units = []
    for (doc, n), c in sorted(chains.items()):
        sentence, start, end = text[(doc, n)]
        units.append(Unit(f"{doc}/{n}", doc, start, end, sentence, frozenset(c)))
    return piles, units, dict(stats)


def locate(sentences: list[list[str]] | None, number: int, word: str) -> int | None:
    """The sentence near ``number`` that holds the event word ('rolled_out': 'rolled')."""
    for k in (number, number - 1, number + 1, number - 2, number + 2):
        if sentences and 0 <= k < len(sentences) and word.split("_")[0] in sentences[k]:
            return k
    return None


def map_trial_ids(trial: list[tuple[str, list[str]]], docs: dict[str, list[list[str]]]) -> dict[str, str]:
    """Trial document id -> MEANTIME id: the document holding 80% or more of its (sentence, word)
    references, strictly more than any other; a document claimed twice goes to the better id."""
    refs: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc, number, word in (r.split("-", 2) for _, rs in trial for r in rs if r.count("-") >= 2):
        if number.isdigit():
            refs[doc].append((int(number), word))
    best: dict[str, tuple[int, str]] = {}
    for tid, rs in refs.items():
        hits = sorted(
            ((sum(locate(ss, n, w) == n for n, w in rs), d) for d, ss in docs.items()),
            reverse=True,
        )
        (top, doc), (second, _) = hits[0], hits[1]
        if top >= 0.8 * len(rs) and top > second and top > best.get(doc, (0, ""))[0]:
            best[doc] = (top, tid)
    return {tid: doc for doc, (_, tid) in best.items()}
