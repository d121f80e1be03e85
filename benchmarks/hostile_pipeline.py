"""Hostile inputs through the whole pipeline, the renderers and the story store: none may crash, leak markup or
freeze a story.

    python benchmarks/hostile_pipeline.py [--n 40] [--seed 0] [--families numbers,dates,...] [--store-every 1]
                                          [--order 12] [--document-seconds 60] [--match TEXT] [--quick]

Eight families of generated inputs, each a short news article in plain English (so it passes the cleaner)
that carries one hostile value: huge numbers (400 and 5,000 digits, with units, counted nouns, currencies,
ranges; 1e999), far dates and offsets ("1000000 days ago", a dateline of 31 December 9999 then
"tomorrow"), impossible calendar dates (30 February), hostile JSON Lines (nested 100,000 deep, a 5,000-digit
integer, NaN, a 4 MB field), odd shapes (100,000 short lines, a 2 MB line, 20,000 paragraphs, a 5,000-word
sentence, 10,000 quotation marks, 10,000 nested divs), markup payloads in every field an article controls,
odd file names (newlines, bytes that are not UTF-8, 255-byte names, names that collide), and the sample
articles (src/crosswire/sample) with bytes flipped, cut or duplicated (fuzz_ingest's ``_mutate``).

Each input is analysed beside a normal sample article (``analyze([sample, hostile])``, so the
cross-document stages run) and counted as a CRASH if an exception escapes analyze, ``to_dict``, the
Markdown or the HTML renderer. The dossier must be strict JSON (``allow_nan=False``, and it must load back
with NaN/Infinity refused), the HTML must hold no payload verbatim and no live markup of an article's (a
second script, an ``on*`` attribute, a ``javascript:`` URL, an img/iframe/object/embed/base element), the
Markdown no payload verbatim. STORE (every ``--store-every``-th input): in a fresh SQLite store the input is
added to a story as the CLI reads files (``collect_files`` then ``add_to_story``), then a normal article: a
FROZEN story is one where that second add raises or gives no version that analysed the normal article;
then ``remove_from_story`` must take the hostile documents out. ORDER (``--order`` inputs): [a, b, hostile]
and [hostile, b, a] under other file names must give the same dossier JSON once document ids and sources
are replaced by hashes of their sentences (as tests/test_order.py compares).

Prints a table per family (inputs, crashes, non-strict JSON, unescaped payloads, frozen stories, internal
errors the pipeline caught and reported as bugs, inputs over budget, worst and p99 seconds per hostile
input), the hostile documents skipped by stage and reason, and every crash with its traceback. The seconds
of an input are the wall time of ``analyze([sample, hostile])`` (the normal article's part about 0.4 s);
an input is over budget when that, or its ingest + clean alone (cleaning runs in a stoppable worker too),
exceeds ``document_seconds`` + 15 s. Names given to the web app are
stored as its ``safe_file_name`` keeps them. Writes benchmarks/results/hostile_pipeline.json (--quick
runs a few inputs per family and writes nothing; tests/test_hostile_pipeline.py runs a short version in CI).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_ingest import _mutate, _reason_kind  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "crosswire" / "sample"
RESULT = ROOT / "benchmarks" / "results" / "hostile_pipeline.json"
NORMAL = SAMPLE / "wire_report.txt"  # the normal article beside every hostile input
SECOND = SAMPLE / "breaking.txt"  # the third article of the order check
STORY = "hostile"
NORMAL_NAME = "normal-wire_report.txt"
FAMILIES = ("numbers", "dates", "calendar", "json", "shapes", "markup", "names", "mutated")
# A payload and what it must not become in the output: an evaluated template gives zq49zq.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "</title><script>alert(1)</script>",
    "zq{{7*7}}zq",
    "zq${7*7}zq",
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
)
EVALUATED = "zq49zq"
BUG_MARKS = ("This is a bug in crosswire", "could not be cleaned (")
# document_seconds bounds one document's cleaning and its parse, each in a worker that is stopped; an
# analysis of the pair (or its cleaning alone) that runs longer than it plus this was not bounded by it.
OVER_BUDGET_SLACK = 15.0

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


# ---------------------------------------------------------------------------------------------- articles


def _sentence(rng: random.Random) -> str:
    return rng.choice(FILLER).format(place=rng.choice(PLACES), person=rng.choice(PEOPLE))


def _paragraphs(rng: random.Random, hostile: str) -> list[str]:
    """Four paragraphs of news prose (about 90 words) with the hostile sentence in the first."""
    first = f"{rng.choice(PLACES).upper()} ({rng.choice(OUTLETS)}) - {_sentence(rng)} {hostile} {_sentence(rng)}"
    return [first] + [f"{_sentence(rng)} {_sentence(rng)}" for _ in range(3)]


def _title(rng: random.Random) -> str:
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


def _article(rng: random.Random, hostile: str, fmt: str = "txt", **fields: Any) -> tuple[str, bytes]:
    """An article carrying ``hostile`` in its first paragraph: (suffix, bytes)."""
    return _render(
        fmt,
        fields.pop("paragraphs", None) or _paragraphs(rng, hostile),
        fields.pop("title", None) or _title(rng),
        fields.pop("byline", None) or rng.choice(PEOPLE),
        fields.pop("outlet", None) or rng.choice(OUTLETS),
        **fields,
    )


def _case(family: str, label: str, suffix: str, data: bytes, **extra: Any) -> Case:
    name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:60] or "input"
    return Case(family, label, [(f"{name}{suffix}".encode(), data)], **extra)


def _digits(rng: random.Random, count: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choices("0123456789", k=count - 1))


def _grouped(digits: str) -> str:
    """Thousands separators on a string of digits (int() refuses over 4,300 digits)."""
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


FORMATS = ("txt", "md", "html", "jsonl")


# ---------------------------------------------------------------------------------------------- families


def numbers(rng: random.Random) -> list[Case]:
    cases = []
    for size in (400, 5000):
        n, m = _digits(rng, size), _digits(rng, size)
        place = rng.choice(PLACES)
        sentences = {
            "km": f"The convoy travelled {n} km along the coast road before it stopped at the border.",
            "miles": f"Officials said the queue of lorries stretched for {n} miles outside {place}.",
            "counted noun": f"The ministry said {n} soldiers had been moved to the northern border overnight.",
            "currency": f"The finance minister said the repairs would cost ${n} and take two years.",
            "bare": f"The figure printed at the bottom of the report was {n}.",
            "negative": f"The regional budget showed a balance of -{n} at the end of the year.",
            "commas": f"Organisers said {_grouped(n)} people joined the march through the capital.",
            "range": f"Union estimates put the number of strikers at between {n} and {m}.",
            "decimal percent": f"The levy rose by {n}.{m[:60]} per cent, the ministry said.",
        }
        for number, (kind, sentence) in enumerate(sentences.items()):
            suffix, data = _article(rng, sentence, FORMATS[number % len(FORMATS)])
            cases.append(_case("numbers", f"{size} digits {kind}", suffix, data))
    fixed = {
        "10^400 soldiers": "The general claimed that 10^400 soldiers were ready to cross the river.",
        "1e999": "The model put the damage at 1e999 euros, and the insurers put it at 1e999.",
        "-1e999 degrees": "Forecasters said temperatures could fall to -1e999 degrees by the weekend.",
        "1.8e308 litres": "The company said it had stored 1.8e308 litres of diesel near the port.",
        "range 3,000 to 10^400": f"Between 3,000 and {'9' * 400} people took part in the strike, the union said.",
        "number words": "Officials said nine hundred quadrillion quintillion vigintillion drivers had joined.",
    }
    for number, (kind, sentence) in enumerate(fixed.items()):
        suffix, data = _article(rng, sentence, FORMATS[number % len(FORMATS)])
        cases.append(_case("numbers", kind, suffix, data))
    return cases


def dates(rng: random.Random) -> list[Case]:
    far = "9" * 5000
    texts = {
        "1000000 days ago": ("March 18, 2025", "The bridge closed 1000000 days ago, officials said."),
        "5000-digit days ago": ("March 18, 2025", f"The bridge closed {far} days ago, officials said."),
        "in 10000 years": ("March 18, 2025", "The minister said the new port would open in 10000 years."),
        "in 1000000 weeks": ("March 18, 2025", "The union said the strike could last for 1000000 weeks."),
        "10000000000 seconds ago": ("March 18, 2025", "The levy was announced 10000000000 seconds ago."),
        "31 Dec 9999 then tomorrow": ("December 31, 9999", "The bridge will reopen tomorrow, officials said."),
        "1 Jan 0001 on Monday": ("January 1, 0001", "The bridge closed on Monday, officials said."),
        "year 0": ("March 18, 2025", "Historians said the treaty was first signed on 1 January 0000, in the year 0."),
        "year 99999": ("March 18, 2025", "The lease on the port runs until 31 December 99999, the contract says."),
        "dateline 99999 yesterday": ("June 1, 99999", "Drivers left the junction yesterday, police said."),
    }
    cases = []
    for number, (kind, (published, sentence)) in enumerate(texts.items()):
        fmt = ("txt", "md")[number % 2]
        if kind.startswith("31 Dec"):
            paragraphs = _paragraphs(rng, sentence)
            paragraphs[0] = f"DRAVNIK, 31 December 9999 - {sentence} {_sentence(rng)}"
            suffix, data = _article(rng, sentence, fmt, published=published, paragraphs=paragraphs)
        elif kind.startswith("1 Jan"):
            paragraphs = _paragraphs(rng, sentence)
            paragraphs[0] = f"DRAVNIK, Monday 1 January 0001 - {sentence} {_sentence(rng)}"
            suffix, data = _article(rng, sentence, fmt, published=published, paragraphs=paragraphs)
        else:
            suffix, data = _article(rng, sentence, fmt, published=published)
        cases.append(_case("dates", kind, suffix, data))
    meta = {
        "html meta 9999-12-31T23:59:59+14:00 tomorrow": ("html", "9999-12-31T23:59:59+14:00"),
        "html meta 0000-00-00 yesterday": ("html", "0000-00-00"),
        "jsonl published 9999-12-31 tomorrow": ("jsonl", "9999-12-31"),
        "jsonl published 0001-01-01T00:00:00-12:00 yesterday": ("jsonl", "0001-01-01T00:00:00-12:00"),
        "jsonl published 99999-12-31 tomorrow": ("jsonl", "99999-12-31"),
        "jsonl published -0001-01-01 tomorrow": ("jsonl", "-0001-01-01"),
        "jsonl published 10^20 tomorrow": ("jsonl", "100000000000000000000"),
    }
    for kind, (fmt, published) in meta.items():
        sentence = f"The bridge will reopen {'yesterday' if 'yesterday' in kind else 'tomorrow'}, officials said."
        suffix, data = _article(rng, sentence, fmt, published=published)
        cases.append(_case("dates", kind, suffix, data))
    return cases


def calendar(rng: random.Random) -> list[Case]:
    texts = {
        "30 February 2023": "The bridge closed on 30 February 2023, officials said.",
        "31 April": "The talks were held on 31 April, a spokesman said.",
        "June 31": "The levy takes effect on June 31, the ministry said.",
        "29 February 2023": "Drivers first blocked the road on 29 February 2023.",
        "February 30, 2024 dateline": "The court ruled on February 30, 2024 that the strike was lawful.",
        "2023-02-30 ISO": "The notice, dated 2023-02-30, was confirmed on 2023-13-01.",
        "31/04/2023 and 13/13/2023": "Forms dated 31/04/2023 and 13/13/2023 were found at the depot.",
        "0 March and 32 January": "The port was shut between 0 March 2023 and 32 January 2024.",
        "31 June at 24:61": "Police said the convoy left at 24:61 on 31 June.",
    }
    cases = []
    for number, (kind, sentence) in enumerate(texts.items()):
        published = "February 30, 2023" if "dateline" in kind else "March 18, 2025"
        suffix, data = _article(rng, sentence, FORMATS[number % len(FORMATS)], published=published)
        cases.append(_case("calendar", kind, suffix, data))
    for kind, fmt, published in (
        ("jsonl published 2023-02-29", "jsonl", "2023-02-29"),
        ("html meta 2023-04-31T10:00:00Z", "html", "2023-04-31T10:00:00Z"),
        ("jsonl published 2023-06-31T25:00Z", "jsonl", "2023-06-31T25:00Z"),
    ):
        suffix, data = _article(rng, "The bridge reopened on Friday, officials said.", fmt, published=published)
        cases.append(_case("calendar", kind, suffix, data))
    return cases


def json_lines(rng: random.Random) -> list[Case]:
    def normal() -> dict[str, Any]:
        return {"title": _title(rng), "outlet": rng.choice(OUTLETS), "text": "\n\n".join(_paragraphs(rng, ""))}

    text = json.dumps(normal()["text"])
    lines = {
        "array nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
        "object nested 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
        "field nested 100,000 deep": '{"text": ' + text + ', "tags": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "5,000-digit integer id": '{"text": ' + text + ', "id": ' + "7" * 5000 + "}",
        "5,000-digit integer published": '{"text": ' + text + ', "published": ' + _digits(rng, 5000) + "}",
        "NaN and Infinity literals": '{"text": ' + text + ', "title": NaN, "published": Infinity, "outlet": -Infinity}',
        "1e99999 published": '{"text": ' + text + ', "published": 1e99999, "id": -1e99999}',
        "4 MB title": json.dumps({**normal(), "title": ("Drivers block the motorway again " * 130_000)[:4_000_000]}),
        "4 MB author of one word": json.dumps({**normal(), "author": "A" * 4_000_000}),
    }
    cases = []
    for kind, line in lines.items():
        data = (json.dumps(normal()) + "\n" + line + "\n").encode()
        cases.append(_case("json", kind, ".jsonl", data, heavy=len(data) > 1_000_000))
    big = "\n\n".join(_sentence(rng) + " " + _sentence(rng) for _ in range(20_000))[:4_000_000]
    data = (json.dumps({"title": _title(rng), "text": big}) + "\n").encode()
    cases.append(_case("json", "4 MB text field of prose", ".jsonl", data, heavy=True))
    return cases


def shapes(rng: random.Random) -> list[Case]:
    verbs = ("Moved", "Stopped", "Crossed", "Waited", "Left", "Arrived")
    nouns = ("Troops", "Lorries", "Drivers", "Ships", "Officials", "Police")
    cases = []
    lines = "\n".join(f"{rng.choice(nouns)} {rng.choice(verbs)} {rng.randint(1, 99)}." for _ in range(100_000))
    cases.append(_case("shapes", "100,000 short lines", ".txt", (lines + "\n").encode(), heavy=True))
    line = " ".join(_sentence(rng) for _ in range(20_000))[:2_000_000]
    cases.append(_case("shapes", "one 2 MB line", ".txt", (_title(rng) + "\n\n" + line + "\n").encode(), heavy=True))
    paragraphs = "\n\n".join(_sentence(rng) for _ in range(20_000))
    cases.append(_case("shapes", "20,000 one-sentence paragraphs", ".txt", paragraphs.encode(), heavy=True))
    words = " ".join(_sentence(rng).rstrip(".").replace(",", "") for _ in range(300)).split()[:5000]
    sentence = " ".join(words)
    suffix, data = _article(rng, sentence, "txt")
    cases.append(_case("shapes", "5,000-word sentence with no full stop", suffix, data))
    words = " ".join(_sentence(rng) for _ in range(400)).split()[:5000]
    curly = " ".join(f"“{w}”" for w in words)
    straight = " ".join(f'"{w}"' for w in words)
    opening = " ".join(f"“{w}" for w in words) + " " + "“" * 5000
    for kind, text in (("10,000 curly quotes", curly), ("10,000 straight quotes", straight), ("10,000 open", opening)):
        suffix, data = _article(rng, f"{rng.choice(PEOPLE)} said {text}.", "txt")
        cases.append(_case("shapes", kind, suffix, data))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(rng, _sentence(rng)))
    for kind, depth, close in (
        ("10,000 nested divs", 10_000, True),
        ("10,000 unclosed divs", 10_000, False),
        ("250 nested divs (under the parser's limit)", 250, True),
    ):
        page = f"<html><head><title>{_title(rng)}</title></head><body>{'<div>' * depth}<article>{body}</article>"
        page += ("</div>" * depth if close else "") + "</body></html>"
        cases.append(_case("shapes", kind, ".html", page.encode()))
    table = "<table>" + "<tr><td>Troops Moved 17.</td></tr>" * 20_000 + "</table>"
    page = f"<html><body><article><h1>{_title(rng)}</h1>{body}</article>{table}</body></html>"
    cases.append(_case("shapes", "20,000-row table after the article", ".html", page.encode()))
    return cases


def markup(rng: random.Random) -> list[Case]:
    """Every payload in every field an article controls."""
    cases = []
    for number, payload in enumerate(PAYLOADS):
        person = rng.choice(PEOPLE)
        places: dict[str, tuple[str, dict[str, Any], str]] = {
            "title": (("txt", "md", "html", "jsonl")[number % 4], {"title": f"Port talks resume {payload}"}, ""),
            "byline": (("txt", "html", "jsonl")[number % 3], {"byline": f"{payload} Smith"}, ""),
            "outlet": (("html", "jsonl")[number % 2], {"outlet": f"{payload} Daily"}, ""),
            "body": (FORMATS[number % 4], {}, f"The notice on the depot door read {payload} in large letters."),
            "quote": (FORMATS[(number + 1) % 4], {}, f"“We will not go back {payload},” {person} said on Monday."),
            "entity": (FORMATS[(number + 2) % 4], {}, f"{payload} Smith said on Monday that the strike would go on."),
            "url": (("html", "jsonl")[number % 2], {"url": payload}, ""),
        }
        for place, (fmt, fields, sentence) in places.items():
            suffix, data = _article(rng, sentence or _sentence(rng), fmt, **fields)
            cases.append(_case("markup", f"{place} {fmt}: {payload}", suffix, data, payloads=(payload,)))
        # Raw markup in the page itself (not escaped): what the HTML extractor makes of it.
        paragraphs = _paragraphs(rng, f"The notice read {payload} in large letters.")
        suffix, data = _article(rng, "", "html", raw_html=True, paragraphs=paragraphs, byline=f"{payload} Smith")
        cases.append(_case("markup", f"raw html: {payload}", suffix, data, payloads=(payload,)))
    return cases


def names(rng: random.Random) -> list[Case]:
    def body() -> bytes:
        return _article(rng, _sentence(rng), "txt")[1]

    single = {
        "newline in the name": b"fuel\nlevy.txt",
        "tab and terminal escape": b"fuel\tlevy\x1b[31m.txt",
        "Latin-1 byte": b"caf\xe9-report.txt",
        "bytes that are not UTF-8": b"\xff\xfe\xfd.md",
        "255-byte ASCII name": b"a" * 251 + b".txt",
        "254-byte UTF-8 name": ("é" * 125).encode() + b".txt",
        "254-byte name of Latin-1 bytes": b"\xe9" * 250 + b".txt",
        "255-byte name of newlines": b"a\n" * 125 + b"a.txt",
        "right-to-left override": "report\u202etxt.md".encode(),
        "name holding markup": b"<img src=x onerror=alert(1)>.txt",
        "name like a feed record": b"feed.jsonl:1.txt",
        "leading dash and spaces": b"- -rf  .txt",
    }
    cases = [
        Case("names", kind, [(name, body())], payloads=("<img src=x onerror=alert(1)>",) if b"<" in name else ())
        for kind, name in single.items()
    ]
    pairs = {
        "names differ by case": (b"Report.txt", b"report.txt"),
        "names differ by suffix": (b"report.txt", b"report.md"),
        "the normal article's name": (b"wire_report.txt", b"wire_report.md"),
    }
    cases += [Case("names", kind, [(a, body()), (b, body())]) for kind, (a, b) in pairs.items()]
    twin = body()
    cases.append(Case("names", "same bytes under two names", [(b"one.txt", twin), (b"two.txt", twin)]))
    uploads = {
        "upload name of 200 emoji": "😀" * 200 + ".txt",
        "upload name with directories": "../../etc/passwd.txt",
        "upload name of dots": ". . ..txt",
        "upload name of 120 accented letters": "é" * 200 + ".md",
    }
    for kind, raw in uploads.items():
        cases.append(Case("names", kind, [(b"upload.txt", body())], store_names=[_upload_name(raw)]))
    return cases


def _upload_name(raw: str) -> str:
    """The name the web app stores an upload under (its safe_file_name), or the raw name without the web extra."""
    try:
        from crosswire.web.upload import safe_file_name
    except ImportError:  # fastapi not installed: the raw base name
        return raw.replace("\\", "/").rsplit("/", 1)[-1]
    return safe_file_name(raw)


def mutated(rng: random.Random, n: int) -> list[Case]:
    samples = sorted(p for p in SAMPLE.iterdir() if p.is_file())
    cases = []
    for number in range(n):
        sample = rng.choice(samples)
        data = _mutate(rng, sample.read_bytes())
        cases.append(_case("mutated", f"{number} {sample.name}", sample.suffix, data))
    return cases


def build_cases(seed: int = 0, n: int = 40, families: tuple[str, ...] = FAMILIES) -> list[Case]:
    """Every input of the chosen families (each family from its own seeded generator, so they do not shift)."""
    makers: dict[str, Callable[[random.Random], list[Case]]] = {
        "numbers": numbers,
        "dates": dates,
        "calendar": calendar,
        "json": json_lines,
        "shapes": shapes,
        "markup": markup,
        "names": names,
        "mutated": lambda rng: mutated(rng, n),
    }
    cases = []
    for family in families:
        cases += makers[family](random.Random(f"{seed}-{family}"))
    return cases


# ---------------------------------------------------------------------------------------------- checks


class _Markup(HTMLParser):
    """Live markup in a page: scripts, event handlers, URLs that run code, elements that load things."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background"}
    FOREIGN = {"img", "iframe", "object", "embed", "base", "frame", "link", "form", "input", "video", "audio"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append("")
            self._script = True
        if tag in self.FOREIGN:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in self.URL_ATTRIBUTES and re.match(r"\s*(javascript|vbscript|data):", value or "", re.I):
                self.problems.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts[-1] += data


def live_markup(page: str) -> list[str]:
    """What in ``page`` could run or load something that is not the page's own script."""
    from crosswire.output.html import SCRIPT

    parser = _Markup()
    parser.feed(page)
    parser.close()
    problems = parser.problems
    if len(parser.scripts) != 1 or parser.scripts[0].strip() != SCRIPT.strip():
        problems.append(f"{len(parser.scripts)} script elements, not the page's one")
    return problems


def unescaped(payloads: tuple[str, ...], page: str, markdown: str) -> list[str]:
    """Payloads found verbatim where they would be markup: HTML (<>"' unescaped), Markdown (<>[] unescaped),
    or a template that was evaluated."""
    found = []
    for payload in payloads:
        if re.search(r"[<>\"']", payload) and payload in page:
            found.append(f"HTML holds {payload!r}")
        if re.search(r"[<>\[\]]", payload) and payload in markdown:
            found.append(f"Markdown holds {payload!r}")
    if EVALUATED in page or EVALUATED in markdown:
        found.append("a template was evaluated (zq49zq)")
    return found


def strict_json(data: dict[str, Any]) -> str | None:
    """Why ``data`` is not strict JSON that loads back to itself, or None."""

    def refuse(name: str) -> None:
        raise ValueError(f"non-standard constant {name}")

    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        back = json.loads(text, parse_constant=refuse)
    except ValueError as exc:
        return str(exc)[:200]
    if json.dumps(back, ensure_ascii=False, allow_nan=False) != text:
        return "does not load back to the same JSON"
    return None


def write_case(case: Case, folder: Path) -> list[str]:
    """The case's files written in a fresh ``folder`` (names as bytes); their paths as str."""
    folder.mkdir(parents=True)
    paths = []
    for name, data in case.files:
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as file:
            file.write(data)
        paths.append(os.fsdecode(path))
    return paths


def _belongs(source: str, paths: list[str]) -> bool:
    """Whether a document or error source is (a record of) one of these files."""
    from crosswire.stages.ingest import printable

    shown = [printable(p) for p in paths]
    return any(source == p or source.startswith(p + ":") for p in shown)


@dataclass
class Row:
    """What became of one input."""

    family: str
    label: str
    bytes: int
    seconds: float = 0.0
    documents: int = 0  # hostile documents analysed
    skipped: list[str] = field(default_factory=list)  # "stage: reason kind" of each hostile error
    problems: list[str] = field(default_factory=list)  # "kind: detail"
    store_seconds: float = 0.0
    clean_seconds: float = 0.0  # ingest + clean of the pair (outside the per-document worker)
    order: str = ""  # "", "same" or "differs: ..."
    payloads_seen: int = 0  # payloads found as text in the dossier (the check is not passed by losing them)


def _crash(row: Row, step: str, crashes: list[dict[str, Any]]) -> None:
    text = traceback.format_exc()
    last = text.strip().splitlines()[-1]
    row.problems.append(f"crash: {step}: {last[:200]}")
    crashes.append({"family": row.family, "input": row.label, "step": step, "error": last[:300], "traceback": text})


def run_case(
    case: Case,
    folder: Path,
    nlp: Any,
    settings: Any,
    crashes: list[dict[str, Any]],
    store: bool = True,
) -> Row:
    """Analyse the case beside the normal article, render it, and (``store``) add it to a fresh story."""
    from crosswire.analysis.pipeline import analyze, version
    from crosswire.output.html import to_html
    from crosswire.output.json import to_dict
    from crosswire.output.markdown import to_markdown

    row = Row(case.family, case.label, sum(len(data) for _, data in case.files))
    paths = write_case(case, folder / "in")
    started = time.perf_counter()
    try:
        dossier = analyze([str(NORMAL), *paths], settings, nlp=nlp)
    except Exception:  # a crash: what this benchmark exists to find
        row.seconds = time.perf_counter() - started
        _crash(row, "analyze", crashes)
        dossier = None
    else:
        row.seconds = time.perf_counter() - started
        row.clean_seconds = dossier.stats.get("ingest+clean", 0.0)
        _check_dossier(dossier, case, paths, row, crashes, to_dict, to_markdown, to_html, version())
    if 0 < settings.document_seconds < row.seconds - OVER_BUDGET_SLACK:
        row.problems.append(
            f"over budget: the analysis took {row.seconds:.0f} s, the budget for one document is "
            f"{settings.document_seconds:g} s"
        )
    if 0 < settings.document_seconds < row.clean_seconds - OVER_BUDGET_SLACK:
        row.problems.append(
            f"over budget: ingest and clean took {row.clean_seconds:.0f} s, the budget for one document is "
            f"{settings.document_seconds:g} s"
        )
    if store:
        started = time.perf_counter()
        _check_store(case, paths, folder / "store.db", nlp, settings, row, crashes)
        row.store_seconds = time.perf_counter() - started
    return row


def _check_dossier(
    dossier: Any,
    case: Case,
    paths: list[str],
    row: Row,
    crashes: list[dict[str, Any]],
    to_dict: Callable[..., Any],
    to_markdown: Callable[..., str],
    to_html: Callable[..., str],
    generator: str,
) -> None:
    row.documents = sum(_belongs(d.source, paths) for d in dossier.documents)
    if not any(d.source == str(NORMAL) for d in dossier.documents):
        row.problems.append("normal article lost: the article beside the hostile input is not in the dossier")
    for error in dossier.errors:
        if _belongs(error.source, paths):
            row.skipped.append(f"{error.stage}: {_reason_kind(error.reason)}")
        else:
            row.problems.append(f"normal article skipped: {error.stage}: {error.reason[:150]}")
        if any(mark in error.reason for mark in BUG_MARKS):
            row.problems.append(f"internal error: {error.stage}: {error.reason[:300]}")
    try:
        data = to_dict(dossier, generator)
    except Exception:
        _crash(row, "to_dict", crashes)
        return
    why = strict_json(data)
    if why:
        row.problems.append(f"non-strict JSON: {why}")
    else:
        text = json.dumps(data, ensure_ascii=False)
        row.payloads_seen = sum(json.dumps(p, ensure_ascii=False)[1:-1] in text for p in case.payloads)
    page = markdown = ""
    try:
        markdown = to_markdown(dossier)
    except Exception:
        _crash(row, "render markdown", crashes)
    try:
        page = to_html(dossier, generator)
    except Exception:
        _crash(row, "render html", crashes)
    row.problems += [f"unescaped: {p}" for p in unescaped(case.payloads, page, markdown)]
    if page:
        row.problems += [f"unescaped: live markup in HTML: {p}" for p in live_markup(page)]


def _check_store(
    case: Case, paths: list[str], db: Path, nlp: Any, settings: Any, row: Row, crashes: list[dict[str, Any]]
) -> None:
    """Add the case to a fresh story, then a normal article, then take the case out again."""
    from crosswire.stories.service import add_to_story, collect_files, remove_from_story
    from crosswire.stories.store import open_store

    if case.store_names is not None:
        files = [(name, data) for name, (_, data) in zip(case.store_names, case.files, strict=True)]
    else:
        files, refused = collect_files(paths, settings.max_file_bytes)
        if refused:  # what the CLI refuses before the store (too large): nothing to store
            row.skipped += [f"store: refused: {_reason_kind(e.reason)}" for e in refused]
    store = open_store(db)
    try:
        if files:
            try:
                add_to_story(store, STORY, files, settings, nlp=nlp)
            except Exception:
                _crash(row, "store add", crashes)
        hostile = [d.name for d in store.documents(STORY)] if store.stories() else []
        try:
            result = add_to_story(store, STORY, [(NORMAL_NAME, NORMAL.read_bytes())], settings, nlp=nlp)
            latest = store.version(STORY) or {}
            analysed = [d["source"] for d in latest.get("documents", [])]
            if result.version is None or f"{STORY}/{NORMAL_NAME}" not in analysed or store.unanalysed(STORY):
                row.problems.append(f"frozen: the next add gave version {result.version}, analysing {analysed[:4]}")
        except Exception:
            _crash(row, "store add normal", crashes)
            row.problems.append("frozen: adding a normal article after it raises")
        for info in store.versions(STORY):
            why = strict_json(store.version(STORY, info.number) or {})
            if why:
                row.problems.append(f"non-strict JSON: stored version {info.number}: {why}")
        if hostile:
            try:
                remove_from_story(store, STORY, hostile, settings, nlp=nlp)
                left = [d["source"] for d in (store.version(STORY) or {}).get("documents", [])]
                if left != [f"{STORY}/{NORMAL_NAME}"]:
                    row.problems.append(f"not removable: after the removal the story holds {left[:4]}")
            except Exception:
                _crash(row, "store remove", crashes)
                row.problems.append("not removable: remove_from_story raises")
    finally:
        store.close()


def normalised(dossier: Any, files: dict[str, str]) -> str:
    """The dossier's JSON with each document id and source replaced by a hash of its sentences, and each
    input file's path by a hash of its bytes (tests/test_order.py's comparison, plus error sources)."""
    from crosswire.output.json import to_json
    from crosswire.stages.ingest import printable

    text = to_json(dossier)
    names = {printable(path): token for path, token in files.items()}
    for document in dossier.documents:
        body = "\n".join(s.text for s in document.sentences)
        token = "doc-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        names[document.source] = token + "-source"
        names[document.id] = token
    for name in sorted(names, key=len, reverse=True):  # a source holds its file's path and id
        text = text.replace(json.dumps(name, ensure_ascii=False)[1:-1], names[name])
    return text


def order_check(case: Case, folder: Path, nlp: Any, settings: Any) -> str:
    """'same' when [a, b, hostile] and [hostile, b, a] (renamed) give one dossier; else where they differ."""
    from crosswire.analysis.pipeline import analyze

    def pile(tag: str, order: list[tuple[bytes, bytes]]) -> tuple[list[str], dict[str, str]]:
        where = folder / tag
        where.mkdir(parents=True)
        paths, tokens = [], {}
        for number, (name, data) in enumerate(order):
            path = where / f"{chr(ord('a') + number)}-{tag}-{number}{Path(os.fsdecode(name)).suffix}"
            path.write_bytes(data)
            paths.append(str(path))
            tokens[str(path)] = "file-" + hashlib.sha256(data).hexdigest()[:16]
        return paths, tokens

    a, b = (NORMAL.name.encode(), NORMAL.read_bytes()), (SECOND.name.encode(), SECOND.read_bytes())
    forward, tokens = pile("fwd", [a, b, *case.files])
    backward, more = pile("rev", [*case.files[::-1], b, a])
    first = normalised(analyze(forward, settings, nlp=nlp), tokens)
    second = normalised(analyze(backward, settings, nlp=nlp), more)
    if first == second:
        return "same"
    x, y = first.splitlines(), second.splitlines()
    line = next((n for n, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    shown = (x[line] if line < len(x) else "")[:150] + " | " + (y[line] if line < len(y) else "")[:150]
    return f"differs from line {line + 1}: {shown}"


# ---------------------------------------------------------------------------------------------- the run


def run(
    cases: list[Case],
    nlp: Any,
    settings: Any,
    store_every: int = 1,
    order: int = 10,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run every case (the store check on every ``store_every``-th, the order check on ``order`` of them,
    spread over the families); the counts, the worst costs and every problem found."""
    crashes: list[dict[str, Any]] = []
    rows: list[Row] = []
    ordered = _order_picks(cases, order)
    with tempfile.TemporaryDirectory(prefix="crosswire-hostile-") as tmp:
        for number, case in enumerate(cases):
            folder = Path(tmp) / f"{number:04d}"
            store = store_every > 0 and number % store_every == 0
            row = run_case(case, folder, nlp, settings, crashes, store=store)
            if number in ordered:
                try:
                    row.order = order_check(case, folder / "order", nlp, settings)
                except Exception:
                    _crash(row, "order check", crashes)
                    row.order = "crashed"
                if row.order.startswith("differs"):
                    row.problems.append(f"order mismatch: {row.order}")
            shutil.rmtree(folder, ignore_errors=True)
            rows.append(row)
            if log:
                mark = "; ".join(row.problems)[:300] or "ok"
                outcome = f"{row.documents} doc" + (f", skipped {row.skipped[0][:60]}" if row.skipped else "")
                log(
                    f"{number + 1:4d}/{len(cases)} {row.seconds:6.2f} s  {case.family:<8} {case.label[:60]:<60} "
                    f"{outcome} | {mark}"
                )
    return report(rows, crashes, store_every, order, [c.payloads for c in cases])


def _order_picks(cases: list[Case], count: int) -> set[int]:
    """Indexes of ``count`` light cases, taken in turn from each family (names: their names are the point)."""
    by_family: dict[str, list[int]] = {}
    for number, case in enumerate(cases):
        if not case.heavy and case.family != "names":
            by_family.setdefault(case.family, []).append(number)
    picks: list[int] = []
    while len(picks) < count and any(by_family.values()):
        for family in list(by_family):
            if by_family[family] and len(picks) < count:
                queue = by_family[family]
                picks.append(queue.pop(len(queue) // 2 if len(picks) >= len(by_family) else 0))
    return set(picks)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else 0.0


def report(
    rows: list[Row], crashes: list[dict[str, Any]], store_every: int, order: int, payload_counts: list[tuple[str, ...]]
) -> dict[str, Any]:
    def count(kind: str, some: list[Row]) -> int:
        return sum(1 for r in some for p in r.problems if p.startswith(kind + ":"))

    kinds = ("crash", "non-strict JSON", "unescaped", "frozen", "not removable", "order mismatch", "internal error")
    kinds += ("normal article lost", "normal article skipped", "over budget")
    families = {}
    for family in dict.fromkeys(r.family for r in rows):
        some = [r for r in rows if r.family == family]
        families[family] = {
            "inputs": len(some),
            **{k.replace(" ", "_").replace("-", "_"): count(k, some) for k in kinds},
            "inputs_that_crashed": sum(1 for r in some if any(p.startswith("crash:") for p in r.problems)),
            "hostile_documents_analysed": sum(r.documents for r in some),
            "inputs_with_a_skip": sum(1 for r in some if r.skipped),
            "max_seconds": round(max(r.seconds for r in some), 2),
            "p99_seconds": round(_quantile([r.seconds for r in some], 0.99), 2),
        }
    seconds = [r.seconds for r in rows]
    skipped = Counter(s for r in rows for s in r.skipped)
    stages = Counter(s.split(":")[0] for r in rows for s in r.skipped)
    slowest = sorted(rows, key=lambda r: r.seconds, reverse=True)[:8]
    return {
        "inputs_tried": len(rows),
        "inputs_by_family": {f: v["inputs"] for f, v in families.items()},
        "crashes": count("crash", rows),  # exceptions that escaped, over every step of every input
        "inputs_that_crashed": sum(1 for r in rows if any(p.startswith("crash:") for p in r.problems)),
        "non_strict_json": count("non-strict JSON", rows),
        "unescaped_payloads": count("unescaped", rows),
        "frozen_stories": count("frozen", rows),
        "not_removable": count("not removable", rows),
        "order_checks": sum(1 for r in rows if r.order),
        "order_mismatches": count("order mismatch", rows),
        "internal_errors_caught": count("internal error", rows),
        "normal_article_lost": count("normal article lost", rows) + count("normal article skipped", rows),
        "over_budget": count("over budget", rows),
        "payloads_placed": sum(len(c) for c in payload_counts),
        "payloads_in_the_dossier": sum(r.payloads_seen for r in rows),
        "store_checks": sum(1 for r in rows if r.store_seconds),
        "store_every": store_every,
        "max_seconds_per_document": round(max(seconds, default=0.0), 2),
        "p99_seconds_per_document": round(_quantile(seconds, 0.99), 2),
        "median_seconds_per_document": round(_quantile(seconds, 0.5), 3),
        "max_ingest_clean_seconds": round(max((r.clean_seconds for r in rows), default=0.0), 2),
        "max_store_seconds": round(max((r.store_seconds for r in rows), default=0.0), 2),
        "hostile_skipped_by_stage": dict(stages.most_common()),
        "hostile_skipped_by_reason": dict(skipped.most_common()),
        "by_family": families,
        "slowest": [f"{r.seconds:.2f} s: {r.family} {r.label[:80]} ({r.bytes:,} bytes)" for r in slowest],
        "crash_details": crashes,
        "problems": [f"{r.family} / {r.label}: {p}" for r in rows for p in r.problems],
        "per_input": [
            {
                "family": r.family,
                "input": r.label,
                "bytes": r.bytes,
                "seconds": round(r.seconds, 3),
                "store_seconds": round(r.store_seconds, 3),
                "ingest_clean_seconds": round(r.clean_seconds, 3),
                "documents": r.documents,
                "skipped": r.skipped,
                "order": r.order,
                "problems": r.problems,
            }
            for r in rows
        ],
    }


def failed(result: dict[str, Any]) -> bool:
    keys = ("crashes", "non_strict_json", "unescaped_payloads", "frozen_stories", "not_removable")
    keys += ("order_mismatches", "internal_errors_caught", "normal_article_lost", "over_budget")
    return any(result[k] for k in keys)


def _print(result: dict[str, Any]) -> None:
    columns = (
        ("inputs", "inputs"),
        ("inputs_that_crashed", "crashed"),
        ("non_strict_JSON", "non-strict"),
        ("unescaped", "unescaped"),
        ("frozen", "frozen"),
        ("internal_error", "bug skips"),
        ("over_budget", "over budg."),
        ("hostile_documents_analysed", "docs"),
        ("inputs_with_a_skip", "skipped"),
        ("max_seconds", "max s"),
        ("p99_seconds", "p99 s"),
    )
    print(f"{'family':<10}" + "".join(f"{title:>11}" for _, title in columns))
    for family, figures in result["by_family"].items():
        print(f"{family:<10}" + "".join(f"{figures[key]!s:>11}" for key, _ in columns))
    print()
    for key in (
        "inputs_tried",
        "crashes",
        "inputs_that_crashed",
        "non_strict_json",
        "unescaped_payloads",
        "payloads_placed",
        "payloads_in_the_dossier",
        "frozen_stories",
        "not_removable",
        "store_checks",
        "order_checks",
        "order_mismatches",
        "internal_errors_caught",
        "normal_article_lost",
        "over_budget",
        "max_seconds_per_document",
        "p99_seconds_per_document",
        "median_seconds_per_document",
        "max_ingest_clean_seconds",
        "max_store_seconds",
    ):
        print(f"{key.replace('_', ' '):<32}{result[key]!s:>12}")
    print(
        "\nHostile inputs skipped, by stage:",
        ", ".join(f"{s} {n}" for s, n in result["hostile_skipped_by_stage"].items()),
    )
    for reason, number in result["hostile_skipped_by_reason"].items():
        print(f"{number:>6}  {reason}")
    print("\nSlowest inputs:", *result["slowest"], sep="\n  ")
    if result["problems"]:
        print("\nProblems:", *result["problems"], sep="\n  ")
    shown: set[str] = set()
    for crash in result["crash_details"]:
        where = _where(crash["traceback"])
        if where in shown:
            print(f"\nCRASH in {crash['step']} on {crash['family']} / {crash['input']!r}: as above ({where})")
            continue
        shown.add(where)
        print(f"\nCRASH in {crash['step']} on {crash['family']} / {crash['input']!r}:\n{crash['traceback']}")


def _where(text: str) -> str:
    """A traceback's innermost crosswire frame and its exception type: one line per distinct crash."""
    frames = re.findall(r'File "([^"]*/crosswire/[^"]*)", line (\d+)', text)
    kind = text.strip().splitlines()[-1].split(":")[0]
    return f"{Path(frames[-1][0]).name}:{frames[-1][1]} {kind}" if frames else kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="mutated sample articles (the other families are fixed)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--families", default=",".join(FAMILIES), help=f"comma-separated, of {', '.join(FAMILIES)}")
    parser.add_argument("--store-every", type=int, default=1, help="store check on every Nth input (0: none)")
    parser.add_argument("--order", type=int, default=12, help="inputs that get the order check")
    parser.add_argument("--document-seconds", type=float, default=None, help="per-document budget (default: 60)")
    parser.add_argument("--workers", type=int, default=1, help="annotate workers (1 keeps a 2-core machine usable)")
    parser.add_argument("--match", default="", help="only inputs whose label contains this text")
    parser.add_argument("--quick", action="store_true", help="3 light inputs per family, nothing written")
    args = parser.parse_args()
    from crosswire.analysis.pipeline import load_pipeline
    from crosswire.settings import Settings

    families = tuple(f.strip() for f in args.families.split(",") if f.strip())
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown families {sorted(unknown)}; choose from {', '.join(FAMILIES)}")
    cases = build_cases(args.seed, 4 if args.quick else args.n, families)
    cases = [c for c in cases if args.match.lower() in c.label.lower()]
    if args.quick:
        cases = [c for f in families for c in [c for c in cases if c.family == f and not c.heavy][:3]]
    budget = {} if args.document_seconds is None else {"document_seconds": args.document_seconds}
    settings = Settings(progress=False, workers=args.workers, **budget)
    started = time.perf_counter()
    nlp = load_pipeline(settings.spacy_model)
    result = run(
        cases,
        nlp,
        settings,
        store_every=2 if args.quick else args.store_every,
        order=3 if args.quick else args.order,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    result = {
        "seed": args.seed,
        "n_mutated": args.n,
        "document_seconds": settings.document_seconds,
        "workers": settings.workers,
        "wall_seconds": round(time.perf_counter() - started, 1),
        **result,
    }
    _print(result)
    print(f"\n{'wall seconds':<32}{result['wall_seconds']:>12}")
    if not args.quick:
        RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {RESULT.relative_to(ROOT)}")
    return 1 if failed(result) else 0


if __name__ == "__main__":
    sys.exit(main())
