from __future__ import annotations

from dataclasses import replace

from conftest import claim_with

from crosswire.stages.conflicts import conflict_ids


def _conflicts(dossier, kind):
    return [k for k in dossier.conflicts if k.kind == kind]


def test_conflicts_reference_arrest_warrant_superseded(reference_dossier):
    warrant = claim_with(reference_dossier, "An arrest warrant has been issued")
    assert warrant.status == "superseded"
    assert any(k.superseded == warrant.id for k in _conflicts(reference_dossier, "supersession"))


def test_conflicts_reference_silence_then_speech(reference_dossier):
    silent = claim_with(reference_dossier, "has not commented publicly")
    assert silent.status == "superseded"


def test_conflicts_reference_range_relation_is_shown_on_the_claims_not_as_a_conflict(reference_dossier):
    notes = [n for c in reference_dossier.claims for n in c.normalisation if "25,000" in n]
    assert notes and "range" in notes[0]
    assert not any("25,000" in k.explanation for k in _conflicts(reference_dossier, "numeric"))


def test_conflicts_sample_injury_figures_disagree(sample_dossier):
    numeric = [k for k in _conflicts(sample_dossier, "numeric") if "disagree" in k.explanation]
    assert any("'30'" in k.explanation and "'12'" in k.explanation for k in numeric)
    assert not any("80 kilometres" in k.explanation for k in sample_dossier.conflicts)


def test_conflicts_sample_tear_gas_denial(sample_dossier):
    assert any(any("tear gas" in m.text for m in k.evidence) for k in _conflicts(sample_dossier, "polarity"))


def test_conflicts_sample_warrant_then_charges_dropped(sample_dossier):
    warrant = claim_with(sample_dossier, "An arrest warrant has been issued for Marchenko")
    assert warrant.status == "superseded"


# Hand-built stories (invented names and places) run through the whole pipeline: one file per outlet.
def _story(tmp_path, nlp, articles: dict[str, str]):
    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    for name, text in articles.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    return analyze([str(tmp_path)], SETTINGS, nlp=nlp)


def _article(headline: str, byline: str, day: str, body: str) -> str:
    # Filler so each piece passes the minimum article length; it states nothing the tests look at.
    filler = "Local officials expect more talks this month, and residents can read updates on the council website."
    return f"{headline}\nBy {byline}\n{day}\n\n{body}\n\n{filler}\n"


def test_conflicts_onset_dated_to_different_days_is_temporal(tmp_path, nlp):
    dossier = _story(
        tmp_path,
        nlp,
        {
            "a": _article(
                "Ferry crews stop work at Kelmport",
                "Ines Varga",
                "April 9, 2024",
                "The Kelmport Ferrymen's Guild launched the harbour strike on Friday, its secretary said. "
                "Ferries to the islands stood idle.",
            ),
            "b": _article(
                "Kelmport harbour strike enters fifth day",
                "Tomas Reld",
                "April 10, 2024",
                "The Kelmport Ferrymen's Guild launched the harbour strike on Sunday night after talks failed. "
                "Island shops report shortages.",
            ),
        },
    )
    temporal = _conflicts(dossier, "temporal")
    assert len(temporal) == 1
    dates = {t for t in ("2024-04-05", "2024-04-07") if t in temporal[0].explanation}
    assert dates == {"2024-04-05", "2024-04-07"}
    assert "Friday" in temporal[0].explanation and "Sunday night" in temporal[0].explanation


def test_conflicts_same_day_or_coarser_date_is_no_temporal_conflict(tmp_path, nlp):
    dossier = _story(
        tmp_path,
        nlp,
        {
            "a": _article(
                "Ferry crews stop work",
                "Ines Varga",
                "April 9, 2024",
                "The Kelmport Ferrymen's Guild launched the harbour strike on Friday night.",
            ),
            "b": _article(
                "Harbour strike goes on",
                "Tomas Reld",
                "April 12, 2024",
                "The Kelmport Ferrymen's Guild launched the harbour strike in the early hours of Saturday. "
                "The Kelmport Ferrymen's Guild launched a recruitment drive on Monday.",
            ),
            "c": _article(
                "Strike talks stall",
                "Mara Olsen",
                "April 20, 2024",
                "The Kelmport Ferrymen's Guild launched the harbour strike in April.",
            ),
        },
    )
    assert not _conflicts(dossier, "temporal")


def test_conflicts_whereabouts_unknown_then_located_is_superseded(tmp_path, nlp):
    dossier = _story(
        tmp_path,
        nlp,
        {
            "a": _article(
                "Tanner leaves the capital",
                "Ines Varga",
                "May 6, 2024",
                "Opposition leader Edda Tanner was seen leaving her office in Velmar on Sunday. "
                "Her whereabouts on Monday were not known.",
            ),
            "b": _article(
                "Tanner surfaces abroad",
                "Tomas Reld",
                "May 8, 2024",
                "Edda Tanner is now in Norvania, her spokesman confirmed.",
            ),
        },
    )
    unknown = claim_with(dossier, "were not known")
    assert unknown.status == "superseded"
    found = [k for k in _conflicts(dossier, "supersession") if k.superseded == unknown.id]
    assert found and "Norvania" in found[0].explanation


def test_conflicts_aim_and_disowned_aim_of_one_actor(tmp_path, nlp):
    dossier = _story(
        tmp_path,
        nlp,
        {
            "a": _article(
                "Farmers block the ministry",
                "Ines Varga",
                "June 3, 2024",
                "Protesters led by Arlo Brenn marched through Velmar on Monday. "
                "Arlo Brenn wanted to occupy the agriculture ministry building.",
            ),
            "b": _article(
                "Brenn explains the march",
                "Tomas Reld",
                "June 5, 2024",
                "In a radio interview, Arlo Brenn said he never wanted to occupy the ministry building "
                "but only to deliver a petition.",
            ),
        },
    )
    aims = [k for k in _conflicts(dossier, "polarity") if "aims" in k.explanation]
    assert len(aims) == 1
    assert len({m.doc for m in aims[0].evidence}) == 2


def test_conflicts_denial_of_an_unrelated_proposition_is_not_paired(tmp_path, nlp):
    dossier = _story(
        tmp_path,
        nlp,
        {
            "a": _article(
                "Rail dispute deepens",
                "Ines Varga",
                "June 3, 2024",
                "Transport minister Oskar Lind criticised the rail sabotage attempt in a speech on Monday.",
            ),
            "b": _article(
                "Railway blames storm",
                "Tomas Reld",
                "June 4, 2024",
                "The railway operator has denied reports of a rail sabotage attempt.",
            ),
        },
    )
    assert not _conflicts(dossier, "polarity")


def test_conflicts_reference_whereabouts_then_located(reference_dossier):
    unknown = claim_with(reference_dossier, "whereabouts")
    assert unknown.status == "superseded"


def test_conflicts_reference_stated_aim_disowned(reference_dossier):
    aims = [
        k for k in _conflicts(reference_dossier, "polarity") if k.explanation.startswith("Incompatible stated aims")
    ]
    assert aims and len({m.doc for m in aims[0].evidence}) == 2


def test_conflicts_a_denial_pairs_with_the_statement_most_like_it_in_its_own_story_block():
    """Two stories of a mixed pile state one proposition alike; a denial in one of them pairs with
    its own story's statement, whichever claim's id or place comes first (the other story's
    statement, chosen and then dropped as being of another block, left the denial unpaired)."""
    from types import SimpleNamespace

    from crosswire.models import Claim, ClaimMention
    from crosswire.stages.conflicts import _polarity

    said = "The army shelled the town on Friday."
    denied = "The ministry denied that the army shelled the town on Friday."

    def claim(claim_id: str, doc: str, text: str, certainty: str, start: int = 0) -> Claim:
        m = ClaimMention(doc, "s1", text, None, None, certainty, start=start, subject="army")
        return Claim(claim_id, text, (m,), 1, None, "single_source")

    claims = [
        claim("c-z-first", "a", said, "asserted"),  # (first in place, and the greater id)
        claim("c-b-second", "b", said, "asserted"),
        claim("c-d", "d", denied, "denied", denied.index("the army")),
    ]
    ctx = SimpleNamespace(
        names={},
        entity_name={},
        outlet={"a": "A", "b": "B", "d": "D"},
        source=lambda m: m.doc,
    )
    for first, second in (("a", "b"), ("b", "a")):  # (either statement first in the story's order)
        ordered = [c for doc in (first, second, "d") for c in claims if c.mentions[0].doc == doc]
        found = _polarity(ordered, ctx, {"a": 0, "b": 1, "d": 1})
        assert [k.claims for k in found] == [("c-b-second", "c-d")]
        assert len(_polarity(ordered, ctx, {"a": 0, "b": 0, "d": 0})) == 1  # one block: either


def test_conflicts_denials_candidate_statements_are_those_of_the_loop_over_each_denial(monkeypatch):
    """``_sharing`` counts every denial's candidate statements at once (in slices of denials): on
    random stories, with stems over the block size, the same rows in the same order as the loop over
    each denial's stems it replaced (e771523)."""
    import random
    from collections import Counter, defaultdict
    from itertools import chain

    from crosswire.stages import conflicts

    monkeypatch.setattr(conflicts, "MAX_BLOCK_SIZE", 5)
    monkeypatch.setattr(conflicts, "_DENIALS_AT_ONCE", 3)
    rng = random.Random(3)
    words = [f"w{n}" for n in range(12)]
    for _ in range(200):
        statements = [frozenset(rng.sample(words, rng.randrange(1, 6))) for _ in range(29)]
        propositions = [frozenset(rng.sample(words, rng.randrange(2, 6))) for _ in range(8)]
        denials = [(None, None, proposition) for proposition in propositions]
        denied = frozenset().union(*(p for _, _, p in denials))
        with_stem = defaultdict(list)
        for row, stems in enumerate(statements):
            for stem in stems & denied:
                with_stem[stem].append(row)
        expected = []
        for d, (_, _, proposition) in enumerate(denials):
            small = [s for s in proposition if 0 < len(with_stem.get(s, ())) <= 5]
            large = sum(1 for s in proposition if len(with_stem.get(s, ())) > 5)
            held = Counter(chain.from_iterable(with_stem[s] for s in small))
            rows = sorted(r for r, n in held.items() if (n + large) / len(proposition) >= 0.6)
            if rows:
                expected.append((d, rows))
        assert conflicts._sharing(denials, with_stem, len(statements)) == expected


def test_conflicts_ids_are_made_from_what_they_cite_not_their_rank(sample_dossier):
    documents = {d.id: d for d in sample_dossier.documents}
    conflicts = sample_dossier.conflicts
    assert len(conflicts) >= 3 and all(k.id.startswith(f"k-{k.kind}-") for k in conflicts)
    # Without the first conflict found, the others keep their ids (by rank, each moved on by one).
    assert conflict_ids(conflicts[1:], documents) == [k.id for k in conflicts[1:]]
    # Nor does the order of what it cites count: an earlier article can put its other claim first.
    pair = next(k for k in conflicts if len(k.evidence) == 2)
    flipped = replace(pair, evidence=pair.evidence[::-1])
    assert conflict_ids([flipped], documents) == conflict_ids([pair], documents)
