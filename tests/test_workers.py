"""Stoppable workers: a slow, failing or dying item costs itself, never the batch or the time budget."""

from __future__ import annotations

import os
import signal
import sys
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE, SETTINGS

from crosswire.analysis.pipeline import analyze
from crosswire.analysis.workers import can_stop, run_budgeted
from crosswire.errors import InputError
from crosswire.settings import Settings

pytestmark = pytest.mark.skipif(not can_stop(), reason="stopping a worker needs fork (not on this platform)")


def _job(item: str) -> str:
    if item == "slow":
        time.sleep(60)
    if item == "bug":
        raise ValueError("a bug met on this item")
    if item == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    return item.upper()


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_each_item_gets_its_own_outcome_within_the_budget(workers):
    items = ["a", "slow", "b", "bug", "c", "crash", "d"]
    started = time.monotonic()
    outcomes = {o.index: o for o in run_budgeted(_job, items, seconds=1.5, workers=workers)}
    elapsed = time.monotonic() - started
    assert sorted(outcomes) == list(range(len(items)))
    assert [outcomes[i].value for i in (0, 2, 4, 6)] == ["A", "B", "C", "D"]
    assert outcomes[1].kind == "timeout" and outcomes[1].value is None
    assert outcomes[3].kind == "error" and "ValueError: a bug met on this item" in outcomes[3].failure
    assert outcomes[5].kind == "died" and "signal 9" in outcomes[5].failure
    assert elapsed < 30, f"a 60 s item held the batch for {elapsed:.0f} s"


def test_workers_leave_no_child_behind():
    list(run_budgeted(_job, ["a", "slow", "b"], seconds=1.0, workers=2))
    if sys.platform.startswith("linux"):
        children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
        assert children == []


def test_workers_without_budget_run_here():
    outcomes = list(run_budgeted(_job, ["a", "bug"], seconds=0))
    assert [o.value for o in outcomes] == ["A", None]
    assert outcomes[1].kind == "error"


def test_workers_budget_stops_a_document_of_many_short_lines(tmp_path, nlp):
    # 8,000 one-line paragraphs parse at a fraction of the usual speed (seconds to tens of seconds here);
    # with a 2 s budget the document is stopped and reported, and the short article is analysed.
    lines = "\n".join(f"Troops Moved {n}." for n in range(8000))
    (tmp_path / "lines.txt").write_text(lines, encoding="utf-8")
    (tmp_path / "article.txt").write_text(
        "Officials in the capital said on Monday that the old river bridge would reopen next week. " * 4,
        encoding="utf-8",
    )
    started = time.monotonic()
    dossier = analyze([str(tmp_path)], Settings(progress=False, document_seconds=2.0), nlp=nlp)
    assert time.monotonic() - started < 60
    assert [d.source.endswith("article.txt") for d in dossier.documents] == [True]
    (error,) = dossier.errors
    assert error.source.endswith("lines.txt") and error.stage == "annotate"
    assert "took longer than 2 s" in error.reason and "document_seconds" in error.reason


def _private_mb_after_a_collection(_: int) -> int:
    import gc

    gc.collect()  # a collection in the child, as a long analysis makes
    with open(f"/proc/{os.getpid()}/smaps_rollup", encoding="ascii") as rollup:
        fields = [line.split() for line in rollup if line.startswith(("Private_Dirty", "Private_Clean"))]
    return sum(int(kb) for _, kb, _ in fields) // 1024


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists() or not can_stop(), reason="needs Linux and fork")
def test_workers_do_not_copy_the_parents_heap_when_they_collect():
    # A forked worker shares the parent's memory until it writes to it; a garbage collection writes
    # into every object it walks. The parent of a large pile holds hundreds of MB of objects, so each
    # worker would hold a copy of them: the workers leave what they were forked with to the parent.
    heap = [{"n": str(i), "pair": [i, i + 1]} for i in range(1_000_000)]  # about 200 MB of objects
    sizes = [o.value for o in run_budgeted(_private_mb_after_a_collection, [1, 2], 60, workers=2)]
    assert len(heap) and all(size is not None and size < 100 for size in sizes), sizes


def test_workers_an_analysis_leaves_the_garbage_collector_as_the_host_set_it():
    import gc

    from crosswire.analysis.collector import collecting_less

    before = gc.get_threshold()
    try:
        gc.set_threshold(500, 5, 5)
        with collecting_less():
            assert gc.get_threshold()[0] > 500  # collects less often inside
        assert gc.get_threshold() == (500, 5, 5)
        # Blocks that overlap rather than nest (two threads analysing at once) give the host's back too.
        first, second = collecting_less(), collecting_less()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)
        assert gc.get_threshold()[0] > 500  # the second block is still open
        second.__exit__(None, None, None)
        assert gc.get_threshold() == (500, 5, 5)
        gc.set_threshold(0)  # a host that turned automatic collection off keeps it off
        with collecting_less():
            assert gc.get_threshold()[0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's malloc_trim")
def test_memory_freed_inside_the_c_heap_goes_back_to_the_system():
    from crosswire.analysis.collector import _malloc_trim, hand_back

    if _malloc_trim() is None:
        pytest.skip("the C library is not glibc: nothing to hand back with")

    def resident_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    hand_back()
    # 160 MB in 16 KB blocks (from the heap, not mapped one by one), the last one kept: the heap's
    # top stays in use, so the freed blocks below it stay with the process until handed back.
    blocks = [bytearray(16 * 1024) for _ in range(10_240)]
    kept = blocks[-1]
    allocated = resident_mb()
    del blocks
    held = resident_mb()
    hand_back()
    after = resident_mb()
    assert held > allocated - 40  # freed, but still resident
    assert after < held - 100, (allocated, held, after)
    assert len(kept) == 16 * 1024


def test_many_pages_are_cleaned_by_several_workers_into_what_one_worker_gives(tmp_path, monkeypatch):
    from dataclasses import replace

    from crosswire.analysis import pipeline

    sample = Path(pipeline.__file__).resolve().parent.parent / "sample"
    pages = sorted(p for p in sample.iterdir() if p.suffix in (".txt", ".md", ".html"))
    for n in range(pipeline.PARALLEL_MIN_PAGES // len(pages) + 1):
        for page in pages:
            # (each copy its own: pages alike in every field are read once)
            text = page.read_bytes().replace(b"Marchenko", f"Marchenko-{n}".encode())
            (tmp_path / f"{n:03d}-{page.name}").write_bytes(text)
    (tmp_path / "empty.html").write_text("<html><body><div></div></body></html>", encoding="utf-8")
    (tmp_path / "short.txt").write_text("Three words only.", encoding="utf-8")
    used: list[int] = []
    real = pipeline.run_budgeted

    def counted(function, items, seconds, workers=1):  # type: ignore[no-untyped-def]
        used.append(workers)
        return real(function, items, seconds, workers)

    monkeypatch.setattr(pipeline, "run_budgeted", counted)
    settings = Settings(progress=False)
    alone = pipeline.prepare([str(tmp_path)], replace(settings, workers=1), None, {})
    shared = pipeline.prepare([str(tmp_path)], replace(settings, workers=2), None, {})
    assert used == [1, 2]
    assert shared == alone
    assert len(alone[0]) >= pipeline.PARALLEL_MIN_PAGES
    assert sorted(Path(e.source).name for e in alone[1]) == ["empty.html", "short.txt"]


def _pid(item: str) -> int:
    if item == "slow":
        time.sleep(60)
    return os.getpid()


def test_workers_kept_between_runs_serve_the_next_batch_and_replace_a_stopped_one():
    from crosswire.analysis.workers import Workers

    with Workers(_pid, seconds=2.0, workers=2) as pool:
        first = {o.value for o in pool.run(["a", "b", "c", "d"])}
        second = {o.value for o in pool.run(["e", "f", "g", "h"])}
        assert second <= first and os.getpid() not in first  # the same children, not fresh ones
        stopped = [o.kind for o in pool.run(["slow", "i"])]
        assert sorted(stopped) == ["", "timeout"]
        assert all(o.value for o in pool.run(["j", "k"]))  # a fresh child took the stopped one's place
    assert not pool._pool.idle  # closed with the block: no child left waiting


def _memory_of_its_own(size: int) -> tuple[int, int]:
    """Allocate ``size`` MB, and say in which process."""
    held = bytearray(size * 2**20)
    return os.getpid(), len(held) // 2**20


def _fails(reason: str) -> None:
    raise ValueError(reason)


def _dies(_: str) -> None:
    os._exit(3)


def _starts_a_worker(item: str) -> tuple[int, str]:
    # A process run apart may start processes of its own (the cleaning workers of a pile it reads).
    [outcome] = run_budgeted(_job, [item], seconds=30, workers=1)
    return os.getpid(), outcome.value


class _Unrebuilt(Exception):
    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")  # (pickles, but cannot be made again from its args)


def _fails_oddly(_: str) -> None:
    raise _Unrebuilt("file.txt", "an odd failure")


def _holds_a_folder(note: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        Path(note).write_text(folder)
        time.sleep(60)


def test_workers_run_apart_hands_back_the_value_the_error_or_why_its_process_died():
    from crosswire.analysis.workers import run_apart

    pid, size = run_apart(_memory_of_its_own, 64)
    assert size == 64 and pid != os.getpid()  # the 64 MB were another process's, gone with it
    with pytest.raises(ValueError, match="a reason of its own") as raised:
        run_apart(_fails, "a reason of its own")
    assert any("_fails" in note for note in raised.value.__notes__)  # (the child's traceback)
    with pytest.raises(RuntimeError, match="_Unrebuilt: file.txt: an odd failure"):
        run_apart(_fails_oddly, "")
    with pytest.raises(RuntimeError, match=r"_dies died \(exit code 3\)"):
        run_apart(_dies, "")
    pid, value = run_apart(_starts_a_worker, "fine")
    assert pid != os.getpid() and value == _job("fine")


def test_workers_run_apart_interrupted_stops_its_process_which_cleans_up(tmp_path):
    # A Ctrl-C while the work runs apart stops that process, and its ``with`` blocks still run: a
    # temporary folder it held (a pile's outlets file) does not stay behind.
    from crosswire.analysis.workers import run_apart

    note = tmp_path / "folder"

    def interrupt(*_):
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 2.0)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run_apart(_holds_a_folder, str(note))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert time.monotonic() - started < 15
    assert note.exists() and not Path(note.read_text()).exists()


def _counts_then_fails(last: int, fails: bool = True):  # type: ignore[no-untyped-def]
    for number in range(last):
        yield os.getpid(), number
    if fails:
        raise ValueError(f"failed after {last}")


def _yields_then_holds_a_folder(note: str):  # type: ignore[no-untyped-def]
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        Path(note).write_text(folder)
        yield "first"
        time.sleep(60)
        yield "never"


def test_workers_stream_apart_hands_back_each_value_then_the_error_from_a_process_of_its_own():
    from crosswire.analysis.workers import stream_apart

    got = []
    with pytest.raises(ValueError, match="failed after 3") as raised:
        for value in stream_apart(_counts_then_fails, 3):
            got.append(value)
    assert [number for _, number in got] == [0, 1, 2]
    assert len({pid for pid, _ in got}) == 1 and got[0][0] != os.getpid()
    assert any("_counts_then_fails" in note for note in raised.value.__notes__)
    assert [number for _, number in stream_apart(_counts_then_fails, 2, False)] == [0, 1]


class _Batch(list):  # (a list that can be referred to weakly)
    pass


def _sizes(batch: _Batch) -> Iterator[int]:
    yield len(batch)
    yield len(batch)


@pytest.mark.skipif(not can_stop(), reason="needs fork: without it the function runs here")
def test_workers_stream_apart_lets_go_of_its_arguments_once_its_process_has_them():
    # A pile hands each batch of documents to a process of its own: this one need not hold them
    # while that process analyses them.
    from crosswire.analysis.workers import stream_apart

    batch = _Batch(["a document"] * 1000)
    held = weakref.ref(batch)
    sizes = stream_apart(_sizes, batch)
    del batch
    assert next(sizes) == 1000
    assert held() is None
    assert list(sizes) == [1000]


def test_workers_stream_apart_closed_early_stops_its_process_which_cleans_up(tmp_path):
    from crosswire.analysis.workers import stream_apart

    note = tmp_path / "folder"
    started = time.monotonic()
    values = stream_apart(_yields_then_holds_a_folder, str(note))
    assert next(values) == "first"
    assert Path(note.read_text()).is_dir()  # (held by the other process, sleeping)
    values.close()
    assert time.monotonic() - started < 15
    assert not Path(note.read_text()).exists()


def _yields_what_cannot_be_sent(_: str):  # type: ignore[no-untyped-def]
    yield "first"
    yield lambda: None  # (a lambda cannot be pickled)


def _yields_its_pid_then_sleeps(_: str):  # type: ignore[no-untyped-def]
    yield os.getpid()
    time.sleep(60)


def test_workers_stream_apart_says_when_a_value_cannot_be_sent_or_its_process_is_stopped_from_outside():
    from crosswire.analysis.workers import ProcessDied, stream_apart

    values = stream_apart(_yields_what_cannot_be_sent, "")
    assert next(values) == "first"
    with pytest.raises(RuntimeError, match="_yields_what_cannot_be_sent gave what cannot be sent back"):
        next(values)
    values = stream_apart(_yields_its_pid_then_sleeps, "")
    os.kill(next(values), signal.SIGTERM)  # (an operator, a group kill: not this process)
    with pytest.raises(ProcessDied, match=r"died \(exit code 143\)"):
        next(values)


def test_workers_budget_per_item_when_given():
    budgets = [0.5, 30.0]
    outcomes = {o.index: o for o in run_budgeted(_sleep_then_say, [2.0, 0.0], 30.0, 2, budgets)}
    assert outcomes[0].kind == "timeout" and "took longer than 0.5 s" in outcomes[0].failure
    assert outcomes[1].value == "slept 0.0"


def _sleep_then_say(seconds: float) -> str:
    time.sleep(seconds)
    return f"slept {seconds}"


def test_documents_parsed_in_groups_are_annotated_as_each_alone(nlp):
    # Short documents go to a worker a few at a time; what each gets does not depend on its neighbours.
    from crosswire.analysis import pipeline
    from crosswire.stages.annotate import annotate

    documents, _ = pipeline.prepare([str(SAMPLE)], SETTINGS, None, {})
    groups = pipeline.parse_groups(documents, SETTINGS.batch_size)
    assert [i for g in groups for i in g] == list(range(len(documents)))
    assert any(len(g) > 1 for g in groups)  # (else this test would not test grouping)
    together = pipeline.annotate_all(documents, SETTINGS, nlp, None, {}, [])
    assert together == [annotate([d], nlp, SETTINGS.batch_size)[0] for d in documents]


def test_parse_groups_stay_within_one_batch_and_a_fair_share_of_the_work():
    from crosswire.analysis.pipeline import GROUP_WORDS, parse_groups
    from crosswire.models import Document, Published

    def document(paragraphs: int, words: int) -> Document:
        text = tuple(" ".join(["word"] * (words // paragraphs)) for _ in range(paragraphs))
        return Document("d", "s", None, None, None, Published(None, "unknown", ""), "en", "news", text, ())

    sizes = [(8, 400), (8, 400), (8, 400), (8, 400), (8, 400), (40, 2000), (2, GROUP_WORDS), (2, 100), (1, 50)]
    documents = [document(p, w) for p, w in sizes]
    groups = parse_groups(documents, 32)
    assert groups == [[0, 1, 2, 3], [4], [5], [6], [7, 8]]
    # Two workers share 9 documents: at most 9 // 8 = 1 a group, so neither waits on the other's last.
    assert parse_groups(documents, 32, workers=2) == [[i] for i in range(9)]


def test_a_short_document_that_overruns_in_its_group_is_stopped_alone_and_the_others_kept(nlp, monkeypatch):
    # A group has a quarter of one document's budget, but never under 10 s nor over the whole budget;
    # when it overruns, its documents are run one at a time with the whole budget: the slow one is
    # reported with that budget, the others analysed.
    from crosswire.analysis import pipeline

    documents, _ = pipeline.prepare([str(SAMPLE)], SETTINGS, None, {})
    slow = documents[1].id
    real = pipeline._annotate_documents

    def slow_on_one(group, nlp, batch_size):
        if slow in {d.id for d in group}:
            time.sleep(30)
        return real(group, nlp, batch_size)

    monkeypatch.setattr(pipeline, "_annotate_documents", slow_on_one)
    errors: list = []
    settings = Settings(progress=False, document_seconds=4.0)
    started = time.monotonic()
    annotated = pipeline.annotate_all(documents, settings, nlp, None, {}, errors)
    assert time.monotonic() - started < 25
    assert [a.document.id for a in annotated] == [d.id for d in documents if d.id != slow]
    (error,) = errors
    assert error.source == documents[1].source and "took longer than 4 s" in error.reason


def test_documents_that_fail_in_groups_and_alone_are_reported_in_the_documents_order(nlp, monkeypatch):
    # A failing group's documents are found one at a time after the other groups: the errors still
    # come in the documents' order (a group of one that fails is known first).
    from crosswire.analysis import pipeline

    documents, _ = pipeline.prepare([str(SAMPLE)], SETTINGS, None, {})
    assert len(documents) >= 7
    failing = {documents[1].id, documents[6].id}
    real = pipeline._annotate_documents

    def fails_on_two(group, nlp, batch_size):
        if failing & {d.id for d in group}:
            raise RuntimeError("planted failure")
        return real(group, nlp, batch_size)

    monkeypatch.setattr(pipeline, "_annotate_documents", fails_on_two)
    monkeypatch.setattr(pipeline, "parse_groups", lambda documents, batch_size, workers=1: [[0, 1, 2], [3, 4, 5], [6]])
    errors: list = []
    annotated = pipeline.annotate_all(documents, SETTINGS, nlp, None, {}, errors)
    assert [a.document.id for a in annotated] == [d.id for d in documents if d.id not in failing]
    assert [e.source for e in errors] == [documents[1].source, documents[6].source]
    with pytest.raises(InputError) as raised:
        pipeline.annotate_all(documents, SETTINGS, nlp, None, {})
    assert raised.value.source == documents[1].source
