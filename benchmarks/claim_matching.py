"""Claim matching against gold same-event annotations: ECB+ event coreference, MEANTIME timelines.

    python benchmarks/claim_matching.py [--split test|dev] [--sweep [V ...]] [--claim-similarity V]
                                        [--limit-topics N] [--no-ecb] [--no-meantime]

Each ECB+ topic and MEANTIME story is one pile (JSON Lines with our own document ids), parsed once
with crosswire's ``prepare`` + ``annotate_all`` and reconciled once per ``claim_similarity`` value.
Text: gold tokens detokenised (``_ecbplus_data.detokenise``), sentences joined with spaces; a
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
   ``_coref.score``. Baselines: same head lemma in the pile (spaCy head of the gold span,
   parsed on the gold tokens by ``_ecbplus_data.add_heads``); all singletons.
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

import dataclasses
import json
import platform
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _claim_data import load_ecb, load_meantime  # noqa: E402
from _coref import score  # noqa: E402  (MUC, B3, CEAF-e, CoNLL)
from _piles import claims_at_verbs, claims_on, parse, unplaced, with_events  # noqa: E402
from _sentence_pairs import baselines, crosswire_pairs, make_pairs  # noqa: E402

import crosswire  # noqa: E402
from crosswire.analysis.pipeline import load_pipeline  # noqa: E402
from crosswire.analysis.reconcile import reconcile  # noqa: E402
from crosswire.models import ClaimMention  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.stages._encoder import load_encoder  # noqa: E402

DATA = harness.EVAL_DATA
SPLITS = {
    "test": [str(t) for t in range(36, 46)],
    "dev": ["2", "5", "12", "18", "21", "23", "34", "35"],
}
SWEEP = [round(0.3 + 0.05 * i, 2) for i in range(9)]
SOURCE_MD = "SOURCE.md: 42 pairs; crosswire R 0.071, P 3/37; Jaccard >= 0.3 R 0.167, P 7/60"
SCORES = ("MiniLM cosine", "TF-IDF cosine", "word Jaccard")
COREF_HEADER = ["piles", "system", "MUC R / P / F", "B3 R / P / F", "CEAF-e R / P / F", "CoNLL F1"]
MEANTIME_HEADER = ["Jaccard >= 0.3", "cosine R at crosswire's P", "AP " + " / ".join(SCORES)]


# ---------------------------------------------------------------------------------------- scores


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
        out["ecb_topic"] = score(key, {m: (found[m] or [f"single:{m}"])[0] for m in key})
        out["ecb_topic_verbs"] = score(key, {m: (verbs[m] or [f"single:{m}"])[0] for m in key})
        out["ecb_verbs_covered"] = sum(bool(verbs[m]) for m in key) / max(len(key), 1)
        out["ecb_topic_verb_events"] = score(key, {m: (verb_events[m] or [f"single:{m}"])[0] for m in key})
        if subtopics:
            out["ecb_subtopic"] = score(key, {m: sub.get(m, f"single:{m}") for m in key})
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


# ---------------------------------------------------------------------------------------- output


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
    parser = harness.parser(__doc__)
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
        harness.progress(f"MiniLM encoder not available ({reason}); its rows are left out")
    spans = "start" in {f.name for f in dataclasses.fields(ClaimMention)}
    local = Path(crosswire.__file__).resolve().is_relative_to(harness.ROOT / "src")  # else: no commit known
    out: dict[str, Any] = {
        "benchmark": "claim matching against gold same-event annotations (ECB+, MEANTIME)",
        "command": shlex.join(["python", "benchmarks/claim_matching.py", *sys.argv[1:]]),
        "crosswire": str(Path(crosswire.__file__).parent),
        "crosswire_commit": harness.commit() if local else args.label,
        "crosswire_src_modified": harness.src_modified() if local else None,
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
            "singletons": score(key, {m: m for m in key}),
            "lemma_topic": score(key, {m.id: m.head_lemma for m in mentions}),
            "lemma_subtopic": score(key, {m.id: f"{sub[m.id]}:{m.head_lemma}" for m in mentions}),
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
        print(f"{caption}\n\n{harness.table(header, rows)}\n")
    print("seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in out["seconds"].items()))
    if args.limit_topics is None:
        name = "claim_matching" + ("_dev" if args.split == "dev" else "")
        rounded = json.loads(json.dumps(out), parse_float=lambda x: round(float(x), 4))
        harness.write_json(f"{name}.json", rounded)
        md = [f"## Claim matching against gold same-event annotations\n\n```\n{out['command']}\n```"]
        md += [__doc__.split("\n\n", 2)[2].strip()]
        md += [f"**{caption}**\n\n{harness.table(header, rows, md=True)}" for caption, header, rows in sections(out)]
        md += [
            f"crosswire {out['crosswire_commit']} from `{out['crosswire']}` "
            f"(src modified: {out['crosswire_src_modified']}); "
            f"claim mention spans: {out['claim_mention_spans']}; "
            f"run time {out['seconds']['total']:.0f} s. "
            f"Everything else: `{name}.json`."
        ]
        harness.write_text(f"{name}.md", "\n\n".join(md) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
