"""A folder watched for a story: each article file that appears in it is added to the stored story
once it has settled, by one process that keeps the story open (a desk on the command line, as the
web app is one in a browser), so that each add is reconciled from the work the last one kept.

This sits outside the core, beside ``service``: it looks at the folder and calls ``add_to_story``.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from crosswire.errors import StoreError
from crosswire.models import Dossier, Skipped
from crosswire.settings import Settings
from crosswire.stages.ingest import list_files, printable, read_bytes
from crosswire.stories import service
from crosswire.stories.diff import diff
from crosswire.stories.service import AddResult, add_to_story, check_story_name, latest_dossier
from crosswire.stories.store import Store

SHOWN = 5  # new conflicts, and claims whose status moved, said after each add (the rest: counted)

_State = tuple[int, int]  # a file's size and modification time (nanoseconds)


@dataclass(frozen=True, slots=True)
class Added:
    """One add made while watching: what ``add_to_story`` returned, and how long it took."""

    result: AddResult
    seconds: float


def watch(
    store: Store,
    story: str,
    folder: str,
    settings: Settings,
    nlp: Any,
    report: Callable[[str], None],
    looks: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    db: str | None = None,
) -> list[Added]:
    """Look at ``folder`` every ``settings.watch_every`` seconds and add to ``story`` each article
    file whose size and modification time are what they were at the look before (a file still being
    written, or still empty, is left until it settles), until interrupted or, with ``looks``, after
    that many looks. Returns the adds made. ``db``: the store's path, for the commands it prints.

    What is said goes to ``report``: each add and what it changed since the version before (claims
    new or with a new status, conflicts new or gone), and each problem (a file that cannot be read,
    an add the store refused) once while it lasts; a file that cannot be read, or an add that
    failed, is tried again at the next look. A file whose bytes the story holds adds nothing; one
    taken out of the story (``crosswire remove``) is left out, and said so; a file changed under
    its name is added again as another document, and said so (of a feed saved again, the entries
    alike in every field to ones the story holds are read once, ``_order.read_once``: only new or
    changed entries add documents).
    """
    story = check_story_name(story)
    before: dict[str, _State] = {}
    taken: dict[str, _State] = {}  # each file as it was when it was added (or left out)
    said: set[str] = set()  # the problems of the look before
    adds: list[Added] = []
    last = latest_dossier(store, story)  # (what the first add is compared with)
    look = 0
    while True:
        now, walked = _files(folder)
        problems = [f"  skipped {problem.source}: {problem.reason}" for problem in walked]
        taken = {path: state for path, state in taken.items() if path in now}  # (gone: forgotten)
        # (not empty, the same size and time at two looks running, and not as it was when added)
        settled = [p for p, got in now.items() if got[0] and before.get(p) == got != taken.get(p)]
        before = now
        if settled:
            made, done, refused = _add(store, story, settled, taken, settings, nlp, report)
            for add in made:
                if add.result.dossier is not None:
                    for line in _changes(last, add.result.dossier, story, db):
                        report(line)
                    last = add.result.dossier
                # (a watch stays up all day: it keeps the last version's dossier, no other)
                adds.append(Added(replace(add.result, dossier=None), add.seconds))
            taken.update((path, now[path]) for path in done)
            problems += refused
        for line in problems:
            if line not in said:
                report(line)
        said = set(problems)
        look += 1
        if looks is not None and look >= looks:
            return adds
        sleep(settings.watch_every)


def _files(folder: str) -> tuple[dict[str, _State], list[Skipped]]:
    """Each article file under ``folder`` with its size and modification time, and what could not
    be walked; a file gone between the listing and its look is left out."""
    paths, problems = list_files(folder)
    found = {}
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue
        found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found, problems


def _add(
    store: Store,
    story: str,
    paths: list[str],
    taken: dict[str, _State],
    settings: Settings,
    nlp: Any,
    report: Callable[[str], None],
) -> tuple[list[Added], list[str], list[str]]:
    """Add the settled files ``paths`` to ``story`` as one version and say what came of it: the add
    made (if any), the files done with, and the problems to say (once) and try again."""
    files: list[tuple[str, bytes]] = []
    done, problems = [], []
    removed = store.removed_hashes(story)
    for path in paths:
        data = read_bytes(path, settings.max_file_bytes)
        if isinstance(data, Skipped):
            problems.append(f"  skipped {data.source}: {data.reason}")
            continue
        done.append(path)
        name = printable(os.path.basename(path))
        if why := service.refusal(name, data):  # (said once: tried again only once it changes)
            report(f"  skipped {printable(path)}: {why}; not stored")
        elif hashlib.sha256(data).hexdigest() in removed:
            report(f"  left out {name}: taken out of the story; `crosswire add` puts it back")
        else:
            if path in taken:
                report(
                    f"  {name} changed: added again as another document (the first one stays, "
                    "and `crosswire remove` takes it out; articles alike in every field to ones "
                    "the story holds are read once. A file written in pieces with pauses longer "
                    "than --every is added at each pause: write it under another name and rename "
                    "it into the folder)"
                )
            files.append((name, data))
    if not files:
        return [], done, problems
    started = time.perf_counter()
    try:
        result = add_to_story(store, story, files, settings, nlp=nlp, read_back=True)
    except (StoreError, OSError, sqlite3.Error) as exc:  # (a busy store, a full disk: try again)
        problems.append(f"  could not add {len(files)} file(s) yet ({exc}); trying at each look")
        return [], [], problems
    seconds = time.perf_counter() - started
    if result.version is None:
        names = ", ".join(name for name, _ in files)
        report(f"  nothing new in {names}: the story holds these bytes")
    else:
        others = len(result.resumed)
        resumed = f" (and {others} stored by another add, or one cut off)" if others else ""
        added = f"added {len(result.added)} document(s){resumed}"
        report(f"story {result.story!r}: {added}; version {result.version} in {seconds:.1f} s")
    for skipped in result.said():
        report(f"  {skipped.line}")
    return [Added(result, seconds)], done, problems


def _changes(before: Dossier | None, after: Dossier, story: str, db: str | None) -> list[str]:
    """What a version changed since ``before``, in a few lines (``stories.diff``): counts, then the
    new conflicts and the claims whose status moved, ``SHOWN`` of each."""
    change = diff(before, after)
    lines = [
        f"  {len(change.new_claims)} new claim(s), {len(change.status_changes)} with a new status; "
        f"{len(change.new_conflicts)} new conflict(s), {len(change.gone_conflicts)} no longer found"
    ]
    found = change.new_conflicts[:SHOWN]
    lines += [f"  ! {k.id} {k.kind}: {_cut(k.explanation, 120)}" for k in found]
    moved = change.status_changes[:SHOWN]
    lines += [f"  ~ {s.claim} {s.before} -> {s.after}: {_cut(s.text, 100)}" for s in moved]
    if len(change.new_conflicts) > SHOWN or len(change.status_changes) > SHOWN:
        where = f" --db {shlex.quote(db)}" if db else ""
        # ("--story=": a name that begins with "-" is not taken for an option)
        lines.append(f"  (all of it: crosswire diff {shlex.quote(f'--story={story}')}{where})")
    return lines


def _cut(text: str, most: int) -> str:
    """``text`` in at most about ``most`` characters, cut between words."""
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + " …"
