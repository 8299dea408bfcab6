"""Numbers, weights, durations and tempos written the way phone speech-to-text writes them.

Gym speech drops "hundred" ("two twenty five" = 225, "four oh five" = 405, "a buck thirty five"
= 135) and STT engines print some numbers as digits and others as words, even in one utterance.
Every function takes the utterance's number *style*: ``"digits"``, ``"words"`` or ``"mixed"``
(each number decided on its own), and a `random.Random` for the surface variant.
"""

from __future__ import annotations

import random
from typing import Literal

Style = Literal["digits", "words", "mixed"]

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

#: Every word that can be part of a spoken number (for measuring how numbers were written).
NUMBER_WORDS = frozenset(
    [*_ONES, *_TENS[2:], "hundred", "thousand", "oh", "point", "half", "buck", "a", "and"]
)


def words(n: int, *, with_and: bool = False) -> str:
    """Plain English for 0 <= n < 1,000,000: 225 -> "two hundred twenty five"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_ONES[hundreds]} hundred"
        if not rest:
            return head
        return f"{head} {'and ' if with_and else ''}{words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = f"{words(thousands)} thousand"
    return f"{head} {words(rest, with_and=with_and)}" if rest else head


def colloquial(n: int, rng: random.Random) -> str:
    """How a lifter says a load of 100-999: "two twenty five", "four oh five", "a buck thirty"."""
    hundreds, rest = divmod(n, 100)
    if not rest:
        return f"{_ONES[hundreds]} hundred"
    if rest < 10:
        return rng.choice(
            [f"{_ONES[hundreds]} oh {_ONES[rest]}"] * 3 + [words(n), words(n, with_and=True)]
        )
    roll = rng.random()
    if hundreds == 1 and roll < 0.06:
        return f"a buck {words(rest)}"
    if hundreds == 1 and roll < 0.12:
        return f"a hundred {rng.choice(['', 'and '])}{words(rest)}"
    if roll < 0.62:
        return f"{_ONES[hundreds]} {words(rest)}"
    return words(n, with_and=roll > 0.85)


def _as_words(style: Style, rng: random.Random) -> bool:
    if style == "mixed":
        return rng.random() < 0.5
    return style == "words"


def say_int(n: int, style: Style, rng: random.Random) -> str:
    """A count (reps, sets, RPE, seconds): "8" or "eight"."""
    return words(n) if _as_words(style, rng) else str(n)


def say_weight(value: float, style: Style, rng: random.Random) -> str:
    """A load: "225", "two twenty five", "2 25" (STT's digits for it), "62.5", "sixty two and
    a half"."""
    whole = int(value)
    half = value != whole
    if not _as_words(style, rng):
        return f"{value:g}"
    if 100 <= whole < 1000 and not half:
        hundreds, rest = divmod(whole, 100)
        if rest >= 10 and rng.random() < 0.15:
            return f"{hundreds} {rest}"  # "two twenty five" as some engines print it: "2 25"
        return colloquial(whole, rng)
    spoken = words(whole)
    if half:
        return spoken + rng.choice([" point five", " and a half", " point five"])
    return spoken


def say_half(value: float, style: Style, rng: random.Random) -> str:
    """An RPE, halves included: "8", "eight", "8.5", "eight and a half", "eight point five"."""
    whole = int(value)
    if value == whole:
        return say_int(whole, style, rng)
    if _as_words(style, rng):
        return words(whole) + rng.choice([" and a half", " point five", " and a half"])
    return rng.choice([f"{value:g}", f"{value:g}", f"{whole} and a half"])


def say_duration(seconds: int, style: Style, rng: random.Random) -> str:
    """A duration: "45 seconds", "a minute thirty", "1:30", "two minutes", "18 minutes"."""
    minutes, secs = divmod(seconds, 60)
    num = lambda k: say_int(k, style, rng)  # noqa: E731
    if minutes == 0:
        return f"{num(secs)} {rng.choice(['seconds', 'seconds', 'secs', 'second', 'sec'])}"
    if secs == 0:
        if minutes == 1:
            return rng.choice(["a minute", "one minute", "1 minute", f"{num(60)} seconds"])
        if minutes == 60:
            return rng.choice(["an hour", "one hour", "60 minutes"])
        options = [f"{num(minutes)} minutes", f"{num(minutes)} min", f"{num(minutes)} minutes"]
        if seconds <= 180:
            options.append(f"{num(seconds)} seconds")
        return rng.choice(options)
    if minutes == 1 and secs == 30:
        return rng.choice(
            [
                "a minute thirty",
                "a minute and a half",
                "1:30",
                f"{num(90)} seconds",
                f"one minute {num(30)} seconds",
            ]
        )
    options = [
        f"{minutes}:{secs:02d}",
        f"{num(minutes)} {'minute' if minutes == 1 else 'minutes'} {num(secs)} seconds",
        f"{num(minutes)} {'minute' if minutes == 1 else 'minutes'} and {num(secs)} seconds",
    ]
    if minutes == 1:
        options.append(f"a minute {num(secs)}")
    if seconds < 180:
        options.append(f"{num(seconds)} seconds")
    return rng.choice(options)


def say_split(seconds: int, style: Style, rng: random.Random) -> str:
    """A split under ten minutes as rowers say it: "1:42", "one forty two", "two oh five"."""
    minutes, secs = divmod(seconds, 60)
    if not _as_words(style, rng):
        return f"{minutes}:{secs:02d}"
    if secs < 10:
        return f"{_ONES[minutes]} oh {_ONES[secs]}"
    return f"{_ONES[minutes]} {words(secs)}"


def say_tempo(tempo: str, style: Style, rng: random.Random) -> str:
    """A tempo label ("3010", "31X0") as said: "3010", "3-0-1-0", "three oh one oh", "3 0 1 0"."""
    roll = rng.random()
    if _as_words(style, rng):
        names = {"0": rng.choice(["oh", "zero"]), "X": "x"}
        return " ".join(names.get(c, _ONES[int(c)] if c.isdigit() else c) for c in tempo)
    if roll < 0.5:
        return tempo
    if roll < 0.8:
        return "-".join(tempo)
    return " ".join(tempo)
