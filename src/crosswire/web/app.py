"""A small read-mostly web app over the story store: story list, dossier pages (rendered by the same
``render_html.to_html`` as `crosswire analyze --html`), version history with diffs, the JSON, and an
upload form. Pages are server-rendered and work with JavaScript off. Templates autoescape; story
names only reach URLs percent-encoded; uploads are size- and type-checked and never touch the file
system outside a private temporary folder."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from crosswire.diff import diff
from crosswire.render_html import to_html
from crosswire.settings import Settings
from crosswire.stages.ingest import SUPPORTED
from crosswire.store import open_store
from crosswire.stories import add_to_story

MAX_FILES = 50
_ENV = Environment(loader=PackageLoader("crosswire", "templates"), autoescape=select_autoescape(default=True))


def url(name: str, *parts: str) -> str:
    """A local URL for a story page; the name is percent-encoded so it can never leave the path."""
    return "/stories/" + quote(name, safe="") + "".join("/" + quote(p, safe="") for p in parts)


def create_app(db_path: str | Path, settings: Settings, nlp: Any = None) -> FastAPI:
    """The web app for the store at ``db_path``; ``nlp`` is loaded on the first upload when None."""
    app = FastAPI(title="crosswire", docs_url=None, redoc_url=None, openapi_url=None)
    state: dict[str, Any] = {"nlp": nlp}
    analysis_lock = threading.Lock()
    open_store(db_path).close()  # create and migrate once, before serving

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(_ENV.get_template(template).render(url=url, **context), status_code=status)

    def dossier_page(name: str, number: int | None) -> HTMLResponse:
        store = open_store(db_path)
        try:
            data = store.version(name, number)
            versions = store.versions(name)
        finally:
            store.close()
        if data is None:
            raise HTTPException(404, f"no story {name!r}" + (f" version {number}" if number else ""))
        shown = number or versions[-1].number
        nav = (
            ("All stories", "/"),
            (f"Versions ({len(versions)})", url(name, "versions")),
            ("JSON", url(name) + ".json"),
            ("Add documents", url(name, "upload")),
        )
        return HTMLResponse(to_html(data, nav=nav, title_suffix=f" · {name} v{shown}"))

    @app.exception_handler(HTTPException)
    def _error(request: Request, exc: HTTPException) -> HTMLResponse:
        return page("web_error.html.j2", status=exc.status_code, status_code=exc.status_code, detail=exc.detail)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        store = open_store(db_path)
        try:
            stories = store.stories()
        finally:
            store.close()
        return page("web_index.html.j2", stories=stories, accept=",".join(SUPPORTED))

    @app.get("/stories/{name}.json")
    def story_json(name: str) -> JSONResponse:
        store = open_store(db_path)
        try:
            data = store.version(name)
        finally:
            store.close()
        if data is None:
            raise HTTPException(404, f"no story {name!r}")
        return JSONResponse(data)

    @app.get("/stories/{name}", response_class=HTMLResponse)
    def story(name: str) -> HTMLResponse:
        return dossier_page(name, None)

    @app.get("/stories/{name}/versions/{number}", response_class=HTMLResponse)
    def story_version(name: str, number: int) -> HTMLResponse:
        return dossier_page(name, number)

    @app.get("/stories/{name}/versions", response_class=HTMLResponse)
    def versions(name: str) -> HTMLResponse:
        store = open_store(db_path)
        try:
            infos = store.versions(name)
            dossiers = {v.number: store.version(name, v.number) for v in infos}
        finally:
            store.close()
        if not infos:
            raise HTTPException(404, f"no story {name!r}")
        rows = [(v, diff(dossiers.get(v.number - 1), dossiers[v.number] or {})) for v in reversed(infos)]
        return page("web_versions.html.j2", name=name, rows=rows)

    @app.get("/stories/{name}/upload", response_class=HTMLResponse)
    def upload_form(name: str) -> HTMLResponse:
        return page("web_upload.html.j2", name=name, accept=",".join(SUPPORTED), errors=[])

    @app.post("/stories/{name}/upload")
    async def upload(name: str, files: Annotated[list[UploadFile], File()]) -> RedirectResponse:
        return await _store_upload(name, files)

    @app.post("/upload")
    async def upload_new(story: Annotated[str, Form()], files: Annotated[list[UploadFile], File()]) -> RedirectResponse:
        return await _store_upload(story.strip(), files)

    async def _store_upload(name: str, files: list[UploadFile]) -> RedirectResponse:
        if not name or len(name) > 200:
            raise HTTPException(400, "give the story a name of 1 to 200 characters")
        if len(files) > MAX_FILES:
            raise HTTPException(400, f"at most {MAX_FILES} files per upload")
        accepted, problems = [], []
        for upload_file in files:
            filename = Path(upload_file.filename or "upload.txt").name  # never a path from the client
            if Path(filename).suffix.lower() not in SUPPORTED:
                problems.append(f"{filename}: unsupported type; use {', '.join(SUPPORTED)}")
                continue
            data = await upload_file.read(settings.max_file_bytes + 1)
            if len(data) > settings.max_file_bytes:
                problems.append(f"{filename}: over the {settings.max_file_bytes:,}-byte limit")
                continue
            accepted.append((filename, data))
        if problems and not accepted:
            raise HTTPException(400, "; ".join(problems))
        with analysis_lock:
            if state["nlp"] is None:
                from crosswire.pipeline import load_pipeline

                state["nlp"] = load_pipeline(settings.spacy_model)
            store = open_store(db_path)
            try:
                add_to_story(store, name, accepted, settings, nlp=state["nlp"])
            finally:
                store.close()
        return RedirectResponse(url(name, "versions"), status_code=303)

    return app
