"""Fewer garbage collections while the analysis builds many small objects; the C heap's free memory
handed back between batches (``hand_back``).

CPython's cyclic garbage collector starts a collection of the youngest objects every 700 new
containers (tuples, lists, dicts, dataclass instances), and now and then a full one that walks every
object in the process. Reconciling a 1,000-article story builds a few million small objects beside
the million or so of its parses, so full collections come again and again and walk all of them: a
third of the time of reconciling such a story went to collections that found almost nothing to free
(measured: 12.0 s against 9.2 s; see BENCHMARKS.md). The analysis makes almost no reference cycles,
so collecting less often frees the same memory later, not less of it: the peak was unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
import threading
from collections.abc import Callable, Iterator

# New containers between collections of the youngest generation (CPython's default: 700), and the
# collections of each generation between collections of the next (defaults: 10 and 10).
YOUNG, MIDDLE, OLD = 100_000, 50, 100


_lock = threading.Lock()
_inside = 0  # blocks open, on every thread: the thresholds go back when the last one closes
_before: tuple[int, ...] = ()


@contextlib.contextmanager
def collecting_less(young: int = YOUNG) -> Iterator[None]:
    """Within the block, collect garbage less often (never less often than it already is); the
    thresholds in force before come back after it, so a host program's own setting is kept (a
    threshold of 0, automatic collection turned off, stays off). Blocks may nest and overlap on
    several threads: the thresholds come back when the last open block closes, and the first one
    opened sets them. ``young``: new containers between collections of the youngest generation."""
    global _inside, _before
    with _lock:
        if _inside == 0:
            _before = gc.get_threshold()
            if _before[0]:
                ours = (young, MIDDLE, OLD)
                gc.set_threshold(*(max(now, our) for now, our in zip(_before, ours, strict=False)))
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                gc.set_threshold(*_before)


def keep_for_good() -> None:
    """Take every object alive now out of the collector's sight (``gc.freeze``, for the whole
    process): a process that keeps a story open keeps what its last add made, and collections
    walked all of it again and again (a young collection as each add ended, and now and then a
    full one of 0.4-1.0 s, on a 1,000-article story). What the next add lets go is still freed at
    once; only garbage in reference cycles among kept objects waits for ``collect_kept``."""
    gc.freeze()


def collect_kept() -> None:
    """Hand what ``keep_for_good`` kept back to the collector and collect all of it once: garbage
    in reference cycles among kept objects is freed (a full collection, 0.4-1.0 s on a
    1,000-article story)."""
    gc.unfreeze()
    gc.collect()


def hand_back() -> None:
    """Return the free memory the C heap holds to the system (glibc's ``malloc_trim``; nothing where
    the C library is not glibc). Buffers freed by native code (the encoder's, scipy's) stay with the
    process otherwise, so a process that reconciles batch after batch keeps its largest batch's
    memory for good. A pile calls this between batches, and while it is read after each chunk of
    inputs: a few milliseconds, against the seconds a chunk or a batch takes."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # (here: a Python built without ctypes still analyses, keeping its memory)

        trim = ctypes.CDLL(None).malloc_trim
    except (ImportError, OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim  # type: ignore[no-any-return]
