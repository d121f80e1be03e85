"""Does crosswire's loaded-language share rank the three outlets of a BASIL event like the annotators do?

    python benchmarks/basil_loaded.py [--limit N] [--data DIR] [--no-check]

BASIL (Fan et al., EMNLP 2019; ../shared/eval-data/basil, see its SOURCE.md) has 100 events, each
told by Fox News, the New York Times and HuffPost, with annotated bias spans (lexical / informational,
inside quotes or not). Each article is written to a temporary folder as a .txt file (title line, then
its paragraphs) and run through crosswire's own stages, exactly as ``pipeline.analyze`` chains them
for the profile: ingest.read -> clean -> facts -> annotate -> build_profiles. (Unless --no-check, the
first events are also run through ``pipeline.analyze`` and the loaded-language shares compared.)

Measured against the gold, per article:
  * lex_out     - lexical-bias spans outside quotes (the main view: loaded wording in the outlet's voice)
  * all_spans   - all bias spans (lexical + informational, quoted or not)
  * lex_out_ps  - lexical-bias spans outside quotes per BASIL sentence
  * all_ps      - all bias spans per BASIL sentence
Metrics: mean Spearman / Kendall (tau-b) over events, same most-loaded outlet, pooled correlation over
all articles; sentence-level precision/recall of "own-voice sentence has loaded wording" against
"sentence contains a lexical-bias span outside quotes"; gold lexical-bias words missing from the lexicon.

Writes benchmarks/results/basil_loaded.json and benchmarks/results/basil_loaded.md.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from scipy import stats

from crosswire.errors import InputError
from crosswire.models import Document, RawDocument
from crosswire.pipeline import analyze, load_pipeline
from crosswire.settings import Settings
from crosswire.stages.annotate import annotate, outside_quotes, quote_spans
from crosswire.stages.clean import clean
from crosswire.stages.facts import document_facts
from crosswire.stages.ingest import read
from crosswire.stages.lexicons import LOADED_WORDS
from crosswire.stages.profile import build_profiles

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "eval-data" / "basil"
RESULTS = ROOT / "benchmarks" / "results"
OUTLETS = ("fox", "nyt", "hpo")
WORD = re.compile(r"[A-Za-z][A-Za-z-]+")  # the word pattern profile.py matches LOADED_WORDS with
GOLD_VIEWS = ("lex_out", "all_spans", "lex_out_ps", "all_ps")
CHECK_EVENTS = 3
# Words that recur in BASIL's lexical-bias spans but are topic words, not general evaluative wording
# (kept out of the proposed lexicon additions; everything else is filtered by part of speech).
TOPIC_WORDS = frozenset(
    "obamacare amnesty illegal illegals immigrants immigration undocumented aliens gun guns abortion "
    "taxpayer taxpayers shutdown tax taxes wall border".split()
)
STOP = frozenset(
    "a an the of to in on for and or but with by at from as that this these those is are was were be been "
    "being has have had he she it they his her its their them him who whom which what not no so than then "
    "very more most much many also just even only still yet into over about after before up out".split()
)


# ----------------------------------------------------------------------------------------------- data
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


# ------------------------------------------------------------------------------------------ alignment
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


# ---------------------------------------------------------------------------------------- statistics
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
        "spearman_mean": _r(np.mean(rhos)) if rhos else None,
        "kendall_tau_b_mean": _r(np.mean(taus)) if taus else None,
        "spearman_mean_undefined_as_0": _r(sum(rhos) / n_events) if n_events else None,
        "events_with_a_gold_top": len(hits),
        "same_top_outlet": _r(np.mean(hits)) if hits else None,
        "same_top_outlet_random": _r(np.mean(chance)) if chance else None,
    }


def pooled(pred: list[float], gold: list[float]) -> dict:
    return {
        "spearman": _r(stats.spearmanr(pred, gold).statistic),
        "pearson": _r(stats.pearsonr(pred, gold).statistic),
        "n": len(pred),
    }


def _r(value: float, digits: int = 3) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), digits)


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f), "tp": tp, "fp": fp, "fn": fn}


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N events only")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--no-check", action="store_true", help="skip the pipeline.analyze cross-check")
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "articles").is_dir():
        print(f"BASIL not found at {data}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    events = load_basil(data, args.limit)
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    load_seconds = time.perf_counter() - started

    rows: list[dict] = []  # one per article
    sentence_units: list[dict] = []  # one per crosswire sentence
    lost = Counter[str]()
    check = {"events": 0, "articles": 0, "mismatches": []}
    span_words: Counter[str] = Counter()
    span_word_events: defaultdict[str, set] = defaultdict(set)
    span_word_pos: defaultdict[str, Counter] = defaultdict(Counter)
    voice_words: Counter[str] = Counter()  # word occurrences in own-voice text outside quotes

    with tempfile.TemporaryDirectory() as tmp:
        for number, event in enumerate(events):
            folder = Path(tmp) / event["id"]
            folder.mkdir()
            raws = {o: write_article(event["articles"][o], folder) for o in OUTLETS}
            documents = clean_all(folder, settings)
            annotated = annotate(documents, nlp, settings.batch_size)
            profiles = {p.doc: p for p in build_profiles(annotated, ())}
            if not args.no_check and number < CHECK_EVENTS:
                dossier = analyze([str(folder)], settings, nlp=nlp)
                check["events"] += 1
                for p in dossier.profiles:
                    check["articles"] += 1
                    if p.loaded_language != profiles[p.doc].loaded_language:
                        check["mismatches"].append([p.doc, p.loaded_language, profiles[p.doc].loaded_language])
            by_outlet = {Path(a.document.source).stem: a for a in annotated}
            for outlet in OUTLETS:
                article = event["articles"][outlet]
                raw, starts = raws[outlet]
                spans = [
                    {**s, "a": starts[s["sentence"]] + s["start"], "b": starts[s["sentence"]] + s["end"]}
                    for s in article["spans"]
                ]
                n_sent = max(1, len(article["sentences"]))
                lex_out = [s for s in spans if s["bias"] == "lex" and not s["quote"]]
                row = {
                    "event": event["id"],
                    "outlet": outlet,
                    "lex_out": len(lex_out),
                    "all_spans": len(spans),
                    "lex_out_ps": len(lex_out) / n_sent,
                    "all_ps": len(spans) / n_sent,
                    "basil_sentences": len(article["sentences"]),
                }
                ann = by_outlet.get(outlet)
                if ann is None:  # crosswire refused the article: count it as no loaded wording
                    lost["articles not analysed"] += 1
                    row.update(share=0.0, adj_adv_any=0.0, adj_adv_rate=0.0, own_voice=0, analysed=False)
                    rows.append(row)
                    continue
                where = locate(ann.document.sentences, raw)
                lost["crosswire sentences not found in the text"] += sum(1 for w in where if w is None)
                texts = [s.text for s in ann.document.sentences]
                parsed = list(nlp.pipe(texts, batch_size=64, disable=["ner", "parser", "lemmatizer"]))
                own = loaded_n = adj_any = adj_tokens = words = 0
                covered = set()
                for sentence, info, span_at, doc in zip(ann.document.sentences, ann.info, where, parsed, strict=True):
                    gold_in = [
                        s for s in spans if span_at and s["a"] < span_at[1] and s["b"] > span_at[0]
                    ]
                    covered.update(id(s) for s in gold_in)
                    hits = loaded_hits(sentence.text)
                    unit = {
                        "own_voice": info.own_voice,
                        "pred": bool(hits),
                        "gold": any(s["bias"] == "lex" and not s["quote"] for s in gold_in),
                    }
                    sentence_units.append(unit)
                    if not info.own_voice:
                        continue
                    own += 1
                    loaded_n += bool(hits)
                    quoted = quote_spans(sentence.text)
                    voice = [t for t in doc if not any(a <= t.idx < b for a, b in quoted)]
                    n_adj = sum(1 for t in voice if t.pos_ in ("ADJ", "ADV"))
                    adj_any += n_adj > 0
                    adj_tokens += n_adj
                    words += sum(1 for t in voice if t.is_alpha)
                    voice_words.update(w.lower() for w in WORD.findall(outside_quotes(sentence.text)))
                    # part of speech of each gold lexical-bias word in this sentence (for lexicon proposals)
                    for s in gold_in:
                        if s["bias"] != "lex" or s["quote"]:
                            continue
                        a, b = s["a"] - span_at[0], s["b"] - span_at[0]
                        for t in doc:
                            if a <= t.idx < b and t.is_alpha:
                                w = t.text.lower()
                                span_words[w] += 1
                                span_word_events[w].add(event["id"])
                                span_word_pos[w][t.pos_] += 1
                lost["gold spans outside every crosswire sentence"] += sum(1 for s in spans if id(s) not in covered)
                lost["lexical spans outside quotes in non-own-voice sentences"] += sum(
                    1
                    for s, info, at in zip(ann.document.sentences, ann.info, where, strict=True)
                    if not info.own_voice and at
                    for g in lex_out
                    if g["a"] < at[1] and g["b"] > at[0]
                )
                share = profiles[ann.document.id].loaded_language
                mine = round(loaded_n / own, 3) if own else 0.0
                if mine != share:
                    lost["articles where the recomputed share differs from the profile"] += 1
                row.update(
                    share=share,
                    adj_adv_any=adj_any / own if own else 0.0,
                    adj_adv_rate=adj_tokens / words if words else 0.0,
                    own_voice=own,
                    analysed=True,
                )
                rows.append(row)
            print(f"\r{number + 1}/{len(events)} events", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    elapsed = time.perf_counter() - started

    # ---------------------------------------------------------------------------------- aggregate
    per_event: defaultdict[str, dict] = defaultdict(dict)
    for row in rows:
        per_event[row["event"]][row["outlet"]] = row
    event_ids = [e["id"] for e in events]

    def series(key: str) -> list[list[float]]:
        return [[per_event[e][o][key] for o in OUTLETS] for e in event_ids]

    predictors = {
        "crosswire loaded share": "share",
        "baseline: share of own-voice sentences with any ADJ/ADV": "adj_adv_any",
        "baseline: ADJ+ADV per own-voice word": "adj_adv_rate",
        "baseline: own-voice sentence count (length)": "own_voice",
    }
    ranking = {
        name: {view: summarise(series(key), series(view), len(event_ids)) for view in GOLD_VIEWS}
        for name, key in predictors.items()
    }
    pooled_all = {
        name: {
            view: pooled([r[key] for r in rows], [r[view] for r in rows]) for view in ("lex_out_ps", "all_ps")
        }
        for name, key in predictors.items()
    }
    own_units = [u for u in sentence_units if u["own_voice"]]
    sentence_level = {
        "own_voice_sentences": prf(
            sum(u["pred"] and u["gold"] for u in own_units),
            sum(u["pred"] and not u["gold"] for u in own_units),
            sum(not u["pred"] and u["gold"] for u in own_units),
        ),
        "own_voice_sentences_n": len(own_units),
        "own_voice_gold_positive_rate": _r(sum(u["gold"] for u in own_units) / max(1, len(own_units))),
        "own_voice_predicted_positive_rate": _r(sum(u["pred"] for u in own_units) / max(1, len(own_units))),
        "all_sentences_profile_view": prf(  # what the profile credits: loaded AND own voice, over every sentence
            sum(u["pred"] and u["own_voice"] and u["gold"] for u in sentence_units),
            sum(u["pred"] and u["own_voice"] and not u["gold"] for u in sentence_units),
            sum(not (u["pred"] and u["own_voice"]) and u["gold"] for u in sentence_units),
        ),
        "all_sentences_n": len(sentence_units),
    }
    distribution = {
        view: {o: _r(np.mean([per_event[e][o][view] for e in event_ids])) for o in OUTLETS}
        for view in ("share", "lex_out", "lex_out_ps", "all_spans")
    }
    zero_share_events = sum(1 for e in event_ids if all(per_event[e][o]["share"] == 0 for o in OUTLETS))
    missing = []
    for word, count in span_words.most_common():
        pos = span_word_pos[word].most_common(1)[0][0]
        if word in LOADED_WORDS or word in STOP or word in TOPIC_WORDS or len(word) < 3:
            continue
        if pos not in ("ADJ", "ADV", "VERB", "NOUN"):
            continue
        if len(span_word_events[word]) < 2:  # one event only: likely a topic word
            continue
        missing.append(
            {
                "word": word,
                "in_lexical_spans": count,
                "events": len(span_word_events[word]),
                "pos": pos,
                "own_voice_occurrences": voice_words[word],
                "share_of_occurrences_in_spans": _r(count / max(count, voice_words[word])),
            }
        )
        if len(missing) == 20:
            break

    result = {
        "dataset": "BASIL (Fan et al., EMNLP 2019), launchnlp/BASIL 4fdbc4f",
        "command": "python benchmarks/basil_loaded.py" + (f" --limit {args.limit}" if args.limit else ""),
        "events": len(event_ids),
        "articles": len(rows),
        "seconds": round(elapsed, 1),
        "model_load_seconds": round(load_seconds, 1),
        "loaded_words_in_lexicon": len(LOADED_WORDS),
        "gold": {
            "lex_out": "lexical-bias spans outside quotes (title spans excluded)",
            "all_spans": "all bias spans",
            "lex_out_ps": "lex_out per BASIL body sentence",
            "all_ps": "all_spans per BASIL body sentence",
        },
        "ties": (
            "Spearman with average ranks, Kendall tau-b; events where either side is constant have no "
            "correlation and are left out of the mean (also reported with them counted as 0). Same top "
            "outlet: ties at crosswire's top split the credit (|P_top & G_top| / |P_top|); events whose "
            "gold is equal for all three are left out; the random baseline is |G_top| / 3."
        ),
        "ranking": ranking,
        "pooled_over_articles": pooled_all,
        "sentence_level": sentence_level,
        "mean_by_outlet": distribution,
        "events_with_zero_share_for_all_three": zero_share_events,
        "alignment": dict(lost),
        "pipeline_check": check,
        "missing_lexical_bias_words": missing,
        "articles_detail": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "basil_loaded.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    markdown = render(result)
    (RESULTS / "basil_loaded.md").write_text(markdown, encoding="utf-8")
    print(table(result))
    return 0


def table(result: dict) -> str:
    lines = [
        f"BASIL: {result['events']} events, {result['articles']} articles, {result['seconds']} s",
        "",
        f"{'predictor':<52}{'gold':<12}{'rho':>7}{'tau-b':>7}{'n':>5}{'top':>7}{'rand':>7}",
    ]
    for name, views in result["ranking"].items():
        for view, s in views.items():
            lines.append(
                f"{name[:51]:<52}{view:<12}{_f(s['spearman_mean']):>7}{_f(s['kendall_tau_b_mean']):>7}"
                f"{s['events_with_defined_correlation']:>5}{_f(s['same_top_outlet']):>7}"
                f"{_f(s['same_top_outlet_random']):>7}"
            )
    lines += ["", "pooled over articles (Spearman / Pearson vs gold spans per sentence):"]
    for name, views in result["pooled_over_articles"].items():
        cells = "  ".join(f"{v}: {_f(s['spearman'])} / {_f(s['pearson'])}" for v, s in views.items())
        lines.append(f"  {name[:51]:<52}{cells}")
    sl = result["sentence_level"]["own_voice_sentences"]
    lines += [
        "",
        f"sentence level (own-voice sentences, n={result['sentence_level']['own_voice_sentences_n']}): "
        f"P {sl['precision']}  R {sl['recall']}  F1 {sl['f1']}  (tp {sl['tp']}, fp {sl['fp']}, fn {sl['fn']})",
        "most frequent gold lexical-bias words not in LOADED_WORDS: "
        + ", ".join(m["word"] for m in result["missing_lexical_bias_words"]),
    ]
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render(result: dict) -> str:
    main = result["ranking"]
    cw = main["crosswire loaded share"]
    sl = result["sentence_level"]
    own = sl["own_voice_sentences"]
    prof = sl["all_sentences_profile_view"]
    pooled_cw = result["pooled_over_articles"]["crosswire loaded share"]
    out = [
        "## BASIL: does the loaded-language share rank outlets like the annotators?",
        "",
        "```",
        result["command"],
        "```",
        "",
        f"{result['events']} BASIL events (Fox News, New York Times, HuffPost each; Fan et al., EMNLP 2019, "
        "`../shared/eval-data/basil`), each article written as a .txt (title line, paragraphs) and run "
        "through crosswire's ingest, clean, facts, annotate and profile stages "
        f"({result['articles']} articles, {result['seconds']} s on 2 cores, one process). "
        "Predictor: the profile's `loaded_language` (share of own-voice sentences with a word from "
        f"`LOADED_WORDS`, {result['loaded_words_in_lexicon']} words). "
        "Gold per article: lexical-bias spans outside quotes (`lex_out`), all bias spans (`all_spans`), "
        "and both per BASIL sentence (`_ps`).",
        "",
        f"Ties: {result['ties']}",
        "",
        "| predictor | gold | mean Spearman | mean Kendall tau-b | events with a correlation | same top outlet | random top |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, views in main.items():
        for view, s in views.items():
            out.append(
                f"| {name} | {view} | {_f(s['spearman_mean'])} | {_f(s['kendall_tau_b_mean'])} | "
                f"{s['events_with_defined_correlation']} | {_f(s['same_top_outlet'])} "
                f"({s['events_with_a_gold_top']} ev.) | {_f(s['same_top_outlet_random'])} |"
            )
    out += [
        "",
        "Pooled over all articles, Spearman / Pearson against gold spans per sentence:",
        "",
        "| predictor | lexical outside quotes per sentence | all spans per sentence |",
        "|---|---|---|",
    ]
    for name, views in result["pooled_over_articles"].items():
        out.append(
            f"| {name} | {_f(views['lex_out_ps']['spearman'])} / {_f(views['lex_out_ps']['pearson'])} | "
            f"{_f(views['all_ps']['spearman'])} / {_f(views['all_ps']['pearson'])} |"
        )
    out += [
        "",
        "Sentence level, \"has loaded wording\" vs \"contains a lexical-bias span outside quotes\":",
        "",
        "| unit | n | precision | recall | F1 |",
        "|---|---|---|---|---|",
        f"| own-voice sentences (what the share counts) | {sl['own_voice_sentences_n']} | {own['precision']} | "
        f"{own['recall']} | {own['f1']} |",
        f"| all sentences, positive = loaded and own voice | {sl['all_sentences_n']} | {prof['precision']} | "
        f"{prof['recall']} | {prof['f1']} |",
        "",
        f"Gold-positive rate among own-voice sentences {sl['own_voice_gold_positive_rate']}, predicted "
        f"{sl['own_voice_predicted_positive_rate']}. Events where all three shares are 0: "
        f"{result['events_with_zero_share_for_all_three']}. Alignment losses: "
        + (", ".join(f"{k} {v}" for k, v in result["alignment"].items()) or "none")
        + ".",
        "",
        "Most frequent gold lexical-bias words (outside quotes) missing from `LOADED_WORDS` "
        "(general words in at least two events; count in spans / own-voice occurrences overall):",
        "",
        ", ".join(
            f"{m['word']} ({m['in_lexical_spans']}/{m['own_voice_occurrences']})"
            for m in result["missing_lexical_bias_words"]
        ),
        "",
        "Published reference (SOURCE.md, **unverified, from memory**): Fan et al. 2019 report sentence-level "
        "lexical-bias detection with BERT at F1 about 0.3 or lower (informational about 0.4). Their "
        "setting (a trained classifier) differs from this one (a fixed lexicon, no training).",
        "",
        "Reading: " + reading(result, cw, own, pooled_cw),
        "",
    ]
    return "\n".join(out)


def reading(result: dict, cw: dict, own: dict, pooled_cw: dict) -> str:
    """Placeholder filled after the run (kept short and factual)."""
    lex = cw["lex_out"]
    return (
        f"against lexical spans outside quotes the mean per-event Spearman is {_f(lex['spearman_mean'])} "
        f"over {lex['events_with_defined_correlation']} events with a defined ranking, and the same "
        f"most-loaded outlet is found in {_f(lex['same_top_outlet'])} of events (random "
        f"{_f(lex['same_top_outlet_random'])}); pooled Spearman with spans per sentence "
        f"{_f(pooled_cw['lex_out_ps']['spearman'])}. Sentence-level precision {own['precision']}, "
        f"recall {own['recall']}."
    )


if __name__ == "__main__":
    sys.exit(main())
