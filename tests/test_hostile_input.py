"""Hostile input never stops a batch: each bad file becomes a Skipped with a reason, within a time budget.

Property tests feed any bytes and any text through ingest and clean; explicit tests cover the cases of
the hostile-input issue (random bytes, broken encodings, huge files and lines, deep HTML, broken JSON
lines, empty files, 10,000 tiny files, symbolic link loops, odd file names). The long fuzz loop is
benchmarks/fuzz_ingest.py.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SETTINGS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswire.analysis.pipeline import analyze, prepare
from crosswire.errors import InputError
from crosswire.models import Document, RawDocument, Skipped
from crosswire.output.json import to_dict
from crosswire.stages.clean import MAX_PARAGRAPH_CHARS, clean
from crosswire.stages.facts import document_facts
from crosswire.stages.ingest import list_files, read

SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".parquet"]
# The per-document budget: what one hostile input may cost in ingest + clean (measured on 2 shared cores;
# the fuzz benchmark records the real maxima, which are far lower).
BUDGET_SECONDS = 10.0
BUDGET_MB = 300
ARTICLE = (
    "Officials in the capital said on Monday that the bridge would reopen next week after repairs.\n\n"
    "The transport minister told reporters the work had cost more than expected, and that a review "
    "would follow once traffic was moving again.\n"
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _prepare(*paths: Path | str, settings=SETTINGS) -> tuple[list[Document], list[Skipped]]:
    return prepare([str(p) for p in paths], settings, None, {})


def _budgeted(*paths: Path | str, settings=SETTINGS) -> tuple[list[Document], list[Skipped]]:
    """Ingest and clean within the per-document time and memory budget."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = _prepare(*paths, settings=settings)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_SECONDS, f"took {elapsed:.1f} s"
    assert peak < BUDGET_MB, f"peak {peak:.0f} MB"
    return result


def _assert_readable(skipped: Skipped) -> None:
    """A reason a user understands: a sentence of words, on one line, naming something, no traceback."""
    # ("copy": a record alike in every field to another, read once)
    assert skipped.stage in ("ingest", "clean", "copy")
    for text in (skipped.source, skipped.reason):
        assert text.isprintable(), repr(text)
        text.encode("utf-8")  # no lone surrogates: the dossier must be writable
    assert len(skipped.reason.split()) >= 3 and "Traceback" not in skipped.reason
    assert "could not be cleaned" not in skipped.reason, f"an unexpected error escaped clean: {skipped.reason}"


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    if name.endswith(".parquet") and data.startswith(b"{"):
        pq = pytest.importorskip("pyarrow.parquet", reason="Parquet needs pyarrow")
        import pyarrow as pa

        try:
            rows = [json.loads(line) for line in data.splitlines()]
            pq.write_table(pa.Table.from_pylist(rows), path)
            return path
        except (ValueError, TypeError, AttributeError, pa.ArrowException):
            pass  # not JSON rows pyarrow can tabulate: the raw bytes are the hostile input
    path.write_bytes(data)
    return path


def _check_outcome(paths: list[Path]) -> tuple[list[Document], list[Skipped]]:
    documents, errors = _prepare(*paths)
    assert all(isinstance(d, Document) for d in documents)
    for error in errors:
        _assert_readable(error)
    assert documents or errors, "every input gives a document or a reason"
    return documents, errors


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_hostile_any_bytes_give_a_document_or_a_readable_reason(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        _check_outcome([_write(Path(folder), "input" + suffix, data)])


@FUZZ
@given(
    text=st.text(st.one_of(st.characters(), st.sampled_from(list('*_[]()#-\n "“”‘’.:/<>!?@ hIi1'))), max_size=3000),
    suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]),
)
def test_hostile_any_text_gives_a_document_or_a_readable_reason(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("input" + suffix)
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _check_outcome([path])


_JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=300), st.lists(st.text(max_size=20)))
_RECORD = st.dictionaries(
    st.sampled_from(["text", "html", "title", "author", "byline", "id", "published", "outlet", "url", "other"]),
    _JSON_VALUE,
)


@FUZZ
@given(
    records=st.lists(st.one_of(_RECORD, _JSON_VALUE), min_size=1, max_size=5),
    suffix=st.sampled_from([".jsonl", ".parquet"]),
)
def test_hostile_any_feed_records_give_documents_or_readable_reasons(records, suffix):
    if suffix == ".parquet":
        records = [r for r in records if isinstance(r, dict) and r and all(isinstance(v, str) for v in r.values())]
        if not records:
            return
    with tempfile.TemporaryDirectory() as folder:
        data = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
        _check_outcome([_write(Path(folder), "feed" + suffix, data)])


@FUZZ
@given(
    text=st.text(st.one_of(st.characters(), st.sampled_from(list('*_[]()#\n "“.<>'))), max_size=3000),
    fmt=st.sampled_from(["text", "markdown", "html", "jsonl"]),
)
def test_hostile_clean_and_facts_raise_only_input_error(text, fmt):
    raw = RawDocument(id="t", source="t", text=text, format=fmt, html=text if fmt == "html" else None)
    try:
        document_facts(clean(raw))
    except InputError as exc:
        _assert_readable(Skipped(exc.source, "clean", exc.reason))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_hostile_random_bytes_are_skipped_as_binary(tmp_path, suffix):
    path = _write(tmp_path, "noise" + suffix, random.Random(0).randbytes(1_000_000))
    documents, errors = _budgeted(path)
    assert not documents
    (error,) = errors
    _assert_readable(error)
    assert "binary" in error.reason or "Parquet" in error.reason


def test_hostile_stray_windows_1252_bytes_in_utf8_are_read(tmp_path):
    data = "Zoë Müller said the levy was “unfair” to every café owner in the town. ".encode() * 3
    path = _write(tmp_path, "mixed.txt", data + b"She called it \x93absurd\x94 on Monday.")
    (raw,) = read([str(path)])
    assert "Zoë" in raw.text and "“absurd”" in raw.text


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl"])
def test_hostile_mixed_and_invalid_encodings_never_stop_the_batch(tmp_path, suffix):
    mixed = "Café naïve ".encode() + "Café Straße ".encode("cp1252") + "Привет мир ".encode("koi8-r")
    bad = _write(tmp_path, "mixed" + suffix, mixed * 2000)
    invalid = _write(tmp_path, "invalid" + suffix, b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 5000)
    good = _write(tmp_path, "good.txt", ARTICLE.encode())
    documents, errors = _budgeted(bad, invalid, good)
    assert [d.id for d in documents] == ["good"]
    for error in errors:
        _assert_readable(error)


def test_hostile_huge_file_is_refused_by_its_size_without_being_read(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.truncate(200_000_000)  # sparse: 200 MB that takes no disk space
    just_over = _write(tmp_path, "just_over.txt", b"word " * (SETTINGS.max_file_bytes // 5 + 1))
    documents, errors = _budgeted(huge, just_over)
    assert not documents
    assert [e.reason for e in errors] == [
        f"file is {size:,} bytes, over the {SETTINGS.max_file_bytes:,}-byte limit"
        for size in (200_000_000, SETTINGS.max_file_bytes + 5)
    ]


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl"])
def test_hostile_one_megabyte_line_with_no_spaces_is_skipped_with_its_length(tmp_path, suffix):
    line = "x" * 1_000_000
    content = {
        ".html": f"<html><body><article><p>{line}</p></article></body></html>",
        ".jsonl": json.dumps({"text": ARTICLE + line}),
    }.get(suffix, ARTICLE + line)
    path = _write(tmp_path, "long" + suffix, content.encode())
    documents, (error,) = _budgeted(path)
    assert not documents
    _assert_readable(error)
    assert "1,000,000 characters long with no spaces" in error.reason
    assert f"{MAX_PARAGRAPH_CHARS:,}-character limit" in error.reason


def test_hostile_html_nested_100000_deep_is_skipped_naming_the_nesting(tmp_path):
    deep = "<html><body>" + "<div>" * 100_000 + ARTICLE + "</div>" * 100_000 + "</body></html>"
    path = _write(tmp_path, "deep.html", deep.encode())
    documents, (error,) = _budgeted(path)
    assert not documents
    _assert_readable(error)
    assert "nested 100,00" in error.reason


CRAFTED_LINES = {
    "stars": "*" * 40_000,
    "unclosed emphasis": "*a " * 13_000,
    "unclosed bold": "**a " * 10_000,
    "unclosed links": "[a](x" * 8_000,
    "unclosed quotes": "i think “" * 4_000,
    "run of spaces": "end of it" + " " * 40_000 + "x.",
    "link after stars": "*" * 40_000 + "https://x",
}


@pytest.mark.parametrize("name", CRAFTED_LINES)
def test_hostile_lines_that_made_patterns_backtrack_are_linear(tmp_path, name):
    line = CRAFTED_LINES[name]
    text = "# Title\n\n" + ARTICLE + "\n\n".join([line] * 20) + "\n\nThey said it was over.\n\nDone here, they said.\n"
    path = _write(tmp_path, "crafted.md", text.encode())
    documents, errors = _budgeted(path)
    for error in errors:
        _assert_readable(error)


def test_hostile_many_short_lines_are_joined_in_linear_time(tmp_path):
    lines = "\n".join(("word " * random.Random(i).randint(1, 30)).strip() for i in range(40_000))
    path = _write(tmp_path, "lines.txt", lines.encode())
    documents, (error,) = _budgeted(path)
    assert "paragraph 1 is" in error.reason and "characters long in" in error.reason


def test_hostile_jsonl_with_broken_lines_in_the_middle_keeps_the_rest(tmp_path):
    lines = [
        json.dumps({"id": "first", "text": ARTICLE}),
        '{"text": "cut off in the mid',
        "\x00\x01 not json at all",
        json.dumps({"id": "odd\u2028separator", "text": ARTICLE + "A line\u2028separator inside."}),
        json.dumps({"id": "last", "text": ARTICLE + "The last line.", "author": " " * 100_000}),
    ]
    path = _write(tmp_path, "feed.jsonl", "\n".join(lines).encode())
    documents, errors = _budgeted(path)
    assert sorted(d.id for d in documents) == ["first", "last", "odd separator"]  # (in content order)
    assert [e.source.rsplit(":", 1)[-1] for e in errors] == ["2", "3"]
    assert all("is not valid JSON" in e.reason and "the other lines were read" in e.reason for e in errors)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_hostile_empty_files_are_skipped(tmp_path, suffix, data):
    documents, (error,) = _budgeted(_write(tmp_path, "empty" + suffix, data))
    _assert_readable(error)
    assert "empty" in error.reason or "Parquet" in error.reason


def test_hostile_folder_of_10000_tiny_files(tmp_path):
    folder = tmp_path / "tiny"
    folder.mkdir()
    for number in range(10_000):
        (folder / f"note{number:05d}.txt").write_text(f"Note {number}.", encoding="utf-8")
    (folder / "zz_article.txt").write_text(ARTICLE, encoding="utf-8")
    started = time.perf_counter()
    documents, errors = _prepare(folder)
    assert time.perf_counter() - started < 60
    assert [d.id for d in documents] == ["zz_article"]
    assert len(errors) == 10_000 and all("words of article text" in e.reason for e in errors)


def test_hostile_symbolic_link_loops_are_reported_and_not_followed(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "sub" / "deeper" / "root").symlink_to(tmp_path)
    (tmp_path / "alias").symlink_to("sub")
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "dangling.md").symlink_to("nowhere.md")
    files, problems = list_files(tmp_path)
    assert files == [tmp_path / "sub" / "article.txt"]
    reasons = {Path(p.source).name: p.reason for p in problems}
    assert reasons.keys() == {"up", "root", "alias", "self.txt", "dangling.md"}
    assert "already read" in reasons["up"] and "link loop" in reasons["alias"]
    assert "symbolic link loop" in reasons["self.txt"] and "broken symbolic link" in reasons["dangling.md"]
    documents, errors = _budgeted(tmp_path, tmp_path / "self.txt")
    assert [d.id for d in documents] == ["article"]
    assert len(errors) == 6
    for error in errors:
        _assert_readable(error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_hostile_named_pipe_is_skipped_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    documents, errors = _budgeted(tmp_path, tmp_path / "pipe.txt")
    assert [e.reason for e in errors] == ["not a regular file (a pipe, socket or device); only files can be read"] * 2


def test_hostile_file_names_with_newlines_and_bad_bytes_are_named_printably(tmp_path):
    folder = os.fsencode(tmp_path)
    for n, name in enumerate((b"new\nline.txt", b"bad\xffbyte.txt", b"tab\tand\x1bescape.md")):
        text = ARTICLE.replace("next week", f"in {n + 2} weeks")  # (three articles, not one)
        Path(os.fsdecode(folder + b"/" + name)).write_text(text, encoding="utf-8")
    Path(os.fsdecode(folder + b"/empty\nname.txt")).write_text("", encoding="utf-8")
    documents, (error,) = _budgeted(tmp_path)
    assert sorted(d.id for d in documents) == ["bad\\xffbyte", "new\\nline", "tab\\tand\\x1bescape"]
    assert error.source.endswith("empty\\nname.txt") and error.reason == "file is empty"
    for document in documents:
        assert document.source.isprintable() and document.source.encode("utf-8")


def _bad_files(folder: Path) -> Path:
    folder.mkdir()
    _write(folder, "noise.html", random.Random(1).randbytes(50_000))
    _write(folder, "deep.html", ("<div>" * 100_000).encode())
    _write(folder, "line.txt", b"y" * 1_000_000)
    _write(folder, "feed.jsonl", b'{"text": "broken\n[1, 2]\n')
    _write(folder, "empty.md", b"")
    _write(folder, "new\nline.txt", b"\xff\xfe\x00\x01")
    (folder / "loop").symlink_to(".")
    return folder


def test_hostile_bad_files_leave_the_prepared_documents_unchanged(tmp_path):
    clean_run, clean_errors = _prepare(SAMPLE)
    documents, errors = _prepare(SAMPLE, _bad_files(tmp_path / "bad"))
    assert documents == clean_run and not clean_errors
    assert len(errors) == 8
    for error in errors:
        _assert_readable(error)


def _comparable(dossier) -> dict:
    return to_dict(replace(dossier, errors=(), stats={}))


def test_hostile_bad_files_leave_the_dossier_unchanged(tmp_path, nlp, sample_dossier):
    dossier = analyze([str(SAMPLE), str(_bad_files(tmp_path / "bad"))], SETTINGS, nlp=nlp)
    assert _comparable(dossier) == _comparable(sample_dossier)
    assert len(dossier.errors) == 8 and not sample_dossier.errors


def test_hostile_short_fuzz_run_has_no_crashes_and_keeps_the_budget():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fuzz_ingest import fuzz

    result = fuzz(40, seed=1)
    assert result["crashes"] == 0, result["crash_details"]
    assert result["unexpected_errors_caught"] == 0, result["unexpected_details"]
    assert result["max_seconds"] < BUDGET_SECONDS and result["peak_traced_mb"] < BUDGET_MB


def test_hostile_impossible_dates_are_dropped_not_fatal(tmp_path, nlp):
    """Digits in the shape of a date that does not exist, in a feed field and in the text."""
    body = (
        "The harbour authority said on Tuesday that the northern pier would close for six weeks after "
        "inspectors found cracks. Dated 2025-02-30 in the notice, the decision was confirmed on 2025-13-01."
    )
    records = [
        {"title": "Pier to close", "outlet": "Harbour Times", "published": "2025-02-30", "text": body},
        {"title": "Pier closes", "outlet": "Coast Daily", "published": "2025-99-99T10:00Z", "text": body},
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    dossier = analyze([str(feed)], SETTINGS, nlp=nlp)
    assert len(dossier.documents) == 2 and not dossier.errors
    assert all(d.published.date is None or d.published.date[:7] != "2025-02" for d in dossier.documents)
    assert all(d.published.basis != "metadata" for d in dossier.documents)


_DATE_LIKE = st.one_of(
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}Z)?\Z"),
    st.from_regex(r"\A[0-9]{1,2} (January|February|June|September) [0-9]{4}\Z"),
    st.text(max_size=30),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(published=_DATE_LIKE, title=st.text(max_size=60), outlet=st.text(max_size=30), dated=_DATE_LIKE)
def test_hostile_feed_fields_never_crash_the_whole_analysis(nlp, published, title, outlet, dated):
    """Past ingest and clean: hostile metadata and date-shaped text must not crash the later stages."""
    body = (
        f"The harbour authority said on {dated} that the northern pier would close for six weeks after "
        "inspectors found cracks in two columns. About 40 staff will move to the southern terminal on Monday."
    )
    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        record = {"title": title, "outlet": outlet, "published": published, "text": body}
        feed.write_text(json.dumps(record) + "\n" + json.dumps({**record, "outlet": "Other"}) + "\n", "utf-8")
        dossier = analyze([str(feed)], SETTINGS, nlp=nlp)
    assert len(dossier.documents) + len(dossier.errors) == 2
    for error in dossier.errors:
        _assert_readable(error)
