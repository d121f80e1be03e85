"""Start-up time of the CLI commands that need no analysis: `crosswire --help` and `crosswire diff`.

    python benchmarks/start_up.py [--runs N]

Each command runs ``--runs`` times in a fresh process (the median is reported), beside a bare Python
start (``python -c pass``) as the floor, and the import of the analysis (``import
crosswire.analysis.pipeline``: spaCy, scikit-learn, onnxruntime) as what a command pays if it loads
it. ``diff`` compares two versions of a small story stored first with ``crosswire add --sample``
(that analysis is not timed). Writes benchmarks/results/start_up.json.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness

GOAL_SECONDS = 0.5  # issue [5 of 6]: --help and diff start in under half a second


def timed(command: list[str], runs: int) -> float:
    """The median wall time of ``command`` in a fresh process, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "crosswire.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "s.db")
        for part in ("breaking.txt", "wire_report.txt"):  # two versions of one story
            command = [*cli, "add", str(harness.SAMPLE / part), "--story", "s", "--db", db, "--quiet"]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rows = {
            "python -c pass (floor)": timed([sys.executable, "-c", "pass"], args.runs),
            "crosswire --help": timed([*cli, "--help"], args.runs),
            "crosswire diff": timed([*cli, "diff", "--story", "s", "--db", db], args.runs),
            "import crosswire.analysis.pipeline (what an analysis pays)": timed(
                [sys.executable, "-c", "import crosswire.analysis.pipeline"], args.runs
            ),
        }
    for name, seconds in rows.items():
        print(f"{name:60} {seconds:6.2f} s")
    met = rows["crosswire --help"] < GOAL_SECONDS and rows["crosswire diff"] < GOAL_SECONDS
    print(f"goal: --help and diff under {GOAL_SECONDS} s: {'met' if met else 'missed'}")
    result = {"crosswire": harness.commit(), "runs": args.runs, "median seconds": rows, "goal met": met}
    harness.write_json("start_up.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
