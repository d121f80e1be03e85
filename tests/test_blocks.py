"""Story blocks of a large pile: which documents are compared with which."""

from __future__ import annotations

from crosswire.models import Annotated, Document, Published, Sentence
from crosswire.stages.blocks import MIN_DOCUMENTS, story_blocks


def _annotated(doc_id: str, sentences: list[str]) -> Annotated:
    parts = tuple(Sentence(f"s{i + 1}", i, text, 0, len(text)) for i, text in enumerate(sentences))
    document = Document(
        doc_id, f"{doc_id}.txt", None, None, None, Published(None, "unknown"), "en", "news", tuple(sentences), ()
    )
    object.__setattr__(document, "sentences", parts)
    return Annotated(document, (), (), (), (), ())


def _pile(extra: dict[str, list[str]]) -> list[Annotated]:
    filler = [
        _annotated(f"other{i:02d}", [f"Unrelated report number {i} about the weather in a town of its own today."])
        for i in range(MIN_DOCUMENTS)
    ]
    return filler + [_annotated(doc_id, sentences) for doc_id, sentences in extra.items()]


def test_blocks_a_copied_sentence_puts_two_reports_in_one_block():
    # No names in common (no entities at all): the copied sentence alone says it is one story.
    shared = "The primary index dropped in value by 2.36%, which is 118.40 points, to 4907.20."
    blocks = story_blocks(
        _pile(
            {
                "early": ["Markets fell sharply in the morning.", shared],
                "update": ["Markets closed lower.", shared.replace("primary", "main")],
            }
        ),
        (),
    )
    assert blocks["early"] == blocks["update"]
    assert blocks["other00"] != blocks["other01"]


def test_blocks_short_common_sentences_do_not_join_stories():
    blocks = story_blocks(_pile({"one": ["Police said on Friday."], "two": ["Police said on Friday."]}), ())
    assert blocks["one"] != blocks["two"]
