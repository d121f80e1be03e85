"""Resolve entities across documents: merge spelling and transliteration variants, surname-only
mentions and organisation name variants; fix types by majority; keep apart people who only share a
first name or whose surname alone is ambiguous in the story. Each merge keeps its reason."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from crosswire.models import Annotated, Entity, EntityMention
from crosswire.stages._disjoint import DisjointSet
from crosswire.stages._ids import numbered, slug
from crosswire.stages._memo import document_memo, kept_alike, story_memo
from crosswire.stages._names import MEDIA_WORDS, fold, strip_title, translit_key
from crosswire.stages._order import document_rank

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
_LOCATIVE = re.compile(
    r"\b(?:in|at|to|from|near|across|outside|inside|into|towards?|around|of the (?:city|town|port|region) of)"
    r"(?:\s+the)?\s*$",
    re.I,
)
_ORG_STOP = frozenset({"the", "of", "and", "for", "&"})

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
            key = fold(name)
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
    rank = document_rank([a.document for a in annotated])
    why = reasons.get
    found = [_entity(keys, surfaces, why(root, []), rank) for root, keys in clusters.items()]
    candidates = {word for e in found if (word := _common_word_candidate(e)) is not None}
    lowercase = _lowercase_counts(annotated, candidates)
    entities = [_retype_places(e, texts) for e in found if not _common_word(e, lowercase)]
    entities.sort(key=lambda e: (-len(e.mentions), e.name))
    ids = _stable_ids(entities, rank)
    pairs = zip(ids, entities, strict=True)
    return tuple(_made(key, e.name, e.type, e.aliases, e.mentions, e.merges) for key, e in pairs)


@kept_alike  # (the entities no new article names are the same objects at a desk's next add)
def _made(
    entity_id: str,
    name: str,
    label: str,
    aliases: tuple[str, ...],
    mentions: tuple[EntityMention, ...],
    merges: tuple[str, ...],
) -> Entity:
    return Entity(entity_id, name, label, aliases, mentions, merges)


def _stable_ids(entities: Sequence[Entity], rank: dict[str, int]) -> list[str]:
    """Each entity's id, made from its name ("e-yevgeny-prigozhin"): a number by rank ("e12") named
    another entity as soon as an article changed the counts, so a link or a note citing it pointed
    elsewhere in the next version. A name-made id holds while the entity's name holds; it moves when
    the name the story settles on changes ("Prigozhin" to "Yevgeny Prigozhin" once a fuller form is
    the better attested), and among look-alike names kept apart, which make one id, the one first
    mentioned (in the story's document order) keeps it and the next gets "-2", and so on: an article
    published earlier that brings a look-alike takes the bare id. Carrying ids over from the previous
    version would hold them through both, at the price of a version no longer equal to an analysis
    afresh; that is not done."""
    first = sorted(
        range(len(entities)),
        key=lambda i: (
            [(rank.get(m.doc, -1), _sentence_number(m.sentence), m.start) for m in entities[i].mentions[:1]],
            entities[i].name,
            entities[i].type,
        ),
    )
    ids = [""] * len(entities)
    for i, found in zip(first, numbered("e-" + slug(entities[i].name) for i in first), strict=True):
        ids[i] = found
    return ids


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
    # (by their first four letters: an adjective shares them)
    places: dict[str, list[str]] = defaultdict(list)
    for k, s in surfaces.items():
        if len(k.split()) == 1 and _top_label(s.labels) in ("GPE", "LOC"):
            places[k[:4]].append(k)
    coordinated = _coordinated_types(surfaces, texts)
    reasons = {}
    for key, surface in surfaces.items():
        label, total = _top_label(surface.labels), sum(surface.labels.values())
        words = key.split()
        one_word = label in ("GPE", "LOC", "ORG") and len(words) == 1
        place = _demonym_of(key, places.get(key[:4], [])) if one_word else None
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
            located = sum(  # (mentions that follow 'in', 'at', 'to' ...)
                _located(texts.get((m.doc, m.sentence), ""), m.start) for m in surface.mentions
            )
            if located and located * 2 >= len(surface.mentions):
                surface.labels = Counter({"GPE": total})
                reasons[key] = (
                    f"{surface.text}: typed as a place: {located} of {len(surface.mentions)} mentions "
                    "follow in/at/to/from/near"
                )
    return reasons


@story_memo  # (a name's mentions are tried at every add, and by two checks)
def _located(text: str, start: int) -> bool:
    """Whether the name at ``start`` follows 'in', 'at', 'to', 'from', 'near' and the like."""
    return bool(_LOCATIVE.search(text[:start]))


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
    word = _common_word_candidate(entity)
    return word is not None and lowercase[word] >= len(entity.mentions)


def _common_word_candidate(entity: Entity) -> str | None:
    """The word, in lower case, an entity of one word written only at the start of sentences is."""
    words = entity.name.split()
    if len(words) == 1 and all(m.start == 0 for m in entity.mentions):
        return words[0].lower()
    return None


def _lowercase_counts(annotated: Sequence[Annotated], words: set[str]) -> Counter[str]:
    """How often the story writes each of ``words`` in lower case (only these are counted: few
    entities are candidates for a common word)."""
    counts = Counter[str]()
    if words:
        for a in annotated:
            written = _document_lowercase(a)
            for word in words:
                counts[word] += written.get(word, 0)
    return counts


@document_memo  # (read once a document: a desk's next add finds its documents again)
def _document_lowercase(a: Annotated) -> Counter[str]:
    """The words a document writes in lower case, counted over its sentences."""
    counts = Counter[str]()
    for sentence in a.document.sentences:
        counts.update(_lowercase_words(sentence.text))
    return counts


def _retype_places(entity: Entity, texts: dict[tuple[str, str], str]) -> Entity:
    """A one-word 'person' or 'organisation' mostly written after 'in', 'at', 'to', 'from' is a place."""
    if entity.type not in ("PERSON", "ORG") or any(len(alias.split()) > 1 for alias in entity.aliases):
        return entity
    located = sum(_located(texts.get((m.doc, m.sentence), ""), m.start) for m in entity.mentions)
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


@story_memo
def _lowercase_words(text: str) -> tuple[str, ...]:
    """The words of a sentence written in lower case (a name's words written so are common words)."""
    return tuple(re.findall(r"\b[a-z][a-z-]+\b", text))
