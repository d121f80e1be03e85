"""Stories that evolve: add documents to a stored story, re-analyse it, keep each analysis as a version.

This sits outside the core: it reads and writes the store and calls ``analyze``; the CLI and the web
app both use it, so an upload and `crosswire add` do exactly the same thing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosswire.dossier import to_dict
from crosswire.errors import InputError
from crosswire.pipeline import Progress, analyze, version
from crosswire.settings import Settings
from crosswire.stages.ingest import SUPPORTED
from crosswire.store import Store


@dataclass(frozen=True, slots=True)
class AddResult:
    story: str
    added: tuple[str, ...]
    version: int | None  # None when nothing new was added
    errors: tuple[dict[str, str], ...] = ()


def collect_files(paths: Iterable[str]) -> tuple[list[tuple[str, bytes]], list[InputError]]:
    """Read files (folders walked in name order) as (file name, bytes); unreadable ones become errors."""
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in candidates:
            if file.suffix.lower() not in SUPPORTED:
                if not path.is_dir():
                    errors.append(InputError(str(file), f"unsupported file type; use {', '.join(SUPPORTED)}"))
                continue
            try:
                files.append((file.name, file.read_bytes()))
            except OSError as exc:
                errors.append(InputError(str(file), f"cannot read file: {exc.strerror or exc}"))
    return files, errors


def add_to_story(
    store: Store,
    story: str,
    files: list[tuple[str, bytes]],
    settings: Settings,
    nlp: Any = None,
    progress: Progress | None = None,
) -> AddResult:
    """Store new files in ``story`` and, if any was new, analyse the whole story as a new version."""
    if not story.strip():
        raise InputError("--story", "a story needs a name")
    added = store.add_documents(story, files)
    if not added and store.versions(story):
        return AddResult(story, (), None)
    dossier = analyze_story(store, story, settings, nlp, progress)
    number = store.save_version(story, dossier)
    return AddResult(story, tuple(added), number, tuple(dossier.get("errors", [])))


def analyze_story(
    store: Store, story: str, settings: Settings, nlp: Any = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Analyse every stored document of a story (written to a private temporary folder first)."""
    with tempfile.TemporaryDirectory(prefix="crosswire-") as folder:
        for document in store.documents(story):
            (Path(folder) / Path(document.name).name).write_bytes(document.data)
        dossier = analyze([folder], settings, nlp=nlp, progress=progress)
        data = to_dict(dossier, version())
    for item in [*data["documents"], *data["errors"]]:
        item["source"] = str(item["source"]).replace(folder, story, 1)
    return data
