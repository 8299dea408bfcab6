"""Retries with exponential backoff and jitter for transient failures.

A call signals a failure worth retrying (429, 5xx, 408, timeouts, dropped connections) with
`Transient`, anything else with `Permanent`. A server's Retry-After is honoured when it is no
longer than `max_retry_after`; a longer one ends the retries at once, since waiting that long
would stall a whole evaluation run.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

#: HTTP statuses worth another try.
RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})


class CallFailed(Exception):
    """A call that produced no answer; `str()` is the message for `Reply.error`."""


class Transient(CallFailed):
    """A failure that may pass: retry, after `retry_after` seconds if the server said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Permanent(CallFailed):
    """A failure that another try will not fix (bad request, bad key, unknown model)."""


def is_retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or status >= 500


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Seconds to wait from `retry-after-ms` (OpenAI) or `Retry-After` (seconds or HTTP date)."""
    if not headers:
        return None
    lower = {k.lower(): v for k, v in headers.items()}
    if (ms := lower.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = lower.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`retries` further attempts after the first; delays double from `base_delay` up to
    `max_delay`, each drawn from [delay/2, delay] so that parallel callers spread out."""

    retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return random.uniform(ceiling / 2, ceiling)

    def call(self, fn: Callable[[], T], *, sleep: Callable[[float], None] = time.sleep) -> T:
        """`fn()`, retried on `Transient`; raises the last `CallFailed` when attempts run out."""
        attempt = 0
        while True:
            try:
                return fn()
            except Transient as exc:
                if attempt >= self.retries:
                    tries = attempt + 1
                    raise Transient(f"{exc} (after {tries} attempt{'s' * (tries > 1)})") from exc
                if exc.retry_after is not None and exc.retry_after > self.max_retry_after:
                    raise Permanent(
                        f"{exc} (server asks to retry after {exc.retry_after:.0f} s)"
                    ) from exc
                sleep(self.delay(attempt, exc.retry_after))
                attempt += 1
