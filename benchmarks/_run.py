"""Run crosswire's analyze in a child process, sampling the whole process tree's memory."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

CHILD = """
import json, sys, time
start = time.perf_counter()
from crosswire.analysis.pipeline import analyze
from crosswire.settings import Settings
imported = time.perf_counter() - start
dossier = analyze(sys.argv[1:-1], Settings(progress=False, workers=int(sys.argv[-1])))
failed = sum(getattr(e, "failed", True) for e in dossier.errors)  # (not the copies read once)
stats = dict(dossier.stats, imports=imported, documents=len(dossier.documents), claims=len(dossier.claims),
             conflicts=len(dossier.conflicts), errors=failed)
print(json.dumps(stats))
"""

# A pile sorted into stories, each dossier written as it is done (what `crosswire analyze --stories`
# does): the last argument is the worker count, the one before it the output folder.
CHILD_STORIES = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from crosswire.analysis.piles import iter_stories
from crosswire.output.json import to_json
from crosswire.settings import Settings
imported = time.perf_counter() - start
out = Path(sys.argv[-2])
stories = documents = claims = errors = 0
for story, dossier in iter_stories(sys.argv[1:-2], Settings(progress=False, workers=int(sys.argv[-1]))):
    (out / f"{story.id}.json").write_text(to_json(dossier, "benchmark"), encoding="utf-8")
    stories, documents = stories + 1, documents + len(dossier.documents)
    failed = sum(getattr(e, "failed", True) for e in dossier.errors)  # (not the copies read once)
    claims, errors = claims + len(dossier.claims), errors + failed
print(json.dumps({"imports": imported, "stories": stories, "documents": documents, "claims": claims,
                  "errors": errors}))
"""


def _rss_kb(pid: int) -> int:
    """Resident memory of one process, in kB (0 once it is gone)."""
    try:
        return status_kb(pid, "VmRSS:")
    except (OSError, StopIteration, ValueError):
        return 0


def _tree(pid: int) -> Iterator[tuple[int, int]]:
    """A process and all its descendants (Linux /proc), each with its depth below ``pid``; processes
    that end while the tree is walked are left out."""
    stack = [(pid, 0)]
    while stack:
        current, depth = stack.pop()
        yield current, depth
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [(int(c), depth + 1) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue


def smaps_rollup_kb(pid: int | str = "self") -> dict[str, int]:
    """The fields of a process's ``/proc/PID/smaps_rollup`` (Rss, Pss, Anonymous, Pss_Anon, ...), in
    kB. Raises OSError off Linux or once the process has ended."""
    lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    return {name: int(value.split()[0]) for name, value in (line.split(":", 1) for line in lines)}


def tree_rss_kb(pid: int, field: str = "VmRSS:") -> int:
    """Resident memory of a process and all its descendants, in kB (Linux /proc). ``field`` "Pss:"
    counts a page shared by n processes (a forked worker's copy of the parent's model) 1/n in each,
    so the sum is the memory the tree really holds; summed RSS counts such a page in every process."""
    total = 0
    for current, _ in _tree(pid):
        try:
            source = Path(f"/proc/{current}/status" if field == "VmRSS:" else f"/proc/{current}/smaps_rollup")
            status = source.read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))
        except (OSError, StopIteration, ValueError):
            continue
    return total


def tree_pss_by_process(pid: int) -> list[dict[str, int]]:
    """The PSS of a process and each of its descendants, in kB, split into anonymous memory and file
    pages (Linux ``smaps_rollup``): which process holds what, when the tree's sum is not enough;
    with each its resident high-water mark (``VmHWM``: the largest it has been so far)."""
    rows: list[dict[str, int]] = []
    for current, depth in _tree(pid):
        try:
            fields = smaps_rollup_kb(current)
            high_water = status_kb(current, "VmHWM:")
        except (OSError, ValueError, StopIteration):
            continue
        rows.append(
            {
                "pid": current,
                "depth": depth,
                "pss_kb": fields.get("Pss", 0),
                "pss_anon_kb": fields.get("Pss_Anon", 0),
                "pss_file_kb": fields.get("Pss_File", 0),
                "high_water_kb": high_water,
            }
        )
    return rows


def status_kb(pid: int | str, field: str) -> int:
    """A field of ``/proc/PID/status`` ("self" for this process) in kB, "VmRSS:" or "VmHWM:"."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))


def run_analyze(paths: list[str], workers: int, stories_to: str | None = None) -> dict[str, float]:
    """Wall time, peak RSS of the process tree and the pipeline's own stage timings; with
    ``stories_to`` (a folder), the pile is sorted into stories written there one by one."""
    start = time.perf_counter()
    code, extra = (CHILD, []) if stories_to is None else (CHILD_STORIES, [stories_to])
    child = subprocess.Popen(
        [sys.executable, "-c", code, *paths, *extra, str(workers)], stdout=subprocess.PIPE, text=True
    )
    peak = main = proportional = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, main, proportional
        while not done.is_set():
            peak = max(peak, tree_rss_kb(child.pid))
            proportional = max(proportional, tree_rss_kb(child.pid, "Pss:"))
            main = max(main, _rss_kb(child.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise RuntimeError(f"analyze failed with exit code {child.returncode}")
    stats = json.loads(out.strip().splitlines()[-1])
    return {
        "wall_s": time.perf_counter() - start,
        "peak_rss_mb": peak / 1024,
        "peak_main_mb": main / 1024,
        "peak_pss_mb": proportional / 1024,
        **stats,
    }
