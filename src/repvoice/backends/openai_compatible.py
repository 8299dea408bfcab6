"""`openai-compatible:MODEL@BASE_URL`: any server speaking OpenAI's chat-completions API.

vLLM, llama.cpp's llama-server, Ollama, LM Studio, or repvoice's own service. Talks HTTP with
httpx directly (no LiteLLM). The API key is the `api_key` option, else $OPENAI_API_KEY, else
none (local servers rarely want one).

Structured output: by default `response_format` asks for the workout-set JSON Schema in the
nested form `{"type": "json_schema", "json_schema": {"name", "schema"}}`, which vLLM, llama.cpp
and Ollama all read (the flat `{"type": "json_schema", "schema": ...}` form is silently
unconstrained on llama.cpp, PARSING.md §2.6). The schema is the plain one (fields optional),
matching the compact answers the model was trained on. `response_format="json_object"` or
`"none"` for servers that reject schemas. Either way the reply is judged, since several servers
fail open.

Identity: before a run the server's `GET /models` is asked once (short timeout). A refused
connection or an unknown host fails at once (`BackendUnreachable`). The model object listed
under the backend's model id (or the only one listed) gives the facts that tell models apart
(`checksum`, `version`, and vLLM's `root` / `parent`, llama.cpp's `meta`); they go into the
reply-cache key, so a server restarted with another model misses the cache. A server that lists
nothing (or no such fields) still works: the key is then the URI and options alone, and the
identity is reported as unknown. `created` is left out: vLLM stamps it with the time of the
request.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Self

import httpx

from repvoice.backends.base import BackendError, BackendUnreachable, Identity
from repvoice.backends.options import Options
from repvoice.backends.read_deadline import post_json
from repvoice.backends.registry import register
from repvoice.backends.remote import Completion, RemoteBackend, response_format_body
from repvoice.backends.retry import Permanent, Transient, is_retryable_status, retry_after_seconds
from repvoice.redact import redact, redact_url

_TARGET = re.compile(r"^(?P<model>.+?)@(?P<url>https?://\S+)$")
#: Seconds the identity probe waits at most.
PROBE_TIMEOUT = 5.0
#: Fields of a listed model that change with the model itself (a checksum or a version).
STRONG_FIELDS = ("checksum", "version")
#: Further fields that tell models apart, kept in the key when listed.
WEAK_FIELDS = ("id", "owned_by", "root", "parent", "meta")
_EXAMPLE = (
    "openai-compatible:MODEL@BASE_URL (e.g. openai-compatible:my-model@http://127.0.0.1:8000/v1)"
)


def parse_target(target: str | None) -> tuple[str, str]:
    """(model, base URL) of "MODEL@BASE_URL"; `BackendError` when either is missing."""
    match = _TARGET.match(target or "")
    if match is None:
        raise BackendError(f"openai-compatible needs a model and a base URL: {_EXAMPLE}")
    return match["model"], match["url"].rstrip("/")


@register
class OpenAICompatibleBackend(RemoteBackend):
    """A self-hosted (or any) OpenAI-compatible chat server. Extra options: `api_key`,
    `price_key` (a LiteLLM price-map entry to cost tokens at, e.g. "together-ai-4.1b-8b";
    without it cost is None)."""

    schemes = ("openai-compatible",)

    def __init__(
        self,
        uri: str,
        model: str,
        base_url: str,
        *,
        api_key: str | None,
        price_key: str | None,
        **common: Any,
    ) -> None:
        super().__init__(uri, **common)
        self.model = model
        self.base_url = base_url
        self.price = _price(price_key) if price_key else None
        self.price_key = price_key
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # One pooled client for all threads: httpx.Client is thread-safe.
        self._client = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(self.timeout),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

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
        model, url = parse_target(target)
        opts = Options(scheme, options)
        api_key = opts.take("api_key", None, str) or os.environ.get("OPENAI_API_KEY") or None
        price_key = opts.take("price_key", None, str)
        common = cls.read_common_options(scheme, cache_dir, options)
        return cls(
            f"{scheme}:{model}@{url}",
            model,
            url,
            api_key=api_key,
            price_key=price_key,
            timeout=timeout,
            retries=retries,
            **common,
        )

    def model_options(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "response_format": response_format_body(self.response_format, strict=False),
        }

    def _identify(self) -> Identity:
        where = redact_url(self.base_url)
        try:
            resp = self._client.get("/models", timeout=min(self.timeout, PROBE_TIMEOUT))
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
            reason = redact(str(exc) or type(exc).__name__)
            raise BackendUnreachable(f"cannot connect to {where}: {reason}") from None
        except httpx.HTTPError as exc:
            reason = redact(str(exc) or type(exc).__name__)
            return Identity(False, f"unknown (GET {where}/models failed: {reason})")
        if resp.status_code != 200:
            return Identity(False, f"unknown (GET {where}/models answered HTTP {resp.status_code})")
        try:
            cards = resp.json().get("data")
        except (ValueError, AttributeError):
            cards = None
        return identity_from_cards(self.model, cards if isinstance(cards, list) else [])

    def request_body(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        if (fmt := response_format_body(self.response_format, strict=False)) is not None:
            body["response_format"] = fmt
        return body

    def _complete(self, messages: list[dict[str, str]]) -> Completion:
        try:
            body = self.request_body(messages)
            resp = post_json(self._client, "/chat/completions", body, deadline=self.timeout)
        except httpx.TimeoutException:
            raise Transient(f"timed out after {self.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise Transient(f"connection failed: {exc or type(exc).__name__}") from None
        if resp.status_code != 200:
            message = f"HTTP {resp.status_code}: {_error_text(resp)}"
            if is_retryable_status(resp.status_code):
                raise Transient(message, retry_after_seconds(resp.headers))
            raise Permanent(message)
        try:
            body = resp.json()
            message = body["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise Permanent(f"HTTP 200 but not a chat completion: {resp.text[:200]!r}") from None
        usage = body.get("usage") or {}
        tokens_in = _int(usage.get("prompt_tokens"))
        tokens_out = _int(usage.get("completion_tokens"))
        return Completion(
            _content(message), tokens_in, tokens_out, self._cost(tokens_in, tokens_out)
        )

    def _cost(self, tokens_in: int | None, tokens_out: int | None) -> float | None:
        if self.price is None or tokens_in is None or tokens_out is None:
            return None
        per_in, per_out = self.price
        return tokens_in * per_in + tokens_out * per_out

    def close(self) -> None:
        self._client.close()
        super().close()


def identity_from_cards(model: str, cards: list[Any]) -> Identity:
    """The identity of `model` from a `/models` list: its card, else the only card listed (a
    server holding one model answers under any name, as llama.cpp and repvoice do)."""
    dicts = [c for c in cards if isinstance(c, dict)]
    card = next((c for c in dicts if c.get("id") == model), None)
    if card is None and len(dicts) == 1:
        card = dicts[0]
    if card is None:
        return Identity(False, f"unknown (the server does not list {model!r})")
    key = {k: card[k] for k in (*STRONG_FIELDS, *WEAK_FIELDS) if card.get(k) is not None}
    strong = [k for k in STRONG_FIELDS if k in key]
    name = str(card.get("id") or model)
    if not strong:
        return Identity(False, f"unknown ({name} is listed without a version or checksum)", key)
    facts = ", ".join(f"{k} {_short(key[k])}" for k in strong)
    return Identity(True, redact(f"{name}: {facts}"), key)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if text.startswith("sha256:") and len(text) > 19:
        return text[:19]  # 12 hex digits name a model well enough for people
    return text if len(text) <= 60 else text[:57] + "..."


def _price(key: str) -> tuple[float, float]:
    """(USD per input token, per output token) of a LiteLLM price-map entry."""
    from repvoice.data.pricing import PriceListMissing, load_price_list

    try:
        entry = load_price_list().entry(key)
    except PriceListMissing as exc:
        raise BackendError(str(exc)) from None
    if not entry or not {"input_cost_per_token", "output_cost_per_token"} <= entry.keys():
        raise BackendError(f"price_key {key!r}: no per-token prices in LiteLLM's price map")
    return float(entry["input_cost_per_token"]), float(entry["output_cost_per_token"])


def _content(message: Any) -> str | None:
    """The message text; joins text parts when a server sends content as a list."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _error_text(resp: httpx.Response) -> str:
    """The server's own error message when it sent one, else the start of the body."""
    try:
        err = resp.json().get("error")
    except (ValueError, AttributeError):
        err = None
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        return err["message"][:300]
    if isinstance(err, str):
        return err[:300]
    return resp.text[:300] or resp.reason_phrase
