"""Stories that evolve: add documents, keep versions, diff them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REFERENCE, ROOT, SAMPLE, SETTINGS

from crosswire import cli
from crosswire.errors import InputError
from crosswire.models import Claim
from crosswire.output.json import from_dict
from crosswire.stories import service
from crosswire.stories.diff import diff
from crosswire.stories.service import add_to_story, collect_files
from crosswire.stories.store import open_store

# Publication order: the breaking rewrite first, the 27 June article last.
ORDER = ["003_", "004_", "000_", "001_", "002_"]


def test_stories_adding_the_same_document_twice_changes_nothing(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    files, errors = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    assert not errors
    first = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    again = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    assert first.version == 1 and again.version is None
    assert [v.number for v in store.versions("levy")] == [1]


def test_stories_rerun_completes_an_add_killed_before_its_version(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    first, _ = collect_files([str(SAMPLE / "breaking.txt")], SETTINGS.max_file_bytes)
    assert add_to_story(store, "levy", first, SETTINGS, nlp=nlp).version == 1
    later, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    store.add_documents("levy", later)  # how far an add killed during its analysis got
    rerun = add_to_story(store, "levy", later, SETTINGS, nlp=nlp)
    assert (rerun.version, rerun.added, rerun.resumed) == (2, (), ("wire_report.txt",))
    assert store.unanalysed("levy") == []
    assert {d["source"] for d in store.version("levy")["documents"]} == {"levy/breaking.txt", "levy/wire_report.txt"}
    assert add_to_story(store, "levy", later, SETTINGS, nlp=nlp).version is None


def test_stories_rerun_completes_a_first_add_killed_before_any_version(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "breaking.txt"), str(SAMPLE / "opinion.txt")], SETTINGS.max_file_bytes)
    store.add_documents("levy", files)
    rerun = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    assert (rerun.version, rerun.resumed) == (1, ("breaking.txt", "opinion.txt"))
    assert store.unanalysed("levy") == []


def test_stories_a_desk_hands_memory_back_once_each_version_is_saved(tmp_path, nlp, monkeypatch):
    # A desk's process stays up all day: what an add's analysis freed goes back to the system, not
    # kept by the C heap until the next add (or for good).
    from crosswire.stories import service

    store = open_store(tmp_path / "s.db")
    events: list[str] = []
    saving = store.save_version

    def save_version(*args, **kwargs):  # type: ignore[no-untyped-def]
        events.append("saved")
        return saving(*args, **kwargs)

    monkeypatch.setattr(store, "save_version", save_version)
    monkeypatch.setattr(service, "hand_back", lambda: events.append("handed back"))
    files, _ = collect_files([str(SAMPLE / "breaking.txt"), str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    service.remove_from_story(store, "levy", ["breaking.txt"], SETTINGS, nlp=nlp)
    assert events == ["saved", "handed back", "saved", "handed back"]


def test_stories_a_desk_cleans_in_workers_forked_warm(tmp_path, nlp, monkeypatch):
    # Each add cleans its new files in a worker forked from the desk's process: the desk loads the
    # language identifier and the date reader itself, once, so that no worker loads them again.
    from crosswire.analysis import pipeline
    from crosswire.stages import _langid

    _langid.let_go()  # (as in a process that never cleaned a page)
    pipeline.warm_cleaning.cache_clear()
    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    assert _langid.loaded()
    assert [d["language"] for d in store.version("levy")["documents"]] == ["en"]
    # The page it warms up on is read to a date and a language: both readers are loaded.
    page = pipeline._clean_one(pipeline._WARM_UP_PAGE, SETTINGS.comment_min_paragraphs)
    assert (page.published.date, page.language) == ("2023-06-05", "en")


def test_stories_a_desk_collects_young_garbage_less_often(tmp_path, nlp, monkeypatch):
    # An add rebuilds a story whose objects outlive it: young collections are further apart there
    # than in other analyses, and the process's own setting is back after it.
    import gc

    from crosswire.stories import service

    seen: list[int] = []
    analyzing = service._analyze_documents

    def analyze_documents(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold()[0])
        return analyzing(*args, **kwargs)

    monkeypatch.setattr(service, "_analyze_documents", analyze_documents)
    before = gc.get_threshold()
    store = open_store(tmp_path / "s.db")
    names = [str(SAMPLE / "breaking.txt"), str(SAMPLE / "wire_report.txt")]
    files, _ = collect_files(names, SETTINGS.max_file_bytes)
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    service.remove_from_story(store, "levy", ["breaking.txt"], SETTINGS, nlp=nlp)
    assert seen == [service.DESK_YOUNG, service.DESK_YOUNG]
    assert gc.get_threshold() == before


def test_stories_a_desk_keeps_its_story_out_of_the_collectors_sight(tmp_path, nlp, monkeypatch):
    # What an add made is kept out of the garbage collector's walks; garbage in reference cycles
    # among what is kept is freed every THAW_ADDS adds, and when another story is analysed.
    import gc
    import weakref

    from crosswire.analysis.collector import keep_for_good
    from crosswire.stories import service

    class Node:
        other: object = None

    def dropped_cycle() -> weakref.ref:  # type: ignore[type-arg]
        a, b = Node(), Node()
        a.other, b.other = b, a
        return weakref.ref(a)

    monkeypatch.setattr(service, "THAW_ADDS", 2)
    monkeypatch.setattr(service, "_adds_kept", 0)
    store = open_store(tmp_path / "s.db")
    wire, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    breaking, _ = collect_files([str(SAMPLE / "breaking.txt")], SETTINGS.max_file_bytes)
    try:
        add_to_story(store, "levy", wire, SETTINGS, nlp=nlp)  # the 1st add
        assert gc.get_freeze_count() > 0
        cycle = dropped_cycle()
        keep_for_good()  # (as an add ends: the cycle is kept, collections do not reach it)
        gc.collect()
        assert cycle() is not None
        add_to_story(store, "levy", breaking, SETTINGS, nlp=nlp)  # the 2nd: the kept, collected
        assert cycle() is None
        cycle = dropped_cycle()
        keep_for_good()
        add_to_story(store, "other", wire, SETTINGS, nlp=nlp)  # the 3rd, another story: collected
        assert cycle() is None
    finally:
        gc.unfreeze()


def test_stories_add_of_nothing_stores_nothing(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    assert add_to_story(store, "levy", [], SETTINGS, nlp=nlp).version is None
    assert store.stories() == []


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_stories_reference_in_publication_order_supersedes_the_warrant(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    paths = sorted(REFERENCE.glob("*.txt"), key=lambda p: ORDER.index(p.name[:4]))
    for path in paths:
        add_to_story(store, "wagner", [(path.name, path.read_bytes())], SETTINGS, nlp=nlp)
    versions = [store.version("wagner", n) for n in range(1, 6)]

    def warrant(dossier):
        return next(c for c in dossier["claims"] if "An arrest warrant has been issued" in c["text"])

    assert warrant(versions[0])["status"] != "superseded"
    assert warrant(versions[-1])["status"] == "superseded"
    dossiers = [from_dict(v) for v in versions]
    changes = [diff(a, b) for a, b in zip(dossiers, dossiers[1:], strict=False)]
    moved = [s for change in changes for s in change.status_changes if "arrest warrant" in s.text]
    assert moved and moved[0].after == "superseded"
    assert any(k.kind == "supersession" for change in changes for k in change.new_conflicts)


def _anchors(section: str, item: dict) -> tuple:
    """What an item's id is made from, as a reader would find the item again in the next version
    (its content may have grown): a conflict's kind and cited sentences, an event's first mention, a
    timeline entry's date and claim (or sentence), a quote's words."""
    if section == "conflicts":
        cited = frozenset((m["doc"], m["sentence"], *m["span"].values()) for m in item["evidence"])
        return item["kind"], cited
    if section == "events":
        first = item["mentions"][0]
        return first["doc"], first["sentence"], first["start"]
    if section == "timeline":
        first = item["evidence"][0]
        where = tuple(item["claims"]) or (first["doc"], first["sentence"])
        return item["date"], item["precision"], where
    return (" ".join(item["text"].lower().split()),)


@pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason="reference corpus ../shared/corpus/wagner-2023 not present",
)
def test_stories_ids_hold_when_an_earlier_article_arrives(tmp_path, nlp):
    # Added latest first: each article is placed before every one already stored, which renumbered
    # every conflict, event, timeline entry and quote numbered by rank after it ("t3" became "t7").
    store = open_store(tmp_path / "s.db")
    latest_first = sorted(REFERENCE.glob("*.txt"), key=lambda p: ORDER.index(p.name[:4]))[::-1]
    for path in latest_first:
        add_to_story(store, "wagner", [(path.name, path.read_bytes())], SETTINGS, nlp=nlp)
    versions = [store.version("wagner", n) for n in range(1, 6)]
    kept = dict.fromkeys(("conflicts", "events", "timeline", "quotes"), 0)
    for before, after in zip(versions, versions[1:], strict=False):
        for section in kept:
            ids = [item["id"] for item in after[section]]
            assert len(ids) == len(set(ids)), section
            old = {_anchors(section, item): item["id"] for item in before[section]}
            new = {_anchors(section, item): item["id"] for item in after[section]}
            same = old.keys() & new.keys()  # found again, whatever else it gained or lost
            assert {k: old[k] for k in same} == {k: new[k] for k in same}, section
            kept[section] += len(same)
    # Enough found again to show it (over the four adds, in one run: 6 conflicts, 2 events, 102
    # timeline entries, 123 quotes; with ids by rank, the timeline's failed at the first add).
    assert kept["timeline"] >= 20 and kept["quotes"] >= 10, kept
    assert kept["conflicts"] >= 1 and kept["events"] >= 1, kept


def test_stories_diff_tells_apart_two_claims_of_one_sentence(sample_dossier):
    # A sentence can carry several claims (one a clause): a claim whose status stayed must not be
    # reported as moved because another claim of its sentence has another status.
    said = next(c.mentions[0] for c in sample_dossier.claims if len(c.mentions[0].text) > 40)
    cut = len(said.text) // 2
    first = replace(said, start=0, end=cut)
    second = replace(said, start=cut + 1, end=len(said.text))

    def version(*claims: Claim):
        return replace(sample_dossier, claims=claims, conflicts=())

    a = Claim("c-a", first.text[:cut], (first,), 1, None, "single_source")
    b = Claim("c-b", second.text[cut + 1 :], (second,), 1, None, "disputed")
    before = version(a, b)
    assert diff(before, version(a, b)).status_changes == ()
    moved = diff(before, version(a, replace(b, status="superseded"))).status_changes
    assert [(s.claim, s.before, s.after) for s in moved] == [("c-b", "disputed", "superseded")]
    assert diff(before, version(a, b)).new_claims == ()


def test_stories_diff_reads_spans_written_otherwise_by_their_sentences(sample_dossier):
    # A version stored before claims had spans (each mention the whole sentence, end -1) against
    # one with them: the same claims and conflicts, not all of them new (nor every conflict gone).
    def whole(m):  # type: ignore[no-untyped-def]
        return replace(m, start=0, end=-1)

    now = sample_dossier
    claims = tuple(replace(c, mentions=tuple(map(whole, c.mentions))) for c in now.claims)
    conflicts = tuple(replace(k, evidence=tuple(map(whole, k.evidence))) for k in now.conflicts)
    older = replace(now, claims=claims, conflicts=conflicts)
    change = diff(older, sample_dossier)
    assert sample_dossier.conflicts and change.new_claims == ()
    assert change.new_conflicts == () and change.gone_conflicts == ()


def test_stories_cli_add_and_diff(tmp_path, capsys, monkeypatch, nlp):
    import crosswire.analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    db = str(tmp_path / "c.db")
    assert cli.main(["add", str(SAMPLE / "breaking.txt"), "--story", "levy", "--db", db, "--quiet"]) == 0
    feed = Path(SAMPLE / "feed.jsonl")
    assert cli.main(["add", str(feed), "--story", "levy", "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["diff", "--story", "levy", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "version 1 -> 2" in out and "superseded" in out
    assert cli.main(["diff", "--story", "nope", "--db", db]) == 2


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_stories_add_without_a_story_sorts_files_into_stories(tmp_path, nlp):
    from crosswire.stories.service import add_to_pile

    store = open_store(tmp_path / "s.db")
    wagner = sorted(REFERENCE.glob("*.txt"))
    add_to_story(store, "wagner", [(p.name, p.read_bytes()) for p in wagner[:3]], SETTINGS, nlp=nlp)
    later = [(p.name, p.read_bytes()) for p in wagner[3:]]
    later += [(p.name, p.read_bytes()) for p in sorted(SAMPLE.iterdir()) if p.suffix in (".txt", ".md", ".html")]
    results, errors = add_to_pile(store, later, SETTINGS, nlp=nlp)
    names = {r.story for r in results}
    assert "wagner" in names and len(names) == 2 and not errors
    stored = {info.name: info.documents for info in store.stories()}
    assert stored["wagner"] == 5


def test_stories_add_without_a_story_keeps_files_with_odd_names(tmp_path, nlp):
    from crosswire.stories.service import add_to_pile

    store = open_store(tmp_path / "s.db")
    text = (SAMPLE / "wire_report.txt").read_bytes()
    files = [
        ("10:30 update.txt", text),
        ("new\nline.txt", (SAMPLE / "breaking.txt").read_bytes()),
        ("empty.txt", b"   "),
    ]
    results, errors = add_to_pile(store, files, SETTINGS, nlp=nlp)
    stored = sorted(d.name for info in store.stories() for d in store.documents(info.name))
    assert stored == sorted(["10:30 update.txt", "new\nline.txt"])
    assert [e.source for e in errors] == ["empty.txt"] and "empty" in errors[0].reason
    assert all(r.version for r in results)


@pytest.mark.parametrize("name", ["", "   ", ".", "..", "line\nbreak", "x" * 201])
def test_stories_refuses_names_a_browser_could_not_open(tmp_path, name):
    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    with pytest.raises(InputError, match="printable characters"):
        add_to_story(store, name, files, SETTINGS)
    assert store.stories() == []


def test_stories_collect_files_refuses_what_ingest_refuses(tmp_path):
    (tmp_path / "ok.txt").write_text("A short article about the harbour.\n", encoding="utf-8")
    with (tmp_path / "huge.txt").open("wb") as big:
        big.truncate(200_000_000)  # sparse: refused by its size, never read
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    files, errors = collect_files([str(tmp_path), str(tmp_path / "notes.pdf")], 1_000_000)
    assert [name for name, _ in files] == ["ok.txt"]
    reasons = {Path(e.source).name: e.reason for e in errors}
    assert "over the 1,000,000-byte limit" in reasons["huge.txt"]
    assert "unsupported file type" in reasons["notes.pdf"]
    assert any("loop" in source for source in reasons)


def test_stories_add_without_a_story_puts_a_file_saved_again_with_what_it_copies(tmp_path, nlp):
    # A file alike in every field to a stored article goes to that article's story (copies are
    # kept while stories are found), where it is read once: said, and no failure.
    from crosswire.stories.service import add_to_pile

    store = open_store(tmp_path / "s.db")
    text = (SAMPLE / "wire_report.txt").read_bytes()
    add_to_story(store, "harbour", [("wire_report.txt", text)], SETTINGS, nlp=nlp)
    [result], errors = add_to_pile(store, [("saved again.txt", text + b"\n")], SETTINGS, nlp=nlp)
    assert not errors and (result.story, result.added) == ("harbour", ("saved again.txt",))
    said = [(e.source, e.failed) for e in result.said()]
    assert said == [("harbour/saved again.txt", False)]
    documents = store.version("harbour")["documents"]
    assert [d["source"] for d in documents] == ["harbour/wire_report.txt"]


def test_stories_an_add_says_the_copies_of_its_own_files_once(tmp_path, nlp):
    # A copy read once is said by the add that brought it, and not again by later adds; an article
    # taken out and added again is read first again (the first stored), and that add says the
    # copy it now leaves out.
    from crosswire.stories.service import remove_from_story

    store = open_store(tmp_path / "s.db")
    text = (SAMPLE / "wire_report.txt").read_bytes()
    add_to_story(store, "port", [("wire.txt", text)], SETTINGS, nlp=nlp)
    copied = add_to_story(store, "port", [("copy.txt", text + b"\n")], SETTINGS, nlp=nlp)
    assert [e.source for e in copied.said()] == ["port/copy.txt"]
    breaking = [("breaking.txt", (SAMPLE / "breaking.txt").read_bytes())]
    later = add_to_story(store, "port", breaking, SETTINGS, nlp=nlp)
    assert later.said() == () and [e.source for e in later.errors] == ["port/copy.txt"]
    remove_from_story(store, "port", ["wire.txt"], SETTINGS, nlp=nlp)  # (the copy is read now)
    back = add_to_story(store, "port", [("wire.txt", text)], SETTINGS, nlp=nlp)
    assert [e.source for e in back.said()] == ["port/copy.txt"]
    assert "the same article as port/wire.txt" in back.said()[0].reason


def test_stories_a_desk_keeps_what_each_version_changed(tmp_path, nlp):
    # Each version a desk stores carries what it changed since the one before (what the versions
    # page shows): the same as comparing the two stored versions afresh.
    from crosswire.stories.diff import VersionChanges

    store = open_store(tmp_path / "s.db")
    for name in ("breaking.txt", "wire_report.txt", "opinion.txt"):
        files, _ = collect_files([str(SAMPLE / name)], SETTINGS.max_file_bytes)
        add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    kept = store.changes("levy")
    assert sorted(kept) == [1, 2, 3]
    before = None
    for number in (1, 2, 3):
        after = from_dict(store.version("levy", number), f"v{number}")
        assert VersionChanges.from_dict(kept[number]) == VersionChanges.of(diff(before, after))
        before = after
    assert VersionChanges.from_dict(kept[3]).new_claims > 0

    # Another store's story of the same name, its version 3 stored by another process: this
    # process's version 3 of "levy" is not the one it adds to, so no changes are kept.
    other = open_store(tmp_path / "other.db")
    for _ in range(3):
        other.save_version("levy", store.version("levy", 1) or {})
    files, _ = collect_files([str(SAMPLE / "live_blog.md")], SETTINGS.max_file_bytes)
    assert add_to_story(other, "levy", files, SETTINGS, nlp=nlp).version == 4
    assert 4 not in other.changes("levy")
    # A process that keeps stories open reads the latest version back instead (the web app and
    # `crosswire watch` do, at their first add to a story): the changes are kept, against it.
    files, _ = collect_files([str(SAMPLE / "feed.jsonl")], SETTINGS.max_file_bytes)
    last = from_dict(other.version("levy", 4), "v4")
    result = add_to_story(other, "levy", files, SETTINGS, nlp=nlp, read_back=True)
    assert result.version == 5
    assert result.dossier is not None
    kept = VersionChanges.from_dict(other.changes("levy")[5])
    assert kept == VersionChanges.of(diff(last, result.dossier))
    # A story's first version in a third store: against nothing, whatever this process stored.
    third = open_store(tmp_path / "third.db")
    add_to_story(third, "levy", files, SETTINGS, nlp=nlp)
    assert VersionChanges.from_dict(third.changes("levy")[1]).new_claims > 0


def test_stories_a_desk_lets_go_of_a_document_taken_out(tmp_path, nlp):
    # `crosswire remove` takes out a document (often one too large, or one that breaks the
    # analysis): a desk that goes on adding must not keep its parse and readings in its memos.
    import gc

    from crosswire.models import Document

    store = open_store(tmp_path / "s.db")
    names = ("breaking.txt", "wire_report.txt", "opinion.txt")
    files, _ = collect_files([str(SAMPLE / name) for name in names], SETTINGS.max_file_bytes)
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    service.remove_from_story(store, "levy", ["wire_report.txt"], SETTINGS, nlp=nlp)
    more, _ = collect_files([str(SAMPLE / "live_blog.md")], SETTINGS.max_file_bytes)
    add_to_story(store, "levy", more, SETTINGS, nlp=nlp)
    gc.unfreeze()  # (what a desk keeps is out of the collector's sight: back in it, to be seen)
    gc.collect()
    taken_out = "levy/wire_report.txt"
    assert [o for o in gc.get_objects() if isinstance(o, Document) and o.source == taken_out] == []


def test_stories_a_desk_holds_one_storys_parses(tmp_path, nlp):
    # A desk (the web app) that moves on to another story lets go of what it read back of the
    # last one, French parses too (read under another pipeline's version).
    import gc

    from crosswire.models import Annotated

    store = open_store(tmp_path / "s.db")
    french_file = ROOT / "tests" / "data" / "languages" / "orlevo_fr.txt"
    french = (french_file.name, french_file.read_bytes())
    english, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    add_to_story(store, "a", [french, *english], SETTINGS, nlp=nlp)
    other, _ = collect_files([str(SAMPLE / "breaking.txt")], SETTINGS.max_file_bytes)
    add_to_story(store, "b", other, SETTINGS, nlp=nlp)
    gc.unfreeze()  # (what a desk keeps is out of the collector's sight: back in it, to be seen)
    gc.collect()
    held = [o for o in gc.get_objects() if isinstance(o, Annotated)]
    assert [a.document.source for a in held if a.document.source.startswith("a/")] == []


def test_stories_an_add_that_another_add_overtook_hands_back_no_dossier(tmp_path, nlp, monkeypatch):
    # Another add saved an analysis of more documents first: this add stores nothing, and the
    # number it gives back is that version's. Its dossier is not that version, so it is not
    # handed back as if it were (the web app would draw that version's page from it).
    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "breaking.txt")], SETTINGS.max_file_bytes)
    saving = store.save_version

    def overtaken(story, dossier, *args, **kwargs):  # type: ignore[no-untyped-def]
        saving(story, {"documents": []}, covers=10**9)  # (what another add saved meanwhile)
        return saving(story, dossier, *args, **kwargs)

    monkeypatch.setattr(store, "save_version", overtaken)
    result = add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    assert result.version == 1 and result.dossier is None
    assert store.version("levy") == {"documents": []}


def test_stories_a_version_read_back_is_what_the_next_add_compares_with(tmp_path, nlp, monkeypatch):
    # `crosswire watch` reads the story's latest version at start, to say what its first add
    # changes; that add keeps its changes against it without reading it back a second time.
    from crosswire.stories.diff import VersionChanges

    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "breaking.txt")], SETTINGS.max_file_bytes)
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    monkeypatch.setattr(service, "_last_saved", None)  # (as in a process started afresh)
    monkeypatch.setattr(service, "_memos_of", None)
    before = service.latest_dossier(store, "levy")
    assert before is not None
    reading = store.version
    read: list[int | None] = []

    def version(story, number=None):  # type: ignore[no-untyped-def]
        read.append(number)
        return reading(story, number)

    monkeypatch.setattr(store, "version", version)
    more, _ = collect_files([str(SAMPLE / "wire_report.txt")], SETTINGS.max_file_bytes)
    result = add_to_story(store, "levy", more, SETTINGS, nlp=nlp, read_back=True)
    assert read == [] and result.dossier is not None
    kept = VersionChanges.from_dict(store.changes("levy")[2])
    assert kept == VersionChanges.of(diff(before, result.dossier))


def test_stories_a_binary_file_is_not_stored_by_an_add(tmp_path):
    # `crosswire add junk.txt` stored the file, made a version equal to the last, and every later
    # add said it failed again; an upload was already refused this way.
    junk, spaces, packed = tmp_path / "junk.txt", tmp_path / "spaces.md", tmp_path / "notes.txt.gz"
    junk.write_bytes(bytes(range(256)) * 40)
    spaces.write_bytes(b" \n\t\n")
    packed.write_bytes(b"\x1f\x8b\x08 and the rest")
    names = [str(junk), str(spaces), str(packed), str(SAMPLE / "breaking.txt")]
    files, errors = collect_files(names, 1_000_000)
    assert [name for name, _ in files] == ["breaking.txt"]
    stored = "; not stored"
    assert [(e.source, e.reason) for e in errors] == [
        (str(junk), "looks binary, not a .txt text file; not stored"),
        (str(spaces), "the file is empty (or white space only); not stored"),
        (str(packed), "a .gz file is read only as a web archive (.warc.gz); unpack it first" + stored),
    ]


def test_stories_a_stored_file_still_failing_is_said_in_a_line(tmp_path, capsys, monkeypatch, nlp):
    # Each later add printed every earlier failure again and exited 1, though its own files were
    # fine; now it names them in one line with how to take one out, and exits 0.
    import crosswire.analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    short = tmp_path / "short.txt"
    short.write_text("Ferry late.", encoding="utf-8")
    db = str(tmp_path / "c d.db")
    first = [str(short), str(SAMPLE / "breaking.txt")]
    assert cli.main(["add", *first, "--story", "levy", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "added 2 document(s) (short.txt, breaking.txt)" in err
    assert "skipped levy/short.txt: only 2 words" in err
    assert cli.main(["add", str(SAMPLE / "wire_report.txt"), "--story", "levy", "--db", db]) == 0
    err = capsys.readouterr().err
    assert "skipped" not in err and "added 1 document(s) (wire_report.txt)" in err
    remove = f"`crosswire remove NAME --story=levy --db '{db}'` takes one out"
    assert f"  still failing, stored earlier: short.txt; {remove}" in err.splitlines()
    assert cli.main(["remove", "short.txt", "--story", "levy", "--db", db]) == 0
    assert "still failing" not in capsys.readouterr().err


def test_stories_add_without_a_story_puts_a_web_archive_with_its_story(tmp_path, nlp):
    # A stored .warc.gz was read as ".gz" when files were sorted into stories: its pages were not
    # compared with, and a new .warc.gz was refused ("unpack it first").
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from crosswire.stories.service import add_to_pile

    def archive(name: str) -> bytes:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        paragraphs = (SAMPLE / name).read_text(encoding="utf-8").split("\n\n")
        page = "".join(f"<p>{p}</p>" for p in paragraphs)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = io.BytesIO(f"<html><body>{page}</body></html>".encode())
        url = "https://coast.example/"
        record = writer.create_warc_record(url, "response", payload=body, http_headers=headers)
        writer.write_record(record)
        return buffer.getvalue()

    store = open_store(tmp_path / "s.db")
    stored = [("wire.warc.gz", archive("wire_report.txt"))]
    add_to_story(store, "harbour", stored, SETTINGS, nlp=nlp)
    later = [("breaking.warc.gz", archive("breaking.txt"))]
    [result], errors = add_to_pile(store, later, SETTINGS, nlp=nlp)
    assert not errors and (result.story, result.added) == ("harbour", ("breaking.warc.gz",))


def test_stories_diff_says_the_documents_taken_out_and_the_claims_gone_with_them(tmp_path, nlp):
    from crosswire.stories.diff import VersionChanges, describe
    from crosswire.stories.service import remove_from_story

    store = open_store(tmp_path / "s.db")
    files, _ = collect_files([str(SAMPLE / "breaking.txt"), str(SAMPLE / "wire_report.txt")], 10**6)
    before = add_to_story(store, "levy", files, SETTINGS, nlp=nlp).dossier
    after = remove_from_story(store, "levy", ["breaking.txt"], SETTINGS, nlp=nlp).dossier
    assert before is not None and after is not None
    change = diff(before, after)
    assert change.gone_documents == ("breaking.txt",) and not change.empty
    gone = {c.id for c in change.gone_claims}
    assert gone and {m.doc for c in change.gone_claims for m in c.mentions} == {"breaking"}
    lines = describe(change)
    assert "documents taken out: breaking.txt" in lines
    assert f"claims no longer found: {len(gone)}" in lines
    kept = VersionChanges.of(change)
    assert VersionChanges.from_dict(kept.to_dict()) == kept and kept.gone_claims == len(gone)
    # What a version kept before these fields existed reads as none taken out.
    older = {k: v for k, v in kept.to_dict().items() if k not in ("gone_documents", "gone_claims")}
    assert VersionChanges.from_dict(older).gone_documents == ()


def test_stories_a_document_taken_out_and_added_again_after_the_newest_was_taken_out(tmp_path, nlp):
    # The add of a document taken out earlier (its old id) after the story's newest document was
    # taken out looked older than the removal's version: it was not saved, named that version, and
    # left the document stored but in no version, with nothing pending to repair it.
    from crosswire.stories.service import remove_from_story

    store = open_store(tmp_path / "s.db")
    files = {p.name: (p.name, p.read_bytes()) for p in SAMPLE.iterdir()}
    for name in ("breaking.txt", "wire_report.txt", "opinion.txt"):
        add_to_story(store, "levy", [files[name]], SETTINGS, nlp=nlp)
    remove_from_story(store, "levy", ["wire_report.txt"], SETTINGS, nlp=nlp)
    removal = remove_from_story(store, "levy", ["opinion.txt"], SETTINGS, nlp=nlp)
    back = add_to_story(store, "levy", [files["wire_report.txt"]], SETTINGS, nlp=nlp)
    assert back.version == removal.version + 1 and back.dossier is not None
    stored = {f"levy/{d.name}" for d in store.documents("levy")}
    assert {d["source"] for d in store.version("levy")["documents"]} == stored
    assert len(stored) == 2 and not store.unanalysed("levy")


def test_stories_diff_knows_a_document_whose_id_moved(tmp_path, nlp):
    # Ids are made from the story's file names: notes.txt is "notes" until notes.md is stored. The
    # diff matched by id, and said notes.txt's claims were new (and, the other way, gone).
    store = open_store(tmp_path / "s.db")
    wire = ("notes.txt", (SAMPLE / "wire_report.txt").read_bytes())
    first = add_to_story(store, "levy", [wire], SETTINGS, nlp=nlp).dossier
    breaking = ("notes.md", (SAMPLE / "breaking.txt").read_bytes())
    later = add_to_story(store, "levy", [breaking], SETTINGS, nlp=nlp).dossier
    assert first is not None and later is not None
    ids = {d.source: d.id for d in first.documents}, {d.source: d.id for d in later.documents}
    assert ids[0]["levy/notes.txt"] != ids[1]["levy/notes.txt"]  # (the id moved)
    change = diff(first, later)
    assert change.new_documents == ("notes.md",) and change.gone_documents == ()
    assert not change.gone_claims
    moved = ids[1]["levy/notes.txt"]
    assert not [c for c in change.new_claims if all(m.doc == moved for m in c.mentions)]
