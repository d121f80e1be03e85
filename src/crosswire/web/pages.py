"""The pages: local URLs for stories, the routes a story's path names, rendering (the dossier page is
``output.html.to_html`` over the stored JSON read back into a Dossier, as `crosswire analyze --html`
draws it), a cache of rendered pages and a pool of store connections for readers."""

from __future__ import annotations

import queue
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from fastapi import Request
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from crosswire.models import Dossier
from crosswire.output.html import counted, to_html, words
from crosswire.output.json import from_dict
from crosswire.stories.store import Store, open_store

CACHED_PAGES = 32  # rendered pages kept; a numbered version never changes, so neither does its page
CACHED_BYTES = 256_000_000  # and at most so many bytes of them (see ``PageCache``)


def when(stamp: str) -> str:
    """A stored ISO time as a reader reads it: ``2025-03-18 09:40 UTC``."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    offset = moment.utcoffset()
    zone = "" if offset is None else " UTC" if offset == timedelta(0) else moment.strftime(" UTC%z")
    return moment.strftime("%Y-%m-%d %H:%M") + zone


ENV = Environment(loader=PackageLoader("crosswire", "templates"), autoescape=select_autoescape(default=True))
ENV.filters["words"] = words
ENV.filters["counted"] = counted
ENV.globals["when"] = when


def dossier_html(stored: dict[str, Any], name: str, nav: tuple[tuple[str, str], ...]) -> str:
    """A stored version's page: its JSON read back into a Dossier, drawn as `crosswire analyze --html` draws it."""
    version = str(stored.get("generator", {}).get("version", "0"))
    return dossier_page(from_dict(stored, name), version, name, nav)


def dossier_page(
    dossier: Dossier,
    version: str,
    name: str,
    nav: tuple[tuple[str, str], ...],
) -> str:
    """A version's page from its dossier (``version``: the crosswire that made it)."""
    return to_html(dossier, version, nav=nav, title_suffix=f" · {name}")


def url(name: str, *parts: str) -> str:
    """A local URL for a story page; the name is percent-encoded so it can never leave its segment."""
    segment = quote(name, safe="")
    if segment.endswith(".json"):  # a story called "x.json" must not be read as the JSON of "x"
        segment = segment[: -len(".json")] + "%2Ejson"
    return "/stories/" + segment + "".join("/" + quote(p, safe="") for p in parts)


_VERSION_JSON = re.compile(r"[0-9]{1,9}\.json")  # a version's JSON: /stories/NAME/versions/N.json


def parse_route(request: Request) -> tuple[str, str, int | None]:
    """(story name, view, version number) from the raw path, each segment decoded on its own."""
    raw = request.scope.get("raw_path") or quote(request.url.path).encode("ascii")
    path = raw.decode("latin-1")
    if not path.startswith("/stories/"):
        raise HTTPException(404, "no such page")
    segments = path[len("/stories/") :].split("/")
    view, number = "story", None
    if len(segments) == 1 and segments[0].endswith(".json"):
        view, segments[0] = "json", segments[0][: -len(".json")]
    elif segments[1:] in (["versions"], ["upload"], ["remove"]):
        view = segments[1]
    elif len(segments) == 3 and segments[1] == "versions" and re.fullmatch(r"[0-9]{1,9}", segments[2]):
        view, number = "version", int(segments[2])
    elif len(segments) == 3 and segments[1] == "versions" and _VERSION_JSON.fullmatch(segments[2]):
        view, number = "json", int(segments[2][: -len(".json")])  # (a version's JSON)
    elif len(segments) != 1:
        raise HTTPException(404, "no such page")
    try:  # latin-1 above kept the raw bytes one to one; a name may arrive percent-encoded or as raw UTF-8
        name = unquote_to_bytes(segments[0].encode("latin-1")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(404, "no such page: the story name is not valid UTF-8") from exc
    if not name or number == 0:
        raise HTTPException(404, "no such page")
    return name, view, number


class PageCache:
    """Rendered pages by what they were rendered from (story, version number and date, count): at
    most ``size`` of them, and of pages (``str``) and bodies (``bytes``) at most ``budget`` bytes
    together, the least recently asked for let go first. A page larger than the budget is served,
    not kept. (A 1,000-article story's page is 26 million characters, 52 MB, and its JSON 37 MB:
    a desk that opens the story after each add kept one more of them at every add, up to ``size``.)
    ``drop`` lets go of pages no request can ask for any more."""

    def __init__(self, size: int, budget: int = CACHED_BYTES) -> None:
        self._size, self._budget = size, budget
        self._pages: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._held = 0  # bytes of the pages kept (``_weight``)
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        value = make()  # outside the lock: two readers may render the same page once each
        weight = _weight(value)
        if weight > self._budget:
            return value
        with self._lock:
            if key in self._pages:  # (made twice at once: the first kept stands)
                return self._pages[key]
            self._pages[key] = value
            self._held += weight
            while len(self._pages) > self._size or self._held > self._budget:
                _, dropped = self._pages.popitem(last=False)
                self._held -= _weight(dropped)
        return value

    def drop(self, stale: Callable[[tuple[Any, ...]], bool]) -> None:
        """Let go of the pages whose key is ``stale``."""
        with self._lock:
            for key in [key for key in self._pages if stale(key)]:
                self._held -= _weight(self._pages.pop(key))


def _weight(value: Any) -> int:
    """What a kept page counts against the budget: the bytes Python holds it in, for text (one to
    four a character: a dossier page's ✓ and curly quotes make it two) or bytes; else nothing."""
    return sys.getsizeof(value) if isinstance(value, str | bytes) else 0


class StorePool:
    """Store connections reused across requests (opening one migrates, which takes the write lock).
    A connection serves one request at a time; in autocommit mode each query sees the latest commit."""

    def __init__(self, path: str | Path) -> None:
        self._path = path
        self._idle: queue.SimpleQueue[Store] = queue.SimpleQueue()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = open_store(self._path)
        try:
            yield store
        finally:
            self._idle.put(store)

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
