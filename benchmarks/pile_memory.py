"""Pile memory: what the main process holds once a pile is read, cleaned and sorted into stories.

    python benchmarks/pile_memory.py [--sizes 5000,20000]

The part of `crosswire analyze --stories` whose memory grows with the pile (issue 14, item 3) comes
before any story is parsed: every document is read and cleaned into the spill, its outlet facts are
grouped across the pile, and every document is clustered. This measures it without the hour a
100,000-article run takes: for each size, in a fresh process with the spaCy model loaded, the main
process's resident memory (``/proc/self/statm``) and its high-water mark (``VmHWM``) when the first
story comes out of ``iter_stories``, above what the process held before it started (model loaded).
The first story's batch is parsed by then too (the same few hundred documents at every size), so the
growth from one size to the next is the pile's. Piles come from ``benchmarks/synthetic.py`` (one story
per 10 articles). Writes benchmarks/results/pile_memory.json.

Since 577346b the pile is read and sorted in a process of its own, which ends before the first story
is parsed: its memory no longer shows in the main process's figures, so the largest resident set of
the ended child processes is reported beside them (``ru_maxrss`` of ``RUSAGE_CHILDREN``; it counts
the model's pages shared with the main process too).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from synthetic import make_pile  # noqa: E402


def _resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _high_water_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM"))


def measure(pile: str) -> dict[str, float]:
    """In this process: memory above the loaded model when the first story of ``pile`` comes out."""
    from crosswire.analysis.piles import iter_stories
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.settings import Settings

    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    gc.collect()
    before, high_before = _resident_mb(), _high_water_mb()
    start = time.perf_counter()
    stories = iter_stories([pile], settings, nlp=nlp)
    first, _ = next(stories)
    seconds = time.perf_counter() - start
    gc.collect()
    return {
        "main_before_mb": round(before),
        "main_grown_mb": round(_resident_mb() - before),
        "high_water_grown_mb": round(_high_water_mb() - max(before, high_before)),
        # The pile is read and sorted in a process of its own (since 577346b): the largest resident
        # set of the processes this one started and that ended (that one, the cleaning workers, and
        # the first batch's parsing workers), shared pages of the loaded model included, since they
        # were forked from it.
        "ended_children_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "seconds_to_first_story": round(seconds, 1),
        "first_story_documents": len(first.documents),
    }


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--sizes", default="5000,20000", help="articles per pile, comma-separated")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # (the child process's pile)
    args = parser.parse_args()
    if args.measure:  # the child process: one pile, one line of JSON
        print(json.dumps(measure(args.measure)))
        return 0
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            pile = Path(tmp) / "pile"
            harness.progress(f"{size:,} articles: writing the pile")
            make_pile(pile, size, max(1, size // 10))
            harness.progress(f"{size:,} articles: reading and sorting it")
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(pile)], capture_output=True, text=True, check=True
            )
            row = {"articles": size, **json.loads(out.stdout.strip().splitlines()[-1])}
            rows.append(row)
            harness.progress(json.dumps(row))
    print(
        harness.table(
            ("articles", "main grown MB", "high-water grown MB", "ended children's peak MB", "s to first story"),
            [
                (
                    r["articles"],
                    r["main_grown_mb"],
                    r["high_water_grown_mb"],
                    r.get("ended_children_peak_mb", "-"),
                    r["seconds_to_first_story"],
                )
                for r in rows
            ],
        )
    )
    command = " ".join(["python benchmarks/pile_memory.py", *sys.argv[1:]])
    commit = harness.commit() + ("+modified" if harness.src_modified() else "")
    harness.write_json("pile_memory.json", {"command": command, "commit": commit, "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
