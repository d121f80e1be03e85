"""A dossier is a function of the set of documents: not of their order, nor of their file names."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS

from crosswire.analysis.pipeline import analyze
from crosswire.output.json import to_json


def _renamed(files: list[Path], folder: Path, tag: str) -> list[Path]:
    """Copies of ``files`` under new names that sort in the order given (suffixes kept: they
    name the format)."""
    folder.mkdir()
    copies = []
    for number, file in enumerate(files):
        copy = folder / f"{chr(ord('a') + number)}-{tag}-{file.stem}{file.suffix}"
        shutil.copyfile(file, copy)
        copies.append(copy)
    return copies


def _normalised(sources: list[str], nlp) -> str:
    """The dossier's JSON, each document id and source replaced by a hash of its sentences."""
    dossier = analyze(sources, SETTINGS, nlp=nlp)
    text = to_json(dossier)
    names = {}
    for document in dossier.documents:
        body = "\n".join(s.text for s in document.sentences)
        token = "doc-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        names[document.source] = token + "-source"
        names[document.id] = token
    # A source holds its file's id: the longer name is replaced first.
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], names[name])
    return text


def _permutations_agree(corpus: Path, tmp_path: Path, nlp) -> None:
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    assert len(files) >= 3, f"too few files in {corpus} to permute"
    reversed_folder = tmp_path / "reversed"
    _renamed(files[::-1], reversed_folder, "rev")
    shuffled = [*files[1::2], *files[::2]]  # odd places first, then even
    copies = _renamed(shuffled, tmp_path / "shuffled", "mix")
    # One pile is read as a folder (name order), the other as files named in yet another order.
    first = _normalised([str(reversed_folder)], nlp)
    second = _normalised([str(p) for p in copies[::-1][1:] + copies[-1:]], nlp)
    if first != second:
        a, b = first.splitlines(), second.splitlines()
        pairs = enumerate(zip(a, b, strict=False))
        line = next((n for n, (x, y) in pairs if x != y), min(len(a), len(b)))
        context = slice(max(0, line - 3), line + 3)
        shown = "\n".join(a[context]) + "\n---\n" + "\n".join(b[context])
        pytest.fail(f"dossiers differ from line {line + 1}:\n{shown}")


def test_order_sample_dossier_does_not_depend_on_order_or_names(tmp_path, nlp):
    _permutations_agree(SAMPLE, tmp_path, nlp)


def test_order_reference_dossier_does_not_depend_on_order_or_names(tmp_path, nlp):
    if not REFERENCE.is_dir():
        pytest.skip(f"reference corpus not found at {REFERENCE} (../shared beside the checkout)")
    _permutations_agree(REFERENCE, tmp_path, nlp)


def test_order_an_article_alike_in_every_field_is_read_once_and_the_copies_said_a_line_a_file():
    from dataclasses import replace

    from crosswire.models import Document, Published
    from crosswire.stages._order import canonical_order, read_once

    def article(doc_id: str, source: str, body: str, outlet: str = "Coast Courier") -> Document:
        when = Published("2025-03-18", "metadata")
        return Document(doc_id, source, "Port", outlet, None, when, "en", "news", (body,), ())

    first = [
        article("feed-1", "feed.rss:1", "The port reopened."),
        article("feed-2", "feed.rss:2", "Ferries sail."),
    ]
    # The feed saved again under another name, with one entry more; the new entry also given as a
    # file of its own (ids decide between copies: "feed-2-3" before "z-copy"); another outlet's
    # copy.
    again = [replace(d, id=f"feed-2-{n}", source=f"feed-2.rss:{n}") for n, d in enumerate(first, 1)]
    new = article("feed-2-3", "feed-2.rss:3", "The strike is over.")
    twice = replace(new, id="z-copy", source="copy.txt")
    wire = article("ledger", "ledger.txt", "The port reopened.", outlet="Daily Ledger")
    kept, said = read_once(canonical_order([*again, new, wire, *first, twice]))
    said = sorted(said, key=lambda s: s.source)  # (in the canonical order: by content)
    sources = sorted(d.source for d in kept)
    assert sources == ["feed-2.rss:3", "feed.rss:1", "feed.rss:2", "ledger.txt"]
    assert [(s.source, s.stage, s.failed) for s in said] == [
        ("copy.txt", "copy", False),
        ("feed-2.rss", "copy", False),
    ]
    assert said[0].reason == "the same article as feed-2.rss:3 (alike in every field): read once"
    assert said[1].reason.startswith("2 of its articles are the same as articles read before (feed")
    assert read_once(kept) == (kept, [])  # nothing alike: nothing left out
