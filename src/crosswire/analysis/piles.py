"""Piles: a mixed pile of articles sorted into stories, each story annotated, reconciled and handed
on as soon as it is done, holding no pile's worth of text or parses (``iter_stories``).

The stages are ``pipeline``'s; what differs is the flow: inputs are read and cleaned a chunk at a
time into a temporary file (``Spill``), stories are found from each document's clustering features,
and documents come back from the file a batch of stories at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from crosswire.analysis.cache import AnnotationStore
from crosswire.analysis.pipeline import (
    Executor,
    LocalExecutor,
    Progress,
    Sources,
    clean_all,
    in_languages_read,
    no_progress,
    read_sources,
)
from crosswire.analysis.spill import Spill
from crosswire.models import Annotated, Document, Dossier, RawDocument, Skipped
from crosswire.settings import Settings
from crosswire.stages._order import content_key
from crosswire.stages.cluster import (
    ClusterSettings,
    StoryCluster,
    StoryFeatures,
    cluster_features,
    join_features,
    story_features,
    story_label,
)
from crosswire.stages.facts import outlet_view, same_outlets

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

    Stories are annotated and reconciled a batch at a time (consecutive stories holding about
    ``executor.batch_documents`` documents), and a batch's parses are let go before the next. Cleaned
    documents wait in a temporary file (``Spill``) until their batch: memory holds each document's
    clustering features and outlet facts, and one batch's analysis. Inputs that could not be read are
    listed once, in the first story's ``errors``; a document that could not be annotated, in its own
    story's."""
    settings = settings or Settings()
    executor = executor or LocalExecutor(nlp)
    with Spill() as spill:
        views, features, errors = _prepare_pile(sources, settings, progress, executor.cache, spill)
        views = in_languages_read(views, errors)
        groups = cluster_features(
            features.only({v.id for v in views}), ClusterSettings(threshold=settings.story_similarity), executor.map
        )
        outlet_of = {v.id: v for v in views}  # outlets as grouped across the pile
        del views, features
        unlabelled = [StoryCluster(f"story-{n + 1:04d}", group, "") for n, group in enumerate(groups)]
        batches = _story_batches(unlabelled, executor.batch_documents)
        bar = progress or no_progress
        for number, batch in enumerate(bar(batches, "annotate and reconcile (batches of stories)", len(batches))):
            members = [
                replace(d, outlet=outlet_of[d.id].outlet, outlet_evidence=outlet_of[d.id].outlet_evidence)
                for d in spill.take([doc_id for story in batch for doc_id in story.documents])
            ]
            by_id = {d.id: d for d in members}
            batch = [replace(s, label=story_label([by_id[i] for i in s.documents if i in by_id])) for s in batch]
            failed: list[Skipped] = []
            annotated = {a.document.id: a for a in executor.annotate(members, settings, None, {}, failed)}
            story_of = {doc_id: n for n, story in enumerate(batch) for doc_id in story.documents}
            source_story = {d.source: story_of[d.id] for d in members}
            groups_here: list[tuple[list[Annotated], list[Skipped]]] = [
                ([annotated[doc_id] for doc_id in story.documents if doc_id in annotated], []) for story in batch
            ]
            if number == 0:
                groups_here[0][1].extend(errors)
            for failure in failed:
                groups_here[source_story.get(failure.source, 0)][1].append(failure)
            del members, by_id, annotated
            yield from zip(batch, executor.reconcile_stories(groups_here, settings, {}), strict=True)


def _prepare_pile(
    sources: Sources,
    settings: Settings,
    progress: Progress | None,
    cache: AnnotationStore | None,
    spill: Spill,
) -> tuple[list[Document], StoryFeatures, list[Skipped]]:
    """``prepare`` for a pile sorted into stories, holding no pile's worth of text: inputs are read and
    cleaned ``PILE_CHUNK`` at a time, each cleaned document goes to ``spill``, and what stays is its
    clustering features and what ``same_outlets`` reads (``outlet_view``). Returns those views, in
    the canonical order and with outlets grouped as ``prepare`` would, the features, and the inputs
    that could not be read or cleaned (in ``prepare``'s order)."""
    bar = progress or no_progress
    read_errors: list[Skipped] = []
    clean_errors: list[Skipped] = []
    views: list[Document] = []
    parts: list[StoryFeatures] = []
    stream = iter(bar(read_sources(sources, settings.max_file_bytes), "read and clean", None))
    while chunk := list(itertools.islice(stream, PILE_CHUNK)):
        raws = [item for item in chunk if isinstance(item, RawDocument)]
        read_errors += [item for item in chunk if isinstance(item, Skipped)]
        cleaned = clean_all(raws, settings, clean_errors, no_progress, cache)
        spill.put(cleaned)
        parts.append(story_features(cleaned))
        views += [outlet_view(d) for d in cleaned]
    features = join_features(parts)
    key_of = dict(zip(features.ids, features.keys, strict=True))
    views.sort(key=lambda d: (d.published.date or "~", key_of[d.id], d.id))  # canonical_order, by kept hashes
    spelled = {v.id: v.outlet for v in views}
    views = same_outlets(views)
    # Clustering's canonical order hashes the outlet as grouped: the few documents whose outlet was
    # respelled are read back for their new hash.
    respelled = {v.id: v.outlet for v in views if v.outlet != spelled[v.id]}
    key_of.update((d.id, content_key(replace(d, outlet=respelled[d.id]))) for d in spill.peek(list(respelled)))
    features = replace(features, keys=tuple(key_of[i] for i in features.ids))
    return views, features, read_errors + clean_errors


def _story_batches(stories: Sequence[StoryCluster], documents: int) -> list[list[StoryCluster]]:
    """Consecutive stories in batches of at least ``documents`` documents (the last may hold fewer)."""
    batches: list[list[StoryCluster]] = [[]]
    size = 0
    for story in stories:
        if size >= documents:
            batches.append([])
            size = 0
        batches[-1].append(story)
        size += len(story.documents)
    return [batch for batch in batches if batch]
