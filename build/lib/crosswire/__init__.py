"""crosswire: reconcile the news. ``analyze(paths)`` turns articles about one story into a dossier."""

from typing import TYPE_CHECKING, Any

from crosswire.errors import ConfigError, CrosswireError, InputError, StoreError
from crosswire.models import (
    Brief,
    Claim,
    ClaimMention,
    Conflict,
    Document,
    Dossier,
    Entity,
    Profile,
    Quote,
    Sentence,
    Skipped,
    TimelineEntry,
)
from crosswire.settings import Settings, load_settings

if TYPE_CHECKING:
    from crosswire.analysis.pipeline import analyze, load_pipeline

_LAZY = {"analyze", "load_pipeline"}  # the analysis loads spaCy and scikit-learn: only when it is asked for


def __getattr__(name: str) -> Any:
    """``crosswire.analyze`` and ``crosswire.load_pipeline`` import the analysis on first use, so
    ``crosswire --help`` and ``crosswire diff`` start without loading spaCy or scikit-learn."""
    if name in _LAZY:
        from crosswire.analysis import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'crosswire' has no attribute {name!r}")


__all__ = [
    "Brief",
    "Claim",
    "ClaimMention",
    "ConfigError",
    "Conflict",
    "CrosswireError",
    "Document",
    "Dossier",
    "Entity",
    "InputError",
    "Profile",
    "Quote",
    "Sentence",
    "Settings",
    "Skipped",
    "StoreError",
    "TimelineEntry",
    "analyze",
    "load_pipeline",
    "load_settings",
]
