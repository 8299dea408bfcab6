"""One pure-ASGI middleware in front of every route: auth, the body-size limit, and metrics.

Pure ASGI (not Starlette's BaseHTTPMiddleware) keeps the per-request cost to a few microseconds
and lets streamed responses through untouched.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from repvoice.serve.errors import TWO_AUTHORIZATIONS, UNAUTHORIZED, error_body, too_large
from repvoice.serve.limits import MAX_BODY_BYTES
from repvoice.serve.metrics import Metrics
from repvoice.serve.security import OPEN_PREFIXES, BearerAuth

#: The docs page's assets, counted under one label.
ASSETS_PREFIX = OPEN_PREFIXES[0]


class ServiceMiddleware:
    """Rejects unauthorised and oversized requests before any route runs; counts everything."""

    def __init__(
        self, app: ASGIApp, *, auth: BearerAuth, metrics: Metrics, endpoints: frozenset[str]
    ) -> None:
        self.app = app
        self.auth = auth
        self.metrics = metrics
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        # Unknown paths share one label, so scanners cannot blow up the metric's cardinality.
        if path in self.endpoints:
            endpoint = path
        elif path.startswith(ASSETS_PREFIX):
            endpoint = ASSETS_PREFIX.rstrip("/")
        else:
            endpoint = "other"
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            authorizations: list[bytes] = []
            length: bytes | None = None
            for name, value in scope["headers"]:
                if name == b"authorization":
                    authorizations.append(value)
                elif name == b"content-length":
                    length = value
            if len(authorizations) > 1:
                # Proxies and servers disagree on which of two wins: take neither.
                await _reply(send_status, 400, TWO_AUTHORIZATIONS)
            elif not self.auth.allows(path, authorizations[0] if authorizations else None):
                await _reply(
                    send_status,
                    401,
                    UNAUTHORIZED,
                    {b"www-authenticate": b'Bearer realm="repvoice"'},
                )
            elif length is not None and not length.isdigit():
                await _reply(send_status, 400, "Content-Length is not a number")
            elif length is not None and int(length) > MAX_BODY_BYTES:
                await _reply(
                    send_status,
                    413,
                    too_large(MAX_BODY_BYTES),
                    {b"connection": b"close"},
                )
            else:
                await self.app(scope, receive, send_status)
        finally:
            self.metrics.requests.labels(endpoint, str(status)).inc()
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - start)


async def _reply(
    send: Send, status: int, message: str, headers: dict[bytes, bytes] | None = None
) -> None:
    body = error_body(status, message)
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += list((headers or {}).items())
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
