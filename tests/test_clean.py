from __future__ import annotations

import re

from conftest import SAMPLE, body, doc
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswire.models import RawDocument
from crosswire.stages.clean import _MD_EMPHASIS, _link_only, _strip_emphasis, clean
from crosswire.stages.ingest import read


def _raw(text: str, fmt: str = "text") -> RawDocument:
    return RawDocument(id="t", source="t.txt", text=text, format=fmt)


def test_clean_joins_lines_broken_mid_sentence():
    text = (
        "Headline here\n\nThe minister said the talks would continue after the\n\nweekend, officials confirmed.\n\n"
        "A second paragraph that is complete on its own line."
    )
    document = clean(_raw(text))
    assert (
        document.paragraphs[0] == "The minister said the talks would continue after the weekend, officials confirmed."
    )
    assert document.title == "Headline here"


def test_clean_keeps_short_complete_paragraphs_apart():
    text = "Title line\n\nFirst sentence ends here.\nSecond line is its own paragraph of the report."
    assert len(clean(_raw(text)).paragraphs) == 2


def test_clean_removes_repeated_title_and_breaking_notice():
    text = (
        "This is a breaking story. Please check back for updates.\n\nBig news today\nBig news today\n\n"
        "Something happened in the capital on Monday and officials are investigating it now."
    )
    document = clean(_raw(text))
    kinds = [r.kind for r in document.removed]
    assert document.title == "Big news today"
    assert kinds[:3] == ["boilerplate", "title", "duplicate"]


def test_clean_reference_live_blog_drops_reader_comments_keeps_article(reference_dossier):
    text = body(reference_dossier, "001_")
    assert "Thinking about what Putin" not in text
    assert "Noddy" not in text and "Ha! Agree." not in text
    assert "He launched the rebellion on Friday" in text  # the last paragraph of reporting stays
    comments = [r for r in doc(reference_dossier, "001_").removed if r.kind == "comments"]
    assert len(comments) == 1 and comments[0].text.startswith("Thinking about what Putin")


def test_clean_reference_drops_contact_lines_and_joins_broken_lines(reference_dossier):
    for prefix in ("002_", "004_"):
        assert "To contact" not in body(reference_dossier, prefix)
        assert any(
            r.text.startswith("To contact") and r.kind == "boilerplate" for r in doc(reference_dossier, prefix).removed
        )
    assert "released after Prigozhin published an 11-minute audio recording" in body(reference_dossier, "002_")
    assert "former Deputy Defense Minister Andrei Kartapolov" in body(reference_dossier, "004_")


def test_clean_reference_repeated_title_recorded(reference_dossier):
    first = doc(reference_dossier, "000_")
    assert first.title == "Coup attempt Putin offers military service or exile to insurgents in Belarus"
    assert [r.kind for r in first.removed][:2] == ["title", "duplicate"]


def test_clean_sample_live_blog_comments_removed(sample_dossier):
    text = body(sample_dossier, "live_blog")
    assert "hello from Sarnovo" not in text and "i heard Marchenko was already arrested" not in text
    assert "Police have withdrawn to the southern edge" in text


def test_clean_sample_html_drops_navigation_and_footer(sample_dossier):
    page = doc(sample_dossier, "regional_daily")
    text = body(sample_dossier, "regional_daily")
    assert "We use cookies" not in text and "All rights reserved" not in text and "Related stories" not in text
    assert {"navigation", "boilerplate"} <= {r.kind for r in page.removed}


def test_clean_sample_hard_wrapped_opinion_is_joined(sample_dossier):
    text = body(sample_dossier, "opinion")
    assert "the self-appointed champion of the so-called Independent Hauliers’ Association, met" in text


def test_clean_empty_page_is_an_input_error():
    import pytest

    from crosswire.errors import InputError

    with pytest.raises(InputError):
        clean(_raw("Subscribe now\n\nAll rights reserved"))


def test_clean_reads_every_sample_file():
    assert len(list(read([str(SAMPLE)]))) == 7


# The pattern clean used before it was made linear: the fast form must agree with it on every line.
_OLD_LINK_ONLY = re.compile(r"^[*_\s]*\[?[^\s\]]*\]?\(?https?://\S+\)?[*_\s]*$|^[*_\s]*\[[^\]]+\]\([^)]+\)[*_\s]*$")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="*_ a\t[]()h:/tps.", max_size=40))
def test_clean_link_only_and_emphasis_agree_with_the_plain_patterns(line):
    assert _link_only(line) == bool(_OLD_LINK_ONLY.match(line))
    assert _strip_emphasis(line) == _MD_EMPHASIS.sub(r"\2", line)


def test_clean_markdown_links_keep_their_text_even_with_parentheses_in_the_url():
    text = (
        "# Harbour pier to close\n\n"
        "The harbour authority said on Tuesday that the northern pier, described in "
        "[its Wikipedia entry](https://en.wikipedia.org/wiki/Pier_(harbour)), would close for six weeks of "
        "repairs after inspectors found cracks in two of its supporting columns, "
        '[the notice](https://example.org/notice "Notice") said.\n'
    )
    cleaned = clean(RawDocument(id="p", source="p.md", text=text, format="markdown"))
    assert "its Wikipedia entry, would close" in cleaned.body
    assert "the notice said" in cleaned.body and "https://" not in cleaned.body
