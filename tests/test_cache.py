"""Parse once: a stored story's next version parses only its new documents, a changed pipeline parses
again and says so, and the result is the same as analysing everything afresh."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE, SETTINGS

from crosswire import cli
from crosswire.analysis import pipeline
from crosswire.analysis.cache import FolderCache, Remembering, decode, encode
from crosswire.analysis.pipeline import LocalExecutor, analyze, prepare
from crosswire.output.json import to_dict
from crosswire.stages._encoder import load_encoder
from crosswire.stages._memo import forget_story
from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store

ARTICLES = ["breaking.txt", "wire_report.txt", "opinion.txt", "live_blog.md", "regional_daily.html"]


def _without_generator(data):
    return {k: v for k, v in data.items() if k != "generator"}


def test_cache_a_story_added_one_article_at_a_time_parses_each_once(tmp_path, nlp):
    store = open_store(tmp_path / "s.db")
    for n, name in enumerate(ARTICLES):
        result = add_to_story(store, "bridge", [(name, (SAMPLE / name).read_bytes())], SETTINGS, nlp=nlp)
        assert (result.reuse.parsed, result.reuse.reused, result.reuse.stale) == (1, n, 0), name
    stored = [(f"bridge/{d.name}", d.data) for d in store.documents("bridge")]
    forget_story()  # the adds kept their memos: the analysis afresh starts without them
    fresh = to_dict(analyze(stored, SETTINGS, executor=LocalExecutor(nlp)), "x")
    assert _without_generator(store.version("bridge")) == _without_generator(fresh)
    store.close()


def test_cache_a_story_kept_open_reads_back_and_decodes_only_the_new_article(tmp_path, nlp, monkeypatch):
    """A long-running process (the web app) adding to one story decodes nothing it read or made at
    the add before, even through another connection to the store, and its version equals an
    analysis afresh."""
    decoded = []
    for name in ("decode", "decode_document"):
        real = getattr(pipeline, name)
        monkeypatch.setattr(pipeline, name, lambda blob, real=real: decoded.append(blob) or real(blob))
    store = open_store(tmp_path / "s.db")
    add_to_story(store, "bridge", [(n, (SAMPLE / n).read_bytes()) for n in ARTICLES[:3]], SETTINGS, nlp=nlp)
    store.close()
    store = open_store(tmp_path / "s.db")  # as the web app does: a connection for each upload
    asked = []
    real_annotations = store.annotations
    monkeypatch.setattr(
        store, "annotations", lambda keys, version: asked.append(set(keys)) or real_annotations(keys, version)
    )
    decoded.clear()
    add_to_story(store, "bridge", [(ARTICLES[3], (SAMPLE / ARTICLES[3]).read_bytes())], SETTINGS, nlp=nlp)
    assert decoded == []
    # Only the new article is looked for in the store (cleaned, then annotated); sentence vectors aside.
    assert [len(keys) for keys in asked if not any(k.startswith("vec-") for k in keys)] == [1, 1]
    stored = [(f"bridge/{d.name}", d.data) for d in store.documents("bridge")]
    forget_story()
    fresh = to_dict(analyze(stored, SETTINGS, executor=LocalExecutor(nlp)), "x")
    assert _without_generator(store.version("bridge")) == _without_generator(fresh)
    store.close()
    # What the process remembers is no stand-in for what another store lacks: that store parses
    # the article and keeps its annotation.
    other = open_store(tmp_path / "other.db")
    result = add_to_story(other, "bridge", [(ARTICLES[0], (SAMPLE / ARTICLES[0]).read_bytes())], SETTINGS, nlp=nlp)
    assert (result.reuse.parsed, result.reuse.reused) == (1, 0)
    again = add_to_story(other, "bridge", [(ARTICLES[1], (SAMPLE / ARTICLES[1]).read_bytes())], SETTINGS, nlp=nlp)
    assert (again.reuse.parsed, again.reuse.reused) == (1, 1)
    other.close()


def test_cache_a_changed_pipeline_parses_again_and_says_so(tmp_path, nlp, monkeypatch, capsys):
    store = open_store(tmp_path / "s.db")
    first = [(name, (SAMPLE / name).read_bytes()) for name in ARTICLES[:2]]
    add_to_story(store, "bridge", first, SETTINGS, nlp=nlp)
    store.close()
    monkeypatch.setattr(pipeline, "pipeline_version", lambda model: "a newer crosswire")
    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    db = str(tmp_path / "s.db")
    assert cli.main(["add", str(SAMPLE / ARTICLES[2]), "--story", "bridge", "--db", db, "--quiet"]) == 0
    said = capsys.readouterr().err
    assert "parsed 3 document(s), 2 of them again because crosswire or its model changed" in said
    assert "reused the stored parse of 0" in said


def test_cache_a_change_to_the_stages_after_annotation_parses_nothing_again(tmp_path):
    # Kept parses are filed under a hash of the code that reads and annotates a document: a new
    # crosswire whose change is in matching, conflicts or the brief reads every stored parse back.
    import shutil

    from crosswire.analysis.cache import annotation_source, source_closure, source_digest

    root = tmp_path / "crosswire"
    shutil.copytree(Path(pipeline.__file__).resolve().parents[1], root)
    names = {path.relative_to(root).as_posix() for path in annotation_source(root)}
    assert {"stages/annotate.py", "stages/_clauses.py", "stages/_shingles.py"} <= names
    assert {"stages/_ud.py", "analysis/pipeline.py", "lexicons/speculation.txt"} <= names
    assert not names & {"stages/align.py", "stages/conflicts.py", "stages/brief.py"}
    before = source_digest(annotation_source(root))
    for later in ("align.py", "conflicts.py", "events.py", "brief.py", "timeline.py"):
        with open(root / "stages" / later, "a") as file:
            file.write("\n# a later stage changed\n")
    assert source_digest(annotation_source(root)) == before
    with open(root / "stages" / "_clauses.py", "a") as file:  # (imported by annotate.py)
        file.write("\n# how clauses are split changed\n")
    assert source_digest(annotation_source(root)) != before
    # An import made by annotation code brings the module it imports in (read afresh, not kept).
    with open(root / "stages" / "annotate.py", "a") as file:
        file.write("\nif not TYPE_CHECKING:\n    import crosswire.stages.align\n")
    assert root / "stages" / "align.py" in annotation_source(root)
    encoding = source_closure(["stages/_encoder.py"], root)
    encoder = {path.relative_to(root).as_posix() for path in encoding}
    assert "stages/_encoder.py" in encoder and "stages/annotate.py" not in encoder


def test_cache_annotation_imports_no_module_its_version_leaves_out(tmp_path):
    # The version reads imports from the source; a module that reading and annotating a document
    # imports some other way (by name, at run time) would escape it. Run them in a fresh process
    # and look at what it imported.
    import json
    import subprocess
    import sys

    script = f"""
import json, sys
from crosswire.stages.ingest import read_named
from crosswire.stages.clean import clean
from crosswire.stages.facts import document_facts
from crosswire.stages.annotate import annotate
import spacy
nlp = spacy.load({SETTINGS.spacy_model!r})
files = [(p, open(p, "rb").read()) for p in {[str(SAMPLE / name) for name in ARTICLES]!r}]
documents = [document_facts(clean(raw, 2)) for raw in read_named(files)]
annotate(documents, nlp)
print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values())
                        if m.__name__.startswith("crosswire") and getattr(m, "__file__", None))))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    from crosswire.analysis.cache import annotation_source

    imported = {Path(file).resolve() for file in json.loads(run.stdout.splitlines()[-1])}
    assert imported and not imported - set(annotation_source())


def test_cache_analyze_with_a_cache_folder_parses_nothing_the_second_time(tmp_path, nlp, monkeypatch, capsys):
    monkeypatch.setattr(pipeline, "load_pipeline", lambda name: nlp)
    outputs = []
    for run in range(2):
        out = tmp_path / f"run{run}.json"
        args = ["analyze", "--sample", "--cache", str(tmp_path / "cache"), "--json", str(out)]
        assert cli.main([*args, "--claim-similarity", str(SETTINGS.claim_similarity)]) == 0
        outputs.append(out.read_bytes())
    said = capsys.readouterr().err
    documents = len(prepare([str(SAMPLE)], SETTINGS, None, {})[0])
    assert f"(parsed {documents} document(s); reused the stored parse of 0)" in said
    assert f"(parsed 0 document(s); reused the stored parse of {documents})" in said
    assert outputs[0] == outputs[1]


def test_cache_a_kept_annotation_reads_back_equal_and_never_runs_code(tmp_path, nlp):
    documents, errors = prepare([str(SAMPLE)], SETTINGS, None, {})
    annotated = LocalExecutor(nlp).annotate(documents, SETTINGS, None, {}, errors)
    assert [decode(encode(a)) for a in annotated] == annotated
    # A kept annotation is JSON: a pickle planted in a cache folder is refused, not run.
    planted = zlib.compress(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(ValueError):
        decode(planted)
    cache = FolderCache(tmp_path)
    cache.save_annotations({"k": encode(annotated[0])}, "v1")
    found, stale = cache.annotations({"k", "other"}, "v2")
    assert found == {} and stale == {"k"}


def test_cache_a_damaged_entry_is_parsed_again(tmp_path, nlp):
    cache = FolderCache(tmp_path / "cache")
    first = analyze([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp, cache=cache))
    for path in (tmp_path / "cache").rglob("*.json.z"):
        path.write_bytes(b"not an annotation")
    again = LocalExecutor(nlp, cache=cache)
    second = analyze([str(SAMPLE)], SETTINGS, executor=again)
    assert again.reuse.reused == 0 and again.reuse.parsed == len(first.documents)
    assert to_dict(second, "x") == to_dict(first, "x")


def _counting_cleaner(monkeypatch, log):
    """Count the pages cleaned: cleaning runs in forked workers, so each call appends to a file."""
    real = pipeline._clean_one

    def counted(raw, comment_min_paragraphs):
        with log.open("a") as out:
            out.write(raw.source + "\n")
        return real(raw, comment_min_paragraphs)

    monkeypatch.setattr(pipeline, "_clean_one", counted)


def test_cache_a_second_analysis_cleans_and_encodes_nothing_it_has_seen(tmp_path, nlp, monkeypatch):
    encoder, _ = load_encoder(SETTINGS.claim_encoder)
    if encoder is None:
        pytest.skip("the claim encoder is not installed here")
    log = tmp_path / "cleaned.txt"
    _counting_cleaner(monkeypatch, log)
    cache = FolderCache(tmp_path / "cache")
    first = analyze([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp, cache=cache))
    cleaned = log.read_text().splitlines()
    assert len(cleaned) >= len(first.documents)
    encoded = encoder.encoded
    second = analyze([str(SAMPLE)], SETTINGS, executor=LocalExecutor(nlp, cache=cache))
    assert log.read_text().splitlines() == cleaned  # nothing cleaned the second time
    assert encoder.encoded == encoded  # no sentence encoded again
    assert to_dict(second, "x") == to_dict(first, "x")


def test_cache_a_stored_story_cleans_only_the_new_article(tmp_path, nlp, monkeypatch):
    log = tmp_path / "cleaned.txt"
    _counting_cleaner(monkeypatch, log)
    store = open_store(tmp_path / "s.db")
    add_to_story(store, "bridge", [(n, (SAMPLE / n).read_bytes()) for n in ARTICLES[:3]], SETTINGS, nlp=nlp)
    log.write_text("")
    add_to_story(store, "bridge", [(ARTICLES[3], (SAMPLE / ARTICLES[3]).read_bytes())], SETTINGS, nlp=nlp)
    assert log.read_text().splitlines() == [f"bridge/{ARTICLES[3]}"]
    store.close()


def test_cache_a_kept_vector_of_the_wrong_shape_is_encoded_again():
    encoder, _ = load_encoder(SETTINGS.claim_encoder)
    if encoder is None:
        pytest.skip("the claim encoder is not installed here")
    texts = ["Markov closed the bridge on Friday.", "Orlevo reopened the road."]

    class Damaged:
        kept: dict = {}

        def vectors(self, wanted):
            return {texts[0]: np.ones(4, dtype=np.float32)}  # four floats where 384 belong

        def keep(self, vectors):
            self.kept.update(vectors)

    memo = Damaged()
    assert np.array_equal(encoder.encode(texts, memo), encoder.encode(texts))
    assert set(memo.kept) == set(texts)


def test_cache_a_texts_vector_is_the_same_whatever_it_is_encoded_beside():
    # Kept vectors stand for fresh ones (VectorMemo), and batches are made by length in word pieces:
    # a text's vector must not depend on its batch or on the padding it gets there.
    encoder, _ = load_encoder(SETTINGS.claim_encoder)
    if encoder is None:
        pytest.skip("the claim encoder is not installed here")
    texts = ["Markov closed the bridge on Friday.", "", "Talks.", "word " * 300]
    crowd = [f"The council met {n} times about the long and winding road to the port." for n in range(40)]
    alone = np.vstack([encoder.encode([t]) for t in texts])
    together = encoder.encode([*crowd[:20], *texts, *crowd[20:]])[20 : 20 + len(texts)]
    assert np.array_equal(alone, together)
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-5)


def test_cache_remembers_each_language_pipelines_reads(tmp_path):
    """A story in two languages reads its annotations once per language's pipeline version: what the
    one read is still remembered after the other."""
    cache = FolderCache(tmp_path)
    cache.save_annotations({"english": b"e"}, "en-version")
    cache.save_annotations({"french": b"f"}, "fr-version")
    decoded = []

    def decoder(blob):
        decoded.append(blob)
        return blob.decode()

    remembering = Remembering(cache, {})
    for _ in range(2):
        assert remembering.decoded({"english"}, "en-version", decoder)[0] == {"english": "e"}
        assert remembering.decoded({"french"}, "fr-version", decoder)[0] == {"french": "f"}
    assert decoded == [b"e", b"f"]


def test_document_memo_hands_back_the_same_answer_for_the_same_objects_only():
    from crosswire.stages._memo import document_memo

    calls = []

    @document_memo
    def work(document, parts, flag):
        calls.append(document)
        return [document, parts, flag]

    doc, other = ["one document"], ["one document"]  # equal, not the same object
    a, b = object(), object()
    first = work(doc, (a, b), True)
    assert work(doc, (a, b), True) is first  # a tuple gathered afresh of the same items: found
    assert work(doc, tuple([a, b]), True) is first
    assert work(other, (a, b), True) is not first  # an equal but other object: worked again
    assert work(doc, (b, a), True) is not first
    assert work(doc, (a, b), 1) is not first  # (True is not 1)
    assert len(calls) == 4
    forget_story()
    assert work(doc, (a, b), True) is not first  # the story is reconciled: the memo is empty


def test_object_memo_finds_each_mention_of_a_large_story_again_under_its_claim_id():
    from crosswire.stages._memo import DOCUMENT_MEMO_SIZE, object_memo

    calls = []

    @object_memo
    def told(mention, claim):
        calls.append(mention)
        return (mention, claim)

    mentions = [object() for _ in range(DOCUMENT_MEMO_SIZE + 2000)]  # (more than a document memo)
    first = [told(m, f"c-{n}") for n, m in enumerate(mentions)]
    again = [told(m, "".join(["c-", str(n)])) for n, m in enumerate(mentions)]  # (new, equal ids)
    assert all(a is b for a, b in zip(first, again, strict=True)) and len(calls) == len(mentions)
    assert told(mentions[0], "c-1") is not first[0]  # the mention under another claim: worked again
    forget_story()
    assert told(mentions[0], "c-0") is not first[0]


def test_object_memo_compares_the_other_arguments_by_type_and_value_and_lets_go_each_round():
    from crosswire.stages._memo import next_round, object_memo

    calls = []

    @object_memo
    def read(claim, number, parts):
        calls.append(claim)
        return object()

    claim, other, part = object(), object(), object()
    first = read(claim, 2, (part, "a"))
    assert read(claim, 2, (part, "".join(["a"]))) is first  # a new tuple of the same items
    assert read(claim, 2.0, (part, "a")) is not first  # equal, but a float: its JSON differs
    assert read(claim, 2, (object(), "a")) is not read(claim, 2, (part, "a"))  # (another object)
    kept = read(other, 1, ())
    next_round()  # both were asked for since the last round: kept
    assert read(other, 1, ()) is kept
    next_round()  # ``claim`` was not asked for in this round: let go
    before = len(calls)
    read(claim, 2, (part, "a"))
    assert len(calls) == before + 1
    forget_story()


def test_pair_memo_checks_only_the_pairs_an_add_brought_and_answers_as_the_check_does():
    from crosswire.stages._memo import PairMemo, items_memo

    asked = []

    def far(a, x, b, y, bar):  # (two rows of (object, number) each, and one setting)
        asked.append((a, b))
        return abs(x - y) > bar

    memo = PairMemo(far)
    objects = [object() for _ in range(6)]
    rows = [(o, n * 3) for n, o in enumerate(objects)]
    first, second = np.array([0, 0, 1, 2, 3]), np.array([1, 4, 2, 5, 4])
    expected = [abs(rows[i][1] - rows[j][1]) > 4 for i, j in zip(first, second, strict=True)]
    assert memo(rows, first, second, 4).tolist() == expected and len(asked) == 5
    # An add: a row more, placed first (every other row moves down), and a row whose number changed.
    rows = [(object(), 0), *rows[:3], (objects[3], 100), *rows[4:]]
    first, second = np.array([0, 1, 1, 2, 3, 4]), np.array([1, 2, 5, 3, 6, 5])
    asked.clear()
    verdicts = memo(rows, first, second, 4).tolist()
    pairs = zip(first, second, strict=True)
    assert verdicts == [abs(rows[i][1] - rows[j][1]) > 4 for i, j in pairs]
    assert len(asked) == 2  # the new row's pair and the changed row's; the other four found again
    asked.clear()
    assert memo(rows, first, second, 200).tolist() == [False] * 6 and len(asked) == 6  # another bar
    forget_story()
    memo(rows, first, second, 200)
    assert len(asked) == 12  # the story is reconciled: nothing kept

    @items_memo
    def count(items, flag):
        asked.append(items)
        return len(items)

    asked.clear()
    a, b = object(), object()
    assert count((a, b), True) == 2 and count(tuple([a, b]), True) == 2 and len(asked) == 1
    assert count((b, a), True) == 2 and count((a, b), 1) == 2 and len(asked) == 3
    forget_story()


def test_kept_alike_hands_back_the_earlier_object_only_when_alike_and_lets_go_each_round():
    from crosswire.models import Entity, Quantity
    from crosswire.stages._memo import kept_alike, next_round

    @kept_alike
    def made(key, name):  # type: ignore[no-untyped-def]
        return Entity("e-1", name, "PERSON", (name,), ())

    first = made("k1", "Ann Lee")
    assert made("k1", "".join(["Ann", " Lee"])) is first  # equal: the earlier object
    other = made("k1", "Ann Leigh")
    assert other is not first and other.name == "Ann Leigh"  # not equal: the new one, kept now
    assert made("k2", "Ann Leigh") is not other  # equal, but made under another key
    next_round()
    assert made("k1", "Ann Leigh") is other  # made in the last round: found
    next_round()
    next_round()  # not made in a round: let go
    assert made("k1", "Ann Leigh") is not other
    again = made("k1", "Ann Leigh")
    forget_story()
    assert made("k1", "Ann Leigh") is not again  # another story: nothing kept

    @kept_alike
    def figure(key, low):  # type: ignore[no-untyped-def]
        return Quantity("d", "s1", 0, 2, "12", low, 12, "count", "count")

    whole = figure("q", 12)
    assert figure("q", 12.0) is not whole  # equal, but 12.0 is written "12.0" in the JSON
    assert figure("q", 12.0).low == 12.0 and type(figure("q", 12).low) is int
    forget_story()


def test_cache_the_reference_corpus_added_in_publication_order_equals_a_full_analysis_each_time(tmp_path, nlp):
    """A desk adds the reference articles one at a time, in the order they were published, in one
    process that keeps what it memoised: every version equals an analysis of the same articles afresh,
    an entity keeps its id from one version to the next, and so does a claim the new article leaves as
    it was (the same mentions)."""
    from conftest import REFERENCE

    if not REFERENCE.is_dir():
        pytest.skip(f"reference corpus not found at {REFERENCE} (it lives in ../shared beside the checkout)")
    files = sorted(REFERENCE.iterdir())
    documents, _ = prepare([str(f) for f in files], SETTINGS, None, {})
    published = {d.source: d.published.date or "~" for d in documents}
    files.sort(key=lambda f: (published.get(str(f), "~"), f.name))
    store = open_store(tmp_path / "s.db")
    versions = []
    for file in files:  # the adds one after the other, as a desk makes them (memos kept between them)
        add_to_story(store, "mutiny", [(file.name, file.read_bytes())], SETTINGS, nlp=nlp)
        versions.append(([(f"mutiny/{d.name}", d.data) for d in store.documents("mutiny")], store.version("mutiny")))
    store.close()
    ids: dict[str, str] = {}
    claim_ids: dict[tuple[tuple[str, str, int], ...], str] = {}
    kept_claims = 0
    for stored, kept in versions:
        forget_story()  # the analysis afresh starts with nothing memoised
        assert _without_generator(kept) == _without_generator(to_dict(analyze(stored, SETTINGS, nlp=nlp), "x"))
        for entity in kept["entities"]:
            assert ids.setdefault(entity["name"], entity["id"]) == entity["id"], entity["name"]
        for claim in kept["claims"]:
            told = tuple((m["doc"], m["sentence"], m["span"]["start"]) for m in claim["mentions"])
            kept_claims += told in claim_ids
            assert claim_ids.setdefault(told, claim["id"]) == claim["id"], claim["text"]
    assert len(versions) == 5 and len(ids) >= 20 and kept_claims >= 200


def test_cache_a_desk_keeps_one_storys_memos_not_every_storys(tmp_path, nlp):
    """The web app serves many stories from one process: the stages' memos are kept from one add to
    the next of a story, and let go when another story is analysed."""
    from crosswire.stages import timeline

    store = open_store(tmp_path / "s.db")
    add_to_story(store, "desk-one", [(n, (SAMPLE / n).read_bytes()) for n in ARTICLES[:3]], SETTINGS, nlp=nlp)
    assert timeline._resolved.cache_info().currsize == 3
    add_to_story(store, "desk-two", [(n, (SAMPLE / n).read_bytes()) for n in ARTICLES[3:]], SETTINGS, nlp=nlp)
    assert timeline._resolved.cache_info().currsize == 2  # story two's documents only
    store.close()


def test_cache_raw_hash_is_the_key_kept_cleaned_pages_were_filed_under():
    # A page's cleaning is kept under a hash of all it was read as: a quicker reading of its fields
    # must give the same key, or every stored story would clean all its pages again.
    import dataclasses
    import hashlib
    import json

    from crosswire.analysis.cache import raw_hash
    from crosswire.models import RawDocument

    raw = RawDocument("a", "s/a.html", "«Zürich»\udcff", "html", "<p>x</p>", "T", "O", "u", "B", "2023")
    for page in (raw, RawDocument("b", "b.txt", "plain", "text")):
        text = json.dumps([*dataclasses.astuple(page), 3], ensure_ascii=False)
        expected = "clean-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        assert raw_hash(page, 3) == expected
