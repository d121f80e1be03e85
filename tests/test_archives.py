"""News in bulk: RSS/Atom feeds and web archives (WARC) read as documents, bad records reported and the
rest kept."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from conftest import SAMPLE, SETTINGS
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crosswire.analysis.pipeline import analyze
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


def _warc(pages: list[tuple[str, str, str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, kind, status, body in pages:
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
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
