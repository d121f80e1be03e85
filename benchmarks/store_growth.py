"""What a desk's story takes in its store, add after add: each version's bytes as stored (a patch
against a whole version, or whole) against the bytes it takes whole, and the time to read it back.

    python benchmarks/store_growth.py [--articles 1000] [--adds 30] [--keep DIR]

A synthetic story of ``--articles`` articles is stored in one add (or, with ``--keep``, the one
an earlier run kept in DIR for the same number of articles is copied), then ``--adds`` more
articles are added one at a time in this process, as a desk adds them. After each add:
- the new version's bytes as stored, and whether it is a patch or whole;
- the baseline: the bytes the same JSON takes whole (Zstandard level 3, how every version was stored
  before store schema 7);
- the add's wall time;
- the time a store opened afresh takes to read the version back, and to read it whole (decompress
  and parse the whole frame, the baseline);
- whether it reads back as the add made it (the dossier's JSON).

Writes benchmarks/results/store_growth_<articles>.json.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _harness as harness
import orjson
from synthetic import make_pile

from crosswire.analysis.pipeline import load_pipeline, version
from crosswire.output.json import to_dict
from crosswire.settings import Settings
from crosswire.stories.service import add_to_story
from crosswire.stories.store import Store, _packed, _unpacked, open_store

STORY = "bench"


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--adds", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="a folder to keep the stored story in, and reuse")
    args = parser.parse_args()
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    with tempfile.TemporaryDirectory() as tmp:
        total = args.articles + args.adds
        paths = make_pile(Path(tmp) / "pile", total, total // 6 + 1)
        files = [(p.name, p.read_bytes()) for p in paths]
        kept = args.keep / f"story_{args.articles}.db" if args.keep else None
        path = Path(tmp) / "s.db"

        def make(target: Path) -> None:
            started = time.perf_counter()
            store = open_store(target)
            add_to_story(store, STORY, files[: args.articles], settings, nlp=nlp)
            store.close()
            seconds = time.perf_counter() - started
            harness.progress(f"story of {args.articles} articles stored in {seconds:.0f} s")

        if harness.kept_or_made(path, kept, make):
            harness.progress(f"story of {args.articles} articles copied from {kept}")
        store = open_store(path)
        rows = [_add(store, path, item, settings, nlp) for item in files[args.articles :]]
        store.close()
    for n, row in enumerate(rows, start=1):
        harness.progress(f"add {n}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    stored = sum(r["stored bytes"] for r in rows)
    whole = sum(r["whole bytes"] for r in rows)
    same = all(r["reads back as made"] for r in rows)
    print(f"story of {args.articles} articles, {len(rows)} adds (a desk's, one process)")

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    table = [
        ["a version as stored, bytes", int(median("stored bytes")), stored],
        ["the same version whole (before), bytes", int(median("whole bytes")), whole],
        ["add, s", round(median("add s"), 2), ""],
        ["read back, s", round(median("read s"), 3), ""],
        ["read whole (before), s", round(median("read whole s"), 3), ""],
    ]
    print(harness.table(["", "median", "total"], table))
    print(f"versions whole among them: {sum(r['kind'] == 'whole' for r in rows)} of {len(rows)}")
    print(f"stored / whole: {stored / whole:.3f}; every version reads back as made: {same}")
    result = {
        "crosswire": harness.code_label(),
        "articles": args.articles,
        "adds": rows,
        "stored bytes": stored,
        "whole bytes": whole,
        "stored / whole": round(stored / whole, 4),
        "every version reads back as made": same,
    }
    harness.write_json(f"store_growth_{args.articles}.json", result)
    return 0 if same else 1


def _add(
    store: Store,
    path: Path,
    item: tuple[str, bytes],
    settings: Settings,
    nlp: Any,
) -> dict[str, Any]:
    """One desk add, and what its version takes and costs to read."""
    started = time.perf_counter()
    result = add_to_story(store, STORY, [item], settings, nlp=nlp)
    seconds = time.perf_counter() - started
    assert result.dossier is not None and result.version is not None
    made = orjson.loads(orjson.dumps(to_dict(result.dossier, version())))
    number = result.version
    fresh = open_store(path)  # (nothing read before: what another process, or the web page, pays)
    started = time.perf_counter()
    read = fresh.version(STORY, number)
    read_seconds = time.perf_counter() - started
    fresh.close()
    with sqlite3.connect(path) as db:
        size, base = db.execute(
            "SELECT length(v.dossier), v.base FROM versions v JOIN stories s ON s.id = v.story_id "
            "WHERE s.name = ? AND v.number = ?",
            (STORY, number),
        ).fetchone()
    whole = _packed(orjson.dumps(read))
    started = time.perf_counter()
    _unpacked(whole)
    whole_seconds = time.perf_counter() - started
    return {
        "version": number,
        "kind": "whole" if base is None else "patch",
        "stored bytes": size,
        "whole bytes": len(whole),
        "add s": round(seconds, 2),
        "read s": round(read_seconds, 3),
        "read whole s": round(whole_seconds, 3),
        "reads back as made": read == made,
    }


if __name__ == "__main__":
    sys.exit(main())
