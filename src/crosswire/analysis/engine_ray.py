"""The Ray engine: the same pipeline on a Ray cluster (or a local Ray instance).

Per-document stages (ingest and clean on the driver, parse and annotate in Ray Data with one spaCy
pipeline per worker actor) then per-story reconciliation as parallel Ray tasks. The stages are the
very functions the local engine calls, so the dossiers are identical; only where they run changes.
Install with ``pip install crosswire[ray]``.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crosswire.analysis.cache import FolderCache, Reuse
from crosswire.analysis.collector import collecting_less
from crosswire.analysis.pipeline import (
    Item,
    Progress,
    Story,
    Value,
    annotate_by_language,
    annotate_cached,
    kept_vectors,
    load_pipeline,
)
from crosswire.analysis.reconcile import left_out, process_died, reconcile, story_failed
from crosswire.analysis.workers import describe
from crosswire.errors import ConfigError, CrosswireError
from crosswire.models import Annotated, Document, Dossier, Skipped
from crosswire.settings import Settings

ACTOR_BATCH = 16


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("the Ray engine needs Ray: pip install 'crosswire[ray]' (or use --engine local)") from exc
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        if address:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        else:
            ray.init(
                num_cpus=os.cpu_count() or 2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR
            )
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.ERROR)
    return ray


class _Annotator:
    """A Ray Data actor: loads the spaCy pipeline once, annotates batches of pickled documents."""

    def __init__(self, model: str, batch_size: int) -> None:
        self.nlp = load_pipeline(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        documents = [pickle.loads(blob) for blob in batch["document"]]
        with collecting_less():
            annotated = annotate_by_language(documents, self.nlp, self.batch_size)
        return {"index": batch["index"], "annotated": [pickle.dumps(a) for a in annotated]}


def annotate_ray(documents: Sequence[Document], settings: Settings) -> list[Annotated]:
    """Annotate documents with a Ray Data pipeline of annotator actors; input order is kept."""
    if not documents:
        return []
    ray = _ray()
    items = [{"index": i, "document": pickle.dumps(d)} for i, d in enumerate(documents)]
    workers = max(1, settings.workers or int(ray.available_resources().get("CPU", 1)))
    dataset = ray.data.from_items(items).map_batches(
        _Annotator,
        fn_constructor_args=(settings.spacy_model, settings.batch_size),
        batch_size=ACTOR_BATCH,
        compute=ray.data.ActorPoolStrategy(size=workers),
    )
    rows = sorted(dataset.iter_rows(), key=lambda row: row["index"])
    return [pickle.loads(row["annotated"]) for row in rows]


def _reconcile_task(
    blobs: list[bytes],
    errors: list[Skipped],
    sources: list[str],
    settings: Settings,
    cache: FolderCache | None,
) -> bytes:
    """One story of a pile reconciled (its documents' parses pickled in ``blobs``; ``sources``,
    theirs), its dossier pickled. If that fails even leaving each document out in turn (see
    ``reconcile``), the dossier lists each of its documents and why, as the local engine's does,
    and the pile goes on; crosswire's own errors that ask the user to mend something (a setting)
    still stop it."""
    try:
        annotated = [pickle.loads(b) for b in blobs]
        dossier = reconcile(annotated, errors, settings, {}, kept_vectors(cache, settings))
    except CrosswireError:
        raise
    except Exception as exc:  # noqa: BLE001 (one story's failure must not end the pile)
        dossier = left_out(sources, story_failed(describe(exc)), errors, settings)
    return pickle.dumps(dossier)


@dataclass
class RayExecutor:
    """``analyze`` and ``analyze_stories`` on Ray: annotation in a Ray Data pipeline of annotator
    actors, each story reconciled as a Ray task (see ``pipeline.Executor``). With ``cache`` (a folder
    every node can read, for a cluster: shared storage), documents parsed before are read back on the
    driver and only the others go to the actors, and the reconciling tasks read kept sentence vectors."""

    cache: FolderCache | None = None
    batch_documents: int = 5000  # each batch starts a pool of annotator actors (each loads the model)
    reuse: Reuse = field(default_factory=Reuse)
    # A story's task whose worker or node died (a crash, Ray's memory monitor, a node lost) is run
    # again this many times before the story is left out: once, for a node lost by chance. A story
    # that runs its worker out of memory does so again; left to Ray, a crash was retried three times
    # and a task its memory monitor killed on a count of its own, by Ray's documentation without
    # end unless a task's retries are 0. So Ray retries none, and the driver submits again.
    retries: int = 1

    def annotate(
        self,
        documents: list[Document],
        settings: Settings,
        progress: Progress | None,
        timings: dict[str, float],
        errors: list[Skipped],
    ) -> list[Annotated]:
        def parse(todo: list[Document]) -> list[Annotated]:
            return annotate_ray(todo, settings)

        if self.cache is None:
            return parse(documents)
        found, self.reuse = annotate_cached(documents, settings, self.cache, parse, timings)
        return found

    def reconcile_stories(
        self, stories: Iterable[Story], settings: Settings, timings: dict[str, float]
    ) -> Iterator[Dossier]:
        todo = list(stories)  # (every story's task is started before the first is awaited)
        if len(todo) <= 1:  # one story (or none): no task to spread
            for members, errors in todo:
                yield reconcile(members, errors, settings, {}, kept_vectors(self.cache, settings))
            return
        ray = _ray()
        task = ray.remote(max_retries=0)(_reconcile_task)  # (retried here: see ``retries``)
        # A task whose worker or node died is submitted again, ``retries`` times, then leaves its
        # story out; another Ray error (a cluster that cannot run tasks at all) stops the run.
        gone = ray.exceptions
        died = (gone.WorkerCrashedError, gone.OutOfMemoryError, gone.NodeDiedError)
        futures = []  # each story's task, the task's arguments, and the times it may be tried again
        for members, errors in todo:
            # (in Ray's object store until the story is handed on, so that it can be tried again)
            parses = ray.put([pickle.dumps(a) for a in members])
            sources = [a.document.source for a in members]
            arguments = (parses, errors, sources, settings, self.cache)
            futures.append((task.remote(*arguments), arguments, self.retries))
        del todo, members, errors, parses, arguments
        try:
            while futures:  # (in order; each result let go once handed on)
                future, arguments, retries = futures.pop(0)
                _, errors, sources, _, _ = arguments
                try:
                    found = ray.get(future)
                except ray.exceptions.RayTaskError as exc:  # (raised outside the task's handling)
                    if isinstance(exc.cause, CrosswireError):
                        raise  # (crosswire's own error: a setting to mend stops the pile)
                    why = story_failed(describe(exc.cause or exc))
                    yield left_out(sources, why, errors, settings)
                    continue
                except died as exc:  # (out of memory, a crash in native code, a node gone)
                    if retries > 0:
                        futures.insert(0, (task.remote(*arguments), arguments, retries - 1))
                        continue
                    yield left_out(sources, process_died(describe(exc)), errors, settings)
                    continue
                yield pickle.loads(found)
        finally:  # (a caller that stops early, or a task that failed: the others are not awaited)
            for future, _, _ in futures:
                ray.cancel(future)

    def map(self, function: Callable[[Item], Value], items: Iterable[Item]) -> list[Value]:
        """Each item as a Ray task (story clustering's partitions run in parallel)."""
        items = list(items)
        if len(items) < 2:
            return [function(item) for item in items]
        task = _ray().remote(function)
        return list(_ray().get([task.remote(item) for item in items]))
