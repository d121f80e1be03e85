"""Claim matching against gold same-event annotations: ECB+ event coreference, MEANTIME timelines.

    python benchmarks/claim_matching.py [--split test|dev] [--sweep [V ...]] [--claim-similarity V]
                                        [--limit-topics N] [--no-ecb] [--no-meantime]

Each ECB+ topic and MEANTIME story is one pile (JSON Lines with our own document ids), parsed once
with crosswire's ``prepare`` + ``annotate_all`` and reconciled once per ``claim_similarity`` value.
Text: gold tokens detokenised (``ecbplus_entities.detokenise``), sentences joined with spaces; a
sentence without final punctuation (headline, date line) ends its paragraph. ECB+ pages are given
whole, the URL line as ``url``, no date; MEANTIME articles without their title and date line, which
become ``title`` and ``published``. Gold offsets are carried onto crosswire's cleaned body (through
a character alignment where cleaning changed it; removed text maps nowhere). A claim mention spans
``start``-``end`` of its sentence when ClaimMention has them, else the whole sentence.

1. ECB+ event coreference (test topics 36-45, or --split dev): gold event mentions (ACTION_*,
   NEG_ACTION_*) of the sentences in ECBplus_coreference_sentences.csv; gold topic piles, and gold
   sub-topic piles (a topic's ecb / ecbplus files); singletons included. A mention goes to the claim
   whose mention span covers its first character (the shortest span if several), else it is a
   singleton; "verbs only": a mention joins the claim whose clause has it as its head verb, every
   other mention is a singleton (a claim is one proposition, and one clause holds several gold
   events: "the quake killed 12" has "quake" and "killed"). Gold: its CROSS_DOC_COREF instance,
   else a singleton. MUC, B3, CEAF-e, CoNLL F1 from
   ``ecbplus_entities.score``. Baselines: same head lemma in the pile (spaCy head of the gold span,
   parsed on the gold tokens by ``ecbplus_entities.add_heads``); all singletons.
2. ECB+ sentence pairs: cross-document pairs of annotated sentences of a topic, positive when they
   share a gold cross-document chain. Average precision of MiniLM cosine, TF-IDF cosine (lowercased
   content words, IDF fitted on the topic's sentences) and content-word Jaccard; crosswire ("share a
   claim") as one operating point, and the cosine's recall at crosswire's precision.
3. MEANTIME / SemEval-2015 TimeLine: mentions on one timeline line are one event (the event word is
   looked for in its sentence, then up to 2 sentences away). Gold pairs: cross-document pairs of
   body sentences on one line. Candidates (the precision proxy's universe): cross-document pairs of
   body sentences found in some gold timeline. The Apple trial timelines use other document ids,
   mapped here to MEANTIME ids by the document that holds their event words.
4. --sweep: 1-3 for each claim_similarity value, on the same parsed piles.

Writes benchmarks/results/claim_matching.{json,md} (claim_matching_dev.* for --split dev); a run
with --limit-topics writes nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import itertools
import json
import platform
import re
import shlex
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ecbplus_entities as ecb  # noqa: E402  (ECB+ loader, detokeniser, head finder and scorer)

import crosswire  # noqa: E402
from crosswire.analysis.pipeline import annotate_all, load_pipeline, prepare, reconcile  # noqa: E402
from crosswire.models import ClaimMention  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.stages._encoder import load_encoder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "eval-data"
RESULTS = ROOT / "benchmarks" / "results"
SPLITS = {
    "test": [str(t) for t in range(36, 46)],
    "dev": ["2", "5", "12", "18", "21", "23", "34", "35"],
}
SWEEP = [round(0.3 + 0.05 * i, 2) for i in range(9)]
TIMELINES = ("corpus_1", "corpus_2", "corpus_3")  # airbus, gm, stock; the trial data is apple
SOURCE_MD = "SOURCE.md: 42 pairs; crosswire R 0.071, P 3/37; Jaccard >= 0.3 R 0.167, P 7/60"
ENDS = tuple(".!?\"'”’)")
WORD = re.compile(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*")
SCORES = ("MiniLM cosine", "TF-IDF cosine", "word Jaccard")
COREF_HEADER = ["piles", "system", "MUC R / P / F", "B3 R / P / F", "CEAF-e R / P / F", "CoNLL F1"]
MEANTIME_HEADER = ["Jaccard >= 0.3", "cosine R at crosswire's P", "AP " + " / ".join(SCORES)]
Where = Callable[[int], int | None]


@dataclass
class PileDoc:
    id: str
    title: str
    sentences: list[tuple[int, str]]  # (gold sentence number, detokenised text)
    published: str | None = None
    url: str | None = None
    group: str = ""  # ECB+ sub-topic: "ecb" or "ecbplus"
    text: str = ""
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # sentence -> offsets in text

    def __post_init__(self) -> None:
        for number, sentence in self.sentences:
            if self.text:
                self.text += " " if self.text.endswith(ENDS) else "\n\n"
            self.spans[number] = (len(self.text), len(self.text) + len(sentence))
            self.text += sentence


@dataclass
class Unit:
    """A gold item in a pile document: an event mention (its first character) or a sentence."""

    id: str
    doc: str
    start: int
    end: int
    text: str = ""
    chains: frozenset[str] = frozenset()


@dataclass
class Pile:
    name: str
    docs: list[PileDoc]
    annotated: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    where: dict[str, Where] = field(default_factory=dict)  # doc -> (our offset -> body offset)

    def own(self, units: list[Unit]) -> list[Unit]:
        ids = {d.id for d in self.docs}
        return [u for u in units if u.doc in ids]


def offset_map(text: str, body: str) -> Where:
    """Offsets in the text we gave crosswire -> offsets in its cleaned body (None: cleaned away)."""
    if text == body:
        return lambda i: i
    blocks = difflib.SequenceMatcher(None, text, body, autojunk=False).get_matching_blocks()
    return lambda i: next((b + i - a for a, b, n in blocks if a <= i < a + n), None)


def parse(pile: Pile, settings: Settings, nlp: Any) -> None:
    """Ingest, clean and annotate the pile once; keep how our offsets land in each body."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{pile.name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for d in pile.docs:
                outlet = "Wikinews" if d.published else None
                row = dict(id=d.id, title=d.title, text=d.text, published=d.published, url=d.url)
                out.write(json.dumps(row | {"outlet": outlet}) + "\n")
        docs, pile.errors = prepare([str(path)], settings, None, {})
    for i, e in enumerate(pile.errors):  # '<tmp>/<pile>.jsonl:<line>' -> the document's id
        line = e.source.rsplit(":", 1)[-1]
        pile.errors[i] = replace(e, source=pile.docs[int(line) - 1].id if line.isdigit() else e.source)
    pile.annotated = annotate_all(docs, settings, nlp, None, {})
    text = {d.id: d.text for d in pile.docs}
    for a in pile.annotated:
        pile.where[a.document.id] = offset_map(text[a.document.id], a.document.body)


def nowhere(i: int) -> None:
    return None


def claims_on(pile: Pile, dossier: Any, units: list[Unit]) -> dict[str, list[str]]:
    """For each unit, the claims with a mention span over it, shortest span first."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for claim in dossier.claims:
        for m in claim.mentions:
            base = starts[(m.doc, m.sentence)]
            end = getattr(m, "end", -1)  # -1: to the end of the sentence
            end = base + (end if end >= 0 else len(m.text))
            spans[m.doc].append((base + getattr(m, "start", 0), end, f"{pile.name}:{claim.id}"))
    out: dict[str, list[str]] = {}
    for u in units:
        where = pile.where.get(u.doc, nowhere)
        a, b = where(u.start), where(u.end - 1)
        if a is None:
            out[u.id] = []
            continue
        b = a + 1 if b is None else b + 1
        out[u.id] = [c for _, c in sorted((e - s, c) for s, e, c in spans[u.doc] if s < b and a < e)]
    return out


def claims_at_verbs(pile: Pile, dossier: Any, units: list[Unit]) -> dict[str, list[str]]:
    """For each unit, the claims whose mention's head verb is the unit's first character: a gold
    event mention joins a claim only as the verb of its clause, the other event words of the clause
    (nominal events, infinitives, participles inside it) stay singletons."""
    starts = {(d.id, s.id): s.start for d in dossier.documents for s in d.sentences}
    at: dict[tuple[str, int], list[str]] = defaultdict(list)
    for claim in dossier.claims:
        for m in claim.mentions:
            if getattr(m, "head", -1) >= 0:
                at[(m.doc, starts[(m.doc, m.sentence)] + m.head)].append(f"{pile.name}:{claim.id}")
    out: dict[str, list[str]] = {}
    for u in units:
        first = pile.where.get(u.doc, nowhere)(u.start)
        out[u.id] = at.get((u.doc, first), []) if first is not None else []
    return out


def with_events(pile: Pile, dossier: Any, found: dict[str, list[str]], instead: bool = False) -> dict[str, list[str]]:
    """Each unit's claims and the events those claims belong to (``dossier.events``): two units that
    share an event are predicted to tell one happening. ``instead``: the event replaces its claim
    (for clustering, a claim in an event is that event)."""
    event_of = {f"{pile.name}:{c}": f"{pile.name}:{v.id}" for v in getattr(dossier, "events", ()) for c in v.claims}
    if instead:
        return {u: [event_of.get(c, c) for c in cs] for u, cs in found.items()}
    return {u: cs + [event_of[c] for c in cs if c in event_of] for u, cs in found.items()}


# ------------------------------------------------------------------------------------------ data


def load_ecb(data: Path, topics: list[str]) -> tuple[list[Pile], list[Any], list[Unit], list[Unit], dict]:
    """Topic piles; gold event mentions (``ecbplus_entities.Mention``, head lemma added); the
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


def _conll_tokens(path: Path) -> list[list[str]]:
    sentences: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            sentences[-1].append(line.split("\t")[1])
        elif sentences[-1]:
            sentences.append([])
    return [s for s in sentences if s]


def _timeline_lines(folder: Path, name: str) -> list[tuple[str, list[str]]]:
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
            tokens[doc] = _conll_tokens(path)
            texts = [ecb.detokenise(s)[0] for s in tokens[doc]]
            date = datetime.strptime(texts[1], "%B %d, %Y").date().isoformat()
            pile.docs.append(PileDoc(doc, texts[0], list(enumerate(texts))[2:], published=date))
        piles.append(pile)
    base = data / "semeval2015-timelines"
    lines = [x for c in TIMELINES for x in _timeline_lines(base / c / "TimeLines_Gold_Standard", c)]
    trial = _timeline_lines(base / "TimeLines_trial_data_task4_v1.2", "apple")
    rename = _map_trial_ids(trial, {d.id: tokens[d.id] for p in piles if p.name == "apple" for d in p.docs})
    lines += [(i, [rename.get(r.split("-")[0], "?") + r[r.find("-") :] for r in refs]) for i, refs in trial]
    stats: Counter[str] = Counter({"apple trial document ids mapped": len(rename)})
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    for line_id, refs in lines:
        for doc, number, word in ((ref.split("-", 2) + ["", ""])[:3] for ref in refs):
            found = _locate(tokens.get(doc), int(number) if number.isdigit() else -9, word)
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


def _locate(sentences: list[list[str]] | None, number: int, word: str) -> int | None:
    """The sentence near ``number`` that holds the event word ('rolled_out': 'rolled')."""
    for k in (number, number - 1, number + 1, number - 2, number + 2):
        if sentences and 0 <= k < len(sentences) and word.split("_")[0] in sentences[k]:
            return k
    return None


def _map_trial_ids(trial: list[tuple[str, list[str]]], docs: dict[str, list[list[str]]]) -> dict[str, str]:
    """Trial document id -> MEANTIME id: the document holding 80% or more of its (sentence, word)
    references, strictly more than any other; a document claimed twice goes to the better id."""
    refs: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc, number, word in (r.split("-", 2) for _, rs in trial for r in rs if r.count("-") >= 2):
        if number.isdigit():
            refs[doc].append((int(number), word))
    best: dict[str, tuple[int, str]] = {}
    for tid, rs in refs.items():
        hits = sorted(
            ((sum(_locate(ss, n, w) == n for n, w in rs), d) for d, ss in docs.items()),
            reverse=True,
        )
        (top, doc), (second, _) = hits[0], hits[1]
        if top >= 0.8 * len(rs) and top > second and top > best.get(doc, (0, ""))[0]:
            best[doc] = (top, tid)
    return {tid: doc for doc, (_, tid) in best.items()}


# ---------------------------------------------------------------------------------------- scores


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


@dataclass
class Pairs:
    """Cross-document pairs of sentence units within each pile: gold labels and baseline scores."""

    a: list[str]
    b: list[str]
    pile: np.ndarray
    gold: np.ndarray
    scores: dict[str, np.ndarray]


def make_pairs(piles: list[Pile], units: list[Unit], encoder: Any) -> Pairs:
    a, b, pile_of, gold, scores = [], [], [], [], defaultdict(list)
    vectors = dict(zip([u.id for u in units], encoder.encode([u.text for u in units]), strict=True)) if encoder else {}
    for pile in piles:
        us = pile.own(units)
        tfidf = TfidfVectorizer(analyzer=content_words, sublinear_tf=True)
        tfidf.fit([t for d in pile.docs for _, t in d.sentences])
        rows = tfidf.transform([u.text for u in us])
        cosine = (rows @ rows.T).toarray()
        words = [set(content_words(u.text)) for u in us]
        for i, j in itertools.combinations(range(len(us)), 2):
            if us[i].doc == us[j].doc:
                continue
            a.append(us[i].id)
            b.append(us[j].id)
            pile_of.append(pile.name)
            gold.append(bool(us[i].chains & us[j].chains))
            scores["TF-IDF cosine"].append(cosine[i, j])
            scores["word Jaccard"].append(len(words[i] & words[j]) / max(len(words[i] | words[j]), 1))
            if encoder:
                scores["MiniLM cosine"].append(float(vectors[us[i].id] @ vectors[us[j].id]))
    arrays = {k: np.array(v) for k, v in scores.items()}
    return Pairs(a, b, np.array(pile_of), np.array(gold, bool), arrays)


def point(predicted: np.ndarray, gold: np.ndarray) -> dict[str, Any]:
    tp, n, g = int((predicted & gold).sum()), int(predicted.sum()), int(gold.sum())
    return dict(tp=tp, predicted=n, gold=g, p=tp / n if n else 0.0, r=tp / g if g else 0.0)


def recall_at_precision(scores: np.ndarray, gold: np.ndarray, precision: float) -> dict[str, Any]:
    """The best recall of 'score >= t' over the thresholds t with a precision >= ``precision``."""
    order = np.argsort(-scores, kind="stable")
    s, tp = scores[order], np.cumsum(gold[order])
    ok = (tp / np.arange(1, len(s) + 1) >= precision) & np.r_[s[1:] != s[:-1], True]
    if not ok.any():
        return dict(r=0.0, threshold=None)
    i = np.flatnonzero(ok)[np.argmax(tp[ok])]
    return dict(
        r=float(tp[i] / max(gold.sum(), 1)),
        threshold=float(s[i]),
        tp=int(tp[i]),
        predicted=int(i + 1),
    )


def baselines(pairs: Pairs, rows: np.ndarray) -> dict[str, Any]:
    gold = pairs.gold[rows]
    ap = {k: float(average_precision_score(gold, v[rows])) for k, v in pairs.scores.items()}
    jaccard = point(pairs.scores["word Jaccard"][rows] >= 0.3, gold)
    return {
        "pairs": int(rows.sum()),
        "positives": int(gold.sum()),
        "AP": ap,
        "Jaccard >= 0.3": jaccard,
    }


def crosswire_pairs(pairs: Pairs, found: dict[str, list[str]], rows: np.ndarray) -> dict[str, Any]:
    """'The two sentences share a claim' as P / R, and the cosine's recall at that precision."""
    share = np.array(
        [bool(set(found.get(x, ())) & set(found.get(y, ()))) for x, y in zip(pairs.a, pairs.b, strict=True)]
    )
    out = point(share[rows], pairs.gold[rows])
    if "MiniLM cosine" in pairs.scores:
        cosine = pairs.scores["MiniLM cosine"][rows]
        out["cosine at crosswire's P"] = recall_at_precision(cosine, pairs.gold[rows], out["p"])
    return out


def evaluate(settings: Settings, ecb_data: tuple | None, mt_data: tuple | None, subtopics: bool) -> dict:
    """crosswire's figures at one setting: the piles are reconciled again, not parsed again."""
    out: dict[str, Any] = {"claim_similarity": settings.claim_similarity}
    if ecb_data:
        piles, mentions, munits, sunits, pairs = ecb_data
        found: dict[str, list[str]] = {}
        verbs: dict[str, list[str]] = {}
        sub: dict[str, str] = {}
        found_events: dict[str, list[str]] = {}
        verb_events: dict[str, list[str]] = {}
        for pile in piles:
            dossier = reconcile(pile.annotated, pile.errors, settings, {})
            on = claims_on(pile, dossier, pile.own(munits + sunits))
            at = claims_at_verbs(pile, dossier, pile.own(munits))
            found |= on
            verbs |= at
            found_events |= with_events(pile, dossier, on)
            verb_events |= with_events(pile, dossier, at, instead=True)
            group = {d.id: d.group for d in pile.docs}
            for part in ("ecb", "ecbplus") if subtopics else ():
                members = [a for a in pile.annotated if group[a.document.id] == part]
                got = claims_on(pile, reconcile(members, (), settings, {}), pile.own(munits))
                sub |= {u: f"{part}:{c[0]}" for u, c in got.items() if c}
        key = {m.id: m.chain for m in mentions}
        out["ecb_covered"] = sum(bool(found[m]) for m in key) / max(len(key), 1)
        out["ecb_topic"] = ecb.score(key, {m: (found[m] or [f"single:{m}"])[0] for m in key})
        out["ecb_topic_verbs"] = ecb.score(key, {m: (verbs[m] or [f"single:{m}"])[0] for m in key})
        out["ecb_verbs_covered"] = sum(bool(verbs[m]) for m in key) / max(len(key), 1)
        out["ecb_topic_verb_events"] = ecb.score(key, {m: (verb_events[m] or [f"single:{m}"])[0] for m in key})
        if subtopics:
            out["ecb_subtopic"] = ecb.score(key, {m: sub.get(m, f"single:{m}") for m in key})
        out["ecb_pairs"] = crosswire_pairs(pairs, found, np.ones(len(pairs.gold), bool))
        out["ecb_pairs_events"] = crosswire_pairs(pairs, found_events, np.ones(len(pairs.gold), bool))
    if mt_data:
        piles, units, pairs = mt_data
        found, found_events = {}, {}
        for pile in piles:
            dossier = reconcile(pile.annotated, pile.errors, settings, {})
            on = claims_on(pile, dossier, pile.own(units))
            found |= on
            found_events |= with_events(pile, dossier, on)
        out["meantime"] = crosswire_pairs(pairs, found, np.ones(len(pairs.gold), bool))
        out["meantime_corpora_1_3"] = crosswire_pairs(pairs, found, pairs.pile != "apple")
        out["meantime_events"] = crosswire_pairs(pairs, found_events, np.ones(len(pairs.gold), bool))
        out["meantime_events_corpora_1_3"] = crosswire_pairs(pairs, found_events, pairs.pile != "apple")
    return out


def unplaced(piles: list[Pile], units: list[Unit]) -> int:
    """Units whose first character is in no crosswire body (document skipped, text cleaned away)."""
    return sum(p.where.get(u.doc, nowhere)(u.start) is None for p in piles for u in p.own(units))


# ---------------------------------------------------------------------------------------- output


def render(header: list[str], rows: list[list[Any]], md: bool) -> str:
    """A markdown table, or a plain one: first column left-aligned, the others right-aligned."""
    cells = [header] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    if md:
        cells.insert(1, ["---"] * len(header))
        return "\n".join("| " + " | ".join(r) + " |" for r in cells)
    width = [max(map(len, column)) for column in zip(*cells, strict=True)]
    pad = [str.ljust] + [str.rjust] * (len(header) - 1)
    lines = ["  ".join(f(x, w) for f, x, w in zip(pad, r, width, strict=True)) for r in cells]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def _prf(x: dict) -> str:
    return f"{x['r']:.1f} / {x['p']:.1f} / {x['f']:.1f}"


def _rp(x: dict) -> str:
    return f"R {x['r']:.3f} ({x['tp']}/{x['gold']})  P {x['p']:.3f} ({x['tp']}/{x['predicted']})"


def sections(out: dict) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(caption, header, rows) of each table."""
    parts, run = [], out["run"]
    cw = f"crosswire claims @ {run['claim_similarity']}"
    if "ecb" in out:
        e, lemma = out["ecb"], "same head lemma (spaCy)"
        caption = (
            f"ECB+ {e['split']} topics ({', '.join(e['topics'])}), event coreference: "
            f"{e['gold_mentions']} gold mentions, {e['gold_clusters']} gold clusters, singletons "
            f"included; {run['ecb_covered']:.1%} of the mentions are covered by a claim "
            f"({e['mentions_unplaced']} lie in text crosswire cleaned away or skipped)"
        )
        systems = [("topic", "all singletons", e["singletons"]), ("topic", lemma, e["lemma_topic"])]
        systems += [("topic", cw, run["ecb_topic"])]
        if "ecb_topic_verbs" in run:
            verbs = f"{cw}, verbs only ({run['ecb_verbs_covered']:.0%} placed)"
            systems += [("topic", verbs, run["ecb_topic_verbs"])]
        if "ecb_topic_verb_events" in run:
            systems += [("topic", f"{cw}, verbs only, a claim in an event is the event", run["ecb_topic_verb_events"])]
        systems += [("sub-topic", lemma, e["lemma_subtopic"])]
        systems += [("sub-topic", cw, run["ecb_subtopic"])]
        rows = [[p, n, *(_prf(s[k]) for k in ("muc", "b3", "ceafe")), f"{s['conll']:.1f}"] for p, n, s in systems]
        parts.append((caption, COREF_HEADER, rows))
        b, p = e["pairs"], run["ecb_pairs"]
        caption = (
            f"ECB+ same-event sentence pairs: {b['pairs']} cross-document pairs of annotated "
            f"sentences, {b['positives']} share a gold chain (AP of a random score: "
            f"{b['positives'] / b['pairs']:.3f})"
        )
        rows = [[k, b["AP"][k], ""] for k in SCORES if k in b["AP"]]
        rows.append([f"{cw}: share a claim", "", _rp(p)])
        if "ecb_pairs_events" in run:
            rows.append([f"{cw}: share a claim or an event", "", _rp(run["ecb_pairs_events"])])
        if c := p.get("cosine at crosswire's P"):
            cosine = f"MiniLM cosine >= {c['threshold'] or 0:.3f} (crosswire's P)"
            rows.append([cosine, "", f"R {c['r']:.3f}"])
        parts.append((caption, ["score", "average precision", "operating point"], rows))
    if "meantime" in out:
        m, rows = out["meantime"], []
        for name, key, got in (
            ("corpora 1-3 (as SOURCE.md)", "corpora_1_3", "meantime_corpora_1_3"),
            ("all 4 (apple mapped)", "all", "meantime"),
        ):
            b, p = m[key], run[got]
            c = p.get("cosine at crosswire's P", {"r": float("nan")})
            ap = " / ".join(f"{b['AP'][k]:.3f}" for k in SCORES if k in b["AP"])
            rows.append([name, b["positives"], b["pairs"], _rp(p), _rp(b["Jaccard >= 0.3"]), c["r"], ap])
            if (events := run.get(got.replace("meantime", "meantime_events"))) is not None:
                rows.append([f"{name}: share a claim or an event", "", "", _rp(events), "", "", ""])
        caption = f"MEANTIME / SemEval-2015 TimeLine, same-event sentence pairs ({SOURCE_MD})"
        parts.append((caption, ["stories", "gold", "candidates", cw, *MEANTIME_HEADER], rows))
    if out.get("sweep"):
        header, rows = ["claim_similarity"], []
        header += ["ECB+ CoNLL", "CoNLL verbs only", "ECB+ MUC R / P", "ECB+ pairs R / P"] if "ecb" in out else []
        header += ["MEANTIME 1-3", "MEANTIME all 4"] if "meantime" in out else []
        for s in out["sweep"]:
            row = [s["claim_similarity"]]
            if "ecb_topic" in s:
                muc, pr = s["ecb_topic"]["muc"], s["ecb_pairs"]
                row += [f"{s['ecb_topic']['conll']:.1f}", f"{s['ecb_topic_verbs']['conll']:.1f}"]
                row += [f"{muc['r']:.1f} / {muc['p']:.1f}"]
                row += [f"{pr['r']:.3f} / {pr['p']:.3f}"]
            if "meantime" in s:
                row += [_rp(s["meantime_corpora_1_3"]), _rp(s["meantime"])]
            rows.append(row)
        split = out["ecb"]["split"] if "ecb" in out else "-"
        parts.append((f"Sweep of claim_similarity (ECB+ {split} topics, topic piles)", header, rows))
    return parts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="test", help="ECB+ topics")
    parser.add_argument("--sweep", nargs="*", type=float, help=f"values (default {SWEEP})")
    parser.add_argument("--claim-similarity", type=float, help="for the main tables (default: crosswire's)")
    parser.add_argument("--limit-topics", type=int, help="first N ECB+ topics only; writes nothing")
    parser.add_argument("--no-ecb", action="store_true", help="skip ECB+")
    parser.add_argument("--no-meantime", action="store_true", help="skip MEANTIME")
    parser.add_argument("--label", help="what crosswire this is, when imported from outside src/")
    parser.add_argument("--ecbplus", type=Path, default=DATA / "ecbplus", help="ECB+ release folder")
    parser.add_argument("--meantime", type=Path, default=DATA / "meantime-en", help="MEANTIME folder")
    args = parser.parse_args()
    started = time.perf_counter()
    settings = Settings(progress=False, workers=1)
    if args.claim_similarity is not None:
        settings = replace(settings, claim_similarity=args.claim_similarity)
    nlp = load_pipeline(settings.spacy_model)
    encoder, reason = load_encoder("minilm")
    if encoder is None:
        print(f"MiniLM encoder not available ({reason}); its rows are left out", file=sys.stderr)
    spans = "start" in {f.name for f in dataclasses.fields(ClaimMention)}
    local = Path(crosswire.__file__).resolve().is_relative_to(ROOT / "src")  # else: no commit known
    out: dict[str, Any] = {
        "benchmark": "claim matching against gold same-event annotations (ECB+, MEANTIME)",
        "command": shlex.join(["python", "benchmarks/claim_matching.py", *sys.argv[1:]]),
        "crosswire": str(Path(crosswire.__file__).parent),
        "crosswire_commit": ecb._git("rev-parse", "--short", "HEAD") if local else args.label,
        "crosswire_src_modified": bool(ecb._git("status", "--porcelain", "src")) if local else None,
        "claim_mention_spans": "start-end" if spans else "whole sentence (no start/end)",
        "python": platform.python_version(),
        "encoder": encoder.name if encoder else f"none ({reason})",
        "seconds": {},
    }
    ecb_data = mt_data = None
    if not args.no_ecb:
        topics = SPLITS[args.split][: args.limit_topics]
        piles, mentions, munits, sunits, stats = load_ecb(args.ecbplus, topics)
        for pile in piles:
            parse(pile, settings, nlp)
        pairs = make_pairs(piles, sunits, encoder)
        ecb_data = (piles, mentions, munits, sunits, pairs)
        key = {m.id: m.chain for m in mentions}
        sub = {m.id: m.doc.split("_", 1)[1].lstrip("0123456789") for m in mentions}
        out["ecb"] = {
            "split": args.split,
            "topics": topics,
            "documents": sum(len(p.docs) for p in piles),
            "skipped_by_crosswire": [f"{e.source}: {e.reason}" for p in piles for e in p.errors],
            "gold_mentions": len(mentions),
            "gold_clusters": len(set(key.values())),
            "mention_counts": stats,
            "mentions_unplaced": unplaced(piles, munits),
            "sentences_unplaced": unplaced(piles, sunits),
            "singletons": ecb.score(key, {m: m for m in key}),
            "lemma_topic": ecb.score(key, {m.id: m.head_lemma for m in mentions}),
            "lemma_subtopic": ecb.score(key, {m.id: f"{sub[m.id]}:{m.head_lemma}" for m in mentions}),
            "pairs": baselines(pairs, np.ones(len(pairs.gold), bool)),
        }
        out["seconds"]["ECB+ load and parse"] = time.perf_counter() - started
    if not args.no_meantime:
        mark = time.perf_counter()
        piles, units, stats = load_meantime(args.meantime)
        for pile in piles:
            parse(pile, settings, nlp)
        pairs = make_pairs(piles, units, encoder)
        mt_data = (piles, units, pairs)
        out["meantime"] = {
            "timelines": stats,
            "timeline_sentences": len(units),
            "sentences_unplaced": unplaced(piles, units),
            "skipped_by_crosswire": [f"{e.source}: {e.reason}" for p in piles for e in p.errors],
            "corpora_1_3": baselines(pairs, pairs.pile != "apple"),
            "all": baselines(pairs, np.ones(len(pairs.gold), bool)),
        }
        out["seconds"]["MEANTIME load and parse"] = time.perf_counter() - mark
    mark = time.perf_counter()
    out["run"] = evaluate(settings, ecb_data, mt_data, subtopics=ecb_data is not None)
    out["seconds"]["reconcile and score, one setting"] = time.perf_counter() - mark
    if args.sweep is not None:
        mark = time.perf_counter()
        values = args.sweep or SWEEP
        out["sweep"] = [evaluate(replace(settings, claim_similarity=v), ecb_data, mt_data, False) for v in values]
        out["seconds"]["sweep"] = time.perf_counter() - mark
    out["seconds"]["total"] = time.perf_counter() - started
    for caption, header, rows in sections(out):
        print(f"{caption}\n\n{render(header, rows, md=False)}\n")
    print("seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in out["seconds"].items()))
    if args.limit_topics is None:
        name = "claim_matching" + ("_dev" if args.split == "dev" else "")
        rounded = json.loads(json.dumps(out), parse_float=lambda x: round(float(x), 4))
        (RESULTS / f"{name}.json").write_text(json.dumps(rounded, indent=2) + "\n", encoding="utf-8")
        md = [f"## Claim matching against gold same-event annotations\n\n```\n{out['command']}\n```"]
        md += [__doc__.split("\n\n", 2)[2].strip()]
        md += [f"**{caption}**\n\n{render(header, rows, md=True)}" for caption, header, rows in sections(out)]
        md += [
            f"crosswire {out['crosswire_commit']} from `{out['crosswire']}` "
            f"(src modified: {out['crosswire_src_modified']}); "
            f"claim mention spans: {out['claim_mention_spans']}; "
            f"run time {out['seconds']['total']:.0f} s. "
            f"Everything else: `{name}.json`."
        ]
        (RESULTS / f"{name}.md").write_text("\n\n".join(md) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
