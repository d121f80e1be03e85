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

import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import _harness as harness
import numpy as np
from _basil_data import (
    OUTLETS,
    STOP,
    WORD,
    clean_all,
    load_basil,
    locate,
    mine_words,
    pooled,
    prf,
    round_or_none,
    summarise,
    write_article,
)
from _basil_report import render, table
from scipy import stats

from crosswire.analysis.pipeline import analyze, load_pipeline
from crosswire.lexicons import LOADED_WORDS
from crosswire.settings import Settings
from crosswire.stages._attribution import quote_spans
from crosswire.stages.annotate import annotate, outside_quotes
from crosswire.stages.profile import build_profiles

DEFAULT_DATA = harness.EVAL_DATA / "basil"
GOLD_VIEWS = ("lex_out", "all_spans", "lex_out_ps", "all_ps")
CHECK_EVENTS = 3


# ---------------------------------------------------------------------------------------------- main
def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--limit", type=int, default=None, help="first N events only")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--no-check", action="store_true", help="skip the pipeline.analyze cross-check")
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "articles").is_dir():
        return harness.missing(f"BASIL not found at {data}")

    warnings.filterwarnings("ignore", category=stats.ConstantInputWarning)  # constant sides are reported as None
    started = time.perf_counter()
    events = load_basil(data, args.limit)
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    load_seconds = time.perf_counter() - started

    rows: list[dict] = []  # one per article
    records: list[dict] = []  # one per crosswire sentence
    span_words: list[dict] = []  # one per word of a gold lexical-bias span outside quotes
    lost = Counter[str]()
    check = {"events": 0, "articles": 0, "mismatches": []}

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
                lex_out = [s for s in spans if s["bias"] == "lex" and not s["quote"]]
                n_sent = max(1, len(article["sentences"]))
                row = {
                    "event": event["id"],
                    "year": event["year"],
                    "outlet": outlet,
                    "lex_out": len(lex_out),
                    "all_spans": len(spans),
                    "lex_out_ps": len(lex_out) / n_sent,
                    "all_ps": len(spans) / n_sent,
                    "basil_sentences": len(article["sentences"]),
                    "share": 0.0,
                    "analysed": False,
                }
                rows.append(row)
                ann = by_outlet.get(outlet)
                if ann is None:  # crosswire refused the article: no sentences, share 0
                    lost["articles not analysed"] += 1
                    continue
                row["analysed"] = True
                row["share"] = profiles[ann.document.id].loaded_language
                where = locate(ann.document.sentences, raw)
                lost["crosswire sentences not found in the text"] += sum(1 for w in where if w is None)
                parsed = nlp.pipe(
                    [s.text for s in ann.document.sentences], batch_size=64, disable=["ner", "parser", "lemmatizer"]
                )
                covered: set[int] = set()
                for sentence, info, at, doc in zip(ann.document.sentences, ann.info, where, parsed, strict=True):
                    inside = [s for s in spans if at and s["a"] < at[1] and s["b"] > at[0]]
                    covered.update(id(s) for s in inside)
                    quoted = quote_spans(sentence.text)
                    voice = [t for t in doc if not any(a <= t.idx < b for a, b in quoted)]
                    gold_lex = [s for s in inside if s["bias"] == "lex" and not s["quote"]]
                    records.append(
                        {
                            "event": event["id"],
                            "year": int(event["year"]),
                            "outlet": outlet,
                            "own_voice": info.own_voice,
                            "words": [w.lower() for w in WORD.findall(outside_quotes(sentence.text))],
                            "gold": bool(gold_lex),
                            "adj_adv": sum(1 for t in voice if t.pos_ in ("ADJ", "ADV")),
                            "alpha": sum(1 for t in voice if t.is_alpha),
                        }
                    )
                    if gold_lex and not info.own_voice:
                        lost["lexical spans outside quotes in sentences crosswire does not count as own voice"] += len(
                            gold_lex
                        )
                    for s in gold_lex:
                        a, b = s["a"] - at[0], s["b"] - at[0]
                        if any(qa < b and qb > a for qa, qb in quoted):
                            lost["lexical spans 'not in quotes' that crosswire sees inside quote marks"] += 1
                        for m in WORD.finditer(sentence.text):
                            if a <= m.start() < b:
                                token = next((t for t in doc if t.idx <= m.start() < t.idx + len(t)), None)
                                span_words.append(
                                    {
                                        "word": m.group(0).lower(),
                                        "pos": token.pos_ if token else "X",
                                        "event": event["id"],
                                        "span": s["txt"].strip(" “”\"'‘’.,").lower(),
                                        "own_voice": info.own_voice,
                                        "reporting_verb": info.reporting_verb,
                                    }
                                )
                lost["gold spans outside every crosswire sentence (cleaned away)"] += sum(
                    1 for s in spans if id(s) not in covered
                )
            harness.progress(f"\r{number + 1}/{len(events)} events", end="")
    harness.progress()
    elapsed = time.perf_counter() - started

    # ------------------------------------------------------------------------- predictors per article
    event_ids = [e["id"] for e in events]
    all_events = set(event_ids)
    even = {e["id"] for e in events if int(e["year"]) % 2 == 0}
    fold_words = {  # lexicon additions for each event, mined on the events of the other year parity
        "even": LOADED_WORDS | {m["word"] for m in mine_words(records, span_words, all_events - even, None)},
        "odd": LOADED_WORDS | {m["word"] for m in mine_words(records, span_words, even, None)},
    }

    def lexicon_of(event_id: str) -> frozenset[str]:
        return fold_words["even" if event_id in even else "odd"]

    by_article: defaultdict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        r["pred"] = bool(set(r["words"]) & LOADED_WORDS)
        r["pred_plus"] = bool(set(r["words"]) & lexicon_of(r["event"]))
        by_article[(r["event"], r["outlet"])].append(r)

    def share(items: list[dict], key: str) -> float:
        return sum(1 for r in items if r[key]) / len(items) if items else 0.0

    for row in rows:
        sents = by_article.get((row["event"], row["outlet"]), [])
        own = [r for r in sents if r["own_voice"]]
        outside = [r for r in sents if r["words"]]
        recomputed = round(share(own, "pred"), 3)
        if row["analysed"] and recomputed != row["share"]:
            lost["articles where the recomputed share differs from the profile"] += 1
        row.update(
            own_voice=len(own),
            adj_adv_any=share([{"x": r["adj_adv"] > 0} for r in own], "x"),
            adj_adv_rate=sum(r["adj_adv"] for r in own) / max(1, sum(r["alpha"] for r in own)),
            all_sentences=share(outside, "pred"),
            own_plus=share(own, "pred_plus"),
            all_plus=share(outside, "pred_plus"),
        )

    per_event: defaultdict[str, dict] = defaultdict(dict)
    for row in rows:
        per_event[row["event"]][row["outlet"]] = row

    def series(key: str) -> list[list[float]]:
        return [[per_event[e][o][key] for o in OUTLETS] for e in event_ids]

    predictors = {
        "crosswire loaded share": "share",
        "baseline: share of own-voice sentences with any ADJ/ADV": "adj_adv_any",
        "baseline: ADJ+ADV per own-voice word": "adj_adv_rate",
        "baseline: own-voice sentence count (length)": "own_voice",
        "diagnostic: lexicon on every sentence, outside quotes": "all_sentences",
        "diagnostic: own voice, lexicon + cross-fitted additions": "own_plus",
        "diagnostic: every sentence + cross-fitted additions": "all_plus",
    }
    ranking = {
        name: {view: summarise(series(key), series(view), len(event_ids)) for view in GOLD_VIEWS}
        for name, key in predictors.items()
    }
    pooled_all = {
        name: {view: pooled([r[key] for r in rows], [r[view] for r in rows]) for view in ("lex_out_ps", "all_ps")}
        for name, key in predictors.items()
    }

    def sentence_prf(units: list[dict], key: str) -> dict:
        return {
            **prf(
                sum(u[key] and u["gold"] for u in units),
                sum(u[key] and not u["gold"] for u in units),
                sum(not u[key] and u["gold"] for u in units),
            ),
            "n": len(units),
        }

    own_units = [r for r in records if r["own_voice"]]
    for r in records:
        r["profile"] = r["pred"] and r["own_voice"]
    sentence_level = {
        "own-voice sentences, LOADED_WORDS (what the share counts)": sentence_prf(own_units, "pred"),
        "every sentence, positive = loaded and own voice (the profile's view of all gold)": sentence_prf(
            records, "profile"
        ),
        "diagnostic: every sentence, LOADED_WORDS outside quotes": sentence_prf(records, "pred"),
        "diagnostic: every sentence, + cross-fitted additions": sentence_prf(records, "pred_plus"),
    }
    gold_rate = round_or_none(sum(r["gold"] for r in own_units) / max(1, len(own_units)))
    pred_rate = round_or_none(sum(r["pred"] for r in own_units) / max(1, len(own_units)))
    distribution = {
        view: {o: round_or_none(np.mean([per_event[e][o][view] for e in event_ids])) for o in OUTLETS}
        for view in ("share", "lex_out", "lex_out_ps", "all_spans")
    }
    zero_share_events = sum(1 for e in event_ids if all(per_event[e][o]["share"] == 0 for o in OUTLETS))
    missing = mine_words(records, span_words, all_events)
    lexicon_hits = Counter(w for r in own_units for w in set(r["words"]) & LOADED_WORDS)
    lexicon_hits_gold = Counter(w for r in own_units if r["gold"] for w in set(r["words"]) & LOADED_WORDS)

    result = {
        "dataset": "BASIL (Fan et al., EMNLP 2019), launchnlp/BASIL 4fdbc4f",
        "command": "python benchmarks/basil_loaded.py" + (f" --limit {args.limit}" if args.limit else ""),
        "events": len(event_ids),
        "articles": len(rows),
        "crosswire_sentences": len(records),
        "seconds": round(elapsed, 1),
        "model_load_seconds": round(load_seconds, 1),
        "loaded_words_in_lexicon": len(LOADED_WORDS),
        "gold_lexical_spans_outside_quotes": sum(r["lex_out"] for r in rows),
        "gold_spans": sum(r["all_spans"] for r in rows),
        "gold": {
            "lex_out": "lexical-bias spans outside quotes (title spans excluded)",
            "all_spans": "all bias spans",
            "lex_out_ps": "lex_out per BASIL body sentence",
            "all_ps": "all_spans per BASIL body sentence",
        },
        "ties": (
            "Spearman with average ranks, Kendall tau-b; an event where either side is equal for all three "
            "outlets has no correlation and is left out of the mean (also reported with such events counted "
            "as 0). Same top outlet: ties at crosswire's top split the credit (|P_top & G_top| / |P_top|); "
            "events whose gold is equal for all three are left out; the random baseline is |G_top| / 3."
        ),
        "cross_fitting": (
            "diagnostic 'additions': words mined by mine_words() on events of even years are added for "
            "events of odd years and vice versa, so no event is scored with words mined from its own spans"
        ),
        "ranking": ranking,
        "pooled_over_articles": pooled_all,
        "sentence_level": sentence_level,
        "own_voice_gold_positive_rate": gold_rate,
        "own_voice_predicted_positive_rate": pred_rate,
        "mean_by_outlet": distribution,
        "events_with_zero_share_for_all_three": zero_share_events,
        "alignment": dict(lost),
        "pipeline_check": check,
        "lexicon_words_firing_in_own_voice": dict(lexicon_hits.most_common(15)),
        "lexicon_words_firing_on_gold_sentences": dict(lexicon_hits_gold.most_common()),
        "missing_lexical_bias_words": missing,
        "gold_words_in_attributed_sentences": dict(
            Counter(w["word"] for w in span_words if not w["own_voice"] and w["word"] not in STOP).most_common(25)
        ),
        "reporting_verbs_of_attributed_sentences_with_gold_words": dict(
            Counter(w["reporting_verb"] or "(mostly quoted)" for w in span_words if not w["own_voice"]).most_common(15)
        ),
        "articles_detail": rows,
    }
    harness.write_json("basil_loaded.json", result)
    harness.write_text("basil_loaded.md", render(result))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
