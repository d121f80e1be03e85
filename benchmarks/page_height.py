"""Height of the HTML dossier page at desktop and phone width, whole and section by section.

    python benchmarks/page_height.py [--corpus NAME=PATH ...] [--widths 1400 390] [--out page_height.json]

Analyses each corpus (default: the shipped sample and the reference corpus in ../shared, which is
left out with a note when absent), renders it with ``to_html`` as `crosswire analyze --html` does,
opens the page in Debian's Chromium at each width (JavaScript on, nothing clicked open) and reads
the page's scroll height and width and the height of each ``<section>``. Writes
benchmarks/results/<out>, with the commit of the crosswire it imported.

To measure an earlier renderer (issue 15, item 6: before and after), point PYTHONPATH at a checkout
of that commit and keep this script:

    git worktree add /tmp/before e0c7db5
    PYTHONPATH=/tmp/before/src python benchmarks/page_height.py --out page_height_before.json
    PYTHONPATH=src python benchmarks/page_height.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import _harness as harness  # noqa: E402
from _browser import launch  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "corpus" / "wagner-2023"
MEASURE = """() => ({
  height: document.documentElement.scrollHeight,
  width: document.documentElement.scrollWidth,
  sections: Object.fromEntries(Array.from(document.querySelectorAll("main > section[id]"))
    .map(s => [s.id, Math.round(s.getBoundingClientRect().height)])),
})"""


def imported() -> dict[str, Any]:
    """Which crosswire is measured: its folder, the commit checked out there, and whether src differs."""
    import crosswire

    folder = Path(crosswire.__file__).resolve().parent

    def git(*args: str) -> str:
        run = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
        return run.stdout.strip()

    commit, modified = git("rev-parse", "--short", "HEAD"), bool(git("status", "--porcelain", "."))
    return {"package": str(folder), "commit": commit, "src_modified": modified}


def corpora(given: list[str]) -> dict[str, Path]:
    """NAME=PATH pairs, or the sample and (when present) the reference corpus."""
    if given:
        return {name: Path(path) for name, _, path in (g.partition("=") for g in given)}
    found = {"sample": harness.SAMPLE}
    if REFERENCE.is_dir():
        found["reference"] = REFERENCE
    else:
        harness.progress(f"reference corpus not found at {REFERENCE}: measuring the sample only")
    return found


def measure(html: Path, widths: list[int]) -> dict[int, dict[str, Any]]:
    """Scroll height, scroll width and section heights of the page at each viewport width."""
    from playwright.sync_api import sync_playwright

    out: dict[int, dict[str, Any]] = {}
    with sync_playwright() as p:
        browser = launch(p)
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(html.as_uri(), wait_until="load")
            out[width] = page.evaluate(MEASURE)
            page.close()
        browser.close()
    return out


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--corpus", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--widths", type=int, nargs="+", default=[1400, 390])
    parser.add_argument("--out", default="page_height.json", help="results file under benchmarks/results")
    args = parser.parse_args()
    from crosswire.analysis.pipeline import analyze, load_pipeline
    from crosswire.output.html import to_html
    from crosswire.settings import Settings

    settings = Settings(progress=False)
    nlp = load_pipeline(settings.spacy_model)
    results: dict[str, Any] = {**imported(), "widths": args.widths, "pages": {}}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in corpora(args.corpus).items():
            harness.progress(f"analysing {name} ({path})")
            dossier = analyze([str(path)], settings, nlp=nlp)
            html = Path(tmp) / f"{name}.html"
            html.write_text(to_html(dossier, "bench"), encoding="utf-8")
            sizes = measure(html, args.widths)
            results["pages"][name] = {
                "documents": len(dossier.documents),
                "claims": len(dossier.claims),
                "html_bytes": html.stat().st_size,
                "widths": {str(w): m for w, m in sizes.items()},
            }
            for width, m in sizes.items():
                claims = m["sections"].get("claims", 0)
                rows.append((name, width, m["height"], m["width"], claims))
    print(f"crosswire at {results['commit']}{' (modified)' if results['src_modified'] else ''}: {results['package']}")
    print(harness.table(["page", "viewport px", "height px", "scroll width px", "claims section px"], rows))
    harness.write_json(args.out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
