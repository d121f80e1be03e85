"""Time `crosswire analyze` end to end on a corpus (default: the reference corpus in ../shared).

    python benchmarks/reference_timing.py [CORPUS] [--runs N]

Prints a table (wall time of the whole CLI process, and the per-stage times the pipeline reports)
and writes benchmarks/results/reference_timing.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness

ROOT = harness.ROOT
DEFAULT = ROOT.parent / "shared" / "corpus" / "wagner-2023"


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not Path(args.corpus).exists():
        return harness.missing(f"corpus not found: {args.corpus}")
    walls, stages = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dossier.json"
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "crosswire.cli", "analyze", args.corpus, "--json", str(out), "--quiet"],
                check=True,
            )
            walls.append(time.perf_counter() - start)
            stages.append(_stage_times(args.corpus))
        words = json.loads(out.read_text(encoding="utf-8"))
        n_docs = len(words["documents"])
    result = {
        "corpus": args.corpus,
        "documents": n_docs,
        "runs": args.runs,
        "wall_seconds_median": round(statistics.median(walls), 2),
        "wall_seconds_max": round(max(walls), 2),
        "stages_seconds_median": {k: round(statistics.median(s[k] for s in stages), 3) for k in stages[0]},
    }
    print(f"{'measure':<28}{'seconds':>10}")
    print(f"{'CLI wall time (median)':<28}{result['wall_seconds_median']:>10.2f}")
    print(f"{'CLI wall time (max)':<28}{result['wall_seconds_max']:>10.2f}")
    for stage, seconds in result["stages_seconds_median"].items():
        print(f"{'  ' + stage:<28}{seconds:>10.3f}")
    harness.write_json("reference_timing.json", result)
    return 0


def _stage_times(corpus: str) -> dict[str, float]:
    from crosswire.analysis.pipeline import analyze
    from crosswire.settings import Settings

    dossier = analyze([corpus], Settings(progress=False))
    return {k: v for k, v in dossier.stats.items() if k != "words"}


if __name__ == "__main__":
    sys.exit(main())
