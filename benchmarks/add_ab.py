"""A desk's add, A/B: single-article adds to one stored synthetic story under two versions of the
code, runs interleaved.

    python benchmarks/add_ab.py --base COMMIT [--articles 1000] [--adds 8] [--runs 3]

``incremental_add.py`` measures one version; on a host whose speed drifts (a 1,000-article story's
add took 3.5 s on 2026-12-03 and 4.8 s on 2026-12-05 for the same code, acb5022), two of its runs an
hour apart cannot tell a change of a few tenths of a second. Here a story of ``--articles`` articles
is stored and annotated once; then each version, in turn, ``--runs`` times, adds ``--adds`` more
articles one at a time to its own copy of that store, in one process (the model loaded once, as a
desk keeps it), and analyses each new article alone after the adds (its own analysis, in that same
process; each version alike). For each add: its wall time and the CPU time of the process that adds
(not of the workers it forks). The first two adds of a run, and those articles' own analyses, are
left out of the medians (the first add reads every stored parse back, the second is the first with
the stages' memos warm). (Until 2026-12-05's third session, the own analyses' median took every
article; ``results/add_ab.json`` and ``add_ab_0620d79_6aa9699.json`` were written so.) At the
end of a run the stored dossier is written out (JSON, keys in crosswire's order, apart from the
generator), and the two versions' dossiers must be the same.

Both versions read the same stored parses, made by the base version when it stores the story (a
store migrates forward, never back): each version is told to file parses under one pipeline version
(``pipeline_version`` replaced in the process that adds), so this compares what an add does after
annotation. If the two versions annotate differently the comparison is void, and the dossiers will
most likely differ: the script says so, and exits with 1. The two versions take turns: the base
first in the first run, last in the second, and so on. The base version's ``src`` is written to a
temporary folder (``git archive``); the other is this working tree. After each add, the claims it
renamed are counted: those whose first report (document, sentence, span) is the version before's,
under another id (read from the stored versions, outside the timing); the median is of the adds
the times' medians take, and each run's first add is reported apart (the first add of a version
other than the one that stored the story renames what the two name differently). Writes
benchmarks/results/add_ab.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from synthetic import make_pile  # noqa: E402

ROOT = harness.ROOT
STORY = "bench"
# Left out of the medians: the first add reads every parse back, the second is the first with memos.
SETTLING_ADDS = 2


def _child(store: Path, pile: Path, articles: int, adds: int, out: Path) -> None:
    """In the process of one version: build the story (``adds`` 0) or make the adds; the stored
    dossier to ``out`` (JSON, keys in the order crosswire wrote them), each add's times beside it
    (``_rows_of(out)``)."""
    from crosswire.analysis import pipeline
    from crosswire.settings import Settings
    from crosswire.stories.service import add_to_story
    from crosswire.stories.store import open_store

    # Both versions file parses under one version, so each reads those made once, by the base.
    pipeline.pipeline_version = lambda model: f"add-ab {model}"
    settings = Settings(progress=False)
    nlp = pipeline.load_pipeline(settings.spacy_model)
    files = [(p.name, p.read_bytes()) for p in sorted(pile.iterdir())]
    opened = open_store(store)
    if adds == 0:
        add_to_story(opened, STORY, files[:articles], settings, nlp=nlp)
        opened.close()
        return
    stored = {d.name for d in opened.documents(STORY)}
    extra = [f for f in files if f[0] not in stored][:adds]
    rows = []
    named = _claim_names(opened.version(STORY) or {})
    for item in extra:
        wall, cpu = time.perf_counter(), time.process_time()
        add_to_story(opened, STORY, [item], settings, nlp=nlp)
        rows.append({"add_s": time.perf_counter() - wall, "add_cpu_s": time.process_time() - cpu})
        before, named = named, _claim_names(opened.version(STORY) or {})
        renamed = sum(1 for first, name in named.items() if before.get(first, name) != name)
        rows[-1]["claims_renamed"] = renamed
    for row, item in zip(rows, extra, strict=True):
        wall = time.perf_counter()
        pipeline.analyze([item], settings, nlp=nlp)
        row["own_s"] = time.perf_counter() - wall
    dossier = opened.version(STORY) or {}
    opened.close()
    dossier.pop("generator", None)
    out.write_text(json.dumps(dossier, ensure_ascii=False), encoding="utf-8")
    _rows_of(out).write_text(json.dumps(rows), encoding="utf-8")


def _claim_names(dossier: dict) -> dict[str, str]:
    """Each claim's id by its first report (document, sentence and span): a claim whose first report
    is the same in two versions of a story and whose id is not was renamed by what came between."""
    first = ("doc", "sentence", "span")
    return {json.dumps([c["mentions"][0][k] for k in first]): c["id"] for c in dossier["claims"]}


def _rows_of(out: Path) -> Path:
    return out.with_suffix(".adds.json")


def _run(source: Path, *arguments: str) -> None:
    """This script's ``_child`` in a process of its own, with the code under ``source``."""
    command = [sys.executable, __file__, "--child", *arguments]
    subprocess.run(command, env={**os.environ, "PYTHONPATH": str(source)}, check=True)


def _checked_out(commit: str, folder: Path) -> Path:
    """The ``src`` folder of ``commit``, written under ``folder`` (``git archive``: the repository
    itself is not written to, so an interrupted run leaves nothing behind in it)."""
    command = ["git", "archive", commit, "src"]
    archive = subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


_CLAIM_ID = re.compile(r"c-[\w-]+")


def _claims_by_place(written: bytes) -> bytes:
    """A stored dossier's JSON with each claim's id, wherever it stands (a claim's own, a
    conflict's, an event's, the brief's and its sentences' citations), replaced by the claim's
    place in the list of claims: two versions that only name claims differently write the same."""
    text = written.decode("utf-8")
    place = {claim["id"]: f"c-#{n}" for n, claim in enumerate(json.loads(text).get("claims", []))}
    renamed = _CLAIM_ID.sub(lambda match: place.get(match.group(0), match.group(0)), text)
    return renamed.encode("utf-8")


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--base", help="the commit to compare this tree with (required)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--adds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--claim-ids-may-differ",
        action="store_true",
        help="the versions name claims differently: compare the dossiers with each claim's id "
        "replaced by its place in the list of claims",
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        store, pile, articles, adds, out = args.child
        _child(Path(store), Path(pile), int(articles), int(adds), Path(out))
        return 0
    if not args.base:
        parser.error("--base COMMIT is required")
    if args.adds <= SETTLING_ADDS or args.runs < 1:
        parser.error(f"--adds must be over {SETTLING_ADDS} (left out), and --runs at least 1")
    label = harness.code_label()
    same_commit = harness.git("rev-parse", args.base) == harness.git("rev-parse", "HEAD")
    if same_commit and "+" not in label:
        parser.error(f"--base {args.base} is this tree's code: there is nothing to compare")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        versions = {args.base: _checked_out(args.base, folder / "base"), label: ROOT / "src"}
        pile = folder / "pile"
        # Six templates a story, as incremental_add.py: no two articles are the same text.
        total = args.articles + args.adds
        make_pile(pile, total, total // 6 + 1)
        built = folder / "built.db"
        harness.progress(f"storing and annotating {args.articles} articles once")
        # By the base version: this tree reads an older store (and migrates its copy), not back.
        nowhere = str(folder / "none.json")
        _run(versions[args.base], str(built), str(pile), str(args.articles), "0", nowhere)
        rows, same = [], []
        for run in range(args.runs):
            order = list(versions.items())
            order = order if run % 2 == 0 else order[::-1]  # (the base first, then last, ...)
            for name, source in order:
                copy = folder / "run.db"
                shutil.copyfile(built, copy)
                out = folder / f"{run}-{name}.json"
                _run(source, str(copy), str(pile), str(args.articles), str(args.adds), str(out))
                adds = json.loads(_rows_of(out).read_text(encoding="utf-8"))
                for k, add in enumerate(adds):
                    figures = {x: round(v, 3) for x, v in add.items()}
                    rows.append({"run": run, "code": name, "add": k + 1, **figures})
                settled = adds[SETTLING_ADDS:]
                harness.progress(
                    f"run {run + 1}: {name}: median add "
                    f"{statistics.median(a['add_s'] for a in settled):.2f} s, "
                    f"own {statistics.median(a['own_s'] for a in adds):.2f} s"
                )
            written = [(folder / f"{run}-{name}.json").read_bytes() for name in versions]
            if args.claim_ids_may_differ:
                written = [_claims_by_place(text) for text in written]
            same.append(written[0] == written[1])
            if not same[-1]:
                harness.progress(
                    f"run {run + 1}: the two versions stored different dossiers: they reconcile "
                    "(or annotate) differently, and their times are not of the same work"
                )
    summary = {}
    first_adds = [r for r in rows if r["add"] == 1]
    for name in versions:
        # The add and the own analysis of the same articles: the margin compares like with like.
        settled = [r for r in rows if r["code"] == name and r["add"] > SETTLING_ADDS]
        add = statistics.median(r["add_s"] for r in settled)
        own = statistics.median(r["own_s"] for r in settled)
        renamed = [r["claims_renamed"] for r in settled]  # (the first add: below, apart)
        firsts = [r["claims_renamed"] for r in first_adds if r["code"] == name]
        summary[name] = {
            "median_add_s": round(add, 2),
            "median_add_cpu_s": round(statistics.median(r["add_cpu_s"] for r in settled), 2),
            "median_own_s": round(own, 2),
            "margin_s": round(add - own, 2),
            "median_claims_renamed": statistics.median(renamed),
            "first_add_claims_renamed": firsts,
        }
    columns = (
        "median_add_s",
        "median_add_cpu_s",
        "median_own_s",
        "margin_s",
        "median_claims_renamed",
    )
    table = [(name, *(figures[c] for c in columns)) for name, figures in summary.items()]
    header = (
        "code",
        "median add s",
        "its CPU s",
        "median own analysis s",
        "add - own s",
        "claims renamed",
    )
    print(harness.table(header, table))
    but = " (but for the claims' ids)" if args.claim_ids_may_differ else ""
    print(f"same dossier{but} in every run: {all(same)}")
    harness.write_json(
        "add_ab.json",
        {
            "command": " ".join(["python benchmarks/add_ab.py", *sys.argv[1:]]),
            "code": label,
            "articles": args.articles,
            "summary": summary,
            "adds": rows,
            "same_dossier": same,
            "claim_ids_may_differ": args.claim_ids_may_differ,
        },
    )
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
