"""The data, systems and scores of story_clustering.py: ECB+ and BASIL documents as one mixed pile each (gold
topics, sub-topics, events), crosswire's clean + facts on them, crosswire's cluster_stories and the TF-IDF +
agglomerative baseline, B3 and pairwise P/R/F1 (checked against scikit-learn), and the pair diagnostics."""

from __future__ import annotations

import json
import random
import re
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

import numpy as np
from _harness import f1
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score
from sklearn.metrics.cluster import pair_confusion_matrix

from crosswire.errors import InputError
from crosswire.models import Document, Published, RawDocument
from crosswire.stages import _story_features as story_features_module
from crosswire.stages import cluster as cluster_module
from crosswire.stages.clean import clean
from crosswire.stages.cluster import ClusterSettings, cluster_stories
from crosswire.stages.facts import document_facts

CROSSWIRE_GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
BASELINE_GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
BASELINE_FIXED = 0.8  # fixed before the first run: merge while the mean cosine similarity is >= 0.2


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    text: str
    gold: dict[str, str]  # level -> gold cluster label
    title: str | None = None
    outlet: str | None = None
    date: str | None = None


_NO_SPACE_BEFORE = re.compile(r" (?=[,.;:!?%)\]}]|'s\b|'re\b|'ve\b|'ll\b|'d\b|'m\b|n't\b|'')")


def detokenise(tokens: Sequence[str]) -> str:
    """Tokens joined with spaces, then the spaces the tokeniser added around punctuation taken out."""
    if tokens and tokens[0].lower().startswith("http"):
        return "".join(tokens)  # the URL line ECB+ documents start with
    text = " ".join(tokens)
    text = _NO_SPACE_BEFORE.sub("", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = re.sub(r"``\s*", "\u201c", text)
    return text.replace("''", "\u201d")


def load_ecbplus(folder: Path) -> list[Item]:
    items = []
    for path in sorted((folder / "ECB+").glob("*/*.xml")):
        topic = path.parent.name
        match = re.fullmatch(rf"{topic}_\d+(ecb|ecbplus)\.xml", path.name)
        if not match:
            raise ValueError(f"unexpected ECB+ file name {path}")
        tokens = [(t.get("sentence"), t.text or "") for t in ET.parse(path).getroot().iter("token")]
        sentences = [detokenise([tok for _, tok in group]) for _, group in groupby(tokens, key=lambda x: x[0])]
        items.append(Item(path.stem, "\n\n".join(sentences), {"topic": topic, "subtopic": f"{topic}{match.group(1)}"}))
    return items


def load_basil(folder: Path) -> list[Item]:
    items = []
    for path in sorted((folder / "articles").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(s.strip() for s in para if s.strip()) for para in data["body-paragraphs"]]
        items.append(
            Item(
                f"{path.parent.name}/{path.stem}",
                "\n\n".join(p for p in paragraphs if p),
                {"event": data["triplet-uuid"]},
                title=data.get("title"),
                outlet=str(data.get("source", "")).lower() or None,
                date=data.get("date"),
            )
        )
    return items


def prepare(items: Sequence[Item], use_dates: bool) -> tuple[list[Document], list[str], float, Counter[str]]:
    """crosswire's clean + document_facts on every item; ids that clean rejects are returned apart."""
    started = time.perf_counter()
    documents: list[Document] = []
    failed: list[str] = []
    bases: Counter[str] = Counter()
    for item in items:
        raw = RawDocument(
            id=item.id, source=item.id, text=item.text, format="text", meta_title=item.title, meta_outlet=item.outlet
        )
        try:
            doc = document_facts(clean(raw))
        except InputError:
            failed.append(item.id)
            continue
        bases[doc.published.basis] += 1
        if use_dates and item.date:
            doc = replace(doc, published=Published(item.date, "metadata", "dataset 'date' field"))
        documents.append(doc)
    return documents, failed, time.perf_counter() - started, bases


def _contingency(pred: Sequence[str], gold: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cells = Counter(zip(pred, gold, strict=True))
    pred_sizes, gold_sizes = Counter(pred), Counter(gold)
    n = np.array(list(cells.values()), dtype=float)
    p = np.array([pred_sizes[k[0]] for k in cells], dtype=float)
    g = np.array([gold_sizes[k[1]] for k in cells], dtype=float)
    return n, p, g


def score(pred: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    """B3 (per-item precision/recall averaged over items) and pairwise (same-cluster pairs) P/R/F1."""
    n, p, g = _contingency(pred, gold)
    items = len(pred)
    b3_p = float((n * n / p).sum() / items)
    b3_r = float((n * n / g).sum() / items)
    together = float((n * (n - 1) / 2).sum())
    pred_pairs = float(sum(s * (s - 1) / 2 for s in Counter(pred).values()))
    gold_pairs = float(sum(s * (s - 1) / 2 for s in Counter(gold).values()))
    pw_p = together / pred_pairs if pred_pairs else 1.0
    pw_r = together / gold_pairs if gold_pairs else 1.0
    return {
        "b3_p": b3_p,
        "b3_r": b3_r,
        "b3_f1": f1(b3_p, b3_r),
        "pw_p": pw_p,
        "pw_r": pw_r,
        "pw_f1": f1(pw_p, pw_r),
        "clusters": len(set(pred)),
        "singletons": sum(1 for s in Counter(pred).values() if s == 1),
        "largest": max(Counter(pred).values()),
    }


def check_pairwise(pred: Sequence[str], gold: Sequence[str], scores: dict[str, float]) -> None:
    """The pair counts agree with scikit-learn's pair confusion matrix (ordered pairs, hence / 2)."""
    ids = {label: k for k, label in enumerate(sorted(set(pred) | set(gold)))}
    matrix = pair_confusion_matrix([ids[x] for x in gold], [ids[x] for x in pred]) / 2
    tp, fp, fn = matrix[1, 1], matrix[0, 1], matrix[1, 0]
    assert abs(tp / (tp + fp) - scores["pw_p"]) < 1e-9 and abs(tp / (tp + fn) - scores["pw_r"]) < 1e-9


def exact_groups(pred: Sequence[str], gold: Sequence[str]) -> float:
    """Share of gold clusters that are, member for member, one predicted cluster."""
    pred_members, gold_members = defaultdict(set), defaultdict(set)
    for k, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pred_members[p].add(k)
        gold_members[g].add(k)
    return sum(1 for g, m in gold_members.items() if pred_members[pred[next(iter(m))]] == m) / len(gold_members)


def crosswire_labels(
    documents: Sequence[Document], failed: Sequence[str], settings: ClusterSettings
) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    stories = cluster_stories(documents, settings)
    seconds = time.perf_counter() - started
    labels = {doc_id: story.id for story in stories for doc_id in story.documents}
    labels.update({doc_id: f"rejected:{doc_id}" for doc_id in failed})
    return labels, seconds


def shuffled_ids(documents: Sequence[Document], seed: int) -> tuple[list[Document], dict[str, str]]:
    """The same documents under random ids, so that ties in publication order fall in a random order."""
    rng = random.Random(seed)
    names = [f"{rng.getrandbits(64):016x}" for _ in documents]
    return [replace(d, id=name) for d, name in zip(documents, names, strict=True)], dict(
        zip(names, (d.id for d in documents), strict=True)
    )


def cluster_text(doc: Document) -> str:
    return f"{doc.title or ''}\n{doc.body}"  # what cluster_stories reads


def baseline_distances(texts: Sequence[str]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    similarity = (vectors @ vectors.T).toarray()
    distances = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distances, 0.0)
    return distances, time.perf_counter() - started


def baseline_labels(distances: np.ndarray, threshold: float) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    )
    labels = model.fit_predict(distances)
    return labels, time.perf_counter() - started


def pair_diagnostics(documents: Sequence[Document], gold: dict[str, str], distances: np.ndarray) -> dict[str, float]:
    """How well each similarity separates same-gold pairs from the rest (ROC AUC over all pairs), and
    how many dated same-gold pairs lie further apart than the time window."""
    settings = ClusterSettings()
    texts = [cluster_text(d) for d in documents]
    counts = tuple(hasher.transform(texts) for hasher in story_features_module.hashers())
    blend = cluster_module._vectors(*counts, settings)
    words = cluster_module._vectors(*counts, replace(settings, name_weight=0.0))
    names = cluster_module._vectors(*counts, replace(settings, name_weight=1.0))
    labels = np.array([gold[d.id] for d in documents])
    upper = np.triu_indices(len(documents), k=1)
    same = (labels[:, None] == labels[None, :])[upper]
    published = [story_features_module.publication_day(d) for d in documents]
    days = np.array([day.toordinal() if day else -1 for day in published])
    both = (days[:, None] >= 0) & (days[None, :] >= 0)
    apart = np.abs(days[:, None] - days[None, :]) > settings.window_days
    blended = (blend @ blend.T).toarray()[upper]
    result = {
        "same_pairs_both_dated": int(both[upper][same].sum()),
        "same_pairs_dated_beyond_window": int((both & apart)[upper][same].sum()),
        "pairs": int(same.size),
        "same_pairs": int(same.sum()),
        "auc_words": roc_auc_score(same, (words @ words.T).toarray()[upper]),
        "auc_names": roc_auc_score(same, (names @ names.T).toarray()[upper]),
        "auc_blend": roc_auc_score(same, blended),
        "auc_tfidf": roc_auc_score(same, (1.0 - distances)[upper]),
        "same_pairs_blend_ge_default": float((blended[same] >= settings.threshold).mean()),
        "other_pairs_blend_ge_default": float((blended[~same] >= settings.threshold).mean()),
    }
    return {k: v if isinstance(v, int) else round(float(v), 4) for k, v in result.items()}


def labels_for(ids: Sequence[str], mapping: dict[str, str]) -> list[str]:
    return [mapping[i] for i in ids]
