"""Shared fixtures: the spaCy pipeline, and dossiers of the sample and reference corpora (built once)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crosswire.analysis.pipeline import analyze, load_pipeline
from crosswire.models import Annotated, Dossier
from crosswire.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "crosswire" / "sample"
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "corpus" / "wagner-2023"
SETTINGS = Settings(progress=False)
# Files named as a repeated name's ids are ("a-2"), read in this order, and the ids they must get.
LOOK_ALIKE_NAMES = ["a", "a-2", "a", "a-2", "a", "a-3", "b", "b-2", "b"]
LOOK_ALIKE_IDS = ["a", "a-2", "a-3", "a-2-2", "a-4", "a-3-2", "b", "b-2", "b-3"]


def look_alike_folder(folder: Path, text: str = "") -> Path:
    """``LOOK_ALIKE_NAMES`` as files of ``folder``, one folder each, read in that order: file n says
    "Article n." and then ``text``."""
    for n, name in enumerate(LOOK_ALIKE_NAMES):
        (folder / f"{n}").mkdir()
        (folder / f"{n}" / f"{name}.txt").write_text(f"Article {n}.{text}", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline(SETTINGS.spacy_model)


@pytest.fixture(scope="session")
def sample_dossier(nlp) -> Dossier:
    return analyze([str(SAMPLE)], SETTINGS, nlp=nlp)


@pytest.fixture(scope="session")
def reference_dossier(nlp) -> Dossier:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference corpus not found at {REFERENCE} (it lives in ../shared beside the checkout)")
    return analyze([str(REFERENCE)], SETTINGS, nlp=nlp)


def damage_version(path: Path, number: int = 1) -> None:
    """Flip one bit in the middle of a stored version's bytes, as a failing disk would."""
    with sqlite3.connect(path) as db:
        query = "SELECT dossier FROM versions WHERE number = ?"
        (packed,) = db.execute(query, (number,)).fetchone()
        damaged = bytearray(packed)
        damaged[len(damaged) // 2] ^= 0x01
        db.execute("UPDATE versions SET dossier = ? WHERE number = ?", (bytes(damaged), number))


def doc(dossier: Dossier, prefix: str):
    """The document whose id starts with ``prefix``."""
    return next(d for d in dossier.documents if d.id.startswith(prefix))


def sentence_of(dossier: Dossier, doc_id: str, sentence_id: str) -> str:
    return next(s.text for d in dossier.documents if d.id == doc_id for s in d.sentences if s.id == sentence_id)


def claim_with(dossier: Dossier, words: str):
    """The claim one of whose mentions contains ``words``."""
    return next(c for c in dossier.claims for m in c.mentions if words in m.text)


@contextmanager
def served(db: Path, nlp: Any, header_seconds: float = 10.0) -> Iterator[str]:
    """The web app over the store ``db``, served by uvicorn on a free port of 127.0.0.1 in a thread."""
    import uvicorn

    from crosswire.web.app import create_app
    from crosswire.web.server import server_config

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = server_config(create_app(db, SETTINGS, nlp=nlp), "127.0.0.1", port, "error", header_seconds)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=30)


def body(dossier: Dossier, prefix: str) -> str:
    return " ".join(s.text for s in doc(dossier, prefix).sentences)


__all__ = ["Annotated"]


def note(path: str, line: str) -> None:
    with open(path, "a") as f:  # (one write a line: the processes' lines come in the order written)
        f.write(line + "\n")


def noted(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    notes: str,
    line: Callable[[], str],
) -> None:
    """``owner.name`` replaced, for the test, by one that first notes ``line()`` in ``notes``, a
    file: processes forked during the test note there too."""
    real = getattr(owner, name)

    def noting(*args, **kwargs):  # type: ignore[no-untyped-def]
        note(notes, line())
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, noting)
