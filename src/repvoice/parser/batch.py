"""Batch parsing input: one request per line, read as a stream.

A line is one of three forms, detected per line:

- plain text: the whole line (stripped) is the transcript;
- JSONL: `{"text": "...", "context": {...}}` (`transcript` is accepted for `text`);
- chat JSONL: `{"messages": [...]}`, the user turn is the transcript and a `Context: {json}`
  suffix of the system turn is the previous set.

A line starting with `{` or `[` is read as JSON, anything else as plain text. A line that cannot
become a request (bad JSON, a number too long to read, a JSON value that is not an object, no
text, empty or too long text, a bad context, bytes that are not UTF-8, a line over
`MAX_LINE_BYTES`) still yields a `BatchItem`, with `error` set, so the output has exactly one
answer per input line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from repvoice.data.jsonl import bounded_lines, is_stdin, loads, open_stdin, value_error_message
from repvoice.data.stats import split_context
from repvoice.schema import Context, ParseResult, compact_dict, describe_validation_error

#: Longest transcript accepted, in characters: a spoken set is a sentence, not a paragraph.
MAX_TEXT_CHARS = 500
#: Longest input line read, in bytes: the service's request-body cap (a chat record with the
#: system prompt and a context fits in a few KB).
MAX_LINE_BYTES = 64 * 1024

_BOM = b"\xef\xbb\xbf"
_ANSWER_FIELDS = {"confidence", "requires_confirmation", "alternatives", "error"}


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One input line: a request (`text`, `context`) or the reason it is not one (`error`)."""

    line: int
    text: str | None
    context: Context | None
    error: str | None
    #: Byte offset just after this line (for progress).
    end: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None


def iter_requests(path: str | Path) -> Iterator[BatchItem]:
    """Every line of `path` (standard input for `-`) as a `BatchItem`, in order, in constant
    memory: a line over `MAX_LINE_BYTES` is skipped unread and answered with an error.

    Raises `OSError` when the file cannot be opened.
    """
    if is_stdin(path):
        yield from _items(open_stdin())
        return
    with Path(path).open("rb") as fh:
        yield from _items(fh)


def _items(fh: IO[bytes]) -> Iterator[BatchItem]:
    offset = 0
    for number, (raw, size) in enumerate(bounded_lines(fh, MAX_LINE_BYTES), start=1):
        offset += size
        if raw is None:
            yield BatchItem(
                number,
                None,
                None,
                f"line is {_size(size)}, over the {MAX_LINE_BYTES // 1024} KB a request may be; "
                "not read",
                offset,
            )
            continue
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield BatchItem(number, None, None, f"not UTF-8 text (byte {exc.start + 1})", offset)
            continue
        text, context, error = read_request(line)
        yield BatchItem(number, text, context, error, offset)


def _size(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB" if n >= 1_048_576 else f"{n / 1024:,.1f} KB"


def read_request(line: str) -> tuple[str | None, Context | None, str | None]:
    """(text, context, error) for one line of batch input."""
    stripped = line.strip()
    if not stripped:
        return None, None, "empty line"
    if stripped[0] not in "{[":
        return _checked(stripped, None)
    try:
        data = loads(stripped)
    except json.JSONDecodeError as exc:
        return None, None, f"not valid JSON ({exc.msg}, column {exc.colno})"
    except ValueError as exc:  # NaN, or a number too long to read
        return None, None, f"not valid JSON ({value_error_message(exc)})"
    except RecursionError:
        return None, None, "not valid JSON (nested too deeply)"
    if not isinstance(data, dict):
        return None, None, f"expected a JSON object, got {_json_type(data)}"
    if "messages" in data:
        return _from_chat(data["messages"])
    text = data["text"] if data.get("text") is not None else data.get("transcript")
    if text is None:
        return None, None, 'JSON object has no "text" (or "messages")'
    if not isinstance(text, str):
        return None, None, f'"text" must be a string, got {_json_type(text)}'
    try:
        context = parse_context(data.get("context"))
    except ValueError as exc:
        return None, None, f"context: {exc}"
    return _checked(text, context)


def parse_context(value: Any) -> Context | None:
    """A `Context` from a decoded JSON value (None or an object); `ValueError` names the problem."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object, got {_json_type(value)}")
    try:
        return Context.model_validate(value)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


def _from_chat(messages: Any) -> tuple[str | None, Context | None, str | None]:
    if not isinstance(messages, list):
        return None, None, f'"messages" must be a list, got {_json_type(messages)}'
    turns = [m for m in messages if isinstance(m, dict)]
    user = next((m.get("content") for m in turns if m.get("role") == "user"), None)
    system = next((m.get("content") for m in turns if m.get("role") == "system"), None)
    if not isinstance(user, str):
        return None, None, "chat record has no user turn with text"
    context = None
    if isinstance(system, str):
        _, ctx, state = split_context(system)
        if state == "unparsed":
            return None, None, "system turn's Context suffix is not a JSON object"
        try:
            context = parse_context(ctx)
        except ValueError as exc:
            return None, None, f"context: {exc}"
    return _checked(user, context)


def check_text(text: str) -> str:
    """`text` stripped; `ValueError` when it is empty or longer than `MAX_TEXT_CHARS`."""
    text = text.strip()
    if not text:
        raise ValueError("empty text")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text):,} characters (at most {MAX_TEXT_CHARS})")
    return text


def _checked(text: str, context: Context | None) -> tuple[str | None, Context | None, str | None]:
    try:
        return check_text(text), context, None
    except ValueError as exc:
        return None, None, str(exc)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def result_dict(result: ParseResult) -> dict[str, Any]:
    """The answer as the app reads it: schema fields that are set, in the training data's order
    (whole numbers written as integers), then `confidence` and `requires_confirmation`, and
    `alternatives` and `error` only when present."""
    data = result.model_dump(exclude=_ANSWER_FIELDS)
    out: dict[str, Any] = {k: _whole(v) for k, v in compact_dict(data).items()}
    out["confidence"] = result.confidence
    out["requires_confirmation"] = result.requires_confirmation
    if result.alternatives:
        out["alternatives"] = [a.model_dump() for a in result.alternatives]
    if result.error is not None:
        out["error"] = result.error
    return out


def error_result(message: str) -> ParseResult:
    """The answer for a request that could not be parsed: no fields, confidence 0."""
    return ParseResult(confidence=0.0, requires_confirmation=True, error=message)


def _whole(value: Any) -> Any:
    # 225.0 -> 225, as the training data and the original app wrote whole numbers
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


__all__ = [
    "MAX_LINE_BYTES",
    "MAX_TEXT_CHARS",
    "BatchItem",
    "check_text",
    "error_result",
    "iter_requests",
    "parse_context",
    "read_request",
    "result_dict",
]
