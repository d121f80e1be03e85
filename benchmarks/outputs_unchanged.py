"""Proof that a refactor changed no output: the JSON, Markdown and HTML dossiers of the shipped sample
corpus and of the reference corpus, saved before and compared byte for byte after.

    python benchmarks/outputs_unchanged.py --save DIR     # before the change
    python benchmarks/outputs_unchanged.py --check DIR    # after it: exit 0 when every file is identical

Each corpus runs through the CLI (``crosswire analyze``) in a fresh process, as a user runs it. The
reference corpus (../shared/corpus/wagner-2023) is left out, with a line saying so, where it is absent.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

import _harness as harness

ROOT = harness.ROOT
REFERENCE = ROOT.parent / "shared" / "corpus" / "wagner-2023"
FORMATS = {"json": "--json", "md": "--md", "html": "--html"}


def write_outputs(folder: Path) -> list[Path]:
    """Analyse each corpus into ``folder``; returns the files written."""
    corpora: dict[str, list[str]] = {"sample": ["--sample"]}
    if REFERENCE.is_dir():
        corpora["reference"] = [str(REFERENCE)]
    else:
        print(f"reference corpus not found at {REFERENCE}: only the sample corpus is compared")
    written = []
    for name, source in corpora.items():
        flags = [arg for ext, flag in FORMATS.items() for arg in (flag, str(folder / f"{name}.{ext}"))]
        command = [sys.executable, "-m", "crosswire.cli", "analyze", *source, *flags, "--quiet"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        written += [folder / f"{name}.{ext}" for ext in FORMATS]
    return written


def main() -> int:
    parser = harness.parser(__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the outputs here")
    mode.add_argument("--check", type=Path, help="compare fresh outputs with the ones saved here")
    args = parser.parse_args()
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for path in write_outputs(args.save):
            print(f"saved {path}")
        return 0
    with tempfile.TemporaryDirectory() as fresh:
        changed = []
        for path in write_outputs(Path(fresh)):
            saved = args.check / path.name
            same = saved.is_file() and filecmp.cmp(saved, path, shallow=False)
            print(f"{'identical' if same else 'CHANGED  '} {path.name}")
            changed += [] if same else [path.name]
    print(f"{len(changed)} changed" if changed else "every output is byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
