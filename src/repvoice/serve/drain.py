"""Draining: from SIGTERM (or SIGINT) until the process exits, `/readyz` answers 503.

The server (uvicorn) handles the stop signal itself: it stops accepting connections and lets the
requests in flight finish. `draining()` wraps the server's handler so the service also knows it
is stopping, and readiness probes fail from the moment the signal arrives.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def draining(on_stop: Callable[[], None]) -> Iterator[None]:
    """Call `on_stop` on a stop signal, then the handler that was installed before.

    Does nothing outside the main thread or when no Python handler is installed (the app run
    in-process, e.g. by a test client): a stop signal there is not ours to take over.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    for sig in STOP_SIGNALS:
        handler = signal.getsignal(sig)
        if callable(handler):
            previous[sig] = handler
            signal.signal(sig, _chain(on_stop, handler))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _chain(
    on_stop: Callable[[], None], handler: Callable[[int, FrameType | None], Any]
) -> Callable[[int, FrameType | None], None]:
    def handle(signum: int, frame: FrameType | None) -> None:
        on_stop()
        handler(signum, frame)

    return handle
