"""Render a dossier as one self-contained HTML page.

The same function serves `crosswire analyze --html` and the web app, so a page looks the same in an
e-mail attachment and in the browser. Everything from articles is untrusted: the Jinja2 environment
autoescapes every value, no article string is ever marked safe, links only point inside the page.
No network fetches: CSS, SVG and the small script are inline; the page works with JavaScript off
(citations are fragment links; the script only adds highlighting and table sorting).
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from datetime import date
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from crosswire.models import Claim, Dossier

CERTAINTY_MARK = {"asserted": "✓", "hedged": "~", "unconfirmed": "?", "denied": "✗"}
CERTAINTY_RANK = {"asserted": 0, "hedged": 1, "unconfirmed": 2, "denied": 3}
QUOTES_SHOWN = 8  # quotes printed in full; the rest are folded away
# The "who carries what" table: at most this many claims (the strongest; every claim is listed under
# Claims), and this many columns, a document each, the last one for the other documents when a story
# has more. A 1,000-article story's table of every claim and document was 32 million cells: a page
# of 1.6 GB that took 126 s to render (2026-12-07, ``benchmarks/story_page.py``).
MATRIX_ROWS = 500
MATRIX_COLUMNS = 40

# Every code a reader would otherwise see, in words (the JSON keeps the codes).
WORDS: dict[str, dict[str, str]] = {
    "status": {
        "corroborated": "corroborated",
        "single_source": "single source",
        "disputed": "disputed",
        "superseded": "superseded by a later report",
    },
    "certainty": {"asserted": "asserts", "hedged": "hedges", "unconfirmed": "unconfirmed", "denied": "denies"},
    "kind": {"news": "", "background": "background", "opinion": "opinion", "question": "asked, not told"},
    "genre": {
        "news": "news report",
        "live_blog": "live blog",
        "breaking": "breaking news",
        "opinion": "opinion piece",
        "analysis": "analysis",
        "press_release": "press release",
        "other": "other",
    },
    "basis": {
        "stated": "printed on the page",
        "metadata": "from the page's metadata",
        "inferred": "worked out from its text",
        "unknown": "no date found",
    },
    "conflict": {
        "numeric": "numbers differ",
        "temporal": "dates differ",
        "polarity": "said and denied",
        "attribution": "who said it differs",
        "supersession": "a later report replaces it",
        "other": "reports disagree",
    },
    "entity": {
        "PERSON": "person",
        "ORG": "organisation",
        "GPE": "country, state or city",
        "LOC": "place",
        "NORP": "nationality or group",
        "EVENT": "event",
        "FAC": "building or facility",
        "OTHER": "other",
    },
    "language": {
        "en": "English",
        "de": "German",
        "fr": "French",
        "es": "Spanish",
        "it": "Italian",
        "pt": "Portuguese",
        "nl": "Dutch",
        "pl": "Polish",
        "ru": "Russian",
        "uk": "Ukrainian",
    },
    "removed": {"comments": "reader comments"},
}
PALETTE = ("#1b6ca8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50", "#b7950b")
SVG_WIDTH, SVG_MARGIN, ROW_HEIGHT = 900, 40, 14
STORY_WINDOW_DAYS = 45

_ENV = Environment(
    loader=PackageLoader("crosswire", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def words(code: str | None, table: str) -> str:
    """A code from the dossier (``single_source``, ``live_blog``, ``GPE``) as a reader says it."""
    if not code:
        return ""
    if code in WORDS[table]:
        return WORDS[table][code]
    return f"language “{code}”" if table == "language" else code.replace("_", " ").lower()


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 report``, ``2 reports``, ``0 entities`` (``plural`` for a noun that takes more than an s)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


_ENV.filters["words"] = words
_ENV.filters["counted"] = counted


# The page's only script is a file of ours (never article text); the CSP allows exactly it, by hash.
SCRIPT = (files("crosswire") / "templates" / "dossier.js").read_text(encoding="utf-8")
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")


def to_html(
    dossier: Dossier, generator_version: str = "0", nav: tuple[tuple[str, str], ...] = (), title_suffix: str = ""
) -> str:
    """The dossier page. ``nav`` holds (label, local URL) links the web app adds above the page."""
    return _ENV.get_template("dossier.html.j2").render(
        view=view(dossier),
        generator_version=generator_version,
        nav=nav,
        title_suffix=title_suffix,
        script=Markup(SCRIPT),
        script_hash=SCRIPT_HASH,
        quotes_shown=QUOTES_SHOWN,
    )


def view(dossier: Dossier) -> dict[str, Any]:
    """Everything the template shows, computed once: claim groups, matrix rows, timeline geometry."""
    documents = dossier.documents
    doc_index = {d.id: i for i, d in enumerate(documents)}
    outlets = [d.label for d in documents]
    sources = []
    for i, d in enumerate(documents):
        # One outlet with several documents: tell its columns apart by date, or by document id.
        detail = "" if outlets.count(outlets[i]) == 1 else d.published.date or d.id
        sources.append(
            {
                "id": d.id,
                "label": f"{outlets[i]} · {detail}" if detail else outlets[i],
                "outlet": outlets[i],
                "detail": detail,
                "color": PALETTE[i % len(PALETTE)],
                "anchor": f"doc-{i}",
            }
        )
    # The "by outlet" filter and the single-source tail take one outlet's documents together.
    outlet_keys = {label: f"o{n}" for n, label in enumerate(dict.fromkeys(outlets))}
    outlet_of = {d.id: outlet_keys[d.label] for d in documents}
    sentence_anchor = {(d.id, s.id): f"src-{doc_index[d.id]}-{s.id}" for d in documents for s in d.sentences}
    claims = _claims(dossier, outlet_of)
    story = [t for t in dossier.timeline if not t.background]
    numbers = {t.id: n for n, t in enumerate(story + [t for t in dossier.timeline if t.background], 1)}
    return {
        "dossier": dossier,
        "sources": sources,
        "source_of": {s["id"]: s for s in sources},
        "outlets": [{"key": key, "label": label} for label, key in outlet_keys.items()],
        "anchor": sentence_anchor,
        "sentence_text": {(d.id, s.id): s.text for d in documents for s in d.sentences},
        "claims": {c.id: c for c in dossier.claims},
        "claim": claims,
        "groups": _groups(dossier, claims, outlet_keys),
        "matrix": _matrix(dossier, sources, claims),
        "timeline_svg": _timeline(dossier, sources, numbers),
        "entry_number": numbers,
        "unknowns": _unknowns(dossier),
        "profiles": {p.doc: p for p in dossier.profiles},
        "conflicts": {k.id: k for k in dossier.conflicts},
        "quotes": sorted(dossier.quotes, key=lambda q: -len({m.doc for m in q.mentions})),
    }


def _claims(dossier: Dossier, outlet_of: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per claim: its filter flags, outlets, rank (strongest first) and its sentences, each printed once."""
    contested = {c for k in dossier.conflicts if k.disputes for c in k.claims}
    contested |= {k.superseded for k in dossier.conflicts if k.superseded}
    out = {}
    for order, claim in enumerate(dossier.claims, 1):
        flags = []
        if claim.independent_sources >= 2:
            flags.append("corroborated")
        if claim.status in ("disputed", "superseded") or claim.id in contested:
            flags.append("contested")
        rank = 0 if flags == ["corroborated"] else 1 if flags else 2
        passages = _passages(claim)
        out[claim.id] = {
            "flags": " ".join(flags or ["single"]),
            "outlets": " ".join(dict.fromkeys(outlet_of[m.doc] for m in claim.mentions)),
            "rank": rank,
            "order": order,
            "passages": passages,
            # The claim's own words as a heading only where no sentence below already reads so.
            "heading": len(passages) > 1 and all(p["text"] != _spaced(claim.text) for p in passages),
        }
    return out


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _passages(claim: Claim) -> list[dict[str, Any]]:
    """The claim's sentences, each distinct sentence once with every mention that carries it, the
    sentence that reads as the claim first; the claim's clause marked where it is part of a sentence."""
    passages: dict[str, dict[str, Any]] = {}
    for m in claim.mentions:
        text = _spaced(m.text)
        if text not in passages:
            start = min(max(m.start, 0), len(m.text))
            end = m.end if start <= m.end <= len(m.text) else len(m.text)
            parts = (m.text[:start], m.text[start:end], m.text[end:])
            if not parts[0].strip() and not parts[2].strip(" .!?\"'”’"):
                parts = (m.text, "", "")  # the clause is the whole sentence: nothing to mark
            passages[text] = {"text": text, "parts": parts, "mentions": []}
        passages[text]["mentions"].append(m)
    return sorted(passages.values(), key=lambda p: p["text"] != _spaced(claim.text))


def _groups(dossier: Dossier, info: dict[str, dict[str, Any]], outlet_keys: dict[str, str]) -> dict[str, Any]:
    """The claims section: corroborated, then contested, then the single-source tail by outlet."""
    ordered = sorted(dossier.claims, key=lambda c: (info[c.id]["rank"], -c.independent_sources, info[c.id]["order"]))
    label_of = {d.id: d.label for d in dossier.documents}
    tail: dict[str, list[Claim]] = {label: [] for label in outlet_keys}
    for claim in ordered:
        if info[claim.id]["rank"] == 2 and claim.mentions:
            tail[label_of[claim.mentions[0].doc]].append(claim)
    return {
        "corroborated": [c for c in ordered if info[c.id]["rank"] == 0],
        "contested": [c for c in ordered if info[c.id]["rank"] == 1],
        "single": [(label, outlet_keys[label], found) for label, found in tail.items() if found],
        "single_count": sum(len(found) for found in tail.values()),
        "count": {
            flag: sum(flag in info[c.id]["flags"].split() for c in dossier.claims)
            for flag in ("corroborated", "contested", "single")
        },
    }


def _matrix(
    dossier: Dossier,
    sources: list[dict[str, Any]],
    claims: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The "who carries what" table: its rows, the strongest ``MATRIX_ROWS`` claims (corroborated,
    then contested, then single source; more sources first), each cell how one document carries the
    claim (the most doubtful way, a denial over an assertion, where it carries it more than once);
    its columns, every document while a story has at most ``MATRIX_COLUMNS``, else up to
    ``MATRIX_COLUMNS - 1`` documents, those that carry the most of those claims, and one column for
    all the others (the way most of them carry it, so that no row reads blank where some document
    carries the claim); and what it leaves out."""

    def strength(claim: Claim) -> int:
        return claims[claim.id]["rank"] * 1000 - claim.independent_sources

    ordered = sorted(
        dossier.claims,
        key=lambda c: (claims[c.id]["rank"], -c.independent_sources, claims[c.id]["order"]),
    )
    shown = ordered[:MATRIX_ROWS]
    carried = [_carried(claim) for claim in shown]
    columns, others = sources, set[str]()
    if len(sources) > MATRIX_COLUMNS:
        counts = Counter(doc for cells in carried for doc in cells)
        place = {s["id"]: n for n, s in enumerate(sources)}
        most = sorted(counts, key=lambda doc: (-counts[doc], place[doc]))[: MATRIX_COLUMNS - 1]
        named = set(most)
        columns = [s for s in sources if s["id"] in named]
        others = {s["id"] for s in sources} - named
    rows = []
    for claim, cells in zip(shown, carried, strict=True):
        row = [_cell(cells.get(s["id"])) for s in columns]
        if others:
            row.append(_others(Counter(way for doc, way in cells.items() if doc in others)))
        rows.append(
            {
                "claim": claim,
                "cells": row,
                "corroboration": claim.independent_sources,
                "order": claims[claim.id]["order"],
                "strength": strength(claim),
            }
        )
    return {"rows": rows, "columns": columns, "others": len(others), "claims": len(ordered)}


def _carried(claim: Claim) -> dict[str, str]:
    """Each document carrying the claim, and the most doubtful way it does (a denial over an
    assertion, where it carries the claim more than once)."""
    cells: dict[str, str] = {}
    for mention in claim.mentions:
        current = cells.get(mention.doc)
        if current is None or CERTAINTY_RANK[mention.certainty] > CERTAINTY_RANK[current]:
            cells[mention.doc] = mention.certainty
    return cells


def _others(ways: Counter[str]) -> tuple[str, str, str]:
    """The cell of the column for the other documents: the way most of them carry the claim (the
    more doubtful of two as common), and how many carry it each way."""
    if not ways:
        return _cell(None, "none of the other documents carries it")
    common = max(ways, key=lambda way: (ways[way], CERTAINTY_RANK[way]))
    each = ", ".join(f"{words(way, 'certainty')} {n}" for way, n in ways.most_common())
    return _cell(common, f"of the other documents: {each}")


def _cell(certainty: str | None, title: str = "") -> tuple[str, str, str]:
    """A table cell: its certainty (a class), its mark and what it says when pointed at."""
    said = title or words(certainty, "certainty") or "does not carry it"
    return certainty or "", CERTAINTY_MARK.get(certainty or "", ""), said


def _timeline(dossier: Dossier, sources: list[dict[str, Any]], numbers: dict[str, int]) -> dict[str, Any]:
    """Day-precision entries near the story drawn on a date axis, events stacked per day, each
    numbered as in the list under it."""
    color = {s["id"]: s["color"] for s in sources}
    entries = [t for t in dossier.timeline if t.precision == "day"]
    if not entries:
        return {"width": SVG_WIDTH, "height": 60, "ticks": [], "marks": [], "context": dossier.timeline}
    days = sorted(date.fromisoformat(t.date) for t in entries)
    centre = days[len(days) // 2]
    near = [t for t in entries if abs((date.fromisoformat(t.date) - centre).days) <= STORY_WINDOW_DAYS]
    drawn = {id(t) for t in near}  # (a list compared whole entries: 0.2 s for 8,000 of them)
    context = [t for t in dossier.timeline if id(t) not in drawn]
    first = min(date.fromisoformat(t.date) for t in near)
    last = max(date.fromisoformat(t.date) for t in near)
    span = max(1, (last - first).days)
    usable = SVG_WIDTH - 2 * SVG_MARGIN

    def x(day: date) -> float:
        return round(SVG_MARGIN + usable * (day - first).days / span, 1)

    stacks: dict[str, int] = defaultdict(int)
    marks = []
    for entry in near:
        day = date.fromisoformat(entry.date)
        level = stacks[entry.date]
        stacks[entry.date] += 1
        docs = sorted({e.doc for e in entry.evidence})
        marks.append(
            {
                "entry": entry,
                "x": x(day),
                "y": 30 + level * ROW_HEIGHT,
                "number": numbers[entry.id],
                "dots": [(round(x(day) + 7 * i, 1), color.get(d, "#555")) for i, d in enumerate(docs)],
            }
        )
    height = 60 + max(stacks.values()) * ROW_HEIGHT
    ticks = [
        {
            "x": x(first.fromordinal(first.toordinal() + i)),
            "label": first.fromordinal(first.toordinal() + i).strftime("%a %d %b"),
        }
        for i in range(0, span + 1, max(1, span // 10))
    ]
    return {
        "width": SVG_WIDTH,
        "height": height,
        "axis_y": height - 22,
        "ticks": ticks,
        "marks": marks,
        "context": context,
    }


def _unknowns(dossier: Dossier) -> dict[str, Any]:
    disputed = [k for k in dossier.conflicts if k.disputes or k.kind == "supersession"]
    single = [c for c in dossier.claims if c.status == "single_source"]
    undated_docs = [d for d in dossier.documents if d.published.basis in ("inferred", "unknown")]
    guessed = [t for t in dossier.timeline if any(e.anchor_basis == "story" for e in t.evidence)]
    return {"single_source": single, "disputed": disputed, "undated_docs": undated_docs, "guessed": guessed}
