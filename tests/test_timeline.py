from __future__ import annotations

from datetime import date

import pytest

from crosswire.stages._spans import find_times
from crosswire.stages.timeline import _relative


@pytest.mark.parametrize(
    "expression, anchor, future, expected",
    [
        ("on saturday", date(2023, 6, 26), False, "2023-06-24"),
        ("late on monday", date(2023, 6, 26), False, "2023-06-26"),
        ("friday night", date(2023, 6, 26), False, "2023-06-23"),
        ("yesterday", date(2025, 3, 17), False, "2025-03-16"),
        ("on saturday", date(2025, 3, 21), True, "2025-03-22"),
        ("on 1 march", date(2025, 3, 17), False, "2025-03-01"),
    ],
)
def test_timeline_relative_expressions(expression, anchor, future, expected):
    assert _relative(expression, anchor, future)[0] == expected


def _times(dossier, doc_prefix, expression):
    return [m for e in dossier.timeline for m in e.evidence if m.doc.startswith(doc_prefix) and m.text == expression]


def test_timeline_reference_saturday_in_monday_article(reference_dossier):
    (mention,) = _times(reference_dossier, "004_", "Saturday evening")
    assert mention.date == "2023-06-24" and mention.anchor == "2023-06-26"


def test_timeline_undated_document_resolves_against_story_with_lower_confidence(reference_dossier):
    mentions = _times(reference_dossier, "000_", "late on Monday")
    assert mentions and all(m.anchor_basis == "story" and m.confidence < 0.5 for m in mentions)
    assert mentions[0].date == "2023-06-26"


def test_timeline_sample_entries_sorted_and_cite_sentences(sample_dossier):
    dates = [e.date + ("-99" if e.precision != "day" else "") for e in sample_dossier.timeline if not e.background]
    assert dates == sorted(dates)  # a month or year after the days within it
    friday = [e for e in sample_dossier.timeline if e.date == "2025-03-14"]
    assert friday and all(m.text == "on Friday night" for e in friday for m in e.evidence)


def _pile(tmp_path, nlp, rows):
    import json

    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    path = tmp_path / "pile.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return analyze([str(path)], SETTINGS, nlp=nlp)


FILLER = "Officials in the capital said the situation remained calm, and traffic moved normally through the centre."


def _when_by_second_word(tmp_path, nlp, title: str, text: str) -> dict[str, tuple[str | None, str]]:
    """(date, basis) of each claim mention of a one-document pile published 2023-06-28, keyed by
    the second word of its span."""
    dossier = _pile(tmp_path, nlp, [{"id": "a", "title": title, "text": text, "published": "2023-06-28"}])
    return {m.span.split()[1]: (m.when, m.when_basis) for c in dossier.claims for m in c.mentions}


def test_timeline_history_is_background_and_the_story_starts_on_its_own_days(tmp_path, nlp):
    text = (
        "Protesters blocked the main bridge in Orlevo on Saturday, the third day of the strike. "
        "The union was founded in 1991 after a long dispute over pay. " + FILLER
    )
    dossier = _pile(tmp_path, nlp, [{"id": "a", "title": "Strike", "text": text, "published": "2023-06-26"}])
    by_date = {e.date: e for e in dossier.timeline}
    assert by_date["1991"].background and not by_date["2023-06-24"].background
    assert [e.date for e in dossier.timeline if not e.background][0] == "2023-06-24"


def test_timeline_opens_with_a_day_and_a_month_comes_after_its_days(tmp_path, nlp):
    text = (
        "Protesters blocked the main bridge in Orlevo on Saturday, the third day of the strike. "
        "This month, the union refused to sign the new contract with the port. " + FILLER
    )
    dossier = _pile(tmp_path, nlp, [{"id": "a", "title": "Strike", "text": text, "published": "2023-06-26"}])
    dates = [e.date for e in dossier.timeline if not e.background]
    assert dates[0] == "2023-06-24" and "2023-06" in dates
    assert dates.index("2023-06") > dates.index("2023-06-24")


def test_timeline_undated_document_is_dated_from_its_own_text(tmp_path, nlp):
    dated = {"id": "a", "title": "Strike", "text": "Drivers went on strike in Orlevo on Friday. " + FILLER}
    undated = {"id": "b", "title": "Talks", "text": "The minister met the drivers late on Monday in Orlevo. " + FILLER}
    dossier = _pile(tmp_path, nlp, [dated | {"published": "2023-06-27"}, undated])
    published = {d.title: d.published for d in dossier.documents}
    assert published["Talks"].date == "2023-06-26" and published["Talks"].basis == "inferred"
    assert "late on Monday" in published["Talks"].evidence and "on or after" in published["Talks"].evidence


def test_timeline_each_claim_is_dated_where_its_text_places_it(tmp_path, nlp):
    text = (
        "The transport minister resigned in Orlevo on Monday after a week of protests.\n\n"
        "The drivers' union has welcomed the resignation of the transport minister.\n\n"
        "The old bridge had been closed to lorries for repairs since the spring.\n\n"
        "The new minister will meet the drivers' union in the capital next month.\n\n" + FILLER
    )
    when = _when_by_second_word(tmp_path, nlp, "Minister", text)
    assert when["transport"] == ("2023-06-26", "expression")  # "on Monday" in its own clause
    assert when["drivers'"] == ("2023-06-28", "document")  # an undated perfect: the document's day
    assert when["old"] == ("2023-06-28", "statement")  # the past perfect happened before: only the
    # day the writer said so is known
    assert when["new"] == ("2023-07", "expression")  # a plan, dated where the text dates it


def test_timeline_a_reported_plan_is_dated_when_it_was_said(tmp_path, nlp):
    text = (
        "The transport minister said on Monday that the government would raise the drivers' pay in the spring.\n\n"
        "The union leader Ana Vidal said that the strike will go on until the new contract is signed.\n\n"
        "The new contract will be signed by the port authority and the drivers' union in the capital.\n\n" + FILLER
    )
    when = _when_by_second_word(tmp_path, nlp, "Pay", text)
    assert when["government"] == ("2023-06-26", "statement")  # said on Monday: the frame's date
    assert when["strike"] == ("2023-06-28", "statement")  # said, no date: the document's day
    assert when["new"] == ("2023-06-28", "statement")  # the writer's own plan: stated that day


def test_timeline_of_nested_dates_the_most_precise_dates_the_clause(tmp_path, nlp):
    text = (
        "Yesterday, at this year's party congress in Orlevo, the transport minister resigned after a long dispute.\n\n"
    )
    dossier = _pile(tmp_path, nlp, [{"id": "a", "title": "Minister", "text": text + FILLER, "published": "2023-06-28"}])
    (mention,) = [m for c in dossier.claims for m in c.mentions if "resigned" in m.span]
    assert (mention.when, mention.when_basis) == ("2023-06-27", "expression")


def test_timeline_the_narrative_does_not_carry_a_day_after_the_document(tmp_path, nlp):
    text = (
        "The bridge tolls were cut by half in Orlevo, but the cut only lasts until 30 June, officials said. "
        "The transport minister resigned after a long dispute with the drivers' union over pay. " + FILLER
    )
    dossier = _pile(tmp_path, nlp, [{"id": "a", "title": "Tolls", "text": text, "published": "2023-06-20"}])
    (mention,) = [m for c in dossier.claims for m in c.mentions if "resigned" in m.span]
    assert (mention.when, mention.when_basis) == ("2023-06-20", "document")


def test_timeline_a_month_in_a_name_is_no_time():
    assert find_times("The October Revolution is history in Lestovia.") == []


def test_timeline_the_narrative_goes_on_through_its_paragraph(tmp_path, nlp):
    text = (
        "Yesterday, at the harbour in Orlevo, Reiter opened the new Lestovia ferry terminal. "
        "The opening was long awaited. In April, a local paper obtained the plans. "
        "The terminal has room for four ferries. Its roof is made of glass. "
        "Reiter cut the ribbon in front of a large crowd.\n\n" + FILLER
    )
    row = {"id": "a", "title": "Ferry", "text": text, "published": "2023-06-28"}
    mentions = [m for c in _pile(tmp_path, nlp, [row]).claims for m in c.mentions]
    (mention,) = [m for m in mentions if "ribbon" in m.span]
    assert (mention.when, mention.when_basis) == ("2023-06-27", "narrative")  # five sentences on


def test_timeline_a_plan_in_the_writers_voice_is_dated_when_written(tmp_path, nlp):
    text = (
        "The Dravnik steel plant will close its second furnace after the winter.\n\n"
        "Marchenko said on Monday that the plant would hire again in the spring.\n\n" + FILLER
    )
    when = _when_by_second_word(tmp_path, nlp, "Plant", text)
    assert when["Dravnik"] == ("2023-06-28", "statement")  # the writer's plan: the day written
    assert when["plant"] == ("2023-06-26", "statement")  # a reported plan keeps its frame's day


def test_timeline_a_speakers_later_words_keep_the_occasion_the_article_dated(tmp_path, nlp):
    text = (
        "Marchenko said on Monday that the Dravnik plant would hire again in the spring.\n\n"
        "The plant's owners have not commented on the plans of the new management.\n\n"
        "Marchenko also said that the old furnace had cost the town too much money.\n\n"
        "Reiter said that the port of Orlevo will reopen to lorries after the repairs.\n\n" + FILLER
    )
    when = _when_by_second_word(tmp_path, nlp, "Plant", text)
    assert when["old"] == ("2023-06-26", "statement")  # Marchenko again: said on Monday, as before
    assert when["port"] == ("2023-06-28", "statement")  # another speaker, never dated: the day written
    assert when["plant's"][1] == "document"  # the writer's own words take no speaker's occasion
