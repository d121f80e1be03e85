"""PolNeAR's gold as polnear_attribution.py scores it: BRAT attributions (Source, Cue, Content) of each
article, and the direct quotes and indirect contents drawn from them, with their sources' name words
(../shared/eval-data/polnear, see its SOURCE.md; research use only, no article text is written here)."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from crosswire.models import Annotated, Dossier

WORD = re.compile(r"\w+(?:['’]\w+)*")
QUOTE_CHARS = '“”"'


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
