"""A small read-mostly web app over the story store: story list, dossier pages (drawn by the same
``output.html.to_html`` as `crosswire analyze --html`), version history with diffs, the JSON, and an
upload form. Pages are server-rendered and work with JavaScript off.

The app is a route table over one ``Site`` (its store connections, page cache and analysis thread);
``guard`` holds what every request passes through, ``upload`` what a form brings in, ``pages`` the
rendering. It speaks to the core only through ``crosswire.stories`` and ``crosswire.output``.

Hostile input: templates autoescape and every response carries a strict Content-Security-Policy;
story names reach URLs percent-encoded and come back from the raw path segment by segment, so a
name with ``/`` or ``..`` stays one name; uploads are limited in size, count and type, their file
names are reduced to a safe base name, and nothing from a request is used as a file-system path.

Concurrency: readers run in the server's thread pool on pooled SQLite connections (WAL: each query
reads one committed state). A page first reads the story's version list, then numbered versions,
which never change once written, so it shows one committed state; rendered pages are cached by
version. An upload is analysed on one dedicated thread, one analysis at a time, so readers are
served meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import shlex
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from crosswire.errors import CrosswireError, StoreError
from crosswire.models import Dossier
from crosswire.output.html import SCRIPT_HASH
from crosswire.output.json import from_dict
from crosswire.settings import Settings
from crosswire.stories.diff import VersionChanges, diff
from crosswire.stories.service import (
    SUPPORTED,
    AddResult,
    add_to_story,
    load_models,
    remove_from_story,
    version,
)
from crosswire.stories.store import VersionInfo, open_store
from crosswire.web.guard import CSP, Guard, check_origin
from crosswire.web.pages import (
    CACHED_PAGES,
    ENV,
    PageCache,
    StorePool,
    dossier_html,
    dossier_page,
    parse_route,
    url,
)
from crosswire.web.upload import MAX_FILES, check_story_name, read_files

LOG = logging.getLogger("crosswire.web")
MAX_UPLOAD_BYTES = 50_000_000  # one request, all files together


@dataclass(frozen=True, slots=True)
class Notice:
    """What an upload or a removal came to, in words: a line, then the files it concerns."""

    title: str
    lines: tuple[str, ...] = ()

    @classmethod
    def of(cls, result: AddResult, existed: bool = False, refused: Sequence[str] = ()) -> Notice:
        """What ``result`` came to; ``existed``: the new-story form's story was stored already;
        ``refused``: the files of the upload not taken, each with its reason."""
        lines = [f"refused {problem}; not stored" for problem in refused]
        lines += [error.line for error in result.said()]
        if existed:
            story = result.story
            said = f"a story named {story!r} was stored already: these files were added to it"
            lines.insert(0, said)
        if failing := result.still_failing():
            stored = ", ".join(failing)
            said = f"still failing, stored earlier: {stored} (the upload page takes them out)"
            lines.append(said)
        if result.version is None:
            nothing = "Nothing new: the story holds every one of these files; no version was made"
            return cls(nothing, tuple(lines))
        if result.removed:
            done = f"Took out {', '.join(result.removed)}"
        else:
            done = f"Added {len(result.added)} document(s): {', '.join(result.added) or 'none new'}"
        if result.resumed:
            done += f", and analysed {len(result.resumed)} stored by another upload"
        later = "" if result.dossier is not None else " (another upload's, made meanwhile)"
        return cls(f"{done}. Version {result.version}{later} is the latest.", tuple(lines))


NOTICES_KEPT = 64  # what uploads came to, kept until their versions page is looked at
MAX_WAITING_UPLOADS = 4  # uploads accepted at once, the running analysis included; more are told to retry
# Versions whose changes the versions page works out when they were not stored with them (made by a
# fresh process, or by a crosswire before 2026-12-07): the latest so many, each from two dossiers.
WORKED_OUT = 10
WORKED_KEPT = 10_000  # versions' changes kept once worked out (a few lines each)
DRAW_WAIT = 30.0  # seconds a view waits for its story's new page being drawn after an upload


class Site:
    """What the pages share: pooled store connections for readers, rendered pages, and the one
    analysis thread (with its spaCy pipeline, loaded on the first upload) that writes."""

    def __init__(self, db_path: str | Path, settings: Settings, nlp: Any = None) -> None:
        self.db_path, self.settings, self.nlp = db_path, settings, nlp
        self.stores = StorePool(db_path)
        self.pages = PageCache(CACHED_PAGES)
        self.worked = PageCache(WORKED_KEPT)  # versions' changes worked out (``changes``)
        self.working = threading.Lock()  # held while they are worked out
        self.drawing: dict[str, threading.Event] = {}  # stories whose new page is being drawn
        self.analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crosswire-analysis")
        self.waiting = 0  # uploads accepted and not yet analysed (changed on the event loop only)
        # What an upload or a removal came to (the files stored, the failures, or that nothing was
        # new), by a token the answer's link to the versions page carries: shown once, to the one
        # who sent it, not to whoever looks at the story next. The latest NOTICES_KEPT are kept.
        self.notices: dict[str, tuple[str, Notice]] = {}
        self.noticing = threading.Lock()  # (set on the event loop, taken on the page threads)

    def close(self) -> None:
        # (requests have ended: what is queued is pages drawn ahead of their views, not needed)
        self.analysis.shutdown(wait=True, cancel_futures=True)
        self.stores.close()

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(ENV.get_template(template).render(url=url, **context), status_code=status)

    def load(self, name: str, number: int) -> dict[str, Any]:
        with self.stores.reading() as store:
            data = store.version(name, number)
        if data is None:
            raise HTTPException(404, f"no story {name!r} version {number}")
        return data

    # Pages (GET), by the view ``parse_route`` reads off the path.

    def index(self) -> HTMLResponse:
        with self.stores.reading() as store:
            stories = store.stories()
        return self.page("web_index.html.j2", stories=stories, accept=",".join(SUPPORTED))

    def json(self, name: str, number: int | None) -> Response:
        with self.stores.reading() as store:
            versions = store.versions(name)
        if not versions:
            raise HTTPException(404, f"no story {name!r}")
        found = [v for v in versions if v.number == number] if number else versions[-1:]
        if not found:
            said = f"no version {number} of story {name!r} (it has 1 to {len(versions)})"
            raise HTTPException(404, said)
        shown = found[0]

        def body() -> bytes:
            return bytes(JSONResponse(self.load(name, shown.number)).body)

        return Response(self.pages.get(("json", name, shown), body), media_type="application/json")

    def dossier(self, name: str, number: int | None) -> HTMLResponse:
        # The version list first, then that exact version: numbered versions never change, so the
        # page and its "Versions (n)" link come from one committed state even while one is added.
        drawing = self.drawing.get(name)
        if drawing is not None:  # (an upload's page being drawn: not drawn twice at once)
            drawing.wait(DRAW_WAIT)
        with self.stores.reading() as store:
            versions = store.versions(name)
        found = [v for v in versions if v.number == number] if number else versions[-1:]
        if not found:
            raise HTTPException(404, f"no story {name!r}" + (f" version {number}" if number else ""))
        shown = found[0]
        key, title, nav = _dossier_view(name, shown, versions)
        html = self.pages.get(key, lambda: dossier_html(self.load(name, shown.number), title, nav))
        response = HTMLResponse(html)
        response.headers["content-security-policy"] = f"{CSP}; script-src '{SCRIPT_HASH}'"
        return response

    def prerender(self, name: str, result: AddResult) -> None:
        """The story's page of the version an upload or a removal just made, drawn from the dossier
        the analysis made (the page the store's copy gives, to the byte) and kept for the view that
        follows: a 1,000-article story's takes about 4 s to read back and draw. Runs on the
        analysis thread after the change is answered; if the version is no longer the latest, or
        anything fails, the page is drawn when asked for, as before. While it is drawn, a view of
        the story waits for it (``drawing``, ``dossier``)."""
        dossier = result.dossier
        drawn: threading.Event | None = None
        try:
            if dossier is None:  # (nothing saved, or another add's analysis of more documents was)
                return
            with self.stores.reading() as store:
                versions = store.versions(name)
            if not versions or versions[-1].number != result.version:
                return
            # Pages of the story's earlier states (their keys count fewer versions) can no longer
            # be asked for: let go of them first.
            self.pages.drop(lambda key: key[1:2] == (name,) and _stale(key, versions))
            key, title, nav = _dossier_view(name, versions[-1], versions)
            drawn = self.drawing[name] = threading.Event()  # (from now on, not while queued)
            self.pages.get(key, lambda: dossier_page(dossier, version(), title, nav))
        except Exception:  # noqa: BLE001 (the page is drawn when asked for, as before)
            LOG.exception("could not draw the new page of story %r ahead of its view", name)
        finally:
            if drawn is not None:
                self.drawing.pop(name, None)
                drawn.set()

    def versions(self, name: str, number: int | None, token: str | None = None) -> HTMLResponse:
        """The story's versions and what each changed; ``token``: an upload's or a removal's, whose
        notice the page shows (once)."""
        with self.stores.reading() as store:
            infos = store.versions(name)
            kept = store.changes(name)
        if not infos:
            raise HTTPException(404, f"no story {name!r}")
        notice = self.notice(name, token) if token else None

        def render(notice: Notice | None = None) -> str:
            found = self.changes(name, infos, kept)
            rows = [(v, found.get(v.number)) for v in reversed(infos)]
            # (for changes it does not show; "--story=" takes a name that begins with "-" too)
            db = shlex.quote(f"--db={Path(self.db_path).resolve()}")
            command = f"crosswire diff {db} {shlex.quote(f'--story={name}')}"
            page = ENV.get_template("web_versions.html.j2")
            shown = {"rows": rows, "command": command, "worked_out": WORKED_OUT, "notice": notice}
            return page.render(url=url, name=name, **shown)

        if notice is not None:  # (shown once: not kept with the page)
            return HTMLResponse(render(notice))
        return HTMLResponse(self.pages.get(("versions", name, tuple(infos)), render))

    def notice(self, name: str, token: str) -> Notice | None:
        """What the upload or removal of ``token`` came to, if it was one to story ``name``; then
        let go (it is shown once)."""
        with self.noticing:
            told = self.notices.get(token)
            if told is None or told[0] != name:
                return None
            del self.notices[token]
        return told[1]

    def changes(
        self, name: str, infos: list[VersionInfo], kept: dict[int, dict[str, Any]]
    ) -> dict[int, VersionChanges]:
        """What each version changed since the one before it: as stored with it, else worked out
        from the two dossiers for the latest ``WORKED_OUT`` such versions, newest first, two
        dossiers held at a time (a 1,000-article story's takes about 1.6 s to read back and 0.1 GB
        to hold; until 2026-12-07 every version's was read, and held, at every view of the page)."""
        found: dict[int, VersionChanges] = {}
        for number, record in kept.items():
            with contextlib.suppress(ValueError):  # (a damaged record: worked out as if not kept)
                found[number] = VersionChanges.from_dict(record)
        numbers = {v.number for v in infos}
        held: dict[int, Dossier] = {}  # the one read last: the next, older, version's "after"

        def read(number: int) -> Dossier:
            return from_dict(self.load(name, number), f"{name} v{number}")

        def work_out(number: int) -> VersionChanges:
            after = held.pop(number) if number in held else read(number)
            held.clear()
            before = read(number - 1) if number - 1 in numbers else None
            if before is not None:
                held[number - 1] = before
            return VersionChanges.of(diff(before, after))

        missing = [v for v in reversed(infos) if v.number not in found][:WORKED_OUT]
        if not missing:
            return found
        with self.working:  # (views at once: one works them out, the others find them kept)
            for info in missing:
                key = ("changes", name, info.number, info.created)
                found[info.number] = self.worked.get(key, functools.partial(work_out, info.number))
        return found

    def upload_form(self, name: str, number: int | None) -> HTMLResponse:
        with self.stores.reading() as store:
            documents = [d.name for d in store.documents(name)]
        return self.page("web_upload.html.j2", name=name, accept=",".join(SUPPORTED), documents=documents)

    # Changes (POST): an upload or a removal, analysed on the analysis thread.

    async def receive_upload(self, request: Request, name: str | None) -> Response:
        check_origin(request)
        from_new = name is None  # (the form for a new story)
        try:
            async with request.form(max_files=MAX_FILES, max_fields=10) as form:
                story = form.get("story") if name is None else name
                name = check_story_name(story if isinstance(story, str) else "")
                uploads = form.getlist("files")
                if not uploads:
                    raise HTTPException(400, "choose at least one file to upload")
                files, refused = await read_files(uploads, self.settings.max_file_bytes)
        except HTTPException as exc:
            if exc.status_code == 400 and str(exc.detail).startswith("Too many files"):
                raise HTTPException(400, f"at most {MAX_FILES} files per upload; split it into several") from exc
            raise
        existed = False
        if from_new:
            with self.stores.reading() as store:
                existed = bool(store.versions(name))
        return await self.queued(add_to_story, name, files, existed, refused)

    async def receive_removal(self, request: Request, name: str) -> Response:
        check_origin(request)
        try:
            async with request.form(max_files=0, max_fields=MAX_FILES) as form:
                names = [n for n in form.getlist("names") if isinstance(n, str)]
        except HTTPException as exc:
            if exc.status_code == 400 and str(exc.detail).startswith("Too many fields"):
                said = f"take out at most {MAX_FILES} documents at a time; tick fewer and repeat"
                raise HTTPException(400, said) from exc
            raise
        if not names:
            raise HTTPException(400, "tick at least one document to take out")
        return await self.queued(remove_from_story, name, names)

    async def queued(
        self,
        change: Callable[..., Any],
        name: str,
        items: list[Any],
        existed: bool = False,
        refused: list[str] | None = None,
    ) -> Response:
        """Run an upload or a removal on the analysis thread, then show the story's versions and
        what it came to (``existed``: an upload from the form for a new story, to one stored;
        ``refused``: the files of the upload not taken, each with its reason)."""
        if self.waiting >= MAX_WAITING_UPLOADS:
            raise HTTPException(503, "other uploads are being analysed; try again in a minute")
        self.waiting += 1
        try:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(self.analysis, self.analyse, change, name, items)
        except CrosswireError as exc:
            raise HTTPException(400, str(exc)) from exc
        finally:
            self.waiting -= 1
        self.analysis.submit(self.prerender, name, result)  # (this answer does not wait for it)
        token = secrets.token_urlsafe(12)
        with self.noticing:
            self.notices[token] = (name, Notice.of(result, existed, refused or []))
            while len(self.notices) > NOTICES_KEPT:
                del self.notices[next(iter(self.notices))]  # (the oldest, never looked at)
        return RedirectResponse(url(name, "versions") + f"?notice={token}", status_code=303)

    def analyse(self, change: Callable[..., AddResult], name: str, items: list[Any]) -> AddResult:
        """Runs on the single analysis thread: one analysis at a time, readers unaffected."""
        if self.nlp is None:
            self.nlp = load_models(self.settings)
        store = open_store(self.db_path)
        try:
            return change(store, name, items, self.settings, nlp=self.nlp, read_back=True)
        finally:
            store.close()


def _stale(key: tuple[Any, ...], versions: list[VersionInfo]) -> bool:
    """Whether a kept page of a story was drawn before its latest version (``versions``): its key
    counts other versions (a dossier page's "Versions (n)" link, the versions page) or names
    another version than the latest (a JSON: an earlier version's is let go too, and read again
    when asked for)."""
    kind = key[0]
    if kind == "dossier":
        return bool(key[3] != len(versions))
    if kind == "versions":
        return len(key[2]) != len(versions)
    return kind == "json" and key[2] != versions[-1]


def _dossier_view(
    name: str, shown: VersionInfo, versions: list[VersionInfo]
) -> tuple[tuple[Any, ...], str, tuple[tuple[str, str], ...]]:
    """A version's page as ``Site.dossier`` serves it and ``Site.prerender`` draws it ahead: its key
    in the page cache, its title and the links above it."""
    latest = shown == versions[-1]
    which = f"Version {shown.number} of {len(versions)}: see the latest"
    earlier = () if latest else ((which, url(name)),)
    nav = (
        *earlier,
        ("All stories", "/"),
        (f"Versions ({len(versions)})", url(name, "versions")),
        ("JSON", url(name) + ".json" if latest else url(name, "versions", f"{shown.number}.json")),
        ("Add documents", url(name, "upload")),
    )
    return ("dossier", name, shown, len(versions)), f"{name} v{shown.number}", nav


# The route table: a story's path names a view (``pages.parse_route``); each view is one Site method.
STORY_PAGES: dict[str, Callable[[Site, str, int | None], Response]] = {
    "json": Site.json,
    "story": Site.dossier,
    "version": Site.dossier,
    "versions": Site.versions,
    "upload": Site.upload_form,
    "remove": Site.upload_form,  # the removal form is on the upload page
}
STORY_CHANGES: dict[str, Callable[[Site, Request, str], Awaitable[Response]]] = {
    "upload": Site.receive_upload,
    "remove": Site.receive_removal,
}


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
    site = Site(db_path, settings, nlp)
    open_store(db_path).close()  # create and migrate once, before serving

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        site.close()

    app = FastAPI(title="crosswire", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(Guard, max_body=max_upload_bytes, allowed_hosts=allowed_hosts)
    app.state.site = site  # (what the pages share, for a caller that waits on its analysis thread)

    @app.exception_handler(HTTPException)
    def error_page(request: Request, exc: HTTPException) -> HTMLResponse:
        return site.page("web_error.html.j2", status=exc.status_code, status_code=exc.status_code, detail=exc.detail)

    @app.exception_handler(StoreError)
    def store_error_page(request: Request, exc: StoreError) -> HTMLResponse:
        # (a store the page cannot read, e.g. a damaged version: what is wrong and what to do, not
        # the "please report it" of a bug)
        return site.page("web_error.html.j2", status=500, status_code=500, detail=str(exc))

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return site.index()

    @app.get("/stories/{rest:path}")
    def story_page(request: Request) -> Response:
        name, view, number = parse_route(request)
        if view == "versions":  # (where an upload leads: with the token of what it came to)
            return site.versions(name, number, request.query_params.get("notice"))
        return STORY_PAGES[view](site, name, number)

    @app.post("/stories/{rest:path}")
    async def story_change(request: Request) -> Response:
        name, view, _ = parse_route(request)
        if view not in STORY_CHANGES:
            raise HTTPException(405, "only the upload page takes a POST")
        return await STORY_CHANGES[view](site, request, name)

    @app.post("/upload")
    async def upload_new(request: Request) -> Response:
        return await site.receive_upload(request, None)

    return app
