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


def test_blocks_one_stock_sentence_or_short_ones_do_not_join_stories():
    stock = "Police said twelve people were injured in the attack on the market."
    blocks = story_blocks(
        _pile(
            {
                "one": ["Police said on Friday.", stock, "A fire broke out in Orlevo."],
                "two": ["Police said on Friday.", stock, "Floods hit the valley near Dravnik."],
            }
        ),
        (),
    )
    assert blocks["one"] != blocks["two"]
