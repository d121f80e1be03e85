"""The commands: each takes the parsed arguments, calls the library, writes or prints the results and
returns the exit code. Heavy modules (the analysis, the store, the web app) are imported inside the
command that needs them, so a command pays only for what it uses."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from crosswire.cli.checks import existing_store, input_problems, output_problems, refuse, stories_folder_problems
from crosswire.errors import ConfigError, CrosswireError, StoreError
from crosswire.models import COPY
from crosswire.settings import load_settings

SAMPLE = Path(__file__).parents[1] / "sample"


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


def _analyze(args: argparse.Namespace) -> int:
    paths = list(args.paths) + ([str(SAMPLE)] if args.sample else [])
    if not paths:
        print("crosswire: error: give files or folders to analyse, '-' for stdin, or --sample", file=sys.stderr)
        return 2
    settings = load_settings(
        args.config, claim_similarity=args.claim_similarity, progress=False if args.quiet else None
    )
    problems = input_problems(paths) + (
        stories_folder_problems(args.stories) if args.stories else output_problems(args)
    )
    if problems:  # before a model loads or a file is written
        return refuse(problems)
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
            print(f"  {error.line}", file=sys.stderr)
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
    return 1 if any(e.failed for e in dossier.errors) else 0


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
    from crosswire.analysis.piles import iter_stories
    from crosswire.analysis.pipeline import version
    from crosswire.output.json import to_json
    from crosswire.output.markdown import to_markdown
    from crosswire.output.shards import ShardWriter, check_format

    check_format(args.shard_format)  # before hours of analysis, not after
    flags = ("--json", "--md", "--html")
    unused = [f"{flag} {target}" for flag in flags if (target := getattr(args, flag[2:]))]
    if unused and not args.quiet:
        print(
            f"crosswire: with --stories every story is written into {out}/ (story-N.json, and "
            "story-N.md and .html when --md and --html are given), so the file names of "
            f"{', '.join(unused)} are not used",
            file=sys.stderr,
        )
    created = [p for p in (out, *out.parents) if not p.exists()]  # what to take away if nothing is written
    out.mkdir(parents=True, exist_ok=True)
    # Each story is written as soon as it is reconciled, and let go: a pile's dossiers are never all held.
    results = iter_stories(paths, settings, progress=_progress(settings.progress), executor=_executor(args))
    index = _StoryIndex(out)  # (on disk: in memory it grew with the pile, a line a story)
    errors = []
    failed = 0  # of the errors, inputs that failed (the rest: copies read once)
    documents = 0
    shard: ShardWriter | None = None  # every dossier again in one file, for shared storage
    written: set[str] = set()  # the story files this run wrote
    try:
        for story, dossier in results:
            errors += [_entry(e) for e in dossier.errors]
            failed += sum(e.failed for e in dossier.errors)
            if not story.documents:  # nothing could be analysed: its reasons are all there is
                continue
            if shard is None:
                shard = ShardWriter(out, args.shard_format)
                written.add(shard.path.name)
            documents += len(story.documents)
            _write_into(out, f"{story.id}.json", to_json(dossier, version()), written)
            shard.write(story.id, story.label, story.documents, dossier, version())
            if args.md:
                _write_into(out, f"{story.id}.md", to_markdown(dossier), written)
            if args.html:
                from crosswire.output.html import to_html

                _write_into(out, f"{story.id}.html", to_html(dossier, version()), written)
            index.add(
                {
                    "story": story.id,
                    "label": story.label,
                    "documents": list(story.documents),
                    "claims": len(dossier.claims),
                    "conflicts": len(dossier.conflicts),
                    "headline": dossier.brief.headline,
                }
            )
    except BaseException:
        index.close()  # (on Windows a named file in ``out``)
        raise
    if shard is None:  # an empty index never replaces a good one
        for error in errors:
            print(f"  {_said(error)} {error['source']}: {error['reason']}", file=sys.stderr)
        print(f"crosswire: no input could be analysed, so nothing was written to {out}/", file=sys.stderr)
        index.close()
        with contextlib.suppress(OSError):  # (only folders it made, and only while they are empty)
            for folder in created:
                folder.rmdir()
        return 1
    shard.close()
    stories = index.write(out / "index.json", errors)
    stale = _earlier_dossiers(out, written)
    if not args.quiet:
        notes = len(errors) - failed
        copies = f", {notes} note(s) of copies read once" if notes else ""
        print(
            f"{stories} stories from {documents} documents written to {out}/ "
            f"(index.json, one dossier per story); {failed} inputs skipped{copies}",
            file=sys.stderr,
        )
        for error in errors:
            print(f"  {_said(error)} {error['source']}: {error['reason']}", file=sys.stderr)
        if stale:
            said = f"  took out {stale} file(s) an earlier run had written to {out}/"
            print(said, file=sys.stderr)
    return 1 if failed else 0


# The files ``--stories`` writes: a dossier per story, and the shard of them all.
_STORY_FILE = re.compile(r"story-\d{4,}\.(?:json|md|html)|dossiers\.(?:jsonl|parquet)")


def _earlier_dossiers(out: Path, written: set[str]) -> int:
    """Take out the story files an earlier ``--stories`` run wrote to ``out`` that this run did not
    write again (``index.json`` lists this run's stories only, and a reader of the folder would take
    them for this run's); how many."""
    taken = 0
    for name in os.listdir(out):
        if _STORY_FILE.fullmatch(name) and name not in written:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(out, name))
                taken += 1
    return taken


def _said(entry: dict[str, str]) -> str:
    """How a pile's entry is said: a copy "left out", an input that failed "skipped"."""
    return "left out" if entry["stage"] == COPY else "skipped"


def _entry(error: Any) -> dict[str, str]:
    """An input skipped, or a copy left out, as the index of a pile lists it."""
    return {"source": error.source, "stage": error.stage, "reason": error.reason}


def _write_into(folder: Path, name: str, text: str, written: set[str]) -> None:
    """``text`` written to ``name`` in ``folder`` (joined as strings: see
    ``ingest._file_name``), and ``name`` added to ``written``."""
    with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
        file.write(text)
    written.add(name)


class _StoryIndex:
    """A pile's ``index.json``, a line a story in a temporary file until it is written whole."""

    # Held in memory, the entries (each story's document ids, label, headline) grew with the pile.
    # The file written is the one ``json.dumps`` with ``indent=2`` made of the whole index.

    def __init__(self, out: Path) -> None:
        # (closed by ``write`` or ``close``)
        self._lines = tempfile.TemporaryFile("w+", encoding="utf-8", dir=out)  # noqa: SIM115

    def add(self, entry: dict[str, Any]) -> None:
        self._lines.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def write(self, target: Path, errors: list[dict[str, str]]) -> int:
        """Write the index with ``errors`` to ``target`` and close; the number of stories in it."""
        stories = 0
        with self._lines, open(target, "w", encoding="utf-8") as out:
            self._lines.seek(0)
            out.write('{\n  "stories": [')
            for stories, line in enumerate(self._lines, 1):
                entry = json.dumps(json.loads(line), ensure_ascii=False, indent=2)
                out.write(("," if stories > 1 else "") + "\n    " + entry.replace("\n", "\n    "))
            out.write("\n  ]," if stories else "],")
            rest = json.dumps({"errors": errors}, ensure_ascii=False, indent=2)
            out.write(rest[1:] + "\n")  # ("\n  "errors": [...]\n}")
        return stories

    def close(self) -> None:
        self._lines.close()


def _add(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, progress=False if args.quiet else None)
    problems = input_problems(args.paths)
    if problems:  # before the store is opened (or created) and before a model loads
        return refuse(problems)
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
            resumed = ""
            if result.resumed:
                others = len(result.resumed)
                resumed = f" (and analysed {others} stored by another add, or one cut off)"
            print(
                f"story {result.story!r}: added {_files(result.added)}{resumed}; "
                f"version {result.version} saved in {args.db}{_reused(result.reuse)}",
                file=sys.stderr,
            )
        _say_failures(result, args.db)
    return 1 if errors or any(e.failed for r in results for e in r.said()) else 0


FILES_NAMED = 5  # the files an add names, before "and N more"


def _files(names: Sequence[str]) -> str:
    """How many files an add stored, and which (the names ``crosswire remove`` takes)."""
    return f"{len(names):,} document(s) ({_names(names)})" if names else "no document"


def _names(names: Sequence[str]) -> str:
    """A few file names, then how many more."""
    more = f" and {len(names) - FILES_NAMED:,} more" if len(names) > FILES_NAMED else ""
    return ", ".join(names[:FILES_NAMED]) + more


def _say_failures(result: Any, db: str) -> None:
    """An add's or a removal's errors (``AddResult.said``), then in one line the stored files that
    earlier adds said fail, with how to take one out."""
    for skipped in result.said():
        print(f"  {skipped.line}", file=sys.stderr)
    failing = result.still_failing()
    if failing:
        story, store = shlex.quote(f"--story={result.story}"), shlex.quote(db)
        print(
            f"  still failing, stored earlier: {_names(failing)}; "
            f"`crosswire remove NAME {story} --db {store}` takes one out",
            file=sys.stderr,
        )


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
    store = open_store(existing_store(args.db))
    try:
        result = remove_from_story(store, args.story, args.names, settings, progress=_progress(settings.progress))
    finally:
        store.close()
    print(
        f"story {result.story!r}: took out {', '.join(result.removed)}; version {result.version} saved in {args.db} "
        f"(earlier versions keep them){_reused(result.reuse)}",
        file=sys.stderr,
    )
    _say_failures(result, args.db)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from crosswire.output.json import from_dict
    from crosswire.stories.diff import describe, diff
    from crosswire.stories.store import open_store

    store = open_store(existing_store(args.db))
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

    store = open_store(existing_store(args.db))
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
        started = run(server_config(app, args.host, args.port), sock, ready)
    except KeyboardInterrupt:  # how a server is stopped: not an interruption of work
        started = True
    if not started:
        print("crosswire: the server did not start (see the messages above)", file=sys.stderr)
        return 1
    print("crosswire: stopped", file=sys.stderr)
    return 0


def _watch(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, progress=False, watch_every=args.every)
    from crosswire.stages.ingest import printable

    folder = printable(args.folder)
    if not os.path.isdir(args.folder):  # (an empty folder is fine: articles will come)
        return refuse([f"{folder}: no such folder; give the folder articles are saved into"])
    from crosswire.stories.service import check_story_name, load_models
    from crosswire.stories.store import open_store
    from crosswire.stories.watch import watch

    story = check_story_name(args.story)
    store = open_store(args.db)  # (before the model loads: a store it cannot open is said at once)

    def report(line: str) -> None:
        """Say a line of the watch's on stderr at once."""
        print(line, file=sys.stderr, flush=True)

    try:
        nlp = load_models(settings)
        report(f"crosswire: watching {folder} for story {story!r} in {args.db}")
        report(f"  a look every {settings.watch_every:g} s; press Ctrl-C to stop")
        watch(store, story, args.folder, settings, nlp, report, db=args.db)
    except KeyboardInterrupt:  # how a watch is stopped (Ctrl-C, or SIGTERM): not a failure
        report("crosswire: stopped; every saved version is intact (the next add ends one cut off)")
    finally:
        store.close()
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "analyze": _analyze,
    "add": _add,
    "watch": _watch,
    "remove": _remove,
    "diff": _diff,
    "stories": _stories,
    "serve": _serve,
}
