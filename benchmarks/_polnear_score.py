"""Scoring of polnear_attribution.py: matching predicted quotes to gold ones by shared words, the
quote-mark and reporting-verb baselines, and P/R/F1 and speaker verdicts over the gold items."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

import _harness as harness
from _polnear_data import (
    INNER_DOT,
    STOP,
    TOKEN,
    WORD,
    Article,
    Item,
    Span,
    name_parts,
    paragraphs,
    quote_pairs,
    strip_span,
)

# Baseline cues. Quotes: SOURCE.md's four. Indirect attribution: speech and belief verbs.
QUOTE_CUE = re.compile(r"\b(?:said|says|told|according to)\b", re.I)
REPORTING = re.compile(
    r"\b(?:say|says|said|saying|tell|tells|told|according to|add|adds|added|state[sd]?|claim(?:s|ed)?"
    r"|argue[sd]?|note[sd]?|explain(?:s|ed)?|write|writes|wrote|report(?:s|ed)?|insist(?:s|ed)?"
    r"|warn(?:s|ed)?|announce[sd]?|den(?:y|ies|ied)|suggest(?:s|ed)?|ask(?:s|ed)?|acknowledge[sd]?"
    r"|admit(?:s|ted)?|predict(?:s|ed)?|tweet(?:s|ed)?|believe[sd]?|think|thinks|thought|want(?:s|ed)?"
    r"|expect(?:s|ed)?|hope[sd]?|fear(?:s|ed)?|accuse[sd]?|call(?:s|ed)? for|vow(?:s|ed)?"
    r"|promise[sd]?|charge[sd]?|contend(?:s|ed)?)\b",
    re.I,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]*\s+(?=[“\"‘(]?[A-Z0-9])")


def words_in(text: str) -> list[int]:
    return [m.start() for m in WORD.finditer(text)]


def shared_words(starts: list[int], a: Span, b: Span) -> tuple[int, int, int]:
    """Words of a, of b, and of both (a word belongs to a span its first character is in)."""

    def count(s: int, e: int) -> int:
        return max(0, bisect.bisect_left(starts, e) - bisect.bisect_left(starts, s))

    return count(*a), count(*b), count(max(a[0], b[0]), min(a[1], b[1]))


def match(gold: list[Span], predicted: list[Span], starts: list[int]) -> dict[int, int]:
    """Gold index -> predicted index, one to one, when each shares >= 50% of its words with the other."""
    pairs = []
    for g, gs in enumerate(gold):
        for p, ps in enumerate(predicted):
            ng, np_, both = shared_words(starts, gs, ps)
            if both and both >= 0.5 * ng and both >= 0.5 * np_:
                pairs.append((-both, g, p))
    found: dict[int, int] = {}
    used: set[int] = set()
    for _, g, p in sorted(pairs):
        if g not in found and p not in used:
            found[g] = p
            used.add(p)
    return found


def speaker_verdict(names: set[str], said: str | None) -> str:
    if not said or not said.strip():
        return "empty"
    words = {re.sub(r"['’]s$", "", w) for w in WORD.findall(INNER_DOT.sub("", said.lower()))}
    return "right" if names & words else "wrong"


def name_runs(text: str, start: int, end: int, common: frozenset[str], skip: list[Span]) -> list[tuple[Span, str]]:
    """Runs of consecutive name words in text[start:end] outside the skip spans."""
    runs: list[tuple[Span, str]] = []
    current: list[re.Match[str]] = []
    for m in TOKEN.finditer(text, start, end):
        if name_parts(text, m, common) and not any(s <= m.start() < e for s, e in skip):
            if current and text[current[-1].end() : m.start()].strip(" ") == "":
                current.append(m)
                continue
            if current:
                runs.append(_run(current))
            current = [m]
    if current:
        runs.append(_run(current))
    return runs


def _run(tokens: list[re.Match[str]]) -> tuple[Span, str]:
    return (tokens[0].start(), tokens[-1].end()), " ".join(t.group() for t in tokens).rstrip(".")


def baseline_quotes(article: Article, items: list[Item], common: frozenset[str]) -> int:
    """SOURCE.md's baseline: quoted passages of 3+ words; the name next to said/says/told/according to
    nearest the quote in its paragraph."""
    raw = article.raw
    predicted: list[tuple[Span, str | None]] = []
    for para in paragraphs(raw):
        quoted = [strip_span(raw, q) for q in quote_pairs(raw, *para)]
        names = name_runs(raw, *para, common, quoted)
        cued: list[tuple[int, str]] = []
        for cue in QUOTE_CUE.finditer(raw, *para):
            if any(s <= cue.start() < e for s, e in quoted):
                continue
            before = [n for n in names if 0 <= cue.start() - n[0][1] <= 2]
            after = [n for n in names if 0 <= n[0][0] - cue.end() <= 2]
            found = before if cue.group().lower() == "told" else after or before
            if found:
                cued.append((cue.start(), found[0][1]))
        for q in quoted:
            if len(raw[q[0] : q[1]].split()) < 3:
                continue
            nearest = min(cued, key=lambda c: min(abs(c[0] - q[0]), abs(c[0] - q[1])), default=None)
            predicted.append((q, nearest[1] if nearest else None))
    found = match([i.spans[0] for i in items], [p[0] for p in predicted], words_in(raw))
    for g, p in found.items():
        items[g].baseline = {"speaker": predicted[p][1], "verdict": speaker_verdict(items[g].names, predicted[p][1])}
    return len(predicted)


def sentences(text: str) -> list[Span]:
    out = []
    for s, e in paragraphs(text):
        cut = s
        for m in SENTENCE_END.finditer(text, s, e):
            out.append((cut, m.start()))
            cut = m.end()
        out.append((cut, e))
    return out


def baseline_indirect(article: Article, items: list[Item], common: frozenset[str]) -> None:
    """Each sentence with a reporting verb is put to the capitalised name nearest that verb."""
    raw = article.raw
    said: list[tuple[Span, str | None]] = []
    for s, e in sentences(raw):
        verbs = [m for m in REPORTING.finditer(raw, s, e)]
        if not verbs:
            continue
        quoted = [strip_span(raw, q) for q in quote_pairs(raw, s, e)]
        verbs = [v for v in verbs if not any(a <= v.start() < b for a, b in quoted)] or verbs
        runs = name_runs(raw, s, e, common, quoted)
        best = min(
            ((min(abs(v.start() - r[0][1]), abs(r[0][0] - v.end())), r[1]) for v in verbs for r in runs),
            default=(0, None),
        )
        said.append(((s, e), best[1]))
    for item in items:
        hits = [name for span, name in said if any(min(e, span[1]) > max(s, span[0]) for s, e in item.spans)]
        if not hits:
            item.baseline = {"covered": False}
            continue
        verdicts = [speaker_verdict(item.names, n) for n in hits]
        verdict = next((v for v in ("right", "wrong") if v in verdicts), "empty")
        item.baseline = {"covered": True, "verdict": verdict, "speakers": sorted({n for n in hits if n})}


def prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p, r, f = harness.ratios(tp, predicted, gold)
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


def share(n: int, d: int) -> dict[str, Any]:
    return {"n": n, "of": d, "share": round(n / d, 3) if d else 0.0}


def score_quotes(quotes: list[Item], predicted: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"gold": len(quotes), "unmapped": sum(1 for q in quotes if not q.body)}
    out["gold open-ended (quote runs into the next paragraph)"] = sum(q.open_ended for q in quotes)
    out["gold sources"] = dict(Counter(q.source_kind for q in quotes))
    for system in ("crosswire", "baseline"):
        matched = [q for q in quotes if getattr(q, system)]
        named = [q for q in matched if q.source_kind == "named"]
        verdicts = Counter(getattr(q, system)["verdict"] for q in named)
        row: dict[str, Any] = {"predicted": predicted[system], "matched": len(matched)}
        row |= prf(len(matched), predicted[system], len(quotes))
        row["speaker right"] = share(verdicts["right"], len(named))
        row["speaker empty"] = share(verdicts["empty"], len(named))
        row["speaker wrong"] = share(verdicts["wrong"], len(named))
        unnamed: dict[str, Any] = {}
        for kind in ("pronoun", "description"):
            given = Counter(_given(getattr(q, system).get("speaker")) for q in matched if q.source_kind == kind)
            unnamed[kind] = dict(given)
        row["gold source without a name (not scored: no coreference in PolNeAR), speaker given"] = unnamed
        out[system] = row
    return out


def _given(speaker: str | None) -> str:
    if not speaker:
        return "nothing"
    return "a name" if any(w[:1].isupper() and w.lower() not in STOP for w in speaker.split()) else "a description"


def score_indirect(items: list[Item], mentions: dict[str, int]) -> dict[str, Any]:
    mapped = [i for i in items if i.body]
    out: dict[str, Any] = {"gold": len(items), "unmapped": len(items) - len(mapped)}
    out["gold sources"] = dict(Counter(i.source_kind for i in items))
    for system in ("crosswire", "baseline"):
        pool = mapped if system == "crosswire" else items
        covered = [i for i in pool if getattr(i, system).get("covered")]
        named = [i for i in covered if i.source_kind == "named"]
        verdicts = Counter(getattr(i, system)["verdict"] for i in named)
        row: dict[str, Any] = {"coverage": share(len(covered), len(items))}
        for label, some in (
            ("1-3 words", [i for i in items if i.words < 4]),
            ("4+ words", [i for i in items if i.words >= 4]),
        ):
            row[f"coverage of Contents of {label}"] = share(
                sum(bool(getattr(i, system).get("covered")) for i in some), len(some)
            )
        row["named source: speaker right"] = share(verdicts["right"], len(named))
        row["named source: no speaker (outlet's own voice)"] = share(verdicts["empty"], len(named))
        row["named source: speaker wrong"] = share(verdicts["wrong"], len(named))
        attributed = sum(1 for i in covered if getattr(i, system)["verdict"] != "empty")
        row["named source: speaker right, of all gold with a named source"] = share(
            verdicts["right"], sum(1 for i in items if i.source_kind == "named")
        )
        row["any source: attributed to someone"] = share(attributed, len(covered))
        for kind in ("pronoun", "description", "none"):
            some = [i for i in covered if i.source_kind == kind]
            row[f"{kind} source: attributed to someone"] = share(
                sum(1 for i in some if getattr(i, system)["verdict"] != "empty"), len(some)
            )
        out[system] = row
    both = [i for i in mapped if i.source_kind == "named" and i.crosswire.get("covered") and i.baseline.get("covered")]
    out["named source, Contents both systems cover: speaker right"] = {
        system: share(sum(getattr(i, system)["verdict"] == "right" for i in both), len(both))
        for system in ("crosswire", "baseline")
    }
    out["crosswire"]["mentions with a speaker"] = mentions["with speaker"]
    out["crosswire"]["mentions with a speaker inside a gold Content"] = share(
        mentions["with speaker inside"], mentions["with speaker"]
    )
    out["crosswire"]["mentions without a speaker inside a gold Content"] = share(
        mentions["without speaker inside"], mentions["without speaker"]
    )
    return out
