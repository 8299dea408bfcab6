"""Typed gym logs, as people type them into a notes app or a chat bot: `405x5x3`,
`bench 3x8 @ 185`, `/log squat 100kg 5x5 @8`, `3pl x 5`, `plank 3x45s`.

Labels follow the typed conventions: a load first in `W x R x S` is weight, reps, sets; `S x R`
with no load is sets, reps; `@ N` with N at most 10 is the RPE, above 10 the load; `Ns` on a
hold is N seconds; a leading `/command`, date or time holds no value. No speech-to-text noise:
typed text has typos of its own, but not misheard words.
"""

from __future__ import annotations

import random

from repvoice.catalog import Exercise
from repvoice.data.synth.profiles import draw_load, draw_reps, load_range
from repvoice.data.synth.sample import Effort, Load, Sample

__all__ = ["typed_set", "typed_timed"]

_COMMANDS = ("/log ", "/add ", "/log ")
_RPES = (6, 7, 7, 7.5, 8, 8, 8, 8.5, 9, 9, 9.5, 10)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _prefix(rng: random.Random) -> str:
    """Now and then a command, a date or a time of day before the log."""
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(_COMMANDS)
    minute = rng.choice((0, 10, 15, 30, 45))
    if roll < 0.12:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        date = rng.choice(
            [f"{month:02d}/{day:02d}", f"{month}/{day}", f"2026-{month:02d}-{day:02d}"]
        )
        if rng.random() < 0.4:
            return f"{date} {rng.randint(5, 21)}:{minute:02d} "
        return date + " "
    if roll < 0.15:
        # only what reads as a time of day: a leading zero or am/pm ("14:30" alone may be a
        # duration)
        if rng.random() < 0.6:
            return f"0{rng.randint(5, 9)}:{minute:02d} "
        return f"{rng.randint(1, 12)}:{minute:02d}{rng.choice(['am', 'pm', ' am', ' pm'])} "
    return ""


def _load_text(weight: float, unit: str, rng: random.Random) -> str:
    """ "225", "100kg", "100 kg", "225lbs", "225 lb"."""
    if unit == "kg":
        return _num(weight) + rng.choice(["kg", "kg", " kg", "kgs"])
    return _num(weight) + rng.choice(["", "", "", "", "lbs", " lbs", " lb"])


def _effort(s: Sample, rng: random.Random) -> str:
    """ " @8", " @ 9", " @ 2 RIR", or nothing."""
    roll = rng.random()
    if roll < 0.25:
        rpe = float(rng.choice(_RPES))
        s.effort = Effort("rpe", (rpe,))
        return rng.choice([" @", " @ ", " @"]) + _num(rpe)
    if roll < 0.3:
        rir = rng.choice((1, 2, 2, 3))
        s.effort = Effort("rir", (float(rir),))
        return f" @ {rir} {rng.choice(['RIR', 'rir'])}"
    return ""


def typed_set(s: Sample, name: str, rng: random.Random) -> Sample:
    """A typed strength set of `s.exercise` (called `name`) into `s`; returns `s`."""
    e: Exercise = s.exercise  # type: ignore[assignment]
    reps = draw_reps(e, rng)
    s.reps = (reps,)
    sets = rng.choice([2, 3, 3, 3, 4, 4, 5])
    x = rng.choice(["x", "x", "x", " x ", "X"])
    if e.bodyweight or e.equipment == "band":
        s.sets = sets
        core = rng.choice([f"{name} {sets}{x}{reps}", f"{sets}{x}{reps} {name}"])
        if e.bodyweight and rng.random() < 0.3:
            core += rng.choice([" bw", " BW", " bodyweight"])
        s.text = _prefix(rng) + core + _effort(s, rng)
        return s
    unit = "kg" if rng.random() < 0.2 else "lbs"
    weight = draw_load(e, unit, rng, reps)
    s.unit = unit  # type: ignore[assignment]
    s.load = Load("plain", (weight,))
    load = _load_text(weight, unit, rng)
    barbell = e.equipment == "barbell" and load_range(e).high >= 135
    if unit == "lbs" and barbell and rng.random() < 0.12:
        plates = rng.choice((1, 2, 2, 3, 4))
        s.load = Load("plates", plates=(45,) * plates)
        load = f"{plates}{rng.choice(['pl', 'pl', ' pl', ' plates'])}"
    # "100kgx5" reads as a word "kgx": a unit is spaced from the x
    lx = " x " if load[-1].isalpha() else x
    roll = rng.random()
    if roll < 0.4:
        s.sets = sets
        core = f"{name} {load}{lx}{reps}{x}{sets}"
    elif roll < 0.55:
        s.sets = sets
        core = f"{name} {sets}{x}{reps} @ {load}"
    elif roll < 0.65:
        s.sets = sets
        core = f"{name} {load} {sets}{x}{reps}"
    else:
        core = f"{name} {load}{lx}{reps}"
    s.text = _prefix(rng) + core + _effort(s, rng)
    return s


def typed_timed(s: Sample, name: str, rng: random.Random) -> Sample:
    """A typed hold of `s.exercise` ("plank 60s", "3x45s", "plank 1:30") into `s`."""
    s.duration = rng.choice((15, 20, 30, 30, 40, 45, 45, 60, 60, 60, 75, 90, 90, 120))
    roll = rng.random()
    if roll < 0.3:
        s.sets = rng.choice([2, 3, 3, 4])
        x = rng.choice(["x", " x "])
        core = f"{name} {s.sets}{x}{s.duration}s"
    elif roll < 0.8 or s.duration < 60:
        core = f"{name} {s.duration}{rng.choice(['s', 's', ' s', ' sec'])}"
    else:
        core = f"{name} {s.duration // 60}:{s.duration % 60:02d}"
    s.text = _prefix(rng) + core
    return s
