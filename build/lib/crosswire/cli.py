"""The command line: parse, check what can be checked before a model loads (inputs, outputs, settings),
call the library, write the results. Nothing else."""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crosswire.errors import ConfigError, CrosswireError, StoreError
from crosswire.settings import load_settings

SAMPLE = Path(__file__).with_name("sample")
DEFAULT_DB = "crosswire.db"


EXAMPLES = {
    "crosswire": """examples:
  crosswire analyze --sample                     the shipped sample corpus; the brief goes to stdout
  crosswire analyze articles/ --html story.html  a folder of articles into one HTML dossier
  crosswire add articles/ --story bridge         store a story; add to it later, one version each time
  crosswire stories                              the stories in crosswire.db
  crosswire serve                                browse them at http://127.0.0.1:8000/

exit codes: 0 done, 1 some input could not be analysed, 2 a usage or settings error, 3 a bug in crosswire,
130 interrupted (Ctrl-C)""",
    "analyze": """examples:
  crosswire analyze --sample                         the sample corpus; the Markdown brief to stdout
  crosswire analyze a.txt b.html --json d.json       files into a JSON dossier
  crosswire analyze articles/ --md brief.md --html dossier.html
  cat article.txt | crosswire analyze -              an article from standard input
  crosswire analyze pile/ --stories out/             a mixed pile: one dossier per story

crosswire reads files (.txt, .md, .html, .jsonl, feeds, web archives) and never fetches URLs: save a page
first. With no --json, --md or --html the Markdown brief goes to stdout.""",
    "add": """examples:
  crosswire add a.txt b.html --story bridge          store two articles in the story "bridge", analyse it
  crosswire add later.txt --story bridge             a new version of "bridge"
  crosswire add pile/                                sort files into stored or new stories""",
    "remove": """examples:
  crosswire remove b.html --story bridge             take b.html out; earlier versions keep it""",
    "diff": """examples:
  crosswire diff --story bridge                      the latest version against the one before
  crosswire diff --story bridge --from 1 --to 3
  crosswire stories                                  which stories are stored""",
    "stories": """examples:
  crosswire stories
  crosswire stories --db other.db""",
    "serve": """examples:
  crosswire serve                                    http://127.0.0.1:8000/ over crosswire.db
  crosswire serve --db other.db --port 8001

needs the web extra: pip install 'crosswire[web]'""",
}
DB_HELP = f"the story store, a SQLite file (default {DEFAULT_DB} in this folder)"
STORY_HELP = "the story's name, as `crosswire stories` lists it"


def _parser() -> argparse.ArgumentParser:
    parser = _new(argparse.ArgumentParser, prog="crosswire", description="Reconcile news articles about one story.")
    parser.add_argument("--version", action=_Version, help="print crosswire's version and exit")
    group = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return _new(group.add_parser, name, help=help, description=help[0].upper() + help[1:] + ".")

    analyze = command("analyze", "analyse articles into a cited story dossier")
    analyze.add_argument("paths", nargs="*", help="files, folders, or '-' for standard input")
    analyze.add_argument("--sample", action="store_true", help="analyse the sample corpus shipped with crosswire")
    analyze.add_argument("--json", metavar="FILE", help="write the dossier as JSON ('-' for stdout)")
    analyze.add_argument("--md", metavar="FILE", help="write a Markdown brief ('-' for stdout; the default)")
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
    analyze.add_argument(
        "--claim-similarity",
        type=_fraction,
        metavar="P",
        help="probability (0-1) above which sentences of different outlets are one claim (default 0.7)",
    )
    analyze.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this machine, a process pool for large inputs; ray: a Ray cluster (RAY_ADDRESS) or local Ray",
    )
    analyze.add_argument(
        "--cache",
        metavar="DIR",
        help="keep each document's cleaned text, parse and sentence vectors in DIR and reuse them when the same "
        "document is analysed again (a new crosswire or spaCy model parses again); with --engine ray, DIR must "
        "be storage every node reads",
    )
    analyze.add_argument("--quiet", action="store_true", help="no progress bars or summary")

    add = command("add", "store documents in a story and re-analyse it as a new version")
    add.add_argument("paths", nargs="+", help="files or folders to add")
    add.add_argument(
        "--story", help="the story's name (new or stored); without it, files are sorted into stored or new stories"
    )
    add.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    add.add_argument("--config", metavar="FILE", help="a TOML settings file")
    add.add_argument("--quiet", action="store_true", help="no progress bars")

    remove = command("remove", "take documents out of a story and re-analyse it as a new version")
    remove.add_argument("names", nargs="+", help="stored document names (as `crosswire add` printed them)")
    remove.add_argument("--story", required=True, help=STORY_HELP)
    remove.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    remove.add_argument("--config", metavar="FILE", help="a TOML settings file")
    remove.add_argument("--quiet", action="store_true", help="no progress bars")

    show = command("diff", "what changed between two versions of a stored story (by default the last two)")
    show.add_argument("--story", required=True, help=STORY_HELP)
    show.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    show.add_argument(
        "--from", dest="from_version", type=int, metavar="N", help="compare from version N (default: the one before)"
    )
    show.add_argument("--to", dest="to_version", type=int, metavar="N", help="compare to version N (default: latest)")

    stories = command("stories", "list the stored stories: versions, documents in the latest, when it was saved")
    stories.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)

    serve = command("serve", "browse stored stories in a local web app")
    serve.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000; 0: any free port)")
    serve.add_argument("--config", metavar="FILE", help="a TOML settings file (used for uploads)")
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name the app answers to besides IP addresses and localhost (repeatable)",
    )
    return parser


def _new(make: Any, *args: Any, **kwargs: Any) -> argparse.ArgumentParser:
    """A parser whose help ends with its command's examples, laid out as written."""
    name = args[0] if args else "crosswire"
    parser: argparse.ArgumentParser = make(
        *args, epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs
    )
    return parser


class _Version(argparse.Action):
    """``--version``: read from the installed package only when asked (``--help`` stays fast)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("crosswire")
        except PackageNotFoundError:
            number = "(not installed: run pip install -e . in the checkout)"
        print(f"crosswire {number} (Python {sys.version.split()[0]})")
        parser.exit()


def _fraction(text: str) -> float:
    """A number from 0 to 1, for argparse (its message becomes the usage error)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give a probability such as 0.7") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is out of range; give a probability between 0 and 1, such as 0.7")
    return value


def _port(text: str) -> int:
    """A TCP port number, for argparse."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port; give a number from 1024 to 65535, such as 8000")
    return int(text)


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    def wrap(items: Iterable[Any], label: str, total: int | None) -> Iterable[Any]:
        return tqdm(items, desc=label, total=total, unit="item", file=sys.stderr, leave=False)

    return wrap


def _write(target: str, text: str) -> None:
    """Write to stdout ('-') or a file, the file whole or not at all (a crash leaves the old one)."""
    if target == "-":
        sys.stdout.write(text)
        return
    path = Path(target)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise CrosswireError(f"cannot write {target}: {exc.strerror or exc}; write it elsewhere") from exc
    finally:
        partial.unlink(missing_ok=True)


INTERNAL_ERROR = 3  # exit codes: 0 all analysed, 1 some inputs skipped, 2 usage or settings, 3 a bug
INTERRUPTED = 130  # Ctrl-C, as shells count it (128 + SIGINT)
STOPPED = {  # what Ctrl-C leaves behind, by command
    "analyze": "crosswire: interrupted; outputs not yet written are left as they were (none is half-written)",
    "add": "crosswire: interrupted; every version saved before is intact, and the same command finishes the add",
    "remove": "crosswire: interrupted; every version saved before is intact",
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # in the command's own usage, not the top level's
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        _unrecognised(commands.choices[args.command], unknown)
    run = {"analyze": _analyze, "add": _add, "remove": _remove, "diff": _diff, "stories": _stories}
    try:
        code = (run.get(args.command) or _serve)(args)
        sys.stdout.flush()  # here, so a reader that went away (| head) is seen below, not at exit
        return code
    except BrokenPipeError:  # the reader of stdout stopped reading (| head): nothing left to say
        _silence_stdout()
        return 0
    except KeyboardInterrupt:
        print(f"\n{STOPPED.get(args.command, 'crosswire: interrupted')}", file=sys.stderr)
        return INTERRUPTED
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


def _unrecognised(parser: argparse.ArgumentParser, unknown: list[str]) -> None:
    """Exit with the command's usage, naming the options it does not know and the closest it does."""
    import difflib

    options = [option for action in parser._actions for option in action.option_strings]
    close = difflib.get_close_matches(unknown[0].split("=")[0], options, n=1)
    hint = f" (did you mean {close[0]}?)" if close else f"; see {parser.prog} --help"
    parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test's capture)
        pass


def _analyze(args: argparse.Namespace) -> int:
    paths = list(args.paths) + ([str(SAMPLE)] if args.sample else [])
    if not paths:
        print("crosswire: error: give files or folders to analyse, '-' for stdin, or --sample", file=sys.stderr)
        return 2
    settings = load_settings(
        args.config, claim_similarity=args.claim_similarity, progress=False if args.quiet else None
    )
    problems = _input_problems(paths) + ([] if args.stories else _output_problems(args))
    if problems:  # before a model loads or a file is written
        return _refuse(problems)
    if args.stories:
        return _analyze_pile(paths, settings, Path(args.stories), args)
    from crosswire.analysis.pipeline import analyze, matching_status, version
    from crosswire.output.json import to_json
    from crosswire.output.markdown import summary_line, to_markdown

    executor = _executor(args)
    dossier = analyze(paths, settings, progress=_progress(settings.progress), executor=executor)
    if not args.quiet:
        print(f"{summary_line(dossier)}; claims matched {matching_status(settings)}", file=sys.stderr)
        if args.cache:
            print(f"  parse cache {args.cache}:{_reused(executor.reuse)}", file=sys.stderr)
    if dossier.errors and (not args.quiet or not dossier.documents):
        for error in dossier.errors:
            print(f"  skipped {error.source}: {error.reason}", file=sys.stderr)
    if not dossier.documents:  # an empty dossier never replaces a good one
        kept = [t for t in (args.json, args.md, args.html) if t and t != "-" and Path(t).exists()]
        left = f" ({', '.join(kept)} left as it was)" if kept else ""
        print(f"crosswire: no input could be analysed, so nothing was written{left}", file=sys.stderr)
        return 1
    if not (args.json or args.md or args.html):
        args.md = "-"  # the brief on stdout, as trafilatura prints the text it extracts
    if args.json:
        _write(args.json, to_json(dossier, version()))
    if args.md:
        _write(args.md, to_markdown(dossier))
    if args.html:
        from crosswire.output.html import to_html

        _write(args.html, to_html(dossier, version()))
    return 1 if dossier.errors else 0


def _refuse(problems: list[str]) -> int:
    """Say each problem found before the work started, and stop with the usage exit code."""
    for problem in problems:
        print(f"crosswire: error: {problem}", file=sys.stderr)
    return 2


READABLE = (".txt", ".md", ".html", ".jsonl", ".rss", ".atom", ".xml", ".warc", ".warc.gz", ".parquet")  # and aliases
URL = re.compile(r"^([a-z][a-z0-9+.-]*://|www\.)", re.IGNORECASE)
UNREADABLE = {  # formats people try first, and what to do with them
    ".pdf": ("PDF files", "convert it to text first (pdftotext {name} makes a .txt)"),
    ".docx": ("Word documents", "save it as plain text (.txt) or a web page (.html) first"),
    ".doc": ("Word documents", "save it as plain text (.txt) or a web page (.html) first"),
    ".odt": ("OpenDocument files", "save it as plain text (.txt) or a web page (.html) first"),
    ".rtf": ("RTF files", "save it as plain text (.txt) first"),
}


def _input_problems(paths: list[str]) -> list[str]:
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


def _output_problems(args: argparse.Namespace) -> list[str]:
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


def _executor(args: argparse.Namespace) -> Any:
    """Where the analysis runs: None for this machine, a ``LocalExecutor`` with a parse cache for
    ``--cache DIR``, a ``RayExecutor`` (with that cache) for ``--engine ray``."""
    if not args.cache and args.engine != "ray":
        return None
    from crosswire.analysis.cache import FolderCache

    if args.engine == "ray":
        from crosswire.analysis.engine_ray import RayExecutor

        # On a cluster the folder must be storage every node reads (the reconciling tasks read it).
        return RayExecutor(cache=FolderCache(args.cache) if args.cache else None)
    from crosswire.analysis.pipeline import LocalExecutor

    return LocalExecutor(cache=FolderCache(args.cache))


def _analyze_pile(paths: list[str], settings: Any, out: Path, args: argparse.Namespace) -> int:
    import json

    from crosswire.analysis.pipeline import iter_stories, version
    from crosswire.output.json import to_json
    from crosswire.output.markdown import to_markdown
    from crosswire.output.shards import ShardWriter, check_format

    check_format(args.shard_format)  # before hours of analysis, not after
    out.mkdir(parents=True, exist_ok=True)
    # Each story is written as soon as it is reconciled, and let go: a pile's dossiers are never all held.
    results = iter_stories(paths, settings, progress=_progress(settings.progress), executor=_executor(args))
    index = []
    errors = []
    documents = 0
    shard = ShardWriter(out, args.shard_format)  # every dossier again in one file, for shared storage
    for story, dossier in results:
        documents += len(story.documents)
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
            f"{len(index)} stories from {documents} documents written to {out}/ "
            f"(index.json, one dossier per story); {len(errors)} inputs skipped",
            file=sys.stderr,
        )
        for error in errors:
            print(f"  skipped {error['source']}: {error['reason']}", file=sys.stderr)
    return 1 if errors else 0


def _add(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, progress=False if args.quiet else None)
    problems = _input_problems(args.paths)
    if problems:  # before the store is opened (or created) and before a model loads
        return _refuse(problems)
    from crosswire.stories.service import add_to_pile, add_to_story, collect_files
    from crosswire.stories.store import open_store

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
    store = open_store(_existing_store(args.db))
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


def _existing_store(db: str) -> str:
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


def _diff(args: argparse.Namespace) -> int:
    from crosswire.output.json import from_dict
    from crosswire.stories.diff import describe, diff
    from crosswire.stories.store import open_store

    store = open_store(_existing_store(args.db))
    try:
        numbers = [v.number for v in store.versions(args.story)]
        if not numbers:
            names = [info.name for info in store.stories()]
            stored = (
                f"its stories: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}" if names else "it is empty"
            )
            raise StoreError(f"no story {args.story!r} in {args.db} ({stored}); crosswire stories lists them")
        to_version = numbers[-1] if args.to_version is None else args.to_version
        _check_version("--to", to_version, numbers, args.story)
        from_version = to_version - 1 if args.from_version is None else args.from_version
        _check_version("--from", from_version, [0, *numbers], args.story)
        if from_version >= to_version:
            raise StoreError(
                f"--from {from_version} is not before --to {to_version}; give the older version with --from"
            )
        after = store.version(args.story, to_version)
        before = store.version(args.story, from_version) if from_version >= 1 else None
    finally:
        store.close()
    assert after is not None  # a listed version
    print(f"story {args.story!r}: version {from_version} -> {to_version}")
    old = from_dict(before, f"{args.story} version {from_version}") if before else None
    print("\n".join(describe(diff(old, from_dict(after, f"{args.story} version {to_version}")))))
    return 0


def _check_version(flag: str, number: int, numbers: list[int], story: str) -> None:
    """Raises StoreError naming the versions there are, when ``number`` is not one of them."""
    if number not in numbers:
        stored = [n for n in numbers if n]
        many = len(stored) > 2 and stored == list(range(1, len(stored) + 1))
        held = f"1 to {stored[-1]}" if many else ", ".join(map(str, stored))
        zero = " (or 0: before the first)" if flag == "--from" else ""
        raise StoreError(f"story {story!r} has versions {held}, not {number}; give {flag} one of those{zero}")


def _stories(args: argparse.Namespace) -> int:
    from crosswire.stories.store import open_store

    store = open_store(_existing_store(args.db))
    try:
        rows = [(info.name, store.versions(info.name)) for info in store.stories()]
    finally:
        store.close()
    if not rows:
        print(f"no stories in {args.db} yet; store one with crosswire add FILES --story NAME", file=sys.stderr)
        return 0
    width = max(len("story"), *(len(name) for name, _ in rows))
    print(f"{'story':<{width}}  versions  documents  updated")
    for name, versions in rows:
        latest = versions[-1] if versions else None  # (none: an add stopped before its first version)
        documents = str(latest.documents) if latest else "-"
        print(f"{name:<{width}}  {len(versions):>8}  {documents:>9}  {latest.created if latest else 'never'}")
    return 0


WEB_MODULES = {"uvicorn", "fastapi", "starlette", "multipart", "python_multipart", "jinja2"}


def _serve(args: argparse.Namespace) -> int:
    import logging

    try:
        from crosswire.web.server import address, bind, run, server_config
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in WEB_MODULES:
            raise
        raise ConfigError(
            f"crosswire serve needs the web extra ({exc.name} is not installed): pip install 'crosswire[web]'"
        ) from exc
    settings = load_settings(args.config, progress=False)
    new = not Path(args.db).exists()
    sock = bind(args.host, args.port)  # a busy port is said now, before the app and its models load
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"crosswire: warning: serving on {args.host}; anyone who can reach it can read and upload", file=sys.stderr
        )
    try:
        from crosswire.web.app import create_app

        app = create_app(args.db, settings, allowed_hosts=tuple(args.allow_host))
    except BaseException:
        sock.close()
        raise
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("crosswire: %(levelname)s: %(message)s"))
    logging.getLogger("crosswire").addHandler(handler)
    logging.getLogger("crosswire").setLevel(logging.INFO)
    what = f"a new, empty story store {args.db}" if new else f"the stories in {args.db}"

    def ready() -> None:
        print(f"crosswire: serving {what} at {address(sock)} (press Ctrl-C to stop)", file=sys.stderr, flush=True)

    try:
        run(server_config(app, args.host, args.port), sock, ready)
    except KeyboardInterrupt:  # how a server is stopped: not an interruption of work
        print("crosswire: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
