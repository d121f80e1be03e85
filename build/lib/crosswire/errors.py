"""Crosswire's errors, a shallow tree:

    CrosswireError
     ├── InputError    an input cannot be read or analysed (names the file and the reason)
     ├── ConfigError   a setting or settings file is wrong (names the setting and the valid choices)
     └── StoreError    the story store cannot be opened or written

Messages say what was received, what was expected, and what to do next. Inside a batch an
``InputError`` never stops the run: the pipeline turns it into a ``Skipped`` entry of the dossier.
"""

from __future__ import annotations


class CrosswireError(Exception):
    """Base class of every error crosswire raises on purpose."""


class InputError(CrosswireError):
    """An input that cannot be read or analysed."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ConfigError(CrosswireError):
    """A setting that is unknown, of the wrong type or out of range."""


class StoreError(CrosswireError):
    """The story store cannot be opened, migrated or written."""
