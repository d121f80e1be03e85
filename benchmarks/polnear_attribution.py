"""Attribution against PolNeAR: direct quotes with their speakers, and who a paraphrased claim is put to.

    python benchmarks/polnear_attribution.py [--split train|dev|both] [--limit N] [--data DIR] [--batch N]
                                            [--show N] [--dump FILE]

PolNeAR v1.0.0 (../shared/eval-data/polnear, see its SOURCE.md; research use only: the articles are
read here at run time and no text of theirs is written to benchmarks/results) annotates every
attribution of 1,008 US election articles as Source (who), Cue ("said") and Content (what), in BRAT
standoff. Only the train (840 articles) and dev (84) splits are here; the test split is kept
elsewhere. Neither split here is held out: both may be used while developing crosswire. An article
annotated by more than one annotator is scored on the first annotator's file (sorted by id).

Each article goes to crosswire as one JSON Lines record (title = the file's first line, text = the
rest, outlet and date from metadata.tsv), ``--batch`` articles per pile through ``prepare`` and
``annotate_all``, then ``reconcile`` per article (every article is its own story). Gold offsets are
carried onto crosswire's cleaned body with ``_piles.offset_map``; what falls in the title or
was cleaned away is counted as unmapped (a gold item of an article crosswire skipped is a miss).

1. **Direct quotes.** A gold direct quote is a quoted passage (curly quotes nest, straight quotes
   pair in order, an opening mark left open at the end of a paragraph runs to its end: the
   multi-paragraph convention) of three words or more lying mostly (>= 50% of its characters) in a
   Content span; its speaker is the Source of the shortest such Content. A predicted quote (a
   crosswire quote mention; a baseline quoted passage) matches a gold one when they share >= 50% of
   the words of each (one to one, largest overlap first): P/R/F1. **Speaker**: scored where the
   gold Source has a name word (capitalised, not a stop word, not a title like "Sen." or
   "President", not a party adjective, and, at the start of a sentence, not a word the split writes
   in lower case more often than capitalised in mid-sentence, like "Sources"); right when one of
   them is a word of crosswire's ``speaker_name`` (resolved entity) or the mention's
   ``speaker_text``; else *empty* (no speaker) or *wrong*. Gold Sources without a name ("he", "the
   spokesman") cannot be scored, PolNeAR has no coreference: what crosswire gives for them (a name,
   a description, nothing) is counted. Baseline (SOURCE.md): the same quote-mark rule, and as
   speaker the capitalised name next to said/says/told/according to nearest the quote in its
   paragraph.
2. **Indirect attribution.** Gold Content spans with no quotation mark (paraphrase, reported belief
   or intention). A crosswire claim mention belongs to a gold Content when >= 50% of its characters
   lie inside it. *Coverage*: share of the gold Contents with at least one mention. *Speaker*, over
   the covered Contents whose Source has a name word: right (some mention's ``speaker_name`` has a
   name word of the Source), *no speaker* (no mention there has a speaker: crosswire states the
   content in the outlet's own voice), else wrong. Also: right over all gold Contents with a named
   Source (end to end), and, as the fair head-to-head, right on the named-source Contents both
   systems cover; share attributed to anyone, over all covered Contents; coverage of Contents of 1-3
   words ("discussed *trade*": no clause-sized mention lies inside a noun phrase) and of 4+ words;
   the share of crosswire's mentions with a speaker that lie (>= 50%) in some gold Content
   (attribution precision, roughly). Baseline: every sentence (regex split) with a reporting verb
   (``REPORTING`` in _polnear_score.py, written here) is put to the capitalised name nearest the verb in it; a
   gold Content is covered when a sentence it overlaps has a reporting verb, and its speaker is
   right when one of those sentences' names has a name word of the Source.

Dev takes about a minute, train about ten (one core), almost all of it crosswire's parse.
Prints tables; ``--show N`` prints N failures of each kind (with article text: keep it out of the
repo), ``--dump FILE`` writes every scored item with its text as JSON Lines for error analysis (also
out of the repo). A full run (no --limit) writes its splits into
benchmarks/results/polnear_attribution.json (counts and scores only, no article text).
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

import _harness as harness  # noqa: E402
from _piles import offset_map  # noqa: E402  (difflib alignment of our text onto the cleaned body)
from _polnear_data import (  # noqa: E402
    Article,
    Item,
    Span,
    common_words,
    gold_items,
    load,
)
from _polnear_score import (  # noqa: E402
    baseline_indirect,
    baseline_quotes,
    match,
    score_indirect,
    score_quotes,
    speaker_verdict,
    words_in,
)

from crosswire.analysis.pipeline import load_pipeline, version  # noqa: E402
from crosswire.analysis.reconcile import reconcile  # noqa: E402
from crosswire.settings import Settings  # noqa: E402

DATA = harness.EVAL_DATA / "polnear"
RESULT = harness.RESULTS / "polnear_attribution.json"
SOURCE_COMMIT = "c3eee833c035bf7b8c84f55b58c0bf7346cfae76"  # networkdynamics/PolNeAR, per SOURCE.md
OUTLETS = {
    "breitbart": "Breitbart",
    "huff-post": "HuffPost",
    "nyt": "The New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journal",
}


# ---------------------------------------------------------------- crosswire


def run_crosswire(articles: list[Article], settings: Settings, nlp: Any, batch: int) -> list[str]:
    """Parse the articles ``batch`` at a time; reconcile each alone. Returns the skip reasons."""
    skipped: list[str] = []
    by_id = {a.id: a for a in articles}
    for first in range(0, len(articles), batch):
        chunk = articles[first : first + batch]
        rows = [
            {"id": a.id, "title": a.title, "text": a.text}
            | {"outlet": OUTLETS.get(a.meta.get("publisher", ""), a.meta.get("publisher"))}
            | {"published": a.meta.get("publication_date"), "author": a.meta.get("author")}
            for a in chunk
        ]
        annotated, errors = harness.run_pile(rows, settings, nlp, "polnear", keep_errors=True)
        skipped += [f"{e.stage}: {e.reason}" for e in errors]
        for one in annotated:
            article = by_id[one.document.id]
            article.annotated = one
            article.body = one.document.body
            article.where = offset_map(article.text, article.body)
            article.dossier = reconcile([one], [], settings, {})
        harness.progress(f"  {min(first + batch, len(articles))}/{len(articles)} articles")
    return skipped


def crosswire_quotes(article: Article, items: list[Item]) -> int:
    """Match crosswire's quote mentions to the article's gold quotes; returns how many it predicted."""
    if article.dossier is None:
        return 0
    predicted = []  # (span in body, resolved name, speaker as written)
    for q in article.dossier.quotes:
        for m in q.mentions:
            predicted.append(((m.start, m.end), q.speaker_name, m.speaker_text))
    gold = [(i, i.body[0]) for i in items if i.body]
    found = match([g for _, g in gold], [p[0] for p in predicted], words_in(article.body))
    for g, p in found.items():
        span, name, written = predicted[p]
        said = " ".join(x for x in (name, written) if x) or None
        gold[g][0].crosswire = {"span": span, "speaker": said, "verdict": speaker_verdict(gold[g][0].names, said)}
    return len(predicted)


def mention_spans(article: Article) -> list[tuple[Span, Any]]:
    if article.annotated is None or article.dossier is None:
        return []
    starts = {s.id: s.start for s in article.annotated.document.sentences}
    out = []
    for claim in article.dossier.claims:
        for m in claim.mentions:
            end = m.end if m.end >= 0 else len(m.text)
            out.append(((starts[m.sentence] + m.start, starts[m.sentence] + end), m))
    return out


def inside(span: Span, region: list[Span]) -> float:
    size = span[1] - span[0]
    return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in region) / size if size > 0 else 0.0


def crosswire_indirect(article: Article, items: list[Item], mentions: list[tuple[Span, Any]]) -> None:
    for item in items:
        if not item.body:
            continue
        mine = [m for span, m in mentions if inside(span, item.body) >= 0.5]
        if not mine:
            item.crosswire = {"covered": False}
            continue
        verdicts = [speaker_verdict(item.names, m.speaker_name) for m in mine]
        verdict = next((v for v in ("right", "wrong") if v in verdicts), "empty")
        speakers = sorted({m.speaker_name for m in mine if m.speaker_name})
        item.crosswire = {"covered": True, "verdict": verdict, "speakers": speakers, "clauses": [m.span for m in mine]}


# ---------------------------------------------------------------- scoring


def evaluate(articles: list[Article], split: str, settings: Settings, nlp: Any, args: Any) -> dict[str, Any]:
    started = time.perf_counter()
    common = common_words(articles)
    skipped = run_crosswire(articles, settings, nlp, args.batch)
    quotes: list[Item] = []
    indirect: list[Item] = []
    predicted = Counter()
    mention_counts: Counter[str] = Counter()
    for a in articles:
        items = gold_items(a, common)
        for item in items:
            item.body = [b for b in map(a.to_body, item.spans) if b]
        mine = [i for i in items if i.kind == "quote"]
        rest = [i for i in items if i.kind == "indirect"]
        predicted["crosswire"] += crosswire_quotes(a, mine)
        predicted["baseline"] += baseline_quotes(a, mine, common)
        mentions = mention_spans(a)
        crosswire_indirect(a, rest, mentions)
        baseline_indirect(a, rest, common)
        contents = [b for r in a.relations for b in map(a.to_body, r.content) if b]
        for span, m in mentions:
            where = "with speaker" if m.speaker_name else "without speaker"
            mention_counts[where] += 1
            mention_counts[f"{where} inside"] += any(inside(span, [c]) >= 0.5 for c in contents)
        quotes += mine
        indirect += rest
    result = {
        "articles": len(articles),
        "articles skipped by crosswire": len(skipped),
        "skip reasons": dict(Counter(r.split(" (")[0][:100] for r in skipped)),
        "relations": sum(len(a.relations) for a in articles),
        "direct quotes": score_quotes(quotes, predicted),
        "indirect attribution": score_indirect(indirect, mention_counts),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.dump:
        with open(args.dump, "a", encoding="utf-8") as out:
            for item in quotes + indirect:
                row = {"split": split, "article": item.article.id, "kind": item.kind, "text": item.text}
                row |= {"source": item.source, "source kind": item.source_kind, "names": sorted(item.names)}
                row |= {"crosswire": item.crosswire, "baseline": item.baseline}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.show:
        show(quotes, indirect, args.show)
    return result


def show(quotes: list[Item], indirect: list[Item], n: int) -> None:
    for verdict in ("empty", "wrong"):
        bad = [q for q in quotes if q.source_kind == "named" and q.crosswire.get("verdict") == verdict][:n]
        print(f"\nquote speaker {verdict}:")
        for q in bad:
            print(f"  [{q.article.id[:30]}] gold {q.source!r}, crosswire {q.crosswire['speaker']!r}: {q.text[:100]}")
    for verdict in ("empty", "wrong"):
        bad = [i for i in indirect if i.source_kind == "named" and i.crosswire.get("verdict") == verdict][:n]
        print(f"\nindirect speaker {verdict}:")
        for i in bad:
            print(f"  [{i.article.id[:30]}] gold {i.source!r}, crosswire {i.crosswire['speakers']}: {i.text[:100]}")


def print_tables(split: str, r: dict[str, Any]) -> None:
    q, ind = r["direct quotes"], r["indirect attribution"]
    print(f"\n{split}: {r['articles']} articles, {r['relations']} relations, {r['seconds']} s;")
    print(f"  crosswire skipped {r['articles skipped by crosswire']} articles {r['skip reasons'] or ''}")
    print(f"direct quotes: {q['gold']} gold ({q['unmapped']} not on crosswire's body); sources {q['gold sources']}")
    print(f"  {'system':<10}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}   speaker right      empty       wrong")
    for system in ("crosswire", "baseline"):
        s = q[system]
        right, empty, wrong = s["speaker right"], s["speaker empty"], s["speaker wrong"]
        print(
            f"  {system:<10}{s['predicted']:>6}{s['p']:>7.3f}{s['r']:>7.3f}{s['f1']:>7.3f}   "
            f"{right['n']:>4}/{right['of']:<4} {right['share']:.3f}  {empty['share']:.3f}  {wrong['share']:.3f}"
        )
        unnamed = s["gold source without a name (not scored: no coreference in PolNeAR), speaker given"]
        print(f"  {'':<10}gold source without a name (not scored), speaker given: {unnamed}")
    print(f"indirect attribution: {ind['gold']} gold Contents without quote marks ({ind['unmapped']} unmapped);")
    print(f"  sources {ind['gold sources']}")
    print(
        f"  {'system':<10}{'coverage':>16}{'(1-3 w':>8}{'4+ w)':>7}   named source, covered: {'right':>13}"
        f"{'no speaker':>12}{'wrong':>7} | right of all named | anyone, covered"
    )
    for system in ("crosswire", "baseline"):
        s = ind[system]
        c, right = s["coverage"], s["named source: speaker right"]
        overall = s["named source: speaker right, of all gold with a named source"]
        short, long = s["coverage of Contents of 1-3 words"], s["coverage of Contents of 4+ words"]
        empty, wrong = s["named source: no speaker (outlet's own voice)"], s["named source: speaker wrong"]
        print(
            f"  {system:<10}{c['n']:>6}/{c['of']:<5} {c['share']:.3f}{short['share']:>8.3f}{long['share']:>7.3f}"
            f"   {'':>22}{right['n']:>4}/{right['of']:<4} {right['share']:.3f}{empty['share']:>12.3f}"
            f"{wrong['share']:>7.3f} | {overall['n']:>4}/{overall['of']:<4} {overall['share']:.3f} | "
            f"{s['any source: attributed to someone']['share']:.3f}"
        )
    both = ind["named source, Contents both systems cover: speaker right"]
    print(
        f"  named source, Contents both cover ({both['crosswire']['of']}): speaker right crosswire "
        f"{both['crosswire']['share']:.3f}, baseline {both['baseline']['share']:.3f}"
    )
    cw = ind["crosswire"]
    inside_share = cw["mentions with a speaker inside a gold Content"]
    print(
        f"  crosswire mentions with a speaker: {cw['mentions with a speaker']}, "
        f"{inside_share['share']:.3f} of them inside a gold Content; without a speaker: "
        f"{cw['mentions without a speaker inside a gold Content']['share']:.3f} inside one"
    )


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--split", choices=("train", "dev", "both"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each split")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--batch", type=int, default=30, help="articles per pile given to prepare/annotate")
    parser.add_argument("--show", type=int, default=0, help="print N failures of each kind (article text)")
    parser.add_argument(
        "--dump", type=Path, default=None, help="write scored items with text as JSONL (not in the repo)"
    )
    args = parser.parse_args()
    if not (args.data / "metadata.tsv").is_file():
        return harness.missing(f"no PolNeAR data in {args.data}: pass --data")
    if args.dump:
        args.dump.write_text("", encoding="utf-8")
    settings = Settings(progress=False, workers=1)
    nlp = load_pipeline(settings.spacy_model)
    splits = ["dev", "train"] if args.split == "both" else [args.split]
    results = {}
    for split in splits:
        articles, doubled = load(args.data, split, args.limit)
        result = evaluate(articles, split, settings, nlp, args)
        result["articles with more than one annotator (first used)"] = doubled
        print_tables(split, result)
        results[split] = result
    if args.limit is None:
        out = json.loads(RESULT.read_text(encoding="utf-8")) if RESULT.is_file() else {}
        out |= {"benchmark": "PolNeAR attribution", "data": f"networkdynamics/PolNeAR @ {SOURCE_COMMIT}"}
        for split, result in results.items():
            command = f"python benchmarks/polnear_attribution.py --split {split}"
            out[split] = {
                "crosswire": f"{version()} @ {harness.commit() or 'unknown'}",
                "date": date.today().isoformat(),
            }
            out[split] |= {"command": command, **result}
        harness.write_json(RESULT, out, indent=1)
        print(f"\nwrote {RESULT}")
    else:
        print("\n(--limit given: results not written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
