"""Story clustering alone on one large synthetic pile, in this process: the time of each pass (dated
partitions, the pass over undated documents, the merge), the stories found, B3 F1, and the memory
clustering added to the process (its high-water mark after, less its size before).

    python benchmarks/clustering_passes.py [--articles 100000] [--stories 10000] [--seed 1]
        [--scan] [--features PATH]

The pile comes from ``benchmarks/synthetic.py`` and goes through crosswire's ``prepare`` and
``story_features`` first (not timed; about 10 minutes for 100,000 articles on 2 processes).
``--features PATH`` keeps those features in a pickle and reads them back on the next run, so that
the two settings can be compared in two fresh processes on the same features: the default (sketches
once 1,000 stories are open) and ``--scan`` (every open story scored exactly, ``sketch_from`` out of
reach). One setting per process, since a process's high-water mark only grows. Prints one JSON line
and writes benchmarks/results/clustering_passes[_scan].json.
"""

from __future__ import annotations

import gc
import json
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crosswire.analysis.pipeline import prepare
from crosswire.settings import Settings
from crosswire.stages import cluster
from crosswire.stages.cluster import ClusterSettings, story_features

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _story_clustering_data import score  # noqa: E402
from synthetic import make_pile  # noqa: E402


def _features(articles: int, stories: int, seed: int, kept: Path | None) -> tuple[Any, dict[str, str]]:
    if kept and kept.exists():
        with kept.open("rb") as file:
            return pickle.load(file)  # noqa: S301 (a file this script wrote)
    with tempfile.TemporaryDirectory(prefix="crosswire-passes-") as folder:
        make_pile(Path(folder), articles, stories, seed)
        documents, _ = prepare([folder], Settings(progress=False), None, {})
    made = (story_features(documents), {d.id: Path(d.source.split(":")[0]).name.split("-")[0] for d in documents})
    if kept:
        with kept.open("wb") as file:
            pickle.dump(made, file)
    return made


def _timed_passes() -> dict[str, float]:
    """Wrap the first pass and the merge so that each call's time is added up under its pass."""
    seconds: dict[str, float] = {}
    online, merge = cluster._online, cluster._merge

    def first_pass(partition: Any, stories: Any = ()) -> Any:
        name = "undated pass s" if len(stories) else "dated partitions s"
        started = time.perf_counter()
        found = online(partition, stories)
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        return found

    def merged(stories: Any, settings: Any) -> Any:
        started = time.perf_counter()
        found = merge(stories, settings)
        seconds["merge s"] = time.perf_counter() - started
        return found

    cluster._online, cluster._merge = first_pass, merged  # type: ignore[assignment]
    return seconds


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scan", action="store_true", help="score every open story exactly (the baseline)")
    parser.add_argument("--features", type=Path, help="keep the prepared features here and reuse them")
    args = parser.parse_args()
    features, gold = _features(args.articles, args.stories, args.seed, args.features)
    settings = ClusterSettings(sketch_from=10**9) if args.scan else ClusterSettings()
    seconds = _timed_passes()
    gc.collect()
    before = int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    high_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    found = cluster.cluster_features(features, settings)
    total = time.perf_counter() - started
    high_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ids = sorted(gold)
    story_of = {doc_id: n for n, group in enumerate(found) for doc_id in group}
    scores = score([story_of[i] for i in ids], [gold[i] for i in ids])
    row = {
        "articles": args.articles,
        "documents": len(ids),
        "undated": sum(1 for d in features.dates if d is None),
        "run": "every story scored (baseline)" if args.scan else "sketches (default)",
        "seconds": round(total, 1),
        **{name: round(value, 1) for name, value in sorted(seconds.items())},
        "stories_found": len(found),
        "b3_f1": round(scores["b3_f1"], 4),
        "memory_added_mb": round(high_after - max(before, high_before)),
    }
    print(json.dumps(row))
    name = "clustering_passes_scan.json" if args.scan else "clustering_passes.json"
    harness.write_json(name, {"benchmark": "clustering_passes", "command": " ".join(sys.argv), "row": row})
    return 0


if __name__ == "__main__":
    sys.exit(main())
