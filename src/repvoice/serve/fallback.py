"""Remote calls that a sick backend cannot turn against the service.

- One deadline per call, retries included: past it the request gets the local answer.
- At most `limit` calls in flight. A slot is held until the worker thread really returns, not
  just until the request gives up, so a backend that drips bytes or hangs cannot pile up
  threads or connections; when no slot is free the call is not made at all.
- A circuit breaker: `failures` failed calls in a row open it, and no call is made while it is
  open. After `cooldown` seconds one probe call goes through (half-open): its success closes the
  circuit, its failure opens it again for another cooldown.

Every failed call is logged with its reason, credentials hidden.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import anyio
import anyio.to_thread

from repvoice.backends import Backend, Reply, Request
from repvoice.redact import redact

log = logging.getLogger("repvoice.serve")

CircuitState = Literal["closed", "open", "half_open"]
#: What became of one fallback request: answered, failed (error or timeout), invalid (not a
#: workout set), circuit_open (not asked: the circuit is open), busy (not asked: every slot
#: is taken).
Outcome = Literal["answered", "failed", "invalid", "circuit_open", "busy"]
#: Gauge values of the circuit states, in the metrics.
CIRCUIT_LEVELS: dict[CircuitState, int] = {"closed": 0, "half_open": 1, "open": 2}


class CircuitBreaker:
    """Closed, open after `failures` failures in a row, half-open (one probe) after `cooldown`
    seconds open. Thread-safe."""

    def __init__(
        self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._state: CircuitState = "closed"
        self._failed_in_row = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> CircuitState:
        return self._state

    def allow(self) -> bool:
        """True when a call may be made now (in half-open state, for the one probe only)."""
        with self._lock:
            if self._state == "closed":
                return True
            if self._state == "open" and self._clock() - self._opened_at >= self.cooldown:
                self._state = "half_open"
                self._probing = False
            if self._state == "half_open" and not self._probing:
                self._probing = True
                return True
            return False

    def release(self) -> None:
        """A call allowed by `allow` was not made after all: let another one probe."""
        with self._lock:
            self._probing = False

    def succeeded(self) -> CircuitState:
        """Record a call that got an answer; returns the state before it."""
        with self._lock:
            before = self._state
            self._state, self._failed_in_row, self._probing = "closed", 0, False
            return before

    def failed(self) -> CircuitState:
        """Record a call that got no answer; returns the state before it."""
        with self._lock:
            before = self._state
            self._failed_in_row += 1
            self._probing = False
            if self._state == "half_open" or self._failed_in_row >= self.failures:
                self._state = "open"
                self._opened_at = self._clock()
            return before


@dataclass(frozen=True, slots=True)
class Attempt:
    """One fallback request: the reply (None when there is none to use) and what happened."""

    reply: Reply | None
    outcome: Outcome
    reason: str | None = None


class GuardedBackend:
    """A backend behind a deadline, a bound on calls in flight and a circuit breaker.

    `label` names it in logs (never its URL). `on_change` is told of every change of the
    circuit state and of the calls in flight, for the metrics.
    """

    def __init__(
        self,
        label: str,
        backend: Backend,
        *,
        deadline: float,
        limit: int,
        breaker: CircuitBreaker,
        on_change: Callable[[GuardedBackend], None] | None = None,
    ) -> None:
        self.label = label
        self.backend = backend
        self.deadline = deadline
        self.limit = limit
        self.breaker = breaker
        self._on_change = on_change
        self._lock = threading.Lock()
        self._in_flight = 0
        # Made on first use, inside the event loop; one of its own so that stuck calls never
        # take the threads other work (static files, the default pool) needs.
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def in_flight(self) -> int:
        """Calls whose worker thread has not returned yet (abandoned ones included)."""
        return self._in_flight

    @property
    def state(self) -> CircuitState:
        return self.breaker.state

    async def call(self, request: Request) -> Attempt:
        """Ask the backend, within the deadline, if the circuit and a free slot allow."""
        if not self.breaker.allow():
            return Attempt(None, "circuit_open", f"{self.label}: circuit open")
        if not self._take_slot():
            self.breaker.release()
            return Attempt(None, "busy", f"{self.label}: {self.limit} calls already in flight")
        self._changed()
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.limit)
        reply: Reply | None = None
        # "pending" until the worker thread takes the call ("running"), or until the request
        # gives up first ("dropped"): exactly one of the two frees the slot.
        state = ["pending"]

        def run() -> Reply | None:
            with self._lock:
                if state[0] == "dropped":
                    return None
                state[0] = "running"
            try:
                return self.backend.parse(request)
            finally:
                self._free_slot()  # only now, when the thread is done, is the slot free

        try:
            with anyio.move_on_after(self.deadline):
                reply = await anyio.to_thread.run_sync(
                    run, abandon_on_cancel=True, limiter=self._limiter
                )
        except Exception as exc:  # a backend's own bug must not become a 500
            return self._failed(f"{type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                dropped = state[0] == "pending"
                state[0] = "dropped" if dropped else state[0]
            if dropped:
                self._free_slot()
        if reply is None:
            return self._failed(f"no answer within {self.deadline:g} s")
        if reply.error is not None:
            return self._failed(reply.error)
        self._record(self.breaker.succeeded())
        if not reply.schema_valid or reply.data is None:
            reason = redact(f"{self.label}: invalid answer: {reply.schema_error}")
            log.warning("fallback %s", reason)
            return Attempt(None, "invalid", reason)
        return Attempt(reply, "answered")

    def _free_slot(self) -> None:
        with self._lock:
            self._in_flight -= 1
        self._changed()

    def _take_slot(self) -> bool:
        with self._lock:
            if self._in_flight >= self.limit:
                return False
            self._in_flight += 1
            return True

    def _failed(self, error: str) -> Attempt:
        reason = redact(f"{self.label}: {error}")
        log.warning("fallback %s failed: %s", self.label, redact(error))
        self._record(self.breaker.failed())
        return Attempt(None, "failed", reason)

    def _record(self, before: CircuitState) -> None:
        after = self.breaker.state
        if after != before:
            if after == "open":
                log.warning(
                    "fallback %s: circuit open after %s; answers stay local for %g s",
                    self.label,
                    "a failed probe" if before == "half_open" else "repeated failures",
                    self.breaker.cooldown,
                )
            else:
                log.warning("fallback %s: circuit %s again", self.label, after)
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)
