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
