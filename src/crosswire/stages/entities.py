"""Resolve entities across documents: merge spelling and transliteration variants, surname-only
mentions and organisation name variants; fix types by majority; keep apart people who only share a
first name or whose surname alone is ambiguous in the story. Each merge keeps its reason."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from crosswire.models import Annotated, Entity, EntityMention
from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._order import document_rank

TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sir|dame|lt|gen|col|maj|capt|sgt|adm|rev|president|prime minister|minister|"
    r"premier|chancellor|senator|sen|rep|governor|gov|mayor|judge|general|colonel|king|queen|prince|princess)\.?\s+)+",
    re.I,
)
ORG_WORDS = frozenset(
    [
        "group",
        "company",
        "corporation",
        "corp",
        "inc",
        "ltd",
        "party",
        "association",
        "union",
        "ministry",
        "department",
        "agency",
        "council",
        "committee",
        "office",
        "service",
        "services",
        "army",
        "forces",
        "force",
        "movement",
        "front",
        "organisation",
        "organization",
        "institute",
        "foundation",
        "bank",
        "court",
        "news",
        "network",
        "channel",
    ]
)
# "pro-NATO", "US-backed": a name made into an adjective describes something; it is no entity.
_ADJECTIVAL = re.compile(r"^(?:pro|anti|non)-|-(?:backed|led|based|style|born|owned|funded|run|made|allied)$", re.I)
_DEMONYM_ENDINGS = ("an", "ese", "ish", "i")  # Lestovian, Japanese, Danish, Iraqi
# Last words of newspaper names, in the languages whose papers the news cites most.
MEDIA_WORDS = frozenset(
    ["times", "post", "journal", "herald", "tribune", "gazette", "gazeta", "zeitung", "chronicle", "telegraph"]
    + ["observer", "guardian", "daily", "courier", "courant", "dispatch", "mirror", "express", "monitor", "diario"]
)
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|from|near|across|outside|inside|into|towards?|around|of the (?:city|town|port|region) of)"
    r"(?:\s+the)?\s*$",
    re.I,
)
_ORG_STOP = frozenset({"the", "of", "and", "for", "&"})
# Transliteration folds applied in order to a lowercase ASCII name (general Latin-script romanisation variants).
_FOLDS = (
    (r"^ye", "e"),
    (r"^yu", "ju"),
    (r"^ju", "ju"),
    (r"^j", "y"),
    (r"x", "ks"),
    (r"iy(a?)", r"i\1"),
    (r"yi", "i"),
    (r"y\b", "i"),
    (r"ij\b", "i"),
    (r"kh", "h"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"ck", "k"),
    (r"(.)\1", r"\1"),
    (r"([^aeiou])er\b", r"\1r"),
    (r"y", "i"),
)

# spaCy's labels split evenly between two kinds: the earlier here wins, so the type never depends on
# which document came first. Places lead: an even split between a place and a person or organisation
# has been a mis-tagged place ('Kiev', 'Bakhmut' in the reference corpus).
_LABEL_ORDER = ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "EVENT")
_LABEL_PRIORITY = {label: n for n, label in enumerate(_LABEL_ORDER)}


@dataclass(slots=True)
class _Surface:
    text: str
    labels: Counter[str]
    mentions: list[EntityMention]


def resolve_entities(annotated: Sequence[Annotated]) -> tuple[Entity, ...]:
    """Cluster every entity mention of the story into entities with aliases, type and merge reasons."""
    surfaces: dict[str, _Surface] = {}
    for doc in annotated:
        for mention in doc.entities:
            name = strip_title(mention.text)
            if not name or _ADJECTIVAL.search(name):
                continue
            key = _fold(name)
            if not key or not key.strip("-"):
                continue  # nothing left of the name once punctuation is folded away
            surface = surfaces.setdefault(key, _Surface(name, Counter(), []))
            surface.labels[mention.label] += 1
            surface.mentions.append(mention)
    sets = DisjointSet(surfaces)
    find = sets.find
    reasons: dict[str, list[str]] = defaultdict(list)

    def union(a: str, b: str, reason: str) -> None:
        if (merged := sets.union(a, b)) is not None:
            ra, rb = merged
            reasons[ra].extend([reason, *reasons.pop(rb, [])])

    texts = {(a.document.id, sentence.id): sentence.text for a in annotated for sentence in a.document.sentences}
    for key, reason in _retype_surfaces(surfaces, texts).items():
        reasons[key].append(reason)
    surnames = {key.split()[-1] for key, s in surfaces.items() if _is_person(s, surfaces) and len(key.split()) == 1}
    people = [
        k for k, s in surfaces.items() if len(k.split()) >= 2 and (_is_person(s, surfaces) or k.split()[-1] in surnames)
    ]
    _merge_full_names(people, surfaces, union)
    _merge_surnames(people, surfaces, find, union)
    _merge_place_short_forms(surfaces, union)
    _merge_organisations(surfaces, union)
    _merge_short_forms(surfaces, find, union)
    clusters: dict[str, list[str]] = defaultdict(list)
    for key in surfaces:
        clusters[find(key)].append(key)
    lowercase = Counter(w for text in texts.values() for w in re.findall(r"\b[a-z][a-z-]+\b", text))
    rank = document_rank([a.document for a in annotated])
    entities = []
    for root, members in clusters.items():
        entity = _entity(members, surfaces, reasons.get(root, []), rank)
        if _common_word(entity, lowercase):
            continue
        entities.append(_retype_places(entity, texts))
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    return tuple(Entity(f"e{i + 1}", e.name, e.type, e.aliases, e.mentions, e.merges) for i, e in enumerate(entities))


def strip_title(name: str) -> str:
    """A name without honorifics and job titles ('Ms Marchenko' -> 'Marchenko')."""
    stripped = TITLES.sub("", name.strip())
    return stripped if stripped else name.strip()


def _fold(name: str) -> str:
    """Case-, accent- and quote-insensitive key of a name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", "", ascii_name.lower())).strip()


def translit_key(token: str) -> str:
    """Fold romanisation variants of one name together: Yevgeny/Evgeny, Yulia/Julia/Yuliya, Sergei/Sergey."""
    key = token
    for pattern, replacement in _FOLDS:
        key = re.sub(pattern, replacement, key)
    return key


def _is_person(surface: _Surface, surfaces: dict[str, _Surface]) -> bool:
    """Mostly labelled a person: one PERSON label among many GPE labels does not make 'South Sudan' a name."""
    return surface.labels["PERSON"] * 2 >= sum(surface.labels.values())


def _is_place(surface: _Surface) -> bool:
    return _top_label(surface.labels) in ("GPE", "LOC", "FAC", "NORP")


def _retype_surfaces(surfaces: dict[str, _Surface], texts: dict[tuple[str, str], str]) -> dict[str, str]:
    """Fix spaCy's type from the name's own words and its contexts, before names are merged (a merge
    needs both names to be places, or both people): a one-word 'person' mostly written after 'in',
    'at', 'to', 'from' is a place, unless it is the surname of a person named in full; a 'person'
    whose last word is a newspaper word ('Gazeta Polska', 'The Daily Times') is an organisation.
    Returns the reason for each surface retyped."""
    full_names = {k.split()[-1] for k, s in surfaces.items() if len(k.split()) > 1 and _is_person(s, surfaces)}
    places = [k for k, s in surfaces.items() if len(k.split()) == 1 and _top_label(s.labels) in ("GPE", "LOC")]
    coordinated = _coordinated_types(surfaces, texts)
    reasons = {}
    for key, surface in surfaces.items():
        label, total = _top_label(surface.labels), sum(surface.labels.values())
        words = key.split()
        place = _demonym_of(key, places) if label in ("GPE", "LOC", "ORG") and len(words) == 1 else None
        if place is not None:
            surface.labels = Counter({"NORP": total})
            reasons[key] = f"{surface.text}: typed as a nationality: the adjective of {surfaces[place].text}"
        elif label == "PERSON" and len(words) == 1 and key not in full_names and key in coordinated:
            surface.labels = Counter({coordinated[key]: total})
            reasons[key] = f"{surface.text}: typed like the name it is coordinated with ('the X and Y Councils')"
        elif label == "PERSON" and len(words) > 1 and words[-1] in MEDIA_WORDS:
            surface.labels = Counter({"ORG": total})
            reasons[key] = f"{surface.text}: typed as an organisation: its last word names a newspaper"
        elif label in ("PERSON", "ORG") and len(words) == 1 and key not in full_names:
            before = [texts.get((m.doc, m.sentence), "")[: m.start] for m in surface.mentions]
            located = sum(1 for text in before if _LOCATIVE.search(text))
            if located and located * 2 >= len(surface.mentions):
                surface.labels = Counter({"GPE": total})
                reasons[key] = (
                    f"{surface.text}: typed as a place: {located} of {len(surface.mentions)} mentions "
                    "follow in/at/to/from/near"
                )
    return reasons


def _demonym_of(key: str, places: list[str]) -> str | None:
    """The place whose adjective ``key`` is ("lestovian" of "lestovia", "japanese" of "japan")."""
    if not key.endswith(_DEMONYM_ENDINGS):
        return None
    for place in places:
        if len(place) < 4 or len(key) <= len(place):
            continue
        shared = len(os.path.commonprefix([key, place]))
        if shared >= 4 and shared >= len(place) - 2 and len(key) - shared <= 4:
            return place
    return None


def _coordinated_types(surfaces: dict[str, _Surface], texts: dict[tuple[str, str], str]) -> dict[str, str]:
    """One-word 'people' every mention of which is followed by "and" and a named organisation or place
    ("the Orlevo and Sarnovo People's Councils"): the two are one kind of thing."""
    starts: dict[tuple[str, str, int], str] = {}
    for surface in surfaces.values():
        label = _top_label(surface.labels)
        if label in ("ORG", "GPE", "LOC"):
            for m in surface.mentions:
                starts[(m.doc, m.sentence, m.start)] = label
    found = {}
    for key, surface in surfaces.items():
        if len(key.split()) != 1 or _top_label(surface.labels) != "PERSON":
            continue
        kinds = set()
        for m in surface.mentions:
            after = texts.get((m.doc, m.sentence), "")[m.end :]
            kinds.add(starts.get((m.doc, m.sentence, m.end + 5)) if after.startswith(" and ") else None)
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is not None:
            found[key] = kind
    return found


def _merge_full_names(people: list[str], surfaces: dict[str, _Surface], union) -> None:  # type: ignore[no-untyped-def]
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key in people:
        by_surname[translit_key(key.split()[-1])].append(key)
    for keys in by_surname.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                first_a, first_b = translit_key(a.split()[0]), translit_key(b.split()[0])
                if _same_first_name(first_a, first_b):
                    union(
                        a,
                        b,
                        f"{surfaces[b].text} = {surfaces[a].text}: same surname, first names are spelling variants",
                    )


def _same_first_name(a: str, b: str) -> bool:
    """Spelling variants (Yevgeny/Evgeny), an initial (M./Mark) or a short form (Fred/Frederick)."""
    a, b = a.rstrip("."), b.rstrip(".")
    if a == b or fuzz.ratio(a, b) >= 85:
        return True
    short, long = sorted((a, b), key=len)
    return (len(short) == 1 or len(short) >= 3) and long.startswith(short)


def _merge_surnames(people: list[str], surfaces: dict[str, _Surface], find, union) -> None:  # type: ignore[no-untyped-def]
    by_surname: dict[str, list[str]] = defaultdict(list)
    for person in people:
        by_surname[translit_key(person.split()[-1])].append(person)
    plain_surnames = {p.split()[-1] for p in people}
    for key, surface in surfaces.items():
        # Any type but a place: spaCy calls a lone surname a nationality or an organisation at times.
        place = _top_label(surface.labels) in ("GPE", "LOC", "FAC")
        if len(key.split()) != 1 or place or not (_is_person(surface, surfaces) or key in plain_surnames):
            continue
        owners = {find(p) for p in by_surname.get(translit_key(key), ())}
        if len(owners) == 1:
            owner = owners.pop()
            union(owner, key, f"{surface.text}: surname of {surfaces[owner].text}, unambiguous in this story")


def _merge_place_short_forms(surfaces: dict[str, _Surface], union) -> None:  # type: ignore[no-untyped-def]
    """'Stratford' is 'Stratford-upon-Avon' when the story has one such place and no person of that surname,
    whatever type spaCy gave the short form (it takes the place's type)."""
    full_names = {k.split()[-1] for k, s in surfaces.items() if len(k.split()) > 1 and _is_person(s, surfaces)}
    places: dict[str, list[str]] = defaultdict(list)
    for key, surface in surfaces.items():
        if "-" in key and " " not in key and _top_label(surface.labels) in ("GPE", "LOC", "FAC"):
            places[key.split("-")[0]].append(key)
    for short, longs in places.items():
        if len(longs) != 1 or short not in surfaces or short in full_names:
            continue
        place, surface = longs[0], surfaces[short]
        surface.labels = Counter({_top_label(surfaces[place].labels): sum(surface.labels.values())})
        union(place, short, f"{surface.text}: short form of {surfaces[place].text}, the only place it fits")


def _org_key(key: str) -> str:
    return " ".join(sorted(translit_key(t).replace("c", "s") for t in key.split() if t not in _ORG_STOP))


def _merge_organisations(surfaces: dict[str, _Surface], union) -> None:  # type: ignore[no-untyped-def]
    orgs = [k for k, s in surfaces.items() if _top_label(s.labels) in ("ORG", "FAC", "GPE", "LOC")]
    keys = {k: _org_key(k) for k in orgs}
    # Only names that could match are compared: same first word (short forms, "Rostov"/"Rostov-on-Don")
    # or same first word of the sorted, spelling-folded key (word-order and spelling variants).
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in orgs:
        if not keys[key]:
            continue
        blocks["w:" + key.split()[0].split("-")[0]].append(key)
        blocks["k:" + keys[key].split()[0]].append(key)
    pairs = {(a, b) for block in blocks.values() for a in block for b in block if a < b}
    for a, b in sorted(pairs):
        ta, tb = a.split(), b.split()
        if len(ta) == 1 == len(tb) and (_head_of(ta[0], tb) or _head_of(tb[0], ta)):
            longer, shorter = (b, a) if len(b) > len(a) else (a, b)
            union(longer, shorter, f"{surfaces[shorter].text}: short form of {surfaces[longer].text}")
        elif len(ta) > 1 and len(tb) > 1 and fuzz.ratio(keys[a], keys[b]) >= 92:
            union(a, b, f"{surfaces[b].text} = {surfaces[a].text}: same words, spelling variant")
        elif len(ta) == 1 < len(tb) and _head_of(ta[0], tb):
            union(b, a, f"{surfaces[a].text}: short form of {surfaces[b].text}")
        elif len(tb) == 1 < len(ta) and _head_of(tb[0], ta):
            union(a, b, f"{surfaces[b].text}: short form of {surfaces[a].text}")


def _merge_short_forms(surfaces: dict[str, _Surface], find, union) -> None:  # type: ignore[no-untyped-def]
    """'Colts' is 'Indianapolis Colts' and 'AMD' is 'Advanced Micro Devices' when only one name fits."""
    long_names = [
        k for k, s in surfaces.items() if len(k.split()) > 1 and not _is_person(s, surfaces) and not _is_place(s)
    ]
    owners: dict[str, set[str]] = defaultdict(set)
    for key in long_names:
        tokens = [t for t in key.split() if t not in _ORG_STOP]
        if tokens and tokens[-1] not in ORG_WORDS:
            owners[tokens[-1]].add(key)
        if len(tokens) >= 2:
            owners["".join(t[0] for t in tokens)].add(key)
    for key, surface in surfaces.items():
        if len(key.split()) != 1 or key in ORG_WORDS or _is_person(surface, surfaces) or _is_place(surface):
            continue
        roots = {find(k) for k in owners.get(key, ())}
        if len(roots) == 1 and find(key) not in roots:
            root = roots.pop()
            union(root, key, f"{surface.text}: short form of {surfaces[root].text}, the only name it fits")


def _head_of(token: str, tokens: list[str]) -> bool:
    """'wagner' is the short form of 'wagner group'; 'rostov' of 'rostov-on-don'."""
    if len(tokens) >= 2 and tokens[0] == token and all(t in ORG_WORDS for t in tokens[1:]):
        return True
    return len(tokens) == 1 and tokens[0].startswith(token + "-")


def _common_word(entity: Entity, lowercase: Counter[str]) -> bool:
    """A one-word 'entity' the story also writes in lower case, and capitalises only at the start of a
    sentence, is a common noun ('Diesel has run out')."""
    words = entity.name.split()
    return (
        len(words) == 1
        and lowercase[words[0].lower()] >= len(entity.mentions)
        and all(m.start == 0 for m in entity.mentions)
    )


def _retype_places(entity: Entity, texts: dict[tuple[str, str], str]) -> Entity:
    """A one-word 'person' or 'organisation' mostly written after 'in', 'at', 'to', 'from' is a place."""
    if entity.type not in ("PERSON", "ORG") or any(len(alias.split()) > 1 for alias in entity.aliases):
        return entity
    located = sum(1 for m in entity.mentions if _LOCATIVE.search(texts.get((m.doc, m.sentence), "")[: m.start]))
    if located * 2 < len(entity.mentions) or located == 0:
        return entity
    reason = f"typed as a place: {located} of {len(entity.mentions)} mentions follow in/at/to/from/near"
    return Entity(entity.id, entity.name, "GPE", entity.aliases, entity.mentions, (*entity.merges, reason))


def _top_label(labels: Counter[str]) -> str:
    """The most frequent label; a tie goes by ``_LABEL_PRIORITY``, never by the first mention."""
    last = len(_LABEL_PRIORITY)
    return max(labels, key=lambda label: (labels[label], -_LABEL_PRIORITY.get(label, last), label))


def _entity(
    members: list[str],
    surfaces: dict[str, _Surface],
    merges: list[str],
    rank: dict[str, int],
) -> Entity:
    labels: Counter[str] = Counter()
    mentions: list[EntityMention] = []
    forms: Counter[str] = Counter()
    for key in members:
        labels.update(surfaces[key].labels)
        mentions.extend(surfaces[key].mentions)
        forms.update(strip_title(m.text) for m in surfaces[key].mentions)
    label = _top_label(labels)
    person_merge = any("surname of" in m or "first names are" in m for m in merges)
    if (label == "FAC" and labels["PERSON"]) or person_merge:
        label = "PERSON"
    name = max(forms, key=lambda f: (len(f.split()) > 1, forms[f], len(f), f))
    # In document order (by content, never by id), then sentence and offset.
    mentions.sort(key=lambda m: (rank.get(m.doc, -1), _sentence_number(m.sentence), m.start))
    aliases = tuple(sorted({m.text for m in mentions}))
    return Entity(
        "",
        name,
        label if label in ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC") else "OTHER",
        aliases,
        tuple(mentions),
        tuple(merges),
    )


def _sentence_number(sentence: str) -> int:
    return int(sentence[1:]) if sentence[1:].isdigit() else 0


def entity_lookup(entities: Sequence[Entity]) -> dict[str, str]:
    """Folded surface form -> entity id, for resolving speakers named in the text."""
    lookup: dict[str, str] = {}
    surname_owner: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for alias in entity.aliases:
            lookup.setdefault(_fold(strip_title(alias)), entity.id)
        if entity.type == "PERSON" and len(entity.name.split()) > 1:
            surname_owner[translit_key(_fold(entity.name).split()[-1])].add(entity.id)
    for surname, owners in surname_owner.items():
        if len(owners) == 1:
            lookup.setdefault(surname, next(iter(owners)))
    return lookup


def find_entity(lookup: dict[str, str], name: str | None) -> str | None:
    """The entity id a speaker name refers to, or None if it names no single entity."""
    if not name:
        return None
    key = _fold(strip_title(name))
    if key in lookup:
        return lookup[key]
    last = key.split()[-1] if key else ""
    return lookup.get(translit_key(last)) if len(key.split()) > 1 and key.split()[0] not in lookup else None


_MEDIA_NOUNS = frozenset(["paper", "newspaper", "daily", "weekly", "tabloid", "publication", "outlet"])


class Describer:
    """Finds who a description names ("the paper", "the interior minister"), where the document leaves
    one choice: "the paper" is the newspaper it last named; "the interior minister" the one person it
    has named who is written, somewhere in the story, right after those words ("Interior Minister
    Tomas Reiter")."""

    def __init__(self, annotated: Sequence[Annotated], entities: Sequence[Entity]) -> None:
        lookup = entity_lookup(entities)
        self.types = {e.id: e.type for e in entities}
        texts = {(a.document.id, s.id): s.text for a in annotated for s in a.document.sentences}
        self.order = {(a.document.id, s.id): n for a in annotated for n, s in enumerate(a.document.sentences)}
        self.titles: dict[str, list[set[str]]] = defaultdict(list)  # person -> words just before each mention
        # doc -> (sentence, offset, entity id or None, name) of each entity or speaker it names, in order
        self.named: dict[str, list[tuple[int, int, str | None, str]]] = defaultdict(list)
        for entity in entities:
            for m in entity.mentions:
                before = texts.get((m.doc, m.sentence), "")[max(0, m.start - 40) : m.start].lower()
                self.titles[entity.id].append(set(re.findall(r"[a-z]+", before)))
                at = self.order.get((m.doc, m.sentence), 0)
                self.named[m.doc].append((at, m.start, entity.id, entity.name))
        for a in annotated:  # a speaker named where spaCy found no entity ("The Daily Courier wrote")
            for info in a.info:
                if info.speaker_text:
                    at = self.order.get((a.document.id, info.sentence), 0)
                    found = find_entity(lookup, info.speaker_text)
                    name = re.sub(r"^(?:the|The)\s+", "", info.speaker_text)
                    self.named[a.document.id].append((at, -1, found, name))

    def find(self, description: str | None, doc: str, sentence: str) -> tuple[str | None, str | None]:
        """(entity id, None) for whom the description names, or (None, name as written) for a newspaper
        spaCy did not tag; (None, None) when the description is no "the ..." phrase, or none or
        several fit."""
        words = re.findall(r"[a-z]+", (description or "").lower())
        if not 2 <= len(words) <= 4 or words[0] != "the":
            return None, None
        head, modifiers = words[-1], words[1:-1]
        limit = self.order.get((doc, sentence), 1 << 30)
        named = [n for n in self.named.get(doc, []) if n[0] < limit or (n[0] == limit and n[1] >= 0)]
        if head in _MEDIA_NOUNS:
            papers = [n for n in named if _is_paper(n[3]) and (n[2] is None or self.types.get(n[2]) == "ORG")]
            if not papers:
                return None, None
            _, _, entity, name = max(papers, key=lambda n: n[:2])
            return (entity, None) if entity else (None, name)
        fits = {
            entity
            for _, _, entity, _ in named
            if entity is not None
            and self.types.get(entity) == "PERSON"
            and any(head in before and all(w in before for w in modifiers) for before in self.titles[entity])
        }
        return (fits.pop(), None) if len(fits) == 1 else (None, None)


def _is_paper(name: str) -> bool:
    return bool(name) and name.lower().split()[-1] in MEDIA_WORDS
