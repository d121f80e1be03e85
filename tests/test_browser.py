"""Browser tests: Playwright for Python driving Debian's Chromium against the app served on loopback,
at desktop (1400 px) and phone (390 px) width, checking what a reader sees."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SETTINGS, served

from crosswire.stories.service import add_to_story, collect_files
from crosswire.stories.store import open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from _browser import CHROMIUM, launch  # noqa: E402  (shared with the screenshot and page-load scripts)

WHOLE = "Orlevo blockade"  # the whole sample corpus: seven documents from six outlets
WHOLE_URL = "/stories/Orlevo%20blockade"
DESKTOP, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, nlp):
    db = tmp_path_factory.mktemp("browser") / "b.db"
    store = open_store(db)
    files, _ = collect_files(
        [str(SAMPLE / name) for name in ("wire_report.txt", "live_blog.md", "opinion.txt")], SETTINGS.max_file_bytes
    )
    add_to_story(store, "levy", files, SETTINGS, nlp=nlp)
    whole, _ = collect_files([str(SAMPLE)], SETTINGS.max_file_bytes)
    add_to_story(store, WHOLE, whole, SETTINGS, nlp=nlp)
    store.close()
    with served(db, nlp) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = launch(p)
        yield instance
        instance.close()


def test_browser_story_list_citation_and_sort(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.click("#stories a:text('levy')")
    page.wait_for_selector("#brief")
    citation = page.locator("#brief a.src").first
    target = citation.get_attribute("href").lstrip("#")
    citation.click()
    highlighted = page.locator(f"[id='{target}']")
    assert "hl" in (highlighted.get_attribute("class") or "")
    assert highlighted.is_visible()  # its <details> was opened
    read_orders = "rows => rows.map(r => Number(r.dataset.order))"
    before = page.locator("#matrix tbody tr").evaluate_all(read_orders)
    assert before != sorted(before)  # sorted by corroboration first
    page.click("button[data-sort='order']")
    assert page.locator("button[data-sort='order']").get_attribute("aria-pressed") == "true"
    assert page.locator("#matrix tbody tr").evaluate_all(read_orders) == sorted(before)
    page.close()


def test_browser_upload_makes_a_new_version(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server + "/stories/levy/upload")
    page.set_input_files("#files", str(SAMPLE / "feed.jsonl"))
    page.click("button[type=submit]")
    page.wait_for_selector(".version")
    assert page.locator(".version h2").first.inner_text() == "Version 2"
    assert "superseded" in page.locator(".version").first.inner_text()
    page.close()


def test_browser_pages_work_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/stories/levy")
    rows = page.locator("#matrix tbody tr")
    assert rows.count() > 10 and page.locator("#matrix tbody tr:visible").count() == rows.count()
    assert page.locator(".filters:visible, .sortbar:visible").count() == 0  # no control that would do nothing
    assert page.locator("#corroborated-claims .claim").first.is_visible()
    page.locator("#brief a.src").first.click()
    assert page.url.split("#")[1].startswith("src-")
    context.close()


# What a reader sees on a page: no sideways scroll, no word broken in a table header, everything inside.
LAYOUT = """() => {
  const broken = [];
  for (const th of document.querySelectorAll("th")) {
    if (!th.offsetParent) { continue; }
    const text = th.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE) { continue; }
    const words = text.data.matchAll(/\\S+/g);
    for (const word of words) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      if (range.getClientRects().length > 1) { broken.push(word[0]); }
    }
  }
  return {width: document.documentElement.scrollWidth, viewport: window.innerWidth, broken: broken};
}"""


def served_pages(server):
    """Every kind of page the app serves, with the whole-sample story where a story is needed."""
    return {
        "story list": server + "/",
        "dossier": server + WHOLE_URL,
        "one version": server + WHOLE_URL + "/versions/1",
        "versions": server + WHOLE_URL + "/versions",
        "upload": server + WHOLE_URL + "/upload",
        "error": server + "/stories/Lestovia%20nowhere",
    }


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400px", "390px"])
def test_browser_no_horizontal_scroll_on_any_served_page(server, browser, viewport):
    page = browser.new_page(viewport=viewport)
    for name, address in served_pages(server).items():
        page.goto(address)
        found = page.evaluate(LAYOUT)
        assert found["width"] <= found["viewport"], f"{name} scrolls sideways: {found['width']} px wide"
        assert found["broken"] == [], f"{name}: table headers broken mid-word: {found['broken']}"
    page.goto(server + WHOLE_URL + "/upload")
    card = page.locator("form.card").first.bounding_box()
    types = page.locator("form.card").first.get_by_text(".parquet").bounding_box()
    assert types["x"] + types["width"] <= card["x"] + card["width"]  # the accepted types stay on their card
    page.close()


def test_browser_matrix_shows_every_source_whole_on_a_phone(server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + WHOLE_URL)
    frame = page.locator("#matrix-section .matrix-wrap").bounding_box()
    headers = page.locator("#matrix th.src")
    assert headers.count() == 7
    for i in range(headers.count()):
        box = headers.nth(i).bounding_box()
        assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, i
        clipped = headers.nth(i).evaluate(
            "th => th.scrollHeight > th.clientHeight + 1 || th.scrollWidth > th.clientWidth + 1"
        )
        assert not clipped, headers.nth(i).inner_text()
    page.close()


def _visible_rows(page):
    return page.locator("#matrix tbody tr:visible")


def test_browser_filters_change_what_the_matrix_shows(server, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server + WHOLE_URL)
    bar = page.locator("#matrix-section .filters")
    total = page.locator("#matrix tbody tr").count()
    assert _visible_rows(page).count() == total and total > 100

    bar.locator("button[data-filter='corroborated']").click()
    corroborated = _visible_rows(page)
    count = int(re.search(r"\((\d+)\)", bar.locator("button[data-filter='corroborated']").inner_text())[1])
    assert 0 < corroborated.count() == count < total
    for text in corroborated.locator("td.claimtext").all_inner_texts():
        assert re.search(r"\b[2-9] sources\b", text), text  # each row says it has several sources
    assert f"Showing {count} of {total} claims" in bar.inner_text()
    # The claims section follows: only claims with several sources, the single-source tail hidden.
    assert page.locator("#claims .claim:visible").count() == count
    assert page.locator("#single-source").is_hidden()

    bar.locator("button[data-filter='contested']").click()
    for text in _visible_rows(page).locator("td.claimtext").all_inner_texts():
        assert "contested" in text

    bar.locator("button[data-filter='single']").click()
    single = _visible_rows(page)
    assert single.count() > count
    assert all("sources" not in t and "contested" not in t for t in single.locator("td.claimtext").all_inner_texts())
    assert page.locator("#single-source").evaluate("d => d.open")  # the folded tail is unfolded

    # By outlet: every row left has a mark under that outlet's column.
    bar.locator("button[data-filter='all']").click()
    headers = page.locator("#matrix thead th").all_inner_texts()
    column = next(i for i, h in enumerate(headers) if h == "The Orlevo Courier")
    bar.locator("select[data-outlet]").select_option(label="The Orlevo Courier")
    rows = _visible_rows(page)
    assert 0 < rows.count() < total
    marks = rows.evaluate_all(f"rows => rows.map(r => r.cells[{column}].textContent.trim())")
    assert all(marks), marks
    # Both filter bars show the same choice, and "all" from every outlet gives every claim back.
    assert page.locator("#claims .filters select[data-outlet]").input_value() == bar.locator("select").input_value()
    bar.locator("select[data-outlet]").select_option(value="")
    assert _visible_rows(page).count() == total
    page.close()


def test_browser_claims_strongest_first_and_tail_folded(server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + WHOLE_URL)
    groups = page.locator("#claims > .claim-group").evaluate_all("gs => gs.map(g => g.id)")
    assert groups == ["corroborated-claims", "contested-claims", "single-source"]
    tail = page.locator("#single-source")
    assert not tail.evaluate("d => d.open") and tail.locator(".claim").first.is_hidden()
    assert "single source" in tail.locator("summary").first.inner_text().lower()
    # The matrix's link to a folded claim opens the fold and shows the claim.
    folded = tail.locator(".claim").first.get_attribute("id")
    page.locator(f"#matrix a[href='#{folded}']").click()
    assert page.locator(f"[id='{folded}']").is_visible()
    page.close()


# Codes a reader should never see: snake_case words (file names such as live_blog.md excepted),
# spaCy labels, "unknown (unknown)", and counts whose noun disagrees with the number.
RAW = re.compile(r"(?<![\w./-])[a-z]+_[a-z_]+(?![\w.])|\b(?:PERSON|ORG|GPE|LOC|NORP|FAC)\b|unknown \(unknown\)")
BAD_PLURAL = re.compile(
    r"(?<![\d.,])(?<!of )\b1 (?:documents|claims|conflicts|entities|sources|independent sources|reports|"
    r"mentions|outlets|sentences|parts|entries|quotes)\b"
    r"|\b(?:0|[2-9]|\d\d+) (?:document|claim|conflict|source|outlet|sentence|part)\b(?! (?:said|says|of|from))"
)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400px", "390px"])
def test_browser_every_label_is_words(server, browser, viewport):
    page = browser.new_page(viewport=viewport)
    for name, address in served_pages(server).items():
        page.goto(address)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        # Article text and file names are the articles' and the user's own; the labels around them are ours.
        labels = page.evaluate(
            """() => { const copy = document.body.cloneNode(true);
              copy.querySelectorAll('.said, blockquote, .sentences p, pre, .claim-text, ol.brief li, #timeline li, '
                + '#quotes li, dd, td:first-child, .claimtext .text, title, .names').forEach(e => e.remove());
              return copy.innerText; }"""
        )
        assert RAW.findall(labels) == [], f"{name}: {RAW.findall(labels)}"
        assert BAD_PLURAL.findall(labels) == [], f"{name}: {BAD_PLURAL.findall(labels)}"
        facts = page.locator("dl.facts dd").all_inner_texts()
        assert not [f for f in facts if RAW.search(f) and "/" not in f], name
    page.close()


def test_browser_timeline_dots_say_which_entry_they_are(server, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server + WHOLE_URL)
    assert "Each dot is one source" in page.locator("#timeline").inner_text()
    pairs = page.locator("#timeline svg a").evaluate_all(
        """links => links.map(a => [a.querySelector('text').textContent,
            document.getElementById(a.getAttribute('href').slice(1)).value])"""
    )
    assert len(pairs) > 10 and all(int(drawn) == number for drawn, number in pairs)
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400px", "390px"])
def test_browser_dossier_page_is_not_a_scroll(server, browser, viewport):
    """The whole-sample dossier was 33,800 px tall at 1400 px and 63,300 px at 390 px (the claims
    section alone 22,300 and 41,600) before the single-source tail was folded away."""
    page = browser.new_page(viewport=viewport)
    page.goto(server + WHOLE_URL)
    height = page.evaluate("document.documentElement.scrollHeight")
    claims = page.locator("#claims").bounding_box()["height"]
    budget = 18_000 if viewport is DESKTOP else 32_000
    assert height < budget and claims < budget / 4, (height, claims)
    page.close()


def test_browser_filters_count_every_claim_when_the_table_holds_the_strongest_only(
    browser,
    sample_dossier,
    monkeypatch,
    tmp_path,
):
    """A story larger than the "who carries what" table: a filter's line counts the claims it shows
    in the claims section, which lists every claim, not the table's rows (the strongest only), and
    never says none matches while single-source claims are listed below. (The sample, with the
    table shrunk to 10 rows and 4 columns.)"""
    from crosswire.output import html

    monkeypatch.setattr(html, "MATRIX_ROWS", 10)
    monkeypatch.setattr(html, "MATRIX_COLUMNS", 4)
    path = tmp_path / "capped.html"
    path.write_text(html.to_html(sample_dossier), encoding="utf-8")
    page = browser.new_page(viewport=DESKTOP)
    page.goto(path.as_uri())
    bar = page.locator("#matrix-section .filters")
    button = bar.locator("button[data-filter='single']")
    button.click()
    single = int(re.search(r"\((\d+)\)", button.inner_text())[1])
    assert single > 10 and f"Showing {single} of {len(sample_dossier.claims)} claims" in bar.inner_text()
    assert page.locator("#claims .filters .shown").inner_text() == bar.locator(".shown").inner_text()
    page.close()
