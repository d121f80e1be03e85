"""A text's MinHash signature over its 5-word shingles (datasketch): what near-duplicate detection
(``cluster.near_duplicates``) compares. Made once per document with its parse (``annotate``) and
kept with it, so a story's near-copies are found without shingling every text again."""

from __future__ import annotations

import re
from functools import cache

from datasketch import MinHash

SHINGLE = 5  # words a shingle
PERMUTATIONS = 128
SCHEME = "affine32"  # datasketch's hashing scheme, named: kept signatures must be compared in theirs


def shingle_signature(body: str) -> tuple[int, ...]:
    """The MinHash signature (``PERMUTATIONS`` values, seed 1) of ``body``'s lower-cased 5-word shingles."""
    tokens = re.findall(r"\w+", body.lower())
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    minhash = _empty().copy()  # (its permutations drawn once, not for every document)
    minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return tuple(int(value) for value in minhash.hashvalues)


@cache
def _empty() -> MinHash:
    return MinHash(num_perm=PERMUTATIONS, seed=1, scheme=SCHEME)
