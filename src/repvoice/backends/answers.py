"""Judge an LLM's reply text against the workout-set schema, without repairing anything.

Servers are known to return unconstrained text with HTTP 200 even when a schema was requested
(PARSING.md §2.6: llama.cpp, Ollama MLX models), so every reply is checked here. A reply counts
as JSON only when the whole text (surrounding whitespace aside) is one JSON object: Markdown
fences, prose around the object, or a bare list are invalid JSON, not something to strip.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from repvoice.schema import WorkoutSet, describe_validation_error


@dataclass(frozen=True, slots=True)
class Judged:
    """What a reply text is worth: the object (if any) and whether it is valid."""

    data: dict[str, Any] | None
    json_valid: bool
    schema_valid: bool
    schema_error: str | None
    confidence: float | None


def judge(raw: str | None) -> Judged:
    """Parse `raw` as one JSON object and validate it as a `WorkoutSet`."""
    if raw is None or not raw.strip():
        return Judged(None, False, False, "empty reply", None)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            reason = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        elif isinstance(exc, RecursionError):
            reason = "nested too deeply"
        else:  # an integer longer than Python's int_max_str_digits (4,300)
            reason = "a number too long to read"
        return Judged(None, False, False, f"not JSON: {reason}", None)
    if not isinstance(data, dict):
        return Judged(None, False, False, f"not a JSON object: {type(data).__name__}", None)
    confidence = _confidence(data.get("confidence"))
    try:
        WorkoutSet.model_validate(data)
    except ValidationError as exc:
        return Judged(data, True, False, describe_validation_error(exc), confidence)
    return Judged(data, True, True, None, confidence)


def _confidence(value: Any) -> float | None:
    """The self-reported confidence as given (even out of range); None when not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None
