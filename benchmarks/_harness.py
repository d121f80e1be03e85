"""The small harness the benchmarks share: paths, arguments, dataset checks, scores, tables, results files.

A benchmark script reads its arguments (``parser``), checks that its data is there (``missing``), loads a
dataset, runs crosswire on it (``run_pile`` for documents given as JSON Lines records), scores (``ratios``,
``f1``), prints tables (``table``, ``progress`` for what goes to stderr while it runs), and writes
``benchmarks/results/<name>`` (``write_json``, ``write_text``; ``git`` and ``commit`` for the header).
Everything here uses crosswire's public API only. The dataset loaders and scorers of one benchmark live
beside it in a private module (``_timebank_data.py``, ``_piles.py``, ...).
"""

from __future__ import annotations

import argparse
import json
import numbers
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL_DATA = ROOT.parent / "shared" / "eval-data"  # the public evaluation data, beside the repository
RESULTS = ROOT / "benchmarks" / "results"
SAMPLE = ROOT / "src" / "crosswire" / "sample"


# ------------------------------------------------------------------------------------------ arguments


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser described by the first line of a script's docstring."""
    return argparse.ArgumentParser(description=(doc or "").splitlines()[0])


def missing(message: str) -> int:
    """Say on stderr that a dataset is not there; the exit code a benchmark then returns (2)."""
    print(message, file=sys.stderr)
    return 2


def progress(message: str = "", end: str = "\n") -> None:
    """A progress line on stderr, flushed at once (``end="\\r"``-style counters pass their own end)."""
    print(message, end=end, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- scores


def f1(p: float, r: float) -> float:
    """Harmonic mean of precision and recall; 0 when both are 0."""
    return 2 * p * r / (p + r) if p + r else 0.0


def ratios(tp: float, predicted: float, gold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``tp`` right items out of ``predicted`` and ``gold`` (0 for an empty side)."""
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, f1(p, r)


def rounded(x: Any, digits: int) -> Any:
    """``x`` with every float (numpy's too) in its dicts, lists and tuples rounded; tuples become lists."""
    if isinstance(x, dict):
        return {k: rounded(v, digits) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [rounded(v, digits) for v in x]
    real = isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral)  # float, numpy's floats
    return round(float(x), digits) if real else x


# ---------------------------------------------------------------------------------------------- output


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], md: bool = False) -> str:
    """A plain table (first column left-aligned, the others right-aligned, a rule under the header) or,
    with ``md``, a Markdown one. Floats are shown with three decimals."""
    cells = [list(header)] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    if md:
        cells.insert(1, ["---"] * len(header))
        return "\n".join("| " + " | ".join(r) + " |" for r in cells)
    width = [max(map(len, column)) for column in zip(*cells, strict=True)]
    pad = [str.ljust] + [str.rjust] * (len(header) - 1)
    lines = ["  ".join(f(x, w) for f, x, w in zip(pad, r, width, strict=True)) for r in cells]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def git(*args: str) -> str:
    """Output of a git command run in the repository; empty when git fails or is missing."""
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def commit(short: bool = True) -> str:
    """The repository's HEAD commit (short by default); empty outside a git checkout."""
    return git("rev-parse", "--short", "HEAD") if short else git("rev-parse", "HEAD")


def src_modified() -> bool:
    """Whether src/ has uncommitted changes (the figures then belong to no commit)."""
    return bool(git("status", "--porcelain", "--", "src"))


def code_label() -> str:
    """The HEAD commit, with "+modified" when src/ differs from it: call it before measuring, since a
    script's measuring processes import src/ when they start (an edit during a run is not seen)."""
    return commit() + ("+modified" if src_modified() else "")


def results_path(name: str | Path) -> Path:
    """``benchmarks/results/<name>``, or ``name`` itself when it is a path."""
    return name if isinstance(name, Path) else RESULTS / name


def write_json(name: str | Path, data: Any, indent: int = 2, ensure_ascii: bool = True) -> Path:
    """Write ``data`` as JSON (and a final newline) to ``benchmarks/results/<name>``; returns the path."""
    path = results_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + "\n", encoding="utf-8")
    return path


def write_text(name: str | Path, text: str) -> Path:
    """Write a report (Markdown) to ``benchmarks/results/<name>``; returns the path."""
    path = results_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- crosswire


def run_pile(
    records: Iterable[dict[str, Any]], settings: Any, nlp: Any, name: str = "pile", keep_errors: bool = False
) -> tuple[list[Any], list[Any]]:
    """Documents given as JSON Lines records (id, title, text, outlet, published, ...) through crosswire's
    ``prepare`` and ``annotate_all`` as one pile, written to ``<tmp>/<name>.jsonl``. Returns (annotated
    documents, skipped documents); a skipped document's ``source`` names its line, ``<tmp>/<name>.jsonl:<n>``.
    With ``keep_errors`` a document whose annotation fails is listed among the skipped; else it raises."""
    from crosswire.analysis.pipeline import annotate_all, prepare

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record) + "\n")
        documents, errors = prepare([str(path)], settings, None, {})
        if keep_errors:
            return annotate_all(documents, settings, nlp, None, {}, errors), errors
    return annotate_all(documents, settings, nlp, None, {}), errors


def kept_or_made(path: Path, kept: Path | None, make: Callable[[Path], None]) -> bool:
    """Put a file (a store) at ``path``: a copy of ``kept`` when that file exists (a later run of a
    benchmark with the same numbers: ``--keep``), else what ``make`` writes there, then copied to
    ``kept`` when given. Whether it was copied."""
    if kept is not None and kept.is_file():
        shutil.copy(kept, path)
        return True
    make(path)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, kept)
    return False
