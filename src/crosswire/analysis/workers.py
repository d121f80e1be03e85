"""Stoppable workers: run a function on each item in forked child processes, each item under a time budget.

A document's analysis is our own code running on untrusted text; a bug or a pathological input (100,000
one-word lines) can make it run for minutes. The budget is enforced from outside: the parent waits for
each item's answer until its deadline and kills the child that overruns (SIGKILL cannot be ignored),
then forks a fresh one for the next item. A child that dies (out of memory, a crash in native code)
costs its item, not the batch.

Children are forked from the caller, so they share whatever it has loaded (the spaCy pipeline) without
loading it again, and each asks the kernel to kill it when its parent dies (Linux), so no worker
outlives a run that was killed. Where ``fork`` does not exist (Windows), items run in this process with
no budget, and ``can_stop()`` says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Value = TypeVar("Value")

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[Value]):
    """What became of one item: its value, or why there is none (``failure`` set)."""

    index: int
    value: Value | None = None
    failure: str = ""  # "" on success
    kind: str = ""  # "error", "timeout" or "died" on failure


def can_stop() -> bool:
    """Whether items can run in children that are killed on overrun (needs ``fork``)."""
    return "fork" in multiprocessing.get_all_start_methods()


def run_budgeted(
    function: Callable[[Item], Value],
    items: Sequence[Item],
    seconds: float,
    workers: int = 1,
    budgets: Sequence[float] | None = None,
) -> Iterator[Outcome[Value]]:
    """Run ``function`` on every item in up to ``workers`` forked children, at most ``seconds`` each
    (or ``budgets[i]`` for item i, when given).

    Outcomes come as items finish (not in order; ``Outcome.index`` says which item). An exception in
    ``function`` is an "error" outcome with its type and message; an item still running at its
    deadline is a "timeout" (its child is killed); a child that dies is "died". With ``seconds`` <= 0
    or no ``fork``, items run here, one after the other, with no budget.
    """
    with Workers(function, seconds, workers) as pool:
        yield from pool.run(items, budgets)


class Workers(Generic[Item, Value]):
    """``run_budgeted``'s children kept from one ``run`` to the next until ``close`` (or the end of a
    ``with`` block), for work that comes in batches: what a child loads or warms up on its first items
    (a language model, compiled date patterns) serves the later batches too instead of being paid
    again by a fresh child each batch. A child that overran or died is replaced, as in one run."""

    def __init__(self, function: Callable[[Item], Value], seconds: float, workers: int = 1) -> None:
        here = seconds <= 0 or not can_stop()
        self._function = function
        self._pool = None if here else _Pool(function, max(1, workers), seconds)

    def run(self, items: Sequence[Item], budgets: Sequence[float] | None = None) -> Iterator[Outcome[Value]]:
        """Each item's outcome, as items finish (see ``run_budgeted``)."""
        if self._pool is None:
            for index, item in enumerate(items):
                yield _run_here(self._function, index, item)
            return
        yield from self._pool.run(items, budgets)

    def start(self) -> None:
        """Fork every child now rather than at the first ``run`` (all of them, even if fewer items
        come): they are copies of this process as it is, not as it will be once it has read the
        first items. A child keeps a private copy of each page this process writes to after the
        fork, its garbage too."""
        if self._pool is not None:
            self._pool.start()

    def close(self) -> None:
        """End the children waiting for work."""
        if self._pool is not None:
            self._pool.close()

    def __enter__(self) -> Workers[Item, Value]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _run_here(function: Callable[[Any], Any], index: int, item: Any) -> Outcome[Any]:
    try:
        return Outcome(index, function(item))
    except Exception as exc:  # noqa: BLE001 (one item's bug must not end the others)
        return Outcome(index, failure=describe(exc), kind="error")


def describe(exc: BaseException) -> str:
    """An exception as one short line: its type and the start of its message."""
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def internal_failure(failure: str) -> str:
    """Why a document was left out when our own code failed on it: a bug to report, with the file."""
    return (
        f"analysis failed on this document ({failure}); it was left out and the "
        "others were analysed. This is a bug in crosswire: please report it with this file"
    )


class _Child:
    """One forked worker and the pipe to it."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(function, theirs, os.getpid()), daemon=True)
        # A Ctrl-C that lands while the child is forked would be swallowed by Python's at-fork hooks
        # (a traceback, and the analysis goes on): it waits, blocked, and is raised here just after.
        # So does a SIGTERM, which the command line raises as it raises a Ctrl-C. (Blocked for this
        # thread only: one sent to the process may land on another thread and be raised here
        # during the fork all the same; rare, and not mended.)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            self.process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()
        self.index = -1
        self.deadline = 0.0

    def give(self, index: int, item: Any, seconds: float) -> None:
        self.index, self.deadline = index, time.monotonic() + seconds
        self.connection.send((index, item))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the child is gone already
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class _Pool:
    def __init__(self, function: Callable[[Any], Any], workers: int, seconds: float) -> None:
        self.function, self.workers, self.seconds = function, workers, seconds
        self.idle: list[_Child] = []  # children that answered and wait for the next item (or run)

    def start(self) -> None:
        """Fork children until ``workers`` wait for work."""
        while len(self.idle) < self.workers:
            self.idle.append(_Child(self.function))

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()

    def run(self, items: Sequence[Any], budgets: Sequence[float] | None = None) -> Iterator[Outcome[Any]]:
        waiting = deque(enumerate(items))
        budget = (lambda index: budgets[index]) if budgets is not None else (lambda _: self.seconds)
        idle = self.idle
        busy: dict[object, _Child] = {}  # by connection
        try:
            while waiting or busy:
                while waiting and len(busy) < self.workers:
                    child = idle.pop() if idle else _Child(self.function)
                    index, item = waiting.popleft()
                    child.give(index, item, budget(index))
                    busy[child.connection] = child
                soonest = min(c.deadline for c in busy.values())
                for ready in wait([c.connection for c in busy.values()], timeout=max(0.0, soonest - time.monotonic())):
                    child = busy.pop(ready)
                    outcome = self._answer(child)
                    if outcome.kind != "died":
                        idle.append(child)
                    yield outcome
                now = time.monotonic()
                for connection, child in list(busy.items()):
                    if child.deadline <= now:
                        del busy[connection]
                        child.stop()
                        failure = f"took longer than {budget(child.index):g} s"
                        yield Outcome(child.index, failure=failure, kind="timeout")
        finally:  # (the idle children stay for the next run, until ``close``)
            for child in busy.values():
                child.stop()

    @staticmethod
    def _answer(child: _Child) -> Outcome[Any]:
        try:
            index, ok, payload = child.connection.recv()
        except (EOFError, OSError):
            child.stop()
            code = child.process.exitcode
            why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return Outcome(child.index, failure=f"the process analysing it died ({why})", kind="died")
        return Outcome(index, payload) if ok else Outcome(index, failure=payload, kind="error")


def _serve(function: Callable[[Any], Any], connection: Connection, parent: int) -> None:
    """A child's loop: take an item, send back (index, True, value) or (index, False, reason)."""
    # What the child was forked with is the parent's: its collections leave it alone. A collection
    # writes into every object it walks, which would copy the parent's whole heap into each child
    # page by page (a parent holding 400 MB of objects: 407 MB private per child; frozen, 36 MB).
    gc.freeze()
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # (not the parent's handler, if it had one)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # (blocked while we were forked)
    while (job := connection.recv()) is not None:
        index, item = job
        try:
            answer = (index, True, function(item))
        except Exception as exc:  # noqa: BLE001 (reported to the parent, which goes on)
            answer = (index, False, describe(exc))
        try:
            connection.send(answer)
        except Exception as exc:  # noqa: BLE001 (a value that cannot be pickled)
            connection.send((index, False, describe(exc)))


def run_apart(function: Callable[..., Value], *args: Any) -> Value:
    """``function(*args)`` in a forked process of its own, its value (or the exception it raised, with
    the child's traceback as a note) sent back here: whatever memory the work used, scattered or not,
    goes back to the system when that process ends. It may start processes of its own (it is no
    daemon). A Ctrl-C (or a SIGTERM the command line raises as one) or an error here stops it, and
    it is given ``_STOP_SECONDS`` to clean up (its ``with`` blocks run: temporary files go); on
    Linux it also ends if this process is killed. Where ``fork`` does not exist (Windows), it runs
    in this process."""
    if not can_stop():
        return function(*args)
    values = _Apart(function, args, each=False)
    try:
        return next(iter(values))  # type: ignore[no-any-return]
    finally:
        values.close()


def stream_apart(function: Callable[..., Iterable[Value]], *args: Any) -> Generator[Value, None, None]:
    """``run_apart`` for a function that yields: each value it yields in its own process is sent
    back and yielded here as soon as it is made, and the process ends with the function (or when
    this generator is closed, or stops on an error). Where ``fork`` does not exist, the function
    runs in this process."""
    if not can_stop():
        yield from function(*args)
        return
    values = _Apart(function, args, each=True)
    # The forked process has its own copy of the arguments: not held here while it runs (a pile's
    # batch of documents, say, let go once its process has them).
    del args
    try:
        yield from values
    finally:
        values.close()


class _Apart:
    """A function run in a forked process of its own (see ``run_apart``); iterating gives its value,
    or each value it yields (``each``), as the process sends them back."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], each: bool) -> None:
        self.name = getattr(function, "__name__", "a function")
        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe(duplex=False)
        what = (function, args, each, theirs, os.getpid())
        self.process = context.Process(target=_apart, args=what)
        self.each, self.finished = each, False
        try:
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # (see ``_Child``)
            try:
                self.process.start()
            finally:  # (a Ctrl-C that came meanwhile is raised here: the child is stopped below)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except BaseException:
            theirs.close()
            self.close()
            raise
        theirs.close()

    def __iter__(self) -> Iterator[Any]:
        while True:
            try:
                kind, payload = self.connection.recv()
            except (EOFError, OSError):
                self.process.join()
                code = self.process.exitcode
                why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                raise ProcessDied(f"the process running {self.name} died ({why})") from None
            if kind == _VALUE and self.each:
                yield payload
                continue
            self.finished = True
            if kind == _VALUE:  # (the one value of a function that returns)
                yield payload
            if kind == _ERROR:
                raise payload
            return

    def close(self) -> None:
        """Stop the process if it has not finished (SIGTERM: it raises SystemExit and cleans up),
        and wait for it to end."""
        self.connection.close()
        if self.process.pid is None:
            return
        if not self.finished and self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=_STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class ProcessDied(RuntimeError):
    """A process run apart (``run_apart``, ``stream_apart``) ended without an answer: killed (out of
    memory), crashed in native code, or stopped from outside."""


_STOP_SECONDS = 10.0
_STOPS = {signal.SIGINT, signal.SIGTERM}  # what stops a run: held back while a child is forked


_VALUE, _END, _ERROR = "value", "end", "error"  # what a process run apart sends back


def _apart(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    each: bool,
    connection: Connection,
    parent: int,
) -> None:
    gc.freeze()  # (what it was forked with stays shared with the parent: see ``_serve``)
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops us
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    try:
        if each:
            for value in function(*args):
                _send(connection, (_VALUE, value), function)
            answer: tuple[str, Any] = (_END, None)
        else:
            answer = (_VALUE, function(*args))
    except SystemExit:  # stopped (by the parent, or from outside: it then reports us dead)
        raise
    except _Unsent:  # (the parent was told why)
        return
    except BaseException as exc:  # noqa: BLE001 (raised again in the parent)
        exc.add_note("raised in the process run apart:\n" + "".join(traceback.format_exception(exc)))
        answer = (_ERROR, exc if _survives_pickling(exc) else RuntimeError(describe(exc)))
    with contextlib.suppress(OSError, _Unsent):  # (the parent may be gone)
        _send(connection, answer, function)
    connection.close()


def _send(connection: Connection, message: tuple[str, Any], function: Callable[..., Any]) -> None:
    """Send ``message``; if its value cannot be pickled, send why instead (the parent raises that
    error) and raise ``_Unsent``."""
    try:
        connection.send(message)
    except (OSError, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 (a value that cannot be pickled)
        why = f"{function.__name__} gave what cannot be sent back: {describe(exc)}"
        connection.send((_ERROR, RuntimeError(why)))
        raise _Unsent from None


class _Unsent(Exception):
    """A value could not be sent back; the parent was sent why (``_send``)."""


def _exit_cleanly(*_: object) -> None:
    raise SystemExit(128 + signal.SIGTERM)  # (the shell's code for a process ended by SIGTERM)


def _survives_pickling(exc: BaseException) -> bool:
    """Whether ``exc`` comes back from a pickle as itself (an exception whose ``__init__`` takes other
    arguments than it passes on does not)."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 (our own bytes, made just above)
    except Exception:  # noqa: BLE001
        return False
    return True


def _die_with_parent(parent: int) -> None:
    """A worker ends when the process that started it ends, even by kill -9 (Linux: the kernel sends
    it SIGKILL), so no ~300 MB worker outlives a run that was killed."""
    if sys.platform.startswith("linux"):
        # Without prctl, the parent's own clean-up still ends workers on a normal exit.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
