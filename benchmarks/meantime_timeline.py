"""Event dating against the SemEval-2015 TimeLine gold on MEANTIME, beside two baselines.

    python benchmarks/meantime_timeline.py [--data DIR] [--topics airbus,apple] [--show N]

The SemEval-2015 Task 4 timelines (../shared/eval-data/meantime-en, see its SOURCE.md, "How it can be
scored", item 2) list, for target entities of each MEANTIME story, every event word with its date
(YYYY-MM-DD, XX for an unknown part). airbus, gm and stock are corpora 1-3; apple is the trial data,
whose document ids are mapped to MEANTIME's by ``_claim_data.map_trial_ids``. Each topic is one
pile (``_claim_data.load_meantime``: title and date line become ``title`` and ``published``),
run through crosswire's prepare + annotate (``_piles.parse``) and ``reconcile``.

**Gold anchors.** Every (document, body sentence, date) of a timeline line whose date has a known year,
the date kept at its precision (``2008-03-XX`` is the month 2008-03, ``2008-XX-XX`` the year 2008;
``XXXX-XX-XX`` is undated and skipped). The event word is looked for in its sentence, then up to two
sentences away (``_claim_data.locate``); one anchor per (document, sentence, date), however many
event words and lines share it. Corpora 1-3 give SOURCE.md's 458 anchors; apple adds 122.

**Agreement.** A predicted date agrees with a gold date when it is at least as precise and equal at the
gold precision (gold 2008-03, predicted 2008-03-17: right; gold 2008-03-17, predicted 2008-03: wrong).

**Systems.** A time mention is *on* a gold sentence when its first character, carried onto crosswire's
cleaned body, falls inside that sentence's span (a character test, so a different sentence split in
crosswire does not lend one sentence the dates of its neighbour).

- *crosswire timeline* (the headline row, what a user sees): the anchor is dated when some evidence of
  a ``Dossier.timeline`` entry is on its sentence, right when one of them agrees (as in SOURCE.md).
- *crosswire resolved times*: the same with every ``Annotated.times`` mention that
  ``stages.timeline.resolve_times`` gave a date. ``build_timeline`` makes an entry of each of them,
  so this row differs from the first only if reconcile leaves a document out; it is there to show that.
- *crosswire, one date*: of the timeline dates on the sentence, only the one nearest the anchor's
  event word(s) (the baselines also give one date; "any of several" favours a sentence with many dates).
- *crosswire, else publication date*: that one date, and the publication date where there is none
  (not a baseline: what a reader of a dossier that shows each sentence's date would get).
- *baseline publication date*: every event happened on its document's publication date.
- *baseline continuation*: the nearest resolved date expression (crosswire's own resolved times) that
  starts before the anchor's first event word in the same document, else the publication date.

Anchors are split into those whose gold date is the publication date at the gold precision (the
publication-date baseline is right on every one of them, by construction) and the others (where the
date has to be read). "dated" is the share of anchors given a date at all; "right where dated" is
recall over dated. An anchor whose sentence crosswire's cleaning removed stays in the denominator,
undated for crosswire: one in corpora 1-3, the line "The A380 was revealed in January 2005", which
has no final stop, so the pile makes it a paragraph of its own and cleaning drops it. That anchor is
all that separates this script's 110 right and 177 dated from SOURCE.md's measured 0.242 and 0.389
(111 and 178 of 458), had the scorer there seen crosswire date that line 2005-01.
Each baseline is also scored on the anchors crosswire dated.

**History in the timeline.** ``TimelineEntry`` has no background or kind field (claims.py marks a claim
*mention* dated a year or more before its document as kind "background", but the timeline entry does
not carry that), so per topic: entries outside the story window (publication dates +- 30 days),
entries before the earliest publication date - 1 year ("history mixed into the timeline"), and how
many of those point to a claim whose mention on the entry's sentence is kind "background".

Topics used while developing crosswire: airbus and apple (``--topics``); gm and stock were not looked
at, and their figures are the ones to quote. Prints tables; a run on all four topics writes
benchmarks/results/meantime_timeline.json.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import _harness as harness  # noqa: E402
from _meantime_timeline_data import CORPORA, Anchor, Time, agrees, claim_dates, distance, load, times_on_bodies  # noqa: E402
from _piles import Pile, parse  # noqa: E402  (pile -> prepare + annotate)

from crosswire.analysis.pipeline import load_pipeline  # noqa: E402
from crosswire.analysis.reconcile import reconcile  # noqa: E402
from crosswire.settings import Settings  # noqa: E402
from crosswire.stages.timeline import resolve_times  # noqa: E402

DATA = harness.EVAL_DATA / "meantime-en"
RESULT = harness.RESULTS / "meantime_timeline.json"
DEVELOPED_ON = ("airbus", "apple")
WINDOW_DAYS = 30
SYSTEMS = {
    "timeline": "crosswire timeline (any date on the sentence)",
    "resolved": "crosswire resolved times (any date on the sentence)",
    "nearest": "crosswire timeline, the date nearest the event",
    "fallback": "crosswire nearest date, else publication date",
    "when": "crosswire claim dates (over the event, else on its sentence)",
    "pubdate": "baseline: publication date",
    "continuation": "baseline: nearest preceding date, else publication",
}
BASELINES = ("pubdate", "continuation")
SUBSETS = ("all", "gold = publication date", "gold != publication date")
UNPLACED = "not in crosswire's text"


# ------------------------------------------------------------------------------------------ score


def predict(
    anchor: Anchor, pile: Pile, timeline: list[Time], bare: list[Time], whens: list[tuple[int, int, Time]]
) -> dict[str, Any]:
    """Each system's dates for the anchor (a list: crosswire's 'any' rows may give several)."""
    where = pile.where.get(anchor.doc)
    lo = hi = None
    if where is not None:
        lo, hi = where(anchor.start), where(anchor.end - 1)
    placed = lo is not None and hi is not None
    events = [e for e in (where(o) for o, _ in anchor.events) if e is not None] if where else []
    on = [t for t in timeline if placed and lo <= t.start <= hi]  # type: ignore[operator]
    out: dict[str, Any] = {
        "placed": placed,
        "timeline": on,
        "resolved": [t for t in bare if placed and lo <= t.start <= hi],  # type: ignore[operator]
        "nearest": sorted(on, key=lambda t: distance(t, events or [lo]))[:1],  # type: ignore[list-item]
        "pubdate": [Time(-1, -1, "(publication date)", anchor.published, "day")],
    }
    first = events[0] if events else lo
    before = [t for t in bare if first is not None and t.start < first]
    out["continuation"] = before[-1:] or out["pubdate"]
    out["fallback"] = out["nearest"] or out["pubdate"]
    # The claim over the event word; else (a reporting verb, which is no claim) the claim on the same
    # sentence nearest to it, as SOURCE.md scores by sentence.
    spans = [(e - s, t) for s, e, t in whens for at in (events or [lo]) if at is not None and s <= at < e]
    near = [
        (min(abs(s - at) for at in (events or [lo])), t)  # type: ignore[operator]
        for s, e, t in whens
        if placed and lo <= s <= hi  # type: ignore[operator]
    ]
    out["when"] = [min(spans or near, key=lambda st: st[0])[1]] if placed and (spans or near) else []
    return out


def evaluate(piles: list[Pile], anchors: list[Anchor], settings: Settings, nlp: Any) -> dict[str, Any]:
    """Per topic: one row per anchor (what each system said) and the timeline's window figures."""
    results: dict[str, Any] = {}
    for pile in piles:
        parse(pile, settings, nlp)
        dossier = reconcile(pile.annotated, pile.errors, settings, {})
        timeline, bare = times_on_bodies(dossier, resolve_times(pile.annotated))
        whens = claim_dates(dossier)
        rows = []
        for anchor in (a for a in anchors if a.topic == pile.name):
            got = predict(anchor, pile, timeline[anchor.doc], bare[anchor.doc], whens[anchor.doc])
            row: dict[str, Any] = {
                "doc": anchor.doc,
                "sentence": anchor.sentence,
                "gold": anchor.date,
                "published": anchor.published,
                "on publication date": anchor.on_pubdate,
                "placed": got["placed"],
                "text": anchor.text,
                "events": [w for _, w in anchor.events],
            }
            for system in SYSTEMS:
                found = got[system]
                row[system] = {
                    "dated": bool(found),
                    "right": any(agrees((t.date, t.precision), anchor.date, anchor.precision) for t in found),
                    "dates": [f"{t.date} ({t.text})" for t in found],
                }
            rows.append(row)
        results[pile.name] = {
            "anchors": rows,
            "documents skipped": [f"{e.source}: {e.reason}" for e in dossier.errors],
            "timeline": window(pile, dossier),
        }
    return results


def _interval(when: str, precision: str) -> tuple[date, date]:
    if precision == "year":
        return date(int(when), 1, 1), date(int(when), 12, 31)
    if precision == "month":
        year, month = map(int, when.split("-"))
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    day = date.fromisoformat(when)
    return day, day


def window(pile: Pile, dossier: Any) -> dict[str, Any]:
    """How much of the dossier timeline lies outside the story: the publication dates +- 30 days."""
    published = sorted(date.fromisoformat(d.published) for d in pile.docs if d.published)
    lo, hi = published[0] - timedelta(days=WINDOW_DAYS), published[-1] + timedelta(days=WINDOW_DAYS)
    history_before = published[0] - timedelta(days=365)
    kinds = {
        (c.id, m.doc, m.sentence): m.kind for c in dossier.claims for m in c.mentions
    }  # a claim's kind on one sentence
    counts: Counter[str] = Counter(entries=len(dossier.timeline))
    history = []
    for entry in dossier.timeline:
        first, last = _interval(entry.date, entry.precision)
        if last < lo:
            counts["before the window"] += 1
        elif first > hi:
            counts["after the window"] += 1
        if last < history_before:
            counts["history"] += 1
            m = entry.evidence[0]
            background = any(kinds.get((c, m.doc, m.sentence)) == "background" for c in entry.claims)
            counts["history on a background mention"] += background
            history.append(f"{entry.date}: {entry.text}")
    counts["outside the window"] = counts["before the window"] + counts["after the window"]
    share = counts["outside the window"] / max(counts["entries"], 1)
    return {
        "window": [lo.isoformat(), hi.isoformat()],
        "counts": dict(counts),
        "outside share": round(share, 3),
        "history share": round(counts["history"] / max(counts["entries"], 1), 3),
        "history entries": history,
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per subset of anchors and system: recall, share dated, right where dated (and baselines on the
    anchors crosswire's timeline dated)."""
    out: dict[str, Any] = {}
    for subset in SUBSETS:
        chosen = [
            r for r in rows if subset == "all" or r["on publication date"] == (subset == "gold = publication date")
        ]
        n = len(chosen)
        cw_dated = [r for r in chosen if r["timeline"]["dated"]]
        part: dict[str, Any] = {"anchors": n, "crosswire dated": len(cw_dated)}
        part[UNPLACED] = sum(not r["placed"] for r in chosen)
        for system in SYSTEMS:
            right = sum(r[system]["right"] for r in chosen)
            dated = sum(r[system]["dated"] for r in chosen)
            part[system] = {
                "recall": round(right / n, 3) if n else None,
                "dated": round(dated / n, 3) if n else None,
                "right where dated": round(right / dated, 3) if dated else None,
                "right": right,
            }
            if system in BASELINES:
                hits = sum(r[system]["right"] for r in cw_dated)
                part[system]["right where crosswire dated"] = round(hits / len(cw_dated), 3) if cw_dated else None
        out[subset] = part
    return out


def table(name: str, summary: dict[str, Any]) -> str:
    def cell(x: float | None) -> str:
        return "    -" if x is None else f"{x:.3f}"

    head = summary["all"]
    lines = [
        f"{name}: {head['anchors']} anchors ({summary['gold = publication date']['anchors']} on the publication"
        f" date, {summary['gold != publication date']['anchors']} not);"
        f" crosswire's timeline dates {head['crosswire dated']}; {head[UNPLACED]} lie in text"
        " crosswire cleaned away",
        f"  {'':52} {'all anchors':^27} | {'gold = pub. date':^20} | {'gold != pub. date':^20}",
        f"  {'system':52} {'recall':>7} {'dated':>6} {'right/dated':>12} | {'recall':>7} {'dated':>6} "
        f"{'r/d':>5} | {'recall':>7} {'dated':>6} {'r/d':>5}",
    ]
    for system, label in SYSTEMS.items():
        cells = []
        for subset in SUBSETS:
            s = summary[subset][system]
            wide = 12 if subset == "all" else 5
            cells.append(f"{cell(s['recall']):>7} {cell(s['dated']):>6} {cell(s['right where dated']):>{wide}}")
        lines.append(f"  {label:52} " + " | ".join(cells))
    on = ", ".join(f"{b} {cell(head[b]['right where crosswire dated'])}" for b in BASELINES)
    lines.append(f"  baselines right on the {head['crosswire dated']} anchors crosswire dated: {on}")
    return "\n".join(lines)


def example(topic: str, row: dict[str, Any]) -> str:
    words = row["text"].split()
    snippet = " ".join(words[:20]) + (" …" if len(words) > 20 else "")
    said = "; ".join(row["timeline"]["dates"]) or "none"
    when = "; ".join(row["when"]["dates"]) or "none"
    return (
        f"[{topic} {row['doc']}/{row['sentence']}] gold {row['gold']} (published {row['published']}), "
        f"crosswire {said}; claim date {when}; continuation {row['continuation']['dates'][0]}; "
        f"event {'/'.join(row['events'])}\n"
        f"    {snippet}"
    )


def compact(row: dict[str, Any]) -> dict[str, Any]:
    """An anchor's row for the results file: which systems were right, and what each said."""
    out = {k: v for k, v in row.items() if k not in SYSTEMS}
    out["right"] = [s for s in SYSTEMS if row[s]["right"]]
    out["dates"] = {s: row[s]["dates"] for s in SYSTEMS if row[s]["dates"]}
    return out


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--topics", default="airbus,apple,gm,stock")
    parser.add_argument("--show", type=int, default=0, help="print N anchors crosswire misses (airbus, apple only)")
    args = parser.parse_args()
    if not (args.data / "conll_gold").is_dir():
        return harness.missing(f"no MEANTIME data in {args.data}: pass --data")
    topics = args.topics.split(",")
    started = time.perf_counter()
    settings = Settings(progress=False, workers=1)
    piles, anchors, stats = load(args.data, topics)
    results = evaluate(piles, anchors, settings, load_pipeline(settings.spacy_model))
    unseen = [t for t in topics if t not in DEVELOPED_ON]
    seen = [t for t in topics if t in DEVELOPED_ON]
    groups = {
        "developed on": seen,
        "not seen while developing": unseen,
        "corpora 1-3, as SOURCE.md": [t for t in topics if t in CORPORA.values()],
        "all": topics,
    }
    summary: dict[str, Any] = {}
    for name, members in groups.items():
        if members:
            rows = [r for t in members for r in results[t]["anchors"]]
            summary[name] = {"topics": members, **summarise(rows)}
    for topic in topics:
        results[topic]["summary"] = summarise(results[topic]["anchors"])
    print(f"gold: {stats}")
    for name, row in summary.items():
        print(table(f"{name} ({', '.join(row['topics'])})", row) + "\n")
    for topic in topics:
        print(table(topic, results[topic]["summary"]) + "\n")
    print("dossier timeline: entries outside the story window (publication dates +- 30 days), history")
    for topic in topics:
        w = results[topic]["timeline"]
        c = w["counts"]
        print(
            f"  {topic:7} {c['entries']:4} entries; outside {w['window'][0]}..{w['window'][1]}: "
            f"{c['outside the window']} ({w['outside share']:.3f}; {c.get('before the window', 0)} before, "
            f"{c.get('after the window', 0)} after); history (before earliest publication - 1 year): "
            f"{c.get('history', 0)} ({w['history share']:.3f}), "
            f"{c.get('history on a background mention', 0)} of them on a claim mention of kind background"
        )
        if results[topic]["documents skipped"]:
            print(f"  {topic}: skipped {results[topic]['documents skipped']}")
    shown = 0
    for topic in (t for t in topics if t in DEVELOPED_ON):
        for row in results[topic]["anchors"]:
            if shown < args.show and not row["when"]["right"]:
                print(example(topic, row))
                shown += 1
    if args.topics == parser.get_default("topics"):
        for topic in topics:
            results[topic]["anchors"] = [compact(row) for row in results[topic]["anchors"]]
        out = {
            "benchmark": "MEANTIME / SemEval-2015 TimeLine: dating events",
            "command": "python benchmarks/meantime_timeline.py",
            "crosswire_commit": harness.commit(),
            "crosswire_src_modified": harness.src_modified(),
            "systems": SYSTEMS,
            "gold": stats,
            "summary": summary,
            "topics": results,
            "seconds": round(time.perf_counter() - started, 1),
        }
        harness.write_json(RESULT, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
