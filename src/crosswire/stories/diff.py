"""What changed between two versions of a story's dossier: documents new and taken out, new
claims and claims no longer found, claims whose status moved, new conflicts and conflicts no
longer found (resolved, or their documents taken out). Claims are matched across versions by the
passages they cite, each a span of a source sentence: a claim's id holds only while its first
report does (an article published before it that tells the claim gives it a new id), and one
sentence can carry several claims (until 2026-12-07 they were matched by sentence alone, and a
claim took the status of another of its sentence: 373 claims "moved" in one add to a
1,000-article synthetic story, where 2 did). Where none of a claim's passages is found, its
sentences stand for them: spans written otherwise (a version stored before claims had spans, a
pipeline that splits clauses otherwise) must not make every claim new. Documents are known by
their source (the stored file, and a feed's record in it), not their id: an id is made from the
file names of the story (``notes.txt`` is ``notes`` until ``notes.md`` is stored, then
``notes-2``), and a document whose id moved is the same document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from crosswire.models import Claim, ClaimMention, Conflict, Dossier


@dataclass(frozen=True, slots=True)
class StatusChange:
    claim: str
    text: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class StoryDiff:
    new_claims: tuple[Claim, ...]
    status_changes: tuple[StatusChange, ...]
    new_conflicts: tuple[Conflict, ...]
    new_documents: tuple[str, ...]  # their files ("a.txt", a feed's record "f.rss:3")
    gone_conflicts: tuple[Conflict, ...] = ()  # in the earlier version, not in the later one
    gone_documents: tuple[str, ...] = ()  # taken out (files, as ``new_documents``)
    gone_claims: tuple[Claim, ...] = ()  # the earlier version's claims the later one does not hold

    @property
    def empty(self) -> bool:
        return not (
            self.new_claims
            or self.status_changes
            or self.new_conflicts
            or self.new_documents
            or self.gone_conflicts
            or self.gone_documents
            or self.gone_claims
        )


Passage = tuple[str, str, int, int]  # a document's source, a sentence in it and a span of it
Sources = dict[str, str]  # a dossier's document ids, each to its document's source


def _sources(dossier: Dossier | None) -> Sources:
    """Each document's source, by its id in ``dossier``."""
    return {d.id: d.source for d in dossier.documents} if dossier else {}


def _file(source: str) -> str:
    """A document's source as a story names it: its file ("a.txt"; a feed's record "f.rss:3")."""
    return source.rsplit("/", 1)[-1]


def _passage(mention: ClaimMention, sources: Sources) -> Passage:
    """Where a mention is: its document's source, its sentence and its span."""
    return sources.get(mention.doc, mention.doc), mention.sentence, mention.start, mention.end


def _sentence(mention: ClaimMention, sources: Sources) -> tuple[str, str]:
    """A mention's document's source and its sentence."""
    return sources.get(mention.doc, mention.doc), mention.sentence


def _conflict_keys(conflict: Conflict, sources: Sources) -> tuple[Hashable, Hashable]:
    """A conflict by its kind and the passages it cites, and by its kind and their sentences: a
    conflict is new, or gone, when neither finds it in the other version (the sentences stand for
    passages written otherwise, as in ``_matched``)."""
    kind, cited = conflict.kind, conflict.evidence
    passages = frozenset(_passage(m, sources) for m in cited)
    return (kind, passages), (kind, frozenset(_sentence(m, sources) for m in cited))


def _matched(
    claim: Claim,
    sources: Sources,
    by_passage: dict[Passage, Claim],
    by_sentence: dict[Any, list[Claim]],
) -> list[Claim]:
    """The earlier version's claims ``claim`` is: those citing one of its passages; where none does,
    those citing one of its sentences. No passage matches when the spans were written otherwise
    (a version stored before claims had spans; a pipeline that splits clauses otherwise), and the
    sentences then stand for them; between versions of one pipeline every passage of a document
    already read is found again."""
    passages = (by_passage.get(_passage(m, sources)) for m in claim.mentions)
    found = {id(c): c for c in passages if c is not None}
    if not found:
        sentences = (by_sentence.get(_sentence(m, sources), ()) for m in claim.mentions)
        found = {id(c): c for each in sentences for c in each}
    return list(found.values())


Index = tuple[dict[Passage, Claim], dict[Any, list[Claim]]]  # claims by passage, by sentence


def _indexed(claims: Sequence[Claim], sources: Sources) -> Index:
    """Claims by each passage they cite, and by each sentence (``_matched``'s indexes)."""
    by_passage: dict[Passage, Claim] = {}
    by_sentence: dict[Any, list[Claim]] = defaultdict(list)
    for claim in claims:
        for m in claim.mentions:
            by_passage[_passage(m, sources)] = claim
            by_sentence[_sentence(m, sources)].append(claim)
    return by_passage, by_sentence


def diff(before: Dossier | None, after: Dossier) -> StoryDiff:
    """Compare two dossiers (``before`` may be None for the first version)."""
    old_claims = before.claims if before else ()
    was_at, now_at = _sources(before), _sources(after)
    by_passage, by_sentence = _indexed(old_claims, was_at)
    new_claims, changes = [], []
    found: set[int] = set()  # (the earlier claims a claim now is: none of them is gone)
    for claim in after.claims:
        matches = _matched(claim, now_at, by_passage, by_sentence)
        found.update(map(id, matches))
        if not matches:
            new_claims.append(claim)
            continue
        previous = {c.status for c in matches}
        if claim.status not in previous:
            changes.append(StatusChange(claim.id, claim.text, "/".join(sorted(previous)), claim.status))
    old = before.conflicts if before else ()
    was = {key for k in old for key in _conflict_keys(k, was_at)}
    now = {key for k in after.conflicts for key in _conflict_keys(k, now_at)}
    new_conflicts = [k for k in after.conflicts if not was.intersection(_conflict_keys(k, now_at))]
    gone_conflicts = [k for k in old if not now.intersection(_conflict_keys(k, was_at))]
    old_docs, now_docs = set(was_at.values()), set(now_at.values())
    new_docs = tuple(sorted(map(_file, now_docs - old_docs)))
    gone_docs = tuple(sorted(map(_file, old_docs - now_docs)))
    # Gone: an earlier claim none of whose passages (or, failing them, sentences) a claim now
    # cites. One a claim now was matched to above is not; the others are looked up (an index of
    # the claims now: 0.08 s at 1,000 articles, built only when an earlier claim was not matched).
    unmatched = [c for c in old_claims if id(c) not in found]
    now_index = _indexed(after.claims, now_at) if unmatched else ({}, {})
    gone_claims = tuple(c for c in unmatched if not _matched(c, was_at, *now_index))
    return StoryDiff(
        tuple(new_claims),
        tuple(changes),
        tuple(new_conflicts),
        new_docs,
        tuple(gone_conflicts),
        gone_docs,
        gone_claims,
    )


@dataclass(frozen=True, slots=True)
class ConflictNote:
    kind: str
    explanation: str


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """A ``StoryDiff`` as the versions page shows it: counts, and the few lines it prints. Small
    enough to keep beside each version (``Store.save_version``), so that the page reads it instead
    of every version's dossier."""

    new_documents: tuple[str, ...]  # (files; kept before 2026-12-07: document ids)
    new_claims: int
    status_changes: tuple[StatusChange, ...]
    new_conflicts: tuple[ConflictNote, ...]
    gone_conflicts: tuple[ConflictNote, ...]
    gone_documents: tuple[str, ...] = ()  # (kept since 2026-12-07: one kept before reads as none)
    gone_claims: int = 0

    @classmethod
    def of(cls, change: StoryDiff) -> VersionChanges:
        def notes(conflicts: tuple[Conflict, ...]) -> tuple[ConflictNote, ...]:
            return tuple(ConflictNote(k.kind, k.explanation) for k in conflicts)

        return cls(
            change.new_documents,
            len(change.new_claims),
            change.status_changes,
            notes(change.new_conflicts),
            notes(change.gone_conflicts),
            change.gone_documents,
            len(change.gone_claims),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VersionChanges:
        """Read back ``to_dict``'s record.

        Raises:
            ValueError: a record of another shape (a damaged one).
        """

        def moved(s: dict[str, Any]) -> StatusChange:
            return StatusChange(str(s["claim"]), str(s["text"]), str(s["before"]), str(s["after"]))

        def note(k: dict[str, Any]) -> ConflictNote:
            return ConflictNote(str(k["kind"]), str(k["explanation"]))

        try:
            return cls(
                tuple(str(d) for d in data["new_documents"]),
                int(data["new_claims"]),
                tuple(map(moved, data["status_changes"])),
                tuple(map(note, data["new_conflicts"])),
                tuple(map(note, data["gone_conflicts"])),
                tuple(str(d) for d in data.get("gone_documents", ())),
                int(data.get("gone_claims", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a version's changes: {exc}") from exc


def describe(change: StoryDiff) -> list[str]:
    """The diff as lines a reader can scan."""
    lines = [f"new documents: {', '.join(change.new_documents) or 'none'}"]
    if change.gone_documents:
        lines.append(f"documents taken out: {', '.join(change.gone_documents)}")
    lines.append(f"new claims: {len(change.new_claims)}")
    lines += [f"  + {c.id} [{c.status}] {c.text[:140]}" for c in change.new_claims[:20]]
    if len(change.new_claims) > 20:
        lines.append(f"  ... and {len(change.new_claims) - 20} more")
    if change.gone_claims:
        lines.append(f"claims no longer found: {len(change.gone_claims)}")
        lines += [f"  - {c.id} [{c.status}] {c.text[:140]}" for c in change.gone_claims[:20]]
        if len(change.gone_claims) > 20:
            lines.append(f"  ... and {len(change.gone_claims) - 20} more")
    lines.append(f"claims whose status moved: {len(change.status_changes)}")
    lines += [f"  ~ {s.claim} {s.before} -> {s.after}: {s.text[:120]}" for s in change.status_changes]
    lines.append(f"new conflicts: {len(change.new_conflicts)}")
    lines += [f"  ! {k.id} {k.kind}: {k.explanation[:160]}" for k in change.new_conflicts]
    lines.append(f"conflicts no longer found: {len(change.gone_conflicts)}")
    lines += [f"  - {k.id} {k.kind}: {k.explanation[:160]}" for k in change.gone_conflicts]
    return lines
