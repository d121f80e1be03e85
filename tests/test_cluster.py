"""Stories from a pile: the mixed sample + reference pile splits into its two stories; reprints count once."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS

from crosswire import cli
from crosswire.analysis.pipeline import analyze, prepare
from crosswire.stages.cluster import ClusterSettings, cluster_stories, near_duplicates

WIRE = (
    "The harbour authority said on Tuesday that the northern pier would close for six weeks of repairs after "
    "inspectors found cracks in two of its supporting columns. Ferry services will move to the southern terminal "
    "from Monday, the authority said, and about 40 staff will be redeployed. Local traders warned that the closure "
    "would cost them customers during the busiest weeks of the season."
)

LIBRARY = (
    "Council members voted on Wednesday to extend the library's opening hours into the evening, after a "
    "petition signed by more than 2,000 residents. The change starts next month and costs about 80,000 a year. "
    "Librarians welcomed the decision but asked the council to fund two more posts for the late shifts, which "
    "the mayor said would be considered when the budget is set in the autumn."
)


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_cluster_mixed_pile_splits_into_its_two_stories():
    documents, errors = prepare([str(SAMPLE), str(REFERENCE)], SETTINGS, None, {})
    assert not errors
    stories = cluster_stories(documents)
    groups = sorted(sorted(s.documents) for s in stories)
    assert len(groups) == 2
    reference = {p.stem for p in REFERENCE.glob("*.txt")}
    assert set(groups[0]) == reference or set(groups[1]) == reference


def test_cluster_near_duplicates_found(tmp_path):
    for outlet in ("Harbour Times", "Coast Daily", "Bay Herald"):
        (tmp_path / f"{outlet.split()[0].lower()}.jsonl").write_text(
            json.dumps({"text": WIRE, "outlet": outlet, "published": "2025-05-06"}) + "\n", encoding="utf-8"
        )
    (tmp_path / "other.txt").write_text(
        "Council members voted on Wednesday to extend the library's opening hours into the evening, after a "
        "petition signed by more than 2,000 residents. The change starts next month and costs about 80,000 a year.",
        encoding="utf-8",
    )
    documents, _ = prepare([str(tmp_path)], SETTINGS, None, {})
    copies = near_duplicates(documents)
    assert [sorted(c) for c in copies] == [["bay-1", "coast-1", "harbour-1"]]


def test_cluster_same_wire_text_by_three_outlets_counts_once(tmp_path, nlp):
    for outlet in ("Harbour Times", "Coast Daily", "Bay Herald"):
        (tmp_path / f"{outlet.split()[0].lower()}.jsonl").write_text(
            json.dumps({"text": WIRE, "outlet": outlet, "published": "2025-05-06"}) + "\n", encoding="utf-8"
        )
    dossier = analyze([str(tmp_path)], SETTINGS, nlp=nlp)
    pier = next(c for c in dossier.claims if "northern pier would close" in c.text)
    assert len({m.doc for m in pier.mentions}) == 3
    assert pier.independent_sources == 1


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_cluster_cli_writes_one_dossier_per_story(tmp_path, monkeypatch, nlp):
    import crosswire.analysis.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    out = tmp_path / "stories"
    assert cli.main(["analyze", str(SAMPLE), str(REFERENCE), "--stories", str(out), "--quiet"]) == 0
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert len(index["stories"]) == 2
    for story in index["stories"]:
        dossier = json.loads((out / f"{story['story']}.json").read_text(encoding="utf-8"))
        assert sorted(d["id"] for d in dossier["documents"]) == sorted(story["documents"])


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_cluster_parquet_shard_holds_the_same_dossiers(tmp_path, monkeypatch, nlp):
    pytest.importorskip("pyarrow.parquet", reason="Parquet shards need pyarrow (crosswire[ray])")
    import crosswire.analysis.pipeline as pipeline
    from crosswire.output.shards import read_shard

    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    out = tmp_path / "stories"
    args = ["analyze", str(SAMPLE), str(REFERENCE), "--stories", str(out), "--quiet", "--shard-format", "parquet"]
    assert cli.main(args) == 0
    rows = read_shard(out / "dossiers.parquet")
    assert len(rows) == 2
    for row in rows:
        assert row["dossier"] == json.loads((out / f"{row['story']}.json").read_text(encoding="utf-8"))
        assert sorted(row["documents"]) == sorted(d["id"] for d in row["dossier"]["documents"])
    assert not (out / "dossiers.jsonl").exists()


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present")
def test_cluster_same_pile_in_any_input_order_gives_the_same_stories():
    documents, _ = prepare([str(SAMPLE), str(REFERENCE)], SETTINGS, None, {})
    forward = cluster_stories(documents)
    assert cluster_stories(list(reversed(documents))) == forward
    assert cluster_stories(documents[1::2] + documents[::2]) == forward


def _exact_average_linkage(vectors, threshold):
    """Brute force: merge the pair of groups with the highest mean pairwise similarity while it reaches
    the threshold."""
    groups = [[i] for i in range(len(vectors))]
    while len(groups) > 1:
        best, pair = threshold, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                mean = np.mean([vectors[i] @ vectors[j] for i in groups[x] for j in groups[y]])
                if mean >= best:
                    best, pair = mean, (x, y)
        if pair is None:
            break
        groups[pair[0]] += groups.pop(pair[1])
    return sorted(sorted(g) for g in groups)


@pytest.mark.parametrize("seed", range(20))
def test_cluster_merge_pass_is_average_linkage(seed):
    """When every pair of stories is above the table's floor, the merge pass is exact average linkage."""
    from scipy import sparse

    from crosswire.stages.cluster import ClusterSettings, _merge, _Story

    rng = np.random.default_rng(seed)
    vectors = rng.random((9, 3)) + 0.2
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    settings = ClusterSettings(threshold=0.97)
    assert (vectors @ vectors.T).min() >= settings.threshold / 2
    stories = [_Story(sparse.csr_matrix(v), [i], None, None) for i, v in enumerate(vectors)]
    merged = sorted(sorted(s.rows) for s in _merge(stories, settings))
    assert merged == _exact_average_linkage(vectors, settings.threshold)
    assert len(merged) < len(vectors)  # something did merge


def test_cluster_merge_pass_keeps_merging_a_merged_story():
    from scipy import sparse

    from crosswire.stages.cluster import ClusterSettings, _merge, _Story

    same = sparse.csr_matrix(np.array([[1.0, 0.0, 0.0]]))
    stories = [_Story(same.copy(), [i], None, None) for i in range(4)]
    assert [sorted(s.rows) for s in _merge(stories, ClusterSettings())] == [[0, 1, 2, 3]]


def test_cluster_merge_pass_respects_the_time_window_both_ways():
    from datetime import date

    from scipy import sparse

    from crosswire.stages.cluster import ClusterSettings, _merge, _Story

    same = sparse.csr_matrix(np.array([[1.0, 0.0]]))
    month = _Story(same.copy(), [0], date(2025, 1, 1), date(2025, 1, 30))
    inside = _Story(same.copy(), [1], date(2025, 1, 15), date(2025, 1, 16))
    later = _Story(same.copy(), [2], date(2025, 3, 1), date(2025, 3, 2))
    for order in ([month, inside, later], [later, inside, month]):
        stories = [_Story(s.total, list(s.rows), s.first, s.last) for s in order]
        assert sorted(sorted(s.rows) for s in _merge(stories, ClusterSettings(window_days=10))) == [[0, 1], [2]]


@pytest.mark.parametrize("kind", ["jsonl", "parquet"])
def test_cluster_shard_writer_round_trips_in_batches(tmp_path, kind, sample_dossier):
    if kind == "parquet":
        pytest.importorskip("pyarrow.parquet", reason="Parquet shards need pyarrow (crosswire[ray])")
    from dataclasses import replace

    from crosswire.models import Brief
    from crosswire.output.json import from_dict, to_dict
    from crosswire.output.shards import ShardWriter, read_shard

    headlines = [f"Story {n}: é \u2028 <b>" for n in range(5)]
    dossiers = [replace(sample_dossier, brief=Brief(h, sample_dossier.brief.summary)) for h in headlines]
    with ShardWriter(tmp_path, kind, batch=2) as shard:
        for n, dossier in enumerate(dossiers):
            shard.write(f"story-{n}", f"label {n}", [f"d{n}"], dossier, "test")
    rows = read_shard(shard.path)
    assert [row["story"] for row in rows] == [f"story-{n}" for n in range(5)]
    assert [row["dossier"] for row in rows] == [to_dict(d, "test") for d in dossiers]
    assert [from_dict(row["dossier"]).brief.headline for row in rows] == headlines
    with ShardWriter(tmp_path / "", kind) as empty:
        pass
    assert read_shard(empty.path) == []


def _scan_every_story(documents, settings):
    """The online pass written plainly: each document scored against every story opened so far."""
    from crosswire.stages._order import document_rank
    from crosswire.stages._story_features import hashers
    from crosswire.stages._story_features import publication_day as _day
    from crosswire.stages.cluster import _vectors

    rank = document_rank(documents)
    order = sorted(range(len(documents)), key=lambda i: (documents[i].published.date or "9999", rank[documents[i].id]))
    texts = [f"{documents[i].title or ''}\n{documents[i].body}" for i in order]
    _words, _names = hashers()
    vectors = _vectors(_words.transform(texts), _names.transform(texts), settings).toarray()
    stories = []  # [total, rows, first, last]
    for row, index in enumerate(order):
        day = _day(documents[index])
        best = None
        scores = np.array([(total @ vectors[row]) / len(rows) for total, rows, _, _ in stories])
        for k in np.argsort(-scores, kind="stable"):
            total, rows, first, last = stories[k]
            near = not (day and first) or (max(day, first) - min(day, last)).days <= settings.window_days
            if scores[k] >= settings.threshold and near:
                best = k
                break
            if scores[k] < settings.threshold:
                break
        if best is None:
            stories.append([vectors[row].copy(), [row], day, day])
        else:
            story = stories[best]
            story[0] = story[0] + vectors[row]
            story[1].append(row)
            if day:
                story[2], story[3] = min(story[2] or day, day), max(story[3] or day, day)
    return sorted(tuple(sorted(documents[order[r]].id for r in rows)) for _, rows, _, _ in stories)


def test_cluster_leaving_quiet_stories_out_changes_no_story():
    """Stories quiet for longer than the window are left out of the scoring of later dated documents;
    the stories come out as a scan of every story gives them, undated documents included."""
    import random
    from dataclasses import replace
    from datetime import date, timedelta

    from crosswire.models import Published
    from crosswire.stages.cluster import ClusterSettings

    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice("bcdfgklmnprstv") + rng.choice("aeiou") for _ in range(4))

    topics = [[word() for _ in range(25)] for _ in range(40)]
    names = [word().capitalize() for _ in range(40)]
    files = []
    for n in range(160):
        topic = n % 40
        words = [rng.choice(topics[topic]) for _ in range(60)] + [
            rng.choice(topics[rng.randrange(40)]) for _ in range(8)
        ]
        body = f"Officials said {names[topic]} {' '.join(words)}. The {names[topic]} council met again."
        files.append((f"d{n:03d}.txt", body.encode()))
    documents, _ = prepare(files, SETTINGS, None, {})
    start = date(2024, 1, 1)
    dated = []
    for k, d in enumerate(documents):
        day = start + timedelta(days=rng.randrange(0, 400))
        basis = "inferred" if k % 6 == 0 else "stated"  # an inferred day is no day for the window
        dated.append(replace(d, published=Published(day.isoformat(), basis)))
    settings = ClusterSettings(merge=False)
    found = sorted(tuple(sorted(s.documents)) for s in cluster_stories(dated, settings))
    assert found == _scan_every_story(dated, settings)
    assert len(found) > 40  # restacks happen: more stories than a restack waits for


def test_cluster_features_made_a_part_at_a_time_give_the_same_stories(tmp_path):
    # A large pile's features are made as its documents are cleaned, a chunk at a time, and joined:
    # the stories are those of the documents clustered in one go, whatever order the chunks came in.
    from crosswire.stages.cluster import cluster_features, join_features, story_features

    documents, _ = prepare([str(SAMPLE)], SETTINGS, None, {})
    settings = ClusterSettings(threshold=0.3)  # the sample as three stories: order and rows matter
    whole = cluster_stories(documents, settings)
    assert len(whole) > 1 and any(len(s.documents) > 1 for s in whole)
    backwards = documents[::-1]  # the chunks may come in any order
    parts = [story_features(backwards[k : k + 3]) for k in range(0, len(backwards), 3)]
    assert cluster_features(join_features(parts), settings) == [s.documents for s in whole]
    assert cluster_features(join_features([]), settings) == []


def _two_stories_interleaved(tmp_path):
    """Twelve documents on one day, two stories in turn: a partition of three holds pieces of both."""
    from dataclasses import replace

    from crosswire.models import Published

    stories = (WIRE, LIBRARY)
    files = [(f"d{n:02d}.txt", f"{stories[n % 2]}\n\nUpdate number {n}.".encode()) for n in range(12)]
    documents, errors = prepare(files, SETTINGS, None, {})
    assert len(documents) == 12, errors
    return [replace(d, published=Published("2025-05-06", "stated")) for d in documents]


def test_cluster_partitions_cut_a_story_and_the_merge_pass_joins_it_again(tmp_path):
    from crosswire.stages.cluster import cluster_features, story_features

    features = story_features(_two_stories_interleaved(tmp_path))
    settings = ClusterSettings(partition_documents=3)
    pieces = cluster_features(features, ClusterSettings(partition_documents=3, merge=False))
    assert len(pieces) > 2  # the first pass sees one partition at a time
    found = sorted(sorted(group) for group in cluster_features(features, settings))
    assert found == [[f"d{n:02d}" for n in range(0, 12, 2)], [f"d{n:02d}" for n in range(1, 12, 2)]]
    assert found == sorted(sorted(group) for group in cluster_features(features, ClusterSettings()))


def test_cluster_partitions_give_the_same_stories_wherever_they_run(tmp_path):
    # The Ray engine runs the partitions as parallel tasks, in any order: the stories are the same.
    from concurrent.futures import ThreadPoolExecutor

    from crosswire.stages.cluster import cluster_features, story_features

    features = story_features(_two_stories_interleaved(tmp_path))
    settings = ClusterSettings(partition_documents=2, merge=False)
    here = cluster_features(features, settings)

    def backwards(function, items):
        return [function(item) for item in reversed(list(items))][::-1]

    with ThreadPoolExecutor(2) as pool:
        assert cluster_features(features, settings, pool.map) == here
    assert cluster_features(features, settings, backwards) == here


def test_cluster_features_kept_on_disk_cluster_as_they_do_in_memory(tmp_path):
    # A large pile's counts and keys wait in the spill file as chunks come (only the pile's frequencies
    # stay in memory); the keys are read back at the end, and each partition reads its counts back; a
    # document left out later takes its counts out of the frequencies.
    from crosswire.analysis.piles import PileFeatures
    from crosswire.analysis.spill import Spill
    from crosswire.stages._story_features import publication_order
    from crosswire.stages.cluster import cluster_features, join_features, story_features

    documents = _two_stories_interleaved(tmp_path) + prepare([str(SAMPLE)], SETTINGS, None, {})[0]
    left_out = {documents[3].id, documents[-1].id}
    kept = {d.id for d in documents} - left_out
    settings = ClusterSettings(partition_documents=4)
    with Spill() as spill:
        pile = PileFeatures(spill)
        for k in range(0, len(documents), 5):
            pile.put(story_features(documents[k : k + 5]))
        in_memory = join_features([story_features(documents[k : k + 5]) for k in range(0, len(documents), 5)])
        whole = pile.read()
        assert (whole.ids, whole.days) == (in_memory.ids, in_memory.days)
        order, dated = whole.order()  # (sorted in the file)
        assert (list(order), dated) == in_memory.order()
        words, names = whole.rows([7, 0, 2])
        assert (words != in_memory.words[[7, 0, 2]]).nnz == 0 and (names != in_memory.names[[7, 0, 2]]).nnz == 0
        pile.drop(sorted(left_out) + ["not-in-the-pile"])
        on_disk = pile.read()
        left = story_features([d for d in documents if d.id in kept])  # (the same counts, made afresh)
        found = cluster_features(on_disk, settings)
        assert found == cluster_features(left, settings)
        assert sorted(i for group in found for i in group) == sorted(kept)
        assert on_disk.frequencies().documents == len(kept)
        assert (on_disk.frequencies().words == left.frequencies().words).all()
        # A document given a new content hash (its outlet respelled) moves among those of its date.
        moves = [(n, [*left.keys[:n], "0" * 64, *left.keys[n + 1 :]]) for n in range(len(left))]
        n, keys = next((n, k) for n, k in moves if publication_order(left.ids, left.dates, k) != left.order())
        spill.rekey({left.ids[n]: "0" * 64})
        assert list(pile.read().order()[0]) == publication_order(left.ids, left.dates, keys)[0]
        spill.put(documents)
        spill.put_outlets(documents)
        assert [d.id for d in spill.take([documents[0].id])] == [documents[0].id]
        with pytest.raises(KeyError):  # a document taken takes its counts with it
            spill.counts([documents[0].id], on_disk.columns)


def test_cluster_partitions_are_read_one_at_a_time(tmp_path):
    # A partition's counts are read (from the spill, for a large pile) and weighed when its turn
    # comes, so the pile's vectors are never all in memory at once.
    from crosswire.stages.cluster import cluster_features, story_features

    features = story_features(_two_stories_interleaved(tmp_path))
    log = []

    class Logged:
        def __getattr__(self, name):
            return getattr(features, name)

        def __len__(self):
            return len(features)

        def rows(self, rows):
            log.append("read")
            return features.rows(rows)

    def run(function, items):
        found = []
        for item in items:
            log.append("run")
            found.append(function(item))
        return found

    groups = cluster_features(Logged(), ClusterSettings(partition_documents=4), run)
    assert log == ["read", "run"] * 3
    assert groups == cluster_features(features, ClusterSettings(partition_documents=4))


def test_cluster_near_copies_are_found_from_the_signatures_kept_with_the_parse(tmp_path, nlp, monkeypatch):
    # Each document's shingle signature is made once, when it is parsed, and kept with the parse: a
    # story's near-copies are found from them without shingling every text again. A parse kept before
    # signatures were (none in it) gets one made then.
    from dataclasses import replace

    from crosswire.analysis.pipeline import annotate_all
    from crosswire.stages import cluster
    from crosswire.stages._shingles import shingle_signature

    for outlet in ("Harbour Times", "Coast Daily", "Bay Herald"):
        (tmp_path / f"{outlet.split()[0].lower()}.jsonl").write_text(
            json.dumps({"text": WIRE, "outlet": outlet, "published": "2025-05-06"}) + "\n", encoding="utf-8"
        )
    (tmp_path / "library.txt").write_text(LIBRARY, encoding="utf-8")
    documents, _ = prepare([str(tmp_path)], SETTINGS, None, {})
    annotated = annotate_all(documents, SETTINGS, nlp, None, {}, [])
    assert all(a.signature == shingle_signature(a.document.body) for a in annotated)
    expected = [["bay-1", "coast-1", "harbour-1"]]

    def refused(body):
        raise AssertionError("a text was shingled again")

    monkeypatch.setattr(cluster, "shingle_signature", refused)
    found = near_duplicates([a.document for a in annotated], 0.8, [a.signature for a in annotated])
    assert [sorted(c) for c in found] == expected
    monkeypatch.undo()
    old_parses = [replace(a, signature=()) for a in annotated]
    found = near_duplicates([a.document for a in old_parses], 0.8, [a.signature for a in old_parses])
    assert [sorted(c) for c in found] == expected


def _many_stories(stories: int, per_story: int, undated_every: int = 0):
    """Features of a pile of ``stories`` made-up stories of ``per_story`` documents each, every story
    with its own words and names beside words all stories share; the gold story is the id's prefix."""
    from datetime import date, timedelta

    from crosswire.stages._story_features import StoryFeatures, hashers

    rng = np.random.default_rng(7)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))

    def word() -> str:
        return "".join(rng.choice(letters, size=7))

    common = [word() for _ in range(300)]
    ids, dates, days, texts = [], [], [], []
    for story in range(stories):
        own, names = [word() for _ in range(40)], [word().capitalize() for _ in range(4)]
        day = date(2025, 1, 1) + timedelta(days=int(story % 5))
        for n in range(per_story):
            picked = [*rng.choice(own, size=25), *rng.choice(common, size=40)]
            text = " ".join(f"{w} {rng.choice(names)}" if k % 6 == 5 else w for k, w in enumerate(picked))
            undated = undated_every and (story * per_story + n) % undated_every == 0
            ids.append(f"s{story:03d}-{n}")
            dates.append(None if undated else day.isoformat())
            days.append(None if undated else day)
            texts.append(f"Report.\n{text}.")
    keys = tuple(f"{i:06d}" for i in range(len(ids)))
    words, names = (hasher.transform(texts).astype(np.float32) for hasher in hashers())
    return StoryFeatures(tuple(ids), tuple(dates), tuple(days), keys, words, names)


def test_cluster_many_open_stories_are_searched_by_their_sketches_with_the_same_stories():
    # With many stories open, a document is scored exactly against the 32 stories whose sketched mean
    # is closest, not against every one: on 150 distinct stories (a third of the documents undated,
    # so they may join any story) it finds the stories the full scan finds, and the gold ones.
    from crosswire.stages.cluster import cluster_features

    features = _many_stories(150, 3, undated_every=3)
    scanned = cluster_features(features, ClusterSettings(sketch_from=10**9))
    sketched = cluster_features(features, ClusterSettings(sketch_from=1, candidates=32))
    gold = sorted(sorted(i for i in features.ids if i.startswith(f"s{k:03d}-")) for k in range(150))
    assert sorted(sorted(g) for g in sketched) == gold
    assert sketched == scanned
    # Two candidates among 150 stories still find each document's own story: the sketch ranks it first.
    assert cluster_features(features, ClusterSettings(sketch_from=1, candidates=2)) == scanned


@pytest.mark.parametrize("sketch_from", [1, 10**9])
def test_cluster_stories_kept_on_disk_are_those_kept_in_memory(monkeypatch, sketch_from):
    # Once a partition is clustered, its stories' totals go to a temporary file and are read back
    # when scored (by undated documents) or merged, from sketches' candidates or all at once: the
    # stories are those of totals held in memory.
    from crosswire.stages import cluster
    from crosswire.stages._shelf import ShelvedRow

    features = _many_stories(150, 3, undated_every=3)
    settings = ClusterSettings(partition_documents=50, sketch_from=sketch_from, candidates=8)
    merged = []

    def spied_merge(stories, given):
        merged.append(sum(isinstance(s.total, ShelvedRow) for s in stories) / len(stories))
        return original_merge(stories, given)

    original_merge = cluster._merge
    monkeypatch.setattr(cluster, "_merge", spied_merge)
    on_disk = cluster.cluster_features(features, settings)

    class InMemory:  # (keeps nothing: each total stays where it is)
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

        def keep(self, row):
            return row

    monkeypatch.setattr(cluster, "Shelf", InMemory)
    in_memory = cluster.cluster_features(features, settings)
    assert merged[0] == 1.0 and merged[1] == 0.0  # every story waited on disk, then none did
    assert on_disk == in_memory
    monkeypatch.undo()
    monkeypatch.setattr(cluster, "_RECENT_BYTES", 1)  # (each total read again whenever compared)
    assert cluster.cluster_features(features, settings) == on_disk
    gold = sorted(sorted(i for i in features.ids if i.startswith(f"s{k:03d}-")) for k in range(150))
    assert sorted(sorted(g) for g in on_disk) == gold


def test_cluster_sketches_estimate_the_similarities_they_stand_for():
    from crosswire.stages.cluster import _sketch, _vectors

    features = _many_stories(20, 2)
    vectors = _vectors(features.words, features.names, ClusterSettings())
    exact = (vectors @ vectors.T).toarray()
    sketches = np.stack([_sketch(vectors[row]) for row in range(vectors.shape[0])])
    errors = np.abs(sketches @ sketches.T - exact)
    assert errors.mean() < 0.05 and errors.max() < 0.3
    assert np.array_equal(_sketch(vectors[0]), _sketch(vectors[0]))  # fixed by its seed


def test_cluster_sketch_projection_drawn_in_steps_is_the_one_drawn_whole():
    # The projection is drawn a step of rows at a time to spare the process whole-size temporaries;
    # the sketches (and so the stories found) stay those of one draw of the whole from the same seed.
    from crosswire.stages._story_features import FEATURES
    from crosswire.stages.cluster import _SKETCH, _SKETCH_SPREAD, _projection

    generator = np.random.default_rng(20261203)
    whole = generator.integers(0, _SKETCH, size=(2 * FEATURES, _SKETCH_SPREAD)).astype(np.int16)
    signs = generator.choice(np.array([-1.0, 1.0]), size=(2 * FEATURES, _SKETCH_SPREAD)) / np.sqrt(_SKETCH_SPREAD)
    dimensions, drawn = _projection()
    assert dimensions.dtype == np.int16 and drawn.dtype == np.float32
    assert np.array_equal(dimensions, whole)
    assert np.array_equal(drawn, signs.astype(np.float32))


def _redated(features, changes):
    """``features`` with some documents' dates changed: {position: (date string or None, day or None)}."""
    from dataclasses import replace

    dates, days = list(features.dates), list(features.days)
    for position, (when, day) in changes.items():
        dates[position], days[position] = when, day
    return replace(features, dates=tuple(dates), days=tuple(days))


@pytest.mark.parametrize("gap, joins", [(10, True), (11, False)])
def test_cluster_sketched_window_ends_where_a_story_can_take_no_more(gap, joins):
    # 40 stories open on one day; the last story's second document comes ``gap`` days later: within
    # the 10-day window it joins its story, a day past it opens a new one, with sketches as without.
    from datetime import date, timedelta

    from crosswire.stages.cluster import cluster_features

    features = _many_stories(40, 2)
    first = date(2025, 1, 1)
    changes = {n: (first.isoformat(), first) for n in range(len(features.ids))}
    later = first + timedelta(days=gap)
    changes[len(features.ids) - 1] = (later.isoformat(), later)
    features = _redated(features, changes)
    last, its_story = features.ids[-1], features.ids[-2]
    for settings in (ClusterSettings(sketch_from=1, merge=False), ClusterSettings(sketch_from=10**9, merge=False)):
        found = cluster_features(features, settings)
        assert ((its_story, last) in found) is joins
        assert ((last,) in found) is not joins


def test_cluster_sketched_document_dated_without_a_day_may_join_a_closed_story():
    # A document whose date is only inferred has no day: it may join any story, even one that dated
    # documents have left behind (as the full scan lets it), not only the stories still open.
    from datetime import date

    from crosswire.stages.cluster import cluster_features

    features = _many_stories(40, 2)
    n = len(features.ids)
    features = _redated(features, {1: ("2025-02-01", date(2025, 2, 1)), n - 1: ("2025-03-01", None)})
    for settings in (ClusterSettings(sketch_from=1, merge=False), ClusterSettings(sketch_from=10**9, merge=False)):
        found = cluster_features(features, settings)
        assert (features.ids[-2], features.ids[-1]) in found  # past the window of every dated story
        assert (features.ids[1],) in found  # the dated document a month later opened its own


def test_cluster_near_duplicates_are_the_groups_an_lsh_index_finds():
    # Near copies are found by comparing signatures band by band: the same groups as querying
    # datasketch's MinHashLSH with every document, on signatures that share chosen bands (chains
    # too: a shares a band with b, b another with c, a none with c) or a few values of one.
    import random

    from datasketch import MinHash, MinHashLSH

    from crosswire.models import Document, Published
    from crosswire.stages._shingles import PERMUTATIONS, SCHEME

    ranges = MinHashLSH(threshold=0.8, num_perm=PERMUTATIONS).hashranges
    rng = random.Random(11)
    grouped = 0
    for _ in range(30):
        base = [rng.getrandbits(32) for _ in range(PERMUTATIONS)]
        signatures = []
        for _ in range(rng.randint(2, 10)):
            values = [rng.getrandbits(32) for _ in range(PERMUTATIONS)]
            for start, end in rng.sample(ranges, rng.randint(0, 2)):  # a band or two in common
                source = signatures[-1] if signatures and rng.random() < 0.5 else base
                values[start:end] = source[start:end]
            if rng.random() < 0.2:  # most of a band, not all of it
                start, end = rng.choice(ranges)
                values[start : end - 1] = base[start : end - 1]
            signatures.append(tuple(values))
        undated = Published(None, "none")
        documents = [
            Document(f"d{n}", f"d{n}.txt", None, None, None, undated, "en", "news", ("text",), ())
            for n in range(len(signatures))
        ]
        lsh = MinHashLSH(threshold=0.8, num_perm=PERMUTATIONS)
        hashes = {}
        for doc, signature in zip(documents, signatures, strict=True):
            values = np.array(signature, dtype=np.uint64)
            hashes[doc.id] = MinHash(num_perm=PERMUTATIONS, hashvalues=values, scheme=SCHEME)
            lsh.insert(doc.id, hashes[doc.id])
        groups = {d.id: {d.id} for d in documents}
        for doc_id, minhash in hashes.items():
            for other in lsh.query(minhash):
                merged = groups[doc_id] | groups[other]
                for member in merged:
                    groups[member] = merged
        unique = {id(g): g for g in groups.values()}.values()
        expected = sorted(sorted(g) for g in unique if len(g) > 1)
        found = near_duplicates(documents, 0.8, signatures)
        assert sorted(sorted(g) for g in found) == expected
        grouped += len(expected)
    assert grouped >= 20  # (the cases do hold groups)
    with pytest.raises(ValueError, match="signature of d0 has 3 values"):
        near_duplicates(documents[:1], 0.8, [(1, 2, 3)])
