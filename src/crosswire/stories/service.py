"""Stories that evolve: add documents to a stored story, re-analyse it, keep each analysis as a version.

This sits outside the core: it reads and writes the store and calls ``analyze``; the CLI and the web
app both use it, so an upload and `crosswire add` do exactly the same thing.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosswire.analysis.cache import Remembering, Reuse
from crosswire.analysis.collector import collect_kept, collecting_less, hand_back, keep_for_good
from crosswire.analysis.pipeline import (
    LocalExecutor,
    Progress,
    analyze,
    load_pipeline,
    prepare,
    warm_cleaning,
)

# (re-exported: the web app draws a version's page with the crosswire version stored with it)
from crosswire.analysis.pipeline import version as version
from crosswire.errors import InputError
from crosswire.models import Dossier, Skipped
from crosswire.output.json import KeptJSON, from_dict
from crosswire.settings import Settings
from crosswire.stages._memo import forget_story, next_round
from crosswire.stages._order import file_of
from crosswire.stages.cluster import ClusterSettings, cluster_stories

# What a story takes in is also the web app's upload check (the web never imports stages): the
# suffixes, re-exported here, and ``refusal``.
from crosswire.stages.ingest import (
    BINARY_SUFFIXES,
    NOT_AN_ARCHIVE,
    SUPPORTED,
    list_files,
    looks_binary,
    printable,
    read_bytes,
    readable_gz,
    suffix_of,
)
from crosswire.stories.diff import VersionChanges, diff
from crosswire.stories.store import Changes, Store, StoredDocument


def load_models(settings: Settings) -> Any:
    """The language pipeline an analysis needs, loaded once by a long-running caller (the web app)."""
    return load_pipeline(settings.spacy_model)


MAX_STORY_NAME = 200  # the web app's limit too: every stored story can be opened in a browser
# A desk's add rebuilds a story whose objects outlive it: young collections (100,000 new containers
# apart, as in any analysis) walked what was about to stay, about 0.2 s an add on a 1,000-article
# story; 300,000 apart, about 0.1 s (measured on that story, 2026-12-05).
DESK_YOUNG = 300_000
THAW_ADDS = 50  # adds between two walks of what a desk keeps (``_keep_story``)


@dataclass(frozen=True, slots=True)
class AddResult:
    story: str
    added: tuple[str, ...]
    version: int | None  # None when every stored document was already analysed
    errors: tuple[Skipped, ...] = ()
    # Stored by an earlier add that was interrupted before its version; analysed in this version.
    resumed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # taken out of the story by this version
    reuse: Reuse = field(default_factory=Reuse)  # annotations read back from the store, and documents parsed
    # The version saved (None when none was: nothing new, or another add saved an analysis of
    # more documents first, and ``version`` is that one's number).
    dossier: Dossier | None = None

    def said(self) -> tuple[Skipped, ...]:
        """The errors an add says: those of the files it added (an input that failed, a copy read
        once) and the copies it read once for one of them. Stored files that an earlier add said
        failed, and that each version lists again, are ``still_failing``: a feed saved again and
        again would repeat a line for every earlier failure at every add."""
        return tuple(e for e in self.errors if self._new(e))

    def still_failing(self) -> tuple[str, ...]:
        """The stored files (by the name ``crosswire remove`` takes) that earlier adds said failed,
        and that still fail: an add says them in one line, with how to take one out."""
        prefix = f"{self.story}/"
        failing = (file_of(e.source) for e in self.errors if e.failed and not self._new(e))
        return tuple(dict.fromkeys(name.removeprefix(prefix) for name in failing))

    def _new(self, error: Skipped) -> bool:
        """Whether ``error`` is of a file this add stored or resumed, or names one of them."""
        added = {f"{self.story}/{name}" for name in (*self.added, *self.resumed)}
        return file_of(error.source) in added or any(name in error.reason for name in added)


def collect_files(paths: Iterable[str], max_bytes: int) -> tuple[list[tuple[str, bytes]], list[InputError]]:
    """Read files (folders walked in name order, link loops not followed) as (file name, bytes); files
    that are unsupported, too large, binary, not regular or unreadable become errors naming the file
    (and are not stored)."""
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
            elif why := refusal(file.name, data):
                errors.append(InputError(printable(file), f"{why}; not stored"))
            else:
                files.append((printable(file.name), data))  # a name that is not UTF-8 keeps its bytes as \xff
    return files, errors


def refusal(name: str, data: bytes) -> str | None:
    """Why a file read whole is not stored in a story (None when it is): it is empty, a .gz that is
    no .warc.gz, or binary though its type is text. `crosswire add`, `watch` and an upload refuse
    these alike: a file stored would fail at every version until taken out."""
    if not data.strip():
        return "the file is empty (or white space only)"
    suffix = printable(Path(name).suffix.lower())
    if not readable_gz(name):
        return NOT_AN_ARCHIVE
    if suffix not in BINARY_SUFFIXES and looks_binary(data):
        return f"looks binary, not a {suffix} text file"
    return None


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
    read_back: bool = False,
) -> AddResult:
    """Store new files in ``story`` and, if the latest version has not analysed every stored document,
    analyse the whole story as a new version.

    Rerunning an add that was killed completes it: the documents it stored are found unanalysed and
    analysed now, even though none of the files is new any more. ``read_back``: keep what the
    version changes even when this process did not store the one before it, by reading that one
    back (``_changes``): for a process that keeps stories open (the web app, ``watch``), not for
    a command that adds once.
    """
    story = check_story_name(story)
    added = store.add_documents(story, files)
    pending = store.unanalysed(story)
    if not pending and not added:  # (a removed document added again is back, though stored long ago)
        return AddResult(story, (), None)
    top = store.top(story)  # (before the documents: a row stored between the reads is not covered)
    documents = store.documents(story)
    if pending:  # (pages to clean: the worker forked to clean them starts warm, here and next time)
        warm_cleaning()
    with collecting_less(DESK_YOUNG):  # (a 1,000-article story's version: a million small objects)
        dossier, reuse = _analyze_documents(store, documents, story, settings, nlp, progress)
        # The analysis covers what it read, not what is stored by the time it is saved: another add
        # may have stored more meanwhile, and those must stay unanalysed for the next add to pick up.
        # It covers the documents taken out up to there too, as a removal's version does: a document
        # taken out and added again keeps its old id, below the newest taken out, and an analysis
        # that covered only the documents it read looked older than the removal's version, unsaved.
        covers = max([top, *(d.id for d in documents)])
        number, saved = _store_version(store, story, dossier, covers, read_back)
    hand_back()  # (a desk's process stays up all day: what the analysis freed goes back to the system)
    resumed = tuple(name for name in pending if name not in added)
    made = tuple(added)
    kept = dossier if saved else None
    return AddResult(story, made, number, dossier.errors, resumed, reuse=reuse, dossier=kept)


def remove_from_story(
    store: Store,
    story: str,
    names: list[str],
    settings: Settings,
    nlp: Any = None,
    progress: Progress | None = None,
    read_back: bool = False,
) -> AddResult:
    """Take documents out of a story and analyse what is left as a new version (earlier versions keep
    them). A document that breaks the analysis, or that should not be there, can always be taken out.
    ``read_back`` as for ``add_to_story``.

    Raises:
        StoreError: no such story, or a name that is not one of its documents.
    """
    story = check_story_name(story)
    removed, covers = store.remove_documents(story, names)
    # What the stages memoised of the documents taken out would stay until their memos fill (a
    # desk's thousands of adds): it is let go with the rest, and this analysis starts afresh. A
    # removal is rare, and its document is often the one too large to keep.
    forget_story()
    with collecting_less(DESK_YOUNG):
        dossier, reuse = _analyze_documents(store, store.documents(story), story, settings, nlp, progress)
        number, saved = _store_version(store, story, dossier, covers, read_back)
    hand_back()
    gone = tuple(removed)
    kept = dossier if saved else None
    return AddResult(story, (), number, dossier.errors, removed=gone, reuse=reuse, dossier=kept)


def _analyze_documents(
    store: Store,
    documents: list[StoredDocument],
    story: str,
    settings: Settings,
    nlp: Any,
    progress: Progress | None,
) -> tuple[Dossier, Reuse]:
    """The dossier of these stored documents, read from memory, with sources named ``story/file``;
    documents annotated before (by this pipeline version) are read back from the store, not parsed."""
    files = [(f"{story}/{Path(document.name).name}", document.data) for document in documents]
    # The stages' memos are kept for the next add to this story, and let go when another story is
    # analysed: a web app that serves many stories holds one story's work, not the last few.
    global _memos_of, _kept_json, _last_saved
    if _memos_of != story:  # (memos are pure: keeping them for a same-named story elsewhere is safe)
        forget_story()
        _kept_json = KeptJSON()
        if _last_saved is not None and _last_saved[0] != story:
            _last_saved = None  # (the other story's dossier is let go with its memos)
        _remembered.clear()  # (and what was read back of it: a French parse would stay otherwise)
        _memos_of = story
        if _adds_kept:  # (the last story's objects: collected once, see ``_keep_story``)
            collect_kept()
    executor = LocalExecutor(nlp, cache=_remembering(store), keep_memos=True)
    return analyze(files, settings, progress=progress, executor=executor), executor.reuse


def _store_version(
    store: Store,
    story: str,
    dossier: Dossier,
    covers: int,
    read_back: bool,
) -> tuple[int, bool]:
    """Store the desk's new version (the JSON of its documents, entities and claims kept from the
    last one, ``KeptJSON``), with what it changed since the story's latest version (``_changes``),
    and keep what the analysis made (``_keep_story``); the version's number, and whether it is this
    dossier's (not when another add saved an analysis of more documents first: its number)."""
    global _last_saved
    written = _kept_json.dumps(dossier, version())
    token = secrets.token_hex(16)
    changes = _changes(store, story, dossier, read_back)
    _last_saved = None  # (until it is stored: a failed save must not stand for the latest version)
    number = store.save_version(story, written, covers, len(dossier.documents), changes, token)
    saved = store.token(story, number) == token
    if saved:
        _last_saved = (story, number, token, dossier)
    _keep_story()
    return number, saved


def latest_dossier(store: Store, story: str) -> Dossier | None:
    """The story's latest version read back (None when it has none), and kept as the one this
    process knows: an add that follows compares its version with it (``_changes``) without
    reading it back again (``crosswire watch`` reads it at start, to say what its first add
    changes)."""
    global _last_saved
    latest = store.latest(story)
    stored = store.version(story, latest[0]) if latest else None  # (that one, whatever comes since)
    if latest is None or stored is None:
        return None
    dossier = from_dict(stored, f"{story} (stored)")
    if latest[1] is not None:  # (a version stored before versions had tokens cannot be named)
        _last_saved = (story, latest[0], latest[1], dossier)
    return dossier


def _changes(store: Store, story: str, dossier: Dossier, read_back: bool) -> Changes | None:
    """What ``dossier`` changes since the story's latest version: against nothing when it has
    none; against the dossier this process stored last when that is the latest (0.07 s to compare
    at 1,000 articles); else, with ``read_back``, against the latest read back from the store
    (about 1.7 s at 1,000 articles: a desk's first add to a story, or its first since it worked on
    another). None otherwise: the versions page works it out when asked. The store keeps it only
    if the version it was worked out against is still the latest (``Store.save_version``)."""
    latest = store.latest(story)
    if latest is None:
        return Changes(0, None, VersionChanges.of(diff(None, dossier)).to_dict())
    number, token = latest
    if _last_saved is not None and _last_saved[:3] == (story, number, token):
        before = _last_saved[3]
    elif read_back and (stored := store.version(story, number)) is not None:
        before = from_dict(stored, f"{story} version {number}")
    else:
        return None
    return Changes(number, token, VersionChanges.of(diff(before, dossier)).to_dict())


def _keep_story() -> None:
    """What the add made is the story this process keeps: out of the garbage collector's sight
    (``keep_for_good``). Every ``THAW_ADDS`` adds, and when another story is analysed, what was
    kept is collected once first (``collect_kept``), so that garbage in reference cycles cannot
    pile up in a process that stays up all day."""
    global _adds_kept
    _adds_kept += 1
    next_round()  # (readings of claims this version no longer holds are let go first)
    if _adds_kept % THAW_ADDS == 0:
        collect_kept()
    keep_for_good()


_remembered: dict[Any, Any] = {}  # what the latest add read back from a store, decoded (``Remembering``)
_memos_of: str | None = None  # the story whose analysis the stages' memos hold
_adds_kept = 0  # adds whose objects were kept out of the collector's sight (``_keep_story``)
_kept_json = KeptJSON()  # the JSON of what the latest version this process stored holds
# The latest version this process stored or read back (``latest_dossier``): its story, number and
# token, and its dossier.
_last_saved: tuple[str, int, str, Dossier] | None = None


def _remembering(store: Store) -> Remembering:
    """``store``, remembering what the latest analysis read back: a long-running process (the web app,
    which opens the store again for each upload) that adds to a story again and again decodes only the
    new documents at each add."""
    return Remembering(store, _remembered)


def add_to_pile(
    store: Store, files: list[tuple[str, bytes]], settings: Settings, nlp: Any = None
) -> tuple[list[AddResult], list[InputError]]:
    """Add files whose story is not given: cluster them with the stored stories' documents; a file
    joins the stored story most of its cluster belongs to, or opens a new story named after its
    cluster's most frequent names. Files that cannot be read as articles are returned as errors.

    Files are read under generated names (``incoming/00003.txt``), so a name with a newline, a colon
    or bytes that are not UTF-8 cannot lose its file on the way back.
    """
    owner: dict[str, str | None] = {}
    named: list[tuple[str, bytes]] = []
    for number, info in enumerate(store.stories()):
        for k, document in enumerate(store.documents(info.name)):
            name = f"stored-{number}/{k:05d}{suffix_of(document.name)}"
            named.append((name, document.data))
            owner[name] = info.name
    data_of: dict[str, tuple[str, bytes]] = {}
    for index, (original, data) in enumerate(files):
        name = f"incoming/{index:05d}{suffix_of(original)}"
        named.append((name, data))
        owner[name] = None
        data_of[name] = (original, data)
    # (copies of stored articles are kept here: a feed saved again goes where its entries are)
    documents, skipped = prepare(named, settings, None, {}, store, copies_once=False)
    stories = cluster_stories(documents, ClusterSettings(threshold=settings.story_similarity))
    # A feed's records are "name:N"; a whole file is its name.
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
