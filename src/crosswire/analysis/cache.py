"""Parse once: a document's annotation (everything before the cross-document stages) kept by the hash
of the cleaned document and the version of what produced it, so re-analysing a story parses only the
documents it has not seen.

The version is crosswire's, the spaCy pipeline's name and version, and a hash of the source of the
stages and lexicons: a change to any of them re-parses, and ``Reuse`` says how many documents were
parsed again for that reason. Annotations are stored as compressed JSON of the model's own types
(never pickle: a store file may come from elsewhere, and reading it must not run code).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from crosswire.models import Annotated, Document


class AnnotationStore(Protocol):
    """Where annotations are kept: the story store, or a folder (``FolderCache``)."""

    def annotations(self, documents: Iterable[str], version: str) -> tuple[dict[str, bytes], set[str]]:
        """The encoded annotations of these document hashes made by ``version``, and which of the
        others were annotated by another version."""
        ...

    def save_annotations(self, items: dict[str, bytes], version: str) -> None: ...


@dataclass
class Reuse:
    """What the cache did in one analysis (for the summary line and ``crosswire add``)."""

    reused: int = 0
    parsed: int = 0
    stale: int = 0  # parsed again because the pipeline's version changed since they were kept


@cache
def pipeline_version(model: str) -> str:
    """crosswire's version, the spaCy pipeline's, and a hash of the stages' and lexicons' source."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted([*(root / "stages").glob("*.py"), *(root / "lexicons").iterdir(), root / "models.py"]):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        model_version = metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        model_version = "unknown"
    try:
        own = metadata.version("crosswire")
    except metadata.PackageNotFoundError:
        own = "0+unknown"
    return f"crosswire {own}; {model} {model_version}; source {digest.hexdigest()[:16]}"


def document_hash(document: Document) -> str:
    """What annotation reads of a cleaned document: its id and its paragraphs. (Its outlet, date and
    genre are settled across the pile and may change as documents arrive; ``for_document`` puts the
    current ones back.)"""
    text = json.dumps([document.id, *document.paragraphs], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def for_document(annotated: Annotated, document: Document) -> Annotated:
    """A kept annotation with the document as it is now: annotate returns the document it was given
    with its sentences added, so this equals annotating ``document`` again."""
    return dataclasses.replace(
        annotated, document=dataclasses.replace(document, sentences=annotated.document.sentences)
    )


def encode(annotated: Annotated) -> bytes:
    return zlib.compress(json.dumps(_plain(annotated), ensure_ascii=False).encode("utf-8", "surrogatepass"))


def decode(data: bytes) -> Annotated:
    value = _build(Annotated, json.loads(zlib.decompress(data).decode("utf-8", "surrogatepass")))
    assert isinstance(value, Annotated)
    return value


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _build(kind: Any, value: Any) -> Any:
    """``value`` (plain JSON data) as an instance of the annotation ``kind``."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _build(hints[name], item) for name, item in value.items()})
    origin = typing.get_origin(kind)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _build(options[0], value)
    if origin is dict:
        _, item = typing.get_args(kind)
        return {k: _build(item, v) for k, v in value.items()}
    return value  # str, int, float, bool, a Literal


@cache
def _hints(kind: Any) -> dict[str, Any]:
    return typing.get_type_hints(kind)


class FolderCache:
    """Annotations kept as files in a folder (``crosswire analyze --cache DIR``), one per document
    and version: ``<version hash>/<document hash>.json.z``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _dir(self, version: str) -> Path:
        return self.folder / hashlib.sha256(version.encode()).hexdigest()[:16]

    def annotations(self, documents: Iterable[str], version: str) -> tuple[dict[str, bytes], set[str]]:
        here = self._dir(version)
        found, stale = {}, set()
        others = [d for d in self.folder.iterdir() if d.is_dir() and d != here] if self.folder.is_dir() else []
        for key in documents:
            path = here / f"{key}.json.z"
            if path.is_file():
                found[key] = path.read_bytes()
            elif any((d / f"{key}.json.z").is_file() for d in others):
                stale.add(key)
        return found, stale

    def save_annotations(self, items: dict[str, bytes], version: str) -> None:
        here = self._dir(version)
        here.mkdir(parents=True, exist_ok=True)
        for key, data in items.items():
            partial = here / f"{key}.json.z.part"
            partial.write_bytes(data)
            partial.replace(here / f"{key}.json.z")  # whole files only, even if the process is killed
