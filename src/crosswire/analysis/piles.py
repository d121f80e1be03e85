"""Piles: a mixed pile of articles sorted into stories, each story annotated, reconciled and handed
on as soon as it is done, holding no pile's worth of text or parses (``iter_stories``).

The stages are ``pipeline``'s; what differs is the flow: inputs are read and cleaned a chunk at a
time into a temporary file (``Spill``), stories are found from each document's clustering features,
and documents come back from the file a batch of stories at a time, each batch analysed in a process
of its own.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from array import array
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import IO, Any

from scipy import sparse

from crosswire.analysis.cache import AnnotationStore
from crosswire.analysis.collector import collecting_less, hand_back
from crosswire.analysis.outlets import PileOutlets
from crosswire.analysis.pipeline import (
    Executor,
    LocalExecutor,
    Progress,
    Sources,
    clean_all,
    cleaning_workers,
    load_pipeline,
    no_progress,
    pipeline_for,
    read_sources,
    warm_cleaning,
    warm_date_search,
)
from crosswire.analysis.reconcile import (
    left_out,
    process_died,
    story_failed,
    warm_reconciliation,
)
from crosswire.analysis.spill import Spill
from crosswire.analysis.workers import ProcessDied, can_stop, describe, run_apart, stream_apart
from crosswire.errors import CrosswireError
from crosswire.models import Annotated, Document, Dossier, RawDocument, Skipped
from crosswire.settings import Settings
from crosswire.stages import _langid as langid
from crosswire.stages._memo import forget_story
from crosswire.stages._order import content_key, said_once
from crosswire.stages.cluster import (
    ClusterSettings,
    Frequencies,
    Runner,
    StoryCluster,
    StoryFeatures,
    cluster_features,
    story_features,
    story_label,
)
from crosswire.stages.ingest import folder_names

PILE_CHUNK = 500  # inputs read and cleaned at a time


def analyze_stories(
    sources: Sources,
    settings: Settings | None = None,
    nlp: Any = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> list[tuple[StoryCluster, Dossier]]:
    """Sort a mixed pile into stories (online, by publication time) and reconcile each one: every
    story of ``iter_stories``, in a list."""
    return list(iter_stories(sources, settings, nlp, progress, executor))


def iter_stories(
    sources: Sources,
    settings: Settings | None = None,
    nlp: Any = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Iterator[tuple[StoryCluster, Dossier]]:
    """Sort a mixed pile into stories and yield each with its dossier as soon as it is reconciled.

    Stories are annotated a batch at a time (consecutive stories holding at most
    ``executor.batch_documents`` documents, or one larger story), and reconciled one at a time (with
    the local engine), each story's parses let go once its dossier is handed on. With the local
    engine and no cache, each batch is analysed in a process of its own, which sends each dossier
    back as it is done and ends with the batch: what a batch's analysis leaves in memory (the C
    heap's scattered free memory, the encoder's buffers) goes back to the system with it, so this
    process does not grow batch after batch; the spaCy pipelines and the words' weights are loaded
    here once and shared. Cleaned
    documents wait in a temporary file (``Spill``) until their batch, with their clustering counts
    and outlets as grouped, and so do the stories found (their documents' ids). The pile is read in
    a process of its own and sorted into stories in another (the local engine without a cache:
    ``_sort_apart``), so that what that work left in memory goes back to the system; this process
    then holds each story's size and one batch's analysis. Inputs that could not be read are
    listed once, in the first story's ``errors``; a document that could not be annotated, in its own
    story's. A pile of inputs none of which could be analysed gives one story with no documents, whose
    dossier's ``errors`` say why (as ``analyze`` gives an empty dossier)."""
    settings = settings or Settings()
    executor = executor or LocalExecutor(nlp)
    with Spill() as spill:
        if isinstance(executor, LocalExecutor) and executor.cache is None:
            with spill.handed_over() as path:  # (read, then sorted, each in a process of its own)
                errors = _sort_apart(sources, settings, progress, path)
        else:  # (a cache's connection, or Ray's, is this process's: sorted here)
            errors = _sort_pile(sources, settings, progress, executor.cache, spill, executor.map)
        sizes = spill.story_sizes()
        if not sizes:  # nothing could be analysed: one story of no documents says why, as analyze does
            if errors:
                empty = next(executor.reconcile_stories([([], errors)], settings, {}))
                yield StoryCluster("story-0001", (), ""), empty
            return
        batches = _story_batches(sizes, executor.batch_documents)
        # The local engine without a cache analyses each batch in a process of its own (below).
        apart = executor if isinstance(executor, LocalExecutor) else None
        if apart is not None and (apart.cache is not None or not can_stop()):
            apart = None  # (a cache's connection is this process's; no fork, no process apart)
        if apart is not None and apart.nlp is None:  # (loaded once, shared by each batch's process)
            apart = executor = replace(apart, nlp=load_pipeline(settings.spacy_model))
        bar = progress or no_progress
        for number, (first, end) in enumerate(
            bar(batches, "annotate and reconcile (batches of stories)", len(batches))
        ):
            batch = [
                StoryCluster(f"story-{first + n + 1:04d}", ids, "") for n, ids in enumerate(spill.stories(first, end))
            ]
            members = spill.take([doc_id for story in batch for doc_id in story.documents])
            by_id = {d.id: d for d in members}
            batch = [replace(s, label=story_label([by_id[i] for i in s.documents if i in by_id])) for s in batch]
            source_of = {d.id: d.source for d in members}
            first_errors = errors if number == 0 else []
            work = (executor, batch, members, first_errors, settings)
            if apart is not None:  # (what the batch's work leaves in memory goes with its process)
                languages = {d.language for d in members}
                for language in languages:  # (loaded once, here, and shared)
                    pipeline_for(language, apart.nlp)
                warm_reconciliation(languages)
                dossiers = stream_apart(_batch_dossiers, *work)
            else:
                dossiers = _batch_dossiers(*work)
            del members, by_id, work
            with contextlib.closing(dossiers):
                yield from _each_or_why(batch, dossiers, source_of, first_errors, settings)
            hand_back()  # (what the batch freed here, the dossiers read back or the whole analysis)


def _each_or_why(
    batch: Sequence[StoryCluster],
    dossiers: Iterator[Dossier],
    source_of: dict[str, str],
    errors: Sequence[Skipped],
    settings: Settings,
) -> Iterator[tuple[StoryCluster, Dossier]]:
    """Each story of a batch with its dossier. If the process analysing the batch dies (out of
    memory, a crash in native code), the stories it had not finished come out with dossiers of no
    documents whose errors name each of their documents (``source_of``: by id) and say why, and the
    pile goes on with the next batch. ``errors``: the batch's first story's own (the inputs that
    could not be read)."""
    done = 0
    try:
        for dossier in dossiers:
            yield batch[done], dossier
            done += 1
    except ProcessDied as died:
        why = process_died(str(died))
        for n, story in enumerate(batch[done:], done):
            sources = [source_of[i] for i in story.documents if i in source_of]
            yield story, left_out(sources, why, errors if n == 0 else (), settings)
        return
    if done != len(batch):
        raise RuntimeError(f"a batch of {len(batch)} stories gave {done} dossiers")


def _batch_dossiers(
    executor: Executor,
    batch: Sequence[StoryCluster],
    members: list[Document],
    errors: Sequence[Skipped],
    settings: Settings,
) -> Generator[Dossier, None, None]:
    """Each story's dossier of one batch, in order: its documents (``members``) annotated together,
    and each story reconciled (with the local engine, one at a time). ``errors`` (the inputs that
    could not be read) go to the first story's; a document that could not be annotated, to its own
    story's. A story whose reconciliation fails (even leaving each document out in turn: see
    ``reconcile``) comes out with a dossier of no documents whose errors name each of its documents
    and why, and the batch goes on (on Ray, a batch of several stories gets that dossier from the
    story's task: ``engine_ray``)."""
    failed: list[Skipped] = []
    annotated = {a.document.id: a for a in executor.annotate(members, settings, None, {}, failed)}
    story_of = {doc_id: n for n, story in enumerate(batch) for doc_id in story.documents}
    source_story = {d.source: story_of[d.id] for d in members}
    failures: list[list[Skipped]] = [[] for _ in batch]
    failures[0].extend(errors)
    for failure in failed:
        failures[source_story.get(failure.source, 0)].append(failure)
    members.clear()  # (the batch's text, let go once annotated)
    # Each story's parses leave ``annotated`` as it is reconciled (with the local engine, one story
    # at a time): the batch holds fewer and fewer, and one dossier at a time.

    def parses(story: StoryCluster) -> list[Annotated]:
        return [annotated.pop(i) for i in story.documents if i in annotated]

    here = ((parses(story), failures[n]) for n, story in enumerate(batch))
    if not isinstance(executor, LocalExecutor) and len(batch) > 1:  # (Ray: each story a task)
        yield from executor.reconcile_stories(here, settings, {})
        return
    for parsed, story_errors in here:
        try:
            dossier = next(executor.reconcile_stories([(parsed, story_errors)], settings, {}))
        except CrosswireError:
            raise  # (a setting or an input to mend: the whole run stops, as it says why)
        except Exception as exc:  # noqa: BLE001 (one story's failure must not end the pile)
            why = story_failed(describe(exc))
            dossier = left_out([a.document.source for a in parsed], why, story_errors, settings)
        del parsed, story_errors  # (the story's parses are not held while its dossier is handed on)
        yield dossier


def _sort_pile(
    sources: Sources,
    settings: Settings,
    progress: Progress | None,
    cache: AnnotationStore | None,
    spill: Spill,
    run: Runner | None = None,
) -> list[Skipped]:
    """Read, clean and sort a pile into stories (``_prepare_pile``, ``cluster_features``), kept in
    ``spill`` (``Spill.stories``); returns the inputs that could not be read, cleaned or read in their
    language."""
    with collecting_less():
        kept, errors = _prepare_pile(sources, settings, progress, cache, spill)
        _find_stories(kept.read(), settings, spill, run)
    return errors


def _find_stories(
    features: SpilledFeatures,
    settings: Settings,
    spill: Spill,
    run: Runner | None = None,
) -> None:
    """The pile's stories (``cluster_features``), kept in ``spill``."""
    found = cluster_features(features, ClusterSettings(threshold=settings.story_similarity), run)
    spill.put_stories(found)


def _sort_apart(
    sources: Sources,
    settings: Settings,
    progress: Progress | None,
    path: Path,
) -> list[Skipped]:
    """``_sort_pile`` into the spill file at ``path``, the pile read in one process of its own and
    sorted into stories in another (``_read_into_file``, ``_stories_into_file``).

    What reading and sorting a pile leaves in memory grows with it: memory freed among objects that
    live on (the documents come back from the cleaning processes), and the C heap left by the
    stories' totals while they are clustered. In processes of their own, all of it goes back to the
    system once the stories are found, before any is parsed. Finding the stories, the phase that
    grows with their number, starts from this process's memory: not from the reading's, which holds
    what its cleaning workers were forked to share."""
    counted, errors = run_apart(_read_into_file, sources, settings, progress, path)
    run_apart(_stories_into_file, counted, settings, path)
    return errors


def _read_into_file(
    sources: Sources, settings: Settings, progress: Progress | None, path: Path
) -> tuple[Frequencies, list[Skipped]]:
    """``_prepare_pile`` into the spill file at ``path``: the pile's frequencies and the inputs that
    could not be read, cleaned or read in their language (its features are in the file).

    The cleaning workers are forked from this process after it has cleaned a small page
    (``warm_cleaning``) and loaded what htmldate's date search reads a page with
    (``warm_date_search``), so that they share the language identifier's model (about 73 MB) and
    dateparser's locales (about 36 MB) instead of each loading its own."""
    warm_cleaning()
    warm_date_search()
    with Spill(path) as spill, collecting_less():
        kept, errors = _prepare_pile(sources, settings, progress, None, spill)
        return kept.counted, errors


def _stories_into_file(counted: Frequencies, settings: Settings, path: Path) -> None:
    """``_find_stories`` of the pile read into the spill file at ``path`` (``_read_into_file``),
    whose frequencies are ``counted``."""
    with Spill(path) as spill, collecting_less():
        _find_stories(PileFeatures(spill, counted).read(), settings, spill)


def _prepare_pile(
    sources: Sources,
    settings: Settings,
    progress: Progress | None,
    cache: AnnotationStore | None,
    spill: Spill,
) -> tuple[PileFeatures, list[Skipped]]:
    """``prepare`` for a pile sorted into stories, holding no pile's worth of text nor of outlet facts:
    inputs are read and cleaned ``PILE_CHUNK`` at a time, each cleaned document, its clustering counts
    and keys go to ``spill``, and its outlet facts to a ``PileOutlets`` file, where outlets are grouped
    across the pile as ``prepare`` groups them; ``spill`` gives each document back with its outlet as
    grouped. What stays in memory while the pile is read is the pile's word frequencies; each
    document's id and day are read back once it is read, and the publication order is sorted in the
    file. Returns the features of the documents in a language read here (``PileFeatures.read`` gives
    them), and the inputs that could not be read, cleaned or read in their language (in
    ``prepare``'s order)."""
    bar = progress or no_progress
    read_errors: list[Skipped] = []
    clean_errors: list[Skipped] = []
    again: list[tuple[str, str]] = []  # the copies left out, by source, and the sources read
    kept = PileFeatures(spill)
    given = spill.given_ids()  # (as many as the pile's inputs: in the file, not in memory)
    inputs = read_sources(sources, settings.max_file_bytes, given, _listed_apart)
    stream = iter(bar(inputs, "read and clean", None))
    with PileOutlets() as outlets:
        with cleaning_workers(settings) as workers:  # (warmed up once for the pile, not once a chunk)
            if cache is None:  # (with a cache, a pile's pages may all be read back: none to clean)
                # Forked before the first chunk is read: each worker ends up with a private copy
                # of every page this process writes to after the fork, and the chunks' pages are
                # written over again and again. (The folder is walked in a process of its own.)
                workers.start()
            while chunk := list(itertools.islice(stream, PILE_CHUNK)):
                raws = [item for item in chunk if isinstance(item, RawDocument)]
                read_errors += [item for item in chunk if isinstance(item, Skipped)]
                cleaned = clean_all(raws, settings, clean_errors, no_progress, cache, workers)
                cleaned = _once(cleaned, spill, again)
                spill.put(cleaned)
                outlets.add(cleaned, kept.put(story_features(cleaned)))
                # The C heap keeps what a chunk's work freed unless it is handed back, and
                # what it kept grew with the pile: 13 MB more over 22,000 documents read
                # without this than with it (a script outside the repository). The chunk's
                # inputs are let go first.
                del chunk, raws, cleaned
                hand_back()
        langid.let_go()  # (if loaded here: finding stories, here or in another process, needs none)
        respelled: dict[str, str | None] = {}
        grouped = outlets.grouped()
        while pairs := list(itertools.islice(grouped, PILE_CHUNK)):
            spill.put_outlets([after for _, after in pairs])
            respelled.update((after.id, after.outlet) for before, after in pairs if after.outlet != before.outlet)
        unread = outlets.not_read()
    # The documents whose outlet was respelled, and those they were made from, are memoised for a
    # desk's next add (``facts._respelled``: up to ``DOCUMENT_MEMO_SIZE`` of them, so more in a larger
    # pile, about 7 MB at 10,000 articles): a pile's reading needs none of them any more. This
    # empties every story memo of the process (memos only save work: nothing else changes).
    forget_story()
    # Clustering's canonical order hashes the outlet as grouped: the few documents whose outlet was
    # respelled are read back for their new hash.
    spill.rekey({d.id: content_key(replace(d, outlet=respelled[d.id])) for d in spill.peek(list(respelled))})
    kept.drop([doc_id for doc_id, _ in unread])
    return kept, read_errors + clean_errors + said_once(again) + [error for _, error in unread]


def _once(cleaned: list[Document], spill: Spill, again: list[tuple[str, str]]) -> list[Document]:
    """A chunk's documents without the copies of documents read before (in it, or kept in
    ``spill``), as ``prepare`` leaves them out (``read_once``): before outlets are grouped, the
    first read kept (files held in memory are read in name order: ``prepare`` keeps the first in
    the order given). Each copy left out, and what was read, go to ``again`` by source."""
    keys = [content_key(d) for d in cleaned]
    before = spill.first_with(keys)
    sources = {d.id: d.source for d in spill.peek(sorted(set(before.values())))}
    first: dict[str, str] = {key: sources[doc_id] for key, doc_id in before.items()}
    kept = []
    for document, key in zip(cleaned, keys, strict=True):
        if key in first:
            again.append((document.source, first[key]))
        else:
            first[key] = document.source
            kept.append(document)
    return kept


def _listed_apart(folder: Path) -> tuple[Iterator[str], list[Skipped]]:
    """``ingest.folder_names``, walked in a process of its own: what a walk leaves grows with it."""
    # (7 MB at 100,000 files after the C heap was handed back, which the reading process kept.)
    names = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _names_from, or below on failure)
    try:
        problems = run_apart(_names_into, folder, names.fileno())  # (written through it)
        names.seek(0)
    except BaseException:
        names.close()
        raise
    return _names_from(names), problems


def _names_into(folder: Path, descriptor: int) -> list[Skipped]:
    """The folder's names written to ``descriptor``, each followed by NUL; its problems returned."""
    files, problems = folder_names(folder)
    with open(descriptor, "wb", closefd=False) as out:
        for name in files:
            out.write(os.fsencode(name) + b"\0")  # (no name holds NUL)
    return problems


def _names_from(names: IO[bytes]) -> Iterator[str]:
    """The names ``_names_into`` wrote to ``names``, one by one; the file is closed at the end."""
    with names:
        rest = b""
        while block := names.read(1 << 16):
            *whole, rest = (rest + block).split(b"\0")
            yield from map(os.fsdecode, whole)


class PileFeatures:
    """A pile's clustering features as it is read, kept in the spill: each document's counts and keys
    go to the file, and only the pile's frequencies (a running total) stay here until ``read``.

    Held in memory as the pile is read, the keys (a few hundred bytes a document) would be scattered
    among the memory of the documents passing through, which Python could then not hand back. At the
    end only ids and days are read back, together; the dates and content hashes stay in the file,
    which sorts the publication order."""

    def __init__(self, spill: Spill, counted: Frequencies | None = None) -> None:
        """The features kept in ``spill``; ``counted``: the pile's frequencies so far (none if not
        given: a pile about to be read)."""
        self.spill = spill
        nothing = story_features(())
        self.counted = nothing.frequencies() if counted is None else counted
        self.columns = nothing.words.shape[1]

    def put(self, features: StoryFeatures) -> tuple[str, ...]:
        """Keep ``features``' counts and keys; their content hashes are returned."""
        self.spill.put_counts(features.ids, features.words, features.names)
        self.spill.put_keys(features.ids, features.dates, features.days, features.keys)
        self.counted = self.counted + features.frequencies()
        return features.keys

    def drop(self, ids: Sequence[str]) -> None:
        """Leave these documents out (their counts taken out of the pile's frequencies)."""
        dropped = self.spill.keys_among(ids)
        if dropped:
            self.counted = self.counted - Frequencies.of(*self.spill.counts(dropped, self.columns))
            self.spill.drop_keys(dropped)

    def read(self) -> SpilledFeatures:
        """The features of the documents kept, in the order they came: ids and days read back into
        memory, the publication order sorted in the file."""
        ids, days = self.spill.ids_and_days()
        order, dated = self.spill.publication_order()
        return SpilledFeatures(ids, days, order, dated, self.counted, self.spill, self.columns)


@dataclass(frozen=True, slots=True)
class SpilledFeatures:
    """A pile's clustering features (see ``cluster.FeatureSource``) with the counts kept in the spill:
    memory holds each document's id and day, the publication order (sorted in the file), and the
    pile's frequencies; a partition's counts are read back when it is clustered."""

    ids: tuple[str, ...]
    days: tuple[date | None, ...]
    ordered: array[int]
    dated: int
    counted: Frequencies
    spill: Spill
    columns: int

    def __len__(self) -> int:
        return len(self.ids)

    def order(self) -> tuple[array[int], int]:
        return self.ordered, self.dated

    def rows(self, rows: Sequence[int]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        return self.spill.counts([self.ids[r] for r in rows], self.columns)

    def frequencies(self) -> Frequencies:
        return self.counted


def _story_batches(sizes: Sequence[int], documents: int) -> list[tuple[int, int]]:
    """Consecutive stories (by number, from their ``sizes``) in batches of at most ``documents``
    documents, or of one story that holds more: each batch's first story and the one after its last.
    (A batch of at least ``documents`` held up to a story's size more, so piles of larger stories
    parsed larger batches.)"""
    batches: list[tuple[int, int]] = []
    first, size = 0, 0
    for number, story_size in enumerate(sizes):
        if size + story_size > documents and number > first:
            batches.append((first, number))
            first, size = number, 0
        size += story_size
    if first < len(sizes):
        batches.append((first, len(sizes)))
    return batches
