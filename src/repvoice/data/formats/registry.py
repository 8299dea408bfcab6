"""The format registry: discovers every module in this package and any installed plugin."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from typing import Any, TypeVar

from repvoice.data.formats.base import Format

_FORMATS: dict[str, Format] = {}
_loaded = False
F = TypeVar("F", bound=type[Format])


def register(cls: F) -> F:
    """Class decorator: make a format available by its `name`."""
    _FORMATS[cls.name] = cls()
    return cls


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import repvoice.data.formats as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in {"base", "registry"} and not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    for ep in entry_points(group="repvoice.formats"):
        ep.load()


def all_formats() -> dict[str, Format]:
    """Every registered format by name, in name order."""
    _load()
    return dict(sorted(_FORMATS.items()))


def get_format(name: str) -> Format:
    """The format called `name`; `KeyError` with the known names if there is none."""
    formats = all_formats()
    try:
        return formats[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(formats)}") from None


#: Markers of rendered chat-template text, most specific first.
_TEMPLATE_MARKERS = (
    ("<|start_header_id|>", "llama3"),
    ("<|im_start|>", "chatml"),
    ("<start_of_turn>", "gemma"),
    ("[INST]", "mistral-instruct"),
)


def detect_format(data: Any) -> str | None:
    """The format one record most likely is, from its keys and roles; None if none fits.

    OpenAI-compatible records (Mistral, Together, Fireworks) are reported as `openai`.
    """
    if not isinstance(data, dict):
        return None
    if "conversations" in data:
        return "sharegpt"
    if "instruction" in data and "output" in data:
        return "alpaca"
    if "contents" in data:
        return "vertex"
    if isinstance(data.get("text"), str):
        text = data["text"]
        return next((name for marker, name in _TEMPLATE_MARKERS if marker in text), None)
    messages = data.get("messages")
    if not isinstance(messages, list):
        return None
    roles = {m.get("role") for m in messages if isinstance(m, dict)}
    if roles & {"User", "Chatbot", "System"}:
        return "cohere"
    if isinstance(data.get("system"), str):
        return "bedrock"
    return "openai"
