"""The HTML dossier: self-contained, complete, and no article string is ever live markup."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze
from crosswire.output.html import SCRIPT, to_html

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
