"""What one article added to a story changes in its dossier, section by section: of the story's
documents, entities, claims, conflicts, events, timeline entries, quotes and profiles, how many
differ from the version before, and how many of those differ by their id alone.

    python benchmarks/add_footprint.py [--articles 1000] [--adds 5] [--reference]

Issue 14 ([5 of 6]), item 2 (an add reconciled from the new article's candidates, not the whole
story): an add can touch little of a story only if little of its dossier changes. A synthetic pile
(``synthetic.make_pile``, six articles a story) of ``--articles`` articles is added to one stored
story in one go, then ``--adds`` more articles one at a time, by one process that keeps the story
open (a desk). With ``--reference``, the reference corpus instead, one article at a time, latest
published first: each placed before every one stored, the hardest order for ids that hold.

Baseline, in the same run: the same versions with the conflicts', events', timeline entries' and
quotes' ids numbered by rank ("k1", "ev1", "t1", "q1", in the order the dossier gives them), which
is how they were made until 2026-12-07. Writes benchmarks/results/add_footprint_<size>.json.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

import _harness as harness
from synthetic import make_pile

from crosswire.analysis.pipeline import analyze, load_pipeline
from crosswire.settings import Settings
from crosswire.stories.service import add_to_story
from crosswire.stories.store import open_store

SECTIONS = ("documents", "entities", "claims", "conflicts", "events", "timeline", "quotes")
SECTIONS += ("profiles",)
RANKED = {"conflicts": "k", "events": "ev", "timeline": "t", "quotes": "q"}  # ids by rank, before
SCHEMES = ("ids from content", "ids by rank")
REFERENCE = harness.ROOT.parent / "shared" / "corpus" / "wagner-2023"


def _text(item: dict[str, Any], without_id: bool = False) -> str:
    """An item as JSON text, with or without its id."""
    kept = {k: v for k, v in item.items() if not (without_id and k == "id")}
    return json.dumps(kept, sort_keys=True)


def _by_rank(items: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """The items with ids numbered by rank, as before 2026-12-07 ("t1", "t2", ...)."""
    return [{**item, "id": f"{prefix}{n}"} for n, item in enumerate(items, 1)]


def footprint(before: dict[str, Any], after: dict[str, Any], ranked: bool) -> dict[str, list[int]]:
    """Per section of ``after``: [items, items unlike the version before, those alike but for their
    id]. ``ranked``: the ids of ``RANKED`` sections numbered by rank first, in both versions."""
    counts = {}
    for section in SECTIONS:
        old, new = before.get(section) or [], after.get(section) or []
        if ranked and section in RANKED:
            old, new = _by_rank(old, RANKED[section]), _by_rank(new, RANKED[section])
        key = "doc" if section == "profiles" else "id"
        kept = {item[key]: _text(item) for item in old}
        contents = {_text(item, without_id=True) for item in old}
        unlike = [item for item in new if kept.get(item[key]) != _text(item)]
        renamed = sum(_text(item, without_id=True) in contents for item in unlike)
        counts[section] = [len(new), len(unlike), renamed]
    return counts


def _versions(args: Any, settings: Settings, nlp: Any, tmp: Path) -> list[dict[str, Any]]:
    """The stored versions to compare: the story as first stored, then after each single add."""
    store = open_store(tmp / "s.db")
    if args.reference:
        if not REFERENCE.is_dir():
            raise SystemExit(harness.missing(f"the reference corpus is not at {REFERENCE}"))
        files = sorted(REFERENCE.glob("*.txt"))
        dossier = analyze([str(p) for p in files], settings, nlp=nlp)
        published = {Path(d.source).name: d.published.date or "" for d in dossier.documents}
        files.sort(key=lambda p: (published.get(p.name, ""), p.name), reverse=True)  # latest first
        batches = [[p] for p in files]
    else:
        total = args.articles + args.adds
        paths = make_pile(tmp / "pile", total, total // 6 + 1)
        batches = [paths[: args.articles], *([p] for p in paths[args.articles :])]
    versions = []
    for n, batch in enumerate(batches):
        harness.progress(f"add {n + 1} of {len(batches)} ({len(batch)} article(s))")
        add_to_story(store, "bench", [(p.name, p.read_bytes()) for p in batch], settings, nlp=nlp)
        version = store.version("bench")
        assert version is not None
        versions.append(version)
    store.close()
    return versions


def main() -> int:
    """Run the adds, compare each version with the one before, print the medians, keep them all."""
    parser = harness.parser(__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--adds", type=int, default=5)
    parser.add_argument("--reference", action="store_true", help="the reference corpus instead")
    args = parser.parse_args()
    code = harness.code_label()  # (before the run: see ``code_label``)
    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    with tempfile.TemporaryDirectory() as tmp:
        versions = _versions(args, settings, nlp, Path(tmp))
    pairs = list(zip(versions, versions[1:], strict=False))
    adds = [{scheme: footprint(a, b, scheme == SCHEMES[1]) for scheme in SCHEMES} for a, b in pairs]

    def median(scheme: str, section: str, column: int) -> str:
        return f"{statistics.median(add[scheme][section][column] for add in adds):g}"

    rows = [
        [section, median(SCHEMES[0], section, 0)]
        + [median(scheme, section, 1) for scheme in SCHEMES]
        + [median(scheme, section, 2) for scheme in SCHEMES]
        for section in SECTIONS
    ]
    size = "reference" if args.reference else args.articles
    print(f"median over {len(adds)} single adds ({size})")
    header = ["section", "items", "unlike", "unlike, by rank", "by id alone", "id alone, by rank"]
    print(harness.table(header, rows))
    harness.write_json(f"add_footprint_{size}.json", {"code": code, "articles": size, "adds": adds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
