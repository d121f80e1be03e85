"""Names: how a person's or an organisation's name is folded, stripped of titles and looked up among
a story's entities; and the descriptions ("the paper", "the interior minister") a document leaves one
entity for. Shared by entity resolution, claims and quotes."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from crosswire.models import Annotated, Entity, EntityMention
from crosswire.stages._memo import document_memo, story_memo, story_object_memo

TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|dr|prof|sir|dame|lt|gen|col|maj|capt|sgt|adm|rev|president|prime minister|minister|"
    r"premier|chancellor|senator|sen|rep|governor|gov|mayor|judge|general|colonel|king|queen|prince|princess)\.?\s+)+",
    re.I,
)


# Last words of newspaper names, in the languages whose papers the news cites most.
MEDIA_WORDS = frozenset(
    ["times", "post", "journal", "herald", "tribune", "gazette", "gazeta", "zeitung", "chronicle", "telegraph"]
    + ["observer", "guardian", "daily", "courier", "courant", "dispatch", "mirror", "express", "monitor", "diario"]
)


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


@story_memo  # (every mention's name, at every add of a desk)
def strip_title(name: str) -> str:
    """A name without honorifics and job titles ('Ms Marchenko' -> 'Marchenko')."""
    stripped = TITLES.sub("", name.strip())
    return stripped if stripped else name.strip()


# (Names recur: a story asks for the same few thousand. Kept for one story, as every memo of its
# text is: a memo for the process kept every story's names, up to 65,536, in a pile of many.)
@story_memo
def fold(name: str) -> str:
    """Case-, accent- and quote-insensitive key of a name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s-]", "", ascii_name.lower())).strip()


@story_memo
def translit_key(token: str) -> str:
    """Fold romanisation variants of one name together: Yevgeny/Evgeny, Yulia/Julia/Yuliya, Sergei/Sergey."""
    key = token
    for pattern, replacement in _FOLDS:
        key = re.sub(pattern, replacement, key)
    return key


def entity_lookup(entities: Sequence[Entity]) -> dict[str, str]:
    """Folded surface form -> entity id, for resolving speakers named in the text."""
    lookup: dict[str, str] = {}
    surname_owner: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        for alias in entity.aliases:
            lookup.setdefault(fold(strip_title(alias)), entity.id)
        if entity.type == "PERSON" and len(entity.name.split()) > 1:
            surname_owner[translit_key(fold(entity.name).split()[-1])].add(entity.id)
    for surname, owners in surname_owner.items():
        if len(owners) == 1:
            lookup.setdefault(surname, next(iter(owners)))
    return lookup


def find_entity(lookup: dict[str, str], name: str | None) -> str | None:
    """The entity id a speaker name refers to, or None if it names no single entity."""
    if not name:
        return None
    key = fold(strip_title(name))
    if key in lookup:
        return lookup[key]
    last = key.split()[-1] if key else ""
    return lookup.get(translit_key(last)) if len(key.split()) > 1 and key.split()[0] not in lookup else None


@story_object_memo
def describer(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> Describer:
    """The story's ``Describer``: the claims and the quotes stages read the same one."""
    return Describer(annotated, entities)


_MEDIA_NOUNS = frozenset(["paper", "newspaper", "daily", "weekly", "tabloid", "publication", "outlet"])


class Describer:
    """Finds who a description names ("the paper", "the interior minister"), where the document leaves
    one choice: "the paper" is the newspaper it last named; "the interior minister" the one person it
    has named who is written, somewhere in the story, right after those words ("Interior Minister
    Tomas Reiter")."""

    def __init__(self, annotated: Sequence[Annotated], entities: Sequence[Entity]) -> None:
        # Read when first asked, and only for the documents and people asked about: a story of
        # 1,000 articles asks about a few of its 35,000 sentences, at every add of a desk.
        self._annotated = {a.document.id: a for a in annotated}
        self._entities = tuple(entities)
        self._entity = {e.id: e for e in entities}
        self.types = {e.id: e.type for e in entities}
        self._named: dict[str, list[tuple[int, int, str | None, str]]] = {}
        self._titles: dict[str, tuple[list[frozenset[str]], set[str]]] = {}
        self._by_doc: dict[str, list[tuple[Entity, EntityMention]]] | None = None
        self._lookup: dict[str, str] | None = None

    def _order(self, doc: str) -> dict[str, int]:
        a = self._annotated.get(doc)
        return _sentence_order(a) if a is not None else {}

    def named(self, doc: str) -> list[tuple[int, int, str | None, str]]:
        """(sentence, offset, entity id or None, name) of each entity or speaker the document names:
        the entities' mentions in the story's order of entities, then the speakers spaCy found no
        entity for ("The Daily Courier wrote"), in sentence order."""
        if doc in self._named:
            return self._named[doc]
        if self._by_doc is None:
            self._by_doc = defaultdict(list)
            for entity in self._entities:
                for m in entity.mentions:
                    self._by_doc[m.doc].append((entity, m))
        if self._lookup is None:
            self._lookup = entity_lookup(self._entities)
        order = self._order(doc)
        named: list[tuple[int, int, str | None, str]] = [
            (order.get(m.sentence, 0), m.start, e.id, e.name) for e, m in self._by_doc.get(doc, [])
        ]
        a = self._annotated.get(doc)
        for info in a.info if a is not None else ():
            if info.speaker_text:
                found = find_entity(self._lookup, info.speaker_text)
                name = re.sub(r"^(?:the|The)\s+", "", info.speaker_text)
                named.append((order.get(info.sentence, 0), -1, found, name))
        self._named[doc] = named
        return named

    def titles(self, person: str) -> tuple[list[frozenset[str]], set[str]]:
        """The words just before each of a person's mentions, and all of them together."""
        if person not in self._titles:
            before = []
            entity = self._entity.get(person)
            for m in entity.mentions if entity is not None else ():
                a = self._annotated.get(m.doc)
                text = _sentence_texts(a).get(m.sentence, "") if a is not None else ""
                before.append(_words_before(text, m.start))
            self._titles[person] = (before, set().union(*before))
        return self._titles[person]

    def find(self, description: str | None, doc: str, sentence: str) -> tuple[str | None, str | None]:
        """(entity id, None) for whom the description names, or (None, name as written) for a newspaper
        spaCy did not tag; (None, None) when the description is no "the ..." phrase, or none or
        several fit."""
        words = _description_words(description or "")
        if not 2 <= len(words) <= 4 or words[0] != "the":
            return None, None
        head, modifiers = words[-1], frozenset(words[1:-1])
        limit = self._order(doc).get(sentence, 1 << 30)
        named = [n for n in self.named(doc) if n[0] < limit or (n[0] == limit and n[1] >= 0)]
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
            # (a quick no first: the head never comes before this name)
            and head in self.titles(entity)[1]
            and any(head in before and modifiers <= before for before in self.titles(entity)[0])
        }
        return (fits.pop(), None) if len(fits) == 1 else (None, None)


@document_memo
def _sentence_order(a: Annotated) -> dict[str, int]:
    return {s.id: n for n, s in enumerate(a.document.sentences)}


@document_memo
def _sentence_texts(a: Annotated) -> dict[str, str]:
    return {s.id: s.text for s in a.document.sentences}


@story_memo
def _words_before(text: str, start: int) -> frozenset[str]:
    """The lower-case words of the 40 characters before a name: where a title ("interior minister") is."""
    return frozenset(re.findall(r"[a-z]+", text[max(0, start - 40) : start].lower()))


@story_memo
def _description_words(description: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z]+", description.lower()))


def _is_paper(name: str) -> bool:
    return bool(name) and name.lower().split()[-1] in MEDIA_WORDS
