"""A pile sorted into stories streams: each story's dossier comes out before the next batch of
stories is parsed, and a document that cannot be parsed is reported in its own story."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS, note, noted

from crosswire.analysis import piles, pipeline
from crosswire.analysis.piles import analyze_stories, iter_stories
from crosswire.analysis.pipeline import LocalExecutor
from crosswire.analysis.spill import Spill
from crosswire.errors import ConfigError
from crosswire.models import Annotated
from crosswire.stages import _names
from crosswire.stages.cluster import ClusterSettings, cluster_stories, story_features

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present"
)


@dataclass
class Watched(LocalExecutor):
    """The local executor, noting in a file (each batch is analysed in a process of its own) when it
    parses, and in which process."""

    notes: str = ""

    def annotate(self, documents, settings, progress, timings, errors):
        note(self.notes, f"parse {len(documents)} {os.getpid()}")
        return super().annotate(documents, settings, progress, timings, errors)


def test_streaming_each_story_comes_out_before_the_next_is_parsed_in_a_process_of_its_own(nlp, tmp_path, monkeypatch):
    notes = str(tmp_path / "events")
    executor = Watched(nlp, batch_documents=1, notes=notes)
    sources = [str(SAMPLE), str(REFERENCE)]
    # What this process freed (the dossiers read back) goes back to the system after each batch.
    monkeypatch.setattr(piles, "hand_back", lambda: note(notes, f"hand back {os.getpid()}"))
    for story, _ in iter_stories(sources, SETTINGS, executor=executor):
        note(notes, f"story {len(story.documents)} {os.getpid()}")
    events = [line.split() for line in Path(notes).read_text().splitlines()]
    events = [e for e in events if e[0] != "hand" or int(e[2]) == os.getpid()]  # (not the sorting's)
    # One batch per story.
    assert [e[0] for e in events] == ["parse", "story", "hand", "parse", "story", "hand"]
    # Each batch in a process of its own, which ends with it: what its analysis left in memory goes
    # with it, so a long pile's process does not grow batch after batch.
    parsed_in = [int(e[2]) for e in events if e[0] == "parse"]
    assert os.getpid() not in parsed_in and len(set(parsed_in)) == 2
    # The same stories and dossiers as the whole pile parsed in one batch, and as a pile analysed in
    # this process (where fork does not exist, or with a cache).
    whole = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    streamed = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp, batch_documents=1))
    assert streamed == whole


def test_streaming_a_batch_analysed_here_hands_back_the_c_heap_after_it(nlp, monkeypatch):
    # Where a batch cannot be analysed in a process of its own (no fork; a cache's connection is
    # this process's), the C heap's free memory goes back to the system after each batch, before
    # the next is parsed; the dossiers are those of batches analysed apart.
    events: list[str] = []
    monkeypatch.setattr(piles, "can_stop", lambda: False)
    monkeypatch.setattr(piles, "hand_back", lambda: events.append("hand back"))
    sources = [str(SAMPLE), str(REFERENCE)]
    here = []
    for story, dossier in iter_stories(sources, SETTINGS, executor=LocalExecutor(nlp, batch_documents=1)):
        events.append("story")
        here.append((story, dossier))
    assert events == ["story", "hand back", "story", "hand back"]
    monkeypatch.undo()
    assert here == analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp, batch_documents=1))


def test_streaming_a_storys_parses_are_gone_when_its_dossier_is_handed_on(nlp, monkeypatch):
    # The batch analysed here (as with a cache), two stories in it: when the caller gets a story's
    # dossier (and writes it), that story's parses are no longer held.
    monkeypatch.setattr(piles, "can_stop", lambda: False)

    def alive() -> Counter[str]:  # (parses by document id; other tests' fixtures may hold some)
        return Counter(o.document.id for o in gc.get_objects() if isinstance(o, Annotated))

    before, held = alive(), []
    stories = iter_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1000))
    for story, dossier in stories:
        now = alive()
        held.append(sum(now[i] - before[i] for i in story.documents))
        assert dossier.documents
    assert held == [0, 0]


def test_streaming_a_batch_lets_each_storys_parses_go_before_reconciling_the_next(nlp, monkeypatch, tmp_path):
    # One batch of two stories (the sample's and the reference's), analysed in a process of its own:
    # when the second story is reconciled there, that process holds none of the first story's
    # parses, nor its names.
    notes = str(tmp_path / "events")
    parsed: set[tuple[int, str]] = set()  # the batch's parses, by identity (none kept alive here)
    real = pipeline.reconcile

    @dataclass
    class Noting(LocalExecutor):
        def annotate(self, documents, settings, progress, timings, errors):
            found = super().annotate(documents, settings, progress, timings, errors)
            parsed.update((id(a), a.document.id) for a in found)
            return found

    def noting(members, *args, **kwargs):
        objects = (o for o in gc.get_objects() if isinstance(o, Annotated))
        alive = sum((id(o), o.document.id) in parsed for o in objects)
        names = _names.fold.cache_info().currsize + _names.translit_key.cache_info().currsize
        note(notes, f"reconcile {len(members)} of {alive} names {names}")
        return real(members, *args, **kwargs)

    monkeypatch.setattr(pipeline, "reconcile", noting)
    executor = Noting(nlp, batch_documents=1000)
    stories = []
    for story, dossier in iter_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=executor):
        note(notes, "story")
        stories.append((story, dossier))
    events = Path(notes).read_text().splitlines()
    assert events.count("story") == 2  # (here, as that process sends them: it does not wait for us)
    reconciled = [e for e in events if e.startswith("reconcile")]
    first, second = (int(e.split()[1]) for e in reconciled)
    assert reconciled[0].startswith(f"reconcile {first} of {first + second} ")  # the batch was parsed at once
    # The first story's parses are gone, and so are its names (a pile of 100,000 articles kept up
    # to 65,536 of them, twice, in memos for the process).
    assert reconciled[1] == f"reconcile {second} of {second} names 0"
    monkeypatch.setattr(pipeline, "reconcile", real)
    assert stories == analyze_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp))


def test_streaming_a_document_that_cannot_be_parsed_is_reported_in_its_own_story(nlp, monkeypatch):
    chosen = sorted(p.stem for p in REFERENCE.glob("*.txt"))[0]
    real = pipeline._annotate_documents

    def fails_on_one(documents, nlp, batch_size):  # (and on the group it is parsed in, at first)
        if chosen in {d.id for d in documents}:
            raise RuntimeError("planted failure")
        return real(documents, nlp, batch_size)

    monkeypatch.setattr(pipeline, "_annotate_documents", fails_on_one)
    stories = analyze_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1))
    holders = [dossier for story, dossier in stories if chosen in story.documents]
    others = [dossier for story, dossier in stories if chosen not in story.documents]
    assert len(holders) == 1 and others
    assert [e.source for e in holders[0].errors if "planted failure" in e.reason] == [str(REFERENCE / f"{chosen}.txt")]
    assert not any("planted failure" in e.reason for d in others for e in d.errors)
    assert chosen not in {d.id for d in holders[0].documents}


def test_streaming_a_pile_read_a_few_files_at_a_time_finds_the_stories_of_the_whole_pile(nlp, monkeypatch):
    # The pile is read and cleaned a chunk at a time into a temporary file; what stays in memory is
    # each document's clustering features and outlet facts. The stories (their documents, labels
    # and order) are those clustering finds on the whole pile's documents, and the dossiers do not
    # depend on the chunk size.
    sources = [str(SAMPLE), str(REFERENCE)]
    documents, _ = pipeline.prepare(sources, SETTINGS, None, {})
    expected = cluster_stories(documents, ClusterSettings(threshold=SETTINGS.story_similarity))
    whole = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    monkeypatch.setattr(piles, "PILE_CHUNK", 2)
    chunked = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    assert [(s.id, s.documents, s.label) for s, _ in chunked] == [(s.id, s.documents, s.label) for s in expected]
    assert chunked == whole
    with Spill() as spill:
        pile, errors = piles._prepare_pile(sources, SETTINGS, None, None, spill)
        features = pile.read()
        assert not errors and sorted(features.ids) == sorted(d.id for d in documents)
        # Clustering orders a day's documents by their content hash, outlet as grouped included.
        in_memory = story_features(documents)  # (content hashes of the documents as grouped)
        in_order = [features.ids[i] for i in features.order()[0]]
        assert in_order == [in_memory.ids[i] for i in in_memory.order()[0]]
        kept = spill.take([d.id for d in documents])  # with their outlets as grouped across chunks
        assert [d.paragraphs for d in kept] == [d.paragraphs for d in documents]
        assert [(d.outlet, d.outlet_evidence) for d in kept] == [(d.outlet, d.outlet_evidence) for d in documents]
        assert spill.take([d.id for d in documents]) == []  # taken once, then let go


def test_streaming_what_a_story_memoised_is_let_go_when_it_is_reconciled(nlp, monkeypatch):
    # The stages memoise what they read of each sentence (words, stems); a pile of many stories must
    # not keep every story's sentences, so the memos are empty once each story is reconciled.
    from crosswire.stages import _memo

    seen = []
    monkeypatch.setattr(piles, "can_stop", lambda: False)  # (the batch analysed here, to be looked at)
    for _ in iter_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp)):
        seen.append(sum(memo.cache_info().currsize for memo in _memo._MEMOS))
    assert len(seen) == 2 and seen == [0, 0]
    assert len(_memo._MEMOS) >= 5  # words, stems, reversed acts, silence; who descriptions name
    words = next(memo for memo in _memo._MEMOS if getattr(memo, "__name__", "") == "words")
    words("a sentence")
    assert words.cache_info().currsize == 1  # they do memoise within a story


def test_streaming_a_file_read_twice_under_a_taken_name_keeps_every_document(tmp_path, nlp):
    # "a.txt" named again after its folder, beside "a-2.txt": the second "a" must not become "a-2",
    # the id of another document (a pile's documents wait in a file by id until their batch).
    text = "The harbour bridge in {} reopened on Monday after six weeks of repairs, the city council said. "
    (tmp_path / "a.txt").write_text(text.format("Tarnholm") * 8)
    (tmp_path / "a-2.txt").write_text(text.format("Velgrad") * 8)
    stories = analyze_stories(
        [str(tmp_path), str(tmp_path / "a.txt")], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1)
    )
    documents = {d.id: d for _, dossier in stories for d in dossier.documents}
    assert sorted(documents) == ["a", "a-2"] and "Velgrad" in documents["a-2"].body
    # ("a" read again is "a-3", alike in every field to "a": read once, and said.)
    said = [e.reason for _, dossier in stories for e in dossier.errors]
    assert said == [f"the same article as {tmp_path / 'a.txt'} (alike in every field): read once"]


def test_streaming_a_pile_is_read_and_sorted_in_processes_of_their_own_into_the_same_stories(
    nlp, monkeypatch, tmp_path
):
    # Reading and sorting a pile holds memory that grows with it; done in processes of their own, it
    # is all handed back before the first story is parsed. The stories are found in a process apart
    # from the reading's, which holds what its cleaning workers share. The spill file they wrote is
    # read here: the stories and dossiers are those of a pile read and sorted in this process.
    from crosswire.analysis import workers

    sources = [str(SAMPLE), str(REFERENCE)]
    notes = str(tmp_path / "pids")
    noted(monkeypatch, piles, "_prepare_pile", notes, lambda: f"read {os.getpid()}")
    noted(monkeypatch, piles, "_find_stories", notes, lambda: f"sort {os.getpid()} {os.getppid()}")
    apart = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    monkeypatch.setattr(workers, "can_stop", lambda: False)  # (run_apart then runs here)
    here = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    steps = [line.split() for line in Path(notes).read_text().splitlines()]
    assert [step[0] for step in steps] == ["read", "sort", "read", "sort"]
    pids = [int(step[1]) for step in steps]
    assert os.getpid() not in pids[:2] and pids[0] != pids[1] and pids[2:] == [os.getpid()] * 2
    assert int(steps[1][2]) == os.getpid()  # (the stories' process forked from this one)
    assert apart == here and len(apart) >= 2


def test_streaming_a_piles_cleaning_workers_share_the_language_model_stories_found_without_it(
    nlp,
    monkeypatch,
    tmp_path,
):
    # Each cleaning worker that loads the language identifier holds its own copy (about 73 MB);
    # forked from a reading process that loaded it first, the workers share that one, and the
    # stories are found (the phase that grows with the pile) in a process that never loaded it.
    from crosswire.stages import _langid

    notes = str(tmp_path / "loaded")

    def state(step: str) -> Callable[[], str]:  # (noted before a page's own cleaning could load it)
        return lambda: f"{step} {os.getppid()} {_langid.loaded()}"

    noted(monkeypatch, pipeline, "_clean_one", notes, state("clean"))
    noted(monkeypatch, piles, "cluster_features", notes, state("stories"))
    _langid.let_go()  # (as in a process that never cleaned a page)
    pipeline.warm_cleaning.cache_clear()
    assert analyze_stories([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp))
    lines = [line.split() for line in Path(notes).read_text().splitlines()]
    # (the reading process's own warm-up page has this process as its parent; the workers', not)
    cleaned = [(parent, loaded) for step, parent, loaded in lines if step == "clean"]
    in_workers = [loaded for parent, loaded in cleaned if int(parent) != os.getpid()]
    assert in_workers and all(loaded == "True" for loaded in in_workers)
    assert [loaded for step, _, loaded in lines if step == "stories"] == ["False"]


def test_streaming_a_piles_cleaning_workers_find_every_date_locale_loaded(
    nlp,
    tmp_path,
    monkeypatch,
):
    # A page whose date htmldate finds no other way is read in every locale of dateparser. Loaded in
    # the reading process before its cleaning workers fork, one copy serves them all (about 36 MB),
    # where each worker loaded its own within its first few hundred pages.
    from dateparser.languages.loader import LocaleDataLoader

    notes = str(tmp_path / "locales")

    def state(step: str) -> Callable[[], str]:  # (noted before a page's own cleaning loads any)
        return lambda: f"{step} {os.getppid()} {len(LocaleDataLoader._loaded_locales)}"

    noted(monkeypatch, pipeline, "_clean_one", notes, state("clean"))
    noted(monkeypatch, piles, "cluster_features", notes, state("stories"))
    monkeypatch.setattr(LocaleDataLoader, "_loaded_locales", {})  # (as in a process that read none)
    pipeline.warm_date_search.cache_clear()
    assert analyze_stories([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp))
    lines = [line.split() for line in Path(notes).read_text().splitlines()]
    # (the reading process's own warm-up page has this process as its parent; the workers', not)
    cleaned = [(int(parent), int(loaded)) for step, parent, loaded in lines if step == "clean"]
    in_workers = [loaded for parent, loaded in cleaned if parent != os.getpid()]
    assert in_workers and min(in_workers) > 100
    # The stories are found in a process that never loaded them.
    assert [int(loaded) for step, _, loaded in lines if step == "stories"] == [0]


def test_streaming_a_piles_cleaning_workers_are_forked_before_its_first_file_is_read(
    nlp,
    tmp_path,
    monkeypatch,
):
    # A worker ends up with a private copy of each page the reading process writes to after the
    # fork. Forked before the first chunk is read, the workers hold no copy of that work.
    from crosswire.analysis import workers
    from crosswire.stages import ingest

    notes = str(tmp_path / "order")
    noted(monkeypatch, workers, "_Child", notes, lambda: f"fork {os.getpid()}")
    noted(monkeypatch, ingest, "_read_file", notes, lambda: f"read {os.getpid()}")
    noted(monkeypatch, ingest, "_list_names", notes, lambda: f"walk {os.getpid()} {os.getppid()}")
    assert analyze_stories([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp))
    steps = [line.split() for line in Path(notes).read_text().splitlines()]
    reading = next(step[1] for step in steps if step[0] == "read")
    order = [step[0] for step in steps if step[1] == reading]
    workers_forked = SETTINGS.workers or os.cpu_count() or 1
    assert order[:workers_forked] == ["fork"] * workers_forked
    assert set(order[workers_forked:]) == {"read"}
    # The folder is walked in a process the reading process started, not in the reading process.
    assert [step[2] for step in steps if step[0] == "walk"] == [reading]


def test_streaming_stories_kept_in_the_spill_come_back_by_number_with_any_ids():
    # The stories found wait in the spill file (this process holds only their sizes): ids that are
    # file names may hold any character.
    stories = [("a", 'b "quoted"'), ("line\\nbreak\nreal",), ("ü-é", "tab\there", "x")]
    with Spill() as spill:
        spill.put_stories(stories)
        assert spill.story_sizes() == [2, 1, 3]
        assert spill.stories(1, 3) == stories[1:] and spill.stories(0, 1) == stories[:1]
    assert piles._story_batches([2, 1, 3, 5, 1], 3) == [(0, 2), (2, 3), (3, 4), (4, 5)]
    assert piles._story_batches([1, 1, 1], 10) == [(0, 3)]
    assert piles._story_batches([1, 2], 0) == [(0, 1), (1, 2)]  # (no empty batch)
    # At most 4 documents a batch: piles of larger stories do not parse larger batches.
    assert piles._story_batches([3, 3, 3], 4) == [(0, 1), (1, 2), (2, 3)]
    assert piles._story_batches([1, 2, 1, 9, 2], 4) == [(0, 3), (3, 4), (4, 5)]


def _fails_on_the_sample(planted: str):  # type: ignore[no-untyped-def]
    """``pipeline.reconcile`` failing on the sample's story: it "raises", or its process "dies", or
    a setting is wrong ("config")."""
    real = pipeline.reconcile

    def reconcile(members, *args, **kwargs):  # type: ignore[no-untyped-def]
        if any(a.document.source.startswith(str(SAMPLE)) for a in members):
            if planted == "dies":
                os._exit(3)  # (the batch's process dies: out of memory, a crash in native code)
            if planted == "config":
                raise ConfigError("planted setting")
            raise RuntimeError("planted failure")
        return real(members, *args, **kwargs)

    return reconcile


@pytest.mark.parametrize(
    ("planted", "batch", "why"),
    [
        ("raises", 1, "planted failure"),
        ("raises", 1000, "planted failure"),  # (the two stories in one batch: the other goes on)
        ("dies", 1, "died (exit code 3)"),
    ],
)
def test_streaming_a_story_whose_analysis_fails_says_why_and_the_pile_goes_on(nlp, monkeypatch, planted, batch, why):
    # A story that cannot be reconciled even leaving each document out, or a batch whose process
    # dies, comes out with a dossier of no documents whose errors name each of its documents; the
    # other stories are analysed as ever (before, the whole pile stopped there).
    sources = [str(SAMPLE), str(REFERENCE)]
    expected = dict(analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp)))
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(pipeline, "reconcile", _fails_on_the_sample(planted))
    stories = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp, batch_documents=batch))
    assert [s for s, _ in stories] == list(expected)  # every story, in order
    failed = [(s, d) for s, d in stories if not d.documents]
    assert len(failed) == 1
    story, dossier = failed[0]
    assert {d.source for d in expected[story].documents} == {e.source for e in dossier.errors}
    assert len(dossier.errors) == len(story.documents) > 1
    assert all(why in e.reason and "bug in crosswire" in e.reason for e in dossier.errors)
    assert [(s, d) for s, d in stories if d.documents] == [(s, d) for s, d in expected.items() if s != story]
    assert set(multiprocessing.active_children()) <= before  # (each batch's process reaped)


def test_streaming_a_wrong_setting_met_while_a_story_is_analysed_still_stops_the_pile(nlp, monkeypatch):
    # Only crosswire's own failures are a story's to report: an error that asks the user to mend
    # something reaches them, as before.
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(pipeline, "reconcile", _fails_on_the_sample("config"))
    with pytest.raises(ConfigError, match="planted setting"):
        analyze_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1000))
    assert set(multiprocessing.active_children()) <= before


def test_streaming_a_pile_left_in_the_middle_of_a_batch_leaves_no_process_behind(nlp, monkeypatch):
    # The batch's stream is closed when the pile is left, not when it happens to be collected (a
    # reference kept here to it would have kept its process running).
    streams = []

    def kept(*args):  # type: ignore[no-untyped-def]
        streams.append(piles_stream_apart(*args))
        return streams[-1]

    piles_stream_apart = piles.stream_apart
    monkeypatch.setattr(piles, "stream_apart", kept)
    before = set(multiprocessing.active_children())
    stories = iter_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1000))
    try:
        story, dossier = next(stories)  # (the second story of the batch not yet taken)
        assert dossier.documents and set(multiprocessing.active_children()) - before  # (the batch's)
        stories.close()
        assert streams[0].gi_frame is None  # (closed with the pile)
        assert set(multiprocessing.active_children()) <= before
    finally:
        for stream in streams:  # (if not: its process would hold this one up as it exits)
            stream.close()
