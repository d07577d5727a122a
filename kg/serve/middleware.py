"""ASGI middleware of ``kg serve``: the Host check, a request-body limit, security headers."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "BodyLimit", "HostCheck", "SecurityHeaders", "host_name"]

# Pages load only this server's own style sheet: no script, font, image or tile from
# elsewhere, which also keeps them working offline.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


class BodyLimit:
    """Reads the whole request body first, refusing one larger than ``limit`` bytes with
    413; then runs the app, and cancels it when the client goes away.

    A client that leaves before its answer has no use for it: cancelled, a query stops
    holding its SPARQL worker (the pool kills and replaces that worker), where it once ran
    for the whole time limit and kept other clients waiting for a free worker.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, 413, f"request body larger than {self.limit} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _refuse(send, 413, f"request body larger than {self.limit} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await _run_until_disconnect(self.app, scope, b"".join(chunks), receive, send)


async def _run_until_disconnect(
    app: ASGIApp, scope: Scope, body: bytes, receive: Receive, send: Send
) -> None:
    """Run ``app`` on a request whose ``body`` was read whole, cancelling it as soon as
    ``receive`` says the client disconnected before the response was complete.

    With the body read, the next message the server has for this request is its end: the
    client's disconnect, or the end of the response. Only this function reads it; the
    app, once it had the body, is told of the disconnect too.
    """
    gone = anyio.Event()
    replayed = False
    responded = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send_noting_the_end(message: Message) -> None:
        nonlocal responded
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            responded = True
        await send(message)

    async with anyio.create_task_group() as group:

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()
            if not responded:
                group.cancel_scope.cancel()

        group.start_soon(watch)
        await app(scope, replay, send_noting_the_end)
        group.cancel_scope.cancel()


def host_name(header: str) -> str | None:
    """The host name a Host header gives (``[::1]:8626`` → ``::1``), or None if malformed."""
    try:
        parts = urlsplit("//" + header)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return parts.hostname or None


class HostCheck:
    """Refuses, with 400, a request whose Host header names another server than this one.

    Nothing the server sends is built from the Host header (absolute URLs come from its
    settings), but a forged Host is the first step of cache poisoning and DNS
    rebinding, so it is turned away at the door, decided on the parsed header.
    """

    def __init__(self, app: ASGIApp, allowed: Collection[str]) -> None:
        self.app = app
        self.allowed = frozenset(name.lower() for name in allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [value for name, value in scope.get("headers") or [] if name == b"host"]
        name = host_name(hosts[0].decode("latin-1")) if len(hosts) == 1 else None
        if name is None or name.lower() not in self.allowed:
            known = ", ".join(sorted(self.allowed))
            await _refuse(send, 400, f"unknown Host header: this server answers as {known}")
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """No MIME sniffing, no referrer; pages may load only this server's own style sheet."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                if (
                    content_type.startswith(b"text/html")
                    and b"content-security-policy" not in names
                ):
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
