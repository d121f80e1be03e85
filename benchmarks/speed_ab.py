"""Speed A/B: `crosswire analyze` on one synthetic pile under two versions of the code, runs interleaved.

    python benchmarks/speed_ab.py --base COMMIT [--articles 300] [--stories 30] [--runs 3]

On a machine whose speed drifts (a shared host: spaCy alone took 9.5 s one day and 18-23 s another on
the throughput benchmark's texts), one run of each version an hour apart says little. This runs the
two versions one after the other, ``--runs`` times, on the same pile (``benchmarks/synthetic.py``), and
reports for each run the wall time and the CPU time of the whole process tree (the analysis process
and every worker it started and waited for: ``RUSAGE_CHILDREN``), and whether both versions wrote the
same dossier (JSON, byte for byte). Workers: crosswire's default, one per core. The base version is
checked out with ``git worktree`` into a temporary folder; the other is this working tree. Writes
benchmarks/results/speed_ab.json.
"""

from __future__ import annotations

import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from synthetic import make_pile  # noqa: E402

ROOT = harness.ROOT


def _analyze(source: Path, pile: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `crosswire analyze` with the code under ``source`` (a src folder)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "crosswire.cli", "analyze", str(pile), "--json", str(out), "--quiet"],
        env={**os.environ, "PYTHONPATH": str(source)},
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--base", required=True, help="the commit to compare this working tree with")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--stories", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True)
        try:
            pile = folder / "pile"
            make_pile(pile, args.articles, args.stories)
            versions = {args.base: base / "src", "this tree": ROOT / "src"}
            rows, same = [], []
            for run in range(args.runs):
                for name, source in versions.items():
                    wall, cpu = _analyze(source, pile, folder / f"{run}-{len(rows) % 2}.json")
                    rows.append({"run": run, "code": name, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1)})
                    harness.progress(f"run {run + 1}: {name}: wall {wall:.1f} s, CPU {cpu:.1f} s")
                same.append(filecmp.cmp(folder / f"{run}-0.json", folder / f"{run}-1.json", shallow=False))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    summary = {}
    for name in versions:
        mine = [r for r in rows if r["code"] == name]
        summary[name] = {
            "wall_s_mean": round(statistics.mean(r["wall_s"] for r in mine), 1),
            "cpu_s_mean": round(statistics.mean(r["cpu_s"] for r in mine), 1),
        }
    table = [(r["run"] + 1, r["code"], r["wall_s"], r["cpu_s"]) for r in rows]
    print(harness.table(("run", "code", "wall s", "CPU s"), table))
    for name, figures in summary.items():
        print(f"{name}: mean wall {figures['wall_s_mean']} s, mean CPU {figures['cpu_s_mean']} s")
    print(f"same dossier in every run: {all(same)}")
    harness.write_json(
        "speed_ab.json",
        {
            "command": " ".join(["python benchmarks/speed_ab.py", *sys.argv[1:]]),
            "commit": harness.commit() + ("+modified" if harness.src_modified() else ""),
            "articles": args.articles,
            "runs": rows,
            "summary": summary,
            "same_dossier": same,
        },
    )
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
