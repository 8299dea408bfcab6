"""Reading request bodies safely: size limit, UTF-8, JSON, and transcript checks.

Every way a body can be wrong becomes an `ApiError` (a 4xx with a message naming the field),
never an exception that would surface as a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from repvoice.parser.batch import MAX_TEXT_CHARS, check_text, parse_context
from repvoice.schema import Context
from repvoice.serve.errors import ApiError

#: Largest request body read, in bytes; a transcript and its context fit in far less.
MAX_BODY_BYTES = 64 * 1024

# C0 and C1 controls other than tab, newline and carriage return, DEL, and lone surrogates
# (json.loads accepts "\ud800", which no UTF-8 encoder can write back).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BOM = "\ufeff"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: Request) -> Any:
    """The request body as decoded JSON; `ApiError` (413 or 400) when it cannot be."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise ApiError(413, f"request body is over {MAX_BODY_BYTES // 1024} KB")
    if not body.strip():
        raise ApiError(400, "request body is empty; send a JSON object")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"request body is not UTF-8 text (byte {exc.start + 1})") from None
    try:
        return json.loads(text.removeprefix(_BOM), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            f"request body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
        ) from None
    except ValueError as exc:  # NaN / Infinity
        raise ApiError(400, f"request body is not valid JSON ({exc})") from None
    except RecursionError:
        raise ApiError(400, "request body is not valid JSON (nested too deeply)") from None


def json_type(value: Any) -> str:
    """How a decoded JSON value is called in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    names = {dict: "an object", list: "an array", str: "a string"}
    return names.get(type(value), type(value).__name__)


def require_object(value: Any, field: str | None = None) -> dict[str, Any]:
    """`value` when it is a JSON object, else a 422 naming what it is."""
    if not isinstance(value, dict):
        where = field or "request body"
        raise ApiError(422, f"{where} must be a JSON object, got {json_type(value)}", field)
    return value


def transcript(value: Any, field: str) -> str:
    """A transcript checked as the app sends it: a string of 1-500 characters, stripped, with no
    control characters."""
    if not isinstance(value, str):
        raise ApiError(422, f"{field} must be a string, got {json_type(value)}", field)
    if (bad := _BAD_CHARS.search(value)) is not None:
        char = ord(bad.group())
        raise ApiError(
            422,
            f"{field} contains a control or invalid character (U+{char:04X}) at position "
            f"{bad.start() + 1}",
            field,
        )
    try:
        return check_text(value)
    except ValueError as exc:
        raise ApiError(422, f"{field}: {exc} (1 to {MAX_TEXT_CHARS} characters)", field) from None


def context(value: Any, field: str) -> Context | None:
    """The previous set from a JSON value (null or an object)."""
    try:
        return parse_context(value)
    except ValueError as exc:
        raise ApiError(422, f"{field}: {exc}", field) from None
