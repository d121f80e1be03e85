"""Sorting a pile into stories, on its own: the memory that work itself needs, chunk by chunk.

    python benchmarks/sort_memory.py [--sizes 5000,40000]

``pile_memory.py`` measures the whole process tree of ``analyze --stories``. There, the process that
reads and sorts the pile is forked from the one that loaded the model, and the cleaning workers from
it: pages they share are divided among them (PSS), and a page one of them writes is copied for it. So
a process's share grows over a long run even when it allocates nothing, and the tree's figures cannot
tell that copying from memory the pile's work holds.

This runs the same reading and sorting (``piles._sort_pile``; a pile's run reads in one process and
sorts in another, ``piles._sort_apart``) in a fresh process that loaded no model and was forked from
nothing: each of its anonymous pages is its own. It records the process's anonymous memory (Linux
``smaps_rollup``) after the imports, after every ``PILE_CHUNK`` documents read and cleaned, at the
end of reading, and its peak (sampled every half second) while the pile is read (this phase also
covers grouping outlets across the pile, after the last chunk) and while the stories are found, for
each pile size. The slope between the first chunks and the end of reading is what reading holds per
document; the rest is the constant. Piles come from ``benchmarks/synthetic.py`` (one story per 10
articles). Writes benchmarks/results/sort_memory.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import _harness as harness
from _run import smaps_rollup_kb
from synthetic import measured_piles


def _anonymous_mb() -> float:
    return smaps_rollup_kb()["Anonymous"] / 1024


def measure(pile: str) -> dict[str, object]:
    """In this process: read, clean and sort ``pile``, recording its anonymous memory as it goes."""
    from crosswire.analysis import piles
    from crosswire.analysis.spill import Spill
    from crosswire.settings import Settings

    imported = _anonymous_mb()
    chunks: list[tuple[int, float]] = []  # (documents read so far, anonymous MB)
    phase = {"now": "read"}
    peaks: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            now = _anonymous_mb()
            peaks[phase["now"]] = max(peaks.get(phase["now"], 0.0), now)

    put = Spill.put

    def counted_put(self: Spill, documents: object) -> None:
        kept = list(documents)  # type: ignore[call-overload]
        put(self, kept)
        chunks.append(((chunks[-1][0] if chunks else 0) + len(kept), _anonymous_mb()))

    cluster = piles.cluster_features

    def timed_cluster(*args: object, **kwargs: object) -> object:
        peaks["read"] = max(peaks.get("read", 0.0), _anonymous_mb())  # (each phase sampled at its end too)
        phase["now"] = "find stories"
        found = cluster(*args, **kwargs)  # type: ignore[arg-type]
        peaks["find stories"] = max(peaks.get("find stories", 0.0), _anonymous_mb())
        return found

    Spill.put = counted_put  # type: ignore[method-assign]
    piles.cluster_features = timed_cluster  # type: ignore[assignment]
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    with Spill() as spill:
        errors = piles._sort_pile([pile], Settings(progress=False), None, None, spill)
        stories = len(spill.story_sizes())
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    first = next(((n, mb) for n, mb in chunks if n >= 2_500), chunks[0])
    last = chunks[-1]
    slope = (last[1] - first[1]) / (last[0] - first[0]) * 1_000 if last[0] > first[0] else 0.0
    return {
        "documents": last[0],
        "stories": stories,
        "errors": len(errors),
        "seconds": round(seconds, 1),
        "imported_mb": round(imported),
        "at_documents": first[0],
        "at_documents_mb": round(first[1]),
        "end_of_reading_mb": round(last[1]),
        "mb_per_1000_documents": round(slope, 2),
        "read_peak_mb": round(peaks.get("read", 0.0)),
        "find_stories_peak_mb": round(peaks.get("find stories", 0.0)),
    }


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--sizes", default="5000,40000", help="articles per pile, comma-separated")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # (the child process's pile)
    args = parser.parse_args()
    if not Path("/proc/self/smaps_rollup").exists():
        return harness.missing("reads /proc/self/smaps_rollup (Linux 4.14 or later)")
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    code = harness.code_label()
    rows = measured_piles(__file__, [int(s) for s in args.sizes.split(",")])
    print(
        harness.table(
            (
                "articles",
                "documents",
                "anonymous MB: imported",
                "at ~2,500 read",
                "end of reading",
                "MB per 1,000 read",
                "peak reading / finding stories",
                "s",
            ),
            [
                (
                    r["articles"],
                    r["documents"],
                    r["imported_mb"],
                    r["at_documents_mb"],
                    r["end_of_reading_mb"],
                    r["mb_per_1000_documents"],
                    f"{r['read_peak_mb']} / {r['find_stories_peak_mb']}",
                    r["seconds"],
                )
                for r in rows
            ],
        )
    )
    harness.write_json(
        "sort_memory.json",
        {"command": "python benchmarks/sort_memory.py --sizes " + args.sizes, "commit": code, "rows": rows},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
