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

from repvoice.backends import BackendError, Request, get_backend
from repvoice.parser.model import Parser
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.tokens import PUNCT
from repvoice.schema import CONFIRMATION_THRESHOLD, Context, ParseResult, WorkoutSet
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
        if not result.requires_confirmation and not self.known(result):
            result = result.model_copy(update={"requires_confirmation": True})
        return result

    def known(self, result: ParseResult) -> bool:
        """True when the answer names no exercise or one of the catalogue's."""
        if result.exercise_id is None and result.exercise_name is None:
            return True
        return self.parser.knows(result.exercise_id, result.exercise_name)

    async def route(self, text: str, context: Context | None, task: Task) -> Routed:
        """Answer one request: local first, then the fallback when the route says so."""
        route = self.routes[task]
        local = self.parse_local(text, context)
        if not is_local(route.primary):
            return await self._ask(route.primary, text, context, local)
        if route.fallback is None or local.confidence >= route.threshold:
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
        result = local.model_copy(update={"requires_confirmation": True})
        return Routed(result, LOCAL, outcome, error)

    def merge(self, data: dict[str, Any], local: ParseResult) -> ParseResult:
        """A remote answer (already a valid `WorkoutSet` object) as a `ParseResult`: the
        exercise resolved against the local catalogue, the confidence capped."""
        fields = WorkoutSet.model_validate(data).model_dump()
        ex_id, ex_name, known = self.resolve(fields["exercise_id"], fields["exercise_name"])
        if ex_name is None:
            # The remote named no exercise: keep the one the local parser found (or context).
            ex_id, ex_name, known = local.exercise_id, local.exercise_name, self.known(local)
        confidence = min(fields["confidence"], self.config.fallback_confidence_cap)
        fields |= {"exercise_id": ex_id, "exercise_name": ex_name, "confidence": confidence}
        return ParseResult(
            **fields,
            requires_confirmation=confidence < CONFIRMATION_THRESHOLD or not known,
        )

    def resolve(self, ex_id: str | None, name: str | None) -> tuple[str | None, str | None, bool]:
        """(id, canonical name, found) for an exercise a remote answer named."""
        exercises = self.parser.resolver.exercises
        if name is None:
            if ex_id is not None and ex_id in exercises:
                return ex_id, exercises[ex_id].name, True
            return None, None, True
        if (
            ex_id is not None
            and ex_id in exercises
            and exercises[ex_id].name.lower() == (name.lower())
        ):
            return ex_id, exercises[ex_id].name, True
        by_name = self.parser.catalog.by_name(name)
        if by_name is not None and by_name.id in exercises:
            return self.parser.resolver.answer_id(by_name.id), by_name.name, True
        tokens = spoken_numbers(name)
        with self._lock:  # the resolver's fuzzy search is cheap but shares the parser
            match = self.parser.resolver.find(tokens)
        words = sum(1 for t in tokens if t.kind != PUNCT)
        # Only a match of the whole name counts: "Zorbulator Swings" is not "Kettlebell Swing".
        if match is not None and match.end - match.start >= words:
            return self.parser.resolver.answer_id(match.id), match.name, True
        # Unknown to the catalogue: keep the name for the user to confirm, but no made-up id.
        return None, name, False

    def close(self) -> None:
        for guarded in self.backends.values():
            guarded.backend.close()
