"""Offline token counting with the target model's real tokenizer.

tiktoken downloads its BPE files on first use; the package ships o200k_base and cl100k_base
(named by tiktoken's cache key) and points tiktoken's cache at them, so nothing is fetched.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import tiktoken

#: Chat framing, as OpenAI's cookbook counts it: every message costs 3 tokens more, a `name` 1
#: more, and every conversation 3 more for the reply primer.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_PER_REPLY = 3

#: Model-name prefixes and their encodings; the first match wins.
_MODEL_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("ft:gpt-4o", "o200k_base"),
    ("ft:gpt-4.1", "o200k_base"),
    ("gpt-4o", "o200k_base"),
    ("gpt-4.1", "o200k_base"),
    ("gpt-4.5", "o200k_base"),
    ("gpt-5", "o200k_base"),
    ("o1", "o200k_base"),
    ("o3", "o200k_base"),
    ("o4", "o200k_base"),
    ("gpt-4", "cl100k_base"),
    ("gpt-3.5", "cl100k_base"),
    ("ft:gpt-3.5", "cl100k_base"),
)
DEFAULT_ENCODING = "o200k_base"


def encoding_name_for(model: str) -> str:
    """The tiktoken encoding of an OpenAI model; o200k_base for models it does not know, which
    is also a fair approximation for other providers' tokenizers."""
    for prefix, name in _MODEL_ENCODINGS:
        if model.startswith(prefix):
            return name
    return DEFAULT_ENCODING


@cache
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A tiktoken encoding loaded from the files shipped in this package."""
    bundled = str(resources.files("repvoice").joinpath("tokenizers"))
    previous = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = bundled
    try:
        return tiktoken.get_encoding(name)
    finally:
        if previous is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = previous


def count_text(text: str, encoding: tiktoken.Encoding | None = None) -> int:
    enc = encoding or get_encoding()
    return len(enc.encode(text, disallowed_special=()))


def _text_of(value: Any) -> str:
    """Text that a message field contributes: strings as they are, structures as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        # content parts: count the text parts, render anything else as JSON
        out = []
        for part in value:
            if isinstance(part, Mapping) and isinstance(part.get("text"), str):
                out.append(part["text"])
            else:
                out.append(_json(part))
        return "".join(out)
    return _json(value)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def count_message(message: Mapping[str, Any], encoding: tiktoken.Encoding | None = None) -> int:
    """Tokens one chat message costs, framing included. Non-text fields (`weight`) cost nothing;
    `tool_calls` are counted as their JSON."""
    enc = encoding or get_encoding()
    n = TOKENS_PER_MESSAGE
    for key in ("role", "content", "tool_calls", "function_call", "tool_call_id"):
        if key in message:
            n += count_text(_text_of(message[key]), enc)
    if isinstance(message.get("name"), str):
        n += count_text(message["name"], enc) + TOKENS_PER_NAME
    return n


def count_messages(
    messages: list[Mapping[str, Any]], encoding: tiktoken.Encoding | None = None
) -> int:
    """Tokens of a whole conversation, reply primer included."""
    enc = encoding or get_encoding()
    return sum(count_message(m, enc) for m in messages) + TOKENS_PER_REPLY


def count_assistant(
    messages: list[Mapping[str, Any]], encoding: tiktoken.Encoding | None = None
) -> int:
    """Tokens of the assistant turns alone (content only), the part trained on."""
    enc = encoding or get_encoding()
    return sum(
        count_text(_text_of(m.get("content")) + _text_of(m.get("tool_calls")), enc)
        for m in messages
        if m.get("role") == "assistant"
    )
