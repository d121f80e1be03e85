"""Page load time of a story served locally, and the size of the self-contained HTML dossier.

    python benchmarks/web_page_load.py [CORPUS] [--requests N]

Adds the corpus (default: the reference corpus in ../shared) to a fresh store, serves it on
127.0.0.1, times N GETs of the dossier page (server time, loopback only) and one full load in
Debian's Chromium (navigation start to load event), and writes benchmarks/results/web_page_load.json.
"""

from __future__ import annotations

import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import _harness as harness  # noqa: E402
from _browser import launch  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "wagner-2023"


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT))
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    import uvicorn

    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.output.html import to_html
    from crosswire.output.json import from_dict
    from crosswire.settings import Settings
    from crosswire.stories.service import add_to_story, collect_files
    from crosswire.stories.store import open_store
    from crosswire.web.app import create_app
    from crosswire.web.server import server_config

    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = open_store(db)
        files, _ = collect_files([args.corpus], settings.max_file_bytes)
        add_to_story(store, "bench", files, settings, nlp=nlp)
        stored = store.version("bench")
        html_bytes = len(to_html(from_dict(stored)).encode("utf-8")) if stored else 0
        store.close()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(server_config(create_app(db, settings, nlp=nlp), "127.0.0.1", port, "error"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/stories/bench"
        times = []
        with httpx.Client() as client:
            client.get(url)
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(url).raise_for_status()
                times.append((time.perf_counter() - start) * 1000)
        browser_ms = _browser_load(url)
        server.should_exit = True
    result = {
        "corpus": args.corpus,
        "html_file_bytes": html_bytes,
        "requests": args.requests,
        "server_ms_median": round(statistics.median(times), 1),
        "server_ms_p95": round(sorted(times)[int(0.95 * len(times)) - 1], 1),
        "chromium_load_ms": browser_ms,
    }
    for key, value in result.items():
        print(f"{key:<22}{value}")
    harness.write_json("web_page_load.json", result)
    return 0


def _browser_load(url: str) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        page.goto(url, wait_until="load")
        timing = page.evaluate(
            "() => { const t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd - t.startTime; }"
        )
        browser.close()
    return round(float(timing), 1)


if __name__ == "__main__":
    sys.exit(main())
