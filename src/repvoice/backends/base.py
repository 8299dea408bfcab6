"""What a backend is: one transcript (with its context) in, one judged answer out.

Every backend (the local parser, hosted LLMs, self-hosted OpenAI-compatible servers) answers a
`Request` with a `Reply`. A `Reply` reports what came back as it came back: invalid JSON, wrong
types and out-of-range values are counted in `json_valid` / `schema_valid`, never repaired.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from repvoice.redact import redact, redact_url
from repvoice.schema import Context

#: Why a call has no answer: the network or the server's reply ("call"), or the run stopped
#: before this example was asked ("not_asked").
ErrorKind = Literal["call", "not_asked"]


class BackendError(ValueError):
    """A backend that cannot be set up: unknown scheme, missing model, missing key or package.

    Raised by `get_backend` before anything is sent. Problems during a call never raise: they
    become `Reply.error`.
    """


class BackendUnreachable(BackendError):
    """The backend's server cannot be reached at all (connection refused, unknown host)."""


@dataclass(frozen=True)
class Identity:
    """What answers for a backend, as far as it tells: part of the reply-cache key, and shown
    in reports so that figures name the model that produced them.

    - `known`: True when the identity changes with the model (a checksum, a version, a hosted
      model id); False when the server says nothing of the sort, so a swapped model behind the
      same URL cannot be told apart.
    - `label`: one line for people, e.g. "repvoice sha256:1a2b3c4d5e6f, version 2026-11-25".
    - `key`: the JSON-able facts that go into the cache key (empty when unknown).
    """

    known: bool
    label: str
    key: dict[str, Any] = field(default_factory=dict)


UNKNOWN_IDENTITY = Identity(False, "unknown (the backend does not say)")

_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s]+")


def display_uri(uri: str) -> str:
    """A backend URI as it may be printed or stored: URLs without user-info or query, and
    key-shaped strings hidden (`openai-compatible:m@https://u:p@host/v1?key=k` ->
    `openai-compatible:m@https://host/v1`)."""
    return redact(_URL.sub(lambda m: redact_url(m.group(0)), uri))


@dataclass(frozen=True)
class Request:
    """One utterance to parse.

    `system_prompt` is the test file's system turn without its "\\n\\nContext: {json}" suffix;
    None means the backend's default (the VoiceFit inference prompt).
    """

    text: str
    context: Context | None = None
    system_prompt: str | None = None


@dataclass
class Reply:
    """A backend's answer to one `Request`.

    - `data` is the JSON object the backend answered, kept even when it fails the schema; None
      when there is no object (invalid JSON, not an object, or an error).
    - `error` is a transport, HTTP or timeout problem left after retries, or why the example
      was not asked (`error_kind` "not_asked"). An error reply has `json_valid` and
      `schema_valid` False (nothing usable arrived) and is not an answer: it is never judged.
    - `latency_ms` is the wall time of the call that produced the reply; 0 on a cache hit (the
      original latency stays in the cache record).
    """

    data: dict[str, Any] | None
    raw: str | None = None
    error: str | None = None
    json_valid: bool = True
    schema_valid: bool = True
    schema_error: str | None = None
    latency_ms: float = 0.0
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost_usd: float | None = None
    cached: bool = False
    confidence: float | None = None
    error_kind: ErrorKind | None = None

    @property
    def answered(self) -> bool:
        """Whether the backend replied at all (whatever the reply holds)."""
        return self.error is None

    @classmethod
    def failed(cls, error: str, *, latency_ms: float = 0.0, kind: ErrorKind = "call") -> Reply:
        """A reply for a call that produced no answer; credentials in `error` are hidden."""
        return cls(
            data=None,
            error=redact(error),
            json_valid=False,
            schema_valid=False,
            latency_ms=latency_ms,
            error_kind=kind,
        )


class Backend(ABC):
    """Something that parses transcripts. Subclasses register their URI schemes (see registry).

    `parse` is called from many threads at once and never raises for backend or HTTP problems.
    """

    #: URI schemes this class serves, e.g. ("openai-compatible",).
    schemes: ClassVar[tuple[str, ...]] = ()
    uri: str

    @classmethod
    @abstractmethod
    def from_uri(
        cls,
        scheme: str,
        target: str | None,
        *,
        timeout: float,
        retries: int,
        cache_dir: Path | None,
        options: dict[str, Any],
    ) -> Self:
        """Build the backend for `scheme:target` (target None when the URI has no colon).

        Consume the options you understand from `options`; any left over are reported as
        unknown. Raise `BackendError` for anything that makes the backend unusable.
        """

    @abstractmethod
    def parse(self, request: Request) -> Reply:
        """Answer one request (thread-safe; never raises for backend problems)."""

    def probe(self) -> Identity:
        """Check that the backend can be reached and say what answers for it; called once
        before a run. Raises `BackendUnreachable` when nothing can be sent at all."""
        return UNKNOWN_IDENTITY

    def close(self) -> None:  # noqa: B027 - a no-op by default, not abstract on purpose
        """Release connections and files."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.uri}>"
