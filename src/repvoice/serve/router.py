"""Hybrid routing: the local parser first, a fallback LLM when the local answer is unsure.

For each request the local parser answers (in well under a millisecond). When its confidence is
below the route's threshold and a fallback is configured, the fallback is asked; its reply must be
one JSON object that fits `WorkoutSet`, and the exercise it names is resolved against the local
catalogue (an LLM's exercise id is never trusted). When the fallback fails, times out or answers
something unusable, the local answer is returned with `requires_confirmation: true`; so it is
when the circuit breaker keeps the fallback out or every fallback slot is taken (see `fallback`).
A local answer whose exercise came from the context but is not in the catalogue is unconfirmed.

A remote primary is asked for every request, with the local parser as the same safety net.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from repvoice.backends import BackendError, Request, get_backend, hybrid
from repvoice.parser.model import Parser
from repvoice.schema import Context, ParseResult
from repvoice.serve.config import (
    TASKS,
    ResolvedRoute,
    ServeConfig,
    Task,
    backend_label,
    is_local,
)
from repvoice.serve.fallback import CircuitBreaker, GuardedBackend, Outcome

#: The name `model_used` gives the in-process parser.
LOCAL = "local"


@dataclass(frozen=True, slots=True)
class Routed:
    """The answer to one request and who gave it.

    `fallback` is what happened with the remote backend: None (not asked), or an `Outcome`
    ("answered", "failed", "invalid", "circuit_open", "busy"); `fallback_error` says why it
    was not used (credentials hidden).
    """

    result: ParseResult
    model_used: str
    fallback: Outcome | None = None
    fallback_error: str | None = None


class Router:
    """Answers parse requests per task, as the config routes them. Thread-safe.

    `on_change` is told when a remote backend's circuit state or calls in flight change.
    """

    def __init__(
        self,
        parser: Parser,
        config: ServeConfig,
        on_change: Callable[[GuardedBackend], None] | None = None,
    ) -> None:
        self.parser = parser
        self.config = config
        self.routes: dict[Task, ResolvedRoute] = {task: config.route(task) for task in TASKS}
        self.backends: dict[str, GuardedBackend] = {}
        # The CRF tagger keeps per-call state, so local parses take turns (each is ~0.5 ms).
        self._lock = threading.Lock()
        try:
            for route in self.routes.values():
                for name in (route.primary, route.fallback):
                    if name and not is_local(name) and name not in self.backends:
                        self.backends[name] = self._build(name, on_change)
        except BackendError:
            self.close()
            raise

    def _build(
        self, name: str, on_change: Callable[[GuardedBackend], None] | None
    ) -> GuardedBackend:
        spec = self.config.backend_spec(name)
        options: dict[str, Any] = {"cache": False, **spec.options}
        deadline = spec.timeout or self.config.fallback_timeout
        backend = get_backend(spec.uri, timeout=deadline, retries=spec.retries, **options)
        return GuardedBackend(
            backend_label(name),
            backend,
            deadline=deadline,
            limit=self.config.fallback_concurrency,
            breaker=CircuitBreaker(self.config.breaker_failures, self.config.breaker_cooldown),
            on_change=on_change,
        )

    def parse_local(self, text: str, context: Context | None) -> ParseResult:
        """The local parser's answer; unconfirmed when its exercise (from the context) is not
        in the catalogue."""
        with self._lock:
            result = self.parser.parse(text, context)
        return hybrid.checked_local(self.parser, result)

    def known(self, result: ParseResult) -> bool:
        """True when the answer names no exercise or one of the catalogue's."""
        return hybrid.known(self.parser, result)

    async def route(self, text: str, context: Context | None, task: Task) -> Routed:
        """Answer one request: local first, then the fallback when the route says so."""
        route = self.routes[task]
        local = self.parse_local(text, context)
        if not is_local(route.primary):
            return await self._ask(route.primary, text, context, local)
        if route.fallback is None or not hybrid.asks_fallback(local, route.threshold):
            return Routed(local, LOCAL)
        return await self._ask(route.fallback, text, context, local)

    async def _ask(
        self, name: str, text: str, context: Context | None, local: ParseResult
    ) -> Routed:
        guarded = self.backends[name]
        attempt = await guarded.call(Request(text, context))
        if attempt.reply is None or attempt.reply.data is None:
            return self._unconfirmed(local, attempt.outcome, attempt.reason)
        return Routed(self.merge(attempt.reply.data, local), guarded.label, "answered")

    @staticmethod
    def _unconfirmed(local: ParseResult, outcome: Outcome, error: str | None) -> Routed:
        return Routed(hybrid.unconfirmed(local), LOCAL, outcome, error)

    def merge(self, data: dict[str, Any], local: ParseResult) -> ParseResult:
        """A remote answer (already a valid `WorkoutSet` object) as a `ParseResult`: the
        exercise resolved against the local catalogue, the confidence capped."""
        cap = self.config.fallback_confidence_cap
        return hybrid.merge(self.parser, data, local, cap, self._lock)

    def resolve(self, ex_id: str | None, name: str | None) -> tuple[str | None, str | None, bool]:
        """(id, canonical name, found) for an exercise a remote answer named."""
        return hybrid.resolve(self.parser, ex_id, name, self._lock)

    def close(self) -> None:
        for guarded in self.backends.values():
            guarded.backend.close()
