"""Ids a reader can cite: made from what they name (an entity's name, the first words of a claim's
first report, the day and claim of a timeline entry), not numbered by rank, so a link or a note
citing one finds the same thing in the story's next version for as long as what it was made from
holds. Never made from file names: a dossier does not depend on them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable


def slug(text: str, limit: int = 60) -> str:
    """``text`` as lower-case words joined by hyphens, at most ``limit`` characters ("x" when nothing
    is left): safe in a URL fragment and an HTML attribute."""
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")[:limit].strip("-") or "x"


def numbered(bases: Iterable[str]) -> list[str]:
    """Each base as the id, unique in the order given: a base met again gets "-2", then "-3", past
    any id already given ("a", "a-2" given as a base, "a" again: "a-3")."""
    ids: list[str] = []
    taken: set[str] = set()
    after: dict[str, int] = {}  # each base's next suffix: every one below it is given or taken
    for base in bases:
        found = base
        if found in taken:
            n = after.get(base, 2)
            while (found := f"{base}-{n}") in taken:
                n += 1
            after[base] = n + 1
        taken.add(found)
        ids.append(found)
    return ids


def fingerprint(*parts: object) -> str:
    """Six hexadecimal digits of a hash of ``parts`` (as text, joined by NUL): the part of an id
    that tells apart things whose readable part is alike."""
    read = "\0".join(map(str, parts)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(read, digest_size=3).hexdigest()
