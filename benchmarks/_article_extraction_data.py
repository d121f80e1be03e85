"""The Zyte article-extraction benchmark as article_extraction.py scores it (../shared/eval-data/article-extraction,
see its SOURCE.md): the word-4-gram shingle metric, written from SOURCE.md's description, with corpus
figures and bootstrap spreads; and the systems run on every page: trafilatura plain and as crosswire's
clean() calls it (captured), crosswire's clean, and the reference outputs shipped with the data."""

from __future__ import annotations

import gzip
import json
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import _harness as harness
import trafilatura
from _harness import f1

import crosswire.stages.clean as clean_stage
from crosswire.errors import InputError
from crosswire.models import RawDocument
from crosswire.stages.ingest import decode

SHINGLE = 4
BOOTSTRAP = 1000

# Published point estimates (README.rst of the benchmark commit, copied in SOURCE.md): F1, P, R, accuracy.
PUBLISHED = {
    "trafilatura": ("trafilatura", "2.0.0", 0.958, 0.938, 0.978, 0.293),
    "readability": ("readability-lxml", "0.8.4.1", 0.922, 0.913, 0.931, 0.315),
    "newspaper": ("newspaper4k", "0.9.3.1", 0.949, 0.964, 0.934, 0.326),
    "news_please": ("news_please", "1.6.16", 0.948, 0.964, 0.933, 0.326),
    "readability_js": ("readability_js", "0.6.0", 0.947, 0.914, 0.982, 0.166),
    "goose3": ("goose3", "3.1.20", 0.896, 0.940, 0.856, 0.232),
    "justext": ("justext", "3.0.2", 0.804, 0.858, 0.756, 0.088),
    "html-text": ("html-text (full text)", "0.7.0", 0.665, 0.500, 0.994, 0.000),
    "dragnet": ("dragnet", "1b65e7b", 0.907, 0.925, 0.889, 0.221),
    "boilerpipe": ("boilerpipe", "ab3694d", 0.860, 0.850, 0.870, 0.006),
}

# Removals clean() lists that come from the raw HTML (menus, footers, banners) rather than from the
# text trafilatura returned: they never change the body, so they are counted apart.
_HTML_ONLY_WHY = re.compile(r"^<\w+> element$|^cookie banner or related-links block$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if _CJK.match(c)) / len(letters) if letters else 0.0


# --------------------------------------------------------------------------------------------------
# The benchmark's metric, from SOURCE.md: tokens are \w+ (Unicode, case kept); the multiset of word
# 4-grams ("shingles"), a non-empty text under 4 tokens being one shingle, an empty text none (EMPTY);
# TP = sum of min counts, FP = predicted surplus, FN = gold surplus, normalised to sum to 1;
# P = TP/(TP+FP), R = TP/(TP+FN), both 1 when FP = FN = 0, P = 0 when TP = FP = 0, R = 0 when TP = FN = 0;
# corpus P = mean over docs with TP+FP > 0, corpus R = mean over docs with TP+FN > 0, F1 = 2PR/(P+R)
# from those means; accuracy = share of docs whose token sequence equals the gold one.
# --------------------------------------------------------------------------------------------------
# EMPTY: SOURCE.md does not say what an empty output is. Taking it as one empty shingle (FP = 1, so
# P = 0 and the page enters the precision mean) misses the published precision of every system that has
# empty outputs (justext 0.721 vs 0.858 published); taking it as no shingle (TP = FP = 0, the page leaves
# the precision mean, recall 0) reproduces all ten published rows. So an empty output costs recall only.


_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = SHINGLE) -> Counter:
    if not toks:  # an empty output has no shingles: it drops out of the precision mean (see EMPTY below)
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def doc_counts(pred: Counter, gold: Counter) -> tuple[float, float, float]:
    tp = sum((pred & gold).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def doc_pr(tp: float, fp: float, fn: float) -> tuple[float | None, float | None]:
    """Per-document precision and recall; None where the document does not enter the corpus mean."""
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp > 0 else None
    recall = tp / (tp + fn) if tp + fn > 0 else None
    return precision, recall


def page_score(pred_shingles: Counter, pred_tokens: list[str] | None, gold: dict) -> dict:
    tp, fp, fn = doc_counts(pred_shingles, gold["shingles"])
    p, r = doc_pr(tp, fp, fn)
    return {
        "p": p,
        "r": r,
        "f1": f1(p or 0.0, r or 0.0),
        "exact": pred_tokens == gold["tokens"] if pred_tokens is not None else False,
    }


def score_text(text: str, gold: dict) -> dict:
    toks = tokens(text)
    return page_score(shingles(toks), toks, gold)


def corpus(scores: list[dict]) -> dict:
    ps = [s["p"] for s in scores if s["p"] is not None]
    rs = [s["r"] for s in scores if s["r"] is not None]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {
        "f1": f1(p, r),
        "precision": p,
        "recall": r,
        "accuracy": sum(1 for s in scores if s["exact"]) / len(scores) if scores else 0.0,
        "pages": len(scores),
    }


def bootstrap_sd(scores: list[dict], runs: int = BOOTSTRAP, seed: int = 0) -> dict:
    rng = random.Random(seed)
    values = defaultdict(list)
    for _ in range(runs):
        sample = [scores[rng.randrange(len(scores))] for _ in scores]
        for key, value in corpus(sample).items():
            if key != "pages":
                values[key].append(value)
    out = {}
    for key, vals in values.items():
        mean = sum(vals) / len(vals)
        out[key] = (sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) ** 0.5
    return out


class _Capture:
    """Wraps trafilatura.bare_extraction so the text clean() received from trafilatura can be scored."""

    def __init__(self) -> None:
        self.original = trafilatura.bare_extraction
        self.last = None

    def __call__(self, *args, **kwargs):
        result = self.original(*args, **kwargs)
        self.last = result
        return result


def _title_of(html: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
    return " ".join(match.group(1).split()) if match else None


def drop_title_line(text: str, titles: list[str]) -> tuple[str, bool]:
    """Drop the first line of an extraction when its tokens equal, or start, a known page title."""
    if not text:
        return text, False
    first, _, rest = text.partition("\n")
    first_toks = [t.lower() for t in tokens(first)]
    if not first_toks:
        return text, False
    for title in titles:
        title_toks = [t.lower() for t in tokens(title or "")]
        if title_toks and (
            first_toks == title_toks or (len(first_toks) >= 4 and title_toks[: len(first_toks)] == first_toks)
        ):
            return rest.lstrip("\n"), True
    return text, False


def _label(kind: str, why: str) -> str:
    """A short name for one kind of removal: clean()'s kind, refined by its reason where kinds are shared."""
    why = why.lower()
    if kind == "other" and "subheading" in why:
        return "subheading"
    if kind == "boilerplate" and "closing" in why:
        return "boilerplate (closing notice)"
    if kind == "boilerplate":
        return "boilerplate (notice or bare link)"
    if kind == "byline" and "agency" in why:
        return "agency credit"
    if kind == "byline" and "biograph" in why:
        return "author bio"
    if kind == "dateline" and "wire" in why:
        return "wire dateline"
    if kind == "duplicate":
        return "duplicate (repeated title)"
    return kind


def _in_gold_share(item_tokens: list[str], gold_tokens: list[str], gold_ngrams: dict) -> float:
    """Share of a removed text's word n-grams (n = 4, or its length if shorter) found in the gold body."""
    if not item_tokens:
        return 0.0
    n = min(SHINGLE, len(item_tokens))
    if n not in gold_ngrams:
        gold_ngrams[n] = {tuple(gold_tokens[i : i + n]) for i in range(len(gold_tokens) - n + 1)}
    grams = [tuple(item_tokens[i : i + n]) for i in range(len(item_tokens) - n + 1)]
    return sum(1 for g in grams if g in gold_ngrams[n]) / len(grams)


def run(data: Path, limit: int | None) -> dict:
    gold_raw = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gold_raw)[: limit or None]
    capture = _Capture()
    trafilatura.bare_extraction = capture  # clean() calls trafilatura.bare_extraction through the module
    pages = []
    seconds = defaultdict(float)
    try:
        for number, item_id in enumerate(ids, 1):
            html = decode(gzip.decompress((data / "html" / f"{item_id}.html.gz").read_bytes())) or ""
            gold_text = gold_raw[item_id]["articleBody"]
            gold_toks = tokens(gold_text)
            gold = {"tokens": gold_toks, "shingles": shingles(gold_toks)}
            page = {"id": item_id, "url": gold_raw[item_id].get("url"), "gold_tokens": len(gold_toks)}

            start = time.perf_counter()
            plain = trafilatura.extract(html) or ""
            seconds["trafilatura"] += time.perf_counter() - start

            capture.last = None
            start = time.perf_counter()
            raw = RawDocument(id=item_id, source=f"{item_id}.html", text=html, format="html", html=html)
            try:
                doc = clean_stage.clean(raw)
                error = None
            except InputError as exc:
                doc, error = None, exc.reason
            seconds["crosswire"] += time.perf_counter() - start
            pre = str(getattr(capture.last, "text", "") or "") if capture.last is not None else ""
            meta_title = str(getattr(capture.last, "title", "") or "") if capture.last is not None else ""

            body = "\n\n".join(doc.paragraphs) if doc else ""
            titled = "\n\n".join(x for x in ((doc.title if doc else None) or "", body) if x)
            page_title = _title_of(html) or ""
            titles = [meta_title, page_title, *re.split(r"\s+[|–—-]\s+", page_title)]
            plain_no_title, title_dropped = drop_title_line(plain, titles)

            texts = {
                "trafilatura": plain,
                "trafilatura_no_title": plain_no_title,
                "trafilatura_as_called": pre,
                "crosswire": body,
                "crosswire_with_title": titled,
            }
            page["scores"] = {name: score_text(text, gold) for name, text in texts.items()}
            page["tokens"] = {name: len(tokens(text)) for name, text in texts.items()}
            page["crosswire_error"] = error
            page["trafilatura_title_line_dropped"] = title_dropped
            page["cjk_share"] = round(_cjk_share(pre or plain), 3)

            # Every removal clean() made from trafilatura's text, with how much of it is article body.
            removals = []
            html_only = Counter()
            gold_ngrams: dict = {}
            for item in doc.removed if doc else ():
                if _HTML_ONLY_WHY.match(item.why or ""):
                    html_only[item.kind] += 1
                    continue
                toks = tokens(item.text)
                removals.append(
                    {
                        "label": _label(item.kind, item.why or ""),
                        "kind": item.kind,
                        "why": item.why,
                        "text": item.text[:300],
                        "tokens": len(toks),
                        "in_gold": round(_in_gold_share(toks, gold_toks, gold_ngrams), 3),
                        "_tokens": toks,
                    }
                )
            page["removals"] = removals
            page["html_only_removals"] = dict(html_only)
            page["_body_tokens"] = tokens(body)
            page["_gold"] = gold
            pages.append(page)
            if number % 20 == 0:
                harness.progress(f"  {number}/{len(ids)} pages")
    finally:
        trafilatura.bare_extraction = capture.original
    return {"pages": pages, "seconds": dict(seconds)}


def restored_scores(pages: list[dict], label: str) -> list[dict]:
    """Per-page scores of crosswire's body with the removals of one kind put back (shingled apart)."""
    scores = []
    for page in pages:
        items = [r for r in page["removals"] if r["label"] == label]
        if not items or page["crosswire_error"]:
            scores.append(page["scores"]["crosswire"])
            continue
        pred = shingles(page["_body_tokens"]) if page["_body_tokens"] else Counter()
        for item in items:
            if item["_tokens"]:
                pred += shingles(item["_tokens"])
        scores.append(page_score(pred, None, page["_gold"]))
    return scores


def reference_outputs(data: Path, ids: list[str]) -> dict:
    gold_raw = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    golds = {}
    for item_id in ids:
        toks = tokens(gold_raw[item_id]["articleBody"])
        golds[item_id] = {"tokens": toks, "shingles": shingles(toks)}
    out = {}
    for path in sorted((data / "reference-outputs").glob("*.json")):
        blob = json.loads(path.read_text(encoding="utf-8"))
        preds = blob["output"] if isinstance(blob, dict) and "output" in blob else blob
        scores = [score_text((preds.get(i) or {}).get("articleBody") or "", golds[i]) for i in ids]
        result = corpus(scores)
        pub = PUBLISHED.get(path.stem)
        if pub:
            result["published"] = dict(zip(("f1", "precision", "recall", "accuracy"), pub[2:], strict=True))
            result["reproduced"] = all(round(result[k], 3) == v for k, v in result["published"].items())
        out[path.stem] = result
    return out


def reference_title_lines(data: Path) -> int:
    """How many pages of the published trafilatura output begin with the page's <title> (or its first part)."""
    path = data / "reference-outputs" / "trafilatura.json"
    if not path.exists():
        return 0
    blob = json.loads(path.read_text(encoding="utf-8"))
    preds = blob.get("output", blob)
    count = 0
    for item_id, pred in preds.items():
        html_path = data / "html" / f"{item_id}.html.gz"
        if not html_path.exists():
            continue
        title = _title_of(decode(gzip.decompress(html_path.read_bytes())) or "") or ""
        pieces = [title, *re.split(r"\s+[|–—-]\s+", title)]
        count += drop_title_line((pred or {}).get("articleBody") or "", pieces)[1]
    return count
