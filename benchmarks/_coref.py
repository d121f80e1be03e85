"""Coreference scores, implemented from their definitions: MUC, B3, CEAF-e and CoNLL F1 (their mean).

Responses and keys are {mention id: cluster id}; a mention id starts with its ECB+ topic ('36_1ecb#12'),
and scores are micro-averaged over topics (clusters never cross a topic). Checked once against the
`scorch` package to three decimals."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from _harness import f1
from scipy.optimize import linear_sum_assignment


def clusters_of(assign: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for m, c in assign.items():
        groups[c].add(m)
    return list(groups.values())


def muc_counts(clusters: list[set[str]], other: dict[str, str]) -> tuple[float, float]:
    """Vilain et al. 1995: links kept = |K| - number of parts of K under the other partition."""
    num = den = 0
    for k in clusters:
        parts = {other.get(m, ("missing", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num, den


def b3_counts(clusters: list[set[str]], other: dict[str, str]) -> tuple[float, float]:
    """Bagga & Baldwin 1998: per mention |K ∩ R| / |K|, summed."""
    num = 0.0
    den = 0
    for k in clusters:
        overlap = Counter(other[m] for m in k if m in other)
        num += sum(v * v for v in overlap.values()) / len(k)
        den += len(k)
    return num, den


def ceafe_counts(key: list[set[str]], resp: list[set[str]]) -> tuple[float, int, int]:
    """Luo 2005, entity-based: best one-to-one alignment under phi4 = 2|K ∩ R| / (|K| + |R|)."""
    if not key or not resp:
        return 0.0, len(key), len(resp)
    where = {m: j for j, r in enumerate(resp) for m in r}
    sim = np.zeros((len(key), len(resp)))
    for i, k in enumerate(key):
        for j, n in Counter(where[m] for m in k if m in where).items():
            sim[i, j] = 2 * n / (len(k) + len(resp[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return float(sim[rows, cols].sum()), len(key), len(resp)


def prf(rn: float, rd: float, pn: float, pd: float) -> dict[str, float]:
    r = rn / rd if rd else 0.0
    p = pn / pd if pd else 0.0
    return {"r": 100 * r, "p": 100 * p, "f": 100 * f1(p, r)}


def score(key: dict[str, str], resp: dict[str, str], topics: set[str] | None = None) -> dict:
    """Micro-averaged over topics (clusters never cross a topic, so this equals scoring the union)."""
    topic_of = {m: m.split("_", 1)[0] for m in key}
    sums = Counter()
    per_topic: dict[str, float] = {}
    by_topic: dict[str, list[str]] = defaultdict(list)
    for m, t in topic_of.items():
        if topics is None or t in topics:
            by_topic[t].append(m)
    for t, ms in by_topic.items():
        k = {m: key[m] for m in ms}
        r = {m: resp[m] for m in ms}
        kc, rc = clusters_of(k), clusters_of(r)
        counts = {
            "muc_rn_rd": muc_counts(kc, r),
            "muc_pn_pd": muc_counts(rc, k),
            "b3_rn_rd": b3_counts(kc, r),
            "b3_pn_pd": b3_counts(rc, k),
        }
        sim, nk, nr = ceafe_counts(kc, rc)
        for name, (a, b) in counts.items():
            sums[name + "_n"] += a
            sums[name + "_d"] += b
        sums["ceaf_sim"] += sim
        sums["ceaf_nk"] += nk
        sums["ceaf_nr"] += nr
        one = _conll(counts, sim, nk, nr)
        per_topic[t] = round(one, 2)
    out = _metrics(sums)
    out["per_topic_conll"] = dict(sorted(per_topic.items(), key=lambda kv: int(kv[0])))
    out["mentions"] = sum(len(v) for v in by_topic.values())
    out["gold_clusters"] = int(sums["ceaf_nk"])
    out["predicted_clusters"] = int(sums["ceaf_nr"])
    return out


def _metrics(s: Counter) -> dict:
    muc = prf(s["muc_rn_rd_n"], s["muc_rn_rd_d"], s["muc_pn_pd_n"], s["muc_pn_pd_d"])
    b3 = prf(s["b3_rn_rd_n"], s["b3_rn_rd_d"], s["b3_pn_pd_n"], s["b3_pn_pd_d"])
    ceafe = prf(s["ceaf_sim"], s["ceaf_nk"], s["ceaf_sim"], s["ceaf_nr"])
    return {"muc": muc, "b3": b3, "ceafe": ceafe, "conll": (muc["f"] + b3["f"] + ceafe["f"]) / 3}


def _conll(counts: dict, sim: float, nk: int, nr: int) -> float:
    s = Counter()
    for name, (a, b) in counts.items():
        s[name + "_n"], s[name + "_d"] = a, b
    s["ceaf_sim"], s["ceaf_nk"], s["ceaf_nr"] = sim, nk, nr
    return _metrics(s)["conll"]
