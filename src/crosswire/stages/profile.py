"""Profiles: how each outlet frames the event and how loaded, hedged and attributed its voice is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from crosswire.lexicons import FRAMING_RE, LOADED_REPORTING_VERBS, NAMED_AS_RE
from crosswire.models import Annotated, Claim, Profile
from crosswire.stages._attribution import loaded_words, outside_quotes
from crosswire.stages._memo import document_memo, story_memo


def build_profiles(annotated: Sequence[Annotated], claims: Sequence[Claim]) -> tuple[Profile, ...]:
    """One profile per document: framing terms, loaded-language share, hedging and attribution rates."""
    # Claims no other document carries, counted once per document (not by scanning every claim per document).
    unique: Counter[str] = Counter()
    for claim in claims:
        carriers = {m.doc for m in claim.mentions}
        if len(carriers) == 1:
            unique[next(iter(carriers))] += 1
    return tuple(replace(_profile(doc), unique_claims=unique[doc.document.id]) for doc in annotated)


@document_memo
def _profile(doc: Annotated) -> Profile:
    """One document's profile, read from the document alone (its unique claims are the story's, and
    are put in by ``build_profiles``)."""
    sentences = doc.document.sentences
    framing = Counter[str]()
    judging = LOADED_REPORTING_VERBS.in_language(doc.document.language)
    loaded, own, examples = 0, 0, []
    for sentence, info in zip(sentences, doc.info, strict=True):
        framing.update(_framing_terms(sentence.text))
        if info.own_voice:
            own += 1
            hits = loaded_words(outside_quotes(sentence.text))
            if hits:
                loaded += 1
                examples.append(", ".join(hits))
        elif info.reporting_verb is not None and info.reporting_verb in judging:
            own += 1  # "X slammed Y": the attribution is the outlet's own, judging choice of verb
            loaded += 1
            examples.append(info.reporting_verb)
    total = max(1, len(sentences))
    return Profile(
        doc=doc.document.id,
        framing=tuple(sorted(framing.items(), key=lambda kv: (-kv[1], kv[0]))),
        loaded_language=round(loaded / own, 3) if own else 0.0,
        hedging_rate=round(sum(1 for i in doc.info if i.certainty in ("hedged", "unconfirmed")) / total, 3),
        attribution_rate=round(sum(1 for i in doc.info if i.speaker_text) / total, 3),
        unique_claims=0,
        loaded_examples=tuple(dict.fromkeys(examples))[:10],
    )


@story_memo
def _framing_terms(text: str) -> tuple[str, ...]:
    terms = [m.group(1).lower() for m in FRAMING_RE.finditer(text)]
    terms += [f"“{m.group(1).strip().lower()}”" for m in NAMED_AS_RE.finditer(text)]
    return tuple(terms)
