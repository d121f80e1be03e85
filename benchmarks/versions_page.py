"""A desk's story and its versions page: the time and memory to serve the page that lists every
version with what it changed, against working that out from every version's dossier (as the page
did until 2026-12-07).

    python benchmarks/versions_page.py [--articles 1000] [--adds 12] [--keep DIR]

A synthetic story of ``--articles`` articles is stored in one add, then ``--adds`` more articles are
added one at a time in this process, as a desk adds them (``--keep``: the store is kept in DIR and
reused by a later run with the same numbers). Then each way of serving the page runs in a fresh
process of its own, which reports its time and its high-water mark of resident memory:

- kept: the web app, reading what each version changed as the desk stored it;
- worked out: the web app on a copy of the store whose versions carry no changes (a store filled by
  fresh processes, or by an older crosswire): it works out the latest ``WORKED_OUT`` from the
  dossiers, two at a time, and lists the others;
- every dossier (the baseline): every version read back and held, and each compared with the one
  before it, as the page did before.

Writes benchmarks/results/versions_page_<articles>.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness
from synthetic import make_pile

STORY = "bench"
WAYS = ("kept", "worked out", "every dossier")


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--adds", type=int, default=12)
    parser.add_argument("--keep", type=Path, help="a folder to keep the store in, and reuse")
    parser.add_argument("--child", nargs=2, metavar=("WAY", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _serve(*args.child)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.db"
        kept = args.keep / f"versions_{args.articles}_{args.adds}.db" if args.keep else None
        pile = Path(tmp) / "pile"
        harness.kept_or_made(db, kept, lambda path: _build(path, pile, args.articles, args.adds))
        bare = Path(tmp) / "bare.db"
        shutil.copy(db, bare)
        with sqlite3.connect(bare) as connection:
            connection.execute("UPDATE versions SET changes = NULL")
        result: dict[str, object] = {
            "crosswire": harness.code_label(),
            "articles": args.articles,
            "versions": args.adds + 1,
        }
        for way in WAYS:
            harness.progress(f"serving the page: {way}")
            run = subprocess.run(
                [sys.executable, __file__, "--child", way, str(bare if way == WAYS[1] else db)],
                capture_output=True,
                text=True,
                check=True,
            )
            result[way] = json.loads(run.stdout.strip().splitlines()[-1])
    for key, value in result.items():
        print(f"{key}: {value}")
    harness.write_json(f"versions_page_{args.articles}.json", result)
    return 0


def _build(db: Path, pile: Path, articles: int, adds: int) -> None:
    """A story of ``articles`` articles stored in one add, then ``adds`` single adds, as a desk."""
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.settings import Settings
    from crosswire.stories.service import add_to_story
    from crosswire.stories.store import open_store

    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    paths = make_pile(pile, articles + adds, (articles + adds) // 6 + 1)
    files = [(p.name, p.read_bytes()) for p in paths]
    store = open_store(db)
    harness.progress(f"storing {articles} articles (a few minutes)")
    add_to_story(store, STORY, files[:articles], settings, nlp=nlp)
    for n, item in enumerate(files[articles:], 1):
        harness.progress(f"add {n} of {adds}")
        add_to_story(store, STORY, [item], settings, nlp=nlp)
    store.close()


def _serve(way: str, db: str) -> int:
    """Serve the page one way in this fresh process (its imports and the app made first, not
    timed); print its figures as a JSON line."""
    from fastapi.testclient import TestClient

    from crosswire.output.json import from_dict
    from crosswire.settings import Settings
    from crosswire.stories.diff import diff
    from crosswire.stories.store import open_store
    from crosswire.web.app import create_app

    figures: dict[str, object] = {}
    Path("/proc/self/clear_refs").write_text("5")  # (the high-water mark from here on)
    before = _status_mb("VmRSS")
    if way == "every dossier":
        store = open_store(db)
        started = time.perf_counter()
        infos = store.versions(STORY)
        dossiers = {v.number: from_dict(store.version(STORY, v.number) or {}, STORY) for v in infos}
        rows = [diff(dossiers.get(v.number - 1), dossiers[v.number]) for v in reversed(infos)]
        figures["versions shown with their changes"] = len(rows)
    else:
        client = TestClient(create_app(db, Settings(progress=False)), base_url="http://127.0.0.1")
        started = time.perf_counter()
        page = client.get(f"/stories/{STORY}/versions")
        figures["status"] = page.status_code
        figures["page bytes"] = len(page.content)
        figures["versions shown with their changes"] = page.text.count("New claims: ")
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["resident MB before"] = before
    figures["high-water MB"] = _status_mb("VmHWM")
    print(json.dumps(figures))
    return 0


def _status_mb(field: str) -> int:
    """A memory figure of this process, in MB (Linux): ``VmRSS`` resident now, ``VmHWM`` its
    high-water mark since it was last reset."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024)
    return 0


if __name__ == "__main__":
    sys.exit(main())
