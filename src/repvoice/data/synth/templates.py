"""Phrases a lifter says: loads, reps, sets, effort, tempo, rest, remarks, and word orders.

Each function renders one semantic value in one of the many ways it is said; the caller keeps
the value, so the gold label never depends on which surface form was picked.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from repvoice.data.synth.spoken import Style, say_duration, say_half, say_int, say_tempo, say_weight

#: Unit words as STT writes them, with how often each is said.
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "lbs": ("pounds",) * 6 + ("lbs",) * 3 + ("lb", "pound", "lbs"),
    "kg": ("kilos",) * 4 + ("kg",) * 4 + ("kilograms", "kilo", "kgs", "k"),
}

#: Plate loads per side (lbs) and how lifters name them; bar 45 + 2 x per side.
PLATE_PHRASES: dict[tuple[int, ...], tuple[str, ...]] = {
    (45,): ("a plate", "one plate", "plate", "a plate a side", "1 plate"),
    (45, 45): ("two plates", "2 plates", "two plates a side", "2 plates each side"),
    (45, 45, 45): ("three plates", "3 plates", "three plates a side"),
    (45, 45, 45, 45): ("four plates", "4 plates", "four plates a side"),
    (45, 45, 45, 45, 45): ("five plates", "5 plates"),
    (45, 25): ("a plate and a quarter", "plate and a quarter", "a plate and a 25"),
    (45, 10): ("a plate and a dime", "plate and a ten", "a plate and a 10"),
    (45, 5): ("a plate and a nickel", "plate and a five"),
    (45, 35): ("a plate and a 35", "plate and a thirty five"),
    (45, 45, 25): ("two plates and a 25", "two plates and a quarter", "2 plates and a quarter"),
    (45, 45, 10): ("two plates and a dime", "two plates and a ten", "2 plates and a 10"),
    (45, 45, 35): ("two plates and a 35",),
    (45, 45, 45, 25): ("three plates and a quarter", "three plates and a 25"),
    (45, 45, 45, 10): ("three plates and a dime",),
    (45, 45, 45, 45, 25): ("four plates and a quarter",),
}

BAR_PHRASES = ("just the bar", "the empty bar", "the bar", "empty bar")

_CORRECTIONS = (
    "no wait",
    "no",
    "sorry",
    "actually",
    "I mean",
    "wait no",
    "no sorry",
    "scratch that",
)


def correction(rng: random.Random) -> str:
    """The words between a misspoken value and its correction ("8 no wait 7")."""
    word = rng.choice(_CORRECTIONS)
    return rng.choice([f" {word} ", f", {word}, ", f" {word}, ", f"... {word} "])


def unit_phrase(number: str, unit_word: str | None) -> str:
    if unit_word is None:
        return number
    if unit_word in ("k", "kg", "lb", "lbs") and number[-1:].isdigit() and len(unit_word) <= 2:
        return number + unit_word  # "100k", "60kg", "135lb": how STT prints short units
    return f"{number} {unit_word}"


def plural_number(value: float, style: Style, rng: random.Random) -> str:
    """A dumbbell pair: "80s", "eighties", "twenty fives", "the 100s"."""
    text = say_weight(value, style, rng)
    if text[-1:].isdigit():
        return text + "s"
    head, _, last = text.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


def pair_phrase(value: float, style: Style, rng: random.Random) -> str:
    plural = plural_number(value, style, rng)
    return rng.choice(
        [
            f"the {plural}",
            f"the {plural}",
            plural,
            f"a pair of {plural}",
            f"the {plural}",
            f"{say_weight(value, style, rng)} pound dumbbells",
            f"{plural} in each hand",
            f"{say_weight(value, style, rng)}s each hand".replace("ss ", "s ")
            if style == "digits"
            else f"the {plural}",
            f"two {plural}",
            f"with the {say_weight(value, style, rng)} pound dumbbells",
            f"a couple of {plural}",
        ]
    )


def bells_phrase(value: float, unit: str, style: Style, rng: random.Random) -> str:
    """Two kettlebells of one weight: "double 24 kilo kettlebells", "a pair of 53s".

    Never "2 24 kilo kettlebells": STT splits "two twenty five" into "2 25" (225), so a count
    said right before the weight would teach the opposite reading.
    """
    num = say_weight(value, style, rng)
    word = "kilo" if unit == "kg" else "pound"
    options = [f"double {num} {word} kettlebells", f"with two {num} {word} bells"]
    if unit == "lbs":  # a bare number is lbs by convention, so kg is always said
        options += [
            f"double {plural_number(value, style, rng)}",
            f"a pair of {plural_number(value, style, rng)}",
        ]
    return rng.choice(options)


def added_phrase(value: float, unit_word: str | None, style: Style, rng: random.Random) -> str:
    """Load added to a bodyweight movement: "plus 45", "with a 25", "with 20 kilos"."""
    num = say_weight(value, style, rng)
    if unit_word is not None:
        return rng.choice(
            [
                f"plus {unit_phrase(num, unit_word)}",
                f"with {unit_phrase(num, unit_word)}",
                f"with {unit_phrase(num, unit_word)} on the belt",
                f"+{num} {unit_word}" if num[-1:].isdigit() else f"plus {num} {unit_word}",
                f"weighted with {unit_phrase(num, unit_word)}",
                f"belt with {unit_phrase(num, unit_word)}",
                f"with a {num} {unit_word} plate",
                f"with {unit_phrase(num, unit_word)} hanging",
            ]
        )
    return rng.choice(
        [
            f"plus {num}",
            f"with a {num}",
            f"plus a {num}",
            f"with a {num} plate",
            f"with {num} on the belt",
            f"plus {num}",
            f"with a {num} dumbbell",
            f"belt with {num}",
            f"weighted with {num}",
        ]
    )


def values_phrase(values: Sequence[str], rng: random.Random) -> str:
    """Several spoken values where only the last counts: "225 no wait 235"."""
    out = values[0]
    for v in values[1:]:
        out += correction(rng) + v
    return out


def reps_phrase(reps: Sequence[int], style: Style, rng: random.Random, *, lead: bool) -> str:
    """Reps after a load ("for 8", "x 8", "8 reps") or leading ("8 reps")."""
    said = [say_int(r, style, rng) for r in reps]
    spoken = values_phrase(said, rng)
    if lead:
        return f"{spoken} {'rep' if reps[-1] == 1 else rng.choice(['reps', 'reps', 'rep'])}"
    digits = spoken.isdigit()
    options = [
        f"for {spoken}",
        f"for {spoken}",
        f"for {spoken} reps",
        f"{spoken} reps",
        f"times {spoken}",
        f"{spoken} times",
        f"for {spoken} reps",
    ]
    if digits:
        options += [f"x {spoken}", f"x{spoken}"]
    return rng.choice(options)


#: Words that say a rep count on their own ("for a triple" is 3 reps).
COUNT_NOUNS: dict[int, tuple[str, str]] = {1: ("single", "singles"), 2: ("double", "doubles"),
                                          3: ("triple", "triples")}  # fmt: skip


def count_phrase(reps: int, style: Style, rng: random.Random, *, lead: bool) -> str:
    """Reps said as a count word or "a set of": "for a single", "a triple", "doubles",
    "a set of five"."""
    if reps in COUNT_NOUNS and rng.random() < 0.75:
        one, many = COUNT_NOUNS[reps]
        if lead:
            return rng.choice([f"a {one}", f"a {one}", many])
        return rng.choice([f"for a {one}", f"for a {one}", f"a {one}", f"{many}", f"for {many}"])
    said = say_int(reps, style, rng)
    if lead:
        return f"a set of {said}"
    return rng.choice([f"for a set of {said}", f"a set of {said}", f"for a set of {said} reps"])


def side_phrase(reps: int, side: str, style: Style, rng: random.Random) -> str:
    """Reps of unilateral work with the side words that go to the notes: "10 each side"."""
    said = say_int(reps, style, rng)
    return rng.choice([f"{said} {side}", f"{said} {side}", f"for {said} {side}",
                       f"{said} reps {side}"])  # fmt: skip


def sets_reps_phrase(sets: int, reps: Sequence[int], style: Style, rng: random.Random) -> str:
    """ "3 sets of 10", "4x8", "4 by 8", "three sets of ten reps"."""
    s = say_int(sets, style, rng)
    r = values_phrase([say_int(x, style, rng) for x in reps], rng)
    options = [f"{s} sets of {r}", f"{s} sets of {r} reps", f"{s} by {r}", f"{s} sets {r} reps"]
    if s.isdigit() and r.isdigit():
        options += [f"{s}x{r}", f"{s} x {r}", f"{s}x{r}"]
    return rng.choice(options)


def effort_phrase(kind: str, values: Sequence[float], style: Style, rng: random.Random) -> str:
    """RPE, RIR or failure, in the ways people say them."""
    if kind == "failure":
        return rng.choice(
            [
                "to failure",
                "until failure",
                "went to failure",
                "took it to failure",
                "all the way to failure",
                "to failure",
                "till failure",
                "failure",
            ]
        )
    if kind == "rpe":
        said = values_phrase([say_half(v, style, rng) for v in values], rng)
        last = values[-1]
        options = [
            f"at RPE {said}",
            f"RPE {said}",
            f"at {said}",
            f"at an RPE of {said}",
            f"rpe {said}",
            f"RPE was {said}",
            f"rate of perceived exertion {said}",
            f"at rpe {said}",
            f"{said} RPE",
            f"RPE of {said}",
        ]
        if said.replace(".", "").isdigit():
            options += [f"@{said}", f"@ {said}", f"@ RPE {said}"]
        if len(values) == 1 and last == int(last):
            article = "an" if int(last) in (8, 11, 18) else "a"
            options += [
                f"felt like {article} {said}",
                f"that was {article} {said}",
                f"maybe {article} {said}",
                f"probably {article} {said}",
                f"like {article} {said}",
                f"felt like {article} {said} rpe",
            ]
        if len(values) == 1 and last != int(last):
            options += [f"{said} rpe", f"felt like {said}"]
        return rng.choice(options)
    said = values_phrase([say_int(int(v), style, rng) for v in values], rng)
    last = int(values[-1])
    options = [
        f"{said} in the tank",
        f"{said} reps in reserve",
        f"RIR {said}",
        f"{said} RIR",
        f"with {said} left in the tank",
        f"rir {said}",
        f"left {said} in the tank",
        f"{said} rep{'s' if last != 1 else ''} in reserve",
    ]
    if last == 0:
        options += [
            "nothing left in the tank",
            "zero in the tank",
            "zero reps left",
            "nothing left",
            "had nothing left",
            "zero left",
        ]
    elif len(values) == 1:
        options += [
            f"could have done {said} more",
            f"had {said} more in me",
            f"{said} rep{'s' if last != 1 else ''} left",
            f"had {said} left",
            f"could've done {said} more",
            f"maybe {said} more in the tank",
            f"probably had {said} left",
        ]
    return rng.choice(options)


def tempo_phrase(tempo: str, style: Style, rng: random.Random) -> str:
    said = say_tempo(tempo, style, rng)
    return rng.choice(
        [
            f"tempo {said}",
            f"{said} tempo",
            f"at a {said} tempo",
            f"with a {said} tempo",
            f"tempo {said}",
        ]
    )


def rest_phrase(seconds: int, style: Style, rng: random.Random) -> str:
    said = say_duration(seconds, style, rng)
    return rng.choice(
        [
            f"rest {said}",
            f"{said} rest",
            f"resting {said}",
            f"rested {said}",
            f"took {said} rest",
            f"{said} rest between sets",
            f"rest was {said}",
        ]
    )


def remark_phrase(remark: str, rng: random.Random) -> str:
    return rng.choice([remark, remark, remark, f"note {remark}", f"notes {remark}"])


__all__ = [
    "BAR_PHRASES",
    "COUNT_NOUNS",
    "PLATE_PHRASES",
    "UNIT_WORDS",
    "added_phrase",
    "bells_phrase",
    "count_phrase",
    "effort_phrase",
    "pair_phrase",
    "plural_number",
    "remark_phrase",
    "reps_phrase",
    "rest_phrase",
    "sets_reps_phrase",
    "side_phrase",
    "tempo_phrase",
    "unit_phrase",
    "values_phrase",
]
