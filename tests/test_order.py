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
