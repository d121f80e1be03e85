"""The language identifier (py3langid's), held by this module so that a process can let its model go.

py3langid's own ``classify`` keeps the model (about 73 MB resident) in a global of that library for
the life of the process. Held here, it is loaded on first use as ``classify`` loads it and let go by
``let_go``: a pile's reading process loads it before its cleaning workers fork, so that they share
it, and lets it go once they have ended (``analysis.piles``; the stories are found in another
process, or in this one after it).
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)  # (as py3langid loads it)


def identify(text: str) -> str:
    """The language of ``text`` (an ISO 639-1 code), as ``py3langid.classify`` gives it."""
    language, _ = _identifier().classify(text)
    return str(language)


def loaded() -> bool:
    """Whether this process holds the model."""
    return _identifier.cache_info().currsize > 0


def let_go() -> None:
    """Let the model go (loaded again when next asked)."""
    _identifier.cache_clear()
