"""Hosted LLMs through LiteLLM: `openai:MODEL`, `anthropic:MODEL`, `gemini:MODEL`,
`mistral:MODEL`, `together:MODEL`, `fireworks:MODEL`.

LiteLLM (the [providers] extra) is imported on first use, with its bundled price map
(`LITELLM_LOCAL_MODEL_COST_MAP=True`, forced) so that nothing is fetched at run time. A hosted
model's identity is its id (fine-tuned ids are unique), so no probe is sent. Keys come from the
providers' usual environment variables, which LiteLLM reads; a missing one is reported when the
backend is built, before anything is sent. Options: `api_key`, `base_url` (another endpoint for
the same API, e.g. an OpenAI-compatible proxy), plus the common ones of `RemoteBackend`.

Structured output by default:
- openai: Structured Outputs, `json_schema` strict with `strict_json_schema()` (fine-tuned
  `ft:gpt-4o-mini-2024-07-18` and later support it). Fine-tuned ids go as given:
  `openai:ft:gpt-4o-mini-2024-07-18:org::id`.
- gemini, mistral, fireworks: `json_object` (JSON mode; no schema, whose support varies by model).
- anthropic, together: none (Anthropic has no JSON mode, LiteLLM emulates schemas with a forced
  tool call; Together's JSON mode is limited to some models). The prompt alone asks for JSON.
`gemini:` is Google AI Studio (LiteLLM `gemini/`, key GEMINI_API_KEY). Tuned Gemini models live on
Vertex AI (LiteLLM `vertex_ai/`, Google credentials), which is not offered here.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Self

from repvoice.backends.base import BackendError, Identity
from repvoice.backends.options import Options
from repvoice.backends.registry import register
from repvoice.backends.remote import Completion, RemoteBackend, response_format_body
from repvoice.backends.retry import Permanent, Transient, is_retryable_status, retry_after_seconds

INSTALL_HINT = "install the providers extra: pip install 'repvoice[providers]'"


@dataclass(frozen=True, slots=True)
class Provider:
    """How one URI scheme maps onto LiteLLM."""

    prefix: str  # LiteLLM's provider prefix
    key_vars: tuple[str, ...]  # environment variables LiteLLM reads the key from, any one
    response_format: str
    example: str


PROVIDERS: dict[str, Provider] = {
    "openai": Provider("openai/", ("OPENAI_API_KEY",), "json_schema", "gpt-4o-mini"),
    "anthropic": Provider("anthropic/", ("ANTHROPIC_API_KEY",), "none", "claude-3-5-haiku-latest"),
    "gemini": Provider(
        "gemini/", ("GEMINI_API_KEY", "GOOGLE_API_KEY"), "json_object", "gemini-2.5-flash"
    ),
    "mistral": Provider("mistral/", ("MISTRAL_API_KEY",), "json_object", "mistral-small-latest"),
    "together": Provider(
        "together_ai/",
        ("TOGETHER_API_KEY", "TOGETHERAI_API_KEY"),
        "none",
        "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    ),
    "fireworks": Provider(
        "fireworks_ai/",
        ("FIREWORKS_API_KEY", "FIREWORKS_AI_API_KEY"),
        "json_object",
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
    ),
}

_import_lock = threading.Lock()


def load_litellm() -> ModuleType:
    """LiteLLM, imported once, offline; `BackendError` when it is not installed."""
    with _import_lock:
        # Must be set before the import: otherwise LiteLLM fetches its price map from GitHub.
        # Forced, not defaulted: nothing may be downloaded at run time.
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        try:
            import litellm
        except ImportError:
            raise BackendError(f"litellm is not installed: {INSTALL_HINT}") from None
        litellm.suppress_debug_info = True
        litellm.telemetry = False
        return litellm


@register
class HostedBackend(RemoteBackend):
    """A provider's hosted model, called through `litellm.completion`."""

    schemes = tuple(PROVIDERS)

    def __init__(
        self,
        uri: str,
        provider: Provider,
        model: str,
        *,
        api_key: str | None,
        base_url: str | None,
        **common: Any,
    ) -> None:
        self._litellm = load_litellm()  # first: a missing package leaves nothing open
        super().__init__(uri, **common)
        self.provider = provider
        self.model = model
        self.litellm_model = provider.prefix + model
        self.api_key = api_key
        self.base_url = base_url

    @classmethod
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
        provider = PROVIDERS[scheme]
        if not target:
            raise BackendError(
                f"{scheme} needs a model: {scheme}:MODEL (e.g. {scheme}:{provider.example})"
            )
        opts = Options(scheme, options)
        api_key = opts.take("api_key", None, str)
        base_url = opts.take("base_url", None, str)
        if not api_key and not any(os.environ.get(v) for v in provider.key_vars):
            names = " or ".join(provider.key_vars)
            raise BackendError(f"{scheme}: no API key: set {names} (or pass the api_key option)")
        common = cls.read_common_options(
            scheme, cache_dir, options, response_format=provider.response_format
        )
        return cls(
            f"{scheme}:{target}",
            provider,
            target,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            retries=retries,
            **common,
        )

    def _identify(self) -> Identity:
        where = f" at {self.base_url}" if self.base_url else ""
        return Identity(True, f"model id {self.model}{where}", {"model": self.litellm_model})

    def _response_format(self) -> dict[str, Any] | None:
        strict = self.provider.prefix == "openai/"
        return response_format_body(self.response_format, strict=strict)

    def model_options(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "response_format": self._response_format(),
            "base_url": self.base_url,
        }

    def _complete(self, messages: list[dict[str, str]]) -> Completion:
        litellm = self._litellm
        kwargs: dict[str, Any] = {
            "model": self.litellm_model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "timeout": self.timeout,
            # Retries are ours (with Retry-After); LiteLLM's and the SDK's would multiply them.
            "num_retries": 0,
            "max_retries": 0,
        }
        if (fmt := self._response_format()) is not None:
            kwargs["response_format"] = fmt
        if self.api_key:
            kwargs["api_key"] = self.api_key
        if self.base_url:
            kwargs["api_base"] = self.base_url
        try:
            resp = litellm.completion(**kwargs)
        except Exception as exc:
            raise _classify(exc) from None
        message = resp.choices[0].message
        usage = getattr(resp, "usage", None)
        tokens_in = getattr(usage, "prompt_tokens", None)
        tokens_out = getattr(usage, "completion_tokens", None)
        return Completion(message.content, tokens_in, tokens_out, self._cost(resp))

    def _cost(self, resp: Any) -> float | None:
        """From LiteLLM's bundled price map; None when the model is not in it."""
        try:
            cost = self._litellm.completion_cost(completion_response=resp)
        except Exception:  # LiteLLM raises for models it has no price for
            return None
        return float(cost) if cost is not None else None


def _classify(exc: Exception) -> Transient | Permanent:
    """A LiteLLM exception as a retryable or final failure, with a short message."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    message = str(getattr(exc, "message", None) or exc).strip()
    message = message.removeprefix(f"litellm.{name}: ").removeprefix(f"{name}: ")
    if len(message) > 300:
        message = message[:300] + "..."
    text = f"{name} (HTTP {status}): {message}" if isinstance(status, int) else f"{name}: {message}"
    response = getattr(exc, "response", None)
    headers = getattr(exc, "litellm_response_headers", None) or getattr(response, "headers", None)
    if isinstance(status, int) and is_retryable_status(status):
        return Transient(text, retry_after_seconds(headers))
    if "Timeout" in name or "Connection" in name:
        return Transient(text)
    return Permanent(text)
