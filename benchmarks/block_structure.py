"""How real news falls into story blocks: the blocks of each MEANTIME corpus, and of the four read
as one pile.

    python benchmarks/block_structure.py

Every cross-document stage compares documents of one story block only (``stages/blocks.py``), so
how a story splits into blocks bounds what reconciling block by block could keep from one add to
the next. MEANTIME (../shared/eval-data/meantime-en) is four corpora of 30 Wikinews articles each,
about one company or market over several years: the nearest thing here to a story a desk follows for
a long time. Each corpus is read, cleaned and annotated, then its times, entities and blocks are
resolved as an analysis would; then the same for the 120 articles as one pile. Prints each one's
block sizes, largest first; writes benchmarks/results/block_structure.json.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import _harness as harness
from _claim_data import load_meantime
from _piles import parse

from crosswire.analysis.pipeline import load_pipeline
from crosswire.models import Annotated
from crosswire.settings import Settings
from crosswire.stages.blocks import story_blocks
from crosswire.stages.entities import resolve_entities
from crosswire.stages.timeline import resolve_times

DATA = harness.EVAL_DATA / "meantime-en"


def main() -> int:
    harness.parser(__doc__).parse_args()
    if not DATA.is_dir():
        return harness.missing(f"MEANTIME is not at {DATA}: see ../shared/eval-data/README.md")
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    piles, _, _ = load_meantime(DATA)
    rows, every = [], []
    for pile in piles:
        parse(pile, settings, nlp)
        rows.append(_blocks(pile.name, pile.annotated))
        every += pile.annotated
    rows.append(_blocks("all four as one pile", every))
    print(harness.table(["pile", "documents", "blocks", "block sizes, largest first"], rows))
    keys = ("pile", "documents", "blocks", "sizes")
    found = [dict(zip(keys, row, strict=True)) for row in rows]
    harness.write_json("block_structure.json", {"crosswire": harness.code_label(), "piles": found})
    return 0


def _blocks(name: str, annotated: list[Annotated]) -> list[Any]:
    """The pile's name, documents, blocks and block sizes, as an analysis finds its blocks."""
    resolved = resolve_times(annotated)
    blocks = story_blocks(resolved, resolve_entities(resolved))
    sizes = sorted(Counter(blocks.values()).values(), reverse=True)
    return [name, len(resolved), len(sizes), sizes]


if __name__ == "__main__":
    sys.exit(main())
