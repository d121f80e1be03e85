"""`crosswire watch` on a stored synthetic story: articles saved into the watched folder one at a
time, and the seconds each add took as the command prints them, beside a `crosswire add` of one
more article from a fresh process.

    python benchmarks/watch_adds.py [--articles 1000] [--adds 6] [--keep DIR]

The story is ``cold_add.stored_story``'s (``--keep DIR`` shares it with ``cold_add.py``); its store
is copied, so the kept one never changes. `crosswire watch` (a look every second) is started on an
empty folder, and each article is copied in once the add before it is printed. The watch's first
add reconciles the story from nothing, as a `crosswire add` does; the later ones from what the
process kept. Baseline, in the same run: `crosswire add` of one more article in a fresh process, on
another copy of the store. Writes benchmarks/results/watch_adds.json.
"""

from __future__ import annotations

import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _harness as harness
from cold_add import STORY, _crosswire, stored_story, story_arguments

_ADDED = re.compile(r"; version \d+ in ([\d.]+) s$")


def _until(child: subprocess.Popen[str], wanted: str) -> str:
    """The next line ``child`` writes to stderr that holds ``wanted``.

    Raises:
        RuntimeError: the watch stopped first, or said it could not analyse something.
    """
    assert child.stderr is not None
    while line := child.stderr.readline():
        if "skipped" in line:  # (an input that failed; a copy read once is "left out")
            raise RuntimeError(f"the watch said: {line.strip()}")
        if wanted in line:
            return line.rstrip("\n")
    raise RuntimeError(f"the watch stopped (exit {child.wait()}) before saying {wanted!r}")


def main() -> int:
    """Start the watch, save the articles one at a time, time each add; then the baseline."""
    parser = harness.parser(__doc__)
    story_arguments(parser, adds=6)
    args = parser.parse_args()
    if args.adds < 2 or args.articles < 1:
        parser.error("--articles takes at least 1, --adds at least 2")
    code = harness.code_label()  # (before the run: each command imports src as it is then)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db, waiting, _, first = stored_story(folder, args.articles, args.adds + 1)
        work = Path(scratch) / "work"
        inbox = work / "inbox"
        inbox.mkdir(parents=True)
        shutil.copy(db, work / "watched.db")
        shutil.copy(db, work / "added.db")
        command = ["watch", str(inbox), "--story", STORY, "--db", str(work / "watched.db")]
        child = subprocess.Popen(
            [sys.executable, "-m", "crosswire.cli", *command, "--every", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _until(child, "press Ctrl-C")
            seconds, waits = [], []
            for n, path in enumerate(waiting[: args.adds]):
                saved = time.perf_counter()
                shutil.copy(path, inbox / path.name)
                said = _ADDED.search(_until(child, "; version "))
                assert said is not None
                waits.append(time.perf_counter() - saved)
                seconds.append(float(said.group(1)))
                saving = f"{waits[-1]:.1f} s after saving"
                harness.progress(f"watch add {n + 1}: {seconds[-1]:.1f} s ({saving})")
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                stopped = child.wait(timeout=120)
            except subprocess.TimeoutExpired:  # (never left running behind the benchmark)
                child.kill()
                stopped = child.wait()
        one_more = [str(waiting[args.adds]), "--story", STORY, "--db", str(work / "added.db")]
        alone, _ = _crosswire("add", *one_more)
    later, waited = statistics.median(seconds[1:]), statistics.median(waits[1:])
    result = {
        "command": "python benchmarks/watch_adds.py " + " ".join(sys.argv[1:]),
        "commit": code,
        "articles": args.articles,
        "first add of the story s": first,
        "watch adds s": seconds,
        "median watch add after the first s": later,
        "seconds from saving each file to its version": waits,
        "median of those after the first s": waited,
        "crosswire add from a fresh process s": alone,
        "watch exit code after SIGTERM": stopped,
    }
    harness.write_json("watch_adds.json", result)
    pairs = zip(seconds, waits, strict=True)
    rows = [[n, f"{add:.1f}", f"{wait:.1f}"] for n, (add, wait) in enumerate(pairs, 1)]
    print(harness.table(["add", "add s (as printed)", "s from saving the file"], rows))
    print(f"first add (the story reconciled from nothing): {seconds[0]:.1f} s")
    print(f"later adds: median {later:.1f} s, {waited:.1f} s from saving the file to its version")
    print(f"a `crosswire add` of its own process (start-up included): {alone:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
