"""Throughput per engine: `analyze --stories` on the same synthetic pile, local process pool vs Ray.

    python benchmarks/engines.py [--articles 300] [--stories 30]

Each engine runs in a fresh process (so both pay their start-up: model loads, Ray start); the script
checks that both give identical dossiers and writes benchmarks/results/engines.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from synthetic import make_pile  # noqa: E402

ROOT = harness.ROOT


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--stories", type=int, default=30)
    args = parser.parse_args()
    result: dict[str, object] = {"articles": args.articles, "stories": args.stories}
    with tempfile.TemporaryDirectory() as tmp:
        pile = Path(tmp) / "pile"
        make_pile(pile, args.articles, args.stories)
        outputs = {}
        for engine in ("local", "ray"):
            out = Path(tmp) / engine
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "crosswire.cli",
                    "analyze",
                    str(pile),
                    "--stories",
                    str(out),
                    "--engine",
                    engine,
                    "--quiet",
                ],
                check=True,
            )
            seconds = time.perf_counter() - start
            outputs[engine] = {p.name: p.read_bytes() for p in sorted(out.glob("story-*.json"))}
            words = sum(
                len(s["text"].split())
                for f in outputs[engine].values()
                for d in json.loads(f)["documents"]
                for s in d["sentences"]
            )
            result[engine] = {
                "seconds": round(seconds, 1),
                "words": words,
                "words_per_s": round(words / seconds),
                "stories": len(outputs[engine]),
            }
        result["identical_dossiers"] = outputs["local"] == outputs["ray"]
    print(json.dumps(result, indent=2))
    harness.write_json("engines.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
