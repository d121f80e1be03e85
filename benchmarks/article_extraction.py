"""Article body extraction: plain trafilatura vs crosswire's clean stage on the Zyte benchmark.

    python benchmarks/article_extraction.py [--limit N] [--data DIR]

Data: ../shared/eval-data/article-extraction (Zyte/Scrapinghub article-extraction-benchmark, 181
pages; see its SOURCE.md). For every page it scores, with the benchmark's own word-4-gram shingle
metric (implemented here from the description in SOURCE.md):

- ``trafilatura``: ``trafilatura.extract(html)`` with the installed version and its defaults;
- ``trafilatura, title line dropped``: the same, minus a leading line equal to the page title
  (the ground truth never contains the headline, trafilatura sometimes prints it; this row keeps
  the comparison fair to trafilatura);
- ``trafilatura as crosswire calls it``: the text ``trafilatura.bare_extraction`` returned inside
  ``clean()`` (no comments, with metadata): crosswire's input before its own cleaning;
- ``crosswire clean``: ``clean(RawDocument(..., format="html", html=html))``, body =
  ``"\\n\\n".join(doc.paragraphs)``; an InputError counts as an empty output;
- ``crosswire title + body``: the title put back on top, for comparison with the published
  trafilatura run, which printed the headline.

It also re-scores the reference predictions shipped with the data (reference-outputs/) to check that
this metric reproduces the published figures, and measures what each kind of removal in ``clean()``
gains or costs (corpus F1 with that kind's removals put back, words removed that are in the gold
body). Prints a table; writes benchmarks/results/article_extraction.json and .md.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import _harness as harness
import trafilatura
from _article_extraction_data import (
    PUBLISHED,
    bootstrap_sd,
    corpus,
    reference_outputs,
    reference_title_lines,
    restored_scores,
    run,
)
from _article_extraction_report import ROWS, markdown

DEFAULT_DATA = harness.EVAL_DATA / "article-extraction"


def analyse(pages: list[dict]) -> dict:
    base = corpus([p["scores"]["crosswire"] for p in pages])
    labels = sorted({r["label"] for p in pages for r in p["removals"]})
    kinds = {}
    for label in labels:
        hit = [p for p in pages if any(r["label"] == label for r in p["removals"])]
        items = [r for p in hit for r in p["removals"] if r["label"] == label]
        removed_tokens = sum(r["tokens"] for r in items)
        body_tokens = sum(r["tokens"] * r["in_gold"] for r in items)
        restored = corpus(restored_scores(pages, label))
        pre_hit = corpus([p["scores"]["trafilatura_as_called"] for p in hit])
        cw_hit = corpus([p["scores"]["crosswire"] for p in hit])
        kinds[label] = {
            "pages": len(hit),
            "items": len(items),
            "items_mostly_article_body": sum(1 for r in items if r["in_gold"] >= 0.5),
            "tokens_removed": removed_tokens,
            "tokens_removed_that_are_article_body": round(body_tokens),
            "corpus_f1_if_put_back": restored["f1"],
            "corpus_f1_change_from_this_removal": base["f1"] - restored["f1"],
            "corpus_recall_change_from_this_removal": base["recall"] - restored["recall"],
            "corpus_precision_change_from_this_removal": base["precision"] - restored["precision"],
            "on_these_pages": {
                "f1_before_clean": pre_hit["f1"],
                "f1_after_clean": cw_hit["f1"],
                "recall_before_clean": pre_hit["recall"],
                "recall_after_clean": cw_hit["recall"],
            },
        }
    # Pages where cleaning changed the score most, and the worst wrong removals (article text removed).
    deltas = sorted(
        (
            {
                "id": p["id"],
                "url": p["url"],
                "f1_before_clean": p["scores"]["trafilatura_as_called"]["f1"],
                "f1_after_clean": p["scores"]["crosswire"]["f1"],
                "delta": p["scores"]["crosswire"]["f1"] - p["scores"]["trafilatura_as_called"]["f1"],
                "error": p["crosswire_error"],
            }
            for p in pages
        ),
        key=lambda d: d["delta"],
    )
    losses = sorted(
        (
            {
                "id": p["id"],
                "url": p["url"],
                **{k: v for k, v in r.items() if not k.startswith("_")},
                "article_tokens_lost": round(r["tokens"] * r["in_gold"]),
            }
            for p in pages
            for r in p["removals"]
            if r["in_gold"] >= 0.5
        ),
        key=lambda d: -d["article_tokens_lost"],
    )
    return {
        "by_kind": kinds,
        "pages_changed_by_clean": sum(1 for d in deltas if abs(d["delta"]) > 1e-9),
        "pages_improved": sum(1 for d in deltas if d["delta"] > 1e-9),
        "pages_worsened": sum(1 for d in deltas if d["delta"] < -1e-9),
        "worst_pages": deltas[:8],
        "best_pages": deltas[::-1][:5],
        "largest_wrong_removals": losses[:15],
        "errors": [
            {"id": p["id"], "url": p["url"], "reason": p["crosswire_error"]} for p in pages if p["crosswire_error"]
        ],
    }


def _examples(pages: list[dict], by_kind: dict, limit: int = 3) -> list[dict]:
    """Concrete losses: the worst page of each of the two costliest removal kinds, and a page clean() rejected.

    Per (page, kind) the article words lost are the removed words whose 4-grams are in the gold body.
    """
    per = defaultdict(lambda: {"lost": 0, "items": []})
    for page in pages:
        for item in page["removals"]:
            if item["in_gold"] >= 0.5:
                entry = per[(page["id"], item["label"])]
                entry["lost"] += round(item["tokens"] * item["in_gold"])
                entry["items"].append(item)
    by_id = {p["id"]: p for p in pages}
    costly = [
        k
        for k, v in sorted(by_kind.items(), key=lambda kv: kv[1]["corpus_f1_change_from_this_removal"])
        if v["corpus_f1_change_from_this_removal"] < 0
    ]
    errors = sorted((p for p in pages if p["crosswire_error"]), key=lambda p: -p["tokens"]["trafilatura_as_called"])
    labels = costly[: limit - (1 if errors else 0)]
    picked = []
    for label in labels:
        candidates = [(v["lost"], pid, v) for (pid, lab), v in per.items() if lab == label]
        if not candidates:
            continue
        lost, pid, entry = max(candidates, key=lambda t: t[0])
        page = by_id[pid]
        picked.append(
            {
                "id": pid,
                "url": page["url"],
                "label": label,
                "why": entry["items"][0]["why"],
                "removed": " // ".join(i["text"][:200] for i in entry["items"][:3]),
                "items": len(entry["items"]),
                "article_tokens_lost": lost,
                "recall_before_clean": page["scores"]["trafilatura_as_called"]["r"],
                "recall_after_clean": page["scores"]["crosswire"]["r"],
            }
        )
    for page in errors[: limit - len(picked)]:
        picked.append(
            {
                "id": page["id"],
                "url": page["url"],
                "label": "InputError (whole page dropped)",
                "why": page["crosswire_error"],
                "removed": f"all {page['tokens']['trafilatura_as_called']} words trafilatura returned",
                "cjk_share_of_letters": round(page.get("cjk_share", 0.0), 2),
                "article_tokens_lost": page["tokens"]["trafilatura_as_called"],
                "recall_before_clean": page["scores"]["trafilatura_as_called"]["r"],
                "recall_after_clean": page["scores"]["crosswire"]["r"],
            }
        )
    return picked


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (by id)")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "ground-truth.json").exists():
        return harness.missing(f"benchmark data not found: {data}")
    harness.progress(f"trafilatura {trafilatura.__version__}")
    wall = time.perf_counter()
    ran = run(data, args.limit)
    pages = ran["pages"]
    ids = [p["id"] for p in pages]
    systems = {}
    for name, _ in ROWS:
        scores = [p["scores"][name] for p in pages]
        systems[name] = {**corpus(scores), "bootstrap_sd": bootstrap_sd(scores)}
    reference_all = reference_outputs(data, sorted(json.loads((data / "ground-truth.json").read_text())))
    reference_subset = reference_outputs(data, ids) if args.limit else None
    analysis = analyse(pages)
    examples = _examples(pages, analysis["by_kind"])
    # Per-page macro view as well (mean of per-page F1), for readers who want it; not the official figure.
    macro_f1 = {name: sum(p["scores"][name]["f1"] for p in pages) / len(pages) for name, _ in ROWS}
    elapsed = time.perf_counter() - wall

    version = trafilatura.__version__
    print()
    print(f"{'system':<68}{'F1':>7}{'P':>7}{'R':>7}{'acc':>7}{'pages':>7}")
    for name, label in ROWS:
        s = systems[name]
        print(
            f"{label.format(version=version):<68}{s['f1']:>7.3f}{s['precision']:>7.3f}{s['recall']:>7.3f}"
            f"{s['accuracy']:>7.3f}{s['pages']:>7}"
        )
    print()
    print(
        f"{'reference output (re-scored, 181 pages)':<40}{'F1':>7}{'P':>7}{'R':>7}{'acc':>7}"
        "  published F1/P/R/acc   match"
    )
    for name, s in reference_all.items():
        pub = s.get("published")
        pub_txt = "/".join(f"{pub[k]:.3f}" for k in ("f1", "precision", "recall", "accuracy")) if pub else "–"
        print(
            f"{name:<40}{s['f1']:>7.3f}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['accuracy']:>7.3f}  {pub_txt:<24}"
            f"{'yes' if s.get('reproduced') else 'NO'}"
        )
    print()
    print(
        f"clean() changed the score of {analysis['pages_changed_by_clean']} pages: "
        f"{analysis['pages_improved']} better, {analysis['pages_worsened']} worse; "
        f"{len(analysis['errors'])} InputError(s)"
    )
    print(f"{'removal kind':<32}{'pages':>6}{'items':>6}{'words':>7}{'in gold':>8}{'ΔF1 corpus':>11}{'ΔR corpus':>10}")
    for label, k in sorted(analysis["by_kind"].items(), key=lambda kv: kv[1]["corpus_f1_change_from_this_removal"]):
        print(
            f"{label:<32}{k['pages']:>6}{k['items']:>6}{k['tokens_removed']:>7}"
            f"{k['tokens_removed_that_are_article_body']:>8}{k['corpus_f1_change_from_this_removal']:>+11.4f}"
            f"{k['corpus_recall_change_from_this_removal']:>+10.4f}"
        )
    print()
    for ex in examples:
        print(
            f"loss [{ex['label']}] {ex['url']}\n   removed ({ex['article_tokens_lost']} article words): "
            f"{ex['removed'][:160]!r}\n"
            f"   recall {ex['recall_before_clean']:.3f} -> {ex['recall_after_clean']:.3f}"
        )
    print(
        f"\n{len(pages)} pages in {elapsed:.1f} s (trafilatura {ran['seconds']['trafilatura']:.1f} s, "
        f"crosswire clean {ran['seconds']['crosswire']:.1f} s)"
    )

    for page in pages:
        for key in [k for k in page if k.startswith("_")]:
            del page[key]
        for item in page["removals"]:
            item.pop("_tokens", None)
    result = {
        "benchmark": "Zyte article-extraction-benchmark (ground-truth.json, html/, reference-outputs/)",
        "data": str(data),
        "command": "python benchmarks/article_extraction.py" + (f" --limit {args.limit}" if args.limit else ""),
        "metric": "word-4-gram shingle P/R per page, corpus P and R = means over pages, F1 = 2PR/(P+R) "
        "of those means; accuracy = exact token match (SOURCE.md)",
        "trafilatura_version": version,
        "pages": len(pages),
        "seconds": {"total": round(elapsed, 1), **{k: round(v, 1) for k, v in ran["seconds"].items()}},
        "systems": systems,
        "mean_of_page_f1": macro_f1,
        "published": {
            k: dict(zip(("name", "version", "f1", "precision", "recall", "accuracy"), v, strict=True))
            for k, v in PUBLISHED.items()
        },
        "reference_outputs_rescored": reference_all,
        "reference_outputs_rescored_on_subset": reference_subset,
        "reference_trafilatura_pages_starting_with_title": reference_title_lines(data),
        "title_lines_dropped_from_trafilatura": sum(1 for p in pages if p["trafilatura_title_line_dropped"]),
        "clean_analysis": analysis,
        "loss_examples": examples,
        "per_page": pages,
    }
    json_path = harness.write_json("article_extraction.json", result, indent=1, ensure_ascii=False)
    md_path = harness.write_text("article_extraction.md", markdown(result))
    harness.progress(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
