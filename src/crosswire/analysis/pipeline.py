"""The pipeline: ingest → clean → annotate → resolve → reconcile → report, in that order.

``analyze`` is a loop over the stages; each stage is a function of plain data. Inputs that cannot be
analysed become ``Skipped`` entries with the file and the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any, Protocol, TypeVar

from crosswire.analysis.cache import (
    AnnotationStore,
    KeptVectors,
    Reuse,
    decode,
    decode_document,
    document_hash,
    for_document,
    keep,
    pipeline_version,
    raw_hash,
    read_kept,
    vector_version,
)
from crosswire.analysis.collector import collecting_less
from crosswire.analysis.languages import OTHER_PIPELINES, in_languages_read, model_for
from crosswire.analysis.reconcile import reconcile
from crosswire.analysis.workers import Outcome, Workers, internal_failure, run_budgeted
from crosswire.errors import ConfigError, InputError
from crosswire.models import Annotated, Document, Dossier, RawDocument, Skipped
from crosswire.settings import DEFAULTS, Settings
from crosswire.stages._encoder import VectorMemo
from crosswire.stages._order import canonical_order, file_of, read_once
from crosswire.stages.annotate import annotate
from crosswire.stages.clean import clean
from crosswire.stages.facts import document_facts, same_outlets
from crosswire.stages.ingest import Listing, Taken, read, read_named, unique_ids

Progress = Callable[[Iterable[Any], str, int | None], Iterable[Any]]
# Below this many words a second worker process costs more than it saves.
PARALLEL_MIN_WORDS = 20_000
# Below this many pages to clean, a second cleaning process costs more than it saves (each one warms up
# its own date and language readers: about 1-2 s of a cold pile's cleaning).
PARALLEL_MIN_PAGES = 100
# Short documents are parsed a few at a time, up to one spaCy batch of paragraphs and this many words
# (about a second's parse: far inside the time budget of one document).
GROUP_WORDS = 4_000
GROUP_BUDGET = 0.25  # a group's share of one document's time budget; one that overruns is run one by one
GROUP_BUDGET_FLOOR = 10.0  # seconds: a group's budget is never cut below this (nor above the whole budget)


# What an analysis reads: paths (files, folders, "-" for stdin), or files in memory as (name, bytes).
Sources = Sequence[str] | Sequence[tuple[str, bytes]]
# A story's parsed documents, and what could not be read.
Story = tuple[list[Annotated], list[Skipped]]


def matching_status(settings: Settings) -> str:
    """How claims are matched here: by meaning (which encoder) or by wording only, and why."""
    from crosswire.stages._combiner import COMBINER_FILE, load_combiner
    from crosswire.stages._encoder import load_encoder

    encoder, reason = load_encoder(settings.claim_encoder)
    if encoder is None:
        return f"by wording only: encoder {reason}"
    if load_combiner() is None:
        return f"by wording only: {COMBINER_FILE} is missing or out of date (benchmarks/train_claim_combiner.py)"
    return f"by meaning ({encoder.name} + learned combiner)"


def version() -> str:
    try:
        return metadata.version("crosswire")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def load_pipeline(name: str) -> Any:
    """Load the spaCy pipeline once; the caller passes it to ``analyze``.

    Raises:
        ConfigError: the model package is not installed, with the command that installs it.
    """
    import spacy

    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {name!r} is not installed. Install it with "
            f"'pip install {name.replace('_', '-')}' (or set spacy_model to an installed pipeline)."
        ) from exc
    parser: Any = nlp.get_pipe("parser") if "parser" in nlp.pipe_names else None
    if parser is not None and "nsubj:pass" in parser.labels:
        from crosswire.stages import _ud

        _ud.add_to(nlp)  # a Universal Dependencies parse (French): put in the English rules' scheme
    return nlp


@functools.cache
def _other_pipeline(model: str) -> Any:
    return load_pipeline(model)


def pipeline_for(language: str, english: Any) -> Any:
    """The loaded pipeline that reads ``language``: ``english`` for English, another loaded once."""
    return _other_pipeline(OTHER_PIPELINES[language][0]) if language in OTHER_PIPELINES else english


def annotate_by_language(documents: Sequence[Document], english: Any, batch_size: int) -> list[Annotated]:
    """``annotate`` with each document read by its own language's pipeline, in the order given."""
    found: dict[int, Annotated] = {}
    languages = sorted({d.language for d in documents})
    for language in languages:
        group = [(i, d) for i, d in enumerate(documents) if d.language == language]
        done = annotate([d for _, d in group], pipeline_for(language, english), batch_size)
        found.update((i, a) for (i, _), a in zip(group, done, strict=True))
    return [found[i] for i in range(len(documents))]


def no_progress(items: Iterable[Any], label: str, total: int | None) -> Iterable[Any]:
    return items


Item = TypeVar("Item")
Value = TypeVar("Value")


class Executor(Protocol):
    """Where the two heavy steps run: annotation (per document) and reconciliation (per story). The
    local executor runs them in this process and a pool of worker processes; ``engine_ray.RayExecutor``
    on a Ray cluster. ``analyze`` and ``analyze_stories`` are the one orchestration both share.
    ``cache``: where cleaned documents, parses and sentence vectors are kept between analyses (None:
    nowhere)."""

    cache: AnnotationStore | None
    # The most documents a batch of stories holds when a pile is streamed (``iter_stories``); a
    # larger story is a batch of its own.
    batch_documents: int

    def annotate(
        self,
        documents: list[Document],
        settings: Settings,
        progress: Progress | None,
        timings: dict[str, float],
        errors: list[Skipped],
    ) -> list[Annotated]: ...

    def reconcile_stories(
        self, stories: Iterable[Story], settings: Settings, timings: dict[str, float]
    ) -> Iterator[Dossier]:
        """Each story's dossier, in order. ``stories`` may be made one at a time as it is read, so
        that a story's parses are made (or kept) only until its dossier is handed on."""
        ...

    def map(self, function: Callable[[Item], Value], items: Iterable[Item]) -> list[Value]:
        """``function`` (pure, importable) on each item, in order: story clustering's partitions
        (made one at a time as ``items`` is read)."""
        ...


@dataclass
class LocalExecutor:
    """This machine: annotation in worker processes under a time budget per document, stories one by
    one. With ``cache``, a document annotated before (same content, same pipeline version) is read
    back instead of parsed again; ``reuse`` counts what was read and what was parsed."""

    nlp: Any = None  # a loaded spaCy pipeline (loaded from ``settings.spacy_model`` when None)
    cache: AnnotationStore | None = None
    batch_documents: int = 400  # enough for the worker processes to share, a few hundred MB of parses
    reuse: Reuse = field(default_factory=Reuse)
    # A process that keeps a story open and reconciles it again at each add: the stages' memos of
    # sentences outlive one reconciliation (``reconcile``'s ``keep_memos``).
    keep_memos: bool = False

    def annotate(
        self,
        documents: list[Document],
        settings: Settings,
        progress: Progress | None,
        timings: dict[str, float],
        errors: list[Skipped],
    ) -> list[Annotated]:
        def parse(todo: list[Document]) -> list[Annotated]:
            return annotate_all(todo, settings, self.nlp, progress, timings, errors)

        if self.cache is None:
            return parse(documents)
        found, self.reuse = annotate_cached(documents, settings, self.cache, parse, timings)
        return found

    def reconcile_stories(
        self, stories: Iterable[Story], settings: Settings, timings: dict[str, float]
    ) -> Iterator[Dossier]:
        vectors = kept_vectors(self.cache, settings)
        for members, errors in stories:  # (one at a time: each story's parses go once it is done)
            dossier = reconcile(members, errors, settings, timings, vectors, self.keep_memos)
            del members, errors  # (not held while the caller writes the dossier)
            yield dossier

    def map(self, function: Callable[[Item], Value], items: Iterable[Item]) -> list[Value]:
        return [function(item) for item in items]  # one item made and done at a time


def annotate_cached(
    documents: list[Document],
    settings: Settings,
    cache: AnnotationStore,
    parse: Callable[[list[Document]], list[Annotated]],
    timings: dict[str, float],
) -> tuple[list[Annotated], Reuse]:
    """Annotations of ``documents``: read back from ``cache`` where kept (same content, same pipeline
    version), the others made by ``parse`` and kept. Both executors annotate through this."""
    mark = time.perf_counter()
    keys = {d.id: document_hash(d) for d in documents}
    # Each language's parses are kept under its own pipeline's version.
    versions = {d.id: pipeline_version(model_for(d.language, settings.spacy_model)) for d in documents}
    found, stale = {}, set()
    for version in sorted(set(versions.values())):
        kept, old = read_kept(cache, {keys[d.id] for d in documents if versions[d.id] == version}, version, decode)
        stale |= old
        for document in (d for d in documents if versions[d.id] == version):
            if keys[document.id] in kept:  # (a damaged entry is not: it is parsed again)
                found[document.id] = for_document(kept[keys[document.id]], document)
    todo = [d for d in documents if d.id not in found]
    timings["annotations read"] = time.perf_counter() - mark
    if todo:
        fresh = parse(todo)
        for version in sorted({versions[a.document.id] for a in fresh}):
            keep(cache, {keys[a.document.id]: a for a in fresh if versions[a.document.id] == version}, version, decode)
        found.update((a.document.id, a) for a in fresh)
    reuse = Reuse(len(documents) - len(todo), len(todo), len({keys[d.id] for d in todo} & stale))
    return [found[d.id] for d in documents if d.id in found], reuse


def kept_vectors(cache: AnnotationStore | None, settings: Settings) -> VectorMemo | None:
    """The claim encoder's vectors kept in ``cache`` (None without a cache)."""
    if cache is None:
        return None
    return KeptVectors(cache, vector_version(), settings.claim_encoder)


def analyze(
    sources: Sources,
    settings: Settings | None = None,
    nlp: Any = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> Dossier:
    """Analyse articles about one story into a dossier.

    Args:
        sources: file paths, folder paths, or '-' for standard input; or files held in memory as
            (name, bytes) pairs, the name giving the format and the source (a stored story's files).
        settings: crosswire settings (defaults when None).
        nlp: a loaded spaCy pipeline (loaded from ``settings.spacy_model`` when None).
        progress: optional wrapper ``(iterable, label, total) -> iterable`` for progress bars.
        executor: where annotation and reconciliation run (this machine when None; see ``Executor``).
    """
    settings = settings or Settings()
    executor = executor or LocalExecutor(nlp)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with collecting_less():
        documents, errors = prepare(sources, settings, progress, timings, executor.cache)
        documents = in_languages_read(documents, errors)
        annotated = executor.annotate(documents, settings, progress, timings, errors)
        dossier = next(executor.reconcile_stories([(annotated, errors)], settings, timings))
    timings["total"] = time.perf_counter() - started
    return replace(dossier, stats={**dossier.stats, **timings})


def read_sources(
    sources: Sources,
    max_bytes: int,
    taken: Taken | None = None,
    listing: Listing | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Every input, read lazily: the paths first (files, folders, "-"), then the files held in memory,
    document ids unique across both ("a.txt" on disk and "a.txt" in memory: "a" and "a-2"). The ids
    given are kept in ``taken`` (``unique_ids``); with both kinds of input, each kind's are kept in
    memory too. ``listing``: how folders are walked (``ingest.read``)."""
    named = [s for s in sources if isinstance(s, tuple)]
    paths = [s for s in sources if isinstance(s, str)]
    if not (named and paths):  # (ids one reader made unique stay as they are)
        if named:
            return read_named(named, max_bytes, taken)
        return read(paths, max_bytes, taken, listing)
    both = itertools.chain(read(paths, max_bytes, listing=listing), read_named(named, max_bytes))
    return unique_ids(both, taken)


def prepare(
    sources: Sources,
    settings: Settings,
    progress: Progress | None,
    timings: dict[str, float],
    cache: AnnotationStore | None = None,
    copies_once: bool = True,
) -> tuple[list[Document], list[Skipped]]:
    """Ingest and clean every source; what cannot be read becomes a ``Skipped`` entry. With ``cache``,
    an input cleaned before (the same bytes, setting and pipeline version) is read back, not cleaned.
    Without ``copies_once``, articles alike in every field are all kept.

    Documents come back in a canonical order (by a hash of their content), so nothing after this
    depends on the order of the sources or the names of their files. An article alike in every
    field to another is read once, the first given (``read_once``: which name a copy is read under
    is all that order decides), and the errors say so."""
    mark = time.perf_counter()
    bar = progress or no_progress
    raws: list[RawDocument] = []
    errors: list[Skipped] = []
    for item in read_sources(sources, settings.max_file_bytes):
        (raws if isinstance(item, RawDocument) else errors).append(item)  # type: ignore[arg-type]
    cleaned = clean_all(raws, settings, errors, bar, cache)
    if copies_once:  # (before outlets are grouped: a copy left out has no say in them)
        cleaned, again = read_once(cleaned, _given(sources, cleaned))
        errors += again
    documents = same_outlets(canonical_order(cleaned))
    timings["ingest+clean"] = time.perf_counter() - mark
    return documents, errors


def _given(sources: Sources, documents: Sequence[Document]) -> dict[str, int]:
    """Each document's place among the inputs as given (of copies, the first is read: see
    ``read_once``): files held in memory by their place in ``sources`` (a story's files, in the
    order they were stored), after the paths, which are read in order; then as read."""
    named = {source[0]: n for n, source in enumerate(sources) if isinstance(source, tuple)}

    def place(n: int) -> tuple[int, int]:
        source = documents[n].source  # (a feed's records are "name:N")
        return named.get(source, named.get(file_of(source), -1)), n

    ordered = sorted(range(len(documents)), key=place)
    return {documents[n].id: rank for rank, n in enumerate(ordered)}


def annotate_all(
    documents: list[Document],
    settings: Settings,
    nlp: Any,
    progress: Progress | None,
    timings: dict[str, float],
    errors: list[Skipped] | None = None,
) -> list[Annotated]:
    """Parse and annotate documents in worker processes under the time budget for one document
    (``settings.document_seconds``); large inputs use several workers.

    Short documents go to a worker a few at a time (``parse_groups``): spaCy parses a document's few
    paragraphs faster in one batch with its neighbours' than alone, and a document's analysis does not
    depend on what it was parsed beside. A group that fails, overruns the budget or kills its worker is
    run again one document at a time, so a document whose annotation fails is left out alone and
    listed in ``errors`` with the reason (in the documents' order); the others go on. A group has
    ``GROUP_BUDGET`` of the budget (about ten times what its words take), or all of it when that would
    be under ``GROUP_BUDGET_FLOOR``, so a short pathological document costs at most that much more
    before it is left out. Without ``errors`` the first such document raises, once all have run.

    Raises:
        InputError: a document could not be annotated and ``errors`` was not given.
    """
    mark = time.perf_counter()
    nlp = nlp if nlp is not None else load_pipeline(settings.spacy_model)
    for language in {d.language for d in documents}:
        pipeline_for(language, nlp)  # loaded before the workers fork, so they share it
    timings["model load"] = time.perf_counter() - mark
    mark = time.perf_counter()
    workers = settings.workers or os.cpu_count() or 1
    if sum(len(d.body.split()) for d in documents) < PARALLEL_MIN_WORDS:
        workers = 1
    workers = max(1, min(workers, len(documents)))
    job = functools.partial(_annotate_documents, nlp=nlp, batch_size=settings.batch_size)
    found: dict[int, Annotated] = {}
    failed: dict[int, Outcome[Any]] = {}

    def each_document() -> Iterator[int]:
        """Annotates every document (into ``found`` or ``failed``), yielding one index as each is done."""
        groups = parse_groups(documents, settings.batch_size, workers)
        alone: list[int] = []
        items = [tuple(documents[i] for i in group) for group in groups]
        seconds = settings.document_seconds
        shared = min(seconds, max(seconds * GROUP_BUDGET, GROUP_BUDGET_FLOOR))
        budgets = [seconds if len(group) == 1 else shared for group in groups]
        for outcome in run_budgeted(job, items, seconds, workers, budgets):
            group = groups[outcome.index]
            if outcome.value is not None:
                found.update(zip(group, outcome.value, strict=True))
                yield from group
            elif len(group) == 1:
                failed[group[0]] = outcome
                yield group[0]
            else:
                alone += group  # which of them failed, and the others' analyses: one at a time
        singles = [(documents[i],) for i in alone]
        for outcome in run_budgeted(job, singles, settings.document_seconds, workers):
            index = alone[outcome.index]
            if outcome.value is None:
                failed[index] = outcome
            else:
                found[index] = outcome.value[0]
            yield index

    for _ in (progress or no_progress)(each_document(), "annotate", len(documents)):
        pass
    for index in sorted(failed):  # in the documents' order, however the groups came back
        skipped = Skipped(documents[index].source, "annotate", _why(failed[index], settings))
        if errors is None:
            raise InputError(skipped.source, skipped.reason)
        errors.append(skipped)
    timings["annotate" if workers == 1 else f"annotate ({workers} workers)"] = time.perf_counter() - mark
    return [found[index] for index in sorted(found)]


def parse_groups(documents: Sequence[Document], batch_size: int, workers: int = 1) -> list[list[int]]:
    """Documents (by index, in order) to parse together: neighbours until the group has ``batch_size``
    paragraphs (one spaCy batch) or ``GROUP_WORDS`` words, and no more than a fair share of the work
    when several workers share it (so the last groups do not leave a worker idle)."""
    most = len(documents) if workers <= 1 else max(1, len(documents) // (4 * workers))
    groups: list[list[int]] = []
    paragraphs = words = 0
    for index, document in enumerate(documents):
        size, length = len(document.paragraphs), len(document.body.split())
        if groups and len(groups[-1]) < most and paragraphs + size <= batch_size and words + length <= GROUP_WORDS:
            groups[-1].append(index)
            paragraphs, words = paragraphs + size, words + length
        else:
            groups.append([index])
            paragraphs, words = size, length
    return groups


def _annotate_documents(documents: tuple[Document, ...], nlp: Any, batch_size: int) -> list[Annotated]:
    with collecting_less():
        return annotate_by_language(list(documents), nlp, batch_size)


def _why(outcome: Outcome[Any], settings: Settings) -> str:
    if outcome.kind == "timeout":
        return (
            f"analysis took longer than {settings.document_seconds:g} s, the time allowed for one document, "
            "and was stopped; split the file into smaller documents, or raise document_seconds (--config) "
            "to analyse it whole"
        )
    if outcome.kind == "died":
        return f"{outcome.failure} while analysing this document (out of memory?); it was left out"
    return internal_failure(outcome.failure)


def clean_all(
    raws: Sequence[RawDocument],
    settings: Settings,
    errors: list[Skipped],
    bar: Progress,
    cache: AnnotationStore | None = None,
    workers: Workers[RawDocument, Document | Skipped] | None = None,
) -> list[Document]:
    """Clean each page in a worker under the time budget for one document: extraction from a
    pathological page (a 20,000-row table sends jusText quadratic) is stopped, not waited for. Many
    pages are cleaned by ``settings.workers`` workers (one per core by default); with ``workers``
    (``cleaning_workers``), by those, kept from one call to the next. Pages
    cleaned before are read back from ``cache``; what cleaning refused is refused again (not kept)."""
    job = functools.partial(_clean_one, comment_min_paragraphs=settings.comment_min_paragraphs)
    found: dict[int, Document | Skipped] = {}
    keys = [raw_hash(raw, settings.comment_min_paragraphs) for raw in raws] if cache is not None else []
    if cache is not None:
        kept, _ = read_kept(cache, keys, pipeline_version(settings.spacy_model), decode_document)
        found.update((index, kept[key]) for index, key in enumerate(keys) if key in kept)  # (damaged: cleaned again)
    todo = [index for index in range(len(raws)) if index not in found]
    fresh: dict[str, Document] = {}
    if workers is None:
        processes = 1 if len(todo) < PARALLEL_MIN_PAGES else settings.workers or os.cpu_count() or 1
        outcomes = run_budgeted(job, [raws[i] for i in todo], settings.document_seconds, processes)
    else:
        outcomes = workers.run([raws[i] for i in todo])
    for outcome in bar(outcomes, "clean", len(todo)):
        index = todo[outcome.index]
        raw = raws[index]
        if outcome.kind == "timeout":
            found[index] = Skipped(
                raw.source,
                "clean",
                f"cleaning took longer than {settings.document_seconds:g} s, the time allowed for one document, "
                "and was stopped; is it an article? (raise document_seconds with --config to wait longer)",
            )
        elif outcome.value is None:
            found[index] = Skipped(raw.source, "clean", f"could not be cleaned ({outcome.failure})")
        else:
            found[index] = outcome.value
            if cache is not None and isinstance(outcome.value, Document):
                fresh[keys[index]] = outcome.value
    if cache is not None and fresh:
        keep(cache, fresh, pipeline_version(settings.spacy_model), decode_document)
    documents = []
    for index in sorted(found):
        item = found[index]
        if isinstance(item, Skipped):
            errors.append(item)
            continue
        words = len(item.body.split())
        if words < settings.min_body_words:
            errors.append(
                Skipped(
                    item.source,
                    "clean",
                    f"only {words} words of article text after cleaning "
                    f"(minimum {settings.min_body_words}); is it an article?",
                )
            )
            continue
        documents.append(item)
    return documents


# A page whose cleaning reads a date and a language: what a process loads on its first page.
_WARM_UP_PAGE = RawDocument(
    id="warm-up",
    source="warm-up",
    text=(
        "Council reopens the bridge\n\nMonday 5 June 2023\n\nThe council met on Monday and agreed "
        "to open the bridge again after two weeks of repairs, officials said."
    ),
    format="text",
)


@functools.cache
def warm_cleaning() -> None:
    """Clean one small page in this process, so that it holds what cleaning loads on a process's
    first page: the language identifier's model (about 73 MB resident) and the date reader's English
    data (about 4 MB); loading them took 0.6-0.8 s. ``clean_all`` forks a worker for each call;
    forked after this, the worker starts with them loaded, and cleaned an article in 0.03-0.06 s
    instead of 0.5-0.7 s (8 articles each way, 2026-12-05). Called by each add that has documents to
    analyse (``stories.service``), so a process that adds again and again (a desk, the web app) pays
    it once, and by a pile's reading process before its cleaning workers fork, so that they share
    the model (``piles._read_into_file``; ``_prepare_pile`` lets it go once they have ended).
    ``analyze`` does not call it: there the model would stay in the main process for the whole run,
    where a worker holds it only while cleaning. If that page cannot be cleaned, nothing is loaded
    and each worker loads what it needs, as before."""
    with contextlib.suppress(Exception):  # (a warm-up that fails must not fail an add)
        _clean_one(_WARM_UP_PAGE, DEFAULTS.comment_min_paragraphs)


@functools.cache
def warm_date_search() -> None:
    """Load in this process what htmldate's extensive date search loads page by page: every locale
    of dateparser and the patterns it compiles for each (about 36 MB, 1.6 s). A page whose date
    htmldate finds by neither its metadata nor its own patterns is read by dateparser in every
    locale it tries: a pile's cleaning worker grew by about as much within its first few hundred
    pages (250 synthetic ones, 2026-12-06), each its own copy. Forked after this, they share one
    (``piles._read_into_file``). Not for a desk's add, whose few pages may never need it. A
    warm-up that fails only loses the sharing."""
    with contextlib.suppress(Exception):
        from htmldate.extractors import get_external_parser

        get_external_parser().get_date_data("Xq 31 Yz 2023")  # (no locale reads it: each is tried)
    with contextlib.suppress(Exception):  # (every locale's month names; not in every htmldate)
        from htmldate.extractors import month_words

        month_words()


def cleaning_workers(settings: Settings) -> Workers[RawDocument, Document | Skipped]:
    """Cleaning processes (``settings.workers``, one per core by default) to keep for many calls of
    ``clean_all``: each warms up its date and language readers once (about 2 s), not once a call."""
    job = functools.partial(_clean_one, comment_min_paragraphs=settings.comment_min_paragraphs)
    return Workers(job, settings.document_seconds, settings.workers or os.cpu_count() or 1)


def _clean_one(raw: RawDocument, comment_min_paragraphs: int) -> Document | Skipped:
    try:
        return document_facts(clean(raw, comment_min_paragraphs))
    except InputError as exc:
        return Skipped(exc.source, "clean", exc.reason)
