"""What every LLM backend shares: messages, response cache, retries and judging the reply.

A subclass only sends one chat request (`_complete`), says which options decide the answer
(`model_options`) and what model answers (`_identify`); both are part of the cache key.
"""

from __future__ import annotations

import threading
import time
from abc import abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from repvoice.backends.answers import judge
from repvoice.backends.base import (
    Backend,
    BackendError,
    BackendUnreachable,
    Identity,
    Reply,
    Request,
)
from repvoice.backends.cache import CachedReply, ReplyCache, cache_key, default_cache_dir
from repvoice.backends.options import Options
from repvoice.backends.prompts import PROMPTS, build_messages
from repvoice.backends.retry import CallFailed, RetryPolicy
from repvoice.schema import strict_json_schema, workout_json_schema

ResponseFormat = Literal["json_schema", "json_object", "none"]
RESPONSE_FORMATS: tuple[str, ...] = ("json_schema", "json_object", "none")
#: VoiceFit's max_tokens (VOICEFIT.md §1b); one set is well under 100 tokens.
DEFAULT_MAX_TOKENS = 500
SCHEMA_NAME = "workout_set"


@dataclass(frozen=True, slots=True)
class Completion:
    """One successful chat call: the reply text and what it used."""

    raw: str | None
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: float | None = None


def response_format_body(mode: str, *, strict: bool) -> dict[str, Any] | None:
    """The OpenAI-style `response_format` for `mode`: the strict schema (OpenAI Structured
    Outputs) or the plain one (the compact form the training data uses), `json_object`, or none.
    """
    if mode == "json_schema":
        spec: dict[str, Any] = {"name": SCHEMA_NAME}
        if strict:
            spec |= {"strict": True, "schema": strict_json_schema()}
        else:
            spec["schema"] = workout_json_schema()
        return {"type": "json_schema", "json_schema": spec}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


class RemoteBackend(Backend):
    """An LLM reached over the network. Options common to all (see `read_common_options`):
    `cache` (bool, default True), `refresh` (bool, default False: ask again even when the
    cache has an answer, and store the new one), `temperature` (default 0), `max_tokens`
    (default 500),
    `response_format` ("json_schema" / "json_object" / "none"; default per backend),
    `default_prompt` ("inference" = VoiceFit §1b, default; "fallback" = §1c, which names the
    fields, for base models)."""

    default_response_format: ClassVar[str] = "json_schema"

    def __init__(
        self,
        uri: str,
        *,
        timeout: float,
        retries: int,
        cache_dir: Path | None,
        use_cache: bool,
        refresh: bool,
        temperature: float,
        max_tokens: int,
        response_format: str,
        default_prompt: str,
    ) -> None:
        self.uri = uri
        self.timeout = timeout
        self.policy = RetryPolicy(retries=retries)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.response_format = response_format
        self.default_prompt = PROMPTS[default_prompt]
        self.cache = ReplyCache(cache_dir or default_cache_dir()) if use_cache else None
        self.refresh = refresh
        self._identity: Identity | None = None
        self._identity_lock = threading.Lock()

    @classmethod
    def read_common_options(
        cls,
        scheme: str,
        cache_dir: Path | None,
        options: dict[str, Any],
        *,
        response_format: str | None = None,
    ) -> dict[str, Any]:
        """Take the common options out of `options`, as keyword arguments for `__init__`."""
        opts = Options(scheme, options)
        temperature = opts.take("temperature", 0.0, (int, float))
        max_tokens = opts.take("max_tokens", DEFAULT_MAX_TOKENS, int)
        if max_tokens <= 0:
            raise BackendError(f"{scheme}: max_tokens must be positive")
        return {
            "cache_dir": cache_dir,
            "use_cache": opts.take("cache", True, bool),
            "refresh": opts.take("refresh", False, bool),
            "temperature": float(temperature),
            "max_tokens": max_tokens,
            "response_format": opts.choice(
                "response_format",
                response_format or cls.default_response_format,
                RESPONSE_FORMATS,
            ),
            "default_prompt": opts.choice("default_prompt", "inference", tuple(PROMPTS)),
        }

    @abstractmethod
    def model_options(self) -> dict[str, Any]:
        """Everything besides the URI and the messages that decides the answer."""

    @abstractmethod
    def _complete(self, messages: list[dict[str, str]]) -> Completion:
        """Send one chat request; raise `Transient` or `Permanent` when it fails."""

    @abstractmethod
    def _identify(self) -> Identity:
        """What model answers; raise `BackendUnreachable` when the server cannot be reached."""

    def probe(self) -> Identity:
        """The model's identity, found once (later calls reuse it)."""
        with self._identity_lock:
            if self._identity is None:
                self._identity = self._identify()
            return self._identity

    def parse(self, request: Request) -> Reply:
        messages = build_messages(
            request.text, request.context, request.system_prompt or self.default_prompt
        )
        key, identity = "", None
        if self.cache is not None:
            try:
                identity = self.probe()
            except BackendUnreachable as exc:
                return Reply.failed(str(exc))
            key = cache_key(self.uri, self.model_options(), messages, identity.key)
            if not self.refresh and (hit := self.cache.get(key)) is not None:
                return self._reply(hit.raw, hit.tokens_in, hit.tokens_out, hit.cost_usd, 0.0, True)
        start = time.perf_counter()
        try:
            done = self.policy.call(lambda: self._complete(messages))
        except CallFailed as exc:
            return Reply.failed(str(exc), latency_ms=_ms_since(start))
        except Exception as exc:  # a client library's own bug must not stop a whole run
            return Reply.failed(f"{type(exc).__name__}: {exc}", latency_ms=_ms_since(start))
        latency = _ms_since(start)
        if self.cache is not None:
            self.cache.put(
                key,
                self.uri,
                CachedReply(done.raw, done.tokens_in, done.tokens_out, done.cost_usd, latency),
                identity.label if identity is not None else None,
            )
        return self._reply(done.raw, done.tokens_in, done.tokens_out, done.cost_usd, latency, False)

    @staticmethod
    def _reply(
        raw: str | None,
        tokens_in: int | None,
        tokens_out: int | None,
        cost: float | None,
        latency_ms: float,
        cached: bool,
    ) -> Reply:
        j = judge(raw)
        return Reply(
            data=j.data,
            raw=raw,
            json_valid=j.json_valid,
            schema_valid=j.schema_valid,
            schema_error=j.schema_error,
            latency_ms=latency_ms,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=cost,
            cached=cached,
            confidence=j.confidence,
        )

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)
