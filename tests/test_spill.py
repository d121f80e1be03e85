"""A pile's spill file: what waits there rather than in memory while a pile is read."""

from __future__ import annotations

from conftest import SETTINGS

from crosswire.analysis import piles
from crosswire.analysis.pipeline import read_sources
from crosswire.analysis.spill import Spill

_NAMES = ["a", "a-2", "a", "a-2", "a", "a-3", "b", "b-2", "b"]
_IDS = ["a", "a-2", "a-3", "a-2-2", "a-4", "a-3-2", "b", "b-2", "b-3"]


def _folder(tmp_path):
    text = "The harbour bridge in Tarnholm reopened on Monday after repairs, the council said. "
    for n, name in enumerate(_NAMES):
        (tmp_path / f"{n}").mkdir()
        article = f"Article {n}. " + text * 4
        (tmp_path / f"{n}" / f"{name}.txt").write_text(article, encoding="utf-8")
    return tmp_path


def test_spill_the_ids_kept_in_the_file_are_those_a_set_in_memory_gives(tmp_path):
    folder = _folder(tmp_path)
    in_memory = [item.id for item in read_sources([str(folder)], 100_000)]
    with Spill() as spill:
        given = spill.given_ids()
        in_file = [item.id for item in read_sources([str(folder)], 100_000, given)]
        assert in_file == in_memory == _IDS
        assert all(doc_id in given for doc_id in _IDS) and "a-5" not in given and "c" not in given


def test_spill_a_pile_sorted_in_another_process_keeps_its_ids_in_the_file_it_was_handed(tmp_path):
    # The sorting process opens the spill it was handed (``Spill(path)``): the ids it gave are in
    # that file, where the process that made it finds them.
    folder = _folder(tmp_path)
    with Spill() as spill:
        with spill.handed_over() as path, Spill(path) as apart:
            errors = piles._sort_pile([str(folder)], SETTINGS, None, None, apart)
        given = spill.given_ids()
        assert errors == [] and all(doc_id in given for doc_id in _IDS) and "a-5" not in given
        stories = spill.stories(0, len(spill.story_sizes()))
        assert sorted(doc_id for story in stories for doc_id in story) == sorted(_IDS)
