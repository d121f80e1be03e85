"""Concurrent use, briefly: 50 readers on loopback while documents are uploaded. No errors, no torn
pages (every page from one committed version), readers served while an upload is analysed, and new
versions seen. The long run is benchmarks/load_test.py, which shares this code."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest
from conftest import ROOT, SAMPLE, SETTINGS, served

from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store

_SPEC = importlib.util.spec_from_file_location("load_test", ROOT / "benchmarks" / "load_test.py")
assert _SPEC and _SPEC.loader
load_test = importlib.util.module_from_spec(_SPEC)
sys.modules["load_test"] = load_test  # dataclasses look their module up
_SPEC.loader.exec_module(load_test)


@pytest.fixture
def server(tmp_path, nlp):
    db = tmp_path / "c.db"
    store = open_store(db)
    add_to_story(store, load_test.STORY, [(n, (SAMPLE / n).read_bytes()) for n in load_test.FIRST], SETTINGS, nlp=nlp)
    store.close()
    with served(db, nlp) as address:
        yield address


def test_web_concurrency_readers_while_documents_are_added(server):
    load = asyncio.run(load_test.run_load(server, readers=50, duration=3, files=load_test.upload_files(2)))
    assert load.errors == []
    assert load.torn == []
    assert len(load.requests) > 50
    assert load_test.served_during_uploads(load) >= 10  # readers answered during an upload (blocking code: 1)
    assert len(load.versions) >= 2 and max(shown for shown, _ in load.seen) >= 2  # and saw the new version
    assert len(set(load.json_documents)) >= 2


def test_web_concurrency_refuses_other_hosts():
    with pytest.raises(SystemExit, match="127.0.0.1 only"):
        load_test.check_loopback("http://example.org:8000")
    load_test.check_loopback("http://[::1]:8000")
