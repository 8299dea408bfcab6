"""uvicorn's HTTP protocol with a read timeout: a client gets `REPVOICE_READ_TIMEOUT` seconds
(default 10) to send each whole request, headers and body.

uvicorn bounds only the idle time between requests (`timeout_keep_alive`); a client that opens
a connection and sends nothing, or a byte a second, holds it forever. Here a timer runs from the
connection (or the first byte of each further request) until the request is fully read. When it
fires, the client gets a 408 JSON error if no answer has started, and the connection is closed.

    uvicorn --factory repvoice.serve.app:app_from_env \
        --http repvoice.serve.protocol:TimedHttpToolsProtocol
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from repvoice.serve.errors import error_body

ENV_READ_TIMEOUT = "REPVOICE_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT = 10.0


def read_timeout() -> float:
    """The read timeout from the environment (the default when unset or not a positive number)."""
    try:
        value = float(os.environ.get(ENV_READ_TIMEOUT) or DEFAULT_READ_TIMEOUT)
    except ValueError:
        return DEFAULT_READ_TIMEOUT
    return value if value > 0 else DEFAULT_READ_TIMEOUT


class TimedHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` that closes connections whose request is not read in time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout()
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self) -> None:
        if self._read_timer is None:
            self._read_timer = self.loop.call_later(self.read_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        in_app = cycle is not None and not cycle.response_complete
        if not in_app or not cycle.response_started:
            body = error_body(
                408, f"request not received within {self.read_timeout:g} s; closing the connection"
            )
            head = (
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
            )
            self.transport.write(head + body)
        if in_app:
            # The route waiting for the rest of the body sees a disconnect, and its answer
            # (if any) is dropped rather than written after the 408.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()
