"""Scaling: time and peak memory of `analyze` on synthetic piles of growing size.

    python benchmarks/scaling.py [--sizes 100,1000,10000] [--processes 2] [--stories]

Piles from benchmarks/synthetic.py with one story per 10 articles (10 to 1,000 stories). Each size
runs in a fresh process; peak RSS is summed over the process tree (main process and workers).
Writes benchmarks/results/scaling.json. Goals: 10,000 articles under 2 GB, and time growing at most
1.2x faster than linear from 1,000 to 10,000 (t10000 / t1000 <= 12).

With ``--stories`` the pile is sorted into stories and each dossier written as it is reconciled
(``iter_stories``, as `crosswire analyze --stories` does) instead of reconciled as one story; writes
benchmarks/results/scaling_stories.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _run import run_analyze  # noqa: E402
from synthetic import make_pile  # noqa: E402

ROOT = harness.ROOT


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--stories", action="store_true", help="sort into stories, write each as it is done")
    args = parser.parse_args()
    if args.stories:
        return _stories(args)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            pile = Path(tmp) / "pile"
            make_pile(pile, size, max(1, size // 10))
            run = run_analyze([str(pile)], args.processes)
        reconcile = sum(
            run.get(k, 0.0)
            for k in (
                "time",
                "entities",
                "claim mentions",
                "story blocks",
                "align",
                "conflict detection",
                "timeline",
                "quotes",
                "profile",
                "brief",
            )
        )
        rows.append(
            {
                "articles": size,
                "stories": max(1, size // 10),
                "documents": run["documents"],
                "words": run["words"],
                "wall_s": round(run["wall_s"], 1),
                "peak_rss_mb": round(run["peak_rss_mb"]),
                "peak_pss_mb": round(run["peak_pss_mb"]),
                "annotate_s": round(run.get("annotate (parallel, incl. model load)", run.get("annotate", 0)), 1),
                "reconcile_s": round(reconcile, 1),
                "claims": run["claims"],
                "conflicts": run["conflicts"],
            }
        )
        print(json.dumps(rows[-1]))
    growth = {}
    for a, b in zip(rows, rows[1:], strict=False):
        growth[f"{a['articles']}->{b['articles']}"] = round(
            (b["wall_s"] / a["wall_s"]) / (b["articles"] / a["articles"]), 2
        )
    print(f"{'articles':>9}{'wall s':>9}{'peak MB':>9}{'annotate s':>12}{'reconcile s':>13}{'claims':>9}")
    for r in rows:
        print(
            f"{r['articles']:>9}{r['wall_s']:>9}{r['peak_rss_mb']:>9}{r['annotate_s']:>12}{r['reconcile_s']:>13}"
            f"{r['claims']:>9}"
        )
    print("time growth relative to linear:", growth)
    harness.write_json("scaling.json", {"rows": rows, "growth_vs_linear": growth})
    return 0


def _stories(args: argparse.Namespace) -> int:
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            pile, out = Path(tmp) / "pile", Path(tmp) / "out"
            make_pile(pile, size, max(1, size // 10))
            out.mkdir()
            run = run_analyze([str(pile)], args.processes, stories_to=str(out))
        rows.append(
            {
                "articles": size,
                "documents": run["documents"],
                "stories": run["stories"],
                "wall_s": round(run["wall_s"], 1),
                "peak_rss_mb": round(run["peak_rss_mb"]),
                "peak_main_process_mb": round(run["peak_main_mb"]),
                "peak_pss_mb": round(run["peak_pss_mb"]),
                "claims": run["claims"],
                "errors": run["errors"],
            }
        )
        harness.progress(json.dumps(rows[-1]))
    print(f"{'articles':>9}{'stories':>9}{'wall s':>9}{'RSS MB':>9}{'PSS MB':>9}{'main MB':>9}{'s/1000':>9}")
    for r in rows:
        per_thousand = r["wall_s"] * 1000 / r["articles"]
        main = r["peak_main_process_mb"]
        tree, pss = r["peak_rss_mb"], r["peak_pss_mb"]
        print(f"{r['articles']:>9}{r['stories']:>9}{r['wall_s']:>9}{tree:>9}{pss:>9}{main:>9}{per_thousand:>9.1f}")
    harness.write_json("scaling_stories.json", {"rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
