"""The features and models of fnc1.py: each (headline, body) pair described with crosswire's pieces only
(claim alignment scores, certainty cues, attribution, denial links), a gradient-boosting model on them,
and the no-training rules mapping (crosswire's own thresholds)."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

TOP_K = 3


CUE_FEATURES: set[str] = set()  # names of features that carry certainty cues (dropped in the ablation row)


def _tfidf(lemma_lists: list[tuple[str, ...]]) -> tuple[Any, str]:
    """Rows of l2-normalised sublinear TF-IDF over lemma lists, as crosswire's align weighs them
    (each word by its rarity in general use, English)."""
    from crosswire.stages._similarity import TextIndex

    return TextIndex(lemma_lists).matrix, "crosswire.stages._similarity.TextIndex"


def _entity_found(name: str, body_tokens: set[str], body_names: set[str]) -> bool:
    if name in body_names:
        return True
    tokens = [t for t in re.findall(r"[\w'-]+", name) if len(t) > 2]
    return bool(tokens) and tokens[-1] in body_tokens  # "Putin" in "Vladimir Putin", surname matches


def build_features(
    pairs: list[tuple[str, int]],
    heads: dict[str, list[dict[str, Any]]],
    bodies: dict[int, list[dict[str, Any]]],
) -> tuple[np.ndarray, list[str], dict[str, Any], str]:
    """One feature row per (headline, body) pair, plus the intermediate signals the rules use."""
    from crosswire.lexicons import DENIAL, HEDGE, UNCONFIRMED
    from crosswire.stages.align import (
        MIN_TEXT_FOR_ENTITIES,
        WEIGHT_ENTITIES,
        WEIGHT_TEXT,
        AlignSettings,
        _quantity_score,
        agree,
        same_measure,
    )
    from crosswire.stages.conflicts import MIN_DENIAL_OVERLAP, _denied_proposition, _stems

    settings = AlignSettings()
    # ``blend`` below is align's wording-only score, so its bar is the wording-only one (until this
    # was mended, on 2026-12-06, the combiner's probability bar, 0.7, since 1447d5d split the two).
    claim_level = settings.lexical_claim_similarity
    candidate_level = claim_level * 0.6

    # One TF-IDF index over every sentence and headline in play (no labels used; the words' weights
    # come from general use, not from these texts).
    head_keys = sorted(heads)
    body_keys = sorted(bodies)
    lists: list[tuple[str, ...]] = []
    head_row: dict[str, int] = {}
    for h in head_keys:
        head_row[h] = len(lists)
        lists.append(tuple(x for s in heads[h] for x in s["lemmas"]))
    body_rows: dict[int, tuple[int, int]] = {}
    for b in body_keys:
        start = len(lists)
        lists.extend(s["lemmas"] for s in bodies[b])
        body_rows[b] = (start, len(lists))
    whole_row: dict[int, int] = {}
    for b in body_keys:
        whole_row[b] = len(lists)
        lists.append(tuple(x for s in bodies[b] for x in s["lemmas"]))
    matrix, vectoriser = _tfidf(lists)

    # Per-body summaries computed once.
    body_info: dict[int, dict[str, Any]] = {}
    for b in body_keys:
        sents = bodies[b]
        n = max(1, len(sents))
        lemma_set = {x for s in sents for x in s["lemmas"]}
        names = {e for s in sents for e in s["ents"]}
        tokens = {t for e in names for t in re.findall(r"[\w'-]+", e)}
        certainty = [s["claim_certainty"] or s["certainty"] for s in sents]
        body_info[b] = {
            "n": len(sents),
            "lemmas": lemma_set,
            "lead_lemmas": {x for s in sents[:3] for x in s["lemmas"]},
            "names": names,
            "tokens": tokens,
            "quants": [q for s in sents for q in s["quants"]],
            "certainty": certainty,
            "rate": {c: sum(1 for x in certainty if x == c) / n for c in ("denied", "unconfirmed", "hedged")},
            "any": {k: sum(s[f"{k}_any"] for s in sents) for k in ("denial", "unconfirmed", "hedge")},
            "attributed": sum(s["attributed"] for s in sents) / n,
            "questions": sum(s["question"] for s in sents) / n,
            "own_voice": sum(s["own_voice"] for s in sents) / n,
            "denial_props": [
                (i, _stems(_denied_proposition(s["text"])))
                for i, s in enumerate(sents)
                if (s["claim_certainty"] or s["certainty"]) == "denied"
            ],
        }

    names_out: list[str] = []
    rows: list[list[float]] = []
    signals: dict[str, list[Any]] = {k: [] for k in ("max_blend", "top_certainty", "linked_denial", "head_denied")}
    head_cache: dict[str, dict[str, Any]] = {}
    for h, b in pairs:
        if h not in head_cache:
            sents = heads[h]
            text = " ".join(s["text"] for s in sents)
            head_cache[h] = {
                "lemmas": {x for s in sents for x in s["lemmas"]},
                "names": sorted({e for s in sents for e in s["ents"]}),
                "quants": [q for s in sents for q in s["quants"]],
                "stems": _stems(text),
                "denied": any(s["certainty"] == "denied" for s in sents) or bool(DENIAL.search(text)),
                "unconfirmed": bool(UNCONFIRMED.search(text)),
                "hedged": bool(HEDGE.search(text)),
                "question": "?" in text,
                "attributed": any(s["attributed"] for s in sents),
            }
        hi = head_cache[h]
        bi = body_info[b]
        sents = bodies[b]
        start, end = body_rows[b]
        hv = matrix[head_row[h]]
        cos = (matrix[start:end] @ hv.T).toarray().ravel() if end > start else np.zeros(0)
        whole = float((matrix[whole_row[b]] @ hv.T).toarray().ravel()[0])
        blend = np.zeros(len(sents))
        head_names = set(hi["names"])
        for i, s in enumerate(sents):
            score = WEIGHT_TEXT * cos[i]
            if cos[i] >= MIN_TEXT_FOR_ENTITIES and head_names and s["ents"]:
                a, c = head_names, set(s["ents"])
                score += WEIGHT_ENTITIES * len(a & c) / len(a | c)
            if hi["quants"] and s["quants"]:
                score += _quantity_score(hi["quants"], list(s["quants"]), settings.quantity_tolerance)
            blend[i] = score
        order = np.argsort(-blend, kind="stable")[:TOP_K] if len(sents) else np.zeros(0, dtype=int)
        top = [sents[i] for i in order]
        top_cert = [s["claim_certainty"] or s["certainty"] for s in top]
        matched = [i for i in range(len(sents)) if blend[i] >= candidate_level]
        matched_cert = [bi["certainty"][i] for i in matched]
        # Number agreement between the headline and anywhere in the body.
        q_agree = q_conflict = 0
        for q in hi["quants"]:
            same = [x for x in bi["quants"] if same_measure(q, x)]
            if same:
                if any(agree(q, x, settings.quantity_tolerance) for x in same):
                    q_agree += 1
                else:
                    q_conflict += 1
        found = [_entity_found(e, bi["tokens"], bi["names"]) for e in hi["names"]]
        # The conflicts stage's polarity link: a body denial whose proposition is the headline's.
        link = 0.0
        for _, prop in bi["denial_props"]:
            if len(prop) >= 2:
                shared = len(prop & hi["stems"])
                if shared >= 2:
                    link = max(link, shared / len(prop))
        linked = link >= MIN_DENIAL_OVERLAP or any(c == "denied" for c in matched_cert)

        feats: dict[str, float] = {
            # alignment (no certainty)
            "cos_max": float(cos.max()) if len(cos) else 0.0,
            "cos_top3": float(np.sort(cos)[-TOP_K:].mean()) if len(cos) else 0.0,
            "cos_body": whole,
            "blend_max": float(blend.max()) if len(blend) else 0.0,
            "blend_top3": float(np.sort(blend)[-TOP_K:].mean()) if len(blend) else 0.0,
            "n_candidate": float(len(matched)),
            "share_candidate": len(matched) / max(1, len(sents)),
            "n_claim": float((blend >= claim_level).sum()),
            "best_position": float(order[0]) / max(1, len(sents)) if len(order) else 1.0,
            "lemma_cover": len(hi["lemmas"] & bi["lemmas"]) / max(1, len(hi["lemmas"])),
            "lemma_cover_lead": len(hi["lemmas"] & bi["lead_lemmas"]) / max(1, len(hi["lemmas"])),
            "head_lemmas": float(len(hi["lemmas"])),
            "head_entities": float(len(hi["names"])),
            "entity_cover": sum(found) / len(found) if found else -1.0,
            "head_numbers": float(len(hi["quants"])),
            "numbers_agree": float(q_agree),
            "numbers_conflict": float(q_conflict),
            "body_sentences": math.log1p(len(sents)),
            # certainty cues (crosswire's DENIAL / UNCONFIRMED / HEDGE, attribution)
            "top1_denied": float(bool(top_cert) and top_cert[0] == "denied"),
            "top1_unconfirmed": float(bool(top_cert) and top_cert[0] == "unconfirmed"),
            "top1_hedged": float(bool(top_cert) and top_cert[0] == "hedged"),
            "top_denied": float(sum(c == "denied" for c in top_cert)),
            "top_unconfirmed": float(sum(c == "unconfirmed" for c in top_cert)),
            "top_hedged": float(sum(c == "hedged" for c in top_cert)),
            "top_denial_any": float(sum(s["denial_any"] for s in top)),
            "top_hedge_any": float(sum(s["hedge_any"] + s["unconfirmed_any"] for s in top)),
            "top_attributed": float(sum(s["attributed"] for s in top)),
            "top_question": float(sum(s["question"] for s in top)),
            "matched_denied": float(sum(c == "denied" for c in matched_cert)),
            "matched_hedged": float(sum(c in ("hedged", "unconfirmed") for c in matched_cert)),
            "denial_link": link,
            "body_denied_rate": bi["rate"]["denied"],
            "body_unconfirmed_rate": bi["rate"]["unconfirmed"],
            "body_hedged_rate": bi["rate"]["hedged"],
            "body_denial_any": float(bi["any"]["denial"]),
            "body_unconfirmed_any": float(bi["any"]["unconfirmed"]),
            "body_hedge_any": float(bi["any"]["hedge"]),
            "body_attributed": bi["attributed"],
            "body_questions": bi["questions"],
            "body_own_voice": bi["own_voice"],
            "head_denied": float(hi["denied"]),
            "head_unconfirmed": float(hi["unconfirmed"]),
            "head_hedged": float(hi["hedged"]),
            "head_question": float(hi["question"]),
            "head_attributed": float(hi["attributed"]),
        }
        if not names_out:
            names_out = list(feats)
            start_cues = names_out.index("top1_denied")
            CUE_FEATURES.update(names_out[start_cues:])
        rows.append([feats[k] for k in names_out])
        signals["max_blend"].append(feats["blend_max"])
        signals["top_certainty"].append(top_cert[0] if top_cert else "asserted")
        signals["linked_denial"].append(linked)
        signals["head_denied"].append(hi["denied"])
    return np.asarray(rows, dtype=np.float64), names_out, signals, vectoriser


def rules(signals: dict[str, list[Any]]) -> list[str]:
    """crosswire's reading with no training, its own thresholds only.

    related: some body sentence and the headline are a candidate pair for one claim in align
    (wording-only blended score >= 0.6 x lexical_claim_similarity); disagree: a body denial
    linked to the headline (a denied sentence among the matched ones, or a denied proposition
    overlapping the headline as conflicts.py requires), unless the headline itself is a denial
    (then both deny: agree); agree: the best-matching sentence reaches lexical_claim_similarity
    and crosswire reads it as asserted; else discuss.
    """
    from crosswire.stages.align import AlignSettings

    claim_level = AlignSettings().lexical_claim_similarity  # (``max_blend`` is the wording-only score)
    out = []
    for blend, certainty, linked, head_denied in zip(
        signals["max_blend"], signals["top_certainty"], signals["linked_denial"], signals["head_denied"], strict=True
    ):
        if blend < claim_level * 0.6:
            out.append("unrelated")
        elif linked:
            out.append("agree" if head_denied else "disagree")
        elif blend >= claim_level and certainty == "asserted":
            out.append("agree")
        else:
            out.append("discuss")
    return out


def train_predict(x_train: np.ndarray, y_train: list[str], x_test: np.ndarray) -> list[str]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.08, max_leaf_nodes=31, l2_regularization=1.0, random_state=0
    )
    model.fit(x_train, np.asarray(y_train))
    return [str(p) for p in model.predict(x_test)]
