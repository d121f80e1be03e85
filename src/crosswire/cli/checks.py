"""What can be checked before a model loads or a store opens: inputs that cannot be read, outputs that
cannot be written, a store that is not there. A typo costs a fraction of a second, not a spaCy load."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from crosswire.errors import StoreError

READABLE = (".txt", ".md", ".html", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".warc.gz", ".parquet")  # and aliases
URL = re.compile(r"^([a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
UNREADABLE = {  # formats people try first, and what to do with them
    ".pdf": ("PDF files", "convert it to text first (pdftotext {name} makes a .txt)"),
    ".docx": ("Word documents", "save it as plain text (.txt) or a web page (.html) first"),
    ".doc": ("Word documents", "save it as plain text (.txt) or a web page (.html) first"),
    ".odt": ("OpenDocument files", "save it as plain text (.txt) or a web page (.html) first"),
    ".rtf": ("RTF files", "save it as plain text (.txt) first"),
}


def refuse(problems: list[str]) -> int:
    """Say each problem found before the work started, and stop with the usage exit code."""
    for problem in problems:
        print(f"crosswire: error: {problem}", file=sys.stderr)
    return 2


def input_problems(paths: list[str]) -> list[str]:
    """What stops a named input from being read at all, one sentence each: a URL, a path that does not
    exist, a file of a type crosswire does not read, a folder with nothing it reads. (What is wrong
    inside a file, such as an empty or binary one, is found by the analysis and reported there.)"""
    from crosswire.stages.ingest import SUPPORTED, list_files, printable

    readable = ", ".join(READABLE)
    problems = []
    for raw in paths:
        path, name = Path(raw), printable(raw)
        if raw == "-" or (os.path.lexists(path) and not path.is_dir() and path.suffix.lower() in SUPPORTED):
            continue
        if not os.path.lexists(path):
            if URL.match(raw):
                problems.append(
                    f"{name}: crosswire reads files and never fetches: save the page first (as .html) "
                    "and give the saved file"
                )
            else:
                problems.append(f"{name}: no such file or folder; check the path{_close_name(path)}")
        elif path.is_dir():
            files, walk_problems = list_files(path)
            if not files and not walk_problems:
                problems.append(_empty_folder(name, path, readable))
        elif path.suffix.lower() in UNREADABLE:
            kind, fix = UNREADABLE[path.suffix.lower()]
            problems.append(f"{name}: crosswire cannot read {kind}; {fix.format(name=name)}, or leave it out")
        else:
            suffix = printable(path.suffix) or "(none)"
            problems.append(f"{name}: crosswire cannot read files of type {suffix}; give {readable} files")
    return problems


def _close_name(path: Path) -> str:
    """ " (did you mean NAME?)" for a mistyped path whose folder holds a similar name, else ''."""
    import difflib
    from itertools import islice

    folder = path.parent
    try:
        names = [entry.name for entry in islice(os.scandir(folder), 10_000)]
    except OSError:
        return ""
    close = difflib.get_close_matches(path.name, names, n=1, cutoff=0.7)
    return f" (did you mean {folder / close[0] if str(folder) != '.' else close[0]}?)" if close else ""


def _empty_folder(name: str, folder: Path, readable: str) -> str:
    """Why a folder gives nothing to read: it is empty, or holds only files of other types."""
    from itertools import islice

    suffixes = sorted({p.suffix.lower() or "(no suffix)" for p in islice(folder.rglob("*"), 10_000) if p.is_file()})
    if not suffixes:
        return f"{name}: the folder is empty; check the path"
    return f"{name}: the folder holds no file crosswire reads (only {', '.join(suffixes[:5])}); give {readable} files"


def stories_folder_problems(folder: str) -> list[str]:
    """What stops ``--stories FOLDER`` from being written, found before the analysis."""
    path = Path(folder)
    if path.exists() and not path.is_dir():
        return [f"--stories {folder} is a file; give a folder (it gets one dossier per story and index.json)"]
    existing = next((p for p in (path, *path.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK):
        return [f"--stories {folder}: {existing} cannot be written to; give a folder you can write"]
    return []


def output_problems(args: argparse.Namespace) -> list[str]:
    """What stops an output from being written, found before hours of analysis, not after."""
    outputs = [(flag, getattr(args, flag[2:])) for flag in ("--json", "--md", "--html") if getattr(args, flag[2:])]
    problems = []
    to_stdout = [flag for flag, target in outputs if target == "-"]
    if len(to_stdout) > 1:
        problems.append(f"{' and '.join(to_stdout)} both write to stdout ('-'); send all but one to a file")
    for flag, target in outputs:
        path = Path(target)
        if target == "-":
            continue
        if path.is_dir():
            problems.append(f"{flag} {target} is a folder; give a file name")
        elif not path.parent.is_dir():
            problems.append(f"{flag} {target}: the folder {path.parent} does not exist; create it first")
        elif not os.access(path.parent, os.W_OK):
            problems.append(f"{flag} {target}: the folder {path.parent} cannot be written to; write elsewhere")
    return problems


def existing_store(db: str) -> str:
    """The path of a store that exists; reading commands never create an empty one.

    Raises:
        StoreError: there is no file at ``db``.
    """
    if not Path(db).is_file():
        raise StoreError(
            f"no story store at {db}; store a story first with crosswire add FILES --story NAME, "
            "or give your store with --db"
        )
    return db
