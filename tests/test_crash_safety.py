"""Crash safety, end to end: real `crosswire add` processes are SIGKILLed at random points (during
imports and model load, inside the documents and version transactions, during the migration of a
first-schema store); the store must always open, pass SQLite's integrity check, keep every committed
version byte for byte, hold every document exactly as its file's bytes, and a rerun must complete the
story. The long loop is ``python benchmarks/kill_loop.py`` (50 kills); this is its short version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from kill_loop import kill_loop  # noqa: E402

KILLS = 5  # ~75 s: each `crosswire add` spends 5-8 s importing spaCy before it writes


def test_crash_safety_kill_loop_loses_nothing_and_reruns_complete(tmp_path):
    report = kill_loop(tmp_path, kills=KILLS, seed=11, stories=1, rerun_every=3)
    assert report["problems"] == []
    assert report["kills"] == KILLS
    assert report["integrity_failures"] == report["lost_versions"] == report["byte_mismatches"] == 0
    assert report["partial_writes"] == 0
    assert report["reruns_completed"] == report["reruns"] == 2
    # The seeded third kill lands at the version's COMMIT: its documents are stored, its version is
    # not, and rerunning the same command (no new file) must still analyse them.
    assert report["reruns_that_resumed_an_unversioned_add"] >= 1
    assert report["stories_incomplete_at_the_end"] == []
    landed = " ".join(report["landed"])
    assert "migration transaction" in landed
    assert "documents transaction" in landed
    assert "version transaction" in landed


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_crash_safety_workers_die_with_a_killed_parent(tmp_path):
    # A pile large enough for the process pool (PARALLEL_MIN_WORDS), analysed in a child process.
    sentence = "Officials in the capital said on Monday that the old river bridge would reopen next week. "
    for n in range(12):  # (twelve articles: files alike in every field would be read once)
        text = sentence.replace("river", f"river {n}")
        (tmp_path / f"a{n}.txt").write_text((text * 40 + "\n\n") * 5, encoding="utf-8")
    code = (
        "import sys; from crosswire.analysis.pipeline import analyze; from crosswire.settings import Settings; "
        f"analyze([{str(tmp_path)!r}], Settings(progress=False, workers=2))"
    )
    parent = subprocess.Popen([sys.executable, "-c", code])
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(workers) < 2 and parent.poll() is None:
        workers = _children(parent.pid)
        time.sleep(0.05)
    if len(workers) < 2:
        parent.kill()
        pytest.skip("the analysis finished before its pool could be caught running")
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    time.sleep(2)
    alive = [
        pid
        for pid in workers
        if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]
    ]
    assert alive == [], f"workers {alive} outlived their killed parent"
