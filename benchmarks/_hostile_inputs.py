"""The hostile inputs of hostile_pipeline.py: each family's cases (numbers, dates, calendar, JSON Lines,
shapes, markup, names, mutated files), every one a hostile file beside a normal article of the sample."""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from typing import Any

from _harness import SAMPLE
from _hostile_articles import (
    FORMATS,
    OUTLETS,
    PEOPLE,
    PLACES,
    Case,
    digit_string,
    filler_paragraphs,
    filler_sentence,
    grouped_digits,
    make_article,
    make_case,
    make_title,
)
from fuzz_ingest import _mutate

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


def numbers(rng: random.Random) -> list[Case]:
    cases = []
    for size in (400, 5000):
        n, m = digit_string(rng, size), digit_string(rng, size)
        place = rng.choice(PLACES)
        sentences = {
            "km": f"The convoy travelled {n} km along the coast road before it stopped at the border.",
            "miles": f"Officials said the queue of lorries stretched for {n} miles outside {place}.",
            "counted noun": f"The ministry said {n} soldiers had been moved to the northern border overnight.",
            "currency": f"The finance minister said the repairs would cost ${n} and take two years.",
            "bare": f"The figure printed at the bottom of the report was {n}.",
            "negative": f"The regional budget showed a balance of -{n} at the end of the year.",
            "commas": f"Organisers said {grouped_digits(n)} people joined the march through the capital.",
            "range": f"Union estimates put the number of strikers at between {n} and {m}.",
            "decimal percent": f"The levy rose by {n}.{m[:60]} per cent, the ministry said.",
        }
        for number, (kind, sentence) in enumerate(sentences.items()):
            suffix, data = make_article(rng, sentence, FORMATS[number % len(FORMATS)])
            cases.append(make_case("numbers", f"{size} digits {kind}", suffix, data))
    fixed = {
        "10^400 soldiers": "The general claimed that 10^400 soldiers were ready to cross the river.",
        "1e999": "The model put the damage at 1e999 euros, and the insurers put it at 1e999.",
        "-1e999 degrees": "Forecasters said temperatures could fall to -1e999 degrees by the weekend.",
        "1.8e308 litres": "The company said it had stored 1.8e308 litres of diesel near the port.",
        "range 3,000 to 10^400": f"Between 3,000 and {'9' * 400} people took part in the strike, the union said.",
        "number words": "Officials said nine hundred quadrillion quintillion vigintillion drivers had joined.",
    }
    for number, (kind, sentence) in enumerate(fixed.items()):
        suffix, data = make_article(rng, sentence, FORMATS[number % len(FORMATS)])
        cases.append(make_case("numbers", kind, suffix, data))
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
            paragraphs = filler_paragraphs(rng, sentence)
            paragraphs[0] = f"DRAVNIK, 31 December 9999 - {sentence} {filler_sentence(rng)}"
            suffix, data = make_article(rng, sentence, fmt, published=published, paragraphs=paragraphs)
        elif kind.startswith("1 Jan"):
            paragraphs = filler_paragraphs(rng, sentence)
            paragraphs[0] = f"DRAVNIK, Monday 1 January 0001 - {sentence} {filler_sentence(rng)}"
            suffix, data = make_article(rng, sentence, fmt, published=published, paragraphs=paragraphs)
        else:
            suffix, data = make_article(rng, sentence, fmt, published=published)
        cases.append(make_case("dates", kind, suffix, data))
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
        suffix, data = make_article(rng, sentence, fmt, published=published)
        cases.append(make_case("dates", kind, suffix, data))
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
        suffix, data = make_article(rng, sentence, FORMATS[number % len(FORMATS)], published=published)
        cases.append(make_case("calendar", kind, suffix, data))
    for kind, fmt, published in (
        ("jsonl published 2023-02-29", "jsonl", "2023-02-29"),
        ("html meta 2023-04-31T10:00:00Z", "html", "2023-04-31T10:00:00Z"),
        ("jsonl published 2023-06-31T25:00Z", "jsonl", "2023-06-31T25:00Z"),
    ):
        suffix, data = make_article(rng, "The bridge reopened on Friday, officials said.", fmt, published=published)
        cases.append(make_case("calendar", kind, suffix, data))
    return cases


def json_lines(rng: random.Random) -> list[Case]:
    def normal() -> dict[str, Any]:
        return {
            "title": make_title(rng),
            "outlet": rng.choice(OUTLETS),
            "text": "\n\n".join(filler_paragraphs(rng, "")),
        }

    text = json.dumps(normal()["text"])
    lines = {
        "array nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
        "object nested 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
        "field nested 100,000 deep": '{"text": ' + text + ', "tags": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "5,000-digit integer id": '{"text": ' + text + ', "id": ' + "7" * 5000 + "}",
        "5,000-digit integer published": '{"text": ' + text + ', "published": ' + digit_string(rng, 5000) + "}",
        "NaN and Infinity literals": '{"text": ' + text + ', "title": NaN, "published": Infinity, "outlet": -Infinity}',
        "1e99999 published": '{"text": ' + text + ', "published": 1e99999, "id": -1e99999}',
        "4 MB title": json.dumps({**normal(), "title": ("Drivers block the motorway again " * 130_000)[:4_000_000]}),
        "4 MB author of one word": json.dumps({**normal(), "author": "A" * 4_000_000}),
    }
    cases = []
    for kind, line in lines.items():
        data = (json.dumps(normal()) + "\n" + line + "\n").encode()
        cases.append(make_case("json", kind, ".jsonl", data, heavy=len(data) > 1_000_000))
    big = "\n\n".join(filler_sentence(rng) + " " + filler_sentence(rng) for _ in range(20_000))[:4_000_000]
    data = (json.dumps({"title": make_title(rng), "text": big}) + "\n").encode()
    cases.append(make_case("json", "4 MB text field of prose", ".jsonl", data, heavy=True))
    return cases


def shapes(rng: random.Random) -> list[Case]:
    verbs = ("Moved", "Stopped", "Crossed", "Waited", "Left", "Arrived")
    nouns = ("Troops", "Lorries", "Drivers", "Ships", "Officials", "Police")
    cases = []
    lines = "\n".join(f"{rng.choice(nouns)} {rng.choice(verbs)} {rng.randint(1, 99)}." for _ in range(100_000))
    cases.append(make_case("shapes", "100,000 short lines", ".txt", (lines + "\n").encode(), heavy=True))
    line = " ".join(filler_sentence(rng) for _ in range(20_000))[:2_000_000]
    cases.append(
        make_case("shapes", "one 2 MB line", ".txt", (make_title(rng) + "\n\n" + line + "\n").encode(), heavy=True)
    )
    paragraphs = "\n\n".join(filler_sentence(rng) for _ in range(20_000))
    cases.append(make_case("shapes", "20,000 one-sentence paragraphs", ".txt", paragraphs.encode(), heavy=True))
    words = " ".join(filler_sentence(rng).rstrip(".").replace(",", "") for _ in range(300)).split()[:5000]
    sentence = " ".join(words)
    suffix, data = make_article(rng, sentence, "txt")
    cases.append(make_case("shapes", "5,000-word sentence with no full stop", suffix, data))
    words = " ".join(filler_sentence(rng) for _ in range(400)).split()[:5000]
    curly = " ".join(f"“{w}”" for w in words)
    straight = " ".join(f'"{w}"' for w in words)
    opening = " ".join(f"“{w}" for w in words) + " " + "“" * 5000
    for kind, text in (("10,000 curly quotes", curly), ("10,000 straight quotes", straight), ("10,000 open", opening)):
        suffix, data = make_article(rng, f"{rng.choice(PEOPLE)} said {text}.", "txt")
        cases.append(make_case("shapes", kind, suffix, data))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in filler_paragraphs(rng, filler_sentence(rng)))
    for kind, depth, close in (
        ("10,000 nested divs", 10_000, True),
        ("10,000 unclosed divs", 10_000, False),
        ("250 nested divs (under the parser's limit)", 250, True),
    ):
        page = f"<html><head><title>{make_title(rng)}</title></head><body>{'<div>' * depth}<article>{body}</article>"
        page += ("</div>" * depth if close else "") + "</body></html>"
        cases.append(make_case("shapes", kind, ".html", page.encode()))
    table = "<table>" + "<tr><td>Troops Moved 17.</td></tr>" * 20_000 + "</table>"
    page = f"<html><body><article><h1>{make_title(rng)}</h1>{body}</article>{table}</body></html>"
    cases.append(make_case("shapes", "20,000-row table after the article", ".html", page.encode()))
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
            suffix, data = make_article(rng, sentence or filler_sentence(rng), fmt, **fields)
            cases.append(make_case("markup", f"{place} {fmt}: {payload}", suffix, data, payloads=(payload,)))
        # Raw markup in the page itself (not escaped): what the HTML extractor makes of it.
        paragraphs = filler_paragraphs(rng, f"The notice read {payload} in large letters.")
        suffix, data = make_article(rng, "", "html", raw_html=True, paragraphs=paragraphs, byline=f"{payload} Smith")
        cases.append(make_case("markup", f"raw html: {payload}", suffix, data, payloads=(payload,)))
    return cases


def names(rng: random.Random) -> list[Case]:
    def body() -> bytes:
        return make_article(rng, filler_sentence(rng), "txt")[1]

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
        cases.append(make_case("mutated", f"{number} {sample.name}", sample.suffix, data))
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
