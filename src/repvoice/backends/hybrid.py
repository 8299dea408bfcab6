"""How the hybrid router combines the local parser's answer with a fallback's.

One definition for `repvoice serve` (serve/router.py) and `repvoice eval --fallback`, so that
the evaluation scores exactly what the service would answer:

- The local answer stands when its confidence is at or above the threshold.
- Otherwise the fallback's answer (one JSON object that fits `WorkoutSet`) is taken, with its
  exercise resolved against the local catalogue (an LLM's exercise id is never trusted) and its
  confidence capped; it is unconfirmed when the exercise is unknown or the confidence is low.
- When the fallback gives no usable answer, the local answer comes back unconfirmed.
- A local answer whose exercise (from the context) is not in the catalogue is unconfirmed.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from repvoice.parser.model import Parser
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.tokens import PUNCT
from repvoice.schema import CONFIRMATION_THRESHOLD, ParseResult, WorkoutSet


def asks_fallback(local: ParseResult, threshold: float) -> bool:
    """Whether the router asks the fallback about this local answer."""
    return local.confidence < threshold


def known(parser: Parser, result: ParseResult) -> bool:
    """True when the answer names no exercise or one of the catalogue's."""
    if result.exercise_id is None and result.exercise_name is None:
        return True
    return parser.knows(result.exercise_id, result.exercise_name)


def checked_local(parser: Parser, result: ParseResult) -> ParseResult:
    """The local answer, unconfirmed when its exercise is not in the catalogue."""
    if not result.requires_confirmation and not known(parser, result):
        return result.model_copy(update={"requires_confirmation": True})
    return result


def unconfirmed(local: ParseResult) -> ParseResult:
    """The local answer given when the fallback gave none: the user must confirm it."""
    return local.model_copy(update={"requires_confirmation": True})


def merge(
    parser: Parser,
    data: dict[str, Any],
    local: ParseResult,
    cap: float,
    lock: AbstractContextManager[Any] | None = None,
) -> ParseResult:
    """A fallback's answer (a valid `WorkoutSet` object) as a `ParseResult`: the exercise
    resolved against the local catalogue, the confidence capped at `cap`. `lock` guards the
    parser's resolver when it is shared between threads."""
    fields = WorkoutSet.model_validate(data).model_dump()
    ex_id, ex_name, found = resolve(parser, fields["exercise_id"], fields["exercise_name"], lock)
    if ex_name is None:
        # The fallback named no exercise: keep the one the local parser found (or context).
        ex_id, ex_name, found = local.exercise_id, local.exercise_name, known(parser, local)
    confidence = min(fields["confidence"], cap)
    fields |= {"exercise_id": ex_id, "exercise_name": ex_name, "confidence": confidence}
    return ParseResult(
        **fields,
        requires_confirmation=confidence < CONFIRMATION_THRESHOLD or not found,
    )


def resolve(
    parser: Parser,
    ex_id: str | None,
    name: str | None,
    lock: AbstractContextManager[Any] | None = None,
) -> tuple[str | None, str | None, bool]:
    """(id, canonical name, found) for an exercise a fallback's answer named."""
    exercises = parser.resolver.exercises
    if name is None:
        if ex_id is not None and ex_id in exercises:
            return ex_id, exercises[ex_id].name, True
        return None, None, True
    if ex_id is not None and ex_id in exercises and exercises[ex_id].name.lower() == name.lower():
        return ex_id, exercises[ex_id].name, True
    by_name = parser.catalog.by_name(name)
    if by_name is not None and by_name.id in exercises:
        return parser.resolver.answer_id(by_name.id), by_name.name, True
    tokens = spoken_numbers(name)
    with lock or nullcontext():  # the resolver's fuzzy search is cheap but shares the parser
        match = parser.resolver.find(tokens)
    words = sum(1 for t in tokens if t.kind != PUNCT)
    # Only a match of the whole name counts: "Zorbulator Swings" is not "Kettlebell Swing".
    if match is not None and match.end - match.start >= words:
        return parser.resolver.answer_id(match.id), match.name, True
    # Unknown to the catalogue: keep the name for the user to confirm, but no made-up id.
    return None, name, False
