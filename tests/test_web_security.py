"""The web app against hostile requests: upload limits and types, file and story names that try to
leave their place, foreign hosts and sites, the security headers, and the default bind address."""

from __future__ import annotations

import ast
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SETTINGS
from fastapi.testclient import TestClient

from crosswire.analysis.pipeline import analyze, version
from crosswire.cli.parser import build_parser
from crosswire.output.json import to_dict
from crosswire.stories.store import open_store
from crosswire.web.app import create_app
from crosswire.web.pages import url
from crosswire.web.upload import MAX_FILES, check_story_name, safe_file_name

TEXT = b"The transport minister said on Monday that the old river bridge would reopen to traffic next week. " * 3
SMALL = replace(SETTINGS, max_file_bytes=2_000)
ODD_NAMES = ["a/b", "../../etc", "x.json", "with space & <tag>", "100%", "?q=1#frag", "back\\slash", "ünï"]


@pytest.fixture(scope="module")
def dossier(nlp):
    """One real dossier, stored under many names without re-analysing."""
    return to_dict(analyze([str(SAMPLE / "wire_report.txt")], SETTINGS, nlp=nlp), version())


@pytest.fixture(scope="module")
def db(tmp_path_factory, dossier):
    path = tmp_path_factory.mktemp("sec") / "s.db"
    store = open_store(path)
    for name in ["plain", *ODD_NAMES]:
        store.add_documents(name, [("wire_report.txt", TEXT)])
        store.save_version(name, dossier)
    store.close()
    return path


@pytest.fixture(scope="module")
def client(db, nlp):
    return TestClient(create_app(db, SMALL, nlp=nlp, max_upload_bytes=200_000), base_url="http://127.0.0.1")


def _files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, data, "application/octet-stream")) for name, data in items]


def test_web_security_oversize_file_is_refused(client):
    response = client.post("/stories/plain/upload", files=_files(("big.txt", b"word " * 1_000)))
    assert response.status_code == 413
    assert "big.txt: over the 2,000-byte limit" in response.text and "nothing was added" in response.text


def test_web_security_oversize_request_is_refused_before_parsing(client):
    response = client.post("/stories/plain/upload", files=_files(*[(f"f{i}.txt", b"x" * 1_900) for i in range(120)]))
    assert response.status_code == 413 and "at most 200,000 bytes" in response.text


@pytest.mark.parametrize(
    ("name", "data"),
    [("evil.exe", b"MZ\x90\x00"), ("report.pdf", b"%PDF-1.4"), ("noext", b"text"), ("binary.txt", b"ab\x00cd" * 10)],
)
def test_web_security_wrong_type_is_refused(client, name, data):
    response = client.post("/stories/plain/upload", files=_files((name, data)))
    assert response.status_code == 415, response.text
    assert "unsupported type" in response.text or "looks binary" in response.text


def test_web_security_too_many_or_no_files(client):
    many = client.post("/stories/plain/upload", files=_files(*[(f"f{i}.txt", b"x") for i in range(MAX_FILES + 1)]))
    assert many.status_code == 400 and f"at most {MAX_FILES} files" in many.text
    none = client.post("/upload", data={"story": "s"})
    assert none.status_code == 400 and "choose at least one file" in none.text
    empty = client.post("/stories/plain/upload", files=_files(("empty.txt", b"  \n")))
    assert empty.status_code == 400 and "empty" in empty.text


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\x.txt", "x.txt"),
        ("/abs/path/a.md", "a.md"),
        ("a\x00b.txt", "ab.txt"),
        ("evil\nname\r.txt", "evilname.txt"),
        ("right\u202etxt.exe", "righttxt.exe"),
        ("..", "upload"),
        (".hidden.txt", "hidden.txt"),
        (". .hidden.txt", "hidden.txt"),
        (". ..txt", "txt"),
        (None, "upload"),
        pytest.param("x" * 500 + ".html", "x" * 115 + ".html", id="long"),
        pytest.param("x" * 500 + ".WARC.gz", "x" * 112 + ".WARC.gz", id="long web archive"),
    ],
)
def test_web_security_safe_file_name(raw, safe):
    assert safe_file_name(raw) == safe


@pytest.mark.parametrize("name", ["", "   ", ".", "..", "a\x00b", "line\nbreak", "x" * 201])
def test_web_security_bad_story_names_refused(name):
    with pytest.raises(Exception, match="story name|name of 1 to"):
        check_story_name(name)


def test_web_security_hostile_file_names_stay_in_the_store(tmp_path, nlp, monkeypatch):
    """A hostile name is stored as a safe base name; nothing is written beside the store or the
    private temporary folder the analysis uses."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    (tmp_path / "store").mkdir()
    db = tmp_path / "store" / "w.db"
    client = TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1")
    names = ["../../escape.txt", "..\\..\\escape2.txt", "new\nline.txt", "/etc/passwd.md"]
    files = _files(*[(name, TEXT + str(i).encode()) for i, name in enumerate(names)])
    response = client.post("/upload", data={"story": "../outside"}, files=files, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/stories/..%2Foutside/versions?notice=")
    # httpx percent-encodes control characters in file names, as browsers do; send a raw NUL by hand
    raw = (
        b'--B\r\nContent-Disposition: form-data; name="files"; filename="..\\nul\x00byte.txt"\r\n\r\n'
        + TEXT
        + b"nul\r\n--B--\r\n"
    )
    headers = {"content-type": "multipart/form-data; boundary=B"}
    assert client.post("/stories/..%2Foutside/upload", content=raw, headers=headers).status_code == 200
    store = open_store(db)
    stored = [d.name for d in store.documents("../outside")]
    store.close()
    assert len(stored) == len(names) + 1 and "nulbyte.txt" in stored
    for name in stored:
        assert name == Path(name).name and not name.startswith(".") and name.isprintable() and "\\" not in name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store", "temp"]
    assert list(temp.iterdir()) == []  # the analysis folder was removed
    assert {p.name for p in (tmp_path / "store").iterdir()} <= {"w.db", "w.db-wal", "w.db-shm"}
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "Version 2" in page.text
    assert "New documents: escape.txt, escape2.txt" in page.text


@pytest.mark.parametrize("name", ODD_NAMES)
def test_web_security_story_names_route_to_their_own_pages(client, name):
    """Names with '/', '..', '%', '?', '#' or '.json' keep to their own URL segment."""
    page = client.get(url(name))
    assert page.status_code == 200 and "Versions (1)" in page.text
    assert client.get(url(name, "versions")).status_code == 200
    assert client.get(url(name, "versions", "1")).status_code == 200
    assert client.get(url(name, "upload")).status_code == 200
    assert client.get(url(name) + ".json").json()["documents"]


@pytest.mark.parametrize(
    "path",
    [
        "/stories/..%2F..%2Fetc%2Fpasswd",
        "/stories/%2E%2E%2F%2E%2E%2Fw.db",
        "/stories/plain/versions/0",
        "/stories/plain/versions/99999999999",
        "/stories/plain/versions/-1",
        "/stories/plain/../../etc/passwd",
        "/stories/plain/extra/segments",
        "/stories/%ff%fe",
        "/stories/",
        "/static/../../etc/passwd",
    ],
)
def test_web_security_paths_never_reach_the_file_system(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "root:" not in response.text and "SQLite format" not in response.text


def test_web_security_foreign_host_is_refused(db):
    app = create_app(db, SETTINGS, allowed_hosts=("crosswire.lan",))
    for host, status in [
        ("evil.example", 400),
        ("evil.example:8000", 400),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("localhost", 200),
        ("192.168.1.20:8000", 200),
        ("crosswire.lan:8000", 200),
        ("CrossWire.LAN", 200),
    ]:
        response = TestClient(app, base_url=f"http://{host}").get("/")
        assert response.status_code == status, host
    assert "DNS rebinding" in TestClient(app, base_url="http://evil.example").get("/").text
    for malformed in ("[", "[::1"):
        assert TestClient(app).get("/", headers={"host": malformed}).status_code == 400


@pytest.mark.parametrize(
    "headers", [{"origin": "http://evil.example"}, {"origin": "null"}, {"sec-fetch-site": "cross-site"}]
)
def test_web_security_cross_site_uploads_are_refused(client, headers):
    response = client.post("/stories/plain/upload", headers=headers, files=_files(("a.txt", TEXT)))
    assert response.status_code == 403 and "own pages" in response.text


def test_web_security_same_origin_posts_pass_the_check(client):
    """Chromium sends "Origin: null" from a page with a strict referrer policy; Sec-Fetch-Site vouches."""
    for headers in [{"origin": "http://127.0.0.1"}, {"origin": "null", "sec-fetch-site": "same-origin"}]:
        response = client.post("/upload", headers=headers, data={"story": "s"})
        assert response.status_code == 400 and "choose at least one file" in response.text


def test_web_security_headers_on_every_response(client):
    for path in ["/", url("plain"), url("plain", "versions"), url("plain", "upload"), "/stories/nope", "/nowhere"]:
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src" not in csp or path == url("plain")
    data = client.get(url("plain") + ".json")
    assert data.headers["content-type"] == "application/json"
    assert data.headers["x-content-type-options"] == "nosniff"
    assert client.post("/stories/plain").status_code == 405


def test_web_security_server_binds_to_loopback_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.allow_host == []
    named = build_parser().parse_args(["serve", "--allow-host", "crosswire.lan", "--allow-host", "news.lan"])
    assert named.allow_host == ["crosswire.lan", "news.lan"]


def test_web_security_nothing_fetches_urls():
    """crosswire never fetches a URL (a JSONL ``url`` is only read as text), so there is no SSRF to guard."""
    network = {"urllib.request", "http.client", "httpx", "requests", "aiohttp", "urllib3", "socket", "ftplib"}
    found = []
    for path in (ROOT / "src" / "crosswire").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(path.name, a.name) for a in node.names if a.name in network]
            elif isinstance(node, ast.ImportFrom) and node.module in network:
                found.append((path.name, node.module))
    assert found == []
