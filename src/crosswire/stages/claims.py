"""Claims: one claim mention per reporting sentence, with its speaker and certainty.

A sentence is a claim mention when it states something checkable: not a question, not a fragment,
and not a remark about another sentence. Remarks such as "These statements have yet to be
independently confirmed." are folded into the sentence before them (its certainty becomes
"unconfirmed") instead of standing as claims of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from crosswire.models import Annotated, ClaimMention, Entity
from crosswire.stages.entities import entity_lookup, find_entity
from crosswire.stages.lexicons import DENIAL, UNCONFIRMED

MIN_WORDS = 6
_META = re.compile(
    r"^(?:these|this|those|the|such|that)\s+(?:statements?|claims?|reports?|accounts?|allegations?|figures?|"
    r"videos?|images?|footage|details?)\b",
    re.I,
)


def extract_claims(annotated: Sequence[Annotated], entities: Sequence[Entity]) -> tuple[ClaimMention, ...]:
    """Every claim mention of the story, in document and sentence order."""
    lookup = entity_lookup(entities)
    mentions: list[ClaimMention] = []
    for doc in annotated:
        texts = {s.id: s.text for s in doc.document.sentences}
        own: list[ClaimMention] = []
        for info in doc.info:
            text = texts[info.sentence]
            if own and _META.match(text) and (UNCONFIRMED.search(text) or DENIAL.search(text)):
                certainty = "denied" if DENIAL.search(text) else "unconfirmed"
                cue = (DENIAL.search(text) or UNCONFIRMED.search(text)).group(0)  # type: ignore[union-attr]
                own[-1] = replace(own[-1], certainty=certainty, cues=(*own[-1].cues, f"next sentence: {cue}"))
                continue
            if info.is_question or info.words < MIN_WORDS:
                continue
            speaker = find_entity(lookup, info.speaker_text)
            own.append(
                ClaimMention(
                    doc=info.doc,
                    sentence=info.sentence,
                    text=text,
                    speaker=speaker,
                    speaker_name=info.speaker_text,
                    certainty=info.certainty,
                    cues=info.cues,
                )
            )
        mentions.extend(own)
    return tuple(mentions)
