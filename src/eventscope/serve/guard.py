"""What stands between a request and the database: the body size limit, the write token, and
response headers that keep the page offline and self-contained."""

from __future__ import annotations

import json
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The page loads nothing from elsewhere: scripts, styles, images and requests stay on this
# server (which also keeps it working offline).
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is answered 413 before the app sees
    it. A declared ``Content-Length`` over the limit is refused unread; a chunked body is
    counted as it arrives and refused as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _answer(send, 400, "Content-Length is not a number")
                return
            if too_big:
                await _answer(send, 413, self._message())
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _answer(send, 413, self._message())
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    def _message(self) -> str:
        return f"request body too large: at most {self.max_bytes:,} bytes (setting max_body_bytes)"


async def _answer(send: Send, status: int, message: str) -> None:
    body = json.dumps({"message": message, "detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class TokenError(Exception):
    """A write without the operator's token: 401 (none given) or 403 (wrong, or writes off)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def check_token(configured: str, authorization: str | None, header_token: str | None) -> None:
    """Accept ``Authorization: Bearer TOKEN`` or ``X-Eventscope-Token: TOKEN``, compared in
    constant time. Raises ``TokenError`` otherwise."""
    if not configured:
        raise TokenError(
            403,
            "writes are disabled: the operator set no token "
            "(eventscope serve --token, $EVENTSCOPE_TOKEN or [server] token)",
        )
    given = header_token
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given:
        raise TokenError(
            401, "a token is required to submit articles (Authorization: Bearer TOKEN)"
        )
    if not secrets.compare_digest(given.encode(), configured.encode()):
        raise TokenError(403, "wrong token")
