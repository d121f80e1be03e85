"""Pile memory: what the main process holds once a pile is read, cleaned and sorted into stories.

    python benchmarks/pile_memory.py [--sizes 5000,20000] [--documents K --log FILE] [--per-story N]
        [--own-names]
    python benchmarks/pile_memory.py --purity FILE   (how pure a synthetic pile's stories were)

The part of `crosswire analyze --stories` whose memory grows with the pile (issue 14, item 3) comes
before any story is parsed: every document is read and cleaned into the spill, its outlet facts are
grouped across the pile, and every document is clustered. This measures it without the hour a
100,000-article run takes: for each size, in a fresh process with the spaCy model loaded, the main
process's resident memory (``/proc/self/statm``) and its high-water mark (``VmHWM``) when the first
story comes out of ``iter_stories``, above what the process held before it started (model loaded).
The first story's batch is parsed by then too (the same few hundred documents at every size), so the
growth from one size to the next is the pile's. Piles come from ``benchmarks/synthetic.py`` (one story
per 10 articles). Writes benchmarks/results/pile_memory.json.

Since 577346b the pile is read and sorted in a process of its own, which ends before the first story
is parsed: its memory no longer shows in the main process's figures, so the largest resident set of
the ended child processes is reported beside them (``ru_maxrss`` of ``RUSAGE_CHILDREN``; it counts
the model's pages shared with the main process too).

With ``--documents K`` the run goes on after the first story until K documents have come out in
stories (or the pile ends), and a thread samples the proportional set size (PSS) of the whole
process tree every second: the main process, the reading and sorting processes and the cleaning and
parsing workers, each shared page counted once. It reports the tree's peak until the first story
comes out (the pile read, sorted and the first batch parsed) and after it, up to K documents, and
the main process's high-water mark. It also reports the tree's peak anonymous memory (``Pss_Anon``
summed): PSS divides a shared library's file pages among every process that maps it, other programs'
too, so the tree's PSS is lower while another Python process of the same environment runs (a second
benchmark, a test run); its anonymous pages are shared only within the tree, and their sum does not
depend on what else runs. Compare runs made side by side on anonymous memory, or make them one after
the other. Run the smallest size with K at least its size to have the whole of that run beside the
larger piles' first K documents.

A sample every second misses most of a chunk's short peak while a pile is read: a longer run
catches more of them, so the tree's sampled peak grows with the pile by luck as well as by memory.
Each process's resident high-water mark (``VmHWM``, read at every sample) misses nothing but the
last second of the process's life: ``process_high_water_mb`` lists them (pages shared between
processes count in each, so they are compared process by process, not summed).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness as harness  # noqa: E402
from _run import status_kb, tree_pss_by_process  # noqa: E402
from synthetic import measured_piles  # noqa: E402


def _resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _resident_and_anonymous_mb() -> tuple[float, float]:
    with open("/proc/self/statm") as f:
        fields = f.read().split()
    return int(fields[1]) * 4096 / 2**20, (int(fields[1]) - int(fields[2])) * 4096 / 2**20


def _summary(sizes: list[int]) -> dict[str, float]:
    ordered = sorted(sizes)
    return {
        "stories": len(ordered),
        "mean": round(sum(ordered) / len(ordered), 1),
        "median": ordered[len(ordered) // 2],
        "max": ordered[-1],
    }


def _high_water_mb() -> float:
    return status_kb("self", "VmHWM:") / 1024


class _TreeSampler:
    """The peak PSS of this process and its descendants, per phase, sampled every ``every`` seconds."""

    def __init__(self, every: float = 1.0) -> None:
        self.phase = "to the first story"
        self.peaks: dict[str, float] = {}
        # The tree's anonymous memory alone: PSS divides a library's file pages among every process
        # that maps them, those of other programs too, so the tree's PSS falls when another Python
        # process of the same environment runs beside it; its anonymous pages are shared only
        # within the tree (forked), so their sum does not depend on what else runs.
        self.anonymous_peaks: dict[str, float] = {}
        self.recent_anonymous = 0.0
        self.at_peak: dict[str, list[dict[str, int]]] = {}  # each process's share at the peak
        self.recent = 0.0  # the peak since ``take_recent`` was last called
        # Each process's resident high-water mark, as last read (a sample misses a short peak of
        # the tree's sum; a process's own high-water mark misses nothing but its last second).
        self.high_water: dict[int, dict[str, object]] = {}
        self._every, self._done = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import os

        while not self._done.wait(self._every):
            self.sample(os.getpid())

    def sample(self, pid: int) -> None:
        rows = tree_pss_by_process(pid)
        for r in rows:
            seen = self.high_water.setdefault(r["pid"], {"depth": r["depth"], "phase": self.phase})
            seen["mb"] = round(r["high_water_kb"] / 1024, 1)
        mb = sum(r["pss_kb"] for r in rows) / 1024
        anonymous = sum(r["pss_anon_kb"] for r in rows) / 1024
        self.recent = max(self.recent, mb)
        self.recent_anonymous = max(self.recent_anonymous, anonymous)
        self.anonymous_peaks[self.phase] = max(self.anonymous_peaks.get(self.phase, 0.0), anonymous)
        if mb > self.peaks.get(self.phase, 0.0):
            self.peaks[self.phase] = mb
            self.at_peak[self.phase] = [
                {
                    "depth": r["depth"],
                    "pss_mb": round(r["pss_kb"] / 1024),
                    "anon_mb": round(r["pss_anon_kb"] / 1024),
                    "file_mb": round(r["pss_file_kb"] / 1024),
                }
                for r in rows
            ]

    def take_recent(self) -> tuple[float, float]:
        """The peak PSS and peak anonymous memory since the last call (a log line's window), and a
        new window."""
        recent = (self.recent, self.recent_anonymous)
        self.recent = self.recent_anonymous = 0.0
        return recent

    def stop(self) -> dict[str, int]:
        self._done.set()
        self._thread.join()
        return {phase: round(mb) for phase, mb in self.peaks.items()}


def measure(pile: str, documents: int = 0, log_file: str = "") -> dict[str, object]:
    """In this process: memory above the loaded model when the first story of ``pile`` comes out;
    with ``documents``, also the tree's peak PSS until that many documents have come out. With
    ``log_file``, a line of JSON is added to that file after every story (documents and stories out,
    seconds, the peaks so far), so a run cut short still says what it measured."""
    from crosswire.analysis.piles import iter_stories
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.models import Dossier
    from crosswire.settings import Settings

    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    gc.collect()
    before, high_before = _resident_mb(), _high_water_mb()
    sampler = _TreeSampler() if documents else None
    start = time.perf_counter()
    stories = iter_stories([pile], settings, nlp=nlp)
    first, first_dossier = next(stories)
    seconds = time.perf_counter() - start
    gc.collect()
    grown, high_water = _resident_mb() - before, _high_water_mb() - max(before, high_before)
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    extra: dict[str, object] = {}
    if sampler is not None:
        import os

        sampler.phase = "after it"
        done, count = len(first.documents), 1
        # each story as it came out: its documents, and this process's resident and anonymous MB
        log = [(len(first.documents), *_resident_and_anonymous_mb())]

        def log_line(dossier: Dossier) -> None:  # (documents and stories out so far, and memory)
            seen = {k: round(v) for k, v in sampler.peaks.items()}
            line: dict[str, object] = {"documents_out": done, "stories_out": count, "peaks_mb": seen}
            line["seconds"] = round(time.perf_counter() - start)
            line["main_hwm_mb"] = round(_high_water_mb())
            line["main_rss_anon_mb"] = [round(v) for v in log[-1][1:]]
            pss, anonymous = sampler.take_recent()
            line["tree_peak_since_last_line_mb"] = round(pss)
            line["tree_anonymous_peak_since_last_line_mb"] = round(anonymous)
            # the story's files by name (a synthetic pile's names say which story each tells), and
            # whether it was left out (no documents in its dossier: see ``--purity``)
            line["pile"] = pile
            # (not by pathlib, which interns every name it parses: the table of interned strings
            # of the process measured would be made anew once enough had come and gone)
            line["files"] = sorted(os.path.basename(d.source) for d in dossier.documents)
            line["left_out"] = not dossier.documents
            with open(log_file, "a") as f:
                f.write(json.dumps(line) + "\n")

        if log_file:
            log_line(first_dossier)
        for story, dossier in stories:
            done, count = done + len(story.documents), count + 1
            log.append((len(story.documents), *_resident_and_anonymous_mb()))
            if log_file:
                log_line(dossier)
            if done >= documents:
                break
        sampler.sample(os.getpid())
        stories.close()  # ends the pile: its workers and spill go
        extra = {
            "documents_out": done,
            "stories_out": count,
            "seconds_to_documents": round(time.perf_counter() - start, 1),
            "tree_pss_peak_mb": sampler.stop(),
            "tree_anonymous_peak_mb": {k: round(v) for k, v in sampler.anonymous_peaks.items()},
            # each process at each peak: its depth in the tree (0: this process) and PSS, anonymous and file
            "tree_pss_at_peak": sampler.at_peak,
            # each process of over 50 MB: its depth in the tree, the phase it was first seen in, and
            # its resident high-water mark (shared pages in each process: not to be summed)
            "process_high_water_mb": [s for s in sampler.high_water.values() if s["mb"] > 50],
            "main_high_water_mb": round(_high_water_mb()),
            "story_sizes": _summary([n for n, _, _ in log]),
            "main_after_stories": [[n, round(rss), round(anon)] for n, rss, anon in log],
        }
    return {
        "main_before_mb": round(before),
        "main_grown_mb": round(grown),
        "high_water_grown_mb": round(high_water),
        # The pile is read and sorted in a process of its own (since 577346b): the largest resident
        # set of the processes this one started and that ended (that one, the cleaning workers, and
        # the first batch's parsing workers), shared pages of the loaded model included, since they
        # were forked from it.
        "ended_children_peak_mb": round(children_peak),
        "seconds_to_first_story": round(seconds, 1),
        "first_story_documents": len(first.documents),
        **extra,
    }


def purity(log_file: str) -> dict[str, dict[str, object]]:
    """How pure the stories of each synthetic pile in a ``--log`` (made with ``--documents``) are:
    each file's name begins with the story it tells (``sNNNN-``, ``synthetic.make_pile``), so the
    stories found are scored against them (B3 and pairwise P / R / F1, over the documents that came
    out in dossiers; a story left out has none, and is counted apart), with the stories found and
    the largest, and how many told stories the largest mixes. By pile (a log may hold several)."""
    from _story_clustering_data import score

    piles: dict[str, list[list[str]]] = {}
    left: dict[str, int] = {}
    for line in Path(log_file).read_text().splitlines():
        story = json.loads(line)
        if "files" not in story:
            why = "no story's files (a log from before 6ec41a2, or made without --documents?)"
            raise SystemExit(f"{log_file}: {why}")
        pile = story.get("pile", "the pile")  # (a log of 6ec41a2 to 6383b19 names no pile)
        piles.setdefault(pile, []).append(story["files"])
        left[pile] = left.get(pile, 0) + bool(story.get("left_out"))
    scored: dict[str, dict[str, object]] = {}
    for pile, found in piles.items():
        told = [[_told(name, log_file) for name in files] for files in found]
        pairs = [(f"found-{n}", story) for n, stories in enumerate(told) for story in stories]
        scores = score([p for p, _ in pairs], [g for _, g in pairs])
        scored[pile] = {
            "documents": len(pairs),
            "stories_found": len(found),
            "stories_left_out": left[pile],
            "stories_told": len({g for _, g in pairs}),
            **{key: round(v, 4) if isinstance(v, float) else v for key, v in scores.items()},
            "stories_told_in_the_largest": len(set(max(told, key=len))),
        }
    return scored


def _told(name: str, log_file: str) -> str:
    """The story a synthetic pile's file tells, from its name (``s0012-a00345.txt``: ``s0012``)."""
    told = re.match(r"(s\d+)-a\d+\.", name)
    if told is None:
        why = f"{name!r} is not a synthetic pile's file name (sNNNN-aNNNNN.*)"
        raise SystemExit(f"{log_file}: {why}")
    return told.group(1)


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--sizes", default="5000,20000", help="articles per pile, comma-separated")
    parser.add_argument(
        "--documents", type=int, default=0, help="go on until this many documents came out; sample the tree's PSS"
    )
    parser.add_argument("--per-story", type=int, default=10, help="articles per story in the pile")
    parser.add_argument("--own-names", action="store_true", help="stories share no invented name")
    parser.add_argument("--log", default="", help="with --documents: JSON lines, story by story")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # (the child process's pile)
    parser.add_argument("--purity", metavar="LOG", help="score a synthetic pile's --log")
    args = parser.parse_args()
    if args.purity:
        print(json.dumps(purity(args.purity)))
        return 0
    if args.measure:  # the child process: one pile, one line of JSON
        print(json.dumps(measure(args.measure, args.documents, args.log)))
        return 0
    code = harness.code_label()
    sizes = [int(s) for s in args.sizes.split(",")]
    arguments = ["--documents", str(args.documents)]
    if args.log:
        arguments += ["--log", str(Path(args.log).resolve())]
    per_story, own_names = args.per_story, args.own_names
    rows = measured_piles(__file__, sizes, *arguments, per_story=per_story, own_names=own_names)
    print(
        harness.table(
            (
                "articles",
                "main grown MB",
                "high-water grown MB",
                "ended children's peak MB",
                "s to first story",
                "documents out",
                "tree PSS peak MB: to the first story / after",
                "tree anonymous peak MB: to the first story / after",
                "main high water MB",
            ),
            [
                (
                    r["articles"],
                    r["main_grown_mb"],
                    r["high_water_grown_mb"],
                    r.get("ended_children_peak_mb", "-"),
                    r["seconds_to_first_story"],
                    r.get("documents_out", "-"),
                    " / ".join(str(v) for v in r.get("tree_pss_peak_mb", {}).values()) or "-",
                    " / ".join(str(v) for v in r.get("tree_anonymous_peak_mb", {}).values()) or "-",
                    r.get("main_high_water_mb", "-"),
                )
                for r in rows
            ],
        )
    )
    command = " ".join(["python benchmarks/pile_memory.py", *sys.argv[1:]])
    harness.write_json("pile_memory.json", {"command": command, "commit": code, "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
