"""The brief on real piles: what it says a claim's sources carry."""

from __future__ import annotations

from conftest import SETTINGS

from crosswire.analysis.pipeline import analyze

FILLER = "The talks took place in the capital of the province during a long and difficult week for everyone."


def test_brief_a_claim_two_outlets_carry_is_told_by_what_they_share(tmp_path, nlp):
    # Each outlet adds something of its own. The brief cites both, so it tells the claim in the words
    # that add least to what the other says, and says whose words they are.
    (tmp_path / "one.txt").write_text(
        "Governor Ivan Markov has for months fought the ministry over the road. "
        "He closed the motorway near Orlevo on Friday after a week of protests.\n\n" + FILLER,
        encoding="utf-8",
    )
    (tmp_path / "two.txt").write_text(
        "Ivan Markov closed the motorway near Orlevo on Friday with a decree that surprised the capital.\n\n" + FILLER,
        encoding="utf-8",
    )
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    told = [s for s in dossier.brief.summary if "closed the motorway" in s.text]
    assert told and "2 independent sources" in told[0].text
    assert "decree" not in told[0].text and "surprised" not in told[0].text
    assert told[0].text.startswith("Ivan Markov closed the motorway near Orlevo on Friday")
    assert "wording: " in told[0].text
    assert dossier.brief.headline.endswith(": 2 reports from 2 sources, 1 claim carried by more than one")


def test_claims_are_taken_in_the_order_of_the_stable_sort_and_commentary_asked_only_when_reached():
    """The brief reads a large story's claims best first: in the order a stable sort by (more
    sources, single-source reporting before commentary, a happening other outlets report first)
    gives, while whether a claim is commentary is asked only of the claims the reading reaches."""
    import random

    for seed in range(50):
        _check_claims_in_turn(random.Random(seed))


def _check_claims_in_turn(rng) -> None:  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from crosswire.stages.brief import _in_turn

    sources = [rng.choice([0, 1, 1, 2, 3]) for _ in range(40)]
    claims = [SimpleNamespace(id=f"c{n}", independent_sources=s) for n, s in enumerate(sources)]
    outlets = {c.id: rng.choice([0, 1, 2, 3]) for c in claims[::2]}
    is_commentary = {c.id: rng.random() < 0.4 for c in claims}
    expected = sorted(
        claims,
        key=lambda c: (
            -c.independent_sources,
            c.independent_sources < 2 and is_commentary[c.id],
            outlets.get(c.id, 0) < 2,
        ),
    )
    assert list(_in_turn(claims, lambda c: is_commentary[c.id], outlets)) == expected
    asked: list[str] = []
    taken = _in_turn(claims, lambda c: asked.append(c.id) or is_commentary[c.id], outlets)
    several = sum(c.independent_sources >= 2 for c in claims)
    assert [next(taken) for _ in range(several)] == expected[:several] and asked == []
