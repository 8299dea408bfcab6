"""Per-model training limits of OpenAI's fine-tunable models: tokens per example and tokenizer.

Format-wide limits (file size, example counts) live on each `Format.limits`; this table only
holds what differs between models of one provider.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelLimit:
    """How long one training example of `model` may be, counted with `encoding`."""

    model: str
    tokens_per_example: int
    encoding: str


#: Fine-tunable OpenAI models. Longer examples are truncated by the provider.
#: Sources: FORMATS.md §1 (OpenAI SFT guide, Azure fine-tune-models table).
MODEL_LIMITS: dict[str, ModelLimit] = {
    m.model: m
    for m in (
        ModelLimit("gpt-4o-mini-2024-07-18", 65_536, "o200k_base"),
        ModelLimit("gpt-4o-2024-08-06", 65_536, "o200k_base"),
        ModelLimit("gpt-4.1-2025-04-14", 65_536, "o200k_base"),
        ModelLimit("gpt-4.1-mini-2025-04-14", 65_536, "o200k_base"),
        ModelLimit("gpt-4.1-nano-2025-04-14", 65_536, "o200k_base"),
        ModelLimit("gpt-3.5-turbo-0613", 4_096, "cl100k_base"),
        ModelLimit("gpt-3.5-turbo-1106", 16_385, "cl100k_base"),
        ModelLimit("gpt-3.5-turbo-0125", 16_385, "cl100k_base"),
    )
}

#: Short names and the snapshot they mean, as OpenAI's fine-tuning API resolves them.
MODEL_ALIASES: dict[str, str] = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4o": "gpt-4o-2024-08-06",
    "gpt-4.1": "gpt-4.1-2025-04-14",
    "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
    "gpt-3.5-turbo": "gpt-3.5-turbo-0125",
}

#: The model the project's data was first trained for.
DEFAULT_MODEL = "gpt-4o-mini"


class UnknownModelError(ValueError):
    """A model name that is not in `MODEL_LIMITS`; the message lists the known ones."""


def known_models() -> list[str]:
    """Every accepted model name: aliases first, then snapshots."""
    return [*MODEL_ALIASES, *MODEL_LIMITS]


def model_limit(model: str) -> ModelLimit:
    """The limits of `model`: a snapshot, an alias, or a fine-tuned model id (`ft:BASE:...`),
    which is limited like its base model.

    Raises `UnknownModelError` listing the known names.
    """
    name = model.strip()
    if name.startswith("ft:"):
        name = name.split(":")[1]
    name = MODEL_ALIASES.get(name, name)
    try:
        return MODEL_LIMITS[name]
    except KeyError:
        raise UnknownModelError(
            f"unknown model {model!r}; known: {', '.join(known_models())}"
        ) from None
