"""Browser tests: Playwright for Python driving Debian's Chromium against the app served on loopback."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, SETTINGS, served

from crosswire.stories.service import add_to_story, collect_files
from crosswire.stories.store import open_store

sys.path.insert(0, str(ROOT / "benchmarks"))
from _browser import CHROMIUM, launch  # noqa: E402  (shared with the screenshot and page-load scripts)

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
    assert page.locator("#matrix tbody tr").count() > 10
    page.locator("#brief a.src").first.click()
    assert page.url.split("#")[1].startswith("src-")
    context.close()
