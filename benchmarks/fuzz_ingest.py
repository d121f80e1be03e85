"""Fuzz ingest and clean: thousands of hostile inputs, none may stop the batch or break the budget.

    python benchmarks/fuzz_ingest.py [--n 3000] [--seed 0] [--quick]

Inputs: random bytes, random text, sample articles (src/crosswire/sample) with bytes flipped, cut,
duplicated or re-encoded, truncated and deeply nested HTML, huge lines, broken JSON lines, and lines
crafted against the cleaner's patterns; each is written with a supported suffix and run through
``pipeline.prepare`` (ingest + clean + facts) on its own. Reports inputs tried, crashes (exceptions
escaping prepare), unexpected errors caught in clean, Skipped counts by reason, max / p99 time and peak
traced memory per input (times include tracemalloc's overhead). Writes benchmarks/results/fuzz_ingest.json
(--quick runs 150 inputs and writes nothing; tests/test_hostile_input.py runs a short loop in CI).
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import _harness as harness

ROOT = harness.ROOT
SAMPLE = harness.SAMPLE
RESULT = harness.RESULTS / "fuzz_ingest.json"
SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".parquet"]
ENCODINGS = ["utf-8", "cp1252", "latin-1", "koi8-r", "shift_jis", "utf-16", "gb18030", "iso-8859-7"]
CRAFTED = ["*", "_", "*a ", "**a ", "_a ", "[a", "[a](x", "“", "‘", "i think “", " ", "a.", "https://", "AAA ", "<b>"]
BUDGET_SECONDS = 10.0
BUDGET_MB = 300.0


def _samples() -> list[bytes]:
    return [p.read_bytes() for p in sorted(SAMPLE.iterdir()) if p.is_file()]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        at = rng.randrange(len(data))
        kind = rng.randrange(5)
        if kind == 0:
            data[at] = rng.randrange(256)
        elif kind == 1:
            del data[at : at + rng.randint(1, 500)]
        elif kind == 2:
            data[at:at] = data[at : at + rng.randint(1, 2000)] * rng.randint(1, 50)
        elif kind == 3:
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        else:
            del data[at:]
    return bytes(data)


def _reencode(rng: random.Random, data: bytes) -> bytes:
    """Pieces of an article, each in a different encoding: a file that mixes encodings."""
    text = data.decode("utf-8", "replace")
    pieces, at = [], 0
    while at < len(text):
        step = rng.randint(20, 2000)
        pieces.append(text[at : at + step].encode(rng.choice(ENCODINGS), "replace"))
        at += step
    return b"".join(pieces)


def _html(rng: random.Random, body: str) -> bytes:
    depth = rng.choice([10, 300, 5_000, 100_000])
    tag = rng.choice(["div", "span", "b", "table", "p"])
    page = f"<html><head><title>T</title></head><body>{'<' + tag + '>' * depth}<article><p>{body}</p></article>"
    if rng.random() < 0.5:
        page += f"</{tag}>" * depth + "</body></html>"
    return page[: rng.randint(len(page) // 2, len(page))].encode() if rng.random() < 0.3 else page.encode()


def _jsonl(rng: random.Random, samples: list[bytes]) -> bytes:
    lines = []
    for _ in range(rng.randint(1, 20)):
        text = rng.choice(samples).decode("utf-8", "replace")
        record = {"text": text, "title": text[:60], "author": rng.choice(["A. Writer", " " * 50_000, None, 7])}
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
        lines.append(line[: rng.randrange(len(line))] if rng.random() < 0.3 else line)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _make(rng: random.Random, samples: list[bytes]) -> tuple[str, str, bytes]:
    """One hostile input: (kind, suffix, bytes)."""
    kind = rng.choice(
        ["random bytes", "random text", "mutated sample", "mixed encodings", "html", "huge line"] * 2
        + ["jsonl", "crafted line", "empty"]
    )
    suffix = rng.choice(SUFFIXES)
    sample = rng.choice(samples)
    if kind == "random bytes":
        data = rng.randbytes(rng.choice([1, 100, 10_000, 1_000_000]))
    elif kind == "random text":
        alphabet = "".join(map(chr, rng.sample(range(1, 0x3000), 60))) + " \n.*_[]()“”<>"
        data = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20_000))).encode("utf-8", "surrogatepass")
    elif kind == "mutated sample":
        data = _mutate(rng, sample)
    elif kind == "mixed encodings":
        data = _reencode(rng, sample)
    elif kind == "html":
        data, suffix = _html(rng, sample.decode("utf-8", "replace")), ".html"
    elif kind == "huge line":
        unit = rng.choice(["x", "ab", "a b ", "é", "<", " "])
        data = sample + b"\n" + (unit * (rng.randint(10_000, 1_200_000) // len(unit))).encode()
    elif kind == "jsonl":
        data, suffix = _jsonl(rng, samples), rng.choice([".jsonl", ".parquet"])
    elif kind == "crafted line":
        unit = rng.choice(CRAFTED)
        line = unit * (rng.randint(1_000, 45_000) // len(unit))
        data = (sample.decode("utf-8", "replace") + ("\n\n" + line) * rng.randint(1, 100)).encode()[:4_900_000]
    else:
        data = rng.choice([b"", b" ", b"\n\n\t", b"\xef\xbb\xbf"])
    return kind, suffix, data


def _write(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"input{suffix}"
    if suffix == ".parquet" and data[:1] == b"{":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq

            rows = [json.loads(line) for line in data.splitlines()]
            pq.write_table(pa.Table.from_pylist([r for r in rows if isinstance(r, dict)]), path)
            return path
        except Exception:  # not valid rows for a table: write the bytes, a broken Parquet file
            pass
    path.write_bytes(data)
    return path


def _reason_kind(reason: str) -> str:
    """A reason with its numbers and quoted parts taken out, to count reasons by kind."""
    reason = re.sub(r"\(.*\)", "(…)", reason)
    return re.sub(r"\d[\d,.]*", "N", reason)[:110]


def fuzz(n: int, seed: int = 0, log: Callable[[str], None] | None = None) -> dict:
    """Run ``n`` hostile inputs through prepare, one at a time; the counts and the worst costs."""
    from crosswire.analysis.pipeline import prepare
    from crosswire.settings import Settings

    settings = Settings(progress=False)
    rng = random.Random(seed)
    samples = _samples()
    times: list[float] = []
    peaks: list[float] = []
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    crashes: list[dict] = []
    unexpected: list[str] = []
    documents = 0
    slowest: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(n):
            kind, suffix, data = _make(rng, samples)
            kinds[kind] += 1
            path = _write(Path(tmp), suffix, data)
            tracemalloc.start()
            started = time.perf_counter()
            try:
                docs, errors = prepare([str(path)], settings, None, {})
            except Exception as exc:  # a crash: what this benchmark exists to find
                crashes.append({"input": number, "kind": kind, "suffix": suffix, "error": repr(exc)[:300]})
                if log:
                    log(traceback.format_exc())
                docs, errors = [], []
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            times.append(elapsed)
            peaks.append(peak)
            slowest = sorted([*slowest, (elapsed, f"{kind} {suffix} {len(data):,} bytes")], reverse=True)[:5]
            documents += len(docs)
            for error in errors:
                reasons[f"{error.stage}: {_reason_kind(error.reason)}"] += 1
                if "could not be cleaned" in error.reason:
                    unexpected.append(f"{kind} {suffix}: {error.reason[:200]}")
            if log and (number + 1) % 250 == 0:
                log(f"{number + 1} inputs, {len(crashes)} crashes, max {max(times):.2f} s, peak {max(peaks):.0f} MB")
    ordered = sorted(times)
    return {
        "inputs_tried": n,
        "seed": seed,
        "crashes": len(crashes),
        "crash_details": crashes[:20],
        "unexpected_errors_caught": len(unexpected),
        "unexpected_details": unexpected[:20],
        "documents": documents,
        "skipped": sum(reasons.values()),
        "inputs_by_kind": dict(kinds.most_common()),
        "skipped_by_reason": dict(reasons.most_common()),
        "max_seconds": round(ordered[-1], 3),
        "p99_seconds": round(ordered[int(0.99 * (len(ordered) - 1))], 3),
        "median_seconds": round(ordered[len(ordered) // 2], 4),
        "peak_traced_mb": round(max(peaks), 1),
        "p99_traced_mb": round(sorted(peaks)[int(0.99 * (len(peaks) - 1))], 1),
        "slowest": [f"{seconds:.2f} s: {what}" for seconds, what in slowest],
        "budget": {"seconds_per_document": BUDGET_SECONDS, "traced_mb_per_document": BUDGET_MB},
    }


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--n", type=int, default=3000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="150 inputs, nothing written (a smoke run)")
    args = parser.parse_args()
    n = 150 if args.quick else args.n
    started = time.perf_counter()
    result = fuzz(n, args.seed, log=harness.progress)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(f"{'inputs tried':<28}{result['inputs_tried']:>10,}")
    print(f"{'crashes (escaped prepare)':<28}{result['crashes']:>10,}")
    print(f"{'unexpected errors caught':<28}{result['unexpected_errors_caught']:>10,}")
    print(f"{'documents read':<28}{result['documents']:>10,}")
    print(f"{'skipped with a reason':<28}{result['skipped']:>10,}")
    print(f"{'max s / document':<28}{result['max_seconds']:>10.2f}")
    print(f"{'p99 s / document':<28}{result['p99_seconds']:>10.2f}")
    print(f"{'peak traced MB / document':<28}{result['peak_traced_mb']:>10.0f}")
    print("\nSkipped by reason:")
    for reason, count in result["skipped_by_reason"].items():
        print(f"{count:>8,}  {reason}")
    print("\nSlowest inputs:", *result["slowest"], sep="\n  ")
    if not args.quick:
        harness.write_json(RESULT, result, ensure_ascii=False)
        print(f"\nwrote {RESULT.relative_to(ROOT)}")
    within = result["max_seconds"] <= BUDGET_SECONDS and result["peak_traced_mb"] <= BUDGET_MB
    return 0 if result["crashes"] == 0 and result["unexpected_errors_caught"] == 0 and within else 1


if __name__ == "__main__":
    sys.exit(main())
