"""Story clustering alone on large synthetic piles: documents/s and how well the stories come out, on
this machine and on Ray.

    python benchmarks/clustering_scale.py [--piles 1000:100 10000:1000 40000:4000] [--seed 1] [--no-ray]
        [--own-names]

Each pile comes from ``benchmarks/synthetic.py`` (the sample corpus varied per story: new names,
numbers and years; the file name ``sNNNN-...`` is the gold story). Documents go through crosswire's
``prepare`` (ingest + clean + facts, not timed here) and ``story_features`` (not timed), then
``cluster_features`` is timed three ways with default settings otherwise:

- ``scan every story (baseline)``: partitions as in the default, but each document scored against
  every open story (``sketch_from`` out of reach): the algorithm before candidates came from sketches;
- ``local``: the default, partitions of ``partition_documents`` clustered one after the other here; once
  ``sketch_from`` stories are open (the pass over undated documents, the merge), a document or story is
  scored exactly only against the ``candidates`` stories its sketch finds closest;
- ``ray``: the same partitions as parallel Ray tasks on a local Ray instance (started before timing),
  whose stories must be the local ones.

Prints a table and writes benchmarks/results/clustering_scale.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crosswire.analysis.pipeline import prepare
from crosswire.settings import Settings
from crosswire.stages.cluster import ClusterSettings, cluster_features, story_features

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _story_clustering_data import score  # noqa: E402
from synthetic import make_pile  # noqa: E402


def measure(
    articles: int,
    stories: int,
    seed: int,
    ray_map: Callable[..., Any] | None,
    own_names: bool = False,
) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="crosswire-clustering-") as folder:
        make_pile(Path(folder), articles, stories, seed, own_names)
        documents, errors = prepare([folder], Settings(progress=False), None, {})
    features = story_features(documents)
    gold = {d.id: Path(d.source.split(":")[0]).name.split("-")[0] for d in documents}
    ids = sorted(gold)
    runs: list[tuple[str, ClusterSettings, Callable[..., Any] | None]] = [
        ("scan every story (baseline)", ClusterSettings(sketch_from=10**9), None),
        ("local", ClusterSettings(), None),
    ]
    if ray_map is not None:
        runs.append(("ray", ClusterSettings(), ray_map))
    rows: list[dict[str, Any]] = []
    for name, settings, run in runs:
        started = time.perf_counter()
        found = cluster_features(features, settings, run)
        seconds = time.perf_counter() - started
        predicted = {doc_id: n for n, group in enumerate(found) for doc_id in group}
        scores = score([predicted[i] for i in ids], [gold[i] for i in ids])
        rows.append(
            {
                "articles": articles,
                "run": name,
                "gold_stories": stories,
                "documents": len(documents),
                "undated": sum(1 for d in documents if not d.published.date),
                "skipped": len(errors),
                "partitions": -(-sum(1 for d in documents if d.published.date) // settings.partition_documents),
                "stories_found": len(found),
                "seconds": round(seconds, 2),
                "documents_per_s": round(len(documents) / seconds, 1),
                "b3_f1": round(scores["b3_f1"], 4),
                "pairwise_f1": round(scores["pw_f1"], 4),
                "same_stories_as_local": None if name != "ray" else found == cluster_features(features),
            }
        )
        harness.progress(json.dumps(rows[-1]))
    return rows


def _same(x: int) -> int:
    return x


def _ray_map() -> Callable[..., Any] | None:
    try:
        from crosswire.analysis.engine_ray import RayExecutor, _ray
    except ImportError:
        return None
    try:
        _ray()
    except Exception as exc:  # noqa: BLE001 (Ray not installed: the Ray rows are left out, and said so)
        harness.progress(f"no Ray rows: {exc}")
        return None
    executor = RayExecutor()
    executor.map(_same, [1, 2])  # the workers start before anything is timed
    return executor.map


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--piles", nargs="+", default=["1000:100", "10000:1000", "40000:4000"], help="ARTICLES:STORIES")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-ray", action="store_true", help="leave the Ray rows out")
    parser.add_argument("--own-names", action="store_true", help="stories share no invented name")
    args = parser.parse_args()
    ray_map = None if args.no_ray else _ray_map()
    rows = []
    for pile in args.piles:
        articles, stories = (int(x) for x in pile.split(":"))
        rows += measure(articles, stories, args.seed, ray_map, args.own_names)
    header = ("articles", "run", "documents", "undated", "parts", "found", "seconds", "docs/s", "B3 F1", "pw F1")
    print(f"{header[0]:>9} {header[1]:<28}" + " ".join(f"{h:>9}" for h in header[2:]))
    for r in rows:
        print(
            f"{r['articles']:>9} {r['run']:<28}{r['documents']:>9} {r['undated']:>9} {r['partitions']:>9} "
            f"{r['stories_found']:>9} {r['seconds']:>9.1f} {r['documents_per_s']:>9.0f} {r['b3_f1']:>9.3f} "
            f"{r['pairwise_f1']:>9.3f}"
            + ("" if r["same_stories_as_local"] is None else f"  same stories as local: {r['same_stories_as_local']}")
        )
    command = " ".join(["python benchmarks/clustering_scale.py", *sys.argv[1:]])
    result = {"benchmark": "clustering_scale", "command": command, "own_names": args.own_names}
    result["piles"] = rows
    harness.write_json("clustering_scale.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
