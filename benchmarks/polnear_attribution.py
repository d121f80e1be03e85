"""Attribution against PolNeAR: direct quotes with their speakers, and who a paraphrased claim is put to.

    python benchmarks/polnear_attribution.py [--split train|dev|both] [--limit N] [--data DIR] [--batch N]
                                            [--show N] [--dump FILE]

PolNeAR v1.0.0 (../shared/eval-data/polnear, see its SOURCE.md; research use only: the articles are
read here at run time and no text of theirs is written to benchmarks/results) annotates every
attribution of 1,008 US election articles as Source (who), Cue ("said") and Content (what), in BRAT
standoff. Only the train (840 articles) and dev (84) splits are here; the test split is kept
elsewhere. Neither split here is held out: both may be used while developing crosswire. An article
annotated by more than one annotator is scored on the first annotator's file (sorted by id).

Each article goes to crosswire as one JSON Lines record (title = the file's first line, text = the
rest, outlet and date from metadata.tsv), ``--batch`` articles per pile through ``prepare`` and
``annotate_all``, then ``reconcile`` per article (every article is its own story). Gold offsets are
carried onto crosswire's cleaned body with ``claim_matching.offset_map``; what falls in the title or
was cleaned away is counted as unmapped (a gold item of an article crosswire skipped is a miss).

1. **Direct quotes.** A gold direct quote is a quoted passage (curly quotes nest, straight quotes
   pair in order, an opening mark left open at the end of a paragraph runs to its end: the
   multi-paragraph convention) of three words or more lying mostly (>= 50% of its characters) in a
   Content span; its speaker is the Source of the shortest such Content. A predicted quote (a
   crosswire quote mention; a baseline quoted passage) matches a gold one when they share >= 50% of
   the words of each (one to one, largest overlap first): P/R/F1. **Speaker**: scored where the
   gold Source has a name word (capitalised, not a stop word, not a title like "Sen." or
   "President", not a party adjective, and, at the start of a sentence, not a word the split writes
   in lower case more often than capitalised in mid-sentence, like "Sources"); right when one of
   them is a word of crosswire's ``speaker_name`` (resolved entity) or the mention's
   ``speaker_text``; else *empty* (no speaker) or *wrong*. Gold Sources without a name ("he", "the
   spokesman") cannot be scored, PolNeAR has no coreference: what crosswire gives for them (a name,
   a description, nothing) is counted. Baseline (SOURCE.md): the same quote-mark rule, and as
   speaker the capitalised name next to said/says/told/according to nearest the quote in its
   paragraph.
2. **Indirect attribution.** Gold Content spans with no quotation mark (paraphrase, reported belief
   or intention). A crosswire claim mention belongs to a gold Content when >= 50% of its characters
   lie inside it. *Coverage*: share of the gold Contents with at least one mention. *Speaker*, over
   the covered Contents whose Source has a name word: right (some mention's ``speaker_name`` has a
   name word of the Source), *no speaker* (no mention there has a speaker: crosswire states the
   content in the outlet's own voice), else wrong. Also: right over all gold Contents with a named
   Source (end to end), and, as the fair head-to-head, right on the named-source Contents both
   systems cover; share attributed to anyone, over all covered Contents; coverage of Contents of 1-3
   words ("discussed *trade*": no clause-sized mention lies inside a noun phrase) and of 4+ words;
   the share of crosswire's mentions with a speaker that lie (>= 50%) in some gold Content
   (attribution precision, roughly). Baseline: every sentence (regex split) with a reporting verb
   (``REPORTING`` below, written here) is put to the capitalised name nearest the verb in it; a
   gold Content is covered when a sentence it overlaps has a reporting verb, and its speaker is
   right when one of those sentences' names has a name word of the Source.

Dev takes about a minute, train about ten (one core), almost all of it crosswire's parse.
Prints tables; ``--show N`` prints N failures of each kind (with article text: keep it out of the
repo), ``--dump FILE`` writes every scored item with its text as JSON Lines for error analysis (also
out of the repo). A full run (no --limit) writes its splits into
benchmarks/results/polnear_attribution.json (counts and scores only, no article text).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from claim_matching import offset_map  # noqa: E402  (difflib alignment of our text onto the cleaned body)

from crosswire.analysis.pipeline import annotate_all, load_pipeline, prepare, reconcile, version  # noqa: E402
from crosswire.models import Annotated, Dossier  # noqa: E402
from crosswire.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "eval-data" / "polnear"
RESULT = ROOT / "benchmarks" / "results" / "polnear_attribution.json"
SOURCE_COMMIT = "c3eee833c035bf7b8c84f55b58c0bf7346cfae76"  # networkdynamics/PolNeAR, per SOURCE.md
OUTLETS = {
    "breitbart": "Breitbart",
    "huff-post": "HuffPost",
    "nyt": "The New York Times",
    "politico": "Politico",
    "usa-today": "USA Today",
    "wash-post": "The Washington Post",
    "west-journal": "Western Journal",
}
QUOTE_CHARS = '“”"'
WORD = re.compile(r"\w+(?:['’]\w+)*")
TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")  # "S.E.C." is one word, "sec"
# Capitalised words that are no one's name: titles before a name, and party or national adjectives.
_TITLE_WORDS = """mr mrs ms dr sen senator rep representative gov governor president vice pres sec secretary
    speaker leader chairman chairwoman chair director spokesman spokeswoman spokesperson press attorney general
    gen lt col maj sgt adm judge justice mayor former candidate nominee chief minister prime prince king queen
    lord sir rev democratic republican american presidential federal national state conservative liberal
    independent u.s s"""
TITLES = frozenset(_TITLE_WORDS.split())
STOP = frozenset(ENGLISH_STOP_WORDS) | {"i", "i'm", "we're", "he's", "she's", "they're"}
_PRONOUN_WORDS = "i we you he she it they me us him her them who this that these those"
PRONOUNS = frozenset(_PRONOUN_WORDS.split())
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

Span = tuple[int, int]


@dataclass
class Relation:
    source: list[Span]
    content: list[Span]
    cue: list[Span]


@dataclass(eq=False)
class Article:
    id: str
    split: str
    annotator: str
    raw: str
    shift: int  # raw offset of the first character of the text given to crosswire (after the title)
    meta: dict[str, str]
    relations: list[Relation]
    body: str = ""
    where: Any = None  # our text offset -> body offset (None: cleaned away)
    annotated: Annotated | None = None
    dossier: Dossier | None = None

    @property
    def title(self) -> str:
        return self.raw.split("\n", 1)[0].strip()

    @property
    def text(self) -> str:
        return self.raw[self.shift :]

    def to_body(self, span: Span) -> Span | None:
        """A raw span on crosswire's body: its first and last characters that were kept."""
        if self.where is None:
            return None
        lo, hi = max(span[0], self.shift) - self.shift, span[1] - self.shift
        start = next((b for b in map(self.where, range(lo, hi)) if b is not None), None)
        if start is None:
            return None
        end = next(b for b in map(self.where, range(hi - 1, lo - 1, -1)) if b is not None)
        return (start, end + 1) if end >= start else None


@dataclass(eq=False)
class Item:
    """A gold direct quote or indirect content, with what crosswire and the baseline made of it."""

    article: Article
    kind: str  # "quote" or "indirect"
    spans: list[Span]  # raw offsets
    relation: Relation
    names: set[str]
    source_kind: str  # "named", "pronoun", "description", "none"
    open_ended: bool = False  # a quote whose closing mark is not in its paragraph
    body: list[Span] = field(default_factory=list)
    crosswire: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] = field(default_factory=dict)

    @property
    def words(self) -> int:
        return sum(len(self.article.raw[s:e].split()) for s, e in self.spans)

    @property
    def source(self) -> str:
        return " ".join(self.article.raw[s:e] for s, e in self.relation.source)

    @property
    def text(self) -> str:
        return " … ".join(self.article.raw[s:e] for s, e in self.spans)


# ---------------------------------------------------------------- gold


def read_ann(path: Path) -> list[Relation]:
    spans: dict[str, list[Span]] = {}
    relations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            _, _, where = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (f.split() for f in where.split(";"))]
        elif line.startswith("E") and len(parts) >= 2:
            roles: dict[str, list[Span]] = defaultdict(list)
            for arg in parts[1].split()[1:]:
                role, _, target = arg.partition(":")
                roles[role.rstrip("0123456789")] += spans.get(target, [])
            if roles.get("Content"):
                relations.append(Relation(sorted(roles["Source"]), sorted(roles["Content"]), sorted(roles["Cue"])))
    return relations


def load(data: Path, split: str, limit: int | None) -> tuple[list[Article], int]:
    meta = {}
    with (data / "metadata.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            meta[row["filename"]] = row
    articles, doubled = [], 0
    for path in sorted((data / split / "text").glob("*.txt")):
        anns = sorted((data / split / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        doubled += len(anns) > 1
        raw = path.read_text(encoding="utf-8")
        first = raw.find("\n") + 1 if "\n" in raw else len(raw)
        shift = len(raw) - len(raw[first:].lstrip("\n"))
        row = meta.get(path.stem, {})
        annotator = anns[0].stem.rsplit("_", 1)[1]
        articles.append(Article(path.stem, split, annotator, raw, shift, row, read_ann(anns[0])))
        if limit and len(articles) >= limit:
            break
    return articles, doubled


def paragraphs(text: str) -> list[Span]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def quote_pairs(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Quoted passages of text[start:end] (quote marks excluded): curly quotes nest, straight ones pair
    in order, a mark still open at the end runs to the end (a quote carried on to the next paragraph)."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    depth, opened, straight = 0, 0, None
    for i in range(start, end):
        c = text[i]
        if c == "“":
            opened = i if depth == 0 else opened
            depth += 1
        elif c == "”" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened + 1, i))
        elif c == '"' and not depth:
            if straight is None:
                straight = i
            else:
                spans.append((straight + 1, i))
                straight = None
    for still_open in (opened if depth else None, straight):
        if still_open is not None:
            spans.append((still_open + 1, end))
    return sorted(spans)


def strip_span(text: str, span: Span) -> Span:
    s, e = span
    while s < e and text[s] in " ,\n":
        s += 1
    while e > s and text[e - 1] in " ,\n":
        e -= 1
    return s, e


def common_words(articles: list[Article]) -> frozenset[str]:
    """Words the split writes in lower case more often than capitalised in mid-sentence: not names."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for a in articles:
        for m in TOKEN.finditer(a.raw):
            word = m.group().rstrip(".").lower()
            if m.group()[0].islower():
                lower[word] += 1
            elif re.search(r"[a-z,]\s+$", a.raw[max(0, m.start() - 3) : m.start()]):
                capital[word] += 1
    return frozenset(w for w, n in lower.items() if n > capital[w])


def name_parts(raw: str, token: re.Match[str], common: frozenset[str]) -> list[str]:
    """The lower-case words of a token of raw that is a name word, else []. A capitalised word is one
    unless it is a stop word or a title, or it opens a sentence and is a common word ("Sources")."""
    word = re.sub(r"['’]s$", "", token.group()).rstrip(".'’-")
    low = word.lower()
    if not word[:1].isupper() or low in STOP or low in TITLES or len(low) < 2:
        return []
    if low in common and _opens_sentence(raw, token.start()):
        return []
    return [w for w in WORD.findall(INNER_DOT.sub("", low)) if w not in STOP]


def _opens_sentence(raw: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and raw[j] in " \t”’)":
        j -= 1
    if j >= 0 and raw[j] == ".":
        before = re.search(r"(\w+)$", raw[max(0, j - 12) : j])
        return not (before and before.group(1).lower() in TITLES)  # "Mr. King"
    return j < 0 or raw[j] in '!?\n“‘("—:'


def name_words(raw: str, spans: list[Span], common: frozenset[str]) -> set[str]:
    return {w for s, e in spans for m in TOKEN.finditer(raw, s, e) for w in name_parts(raw, m, common)}


def source_kind(text: str, names: set[str]) -> str:
    if names:
        return "named"
    if not text.strip():
        return "none"
    words = WORD.findall(text.lower())
    return "pronoun" if words and all(w in PRONOUNS for w in words) else "description"


def gold_items(article: Article, common: frozenset[str]) -> list[Item]:
    raw = article.raw
    items: list[Item] = []
    quotes: dict[Span, tuple[int, Relation]] = {}
    open_ended: set[Span] = set()
    for para in paragraphs(raw):
        for q in quote_pairs(raw, *para):
            ended = q[1] == para[1]
            q = strip_span(raw, q)
            if ended:
                open_ended.add(q)
            if len(raw[q[0] : q[1]].split()) < 3:
                continue
            for r in article.relations:
                inside = sum(max(0, min(e, q[1]) - max(s, q[0])) for s, e in r.content)
                size = sum(e - s for s, e in r.content)
                if inside >= 0.5 * (q[1] - q[0]) and (q not in quotes or size < quotes[q][0]):
                    quotes[q] = (size, r)
    for q, (_, r) in sorted(quotes.items()):
        names = name_words(raw, r.source, common)
        source = " ".join(raw[s:e] for s, e in r.source)
        items.append(Item(article, "quote", [q], r, names, source_kind(source, names), q in open_ended))
    for r in article.relations:
        if any(c in raw[s:e] for s, e in r.content for c in QUOTE_CHARS):
            continue
        source = " ".join(raw[s:e] for s, e in r.source)
        names = name_words(raw, r.source, common)
        items.append(Item(article, "indirect", list(r.content), r, names, source_kind(source, names)))
    return items


# ---------------------------------------------------------------- crosswire


def run_crosswire(articles: list[Article], settings: Settings, nlp: Any, batch: int) -> list[str]:
    """Parse the articles ``batch`` at a time; reconcile each alone. Returns the skip reasons."""
    skipped: list[str] = []
    by_id = {a.id: a for a in articles}
    for first in range(0, len(articles), batch):
        chunk = articles[first : first + batch]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "polnear.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for a in chunk:
                    row = {"id": a.id, "title": a.title, "text": a.text}
                    row |= {"outlet": OUTLETS.get(a.meta.get("publisher", ""), a.meta.get("publisher"))}
                    row |= {"published": a.meta.get("publication_date"), "author": a.meta.get("author")}
                    out.write(json.dumps(row) + "\n")
            documents, errors = prepare([str(path)], settings, None, {})
            annotated = annotate_all(documents, settings, nlp, None, {}, errors)
        skipped += [f"{e.stage}: {e.reason}" for e in errors]
        for one in annotated:
            article = by_id[one.document.id]
            article.annotated = one
            article.body = one.document.body
            article.where = offset_map(article.text, article.body)
            article.dossier = reconcile([one], [], settings, {})
        print(f"  {min(first + batch, len(articles))}/{len(articles)} articles", file=sys.stderr, flush=True)
    return skipped


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


def crosswire_quotes(article: Article, items: list[Item]) -> int:
    """Match crosswire's quote mentions to the article's gold quotes; returns how many it predicted."""
    if article.dossier is None:
        return 0
    predicted = []  # (span in body, resolved name, speaker as written)
    for q in article.dossier.quotes:
        for m in q.mentions:
            predicted.append(((m.start, m.end), q.speaker_name, m.speaker_text))
    gold = [(i, i.body[0]) for i in items if i.body]
    found = match([g for _, g in gold], [p[0] for p in predicted], words_in(article.body))
    for g, p in found.items():
        span, name, written = predicted[p]
        said = " ".join(x for x in (name, written) if x) or None
        gold[g][0].crosswire = {"span": span, "speaker": said, "verdict": speaker_verdict(gold[g][0].names, said)}
    return len(predicted)


def mention_spans(article: Article) -> list[tuple[Span, Any]]:
    if article.annotated is None or article.dossier is None:
        return []
    starts = {s.id: s.start for s in article.annotated.document.sentences}
    out = []
    for claim in article.dossier.claims:
        for m in claim.mentions:
            end = m.end if m.end >= 0 else len(m.text)
            out.append(((starts[m.sentence] + m.start, starts[m.sentence] + end), m))
    return out


def inside(span: Span, region: list[Span]) -> float:
    size = span[1] - span[0]
    return sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in region) / size if size > 0 else 0.0


def crosswire_indirect(article: Article, items: list[Item], mentions: list[tuple[Span, Any]]) -> None:
    for item in items:
        if not item.body:
            continue
        mine = [m for span, m in mentions if inside(span, item.body) >= 0.5]
        if not mine:
            item.crosswire = {"covered": False}
            continue
        verdicts = [speaker_verdict(item.names, m.speaker_name) for m in mine]
        verdict = next((v for v in ("right", "wrong") if v in verdicts), "empty")
        speakers = sorted({m.speaker_name for m in mine if m.speaker_name})
        item.crosswire = {"covered": True, "verdict": verdict, "speakers": speakers, "clauses": [m.span for m in mine]}


# ---------------------------------------------------------------- baselines


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


# ---------------------------------------------------------------- scoring


def prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


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


def evaluate(articles: list[Article], split: str, settings: Settings, nlp: Any, args: Any) -> dict[str, Any]:
    started = time.perf_counter()
    common = common_words(articles)
    skipped = run_crosswire(articles, settings, nlp, args.batch)
    quotes: list[Item] = []
    indirect: list[Item] = []
    predicted = Counter()
    mention_counts: Counter[str] = Counter()
    for a in articles:
        items = gold_items(a, common)
        for item in items:
            item.body = [b for b in map(a.to_body, item.spans) if b]
        mine = [i for i in items if i.kind == "quote"]
        rest = [i for i in items if i.kind == "indirect"]
        predicted["crosswire"] += crosswire_quotes(a, mine)
        predicted["baseline"] += baseline_quotes(a, mine, common)
        mentions = mention_spans(a)
        crosswire_indirect(a, rest, mentions)
        baseline_indirect(a, rest, common)
        contents = [b for r in a.relations for b in map(a.to_body, r.content) if b]
        for span, m in mentions:
            where = "with speaker" if m.speaker_name else "without speaker"
            mention_counts[where] += 1
            mention_counts[f"{where} inside"] += any(inside(span, [c]) >= 0.5 for c in contents)
        quotes += mine
        indirect += rest
    result = {
        "articles": len(articles),
        "articles skipped by crosswire": len(skipped),
        "skip reasons": dict(Counter(r.split(" (")[0][:100] for r in skipped)),
        "relations": sum(len(a.relations) for a in articles),
        "direct quotes": score_quotes(quotes, predicted),
        "indirect attribution": score_indirect(indirect, mention_counts),
        "seconds": round(time.perf_counter() - started, 1),
    }
    if args.dump:
        with open(args.dump, "a", encoding="utf-8") as out:
            for item in quotes + indirect:
                row = {"split": split, "article": item.article.id, "kind": item.kind, "text": item.text}
                row |= {"source": item.source, "source kind": item.source_kind, "names": sorted(item.names)}
                row |= {"crosswire": item.crosswire, "baseline": item.baseline}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.show:
        show(quotes, indirect, args.show)
    return result


def show(quotes: list[Item], indirect: list[Item], n: int) -> None:
    for verdict in ("empty", "wrong"):
        bad = [q for q in quotes if q.source_kind == "named" and q.crosswire.get("verdict") == verdict][:n]
        print(f"\nquote speaker {verdict}:")
        for q in bad:
            print(f"  [{q.article.id[:30]}] gold {q.source!r}, crosswire {q.crosswire['speaker']!r}: {q.text[:100]}")
    for verdict in ("empty", "wrong"):
        bad = [i for i in indirect if i.source_kind == "named" and i.crosswire.get("verdict") == verdict][:n]
        print(f"\nindirect speaker {verdict}:")
        for i in bad:
            print(f"  [{i.article.id[:30]}] gold {i.source!r}, crosswire {i.crosswire['speakers']}: {i.text[:100]}")


def print_tables(split: str, r: dict[str, Any]) -> None:
    q, ind = r["direct quotes"], r["indirect attribution"]
    print(f"\n{split}: {r['articles']} articles, {r['relations']} relations, {r['seconds']} s;")
    print(f"  crosswire skipped {r['articles skipped by crosswire']} articles {r['skip reasons'] or ''}")
    print(f"direct quotes: {q['gold']} gold ({q['unmapped']} not on crosswire's body); sources {q['gold sources']}")
    print(f"  {'system':<10}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}   speaker right      empty       wrong")
    for system in ("crosswire", "baseline"):
        s = q[system]
        right, empty, wrong = s["speaker right"], s["speaker empty"], s["speaker wrong"]
        print(
            f"  {system:<10}{s['predicted']:>6}{s['p']:>7.3f}{s['r']:>7.3f}{s['f1']:>7.3f}   "
            f"{right['n']:>4}/{right['of']:<4} {right['share']:.3f}  {empty['share']:.3f}  {wrong['share']:.3f}"
        )
        unnamed = s["gold source without a name (not scored: no coreference in PolNeAR), speaker given"]
        print(f"  {'':<10}gold source without a name (not scored), speaker given: {unnamed}")
    print(f"indirect attribution: {ind['gold']} gold Contents without quote marks ({ind['unmapped']} unmapped);")
    print(f"  sources {ind['gold sources']}")
    print(
        f"  {'system':<10}{'coverage':>16}{'(1-3 w':>8}{'4+ w)':>7}   named source, covered: {'right':>13}"
        f"{'no speaker':>12}{'wrong':>7} | right of all named | anyone, covered"
    )
    for system in ("crosswire", "baseline"):
        s = ind[system]
        c, right = s["coverage"], s["named source: speaker right"]
        overall = s["named source: speaker right, of all gold with a named source"]
        short, long = s["coverage of Contents of 1-3 words"], s["coverage of Contents of 4+ words"]
        empty, wrong = s["named source: no speaker (outlet's own voice)"], s["named source: speaker wrong"]
        print(
            f"  {system:<10}{c['n']:>6}/{c['of']:<5} {c['share']:.3f}{short['share']:>8.3f}{long['share']:>7.3f}"
            f"   {'':>22}{right['n']:>4}/{right['of']:<4} {right['share']:.3f}{empty['share']:>12.3f}"
            f"{wrong['share']:>7.3f} | {overall['n']:>4}/{overall['of']:<4} {overall['share']:.3f} | "
            f"{s['any source: attributed to someone']['share']:.3f}"
        )
    both = ind["named source, Contents both systems cover: speaker right"]
    print(
        f"  named source, Contents both cover ({both['crosswire']['of']}): speaker right crosswire "
        f"{both['crosswire']['share']:.3f}, baseline {both['baseline']['share']:.3f}"
    )
    cw = ind["crosswire"]
    inside_share = cw["mentions with a speaker inside a gold Content"]
    print(
        f"  crosswire mentions with a speaker: {cw['mentions with a speaker']}, "
        f"{inside_share['share']:.3f} of them inside a gold Content; without a speaker: "
        f"{cw['mentions without a speaker inside a gold Content']['share']:.3f} inside one"
    )


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("train", "dev", "both"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each split")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--batch", type=int, default=30, help="articles per pile given to prepare/annotate")
    parser.add_argument("--show", type=int, default=0, help="print N failures of each kind (article text)")
    parser.add_argument(
        "--dump", type=Path, default=None, help="write scored items with text as JSONL (not in the repo)"
    )
    args = parser.parse_args()
    if not (args.data / "metadata.tsv").is_file():
        print(f"no PolNeAR data in {args.data}: pass --data", file=sys.stderr)
        return 2
    if args.dump:
        args.dump.write_text("", encoding="utf-8")
    settings = Settings(progress=False, workers=1)
    nlp = load_pipeline(settings.spacy_model)
    splits = ["dev", "train"] if args.split == "both" else [args.split]
    results = {}
    for split in splits:
        articles, doubled = load(args.data, split, args.limit)
        result = evaluate(articles, split, settings, nlp, args)
        result["articles with more than one annotator (first used)"] = doubled
        print_tables(split, result)
        results[split] = result
    if args.limit is None:
        out = json.loads(RESULT.read_text(encoding="utf-8")) if RESULT.is_file() else {}
        out |= {"benchmark": "PolNeAR attribution", "data": f"networkdynamics/PolNeAR @ {SOURCE_COMMIT}"}
        for split, result in results.items():
            command = f"python benchmarks/polnear_attribution.py --split {split}"
            out[split] = {"crosswire": f"{version()} @ {commit()}", "date": date.today().isoformat()}
            out[split] |= {"command": command, **result}
        RESULT.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {RESULT}")
    else:
        print("\n(--limit given: results not written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
