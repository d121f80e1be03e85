"""The web app through its HTTP interface (no browser): pages, JSON, uploads, escaping, limits."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest
from conftest import SAMPLE, SETTINGS, SHARED, damage_version
from fastapi.testclient import TestClient

from crosswire.stories.service import add_to_story, collect_files
from crosswire.stories.store import open_store
from crosswire.web.app import create_app

STORY = 'levy <b>&"story"'
TEXT = b"The transport minister said on Monday that the old river bridge would reopen to traffic next week " * 2


@pytest.fixture(scope="module")
def client(tmp_path_factory, nlp):
    db = tmp_path_factory.mktemp("web") / "w.db"
    store = open_store(db)
    files, _ = collect_files([str(SAMPLE)], SETTINGS.max_file_bytes)
    add_to_story(store, STORY, files, SETTINGS, nlp=nlp)
    store.close()
    return TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1")


def test_web_story_list_and_page(client):
    index = client.get("/")
    assert index.status_code == 200 and "levy &lt;b&gt;&amp;" in index.text and "<b>&" not in index.text
    link = "/stories/levy%20%3Cb%3E%26%22story%22"
    page = client.get(link)
    assert page.status_code == 200 and 'id="matrix"' in page.text and "Versions (1)" in page.text


def test_web_json_is_schema_valid(client):
    data = client.get("/stories/levy%20%3Cb%3E%26%22story%22.json").json()
    jsonschema = pytest.importorskip("jsonschema")
    path = SHARED / "spec" / "dossier.schema.json"
    if not path.is_file():
        pytest.skip(f"the JSON contract {path} is not here (it lives in ../shared beside the repository)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_web_missing_story_is_404(client):
    response = client.get("/stories/nope")
    assert response.status_code == 404 and "no story" in response.text


def test_web_a_damaged_version_says_what_is_wrong_not_a_bug(tmp_path, nlp):
    """A story whose stored version cannot be read: the page says so and what to do, escaped, and
    does not ask to report a bug."""
    db = tmp_path / "w.db"
    store = open_store(db)
    store.save_version("broken <i>", {"documents": [], "claims": [{"id": "c", "text": "x" * 500}]})
    store.close()
    damage_version(db)
    client = TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1")
    page = client.get("/stories/broken%20%3Ci%3E")
    assert page.status_code == 500 and "damaged" in page.text
    assert "add or remove a document" in page.text
    assert "please report it" not in page.text


def test_web_upload_rejects_wrong_type_and_path_names(client):
    bad = client.post(
        "/upload", data={"story": "x"}, files=[("files", ("evil.exe", b"MZ", "application/octet-stream"))]
    )
    assert bad.status_code == 415 and "unsupported" in bad.text
    ok = client.post(
        "/upload",
        data={"story": "paths"},
        follow_redirects=False,
        files=[("files", ("../../etc/passwd.txt", TEXT, "text/plain"))],
    )
    assert ok.status_code == 303
    versions = client.get(ok.headers["location"])
    assert "passwd" in versions.text and "../" not in versions.text


def test_web_take_a_document_out_of_a_story(client):
    story = "takeout"
    for name in ("keep.txt", "drop.txt"):
        text = TEXT if name == "keep.txt" else b"Dockers said on Tuesday that the harbour strike would end soon " * 3
        response = client.post(
            "/upload", data={"story": story}, files=[("files", (name, text, "text/plain"))], follow_redirects=False
        )
        assert response.status_code == 303
    form = client.get(f"/stories/{story}/upload")
    assert 'name="names" value="drop.txt"' in form.text
    nothing = client.post(f"/stories/{story}/remove", data={})
    assert nothing.status_code == 400 and "tick at least one" in nothing.text
    unknown = client.post(f"/stories/{story}/remove", data={"names": ["nope.txt"]})
    assert unknown.status_code == 400 and "no document" in unknown.text
    foreign = client.post(
        f"/stories/{story}/remove", data={"names": ["drop.txt"]}, headers={"origin": "http://evil.example"}
    )
    assert foreign.status_code == 403
    done = client.post(f"/stories/{story}/remove", data={"names": ["drop.txt"]}, follow_redirects=False)
    assert done.status_code == 303
    data = client.get(f"/stories/{story}.json").json()
    assert [d["source"] for d in data["documents"]] == [f"{story}/keep.txt"]


def test_web_pages_say_things_in_words(client):
    index = client.get("/").text
    assert "Accepted: .atom, .gz," in index  # the types wrap on a phone instead of running off the card
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", index) and "+00:00" not in index
    versions = client.get("/stories/levy%20%3Cb%3E%26%22story%22/versions").text
    assert "single_source" not in versions and "corroborated or single source" not in versions
    assert re.search(r"\b7 documents\b", versions) and "+00:00" not in versions


def test_web_versions_page_names_conflicts_no_longer_found(tmp_path, sample_dossier, nlp):
    # A later version without a conflict (the report behind it taken out): the page says it went.
    import dataclasses

    from markupsafe import escape

    from crosswire.output.json import to_dict

    db = tmp_path / "v.db"
    store = open_store(db)
    store.save_version("orlevo", to_dict(sample_dossier))
    store.save_version("orlevo", to_dict(dataclasses.replace(sample_dossier, conflicts=sample_dossier.conflicts[1:])))
    store.close()
    page = TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1").get("/stories/orlevo/versions")
    assert page.status_code == 200
    gone = re.search(r"Conflicts no longer found: (\d+)\s*<ul><li class=\"gone\">([^<]*)</li>", page.text)
    assert gone and gone.group(1) == "1"
    assert str(escape(sample_dossier.conflicts[0].explanation[:60])) in gone.group(2)
    assert page.text.count("Conflicts no longer found: 0") == 1  # the first version lost none


def test_web_versions_page_reads_what_a_desk_kept_not_the_dossiers(tmp_path, nlp, monkeypatch):
    # A desk keeps what each version changed: the versions page reads that, not every version's
    # dossier (a 1,000-article story's takes 1.6 s to read back, 0.1 GB to hold), and shows what
    # working it out from the dossiers would.
    import shutil
    import sqlite3

    from crosswire.web import app as web

    db = tmp_path / "v.db"
    store = open_store(db)
    for name in ("breaking.txt", "wire_report.txt", "opinion.txt"):
        files, _ = collect_files([str(SAMPLE / name)], SETTINGS.max_file_bytes)
        add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    store.close()
    shutil.copy(db, tmp_path / "w.db")
    with sqlite3.connect(tmp_path / "w.db") as copy:  # the same versions, their changes not kept
        copy.execute("UPDATE versions SET changes = NULL")
    worked_out = _versions_page(tmp_path / "w.db", nlp)
    read: list[int] = []
    monkeypatch.setattr(web.Site, "load", lambda site, name, number: read.append(number))
    kept = _versions_page(db, nlp)
    assert read == [] and kept == worked_out
    assert kept.count("New claims: ") == 3 and "crosswire diff" not in kept


def test_web_versions_page_works_out_the_latest_versions_two_dossiers_at_a_time(
    tmp_path, sample_dossier, nlp, monkeypatch, capsys
):
    # Versions stored without their changes (by a fresh process, or an older crosswire): the page
    # works out the latest few, reading each dossier once, and gives a command for the others that
    # runs as shown, whatever the story's name.
    import html
    import shlex

    from crosswire import cli
    from crosswire.output.json import to_dict
    from crosswire.web import app as web

    monkeypatch.setattr(web, "WORKED_OUT", 2)
    story = "-orlevo 'x'"
    store = open_store(tmp_path / "v.db")
    for _ in range(4):
        store.save_version(story, to_dict(sample_dossier))
    store.close()
    read: list[int] = []
    loading = web.Site.load

    def load(site, name, number):  # type: ignore[no-untyped-def]
        read.append(number)
        return loading(site, name, number)

    monkeypatch.setattr(web.Site, "load", load)
    page = _versions_page(tmp_path / "v.db", nlp, "-orlevo%20%27x%27")
    assert read == [4, 3, 2]
    assert page.count("New claims: 0") == 2  # versions 4 and 3: the same dossier as before them
    commands = [html.unescape(c) for c in re.findall(r"<code>([^<]*)</code>", page)]
    assert [c.split()[-4:] for c in commands] == [["--from", n, "--to", m] for n, m in ("12", "01")]
    capsys.readouterr()
    assert cli.main(shlex.split(commands[0])[1:]) == 0
    assert "new claims: 0" in capsys.readouterr().out


def _versions_page(db, nlp, story: str = "levy") -> str:
    response = TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1").get(
        f"/stories/{story}/versions"
    )
    assert response.status_code == 200
    return response.text


def test_web_page_cache_keeps_pages_within_a_budget():
    # A desk opens its story after each add: each version's page (52 MB for a 1,000-article
    # story) must not stay until 32 of them are held. The budget is the memory a page takes:
    # text with a "✓" or a curly quote takes two bytes a character.
    import sys

    from crosswire.web.pages import PageCache

    plain, marked = "x" * 40, "✓" * 40
    cache = PageCache(size=32, budget=2 * sys.getsizeof(plain) + 10)
    made: list[str] = []

    def page(text: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(text) or text

    for n in range(5):
        cache.get(("dossier", n), page(plain))
    cache.get(("dossier", 4), page(plain))
    cache.get(("dossier", 3), page(plain))
    assert len(made) == 5  # the two latest are kept
    cache.get(("dossier", 9), page(marked))
    cache.get(("dossier", 3), page(plain))
    cache.get(("dossier", 4), page(plain))
    assert len(made) == 8  # a marked page of as many characters took both places
    cache.get(("huge", 0), page("y" * 500))
    cache.get(("huge", 0), page("y" * 500))
    assert made.count("y" * 500) == 2  # larger than the budget: served, never kept
    cache.get(("dossier", 3), page(plain))
    cache.get(("dossier", 4), page(plain))
    assert len(made) == 10  # what was kept stays: the huge page pushed nothing out
    cache.drop(lambda key: key == ("dossier", 3))
    cache.get(("dossier", 3), page(plain))
    assert len(made) == 11


def test_web_an_uploads_page_is_drawn_before_it_is_asked_for(tmp_path, nlp, monkeypatch):
    # After an upload the analysis thread draws the story's new page from the dossier it made, so
    # the desk's next click does not wait for it (4 s for a 1,000-article story): the same page,
    # to the byte, that the stored version gives.
    from crosswire.web import app as web

    db = tmp_path / "p.db"
    app = create_app(db, SETTINGS, nlp=nlp)
    client = TestClient(app, base_url="http://127.0.0.1")
    names = ("wire_report.txt", "breaking.txt")
    files = [("files", (name, (SAMPLE / name).read_bytes(), "text/plain")) for name in names]
    done = client.post("/upload", data={"story": "levy"}, files=files, follow_redirects=False)
    assert done.status_code == 303
    app.state.site.analysis.submit(lambda: None).result()  # (the page is drawn after the answer)
    read: list[int] = []
    monkeypatch.setattr(web.Site, "load", lambda site, name, number: read.append(number))
    page = client.get("/stories/levy")
    assert page.status_code == 200 and read == []
    monkeypatch.undo()
    fresh = TestClient(create_app(db, SETTINGS, nlp=nlp), base_url="http://127.0.0.1")
    assert page.text == fresh.get("/stories/levy").text and "levy v1" in page.text
    # The next upload's page takes the place of the first's, which no request can ask for now;
    # a view asked for while it is being drawn waits for it rather than draws it too.
    drawing = web.dossier_page

    def slowly(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return drawing(*args)

    monkeypatch.setattr(web, "dossier_page", slowly)
    more = [("files", ("opinion.txt", (SAMPLE / "opinion.txt").read_bytes(), "text/plain"))]
    done = client.post("/stories/levy/upload", files=more, follow_redirects=False)
    assert done.status_code == 303
    site = app.state.site
    for _ in range(500):  # (until the drawing has begun: a view waits for it from then on)
        if "levy" in site.drawing:
            break
        time.sleep(0.01)
    loading = web.Site.load

    def load(site, name, number):  # type: ignore[no-untyped-def]
        read.append(number)
        return loading(site, name, number)

    monkeypatch.setattr(web.Site, "load", load)
    page = client.get("/stories/levy")
    assert read == []
    kept = [key for key in site.pages._pages if key[0] == "dossier"]
    assert [(key[2].number, key[3]) for key in kept] == [(2, 2)] and site.drawing == {}
    monkeypatch.undo()
    assert page.text == fresh.get("/stories/levy").text


def test_web_an_upload_says_what_it_came_to_on_the_page_it_leads_to(client):
    # The answer led to the versions page, which said nothing of the upload: not the files stored
    # (a name taken is stored under another), not the failures, not that nothing was new.
    story = "said <b>"
    short = b"Ferry late."
    first = client.post(
        "/upload",
        data={"story": story},
        files=[
            ("files", ("wire.txt", TEXT, "text/plain")),
            ("files", ("short.txt", short, "text/plain")),
        ],
        follow_redirects=False,
    )
    assert first.status_code == 303 and "/versions?notice=" in first.headers["location"]
    # Said to the one who uploaded (the link the answer gives), once; not to another who looks.
    assert "Added 2 document(s)" not in client.get(f"/stories/{story}/versions").text
    said = client.get(first.headers["location"]).text
    assert "Added 2 document(s): wire.txt, short.txt. Version 1 is the latest." in said
    assert "skipped said &lt;b&gt;/short.txt: only 2 words" in said
    assert "Added 2 document(s)" not in client.get(first.headers["location"]).text
    copy = [("files", ("copy.txt", TEXT, "text/plain"))]
    same = client.post(f"/stories/{story}/upload", files=copy)
    assert "Nothing new: the story holds every one of these files; no version was made" in same.text
    other = b"Dockers said on Tuesday that the harbour strike would end within the week " * 3
    again = [("files", ("wire.txt", other, "text/plain"))]
    later = client.post("/upload", data={"story": story}, files=again)
    named = "a story named &#39;said &lt;b&gt;&#39; was stored already"
    assert f"{named}: these files were added to it" in later.text
    assert "Added 1 document(s): wire-" in later.text and "Version 2 is the latest." in later.text
    assert "still failing, stored earlier: short.txt (the upload page takes them out)" in later.text


def test_web_an_upload_of_a_gz_that_is_no_web_archive_is_refused(client):
    refused = client.post(
        "/upload", data={"story": "gz"}, files=[("files", ("notes.txt.gz", b"\x1f\x8b\x08 x", "text/plain"))]
    )
    assert refused.status_code == 415 and "read only as a web archive (.warc.gz)" in refused.text


def test_web_an_earlier_version_says_so_and_links_its_own_json(client):
    # An earlier version's page looked like the latest, and its JSON link gave the latest's JSON.
    story = "earlier"
    other = b"Dockers said on Tuesday that the harbour strike would end within the week " * 3
    for name, text in (("one.txt", TEXT), ("two.txt", other)):
        client.post("/upload", data={"story": story}, files=[("files", (name, text, "text/plain"))])
    first = client.get(f"/stories/{story}/versions/1").text
    assert '<a href="/stories/earlier">Version 1 of 2: see the latest</a>' in first
    assert '<a href="/stories/earlier/versions/1.json">JSON</a>' in first
    assert "see the latest" not in client.get(f"/stories/{story}").text
    one = client.get(f"/stories/{story}/versions/1.json").json()
    assert [d["source"] for d in one["documents"]] == ["earlier/one.txt"]
    assert len(client.get(f"/stories/{story}.json").json()["documents"]) == 2
    missing = client.get(f"/stories/{story}/versions/3.json")
    assert missing.status_code == 404 and "it has 1 to 2" in missing.text


def test_web_an_upload_stores_its_good_files_and_says_which_it_refused(client):
    # One binary or empty file refused the whole upload: the user picked every file again.
    files = [
        ("files", ("good.txt", TEXT, "text/plain")),
        ("files", ("junk.txt", bytes(range(256)) * 8, "text/plain")),
        ("files", ("empty.txt", b" \n", "text/plain")),
    ]
    page = client.post("/upload", data={"story": "partly"}, files=files)
    assert page.status_code == 200
    assert "Added 1 document(s): good.txt. Version 1 is the latest." in page.text
    assert "refused junk.txt: looks binary, not a .txt text file; not stored" in page.text
    assert "refused empty.txt: the file is empty (or white space only); not stored" in page.text
    stored = client.get("/stories/partly.json").json()
    assert [d["source"] for d in stored["documents"]] == ["partly/good.txt"]


def test_web_taking_out_too_many_at_once_says_how_many_can_be(client):
    names = {"names": [f"n{k}.txt" for k in range(60)]}
    response = client.post(f"/stories/{quote(STORY, safe='')}/remove", data=names)
    assert response.status_code == 400
    assert "take out at most 50 documents at a time" in response.text
