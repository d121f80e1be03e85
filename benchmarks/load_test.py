"""A bounded load test of `crosswire serve` on loopback: many readers while documents are added.

    python benchmarks/load_test.py [--readers 50] [--duration 60] [--port 0]

Starts `crosswire serve` on 127.0.0.1 (nothing else is accepted) with a fresh store, adds three
sample articles through the upload form, then runs N concurrent readers (index, dossier, an old
version, the version history, the JSON) for the given time while a writer keeps uploading sample
articles (each upload is a new version, re-analysing the whole story). Every response is checked:
no errors, no 5xx, every page complete and parsable, every dossier page from one committed version
(its "v<n>", "Versions (n)" and document count agree with the stored history), every JSON a whole
version. Reports requests, errors, torn pages and latency percentiles per page type, during and
outside uploads; writes benchmarks/results/load_test.json.

``run_load`` is also what tests/test_web_concurrency.py runs, briefly, against an in-process server.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test suite loads this file by path
import _harness as harness  # noqa: E402

ROOT = harness.ROOT
SAMPLE = harness.SAMPLE
LOOPBACK = ("127.0.0.1", "::1", "localhost")
STORY = "levy"
FIRST = ("wire_report.txt", "live_blog.md", "opinion.txt")
PAGES = {
    "index": "/",
    "dossier": f"/stories/{STORY}",
    "version 1": f"/stories/{STORY}/versions/1",
    "versions": f"/stories/{STORY}/versions",
    "json": f"/stories/{STORY}.json",
}
_SHOWN = re.compile(r"<title>.* v(\d+)</title>")
_NAV = re.compile(r">Versions \((\d+)\)</a>")
_DOCS = re.compile(r'<p class="meta">(\d+) documents')
_HISTORY = re.compile(r'id="v(\d+)">.*?· (\d+) documents</p>', re.S)


@dataclass
class Load:
    """What the readers saw."""

    requests: list[tuple[str, float, float]] = field(default_factory=list)  # (page, start, end) monotonic s
    bodies: dict[int, tuple[str, str]] = field(default_factory=dict)  # distinct pages, checked after the run
    errors: list[str] = field(default_factory=list)
    torn: list[str] = field(default_factory=list)
    seen: list[tuple[int, int]] = field(default_factory=list)  # (version shown, documents) on dossier pages
    json_documents: list[int] = field(default_factory=list)
    uploads: list[tuple[float, float]] = field(default_factory=list)  # (start, end) of each upload
    versions: dict[int, int] = field(default_factory=dict)  # version number: documents, at the end
    uploading: int = 0
    read_until: float = 0.0  # readers go on until the last upload has finished, and a moment more


def check_loopback(url: str) -> None:
    """Refuse to load anything but this machine."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"load_test: refusing host {host!r}; this load test runs against 127.0.0.1 only")


def upload_files(count: int) -> list[tuple[str, bytes]]:
    """Sample articles not in the first upload, then edited copies of all of them (new bytes each)."""
    rest = sorted(p for p in SAMPLE.iterdir() if p.name not in FIRST and p.suffix != ".jsonl")
    every = sorted(p for p in SAMPLE.iterdir() if p.suffix != ".jsonl")
    files = [(p.name, p.read_bytes()) for p in rest]
    n = 0
    while len(files) < count:
        source = every[n % len(every)]
        stem, suffix = source.stem, source.suffix
        note = f"\n\nUpdate {n + 1}: the ministry repeated on Tuesday that the bridge would reopen next week.\n"
        data = source.read_bytes()
        if suffix == ".html":
            data = data.replace(b"</body>", f"<p>{note.strip()}</p></body>".encode())
        else:
            data += note.encode()
        files.append((f"{stem}-update-{n + 1}{suffix}", data))
        n += 1
    return files[:count]


class _Parse(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.open += tag == "html"


def _check(page: str, text: str, load: Load) -> None:
    if page == "json":
        try:
            data = json.loads(text)
        except ValueError:
            load.torn.append("json: does not parse")
            return
        ids = {d["id"] for d in data["documents"]}
        if any(m["doc"] not in ids for c in data["claims"] for m in c["mentions"]):
            load.torn.append("json: a claim cites a document the version does not hold")
        load.json_documents.append(len(data["documents"]))
        return
    parser = _Parse()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything raised means a broken page
        load.torn.append(f"{page}: does not parse ({exc})")
        return
    if not text.rstrip().endswith("</html>") or parser.open != 1:
        load.torn.append(f"{page}: incomplete ({len(text)} characters)")
        return
    if page in ("dossier", "version 1"):
        shown, nav, docs = _SHOWN.search(text), _NAV.search(text), _DOCS.search(text)
        if not (shown and nav and docs):
            load.torn.append(f"{page}: missing title, navigation or document count")
            return
        if page == "dossier" and shown.group(1) != nav.group(1):
            load.torn.append(f"dossier: shows v{shown.group(1)} but lists {nav.group(1)} versions")
        load.seen.append((int(shown.group(1)), int(docs.group(1))))


async def _reader(client: httpx.AsyncClient, load: Load, stop: float, rng: random.Random) -> None:
    while time.monotonic() < max(stop, load.read_until) or load.uploading:
        page = rng.choice(list(PAGES))
        start = time.monotonic()
        try:
            response = await client.get(PAGES[page])
        except httpx.HTTPError as exc:
            load.errors.append(f"{page}: {type(exc).__name__} after {time.monotonic() - start:.1f} s: {exc}")
            continue
        load.requests.append((page, start, time.monotonic()))
        if response.status_code != 200:
            load.errors.append(f"{page}: HTTP {response.status_code}")
            continue
        # Parsing every page here would slow the readers down; each distinct page is checked afterwards.
        load.bodies.setdefault(hash(response.content), (page, response.text))


async def _writer(
    client: httpx.AsyncClient, load: Load, files: list[tuple[str, bytes]], stop: float, gap: float
) -> None:
    for number, (name, data) in enumerate(files):
        if number:
            await asyncio.sleep(gap)  # quiet spells, to compare latency outside uploads
        if time.monotonic() >= stop:
            return
        load.uploading += 1
        start = time.monotonic()
        try:
            response = await client.post(f"/stories/{STORY}/upload", files=[("files", (name, data))], timeout=600)
            if response.status_code != 303:
                load.errors.append(f"upload {name}: HTTP {response.status_code} {response.text[:200]}")
        except httpx.HTTPError as exc:
            load.errors.append(f"upload {name}: {type(exc).__name__}: {exc}")
        finally:
            load.uploading -= 1
            load.read_until = time.monotonic() + 1.0
        load.uploads.append((start, time.monotonic()))


async def run_load(
    base_url: str, readers: int, duration: float, files: list[tuple[str, bytes]], gap: float = 0.0
) -> Load:
    """``readers`` concurrent readers for ``duration`` seconds while ``files`` are uploaded one by one;
    ``gap`` seconds apart; the readers keep going until the last upload started has finished."""
    check_loopback(base_url)
    load = Load()
    stop = time.monotonic() + duration
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them, as browsers do:
    # reusing one the server is closing at that instant is a client race, not a server error.
    limits = httpx.Limits(max_connections=readers + 1, max_keepalive_connections=readers + 1, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
        writer = asyncio.create_task(_writer(client, load, files, stop, gap))
        rngs = [random.Random(i) for i in range(readers)]
        await asyncio.gather(*(_reader(client, load, stop, rng) for rng in rngs))
        await writer
        history = (await client.get(PAGES["versions"])).text
    for page, text in load.bodies.values():
        _check(page, text, load)
    documents = {int(n): int(d) for n, d in _HISTORY.findall(history)}
    for shown, docs in load.seen:
        if documents.get(shown) != docs:
            load.torn.append(f"dossier v{shown} showed {docs} documents; that version has {documents.get(shown)}")
    load.torn += [
        f"json: {n} documents is no version's count" for n in load.json_documents if n not in documents.values()
    ]
    load.versions = documents
    return load


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(ordered), "p50": at(0.5), "p90": at(0.9), "p99": at(0.99), "max": round(ordered[-1], 1)}


def served_during_uploads(load: Load) -> int:
    """Requests that began after an upload had started and were answered before it finished."""
    return sum(any(a <= start and end <= b for a, b in load.uploads) for _, start, end in load.requests)


def summary(load: Load, readers: int, duration: float) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for page in [*PAGES, "all"]:
        for label, during in (("during uploads", True), ("outside uploads", False), ("overall", None)):
            values = [
                (end - start) * 1000
                for p, start, end in load.requests
                if (page == "all" or p == page)
                and (during is None or during == any(start < b and end > a for a, b in load.uploads))
            ]
            if values:
                table[f"{page} / {label}"] = percentiles(values)
    elapsed = max(end for _, _, end in load.requests) - min(start for _, start, _ in load.requests)
    return {
        "readers": readers,
        "duration_s": round(elapsed, 1),
        "requests": len(load.requests),
        "requests_per_s": round(len(load.requests) / elapsed, 1),
        "errors": len(load.errors),
        "error_examples": sorted(set(load.errors))[:5],
        "torn_pages": len(load.torn),
        "torn_examples": sorted(set(load.torn))[:5],
        "distinct_pages_checked": len(load.bodies),
        "served_during_uploads": served_during_uploads(load),
        "uploads": len(load.uploads),
        "upload_s": [round(b - a, 1) for a, b in load.uploads],
        "versions": len(load.versions),
        "latency_ms": table,
    }


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds uploads start in (default 60)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback only: 127.0.0.1, ::1 or localhost")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--uploads", type=int, default=40, help="most uploads to make during the run")
    parser.add_argument("--gap", type=float, default=5.0, help="seconds between uploads (default 5)")
    args = parser.parse_args()
    if args.host not in LOOPBACK or not 1 <= args.readers <= 500 or not 1 <= args.duration <= 900:
        parser.error("host must be 127.0.0.1, ::1 or localhost; readers 1-500; duration 1-900 s")
    port = args.port or _free_port(args.host)
    base = f"http://{'[::1]' if args.host == '::1' else args.host}:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "crosswire.cli", "serve", "--db", f"{tmp}/load.db", "--host", args.host]
        server = subprocess.Popen([*command, "--port", str(port)])
        try:
            _wait(base)
            first = [("files", (name, (SAMPLE / name).read_bytes())) for name in FIRST]
            start = time.perf_counter()
            response = httpx.post(f"{base}/upload", data={"story": STORY}, files=first, timeout=600)
            if response.status_code != 303:
                raise SystemExit(f"load_test: first upload failed: {response.status_code} {response.text[:300]}")
            first_upload = time.perf_counter() - start  # includes loading the spaCy model
            load = asyncio.run(run_load(base, args.readers, args.duration, upload_files(args.uploads), args.gap))
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = summary(load, args.readers, args.duration)
    result["first_upload_s"] = round(first_upload, 1)
    _print(result)
    harness.write_json("load_test.json", result, ensure_ascii=False)
    return 1 if result["errors"] or result["torn_pages"] else 0


def _wait(base: str) -> None:
    for _ in range(300):
        try:
            httpx.get(base + "/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("load_test: the server did not start")


def _print(result: dict[str, Any]) -> None:
    for key in ("readers", "duration_s", "requests", "requests_per_s", "errors", "torn_pages"):
        print(f"{key:<24}{result[key]}")
    for key in ("distinct_pages_checked", "served_during_uploads", "uploads", "upload_s", "versions", "first_upload_s"):
        print(f"{key:<24}{result[key]}")
    print(f"\n{'page / when':<34}{'n':>7}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for key, row in result["latency_ms"].items():
        print(f"{key:<34}{row['n']:>7}{row['p50']:>9}{row['p90']:>9}{row['p99']:>9}{row['max']:>9}")


if __name__ == "__main__":
    sys.exit(main())
