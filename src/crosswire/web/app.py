"""A small read-mostly web app over the story store: story list, dossier pages (rendered by the same
``render_html.to_html`` as `crosswire analyze --html`), version history with diffs, the JSON, and an
upload form. Pages are server-rendered and work with JavaScript off.

Hostile input: templates autoescape and every response carries a strict Content-Security-Policy;
story names reach URLs percent-encoded and come back from the raw path segment by segment, so a
name with ``/`` or ``..`` stays one name; uploads are limited in size, count and type, their file
names are reduced to a safe base name, and nothing from a request is used as a file-system path.
The app answers only to IP addresses and ``localhost`` in the Host header (DNS rebinding) and takes
uploads only from its own pages (cross-site form posts).

Concurrency: readers run in the server's thread pool on pooled SQLite connections (WAL: each query
reads one committed state). A page first reads the story's version list, then numbered versions,
which never change once written, so it shows one committed state; rendered pages are cached by
version. An upload is analysed on one dedicated thread, one analysis at a time, so readers are
served meanwhile.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import queue
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import Headers, MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crosswire.errors import CrosswireError, InputError
from crosswire.output.html import SCRIPT_HASH, to_html
from crosswire.output.json import from_dict
from crosswire.settings import Settings
from crosswire.stories.diff import diff
from crosswire.stories.service import (
    ACCEPTED_SUFFIXES,
    TABLE_SUFFIXES,
    add_to_story,
    is_binary,
    load_models,
    remove_from_story,
)
from crosswire.stories.service import check_story_name as _check_name
from crosswire.stories.store import Store, open_store

MAX_FILES = 50
MAX_UPLOAD_BYTES = 50_000_000  # one request, all files together
MAX_WAITING_UPLOADS = 4  # uploads accepted at once, the running analysis included; more are told to retry
MAX_FILE_NAME_CHARS = 120
BODY_IDLE_SECONDS = 10.0  # longest wait for the next part of a request body
BODY_SECONDS = 30.0  # a request body must arrive within this, plus a second for every BODY_RATE bytes
BODY_RATE = 100_000
CACHED_PAGES = 32  # rendered pages kept; a numbered version never changes, so neither does its page
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null" on posts
    "cross-origin-resource-policy": "same-origin",
}
LOG = logging.getLogger("crosswire.web")
_ENV = Environment(loader=PackageLoader("crosswire", "templates"), autoescape=select_autoescape(default=True))


def _page(stored: dict[str, Any], name: str, nav: tuple[tuple[str, str], ...]) -> str:
    """A stored version's page: its JSON read back into a Dossier, drawn as `crosswire analyze --html` draws it."""
    version = str(stored.get("generator", {}).get("version", "0"))
    return to_html(from_dict(stored, name), version, nav=nav, title_suffix=f" · {name}")


def url(name: str, *parts: str) -> str:
    """A local URL for a story page; the name is percent-encoded so it can never leave its segment."""
    segment = quote(name, safe="")
    if segment.endswith(".json"):  # a story called "x.json" must not be read as the JSON of "x"
        segment = segment[: -len(".json")] + "%2Ejson"
    return "/stories/" + segment + "".join("/" + quote(p, safe="") for p in parts)


def safe_file_name(raw: str | None) -> str:
    """The base name of a client's file name: no directories (either slash), no control or
    direction characters, no leading dots, at most MAX_FILE_NAME_CHARS characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())
    while name != (trimmed := name.strip().lstrip(".")):  # ". .hidden" -> "hidden", not ".hidden"
        name = trimmed
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:16]
    stem = stem[: MAX_FILE_NAME_CHARS - len(suffix) - 1] or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def check_story_name(name: str) -> str:
    """The story name from a form, as ``stories.check_story_name`` takes it, or a 400."""
    try:
        return _check_name(name)
    except InputError as exc:
        raise HTTPException(400, exc.reason) from exc


def create_app(
    db_path: str | Path,
    settings: Settings,
    nlp: Any = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    allowed_hosts: tuple[str, ...] = (),
) -> FastAPI:
    """The web app for the store at ``db_path``; ``nlp`` is loaded on the first upload when None.

    ``allowed_hosts`` are host names (besides IP addresses and ``localhost``) the app answers to.
    """
    stores = _StorePool(db_path)
    pages = _PageCache(CACHED_PAGES)
    analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crosswire-analysis")
    state: dict[str, Any] = {"nlp": nlp, "waiting": 0}
    open_store(db_path).close()  # create and migrate once, before serving

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        analysis.shutdown(wait=True)
        stores.close()

    app = FastAPI(title="crosswire", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(_Guard, max_body=max_upload_bytes, allowed_hosts=allowed_hosts)

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(_ENV.get_template(template).render(url=url, **context), status_code=status)

    @app.exception_handler(HTTPException)
    def _error(request: Request, exc: HTTPException) -> HTMLResponse:
        return page("web_error.html.j2", status=exc.status_code, status_code=exc.status_code, detail=exc.detail)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        with stores.reading() as store:
            stories = store.stories()
        return page("web_index.html.j2", stories=stories, accept=",".join(ACCEPTED_SUFFIXES))

    @app.get("/stories/{rest:path}")
    def story_get(request: Request) -> Response:
        name, view, number = _route(request)
        if view == "json":
            with stores.reading() as store:
                versions = store.versions(name)
            if not versions:
                raise HTTPException(404, f"no story {name!r}")
            latest = versions[-1]
            body = pages.get(("json", name, latest), lambda: JSONResponse(load(name, latest.number)).body)
            return Response(body, media_type="application/json")
        if view in ("story", "version"):
            return dossier_page(name, number)
        if view == "versions":
            return versions_page(name)
        with stores.reading() as store:
            documents = [d.name for d in store.documents(name)]
        return page("web_upload.html.j2", name=name, accept=",".join(ACCEPTED_SUFFIXES), documents=documents)

    def load(name: str, number: int) -> dict[str, Any]:
        with stores.reading() as store:
            data = store.version(name, number)
        if data is None:
            raise HTTPException(404, f"no story {name!r} version {number}")
        return data

    @app.post("/stories/{rest:path}")
    async def story_post(request: Request) -> Response:
        name, view, _ = _route(request)
        if view == "remove":
            return await receive_removal(request, name)
        if view != "upload":
            raise HTTPException(405, "only the upload page takes a POST")
        return await receive_upload(request, name)

    @app.post("/upload")
    async def upload_new(request: Request) -> Response:
        return await receive_upload(request, None)

    def dossier_page(name: str, number: int | None) -> HTMLResponse:
        # The version list first, then that exact version: numbered versions never change, so the
        # page and its "Versions (n)" link come from one committed state even while one is added.
        with stores.reading() as store:
            versions = store.versions(name)
        found = [v for v in versions if v.number == number] if number else versions[-1:]
        if not found:
            raise HTTPException(404, f"no story {name!r}" + (f" version {number}" if number else ""))
        shown = found[0]
        nav = (
            ("All stories", "/"),
            (f"Versions ({len(versions)})", url(name, "versions")),
            ("JSON", url(name) + ".json"),
            ("Add documents", url(name, "upload")),
        )
        html = pages.get(
            ("dossier", name, shown, len(versions)),
            lambda: _page(load(name, shown.number), f"{name} v{shown.number}", nav),
        )
        response = HTMLResponse(html)
        response.headers["content-security-policy"] = f"{CSP}; script-src '{SCRIPT_HASH}'"
        return response

    def versions_page(name: str) -> HTMLResponse:
        with stores.reading() as store:
            infos = store.versions(name)
        if not infos:
            raise HTTPException(404, f"no story {name!r}")

        def render() -> str:
            dossiers = {v.number: from_dict(load(name, v.number), f"{name} v{v.number}") for v in infos}
            rows = [(v, diff(dossiers.get(v.number - 1), dossiers[v.number])) for v in reversed(infos)]
            return _ENV.get_template("web_versions.html.j2").render(url=url, name=name, rows=rows)

        return HTMLResponse(pages.get(("versions", name, tuple(infos)), render))

    async def receive_upload(request: Request, name: str | None) -> Response:
        _check_origin(request)
        try:
            async with request.form(max_files=MAX_FILES, max_fields=10) as form:
                story = form.get("story") if name is None else name
                name = check_story_name(story if isinstance(story, str) else "")
                uploads = form.getlist("files")
                if not uploads:
                    raise HTTPException(400, "choose at least one file to upload")
                files = await _read_files(uploads, settings.max_file_bytes)
        except HTTPException as exc:
            if exc.status_code == 400 and str(exc.detail).startswith("Too many files"):
                raise HTTPException(400, f"at most {MAX_FILES} files per upload; split it into several") from exc
            raise
        return await queued(add_to_story, name, files)

    async def receive_removal(request: Request, name: str) -> Response:
        _check_origin(request)
        async with request.form(max_files=0, max_fields=MAX_FILES) as form:
            names = [n for n in form.getlist("names") if isinstance(n, str)]
        if not names:
            raise HTTPException(400, "tick at least one document to take out")
        return await queued(remove_from_story, name, names)

    async def queued(change: Callable[..., Any], name: str, items: list[Any]) -> Response:
        """Run an upload or a removal on the analysis thread, then show the story's versions."""
        if state["waiting"] >= MAX_WAITING_UPLOADS:
            raise HTTPException(503, "other uploads are being analysed; try again in a minute")
        state["waiting"] += 1
        try:
            await asyncio.get_running_loop().run_in_executor(analysis, analyse, change, name, items)
        except CrosswireError as exc:
            raise HTTPException(400, str(exc)) from exc
        finally:
            state["waiting"] -= 1
        return RedirectResponse(url(name, "versions"), status_code=303)

    def analyse(change: Callable[..., Any], name: str, items: list[Any]) -> None:
        """Runs on the single analysis thread: one analysis at a time, readers unaffected."""
        if state["nlp"] is None:
            state["nlp"] = load_models(settings)
        store = open_store(db_path)
        try:
            change(store, name, items, settings, nlp=state["nlp"])
        finally:
            store.close()

    return app


def _route(request: Request) -> tuple[str, str, int | None]:
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
    elif len(segments) != 1:
        raise HTTPException(404, "no such page")
    try:  # latin-1 above kept the raw bytes one to one; a name may arrive percent-encoded or as raw UTF-8
        name = unquote_to_bytes(segments[0].encode("latin-1")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPException(404, "no such page: the story name is not valid UTF-8") from exc
    if not name or number == 0:
        raise HTTPException(404, "no such page")
    return name, view, number


async def _read_files(uploads: list[UploadFile | str], max_bytes: int) -> list[tuple[str, bytes]]:
    """The uploaded files as (safe name, bytes); any refused file refuses the whole upload."""
    files, problems, statuses = [], [], set()
    for upload in uploads:
        if not isinstance(upload, UploadFile):
            problems.append("'files' must be files, not text")
            statuses.add(400)
            continue
        name = safe_file_name(upload.filename)
        suffix = Path(name).suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            problems.append(f"{name}: unsupported type {suffix or '(none)'}; use {', '.join(ACCEPTED_SUFFIXES)}")
            statuses.add(415)
            continue
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            problems.append(f"{name}: over the {max_bytes:,}-byte limit for one file")
            statuses.add(413)
        elif not data.strip():
            problems.append(f"{name}: the file is empty")
            statuses.add(400)
        elif suffix not in TABLE_SUFFIXES and is_binary(data):
            problems.append(f"{name}: looks binary, not a {suffix} text file")
            statuses.add(415)
        else:
            files.append((name, data))
    if problems:
        status = statuses.pop() if len(statuses) == 1 else 400
        raise HTTPException(status, "nothing was added: " + "; ".join(problems))
    return files


def _check_origin(request: Request) -> None:
    """Refuse posts from other sites: a page elsewhere must not add documents to this store."""
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    if origin == "null":  # an opaque origin: only trust it when the browser says the post is same-origin
        foreign = site != "same-origin"
    else:
        foreign = origin is not None and urlsplit(origin).netloc != request.headers.get("host")
    if foreign or site not in (None, "same-origin", "none"):
        raise HTTPException(403, f"uploads are taken only from crosswire's own pages, not from {origin or site}")


def _host_allowed(host: str | None, allowed: tuple[str, ...]) -> bool:
    if not host:
        return True
    try:
        name = urlsplit("//" + host).hostname or ""
    except ValueError:  # "[" or "[::1": not a host at all
        return False
    if name == "localhost" or name in {a.lower() for a in allowed}:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _PageCache:
    """Rendered pages by what they were rendered from (story, version number and date, count)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._pages: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        value = make()  # outside the lock: two readers may render the same page once each
        with self._lock:
            self._pages[key] = value
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)
        return value


class _StorePool:
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


class _Guard:
    """ASGI middleware: Host check, request-size limit, a deadline for request bodies, security headers
    on every response (errors included), one log line for a client that went away."""

    def __init__(self, app: ASGIApp, max_body: int, allowed_hosts: tuple[str, ...]) -> None:
        self.app, self.max_body, self.allowed_hosts = app, max_body, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
            await send(message)

        headers = Headers(scope=scope)
        host = headers.get("host")
        if not _host_allowed(host, self.allowed_hosts):
            message = (
                f"crosswire answers only to IP addresses and localhost, not to {host!r} "
                "(a guard against DNS rebinding); open it by address, e.g. http://127.0.0.1:8000/"
            )
            await PlainTextResponse(message, status_code=400)(scope, receive, send_with_headers)
            return
        where = f"{scope.get('method')} {scope.get('path')}"
        try:
            await self.app(scope, self._limited(receive, headers.get("content-length", "0")), send_with_headers)
        except ClientDisconnect:
            LOG.warning("client went away before %s was read; nothing was stored", where)
        except Exception:
            LOG.exception("internal error serving %s", where)  # a bug: the traceback is the report
            if not started:
                text = "internal error in crosswire (logged on the server); please report it"
                await PlainTextResponse(text, status_code=500)(scope, receive, send_with_headers)

    def _limited(self, receive: Receive, declared: str) -> Receive:
        """``receive`` for the request body: at most ``max_body`` bytes, each part within
        BODY_IDLE_SECONDS, the whole within BODY_SECONDS plus a second per BODY_RATE bytes declared."""
        if not declared.isdigit() or int(declared) > self.max_body:
            too_big = f"an upload is at most {self.max_body:,} bytes; this one is {declared}"
        else:
            too_big = ""
        deadline = asyncio.get_running_loop().time() + BODY_SECONDS + int(declared or 0) / BODY_RATE
        received, complete = 0, False

        async def limited_receive() -> Message:
            nonlocal received, complete
            if too_big:
                raise HTTPException(413, too_big)
            if complete:  # the body is read: what comes next is a disconnect, whenever it comes
                return await receive()
            wait = min(BODY_IDLE_SECONDS, deadline - asyncio.get_running_loop().time())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.0))
            except TimeoutError as exc:
                raise HTTPException(408, "the upload arrived too slowly and was dropped; send it again") from exc
            received += len(message.get("body", b""))
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            if received > self.max_body:
                raise HTTPException(413, f"an upload is at most {self.max_body:,} bytes; split it")
            return message

        return limited_receive
