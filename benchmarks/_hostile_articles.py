"""Made-up news articles for hostile_pipeline.py, rendered in every input format crosswire reads; a hostile
case (Case) is such an article with a hostile part, beside a normal article of the sample."""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass
from typing import Any

PLACES = ("Dravnik", "Orlevo", "Sarnovo", "Velka", "Marren", "Tolsk")
PEOPLE = ("Ana Torres", "Tomas Reiter", "Irena Sopa", "Piotr Lang", "Mira Halek", "Jonas Berg")
OUTLETS = ("Meridian Wire", "The Orlevo Courier", "Coast Daily", "Harbour Times")
FILLER = (
    "Officials in {place} said on Tuesday that talks over the future of the port would resume after a week of delays.",
    "{person}, who chairs the regional council, told reporters that any agreement would still need the approval of "
    "parliament.",
    "Residents said shops in {place} had run short of bread and fuel since the blockade of the motorway began on "
    "Saturday.",
    "The transport ministry said traffic would return to normal once the last lorries had been moved from the "
    "junction.",
    "Police said the protest had been largely peaceful, although a small group of drivers refused to leave the road.",
    "A spokesman for the union said its members would meet again on Thursday to decide whether to continue the strike.",
    "Economists warned that a long dispute could cost the region several million euros in lost trade this spring.",
    "{person} said the government had offered to delay the new levy by three months while a review was carried out.",
)


@dataclass
class Case:
    """One hostile input: the files it is made of (names as bytes: they may not be UTF-8)."""

    family: str
    label: str
    files: list[tuple[bytes, bytes]]
    payloads: tuple[str, ...] = ()
    heavy: bool = False  # megabytes, or minutes of parsing: left out of --quick and of the CI test
    # Names given straight to add_to_story (as the web app does after safe_file_name); None: the CLI's
    # way, the files on disk read by collect_files.
    store_names: list[str] | None = None


def filler_sentence(rng: random.Random) -> str:
    return rng.choice(FILLER).format(place=rng.choice(PLACES), person=rng.choice(PEOPLE))


def filler_paragraphs(rng: random.Random, hostile: str) -> list[str]:
    """Four paragraphs of news prose (about 90 words) with the hostile sentence in the first."""
    dateline = f"{rng.choice(PLACES).upper()} ({rng.choice(OUTLETS)}) -"
    first = f"{dateline} {filler_sentence(rng)} {hostile} {filler_sentence(rng)}"
    return [first] + [f"{filler_sentence(rng)} {filler_sentence(rng)}" for _ in range(3)]


def make_title(rng: random.Random) -> str:
    return rng.choice(
        (
            "Port talks resume as fuel blockade enters its fifth day",
            "Drivers keep motorway closed as levy dispute drags on",
            "Council weighs delay to diesel levy after week of protests",
        )
    )


def _render(
    fmt: str,
    paragraphs: list[str],
    title: str,
    byline: str,
    outlet: str,
    published: str = "March 18, 2025",
    url: str = "https://news.example/port-talks",
    raw_html: bool = False,
) -> tuple[str, bytes]:
    """An article in one format: (suffix, bytes). HTML escapes the article's text (so a payload reaches the
    dossier as text) unless ``raw_html``: then it is markup the extractor meets."""
    if fmt == "txt":
        return ".txt", "\n".join([title, f"By {byline}", published, "", "\n\n".join(paragraphs), ""]).encode()
    if fmt == "md":
        head = f"# {title}\n\n*By {byline}*, {outlet}, {published}\n\n"
        return ".md", (head + "\n\n".join(paragraphs) + "\n").encode()
    if fmt == "jsonl":
        record = {"title": title, "author": byline, "outlet": outlet, "published": published, "url": url}
        record["text"] = "\n\n".join(paragraphs)
        return ".jsonl", (json.dumps(record, ensure_ascii=False) + "\n").encode()
    esc = (lambda s: s) if raw_html else (lambda s: html.escape(s, quote=True))
    body = "".join(f"<p>{esc(p)}</p>\n" for p in paragraphs)
    page = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>\n'
        f'<meta name="author" content="{esc(byline)}">\n<meta property="og:site_name" content="{esc(outlet)}">\n'
        f'<meta property="og:title" content="{esc(title)}">\n<meta property="og:url" content="{esc(url)}">\n'
        f'<meta property="article:published_time" content="{esc(published)}">\n</head>\n<body>\n'
        f"<header><a href='/'>{esc(outlet)}</a></header>\n<article>\n<h1>{esc(title)}</h1>\n"
        f'<p class="byline">By {esc(byline)}</p>\n{body}</article>\n</body></html>\n'
    )
    return ".html", page.encode()


def make_article(rng: random.Random, hostile: str, fmt: str = "txt", **fields: Any) -> tuple[str, bytes]:
    """An article carrying ``hostile`` in its first paragraph: (suffix, bytes)."""
    return _render(
        fmt,
        fields.pop("paragraphs", None) or filler_paragraphs(rng, hostile),
        fields.pop("title", None) or make_title(rng),
        fields.pop("byline", None) or rng.choice(PEOPLE),
        fields.pop("outlet", None) or rng.choice(OUTLETS),
        **fields,
    )


def make_case(family: str, label: str, suffix: str, data: bytes, **extra: Any) -> Case:
    name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "input"
    return Case(family, label, [(f"{name}{suffix}".encode(), data)], **extra)


def digit_string(rng: random.Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=count - 1))


def grouped_digits(digits: str) -> str:
    """Thousands separators on a string of digits (int() refuses over 4,300 digits)."""
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


FORMATS = ("txt", "md", "html", "jsonl")
