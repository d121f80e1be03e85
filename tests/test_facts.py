from __future__ import annotations

import pytest
from conftest import doc


@pytest.mark.parametrize("prefix, date", [("002_", "2023-06-27"), ("004_", "2023-06-26")])
def test_facts_reference_dated_articles_get_stated_dates(reference_dossier, prefix, date):
    published = doc(reference_dossier, prefix).published
    assert (published.date, published.basis) == (date, "stated")


@pytest.mark.parametrize("prefix", ["000_", "001_", "003_"])
def test_facts_reference_undated_articles_never_claim_stated(reference_dossier, prefix):
    published = doc(reference_dossier, prefix).published
    assert published.basis != "stated"
    if published.basis == "inferred":
        assert published.evidence and "on or after" in published.evidence


def test_facts_reference_genres_and_outlets(reference_dossier):
    assert doc(reference_dossier, "003_").genre == "breaking"
    assert doc(reference_dossier, "001_").genre == "live_blog"
    assert doc(reference_dossier, "002_").byline == "Clara Weiss"
    assert doc(reference_dossier, "002_").outlet == "WSWS"
    # The second page's footer misspells the outlet; its site link and byline say it is the same one.
    typo = doc(reference_dossier, "004_")
    assert typo.outlet == "WSWS"
    assert typo.outlet_evidence and "spelled 'WWSWS' here" in typo.outlet_evidence


@pytest.mark.parametrize(
    "prefix, outlet, date, basis, genre",
    [
        ("wire_report", "Meridian Wire", "2025-03-18", "stated", "news"),
        ("live_blog", "The Dravnik Lantern", "2025-03-17", "stated", "live_blog"),
        ("opinion", "The National Standard", "2025-03-19", "stated", "opinion"),
        ("breaking", "Flashpoint News", "2025-03-15", "inferred", "breaking"),  # "since Saturday", on or after
        ("regional_daily", "The Orlevo Courier", "2025-03-18", "metadata", "news"),
        ("feed-2", "Lestovian Press Agency", "2025-03-21", "metadata", "news"),
    ],
)
def test_facts_sample_documents(sample_dossier, prefix, outlet, date, basis, genre):
    document = doc(sample_dossier, prefix)
    assert (document.outlet, document.published.date, document.published.basis, document.genre) == (
        outlet,
        date,
        basis,
        genre,
    )
    assert document.language == "en"


def test_facts_sample_bylines(sample_dossier):
    assert doc(sample_dossier, "wire_report").byline == "Ana Torres"
    assert doc(sample_dossier, "opinion").byline == "José Ibarra"
    assert doc(sample_dossier, "regional_daily").byline == "Marta Kovel"


def test_facts_a_date_in_a_plan_does_not_date_the_article():
    from crosswire.models import Document, Published
    from crosswire.stages.facts import document_facts

    body = (
        "Drivers blocked the ring road in Orlevo on 14 March 2025, the union said. "
        "The new contract will be signed on 2 April 2025 in the capital, officials said."
    )
    page = Document(
        id="p",
        source="p.txt",
        title="Strike",
        outlet=None,
        byline=None,
        published=Published(None, "unknown", ""),
        language="en",
        genre="news",
        paragraphs=(body,),
        removed=(),
    )
    published = document_facts(page).published
    assert (published.date, published.basis) == ("2025-03-14", "inferred")
    assert "plans left out" in published.evidence
