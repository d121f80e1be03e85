from __future__ import annotations

from crosswire.stages._disjoint import DisjointSet


def test_disjoint_union_keeps_the_first_root_and_groups_keep_item_order():
    sets = DisjointSet(["a", "b", "c", "d"])
    assert sets.union("c", "a") == ("c", "a")
    assert sets.union("a", "c") is None  # already one group
    sets.union("d", "b")
    assert sets.find("a") == "c" and sets.find("b") == "d"
    assert sets.groups() == {"c": ["a", "c"], "d": ["b", "d"]}
