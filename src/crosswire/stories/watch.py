"""A folder watched for a story: each article file that appears in it is added to the stored story
once it has settled, by one process that keeps the story open (a desk on the command line, as the
web app is one in a browser), so that each add is reconciled from the work the last one kept.

This sits outside the core, beside ``service``: it looks at the folder and calls ``add_to_story``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crosswire.settings import Settings
from crosswire.stages.ingest import list_files
from crosswire.stories.service import AddResult, add_to_story, check_story_name, collect_files
from crosswire.stories.store import Store

MIN_EVERY = 0.5  # seconds between two looks at the folder, at least


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
    every: float,
    report: Callable[[str], None],
    looks: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Added]:
    """Look at ``folder`` every ``every`` seconds and add to ``story`` each article file whose size
    and modification time are what they were at the look before (a file still being written is
    left until it settles), until interrupted or, with ``looks``, after that many looks.

    What is said goes to ``report``: each add, and each file that cannot be read (once, until it
    changes). A file whose bytes the story already holds adds nothing; a file changed under its
    name is added again as another document (``Store.add_documents``). Returns the adds made.
    """
    story = check_story_name(story)
    every = max(every, MIN_EVERY)
    taken: dict[str, tuple[int, int]] = {}  # each file as it was when it was added (or refused)
    before: dict[str, tuple[int, int]] = {}
    said: set[str] = set()  # what could not be walked, said once
    adds: list[Added] = []
    look = 0
    while True:
        now, problems = _files(folder)
        for line in (f"  skipped {problem.source}: {problem.reason}" for problem in problems):
            if line not in said:
                report(line)
                said.add(line)
        # (the same size and time at two looks running, and not as it was when added)
        settled = [p for p, state in now.items() if before.get(p) == state != taken.get(p)]
        before = now
        if settled:
            adds += _add(store, story, settled, settings, nlp, report)
            taken.update((path, now[path]) for path in settled)
        look += 1
        if looks is not None and look >= looks:
            return adds
        sleep(every)


def _files(folder: str) -> tuple[dict[str, tuple[int, int]], list[Any]]:
    """Each article file under ``folder`` with its size and modification time (nanoseconds), and
    what could not be walked; a file gone between the listing and its look is left out."""
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
    settings: Settings,
    nlp: Any,
    report: Callable[[str], None],
) -> list[Added]:
    """Add the settled files ``paths`` to ``story`` as one version, and say what came of it."""
    files, errors = collect_files(paths, settings.max_file_bytes)
    for error in errors:
        report(f"  skipped {error.source}: {error.reason}")
    if not files:
        return []
    started = time.perf_counter()
    result = add_to_story(store, story, files, settings, nlp=nlp)
    seconds = time.perf_counter() - started
    if result.version is not None:
        added = f"added {len(result.added)} document(s)"
        report(f"story {result.story!r}: {added}; version {result.version} in {seconds:.1f} s")
    for skipped in result.errors:
        report(f"  not analysed {skipped.source}: {skipped.reason}")
    return [Added(result, seconds)]
