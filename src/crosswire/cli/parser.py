"""The command line's parser: every command and option, each command's help ending with examples.

Building it imports nothing heavy: ``crosswire --help`` and ``--version`` answer in a fraction of a
second.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_DB = "crosswire.db"


EXAMPLES = {
    "crosswire": """examples:
  crosswire analyze --sample                     the shipped sample corpus; the brief goes to stdout
  crosswire analyze articles/ --html story.html  a folder of articles into one HTML dossier
  crosswire add articles/ --story bridge         store a story; add to it later, one version each time
  crosswire watch inbox/ --story bridge          add each article saved into inbox/ as it arrives
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
    "watch": """examples:
  crosswire watch inbox/ --story bridge              add what is saved into inbox/, as it arrives
  crosswire watch inbox/ --story bridge --every 30   look every 30 seconds

The story stays open in this process, so each add takes seconds where a `crosswire add` of its own
process reconciles the whole story from nothing. Stop it with Ctrl-C (exit code 0): every version
saved stays.""",
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


def build_parser() -> argparse.ArgumentParser:
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

    watch = command("watch", "keep a story open and add each article saved into a folder")
    watch.add_argument("folder", help="the folder articles are saved into (its subfolders too)")
    watch.add_argument("--story", required=True, help="the story's name (new or stored)")
    watch.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    watch.add_argument(
        "--every",
        type=float,
        metavar="SECONDS",
        help="seconds between two looks at the folder (default 5, at least 0.5); a file is added "
        "once it has not changed from one look to the next",
    )
    watch.add_argument("--config", metavar="FILE", help="a TOML settings file")

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
