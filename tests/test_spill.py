"""A pile's spill file: what waits there rather than in memory while a pile is read."""

from __future__ import annotations

from conftest import LOOK_ALIKE_IDS, SETTINGS, look_alike_folder

from crosswire.analysis import piles
from crosswire.analysis.pipeline import read_sources
from crosswire.analysis.spill import Spill

_TEXT = " The harbour bridge in Tarnholm reopened on Monday after repairs, the council said." * 4


def test_spill_the_ids_kept_in_the_file_are_those_a_set_in_memory_gives(tmp_path):
    folder = look_alike_folder(tmp_path, _TEXT)
    in_memory = [item.id for item in read_sources([str(folder)], 100_000)]
    with Spill() as spill:
        given = spill.given_ids()
        in_file = [item.id for item in read_sources([str(folder)], 100_000, given)]
        assert in_file == in_memory == LOOK_ALIKE_IDS
        assert all(doc_id in given for doc_id in LOOK_ALIKE_IDS)
        assert "a-5" not in given and "c" not in given


def test_spill_a_pile_sorted_in_another_process_keeps_its_ids_in_the_file_it_was_handed(tmp_path):
    # The reading process opens the spill it was handed (``Spill(path)``): the ids it gave are in
    # that file, where the process that made it finds them.
    folder = look_alike_folder(tmp_path, _TEXT)
    with Spill() as spill:
        with spill.handed_over() as path, Spill(path) as apart:
            errors = piles._sort_pile([str(folder)], SETTINGS, None, None, apart)
        given = spill.given_ids()
        assert errors == [] and "a-5" not in given
        assert all(doc_id in given for doc_id in LOOK_ALIKE_IDS)
        stories = spill.stories(0, len(spill.story_sizes()))
        assert sorted(doc_id for story in stories for doc_id in story) == sorted(LOOK_ALIKE_IDS)
