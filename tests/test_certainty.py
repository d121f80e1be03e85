"""How firmly each proposition is stated: negation in its scope, modals, plans, failures, evidentials,
the word list's cues, and the future, on hand-built sentences (one per paragraph of one article)."""

from __future__ import annotations

import pytest
from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze

# (sentence, the words of the proposition to look at, certainty, future)
CASES = [
    ("Police fired tear gas at the protesters in Orlevo on Monday.", "Police fired tear gas", "asserted", False),
    ("The transport minister did not attend the meeting in Orlevo.", "did not attend", "denied", False),
    ("The convoy never reached the border crossing at Zelnia.", "never reached", "denied", False),
    ("No shots were fired during the handover of the bridge.", "No shots were fired", "denied", False),
    ("Nobody was hurt in the fire at the depot on Tuesday.", "Nobody was hurt", "denied", False),
    ("The rebels failed to reach the capital before nightfall.", "failed to reach", "denied", False),
    ("The ministry refused to comment on the reports of casualties.", "refused to comment", "denied", False),
    ("The contract may be signed in the capital next month.", "may be signed", "hedged", False),
    ("The strike could spread to the ports of the northern coast.", "could spread", "hedged", False),
    ("The talks might not resume before the end of the month.", "might not resume", "hedged", False),
    ("The company expects to cut 4,300 jobs in the region.", "expects to cut", "hedged", True),
    ("The union plans to strike at the three largest plants.", "plans to strike", "hedged", True),
    ("The deal is likely to collapse before the deadline.", "likely to collapse", "hedged", True),
    ("The governor will sign the budget bill on Friday morning.", "will sign", "asserted", True),
    ("The bridge was reportedly damaged by heavy shelling overnight.", "reportedly damaged", "hedged", False),
    ("According to several sources, the rebels entered the port at dawn.", "the rebels entered", "hedged", False),
    ("Their goal: to seize the port of Sarnovo and, ultimately, the capital.", "to seize the port", "hedged", True),
    ("The aim of the blockade was to cut the capital off from the port.", "to cut the capital", "hedged", True),
    # Doubt from a governing word: belief, possibility, talk, weighing up (the content is no fact).
    ("It is possible that the factory in the north will close next spring.", "the factory", "hedged", False),
    ("It is unclear whether the pipeline in the north will reopen next spring.", "the pipeline", "hedged", False),
    ("Investors fear the company might go bankrupt before the end of the year.", "go bankrupt", "hedged", False),
    ("Police believe the fire at the depot was started deliberately by workers.", "was started", "hedged", False),
    ("There is speculation that the central bank will cut interest rates.", "will cut interest", "hedged", True),
    ("Fears that the mine will close have grown among the workers in the town.", "Fears that", "hedged", False),
    ("Analysts predicted that sales of the new tractor would fall sharply.", "would fall", "hedged", True),
    ("The company is in talks to buy its smaller rival for about 3 billion dollars.", "to buy", "hedged", True),
    ("The company is considering selling its truck unit to a rival firm.", "selling its truck", "hedged", True),
    ("The bank is rumoured to be preparing a bid for its smaller rival.", "preparing a bid", "hedged", False),
    ("Perhaps the ceasefire between the two armies will collapse before the deadline.", "ceasefire", "hedged", True),
    ("The tanker must have been hit by a mine shortly after it left the port.", "must have been hit", "hedged", False),
    ("The ministry was unable to meet the demand for fuel in the spring.", "unable to meet", "denied", False),
    # An ability or a permission is a present fact, stated firmly; "cannot" denies it.
    ("The Orlevo ferry can carry 300 passengers across the lake in an hour.", "can carry", "asserted", False),
    ("The new Dravnik tractor cannot climb slopes steeper than ten degrees.", "cannot climb", "denied", False),
    # The "that" clause of a noun of talk is a claim of others, its own mention: hedged, or denied when
    # a verb of denial takes the noun as its object.
    ("Marchenko resigned amid allegations that he had taken bribes from builders.", "taken bribes", "hedged", False),
    (
        "Depositors queued at the branches after warnings that the bank would collapse.",
        "bank would collapse",
        "hedged",
        False,
    ),
    (
        "The minister dismissed the claims that the port of Lestovia had been closed.",
        "Lestovia had been closed",
        "denied",
        False,
    ),
    (
        "The mayor resigned because of reports stating that the contract had favoured Reiter.",
        "had favoured Reiter",
        "hedged",
        False,
    ),
    # An adjective of worry or conviction with a clause makes it an opinion; "has yet to" has not.
    ("Investors are worried that the Orlevo bank could fail before the end of the year.", "worried", "hedged", False),
    ("Officials are confident that the Lestovia bridge will reopen next week.", "confident that", "hedged", False),
    ("The ministry has yet to publish the report on the fire in the port.", "yet to publish", "denied", False),
    ("Neither the union nor the company commented on the talks in Orlevo.", "Neither the union", "denied", False),
    ("The drivers blocked not only the motorway but also the port of Sarnovo.", "blocked not only", "asserted", False),
    # A negated reporting frame asserts nothing of what it reports, and denies nothing either.
    ("Reiter did not say that the bridge at Orlevo had been damaged.", "had been damaged", "hedged", False),
    ("Reiter did not deny that the mine at Dravnik had been flooded.", "had been flooded", "hedged", False),
    # A second verb shares the first one's modal or negation; not after "but".
    ("The union may strike at the docks and block the roads to the port.", "block the roads", "hedged", False),
    ("The army did not shell the town or close the roads to the coast.", "close the roads", "denied", False),
    (
        "The army did not shell the village but closed the bridges to the coast.",
        "closed the bridges",
        "asserted",
        False,
    ),
    # A guess about the past is no plan.
    ("The airline is expected to have lost 200 million dollars in the first quarter.", "have lost", "hedged", False),
    # A timetable states its event as firmly as "will": future, not hedged.
    ("The trial is set to begin on Wednesday in the high court of the capital.", "set to begin", "asserted", True),
    ("The dockers are going to strike at the three largest ports next week.", "going to strike", "asserted", True),
    ("The ferry was not due to sail before the storm had passed.", "not due to sail", "denied", True),
    # Not doubt: "no doubt that" affirms; "able to" did it; "think about" takes no clause.
    ("There is no doubt that the fire at the warehouse was started by the guards.", "was started", "asserted", False),
    ("The ministry was able to meet the demand for diesel in the autumn.", "able to meet", "asserted", False),
    ("Officials think about the new bridge in the north of the country every day.", "think about", "asserted", False),
    (
        "Rebels said they had captured the airport, a claim that could not be independently verified.",
        "captured the airport",
        "unconfirmed",
        False,
    ),
]
FILLER = "The talks took place in the capital of the province during a long and difficult week for everyone."


@pytest.fixture(scope="module")
def mentions(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("certainty")
    text = "\n\n".join([*(sentence for sentence, *_ in CASES), FILLER])
    (folder / "a.txt").write_text(text, encoding="utf-8")
    dossier = analyze([str(folder)], SETTINGS, nlp=nlp)
    return [m for c in dossier.claims for m in c.mentions]


@pytest.mark.parametrize(("sentence", "words", "certainty", "future"), CASES, ids=[c[1] for c in CASES])
def test_certainty_of_each_proposition(mentions, sentence, words, certainty, future):
    found = [m for m in mentions if m.text == sentence and words in m.span]
    assert found, f"no claim mention for {words!r}: {[m.span for m in mentions if m.text == sentence]}"
    assert [(m.certainty, m.future) for m in found] == [(certainty, future)] * len(found)
    if certainty != "asserted":
        assert all(m.cues for m in found), "a certainty other than asserted names the words it comes from"


def test_certainty_negation_in_another_clause_does_not_deny_this_one(tmp_path, nlp):
    text = (
        "The army released the prisoners on Sunday after complaints that it had not fed them for days.\n\n"
        "Officials said the fighters would go home, and the commanders did not object.\n\n" + FILLER
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    found = {m.span: m for c in analyze([str(tmp_path)], SETTINGS, nlp=nlp).claims for m in c.mentions}
    released = next(m for span, m in found.items() if span.startswith("The army released"))
    assert released.certainty == "asserted"  # the negation belongs to the complaint, not to the release
    assert not released.span.endswith("days")  # what the complaint says is a mention of its own
    complaint = next(m for span, m in found.items() if span.startswith("it had not fed"))
    assert complaint.certainty == "denied"
    home = next(m for span, m in found.items() if "would go home" in span)
    assert (home.certainty, home.future) == ("asserted", True)  # reported "would": the past of "will"
    objected = next(m for span, m in found.items() if "did not object" in span)
    assert objected.certainty == "denied"


def test_certainty_a_reported_neither_nor_keeps_its_neither(tmp_path, nlp):
    text = "The union said that neither the port nor the ferries would close during the strike.\n\n" + FILLER
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    found = [m for c in analyze([str(tmp_path)], SETTINGS, nlp=nlp).claims for m in c.mentions]
    (closing,) = [m for m in found if "ferries would close" in m.span]
    assert closing.span.startswith("neither")  # not "the port nor the ferries would close"
    assert closing.certainty == "denied" and closing.negated
