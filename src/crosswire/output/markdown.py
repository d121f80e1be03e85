"""Render a dossier for people as Markdown (the CLI's ``--md``; the web page is ``render_html``)."""

from __future__ import annotations

import re

from crosswire.models import Dossier
from crosswire.output.html import counted, words  # the same labels in words as the HTML page

_CERTAINTY_MARK = {"asserted": "asserts", "hedged": "hedges", "unconfirmed": "unconfirmed", "denied": "denies"}


def _md(text: str | None) -> str:
    """Article text is untrusted: neutralise Markdown/HTML control characters."""
    if text is None:
        return ""
    out = text.replace("\\", "\\\\")
    out = re.sub(r"&(?=#?[0-9A-Za-z]+;)", r"\\&", out)  # "&lt;" in an article stays those four characters
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    for char in "`*_[]|#":
        out = out.replace(char, "\\" + char)
    return " ".join(out.split())


def to_markdown(dossier: Dossier) -> str:
    """A readable brief: headline, cited summary, conflicts, timeline, sources, entities, quotes."""
    outlets = {d.id: d.label for d in dossier.documents}
    lines = [f"# {_md(dossier.brief.headline)}", ""]
    lines += ["## Brief", ""]
    for sentence in dossier.brief.summary:
        lines.append(f"- {_md(sentence.text)} ({', '.join(sentence.claims)})")
    conflicts = {k.id: k for k in dossier.conflicts}
    if dossier.brief.disputed:
        lines += ["", "## Conflicts", ""]
        for cid in dossier.brief.disputed:
            k = conflicts[cid]
            lines.append(f"- **{k.id} {k.kind}** ({', '.join(k.claims)}): {_md(k.explanation)}")
    claims = {c.id: c for c in dossier.claims}
    if dossier.events:
        # An index of happenings several documents tell, in their own words: no corroboration of any claim.
        lines += ["", "## Events told in several documents (each claim keeps its own source count)", ""]
        for v in dossier.events:
            told = "; ".join(f"{_md(claims[c].text)} ({c})" for c in v.claims if c in claims)
            counts = f"{v.documents} documents, {v.outlets} outlets"
            lines.append(f"- **{_md(v.word)}**: {counts} — {told}")
    if dossier.brief.single_source:
        lines += ["", "## Only one source says", ""]
        for cid in dossier.brief.single_source:
            c = claims[cid]
            who = ", ".join(sorted({outlets[m.doc] for m in c.mentions}))
            lines.append(f"- {_md(c.text)} — {_md(who)} ({c.id})")
    story = [e for e in dossier.timeline if not e.background]
    history = [e for e in dossier.timeline if e.background]
    for title, entries in (("## Timeline", story), ("### Background (before the story's days)", history)):
        if entries or not history:
            lines += ["", title, ""]
        for entry in entries:
            sources = sorted({outlets[m.doc] for m in entry.evidence})
            said = "; ".join(sorted({f"“{_md(m.text)}”" for m in entry.evidence}))
            lines.append(f"- **{entry.date}** {_md(entry.text)} — {_md(', '.join(sources))} ({said})")
    lines += ["", "## Sources", "", "| doc | outlet | published | kind | removed |", "|---|---|---|---|---|"]
    for d in dossier.documents:
        removed = ", ".join(sorted({words(r.kind, "removed") for r in d.removed})) or "-"
        published = f"{d.published.date}, {words(d.published.basis, 'basis')}" if d.published.date else "no date found"
        lines.append(
            f"| {_md(d.label)} | {_md(d.outlet) or 'not found'} | {published} | {words(d.genre, 'genre')} | {removed} |"
        )
    lines += ["", "## Framing and voice", ""]
    for p in dossier.profiles:
        terms = ", ".join(f"{_md(t)} ×{n}" for t, n in p.framing[:6]) or "-"
        lines.append(
            f"- {_md(outlets[p.doc])}: {terms}; loaded wording in {p.loaded_language:.0%} of own-voice "
            f"sentences; hedged {p.hedging_rate:.0%}; attributed {p.attribution_rate:.0%}; "
            f"{p.unique_claims} claims no other source carries"
        )
    lines += ["", "## People and organisations", ""]
    for e in [e for e in dossier.entities if e.type in ("PERSON", "ORG")][:25]:
        aliases = ", ".join(_md(a) for a in e.aliases if a != e.name)
        lines.append(
            f"- {_md(e.name)} ({words(e.type, 'entity')}, {counted(len(e.mentions), 'mention')})"
            + (f" — also: {aliases}" if aliases else "")
        )
    lines += ["", "## Quotes", ""]
    for q in dossier.quotes[:40]:
        lines.append(f"- “{_md(q.text)}” — {_md(q.speaker_name) or 'speaker unknown'}")
    failed = [e for e in dossier.errors if e.failed]
    if failed:
        lines += ["", "## Inputs not analysed", ""]
        lines += [f"- {_md(e.source)}: {_md(e.reason)}" for e in failed]
    copies = [e for e in dossier.errors if not e.failed]
    if copies:
        lines += ["", "## Copies read once", ""]
        lines += [f"- {_md(e.source)}: {_md(e.reason)}" for e in copies]
    return "\n".join(lines) + "\n"


def summary_line(dossier: Dossier) -> str:
    """The one-screen summary printed at the end of `crosswire analyze`."""
    stats = dossier.stats
    failed = sum(e.failed for e in dossier.errors)
    copies = len(dossier.errors) - failed
    read_once = f", {copies} note(s) of copies read once" if copies else ""
    return (
        f"{len(dossier.documents)} documents, {len(dossier.entities)} entities, {len(dossier.claims)} claims "
        f"({sum(1 for c in dossier.claims if c.independent_sources > 1)} corroborated), "
        f"{sum(1 for v in dossier.events if v.outlets > 1)} events told by 2+ outlets, "
        f"{len(dossier.conflicts)} conflicts, {len(dossier.quotes)} quotes, {len(dossier.timeline)} timeline entries, "
        f"{failed} inputs skipped{read_once}; {stats.get('total', 0):.1f} s "
        f"(model load {stats.get('model load', 0):.1f} s)"
    )
