"""Spoken durations over normalised tokens: "a minute thirty", "ninety seconds", "1:30", "60s".

`parse_duration` reads one duration starting at a given token of `normalise(...)` output and
says where it ends, so the parser can call it wherever a rest or timed-set slot may start.
"""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.numbers import COLLOQUIAL, ORDINAL, PLURAL
from repvoice.parser.tokens import CLOCK, Token

__all__ = ["parse_duration"]

_SECONDS = frozenset({"s", "sec", "secs", "second", "seconds"})
_MINUTES = frozenset({"m", "min", "mins", "minute", "minutes"})
_HOURS = frozenset({"h", "hr", "hrs", "hour", "hours"})
#: After "a minute thirty", a bare number that is followed by one of these is not seconds.
_NOT_SECONDS = frozenset({"rep", "reps", "repetitions", "sets", "set", "x", "times", "rpe", "rir"})


def parse_duration(tokens: Sequence[Token], start: int) -> tuple[int, int] | None:
    """Read a duration at `tokens[start]`; return `(seconds, end)` or None if none starts there.

    `end` is the index after the last token used. Forms: "1:30"; "60s" (digits glued to "s");
    "<n> seconds"; "<n> minutes [and] [<m> [seconds] | a half]"; "a minute ...";
    "half a minute"; "<n> hours". A bare number without a unit is not a duration.
    """
    n = len(tokens)
    if start >= n:
        return None
    tok = tokens[start]
    if tok.kind == CLOCK and tok.value is not None:
        return int(tok.value), start + 1
    if tok.kind == PLURAL and tok.value is not None and tok.text[-1:].lower() == "s":
        if tok.text[:1].isdigit():
            return int(tok.value), start + 1  # "60s", never "twenty fives"
        return None
    amount: float | None
    j = start + 1
    if tok.norm in ("a", "an"):
        amount = 1.0
    elif tok.norm == "half" and j < n and tokens[j].norm in ("a", "an"):
        amount, j = 0.5, j + 1
    elif tok.value is not None and tok.kind not in (PLURAL, ORDINAL, COLLOQUIAL):
        amount = tok.value
    else:
        return None
    if j >= n:
        return None
    unit = tokens[j].norm
    j += 1
    if unit in _SECONDS:
        return round(amount), j
    if unit in _HOURS:
        seconds, j = _and_a_half(tokens, j, n, amount * 3600, 1800)
        return round(seconds), j
    if unit not in _MINUTES:
        return None
    seconds = amount * 60
    if amount != int(amount):
        return round(seconds), j
    with_half = _and_a_half(tokens, j, n, seconds, 30)
    if with_half[1] != j:
        return round(with_half[0]), with_half[1]
    k = j + 1 if j < n and tokens[j].norm == "and" else j
    if k < n:
        extra = tokens[k]
        if extra.value is not None and extra.kind not in (PLURAL, ORDINAL, COLLOQUIAL, CLOCK):
            if 0 < extra.value < 60 and extra.value == int(extra.value):
                after = tokens[k + 1].norm if k + 1 < n else ""
                if after in _SECONDS:
                    return round(seconds + extra.value), k + 2
                if after not in _NOT_SECONDS and after not in _MINUTES:
                    return round(seconds + extra.value), k + 1
        elif (
            extra.kind == PLURAL
            and extra.text[:1].isdigit()
            and extra.text[-1:] == "s"
            and extra.value is not None
            and 0 < extra.value < 60
        ):
            return round(seconds + extra.value), k + 1  # "1m30s"
    return round(seconds), j


def _and_a_half(
    tokens: Sequence[Token], j: int, n: int, seconds: float, half: int
) -> tuple[float, int]:
    """Add "and a half" after a unit word, if it is there."""
    if (
        j + 2 < n
        and tokens[j].norm == "and"
        and tokens[j + 1].norm == "a"
        and tokens[j + 2].norm == "half"
    ):
        return seconds + half, j + 3
    return seconds, j
