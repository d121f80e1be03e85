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
from collections import defaultdict
from datetime import date
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from crosswire.models import Dossier

CERTAINTY_MARK = {"asserted": "✓", "hedged": "~", "unconfirmed": "?", "denied": "✗"}
CERTAINTY_RANK = {"asserted": 0, "hedged": 1, "unconfirmed": 2, "denied": 3}
PALETTE = ("#1b6ca8", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50", "#b7950b")
SVG_WIDTH, SVG_MARGIN, ROW_HEIGHT = 900, 40, 14
STORY_WINDOW_DAYS = 45

_ENV = Environment(
    loader=PackageLoader("crosswire", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


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
    )


def view(dossier: Dossier) -> dict[str, Any]:
    """Everything the template shows, computed once: matrix rows, timeline geometry, unknowns."""
    documents = dossier.documents
    doc_index = {d.id: i for i, d in enumerate(documents)}
    outlets = [d.label for d in documents]
    sources = [
        {
            "id": d.id,
            # One outlet with several documents: tell its columns apart by date, or by document id.
            "label": outlets[i] if outlets.count(outlets[i]) == 1 else f"{outlets[i]} · {d.published.date or d.id}",
            "color": PALETTE[i % len(PALETTE)],
            "anchor": f"doc-{i}",
        }
        for i, d in enumerate(documents)
    ]
    sentence_anchor = {(d.id, s.id): f"src-{doc_index[d.id]}-{s.id}" for d in documents for s in d.sentences}
    return {
        "dossier": dossier,
        "sources": sources,
        "source_of": {s["id"]: s for s in sources},
        "anchor": sentence_anchor,
        "sentence_text": {(d.id, s.id): s.text for d in documents for s in d.sentences},
        "claims": {c.id: c for c in dossier.claims},
        "matrix": _matrix(dossier, sources),
        "timeline_svg": _timeline(dossier, sources),
        "unknowns": _unknowns(dossier),
        "profiles": {p.doc: p for p in dossier.profiles},
        "conflicts": {k.id: k for k in dossier.conflicts},
    }


def _matrix(dossier: Dossier, sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for claim in dossier.claims:
        cells: dict[str, str] = {}
        for mention in claim.mentions:
            current = cells.get(mention.doc)
            if current is None or CERTAINTY_RANK[mention.certainty] > CERTAINTY_RANK[current]:
                cells[mention.doc] = mention.certainty
        rows.append(
            {
                "claim": claim,
                "cells": [(cells.get(s["id"]), CERTAINTY_MARK.get(cells.get(s["id"], ""), "")) for s in sources],
                "corroboration": claim.independent_sources,
                "order": int(claim.id.lstrip("c") or 0),
            }
        )
    rows.sort(key=lambda r: (-r["corroboration"], r["order"]))
    return rows


def _timeline(dossier: Dossier, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """Day-precision entries near the story drawn on a date axis, events stacked per day."""
    color = {s["id"]: s["color"] for s in sources}
    entries = [t for t in dossier.timeline if t.precision == "day"]
    if not entries:
        return {"width": SVG_WIDTH, "height": 60, "ticks": [], "marks": [], "context": dossier.timeline}
    days = sorted(date.fromisoformat(t.date) for t in entries)
    centre = days[len(days) // 2]
    near = [t for t in entries if abs((date.fromisoformat(t.date) - centre).days) <= STORY_WINDOW_DAYS]
    context = [t for t in dossier.timeline if t not in near]
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
