"""ECB+ as the benchmarks read it: documents, gold entity mentions, detokenised text and spaCy heads; and
ecbplus_entities.py's error analysis of crosswire's entity clusters (name parts, mention pairs).

The loader and detokeniser are also used by the claim-matching benchmarks (event mentions, through
_piles.py). The release is ../shared/eval-data/ecbplus (see its SOURCE.md)."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from _coref import score

# ECB+ entity mention tags (TIME_* left out: crosswire resolves times in its timeline stage, not here)
# and the crosswire label each one is given.
LABELS = {
    "HUMAN_PART_PER": "PERSON",
    "HUMAN_PART_GENERIC": "PERSON",
    "HUMAN_PART": "PERSON",
    "HUMAN_PART_ORG": "ORG",
    "HUMAN_PART_MET": "ORG",  # metonymy: 'Hollywood', 'Washington' standing for an organisation
    "HUMAN_PART_GPE": "GPE",
    "HUMAN_PART_FAC": "LOC",
    "HUMAN_PART_VEH": "OTHER",
    "NON_HUMAN_PART": "OTHER",
    "NON_HUMAN_PART_GENERIC": "OTHER",
    "LOC_GEO": "GPE",
    "LOC_FAC": "LOC",
    "LOC_OTHER": "LOC",
}


# ECB+ location spans start with their preposition ('in Queens'); no NER span does, so it is dropped.
LEADING_PREPOSITIONS = frozenset(
    {
        "in",
        "at",
        "on",
        "from",
        "to",
        "near",
        "between",
        "of",
        "into",
        "inside",
        "outside",
        "across",
        "through",
        "throughout",
        "around",
        "within",
        "towards",
        "toward",
        "by",
        "over",
        "under",
        "off",
        "onto",
        "along",
        "beyond",
        "behind",
        "beside",
    }
)


POSSESSIVES = frozenset({"'s", "'", "\u2019s", "\u2019"})


NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", "''", ")", "]", "%", "n't", "'re", "'ve", "'ll", "'d", "'m"})


NO_SPACE_AFTER = frozenset({"``", "(", "[", "$"})


@dataclass
class Mention:
    id: str
    topic: str
    doc: str
    sentence: int
    first: int  # token numbers (within the sentence) of the trimmed span
    last: int
    tag: str
    chain: str
    start: int = 0  # character offsets into the detokenised sentence
    end: int = 0
    text: str = ""
    head_lemma: str = ""
    head_pos: str = ""
    name_like: bool = False
    ner_first: int = 0
    ner_last: int = 0

    @property
    def label(self) -> str:
        return LABELS[self.tag]


@dataclass
class DocData:
    name: str
    topic: str
    path: str
    sentences: dict[int, list[str]]
    texts: dict[int, str]
    offsets: dict[int, list[tuple[int, int]]]
    annotated: tuple[int, ...]  # the sentences listed in ECBplus_coreference_sentences.csv


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join ECB+ tokens into readable text ('Lohan' "'s" -> "Lohan's", 'T' '-' 'Mobile' -> 'T-Mobile')."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    prev = None
    for tok in tokens:
        glue = prev is None or tok in NO_SPACE_BEFORE or tok in POSSESSIVES or tok == "-" or prev == "-"
        glue = glue or prev in NO_SPACE_AFTER
        if not glue:
            parts.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
        prev = tok
    return "".join(parts), offsets


def load(data: Path) -> tuple[list[DocData], list[Mention], Counter[str]]:
    selected: set[tuple[str, str, int]] = set()
    with open(data / "ECBplus_coreference_sentences.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            selected.add((row["Topic"], f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])))
    docs: list[DocData] = []
    mentions: list[Mention] = []
    stats: Counter[str] = Counter()
    for path in sorted((data / "ECB+").glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name)):
        root = ET.parse(path).getroot()
        name, topic = path.stem, path.parent.name
        tokens: dict[str, tuple[int, int]] = {}
        sentences: dict[int, list[str]] = defaultdict(list)
        for tok in root.iter("token"):
            s, n = int(tok.get("sentence")), int(tok.get("number"))
            tokens[tok.get("t_id")] = (s, n)
            sentences[s].append((n, tok.text or ""))
        sentences = {s: [t for _, t in sorted(toks)] for s, toks in sorted(sentences.items())}
        texts, offsets = {}, {}
        for s, toks in sentences.items():
            texts[s], offsets[s] = detokenise(toks)
        chosen = tuple(s for s in sentences if (topic, name, s) in selected)
        docs.append(DocData(name, topic, str(path), sentences, texts, offsets, chosen))

        chain: dict[str, str] = {}
        for rel in root.find("Relations"):
            # CROSS_DOC_COREF: an instance of the topic; INTRA_DOC_COREF: a chain inside this document only
            cross = rel.tag == "CROSS_DOC_COREF"
            cid = f"{topic}:{rel.get('note')}" if cross else f"{name}:intra:{rel.get('r_id')}"
            for src in rel.findall("source"):
                chain[src.get("m_id")] = cid
        seen: set[tuple[int, tuple[int, ...]]] = set()
        for mark in root.find("Markables"):
            anchors = [a.get("t_id") for a in mark.findall("token_anchor")]
            if not anchors or mark.tag not in LABELS:  # descriptors have no anchors; events/times skipped
                continue
            sents = {tokens[a][0] for a in anchors}
            s = min(sents)
            if (topic, name, s) not in selected:
                continue
            stats["gold mentions in annotated sentences"] += 1
            if len(sents) > 1:
                stats["skipped: span crosses sentences"] += 1
                continue
            nums = sorted(tokens[a][1] for a in anchors)
            if (s, tuple(nums)) in seen:
                stats["skipped: duplicate span"] += 1
                continue
            seen.add((s, tuple(nums)))
            if nums[-1] - nums[0] + 1 != len(nums):
                stats["discontinuous span (first..last token used)"] += 1
            first, last = nums[0], nums[-1]
            words = sentences[s]
            if last > first and words[first].lower() in LEADING_PREPOSITIONS:
                first += 1
                stats["leading preposition dropped"] += 1
            if last > first and words[last] in POSSESSIVES:
                last -= 1
                stats["trailing possessive dropped"] += 1
            mid = mark.get("m_id")
            m = Mention(f"{name}#{mid}", topic, name, s, first, last, mark.tag, chain.get(mid, f"{name}:single:{mid}"))
            m.start, m.end = offsets[s][first][0], offsets[s][last][1]
            m.text = texts[s][m.start : m.end]
            mentions.append(m)
    return docs, mentions, stats


def add_heads(docs: list[DocData], mentions: list[Mention]) -> str:
    """Parse the gold tokenisation with crosswire's spaCy model: each mention's head (lemma, POS,
    name-likeness) and the spaCy NER entity around the head, clipped to the gold span."""
    import spacy
    from spacy.tokens import Doc

    from crosswire.settings import load_settings  # the model crosswire itself is configured with

    model = load_settings().spacy_model
    nlp = spacy.load(model)
    by_sentence: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_sentence[(m.doc, m.sentence)].append(m)
    keys = sorted(by_sentence)
    words = {d.name: d.sentences for d in docs}
    parsed = nlp.pipe(Doc(nlp.vocab, words=words[doc][s]) for doc, s in keys)
    for key, sdoc in zip(keys, parsed, strict=True):
        for m in by_sentence[key]:
            head = sdoc[m.first : m.last + 1].root
            m.head_lemma = (head.lemma_ or head.text).lower()
            m.head_pos = head.pos_
            m.name_like = head.pos_ == "PROPN" and head.text[:1].isupper()
            m.ner_first, m.ner_last = m.first, m.last
            for ent in sdoc.ents:
                if ent.start <= head.i < ent.end:
                    m.ner_first, m.ner_last = max(m.first, ent.start), min(m.last, ent.end - 1)
    return model


def ner_spans(docs: list[DocData], mentions: list[Mention]) -> list[Mention]:
    """Copies of the mentions whose text is the spaCy entity around the head (inside the gold span):
    'defensive tackle Jamal Williams' -> 'Jamal Williams', as crosswire's annotate stage would see it."""
    offsets = {d.name: d.offsets for d in docs}
    texts = {d.name: d.texts for d in docs}
    out = []
    for m in mentions:
        c = replace(m, first=m.ner_first, last=m.ner_last)
        c.start, c.end = offsets[m.doc][m.sentence][c.first][0], offsets[m.doc][m.sentence][c.last][1]
        c.text = texts[m.doc][m.sentence][c.start : c.end]
        out.append(c)
    return out


def _fold_tokens(text: str) -> list[str]:
    from crosswire.stages._names import fold as _fold
    from crosswire.stages._names import strip_title

    return _fold(strip_title(text)).split()


def name_part_analysis(mentions: list[Mention], key: dict[str, str], resp: dict[str, str]) -> dict:
    """How crosswire treats one-word person mentions whose gold chain holds a full name: first names
    (kept apart by design) and surnames (merged only when one person in the story has that surname).
    Also the score if each such mention were put, by an oracle, into the cluster of its full name."""
    from crosswire.stages._names import translit_key

    by_topic: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_topic[m.topic].append(m)
    result: dict[str, dict] = {}
    moves: dict[str, dict[str, str]] = {"first_name": {}, "surname": {}}
    tally: dict[str, Counter] = {"first_name": Counter(), "surname": Counter()}
    for ms in by_topic.values():
        full = [(m, _fold_tokens(m.text)) for m in ms if m.label == "PERSON" and len(_fold_tokens(m.text)) >= 2]
        by_chain: dict[str, list[tuple[Mention, list[str]]]] = defaultdict(list)
        for m, toks in full:
            by_chain[key[m.id]].append((m, toks))
        for m in ms:
            toks = _fold_tokens(m.text)
            if m.label != "PERSON" or len(toks) != 1 or not by_chain.get(key[m.id]):
                continue
            names = by_chain[key[m.id]]
            word = translit_key(toks[0])
            if any(translit_key(t[-1]) == word for _, t in names):
                kind = "surname"
            elif any(translit_key(t[0]) == word for _, t in names):
                kind = "first_name"
            else:
                continue
            mates = [x for x in ms if key[x.id] == key[m.id] and x.id != m.id]
            missed = sum(1 for x in mates if resp[x.id] != resp[m.id])
            attached = any(resp[f.id] == resp[m.id] for f, _ in names)
            c = tally[kind]
            c["mentions"] += 1
            c["attached_to_their_full_name"] += attached
            c["gold_links_missed"] += missed
            c["gold_links"] += len(mates)
            if not attached and kind == "surname":
                sharing = [(f, t) for f, t in full if translit_key(t[-1]) == word]
                if len({key[f.id] for f, _ in sharing}) > 1:
                    c["refused: 2+ gold people in the topic share the surname"] += 1
                elif len({resp[f.id] for f, _ in sharing}) > 1:
                    c["refused: one person's full names split into 2+ entities, so the surname looks ambiguous"] += 1
                else:
                    c["not attached: other reason"] += 1
            if not attached:
                target = Counter(resp[f.id] for f, _ in names).most_common(1)[0][0]
                moves[kind][m.id] = target
    for kind, c in tally.items():
        oracle = dict(resp)
        oracle.update(moves[kind])
        result[kind] = dict(c)
        result[kind]["oracle_attach_scores"] = {
            k: v for k, v in score(key, oracle).items() if k in ("muc", "b3", "ceafe", "conll")
        }
    return result


def pair_analysis(mentions: list[Mention], key: dict[str, str], resp: dict[str, str], base: dict[str, str]) -> dict:
    """Links (mention pairs) the system adds over a baseline, and how many of them are right; gold
    links the system misses, by kind of the two mentions (name / nominal / pronoun)."""

    def kind(m: Mention) -> str:
        return "name" if m.name_like else "pronoun" if m.head_pos == "PRON" else "nominal"

    by_topic: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_topic[m.topic].append(m)
    added = Counter()
    missed = Counter()
    wrong = Counter()
    missed_forms: Counter[tuple[str, str]] = Counter()
    wrong_forms: Counter[tuple[str, str]] = Counter()
    for ms in by_topic.values():
        for a, b in combinations(ms, 2):
            gold = key[a.id] == key[b.id]
            linked = resp[a.id] == resp[b.id]
            if linked and base[a.id] != base[b.id]:
                added["right" if gold else "wrong"] += 1
            pair = "-".join(sorted((kind(a), kind(b))))
            forms = tuple(sorted((a.text, b.text)))
            if gold and not linked:
                missed[pair] += 1
                missed_forms[forms] += pair == "name-name"
            if linked and not gold:
                wrong[pair] += 1
                wrong_forms[forms] += pair == "name-name"
    return {
        "links_added_over_exact_match": dict(added),
        "gold_links_missed": dict(missed),
        "wrong_links": dict(wrong),
        "top_missed_name_pairs": [[a, b, n] for (a, b), n in missed_forms.most_common(15) if n],
        "top_wrong_name_pairs": [[a, b, n] for (a, b), n in wrong_forms.most_common(10) if n],
    }
