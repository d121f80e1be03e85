"""Hostile inputs through the whole pipeline, the renderers and the story store: none may crash, leak markup or
freeze a story.

    python benchmarks/hostile_pipeline.py [--n 40] [--seed 0] [--families numbers,dates,...] [--store-every 1]
                                          [--order 12] [--document-seconds 60] [--match TEXT] [--quick]

Eight families of generated inputs, each a short news article in plain English (so it passes the cleaner)
that carries one hostile value: huge numbers (400 and 5,000 digits, with units, counted nouns, currencies,
ranges; 1e999), far dates and offsets ("1000000 days ago", a dateline of 31 December 9999 then
"tomorrow"), impossible calendar dates (30 February), hostile JSON Lines (nested 100,000 deep, a 5,000-digit
integer, NaN, a 4 MB field), odd shapes (100,000 short lines, a 2 MB line, 20,000 paragraphs, a 5,000-word
sentence, 10,000 quotation marks, 10,000 nested divs), markup payloads in every field an article controls,
odd file names (newlines, bytes that are not UTF-8, 255-byte names, names that collide), and the sample
articles (src/crosswire/sample) with bytes flipped, cut or duplicated (fuzz_ingest's ``_mutate``).

Each input is analysed beside a normal sample article (``analyze([sample, hostile])``, so the
cross-document stages run) and counted as a CRASH if an exception escapes analyze, ``to_dict``, the
Markdown or the HTML renderer. The dossier must be strict JSON (``allow_nan=False``, and it must load back
with NaN/Infinity refused), the HTML must hold no payload verbatim and no live markup of an article's (a
second script, an ``on*`` attribute, a ``javascript:`` URL, an img/iframe/object/embed/base element), the
Markdown no payload verbatim. STORE (every ``--store-every``-th input): in a fresh SQLite store the input is
added to a story as the CLI reads files (``collect_files`` then ``add_to_story``), then a normal article: a
FROZEN story is one where that second add raises or gives no version that analysed the normal article;
then ``remove_from_story`` must take the hostile documents out. ORDER (``--order`` inputs): [a, b, hostile]
and [hostile, b, a] under other file names must give the same dossier JSON once document ids and sources
are replaced by hashes of their sentences (as tests/test_order.py compares).

Prints a table per family (inputs, crashes, non-strict JSON, unescaped payloads, frozen stories, internal
errors the pipeline caught and reported as bugs, inputs over budget, worst and p99 seconds per hostile
input), the hostile documents skipped by stage and reason, and every crash with its traceback. The seconds
of an input are the wall time of ``analyze([sample, hostile])`` (the normal article's part about 0.4 s);
an input is over budget when that, or its ingest + clean alone (cleaning runs in a stoppable worker too),
exceeds ``document_seconds`` + 15 s. Names given to the web app are
stored as its ``safe_file_name`` keeps them. Writes benchmarks/results/hostile_pipeline.json (--quick
runs a few inputs per family and writes nothing; tests/test_hostile_pipeline.py runs a short version in CI).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _hostile_checks import Row, crash_row, order_check, run_case  # noqa: E402
from _hostile_inputs import FAMILIES, Case, build_cases  # noqa: E402

RESULT = harness.RESULTS / "hostile_pipeline.json"


# ---------------------------------------------------------------------------------------------- the run


def run(
    cases: list[Case],
    nlp: Any,
    settings: Any,
    store_every: int = 1,
    order: int = 10,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run every case (the store check on every ``store_every``-th, the order check on ``order`` of them,
    spread over the families); the counts, the worst costs and every problem found."""
    crashes: list[dict[str, Any]] = []
    rows: list[Row] = []
    ordered = _order_picks(cases, order)
    with tempfile.TemporaryDirectory(prefix="crosswire-hostile-") as tmp:
        for number, case in enumerate(cases):
            folder = Path(tmp) / f"{number:04d}"
            store = store_every > 0 and number % store_every == 0
            row = run_case(case, folder, nlp, settings, crashes, store=store)
            if number in ordered:
                try:
                    row.order = order_check(case, folder / "order", nlp, settings)
                except Exception:
                    crash_row(row, "order check", crashes)
                    row.order = "crashed"
                if row.order.startswith("differs"):
                    row.problems.append(f"order mismatch: {row.order}")
            shutil.rmtree(folder, ignore_errors=True)
            rows.append(row)
            if log:
                mark = "; ".join(row.problems)[:300] or "ok"
                outcome = f"{row.documents} doc" + (f", skipped {row.skipped[0][:60]}" if row.skipped else "")
                log(
                    f"{number + 1:4d}/{len(cases)} {row.seconds:6.2f} s  {case.family:<8} {case.label[:60]:<60} "
                    f"{outcome} | {mark}"
                )
    return report(rows, crashes, store_every, order, [c.payloads for c in cases])


def _order_picks(cases: list[Case], count: int) -> set[int]:
    """Indexes of ``count`` light cases, taken in turn from each family (names: their names are the point)."""
    by_family: dict[str, list[int]] = {}
    for number, case in enumerate(cases):
        if not case.heavy and case.family != "names":
            by_family.setdefault(case.family, []).append(number)
    picks: list[int] = []
    while len(picks) < count and any(by_family.values()):
        for family in list(by_family):
            if by_family[family] and len(picks) < count:
                queue = by_family[family]
                picks.append(queue.pop(len(queue) // 2 if len(picks) >= len(by_family) else 0))
    return set(picks)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else 0.0


def report(
    rows: list[Row], crashes: list[dict[str, Any]], store_every: int, order: int, payload_counts: list[tuple[str, ...]]
) -> dict[str, Any]:
    def count(kind: str, some: list[Row]) -> int:
        return sum(1 for r in some for p in r.problems if p.startswith(kind + ":"))

    kinds = ("crash", "non-strict JSON", "unescaped", "frozen", "not removable", "order mismatch", "internal error")
    kinds += ("normal article lost", "normal article skipped", "over budget")
    families = {}
    for family in dict.fromkeys(r.family for r in rows):
        some = [r for r in rows if r.family == family]
        families[family] = {
            "inputs": len(some),
            **{k.replace(" ", "_").replace("-", "_"): count(k, some) for k in kinds},
            "inputs_that_crashed": sum(1 for r in some if any(p.startswith("crash:") for p in r.problems)),
            "hostile_documents_analysed": sum(r.documents for r in some),
            "inputs_with_a_skip": sum(1 for r in some if r.skipped),
            "max_seconds": round(max(r.seconds for r in some), 2),
            "p99_seconds": round(_quantile([r.seconds for r in some], 0.99), 2),
        }
    seconds = [r.seconds for r in rows]
    skipped = Counter(s for r in rows for s in r.skipped)
    stages = Counter(s.split(":")[0] for r in rows for s in r.skipped)
    slowest = sorted(rows, key=lambda r: r.seconds, reverse=True)[:8]
    return {
        "inputs_tried": len(rows),
        "inputs_by_family": {f: v["inputs"] for f, v in families.items()},
        "crashes": count("crash", rows),  # exceptions that escaped, over every step of every input
        "inputs_that_crashed": sum(1 for r in rows if any(p.startswith("crash:") for p in r.problems)),
        "non_strict_json": count("non-strict JSON", rows),
        "unescaped_payloads": count("unescaped", rows),
        "frozen_stories": count("frozen", rows),
        "not_removable": count("not removable", rows),
        "order_checks": sum(1 for r in rows if r.order),
        "order_mismatches": count("order mismatch", rows),
        "internal_errors_caught": count("internal error", rows),
        "normal_article_lost": count("normal article lost", rows) + count("normal article skipped", rows),
        "over_budget": count("over budget", rows),
        "payloads_placed": sum(len(c) for c in payload_counts),
        "payloads_in_the_dossier": sum(r.payloads_seen for r in rows),
        "store_checks": sum(1 for r in rows if r.store_seconds),
        "store_every": store_every,
        "max_seconds_per_document": round(max(seconds, default=0.0), 2),
        "p99_seconds_per_document": round(_quantile(seconds, 0.99), 2),
        "median_seconds_per_document": round(_quantile(seconds, 0.5), 3),
        "max_ingest_clean_seconds": round(max((r.clean_seconds for r in rows), default=0.0), 2),
        "max_store_seconds": round(max((r.store_seconds for r in rows), default=0.0), 2),
        "hostile_skipped_by_stage": dict(stages.most_common()),
        "hostile_skipped_by_reason": dict(skipped.most_common()),
        "by_family": families,
        "slowest": [f"{r.seconds:.2f} s: {r.family} {r.label[:80]} ({r.bytes:,} bytes)" for r in slowest],
        "crash_details": crashes,
        "problems": [f"{r.family} / {r.label}: {p}" for r in rows for p in r.problems],
        "per_input": [
            {
                "family": r.family,
                "input": r.label,
                "bytes": r.bytes,
                "seconds": round(r.seconds, 3),
                "store_seconds": round(r.store_seconds, 3),
                "ingest_clean_seconds": round(r.clean_seconds, 3),
                "documents": r.documents,
                "skipped": r.skipped,
                "order": r.order,
                "problems": r.problems,
            }
            for r in rows
        ],
    }


def failed(result: dict[str, Any]) -> bool:
    keys = ("crashes", "non_strict_json", "unescaped_payloads", "frozen_stories", "not_removable")
    keys += ("order_mismatches", "internal_errors_caught", "normal_article_lost", "over_budget")
    return any(result[k] for k in keys)


def _print(result: dict[str, Any]) -> None:
    columns = (
        ("inputs", "inputs"),
        ("inputs_that_crashed", "crashed"),
        ("non_strict_JSON", "non-strict"),
        ("unescaped", "unescaped"),
        ("frozen", "frozen"),
        ("internal_error", "bug skips"),
        ("over_budget", "over budg."),
        ("hostile_documents_analysed", "docs"),
        ("inputs_with_a_skip", "skipped"),
        ("max_seconds", "max s"),
        ("p99_seconds", "p99 s"),
    )
    print(f"{'family':<10}" + "".join(f"{title:>11}" for _, title in columns))
    for family, figures in result["by_family"].items():
        print(f"{family:<10}" + "".join(f"{figures[key]!s:>11}" for key, _ in columns))
    print()
    for key in (
        "inputs_tried",
        "crashes",
        "inputs_that_crashed",
        "non_strict_json",
        "unescaped_payloads",
        "payloads_placed",
        "payloads_in_the_dossier",
        "frozen_stories",
        "not_removable",
        "store_checks",
        "order_checks",
        "order_mismatches",
        "internal_errors_caught",
        "normal_article_lost",
        "over_budget",
        "max_seconds_per_document",
        "p99_seconds_per_document",
        "median_seconds_per_document",
        "max_ingest_clean_seconds",
        "max_store_seconds",
    ):
        print(f"{key.replace('_', ' '):<32}{result[key]!s:>12}")
    print(
        "\nHostile inputs skipped, by stage:",
        ", ".join(f"{s} {n}" for s, n in result["hostile_skipped_by_stage"].items()),
    )
    for reason, number in result["hostile_skipped_by_reason"].items():
        print(f"{number:>6}  {reason}")
    print("\nSlowest inputs:", *result["slowest"], sep="\n  ")
    if result["problems"]:
        print("\nProblems:", *result["problems"], sep="\n  ")
    shown: set[str] = set()
    for crash in result["crash_details"]:
        where = _where(crash["traceback"])
        if where in shown:
            print(f"\nCRASH in {crash['step']} on {crash['family']} / {crash['input']!r}: as above ({where})")
            continue
        shown.add(where)
        print(f"\nCRASH in {crash['step']} on {crash['family']} / {crash['input']!r}:\n{crash['traceback']}")


def _where(text: str) -> str:
    """A traceback's innermost crosswire frame and its exception type: one line per distinct crash."""
    frames = re.findall(r'File "([^"]*/crosswire/[^"]*)", line (\d+)', text)
    kind = text.strip().splitlines()[-1].split(":")[0]
    return f"{Path(frames[-1][0]).name}:{frames[-1][1]} {kind}" if frames else kind


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--n", type=int, default=40, help="mutated sample articles (the other families are fixed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--families", default=",".join(FAMILIES), help=f"comma-separated, of {', '.join(FAMILIES)}")
    parser.add_argument("--store-every", type=int, default=1, help="store check on every Nth input (0: none)")
    parser.add_argument("--order", type=int, default=12, help="inputs that get the order check")
    parser.add_argument("--document-seconds", type=float, default=None, help="per-document budget (default: 60)")
    parser.add_argument("--workers", type=int, default=1, help="annotate workers (1 keeps a 2-core machine usable)")
    parser.add_argument("--match", default="", help="only inputs whose label contains this text")
    parser.add_argument("--quick", action="store_true", help="3 light inputs per family, nothing written")
    args = parser.parse_args()
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.settings import Settings

    families = tuple(f.strip() for f in args.families.split(",") if f.strip())
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown families {sorted(unknown)}; choose from {', '.join(FAMILIES)}")
    cases = build_cases(args.seed, 4 if args.quick else args.n, families)
    cases = [c for c in cases if args.match.lower() in c.label.lower()]
    if args.quick:
        cases = [c for f in families for c in [c for c in cases if c.family == f and not c.heavy][:3]]
    budget = {} if args.document_seconds is None else {"document_seconds": args.document_seconds}
    settings = Settings(progress=False, workers=args.workers, **budget)
    started = time.perf_counter()
    nlp = load_pipeline(settings.spacy_model)
    result = run(
        cases,
        nlp,
        settings,
        store_every=2 if args.quick else args.store_every,
        order=3 if args.quick else args.order,
        log=harness.progress,
    )
    result = {
        "seed": args.seed,
        "n_mutated": args.n,
        "document_seconds": settings.document_seconds,
        "workers": settings.workers,
        "wall_seconds": round(time.perf_counter() - started, 1),
        **result,
    }
    _print(result)
    print(f"\n{'wall seconds':<32}{result['wall_seconds']:>12}")
    if not args.quick:
        harness.write_json(RESULT, result, ensure_ascii=False)
        print(f"\nwrote {RESULT.relative_to(harness.ROOT)}")
    return 1 if failed(result) else 0


if __name__ == "__main__":
    sys.exit(main())
