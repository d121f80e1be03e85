"""The command line: parse, build settings, call the library, write the results. Nothing else."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError, CrosswireError
from crosswire.settings import load_settings

SAMPLE = Path(__file__).with_name("sample")
DEFAULT_DB = "crosswire.db"


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
    analyze.add_argument(
        "--stories",
        metavar="DIR",
        help="the input is a mixed pile: sort it into stories and write one dossier per story, plus index.json, to DIR",
    )
    analyze.add_argument(
        "--shard-format",
        choices=("jsonl", "parquet"),
        default="jsonl",
        help="with --stories: every dossier in one shard, dossiers.jsonl or dossiers.parquet (needs crosswire[ray])",
    )
    analyze.add_argument("--claim-similarity", type=float, help="score above which sentences are one claim")
    analyze.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this machine, a process pool for large inputs; ray: a Ray cluster (RAY_ADDRESS) or local Ray",
    )
    analyze.add_argument(
        "--cache",
        metavar="DIR",
        help="keep each document's parse in DIR and reuse it when the same document is analysed again "
        "(a new crosswire or spaCy model parses again); local engine only",
    )
    analyze.add_argument("--quiet", action="store_true", help="no progress bars or summary")

    add = commands.add_parser("add", help="store documents in a story and re-analyse it as a new version")
    add.add_argument("paths", nargs="+", help="files or folders to add")
    add.add_argument("--story", help="the story's name; without it, files are sorted into stored or new stories")
    add.add_argument("--db", default=DEFAULT_DB, help=f"story store (SQLite; default {DEFAULT_DB})")
    add.add_argument("--config", metavar="FILE", help="a TOML settings file")
    add.add_argument("--quiet", action="store_true", help="no progress bars")

    remove = commands.add_parser("remove", help="take documents out of a story and re-analyse it as a new version")
    remove.add_argument("names", nargs="+", help="stored document names (as `crosswire add` printed them)")
    remove.add_argument("--story", required=True, help="the story's name")
    remove.add_argument("--db", default=DEFAULT_DB, help=f"story store (SQLite; default {DEFAULT_DB})")
    remove.add_argument("--config", metavar="FILE", help="a TOML settings file")
    remove.add_argument("--quiet", action="store_true", help="no progress bars")

    show = commands.add_parser("diff", help="what changed between a story's last two versions")
    show.add_argument("--story", required=True)
    show.add_argument("--db", default=DEFAULT_DB)
    show.add_argument("--from", dest="from_version", type=int, help="compare from this version (default: previous)")
    show.add_argument("--to", dest="to_version", type=int, help="compare to this version (default: latest)")

    serve = commands.add_parser("serve", help="browse stored stories in a local web app")
    serve.add_argument("--db", default=DEFAULT_DB)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--config", metavar="FILE", help="a TOML settings file (used for uploads)")
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the app answers to besides IP addresses and localhost (repeatable)",
    )
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


INTERNAL_ERROR = 3  # exit codes: 0 all analysed, 1 some inputs skipped, 2 usage or settings, 3 a bug


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"analyze": _analyze, "add": _add, "remove": _remove, "diff": _diff, "serve": _serve}
    try:
        return commands[args.command](args)
    except CrosswireError as exc:
        print(f"crosswire: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not bad input: say so, and let a script tell it from "inputs skipped"
        traceback.print_exc(file=sys.stderr)
        print(
            f"crosswire: internal error ({type(exc).__name__}: {exc}). This is a bug in crosswire, not in your "
            "input; please report it with the command and the files that caused it.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


def _analyze(args: argparse.Namespace) -> int:
    from crosswire.analysis.pipeline import analyze, version
    from crosswire.output.json import to_json
    from crosswire.output.markdown import summary_line, to_markdown

    paths = list(args.paths) + ([str(SAMPLE)] if args.sample else [])
    if not paths:
        print("crosswire: error: give files or folders to analyse, '-' for stdin, or --sample", file=sys.stderr)
        return 2
    settings = load_settings(
        args.config, claim_similarity=args.claim_similarity, progress=False if args.quiet else None
    )
    if args.stories:
        return _analyze_pile(paths, settings, Path(args.stories), args)
    executor = _executor(args)
    dossier = analyze(paths, settings, progress=_progress(settings.progress), executor=executor)
    if args.json:
        _write(args.json, to_json(dossier, version()))
    if args.md:
        _write(args.md, to_markdown(dossier))
    if args.html:
        from crosswire.output.html import to_html

        _write(args.html, to_html(dossier, version()))
    if not args.quiet:
        from crosswire.analysis.pipeline import matching_status

        print(f"{summary_line(dossier)}; claims matched {matching_status(settings)}", file=sys.stderr)
        if args.cache:
            print(f"  parse cache {args.cache}:{_reused(executor.reuse)}", file=sys.stderr)
        for error in dossier.errors:
            print(f"  skipped {error.source}: {error.reason}", file=sys.stderr)
        if not (args.json or args.md or args.html):
            print("  (nothing written: add --json, --md or --html FILE, '-' for stdout)", file=sys.stderr)
    return 1 if dossier.errors else 0


def _executor(args: argparse.Namespace) -> Any:
    """Where the analysis runs: None for this machine, a ``LocalExecutor`` with a parse cache for
    ``--cache DIR``, a ``RayExecutor`` for ``--engine ray``.

    Raises:
        ConfigError: --cache with the Ray engine.
    """
    if args.engine == "ray":
        if args.cache:
            raise ConfigError("--cache works with the local engine only; leave out --cache or --engine ray")
        from crosswire.analysis.engine_ray import RayExecutor

        return RayExecutor()
    if not args.cache:
        return None
    from crosswire.analysis.cache import FolderCache
    from crosswire.analysis.pipeline import LocalExecutor

    return LocalExecutor(cache=FolderCache(args.cache))


def _analyze_pile(paths: list[str], settings: Any, out: Path, args: argparse.Namespace) -> int:
    import json

    from crosswire.analysis.pipeline import analyze_stories, version
    from crosswire.output.json import to_json
    from crosswire.output.markdown import to_markdown
    from crosswire.output.shards import ShardWriter, check_format

    check_format(args.shard_format)  # before hours of analysis, not after
    out.mkdir(parents=True, exist_ok=True)
    results = analyze_stories(paths, settings, progress=_progress(settings.progress), executor=_executor(args))
    index = []
    errors = []
    shard = ShardWriter(out, args.shard_format)  # every dossier again in one file, for shared storage
    for story, dossier in results:
        (out / f"{story.id}.json").write_text(to_json(dossier, version()), encoding="utf-8")
        shard.write(story.id, story.label, story.documents, dossier, version())
        if args.md:
            (out / f"{story.id}.md").write_text(to_markdown(dossier), encoding="utf-8")
        if args.html:
            from crosswire.output.html import to_html

            (out / f"{story.id}.html").write_text(to_html(dossier, version()), encoding="utf-8")
        index.append(
            {
                "story": story.id,
                "label": story.label,
                "documents": list(story.documents),
                "claims": len(dossier.claims),
                "conflicts": len(dossier.conflicts),
                "headline": dossier.brief.headline,
            }
        )
        errors += [{"source": e.source, "reason": e.reason} for e in dossier.errors]
    shard.close()
    (out / "index.json").write_text(
        json.dumps({"stories": index, "errors": errors}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if not args.quiet:
        print(
            f"{len(results)} stories from {sum(len(s.documents) for s, _ in results)} documents written to {out}/ "
            f"(index.json, one dossier per story); {len(errors)} inputs skipped",
            file=sys.stderr,
        )
        for error in errors:
            print(f"  skipped {error['source']}: {error['reason']}", file=sys.stderr)
    return 1 if errors else 0


def _add(args: argparse.Namespace) -> int:
    from crosswire.stories.service import add_to_pile, add_to_story, collect_files
    from crosswire.stories.store import open_store

    settings = load_settings(args.config, progress=False if args.quiet else None)
    files, errors = collect_files(args.paths, settings.max_file_bytes)
    for error in errors:
        print(f"  skipped {error.source}: {error.reason}", file=sys.stderr)
    store = open_store(args.db)
    try:
        if args.story:
            results = [add_to_story(store, args.story, files, settings, progress=_progress(settings.progress))]
        else:
            results, unread = add_to_pile(store, files, settings)
            for error in unread:
                print(f"  skipped {error.source}: {error.reason}", file=sys.stderr)
            errors += unread
    finally:
        store.close()
    for result in results:
        if result.version is None:
            print(
                f"story {result.story!r}: nothing new (every file is already stored and analysed); no new version",
                file=sys.stderr,
            )
        else:
            resumed = f" (and analysed {len(result.resumed)} stored by an interrupted add)" if result.resumed else ""
            print(
                f"story {result.story!r}: added {len(result.added)} document(s){resumed}; version {result.version} "
                f"saved in {args.db}{_reused(result.reuse)}",
                file=sys.stderr,
            )
        for skipped in result.errors:
            print(f"  not analysed {skipped.source}: {skipped.reason}", file=sys.stderr)
    return 1 if errors or any(r.errors for r in results) else 0


def _reused(reuse: Any) -> str:
    """What the parse cache did, for the line an add or a removal prints."""
    if not reuse.reused and not reuse.parsed:
        return ""
    stale = f", {reuse.stale} of them again because crosswire or its model changed" if reuse.stale else ""
    return f" (parsed {reuse.parsed} document(s){stale}; reused the stored parse of {reuse.reused})"


def _remove(args: argparse.Namespace) -> int:
    from crosswire.stories.service import remove_from_story
    from crosswire.stories.store import open_store

    settings = load_settings(args.config, progress=False if args.quiet else None)
    store = open_store(args.db)
    try:
        result = remove_from_story(store, args.story, args.names, settings, progress=_progress(settings.progress))
    finally:
        store.close()
    print(
        f"story {result.story!r}: took out {', '.join(result.removed)}; version {result.version} saved in {args.db} "
        f"(earlier versions keep them){_reused(result.reuse)}",
        file=sys.stderr,
    )
    for skipped in result.errors:
        print(f"  not analysed {skipped.source}: {skipped.reason}", file=sys.stderr)
    return 1 if result.errors else 0


def _diff(args: argparse.Namespace) -> int:
    from crosswire.output.json import from_dict
    from crosswire.stories.diff import describe, diff
    from crosswire.stories.store import open_store

    store = open_store(args.db)
    try:
        numbers = [v.number for v in store.versions(args.story)]
        if not numbers:
            print(
                f"crosswire: error: no story {args.story!r} in {args.db}; add documents with crosswire add",
                file=sys.stderr,
            )
            return 2
        to_version = args.to_version or numbers[-1]
        from_version = args.from_version if args.from_version is not None else to_version - 1
        after = store.version(args.story, to_version)
        before = store.version(args.story, from_version) if from_version >= 1 else None
    finally:
        store.close()
    if after is None:
        print(f"crosswire: error: story {args.story!r} has versions {numbers}, not {to_version}", file=sys.stderr)
        return 2
    print(f"story {args.story!r}: version {from_version if before else 0} -> {to_version}")
    old = from_dict(before, f"{args.story} version {from_version}") if before else None
    print("\n".join(describe(diff(old, from_dict(after, f"{args.story} version {to_version}")))))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from crosswire.web.app import create_app
    from crosswire.web.server import server_config

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"crosswire: warning: serving on {args.host}; anyone who can reach it can read and upload", file=sys.stderr
        )
    app = create_app(args.db, load_settings(args.config, progress=False), allowed_hosts=tuple(args.allow_host))
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("crosswire: %(levelname)s: %(message)s"))
    logging.getLogger("crosswire").addHandler(handler)
    logging.getLogger("crosswire").setLevel(logging.INFO)
    uvicorn.Server(server_config(app, args.host, args.port)).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
