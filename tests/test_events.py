from __future__ import annotations

from dataclasses import replace

from crosswire.models import EventMention
from crosswire.stages._memo import forget_story
from crosswire.stages.events import find_events, link_event_mentions


def _mention(doc: str, lemma: str, claim: str, **given) -> EventMention:
    return EventMention(doc=doc, sentence="s1", start=0, word=lemma, lemma=lemma, claim=claim, **given)


def _linked(a: EventMention, b: EventMention) -> bool:
    groups = link_event_mentions([a, b])
    return len(groups) == 1


def test_events_same_word_and_doer_in_two_documents_is_one_happening():
    a = _mention("a", "broker", "c1", subject="markov", object="deal")
    b = _mention("b", "broker", "c2", subject="markov", object="truce")  # other words for what was agreed
    assert _linked(a, b)


def test_events_other_doers_other_days_or_nothing_shared_stay_apart():
    assert not _linked(_mention("a", "accuse", "c1", subject="markov"), _mention("b", "accuse", "c2", subject="reiter"))
    day_one = _mention("a", "strike", "c1", subject="union", day="2024-04-05")
    day_two = _mention("b", "strike", "c2", subject="union", day="2024-04-07")
    assert not _linked(day_one, day_two)
    # "some expressed understanding" / "an adviser expressed disappointment": no doer, object or day in common
    assert not _linked(_mention("a", "express", "c1", object="understanding"), _mention("b", "express", "c2"))
    months = _mention("a", "blockade", "c1", subject="drivers", lasting=True)
    saturday = _mention("b", "blockade", "c2", subject="drivers", day="2024-04-06")
    assert not _linked(months, saturday)  # "have for months blocked" is not the blockade of Saturday


def test_events_plans_and_verbs_of_saying_link_nothing():
    plan = _mention("a", "move", "c1", subject="markov", happened=False)  # "Markov will move to Orlevo"
    done = _mention("b", "move", "c2", subject="markov")
    assert not _linked(plan, done)
    assert not _linked(_mention("a", "say", "c1", subject="markov"), _mention("b", "say", "c2", subject="markov"))


def test_events_a_mention_without_a_subject_does_not_chain_two_doers():
    army = _mention("a", "shell", "c1", subject="army", object="town")
    unnamed = _mention("b", "shell", "c2", object="town")  # "they shelled the town"
    rebels = _mention("c", "shell", "c3", subject="rebels", object="town")
    groups = link_event_mentions([army, unnamed, rebels])
    assert not any({0, 2} <= set(g) for g in groups)
    months = _mention("a", "blockade", "c1", subject="drivers", lasting=True)
    undated = _mention("b", "blockade", "c2", subject="drivers")
    saturday = _mention("c", "blockade", "c3", subject="drivers", day="2024-04-06")
    assert not any({0, 2} <= set(g) for g in link_event_mentions([months, undated, saturday]))


def test_events_the_mentions_of_one_claim_are_one_happening_whatever_their_days():
    a = _mention("a", "sign", "c1", day="2024-04-05")
    b = _mention("b", "sign", "c1", day="2024-04-06")
    assert _linked(a, b)


def _two_articles(tmp_path, nlp, a: tuple[str, str, str], b: tuple[str, str, str]):
    """The dossier of two articles, each (headline, byline, body), dated April 8, 2024."""
    from conftest import SETTINGS

    from crosswire.analysis.pipeline import analyze

    for name, (title, byline, body) in (("a", a), ("b", b)):
        (tmp_path / f"{name}.txt").write_text(f"{title}\n\nBy {byline}\n\nApril 8, 2024\n\n{body}", encoding="utf-8")
    return analyze([str(tmp_path)], SETTINGS, nlp=nlp)


def test_events_in_a_pile_link_claims_without_corroborating_them(tmp_path, nlp):
    dossier = _two_articles(
        tmp_path,
        nlp,
        (
            "Talks end the Orlevo blockade",
            "Ines Varga",
            "Union leader Ivan Markov brokered a deal with the interior ministry on Saturday, ending the blockade "
            "of the motorway to Orlevo. Drivers began to leave the motorway on Sunday morning.",
        ),
        (
            "Drivers leave the motorway",
            "Tomas Reld",
            "Under the agreement, brokered late on Saturday, the drivers will not face charges for the blockade. "
            "The interior ministry said the motorway would reopen on Tuesday.",
        ),
    )
    brokered = [v for v in dossier.events if v.word == "brokered"]
    assert len(brokered) == 1 and brokered[0].documents == 2 and brokered[0].outlets == 2
    # the brief names the other report of the happening, and cites only its own claim
    told = [s for s in dossier.brief.summary if "brokered a deal" in s.text]
    assert told and "other reports of this happening, not of this sentence: Drivers leave the motorway" in told[0].text
    assert len(told[0].claims) == 1 and told[0].sources == ("Talks end the Orlevo blockade",)
    claims = {c.id: c for c in dossier.claims}
    assert len(brokered[0].claims) == 2
    # the event is an index, not evidence: each claim keeps its own count
    assert all(claims[c].independent_sources == 1 for c in brokered[0].claims)
    for m in brokered[0].mentions:  # every mention points back at its sentence, at the word
        sentence = next(s for d in dossier.documents if d.id == m.doc for s in d.sentences if s.id == m.sentence)
        assert sentence.text[m.start : m.start + len(m.word)] == m.word


def test_events_reference_the_brokering_is_told_by_two_outlets(reference_dossier):
    brokered = [v for v in reference_dossier.events if v.word == "brokered"]
    assert brokered and brokered[0].outlets >= 2
    claims = {c.id: c for c in reference_dossier.claims}
    assert {"Lukashenko"} <= {w.strip(",.") for c in brokered[0].claims for w in claims[c].text.split()}


def test_events_a_denial_is_no_telling_of_the_event(tmp_path, nlp):
    dossier = _two_articles(
        tmp_path,
        nlp,
        (
            "Deal signed in Orlevo",
            "Ines Varga",
            "Union leader Ivan Markov signed the agreement with the interior ministry on Monday, the union said. "
            "Drivers are expected to leave the motorway by the end of the week.",
        ),
        (
            "No deal yet",
            "Tomas Reld",
            "Union leader Ivan Markov did not sign the agreement with the interior ministry on Monday. "
            "Talks are expected to resume later this week in the capital, officials said.",
        ),
    )
    assert not [v for v in dossier.events if v.word in ("signed", "sign")]
    assert all("other reports of this happening" not in s.text for s in dossier.brief.summary)


def test_events_name_the_claims_as_they_are_now_when_a_desk_renames_them(sample_dossier):
    """At a desk's next add the same claim mentions may belong to claims of other ids (an earlier
    report arrived): the events found again name the claims by their ids now, as an analysis afresh
    does."""
    claims, documents = sample_dossier.claims, sample_dossier.documents
    first = find_events(claims, documents)
    assert first, "the sample corpus tells happenings in several documents"
    renamed = [replace(c, id=f"{c.id}-now") for c in claims]
    again = find_events(renamed, documents)
    forget_story()  # an analysis afresh: nothing memoised
    assert again == find_events(renamed, documents)
    assert [[f"{c}-now" for c in e.claims] for e in first] == [list(e.claims) for e in again]


def _linked_in_one_pass(mentions, blocks, max_group):
    """The linking of every mention in one pass, as ``link_event_mentions`` did until 11bb322 (the
    reference the part-by-part linking must equal)."""
    from collections import defaultdict

    from crosswire.stages._disjoint import DisjointSet
    from crosswire.stages.events import _NO_EVENT, _by_claim, _Held, _in_common

    sets = DisjointSet(range(len(mentions)))
    held = {}

    def held_by(root):
        return held.setdefault(root, _Held.of(mentions[root]))

    def join(root, other, force=False):
        if force or not held_by(root).clashes(held_by(other)):
            sets.union(root, other)
            held_by(root).take(held_by(other))

    for claim_group in _by_claim(mentions).values():
        for i in claim_group[1:]:
            root, other = sets.find(claim_group[0]), sets.find(i)
            if root != other:
                join(root, other, force=True)
    groups = defaultdict(list)
    for i, m in enumerate(mentions):
        if m.lemma and m.lemma not in _NO_EVENT.in_language("en") and m.happened:
            groups[(blocks.get(m.doc, 0), m.lemma)].append(i)
    for members in groups.values():
        if len(members) > max_group:
            continue
        for x, i in enumerate(members):
            root = sets.find(i)
            for j in members[x + 1 :]:
                other = sets.find(j)
                if other != root and _in_common(mentions[i], mentions[j]):
                    join(root, other)
    return sorted(sorted(group) for group in sets.groups().values())


def test_events_linking_each_part_alone_gives_the_groups_of_linking_all_at_once(monkeypatch):
    """Mentions are linked part by part (those of no one claim and no one verb apart), and a story
    kept open finds its untouched parts again: on random stories with story blocks and verb groups
    over the size cap, and on each again with mentions added and its blocks renumbered, the groups
    are those of linking every mention in one pass (the code before 11bb322)."""
    import random

    from crosswire.stages import events

    monkeypatch.setattr(events, "MAX_GROUP", 6)
    rng = random.Random(7)
    for _ in range(300):
        mentions = [
            EventMention(
                doc=f"d{rng.randrange(6)}",
                sentence=f"s{k}",
                start=0,
                word="w",
                lemma=rng.choice(["strike", "sign", "meet", "say", ""]),
                claim=rng.choice([None, "c1", "c2", "c3", "c4", "c5"]),
                day=rng.choice([None, None, "2024-04-05", "2024-04-06"]),
                lasting=rng.random() < 0.1,
                subject=rng.choice(["", "", "union", "army"]),
                object=rng.choice(["", "deal", "town"]),
                happened=rng.random() < 0.8,
            )
            for k in range(rng.randrange(1, 40))
        ]
        blocks = {f"d{n}": rng.randrange(2) for n in range(6)}
        renumbered = {doc: 1 - block for doc, block in blocks.items()}  # (the same blocks)
        for size, given_blocks in ((len(mentions) // 2, blocks), (len(mentions), renumbered)):
            given = mentions[: max(size, 1)]
            expected = _linked_in_one_pass(given, given_blocks, 6)
            assert link_event_mentions(given, given_blocks) == expected
    forget_story()


def test_events_a_story_kept_open_links_again_only_the_parts_an_add_touched(monkeypatch):
    """Story blocks renumbered by an add (their numbers follow the documents' order) change nothing
    a part is linked by: every part is found again, and only a new mention's part is linked."""
    from crosswire.stages import events

    linked = []
    original = events.DisjointSet
    monkeypatch.setattr(events, "DisjointSet", lambda items: linked.append(1) or original(items))
    mentions = [
        _mention(doc, "strike", f"c{n}", subject="union")
        for n, doc in enumerate(["a", "b", "c", "d"])  # blocks: a and b one story, c and d another
    ]
    before = link_event_mentions(mentions, {"a": 0, "b": 0, "c": 1, "d": 1})
    assert before == [[0, 1], [2, 3]] and len(linked) == 2
    again = link_event_mentions(mentions, {"a": 1, "b": 1, "c": 0, "d": 0})  # (the same blocks)
    assert again == before and len(linked) == 2
    added = [*mentions, _mention("e", "strike", "c9", subject="union")]
    blocks = {"a": 1, "b": 1, "c": 0, "d": 0, "e": 0}
    assert link_event_mentions(added, blocks) == [[0, 1], [2, 3, 4]]
    assert len(linked) == 3  # only the part the new mention joined
    forget_story()
