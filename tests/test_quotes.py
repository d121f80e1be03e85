from __future__ import annotations

from crosswire.stages.quotes import quote_ids


def _quote(dossier, words):
    return next(q for q in dossier.quotes if words in q.text)


def test_quotes_reference_kartapolov_block_quotation(reference_dossier):
    quote = _quote(reference_dossier, "They didn't offend anyone")
    assert quote.speaker_name == "Andrei Kartapolov" and quote.speaker is not None


def test_quotes_reference_speaker_after_em_dash(reference_dossier):
    quote = _quote(reference_dossier, "They want to strangle us!")
    assert quote.speaker_name == "Yevgeny Prigozhin"


def test_quotes_reference_first_name_resident_is_not_peskov(reference_dossier):
    quote = _quote(reference_dossier, "It was scary")
    peskov = next(e for e in reference_dossier.entities if e.name == "Dmitry Peskov")
    assert quote.speaker != peskov.id and quote.speaker_name == "Dmitry"


def test_quotes_sample_speakers(sample_dossier):
    assert _quote(sample_dossier, "We will not go back").speaker_name == "Yuliya Marchenko"
    assert _quote(sample_dossier, "They want to silence us!").speaker_name == "Tomas Vidal"
    resident = _quote(sample_dossier, "The shop shelves are empty")
    assert resident.speaker_name not in ("Tomas Reiter", "Tomas Vidal")


def _speakers(tmp_path, nlp, text: str) -> dict[str, str | None]:
    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    return {q.text: q.speaker_name for q in analyze([str(tmp_path)], SETTINGS, nlp=nlp).quotes}


def test_quotes_speakers_named_by_pronoun_infinitive_and_description(tmp_path, nlp):
    text = "\n\n".join(
        [
            "Interior Minister Tomas Reiter met the drivers' leaders in Orlevo on Monday to discuss the blockade.",
            "The Orlevo Courier reported that the talks lasted six hours and ended without an agreement.",
            "In the only public statement by Ivan Markov on Sunday, he told a reporter that his day "
            "“starts and ends with the negotiations” in the capital.",
            "Markov then went on to praise the drivers for their “courage on the motorway at night” and "
            "invited them to the talks.",
            "The paper noted that “the government has never looked so weak in twenty years of rule.”",
            "When the union asked for a written guarantee, the interior minister replied, "
            "“Nobody will sign anything before the road is open again.”",
        ]
    )
    speakers = _speakers(tmp_path, nlp, text)
    assert speakers["starts and ends with the negotiations"] == "Ivan Markov"  # "he", with one person before
    assert speakers["courage on the motorway at night"] == "Ivan Markov"  # "went on to praise"
    assert speakers["the government has never looked so weak in twenty years of rule."] == "Orlevo Courier"
    assert speakers["Nobody will sign anything before the road is open again."] == "Tomas Reiter"


def test_quotes_name_after_a_quote_must_be_in_its_paragraph(tmp_path, nlp):
    text = "\n\n".join(
        [
            "The drivers marched through the centre of Orlevo on Monday afternoon, “We will not go back home”.",
            "In a statement released late on Monday, the ministry called the march illegal and dangerous.",
        ]
    )
    speakers = _speakers(tmp_path, nlp, text)
    assert speakers["We will not go back home"] != "In"  # the next paragraph's first word is nobody


def test_quotes_claims_of_belief_and_demand_name_their_holder(tmp_path, nlp):
    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    text = "\n\n".join(
        [
            "Interior Minister Tomas Reiter believes the blockade will end before the weekend.",
            "Union leader Ivan Markov demanded that the government withdraw the diesel levy at once.",
            "Police found the body of a driver near the motorway bridge on Tuesday morning.",
        ]
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    speaker = {m.text.split()[0]: m.speaker_name for c in dossier.claims for m in c.mentions}
    assert speaker["Interior"] == "Tomas Reiter" and speaker["Union"] == "Ivan Markov"
    assert speaker["Police"] is None  # finding a body attributes nothing to the police


def _speaker_by_opening(tmp_path, nlp, text: str, words: int) -> dict[str, str | None]:
    """Each claim mention's speaker, keyed by the first ``words`` words of its sentence."""
    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    return {" ".join(m.text.split()[:words]): m.speaker_name for c in dossier.claims for m in c.mentions}


def test_quotes_reported_speech_goes_on_only_while_it_is_shifted_back(tmp_path, nlp):
    text = (
        "Interior Minister Tomas Reiter said the drivers had been misled by their leaders. "
        "They would have gone home days ago without the union's promises. "
        "The union has rejected the minister's account of the talks."
    )
    speaker = _speaker_by_opening(tmp_path, nlp, text, 1)
    assert speaker["They"] == "Tomas Reiter"  # "would have gone": still the minister's account
    assert speaker["The"] is None  # back in the present: the narrator again


def test_quotes_a_plain_past_sentence_between_shifted_back_ones_is_still_reported(tmp_path, nlp):
    text = (
        "If the police had charged the convoy, it would have helped the union, Interior Minister Tomas Reiter "
        "explained. The drivers were tired of the blockade by then. In the end they would have gone home "
        "without a deal.\n\nThe union rejected the minister's account of the talks on Tuesday."
    )
    speaker = _speaker_by_opening(tmp_path, nlp, text, 2)
    assert speaker["The drivers"] == "Tomas Reiter"  # "were tired", between his report and "would have gone"
    assert speaker["In the"] == "Tomas Reiter"
    assert speaker["The union"] is None  # a new paragraph: the narrator again


def test_quotes_a_phone_call_is_not_a_speaker(nlp):
    from crosswire.stages._attribution import attribution as _attribution

    def speaker(text: str) -> str | None:
        return _attribution(next(nlp(text).sents), None)[0]

    assert speaker("Drivers tried to call the ministry all morning, but the lines were busy.") is None
    assert speaker("Union leader Ivan Markov called the levy a disgrace on Monday.") == "Ivan Markov"
    assert speaker("Union leader Ivan Markov called for new talks with the government.") == "Ivan Markov"


def test_quotes_in_his_words_misattached_participle_and_fragment(tmp_path, nlp):
    text = "\n\n".join(
        [
            "Interior Minister Tomas Reiter arrived in Orlevo on Monday morning.",
            "Also on Monday, Tomas Reiter met union leaders to, in his words, settle “the matter of the "
            "levy once and for all.”",
            "Ex-minister Ivan Markov, a veteran of the drivers' union, called upon drivers to “block every "
            "road into the capital” on Friday.",
            "Tomas Reiter “settled that” by speaking with Yuliya Marchenko, the head of the union, whom the "
            "drivers had desperately tried to call before and telling her: “you have to open the road tonight "
            "if the levy goes.”",
        ]
    )
    speakers = _speakers(tmp_path, nlp, text)
    assert speakers["the matter of the levy once and for all."] == "Tomas Reiter"  # "in his words"
    assert speakers["block every road into the capital"] == "Ivan Markov"  # parsed as a noun phrase
    # "telling" joins "speaking", not the relative clause's "call": Reiter tells, not the drivers
    assert speakers["you have to open the road tonight if the levy goes."] == "Tomas Reiter"


def test_quotes_a_quote_only_paragraph_carries_on_its_speaker_but_not_in_an_exchange(tmp_path, nlp):
    text = (
        "The minister spoke to reporters in Dravnik on Monday.\n\n"
        "“The road will be reopened this week,” Tomas Reiter said.\n\n"
        "“We have waited long enough for the drivers to see sense.”\n\n"
        "“Our members will not move from the junction,” Yuliya Marchenko continued.\n\n"
        "Asked about the talks, Marchenko turned to Reiter:\n\n"
        "“We will stay as long as the levy stands.”\n\n"
        "“Then you will stay there alone,” Reiter replied.\n\n"
        "“Everyone in Orlevo is behind us, and they know it.”"
    )
    speakers = {words: who for text, who in _speakers(tmp_path, nlp, text).items() for words in [text[:28]]}
    assert speakers["We have waited long enough f"] == "Tomas Reiter"
    assert speakers["Our members will not move fr"[:28]] == "Yuliya Marchenko"
    assert speakers["Everyone in Orlevo is behind"] is None  # Marchenko's turn, not Reiter's: an exchange


def test_quotes_who_speaks_is_not_a_name_that_describes_them_nor_an_open_question(tmp_path, nlp):
    text = "\n\n".join(
        [
            "Senior officers with past Orlevo Shipping ties have appealed to the drivers, urging them to go home.",
            "As Lestovia waits, the country wonders how the government will respond to the blockade of the port.",
            "According to Interior Minister Tomas Reiter, the drivers can either go home or face arrest. "
            "He warned late on Monday that any attempt at blackmail was doomed to fail.",
        ]
    )
    speaker = _speaker_by_opening(tmp_path, nlp, text, 2)
    assert speaker["Senior officers"] not in ("Orlevo Shipping", None)  # the officers speak, not the firm
    assert speaker["As Lestovia"] is None  # "how the government will respond": nobody has spoken yet
    assert speaker["He warned"] == "Tomas Reiter"  # "he": the person the last sentence was put to


def test_quotes_speech_verbs_as_x_put_it_and_phrasal_verbs_name_the_speaker(tmp_path, nlp):
    text = "\n\n".join(
        [
            "“Go back to the harbour,” Reiter barked at the drivers outside the ministry in Orlevo.",
            "“The road is ours and it stays ours,” mused Ivan Markov, the union's spokesman, on Monday.",
            "As Yuliya Marchenko put it, “nobody in Lestovia has seen a blockade like this one before.”",
            "After the mayor criticised the union, Marchenko shot back, “The mayor has never driven a lorry.”",
        ]
    )
    speakers = _speakers(tmp_path, nlp, text)
    assert speakers["Go back to the harbour"] == "Reiter"
    assert speakers["The road is ours and it stays ours"] == "Ivan Markov"
    assert speakers["nobody in Lestovia has seen a blockade like this one before."] == "Yuliya Marchenko"
    assert speakers["The mayor has never driven a lorry."] == "Yuliya Marchenko"


def test_quotes_a_known_name_right_before_the_quote_speaks(tmp_path, nlp):
    text = "\n\n".join(
        [
            "Interior Minister Tomas Reiter and union leader Ivan Markov met in Orlevo on Monday.",
            "Reiter: “The blockade of the port ends tonight or the police will end it.” "
            "Markov: “We have heard that promise every week since the spring.”",
            "The talks grew so heated that Markov said, “We will sit here until the levy is gone for good.”",
            "Update: “Roads around the port remain closed until further notice,” the police wrote.",
        ]
    )
    speakers = _speakers(tmp_path, nlp, text)
    assert (speakers["The blockade of the port ends tonight or the police will end it."] or "").endswith("Reiter")
    assert (speakers["We have heard that promise every week since the spring."] or "").endswith("Markov")
    assert (speakers["We will sit here until the levy is gone for good."] or "").endswith("Markov")
    assert speakers["Roads around the port remain closed until further notice"] != "Update"


def test_quotes_ids_are_made_from_their_words_not_their_rank():
    opening = "we will not stay closed for a day"
    alike = "we will not stay closed for a day or a week"
    ids = quote_ids([opening, alike])
    assert ids[0] == "q-we-will-not-stay-closed-for"
    assert ids[1].startswith("q-we-will-not-stay-closed-for-")
    # A quote found before them renames neither (with ids by rank, both moved on by one). The
    # helper is new: the test fails on the code before it for that reason alone.
    assert quote_ids(["the shelves are empty", opening, alike])[1:] == ids
    assert len(set(quote_ids([opening, alike, alike + " too"]))) == 3
