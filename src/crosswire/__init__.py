"""crosswire: reconcile the news. ``analyze(paths)`` turns articles about one story into a dossier."""

from crosswire.analysis.pipeline import analyze, load_pipeline
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
