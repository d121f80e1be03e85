from __future__ import annotations

import re

import pytest
from conftest import claim_with


@pytest.mark.xfail(
    strict=True,
    reason="known miss since claims became clauses: 'Moscow only stopped a good 200 kilometers from the capital' "
    "and 'Prigozhin announced a retreat ... 120 miles away from Moscow' score 0.28 on the encoder; agreeing "
    "distances alone do not clear the bar",
)
def test_align_reference_200_km_and_120_miles_are_one_claim(reference_dossier):
    claim = claim_with(reference_dossier, "200 kilometers")
    assert any("120 miles" in m.text for m in claim.mentions)
    assert claim.independent_sources == 2
    assert any("193 km" in n for n in claim.normalisation)


def test_align_sample_km_and_miles_are_one_claim(sample_dossier):
    claim = claim_with(sample_dossier, "50 miles from the capital")
    assert any("80 kilometres" in m.text for m in claim.mentions)


def test_align_wire_copy_counts_once(sample_dossier):
    claim = claim_with(sample_dossier, "Police moved in late on Monday to clear the southbound lanes")
    assert {m.doc for m in claim.mentions} == {"wire_report", "regional_daily"}
    assert claim.independent_sources == 1


def test_align_status_and_first_report(sample_dossier):
    claim = claim_with(sample_dossier, "Diesel has run out at stations across Dravnik")
    assert claim.status == "corroborated" and claim.independent_sources >= 2
    dates = {d.id: d.published.date for d in sample_dossier.documents}
    assert claim.first_reported == min(dates[m.doc] for m in claim.mentions if dates[m.doc])


def test_align_text_index_weighs_words_by_general_use_the_same_in_any_story():
    """A word weighs by how rare it is in general use, not in the story: two sentences' cosine is the
    same whatever other sentences the index holds (a story kept open can keep it from add to add),
    a rare word counts for more than a common one, each row is weighed in its own language, and
    the counts are those scikit-learn makes (columns, repeated terms), weighed sublinearly."""
    import math
    import random

    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    from crosswire.stages._similarity import TextIndex, word_weights

    table, rarest = word_weights("en")
    assert table["the"] < table["rebellion"] < rarest
    assert word_weights("xx") == word_weights("!!") == ({}, 1.0)  # unknown, unreadable: words alike
    assert word_weights("und") == word_weights("en")  # too short to tell: read as English
    with pytest.raises(TypeError):  # one table serves every caller: none can change it for the others
        table["the"] = 0.0  # type: ignore[index]
    rng = random.Random(3)
    words = ["the", "say", "city", "road", "rebellion", "diesel", "zzyzxq", "Été", "b-c"]
    for _ in range(40):
        lists = [tuple(rng.choice(words) for _ in range(rng.randint(0, 9))) for _ in range(rng.randint(2, 30))]
        if not any(lists):
            continue
        index = TextIndex(lists)
        counts = CountVectorizer(analyzer=lambda x: x).fit_transform([list(x) for x in lists]).tocsr()
        assert np.array_equal(index.matrix.indices, counts.indices)
        terms = sorted({w for x in lists for w in x})
        for row, lemmas in enumerate(lists):
            expected = {w: (1 + math.log(lemmas.count(w))) * table.get(w, rarest) for w in set(lemmas)}
            norm = math.sqrt(sum(v * v for v in expected.values()))
            got = {terms[c]: v for c, v in zip(*_row(index.matrix, row), strict=True)}
            assert got.keys() == expected.keys()
            assert all(math.isclose(got[w], expected[w] / norm) for w in got)
        first, second = lists[0] + ("road",), lists[1] + ("road",)  # (never an empty row)
        index = TextIndex([first, second, *lists[2:]])
        alone = TextIndex([second, ("diesel",), first])
        assert alone.cosine(2, 0) == index.cosine(0, 1) == index.cosine(1, 0)  # to the last bit
        dot = float(index.matrix[0].multiply(index.matrix[1]).sum())
        assert math.isclose(index.cosine(0, 1), dot, abs_tol=1e-12)  # the matrix's rows, compared
    mixed = TextIndex([("la", "route"), ("the", "road"), ("le", "route")], ["fr", "en", "fr"])
    assert mixed.cosine(0, 2) == TextIndex([("le", "route"), ("la", "route")], ["fr", "fr"]).cosine(1, 0)
    french = TextIndex([("le", "route"), ("le", "route")], ["fr", "en"])
    weights = french.matrix.toarray()
    assert weights[0][0] < weights[0][1]  # "le", common in French, weighs less there
    assert weights[1][0] > weights[1][1]  # and more in English, where it is rare


def _row(matrix, row):  # type: ignore[no-untyped-def]
    part = slice(matrix.indptr[row], matrix.indptr[row + 1])
    return matrix.indices[part], matrix.data[part]


def test_candidate_pairs_are_every_pair_sharing_a_block_in_order():
    """The pairs a story's blocks propose (one sparse product) are exactly the pairs of rows that
    share a block, whether a block is a list (repeats and all) or a term of the word index, in
    order."""
    import random
    from itertools import combinations

    from crosswire.stages._similarity import MAX_BLOCK_SIZE, TextIndex, candidate_pairs

    rng = random.Random(5)
    for _ in range(40):
        size = rng.randint(1, 60)
        lists = [[rng.randrange(size) for _ in range(rng.randint(0, 6))] for _ in range(9)]
        words = [f"w{n}" for n in range(30)]
        lemmas = [tuple(rng.choices(words, k=rng.randint(0, 5))) for _ in range(size)]
        index = TextIndex(lemmas)
        terms: dict[str, set[int]] = {}
        for row, words in enumerate(lemmas):
            for word in words:
                terms.setdefault(word, set()).add(row)
        blocks = [set(b) for b in lists] + [b for b in terms.values() if len(b) <= MAX_BLOCK_SIZE]
        expected = sorted({pair for block in blocks for pair in combinations(sorted(block), 2)})
        assert candidate_pairs([index.blocks(), *lists], size) == expected
        alone = sorted({pair for block in lists for pair in combinations(sorted(set(block)), 2)})
        assert candidate_pairs(lists, size) == alone
    assert candidate_pairs([], 5) == []
    with pytest.raises(IndexError, match="outside 0..4"):
        candidate_pairs([[0, 7], [1, 2]], 5)


def test_align_claim_ids_are_the_first_reports_words_and_are_safe_to_link():
    from crosswire.models import ClaimMention
    from crosswire.stages.align import claim_ids

    def first(text: str, start: int = 0) -> ClaimMention:
        return ClaimMention("any-file", "s1", text, None, None, "asserted", start=start)

    said = "The <b>minister</b> said on Friday that the road would reopen."
    ids = claim_ids(
        [first(said), first("The minister said on Friday that it was over."), first(said, said.index("the road"))]
    )
    assert ids == [
        "c-the-b-minister-b-said-on-friday-that",
        "c-the-minister-said-on-friday-that",
        "c-the-road-would-reopen",
    ]
    later = first("So talks went on!", 3)
    alike = claim_ids([first("Talks went on."), first("Talks went on, he said."), later])
    assert alike[:2] == ["c-talks-went-on", "c-talks-went-on-he-said"]
    assert re.fullmatch(r"c-talks-went-on-[0-9a-f]{6}", alike[2])  # its first report's fingerprint
    # A claim placed before them that begins alike renames only the first of them, not the others.
    before = claim_ids([first("Yes, talks went on?", 5), first("Talks went on."), later])
    assert before[2] == alike[2] and before[1] != alike[0]
    # A first report read as "Talks went on 2" takes that id; four first reports alike in all:
    many = claim_ids([first("Talks went on 2."), *[first("Talks went on.")] * 4])
    fingerprint = many[2]
    assert many == [
        "c-talks-went-on-2",
        "c-talks-went-on",
        fingerprint,
        f"{fingerprint}-2",
        f"{fingerprint}-3",
    ]
    # The same sentence in two documents: their titles and days tell the two first reports apart.
    from types import SimpleNamespace

    def document(title: str, day: str) -> SimpleNamespace:
        return SimpleNamespace(title=title, published=SimpleNamespace(date=day))

    two = [ClaimMention(doc, "s1", "Talks went on.", None, None, "asserted") for doc in "abc"]
    documents = {"a": document("One", "2024-04-05"), "b": document("Two", "2024-04-05")}
    named = claim_ids(two, documents | {"c": document("One", "2024-04-06")})
    assert named[0] == "c-talks-went-on" and len(set(named)) == 3
    assert not any(re.search(r"-\d$", each) for each in named)  # fingerprints, no numbers
    assert claim_ids(two[:2], documents)[1] == named[1]  # (what comes after changes nothing)
