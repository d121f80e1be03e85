"""Story clustering alone on large synthetic piles: documents/s and how well the stories come out.

    python benchmarks/clustering_scale.py [--piles 1000:100 10000:1000] [--seed 1]

Each pile comes from ``benchmarks/synthetic.py`` (the sample corpus varied per story: new names,
numbers and years; the file name ``sNNNN-...`` is the gold story). Documents go through crosswire's
``prepare`` (ingest + clean + facts, not timed here), then ``cluster_stories`` with default settings
is timed. Prints a table and writes benchmarks/results/clustering_scale.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from crosswire.analysis.pipeline import prepare
from crosswire.settings import Settings
from crosswire.stages.cluster import ClusterSettings, cluster_stories

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _story_clustering_data import score  # noqa: E402
from synthetic import make_pile  # noqa: E402


def measure(articles: int, stories: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="crosswire-clustering-") as folder:
        make_pile(Path(folder), articles, stories, seed)
        documents, errors = prepare([folder], Settings(progress=False), None, {})
    started = time.perf_counter()
    found = cluster_stories(documents, ClusterSettings())
    seconds = time.perf_counter() - started
    predicted = {doc_id: story.id for story in found for doc_id in story.documents}
    gold = {d.id: Path(d.source.split(":")[0]).name.split("-")[0] for d in documents}
    ids = sorted(gold)
    scores = score([predicted[i] for i in ids], [gold[i] for i in ids])
    return {
        "articles": articles,
        "gold_stories": stories,
        "documents": len(documents),
        "skipped": len(errors),
        "stories_found": len(found),
        "seconds": round(seconds, 2),
        "documents_per_s": round(len(documents) / seconds, 1),
        "b3_f1": round(scores["b3_f1"], 4),
        "pairwise_f1": round(scores["pw_f1"], 4),
    }


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--piles", nargs="+", default=["1000:100", "10000:1000"], help="ARTICLES:STORIES")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for pile in args.piles:
        articles, stories = (int(x) for x in pile.split(":"))
        rows.append(measure(articles, stories, args.seed))
        harness.progress(json.dumps(rows[-1]))
    header = ("articles", "documents", "gold", "found", "seconds", "docs/s", "B3 F1", "pw F1")
    print(" ".join(f"{h:>9}" for h in header))
    for r in rows:
        print(
            f"{r['articles']:>9} {r['documents']:>9} {r['gold_stories']:>9} {r['stories_found']:>9} "
            f"{r['seconds']:>9.1f} {r['documents_per_s']:>9.0f} {r['b3_f1']:>9.3f} {r['pairwise_f1']:>9.3f}"
        )
    result = {"benchmark": "clustering_scale", "command": "python benchmarks/clustering_scale.py", "piles": rows}
    harness.write_json("clustering_scale.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
