"""What a span of tokens can mean as a value: a load, a count, a duration or a tempo.

Both sides of the tagger use these readings: alignment (training) looks for the span whose
reading equals a gold value, and decoding turns a tagged span back into its value, so the two
can never disagree about what "two plates" or "to twenty five" is worth.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from repvoice.parser.durations import parse_duration
from repvoice.parser.lexicon import COUNT_WORDS, UNIT_WORDS, word_value
from repvoice.parser.numbers import PLURAL, homophone_candidates
from repvoice.parser.plates import find_plate_phrases, plate_load
from repvoice.parser.tokens import Token

#: Things lifted in pairs: "two 24 kilo kettlebells" is a pair of 24s, not 224.
_IMPLEMENTS = frozenset(
    "dumbbells dumbbell dbs db kettlebells kettlebell kbs kb bells bell plates handles".split()
)
#: Tempo words: "tempo three one x oh" is 31X0.
_TEMPO_WORDS = {"x": "X", "oh": "0", "o": "0", "zero": "0"}


@dataclass(frozen=True, slots=True)
class Reading:
    """Tokens `start:end` read as `value`; `how` says which rule read them."""

    start: int
    end: int
    value: float
    how: str


def numeric_readings(tokens: Sequence[Token]) -> Iterator[Reading]:
    """Every way a span can be read as one number: a number token, a count word ("triple"), a
    homophone ("ate"), a split hundred ("2 25", "to twenty five") or a plate phrase."""
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.value is not None:
            yield Reading(i, i + 1, tok.value, "number")
        elif tok.norm in COUNT_WORDS:
            yield Reading(i, i + 1, COUNT_WORDS[tok.norm], "count_word")
        else:
            for value in homophone_candidates(tok):
                yield Reading(i, i + 1, value, "homophone")
        if i + 1 < n:
            merged = split_hundred(tokens[i], tokens[i + 1], tokens[i + 2 : i + 4])
            if merged is not None:
                yield Reading(i, i + 2, merged, "split_hundred")
    for start, end, load in find_plate_phrases(tokens):
        yield Reading(start, end, load, "plates")


def split_hundred(first: Token, second: Token, after: Sequence[Token] = ()) -> float | None:
    """ "2 25" or a misheard "to twenty five" said as one load (225): a digit 1-9, or a number
    homophone, before a whole number 10-99 -- unless it counts a pair ("two 35s", "2 20 kg
    dumbbells": `after` holds the tokens that follow)."""
    b = second.value
    zero_led = second.text[:1] == "0" and len(second.text) == 2  # "2 05" is 205
    if b is None or not (10 <= b <= 99 or zero_led) or b != int(b) or second.kind == PLURAL:
        return None
    follow = [t.norm for t in after]
    if follow[:1] and (
        follow[0] in _IMPLEMENTS
        or (follow[0] in UNIT_WORDS and follow[1:2] and follow[1] in _IMPLEMENTS)
    ):
        return None
    if first.value is not None:
        a = first.value
    else:
        candidates = homophone_candidates(first)
        a = candidates[0] if candidates else None
    if a is None or not (1 <= a <= 9) or a != int(a):
        return None
    return a * 100 + b


def duration_readings(tokens: Sequence[Token]) -> Iterator[Reading]:
    """Every span that reads as a duration ("90 seconds", "a minute thirty", "1:15")."""
    for i in range(len(tokens)):
        found = parse_duration(tokens, i)
        if found is not None:
            seconds, end = found
            yield Reading(i, end, float(seconds), "duration")


def tempo_of(tokens: Sequence[Token]) -> str | None:
    """A tempo said as digits and words ("3010", "3-1-1", "twenty x oh", "three one x oh")."""
    out: list[str] = []
    for tok in tokens:
        if tok.norm == "-":
            continue
        if tok.norm in _TEMPO_WORDS:
            out.append(_TEMPO_WORDS[tok.norm])
        elif tok.value is not None and tok.value == int(tok.value) and tok.value >= 0:
            out.append(str(int(tok.value)))
        else:
            return None
    tempo = "".join(out)
    return tempo if 2 <= len(tempo) <= 8 else None


def tempo_readings(tokens: Sequence[Token], max_tokens: int = 8) -> Iterator[tuple[int, int, str]]:
    """Every span of up to `max_tokens` that reads as a tempo."""
    n = len(tokens)
    for i in range(n):
        for j in range(i + 1, min(n, i + max_tokens) + 1):
            tempo = tempo_of(tokens[i:j])
            if tempo is not None:
                yield i, j, tempo


def span_value(
    tokens: Sequence[Token], start: int, end: int, *, load: bool = False, plates: bool = True
) -> float | None:
    """The number a tagged span says: its last number; for a `load`, also a split hundred
    ("2 25") and, with `plates` (barbell work), a plate phrase."""
    if load and plates and end - start >= 2:
        plates = plate_load(tokens, start, end)
        if plates is not None:
            return plates
    if load and end - start == 1 and tokens[start].kind == "clock":
        return float(tokens[start].text.replace(":", ""))  # "2:25": STT's clock for 225
    if load and end - start == 2:
        merged = split_hundred(tokens[start], tokens[start + 1], tokens[end : end + 2])
        if merged is not None:
            return merged
    for tok in reversed(tokens[start:end]):
        value = word_value(tok)
        if value is not None:
            return value
    if load and plates and end - start == 1:
        return plate_load(tokens, start, end)
    return None


def span_seconds(tokens: Sequence[Token], start: int, end: int) -> int | None:
    """Seconds said by a tagged duration span ("90 seconds"; a bare number counts as seconds)."""
    found = parse_duration(tokens, start)
    if found is not None:
        return found[0]
    value = span_value(tokens, start, end)
    return int(value) if value is not None else None
