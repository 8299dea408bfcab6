"""The service's configuration: a TOML file read into pydantic models.

    # repvoice-serve.toml
    model = "repvoice-model"            # local model directory (default: the bundled model)
    primary = "local"                   # who answers first
    fallback = "gpt"                    # a name from [backends], or a backend URI
    threshold = 0.70                    # local confidence below this goes to the fallback
    fallback_timeout = 5.0              # seconds per fallback call, retries included
    fallback_concurrency = 16           # fallback calls in flight at once, at most
    breaker_failures = 5                # failed calls in a row that open the circuit
    breaker_cooldown = 10.0             # seconds open before one probe call

    [backends.gpt]
    uri = "openai:gpt-4o-mini"
    retries = 0
    options = { response_format = "json_object" }

    [routes.chat]                       # per task: "voice" (/api/voice/parse), "chat" (/v1)
    fallback = ""                       # no fallback for OpenAI-API callers

A remote primary (any backend URI) is asked first for every request; the local parser is then
its safety net, answering with `requires_confirmation: true` when the remote call fails.

A sick remote backend cannot hold the service: each call has one deadline, at most
`fallback_concurrency` calls are in flight (past that, the local answer comes back at once,
unconfirmed), and after `breaker_failures` failed calls in a row the circuit opens: answers stay
local without asking, until one probe call after `breaker_cooldown` seconds succeeds.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from repvoice.redact import redact
from repvoice.schema import describe_validation_error

#: VoiceFit's "require confirmation" threshold (VOICEFIT.md §2b): below it, ask the fallback.
DEFAULT_THRESHOLD = 0.70
DEFAULT_FALLBACK_TIMEOUT = 5.0
DEFAULT_FALLBACK_CONCURRENCY = 16
DEFAULT_BREAKER_FAILURES = 5
DEFAULT_BREAKER_COOLDOWN = 10.0

Task = Literal["voice", "chat"]
TASKS: tuple[Task, ...] = ("voice", "chat")


#: A URL inside a backend URI, with the "@" before it (`MODEL@URL`) or the colon (`scheme:URL`).
_URL_PART = re.compile(r"[@:]?[a-zA-Z][a-zA-Z0-9+.-]*://\S*")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the field."""


class BackendSpec(BaseModel):
    """One named backend: a URI (see `repvoice.backends`) and how to call it."""

    model_config = ConfigDict(extra="forbid")

    uri: str = Field(min_length=1, examples=["openai:gpt-4o-mini"])
    timeout: float | None = Field(
        None,
        gt=0,
        le=300,
        description="Seconds per call, retries included (default: fallback_timeout).",
    )
    retries: int = Field(0, ge=0, le=5, description="Retries after a failed call.")
    options: dict[str, Any] = Field(
        default_factory=dict, description="Backend options, e.g. response_format, api_key."
    )


class RouteSpec(BaseModel):
    """Overrides for one task; unset fields take the top-level values. An empty `fallback`
    turns the fallback off for the task."""

    model_config = ConfigDict(extra="forbid")

    primary: str | None = None
    fallback: str | None = None
    threshold: float | None = Field(None, ge=0, le=1)


class ServeConfig(BaseModel):
    """Everything `repvoice serve` reads from its config file."""

    model_config = ConfigDict(extra="forbid")

    model: Path | None = Field(None, description="Local model directory (default: bundled).")
    primary: str = Field("local", description='"local", or a backend name or URI.')
    fallback: str | None = Field(None, description="A backend name or URI; none by default.")
    threshold: float = Field(
        DEFAULT_THRESHOLD, ge=0, le=1, description="Local confidence below this asks the fallback."
    )
    fallback_timeout: float = Field(
        DEFAULT_FALLBACK_TIMEOUT,
        gt=0,
        le=300,
        description="Seconds one remote call may take in all, retries included.",
    )
    fallback_concurrency: int = Field(
        DEFAULT_FALLBACK_CONCURRENCY,
        ge=1,
        le=1024,
        description="Remote calls in flight at once per backend; past it, answers stay local.",
    )
    breaker_failures: int = Field(
        DEFAULT_BREAKER_FAILURES,
        ge=1,
        le=1000,
        description="Failed remote calls in a row that open the circuit.",
    )
    breaker_cooldown: float = Field(
        DEFAULT_BREAKER_COOLDOWN,
        gt=0,
        le=3600,
        description="Seconds the circuit stays open before one probe call.",
    )
    fallback_confidence_cap: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Upper bound on a remote answer's self-reported confidence "
        "(VoiceFit capped its base-model fallback at 0.80).",
    )
    backends: dict[str, BackendSpec] = Field(default_factory=dict)
    routes: dict[Task, RouteSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_routes(self) -> ServeConfig:
        for task in TASKS:
            route = self.route(task)
            if not is_local(route.primary) and route.fallback:
                raise ValueError(
                    f"route {task}: a remote primary takes no fallback "
                    "(the local parser is its safety net)"
                )
        return self

    def route(self, task: Task) -> ResolvedRoute:
        """The primary, fallback and threshold that apply to `task`."""
        spec = self.routes.get(task) or RouteSpec()
        fallback = spec.fallback if spec.fallback is not None else self.fallback
        return ResolvedRoute(
            primary=spec.primary or self.primary,
            fallback=fallback or None,
            threshold=spec.threshold if spec.threshold is not None else self.threshold,
        )

    def backend_spec(self, name: str) -> BackendSpec:
        """The named backend, or an ad-hoc one when `name` is a URI."""
        return self.backends.get(name) or BackendSpec(uri=name)


class ResolvedRoute(BaseModel):
    """One task's routing after the defaults are applied."""

    primary: str
    fallback: str | None
    threshold: float


def backend_label(name: str) -> str:
    """How a backend is named in answers, logs, probes and metrics: its name in `[backends]`,
    or for a backend URI given in place of a name, the URI without its URL
    (`openai-compatible:m@https://user:key@host/v1` -> `openai-compatible:m`)."""
    return redact(_URL_PART.sub("", name))


def is_local(name: str) -> bool:
    """True for the in-process parser ("local" or "local:DIR")."""
    return name == "local" or name.startswith("local:")


def load_config(path: str | Path | None) -> ServeConfig:
    """Read a TOML config file (defaults when `path` is None); `ConfigError` names the problem.

    A relative `model` path is taken relative to the config file.
    """
    if path is None:
        return ServeConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        config = ServeConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from None
    if config.model is not None and not config.model.is_absolute():
        config.model = path.parent / config.model
    return config
