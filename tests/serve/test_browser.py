"""The web page in a real browser: Debian's Chromium driven by Playwright, against the server
on a free port over a database coded from texts written in serve_sample.py.

Chromium is part of the test set-up (`.ci/run` installs Debian's `chromium` when missing): a
missing browser fails this test rather than skipping it. Screenshots are kept in
test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, expect, sync_playwright
from serve_sample import NEW_TEXT, build_database

from eventscope.pipeline import Pipeline
from eventscope.serve import create_app
from eventscope.settings import Server, Settings, load_settings

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TOKEN = "browser-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, nlp) -> Iterator[str]:  # type: ignore[no-untyped-def]
    # The lexicon coder: its events on the sample are fixed (what is tested is the page).
    pipeline = Pipeline(load_settings().replace(event_coder="lexicon"), nlp=nlp)
    db = build_database(tmp_path_factory.mktemp("browser") / "events.duckdb", pipeline)
    settings = Settings(server=Server(token=TOKEN))
    app = create_app(db, settings=settings, pipeline=pipeline)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser_page(base_url: str) -> Iterator[tuple[Page, list[str]]]:
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), "
        "as .ci/run does"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        elsewhere: list[str] = []  # requests to anywhere but this server: there must be none

        def only_local(route, request) -> None:  # type: ignore[no-untyped-def]
            if request.url.startswith(base_url) or request.url.startswith("data:"):
                route.continue_()
            else:
                elsewhere.append(request.url)
                route.abort()

        page.route("**/*", only_local)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page, elsewhere
        browser.close()
        assert not errors, errors


def _ready(page: Page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)


def test_page_filters_and_shows_highlighted_evidence(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    # Every view is drawn: map points, timeline bars, network edges, event rows.
    expect(page.locator("#summary")).to_contain_text("3 articles")
    assert page.locator("#map svg .world path").count() > 100
    assert page.locator("#map circle.point").count() >= 3
    assert page.locator("#timeline rect.bar").count() >= 3
    assert page.locator("#network line.edge").count() >= 3
    all_rows = page.locator("#events tbody tr").count()
    assert all_rows >= 5

    # A filter updates every view: only Kenya.
    page.select_option("#f-country", "KEN")
    _ready(page)
    expect(page.locator("#events-note")).not_to_contain_text(f"{all_rows} events")
    rows = page.locator("#events tbody tr")
    assert 0 < rows.count() < all_rows
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("KEN")
    assert page.locator("#map circle.point").count() == 1
    assert page.locator("#map circle.point").get_attribute("data-place") == "Mombasa"

    # Clicking an event shows its article with the sentence, trigger and actors highlighted.
    row = page.locator("#events tbody tr", has_text="fired tear gas").first
    row.click()
    trigger = page.locator("#detail .article .hl-trigger")
    expect(trigger).to_be_visible()
    expect(trigger).to_have_text("fired tear gas")
    expect(page.locator("#detail .article .hl-source").first).to_have_text("Kenyan police")
    expect(page.locator("#detail .article .hl-target").first).to_contain_text("protesters")
    expect(page.locator("#detail .article .hl-sentence").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-evidence.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"


def test_paste_box_codes_an_article_with_the_token(
    base_url: str, browser_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = browser_page
    page.goto(base_url + "/")
    _ready(page)
    page.fill("#p-text", NEW_TEXT)
    page.fill("#p-published", "2024-04-02")
    page.fill("#p-token", "wrong")
    page.click("#p-submit")
    expect(page.locator("#paste-result .error")).to_contain_text("403")
    page.fill("#p-token", TOKEN)
    page.click("#p-submit")
    expect(page.locator("#paste-result")).to_contain_text("Stored", timeout=30_000)
    expect(page.locator("#paste-result .article .hl-trigger").first).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("4 articles")
    page.screenshot(path=str(ARTIFACTS / "browser-paste.png"), full_page=True)
    assert not elsewhere, f"the page asked for other hosts: {elsewhere}"
