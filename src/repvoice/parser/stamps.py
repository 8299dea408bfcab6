"""What a typed log line may start with that holds no value: a chat command ("/log", "/add")
and a date or time of day ("12/03 07:15", "2026-12-03", "7:15am").

A time counts as a time of day only where a duration cannot be meant: after a date or a
command, written with a leading zero ("07:15") or followed by "am"/"pm". "1:30 plank" keeps
its 1:30. "8-10 reps" and "12-3-30" are not dates: a dashed date needs a four-digit year.
"""

from __future__ import annotations

from collections.abc import Sequence

from repvoice.parser.tokens import CLOCK, DIGITS, PUNCT, WORD, Token

__all__ = ["skip_stamps"]

_DAY_PARTS = frozenset({"am", "pm"})
_SHORT_DAY_PARTS = frozenset({"a", "p"})
#: Punctuation that may follow a stamp before the log itself ("12/03 - bench").
_AFTER_STAMP = frozenset({"-", ":", "|", ","})


def skip_stamps(tokens: Sequence[Token]) -> list[Token]:
    """`tokens` (from `tokenize`) without the commands, dates and times that start them."""
    i, n = 0, len(tokens)
    stamped = False
    while i < n:
        end = _command(tokens, i) or _date(tokens, i) or _time_of_day(tokens, i, stamped)
        if end is None:
            break
        stamped = True
        i = end
        while i < n and tokens[i].kind == PUNCT and tokens[i].norm in _AFTER_STAMP:
            i += 1
    return list(tokens[i:])


def _glued(tokens: Sequence[Token], i: int) -> bool:
    """Whether `tokens[i]` touches the token before it."""
    return i > 0 and tokens[i - 1].end == tokens[i].start


def _command(tokens: Sequence[Token], i: int) -> int | None:
    """ "/log", "/add": a slash glued to a word."""
    if (
        i + 1 < len(tokens)
        and tokens[i].norm == "/"
        and tokens[i + 1].kind == WORD
        and _glued(tokens, i + 1)
    ):
        return i + 2
    return None


def _date(tokens: Sequence[Token], i: int) -> int | None:
    """ "12/03", "12/3/26", "2026-12-03", "03.12.2026": glued digit groups."""
    parts: list[Token] = []
    seps: set[str] = set()
    k = i
    while k < len(tokens) and tokens[k].kind == DIGITS and (k == i or _glued(tokens, k)):
        parts.append(tokens[k])
        if len(parts) == 3:
            k += 1
            break
        nxt = k + 1
        if (
            nxt + 1 < len(tokens)
            and tokens[nxt].norm in ("/", "-", ".")
            and _glued(tokens, nxt)
            and _glued(tokens, nxt + 1)
            and tokens[nxt + 1].kind == DIGITS
        ):
            seps.add(tokens[nxt].norm)
            k = nxt + 1
        else:
            k += 1
            break
    if len(parts) < 2 or len(seps) != 1:
        return None
    year = len(parts[0].text) == 4 or len(parts[-1].text) == 4
    if seps != {"/"} and not (len(parts) == 3 and year):
        return None  # "8-10" is a range, "12-3-30" a treadmill setting
    small = [p for p in parts if len(p.text) <= 2]
    if len(small) < 2 or any(not 1 <= (p.value or 0) <= 31 for p in small[:2]):
        return None
    if min(p.value or 0 for p in small[:2]) > 12:
        return None  # no month
    return k


def _time_of_day(tokens: Sequence[Token], i: int, stamped: bool) -> int | None:
    """ "07:15", "7:15am", or any clock time after a date or a command."""
    tok = tokens[i]
    if tok.kind == CLOCK:
        after = i + 1 < len(tokens) and (
            tokens[i + 1].norm in _DAY_PARTS
            or (tokens[i + 1].norm in _SHORT_DAY_PARTS and _glued(tokens, i + 1))  # "5:38a"
        )
        if after:
            return i + 2
        if stamped or (len(tok.text) == 5 and tok.text.startswith("0")):
            return i + 1
        return None
    if (
        tok.kind == DIGITS
        and i + 1 < len(tokens)
        and tokens[i + 1].norm in _DAY_PARTS
        and _glued(tokens, i + 1)
        and 1 <= (tok.value or 0) <= 12
    ):
        return i + 2  # "7am"
    return None
