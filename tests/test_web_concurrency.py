"""Concurrent use, briefly: 50 readers on loopback while documents are uploaded. No errors, no torn
pages (every page from one committed version), readers served while an upload is analysed, and new
versions seen. The long run is benchmarks/load_test.py, which shares this code."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import sys
import threading
import time

import pytest
from conftest import ROOT, SAMPLE, SETTINGS

from crosswire.store import open_store
from crosswire.stories import add_to_story
from crosswire.web.app import create_app

_SPEC = importlib.util.spec_from_file_location("load_test", ROOT / "benchmarks" / "load_test.py")
assert _SPEC and _SPEC.loader
load_test = importlib.util.module_from_spec(_SPEC)
sys.modules["load_test"] = load_test  # dataclasses look their module up
_SPEC.loader.exec_module(load_test)


@pytest.fixture
def server(tmp_path, nlp):
    import uvicorn

    db = tmp_path / "c.db"
    store = open_store(db)
    add_to_story(store, load_test.STORY, [(n, (SAMPLE / n).read_bytes()) for n in load_test.FIRST], SETTINGS, nlp=nlp)
    store.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db, SETTINGS, nlp=nlp), host="127.0.0.1", port=port, log_level="error")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=30)


def test_web_concurrency_readers_while_documents_are_added(server):
    load = asyncio.run(load_test.run_load(server, readers=50, duration=3, files=load_test.upload_files(2)))
    assert load.errors == []
    assert load.torn == []
    assert len(load.requests) > 100
    assert load_test.served_during_uploads(load) >= 20  # readers were answered while an upload was analysed
    assert len(load.versions) >= 2 and max(shown for shown, _ in load.seen) >= 2  # and saw the new version
    assert len(set(load.json_documents)) >= 2


def test_web_concurrency_refuses_other_hosts():
    with pytest.raises(SystemExit, match="127.0.0.1 only"):
        load_test.check_loopback("http://example.org:8000")
    load_test.check_loopback("http://[::1]:8000")
