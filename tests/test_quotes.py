from __future__ import annotations


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
