"""Reading request bodies safely: size limit, UTF-8, JSON, and transcript checks.

Every way a body can be wrong becomes an `ApiError` (a 4xx with a message naming the field),
never an exception that would surface as a 500.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from pydantic import ValidationError
from starlette.requests import ClientDisconnect, Request

from repvoice.parser.batch import MAX_LINE_BYTES, MAX_TEXT_CHARS, check_text, parse_context
from repvoice.redact import redact
from repvoice.schema import Context, WorkoutSet
from repvoice.serve.errors import ApiError, too_large

#: Largest request body read, in bytes; a transcript and its context fit in far less. One
#: request is one line of `repvoice parse --input`, so both share the cap.
MAX_BODY_BYTES = MAX_LINE_BYTES

# C0 and C1 controls other than tab, newline and carriage return, DEL, and lone surrogates
# (json.loads accepts "\ud800", which no UTF-8 encoder can write back).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BOM = "\ufeff"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: Context fields the answer may copy, checked as the answer's own fields are, with the keys
#: that may give them (repvoice's name first, as `Context` prefers it).
_CONTEXT_ANSWER_FIELDS: dict[str, tuple[str, ...]] = {
    "exercise_id": ("exercise_id", "current_exercise_id"),
    "exercise_name": ("exercise_name", "last_exercise", "current_exercise"),
}


def require_json_content_type(request: Request) -> None:
    """415 unless the body is declared as JSON (`application/json`, any parameters, or a
    `+json` type); a missing Content-Type is read as JSON, as most clients mean it."""
    value = request.headers.get("content-type")
    if value is None:
        return
    media = value.partition(";")[0].strip().lower()
    if media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    ):
        return
    raise ApiError(415, f"Content-Type must be application/json, got {redact(value[:100])!r}")


async def read_json(request: Request) -> Any:
    """The request body as decoded JSON; `ApiError` (415, 413 or 400) when it cannot be."""
    require_json_content_type(request)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise ApiError(413, too_large(MAX_BODY_BYTES))
    except ClientDisconnect:
        raise ApiError(400, "the connection closed before the request body was complete") from None
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
    except ValueError as exc:  # NaN / Infinity, an integer over 4,300 digits
        raise ApiError(400, f"request body is not valid JSON ({json_value_error(exc)})") from None
    except RecursionError:
        raise ApiError(400, "request body is not valid JSON (nested too deeply)") from None


def json_value_error(exc: ValueError) -> str:
    """What `json.loads` refused beyond syntax, in a few words."""
    if "integer string conversion" in str(exc):  # Python's int_max_str_digits
        return f"a number has more than {sys.get_int_max_str_digits():,} digits"
    return str(exc)


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


def context(value: Any, field: str, *, suffix: bool = False) -> Context | None:
    """The previous set from a JSON value (null or an object).

    The exercise id and name, which the answer may copy, are held to the answer's own limits
    (length, no control characters or lone surrogates): a context the answer cannot carry is a
    422, not a failed answer. Errors name `field.KEY`, or `field` alone when the context is the
    Context suffix of a chat message (`suffix`).
    """
    if isinstance(value, dict):
        _check_answer_keys(value, field, suffix=suffix)
    try:
        return parse_context(value)
    except ValueError as exc:
        raise ApiError(422, f"{field}: {exc}", field) from None


def _check_answer_keys(value: dict[str, Any], field: str, *, suffix: bool) -> None:
    """Hold the id and name the answer may copy to the answer's limits, naming the key sent."""
    sent = {
        name: next((k for k in keys if value.get(k) is not None), None)
        for name, keys in _CONTEXT_ANSWER_FIELDS.items()
    }
    answer = {name: value[key] for name, key in sent.items() if key is not None}
    problem: tuple[str, str] | None = None
    for name, item in answer.items():
        if isinstance(item, str) and (bad := _BAD_CHARS.search(item)) is not None:
            problem = name, f"contains a control or invalid character (U+{ord(bad.group()):04X})"
            break
    if problem is None:
        try:
            WorkoutSet.model_validate({**answer, "confidence": 1.0})
        except ValidationError as exc:
            err = exc.errors()[0]
            problem = str(err["loc"][0]), str(err["msg"])
    if problem is None:
        return
    name, detail = problem
    key = sent.get(name) or name
    if suffix:
        raise ApiError(422, f"{field}: Context {key}: {detail}", field)
    raise ApiError(422, f"{field}.{key}: {detail}", f"{field}.{key}")
