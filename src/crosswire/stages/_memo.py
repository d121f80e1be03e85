"""Memos that live for one story. A stage that reads one sentence many times (its words, its stems,
whether it reverses an act) keeps what it read in a ``story_memo``; the analysis empties them all
when a story is reconciled (``forget_story``), so a pile of many stories does not keep every story's
sentences: a memo of 65,536 sentences' word sets holds a few hundred MB."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import numpy as np

MEMO_SIZE = 1 << 16  # sentences a memo keeps within one story
DOCUMENT_MEMO_SIZE = 1 << 13  # documents a document memo keeps (a story kept open has fewer)

Function = TypeVar("Function", bound=Callable[..., Any])
_MEMOS: list[Any] = []
_ROUNDS: list[Callable[[], None]] = []  # each object memo's ``next_round``


def story_memo(function: Function, size: int = MEMO_SIZE) -> Function:
    """``function`` memoised (it must be pure) until ``forget_story``, for its latest ``size`` calls."""
    memo = functools.lru_cache(maxsize=size)(function)
    _MEMOS.append(memo)
    return memo  # type: ignore[return-value]


def searcher(pattern: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """``pattern.search`` as a story memo, for a pattern tried on every claim mention of a story: each
    text is searched once in a story, and once in a process that keeps its memos from one add to the
    next (``reconcile``'s ``keep_memos``)."""
    return story_memo(pattern.search)


def forget_story() -> None:
    """Empty every story memo: the story is reconciled."""
    for memo in _MEMOS:
        memo.cache_clear()


class _Info(NamedTuple):
    currsize: int  # what ``functools.lru_cache``'s ``cache_info`` says of its size


def story_object_memo(function: Function) -> Function:
    """``function`` memoised on the identity of its arguments, for its latest arguments only, until
    ``forget_story``: for what two stages build alike from one story's objects (which need not be
    hashable), one after the other. The memo keeps the arguments, so that no other object can take
    their identity meanwhile; a caller that never calls ``forget_story`` holds one call's worth."""
    return _memo_on(function, _identities, 1)


def document_memo(function: Function) -> Function:
    """``function`` memoised until ``forget_story``, for the work a stage does on one document of a
    story: a process that reconciles the story again with a document more (``reconcile``'s
    ``keep_memos``) is handed the same objects for every document it read before, and gets back the
    same answer without the work. Arguments are keyed on their identity, except plain values (strings,
    numbers, None) and tuples, keyed item by item: a document's claim mentions gathered afresh into a
    new tuple, or the names of its speakers, are the same key. The memo keeps the arguments, so that
    no other object can take their identity meanwhile, and holds at most ``DOCUMENT_MEMO_SIZE`` calls
    (emptied when full): a process that keeps its memos from one story to the next holds a few
    thousand documents' work, not every story's."""
    return _memo_on(function, _key, DOCUMENT_MEMO_SIZE)


def object_memo(function: Function) -> Function:
    """``function`` memoised on the identity of its first argument (a claim mention, a claim), until
    ``forget_story``: for work on each mention or claim of a story, found again at the story's next
    add, where most are the same objects. The other arguments must be the same too: strings and
    numbers equal in type and value, tuples item by item, anything else the same object. One
    answer is kept an object: called with other arguments beside it (a mention under another claim
    id), the new answer takes the old one's place. The memo keeps the arguments, so that no other
    object can take the first one's identity meanwhile; ``next_round`` lets go of what was not asked
    for since the last round (at once: the last round's are kept apart from this one's). This
    round's answers are emptied when ``MEMO_SIZE`` are held, so it holds at most about twice that
    with the last round's. Cheap to look up: a desk looks up every claim
    of its story in a few of these at every add."""
    return _memo_in_rounds(function, id, operator.is_)


def items_memo(function: Function) -> Function:
    """``function`` memoised as ``object_memo`` memoises, but on the identity of each item of its
    first argument, a tuple of a story's objects: for work on a group of mentions (the mentions of
    a verb that may tell one happening) that a desk's next add finds again, the same objects in a
    new tuple."""
    return _memo_in_rounds(function, _identities, _same_items)


def _memo_in_rounds(
    function: Function,
    key_of: Callable[[Any], Any],
    same: Callable[[Any, Any], bool],
) -> Function:
    """``function`` memoised on ``key_of(first)``, in rounds (see ``object_memo``)."""
    rounds: _Rounds = [{}, {}]

    @functools.wraps(function)
    def memoised(first: Any, *rest: Any) -> Any:
        key = key_of(first)
        asked = rounds[0]
        found = asked.get(key)
        if found is None:
            found = rounds[1].pop(key, None)
            if found is not None:
                asked[key] = found
        found_again = found is not None and same(found[0], first)
        if found_again and (found[1] is rest or _same(found[1], rest)):
            return found[2]
        if len(asked) >= MEMO_SIZE:
            asked.clear()
        value = function(first, *rest)
        asked[key] = (first, rest, value)
        return value

    return _in_rounds(memoised, rounds)  # type: ignore[no-any-return]


def _same_items(kept: tuple[Any, ...], given: tuple[Any, ...]) -> bool:
    return len(kept) == len(given) and all(map(operator.is_, kept, given))


def kept_alike(function: Function) -> Function:
    """``function`` (which makes an object from its arguments) handing back, for an object alike to
    the one it made last time with the same first argument, that earlier object: a desk's next add
    then finds the story's objects that did not change (an entity no new article names) as the same
    objects, and what was kept with them (their JSON, ``KeptJSON``) is found again. The first
    argument must be a plain value (an id). Alike is stricter than equal, as ``object_memo``
    compares arguments: a dataclass's fields are compared as ``_same`` compares them (strings and
    numbers by type and value, so 1 and 1.0 differ, as their JSON does; tuples item by item; other
    objects by identity). What was not made since the last round is let go at ``next_round``; all
    of it at ``forget_story``."""
    rounds: _Rounds = [{}, {}]

    @functools.wraps(function)
    def made(key: Any, *rest: Any) -> Any:
        value = function(key, *rest)
        asked = rounds[0]
        before = asked.get(key)
        if before is None:
            before = rounds[1].pop(key, None)
        if before is not None and _alike(before, value):
            value = before
        if len(asked) >= MEMO_SIZE:
            asked.clear()
        asked[key] = value
        return value

    return _in_rounds(made, rounds)


_MOST_ROWS = 1 << 31  # rows a ``PairMemo`` numbers before starting afresh: a pair is two in 64 bits


class PairMemo:
    """A check made on many pairs of a story's rows (two claim mentions, with what each carries),
    memoised on the rows' identity until ``forget_story``, for the pairs of its latest call: a story
    kept open asks again about the pairs of every document it read before, the same objects, and
    only the pairs of what an add changed are checked. A row is a tuple of objects, told by the
    identity of each; the other arguments (plain values) must be the same as at the last call, or
    nothing is found again. What was asked is looked up as arrays, not pair by pair."""

    def __init__(self, check: Callable[..., bool]) -> None:
        self._check = check
        self.cache_clear()
        _MEMOS.append(self)

    def cache_clear(self) -> None:
        # each row's identities: the row, its number
        self._rows: dict[tuple[int, ...], tuple[tuple[Any, ...], int]] = {}
        self._numbers = 0  # the next row's number
        self._rest: tuple[Any, ...] | None = None
        # the last call's pairs, by their rows' numbers, sorted
        self._pairs = np.empty(0, dtype=np.int64)
        self._verdicts = np.empty(0, dtype=bool)

    def cache_info(self) -> _Info:
        return _Info(len(self._pairs))

    def __call__(
        self, rows: Sequence[tuple[Any, ...]], first: np.ndarray, second: np.ndarray, *rest: Any
    ) -> np.ndarray:
        """``check(*rows[i], *rows[j], *rest)`` for each pair (i, j) of ``first`` and ``second``."""
        if self._rest is None or not _same(self._rest, rest) or self._numbers >= _MOST_ROWS:
            self.cache_clear()
            self._rest = rest
        numbers = np.fromiter(map(self._number, rows), dtype=np.int64, count=len(rows))
        self._rows = {key: self._rows[key] for key in map(_identities, rows)}  # (this call's only)
        pairs = (numbers[first] << 32) | numbers[second]
        at = np.searchsorted(self._pairs, pairs)
        found = at < len(self._pairs)
        found[found] = self._pairs[at[found]] == pairs[found]
        verdicts = np.zeros(len(pairs), dtype=bool)
        verdicts[found] = self._verdicts[at[found]]
        unknown = np.flatnonzero(~found)
        asked = zip(first[unknown].tolist(), second[unknown].tolist(), strict=True)
        verdicts[unknown] = [self._check(*rows[i], *rows[j], *rest) for i, j in asked]
        order = np.argsort(pairs, kind="stable")
        self._pairs, self._verdicts = pairs[order], verdicts[order]
        return verdicts

    def _number(self, row: tuple[Any, ...]) -> int:
        key = _identities(row)
        found = self._rows.get(key)
        if found is None:  # (the memo keeps the row, so that no other object takes an identity)
            found = self._rows[key] = (row, self._numbers)
            self._numbers += 1
        return found[1]


# This round's answers, and the last round's not asked for again yet: a new round lets the last
# one's go at once, unread (``object_memo``, ``kept_alike``).
_Rounds = list[dict[Any, Any]]


def _in_rounds(memo: Callable[..., Any], rounds: _Rounds) -> Any:
    """``memo``, kept by ``rounds``, emptied by ``forget_story`` and moved on by ``next_round``."""

    def next_round() -> None:
        rounds[1] = rounds[0]
        rounds[0] = {}

    def cache_clear() -> None:
        rounds[:] = [{}, {}]

    memo.cache_clear = cache_clear  # type: ignore[attr-defined]
    memo.cache_info = lambda: _Info(len(rounds[0]) + len(rounds[1]))  # type: ignore[attr-defined]
    _MEMOS.append(memo)
    _ROUNDS.append(next_round)
    return memo


def next_round() -> None:
    """Let every ``object_memo`` and ``kept_alike`` go of what it was not asked for since the last
    round: a process that keeps a story open calls this after each add, so that the claims of
    earlier versions (another object at each add when their mentions change) are not kept with
    their readings."""
    for let_go in _ROUNDS:
        let_go()


def _same(kept: tuple[Any, ...], given: tuple[Any, ...]) -> bool:
    """Whether two argument lists are the same for ``object_memo`` (most often item by item the same
    objects: checked first, in one pass of C)."""
    if len(kept) != len(given):
        return False
    return all(map(operator.is_, kept, given)) or all(map(_same_one, kept, given))


def _alike(before: Any, value: Any) -> bool:
    """Whether ``kept_alike`` may hand back ``before`` for ``value``."""
    kind = type(value)
    if type(before) is not kind:
        return False
    fields = getattr(kind, "__dataclass_fields__", None)
    if fields is None:
        return _same_one(before, value)
    read = operator.attrgetter(*fields)  # (a tuple of the fields, or the one field alone)
    return _same_one(read(before), read(value))


def _same_one(kept: Any, given: Any) -> bool:
    if kept is given:
        return True
    kind = type(kept)
    if kind is not type(given):
        return False
    if kind is tuple:
        return _same(kept, given)
    return kind in _PLAIN and bool(kept == given)


def _memo_on(function: Function, key_of: Callable[[tuple[Any, ...]], Any], size: int) -> Function:
    """``function`` memoised on ``key_of(arguments)``, keeping the arguments beside each answer (so
    that an identity in a key cannot be taken by another object), emptied when ``size`` calls are
    held, and by ``forget_story``."""
    memo: dict[Any, tuple[tuple[Any, ...], Any]] = {}

    @functools.wraps(function)
    def memoised(*args: Any) -> Any:
        key = key_of(args)
        found = memo.get(key)
        if found is None:
            if len(memo) >= size:
                memo.clear()
            found = memo[key] = (args, function(*args))
        return found[1]

    memoised.cache_clear = memo.clear  # type: ignore[attr-defined]
    memoised.cache_info = lambda: _Info(len(memo))  # type: ignore[attr-defined]
    _MEMOS.append(memoised)
    return memoised  # type: ignore[return-value]


def _identities(arguments: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(map(id, arguments))


_IDENTITY = object()  # marks a key made of objects' identities (no argument's value can hold it)
_NUMBERS = frozenset([int, float, bool])
_PLAIN = frozenset([str, int, float, bool, type(None)])


def _key(argument: Any) -> Any:
    """A string or None as itself, a number with its type (True is not 1 here), a tuple item by item,
    anything else by its identity (never its hash: hashing a document's dataclass would read all of
    it). A tuple of plain values, or of objects only, is keyed in one go."""
    kind = type(argument)
    if argument is None or kind is str:
        return argument
    if kind in _NUMBERS:
        return (kind, argument)
    if kind is tuple:
        kinds = set(map(type, argument))
        if kinds <= _PLAIN:
            return (tuple(map(type, argument)), argument)
        if not kinds & _PLAIN and tuple not in kinds:
            return (_IDENTITY, tuple(map(id, argument)))
        return tuple(map(_key, argument))
    return (_IDENTITY, id(argument))
