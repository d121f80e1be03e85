"""Parse once: a document's annotation (everything before the cross-document stages) kept by the hash
of the cleaned document and the version of what produced it, so re-analysing a story parses only the
documents it has not seen.

The version is crosswire's, the spaCy pipeline's name and version, and hashes of the source a
document's reading and annotation run (``annotation_source``) and of the versions of the libraries
that source imports directly: a change to any of them re-parses, and ``Reuse`` says how many
documents were parsed again for that reason. The source includes ``models.py`` and ``settings.py``
(a new field or setting of a later stage re-parses too); a change to a module of the stages after
annotation alone (entities, claims, conflicts, the brief...) re-parses nothing: they run at every
analysis anyway. Kept sentence vectors have a version of their own: the encoder's source,
tokenizer and libraries, and this file's (``vector_version``). Annotations are stored as compressed
JSON of the model's own types (never pickle: a store file may come from elsewhere, and reading it
must not run code).
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import hashlib
import json
import sys
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from crosswire.models import Annotated, Document, RawDocument
from crosswire.stages._memo import document_memo


class AnnotationStore(Protocol):
    """Where annotations are kept: the story store, or a folder (``FolderCache``)."""

    def annotations(self, documents: Iterable[str], version: str) -> tuple[dict[str, bytes], set[str]]:
        """The encoded annotations of these document hashes made by ``version``, and which of the
        others were annotated by another version."""
        ...

    def holds(self, documents: Iterable[str], version: str) -> set[str]:
        """Which of these hashes have a kept annotation made by ``version`` (none is read)."""
        ...

    def save_annotations(self, items: dict[str, bytes], version: str) -> None: ...


@dataclass
class Reuse:
    """What the cache did in one analysis (for the summary line and ``crosswire add``)."""

    reused: int = 0
    parsed: int = 0
    stale: int = 0  # parsed again because the pipeline's version changed since they were kept


# What reads and annotates one document: these modules and every crosswire module they import.
ANNOTATION_ROOTS = (
    "stages/ingest.py",
    "stages/clean.py",
    "stages/facts.py",
    "stages/annotate.py",
    "stages/_ud.py",
)
# The analysis code around them, read as it is and not what it imports (the pipeline imports every
# stage): which spaCy pipeline a language gets and how it is loaded, and how a parse is kept.
ANNOTATION_FILES = ("analysis/pipeline.py", "analysis/languages.py", "analysis/cache.py")
_TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")  # an ``if`` whose body never runs
ENCODER_ROOTS = ("stages/_encoder.py",)  # what makes a kept sentence vector
ENCODER_FILES = ("data/minilm/tokenizer.json", "analysis/cache.py")  # (how a vector is kept)


@cache
def pipeline_version(model: str) -> str:
    """The version a kept parse is filed under: crosswire's, the spaCy pipeline's, and hashes of the
    source annotation runs (``annotation_source``) and of the versions of the libraries it imports
    (spaCy, trafilatura, the language identifier...)."""
    source = annotation_source()
    code, libraries = source_digest(source), _digest_text("\n".join(_libraries(tuple(source))))
    model_version = _installed(model.replace("_", "-"))
    return f"{_own()}; {model} {model_version}; source {code}; libraries {libraries}"


@cache
def vector_version() -> str:
    """The version a kept sentence vector is filed under: crosswire's, and hashes of the encoder's
    source and tokenizer and of the versions of the libraries it imports (its model's package,
    onnxruntime, tokenizers); the model's name is in each vector's key."""
    root = _package()
    source = [*source_closure(ENCODER_ROOTS), *(root / each for each in ENCODER_FILES)]
    code, libraries = source_digest(source), _digest_text("\n".join(_libraries(tuple(source))))
    return f"{_own()}; encoder source {code}; libraries {libraries}"


def annotation_source(root: Path | None = None) -> tuple[Path, ...]:
    """The files whose change re-parses kept documents: ``ANNOTATION_ROOTS`` and every crosswire
    module they import (anywhere in them, so an import inside a function too), with their packages'
    ``__init__``, ``ANNOTATION_FILES``, and the lexicons' files. ``root``: the package's folder.

    So a change to ``models.py`` or ``settings.py`` (a field or setting of a later stage too)
    re-parses, as does one to the pipeline's or the cache's own file; one to a later stage does not.
    """
    if root is None:
        return _installed_annotation_source()
    lexicons = [path for path in (root / "lexicons").iterdir() if path.is_file()]
    around = [root / each for each in ANNOTATION_FILES]
    return tuple(sorted({*source_closure(ANNOTATION_ROOTS, root), *around, *lexicons}))


@cache
def _installed_annotation_source() -> tuple[Path, ...]:
    """``annotation_source`` of the package this process runs (its files do not change under it)."""
    return annotation_source(_package())


def source_closure(roots: Iterable[str], root: Path | None = None) -> list[Path]:
    """``roots`` (paths in the package) and every crosswire module they import, transitively, with
    the ``__init__`` of each package on the way."""
    root = root or _package()
    seen: set[Path] = set()
    todo = [root / each for each in roots]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for name in _imports(path, root):
            parts = name.split(".")
            if parts[0] == "crosswire":
                module = root.joinpath(*parts[1:])
                todo += [module / "__init__.py", module.with_suffix(".py")]
        todo += [folder / "__init__.py" for folder in path.parents if folder.is_relative_to(root)]
    return sorted(seen)


def _imports(path: Path, root: Path) -> tuple[str, ...]:
    """The modules ``path`` imports, by full name (``from crosswire.a import b``: "crosswire.a" and
    "crosswire.a.b", which may be a module; relative imports made absolute). Anywhere in a module;
    in a package's ``__init__``, only outside its functions: those it runs on being imported
    (``crosswire.analyze`` imports the analysis when it is first asked for). Never those made for
    the type checker alone (``if TYPE_CHECKING:``)."""
    stat = path.stat()
    return _imports_of(path, root, stat.st_mtime_ns, stat.st_size)


@cache
def _imports_of(path: Path, root: Path, mtime: int, size: int) -> tuple[str, ...]:
    """``_imports``, read once a version of the file (``mtime``, ``size``)."""
    tree = ast.parse(path.read_bytes())
    inside = path.is_relative_to(root)
    package = ["crosswire", *path.relative_to(root).parent.parts] if inside else []
    names: list[str] = []
    for node in _run(tree, functions=path.name != "__init__.py"):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # ("from . import x", "from .a import b", in the package of ``path``)
                above = package[: len(package) - node.level + 1]
                base = ".".join([*above, *([node.module] if node.module else [])])
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return tuple(names)


def _run(tree: ast.AST, functions: bool) -> Iterator[ast.AST]:
    """The nodes of ``tree`` that may run: all but the body of ``if TYPE_CHECKING:``, and without
    ``functions``, but what is inside a function."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING:
            todo += node.orelse
        elif functions or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            todo += ast.iter_child_nodes(node)


@cache
def _libraries(paths: tuple[Path, ...]) -> list[str]:
    """The installed distributions (name and version) of what these files import outside the
    standard library and crosswire, sorted (a module whose distribution is named otherwise is
    looked up among every installed distribution's modules)."""
    root = _package()
    python = [path for path in paths if path.suffix == ".py"]
    modules = {name.split(".")[0] for path in python for name in _imports(path, root)}
    found = []
    for module in sorted(modules - set(sys.stdlib_module_names) - {"crosswire", ""}):
        try:
            found.append(f"{module} {metadata.version(module)}")
        except metadata.PackageNotFoundError:
            named = _distributions().get(module, [])
            found += [f"{name} {_installed(name)}" for name in named] or [f"{module} not installed"]
    return sorted(found)


@cache
def _distributions() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_digest(paths: Iterable[Path]) -> str:
    """16 hexadecimal digits of a hash of these files (their names in the package and bytes)."""
    root = _package()
    digest = hashlib.sha256()
    for path in sorted(paths):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _package() -> Path:
    return Path(__file__).resolve().parents[1]


def _own() -> str:
    return f"crosswire {_installed('crosswire', '0+unknown')}"


def _installed(package: str, otherwise: str = "unknown") -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return otherwise


def document_hash(document: Document) -> str:
    """What annotation reads of a cleaned document: its id and its paragraphs. (Its outlet, date and
    genre are settled across the pile and may change as documents arrive; ``for_document`` puts the
    current ones back.)"""
    text = json.dumps([document.id, *document.paragraphs], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@document_memo
def for_document(annotated: Annotated, document: Document) -> Annotated:
    """A kept annotation with the document as it is now: annotate returns the document it was given
    with its sentences added, so this equals annotating ``document`` again. The same object for the
    same two within a story (see ``document_memo``)."""
    return dataclasses.replace(
        annotated, document=dataclasses.replace(document, sentences=annotated.document.sentences)
    )


def encode(value: Annotated | Document) -> bytes:
    return zlib.compress(json.dumps(_plain(value), ensure_ascii=False).encode("utf-8", "surrogatepass"))


def decode(data: bytes) -> Annotated:
    value = _builder(Annotated)(json.loads(zlib.decompress(data).decode("utf-8", "surrogatepass")))
    assert isinstance(value, Annotated)
    return value


def decode_document(data: bytes) -> Document:
    value = _builder(Document)(json.loads(zlib.decompress(data).decode("utf-8", "surrogatepass")))
    assert isinstance(value, Document)
    return value


Kept = TypeVar("Kept", Annotated, Document)


def read_kept(
    cache: AnnotationStore, keys: Iterable[str], version: str, decoder: Callable[[bytes], Kept]
) -> tuple[dict[str, Kept], set[str]]:
    """The values kept under ``keys`` by ``version``, decoded (a damaged entry is left out, to be made
    again), and which of the other keys were made by another version. From a ``Remembering`` store,
    what an earlier read decoded is not decoded again."""
    if isinstance(cache, Remembering):
        return cache.decoded(set(keys), version, decoder)
    blobs, stale = cache.annotations(keys, version)
    return _decoded(blobs, decoder), stale


def keep(cache: AnnotationStore, values: dict[str, Kept], version: str, decoder: Callable[[bytes], Kept]) -> None:
    """Keep ``values`` (encoded) under their keys, made by ``version``; a ``Remembering`` store also
    remembers them as ``decoder`` would read them back (``decode`` of ``encode`` gives the value)."""
    cache.save_annotations({key: encode(value) for key, value in values.items()}, version)
    if isinstance(cache, Remembering):
        cache.remember(values, version, decoder)


def _decoded(blobs: dict[str, bytes], decoder: Callable[[bytes], Kept]) -> dict[str, Kept]:
    found = {}
    for key, blob in blobs.items():
        with contextlib.suppress(ValueError, TypeError, KeyError, zlib.error):  # a disk error, a hand edit
            found[key] = decoder(blob)
    return found


class Remembering:
    """An annotation store that remembers what it last gave back, decoded: for a process that keeps a
    story open (the web app, a desk adding articles one at a time), each add reads back only the new
    documents' annotations, not the whole story's again (1.0 s of a 1,000-article story's 9 s).

    It holds the values of the latest read of each kind (cleaned documents, annotations) and nothing
    else, so it never holds more than one analysis's documents. A key names the content it was made
    from and the version that made it, so a remembered value is the one any store would give: what
    is remembered (``last``) may outlive the store, for the next connection to the same file (the web
    app opens one per upload)."""

    def __init__(self, store: AnnotationStore, last: dict[Any, dict[tuple[str, str], Any]] | None = None) -> None:
        self.store = store
        self._last = last if last is not None else {}

    def annotations(self, documents: Iterable[str], version: str) -> tuple[dict[str, bytes], set[str]]:
        return self.store.annotations(documents, version)

    def holds(self, documents: Iterable[str], version: str) -> set[str]:
        return self.store.holds(documents, version)

    def save_annotations(self, items: dict[str, bytes], version: str) -> None:
        self.store.save_annotations(items, version)

    def decoded(
        self, keys: set[str], version: str, decoder: Callable[[bytes], Kept]
    ) -> tuple[dict[str, Kept], set[str]]:
        last = self._last.get(decoder, {})
        # Only what this store keeps is read back, remembered or not: a store that lacks an entry
        # (another file, an entry lost) has it made again, and kept.
        held = self.store.holds(keys & {key for v, key in last if v == version}, version)
        found = {key: last[(version, key)] for key in held}
        blobs, stale = self.store.annotations(keys - found.keys(), version)
        found.update(_decoded(blobs, decoder))
        # This version's entries are now this read's; another version's (a story in two languages
        # reads once per language's pipeline) stay.
        kept = {entry: value for entry, value in last.items() if entry[0] != version}
        kept.update(((version, key), value) for key, value in found.items())
        self._last[decoder] = kept
        return found, stale

    def remember(self, values: dict[str, Kept], version: str, decoder: Callable[[bytes], Kept]) -> None:
        """Values just made and kept under these keys (``keep``), remembered with the latest read's."""
        self._last.setdefault(decoder, {}).update(((version, key), value) for key, value in values.items())


def raw_hash(raw: RawDocument, comment_min_paragraphs: int) -> str:
    """What cleaning reads: the whole input as read, and the one setting cleaning takes. Kept cleaned
    documents are filed under ``clean-`` and this hash, beside the annotations."""
    # (the fields as ``dataclasses.astuple`` gives them, all text or None, read one by one: a tenth
    # of the time, which a desk spends on every stored page at every add)
    fields = [getattr(raw, name) for name in _RAW_FIELDS]
    text = json.dumps([*fields, comment_min_paragraphs], ensure_ascii=False)
    return "clean-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_RAW_FIELDS = tuple(f.name for f in dataclasses.fields(RawDocument))


class KeptVectors:
    """Sentence vectors kept in an annotation store (``stages._encoder.VectorMemo``), filed under
    ``vec-`` and a hash of the encoder's name and the text, as float32 bytes."""

    def __init__(self, store: AnnotationStore, version: str, encoder: str) -> None:
        self.store, self.version, self.encoder = store, version, encoder

    def _key(self, text: str) -> str:
        digest = hashlib.sha256(f"{self.encoder}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
        return f"vec-{digest}"

    def vectors(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        keys = {text: self._key(text) for text in texts}
        kept, _ = self.store.annotations(set(keys.values()), self.version)
        found = {}
        for text, key in keys.items():
            blob = kept.get(key)
            if blob is not None and len(blob) % 4 == 0 and blob:  # a damaged entry is encoded again
                found[text] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def keep(self, vectors: dict[str, np.ndarray]) -> None:
        items = {self._key(text): np.asarray(v, dtype=np.float32).tobytes() for text, v in vectors.items()}
        self.store.save_annotations(items, self.version)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _identity(value: Any) -> Any:
    return value


@cache
def _builder(kind: Any) -> Callable[[Any], Any]:
    """A function from plain JSON data to an instance of the annotation type ``kind``, made once per
    type (reading the type hints for every value took most of the time of reading a kept parse)."""
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = {name: _builder(hint) for name, hint in typing.get_type_hints(kind).items()}
        return lambda value: kind(**{name: fields[name](item) for name, item in value.items()})
    origin = typing.get_origin(kind)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _builder(args[0])
            if item is _identity:
                return tuple
            return lambda value: tuple([item(v) for v in value])
        parts = [_builder(a) for a in args]
        return lambda value: tuple([b(v) for b, v in zip(parts, value, strict=True)])
    if origin in (types.UnionType, typing.Union):
        option = _builder(next(a for a in typing.get_args(kind) if a is not type(None)))
        if option is _identity:
            return _identity
        return lambda value: None if value is None else option(value)
    if origin is dict:
        item = _builder(typing.get_args(kind)[1])
        return lambda value: {k: item(v) for k, v in value.items()}
    return _identity  # str, int, float, bool, a Literal


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

    def holds(self, documents: Iterable[str], version: str) -> set[str]:
        here = self._dir(version)
        return {key for key in documents if (here / f"{key}.json.z").is_file()}

    def save_annotations(self, items: dict[str, bytes], version: str) -> None:
        here = self._dir(version)
        here.mkdir(parents=True, exist_ok=True)
        for key, data in items.items():
            partial = here / f"{key}.json.z.part"
            partial.write_bytes(data)
            partial.replace(here / f"{key}.json.z")  # whole files only, even if the process is killed
