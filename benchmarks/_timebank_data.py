"""TimeBank + AQUAINT (TempEval-3 TBAQ-cleaned) as timebank.py reads and scores it: gold TIMEX3 spans and
values from the .tml files, crosswire's time expressions per sentence resolved against the document's
creation time, and the TempEval-3 Task A strict / relaxed / value scores (see the script's docstring)."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import _harness as harness

from crosswire.models import TimeMention
from crosswire.stages._spans import find_times
from crosswire.stages.timeline import _resolve

TYPES = ("DATE", "TIME", "DURATION", "SET")


_PREPOSITIONS = r"on|in|since|by|until|till|from|before|after|over|of|during|at|through|within"
TRIM = {
    "as_is": None,
    "trim_prepositions": re.compile(rf"^(?:(?:{_PREPOSITIONS})\s+)+", re.I),
    "trim_prep_det_mod": re.compile(rf"^(?:(?:{_PREPOSITIONS}|the|early|late|mid-?)(?:\s+|(?<=-)))+", re.I),
}
TRIM_LABEL = {
    "as_is": "as-is",
    "trim_prepositions": "trim prepositions",
    "trim_prep_det_mod": "trim prep + the/early/late/mid",
}


@dataclass
class Gold:
    start: int
    end: int
    text: str
    type: str
    value: str
    tid: str


@dataclass
class Pred:
    start: int  # span as crosswire returned it
    end: int
    text: str
    value: str | None
    sentence: str
    sent_start: int
    spans: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # per trim variant


@dataclass
class Doc:
    name: str
    subset: str
    dct: str
    text: str
    gold: list[Gold]
    sentences: list[tuple[int, str]] = field(default_factory=list)  # (offset, stripped sentence)
    preds: list[Pred] = field(default_factory=list)


def read_tml(path: Path) -> Doc:
    """The plain text inside <TEXT>, gold TIMEX3 spans with offsets into it, and the DCT value."""
    raw = path.read_text(encoding="utf-8")
    dct_match = re.search(r"<DCT>\s*<TIMEX3([^>]*)>", raw)
    dct_value = _attrs(dct_match.group(1)).get("value", "") if dct_match else ""
    dct = dct_value[:10] if re.match(r"\d{4}-\d{2}-\d{2}", dct_value) else ""
    body_match = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
    body = body_match.group(1) if body_match else ""
    parts: list[str] = []
    length = 0
    gold: list[Gold] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    for piece in re.finditer(r"<[^>]*>|[^<]+", body):
        token = piece.group(0)
        if token.startswith("<"):
            if token.startswith("<TIMEX3") and not token.endswith("/>"):
                open_timex = (length, _attrs(token))
            elif token.startswith("</TIMEX3") and open_timex:
                begin, attrs = open_timex
                text = "".join(parts)[begin:length]
                lead = len(text) - len(text.lstrip())
                trail = len(text) - len(text.rstrip())
                if attrs.get("functionInDocument") != "CREATION_TIME" and text.strip():
                    gold.append(
                        Gold(
                            begin + lead,
                            length - trail,
                            text.strip(),
                            attrs.get("type", ""),
                            attrs.get("value", "").strip(),
                            attrs.get("tid", ""),
                        )
                    )
                open_timex = None
            continue
        text = html.unescape(token)
        parts.append(text)
        length += len(text)
    subset = path.parent.name
    return Doc(path.stem, subset, dct, "".join(parts), gold)


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in re.findall(r'(\w+)="([^"]*)"', tag)}


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Blank-line separated paragraphs, hard line breaks inside joined with a space (offsets kept)."""
    out = []
    for match in re.finditer(r"(?:(?!\n[ \t]*\n)[\s\S])+", text):
        para = match.group(0)
        if para.strip():
            out.append((match.start(), re.sub(r"[\r\n]", " ", para)))
    return out


def split_sentences_spacy(docs: list[Doc], nlp) -> None:
    items = [(para, (d, offset)) for d, doc in enumerate(docs) for offset, para in paragraphs(doc.text)]
    for parsed, (d, offset) in nlp.pipe(items, as_tuples=True, batch_size=32):
        for sent in parsed.sents:
            text = sent.text.strip()
            if text:
                start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
                docs[d].sentences.append((start, text))


_SENT_END = re.compile(r"(?<=[.!?])[\"'`]*\s+(?=[\"'`(]*[A-Z])")


def split_sentences_regex(docs: list[Doc]) -> None:
    for doc in docs:
        for offset, para in paragraphs(doc.text):
            begin = 0
            for match in list(_SENT_END.finditer(para)) + [None]:
                end = match.start() if match else len(para)
                chunk = para[begin:end]
                if chunk.strip():
                    doc.sentences.append((offset + begin + len(chunk) - len(chunk.lstrip()), chunk.strip()))
                begin = match.end() if match else len(para)


def predict(doc: Doc) -> None:
    """crosswire's detector per sentence, each span resolved against the DCT."""
    for index, (offset, sentence) in enumerate(doc.sentences):
        for start, end, expression in find_times(sentence):
            mention = TimeMention(doc.name, f"s{index + 1}", start, end, expression)
            resolved = _resolve(mention, sentence, doc.dct or None, "metadata")
            pred = Pred(offset + start, offset + end, expression, resolved.date, sentence, offset)
            for variant, pattern in TRIM.items():
                lead = pattern.match(expression) if pattern else None
                cut = lead.end() if lead else 0
                if cut >= len(expression):
                    cut = 0
                pred.spans[variant] = (pred.start + cut, pred.end, expression[cut:])
            doc.preds.append(pred)


def value_kind(gold: Gold) -> str:
    """What kind of TIMEX3 value this is; only day / month / year dates are modelled by crosswire."""
    value = gold.value
    if gold.type == "SET":
        return "set"
    if value.startswith("P"):
        return "duration" if not value.endswith("_REF") else "present/past/future ref"
    if value.endswith("_REF"):
        return "present/past/future ref"
    if "X" in value:
        return "underspecified (X)"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "day"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return "time of day"
    if re.fullmatch(r"\d{4}-W\d{2}(?:-WE)?", value):
        return "week / weekend"
    if re.fullmatch(r"\d{4}-(?:Q\d|H\d|SP|SU|FA|WI)", value):
        return "quarter / half / season"
    if re.fullmatch(r"\d{2,3}", value):
        return "decade / century"
    return "other"


MODELLED = {"day", "month", "year"}


def match(doc: Doc, variant: str) -> tuple[set[int], list[tuple[int, int]]]:
    """Strict matches (gold indexes) and relaxed one-to-one pairs (gold index, pred index)."""
    spans = [p.spans[variant] for p in doc.preds]
    strict = {g for g, gold in enumerate(doc.gold) for s, e, _ in spans if (s, e) == (gold.start, gold.end)}
    candidates = []
    for g, gold in enumerate(doc.gold):
        for p, (s, e, _) in enumerate(spans):
            overlap = min(e, gold.end) - max(s, gold.start)
            if overlap > 0:
                candidates.append((-overlap, g, p))
    pairs, used_g, used_p = [], set(), set()
    for _, g, p in sorted(candidates):
        if g not in used_g and p not in used_p:
            pairs.append((g, p))
            used_g.add(g)
            used_p.add(p)
    return strict, pairs


def prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p, r, f = harness.ratios(tp, predicted, gold)
    return {"tp": tp, "precision": round(100 * p, 1), "recall": round(100 * r, 1), "f1": round(100 * f, 1)}


def score(docs: list[Doc], variant: str) -> dict:
    n_gold = sum(len(d.gold) for d in docs)
    n_pred = sum(len(d.preds) for d in docs)
    strict_tp = relaxed_tp = value_ok = type_ok = value_ok_modelled = relaxed_modelled = 0
    by_type: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        strict, pairs = match(doc, variant)
        strict_tp += len(strict)
        relaxed_tp += len(pairs)
        for g, gold in enumerate(doc.gold):
            by_type[gold.type]["gold"] += 1
            by_type[gold.type]["strict"] += g in strict
        for g, p in pairs:
            gold, pred = doc.gold[g], doc.preds[p]
            good = pred.value is not None and pred.value == gold.value
            value_ok += good
            type_ok += gold.type == "DATE"
            by_type[gold.type]["relaxed"] += 1
            by_type[gold.type]["value"] += good
            if value_kind(gold) in MODELLED:
                relaxed_modelled += 1
                value_ok_modelled += good
    relaxed = prf(relaxed_tp, n_pred, n_gold)
    value = prf(value_ok, n_pred, n_gold)
    value["accuracy_on_relaxed"] = round(100 * value_ok / relaxed_tp, 1) if relaxed_tp else 0.0
    value["accuracy_on_relaxed_modelled_kinds"] = (
        round(100 * value_ok_modelled / relaxed_modelled, 1) if relaxed_modelled else 0.0
    )
    typed = prf(type_ok, n_pred, n_gold)
    typed["accuracy_on_relaxed"] = round(100 * type_ok / relaxed_tp, 1) if relaxed_tp else 0.0
    types = {}
    for kind in TYPES:
        c = by_type.get(kind, Counter())
        n = c["gold"]
        types[kind] = {
            "gold": n,
            "strict_recall": round(100 * c["strict"] / n, 1) if n else 0.0,
            "relaxed_recall": round(100 * c["relaxed"] / n, 1) if n else 0.0,
            "value_correct": c["value"],
            "value_recall": round(100 * c["value"] / n, 1) if n else 0.0,
            "value_accuracy_on_relaxed": round(100 * c["value"] / c["relaxed"], 1) if c["relaxed"] else 0.0,
        }
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "strict": prf(strict_tp, n_pred, n_gold),
        "relaxed": relaxed,
        "value": value,
        "type_all_DATE": typed,
        "by_gold_type": types,
    }


def trim_difference(docs: list[Doc]) -> dict:
    """Gold spans the wider trim gains and loses against the preposition-only trim (strict)."""
    gained: Counter = Counter()
    lost: Counter = Counter()
    for doc in docs:
        narrow, _ = match(doc, "trim_prepositions")
        wide, _ = match(doc, "trim_prep_det_mod")
        gained.update(doc.gold[g].text.lower() for g in wide - narrow)
        lost.update(doc.gold[g].text.lower() for g in narrow - wide)
    return {
        "gained": sum(gained.values()),
        "lost": sum(lost.values()),
        "gained_examples": gained.most_common(5),
        "lost_examples": lost.most_common(5),
    }


def oracle_values(docs: list[Doc]) -> dict:
    """The resolver alone: each gold expression resolved from its own text in its own sentence."""
    total = correct = modelled = modelled_correct = 0
    for doc in docs:
        for gold in doc.gold:
            offset, sentence = next(
                ((o, s) for o, s in doc.sentences if o <= gold.start < o + len(s)), (gold.start, gold.text)
            )
            mention = TimeMention(doc.name, "s", gold.start - offset, gold.end - offset, gold.text)
            value = _resolve(mention, sentence, doc.dct or None, "metadata").date
            good = value is not None and value == gold.value
            total += 1
            correct += good
            if value_kind(gold) in MODELLED:
                modelled += 1
                modelled_correct += good
    return {
        "gold": total,
        "value_accuracy": round(100 * correct / total, 1) if total else 0.0,
        "modelled_kinds": modelled,
        "value_accuracy_modelled_kinds": round(100 * modelled_correct / modelled, 1) if modelled else 0.0,
    }
