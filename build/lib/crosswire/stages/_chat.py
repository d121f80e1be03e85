"""Find where reporting ends and readers' talk begins at the bottom of a page.

Reader comments pasted under an article read differently from reporting: first-person chat outside
quotation marks, a lowercase "i", replies and reactions ("Agree.", "Ha!"), emoticons, second-person
address, sentences starting in lowercase; and they lack the reporter's attribution ("said", "told").
Each paragraph gets a chat score from these general cues; the comment block is the trailing run of
paragraphs that is mostly chat, found as the best-scoring suffix.
"""

from __future__ import annotations

import re

from crosswire.settings import DEFAULTS

# A quotation stops at the next opening mark too, so a run of unclosed marks costs one short scan each.
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"|‘[^‘’]{12,}’")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I'd|I’d|I've|I’ve|I'll|I’ll|me|my|mine|myself|imo|IMO)\b")
_LOWER_I = re.compile(r"(?:^|\s)i(?:\s|'|’)")
_EMOTE = re.compile(
    r"[\U0001F300-\U0001FAFF\u2600-\u27BF]|[:;]-?[)(DPp]|\b(?:haha+|hah|lol|lmao|omg)\b|!{2,}|\?!", re.I
)
_REACTION = re.compile(
    r"^(?:@\w+\s*)?(?:ha+!?|agree[d.!]*|very true|so true|too true|exactly|well said|thanks\b|thank you\b|"
    r"this\b|nonsense|rubbish|spot on|indeed|yes\b|no\b|wow\b|hear,? hear)",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you’re|you'd|you’d)\b", re.I)
_REPLY = re.compile(r"^@\w+|^(?:re:|reply\b)", re.I)
_REPORTING = re.compile(
    r"\b(?:said|says|told|according to|reported|announced|stated|confirmed|denied|added|"
    r"spokesman|spokeswoman|spokesperson|officials?|agency)\b",
    re.I,
)
_TIMESTAMP = re.compile(r"^\s*(?:\d{1,2}[:.]\d{2}\s*(?:am|pm|GMT|BST|CET|UTC)?|Updated\b)", re.I)


def chat_score(paragraph: str) -> int:
    """How much a paragraph reads like a reader's comment rather than reporting (can be negative)."""
    outside = _QUOTED.sub(" ", paragraph)
    score = 0
    if _LOWER_I.search(" " + outside):
        score += 2
    score += min(len(_FIRST_PERSON.findall(outside)), 3)
    if outside[:1].islower():
        score += 1
    if _EMOTE.search(outside):
        score += 1
    if len(outside.split()) <= 12 and _REACTION.search(outside.strip()):
        score += 2
    if _REPLY.search(outside.strip()):
        score += 2
    if _SECOND_PERSON.search(outside):
        score += 1
    if _REPORTING.search(outside):
        score -= 2
    if _TIMESTAMP.search(paragraph):
        score -= 2
    return score


def comment_start(paragraphs: list[str], min_paragraphs: int = DEFAULTS.comment_min_paragraphs) -> int | None:
    """Index of the first reader-comment paragraph, or None when the page has no comment block.

    The block must be at the end, start with a chat-like paragraph, hold at least
    ``min_paragraphs`` paragraphs, and be mostly chat (its best suffix sum is positive).
    """
    if len(paragraphs) < min_paragraphs + 2:
        return None
    votes = [1 if chat_score(p) >= 1 else -1 for p in paragraphs]
    best_index, best_sum, running = None, 0, 0
    for index in range(len(paragraphs) - 1, 0, -1):
        running += votes[index]
        block = len(paragraphs) - index
        if votes[index] > 0 and block >= min_paragraphs and running > best_sum:
            best_index, best_sum = index, running
    if best_index is None:
        return None
    # The article before the block must itself read as reporting, or we are looking at a forum page.
    head = votes[:best_index]
    if sum(1 for v in head if v < 0) < max(2, len(head) // 2):
        return None
    chat_share = sum(1 for v in votes[best_index:] if v > 0) / (len(paragraphs) - best_index)
    return best_index if chat_share >= 0.5 and best_sum >= 2 else None
