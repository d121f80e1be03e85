"""Screenshots of the HTML dossier at desktop and phone width, for 5-7 sources and for 30.

    python benchmarks/screenshots.py [--out docs/screenshots]

Uses Playwright for Python driving Debian's Chromium (/usr/bin/chromium); never downloads a browser.
The 30-source page is the sample dossier with its documents cloned under 30 outlet names (only to
check that the matrix stays readable); no analysis result is invented for a report.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import _harness as harness  # noqa: E402
from _browser import launch  # noqa: E402


def sample_dossier() -> dict:
    from crosswire.analysis.pipeline import analyze
    from crosswire.output.json import to_dict
    from crosswire.settings import Settings

    return to_dict(analyze([str(ROOT / "src" / "crosswire" / "sample")], Settings(progress=False)), "screenshot")


def widen(data: dict, sources: int) -> dict:
    """Clone documents (and the mentions citing them) until the dossier has ``sources`` documents."""
    wide = copy.deepcopy(data)
    originals = list(data["documents"])
    n = 0
    while len(wide["documents"]) < sources:
        doc = copy.deepcopy(originals[n % len(originals)])
        old = doc["id"]
        doc["id"] = f"{old}-copy{n}"
        doc["outlet"] = f"Regional Outlet {n + 1:02d}"
        wide["documents"].append(doc)
        for claim in wide["claims"]:
            claim["mentions"] += [dict(m, doc=doc["id"]) for m in claim["mentions"] if m["doc"] == old and n % 3 == 0]
        n += 1
    return wide


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from crosswire.output.html import to_html
    from crosswire.output.json import from_dict

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = sample_dossier()
    pages = {"sample": data, "sources30": widen(data, 30)}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = launch(p)
        for name, dossier in pages.items():
            path = Path(tmp) / f"{name}.html"
            path.write_text(to_html(from_dict(dossier), dossier["generator"]["version"]), encoding="utf-8")
            for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(path.as_uri())
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=False)
                page.locator("#matrix-section").scroll_into_view_if_needed()
                page.screenshot(path=str(out / f"{name}-{label}-matrix.png"), full_page=False)
                page.close()
        browser.close()
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
