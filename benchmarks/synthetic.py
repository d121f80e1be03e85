"""Synthetic piles for speed and scale benchmarks, made by varying the shipped sample corpus.

    python benchmarks/synthetic.py OUT_DIR --articles 1000 --stories 100 [--seed 1] [--own-names]

Each story gets invented people, places, outlets, figures and a year, so grouping is real work:
the same sample article told about two stories shares its wording, but not the 28 names this
varies (``NAMES``) nor its figures (years within the text, days of the month, figures under 10,
bylines and capitalised datelines are kept; days of the month were scaled until 2026-12-07, and
a day in a link's path, "/2025/03/16/", still is). This is benchmark data only; it is never used to
tune or test crosswire's answers.

By default (every figure before 2026-12-06's fourth session) a story's names are drawn from 14,400
invented words (two or three syllables), and stories share some: of 100 stories (1,000 articles),
58 % share a name with another story of the same year; of 10,000 stories, every one does, with 85
stories of its year on average (one name with each, rarely more), so a story's articles share
wording, dates and a name with many other stories'. With ``--own-names`` no two stories share one
of the names in ``NAMES``: each is used by one story only (three or four syllables, 345,600 words:
enough for 12,342 stories; a larger pile is refused). Its names are longer too, so a difference
between the two kinds of pile is not only the names they share.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import _harness as harness

ROOT = harness.ROOT
SAMPLE = harness.SAMPLE
# The sample's own names (this generator varies the sample; crosswire itself knows none of them).
NAMES = [
    "Yuliya",
    "Yulia",
    "Julia",
    "Marchenko",
    "Tomas",
    "Reiter",
    "Vidal",
    "Aleksandr",
    "Alexander",
    "Dorin",
    "Irena",
    "Sopa",
    "Orlevo",
    "Dravnik",
    "Sarnovo",
    "Lestovian",
    "Lestovia",
    "Velka",
    "Meridian",
    "Lantern",
    "Flashpoint",
    "Courier",
    "Standard",
    "Torres",
    "Kovel",
    "Ibarra",
    "Varga",
    "Holm",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ven",
    "dor",
    "sa",
    "tel",
    "bri",
    "no",
    "vak",
    "sel",
    "mar",
    "tu",
    "zan",
    "pe",
    "gor",
    "li",
    "an",
    "ost",
    "ber",
    "cha",
    "di",
    "rem",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _own_word(rng: random.Random, used: set[str]) -> str:
    """A word of three or four syllables that no earlier call gave (``used`` holds theirs)."""
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()
        if word not in used:
            used.add(word)
            return word


def _vary(text: str, names: dict[str, str], factor: float, year: int) -> str:
    for old, new in names.items():
        text = re.sub(rf"\b{old}\b", new, text)
    text = re.sub(r"\b2025\b", str(year), text)

    def scale(match: re.Match[str]) -> str:
        value = int(match.group(0).replace(",", ""))
        if 1900 <= value <= 2100 or value < 10 or _day_of_month(text, match):
            return match.group(0)
        return f"{round(value * factor):,}"

    return re.sub(r"(?<![\d:.-])\d{1,3}(?:,\d{3})+(?![\d:])|(?<![\d:.-])\d{2,}(?![\d:.-])", scale, text)


_MONTH_OR_DAY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
_BEFORE_DAY = re.compile(_MONTH_OR_DAY + r",? $")
_AFTER_DAY = re.compile(r"(?:st|nd|rd|th)? " + _MONTH_OR_DAY)


def _day_of_month(text: str, match: re.Match[str]) -> bool:
    """A number written as a day of the month ("18 March", "March 18", "Wednesday 19"): kept, as
    years are. Scaled, it made dates no calendar has ("52 March 1992"). Until 2026-12-07 it was
    scaled, and the date readers of every synthetic pile's cleaning tried each of dateparser's
    locales on such a date, about 1.5-3 s a process. On 181 real pages (the article extraction
    benchmark's), htmldate's extensive date search added 0.24 s in all."""
    before = _BEFORE_DAY.search(text, max(0, match.start() - 12), match.start())
    return before is not None or _AFTER_DAY.match(text, match.end()) is not None


_SENTENCE_END = re.compile(r"(?<=[a-z]\.) (?=[A-Z])")


def _again(text: str, again: int) -> str:
    """``text`` told again (``again`` > 0: a story's article beyond one a template): a sentence more
    after the first sentence of its first paragraph of 20 words or more, so that it is a near copy
    of the first telling and not alike in every field (crosswire reads such copies once; until
    2026-12-07 this generator wrote them, and a pile of ten articles a story held four copies of
    its first six)."""
    if not again:
        return text
    start = max(text.find("<article"), 0)  # (in a page, after its banners)
    for found in _SENTENCE_END.finditer(text, start):
        begins, ends = text.rfind("\n", 0, found.start()) + 1, text.find("\n", found.end())
        if len(text[begins : ends if ends >= 0 else None].split()) >= 20:
            told = f"This report was filed again, version {again + 1}. "
            return text[: found.end()] + told + text[found.end() :]
    return text


def _record(record: dict[str, object], plan: tuple[dict[str, str], float, int], again: int) -> str:
    """A JSON line of the sample's feed, its strings varied by the story's ``plan`` (names, factor,
    year: ``_vary``) and told again (``_again``)."""
    names, factor, year = plan

    def told(value: object) -> object:
        return _again(_vary(value, names, factor, year), again) if isinstance(value, str) else value

    return json.dumps({key: told(value) for key, value in record.items()})


def make_pile(
    out: Path,
    articles: int,
    stories: int,
    seed: int = 1,
    own_names: bool = False,
) -> list[Path]:
    """Write ``articles`` files telling ``stories`` stories into ``out``; returns their paths.
    ``own_names``: no two stories share one of the names in ``NAMES`` (see the module's note).

    Raises:
        ValueError: more stories with ``own_names`` than there are words for."""
    words = len(SYLLABLES) ** 3 + len(SYLLABLES) ** 4
    if own_names and stories * len(NAMES) > words:
        raise ValueError(f"--own-names: {stories:,} stories need more names than {words:,} words")
    rng = random.Random(seed)
    used: set[str] = set()
    word = (lambda: _own_word(rng, used)) if own_names else (lambda: _word(rng))
    templates = sorted(p for p in SAMPLE.iterdir() if p.suffix in (".txt", ".md", ".html", ".jsonl"))
    texts = {
        p: p.read_bytes().decode("utf-8", errors="replace")
        if p.name != "opinion.txt"
        else p.read_bytes().decode("cp1252")
        for p in templates
    }
    out.mkdir(parents=True, exist_ok=True)
    plans = []
    for _ in range(stories):  # each story's names, factor for its figures, and year
        plans.append(({n: word() for n in NAMES}, rng.uniform(0.5, 3.0), rng.randint(1990, 2024)))
    written = []
    for index in range(articles):
        story = index % stories
        template = templates[(index // stories) % len(templates)]
        names, factor, year = plans[story]
        again = index // (stories * len(templates))  # (a story's articles beyond one a template)
        text = _again(_vary(texts[template], names, factor, year), again)
        target = out / f"s{story:04d}-a{index:05d}{template.suffix}"
        if template.suffix == ".jsonl":
            lines = [json.loads(line) for line in texts[template].splitlines() if line.strip()]
            text = "".join(_record(line, plans[story], again) + "\n" for line in lines)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def measured_piles(
    script: str,
    sizes: list[int],
    *arguments: str,
    per_story: int = 10,
    own_names: bool = False,
) -> list[dict[str, object]]:
    """For each size: a pile of that many articles (one story per ``per_story``; ``own_names``:
    see ``make_pile``) in a temporary folder, measured by ``script --measure PILE *arguments`` in a
    fresh process, whose last line of output is a JSON object; those objects, each with its
    ``articles``."""
    rows: list[dict[str, object]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            pile = Path(tmp) / "pile"
            harness.progress(f"{size:,} articles: writing the pile")
            make_pile(pile, size, max(1, size // per_story), own_names=own_names)
            harness.progress(f"{size:,} articles: reading and sorting it")
            out = subprocess.run(
                [sys.executable, script, "--measure", str(pile), *arguments], capture_output=True, text=True, check=True
            )
            rows.append({"articles": size, **json.loads(out.stdout.strip().splitlines()[-1])})
            harness.progress(json.dumps(rows[-1]))
    return rows


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("out")
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--stories", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--own-names", action="store_true", help="stories share no invented name")
    args = parser.parse_args()
    paths = make_pile(Path(args.out), args.articles, args.stories, args.seed, args.own_names)
    print(f"wrote {len(paths)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
