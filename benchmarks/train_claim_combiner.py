"""Train the claim combiner on ECB+ training topics, choose its threshold on the dev topics.

    python benchmarks/train_claim_combiner.py [--precision P] [--limit-topics N] [--dry-run] [--cache DIR]
    python benchmarks/train_claim_combiner.py --test [--cache DIR]   # the shipped combiner, held-out topics

Each ECB+ topic is one pile, run through crosswire up to claim mentions (``prepare``,
``annotate_all``, times, entities, claims). The pairs crosswire itself would compare
(``align.candidates_for``: blocking and guards) get the features ``align.pair_features`` computes.
A pair is labelled where both clauses' head verbs are gold event mentions of annotated sentences:
positive when the two are one cross-document event (same CROSS_DOC_COREF instance), negative
otherwise; pairs with an unannotated head are left out. A logistic regression (scikit-learn,
standardised features folded back into plain weights) is fitted on the training topics (1, 3, 4,
6-11, 13, 14, 16, 19, 20, 22, 24-33); the threshold is the lowest probability at which the
pairwise precision on the dev topics (2, 5, 12, 18, 21, 23, 34, 35) reaches ``--precision``
(default 0.85: a false corroboration costs more than a missed one). Test topics 36-45 and
MEANTIME are never seen here: ``benchmarks/claim_matching.py`` scores the result on them.

Writes src/crosswire/data/claim_combiner.json (weights, threshold, the figures they were chosen
on) unless --dry-run or --limit-topics.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
import claim_matching as cm  # noqa: E402  (the ECB+ splits)
from _claim_data import load_ecb  # noqa: E402
from _piles import Pile, nowhere, offset_map, parse  # noqa: E402  (piles, parsing, offsets)

import crosswire  # noqa: E402
from crosswire.analysis.pipeline import load_pipeline  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.stages._combiner import COMBINER_FEATURES, COMBINER_FILE, load_combiner  # noqa: E402
from crosswire.stages._encoder import load_encoder  # noqa: E402
from crosswire.stages._similarity import TextIndex  # noqa: E402
from crosswire.stages.align import UNANCHORED, _Evidence, candidates_for, pair_features  # noqa: E402
from crosswire.stages.claims import extract_claims  # noqa: E402
from crosswire.stages.entities import resolve_entities  # noqa: E402
from crosswire.stages.timeline import resolve_times  # noqa: E402

SCREEN_KEEPS = 0.98  # of the pairs the combiner accepts on dev, the share the screen must let through
TRAIN = [str(t) for t in [1, 3, 4, *range(6, 12), 13, 14, 16, 19, 20, 22, *range(24, 34)]]
DEV = cm.SPLITS["dev"]


@dataclass
class Labelled:
    x: list[list[float]] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    candidates: int = 0
    unlabelled: int = 0
    every: list[list[float]] = field(default_factory=list)  # every candidate's features, labelled or not


def parse_cached(pile: Pile, settings: Settings, nlp: Any, cache: Path | None) -> None:
    """``_piles.parse``, kept in ``cache`` (keyed by the topic and a hash of crosswire's
    annotate-side source) so that refitting after a change to align alone does not parse again."""
    if cache is None:
        parse(pile, settings, nlp)
        return
    path = cache / f"{pile.name}-{_annotate_version()}.pkl"
    if path.exists():
        pile.annotated, pile.errors = pickle.loads(path.read_bytes())
        text = {d.id: d.text for d in pile.docs}
        pile.where = {a.document.id: offset_map(text[a.document.id], a.document.body) for a in pile.annotated}
        return
    parse(pile, settings, nlp)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((pile.annotated, pile.errors)))


def _annotate_version() -> str:
    src = Path(crosswire.__file__).resolve().parent
    parts = [src / "models.py", *sorted((src / "stages").glob("*.py"))]
    # (what reads the parses rather than makes them: a change there needs no parse again)
    after = ("_similarity.py", "align.py", "_combiner.py", "conflicts.py", "brief.py", "timeline.py")
    skip = {*after, "entities.py", "claims.py"}
    digest = hashlib.sha1(b"".join(p.read_bytes() for p in parts if p.name not in skip))
    return digest.hexdigest()[:12]


def labelled_pairs(
    topics: list[str], settings: Settings, nlp: Any, encoder: Any, cache: Path | None = None
) -> Labelled:
    piles, mentions, munits, _, _ = load_ecb(cm.DATA / "ecbplus", topics)
    chain = {m.id: m.chain for m in mentions}
    out = Labelled()
    for number, pile in enumerate(piles, 1):
        harness.progress(f"  topic {pile.name} ({number}/{len(piles)}): {len(pile.docs)} documents")
        parse_cached(pile, settings, nlp, cache)
        # Gold event mentions by the body offset of their first character.
        gold: dict[tuple[str, int], str] = {}
        for u in pile.own(munits):
            at = pile.where.get(u.doc, nowhere)(u.start)
            if at is not None:
                gold[(u.doc, at)] = chain[u.id]
        resolved = resolve_times(pile.annotated)
        entities = resolve_entities(resolved)
        claim_mentions = extract_claims(resolved, entities)
        starts = {(a.document.id, s.id): s.start for a in resolved for s in a.document.sentences}
        heads = [
            gold.get((m.doc, starts[(m.doc, m.sentence)] + m.head)) if m.head >= 0 else None for m in claim_mentions
        ]
        evidence = _Evidence(claim_mentions, resolved, entities)
        index = TextIndex(evidence.lemmas, evidence.languages)
        pairs = candidates_for(claim_mentions, evidence, index, settings.quantity_tolerance)
        features = pair_features(claim_mentions, evidence, index, encoder, pairs)
        for (i, j), row in zip(pairs, features, strict=True):
            assert row is not None  # no screen here: every pair has its features
            if row[0] < UNANCHORED and not evidence.anchors[i] & evidence.anchors[j]:
                continue  # align never scores these
            out.candidates += 1
            out.every.append(row)
            if heads[i] is None or heads[j] is None:
                out.unlabelled += 1
                continue
            out.x.append(row)
            out.y.append(int(heads[i] == heads[j] and ":single:" not in heads[i]))
    return out


def threshold_for(probability: np.ndarray, gold: np.ndarray, precision: float) -> tuple[float, float, float]:
    """The lowest threshold whose pairs reach ``precision``; with its precision and recall."""
    order = np.argsort(-probability, kind="stable")
    p, tp = probability[order], np.cumsum(gold[order])
    precisions = tp / np.arange(1, len(p) + 1)
    ok = np.flatnonzero((precisions >= precision) & np.r_[p[1:] != p[:-1], True])
    if not len(ok):
        return 1.0, 0.0, 0.0
    k = ok[-1]
    return float(p[k]), float(precisions[k]), float(tp[k] / max(gold.sum(), 1))


def held_out(settings: Settings, nlp: Any, encoder: Any, cache: Path | None) -> int:
    """Pairwise precision and recall of the shipped combiner on the test topics, labelled as above."""
    combiner = load_combiner()
    if combiner is None:
        return harness.missing(f"no usable combiner at {COMBINER_FILE}")
    test = labelled_pairs(cm.SPLITS["test"], settings, nlp, encoder, cache)
    gold = np.array(test.y, bool)
    probability = np.array([combiner.probability(row) for row in test.x])
    cosine = np.array([row[0] for row in test.x])
    print(f"test topics: {len(gold)} labelled pairs of {test.candidates} candidates, {gold.sum()} positive")
    ap_combiner, ap_cosine = average_precision_score(gold, probability), average_precision_score(gold, cosine)
    print(f"AP combiner {ap_combiner:.3f}, encoder cosine {ap_cosine:.3f}")
    for threshold in sorted({0.3, 0.5, combiner.threshold, settings.claim_similarity}):  # the last: the default bar
        chosen = probability >= threshold
        print(f"  at {threshold:.4f}: P {gold[chosen].mean():.3f}, R {gold[chosen].sum() / gold.sum():.3f}")
    # Baseline: the encoder cosine alone, its threshold chosen on dev as the combiner's was.
    dev = labelled_pairs(DEV, settings, nlp, encoder, cache)
    wanted = 0.85  # as the combiner's threshold was chosen (--precision default)
    bar, _, _ = threshold_for(np.array([row[0] for row in dev.x]), np.array(dev.y, bool), wanted)
    chosen = cosine >= bar
    print(
        f"  baseline, encoder cosine >= {bar:.3f} (dev P {wanted}): P {gold[chosen].mean():.3f}, "
        f"R {gold[chosen].sum() / gold.sum():.3f}"
    )
    return 0


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--precision", type=float, default=0.85, help="pairwise precision wanted on dev")
    parser.add_argument("--limit-topics", type=int, help="first N topics of each split; writes nothing")
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    parser.add_argument("--cache", type=Path, help="keep parsed topics here (a folder) for faster reruns")
    parser.add_argument(
        "--test", action="store_true", help="only score the shipped combiner on the test topics 36-45 (held out)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    settings = Settings(progress=False, workers=1)
    nlp = load_pipeline(settings.spacy_model)
    encoder, reason = load_encoder("minilm")
    if encoder is None:
        return harness.missing(f"the combiner needs the MiniLM encoder: {reason}")
    if args.test:
        return held_out(settings, nlp, encoder, args.cache)
    harness.progress("training topics")
    train = labelled_pairs(TRAIN[: args.limit_topics], settings, nlp, encoder, args.cache)
    harness.progress("dev topics")
    dev = labelled_pairs(DEV[: args.limit_topics], settings, nlp, encoder, args.cache)
    x, y = np.array(train.x), np.array(train.y)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    dev_x, dev_y = np.array(dev.x), np.array(dev.y)
    probability = 1 / (1 + np.exp(-(dev_x @ weights + bias)))
    threshold, precision, recall = threshold_for(probability, dev_y, args.precision)
    cosine_threshold, cosine_p, cosine_r = threshold_for(dev_x[:, 0], dev_y, args.precision)
    # The screen: the same model without the encoder's cosine, so the encoder runs only on pairs that
    # can still reach the bar. Its threshold keeps SCREEN_KEEPS of the dev candidates the combiner
    # accepts (labelled or not), and says how much encoding that saves.
    screen = LogisticRegression(C=1.0, max_iter=1000).fit(((x - mean) / scale)[:, 1:], y)
    screen_weights = screen.coef_[0] / scale[1:]
    screen_bias = float(screen.intercept_[0] - (screen.coef_[0] * mean[1:] / scale[1:]).sum())
    every = np.array(dev.every)
    accepted = 1 / (1 + np.exp(-(every @ weights + bias))) >= threshold
    screened = 1 / (1 + np.exp(-(every[:, 1:] @ screen_weights + screen_bias)))
    screen_threshold = float(np.quantile(screened[accepted], 1 - SCREEN_KEEPS)) if accepted.any() else 0.0
    passing = screened >= screen_threshold
    figures = {
        "train pairs (labelled / candidates)": [len(train.y), train.candidates],
        "train positives": int(y.sum()),
        "dev pairs (labelled / candidates)": [len(dev.y), dev.candidates],
        "dev positives": int(dev_y.sum()),
        "dev AP: combiner": round(float(average_precision_score(dev_y, probability)), 4),
        "dev AP: encoder cosine alone (baseline)": round(float(average_precision_score(dev_y, dev_x[:, 0])), 4),
        "dev AP: tf-idf cosine alone (baseline)": round(float(average_precision_score(dev_y, dev_x[:, 1])), 4),
        f"dev at P >= {args.precision}: combiner P / R": [round(precision, 4), round(recall, 4)],
        f"dev at P >= {args.precision}: encoder cosine P / R": [round(cosine_p, 4), round(cosine_r, 4)],
        "encoder cosine threshold for that precision": round(cosine_threshold, 4),
        "screen: dev candidates passing (the encoder's work)": round(float(passing.mean()), 4),
        "screen: dev candidates the combiner accepts that pass": round(float(passing[accepted].mean()), 4),
        "dev P / R of the combiner by threshold": {
            f"{t:.1f}": [
                round(float(dev_y[probability >= t].mean()) if (probability >= t).any() else 1.0, 4),
                round(float(dev_y[probability >= t].sum() / max(dev_y.sum(), 1)), 4),
            ]
            for t in np.arange(0.2, 0.95, 0.1)
        },
    }
    result = {
        "about": "Logistic regression over align.pair_features; see benchmarks/train_claim_combiner.py",
        "command": shlex.join(["python", "benchmarks/train_claim_combiner.py", *sys.argv[1:]]),
        "features": list(COMBINER_FEATURES),
        "screen": {
            "about": "the same over every feature but the first (the encoder cosine); below threshold, not encoded",
            "weights": [round(float(w), 6) for w in screen_weights],
            "bias": round(screen_bias, 6),
            "threshold": round(screen_threshold, 6),
        },
        "weights": [round(float(w), 6) for w in weights],
        "bias": round(bias, 6),
        "threshold": round(threshold, 4),
        "chosen_on": (
            f"ECB+ dev topics {', '.join(DEV)}: lowest probability with pairwise precision >= {args.precision}"
        ),
        "trained_on": f"ECB+ training topics {', '.join(TRAIN)} (CC BY 3.0, Cybulska & Vossen 2014)",
        "figures": figures,
    }
    for name, w in zip(COMBINER_FEATURES, weights, strict=True):
        print(f"{name:>20} {w:+.3f}")
    print(f"{'bias':>20} {bias:+.3f}")
    print(json.dumps(figures, indent=1))
    print(f"threshold {threshold:.4f}; {time.perf_counter() - started:.0f} s")
    if not args.dry_run and args.limit_topics is None:
        harness.write_json(COMBINER_FILE, result)
        print(f"wrote {COMBINER_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
