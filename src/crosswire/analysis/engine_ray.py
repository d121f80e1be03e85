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
from collections.abc import Sequence
from typing import Any

from crosswire.analysis.pipeline import annotate, load_pipeline, prepare, reconcile
from crosswire.errors import ConfigError
from crosswire.models import Annotated, Document, Dossier, Skipped
from crosswire.settings import Settings
from crosswire.stages.cluster import ClusterSettings, StoryCluster, cluster_stories

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
        annotated = annotate(documents, self.nlp, self.batch_size)
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


def _reconcile_task(blobs: list[bytes], errors: list[Skipped], settings: Settings) -> bytes:
    return pickle.dumps(reconcile([pickle.loads(b) for b in blobs], errors, settings, {}))


def analyze_ray(sources: Sequence[str], settings: Settings) -> Dossier:
    """`analyze` on Ray: one story."""
    documents, errors = prepare(sources, settings, None, {})
    return reconcile(annotate_ray(documents, settings), errors, settings, {})


def analyze_stories_ray(sources: Sequence[str], settings: Settings) -> list[tuple[StoryCluster, Dossier]]:
    """`analyze_stories` on Ray: stories reconciled as parallel Ray tasks."""
    ray = _ray()
    documents, errors = prepare(sources, settings, None, {})
    stories = cluster_stories(documents, ClusterSettings(threshold=settings.story_similarity))
    annotated = {a.document.id: a for a in annotate_ray(documents, settings)}
    task = ray.remote(_reconcile_task)
    futures = [
        task.remote(
            [pickle.dumps(annotated[d]) for d in story.documents if d in annotated],
            errors if number == 0 else [],
            settings,
        )
        for number, story in enumerate(stories)
    ]
    return [(story, pickle.loads(blob)) for story, blob in zip(stories, ray.get(futures), strict=True)]
