"""Certainty against MEANTIME's hand-labelled event factuality, beside a cue-word baseline.

    python benchmarks/meantime_certainty.py [--data DIR] [--topics airbus,apple] [--show N] [--diagnose]

MEANTIME (English, ../shared/eval-data/meantime-en, see its SOURCE.md) labels every event word of an
article's title and first four or five body sentences with certainty (CERTAIN, PROBABLE, POSSIBLE,
UNDERSPECIFIED), polarity (POS, NEG, UNDERSPECIFIED) and time (NON_FUTURE, FUTURE). Each topic folder
(airbus, apple, gm, stock; about 30 Wikinews articles each) is one pile: JSON Lines of the articles
(title, date, body sentences detokenised), run through crosswire's own prepare → annotate → reconcile.

Two scores:

1. **Sentences** (the issue's measure). A labelled body sentence is *neg* if one of its events is NEG,
   else *hedge* if one is POSSIBLE or PROBABLE, else *asserted*; it is *flagged* when neg or hedge.
   crosswire's label for the sentence is its least certain claim mention there (denied → neg;
   hedged or unconfirmed → hedge). The baseline flags a sentence by a list of modal and negation
   cue words (``CUES`` below, written here, not fitted).
2. **Events** (what a per-claim tool can be held to). Each gold event word falls in crosswire's
   shortest claim mention that spans it; that mention's certainty is the prediction for the event.
   The gold is per event, and MEANTIME also labels events inside reported speech and inside a quote
   ("X said the deal *could* collapse" has a POSSIBLE *collapse* and a CERTAIN *said*); crosswire
   labels the proposition "the deal could collapse" as hedged and does not label "X said" at all,
   so events outside every claim mention are counted apart, not scored.

3. **Fitted baselines**: could the labelled data here teach a better flag? A logistic regression on
   the development topics' sentences (cue words of ``CUES`` with learned weights; every word), scored
   on the unseen topics.

Topics used while developing crosswire's certainty: airbus and apple (``--topics``); gm and stock were
not looked at, and their figures are the ones to quote. Prints tables; writes
benchmarks/results/meantime_certainty.json.

``--diagnose`` (diagnostics only, no effect on the scores) sorts the sentences crosswire labels wrong:
a missed flag by where its gold hedged or negated events lie (the head verb of a claim mention, inside
a mention but not its head, outside every mention), a false flag by the cue crosswire gives.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import _harness as harness  # noqa: E402
from _meantime_certainty_data import Event, Gold, load  # noqa: E402
from _piles import Pile, parse  # noqa: E402  (pile → JSONL → prepare + annotate)

from crosswire.analysis.pipeline import load_pipeline  # noqa: E402
from crosswire.analysis.reconcile import reconcile  # noqa: E402
from crosswire.settings import Settings  # noqa: E402

DATA = harness.EVAL_DATA / "meantime-en"
RESULT = harness.RESULTS / "meantime_certainty.json"
DEVELOPED_ON = ("airbus", "apple")
# The baseline: general-language cues, no fitting. Negation first (a sentence with both is "neg").
CUES = {
    "neg": re.compile(r"\b(?:not|n't|no|never|none|nobody|nothing|neither|nor|without|cannot|denie[sd]|deny)\b", re.I),
    "hedge": re.compile(
        r"\b(?:may|might|could|would|should|can|possibl[ey]|probabl[ey]|likely|unlikely|perhaps|expect(?:s|ed)?"
        r"|plans?|planned|intends?|if|whether|reportedly|allegedly|rumou?r(?:s|ed)?|speculat\w*|estimat\w*)\b",
        re.I,
    ),
}
HEDGED = {"hedged", "unconfirmed"}


def prf(tp: int, predicted: int, actual: int) -> dict[str, float]:
    p, r, f = harness.ratios(tp, predicted, actual)
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "n": actual}


def score(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """P/R/F1 for 'flag' (neg or hedge), 'hedge' and 'neg', from (gold, predicted) labels."""
    out: dict[str, Any] = {}
    for name, members in (("flag", {"neg", "hedge"}), ("hedge", {"hedge"}), ("neg", {"neg"})):
        tp = sum(1 for g, p in pairs if g in members and p in members)
        out[name] = prf(tp, sum(1 for _, p in pairs if p in members), sum(1 for g, _ in pairs if g in members))
    return out


def _label(certainties: list[str]) -> str:
    if "denied" in certainties:
        return "neg"
    return "hedge" if HEDGED & set(certainties) else "asserted"


def cue_label(text: str) -> str:
    return next((name for name, cue in CUES.items() if cue.search(text)), "asserted")


def evaluate(gold: Gold, settings: Settings, nlp: Any, show: int) -> dict[str, Any]:
    """Per topic: sentence and event scores for crosswire and the baseline."""
    results: dict[str, Any] = {}
    examples: list[str] = []
    for pile in gold.piles:
        parse(pile, settings, nlp)
        dossier = reconcile(pile.annotated, pile.errors, settings, {})
        sentences = {(a.document.id, s.id): s for a in pile.annotated for s in a.document.sentences}
        spans: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)  # doc -> body spans of mentions
        heads: dict[tuple[str, int], str] = {}  # (doc, body offset of a mention's event verb) -> certainty
        for claim in dossier.claims:
            for m in claim.mentions:
                sentence = sentences[(m.doc, m.sentence)]
                end = m.end if m.end >= 0 else len(m.text)
                spans[m.doc].append((sentence.start + m.start, sentence.start + end, m.certainty, m.span))
                if m.head >= 0:
                    heads[(m.doc, sentence.start + m.head)] = m.certainty
        on_sentence: list[tuple[str, str]] = []
        baseline: list[tuple[str, str]] = []
        by_sentence: dict[tuple[str, int], list[Event]] = defaultdict(list)
        for event in (e for e in gold.events if any(d.id == e.doc for d in pile.docs)):
            by_sentence[(event.doc, event.sentence)].append(event)
        event_pairs: list[tuple[str, str]] = []
        head_pairs: list[tuple[str, str]] = []
        outside: Counter[str] = Counter()
        missed: Counter[str] = Counter()  # diagnostics: where a missed flag's gold events lie
        false: Counter[str] = Counter()  # diagnostics: the cue of a false flag
        for (doc, n), events in sorted(by_sentence.items()):
            text, start, end = gold.sentences[(doc, n)]
            where = pile.where.get(doc)
            label = "neg" if any(e.label == "neg" for e in events) else max((e.label for e in events), key=_rank)
            if where is None:
                continue
            lo, hi = where(start), where(end - 1)
            if lo is None or hi is None:
                continue
            mine = [c for s, e, c, _ in spans[doc] if s <= hi and e > lo]
            predicted = _label(mine)
            on_sentence.append((label, predicted))
            if label != "asserted" and predicted == "asserted":
                missed[_where_missed(events, where, doc, spans, heads)] += 1
            elif label == "asserted" and predicted != "asserted":
                cues = [m.cues for m in _least_certain(pile, dossier, doc, lo, hi, sentences)]
                false[(cues[0][0] if cues and cues[0] else "(no cue)").lower()] += 1
            baseline.append((label, cue_label(text)))
            if predicted != label and len(examples) < show:
                examples.append(f"[{pile.name}] gold {label}, crosswire {predicted}: {text}")
            for event in events:
                at = where(event.start)
                if (doc, at) in heads:
                    head_pairs.append((event.label, _label([heads[(doc, at)]])))
                    if head_pairs[-1][0] != head_pairs[-1][1] and len(examples) < show:
                        examples.append(
                            f"  head event {event.word!r}: gold {event.label}, crosswire {head_pairs[-1][1]}"
                        )
                inside = sorted((e - s, c) for s, e, c, _ in spans[doc] if at is not None and s <= at < e)
                if not inside:
                    outside[event.label] += 1
                    continue
                event_pairs.append((event.label, _label([inside[0][1]])))
        results[pile.name] = {
            "sentences": len(on_sentence),
            "sentence gold": dict(Counter(g for g, _ in on_sentence)),
            "crosswire": score(on_sentence),
            "cue baseline": score(baseline),
            "events in a claim": len(event_pairs),
            "events outside every claim": dict(outside),
            "crosswire events": score(event_pairs),
            "events heading a claim": len(head_pairs),
            "crosswire head events": score(head_pairs),
            "pairs": {"sentence": on_sentence, "baseline": baseline, "event": event_pairs, "head": head_pairs},
            "diagnosis": {"missed flag, gold events": dict(missed), "false flag, cue": dict(false)},
        }
    results["examples"] = examples
    return results


def _where_missed(events: list[Event], where: Any, doc: str, spans: dict, heads: dict) -> str:
    """Diagnostics: where the gold hedged or negated events of a sentence crosswire did not flag lie,
    the nearest to a claim first: a mention's head verb, inside a mention, outside every mention."""
    places = set()
    for event in (e for e in events if e.label != "asserted"):
        at = where(event.start)
        if (doc, at) in heads:
            places.add("the head of a claim mention")
        elif any(at is not None and s <= at < e for s, e, _, _ in spans[doc]):
            places.add("inside a claim mention, not its head")
        else:
            places.add("outside every claim mention")
    order = ("the head of a claim mention", "inside a claim mention, not its head", "outside every claim mention")
    return next(p for p in order if p in places)


def _least_certain(pile: Pile, dossier: Any, doc: str, lo: int, hi: int, sentences: dict) -> list[Any]:
    """Diagnostics: the claim mentions on a body stretch that are not asserted, least certain first."""
    found = []
    for claim in dossier.claims:
        for m in claim.mentions:
            if m.doc != doc or m.certainty == "asserted":
                continue
            start = sentences[(m.doc, m.sentence)].start
            end = m.end if m.end >= 0 else len(m.text)
            if start + m.start <= hi and start + end > lo:
                found.append(m)
    rank = {"denied": 0, "unconfirmed": 1, "hedged": 2}
    return sorted(found, key=lambda m: rank.get(m.certainty, 3))


def _rank(label: str) -> int:
    return {"asserted": 0, "hedge": 1, "neg": 2}[label]


def pooled(results: dict[str, Any], topics: list[str]) -> dict[str, Any]:
    kinds = ("sentence", "baseline", "event", "head")
    pairs = {k: [tuple(p) for t in topics for p in results[t]["pairs"][k]] for k in kinds}
    return {
        "topics": topics,
        "sentences": len(pairs["sentence"]),
        "crosswire": score(pairs["sentence"]),  # type: ignore[arg-type]
        "cue baseline": score(pairs["baseline"]),  # type: ignore[arg-type]
        "crosswire events": score(pairs["event"]),  # type: ignore[arg-type]
        "events in a claim": len(pairs["event"]),
        "crosswire head events": score(pairs["head"]),  # type: ignore[arg-type]
        "events heading a claim": len(pairs["head"]),
    }


def fitted_baselines(gold: Gold) -> dict[str, dict[str, float]] | None:
    """How far the labelled data here can teach a sentence flag: a logistic regression fitted on the
    development topics' sentences, scored on the unseen ones. Two feature sets: the cue words of
    ``CUES`` (the baseline's list, weights learned) and every word (a bag of words). About 240
    sentences with 41 flagged are all there is to fit on; nothing here feeds crosswire."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    def split(topics: tuple[str, ...]) -> tuple[list[str], list[int]]:
        flagged: dict[tuple[str, int], bool] = defaultdict(bool)
        for event in gold.events:
            flagged[(event.doc, event.sentence)] |= event.label != "asserted"
        keys = [k for k in gold.sentences if k in flagged and _topic_of(gold, k[0]) in topics]
        return [gold.sentences[k][0] for k in keys], [int(flagged[k]) for k in keys]

    train, test = split(DEVELOPED_ON), split(("gm", "stock"))
    if not train[0] or not test[0]:
        return None

    def cue_words(text: str) -> list[str]:
        return [m.group(0).lower() for cue in CUES.values() for m in cue.finditer(text)]

    out = {}
    for name, vectoriser in (
        ("cue words, weights fitted", CountVectorizer(analyzer=cue_words, binary=True)),
        ("every word, weights fitted", CountVectorizer(binary=True, min_df=2)),
    ):
        model = LogisticRegression(class_weight="balanced", max_iter=2000)
        model.fit(vectoriser.fit_transform(train[0]), train[1])
        predicted = model.predict(vectoriser.transform(test[0]))
        tp = sum(1 for p, y in zip(predicted, test[1], strict=True) if p and y)
        out[name] = prf(tp, int(sum(predicted)), sum(test[1]))
    return out


def _topic_of(gold: Gold, doc: str) -> str:
    return next(p.name for p in gold.piles if any(d.id == doc for d in p.docs))


def table(name: str, row: dict[str, Any]) -> str:
    def cell(s: dict[str, float]) -> str:
        return f"P {s['p']:.3f} R {s['r']:.3f} F1 {s['f1']:.3f}"

    lines = [
        f"{name}: {row['sentences']} sentences, {row['events in a claim']} events inside a claim, "
        f"{row['events heading a claim']} heading one"
    ]
    for kind in ("flag", "hedge", "neg"):
        lines.append(
            f"  {kind:6} sentences: crosswire {cell(row['crosswire'][kind])} (n {row['crosswire'][kind]['n']}) | "
            f"cue baseline {cell(row['cue baseline'][kind])}"
        )
    for kind in ("flag", "hedge", "neg"):
        events, heads = row["crosswire events"][kind], row["crosswire head events"][kind]
        lines.append(
            f"  {kind:6} events: any in a claim {cell(events)} (n {events['n']}) | "
            f"heading a claim {cell(heads)} (n {heads['n']})"
        )
    return "\n".join(lines)


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--topics", default="airbus,apple,gm,stock")
    parser.add_argument("--show", type=int, default=0, help="print N sentences crosswire labels wrong")
    parser.add_argument("--diagnose", action="store_true", help="sort the wrong sentences (no effect on scores)")
    args = parser.parse_args()
    if not (args.data / "conll_gold").is_dir():
        return harness.missing(f"no MEANTIME data in {args.data}: pass --data")
    topics = args.topics.split(",")
    started = time.perf_counter()
    settings = Settings(progress=False)
    gold = load(args.data, topics)
    results = evaluate(gold, settings, load_pipeline(settings.spacy_model), args.show)
    unseen = [t for t in topics if t not in DEVELOPED_ON]
    seen = [t for t in topics if t in DEVELOPED_ON]
    summary = {
        "developed on": pooled(results, seen) if seen else None,
        "not seen while developing": pooled(results, unseen) if unseen else None,
        "all": pooled(results, topics),
    }
    for name, row in summary.items():
        if row and "topics" in row:
            print(table(f"{name} ({', '.join(row['topics'])})", row))
    fitted = fitted_baselines(gold)
    for name, score_ in (fitted or {}).items():
        print(
            f"fitted on {', '.join(DEVELOPED_ON)}, scored on gm, stock: {name}: flag sentences "
            f"P {score_['p']:.3f} R {score_['r']:.3f} F1 {score_['f1']:.3f} (n {score_['n']})"
        )
    summary["fitted baselines (unseen topics)"] = fitted
    for line in results.pop("examples"):
        print(line)
    diagnosis = {t: results[t].pop("diagnosis") for t in topics}
    if args.diagnose:
        for name, group in (("developed on", seen), ("not seen while developing", unseen)):
            for kind in ("missed flag, gold events", "false flag, cue"):
                counts: Counter[str] = sum((Counter(diagnosis[t][kind]) for t in group), Counter())
                if counts:
                    print(f"{name}, {kind}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    if args.topics == parser.get_default("topics"):
        for topic in topics:
            results[topic].pop("pairs")
        out = {"benchmark": "MEANTIME certainty", "summary": summary, "topics": results}
        out["seconds"] = round(time.perf_counter() - started, 1)
        harness.write_json(RESULT, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
