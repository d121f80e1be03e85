"""Hostile values past the cleaner: numbers and dates no news text states never crash a batch, never
reach the JSON as Infinity, and never give a day-precision date without a day."""

from __future__ import annotations

import json
import math

import pytest
from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze
from crosswire.output.html import to_html
from crosswire.output.json import from_dict, to_json

FILLER = (
    "The talks in the capital of the province went on for a long and difficult week for everyone involved, "
    "and the negotiators met again in the old town hall to settle the remaining questions about the bridge."
)
HUGE = "9" * 400


def _strict(text: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def _run(tmp_path, nlp, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    data = _strict(to_json(dossier))  # strict JSON, or this raises
    to_html(from_dict(data))  # the JSON reads back, and the HTML renderer survives it too
    return dossier, data


@pytest.mark.parametrize(
    "sentence",
    [
        f"Officials said {HUGE} km of road were closed on Monday.",
        f"Officials said {HUGE} people joined the march on Monday.",
        f"Officials said the repairs cost ${HUGE} on Monday.",
        f"Officials counted {HUGE} on Monday.",
    ],
)
def test_hostile_huge_numbers_are_not_figures(tmp_path, nlp, sentence):
    dossier, data = _run(
        tmp_path,
        nlp,
        {"huge.txt": f"{sentence}\n\n{FILLER}", "plain.txt": f"Officials said 12 km were closed.\n\n{FILLER}"},
    )
    assert {d.id for d in dossier.documents} == {"huge", "plain"}
    for claim in dossier.claims:
        for q in claim.quantities:
            assert math.isfinite(q.low) and math.isfinite(q.high) and abs(q.high) <= 1e15


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DRAVNIK, 31 December 9999 - The bridge will reopen tomorrow, officials said.", "far_future.txt"),
        ("DRAVNIK, 1 January 0001 - The bridge closed on Monday, officials said.", "year_one.txt"),
        ("The bridge closed 1000000 days ago, officials said.", "far_past.txt"),
        (f"The bridge closed {'9' * 5000} days ago, officials said.", "digits.txt"),
        ("DRAVNIK, 3 March 2023 - The bridge closed on 30 February, officials said.", "no_such_day.txt"),
    ],
)
def test_hostile_dates_stay_within_the_calendar(tmp_path, nlp, text, name):
    dossier, data = _run(
        tmp_path, nlp, {name: f"{text}\n\n{FILLER}", "plain.txt": f"Officials met on 3 March 2023.\n\n{FILLER}"}
    )
    assert len(dossier.documents) == 2
    for entry in data["timeline"]:
        year = int(entry["date"][:4])
        assert 1000 <= year <= 2999
        if entry["precision"] == "day":
            assert len(entry["date"]) == 10  # never "2023-02" marked as a day
    for document in data["documents"]:
        if document["published"]["date"]:
            assert 1000 <= int(document["published"]["date"][:4]) <= 2999


def test_hostile_feed_fields_out_of_range_are_unread(tmp_path, nlp):
    records = [
        {
            "id": "far",
            "title": "Bridge",
            "published": "9999-12-31",
            "text": f"The bridge reopens tomorrow.\n\n{FILLER}",
        },
        {
            "id": "ok",
            "title": "Bridge",
            "published": "2023-03-01",
            "text": f"The bridge reopened on Friday.\n\n{FILLER}",
        },
    ]
    lines = [json.dumps(r) for r in records]
    lines.append("[" * 100_000 + "]" * 100_000)  # nested 100,000 deep
    lines.append('{"id": "big", "text": ' + "7" * 5000 + "}")  # a 5,000-digit integer
    dossier, data = _run(tmp_path, nlp, {"feed.jsonl": "\n".join(lines) + "\n"})
    assert {d.id for d in dossier.documents} == {"far", "ok"}
    far = next(d for d in dossier.documents if d.id == "far")
    assert far.published.date is None or far.published.date.startswith(("1", "2"))
    reasons = " ".join(e.reason for e in dossier.errors)
    assert "nested too deeply" in reasons and "cannot be read as JSON" in reasons


def test_hostile_an_internal_error_has_its_own_exit_code(tmp_path, monkeypatch, capsys):
    from crosswire import cli
    from crosswire.analysis import pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pipeline, "analyze", broken)
    (tmp_path / "a.txt").write_text(FILLER, encoding="utf-8")
    code = cli.main(["analyze", str(tmp_path), "--quiet", "--json", str(tmp_path / "out.json")])
    assert code == cli.INTERNAL_ERROR == 3  # not 1 ("some inputs skipped") and not 2 (usage)
    assert "internal error" in capsys.readouterr().err


def test_hostile_a_document_that_breaks_a_later_stage_is_left_out_with_a_reason(tmp_path, nlp, monkeypatch):
    from crosswire.stages import quotes

    real = quotes.resolve_quotes

    def fragile(annotated, entities):
        if any("poison" in a.document.body for a in annotated):
            raise OverflowError("a bug met on one document")
        return real(annotated, entities)

    monkeypatch.setattr("crosswire.analysis.reconcile.resolve_quotes", fragile)
    (tmp_path / "good.txt").write_text(f"Officials reopened the bridge on Monday.\n\n{FILLER}", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(f"The poison figure was printed on Monday.\n\n{FILLER}", encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    assert [d.id for d in dossier.documents] == ["good"]
    assert any(e.source.endswith("bad.txt") and e.stage == "reconcile" for e in dossier.errors)


def test_hostile_a_document_that_breaks_annotation_is_left_out_with_a_reason(tmp_path, nlp, monkeypatch):
    from crosswire.analysis import pipeline

    real = pipeline.annotate

    def fragile(documents, *args, **kwargs):
        if any("poison" in d.body for d in documents):
            raise RecursionError("a bug met on one document")
        return real(documents, *args, **kwargs)

    monkeypatch.setattr(pipeline, "annotate", fragile)
    (tmp_path / "good.txt").write_text(f"Officials reopened the bridge on Monday.\n\n{FILLER}", encoding="utf-8")
    (tmp_path / "bad.txt").write_text(f"The poison figure was printed on Monday.\n\n{FILLER}", encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    assert [d.id for d in dossier.documents] == ["good"]
    assert any(e.source.endswith("bad.txt") and e.stage == "annotate" for e in dossier.errors)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_hostile_utf16_and_utf32_with_a_byte_order_mark_are_text(tmp_path, nlp, codec):
    text = f"Officials reopened the bridge on Monday after repairs.\n\n{FILLER}\n"
    data = text.encode(codec)
    if not codec.endswith(("16", "32")):  # the -be codecs write no mark: add it
        data = "\ufeff".encode(codec) + data
    (tmp_path / "wide.txt").write_bytes(data)
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    assert [d.id for d in dossier.documents] == ["wide"], dossier.errors
    assert "reopened the bridge" in dossier.documents[0].body


def test_hostile_a_stray_nul_does_not_make_text_binary(tmp_path, nlp):
    text = f"Officials reopened the bridge\x00 on Monday after repairs.\n\n{FILLER}\n"
    (tmp_path / "nul.txt").write_text(text, encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    assert [d.id for d in dossier.documents] == ["nul"], dossier.errors
    assert "\x00" not in dossier.documents[0].body


def test_hostile_crosswire_remove_takes_a_document_out_as_a_new_version(tmp_path, capsys):
    from crosswire import cli
    from crosswire.stories.store import open_store

    db = tmp_path / "stories.db"
    for name, text in {
        "one.txt": f"Officials reopened the bridge on Monday after repairs.\n\n{FILLER}",
        "two.txt": f"Drivers crossed the reopened bridge on Tuesday morning.\n\n{FILLER}",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert (
        cli.main(
            [
                "add",
                str(tmp_path / "one.txt"),
                str(tmp_path / "two.txt"),
                "--story",
                "bridge",
                "--db",
                str(db),
                "--quiet",
            ]
        )
        == 0
    )
    assert cli.main(["remove", "two.txt", "--story", "bridge", "--db", str(db), "--quiet"]) == 0
    store = open_store(db)
    try:
        assert [v.number for v in store.versions("bridge")] == [1, 2]
        assert [d["source"] for d in store.version("bridge", 2)["documents"]] == ["bridge/one.txt"]
        assert len(store.version("bridge", 1)["documents"]) == 2  # the earlier version keeps it
    finally:
        store.close()
    assert cli.main(["remove", "nothing.txt", "--story", "bridge", "--db", str(db), "--quiet"]) == 2
    assert "has no document 'nothing.txt'" in capsys.readouterr().err


def test_hostile_add_a_file_whose_name_is_not_utf8(tmp_path, capsys):
    import os

    from crosswire import cli

    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-report.txt")  # Latin-1 bytes in a file name
    (folder / name).write_text(f"Officials reopened the bridge on Monday after repairs.\n\n{FILLER}", encoding="utf-8")
    db = tmp_path / "s.db"
    assert cli.main(["add", str(folder), "--story", "names", "--db", str(db), "--quiet"]) == 0
    from crosswire.stories.store import open_store

    store = open_store(db)
    try:
        assert [d.name for d in store.documents("names")] == ["caf\\xe9-report.txt"]
    finally:
        store.close()


def test_hostile_an_add_writes_no_temporary_folder(tmp_path, monkeypatch):
    """Stored documents are analysed from memory: a killed add cannot leave article text behind in a
    temporary folder, and a story (or a pile added without one) never goes through the disk."""
    import tempfile

    from crosswire import cli

    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setenv("TMPDIR", str(spool))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bridge.txt").write_text(f"Officials reopened the bridge on Monday.\n\n{FILLER}", encoding="utf-8")
    db = tmp_path / "s.db"
    assert cli.main(["add", str(folder), "--story", "bridge", "--db", str(db), "--quiet"]) == 0
    more = tmp_path / "more"
    more.mkdir()
    (more / "ferry.txt").write_text(f"The ferry resumed sailing on Tuesday.\n\n{FILLER}", encoding="utf-8")
    assert cli.main(["add", str(more), "--db", str(db), "--quiet"]) == 0  # a pile: no story named
    assert [p.name for p in spool.iterdir() if p.name.startswith("crosswire")] == []
