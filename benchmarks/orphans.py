"""Orphans after kill -9: worker processes and temporary folders left behind by a killed run.

    python benchmarks/orphans.py [--kills 20] [--seed 3]

Each round starts `crosswire add` of a pile large enough for two workers (PARALLEL_MIN_WORDS) into a
fresh store, in its own process group, and SIGKILLs the parent after a random delay between 0.5 s and
the time an uninterrupted run takes (imports and model load take most of it; the workers clean and
parse after that). Two seconds later it counts the processes still alive that the killed run started
(workers, found through /proc as descendants recorded while it ran) and the `crosswire-<pid>-*`
temporary folders of the killed process; then it runs one more add, which must remove those folders.
Goal: 0 and 0. Prints a table; writes benchmarks/results/orphans.json. Linux only.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness

ROOT = harness.ROOT
RESULT = harness.RESULTS / "orphans.json"
SENTENCE = "Officials in the capital said on Monday that the old river bridge would reopen next week. "


def _descendants(pid: int) -> set[int]:
    found, stack = set(), [pid]
    while stack:
        current = stack.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found.update(children)
                stack += children
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _pile(folder: Path) -> None:
    for n in range(12):
        (folder / f"a{n}.txt").write_text((SENTENCE * 40 + "\n\n") * 5, encoding="utf-8")


def run(kills: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    crosswire = [sys.executable, "-m", "crosswire.cli"]
    rounds = []
    with tempfile.TemporaryDirectory(prefix="orphans-") as tmp:
        pile = Path(tmp) / "pile"
        pile.mkdir()
        _pile(pile)
        started = time.monotonic()
        subprocess.run([*crosswire, "add", str(pile), "--story", "s", "--db", f"{tmp}/full.db", "--quiet"], check=False)
        full = time.monotonic() - started
        for n in range(kills):
            db = f"{tmp}/k{n}.db"
            command = [*crosswire, "add", str(pile), "--story", "s", "--db", db, "--quiet"]
            parent = subprocess.Popen(command, start_new_session=True)
            delay = rng.uniform(0.5, full)
            seen: set[int] = set()
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and parent.poll() is None:
                seen |= _descendants(parent.pid)
                time.sleep(0.05)
            finished = parent.poll() is not None
            if not finished:
                os.kill(parent.pid, signal.SIGKILL)
            parent.wait()
            time.sleep(2)
            alive = sorted(p for p in seen if _alive(p))
            folders = list(Path(tempfile.gettempdir()).glob(f"crosswire-{parent.pid}-*"))
            subprocess.run([*crosswire, "add", str(pile), "--story", "t", "--db", db, "--quiet"], check=False)
            left = [f for f in folders if f.exists()]
            for pid in alive:  # never leave a test machine loaded
                os.kill(pid, signal.SIGKILL)
            rounds.append(
                {
                    "delay_s": round(delay, 2),
                    "finished_before_kill": finished,
                    "workers_seen": len(seen),
                    "workers_alive_after_kill": len(alive),
                    "temp_folders_after_kill": len(folders),
                    "temp_folders_after_next_add": len(left),
                }
            )
    return {
        "kills": sum(not r["finished_before_kill"] for r in rounds),
        "uninterrupted_run_s": round(full, 1),
        "workers_seen": sum(int(r["workers_seen"]) for r in rounds),  # type: ignore[call-overload]
        "orphan_workers": sum(int(r["workers_alive_after_kill"]) for r in rounds),  # type: ignore[call-overload]
        "temp_folders_left_by_kills": sum(int(r["temp_folders_after_kill"]) for r in rounds),  # type: ignore[call-overload]
        "temp_folders_after_next_add": sum(int(r["temp_folders_after_next_add"]) for r in rounds),  # type: ignore[call-overload]
        "rounds": rounds,
    }


def main() -> int:
    if not sys.platform.startswith("linux"):
        return harness.missing("orphans.py reads /proc: Linux only")
    parser = harness.parser(__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    report = run(args.kills, args.seed)
    for key, value in report.items():
        if key != "rounds":
            print(f"{key:32} {value}")
    harness.write_json(RESULT, report, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
