"""Screenshots of the page over a large database, with checks an analyst would make by eye.

CI cannot build a 5,000-article database in its time, so this test runs only when
``EVENTSCOPE_SCREENSHOT_DB`` names one (e.g. ``eventscope ingest
../shared/corpus/abp-5k.jsonl --db abp.duckdb --workers 2``, 14 minutes):

    EVENTSCOPE_SCREENSHOT_DB=abp.duckdb python -m pytest tests/serve/test_large_database.py

It saves overview, event, map-zoomed and network screenshots to
``test-artifacts/large-database/`` and checks that the page drew without script errors or
requests elsewhere, that the automatic timeline ends on the data's last day, that no two
network labels overlap, and that no pronoun stands as a network actor.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DB = os.environ.get("EVENTSCOPE_SCREENSHOT_DB", "")
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "large-database"
PRONOUNS = {"i", "we", "you", "he", "she", "it", "they", "them", "us", "him", "her", "me"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DB, reason="EVENTSCOPE_SCREENSHOT_DB names no database"),
]


def test_screenshots_of_a_large_database() -> None:
    from browser_kit import check_network_labels, launch, local_page, serving
    from playwright.sync_api import sync_playwright
    from take_screenshots import take

    from eventscope.serve import create_app
    from eventscope.settings import Server, Settings

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app = create_app(Path(DB), settings=Settings(server=Server(token="")))
    with serving(app) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page, elsewhere, errors = local_page(browser, base_url)
            saved = take(page, base_url, ARTIFACTS, timeout=180_000)
            facets = page.evaluate("() => fetch('/api/facets').then((r) => r.json())")
            page.goto(base_url + "/")
            page.wait_for_selector("#timeline svg[data-last-day]", timeout=180_000)
            last_day = page.locator("#timeline svg").get_attribute("data-last-day")
            page.wait_for_selector("#network svg text.label", timeout=180_000)
            names = check_network_labels(page)  # inside the drawing, no two overlapping
        finally:
            browser.close()
    assert [p.name for p in saved] == ["overview.png", "event.png", "map-zoomed.png", "network.png"]
    assert not errors and not elsewhere, (errors, elsewhere)
    assert last_day == facets["last_day"]
    assert len(names) >= 10
    assert not {n.strip().lower() for n in names} & PRONOUNS, names
