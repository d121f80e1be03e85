from __future__ import annotations

from conftest import SAMPLE, claim_with

from crosswire.models import Document, Published
from crosswire.stages.annotate import annotate


def _doc(*paragraphs: str) -> Document:
    return Document(
        "d", "d.txt", None, None, None, Published("2025-03-18", "stated"), "en", "news", tuple(paragraphs), ()
    )


def test_annotate_certainty_levels(nlp):
    (a,) = annotate(
        [
            _doc(
                "The minister reportedly resigned on Monday.",
                "Unconfirmed reports suggest that troops crossed the border.",
                "The ministry denied that police used tear gas.",
                "The bridge was closed for repairs on Tuesday.",
            )
        ],
        nlp,
    )
    assert [i.certainty for i in a.info] == ["hedged", "unconfirmed", "denied", "asserted"]


def test_annotate_quote_speaker_named_after_quote(nlp):
    (a,) = annotate(
        [_doc("“We will not go back,” Marchenko said on Monday.", "“They want to silence us!”—Vidal replied.")], nlp
    )
    assert [(q.text, q.speaker_text) for q in a.quotes] == [
        ("We will not go back", "Marchenko"),
        ("They want to silence us!", "Vidal"),
    ]


def test_annotate_block_quote_after_saying_colon(nlp):
    (a,) = annotate(
        [
            _doc(
                "The head of the committee, Anna Petrova, struck a conciliatory tone, saying:",
                "Nobody has any complaint about them. Everyone is free to choose what to do next.",
            )
        ],
        nlp,
    )
    block = [q for q in a.quotes if q.block]
    assert block and block[0].speaker_text == "Anna Petrova"


def test_annotate_quantities_normalised(nlp):
    (a,) = annotate([_doc("The convoy stopped 120 miles from the city, with between 3,000 and 5,000 workers.")], nlp)
    miles = next(q for q in a.quantities if q.unit == "km")
    assert round(miles.low) == 193
    workers = next(q for q in a.quantities if q.dimension == "count")
    assert (workers.low, workers.high) == (3000, 5000)


def test_annotate_reference_unconfirmed_reports(reference_dossier):
    claim = claim_with(reference_dossier, "Unconfirmed reports in the Russian media")
    mention = next(m for m in claim.mentions if "Unconfirmed reports" in m.text)
    assert mention.certainty == "unconfirmed"


def test_annotate_reference_follow_up_sentence_marks_previous_unconfirmed(reference_dossier):
    claim = claim_with(reference_dossier, "a Russian helicopter allegedly attacked his battalion")
    mention = next(m for m in claim.mentions if "helicopter allegedly" in m.text)
    assert mention.certainty == "unconfirmed"


def _quote_speakers(nlp, *paragraphs: str) -> dict[str, str | None]:
    (a,) = annotate([_doc(*paragraphs)], nlp)
    return {q.text: q.speaker_text for q in a.quotes}


def test_annotate_verb_inside_a_quote_of_several_sentences_is_no_speaker(nlp):
    speakers = _quote_speakers(
        nlp,
        '"The union wants a photo op. No matter what anyone says, that is not a fair purpose for talks," '
        "said Ivan Markov.",
    )
    assert list(speakers.values()) == ["Ivan Markov"]  # not "anyone", who "says" inside the quote


def test_annotate_quote_signed_with_a_dash_and_a_name(nlp):
    speakers = _quote_speakers(
        nlp,
        "“The shop shelves are empty and nobody tells us why.” ― Anna Petrova “We will not go back to work "
        "this week.” ― Ivan Markov.",
    )
    assert list(speakers.values()) == ["Anna Petrova", "Ivan Markov"]


def test_annotate_name_and_verb_after_a_quote(nlp):
    long_question = (
        "Why isn’t this crystal clear proof that a bank as big as this one is too big to fail, too big to "
        "manage, too big to regulate?"
    )
    speakers = _quote_speakers(
        nlp,
        f"“{long_question}” Markov demanded.",  # the parser ends the sentence at the question mark
        f"“{long_question.replace('bank', 'lender')}” Petrova, a top union organiser, demanded.",
    )
    assert list(speakers.values()) == ["Markov", "Petrova"]
    (alone,) = _quote_speakers(
        nlp, "“We will not go back to the depot.” He told reporters the strike goes on."
    ).values()
    assert alone != "He"  # a pronoun after a quote is its sentence's resolved speaker or no one


def test_annotate_any_verb_before_a_colon_introduces_a_quote(nlp):
    speakers = _quote_speakers(
        nlp,
        "Union leader Ivan Markov continued: “Nobody will sign anything before the road is open again.”",
        "Anna Petrova went on:",
        "“The drivers have waited long enough for this government to listen to them.”",
    )
    assert list(speakers.values()) == ["Ivan Markov", "Anna Petrova"]


def test_the_shortcuts_past_the_time_and_quantity_patterns_never_drop_a_match():
    # find_times and find_quantities skip their long patterns when a sentence holds none of the words
    # every match needs (_TIME_WORD, _NUMBER_WORD). Each pattern run on its own must find nothing the
    # shortcut would skip: on every line of the shipped sample and on expressions of every kind.
    from crosswire.stages import _spans

    lines = [line for path in sorted(SAMPLE.iterdir()) for line in path.read_text(errors="replace").splitlines()]
    lines += [
        "on 27 June",
        "June 3rd, 2023",
        "2023-06-24",
        "18:52 — fired",
        "late on Saturday night",
        "yesterday",
        "Tonight",
        "last night",
        "this morning",
        "over the past weekend",
        "three days ago",
        "a week earlier",
        "this coming week",
        "mid-March",
        "since 1998",
        "in 2001-2004",
        "TOMORROW EVENING",
        "in Sept",
        "twenty-five troops",
        "4,000 km",
        "between five and ten people",
        "a dozen",
        "US$3bn",
        "12%",
    ]
    for line in lines:
        if _spans.TIME_RE.search(line):
            assert _spans._TIME_WORD.search(line), line
        if _spans.QUANTITY_RE.search(line):
            assert _spans._NUMBER_WORD.search(line), line
    assert any(_spans.TIME_RE.search(line) for line in lines) and any(_spans.QUANTITY_RE.search(line) for line in lines)
