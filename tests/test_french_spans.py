"""French time expressions, full dates and quantities: found in a sentence, resolved against the
document's date, read as publication dates, and compared with English ones; English unchanged."""

from __future__ import annotations

import pytest

from crosswire.models import Annotated, Document, Published, Quantity, Sentence, TimeMention
from crosswire.stages._dates import parse_date
from crosswire.stages._quantities import FoundQuantity, agree, same_measure
from crosswire.stages._spans import find_quantities, find_times
from crosswire.stages.facts import document_facts
from crosswire.stages.timeline import resolve_times

FRIDAY = "2025-03-14"  # the articles' date: a Friday


def _document(paragraphs: tuple[str, ...], published: str | None, language: str) -> Document:
    sentences, offset = [], 0
    for index, text in enumerate(paragraphs):
        sentences.append(Sentence(f"s{index + 1}", index, text, offset, offset + len(text)))
        offset += len(text) + 2
    basis = "stated" if published else "unknown"
    return Document(
        "d",
        "d.txt",
        None,
        None,
        None,
        Published(published, basis),
        language,
        "news",
        paragraphs,
        (),
        sentences=tuple(sentences),
    )


def _resolved(*paragraphs: str, published: str | None = FRIDAY, language: str = "fr") -> Annotated:
    """One document, one sentence a paragraph, its time mentions found and resolved."""
    document = _document(paragraphs, published, language)
    times = tuple(
        TimeMention("d", s.id, start, end, text)
        for s in document.sentences
        for start, end, text in find_times(s.text, language)
    )
    (done,) = resolve_times([Annotated(document, (), times, (), (), ())])
    return done


def _dates(sentence: str, published: str = FRIDAY, language: str = "fr") -> dict[str, str | None]:
    return {t.text: t.date for t in _resolved(sentence, published=published, language=language).times}


def _quantities(sentence: str, language: str = "fr") -> list[FoundQuantity]:
    return find_quantities(sentence, [(s, e) for s, e, _ in find_times(sentence, language)], language)


@pytest.mark.parametrize(
    "sentence, expression, expected",
    [
        ("Les dockers ont cessé le travail mardi, a annoncé le syndicat.", "mardi", "2025-03-11"),
        ("La grève doit reprendre lundi prochain.", "lundi prochain", "2025-03-17"),
        ("La police est intervenue mercredi dernier.", "mercredi dernier", "2025-03-12"),
        ("Le port a rouvert vendredi dernier.", "vendredi dernier", "2025-03-07"),  # the day's own name: a week back
        ("Les négociations ont échoué dimanche soir.", "dimanche soir", "2025-03-09"),
        ("Le ministre a parlé jeudi matin.", "jeudi matin", "2025-03-13"),
        ("La grève a commencé hier.", "hier", "2025-03-13"),
        ("Le port est fermé aujourd’hui.", "aujourd’hui", FRIDAY),
        ("Le port rouvrira demain.", "demain", "2025-03-15"),
        ("Les dockers ont voté avant-hier.", "avant-hier", "2025-03-12"),
        ("Le vote aura lieu après-demain.", "après-demain", "2025-03-16"),
        ("Ce matin, le port était calme.", "Ce matin", FRIDAY),
        ("Des heurts ont éclaté hier soir.", "hier soir", "2025-03-13"),
        ("La grève a commencé il y a trois jours.", "il y a trois jours", "2025-03-11"),
        ("Le syndicat a déposé un préavis il y a deux semaines.", "il y a deux semaines", "2025-02-28"),
        ("Le préavis a été déposé le 1er juin 2023.", "le 1er juin 2023", "2023-06-01"),
        ("Le décret est daté du 14/03/2025.", "14/03/2025", FRIDAY),
        ("Les dockers ont défilé mardi 11 mars.", "mardi 11 mars", "2025-03-11"),
        ("Les dockers défileront mardi 18 mars.", "mardi 18 mars", "2025-03-18"),  # the date, not last Tuesday
        ("Les syndicats manifesteront mardi.", "mardi", "2025-03-18"),  # future tense: the next Tuesday
        ("La réforme entrerait en vigueur jeudi.", "jeudi", "2025-03-20"),  # conditional: a plan
        ("Il aurait été tué jeudi.", "jeudi", "2025-03-13"),  # a reported past, not a plan
        ("Le port a fermé le 2 mars.", "le 2 mars", "2025-03-02"),
        ("Le port a été bloqué du 3 au 5 mars.", "du 3 au 5 mars", "2025-03-05"),
        ("La réunion est prévue samedi.", "samedi", "2025-03-15"),
        ("Dès lundi, les trains circuleront.", "Dès lundi", "2025-03-17"),
        ("Dans la nuit de samedi à dimanche, le port a brûlé.", "Dans la nuit de samedi à dimanche", "2025-03-08"),
    ],
)
def test_french_spans_days_resolve_against_the_documents_date(sentence, expression, expected):
    assert _dates(sentence)[expression] == expected


@pytest.mark.parametrize(
    "sentence, expression, expected, precision",
    [
        ("Le trafic a chuté le mois dernier.", "le mois dernier", "2025-02", "month"),
        ("Le contrat expire le mois prochain.", "le mois prochain", "2025-04", "month"),
        ("Le port a perdu des clients l'an dernier.", "l'an dernier", "2024", "year"),
        ("Les salaires ont baissé l’année dernière.", "l’année dernière", "2024", "year"),
        ("Cette année, le port a embauché.", "Cette année", "2025", "year"),
        ("Le syndicat s'est formé en mars 2024.", "en mars 2024", "2024-03", "month"),
        ("Les premières grèves ont eu lieu en janvier.", "en janvier", "2025-01", "month"),
        ("Le chantier a commencé début février.", "début février", "2025-02", "month"),
        ("Le chantier a été lancé en 2023.", "en 2023", "2023", "year"),
        ("Le port est en déclin depuis 2019.", "depuis 2019", "2019", "year"),
        ("La grue a été livrée en octobre dernier.", "en octobre dernier", "2024-10", "month"),
        ("Le port a fermé en mars dernier.", "en mars dernier", "2024-03", "month"),
    ],
)
def test_french_spans_periods_months_and_years(sentence, expression, expected, precision):
    (mention,) = [t for t in _resolved(sentence).times if t.text == expression]
    assert (mention.date, mention.precision) == (expected, precision)


def test_french_spans_mention_keeps_its_text_and_offsets():
    sentence = "Selon le syndicat, la grève a commencé lundi dernier à l’aube."
    (mention,) = _resolved(sentence).times
    assert mention.text == "lundi dernier" == sentence[mention.start : mention.end]
    assert (mention.date, mention.anchor, mention.anchor_basis) == ("2025-03-10", FRIDAY, "stated")


def test_french_spans_a_week_has_no_date_but_is_found():
    done = _resolved("La grève a duré toute la semaine dernière.")
    assert [(t.text, t.date) for t in done.times] == [("la semaine dernière", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Le rover a atterri sur Mars sans encombre.",  # the planet, not the month
        "Cette année-là, le port comptait sept grues.",  # that year, not this one; "sept" is seven
        "Il y a trois jours de grève prévus au calendrier.",  # "there are three days", not "ago"
        "Les dockers réclament des primes le lundi.",  # every Monday
    ],
)
def test_french_spans_no_time_where_there_is_none(sentence):
    assert find_times(sentence, "fr") == []


def test_french_spans_undated_document_is_dated_from_past_days_not_plans():
    done = _resolved(
        "Le port a été bloqué le 12 mars 2025.",
        "La direction doit répondre le 20 mars 2025.",
        published=None,
    )
    assert (done.document.published.date, done.document.published.basis) == ("2025-03-12", "inferred")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14 mars 2025", "2025-03-14"),
        ("le 1er juin 2023", "2023-06-01"),
        ("Publié le 14 mars 2025 à 10h30", "2025-03-14"),
        ("Mis à jour le 3 févr. 2024", "2024-02-03"),
        ("ORLEVO, 14 MARS 2025", "2025-03-14"),
        ("31 février 2024", None),
        # English unchanged, and an English text never read as French
        ("27 June 2023", "2023-06-27"),
        ("March 18, 2025", "2025-03-18"),
        ("2023-06-27", "2023-06-27"),
        ("The probe reached Mars on 14 Mars 2025", None),
    ],
)
def test_french_spans_parse_date_reads_french_full_dates(text, expected):
    assert parse_date(text) == expected


def test_french_spans_facts_find_a_french_publication_date_in_the_body():
    body = (
        "Orlevo, le 14 mars 2025.",
        "Les dockers du port ont cessé le travail mardi, a annoncé le syndicat dans un communiqué.",
        "La direction doit les recevoir le 20 mars 2025, selon une source proche du dossier.",
    )
    document = document_facts(_document(body, None, "und"))
    assert document.language == "fr"
    # "Orlevo, le 14 mars 2025." opening the text is its dateline: the outlet's own date.
    assert (document.published.date, document.published.basis) == (FRIDAY, "stated")
    # The same date further in is only the latest the text tells: published on or after it.
    later = (body[1], "Le syndicat avait prévenu la direction le 14 mars 2025, selon un communiqué.", body[2])
    document = document_facts(_document(later, None, "und"))
    assert (document.published.date, document.published.basis) == (FRIDAY, "inferred")


def test_french_spans_facts_read_a_french_dateline():
    document = _document(("Les dockers du port ont cessé le travail mardi, a annoncé le syndicat.",), None, "und")
    from dataclasses import replace

    stated = document_facts(replace(document, dateline="Publié le 14 mars 2025 à 10h30"))
    assert (stated.published.date, stated.published.basis) == (FRIDAY, "stated")


def _one(sentence: str) -> FoundQuantity:
    (quantity,) = _quantities(sentence)
    return quantity


@pytest.mark.parametrize(
    "sentence, text, low, high, unit, approximate",
    [
        ("Les 3 000 dockers du port sont en grève.", "3 000", 3000, 3000, "count", False),
        ("Les 3\u202f000 dockers du port sont en grève.", "3\u202f000", 3000, 3000, "count", False),
        ("Les 3\u00a0000 dockers du port sont en grève.", "3\u00a0000", 3000, 3000, "count", False),
        ("Le trafic a baissé de douze pour cent.", "douze pour cent", 12, 12, "%", False),
        ("Le trafic a baissé de 12,5 %.", "12,5 %", 12.5, 12.5, "%", False),
        ("Environ deux mille voyageurs sont bloqués.", "deux mille", 2000, 2000, "count", True),
        ("Le bouchon s'étend entre 10 et 20 km.", "entre 10 et 20 km", 10, 20, "km", True),
        ("Le convoi transporte de 10 à 20 tonnes.", "de 10 à 20 tonnes", 10_000, 20_000, "kg", True),
        ("Le port a perdu 1,5 million d'euros.", "1,5 million d'euros", 1.5e6, 1.5e6, "eur", False),
        ("Le déficit atteint 2 milliards.", "2 milliards", 2e9, 2e9, "count", False),
        ("L'amende s'élève à 5 000 €.", "5 000 €", 5000, 5000, "eur", False),
        ("Une dizaine de blessés ont été soignés.", "Une dizaine", 10, 10, "count", True),
        ("Près de vingt-quatre navires attendent.", "vingt-quatre", 24, 24, "count", True),
        ("Plus de quarante dockers ont été licenciés.", "quarante", 40, 40, "count", True),
        ("Au moins neuf cents agents ont été déployés.", "neuf cents", 900, 900, "count", True),
        ("Quelque quatre-vingt-dix grues sont à l'arrêt.", "quatre-vingt-dix", 90, 90, "count", True),
        ("Plus d'un million de personnes ont manifesté.", "un million", 1e6, 1e6, "count", True),
        ("Le navire mesure 300 mètres.", "300 mètres", 0.3, 0.3, "km", False),
        ("La grève a duré vingt-quatre heures.", "vingt-quatre heures", 1440, 1440, "min", False),
    ],
)
def test_french_spans_quantities(sentence, text, low, high, unit, approximate):
    found = _one(sentence)
    assert (found.text, found.unit, found.approximate) == (text, unit, approximate)
    assert (found.low, found.high) == pytest.approx((low, high))


@pytest.mark.parametrize(
    "sentence",
    [
        "La réunion a commencé à 10h30 au siège du syndicat.",
        "Les dockers se sont réunis à 18 h 30.",
        "Le piquet a été levé à 10 heures.",
        "Le port a été construit en 1998.",
        "Un homme a été arrêté le 14 mars 2025.",
        "Le préfet a reçu une délégation.",
        "Les touristes visitent le Pont-Neuf.",
        "Il y avait du monde dans la nuit du 3 au 5 mars.",  # the days of a date, no counts
    ],
)
def test_french_spans_no_quantity_in_clock_times_years_dates_or_articles(sentence):
    assert _quantities(sentence) == []


def test_french_spans_et_makes_a_range_only_after_entre():
    found = _quantities("Les deux hommes, âgés de 25 et 30 ans, ont été arrêtés.")
    assert [(q.text, q.low, q.high) for q in found] == [
        ("deux", 2, 2),
        ("25", 25, 25),
        ("30 ans", 15_768_000, 15_768_000),
    ]


def _quantity(found: FoundQuantity, noun: str | None = None) -> Quantity:
    return Quantity(
        "d",
        "s1",
        found.start,
        found.end,
        found.text,
        found.low,
        found.high,
        found.unit,
        found.dimension,
        noun=noun,
        approximate=found.approximate,
        original_unit=found.original_unit,
    )


def test_french_spans_french_and_english_figures_compare():
    french = _quantity(_one("Le bouchon s'étend entre 10 et 20 km."))
    (english,) = find_quantities("The queue stretched 15 kilometres.", [])
    assert same_measure(french, _quantity(english)) and agree(french, _quantity(english), 0.0)
    percent = _quantity(_one("Le trafic a baissé de douze pour cent."))
    (english_percent,) = find_quantities("Traffic fell by 12 percent.", [])
    assert same_measure(percent, _quantity(english_percent)) and agree(percent, _quantity(english_percent), 0.0)


@pytest.mark.parametrize(
    "sentence, times",
    [
        ("Protesters blocked the bridge on Saturday evening.", ["on Saturday evening"]),
        ("The strike began last week and may end next Monday.", ["last week", "next Monday"]),
        ("The union was founded in 1991, two days ago it voted.", ["in 1991", "two days ago"]),
        ("On 1 March 2025 the port closed; yesterday it reopened.", ["On 1 March 2025", "yesterday"]),
    ],
)
def test_french_spans_english_times_unchanged(sentence, times):
    assert [t for _, _, t in find_times(sentence)] == times
    assert find_times(sentence, "en") == find_times(sentence)


def test_french_spans_english_resolution_unchanged():
    dates = _dates("Protesters blocked the bridge on Saturday and will march next Monday.", language="en")
    assert dates == {"on Saturday": "2025-03-08", "next Monday": "2025-03-17"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "About 3,000 dockers walked out, up 12 percent.",
            [("3,000", 3000, "count", True), ("12 percent", 12, "%", False)],
        ),
        ("Between 10 and 20 km of road were closed.", [("Between 10 and 20 km", 10, "km", True)]),
    ],
)
def test_french_spans_english_quantities_unchanged(sentence, expected):
    found = find_quantities(sentence, [])
    assert [(q.text, q.low, q.unit, q.approximate) for q in found] == expected
    assert find_quantities(sentence, [], "en") == found


@pytest.mark.parametrize(
    "sentence",
    [
        "Mardi Gras drew crowds in New Orleans, said Demain, a local reporter.",
        "The band Hier played a set; the Mars rover sent images; cent coins were found.",
        "Deux Rivières and Douze Oaks are towns near the lake.",
    ],
)
def test_french_spans_french_words_make_no_english_times_or_figures(sentence):
    assert find_times(sentence) == [] and find_quantities(sentence, []) == []
