from __future__ import annotations

import json
import os
import sys
from pathlib import PurePosixPath

import pytest
from conftest import LOOK_ALIKE_IDS, LOOK_ALIKE_NAMES, look_alike_folder, noted
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.analysis import piles
from crosswire.analysis.workers import can_stop
from crosswire.models import RawDocument, Skipped
from crosswire.stages import ingest
from crosswire.stages.ingest import read, unique_ids


def _read(*paths, max_bytes=5_000_000):
    return list(read([str(p) for p in paths], max_bytes))


def test_ingest_reads_text_markdown_html_and_jsonl(tmp_path):
    (tmp_path / "a.txt").write_text("Plain text article.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\n\nBody.", encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><body><p>Hi</p></body></html>", encoding="utf-8")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"text": "Feed text.", "outlet": "Agency", "published": "2025-01-02"}) + "\n", encoding="utf-8"
    )
    items = _read(tmp_path)
    assert [i.format for i in items] == ["text", "markdown", "html", "jsonl"]
    assert items[3].meta_outlet == "Agency" and items[3].meta_published == "2025-01-02"


def test_ingest_reports_bad_files_and_keeps_going(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (tmp_path / "big.txt").write_text("word " * 300, encoding="utf-8")
    (tmp_path / "good.txt").write_text("A fine article.", encoding="utf-8")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    items = _read(tmp_path, tmp_path / "missing.txt", tmp_path / "x.pdf", max_bytes=1000)
    reasons = {i.source.rsplit("/", 1)[-1]: i.reason for i in items if isinstance(i, Skipped)}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "limit" in reasons["big.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert "unsupported" in reasons["x.pdf"]
    assert [i.id for i in items if isinstance(i, RawDocument)] == ["good"]


def test_ingest_jsonl_broken_line_is_reported_and_other_lines_read(tmp_path):
    lines = [
        json.dumps({"text": "First."}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Last."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    items = _read(tmp_path / "feed.jsonl")
    assert [i.text for i in items if isinstance(i, RawDocument)] == ["First.", "Last."]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [s.source.rsplit(":", 1)[-1] for s in skipped] == ["2", "3"]
    assert "not valid JSON" in skipped[0].reason and "no 'text'" in skipped[1].reason


def test_ingest_decodes_windows_1252(tmp_path):
    (tmp_path / "cp.txt").write_bytes("Jos\u00e9 said \u201cno\u201d to the levy, again and again.".encode("cp1252"))
    (item,) = _read(tmp_path / "cp.txt")
    assert "José" in item.text and "“no”" in item.text


def test_ingest_gives_duplicate_stems_unique_ids(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text("Two.", encoding="utf-8")
    assert [i.id for i in _read(tmp_path)] == ["story", "story-2"]


_LOOK_ALIKES = ["a", "a-2", "a-3", "a-2-2", "a-2-3", "b", "b-2", "a-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LOOK_ALIKES), max_size=14))
def test_ingest_each_id_is_its_name_if_free_else_the_first_free_numbered_one(names):
    # What a reader checks: no two documents share an id, and a name keeps its own id when no
    # document read before took it; a repeat gets the first free "-2", "-3", ... in reading order.
    given_ids: list[str] = []
    for name in names:
        expected = name
        number = 2
        while expected in given_ids:
            expected, number = f"{name}-{number}", number + 1
        given_ids.append(expected)
    items = [RawDocument(id=name, source=name, text="x", format="text") for name in names]
    assert [item.id for item in unique_ids(items)] == given_ids


def test_ingest_ids_stay_unique_when_names_repeat_and_look_like_suffixes(tmp_path):
    # Files named like the ids a repeated name is given ("a-2") must not take or lose an id: each
    # repeat goes past every id already given, in reading order.
    items = _read(look_alike_folder(tmp_path))
    assert [i.id for i in items] == LOOK_ALIKE_IDS
    assert [i.text for i in items] == [f"Article {n}." for n in range(len(LOOK_ALIKE_NAMES))]


def test_ingest_reads_parquet_shards(tmp_path):
    pq = __import__("pytest").importorskip("pyarrow.parquet", reason="Parquet needs pyarrow (crosswire[ray])")
    import pyarrow as pa

    table = pa.table({"text": ["First article text.", None], "outlet": ["Agency", "Agency"], "id": ["a1", "a2"]})
    pq.write_table(table, tmp_path / "shard-000.parquet")
    items = _read(tmp_path)
    assert [i.id for i in items if isinstance(i, RawDocument)] == ["a1"]
    assert [i.source.rsplit(":", 1)[-1] for i in items if isinstance(i, Skipped)] == ["2"]


def test_ingest_a_feed_of_no_break_spaces_is_an_empty_file(tmp_path):
    (tmp_path / "blank.jsonl").write_text("\xa0\n\xa0", encoding="utf-8")
    items = list(read([str(tmp_path / "blank.jsonl")]))
    assert len(items) == 1 and isinstance(items[0], Skipped) and "empty" in items[0].reason


def test_ingest_ids_are_unique_across_files_on_disk_and_in_memory(tmp_path):
    from crosswire.analysis.pipeline import read_sources
    from crosswire.models import RawDocument

    (tmp_path / "a.txt").write_text("On disk. " * 20, encoding="utf-8")
    items = list(read_sources([str(tmp_path / "a.txt"), ("a.txt", ("In memory. " * 20).encode())], 5_000_000))
    ids = [item.id for item in items if isinstance(item, RawDocument)]
    assert ids == ["a", "a-2"]


def test_ingest_a_folder_is_read_in_name_order_part_by_part(tmp_path, monkeypatch):
    # A folder's files come in name order as paths compare, part by part: what is inside "b" comes
    # before "b-c.txt" and "b.txt" (as plain strings, "b/z.txt" would come last), from a folder
    # named in full or as "." alike.
    names = ["b.txt", "b-c.txt", "b/z.txt", "a/y/x.txt", "a/y.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"An article kept as {name}, with a few words.", encoding="utf-8")
    in_order = ["a/y/x.txt", "a/y.md", "b/z.txt", "b-c.txt", "b.txt"]
    read_in_full = [item.source for item in read([str(tmp_path)])]
    assert read_in_full == [str(tmp_path / name) for name in in_order]
    monkeypatch.chdir(tmp_path)
    assert [item.source for item in read(["."])] == in_order
    assert [item.id for item in read(["."])] == ["x", "y", "z", "b-c", "b"]


@pytest.mark.skipif(not can_stop(), reason="needs fork (and symbolic links): Linux and macOS")
def test_ingest_a_piles_folder_walked_in_a_process_of_its_own_gives_the_same_names(
    tmp_path,
    monkeypatch,
):
    # Walking a folder leaves memory behind that grows with it; a pile's reading process keeps
    # none of it. The names come back as the walk gives them: odd names, subfolders, in name
    # order, and what could not be walked.
    folder = tmp_path / "pile"
    (folder / "sub").mkdir(parents=True)
    names = ["b.txt", "a.md", "line\nbreak.txt", "tab\there.html", "ü-é.txt", "sub/c.jsonl"]
    for name in names:
        (folder / name).write_text("Some words.")
    (folder / os.fsdecode(b"bad-\xff.txt")).write_text("Some words.")
    (folder / "skipped.pdf").write_text("not read")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    notes = str(tmp_path / "walks")
    noted(monkeypatch, ingest, "_list_names", notes, lambda: f"{os.getpid()} {os.getppid()}")
    files, problems = piles._listed_apart(folder)
    apart = list(files), problems
    files, problems = ingest.folder_names(folder)
    here = list(files), problems
    assert apart == here and len(here[0]) == 7
    assert [p.source for p in here[1]] == [str(folder / "gone.txt")]
    with open(notes) as f:
        walks = [line.split() for line in f]
    assert walks[0] == [walks[0][0], str(os.getpid())] and walks[0][0] != str(os.getpid())
    assert walks[1] == [str(os.getpid()), str(os.getppid())]


def test_ingest_a_folder_is_listed_as_told_and_an_empty_one_says_so(tmp_path):
    (tmp_path / "a.txt").write_text("Some words of an article.")
    asked = []

    def listing(folder):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return iter([str(folder / "a.txt")]), []

    assert [item.id for item in read([str(tmp_path)], listing=listing)] == ["a"]
    assert asked == [tmp_path]
    (tmp_path / "empty").mkdir()
    [skipped] = read([str(tmp_path / "empty")])
    assert isinstance(skipped, Skipped) and "folder has no readable articles" in skipped.reason


@pytest.mark.skipif(os.name == "nt", reason="Windows paths are read by pathlib itself")
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab./ .-", max_size=12))
def test_ingest_a_names_stem_and_suffix_are_as_pathlib_reads_them(name):
    path = PurePosixPath(name)
    assert ingest._file_name(name) == path.name
    assert ingest._stem_and_suffix(name) == (path.stem, path.suffix)


def test_ingest_reading_a_folders_files_interns_none_of_their_names(tmp_path, monkeypatch):
    # pathlib interns every part of a path it parses (Python 3.11); a pile's reading process reading
    # 100,000 differently named files churned the table of interned strings until it was made anew.
    names = [f"report-{n}-unlike-any-other.txt" for n in range(5)]
    for name in names:
        (tmp_path / name).write_text("Some words of an article.")
    interned: list[str] = []
    intern = sys.intern
    monkeypatch.setattr(sys, "intern", lambda text: interned.append(text) or intern(text))
    paths = [os.path.join(tmp_path, name) for name in names]  # (pathlib's would intern them)
    listing = lambda folder: (iter(paths), [])  # noqa: E731
    assert [item.id for item in read([str(tmp_path)], listing=listing)] == [n[:-4] for n in names]
    assert not [text for text in interned if "unlike-any-other" in text]
