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

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "crosswire" / "sample"
BASES = ("breaking.txt", "opinion.txt", "wire_report.txt", "live_blog.md")
VARIANTS = ("crlf", "cp1252", "bom", "trailing-whitespace", "plain")
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


@dataclass
class Round:
    number: int
    story: str
    mode: str
    target: str
    files: list[str]
    elapsed_s: float = 0.0
    killed: bool = False
    landed: str = ""
    outcome: str = ""
    problems: list[str] = field(default_factory=list)
    rerun: str = ""


@dataclass
class State:
    """What a store held: each version's dossier text and each document's bytes, by story."""

    versions: dict[tuple[str, int], str]
    documents: dict[tuple[str, str], bytes]
    migrations: int


def make_files(folder: Path, number: int, rng: random.Random) -> list[Path]:
    """Two new files for round ``number``: sample articles in two different byte forms."""
    paths = []
    for variant in rng.sample(VARIANTS, 2):
        base = BASES[rng.randrange(len(BASES))]
        text = _text(SAMPLE / base) + f"\nUpdate {number}: the story continues.\n"
        if variant == "crlf":
            data = text.replace("\n", "\r\n").encode("utf-8")
        elif variant == "cp1252":
            data = (text + "Café déjà vu – “quoted” £5\n").encode("cp1252", errors="replace")
        elif variant == "bom":
            data = "\ufeff".encode() + text.encode("utf-8")
        elif variant == "trailing-whitespace":
            data = "".join(line + " \t \n" for line in text.splitlines()).encode("utf-8") + b"\n  \n"
        else:
            data = text.encode("utf-8")
        path = folder / f"{number:03d}-{variant}-{base}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # opinion.txt ships in cp1252
        return data.decode("cp1252")


def seed_first_schema_store(db: Path, stories: list[str], inputs: dict[str, bytes]) -> None:
    """A store as the first schema (migration 1 only) left it: per story one document and one version."""
    from crosswire.stories.store import MIGRATIONS

    connection = sqlite3.connect(db)
    connection.executescript(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);"
        + MIGRATIONS[0]
        + "INSERT INTO schema_migrations VALUES (1);"
    )
    for number, story in enumerate(stories, start=1):
        name = f"000-seed-{number}-{BASES[number % len(BASES)]}"
        data = (SAMPLE / BASES[number % len(BASES)]).read_bytes()
        inputs[name] = data
        connection.execute(
            "INSERT INTO stories (id, name, created) VALUES (?, ?, '2024-05-01T10:00:00+00:00')", (number, story)
        )
        connection.execute(
            "INSERT INTO documents (story_id, name, sha256, data, added) "
            "VALUES (?, ?, ?, ?, '2024-05-01T10:00:00+00:00')",
            (number, name, hashlib.sha256(data).hexdigest(), data),
        )
        dossier = json.dumps({"seeded": True, "documents": [{"source": f"{story}/{name}"}], "note": "Zürich – “é”"})
        connection.execute(
            "INSERT INTO versions (story_id, number, created, documents, dossier) "
            "VALUES (?, 1, '2024-05-01T10:00:01+00:00', 1, ?)",
            (number, dossier),
        )
    connection.commit()
    connection.close()


def snapshot(db: Path) -> State:
    connection = sqlite3.connect(db)
    try:
        versions = {
            (story, number): text
            for story, number, text in connection.execute(
                "SELECT s.name, v.number, v.dossier FROM versions v JOIN stories s ON s.id = v.story_id"
            )
        }
        documents = {
            (story, name): bytes(data)
            for story, name, data in connection.execute(
                "SELECT s.name, d.name, d.data FROM documents d JOIN stories s ON s.id = d.story_id"
            )
        }
        (migrations,) = connection.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    finally:
        connection.close()
    return State(versions, documents, migrations)


def check(db: Path, before: State, inputs: dict[str, bytes], batch: list[str]) -> tuple[list[str], State]:
    """Problems found in the store after a run that started from ``before`` and added ``batch``."""
    from crosswire.errors import StoreError
    from crosswire.stories.store import open_store

    problems = []
    try:
        connection = sqlite3.connect(db)
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        connection.close()
        if result != "ok":
            problems.append(f"integrity: {result}")
    except sqlite3.DatabaseError as exc:
        problems.append(f"integrity: {exc}")
    try:
        store = open_store(db)
        for story in {story for story, _ in before.versions}:
            numbers = [v.number for v in store.versions(story)]
            if numbers != list(range(1, len(numbers) + 1)):
                problems.append(f"lost version: {story} has versions {numbers}")
        store.close()
    except StoreError as exc:
        problems.append(f"integrity: does not open: {exc}")
        return problems, before
    after = snapshot(db)
    for key, text in before.versions.items():
        if after.versions.get(key) != text:
            problems.append(f"lost version: {key} changed or missing")
    for key, text in after.versions.items():
        try:
            json.loads(text)
        except ValueError:
            problems.append(f"partial version: {key} is not JSON")
    for (story, name), data in after.documents.items():
        if data != inputs.get(name):
            problems.append(f"bytes: {story}/{name} differs from its input file")
    for document in before.documents:
        if document not in after.documents:
            problems.append(f"lost document: {document}")
    new = {name for story, name in set(after.documents) - set(before.documents)}
    if new and new != set(batch):
        problems.append(f"atomicity: stored {sorted(new)} of the batch {batch}")
    if len(after.versions) > len(before.versions) + 1:
        problems.append("atomicity: more than one new version")
    return problems, after


def landed(log: Path, tx_names: list[str]) -> str:
    """Where the process was when it died, from the events it logged."""
    events = [line.split("\t") for line in log.read_text().splitlines()] if log.exists() else []
    kinds = {e[1] for e in events}
    steps = [e for e in events if e[1] != "kill"]
    if steps and steps[-1][1] == "sql" and steps[-1][2] != "0":
        tx, statement = int(steps[-1][2]), steps[-1][4]
        name = tx_names[tx - 1] if tx <= len(tx_names) else f"transaction {tx}"
        after = events[-1][1] == "kill" and events[-1][2] == "after"
        if statement.upper().startswith("COMMIT"):
            return f"{name} transaction: {'after' if after else 'at'} COMMIT"
        if statement.upper().startswith("BEGIN") and events[-1][1] == "kill" and not after:
            return f"{name} transaction: before BEGIN"
        return f"{name} transaction: inside, uncommitted"
    transactions = {e[2] for e in events if e[1] == "sql"}
    if "exit" in kinds:
        return "exiting"
    if str(len(tx_names)) in transactions:
        return "closing after the version"
    if "model loaded" in kinds:
        return "analysis"
    if "model load" in kinds:
        return "model load"
    if str(len(tx_names) - 1) in transactions:
        return "reading stored documents"
    if "sql" in kinds:
        return "opening the store"
    return "settings and input files" if "imported" in kinds else "imports"


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    target = ROOT / "benchmarks" / "results" / "kill_loop.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if not report["problems"] and not report["stories_incomplete_at_the_end"] else 1


if __name__ == "__main__":
    sys.exit(main())
