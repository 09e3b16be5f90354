"""What the browser tests and take_screenshots.py share: serving an app on a free local port
in a thread, and Debian's Chromium started by Playwright with nothing reaching the network."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, Page, Playwright

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
VIEWPORT = {"width": 1400, "height": 1400}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yields its base URL, stops it on exit."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("the server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), "
            "as .ci/run does"
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def local_page(browser: Browser, base_url: str) -> tuple[Page, list[str], list[str]]:
    """A page that may only reach ``base_url``: the page, the other URLs it asked for (aborted),
    and the script errors it raised."""
    page = browser.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
    elsewhere: list[str] = []
    errors: list[str] = []

    def only_local(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(base_url) or request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, elsewhere, errors


def ready(page: Page, timeout: float = 15_000) -> None:
    """Wait until every view of the page is drawn for the current filters."""
    page.wait_for_selector("body[data-ready=true]", timeout=timeout)


_LABEL_BOXES = """() => {
  const frame = document.querySelector("#network svg").getBoundingClientRect();
  const boxes = [...document.querySelectorAll("#network svg text.label")].map((t) => {
    const r = t.getBoundingClientRect();
    return { text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
  return { frame: { left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom },
    boxes };
}"""


def check_network_labels(page: Page) -> list[str]:
    """The network's labels; fails when one leaves the drawing or two overlap."""
    found = page.evaluate(_LABEL_BOXES)
    frame, boxes = found["frame"], found["boxes"]
    for box in boxes:
        assert frame["left"] <= box["left"] and box["right"] <= frame["right"], box
        assert frame["top"] <= box["top"] and box["bottom"] <= frame["bottom"], box
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["right"] <= b["left"] + 0.5
                or b["right"] <= a["left"] + 0.5
                or a["bottom"] <= b["top"] + 0.5
                or b["bottom"] <= a["top"] + 0.5
            )
            assert apart, (a, b)
    return [box["text"] for box in boxes]
