"""The command line: parse, build settings, call the library, write the results. Nothing else."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crosswire.errors import CrosswireError
from crosswire.settings import load_settings

SAMPLE = Path(__file__).with_name("sample")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crosswire", description="Reconcile news articles about one story.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="analyse articles into a cited story dossier")
    analyze.add_argument("paths", nargs="*", help="files, folders, or '-' for standard input")
    analyze.add_argument("--sample", action="store_true", help="analyse the sample corpus shipped with crosswire")
    analyze.add_argument("--json", metavar="FILE", help="write the dossier as JSON ('-' for stdout)")
    analyze.add_argument("--md", metavar="FILE", help="write a Markdown brief ('-' for stdout)")
    analyze.add_argument("--html", metavar="FILE", help="write a self-contained HTML dossier ('-' for stdout)")
    analyze.add_argument("--config", metavar="FILE", help="a TOML settings file (see settings.toml)")
    analyze.add_argument("--claim-similarity", type=float, help="score above which sentences are one claim")
    analyze.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    return parser


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    def wrap(items: Iterable[Any], label: str, total: int | None) -> Iterable[Any]:
        return tqdm(items, desc=label, total=total, unit="item", file=sys.stderr, leave=False)

    return wrap


def _write(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _analyze(args)
    except CrosswireError as exc:
        print(f"crosswire: error: {exc}", file=sys.stderr)
        return 2


def _analyze(args: argparse.Namespace) -> int:
    from crosswire.dossier import to_dict, to_json
    from crosswire.pipeline import analyze, version
    from crosswire.render import summary_line, to_markdown

    paths = list(args.paths) + ([str(SAMPLE)] if args.sample else [])
    if not paths:
        print("crosswire: error: give files or folders to analyse, '-' for stdin, or --sample", file=sys.stderr)
        return 2
    settings = load_settings(
        args.config, claim_similarity=args.claim_similarity, progress=False if args.quiet else None
    )
    dossier = analyze(paths, settings, progress=_progress(settings.progress))
    if args.json:
        _write(args.json, to_json(dossier, version()))
    if args.md:
        _write(args.md, to_markdown(dossier))
    if args.html:
        from crosswire.render_html import to_html

        _write(args.html, to_html(to_dict(dossier, version())))
    if not args.quiet:
        print(summary_line(dossier), file=sys.stderr)
        for error in dossier.errors:
            print(f"  skipped {error.source}: {error.reason}", file=sys.stderr)
        if not (args.json or args.md or args.html):
            print("  (nothing written: add --json, --md or --html FILE, '-' for stdout)", file=sys.stderr)
    return 1 if dossier.errors else 0


if __name__ == "__main__":
    sys.exit(main())
