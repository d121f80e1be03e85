"""Outlet identity across a pile, on invented documents: the strongest evidence decides, not a footer's spelling."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from crosswire.models import Document, Published, Removed
from crosswire.stages.facts import document_facts, outlet_view, same_outlets


def _page(name: str, footer: str = "", link: str = "", byline: str | None = None, url: str | None = None) -> Document:
    removed = []
    if footer:
        removed.append(Removed("boilerplate", f"To contact the {footer} and its editors visit:"))
    if link:
        removed.append(Removed("boilerplate", f"**[{link}/contact](https://{link}/contact)**"))
    body = ("The harbour bridge in Tarnholm reopened on Monday after repairs that lasted six weeks.",)
    document = Document(
        id=name,
        source=f"{name}.txt",
        title=f"Bridge reopens ({name})",
        outlet=None,
        byline=byline,
        published=Published(None, "unknown"),
        language="en",
        genre="news",
        paragraphs=body,
        removed=tuple(removed),
        url=url,
    )
    return document_facts(document)


def test_facts_footer_outlet_keeps_its_evidence():
    page = _page("a", footer="Tarn Gazette", link="tarngazette.com")
    assert page.outlet == "Tarn Gazette"
    assert page.outlet_evidence and "contact notice" in page.outlet_evidence


def test_facts_typo_in_footer_with_same_site_and_byline_is_one_outlet():
    pages = same_outlets(
        [
            _page("a", footer="TGZ", link="www.tgz.net", byline="Irena Halvik"),
            _page("b", footer="TTGZ", link="tgz.net", byline="Irena Halvik"),
            _page("c", footer="Harbour Post", link="harbourpost.org", byline="Jon Bale"),
        ]
    )
    assert [p.outlet for p in pages] == ["TGZ", "TGZ", "Harbour Post"]
    typo = pages[1]
    assert typo.outlet_evidence and "spelled 'TTGZ' here" in typo.outlet_evidence
    assert "matches tgz.net" in typo.outlet_evidence
    assert pages[2].outlet_evidence and "one outlet with" not in pages[2].outlet_evidence


def test_facts_same_site_link_alone_makes_one_outlet_and_prefers_the_sites_spelling():
    # Two spellings the byline cannot tie (different reporters), both pointing to their own site.
    pages = same_outlets(
        [
            _page("a", footer="Dayly Ledger", link="dailyledger.com", byline="Ana Rook"),
            _page("b", footer="Daily Ledger", link="dailyledger.com", byline="Per Lind"),
            _page("c", footer="Dayly Ledger", link="dailyledger.com"),
        ]
    )
    assert {p.outlet for p in pages} == {"Daily Ledger"}


def test_facts_near_spelling_alone_is_not_one_outlet():
    pages = same_outlets([_page("a", footer="Tarn News"), _page("b", footer="Tarn Newz")])
    assert [p.outlet for p in pages] == ["Tarn News", "Tarn Newz"]


def test_facts_byline_and_near_spelling_make_one_outlet_most_frequent_spelling_wins():
    pages = same_outlets(
        [
            _page("a", footer="Morning Courant", byline="By Lea Strand"),
            _page("b", footer="Morning Courrant", byline="Lea Strand"),
            _page("c", footer="Morning Courant", byline="Lea Strand"),
        ]
    )
    assert {p.outlet for p in pages} == {"Morning Courant"}
    assert "most frequent" in (pages[1].outlet_evidence or "")


@pytest.mark.parametrize(
    "first, second",
    [
        # A shared host that matches neither outlet's name: an aggregator carrying two outlets.
        (
            dict(footer="Tarn Gazette", url="https://news.portalhub.com/a"),
            dict(footer="Harbour Post", url="https://news.portalhub.com/b"),
        ),
        # One reporter writing for two outlets whose names are not near.
        (dict(footer="Tarn Gazette", byline="Irena Halvik"), dict(footer="Harbour Post", byline="Irena Halvik")),
        # Short names an edit apart, with the same reporter: too short to call a typo.
        (dict(footer="KTB", byline="Irena Halvik"), dict(footer="KTV", byline="Irena Halvik")),
    ],
)
def test_facts_weak_evidence_keeps_outlets_apart(first, second):
    pages = same_outlets([_page("a", **first), _page("b", **second)])
    assert pages[0].outlet != pages[1].outlet


def test_facts_host_named_page_joins_the_outlet_of_its_site():
    # No name on the page: its host stands in, and the named page of the same site gives the spelling.
    named = _page("a", footer="Tarn Gazette", link="tarngazette.com")
    bare = _page("b", url="https://www.tarngazette.com/2025/bridge")
    assert bare.outlet == "tarngazette.com"
    pages = same_outlets([named, bare])
    assert [p.outlet for p in pages] == ["Tarn Gazette", "Tarn Gazette"]


def test_facts_no_outlet_is_shown_by_title_not_id():
    page = _page("9f2c41d0aa", byline=None)
    assert page.outlet is None and page.label == "Bridge reopens (9f2c41d0aa)"


def test_facts_untitled_page_without_outlet_is_shown_by_its_kind_and_date_not_its_opening_words():
    from dataclasses import replace

    page = replace(_page("9f2c41d0aa", byline=None), title=None, genre="live_blog")
    assert page.outlet is None and page.url is None
    assert page.label.startswith("untitled live blog")
    assert "9f2c41d0aa" not in page.label and not any(s.text[:20] in page.label for s in page.sentences)


def test_facts_a_wire_services_many_pages_are_one_outlet_with_short_evidence():
    # 400 pages of one wire service (its site on every page, two spellings of its name) and two of a
    # paper sharing the service's reporter: every wire page is one outlet, and its evidence names a
    # few of the others and counts the rest, rather than citing all 399 (a day of news holds
    # thousands of one agency's pages: every pair cited would be millions of lines).
    wire = [
        _page(f"w{n:03d}", footer="Tarn Wire" if n % 7 else "Tarn Wyre", link="tarnwire.com", byline="Ola Brenn")
        for n in range(400)
    ]
    paper = [_page(f"p{n}", footer="Harbour Post", link="harbourpost.org", byline="Ola Brenn") for n in range(2)]
    pages = same_outlets([*wire, *paper])
    assert {p.outlet for p in pages[:400]} == {"Tarn Wire"} and [p.outlet for p in pages[400:]] == ["Harbour Post"] * 2
    first = pages[0].outlet_evidence or ""
    assert first.count("both point to tarnwire.com as their own site") == 3
    assert "and 396 other documents of it" in first
    assert max(len(p.outlet_evidence or "") for p in pages) < 1000
    typo = pages[7].outlet_evidence or ""
    assert "spelled 'Tarn Wyre' here, shown as 'Tarn Wire'" in typo
    paper_page = pages[400].outlet_evidence or ""  # the shared reporter does not make it the wire's
    assert "one outlet with “Bridge reopens (p1)”" in paper_page and "Tarn" not in paper_page


def test_facts_outlet_evidence_names_only_documents_of_the_same_outlet():
    # Random piles of near spellings, shared bylines and shared sites: whatever is respelled, each
    # document's evidence names at least one document, and only documents of its own outlet.
    import random
    import re

    outlets = ["Daily Ledger", "Daily Ledgr", "Dayly Ledger", "DL", "dl", "D.L.", "Tarn Gazette", "Tarn Gazete", "TGZ"]
    bylines = [None, "Ana Rook", "By Ana Rook", "ANA ROOK", "Per Lind"]
    sites = ["", "dailyledger.com", "dl.com", "tgz.net", "aggregator.com"]
    for seed in range(300):
        rnd = random.Random(seed)
        pages = [
            _page(f"d{n}", footer=rnd.choice(outlets), link=rnd.choice(sites), byline=rnd.choice(bylines))
            for n in range(rnd.randint(2, 25))
        ]
        grouped = same_outlets(pages)
        outlet_of = {p.title: p.outlet for p in grouped}
        for page in grouped:
            note = (page.outlet_evidence or "").split("one outlet with ", 1)
            if len(note) == 1:
                continue
            named = re.findall(r"“([^”]*)”", note[1])
            assert named, (seed, page.outlet_evidence)
            assert {outlet_of[title] for title in named} == {page.outlet}, (seed, page.outlet_evidence)


def test_facts_a_piles_outlets_grouped_on_disk_are_those_grouped_in_memory():
    # A large pile's outlet facts wait in a file and are grouped there, one outlet at a time, so that
    # memory does not grow with the pile. Whatever order the pages are read in, the documents it
    # respells or explains, their spellings and their evidence are those same_outlets gives the whole
    # pile in memory, in the pile's order (date, then content hash); and a page in a language not
    # read here is reported in that order.
    import random
    from dataclasses import replace

    from crosswire.analysis.outlets import PileOutlets

    outlets = ["Daily Ledger", "Daily Ledgr", "Dayly Ledger", "DL", "dl", "D.L.", "Tarn Gazette", "Tarn Gazete", "--"]
    bylines = [None, "Ana Rook", "By Ana Rook", "ANA ROOK", "Per Lind"]
    sites = ["", "dailyledger.com", "dl.com", "tgz.net", "aggregator.com"]
    respelled_somewhere = 0
    for seed in range(80):
        rnd = random.Random(seed)
        pages = [
            replace(
                _page(f"d{n}", footer=rnd.choice(outlets), link=rnd.choice(sites), byline=rnd.choice(bylines)),
                published=Published(rnd.choice([None, "2023-06-24", "2023-06-25"]), "stated"),
                language=rnd.choice(["en"] * 9 + ["de"]),
            )
            for n in range(rnd.randint(2, 40))
        ]
        order_key = {p.id: f"{rnd.getrandbits(32):08x}" for p in pages}
        in_order = sorted(pages, key=lambda d: (d.published.date or "~", order_key[d.id], d.id))
        expected = {
            after.id: (after.outlet, after.outlet_evidence)
            for before, after in zip(in_order, same_outlets(in_order), strict=True)
            if after != before
        }
        rnd.shuffle(pages)
        with PileOutlets() as pile:
            for start in range(0, len(pages), 7):
                chunk = pages[start : start + 7]
                pile.add(chunk, [order_key[p.id] for p in chunk])
            pairs = list(pile.grouped())
            unread = pile.not_read()
        assert {after.id: (after.outlet, after.outlet_evidence) for _, after in pairs} == expected, seed
        assert all(before.outlet == p.outlet for before, _ in pairs for p in pages if p.id == before.id)
        assert [doc_id for doc_id, _ in unread] == [p.id for p in in_order if p.language == "de"]
        assert all(e.source == f"{doc_id}.txt" and "German" in e.reason for doc_id, e in unread)
        respelled_somewhere += any(before.outlet != after.outlet for before, after in pairs)
    assert respelled_somewhere > 20  # the piles do respell, not only explain


def test_facts_an_outlet_view_interns_none_of_its_documents_strings(monkeypatch):
    # A pile writes each view to a file at once: interning strings that then die churned the table
    # of interned strings its reading process shares with the process it was forked from.
    interned: list[str] = []
    intern = sys.intern
    monkeypatch.setattr(sys, "intern", lambda text: interned.append(text) or intern(text))
    page = _page("tarnholm-9", byline="By Ilse Varga-Unique")
    page = replace(page, outlet="The Tarnholm Unique Courier")
    view = outlet_view(page)
    assert (view.outlet, view.byline, view.paragraphs) == (page.outlet, page.byline, ())
    assert not [text for text in interned if "Unique" in text]
