"""Stories that evolve: add documents to a stored story, re-analyse it, keep each analysis as a version.

This sits outside the core: it reads and writes the store and calls ``analyze``; the CLI and the web
app both use it, so an upload and `crosswire add` do exactly the same thing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crosswire.analysis.pipeline import Progress, analyze, load_pipeline, prepare, version
from crosswire.errors import InputError
from crosswire.models import Skipped
from crosswire.output.json import to_dict
from crosswire.settings import Settings
from crosswire.stages.cluster import ClusterSettings, cluster_stories
from crosswire.stages.ingest import PARQUET_SUFFIXES, SUPPORTED, list_files, looks_binary, printable, read_bytes
from crosswire.stories.store import Store, StoredDocument

# What a story takes in, for the web app's upload form and its checks (the web never imports stages).
ACCEPTED_SUFFIXES = SUPPORTED
TABLE_SUFFIXES = PARQUET_SUFFIXES  # binary by nature: exempt from the binary-content check
is_binary = looks_binary


def load_models(settings: Settings) -> Any:
    """The language pipeline an analysis needs, loaded once by a long-running caller (the web app)."""
    return load_pipeline(settings.spacy_model)


MAX_STORY_NAME = 200  # the web app's limit too: every stored story can be opened in a browser
MAX_DISK_NAME = 200  # bytes of a file name written to disk (file systems allow 255)


@dataclass(frozen=True, slots=True)
class AddResult:
    story: str
    added: tuple[str, ...]
    version: int | None  # None when every stored document was already analysed
    errors: tuple[dict[str, str], ...] = ()
    # Stored by an earlier add that was interrupted before its version; analysed in this version.
    resumed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # taken out of the story by this version


def collect_files(paths: Iterable[str], max_bytes: int) -> tuple[list[tuple[str, bytes]], list[InputError]]:
    """Read files (folders walked in name order, link loops not followed) as (file name, bytes); files
    that are unsupported, too large, not regular or unreadable become errors naming the file."""
    files, errors = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates, problems = list_files(path)
            errors += [InputError(p.source, p.reason) for p in problems]
        else:
            candidates = [path]
        for file in candidates:
            if file.suffix.lower() not in SUPPORTED:
                errors.append(InputError(printable(file), f"unsupported file type; use {', '.join(SUPPORTED)}"))
                continue
            data = read_bytes(file, max_bytes)
            if isinstance(data, Skipped):
                errors.append(InputError(data.source, data.reason))
            else:
                files.append((printable(file.name), data))  # a name that is not UTF-8 keeps its bytes as \xff
    return files, errors


def check_story_name(name: str) -> str:
    """The name without surrounding spaces, if a browser can open it: 1 to MAX_STORY_NAME printable
    characters, not '.' or '..' (the CLI and the web app both take names through here).

    Raises:
        InputError: the name is empty, too long, a dot segment or holds control characters.
    """
    name = name.strip()
    if not 1 <= len(name) <= MAX_STORY_NAME or name in (".", "..") or not name.isprintable():
        raise InputError(
            "--story", f"a story name needs 1 to {MAX_STORY_NAME} printable characters and cannot be '.' or '..'"
        )
    return name


def add_to_story(
    store: Store,
    story: str,
    files: list[tuple[str, bytes]],
    settings: Settings,
    nlp: Any = None,
    progress: Progress | None = None,
) -> AddResult:
    """Store new files in ``story`` and, if the latest version has not analysed every stored document,
    analyse the whole story as a new version.

    Rerunning an add that was killed completes it: the documents it stored are found unanalysed and
    analysed now, even though none of the files is new any more.
    """
    story = check_story_name(story)
    added = store.add_documents(story, files)
    pending = store.unanalysed(story)
    if not pending and not added:  # (a removed document added again is back, though stored long ago)
        return AddResult(story, (), None)
    documents = store.documents(story)
    dossier = _analyze_documents(documents, story, settings, nlp, progress)
    # The analysis covers what it read, not what is stored by the time it is saved: another add
    # may have stored more meanwhile, and those must stay unanalysed for the next add to pick up.
    number = store.save_version(story, dossier, covers=max(d.id for d in documents))
    resumed = tuple(name for name in pending if name not in added)
    return AddResult(story, tuple(added), number, tuple(dossier.get("errors", [])), resumed)


def remove_from_story(
    store: Store, story: str, names: list[str], settings: Settings, nlp: Any = None, progress: Progress | None = None
) -> AddResult:
    """Take documents out of a story and analyse what is left as a new version (earlier versions keep
    them). A document that breaks the analysis, or that should not be there, can always be taken out.

    Raises:
        StoreError: no such story, or a name that is not one of its documents.
    """
    story = check_story_name(story)
    removed, covers = store.remove_documents(story, names)
    dossier = _analyze_documents(store.documents(story), story, settings, nlp, progress)
    number = store.save_version(story, dossier, covers=covers)
    return AddResult(story, (), number, tuple(dossier.get("errors", [])), removed=tuple(removed))


def _analyze_documents(
    documents: list[StoredDocument], story: str, settings: Settings, nlp: Any, progress: Progress | None
) -> dict[str, Any]:
    """The dossier of these stored documents, with sources named ``story/file``."""
    with _work_folder("crosswire-") as folder:
        stored_as: dict[str, str] = {}  # the name on disk -> the stored name
        for document in documents:
            name = _disk_name(Path(document.name).name)
            stored_as[name] = Path(document.name).name
            (Path(folder) / name).write_bytes(document.data)
        dossier = analyze([folder], settings, nlp=nlp, progress=progress)
        data = to_dict(dossier, version())
    for item in [*data["documents"], *data["errors"]]:
        source = str(item["source"])
        if source.startswith(folder + os.sep):
            name, line = source[len(folder) + 1 :], ""
            head, _, tail = name.rpartition(":")  # a feed's record is "file:N"
            if name not in stored_as and tail.isdigit() and head in stored_as:
                name, line = head, f":{tail}"
            source = f"{story}/{stored_as.get(name, name)}{line}"
        item["source"] = source
    return data


def _disk_name(name: str) -> str:
    """A file name the disk takes for a stored name: at most MAX_DISK_NAME bytes (a name that was not
    UTF-8 is stored escaped, four characters a byte, and may have grown past the 255-byte limit);
    a shortened name keeps its suffix and gains a hash of the whole name, so two never collide."""
    if len(name.encode("utf-8", "surrogateescape")) <= MAX_DISK_NAME:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix) <= 16 else ""
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    stem = name.encode("utf-8", "surrogateescape")[: MAX_DISK_NAME - len(suffix) - 13].decode("utf-8", "ignore")
    return f"{stem}-{digest}{suffix}"


@contextmanager
def _work_folder(prefix: str) -> Iterator[str]:
    """A private temporary folder named after this process, removed on the way out; folders left by
    processes that were killed (kill -9 skips every clean-up) are removed first."""
    _remove_orphans()
    with tempfile.TemporaryDirectory(prefix=f"{prefix}{os.getpid()}-") as folder:
        yield folder


def _remove_orphans() -> None:
    for folder in Path(tempfile.gettempdir()).glob("crosswire-*"):
        found = re.match(r"crosswire-(?:pile-)?(\d+)-", folder.name)
        if not found or not folder.is_dir() or not _mine(folder):
            continue
        try:
            os.kill(int(found.group(1)), 0)  # still running: its folder is in use
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (PermissionError, OverflowError):
            continue


def _mine(folder: Path) -> bool:
    uid = getattr(os, "getuid", None)
    return uid is None or folder.stat().st_uid == uid()


def add_to_pile(
    store: Store, files: list[tuple[str, bytes]], settings: Settings, nlp: Any = None
) -> tuple[list[AddResult], list[InputError]]:
    """Add files whose story is not given: cluster them with the stored stories' documents; a file
    joins the stored story most of its cluster belongs to, or opens a new story named after its
    cluster's most frequent names. Files that cannot be read as articles are returned as errors.

    Files are analysed under generated names (``incoming/00003.txt``), so a name with a newline, a
    colon or bytes that are not UTF-8 cannot lose its file on the way back.
    """
    with _work_folder("crosswire-pile-") as folder:
        root = Path(folder)
        owner: dict[str, str | None] = {}
        for number, info in enumerate(store.stories()):
            for k, document in enumerate(store.documents(info.name)):
                path = root / f"stored-{number}" / f"{k:05d}{Path(document.name).suffix.lower()}"
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(document.data)
                owner[str(path)] = info.name
        incoming = root / "incoming"
        incoming.mkdir()
        data_of: dict[str, tuple[str, bytes]] = {}
        for index, (name, data) in enumerate(files):
            path = incoming / f"{index:05d}{Path(name).suffix.lower()}"
            path.write_bytes(data)
            owner[str(path)] = None
            data_of[str(path)] = (name, data)
        documents, skipped = prepare([str(root)], settings, None, {})
        stories = cluster_stories(documents, ClusterSettings(threshold=settings.story_similarity))
    # A feed's records are "path:N"; a whole file is its path.
    source_of = {d.id: d.source if d.source in owner else d.source.rsplit(":", 1)[0] for d in documents}
    taken = {info.name for info in store.stories()}
    plan: dict[str, list[tuple[str, bytes]]] = {}
    placed: set[str] = set()
    for story in stories:
        paths = [source_of[d] for d in story.documents]
        new = [p for p in dict.fromkeys(paths) if p in data_of and p not in placed]
        if not new:
            continue
        stored = Counter(str(owner[p]) for p in paths if owner.get(p))
        name = stored.most_common(1)[0][0] if stored else _new_name(story.label, taken)
        taken.add(name)
        placed.update(new)
        plan.setdefault(name, []).extend(data_of[p] for p in new)
    why: dict[str, str] = {}
    for error in skipped:
        why.setdefault(error.source if error.source in owner else error.source.rsplit(":", 1)[0], error.reason)
    errors = [InputError(data_of[path][0], why[path]) for path in data_of if path not in placed and path in why]
    return [add_to_story(store, name, batch, settings, nlp) for name, batch in sorted(plan.items())], errors


def _new_name(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "story"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name
