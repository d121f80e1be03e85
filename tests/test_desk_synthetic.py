"""A desk's story of 300 articles, added to one article at a time: every version it stores equals an
analysis of the same articles afresh (issue 14, item 2's check on a story larger than the reference
corpus). The articles are ``benchmarks/synthetic.py``'s: the sample corpus told about 51 invented
stories (names, figures and years changed), all added to one stored story, so its claims, entities
and conflicts cross many documents and blocks."""

from __future__ import annotations

import sys

from conftest import ROOT, SETTINGS

from crosswire.analysis.cache import FolderCache
from crosswire.analysis.pipeline import LocalExecutor, analyze
from crosswire.output.json import to_dict
from crosswire.stages._memo import forget_story
from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import make_pile  # noqa: E402

ARTICLES, ADDS = 300, 3


def _without_generator(data):
    return {k: v for k, v in data.items() if k != "generator"}


def test_desk_a_300_article_story_added_to_one_article_at_a_time_equals_a_full_analysis(tmp_path, nlp):
    # Six templates a story: enough stories (51) that no two articles are the same text.
    paths = make_pile(tmp_path / "pile", ARTICLES + ADDS, (ARTICLES + ADDS) // 6 + 1)
    files = [(p.name, p.read_bytes()) for p in paths]
    store = open_store(tmp_path / "s.db")
    add_to_story(store, "big", files[:ARTICLES], SETTINGS, nlp=nlp)
    versions = []
    for item in files[ARTICLES:]:  # one at a time, in one process that keeps its memos, as a desk does
        result = add_to_story(store, "big", [item], SETTINGS, nlp=nlp)
        assert result.reuse.parsed == 1
        stored = [(f"big/{d.name}", d.data) for d in store.documents("big")]
        versions.append((stored, store.version("big")))
    store.close()
    cache = FolderCache(tmp_path / "parses")  # (the afresh analyses parse each article once between them)
    for stored, kept in versions:
        forget_story()  # an analysis afresh starts with nothing memoised
        fresh = to_dict(analyze(stored, SETTINGS, executor=LocalExecutor(nlp, cache=cache)), "x")
        assert len(stored) > ARTICLES and len(kept["documents"]) >= len(stored)  # (a feed file holds several)
        assert _without_generator(kept) == _without_generator(fresh)
    # The story is one a desk would check: claims told by several documents, conflicts between them.
    last = versions[-1][1]
    assert sum(len({m["doc"] for m in c["mentions"]}) >= 2 for c in last["claims"]) >= 50
    assert len(last["conflicts"]) >= 10
