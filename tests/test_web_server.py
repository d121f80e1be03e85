"""The served app against slow and vanishing clients, and its own bugs: slow headers and stalled
bodies are cut off, an internal error still carries the security headers, a client that goes away
is one log line."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from conftest import served
from fastapi.testclient import TestClient

from crosswire.settings import Settings
from crosswire.stories.store import open_store
from crosswire.web import guard, pages
from crosswire.web.app import create_app
from crosswire.web.guard import SECURITY_HEADERS


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    return path


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[list[logging.LogRecord]]:
    """Records of crosswire's web logger and of uvicorn's error logger."""
    handler = _Records()
    loggers = [logging.getLogger("crosswire.web"), logging.getLogger("uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)


def _connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=30)


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> float:
    """Seconds until the server closes ``sock``, sending ``trickle`` a byte at a time meanwhile."""
    started = time.monotonic()
    sock.settimeout(0.3)
    for byte in [trickle[i : i + 1] for i in range(len(trickle))] + [b""] * 1000:
        try:
            if byte:
                sock.sendall(byte)
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except TimeoutError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            break
    return float("inf")


def test_web_server_slow_headers_are_cut_off(db, nlp):
    trickle = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    with served(db, nlp, header_seconds=1.0) as base:
        silent, slow = _connect(base), _connect(base)
        try:
            assert _closed_within(silent, 10) < 5, "a connection that sends nothing stayed open"
            assert _closed_within(slow, 10, trickle) < 5, "a byte every 0.3 s kept the connection open"
        finally:
            silent.close()
            slow.close()


def test_web_server_keeps_serving_normal_requests(db, nlp):
    import httpx

    with served(db, nlp, header_seconds=1.0) as base, httpx.Client() as client:
        for _ in range(3):
            assert client.get(base + "/").status_code == 200
            time.sleep(0.4)  # a kept-alive connection between requests is not cut off early


def test_web_server_stalled_upload_is_dropped_and_logged_once(db, nlp, monkeypatch, logged):
    monkeypatch.setattr(guard, "BODY_IDLE_SECONDS", 1.0)
    body = b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n' + b"x" * 100
    head = (
        b"POST /stories/s/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n"
    )
    with served(db, nlp) as base:
        stalled = _connect(base)
        try:
            stalled.sendall(head + body)
            stalled.settimeout(10)
            started = time.monotonic()
            answer = stalled.recv(4096)
            assert time.monotonic() - started < 8
            assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        finally:
            stalled.close()
        gone = _connect(base)
        gone.sendall(head + body)
        gone.close()  # goes away mid-upload
        time.sleep(0.5)
    store = open_store(db)
    assert store.stories() == []
    store.close()
    assert [r.levelno for r in logged if r.exc_info] == [], "a traceback was logged for a client's doing"
    away = [r for r in logged if "went away" in r.getMessage()]
    assert len(away) == 1 and "\n" not in away[0].getMessage()


def test_web_server_internal_error_keeps_security_headers(db, nlp, monkeypatch, logged):
    app = create_app(db, Settings(), nlp=nlp)

    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages.StorePool, "reading", broken)
    response = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False).get("/")
    assert response.status_code == 500
    for key, value in SECURITY_HEADERS.items():
        assert response.headers.get(key) == value
    assert "RuntimeError" not in response.text and "please report" in response.text
    (record,) = [r for r in logged if r.levelno >= logging.ERROR]
    assert record.exc_info is not None  # our bug: the server log keeps the traceback
