"""Run crosswire's analyze in a child process, sampling the whole process tree's memory."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

CHILD = """
import json, sys, time
start = time.perf_counter()
from crosswire.analysis.pipeline import analyze
from crosswire.settings import Settings
imported = time.perf_counter() - start
dossier = analyze(sys.argv[1:-1], Settings(progress=False, workers=int(sys.argv[-1])))
stats = dict(dossier.stats, imports=imported, documents=len(dossier.documents), claims=len(dossier.claims),
             conflicts=len(dossier.conflicts), errors=len(dossier.errors))
print(json.dumps(stats))
"""


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def run_analyze(paths: list[str], workers: int) -> dict[str, float]:
    """Wall time, peak RSS of the process tree and the pipeline's own stage timings."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, *paths, str(workers)], stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"analyze failed with exit code {child.returncode}")
    stats = json.loads(out.strip().splitlines()[-1])
    return {"wall_s": time.perf_counter() - start, "peak_rss_mb": peak / 1024, **stats}
