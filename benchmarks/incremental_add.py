"""Adding one article to a stored story: time per add with the parse cache, against the article's own
analysis and against re-analysing the whole story (the cost before the cache).

    python benchmarks/incremental_add.py [--articles 150] [--adds 5] [--baseline-adds 2]

A synthetic pile (``synthetic.make_pile``: the sample corpus varied, every article different) of
``--articles`` articles is added to one stored story in one go; then ``--adds`` more articles are
added one at a time. Everything runs in this process with one loaded spaCy pipeline, so start-up and
model loading are left out of every figure. For each single add: its wall time; the new article's own
analysis alone (``analyze`` on that one file); and, for the first ``--baseline-adds``, a full
re-analysis of every stored document without the cache (what an add cost before). The adds run one
after another, as a desk's do, and the reference analyses after them (each would empty the memos a
desk keeps between adds; the baseline's documents are the story after every add). At the end the
stored dossier is compared with a full analysis of the same documents. After each add, the process's
resident and anonymous memory are recorded too (Linux; a desk's process stays up all day, so it should
not grow from one add to the next by more than the new article's share). Writes
benchmarks/results/incremental_add.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness
from _run import smaps_rollup_kb
from synthetic import make_pile

from crosswire.analysis.pipeline import LocalExecutor, analyze, load_pipeline
from crosswire.output.json import to_dict
from crosswire.settings import Settings
from crosswire.stages._memo import forget_story
from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store

FULL = "full re-analysis s (before the cache)"
GOAL_SLACK_SECONDS = 3.0  # issue [5 of 6]: an add takes at most the article's own analysis + 3 s


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--adds", type=int, default=5)
    parser.add_argument("--baseline-adds", type=int, default=2)
    args = parser.parse_args()
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    with tempfile.TemporaryDirectory() as tmp:
        # Six templates a story: enough stories that no two articles are the same text.
        paths = make_pile(Path(tmp) / "pile", args.articles + args.adds, (args.articles + args.adds) // 6 + 1)
        files = [(p.name, p.read_bytes()) for p in paths]
        base, extra = files[: args.articles], files[args.articles :]
        store = open_store(Path(tmp) / "s.db")
        started = time.perf_counter()
        first = add_to_story(store, "bench", base, settings, nlp=nlp)
        first_seconds = time.perf_counter() - started
        first_memory = _memory_mb()
        harness.progress(f"first add of {args.articles}: {first_seconds:.1f} s, parsed {first.reuse.parsed}")
        rows = []
        for n, item in enumerate(extra):
            started = time.perf_counter()
            result = add_to_story(store, "bench", [item], settings, nlp=nlp)
            rows.append({"add s": time.perf_counter() - started, "parsed": result.reuse.parsed})
            rows[-1]["reused"] = result.reuse.reused
            rows[-1].update(_memory_mb())
            harness.progress(f"add {n + 1}: {rows[-1]['add s']:.1f} s, resident {rows[-1].get('resident MB', '?')} MB")
        # The references are measured after the adds: each is an analysis of its own, which empties
        # the memos the desk keeps from one add to the next (a desk adds, and adds again).
        for n, (row, item) in enumerate(zip(rows, extra, strict=True)):
            started = time.perf_counter()
            analyze([(item[0], item[1])], settings, nlp=nlp)
            row["own analysis s"] = time.perf_counter() - started
            if n < args.baseline_adds:
                stored = [(f"bench/{d.name}", d.data) for d in store.documents("bench")]
                started = time.perf_counter()
                analyze(stored, settings, executor=LocalExecutor(nlp))
                row[FULL] = time.perf_counter() - started
            harness.progress(f"add {n + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()))
        stored = [(f"bench/{d.name}", d.data) for d in store.documents("bench")]
        forget_story()  # the full analysis starts with no memo of the adds'
        full = to_dict(analyze(stored, settings, executor=LocalExecutor(nlp)), "bench")
        kept = store.version("bench")
        kept_generator = kept.pop("generator") if kept else None
        full.pop("generator")
        same = kept == full
        store.close()
    median_add = statistics.median(r["add s"] for r in rows)
    median_own = statistics.median(r["own analysis s"] for r in rows)
    baselines = [
        r["full re-analysis s (before the cache)"] for r in rows if "full re-analysis s (before the cache)" in r
    ]
    print(f"story of {args.articles} articles, first add {first_seconds:.1f} s")
    print(f"single adds: median {median_add:.2f} s; the article's own analysis: median {median_own:.2f} s")
    if baselines:
        print(f"a full re-analysis (each add before the parse cache): median {statistics.median(baselines):.2f} s")
    met = median_add <= median_own + GOAL_SLACK_SECONDS
    print(f"goal add <= own + {GOAL_SLACK_SECONDS:g} s: {'met' if met else 'missed'}")
    print(f"stored dossier equals a full analysis of the same documents: {same}")
    resident = [r["resident MB"] for r in rows if "resident MB" in r]
    if resident:
        print(
            f"resident memory after each add: first {resident[0]:.0f} MB, last {resident[-1]:.0f} MB, "
            f"max {max(resident):.0f} MB (after the first add of {args.articles}: {first_memory})"
        )
    result = {
        "crosswire": harness.commit(),
        "articles": args.articles,
        "first add s": round(first_seconds, 2),
        "adds": [{k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()} for r in rows],
        "median add s": round(median_add, 2),
        "median own analysis s": round(median_own, 2),
        "median full re-analysis s": round(statistics.median(baselines), 2) if baselines else None,
        "goal met": met,
        "stored equals full analysis": same,
        "stored generator": kept_generator,
        "memory after the first add MB": first_memory,
    }
    harness.write_json("incremental_add.json", json.loads(json.dumps(result)))
    return 0 if same else 1


def _memory_mb() -> dict[str, float]:
    """This process's resident and anonymous memory now, and its high-water mark, in MB (Linux's
    ``/proc``; nothing elsewhere)."""
    try:
        fields = smaps_rollup_kb()
        status = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return {}
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    return {
        "resident MB": round(fields["Rss"] / 1024, 1),
        "anonymous MB": round(fields["Anonymous"] / 1024, 1),
        "high-water MB": round(peak / 1024, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
