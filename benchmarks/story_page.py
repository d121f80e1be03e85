"""A large story's page: the web app's dossier page for a stored synthetic story, its size and the
time to serve it, against the same page with the "who carries what" table uncapped (every claim by
every document, as it was until 2026-12-07).

    python benchmarks/story_page.py [--articles 1000] [--keep DIR] [--no-baseline]

A synthetic story of ``--articles`` articles is stored in one add (or, with ``--keep``, the one an
earlier run of ``store_growth.py`` or this script kept in DIR for the same number of articles is
copied). Then the web app (no browser: its HTTP interface in this process) serves the story's page
twice: the first time reads the version from the store and renders it, the second comes from the
app's page cache. Then two articles are uploaded through the app, one at a time, as a desk does:
each upload's time, the versions page it leads to, how long the story's page is still being drawn
after that (on the analysis thread, from the upload's dossier), and the story's page then. The
baseline renders the same dossier with ``MATRIX_ROWS`` and ``MATRIX_COLUMNS`` lifted (it took over
two minutes for 1,000 articles). Writes benchmarks/results/story_page_<articles>.json.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import _harness as harness
from fastapi.testclient import TestClient
from synthetic import make_pile

from crosswire.analysis.pipeline import load_pipeline
from crosswire.output import html
from crosswire.output.json import from_dict
from crosswire.settings import Settings
from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store
from crosswire.web.app import create_app

STORY = "bench"


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="a folder to keep the stored story in, and reuse")
    parser.add_argument("--no-baseline", action="store_true", help="leave out the uncapped page")
    args = parser.parse_args()
    settings = Settings(progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.db"
        kept = args.keep / f"story_{args.articles}.db" if args.keep else None

        def make(target: Path) -> None:
            paths = make_pile(Path(tmp) / "pile", args.articles, args.articles // 6 + 1)
            files = [(p.name, p.read_bytes()) for p in paths]
            store = open_store(target)
            add_to_story(store, STORY, files, settings, nlp=load_pipeline(settings.spacy_model))
            store.close()

        harness.kept_or_made(path, kept, make)
        client = TestClient(create_app(path, settings), base_url="http://127.0.0.1")
        served = []
        for _ in range(2):
            started = time.perf_counter()
            page = client.get(f"/stories/{STORY}")
            served.append((time.perf_counter() - started, len(page.content), page.status_code))
        store = open_store(path)
        dossier = from_dict(store.version(STORY) or {})
        store.close()
        extra = make_pile(Path(tmp) / "extra", 6, 1, seed=99)[2:4]  # (another story's articles)
        loop = [_upload(client, article) for article in extra]
    result = {
        "crosswire": harness.code_label(),
        "articles": args.articles,
        "documents": len(dossier.documents),
        "claims": len(dossier.claims),
        "first view s": round(served[0][0], 2),
        "page bytes": served[0][1],
        "status": served[0][2],
        "second view s (page cache)": round(served[1][0], 3),
    }
    for n, figures in enumerate(loop, start=1):
        result[f"upload {n}"] = figures
    if not args.no_baseline:
        html.MATRIX_ROWS, html.MATRIX_COLUMNS = sys.maxsize, sys.maxsize
        started = time.perf_counter()
        uncapped = html.to_html(dossier)
        result["uncapped: render s"] = round(time.perf_counter() - started, 2)
        result["uncapped: page bytes"] = len(uncapped.encode("utf-8"))
    for key, value in result.items():
        print(f"{key}: {value}")
    harness.write_json(f"story_page_{args.articles}.json", result)
    return 0 if served[0][2] == 200 else 1


def _upload(client: TestClient, article: Path) -> dict[str, float]:
    """A desk's loop: one article uploaded through the app (the first in this process loads the
    model; with ``--keep`` it also reconciles the story from cold, as a desk's first add after a
    restart, where a story built in this process left the stages' work kept), the versions page
    it leads to, then the story's page, which the analysis thread draws once the upload is
    answered; the seconds of each."""
    files = [("files", (article.name, article.read_bytes(), "text/plain"))]
    started = time.perf_counter()
    done = client.post(f"/stories/{STORY}/upload", files=files, follow_redirects=False)
    figures = {"upload s": time.perf_counter() - started, "status": float(done.status_code)}
    started = time.perf_counter()
    client.get(f"/stories/{STORY}/versions")
    figures["versions page s"] = time.perf_counter() - started
    started = time.perf_counter()
    client.app.state.site.analysis.submit(lambda: None).result()  # type: ignore[attr-defined]
    figures["page still being drawn s"] = time.perf_counter() - started
    started = time.perf_counter()
    client.get(f"/stories/{STORY}")
    figures["story page s"] = time.perf_counter() - started
    return {key: round(value, 3) for key, value in figures.items()}


if __name__ == "__main__":
    sys.exit(main())
