"""Crash safety: kill -9 `crosswire add` at random points and check that nothing committed is lost.

    python benchmarks/kill_loop.py [--kills 50] [--seed 7] [--stories 5] [--rerun-every 1]

Each round adds two new files (sample articles rewritten with CRLF line endings, cp1252 bytes, a UTF-8
byte order mark or trailing whitespace) to one of a few stories and SIGKILLs the process:

- time: after a random delay between 0 and the duration of an uninterrupted run (imports and model
  load take most of it, so most of these land there);
- documents / version / migration: just before or just after a random statement of that write
  transaction (the child kills itself with SIGKILL there, so the kill lands inside the transaction
  or right after its COMMIT, which a random delay almost never hits).

The store starts in the first schema (as an older crosswire left it: one document and one version per
story), so the first round kills the migration. After each kill: the database opens, `PRAGMA
integrity_check` is ok, every version committed before the kill has byte-identical dossier JSON,
every stored document's bytes equal its input file's, and a round's documents are stored all or none.
Every ``--rerun-every`` kills, the killed command is run again uninterrupted: it must leave the story
complete (the latest version has analysed every stored document). Prints a table and writes
benchmarks/results/kill_loop.json. tests/test_crash_safety.py runs a short version.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import _harness as harness
from _kill_loop_store import Round, check, landed, make_files, seed_first_schema_store, snapshot

MODES = ("documents", "version", "time")
CHILD_TIMEOUT_S = 600

# The child is the real CLI (`crosswire.cli.main`), with its SQLite connections traced: each
# statement is logged before it runs, and a target "tx:k:before|after" makes the process SIGKILL
# itself before or after the k-th statement (0 = BEGIN) of its tx-th write transaction, or at that
# transaction's COMMIT if it has fewer statements. Model load is logged too, to tell where a kill landed.
CHILD = r"""
import os, signal, sqlite3, sys, time
START = time.monotonic()
LOG = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
TARGET = sys.argv[2].split(":") if sys.argv[2] != "-" else ["0", "0", ""]
TX, K, WHEN = int(TARGET[0]), int(TARGET[1]), TARGET[2]
state = {"tx": 0, "k": -1, "open": False}

def note(event):
    os.write(LOG, f"{time.monotonic() - START:.3f}\t{event}\n".encode())

def die(where):
    note(f"kill\t{where}")
    os.kill(os.getpid(), signal.SIGKILL)

class Traced(sqlite3.Connection):
    def execute(self, sql, *args):
        words = sql.split()
        head = words[0].upper() if words else ""
        if head == "BEGIN":
            state.update(tx=state["tx"] + 1, k=0, open=True)
        elif state["open"]:
            state["k"] += 1
        inside, ends = state["open"], head in ("COMMIT", "ROLLBACK")
        hit = inside and state["tx"] == TX and (state["k"] == K or (ends and state["k"] < K))
        where = f"{state['tx'] if inside else 0}\t{state['k'] if inside else -1}\t{' '.join(words[:4])}"
        note(f"sql\t{where}")
        if hit and WHEN == "before":
            die("before")
        result = super().execute(sql, *args)
        if ends:
            state["open"] = False
        if hit and WHEN == "after":
            die("after")
        return result

_connect = sqlite3.connect
sqlite3.connect = lambda *a, **kw: _connect(*a, factory=Traced, **kw)
note("start")
import crosswire.analysis.pipeline as pipeline
import crosswire.stories.service
note("imported")
_load = pipeline.load_pipeline

def load(name):
    note("model load")
    nlp = _load(name)
    note("model loaded")
    return nlp

pipeline.load_pipeline = load
from crosswire.cli import main
code = main(sys.argv[3:])
note(f"exit\t{code}")
sys.exit(code)
"""


def run_child(
    db: Path, story: str, files: list[str], log: Path, target: str, kill_at: float | None
) -> tuple[int, float]:
    """Run `crosswire add` (killed at ``kill_at`` seconds, or by its ``target``); returns (exit code, seconds)."""
    command = [
        sys.executable,
        "-c",
        CHILD,
        str(log),
        target,
        "add",
        *files,
        "--story",
        story,
        "--db",
        str(db),
        "--quiet",
    ]
    errors = log.with_suffix(".stderr")
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        try:
            child.wait(timeout=kill_at if kill_at is not None else CHILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the process and its group, as `kill -9 -PGID`
            child.wait()
    elapsed = time.perf_counter() - started
    _reap_group(child.pid)
    if child.returncode not in (0, 1, -signal.SIGKILL):
        tail = errors.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"crosswire add failed with exit code {child.returncode}: {tail}")
    return child.returncode, elapsed


def _reap_group(pgid: int) -> None:
    """Kill what the killed process left in its own process group (pool workers, if any)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def kill_loop(workdir: Path, kills: int = 50, seed: int = 7, stories: int = 5, rerun_every: int = 1) -> dict[str, Any]:
    """Kill ``kills`` `crosswire add` processes; returns the report (counts and one row per round)."""
    from crosswire.stories.store import open_store

    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    db, inbox = workdir / "kill.db", workdir / "inputs"
    inbox.mkdir(exist_ok=True)
    names = [f"story-{n}" for n in range(1, stories + 1)]
    inputs: dict[str, bytes] = {}
    seed_first_schema_store(db, names, inputs)
    started = time.perf_counter()
    rounds: list[Round] = []
    reruns = completed = resumed = 0
    full_runs: list[float] = []  # seconds to the version: version kills and reruns that saved one
    last_files: dict[str, list[str]] = {}
    cycle = 0
    while sum(r.killed for r in rounds) < kills and len(rounds) < 2 * kills:
        before = snapshot(db)
        tx_names = (
            ["open", "documents", "version"]
            if before.migrations >= 2
            else ["open", "migration", "documents", "version"]
        )
        if before.migrations < 2:
            mode = "migration"
        else:
            mode, cycle = MODES[cycle % len(MODES)], cycle + 1
            if mode == "time" and not full_runs:
                mode = "version"
        story = names[len(rounds) % len(names)]
        paths = make_files(inbox, len(rounds) + 1, rng)
        files = [p.name for p in paths]
        inputs.update({p.name: p.read_bytes() for p in paths})
        last_files[story] = [str(p) for p in paths]
        kill_at, target = None, "-"
        if mode == "time":
            kill_at = rng.uniform(0, statistics.median(full_runs))
            target = f"{kill_at:.2f}s"
        else:
            k = rng.randint(0, 10 if mode == "documents" else 5)
            target = f"{tx_names.index(mode) + 1}:{k}:{rng.choice(('before', 'after'))}"
        log = workdir / f"round-{len(rounds) + 1:03d}.log"
        code, elapsed = run_child(db, story, last_files[story], log, target if mode != "time" else "-", kill_at)
        row = Round(len(rounds) + 1, story, mode, target, files, round(elapsed, 2), code == -signal.SIGKILL)
        row.landed = landed(log, tx_names) if row.killed else "finished before the kill"
        if mode == "version" and row.killed:
            full_runs.append(elapsed)
        row.problems, after = check(db, before, inputs, files)
        new_documents = len(after.documents) > len(before.documents)
        new_version = len(after.versions) > len(before.versions)
        row.outcome = (
            "documents and version committed"
            if new_version
            else "documents committed, no version"
            if new_documents
            else "nothing committed"
        )
        rounds.append(row)
        print(
            f"round {row.number:3d} {row.mode:<9} {row.target:<13} {row.elapsed_s:5.1f}s "
            f"{row.landed:<44} {row.outcome}",
            flush=True,
        )
        last = sum(r.killed for r in rounds) >= kills
        if row.killed and (sum(r.killed for r in rounds) % rerun_every == 0 or last):
            reruns += 1
            rerun_before = after
            code, elapsed = run_child(db, story, last_files[story], workdir / f"rerun-{row.number:03d}.log", "-", None)
            problems, after = check(db, rerun_before, inputs, files)
            store = open_store(db)
            left = store.unanalysed(story)
            store.close()
            missing = [name for name in files if (story, name) not in after.documents]
            row.problems += [f"rerun: {p}" for p in problems]
            if code in (0, 1) and not left and not missing:
                completed += 1
                resumed += row.outcome == "documents committed, no version"
                saved = len(after.versions) > len(rerun_before.versions)
                full_runs += [elapsed] if saved else []
                row.rerun = "completed" + (", new version" if saved else "")
            else:
                row.rerun = f"incomplete: exit {code}, unanalysed {left}, missing {missing}"
            print(f"      rerun {elapsed:6.1f}s  {row.rerun}", flush=True)
    sweep = _complete_every_story(db, names, last_files, workdir)
    report = _report(rounds, kills, seed, stories, rerun_every, reruns, completed, resumed, sweep)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _complete_every_story(
    db: Path, names: list[str], last_files: dict[str, list[str]], workdir: Path
) -> dict[str, Any]:
    """Rerun the last add of any story left with unanalysed documents; every story must end complete."""
    from crosswire.stories.store import open_store

    store = open_store(db)
    pending = {name: store.unanalysed(name) for name in names}
    store.close()
    rerun = [name for name, left in pending.items() if left]
    for name in rerun:
        run_child(db, name, last_files[name], workdir / f"sweep-{name}.log", "-", None)
    store = open_store(db)
    incomplete = [name for name in names if store.unanalysed(name)]
    infos = store.stories()
    store.close()
    return {
        "stories_rerun_at_the_end": rerun,
        "stories_incomplete_at_the_end": incomplete,
        "versions_at_the_end": sum(i.versions for i in infos),
        "documents_at_the_end": sum(i.documents for i in infos),
    }


def _report(
    rounds: list[Round],
    kills: int,
    seed: int,
    stories: int,
    rerun_every: int,
    reruns: int,
    completed: int,
    resumed: int,
    sweep: dict[str, Any],
) -> dict[str, Any]:
    killed = [r for r in rounds if r.killed]
    problems = [p for r in rounds for p in r.problems]

    def count(word: str) -> int:
        return sum(1 for p in problems if word in p.split(":")[0] or p.startswith(f"rerun: {word}"))

    return {
        "kills_requested": kills,
        "seed": seed,
        "stories": stories,
        "rerun_every": rerun_every,
        "rounds": len(rounds),
        "kills": len(killed),
        "finished_before_the_kill": len(rounds) - len(killed),
        "kills_by_mode": dict(Counter(r.mode for r in killed)),
        "landed": dict(Counter(r.landed for r in killed).most_common()),
        "outcomes": dict(Counter(r.outcome for r in killed).most_common()),
        "integrity_failures": count("integrity"),
        "lost_versions": count("lost version") + count("lost document"),
        "byte_mismatches": count("bytes"),
        "partial_writes": count("atomicity") + count("partial version"),
        "reruns": reruns,
        "reruns_completed": completed,
        "reruns_that_resumed_an_unversioned_add": resumed,
        **sweep,
        "problems": problems,
        "per_round": [asdict(r) for r in rounds],
    }


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stories", type=int, default=5, help="stories the rounds take turns adding to")
    parser.add_argument("--rerun-every", type=int, default=1, help="rerun the killed command after every N kills")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the store and logs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crosswire-kill-") as tmp:
        report = kill_loop(Path(args.keep or tmp), args.kills, args.seed, args.stories, args.rerun_every)
    print(f"\n{'measure':<44}{'value':>10}")
    for key, value in report.items():
        if not isinstance(value, (dict, list)):
            print(f"{key:<44}{value!s:>10}")
        elif key.startswith("stories_"):
            print(f"{key:<44}{', '.join(value) or '-':>10}")
    for key in ("kills_by_mode", "landed", "outcomes"):
        print(f"{key}:")
        for name, number in report[key].items():
            print(f"  {name:<42}{number:>10}")
    for problem in report["problems"]:
        print(f"PROBLEM {problem}")
    target = harness.RESULTS / "kill_loop.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    harness.write_json(target, report, ensure_ascii=False)
    return 0 if not report["problems"] and not report["stories_incomplete_at_the_end"] else 1


if __name__ == "__main__":
    sys.exit(main())
