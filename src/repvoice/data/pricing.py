"""Fine-tuning targets, their default-epoch rules and prices.

Per-token inference prices come from the cost map LiteLLM ships inside its package (read offline,
the same data `litellm.model_cost` holds with `LITELLM_LOCAL_MODEL_COST_MAP=True`). That map has no
training prices; where a provider publishes one, `TARGETS` carries it with its source and date,
used only when the map has none. Nothing here is guessed: a missing price stays `None`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from repvoice.data.limits import MODEL_LIMITS

#: OpenAI's default-epoch rule (cookbook "Data preparation and analysis for chat model
#: fine-tuning"): aim for 3 epochs, but see at least 100 and at most 25,000 examples in total.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25

COST_MAP_FILE = "model_prices_and_context_window_backup.json"
INSTALL_HINT = "install repvoice[providers] (pip install 'repvoice[providers]') for the price list"


def openai_default_epochs(n_examples: int) -> int:
    """Epochs OpenAI picks when `n_epochs` is "auto", for `n_examples` training examples."""
    if n_examples <= 0:
        raise ValueError("need at least one training example")
    epochs = TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    elif n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return epochs


@dataclass(frozen=True, slots=True)
class EpochRule:
    """How a provider chooses the epoch count when the user does not.

    `kind` is "openai" (depends on the example count), "fixed" (`default` epochs) or
    "undocumented" (no published default: the user must choose).
    """

    kind: Literal["openai", "fixed", "undocumented"]
    text: str
    source: str
    default: int | None = None

    def epochs_for(self, n_examples: int) -> int | None:
        if self.kind == "openai":
            return openai_default_epochs(n_examples)
        return self.default


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name: str
    epoch_rule: EpochRule
    status: str


@dataclass(frozen=True, slots=True)
class PublishedPrice:
    """A training price per 1M tokens from the provider's own price page (not from LiteLLM)."""

    per_million: float
    source: str
    as_of: str


@dataclass(frozen=True, slots=True)
class Target:
    """A model that can be fine-tuned, and where its prices come from.

    `inference_key` names the LiteLLM cost-map entry for serving the tuned model;
    `inference_basis` says what that price is (the tuned model's own rate, or the base model's).
    """

    provider: str
    model: str
    max_tokens_per_example: int | None
    inference_key: str | None
    inference_basis: str
    training_price: PublishedPrice | None = None


def _openai_limit(model: str) -> int:
    return MODEL_LIMITS[model].tokens_per_example


_OPENAI_PAGE = "openai.com/api/pricing (fine-tuning table, copy read ~Aug 2025)"

PROVIDERS: dict[str, Provider] = {
    p.key: p
    for p in (
        Provider(
            "openai",
            "OpenAI",
            EpochRule(
                "openai",
                "auto: 3 epochs, raised to reach 100 examples seen (max 25), lowered to stay "
                "under 25,000 (min 1)",
                "openai-cookbook Chat_finetuning_data_prep.ipynb",
            ),
            "self-serve fine-tuning closes to new jobs on 2027-01-06",
        ),
        Provider(
            "bedrock",
            "Amazon Bedrock (Claude 3 Haiku)",
            EpochRule(
                "fixed",
                "epochCount defaults to 2 (1-10)",
                "docs.aws.amazon.com/bedrock/latest/userguide/cm-hp-anth-claude-3.html",
                default=2,
            ),
            "Claude 3 Haiku is Legacy on Bedrock, end of life 2026-09-10",
        ),
        Provider(
            "vertex_ai",
            "Google Vertex AI",
            EpochRule(
                "undocumented",
                "no documented default: leaving epochCount unset uses an unpublished "
                "'recommended value'",
                "cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-use-supervised-tuning",
            ),
            "available (Gemini API / AI Studio tuning is gone)",
        ),
        Provider(
            "mistral",
            "Mistral La Plateforme",
            EpochRule(
                "undocumented",
                "no documented default: epochs follow from training_steps / dataset MB",
                "mistralai/platform-docs-public text-finetuning.mdx",
            ),
            "documented; one 2026 report of every model refused",
        ),
        Provider(
            "together",
            "Together AI",
            EpochRule(
                "undocumented",
                "no documented default found in the stored sources",
                "docs.together.ai/docs/fine-tuning/pricing",
            ),
            "available",
        ),
        Provider(
            "fireworks",
            "Fireworks AI",
            EpochRule(
                "undocumented",
                "no documented default found in the stored sources",
                "docs.fireworks.ai/fine-tuning/supervised-fine-tuning",
            ),
            "available",
        ),
        Provider(
            "cohere",
            "Cohere",
            EpochRule(
                "fixed",
                "epochCount defaults to 1 (Bedrock's Cohere Command customization)",
                "docs.aws.amazon.com/bedrock/latest/userguide/cm-hp-cohere-command.html",
                default=1,
            ),
            "fine-tuning deprecated on 2025-09-15: no new jobs",
        ),
    )
}

_TUNED = "fine-tuned model rate"
_BASE = "base-model rate (the tuned model's rate is not in the price list)"

TARGETS: tuple[Target, ...] = (
    Target(
        "openai",
        "gpt-4o-mini-2024-07-18",
        _openai_limit("gpt-4o-mini-2024-07-18"),
        "ft:gpt-4o-mini-2024-07-18",
        _TUNED,
        PublishedPrice(
            3.00, "OpenAI fine-tuning price as reported by tokonomics.ca (secondary)", "2026-06"
        ),
    ),
    Target(
        "openai",
        "gpt-4.1-mini-2025-04-14",
        _openai_limit("gpt-4.1-mini-2025-04-14"),
        "ft:gpt-4.1-mini-2025-04-14",
        _TUNED,
        PublishedPrice(5.00, _OPENAI_PAGE, "2025-08"),
    ),
    Target(
        "openai",
        "gpt-4.1-nano-2025-04-14",
        _openai_limit("gpt-4.1-nano-2025-04-14"),
        "ft:gpt-4.1-nano-2025-04-14",
        _TUNED,
        PublishedPrice(1.50, _OPENAI_PAGE, "2025-08"),
    ),
    Target(
        "openai",
        "gpt-4.1-2025-04-14",
        _openai_limit("gpt-4.1-2025-04-14"),
        "ft:gpt-4.1-2025-04-14",
        _TUNED,
        PublishedPrice(25.00, _OPENAI_PAGE, "2025-08"),
    ),
    Target(
        "bedrock",
        "anthropic.claude-3-haiku-20240307-v1:0",
        32_000,
        None,
        "Provisioned Throughput only (hourly per model unit); no per-token price",
    ),
    Target("vertex_ai", "gemini-2.5-flash", 131_072, "gemini-2.5-flash", _BASE),
    Target("vertex_ai", "gemini-2.5-flash-lite", 131_072, "gemini-2.5-flash-lite", _BASE),
    Target("mistral", "mistral-small-latest", None, "mistral/mistral-small-latest", _BASE),
    Target("mistral", "ministral-8b-latest", None, "mistral/ministral-8b-latest", _BASE),
    Target(
        "together",
        "LoRA, 4.1B-8B base (e.g. Llama 3.1 8B)",
        None,
        "together-ai-4.1b-8b",
        "serverless size-bracket rate for 4.1B-8B models",
    ),
    Target(
        "fireworks",
        "LoRA, base up to 16B",
        None,
        "fireworks-ai-4.1b-to-16b",
        "serverless rate for 4.1B-16B models (LoRA is served at the base rate)",
        PublishedPrice(
            0.50, "fireworks.ai/pricing (SFT, models up to 16B; undated copy)", "undated"
        ),
    ),
    Target("cohere", "command-r-08-2024", None, "command-r-08-2024", _BASE),
)


class PriceListMissing(RuntimeError):
    """LiteLLM (the [providers] extra) is not installed, or its cost map is not where expected."""


_TRAINING_FIELD = re.compile(r"(train|fine_?tun)", re.IGNORECASE)


@dataclass(frozen=True)
class PriceList:
    """LiteLLM's bundled cost map, with where it came from."""

    entries: Mapping[str, Mapping[str, Any]]
    litellm_version: str
    path: Path
    modified: str
    revision: str

    def entry(self, key: str | None) -> Mapping[str, Any] | None:
        return self.entries.get(key) if key else None

    def per_million(self, key: str | None, field: str) -> float | None:
        """A per-token price field of an entry, as USD per 1M tokens."""
        entry = self.entry(key)
        value = entry.get(field) if entry else None
        return round(float(value) * 1e6, 6) if isinstance(value, int | float) else None

    def training_per_million(self, key: str | None) -> tuple[float, str] | None:
        """A per-token training price in the entry, if the map has one (it did not when written;
        any future field naming training or fine-tuning per token is used)."""
        entry = self.entry(key)
        for name, value in (entry or {}).items():
            is_price = isinstance(value, int | float) and "per_token" in name
            if is_price and _TRAINING_FIELD.search(name):
                return round(float(value) * 1e6, 6), name
        return None

    def describe(self) -> dict[str, str]:
        return {
            "source": f"LiteLLM {self.litellm_version} bundled cost map",
            "file": str(self.path),
            "file_modified": self.modified,
            "revision": self.revision,
        }


@cache
def load_price_list() -> PriceList:
    """Read LiteLLM's bundled cost map without importing LiteLLM (which takes seconds and would
    try the network unless told not to). Raises `PriceListMissing` when LiteLLM is absent."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise PriceListMissing(f"litellm is not installed: {INSTALL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / COST_MAP_FILE
    if not path.is_file():
        raise PriceListMissing(f"litellm's cost map is missing ({path}): reinstall litellm")
    body = path.read_bytes()
    entries = json.loads(body)
    # git's blob id of the file: names the exact upstream revision of the price list
    revision = hashlib.sha1(b"blob %d\0" % len(body) + body, usedforsecurity=False).hexdigest()
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    try:
        version = importlib.metadata.version("litellm")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    entries.pop("sample_spec", None)
    return PriceList(entries, version, path, modified, revision)
