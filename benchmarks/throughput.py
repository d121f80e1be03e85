"""Throughput: crosswire end to end against spaCy's own nlp.pipe on the same texts (the floor).

    python benchmarks/throughput.py [--articles 300] [--stories 30] [--processes 2]

The texts are the cleaned paragraphs crosswire itself parses, from a synthetic pile (benchmarks/
synthetic.py). spaCy runs nlp.pipe(batch_size=32, n_process=P); crosswire runs analyze with P workers.
Reports words/s for both, their ratio, the per-stage profile, and cold start (model load) separately.
Writes benchmarks/results/throughput.json.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _run import run_analyze  # noqa: E402
from synthetic import make_pile  # noqa: E402

ROOT = harness.ROOT


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--stories", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.settings import Settings
    from crosswire.stages._order import read_once
    from crosswire.stages.clean import clean
    from crosswire.stages.facts import document_facts
    from crosswire.stages.ingest import read

    settings = Settings(progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        pile = Path(tmp) / "pile"
        make_pile(pile, args.articles, args.stories)
        # (copies alike in every field are read once by crosswire: by the floor too)
        raws = [raw for raw in read([str(pile)]) if hasattr(raw, "text")]
        cleaned, _ = read_once([document_facts(clean(raw)) for raw in raws])
        paragraphs = [p for document in cleaned for p in document.paragraphs]
        words = sum(len(p.split()) for p in paragraphs)

        cold = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time; t=time.perf_counter(); "
                "from crosswire.analysis.pipeline import load_pipeline; "
                f"load_pipeline({settings.spacy_model!r}); print(time.perf_counter()-t)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        cold_start = float(cold.stdout.strip())

        nlp = load_pipeline(settings.spacy_model)
        floor = {}
        for processes in sorted({1, args.processes}):
            start = time.perf_counter()
            for _ in nlp.pipe(paragraphs, batch_size=32, n_process=processes):
                pass
            floor[processes] = time.perf_counter() - start

        run = run_analyze([str(pile)], args.processes)
    spacy_wps = words / floor[args.processes]
    load = run.get("annotate (parallel, incl. model load)") and cold_start or run.get("model load", 0.0)
    steady = run["total"] - load
    result = {
        "articles": args.articles,
        "stories": args.stories,
        "processes": args.processes,
        "words": words,
        "spacy_seconds": {str(k): round(v, 2) for k, v in floor.items()},
        "spacy_words_per_s": round(spacy_wps),
        "crosswire_total_s": round(run["total"], 2),
        "crosswire_words_per_s_end_to_end": round(words / run["total"]),
        "crosswire_words_per_s_steady": round(words / steady),
        "ratio_end_to_end": round(words / run["total"] / spacy_wps, 2),
        "ratio_steady": round(words / steady / spacy_wps, 2),
        "cold_start_model_load_s": round(cold_start, 2),
        "imports_s": round(run["imports"], 2),
        "peak_rss_mb": round(run["peak_rss_mb"]),
        "stages_s": {
            k: round(v, 3)
            for k, v in run.items()
            if k
            not in ("wall_s", "peak_rss_mb", "imports", "documents", "claims", "conflicts", "errors", "words", "total")
        },
    }
    print(f"{'measure':<42}{'value':>12}")
    for key, value in result.items():
        if key != "stages_s":
            print(f"{key:<42}{value!s:>12}")
    print("per stage (s):")
    for stage, seconds in result["stages_s"].items():
        print(f"  {stage:<40}{seconds:>12}")
    harness.write_json("throughput.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
