"""Screenshots of the web page over any eventscope database, for looking at the page by eye.

    python tests/serve/take_screenshots.py --db events.duckdb [--out screenshots/]

Starts the server on a free local port (read-only: no token), opens the page in Debian's
Chromium and saves overview.png, event.png (after clicking the first event), map-zoomed.png
and network.png. Not a test: pytest does not collect it (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from browser_kit import launch, local_page, ready, serving
from playwright.sync_api import Page, sync_playwright

from eventscope.serve import create_app
from eventscope.settings import Server, Settings


def take(page: Page, base_url: str, out: Path, *, timeout: float) -> list[Path]:
    """Go through the page's main views, saving one screenshot after each step."""
    saved: list[Path] = []

    def shot(name: str, selector: str | None = None) -> None:
        path = out / name
        if selector is None:
            page.screenshot(path=str(path), full_page=True)
        else:
            page.locator(selector).screenshot(path=str(path))
        saved.append(path)

    page.goto(base_url + "/")
    ready(page, timeout)
    shot("overview.png")
    rows = page.locator("#events tbody tr")
    if rows.count():
        rows.first.click()
        page.wait_for_selector("#detail .article", timeout=timeout)
        shot("event.png")
    # Zoom the map on its busiest marker: three steps of the wheel over it.
    marker = page.locator("#map circle.point").first
    if marker.count():
        box = marker.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            for _ in range(3):
                page.mouse.wheel(0, -400)
                page.wait_for_timeout(150)
    shot("map-zoomed.png", "#map-panel")
    shot("network.png", "#network-panel")
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="an eventscope database file")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder to write")
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for the page to draw"
    )
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"no database at {args.db}")
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_app(args.db, settings=Settings(server=Server(token="")))
    with serving(app) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page, elsewhere, errors = local_page(browser, base_url)
            saved = take(page, base_url, args.out, timeout=args.timeout * 1000)
        finally:
            browser.close()
    for path in saved:
        print(path)
    for problem in [*(f"script error: {e}" for e in errors), *elsewhere]:
        print(problem, file=sys.stderr)
    return 1 if errors or elsewhere else 0


if __name__ == "__main__":
    sys.exit(main())
