"""BASIL as basil_loaded.py reads it (../shared/eval-data/basil, see its SOURCE.md): events of three outlets'
articles with their gold bias spans, written out as .txt files and cleaned by crosswire's own stages; the
rank statistics over events; and the mining of gold lexical-bias words missing from crosswire's lexicon."""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import _harness as harness
import numpy as np
from scipy import stats

from crosswire.errors import InputError
from crosswire.lexicons import DENIAL, HEDGE, LOADED_WORDS, UNCONFIRMED
from crosswire.models import Document, RawDocument
from crosswire.settings import Settings
from crosswire.stages.annotate import outside_quotes
from crosswire.stages.clean import clean
from crosswire.stages.facts import document_facts
from crosswire.stages.ingest import read

OUTLETS = ("fox", "nyt", "hpo")
WORD = re.compile(r"[A-Za-z][A-Za-z-]+")  # the word pattern profile.py matches LOADED_WORDS with


# Words that recur in BASIL's lexical-bias spans but are topic words, not general evaluative wording
# (kept out of the proposed lexicon additions; everything else is filtered by part of speech).
TOPIC_WORDS = frozenset(
    [
        "obamacare",
        "amnesty",
        "illegal",
        "illegals",
        "immigrants",
        "immigration",
        "undocumented",
        "aliens",
        "gun",
        "guns",
        "abortion",
        "taxpayer",
        "taxpayers",
        "shutdown",
        "tax",
        "taxes",
        "wall",
        "border",
    ]
)
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "but",
        "with",
        "by",
        "at",
        "from",
        "as",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "he",
        "she",
        "it",
        "they",
        "his",
        "her",
        "its",
        "their",
        "them",
        "him",
        "who",
        "whom",
        "which",
        "what",
        "not",
        "no",
        "so",
        "than",
        "then",
        "very",
        "more",
        "most",
        "much",
        "many",
        "also",
        "just",
        "even",
        "only",
        "still",
        "yet",
        "into",
        "over",
        "about",
        "after",
        "before",
        "up",
        "out",
    ]
)


def load_basil(data: Path, limit: int | None) -> list[dict]:
    """Events as {'id', 'year', 'articles': {outlet: article}}; each article carries its gold spans."""
    events: dict[str, dict] = {}
    for path in sorted((data / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        ann_path = data / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        ann = json.loads(ann_path.read_text(encoding="utf-8"))
        outlet = art["source"].lower()
        sentences = [s for p in art["body-paragraphs"] for s in p]
        spans = []
        for span in ann["phrase-level-annotations"]:
            if span["id"] == "title":  # three spans sit in titles; crosswire profiles the body only
                continue
            index = int(span["id"][1:])
            spans.append(
                {
                    "sentence": index,
                    "start": span["start"],
                    "end": span["end"],
                    "txt": span["txt"],
                    "bias": span["bias"],
                    "quote": span["quote"] == "yes",
                }
            )
        event = events.setdefault(art["triplet-uuid"], {"id": art["triplet-uuid"], "year": path.parent.name})
        event.setdefault("articles", {})[outlet] = {
            "outlet": outlet,
            "title": art.get("title") or "",
            "paragraphs": art["body-paragraphs"],
            "sentences": sentences,
            "spans": spans,
        }
    ordered = [e for e in events.values() if set(e["articles"]) == set(OUTLETS)]
    return ordered[:limit] if limit else ordered


def write_article(article: dict, folder: Path) -> tuple[str, list[int]]:
    """Write title + paragraphs (sentences joined by a space); return the text and each sentence's offset."""
    text = article["title"].strip() + "\n\n"
    starts: list[int] = []
    paragraphs = []
    for paragraph in article["paragraphs"]:
        parts = []
        for sentence in paragraph:
            starts.append(len(text) + sum(len(p) + 2 for p in paragraphs) + sum(len(s) + 1 for s in parts))
            parts.append(sentence)
        paragraphs.append(" ".join(parts))
    text += "\n\n".join(paragraphs) + "\n"
    (folder / f"{article['outlet']}.txt").write_text(text, encoding="utf-8")
    for start, sentence in zip(starts, article["sentences"], strict=True):
        assert text[start : start + len(sentence)] == sentence
    return text, starts


def clean_all(folder: Path, settings: Settings) -> list[Document]:
    """ingest -> clean -> facts, dropping too-short bodies, as pipeline.analyze does."""
    documents = []
    for item in read([str(folder)], settings.max_file_bytes):
        if not isinstance(item, RawDocument):
            continue
        try:
            document = document_facts(clean(item, settings.comment_min_paragraphs))
        except InputError:
            continue
        if len(document.body.split()) >= settings.min_body_words:
            documents.append(document)
    return documents


def locate(sentences, raw: str) -> list[tuple[int, int] | None]:
    """Each crosswire sentence's (start, end) in the text we wrote, found in reading order."""
    cursor, found = 0, []
    for sentence in sentences:
        at = raw.find(sentence.text, cursor)
        if at < 0:
            at = raw.find(sentence.text)
        if at < 0:
            found.append(None)
            continue
        found.append((at, at + len(sentence.text)))
        cursor = at + len(sentence.text)
    return found


def loaded_hits(text: str) -> list[str]:
    return sorted({w.lower() for w in WORD.findall(outside_quotes(text))} & LOADED_WORDS)


def ranks_corr(pred: list[float], gold: list[float]) -> tuple[float | None, float | None]:
    """Spearman (average ranks for ties) and Kendall tau-b; None when either side is constant."""
    if len(set(pred)) < 2 or len(set(gold)) < 2:
        return None, None
    rho = stats.spearmanr(pred, gold).statistic
    tau = stats.kendalltau(pred, gold, variant="b").statistic
    return float(rho), float(tau)


def top_hit(pred: list[float], gold: list[float]) -> tuple[float, float] | None:
    """Credit for picking the gold most-loaded outlet, ties at the top broken uniformly at random
    (|P_top & G_top| / |P_top|), and the same expectation for a random ranking (|G_top| / 3).
    None when the gold does not tell the outlets apart (all equal)."""
    if len(set(gold)) < 2:
        return None
    g_top = {i for i, v in enumerate(gold) if v == max(gold)}
    p_top = {i for i, v in enumerate(pred) if v == max(pred)}
    return len(p_top & g_top) / len(p_top), len(g_top) / len(gold)


def summarise(scores: dict[str, list[float]], gold: dict[str, list[float]], n_events: int) -> dict:
    """Per-event rank agreement of one predictor with one gold view (lists are per event, 3 outlets)."""
    rhos, taus, hits, chance = [], [], [], []
    for pred, g in zip(scores, gold, strict=True):
        rho, tau = ranks_corr(pred, g)
        if rho is not None:
            rhos.append(rho)
            taus.append(tau)
        hit = top_hit(pred, g)
        if hit is not None:
            hits.append(hit[0])
            chance.append(hit[1])
    return {
        "events_with_defined_correlation": len(rhos),
        "spearman_mean": round_or_none(np.mean(rhos)) if rhos else None,
        "spearman_mean_ci95": bootstrap(rhos),
        "kendall_tau_b_mean": round_or_none(np.mean(taus)) if taus else None,
        "spearman_mean_undefined_as_0": round_or_none(sum(rhos) / n_events) if n_events else None,
        "events_with_a_gold_top": len(hits),
        "same_top_outlet": round_or_none(np.mean(hits)) if hits else None,
        "same_top_outlet_ci95": bootstrap(hits),
        "same_top_outlet_random": round_or_none(np.mean(chance)) if chance else None,
    }


def bootstrap(values: list[float], resamples: int = 2000) -> list[float] | None:
    """95% percentile interval of the mean, resampling events (fixed seed)."""
    if len(values) < 2:
        return None
    rng = np.random.default_rng(0)
    means = rng.choice(np.asarray(values), size=(resamples, len(values)), replace=True).mean(axis=1)
    return [round_or_none(np.percentile(means, 2.5)), round_or_none(np.percentile(means, 97.5))]


def pooled(pred: list[float], gold: list[float]) -> dict:
    return {
        "spearman": round_or_none(stats.spearmanr(pred, gold).statistic),
        "pearson": round_or_none(stats.pearsonr(pred, gold).statistic),
        "n": len(pred),
    }


def round_or_none(value: float, digits: int = 3) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def prf(tp: int, fp: int, fn: int) -> dict:
    p, r, f = harness.ratios(tp, tp + fp, tp + fn)
    return {
        "precision": round_or_none(p),
        "recall": round_or_none(r),
        "f1": round_or_none(f),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def mine_words(records: list[dict], span_words: list[dict], events: set[str], top: int | None = 20) -> list[dict]:
    """Gold lexical-bias words (outside quotes) of ``events`` missing from LOADED_WORDS, most frequent first.

    General evaluative words only: adjective, adverb, verb or common noun (spaCy POS of the word in
    its sentence), not a stop word, not a certainty cue crosswire already reads (hedge / denial /
    unconfirmed), not in TOPIC_WORDS, seen in lexical spans of at least two events, and at least a
    quarter of its occurrences (outside quotes, all sentences) inside lexical-bias spans, so that
    pieces of idioms ('far' of 'a far cry', 'took' of 'took aim') are not proposed on their own."""
    total = Counter(w for r in records if r["event"] in events for w in r["words"])
    count, where, pos, phrase = Counter[str](), defaultdict(set), defaultdict(Counter), defaultdict(Counter)
    for item in span_words:
        if item["event"] in events:
            count[item["word"]] += 1
            where[item["word"]].add(item["event"])
            pos[item["word"]][item["pos"]] += 1
            phrase[item["word"]][item["span"]] += 1
    found = []
    for word, n in sorted(count.items(), key=lambda kv: (-kv[1], -len(where[kv[0]]), kv[0])):
        tag = pos[word].most_common(1)[0][0]
        if word in LOADED_WORDS or word in STOP or word in TOPIC_WORDS or len(word) < 3:
            continue
        if tag not in ("ADJ", "ADV", "VERB", "NOUN") or any(p.search(word) for p in (HEDGE, DENIAL, UNCONFIRMED)):
            continue
        rate = n / max(n, total[word])
        if len(where[word]) < 2 or rate < 0.25:
            continue
        found.append(
            {
                "word": word,
                "in_lexical_spans": n,
                "events": len(where[word]),
                "pos": tag,
                "occurrences_outside_quotes": total[word],
                "share_in_spans": round_or_none(rate),
                "typical_span": phrase[word].most_common(1)[0][0],
            }
        )
        if top and len(found) == top:
            break
    return found
