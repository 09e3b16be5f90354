"""Fetching one document over HTTP(S), carefully: http and https only, a timeout for the
whole download, a size limit, no proxies, and no loopback or private addresses unless the
settings allow them (``fetch.allow_private``).

The address check is made on the address actually connected to, for the first request and
for every redirect, so neither a redirect nor a DNS answer that changes between look-up and
connection can lead a fetch to a service behind the firewall.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from eventscope.errors import InputError
from eventscope.settings import Fetch

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ALLOWED_SCHEMES = ("http", "https")
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Fetched:
    """A downloaded document: its bytes, the URL it came from (after redirects) and its
    declared content type (lower case, without parameters; "" when none)."""

    url: str
    content_type: str
    data: bytes


def is_url(path: str) -> bool:
    """True for anything with a scheme ("https://...", "file://...", "ftp://..."): it is
    fetched or refused as a URL, never opened as a file."""
    return bool(_SCHEME.match(path))


def fetch(url: str, *, policy: Fetch) -> Fetched:
    """Download ``url`` under ``policy``; raises InputError naming the URL and the reason.

    Refused: schemes other than http and https (file://, ftp:// ...), addresses that are not
    public unless ``policy.allow_private``, responses over ``policy.max_bytes`` and
    downloads slower than ``policy.timeout`` seconds in all.
    """
    check_scheme(url)
    opener = _opener(policy)
    request = urllib.request.Request(url, headers={"User-Agent": policy.user_agent})
    deadline = time.monotonic() + policy.timeout
    try:
        with opener.open(request, timeout=policy.timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                raise InputError(url, _too_large(int(declared), policy))
            data = _read_limited(response, url, policy, deadline)
            content_type = response.headers.get_content_type() or ""
            final = response.geturl() or url
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP error {exc.code} ({exc.reason})") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, _Refused):
            raise InputError(url, str(exc.reason)) from None
        raise InputError(url, f"cannot fetch it: {exc.reason}") from None
    except TimeoutError:
        raise InputError(
            url, f"timed out after {policy.timeout:g} s (settings: fetch.timeout)"
        ) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise InputError(url, f"cannot fetch it: {exc}") from None
    return Fetched(url=final, content_type=content_type.lower(), data=data)


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        raise InputError(url, f"{scheme}:// is not fetched; only http and https URLs are")
    if not urlsplit(url).hostname:
        raise InputError(url, "no host name in the URL")


def _read_limited(response: Any, url: str, policy: Fetch, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > policy.max_bytes:
            raise InputError(url, _too_large(size, policy, more=True))
        if time.monotonic() > deadline:
            raise InputError(
                url, f"timed out after {policy.timeout:g} s (settings: fetch.timeout)"
            ) from None
        parts.append(chunk)
    return b"".join(parts)


def _too_large(size: int, policy: Fetch, *, more: bool = False) -> str:
    return (
        f"{'more than ' if more else ''}{policy.max_bytes if more else size:,} bytes, too large: "
        f"over the limit of {policy.max_bytes:,} bytes (settings: fetch.max_bytes)"
    )


def refusal(address: str) -> str | None:
    """Why an IP address must not be fetched from (None when it is a public address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, kind in (
        (ip.is_loopback, "a loopback"),
        (ip.is_private, "a private"),
        (ip.is_link_local, "a link-local"),
        (ip.is_multicast, "a multicast"),
        (ip.is_unspecified, "an unspecified"),
        (ip.is_reserved, "a reserved"),
    ):
        if test:
            return (
                f"refused: {address} is {kind} address (settings: fetch.allow_private = true "
                "allows it)"
            )
    return None


def _guarded_connection(allow_private: bool) -> Any:
    """``socket.create_connection`` that connects only to permitted addresses."""

    def create_connection(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        refused: str | None = None
        error: OSError | None = None
        for family, kind, proto, _name, peer in socket.getaddrinfo(
            host, port, 0, socket.SOCK_STREAM
        ):
            why = None if allow_private else refusal(str(peer[0]))
            if why is not None:
                refused = why
                continue
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not None:
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(peer)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        if error is None and refused is not None:
            raise _Refused(refused)
        raise error or OSError(f"cannot resolve {host}")

    return create_connection


class _Refused(OSError):
    """An address refusal travelling through urllib (which wraps OSErrors in URLError)."""


def _opener(policy: Fetch) -> urllib.request.OpenerDirector:
    connect = _guarded_connection(policy.allow_private)

    class GuardedHTTP(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class GuardedHTTPS(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(GuardedHTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(GuardedHTTPS, req)

    opener = urllib.request.OpenerDirector()
    for handler in (
        HTTPHandler(),
        HTTPSHandler(),
        _RedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        urllib.request.UnknownHandler(),
    ):
        opener.add_handler(handler)
    return opener


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) URLs only (never file:// or ftp://)."""

    max_redirections = 5

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        check_scheme(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)
