"""Crash safety, end to end: real `crosswire add` processes are SIGKILLed at random points (during
imports and model load, inside the documents and version transactions, during the migration of a
first-schema store); the store must always open, pass SQLite's integrity check, keep every committed
version byte for byte, hold every document exactly as its file's bytes, and a rerun must complete the
story. The long loop is ``python benchmarks/kill_loop.py`` (50 kills); this is its short version."""

from __future__ import annotations

import sys

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
