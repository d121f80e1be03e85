"""What-if measurements of timebank.py: how the scores would move with candidate fixes to crosswire's
time resolver (proposed values against the gold) and to its detector (patterns for the gold expressions it
misses). None of these changes crosswire; they say which fix is worth making."""

from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from _timebank_data import (
    MODELLED,
    Doc,
    Gold,
    Pred,
    match,
    prf,
    value_kind,
)

from crosswire.lexicons import FUTURE_BEFORE, NUMBER_WORDS
from crosswire.stages.timeline import MONTH_NUMBERS

_ALL_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|" + (
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# Candidate fixes, checked against the gold expressions crosswire misses entirely (full match of the
# gold text, case-insensitive). The count is the relaxed-recall gain if the pattern were found.
_NUM = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|several|a few|few|many|some|\d+ to \d+|twenty[- ]four)"
)
_UNIT = r"(?:year|month|week|day|hour|minute|second|decade|century|quarter|weekend|night|session)s?"
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
WHAT_IF = {
    "bare year / fiscal year ('1990', 'fiscal 1989')": r"(?:fiscal\s+)?(?:19|20)\d{2}s?|(?:19|20)\d{2}-\d{2,4}",
    "relative unit ('last year', 'this week', 'the past year', 'next month')": (
        rf"(?:the\s+)?(?:last|this|next|past|coming|previous|same|current|latest|prior|following)\s+"
        rf"(?:fiscal\s+)?(?:{_UNIT}|year-earlier\s+\w+|{_ORD}[- ]quarter|spring|summer|fall|autumn|winter)"
    ),
    "quarter / fiscal period ('the third quarter', 'third-quarter', 'the quarter', 'the fiscal year')": (
        rf"(?:the\s+)?(?:fiscal\s+)?(?:{_ORD}|latest|year-earlier|year-ago|comparable|current)[- ](?:fiscal[- ])?"
        rf"(?:quarter|half|period)(?:\s+of\s+(?:19|20)\d{{2}})?|the\s+(?:fiscal\s+)?(?:quarter|period|fiscal year)"
    ),
    "duration ('two years', 'a year', 'the past three months', '24 hours')": (
        rf"(?:the\s+)?(?:(?:past|last|next|first|previous|coming|final)\s+)?"
        rf"(?:about\s+|nearly\s+|almost\s+|more than\s+)?"
        rf"{_NUM}(?:[- ]and[- ]a[- ]half)?[- ]{_UNIT}(?:[- ]old|[- ]long)?"
    ),
    "'N units ago/earlier/later' ('two years ago', 'a year earlier')": (
        rf"(?:about\s+|nearly\s+)?(?:{_NUM})[- ]{_UNIT}\s+(?:ago|earlier|later|before|after|from now)"
    ),
    "present/past/future ref ('now', 'currently', 'recently', 'the past', 'future')": (
        r"now|currently|current|recent|recently|earlier|later|soon|then|once|formerly|former|the past|"
        r"the future|future|present|nowadays|these days|lately|immediately|previously|eventually|today's"
    ),
    "bare month / 'last October' / 'early 1990'": (
        rf"(?:(?:last|this|next|early|late|mid-?|the end of|the beginning of)\s*)?"
        rf"(?:{_ALL_MONTHS})\.?(?:\s+(?:19|20)\d{{2}})?"
        rf"|(?:early|late|mid-?)\s*(?:19|20)\d{{2}}s?|the\s+(?:early|late|mid-?)\s*(?:19|20)?\d{{2}}s"
    ),
    "year-end/year-ago words ('year-end', 'year earlier', 'a year ago', 'the year')": (
        r"(?:the\s+)?(?:year-end|year-earlier|year[- ]ago|year earlier|the year|this time|the day|the time|"
        r"end of (?:the )?year|end of the month|the end of the year|the end of the month|the year-ago\s+\w+)"
    ),
    "time of day ('3 p.m.', 'this morning', 'midnight', 'noon')": (
        r"(?:about\s+|around\s+)?\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am|pm)(?:\s+\w+)?|noon|midnight|"
        r"(?:this|that|the|yesterday|tomorrow|last|friday|monday|tuesday|wednesday|thursday|saturday|sunday)\s+"
        r"(?:morning|afternoon|evening|night)|(?:morning|afternoon|evening|night|overnight)"
    ),
    "set ('daily', 'annually', 'each year', 'a year', 'per share per year')": (
        r"daily|weekly|monthly|annually|yearly|quarterly|each\s+\w+|every\s+\w+|a\s+(?:year|month|week|day)|"
        r"per\s+(?:year|month|week|day)|annual"
    ),
}


_MONTH_NAMES = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_MONTH_DAY = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<m1>{_MONTH_NAMES})\b"
    rf"|(?P<m2>{_MONTH_NAMES})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\d))",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH_NAMES})\.?,?\s+(?P<y>1[89]\d{{2}}|20\d{{2}})\b", re.I)
_MONTH = re.compile(rf"\b(?P<m>{_MONTH_NAMES})\b\.?", re.I)
_UNIT_REL = re.compile(r"\b(?P<w>last|this|next)\s+(?P<u>year|month|week)\b", re.I)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


def proposed_values(pred: Pred, dct: str) -> dict[str, str]:
    """Values the proposed resolver changes would give (rule name -> value), where a rule applies.

    Simulated here only to size each proposal; crosswire's own code is untouched.
    """
    out: dict[str, str] = {}
    if not dct:
        return out
    base = date.fromisoformat(dct)
    text = pred.text
    local = pred.start - pred.sent_start
    future = text.lower().startswith("next") or bool(FUTURE_BEFORE.search(pred.sentence[:local]))
    day = _MONTH_DAY.search(text)
    has_year = re.search(r"\b(?:1[89]\d{2}|20\d{2})\b", text)
    unit = _UNIT_REL.search(text)
    if unit and pred.value is None:
        delta = {"last": -1, "this": 0, "next": 1}[unit.group("w").lower()]
        kind = unit.group("u").lower()
        if kind == "year":
            out["A: last/this/next year|month|week"] = f"{base.year + delta:04d}"
        elif kind == "month":
            y, m = _shift_month(base.year, base.month, delta)
            out["A: last/this/next year|month|week"] = f"{y:04d}-{m:02d}"
        else:
            iso = (base + timedelta(weeks=delta)).isocalendar()
            out["A: last/this/next year|month|week"] = f"{iso[0]:04d}-W{iso[1]:02d}"
    month_year = _MONTH_YEAR.search(text)
    if month_year and not day:
        number = MONTH_NUMBERS[month_year.group("m").lower()]
        out["B: month + written year keeps the year"] = f"{int(month_year.group('y')):04d}-{number:02d}"
    if day and not has_year:
        number = MONTH_NUMBERS[(day.group("m1") or day.group("m2")).lower()]
        number_day = int(day.group("d1") or day.group("d2"))
        candidates = []
        for year in (base.year - 1, base.year, base.year + 1):
            with contextlib.suppress(ValueError):
                candidates.append(date(year, number, number_day))
        pick = (
            min((c for c in candidates if c >= base), default=None)
            if future
            else max((c for c in candidates if c <= base), default=None)
        )
        if pick:
            out["C: month-day without year: past unless future cue"] = pick.isoformat()
    month = _MONTH.search(text)
    if month and not day and not has_year and not unit and future:
        number = MONTH_NUMBERS[month.group("m").lower()]
        year = base.year + (1 if number < base.month else 0)
        out["D: bare month after a future cue is ahead"] = f"{year:04d}-{number:02d}"
    return out


REJECTED_RULE = "C:"  # measured net negative: crosswire's nearest-year choice is the better one


def resolver_what_if(docs: list[Doc]) -> dict:
    """Per proposed rule, on relaxed-matched pairs: values it would fix, values it would break."""
    rules: dict[str, Counter] = defaultdict(Counter)
    correct_now = correct_all = relaxed = 0
    predicted = sum(len(d.preds) for d in docs)
    gold_total = sum(len(d.gold) for d in docs)
    for doc in docs:
        _, pairs = match(doc, "as_is")
        relaxed += len(pairs)
        for g, p in pairs:
            gold, pred = doc.gold[g], doc.preds[p]
            now = pred.value is not None and pred.value == gold.value
            correct_now += now
            proposals = proposed_values(pred, doc.dct)
            for rule, value in proposals.items():
                rules[rule]["applies"] += 1
                rules[rule]["fixed"] += (not now) and value == gold.value
                rules[rule]["broken"] += now and value != gold.value
            kept = [v for k, v in proposals.items() if not k.startswith(REJECTED_RULE)]
            final = kept[0] if kept else pred.value
            correct_all += final is not None and final == gold.value

    def f1(correct: int) -> float:
        p, r = correct / predicted if predicted else 0, correct / gold_total if gold_total else 0
        return round(100 * 2 * p * r / (p + r), 1) if p + r else 0.0

    return {
        "rules": {
            k: {"applies": c["applies"], "fixed": c["fixed"], "broken": c["broken"], "net": c["fixed"] - c["broken"]}
            for k, c in sorted(rules.items())
        },
        "value_correct_now": correct_now,
        "combined_rules": "A + B + D (C left out: it breaks more than it fixes)",
        "value_correct_with_all_rules": correct_all,
        "value_f1_now": f1(correct_now),
        "value_f1_with_all_rules": f1(correct_all),
        "value_accuracy_on_relaxed_with_all_rules": round(100 * correct_all / relaxed, 1) if relaxed else 0.0,
    }


_FULL_MONTHS = "January|February|April|June|July|August|September|October|November|December"
_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    **{w: n for w, n in NUMBER_WORDS.items() if " " not in w and w != "dozen" and n <= 12},
}
# Concrete detector additions, each with the value a small resolver rule would give it (None: no value).
DETECTOR_PROPOSALS = {
    "bare year, 'fiscal 1989' (not after $, not a count or percentage)": re.compile(
        r"(?<![\d$.,#-])(?:fiscal\s+)?(?:19\d{2}|20[0-4]\d)(?![\d,.]\d|\s*(?:%|percent|-\d))\b"
    ),
    "last/this/next + month name ('last October')": re.compile(
        rf"\b(?:last|this|next)\s+(?:{_FULL_MONTHS}|May|March)\b", re.I
    ),
    "'N days/weeks/months/years ago|earlier'": re.compile(
        r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,3})\s+"
        r"(?:day|week|month|year)s?\s+(?:ago|earlier)\b",
        re.I,
    ),
    "bare month name, capitalised, not May/March ('in the October slaying')": re.compile(
        rf"\b(?:{_FULL_MONTHS})\b(?!\s+\d)"
    ),
    "'now', 'currently', 'recently' (PRESENT_REF / PAST_REF: no crosswire value)": re.compile(
        r"\b(?:now|currently|recently)\b", re.I
    ),
    "quarters ('the third quarter', 'third-quarter', 'the quarter'; no crosswire value)": re.compile(
        r"\b(?:the\s+)?(?:(?:first|second|third|fourth|latest|year-earlier|year-ago)[- ]quarter|quarter)\b", re.I
    ),
}


def _proposal_value(label: str, text: str, base: date | None) -> str | None:
    if base is None:
        return None
    if label.startswith("bare year"):
        return text[-4:]
    if label.startswith("last/this/next"):
        word, name = text.lower().split()[:2]
        number = MONTH_NUMBERS[name]
        if word == "last":
            year = base.year if number < base.month else base.year - 1
        elif word == "next":
            year = base.year if number > base.month else base.year + 1
        else:
            year = base.year
        return f"{year:04d}-{number:02d}"
    if label.startswith("'N days"):
        count_word, unit = text.lower().split()[:2]
        n = _WORD_NUMBERS.get(count_word) or int(count_word)
        unit = unit.rstrip("s")
        if unit == "year":
            return f"{base.year - n:04d}"
        if unit == "month":
            y, m = _shift_month(base.year, base.month, -n)
            return f"{y:04d}-{m:02d}"
        if unit == "day":
            return (base - timedelta(days=n)).isoformat()
        return None
    if label.startswith("bare month"):
        number = MONTH_NUMBERS[text.lower()]
        return f"{base.year - (1 if number > base.month + 1 else 0):04d}-{number:02d}"
    return None


VALUE_BEARING = (
    "last/this/next + month name ('last October')",
    "'N days/weeks/months/years ago|earlier'",
    "bare year, 'fiscal 1989' (not after $, not a count or percentage)",
    "bare month name, capitalised, not May/March ('in the October slaying')",
)


def _add_spans(docs: list[Doc], labels: tuple[str, ...]) -> dict:
    """Spans the given proposals add (outside crosswire's own and earlier proposals' spans), scored."""
    new = hits = false = values = 0
    examples_fp: Counter = Counter()
    for doc in docs:
        base = date.fromisoformat(doc.dct) if doc.dct else None
        _, pairs = match(doc, "as_is")
        taken = {g for g, _ in pairs}
        occupied = [(p.start, p.end) for p in doc.preds]
        for label in labels:
            for offset, sentence in doc.sentences:
                for m in DETECTOR_PROPOSALS[label].finditer(sentence):
                    start, end = offset + m.start(), offset + m.end()
                    if any(s < end and start < e for s, e in occupied):
                        continue
                    occupied.append((start, end))
                    new += 1
                    overlapping = [g for g, gold in enumerate(doc.gold) if gold.start < end and start < gold.end]
                    free = [g for g in overlapping if g not in taken]
                    if free:
                        hits += 1
                        taken.add(free[0])
                        values += _proposal_value(label, m.group(0), base) == doc.gold[free[0]].value
                    elif not overlapping:
                        false += 1
                        examples_fp[m.group(0).lower()] += 1
    return {"new_spans": new, "hits": hits, "false": false, "values": values, "fp_examples": examples_fp}


def detector_what_if(docs: list[Doc], resolver: dict) -> dict:
    """Each proposal added alone, then the value-bearing ones together with resolver rules A + B + D."""
    n_gold = sum(len(d.gold) for d in docs)
    base_pred = sum(len(d.preds) for d in docs)
    base_tp = sum(len(match(d, "as_is")[1]) for d in docs)
    alone = []
    for label in DETECTOR_PROPOSALS:
        added = _add_spans(docs, (label,))
        predicted, tp = base_pred + added["new_spans"], base_tp + added["hits"]
        correct = resolver["value_correct_now"] + added["values"]
        alone.append(
            {
                "proposal": label,
                "new_spans": added["new_spans"],
                "new_relaxed_hits": added["hits"],
                "new_false_positives": added["false"],
                "new_correct_values": added["values"],
                "relaxed_f1": prf(tp, predicted, n_gold)["f1"],
                "value_f1": prf(correct, predicted, n_gold)["f1"],
                "false_positive_examples": added["fp_examples"].most_common(5),
            }
        )
    added = _add_spans(docs, VALUE_BEARING)
    predicted, tp = base_pred + added["new_spans"], base_tp + added["hits"]
    correct = resolver["value_correct_with_all_rules"] + added["values"]
    combined = {
        "proposals": list(VALUE_BEARING) + ["resolver rules " + resolver["combined_rules"]],
        "relaxed": prf(tp, predicted, n_gold),
        "value": prf(correct, predicted, n_gold),
    }
    return {"each_alone": alone, "value_bearing_together_with_resolver_rules": combined}


def gold_kinds(docs: list[Doc]) -> dict:
    kinds = Counter(value_kind(g) for d in docs for g in d.gold)
    types = Counter(g.type for d in docs for g in d.gold)
    return {"by_value_kind": dict(kinds.most_common()), "by_type": dict(types.most_common())}


def errors(docs: list[Doc], top: int = 15) -> dict:
    missed: Counter = Counter()
    missed_gold: list[Gold] = []
    false_pos: Counter = Counter()
    wrong_value: Counter = Counter()
    wrong_kind: Counter = Counter()
    no_value_matched: Counter = Counter()
    for doc in docs:
        _, pairs = match(doc, "as_is")
        got_g = {g for g, _ in pairs}
        got_p = {p for _, p in pairs}
        for g, gold in enumerate(doc.gold):
            if g not in got_g:
                missed[gold.text.lower()] += 1
                missed_gold.append(gold)
        for p, pred in enumerate(doc.preds):
            if p not in got_p:
                false_pos[pred.text.lower()] += 1
        for g, p in pairs:
            gold, pred = doc.gold[g], doc.preds[p]
            if pred.value != gold.value:
                kind = value_kind(gold)
                wrong_kind[kind] += 1
                if kind in MODELLED:
                    if pred.value is None:
                        no_value_matched[pred.text.lower()] += 1
                    wrong_value[f"{pred.text!r} -> {pred.value} (gold {gold.text!r} = {gold.value})"] += 1
    # Greedy: repeatedly take the candidate pattern that recovers the most still-missed gold expressions.
    remaining = list(missed_gold)
    patterns = {label: re.compile(pattern, re.I) for label, pattern in WHAT_IF.items()}
    what_if = []
    while patterns:
        label, regex = max(patterns.items(), key=lambda kv: sum(1 for g in remaining if kv[1].fullmatch(g.text)))
        del patterns[label]
        hit = [g for g in remaining if regex.fullmatch(g.text)]
        by_kind = Counter(value_kind(g) for g in hit)
        what_if.append(
            {
                "fix": label,
                "missed_gold_recovered": len(hit),
                "of_which_day_month_year_values": sum(by_kind[k] for k in MODELLED),
                "examples": [t for t, _ in Counter(g.text.lower() for g in hit).most_common(6)],
            }
        )
        hit_ids = {id(g) for g in hit}
        remaining = [g for g in remaining if id(g) not in hit_ids]
    return {
        "missed_gold_total": len(missed_gold),
        "false_positive_total": sum(false_pos.values()),
        "top_missed": missed.most_common(top),
        "top_missed_day_month_year_values": Counter(
            g.text.lower() for g in missed_gold if value_kind(g) in MODELLED
        ).most_common(top),
        "top_false_positives": false_pos.most_common(top),
        "wrong_value_on_matched_by_gold_kind": dict(wrong_kind.most_common()),
        "top_wrong_values_modelled_kinds": wrong_value.most_common(top),
        "matched_but_unresolved_modelled_kinds": no_value_matched.most_common(top),
        "what_if_missed_patterns_in_order": what_if,
        "missed_not_covered_by_what_if": Counter(g.text.lower() for g in remaining).most_common(top),
    }
