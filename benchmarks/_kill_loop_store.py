"""The story store side of kill_loop.py: the files each round adds, a store seeded at the first schema (for
the migration kill), snapshots of the store, and the checks a store must pass after any kill (no torn
version, no half-written document, every landed file in exactly one version)."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import _harness as harness

SAMPLE = harness.SAMPLE
BASES = ("breaking.txt", "opinion.txt", "wire_report.txt", "live_blog.md")
VARIANTS = ("crlf", "cp1252", "bom", "trailing-whitespace", "plain")


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
    try:  # (read as crosswire reads them: whole, or a patch against a whole version)
        store = open_store(db)
        for story, number in after.versions:
            try:
                store.version(story, number)
            except StoreError:
                problems.append(f"partial version: {(story, number)} cannot be read")
        store.close()
    except StoreError as exc:
        problems.append(f"integrity: does not open: {exc}")
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
