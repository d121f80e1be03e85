"""The command line: parse, check what can be checked before a model loads (inputs, outputs, settings),
call the library, write the results. Nothing else.

``parser`` builds the parser, ``checks`` finds what stops a command before its work starts, ``commands``
runs each command; ``main`` here ties them together and turns errors into exit codes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator

from crosswire.cli.commands import COMMANDS
from crosswire.cli.parser import build_parser
from crosswire.errors import CrosswireError

__all__ = ["INTERNAL_ERROR", "INTERRUPTED", "TERMINATED", "main"]

INTERNAL_ERROR = 3  # exit codes: 0 all analysed, 1 some inputs skipped, 2 usage or settings, 3 a bug
INTERRUPTED = 130  # Ctrl-C, as shells count it (128 + SIGINT)
TERMINATED = 143  # SIGTERM (kill, a service manager stopping it), as shells count it
WORK = frozenset({"analyze", "add", "remove", "watch"})  # SIGTERM stops these as Ctrl-C (below)
STOPPED = {  # what Ctrl-C (or SIGTERM, for these commands) leaves behind, by command
    "analyze": "crosswire: interrupted; outputs not yet written are left as they were (none is half-written)",
    "add": "crosswire: interrupted; every version saved before is intact, and the same command finishes the add",
    "remove": "crosswire: interrupted; every version saved before is intact",
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # in the command's own usage, not the top level's
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        _unrecognised(commands.choices[args.command], unknown)
    try:
        with _stopped_by_sigterm(args.command in WORK):
            code = COMMANDS[args.command](args)  # (the parser accepts only these commands)
        sys.stdout.flush()  # here, so a reader that went away (| head) is seen below, not at exit
        return code
    except BrokenPipeError:  # the reader of stdout stopped reading (| head): nothing left to say
        _silence_stdout()
        return 0
    except KeyboardInterrupt as stop:
        print(f"\n{STOPPED.get(args.command, 'crosswire: interrupted')}", file=sys.stderr)
        return TERMINATED if isinstance(stop, _Terminated) else INTERRUPTED
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


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the work is, so that it stops as a Ctrl-C stops it."""


def _terminate(*_: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up short
    raise _Terminated


@contextlib.contextmanager
def _stopped_by_sigterm(work: bool) -> Iterator[None]:
    """Within the block, SIGTERM stops the command as Ctrl-C does: its ``finally`` and ``with`` blocks
    run, so a pile's temporary files go (gigabytes for a large pile) and a store's transaction rolls
    back, where Python's default would end the process on the spot. Only for commands that work on
    inputs (``work``), and only on the main thread, where Python runs signal handlers. (Ray, when
    the Ray engine starts it, puts its own handler in place: that run exits with code 15. A SIGTERM
    that lands while a worker is forked may be lost, as a Ctrl-C may: see ``workers._Child``.)"""
    if not work or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


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
