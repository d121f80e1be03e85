"""A pile sorted into stories streams: each story's dossier comes out before the next batch of
stories is parsed, and a document that cannot be parsed is reported in its own story."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from conftest import REFERENCE, SAMPLE, SETTINGS

from crosswire.analysis import pipeline
from crosswire.analysis.pipeline import LocalExecutor, analyze_stories, iter_stories

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason="reference corpus ../shared/corpus/wagner-2023 not present"
)


@dataclass
class Watched(LocalExecutor):
    """The local executor, noting when it parses and when a story comes out."""

    events: list[str] = field(default_factory=list)

    def annotate(self, documents, settings, progress, timings, errors):
        self.events.append(f"parse {len(documents)}")
        return super().annotate(documents, settings, progress, timings, errors)


def test_streaming_each_story_comes_out_before_the_next_is_parsed(nlp):
    executor = Watched(nlp, batch_documents=1)
    sources = [str(SAMPLE), str(REFERENCE)]
    for story, _ in iter_stories(sources, SETTINGS, executor=executor):
        executor.events.append(f"story {len(story.documents)}")
    parses = [e for e in executor.events if e.startswith("parse")]
    assert len(parses) == 2  # one batch per story: the sample's and the reference's
    assert [e.split()[0] for e in executor.events] == ["parse", "story", "parse", "story"]
    # The same stories and dossiers as the whole pile parsed in one batch.
    whole = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp))
    streamed = analyze_stories(sources, SETTINGS, executor=LocalExecutor(nlp, batch_documents=1))
    assert streamed == whole


def test_streaming_a_document_that_cannot_be_parsed_is_reported_in_its_own_story(nlp, monkeypatch):
    chosen = sorted(p.stem for p in REFERENCE.glob("*.txt"))[0]
    real = pipeline._annotate_one_document

    def fails_on_one(document, nlp, batch_size):
        if document.id == chosen:
            raise RuntimeError("planted failure")
        return real(document, nlp, batch_size)

    monkeypatch.setattr(pipeline, "_annotate_one_document", fails_on_one)
    stories = analyze_stories([str(SAMPLE), str(REFERENCE)], SETTINGS, executor=LocalExecutor(nlp, batch_documents=1))
    holders = [dossier for story, dossier in stories if chosen in story.documents]
    others = [dossier for story, dossier in stories if chosen not in story.documents]
    assert len(holders) == 1 and others
    assert [e.source for e in holders[0].errors if "planted failure" in e.reason] == [str(REFERENCE / f"{chosen}.txt")]
    assert not any("planted failure" in e.reason for d in others for e in d.errors)
    assert chosen not in {d.id for d in holders[0].documents}
