"""Reconciliation: everything after annotation, for the documents of one story: resolve entities and
times, extract and align claims, find conflicts and events, build the timeline, quotes, profiles and
brief. ``reconcile`` is the one entry; both engines (``pipeline.LocalExecutor``, ``engine_ray``) call it.

A document that makes a stage fail is found by leaving each out in turn and is reported in the
dossier's ``errors``; the story goes on without it. A story of a pile that still cannot be
reconciled comes out as ``left_out`` makes it, with the reasons of ``story_failed`` or
``process_died``, in both engines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from crosswire.analysis.collector import collecting_less
from crosswire.analysis.workers import describe, internal_failure
from crosswire.models import Annotated, Document, Dossier, Skipped
from crosswire.settings import Settings
from crosswire.stages._encoder import VectorMemo
from crosswire.stages._memo import forget_story, object_memo
from crosswire.stages._similarity import word_weights
from crosswire.stages.align import AlignSettings, align_claims
from crosswire.stages.blocks import story_blocks
from crosswire.stages.brief import write_brief
from crosswire.stages.claims import extract_claims
from crosswire.stages.cluster import near_duplicates
from crosswire.stages.conflicts import find_conflicts
from crosswire.stages.entities import resolve_entities
from crosswire.stages.events import find_events
from crosswire.stages.profile import build_profiles
from crosswire.stages.quotes import resolve_quotes
from crosswire.stages.timeline import build_timeline, date_mentions, resolve_times


def reconcile(
    annotated: Sequence[Annotated],
    errors: Sequence[Skipped],
    settings: Settings,
    timings: dict[str, float],
    vectors: VectorMemo | None = None,
    keep_memos: bool = False,
) -> Dossier:
    """Everything after annotation, for the documents of one story: resolve, reconcile, report.
    ``vectors``: sentence vectors kept from earlier analyses (the claim encoder reads them first).

    If that fails, the documents that make it fail are found by leaving each out in turn; they are
    listed in the dossier's ``errors`` and the dossier is what it would be without them. What the
    stages memoised for this story is let go at the end (``forget_story``), unless ``keep_memos``:
    a process that will reconcile the same story again with a document more keeps them (each memo is
    bounded, and a memo is a pure function of its arguments, so what it keeps is never stale).
    """
    try:
        with collecting_less():
            return _leaving_out_failures(annotated, errors, settings, timings, vectors)
    finally:
        if not keep_memos:
            forget_story()


def _leaving_out_failures(
    annotated: Sequence[Annotated],
    errors: Sequence[Skipped],
    settings: Settings,
    timings: dict[str, float],
    vectors: VectorMemo | None,
) -> Dossier:
    try:
        return _reconcile(annotated, errors, settings, timings, vectors)
    except Exception as exc:  # noqa: BLE001 (one document's numbers or dates must not sink the story)
        if not annotated:
            raise
        first = exc
    for left_out in annotated:
        rest = [a for a in annotated if a is not left_out]
        skipped = [*errors, Skipped(left_out.document.source, "reconcile", internal_failure(describe(first)))]
        try:
            return _reconcile(rest, skipped, settings, timings, vectors)
        except Exception:  # noqa: BLE001, S112 (still failing: the culprit is another document)
            continue
    raise first  # more than one document fails: nothing short of a fix helps


def _reconcile(
    annotated: Sequence[Annotated],
    errors: Sequence[Skipped],
    settings: Settings,
    timings: dict[str, float],
    vectors: VectorMemo | None,
) -> Dossier:

    def timed(stage: str, function: Callable[..., Any], *args: Any) -> Any:
        mark = time.perf_counter()
        result = function(*args)
        timings[stage] = time.perf_counter() - mark
        return result

    align_settings = AlignSettings(
        settings.claim_similarity,
        settings.copy_similarity,
        settings.quantity_tolerance,
        settings.claim_encoder,
        settings.lexical_claim_similarity,
    )
    resolved = timed("time", resolve_times, annotated)
    entities = timed("entities", resolve_entities, resolved)
    mentions = timed("claim mentions", extract_claims, resolved, entities)
    mentions = timed("claim dates", date_mentions, mentions, resolved)
    blocks = timed("story blocks", story_blocks, resolved, entities)
    copies = timed(
        "near duplicates", near_duplicates, [a.document for a in resolved], 0.8, [a.signature for a in resolved]
    )
    claims = timed("align", align_claims, mentions, resolved, entities, align_settings, blocks, copies, vectors)
    claims, conflicts = timed(
        "conflict detection", find_conflicts, claims, resolved, entities, settings.quantity_tolerance, blocks
    )
    events = timed(
        "events",
        find_events,
        claims,
        [a.document for a in resolved],
        blocks,
        settings.copy_similarity,
        copies,
    )
    timeline = timed("timeline", build_timeline, resolved, claims)
    quotes = timed("quotes", resolve_quotes, resolved, entities)
    profiles = timed("profile", build_profiles, resolved, claims)
    final_documents = tuple(_in_block(a.document, blocks[a.document.id]) for a in resolved)
    brief = timed(
        "brief",
        write_brief,
        claims,
        conflicts,
        entities,
        final_documents,
        settings.brief_sentences,
        timeline,
        events,
    )
    return Dossier(
        documents=final_documents,
        entities=entities,
        timeline=timeline,
        claims=claims,
        conflicts=conflicts,
        quotes=quotes,
        profiles=profiles,
        brief=brief,
        errors=tuple(errors),
        events=events,
        stats={"words": float(sum(len(d.body.split()) for d in final_documents)), **timings},
    )


def left_out(
    sources: Sequence[str],
    why: str,
    errors: Sequence[Skipped],
    settings: Settings,
) -> Dossier:
    """The dossier of a story none of whose documents could be analysed: no documents, and in its
    errors ``errors`` then each document (by source) with ``why``. Both engines give it for a story
    of a pile whose analysis failed, so that the pile goes on."""
    left = [Skipped(source, "reconcile", why) for source in sources]
    return reconcile([], [*errors, *left], settings, {})


def story_failed(failure: str) -> str:
    """Why a story's documents were left out when its analysis failed (``failure``: what was
    raised)."""
    return (
        f"the analysis of this document's story failed ({failure}), so none of its documents was "
        "analysed; the pile's other stories were. This is a bug in crosswire: please report it "
        "with this story's files"
    )


def process_died(died: str) -> str:
    """Why a story's documents were left out when the process analysing it died (``died``: how)."""
    return (
        f"{died}, before this story's dossier was done: the story was left out and the pile "
        "went on. If memory ran out, give the analysis more memory or fewer workers; if not, "
        "this is a bug in crosswire: please report it with this file"
    )


def warm_reconciliation(languages: Iterable[str]) -> None:
    """Load in this process what reconciling stories in ``languages`` reads of general language (the
    words' weights: 0.4-0.8 s on a process's first story), so that processes forked after it (a
    pile's batches, each in a process of its own) start with it."""
    for language in languages:
        word_weights(language)


@object_memo  # (a desk's next add finds each document again, the same object, and its JSON with it)
def _in_block(document: Document, block: int) -> Document:
    """The document placed in its story block."""
    return document if document.block == block else replace(document, block=block)
