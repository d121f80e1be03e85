"""News in bulk: RSS/Atom feeds and web archives (WARC) read as documents, bad records reported and the
rest kept."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from conftest import SAMPLE, SETTINGS
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosswire.analysis.pipeline import analyze
from crosswire.models import Skipped
from crosswire.stages.ingest import read_named


def _html(path: str) -> str:
    paragraphs = (SAMPLE / path).read_text(encoding="utf-8").split("\n\n")
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())


def _feed(entries: int = 3) -> bytes:
    """A feed of its first ``entries`` entries (of three): new ones come in at the end."""
    day = format_datetime(datetime(2025, 3, 18, 9, 30, tzinfo=UTC))
    items = [
        ("Ferry strike ends", "https://coast.example/ferry", _html("wire_report.txt")),
        ("Port reopens", "https://coast.example/port", _html("breaking.txt")),
        ("Weather", "https://coast.example/weather", "<p>Rain later.</p>"),
    ][:entries]
    entries_xml = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{day}</pubDate>"
        f"<content:encoded>{escape(body)}</content:encoded></item>"
        for title, link, body in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Coast Courier</title>{entries_xml}</channel></rss>"
    ).encode()


def test_archives_a_feed_saved_again_with_an_entry_more_brings_only_that_entry(
    nlp,
    tmp_path,
    monkeypatch,
):
    # A fetcher saves the feed over its file every few minutes: a story (or a watched folder) gets
    # each version as another file. Its entries alike in every field to the first version's are
    # read once, in a story and in a pile, and one line says so for the file.
    from crosswire.analysis import piles
    from crosswire.analysis.piles import analyze_stories

    files = [("coast.rss", _feed(1)), ("coast-later.rss", _feed(2))]
    dossier = analyze(files, SETTINGS, nlp=nlp)
    assert sorted((d.title, d.source) for d in dossier.documents) == [
        ("Ferry strike ends", "coast.rss:1"),
        ("Port reopens", "coast-later.rss:2"),
    ]
    said = [(e.source, e.reason) for e in dossier.errors]
    once = "the same article as coast.rss:1 (alike in every field): read once"
    assert said == [("coast-later.rss:1", once)]
    assert all(len({m.doc for m in c.mentions}) == len(c.mentions) for c in dossier.claims)
    # A folder is read in name order, and the first read of two copies is kept: in a pile too.
    for name, data in files:
        (tmp_path / name).write_bytes(data)
    folder = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    [(_, pile)] = list(analyze_stories([str(tmp_path)], SETTINGS, nlp=nlp))
    monkeypatch.setattr(piles, "PILE_CHUNK", 1)  # (a copy read in a later chunk than the first)
    [(_, chunked)] = list(analyze_stories([str(tmp_path)], SETTINGS, nlp=nlp))
    for each in (folder, pile, chunked):
        names = sorted(d.source.rsplit("/", 1)[-1] for d in each.documents)
        assert names == ["coast-later.rss:1", "coast-later.rss:2"]
        kept = tmp_path / "coast-later.rss:1"
        said = f"the same article as {kept} (alike in every field): read once"
        left = str(tmp_path / "coast.rss:1")
        assert [(e.source, e.reason) for e in each.errors] == [(left, said)]


def _warc(pages: list[tuple[str, str, str, bytes]], gzip: bool = True, more: tuple = ()) -> bytes:
    """A web archive of responses (address, content type, status, body); ``more``: headers each
    response has besides its content type."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for url, kind, status, body in pages:
        headers = StatusAndHeaders(status, [("Content-Type", kind), *more], protocol="HTTP/1.1")
        payload = io.BytesIO(body)
        record = writer.create_warc_record(url, "response", payload=payload, http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def test_archives_a_feed_gives_a_document_per_entry_with_its_title_link_and_date(nlp):
    dossier = analyze([("coast.rss", _feed())], SETTINGS, nlp=nlp)
    by_title = {d.title: d for d in dossier.documents}
    assert set(by_title) == {"Ferry strike ends", "Port reopens"}
    ferry = by_title["Ferry strike ends"]
    assert ferry.url == "https://coast.example/ferry" and ferry.source == "coast.rss:1"
    assert ferry.published.date == "2025-03-18" and ferry.published.basis == "metadata"
    assert ferry.label == "Coast Courier"
    # The one-line entry is reported by name and record, not analysed, and does not stop the others.
    assert [(e.source, e.stage) for e in dossier.errors] == [("coast.rss:3", "clean")]


def test_archives_a_warc_gives_its_html_pages_and_reports_what_it_cannot_read(nlp):
    page = (SAMPLE / "regional_daily.html").read_bytes()
    ferry = f"<html><head><title>Ferry strike ends</title></head><body>{_html('wire_report.txt')}</body></html>"
    archive = _warc(
        [
            ("https://daily.example/port", "text/html; charset=utf-8", "200 OK", page),
            ("https://daily.example/logo.png", "image/png", "200 OK", b"\x89PNG\r\n"),
            ("https://daily.example/gone", "text/html", "404 Not Found", b"<html>gone</html>"),
            ("https://coast.example/ferry", "text/html", "200 OK", ferry.encode()),
        ]
    )
    dossier = analyze([("crawl.warc.gz", archive)], SETTINGS, nlp=nlp)
    assert sorted(d.source for d in dossier.documents) == ["crawl.warc.gz:1", "crawl.warc.gz:4"]
    # A page without a canonical link of its own keeps the address it was crawled at.
    assert "https://coast.example/ferry" in {d.url for d in dossier.documents}
    cut = list(read_named([("cut.warc.gz", archive[: int(len(archive) * 0.9)])]))
    assert [type(i).__name__ for i in cut] == ["RawDocument", "Skipped"]
    assert cut[1].source == "cut.warc.gz:4" and "cut short" in cut[1].reason


def test_archives_files_that_only_look_like_archives_are_refused_with_the_reason():
    items = list(read_named([("notes.gz", b"\x1f\x8b..."), ("page.xml", b"hello"), ("empty.warc", b"")]))
    reasons = {i.source: i.reason for i in items}
    assert "only as a web archive (.warc.gz)" in reasons["notes.gz"]
    assert reasons["page.xml"].startswith("not a readable RSS or Atom feed")
    assert "empty" in reasons["empty.warc"]


def _pages(count: int = 3) -> list[tuple[str, str, str, bytes]]:
    """An archive's records: HTML pages with a picture between each two (a record passed over)."""
    pages: list[tuple[str, str, str, bytes]] = []
    for n in range(count):
        body = f"<html><body><p>Page {n}. {'The ferry ran late again. ' * 40}</p></body></html>"
        url = f"https://coast.example/{n}"
        pages.append((url, "text/html", "200 OK", body.encode()))
        pages.append((f"{url}.png", "image/png", "200 OK", bytes(range(256)) * 8))
    return pages


def _plain_warc(pages: list[tuple[str, str, str, bytes]]) -> bytes:
    return _warc(pages, gzip=False)


def _record_ends(archive: bytes) -> set[int]:
    """Where an archive can be cut with every record before the cut whole: at each record's end,
    and in the blank lines after one."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(io.BytesIO(archive))
    ends = set()
    for _ in records:
        ends.add(records.get_record_offset() + records.get_record_length())
    return {end + extra for end in ends for extra in range(5)}


def test_archives_a_warc_cut_anywhere_keeps_the_pages_before_the_cut_and_says_where():
    # Cut inside a record's headers, inside a page, inside a picture passed over or between two
    # gzip members: no cut stops the batch, and only a cut at a record's end goes unsaid (nothing
    # then tells an archive cut there from a whole one). Before, a cut in the headers raised out
    # of warcio and stopped every command, and a cut in a picture dropped later pages unsaid.
    for archive, name in ((_warc(_pages()), "x.warc.gz"), (_plain_warc(_pages()), "x.warc")):
        whole = [i.source for i in read_named([(name, archive)])]
        assert whole == [f"{name}:1", f"{name}:3", f"{name}:5"]
        ends = _record_ends(archive)
        # (and through each record's declared length and the start of its HTTP message: a cut in
        # the length's digits declares a shorter record, with no HTTP headers; plain ones)
        lengths = [m.end() for m in re.finditer(rb"\r\nContent-Length: ", archive)]
        for cut in [*range(1, len(archive), 11), *(n + k for n in lengths for k in range(24))]:
            after = ("z.txt", b"After the archive. " * 30)
            items = list(read_named([(name, archive[:cut]), after]))
            pages = [i.source for i in items if not isinstance(i, Skipped)]
            said = [i.reason for i in items if isinstance(i, Skipped)]
            assert pages[-1] == "z.txt" and pages[:-1] == whole[: len(pages) - 1], (name, cut)
            assert cut in ends or any("cut short" in reason for reason in said), (name, cut, said)


def test_archives_files_that_are_not_web_archives_say_so():
    notes = ("notes.warc", b"hello, this is not an archive\n" * 5)
    items = list(read_named([notes, ("noise.warc.gz", b"\x1f\x8b" + bytes(200))]))
    said = "not a web archive: it does not open on a WARC record ('WARC/1.0' and its headers)"
    assert [(i.source, i.reason) for i in items] == [
        ("noise.warc.gz:1", said),
        ("notes.warc:1", said),
    ]


def test_archives_a_page_is_read_in_the_character_set_its_headers_or_its_head_declare():
    # Legacy Cyrillic pages: mostly Latin letters, so without the declaration they were read as
    # Windows-1252 ("Îðëåâî" for "Орлево").
    text = "<p>The mayor of Орлево met the паром crew about the ferry.</p>" * 5
    page = f"<html><head><title>Talks</title></head><body>{text}</body></html>".encode("cp1251")
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    declared = page.replace(b"<head>", b"<head>" + meta)
    kind = "text/html; charset=windows-1251"
    archive = _warc([("https://coast.example/a", kind, "200 OK", page)])
    for name, data in (("crawl.warc.gz", archive), ("talks.html", declared)):
        [document] = list(read_named([(name, data)]))
        assert "Орлево" in document.text and "паром" in document.text, name
    # A page that declares a set it is not written in, or one that does not exist: as before.
    utf8 = declared.decode("cp1251").encode("utf-8")
    assert "Орлево" in next(read_named([("talks.html", utf8)])).text
    for label in (b"x-no-such-set", b"hex", b"base64"):  # (the last two: byte transforms in codecs)
        bogus = declared.replace(b"windows-1251", label)
        assert "Îðëåâî" in next(read_named([("talks.html", bogus)])).text, label


def test_archives_a_page_too_large_once_decompressed_is_reported_not_read_whole():
    import gzip

    bomb = gzip.compress(b"<html><body><p>" + b" " * 200_000 + b"</p></body></html>")
    zipped = (("Content-Encoding", "gzip"),)
    archive = _warc([("https://x.example/", "text/html", "200 OK", bomb)], more=zipped)
    [item] = list(read_named([("bomb.warc.gz", archive)], max_bytes=50_000))
    assert isinstance(item, Skipped)
    assert item.reason == "record 1's page is over the 50,000-byte limit once decompressed"


def test_archives_a_reader_that_fails_costs_its_file_only(monkeypatch):
    # A failure inside a library, on input it does not expect, is the file's error; the rest: read.
    from crosswire.stages import ingest

    def broken(data, max_bytes):  # type: ignore[no-untyped-def]
        raise AttributeError("'NoneType' object has no attribute 'startswith'")
        yield

    monkeypatch.setattr(ingest, "warc_records", broken)
    text = ("b.txt", b"The ferry ran late again today. " * 10)
    items = list(read_named([("a.warc", b"WARC/1.0\r\n"), text]))
    assert isinstance(items[0], Skipped) and items[0].source == "a.warc"
    assert items[0].reason.startswith("reading this file failed inside crosswire (AttributeError:")
    assert [i.source for i in items[1:]] == ["b.txt"]


def test_archives_feed_text_is_read_as_its_type_says():
    # An RSS description of escaped HTML without tags kept "&amp;" and "&#8217;" (and ";" ended a
    # sentence there); an Atom text construct of type "text" lost "<Orlevo>" as a tag.
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        b"<title>Coast &lt;i&gt;Courier&lt;/i&gt;</title>"
        b"<item><title>Ferry &amp;amp; port</title><guid>id-2</guid><description>"
        b"The port&amp;#8217;s ferry &amp;amp; its crew went back to work on Tuesday."
        b'</description></item><item><title>No text</title><guid isPermaLink="false">id-3</guid>'
        b"</item></channel></rss>"
    )
    first, empty = list(read_named([("coast.rss", rss)]))
    assert first.text == "The port’s ferry & its crew went back to work on Tuesday."
    meta = (first.meta_title, first.meta_outlet, first.meta_url)
    assert meta == ("Ferry & port", "Coast Courier", None)
    assert isinstance(empty, Skipped)
    assert empty.reason == "entry 2 carries no text (no content, no summary)"
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title>'
        b'<entry><title type="html">&lt;b&gt;Talks&lt;/b&gt; resume</title><id>urn:1</id>'
        b'<updated>2025-03-18T09:00:00Z</updated><content type="text">'
        b"3 &lt; 5 boats sailed while &lt;Orlevo&gt; said x &amp;amp; y.</content></entry></feed>"
    )
    [entry] = list(read_named([("desk.atom", atom)]))
    assert entry.text == "3 < 5 boats sailed while <Orlevo> said x &amp; y."
    assert entry.meta_title == "Talks resume"


def test_archives_a_feed_cut_short_says_so_and_keeps_its_entries_before():
    feed = _feed()
    items = list(read_named([("coast.rss", feed[: len(feed) * 2 // 3])]))
    said = [i.reason for i in items if isinstance(i, Skipped)]
    cut = "the feed is cut short or malformed (SAXParseException"
    assert any(reason.startswith(cut) for reason in said)
    assert "coast.rss:1" in [i.source for i in items if not isinstance(i, Skipped)]


def test_archives_a_feed_or_an_archive_piped_in_is_read_as_one(monkeypatch):
    # Piped to '-', a feed was one document of raw markup titled '<?xml version="1.0"?>', and a web
    # archive one of WARC headers.
    import sys
    import types

    from crosswire.stages.ingest import read

    page = f"<html><body>{_html('wire_report.txt')}</body></html>".encode()
    archive = _warc([("https://coast.example/ferry", "text/html", "200 OK", page)])
    prose = b"The ferry ran late again on Tuesday. " * 10
    for data, title in ((_feed(), "Ferry strike ends"), (archive, None)):
        monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
        first = next(read(["-"]))
        assert (first.source, first.meta_title) == ("<stdin>:1", title)
        assert first.meta_url == "https://coast.example/ferry"
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(prose)))
    [text] = list(read(["-"]))
    assert (text.source, text.format) == ("<stdin>", "text")


def test_archives_a_whole_archive_larger_than_a_read_block_is_read_whole():
    # warcio unpacks 16 KiB at a time: a record whose gzip member ended a few bytes past a block
    # was taken for one cut short (its member's end not yet read), and the pages after it lost.
    import random

    from crosswire.stages._archives import warc_records

    noise = random.Random(2).randbytes(20_000)
    near = []
    for size in range(15_900, 16_010):
        page = ("https://x.example/", "text/html", "200 OK", b"<html><p>" + noise[:size])
        archive = _warc([page])
        if 16_384 < len(archive) <= 16_384 + 16:
            near.append(archive)
    assert near
    for archive in near:
        assert [type(record) for _, record in warc_records(archive, 10**6)] == [dict]
    sizes = [200 + 37 * n for n in range(300)]
    pages = [(f"https://x.example/{n}", "text/html", "200 OK", noise[:size]) for n, size in enumerate(sizes)]
    records = list(warc_records(_warc(pages), 10**6))
    assert len(records) == 300 and all(isinstance(record, dict) for _, record in records)
