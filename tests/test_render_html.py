"""The HTML dossier: self-contained, complete, and no article string is ever live markup."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

import lxml.html
import pytest
from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze
from crosswire.output.html import SCRIPT, counted, to_html, words

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click me</a>',
    "[a link](javascript:alert(2))",
    '"><svg onload=alert(3)>',
]


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.js_urls: list[str] = []
        self.external: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "src", "action", "xlink:href") and value:
                if value.strip().lower().startswith("javascript:"):
                    self.js_urls.append(value)
                if value.startswith(("http:", "https:", "//")):
                    self.external.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("hostile")
    body = " ".join(f"Officials said the payload {p} appeared in a post on Monday about the strike." for p in PAYLOADS)
    (folder / "evil.txt").write_text(f"Headline {PAYLOADS[0]}\n\n{body}\n\n{body}", encoding="utf-8")
    (folder / "feed.jsonl").write_text(
        json.dumps(
            {
                "text": "The council said on Tuesday that the bridge would reopen after its deck was repaired. " * 3,
                "title": PAYLOADS[1],
                "outlet": PAYLOADS[2],
                "url": "javascript:alert(4)",
                "published": "2025-03-18",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    dossier = analyze([str(folder)], SETTINGS, nlp=nlp)
    return to_html(dossier, "test")


def test_render_html_no_article_string_is_live(hostile_html):
    audit = _Audit()
    audit.feed(hostile_html)
    assert audit.scripts == [SCRIPT]  # only our own script
    assert audit.handlers == []
    assert audit.js_urls == []
    assert "<script>alert" not in hostile_html and 'onerror="alert' not in hostile_html
    assert "&lt;script&gt;alert(" in hostile_html  # the text is still shown, as text


def test_render_html_is_self_contained(sample_dossier):
    page = to_html(sample_dossier, "test")
    audit = _Audit()
    audit.feed(page)
    assert audit.external == []
    assert "default-src 'none'" in page
    assert "<svg" in page and 'id="matrix"' in page


def test_render_html_citations_point_at_source_sentences(sample_dossier):
    page = to_html(sample_dossier, "test")
    for sentence in sample_dossier.brief.summary:
        assert f'href="#claim-{sentence.claims[0]}"' in page
    anchors = {a.split('"')[0] for a in page.split('href="#src-')[1:]}
    ids = {i.split('"')[0] for i in page.split('id="src-')[1:]}
    assert anchors and anchors <= ids


def _claim_elements(page: str) -> dict[str, lxml.html.HtmlElement]:
    tree = lxml.html.fromstring(page)
    return {e.get("id")[len("claim-") :]: e for e in tree.xpath("//*[@id='claims']//*[starts-with(@id, 'claim-')]")}


def test_render_html_prints_each_claim_sentence_once(sample_dossier):
    page = to_html(sample_dossier, "test")
    elements = _claim_elements(page)
    index = {d.id: i for i, d in enumerate(sample_dossier.documents)}
    assert set(elements) == {c.id for c in sample_dossier.claims}  # every claim has its place
    for claim in sample_dossier.claims:
        text = " ".join(elements[claim.id].text_content().split())
        for mention in claim.mentions:
            sentence = " ".join(mention.text.split())
            assert text.count(sentence) == 1, (claim.id, sentence)
        # Provenance: each mention still links to its own sentence in the source text.
        links = {a.get("href") for a in elements[claim.id].iter("a")}
        assert {f"#src-{index[m.doc]}-{m.sentence}" for m in claim.mentions} <= links, claim.id


def test_render_html_claims_strongest_first_and_the_single_source_tail_folded(sample_dossier):
    page = to_html(sample_dossier, "test")
    tree = lxml.html.fromstring(page)
    claims = {c.id: c for c in sample_dossier.claims}
    shown = [e.get("id")[len("claim-") :] for e in tree.xpath("//*[@id='claims']/div[@class='claim-group']/*[@id]")]
    folded = [e.get("id")[len("claim-") :] for e in tree.xpath("//details[@id='single-source']//li[@id]")]
    assert shown and folded and len(shown) + len(folded) == len(claims)
    assert all(claims[c].independent_sources < 2 and claims[c].status == "single_source" for c in folded)
    counts = [claims[c].independent_sources for c in shown if claims[c].status == "corroborated"]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(c.independent_sources for c in claims.values())
    # The matrix starts with the claim most independent sources carry.
    first_row = tree.xpath("//table[@id='matrix']/tbody/tr[1]//a")[0].get("href")
    assert claims[first_row[len("#claim-") :]].independent_sources == counts[0]


def test_render_html_labels_in_words(sample_dossier):
    page = to_html(sample_dossier, "test")
    tree = lxml.html.fromstring(page)
    tags = " ".join(t.text_content() for t in tree.xpath("//*[contains(@class, 'tag')]"))
    assert "single_source" not in tags and "live_blog" not in tags
    facts = " ".join(tree.xpath("//dl[@class='facts']/dd[not(@class='muted')]//text()"))  # not the file's name
    assert "live blog" in facts and "(unknown)" not in facts and "live_blog" not in facts
    assert not re.search(r"(?<![\d,.])1 (?:claims|documents|conflicts|sentences|parts)\b", page)
    assert counted(1, "report") == "1 report" and counted(3, "source") == "3 sources"
    assert counted(1, "entity", "entities") == "1 entity" and counted(0, "entity", "entities") == "0 entities"
    assert words("single_source", "status") == "single source" and words("GPE", "entity") == "country, state or city"


def test_render_html_filters_are_absent_without_the_script(sample_dossier):
    """The filter bars are hidden until the script shows them; every claim's row is in the matrix
    (a story of fewer claims and documents than it holds, ``MATRIX_ROWS``)."""
    tree = lxml.html.fromstring(to_html(sample_dossier, "test"))
    bars = tree.xpath("//div[contains(@class, 'filters') or contains(@class, 'sortbar')]")
    assert bars and all(b.get("hidden") is not None for b in bars)
    assert len(tree.xpath("//table[@id='matrix']/tbody/tr")) == len(sample_dossier.claims)


def test_render_html_reference_tail_is_folded(reference_dossier):
    """The reference corpus: nearly every claim rests on one source; they are folded, not printed."""
    tree = lxml.html.fromstring(to_html(reference_dossier, "test"))
    open_claims = tree.xpath("//*[@id='claims']/div[@class='claim-group']/*[@id]")
    folded = tree.xpath("//details[@id='single-source']//li[@id]")
    assert len(folded) > 10 * len(open_claims)
    assert len(open_claims) + len(folded) == len(reference_dossier.claims)


def test_render_html_and_markdown_say_copies_apart_from_inputs_not_analysed(sample_dossier):
    # A copy read once is no input that failed: each has its own section, in both renderers, and
    # what it says is escaped like any article string.
    from dataclasses import replace

    from crosswire.models import COPY, Skipped
    from crosswire.output.markdown import to_markdown

    failed = Skipped("empty.txt", "ingest", "file is empty")
    said = "the same article as a.txt (alike in every field): read once"
    copy = Skipped("again <b>.txt", COPY, said)
    dossier = replace(sample_dossier, errors=(failed, copy))
    page = lxml.html.fromstring(to_html(dossier, "test"))
    [errors] = page.xpath("//section[@id='errors']")
    [copies] = page.xpath("//section[@id='copies']")
    assert [li.text_content() for li in errors.xpath(".//li")] == ["empty.txt: file is empty"]
    assert [li.text_content() for li in copies.xpath(".//li")] == [f"again <b>.txt: {copy.reason}"]
    text = to_markdown(dossier)
    order = ["## Inputs not analysed", "- empty.txt", "## Copies read once", "- again"]
    assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
    assert not page.xpath("//section[@id='copies']//b")


def test_render_html_a_large_storys_table_shows_its_strongest_claims_and_no_false_blank(
    sample_dossier,
    monkeypatch,
):
    """A story with more claims and documents than the "who carries what" table holds (a
    1,000-article story's was 32 million cells, a page of 1.6 GB): the table shows the strongest
    claims, a column for each of the documents that carry most of them and one for the others, and
    says so; a row is never blank where some document carries its claim; every claim is still
    listed under Claims. (Shrunk here to the sample: 10 rows, 4 columns.)"""
    from crosswire.output import html

    monkeypatch.setattr(html, "MATRIX_ROWS", 10)
    monkeypatch.setattr(html, "MATRIX_COLUMNS", 4)
    page = lxml.html.fromstring(to_html(sample_dossier))
    rows = page.xpath('//table[@id="matrix"]/tbody/tr')
    headers = [th.text_content() for th in page.xpath('//table[@id="matrix"]/thead/tr/th')]
    documents = len(sample_dossier.documents)
    assert len(rows) == 10 and len(headers) == 1 + 4
    assert headers[-1] == f"{documents - 3} other documents"
    claims = {c.id: c for c in sample_dossier.claims}
    shown = [claims[row.xpath("./td/a")[0].text] for row in rows]
    corroborated = {c.id for c in claims.values() if c.independent_sources >= 2}
    assert 0 < len(corroborated) < 10  # (the sample's; every one shown, first: the strongest)
    assert {c.id for c in shown[: len(corroborated)]} == corroborated
    # The named columns are the documents that carry the most of the claims shown.
    column_of = {s["label"]: s["id"] for s in html.view(sample_dossier)["sources"]}
    named = {column_of[h] for h in headers[1:-1]}
    carried = Counter(doc for c in shown for doc in {m.doc for m in c.mentions})
    assert sorted(carried[doc] for doc in named) == sorted(carried.values())[-3:]
    only_others = 0
    for claim, row in zip(shown, rows, strict=True):
        cells = row.xpath('./td[contains(@class, "cell")]')
        assert len(cells) == 4 and any(td.text_content() for td in cells)  # (no false blank)
        others = {m.doc: m.certainty for m in claim.mentions if m.doc not in named}
        ways = Counter(others.values())
        last, title = cells[-1].text_content(), cells[-1].get("title")
        if ways:
            each = ", ".join(f"{words(way, 'certainty')} {n}" for way, n in ways.most_common())
            assert title == f"of the other documents: {each}"
            assert last == html.CERTAINTY_MARK[ways.most_common(1)[0][0]] or len(ways) > 1
        else:
            assert title == "none of the other documents carries it" and not last
        only_others += bool(others) and not any(m.doc in named for m in claim.mentions)
    assert only_others  # (a row whose only mark is in the last column: what would read blank)
    note = page.xpath('//section[@id="matrix-section"]/p[@class="muted"]')[0].text_content()
    assert f"The 10 strongest of {len(claims)} claims" in note
    assert f"the other {documents - 3} documents" in note
    listed = {a.get("id") for a in page.xpath('//section[@id="claims"]//*[@id]')}
    assert all(f"claim-{c}" in listed for c in claims)
