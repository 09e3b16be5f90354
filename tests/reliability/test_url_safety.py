"""Issue 9, item 5: URLs in feeds and on the command line never reach local files or internal
addresses unless ``fetch.allow_private`` is set: not directly, not through a host name that
resolves to one, not through the odd spellings of an address, and not through a redirect.
(tests/ingest/test_sources.py has the address classifier and a loopback feed server.)
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventscope.errors import InputError
from eventscope.ingest import fetch as fetch_module
from eventscope.ingest import read_documents
from eventscope.ingest.fetch import fetch
from eventscope.records import Article, Failure
from eventscope.settings import Fetch

STORY = (
    "Police in Lagos arrested dozens of protesters on Monday after a march against fuel "
    "prices turned violent, the state government said in a statement."
)
PAGE = f"<html><head><title>Arrests</title></head><body><article><p>{STORY}</p></article></body>"
POLICY = Fetch(timeout=5)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "file:// is not fetched"),
        ("FILE:///etc/passwd", "file:// is not fetched"),
        ("gopher://127.0.0.1/", "gopher:// is not fetched"),
        ("http://localhost/feed.rss", "is a loopback address"),
        ("http://127.0.0.1:8080/feed.rss", "127.0.0.1 is a loopback address"),
        ("http://127.1/", "127.0.0.1 is a loopback address"),  # short form
        ("http://2130706433/", "127.0.0.1 is a loopback address"),  # decimal
        ("http://0x7f000001/", "127.0.0.1 is a loopback address"),  # hexadecimal
        ("http://[::1]/feed.rss", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://10.0.0.1/feed.rss", "10.0.0.1 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a private address"),
        ("http://0.0.0.0/", "0.0.0.0 is a private address"),
        ("http:///etc/passwd", "no host name in the URL"),
    ],
)
def test_local_and_internal_urls_are_refused_before_any_connection(url: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        fetch(url, policy=POLICY)
    assert caught.value.document == url and says in caught.value.reason, caught.value.reason
    if "address" in says:
        assert "fetch.allow_private" in caught.value.reason
    # The same through ingest: one failure naming the URL, and the batch goes on.
    (failure,) = read_documents([url], fetch=POLICY)
    assert isinstance(failure, Failure) and failure.document == url and says in failure.reason


def test_a_host_name_that_resolves_to_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = socket.getaddrinfo

    def resolve(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "news.example.org":  # a public-looking name with an internal address
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.20.30.40", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(InputError, match="10.20.30.40 is a private address"):
        fetch("http://news.example.org/feed.rss", policy=POLICY)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A web server on 127.0.0.1 whose /to/<target> answers a redirect to <target>."""
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self) -> None:
            if self.path.startswith("/to/"):
                self.send_response(302)
                self.send_header("Location", self.path.removeprefix("/to/"))
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def public_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.1 (the test server) as a public address; every other address keeps its
    real verdict, so 127.0.0.2 stands for an internal service behind a redirect."""
    real = fetch_module.refusal
    monkeypatch.setattr(
        fetch_module, "refusal", lambda address: None if address == "127.0.0.1" else real(address)
    )


@pytest.mark.usefixtures("public_loopback")
@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("http://127.0.0.2:{port}/page.html", "127.0.0.2 is a loopback address"),
        ("http://10.1.2.3/admin", "10.1.2.3 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a private address"),
        ("file:///etc/passwd", "file:///etc/passwd"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(server: str, target: str, says: str) -> None:
    assert isinstance(fetch(f"{server}/page.html", policy=POLICY), fetch_module.Fetched)
    port = server.rpartition(":")[2]
    url = f"{server}/to/{target.format(port=port)}"
    with pytest.raises(InputError) as caught:
        fetch(url, policy=POLICY)
    assert says in caught.value.reason, caught.value.reason
    # Allowed, the same redirect is followed (and finds nothing listening there).
    if "127.0.0.2" in target:
        with pytest.raises(InputError, match="cannot fetch it: .*Connection refused"):
            fetch(url, policy=Fetch(timeout=5, allow_private=True))


def test_feed_item_links_to_internal_addresses_are_refused_per_item(tmp_path: Path) -> None:
    links = [
        "file:///etc/passwd",
        "http://localhost:9/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/iam/",
    ]
    items = "".join(
        f"<item><title>Item {i}</title><link>{link}</link><description>{STORY}</description></item>"
        for i, link in enumerate(links)
    )
    feed = tmp_path / "wire.rss"
    feed.write_text(f"<rss><channel><title>Wire</title>{items}</channel></rss>", encoding="utf-8")
    # Links are only followed when asked; the items' own text is coded otherwise.
    assert all(isinstance(r, Article) for r in read_documents([str(feed)], fetch=POLICY))
    policy = Fetch(timeout=5, follow_links=True)
    results = list(read_documents([str(feed)], fetch=policy))
    assert [type(r) for r in results] == [Failure] * len(links)
    reasons = {r.document.rpartition("<")[2].rstrip(">"): r.reason for r in results}
    assert reasons["file:///etc/passwd"].startswith("file:// is not fetched")
    for link in links[1:]:
        assert "address (settings: fetch.allow_private = true allows it)" in reasons[link], reasons[
            link
        ]
