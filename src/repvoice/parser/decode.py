"""Turn tagged tokens into answer fields, applying the project's label conventions.

Conventions: lbs when no unit is said; RIR = 10 - RPE for a whole RPE and RPE = 10 - RIR when
only RIR is said; "to failure" is RPE 10, RIR 0; a value said twice keeps the last ("8 no wait
7"); a follow-up takes what it does not say from the previous set as the training data taught
(`FollowUpPolicy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from repvoice.parser.align import (
    DUR,
    FAIL,
    NOTE,
    REPS,
    REST,
    RIR,
    RPE,
    SETS,
    TEMPO,
    W_DOWN,
    W_UP,
    W,
)
from repvoice.parser.kind import ExerciseKind
from repvoice.parser.lexicon import KG_WORDS
from repvoice.parser.plates import BAR_LBS, plate_load
from repvoice.parser.readings import span_seconds, span_value, tempo_of
from repvoice.parser.rules.common import label_spans, load_cue, unit_near
from repvoice.parser.rules.counts import rep_change
from repvoice.parser.rules.loads import slang_hundreds
from repvoice.parser.rules.pipeline import repair
from repvoice.parser.rules.shorthand import Shorthand, ShorthandOrder
from repvoice.parser.rules.times import bare_minutes
from repvoice.parser.tokens import Token
from repvoice.schema import Context, WorkoutSet

#: A bare "rest 2" means minutes; "rest 90" seconds.
_REST_MINUTES_MAX = 5


@dataclass
class FollowUpPolicy:
    """What a follow-up ("same again", "add 10") takes from the previous set when it does not
    say it; learned from training data as the majority behaviour."""

    copy_weight: bool = True
    copy_reps: bool = True
    copy_rpe: bool = False

    def to_dict(self) -> dict[str, bool]:
        return {"copy_weight": self.copy_weight, "copy_reps": self.copy_reps,
                "copy_rpe": self.copy_rpe}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FollowUpPolicy:
        return cls(**{k: bool(v) for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Decoded:
    """Answer fields plus what the confidence model needs to know about how they were found."""

    fields: dict[str, Any] = field(default_factory=dict)
    weight_source: str | None = None  # "said", "change", "context"
    repeated: int = 0  # slots said more than once (corrections)
    unexplained_numbers: int = 0  # numbers the tagger left unlabelled
    repaired: int = 0  # tagger labels the rules in `repair` changed
    shorthand: int = 0  # value labels typed shorthand set ("405x5x3", "8, 8, 8")
    labels: list[str] = field(default_factory=list)  # the labels decoded, after repair


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _bounds() -> dict[str, tuple[float, float]]:
    """Each numeric field's (min, max), read from the schema's own constraints."""
    out: dict[str, tuple[float, float]] = {}
    for name, info in WorkoutSet.model_fields.items():
        lo = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
        hi = next((m.le for m in info.metadata if hasattr(m, "le")), None)
        if lo is not None and hi is not None:
            out[name] = (float(lo), float(hi))
    return out


_BOUNDS = _bounds()


def _fits_schema(key: str, value: Any) -> bool:
    """A value outside the schema's range ("row 2000" read as reps) is dropped, never sent."""
    bounds = _BOUNDS.get(key)
    return bounds is None or not isinstance(value, int | float) or bounds[0] <= value <= bounds[1]


def decode(
    text: str,
    tokens: Sequence[Token],
    labels: Sequence[str],
    context: Context | None,
    *,
    follow_up: bool,
    policy: FollowUpPolicy,
    kind: ExerciseKind = ExerciseKind(),
    exercise: tuple[int, int] | None = None,
    shorthand: ShorthandOrder = ShorthandOrder(),
) -> Decoded:
    """Fields from tagged tokens. `follow_up` is true when the exercise comes from the context
    (none named, or the context's own), so unsaid values may be taken from the previous set.
    `shorthand` says how typed `W x R x S` and `S x R` read."""
    typed = Shorthand()
    fixed = repair(
        tokens,
        labels,
        kind,
        exercise,
        follow_up=follow_up,
        context_weight=context.weight if context is not None else None,
        context_reps=context.reps if context is not None else None,
        shorthand=shorthand,
        typed=typed,
        text=text,
    )
    spans = label_spans(fixed)
    out = Decoded(labels=fixed, shorthand=typed.labels)
    out.repaired = sum(1 for a, b in zip(labels, fixed, strict=True) if a != b)
    labels = fixed
    out.repeated = sum(1 for k, v in spans.items() if len(v) > 1 and k != NOTE)
    out.unexplained_numbers = sum(
        1 for t, label in zip(tokens, labels, strict=True) if t.value is not None and label == "O"
    )

    def last_value(label: str) -> float | None:
        for start, end in reversed(spans.get(label, [])):
            value = span_value(tokens, start, end)
            if value is not None:
                return value
        return None

    f: dict[str, Any] = {}
    weight, unit = None, None
    slot = next((k for k in (W, W_UP, W_DOWN) if k in spans), None)
    if slot is not None:
        # the last load span that says a number ("20 kg plate": "plate" alone says none)
        start, end = spans[slot][-1]
        value = None
        for start, end in reversed(spans[slot]):
            value = span_value(tokens, start, end, load=True, plates=kind.barbell)
            if value is not None:
                break
        if (
            kind.barbell
            and slot == W
            and end - start == 1
            and slang_hundreds(tokens[start])
            and unit_near(tokens, start, end) != "kg"
        ):
            value *= 100  # "bench two and a quarter": 225, gym slang; nobody benches 2.25
        if slot in (W_UP, W_DOWN):
            plates = plate_load(tokens, start, end)
            if plates is not None and plates > BAR_LBS:
                value = plates - BAR_LBS  # "add a plate each side": what the plates weigh
        if (kind.plate_loaded or kind.machine) and slot == W:
            plates = plate_load(tokens, start, end)
            if plates is not None and plates > BAR_LBS:
                value = plates - BAR_LBS  # plates on a sled, no bar
        unit = unit_near(tokens, start, end)
        if value is not None:
            ctx_weight = context.weight if context is not None else None
            # "plus 7.5 now" on a weighted pull-up names the load on the belt, not a change
            said_plus = start > 0 and tokens[start - 1].norm == "plus" and kind.unloaded
            if slot == W or ctx_weight is None or not follow_up or said_plus:
                weight, out.weight_source = value, "said"
            else:
                weight = ctx_weight + value if slot == W_UP else ctx_weight - value
                out.weight_source = "change"
                unit = unit or (context.weight_unit if context else None)
    if (
        weight is None
        and follow_up
        and policy.copy_weight
        and context
        and context.weight
        and not _says_bodyweight(tokens)  # "bodyweight only now": the belt came off
    ):
        weight, unit, out.weight_source = context.weight, context.weight_unit, "context"
    if weight is not None and weight >= 0:
        if unit is None and any(t.norm in KG_WORDS for t in tokens):
            unit = "kg"
        if unit is None and follow_up and context is not None:
            unit = context.weight_unit  # a follow-up keeps the previous set's unit
        f["weight"] = weight
        f["weight_unit"] = unit or "lbs"

    reps = last_value(REPS)
    if (
        kind.unloaded
        and reps is None
        and out.weight_source == "said"
        and W in spans
        and unit_near(tokens, *spans[W][-1]) is None
        and not load_cue(tokens, spans[W][-1])
    ):
        # "push ups 40": a bodyweight exercise's lone number with no unit and no "plus" is
        # the reps, and its weight stays null
        reps, weight = f.pop("weight"), None
        f.pop("weight_unit", None)
        out.weight_source = None
    if reps is None and _missed_attempt(tokens):
        reps = 0.0  # "squat 500, missed it": no rep made, whatever the last set was
    change = rep_change(tokens) if follow_up and context is not None else None
    if reps is None and change is not None and context is not None and context.reps:
        reps = float(context.reps + change[1])  # "one more rep than last time"
    if reps is None and follow_up and policy.copy_reps and context is not None:
        reps = context.reps
    f["reps"] = _whole(reps)
    f["sets"] = _whole(last_value(SETS))
    if f["sets"] is None and typed.sets is not None:
        f["sets"] = typed.sets  # "8, 8, 8": three sets, a number no token says

    rpe = last_value(RPE)
    rir = _whole(last_value(RIR))
    if FAIL in spans and rpe is None:
        rpe = 10.0
        rir = 0 if rir is None else rir
    if rpe is not None:
        rpe = min(10.0, max(1.0, round(rpe * 2) / 2))
    if rir is not None and not 0 <= rir <= 10:
        rir = None
    if rpe is None and rir is not None:
        rpe = float(10 - rir) if rir >= 0 else None
    elif rir is None and rpe is not None and rpe == int(rpe):
        rir = int(10 - rpe)
    if rpe is None and follow_up and policy.copy_rpe and context is not None:
        rpe = context.rpe
    f["rpe"], f["rir"] = rpe, rir

    for label, key in ((DUR, "duration_seconds"), (REST, "rest_seconds")):
        if label in spans:
            start, end = spans[label][-1]
            seconds = span_seconds(tokens, start, end)
            if seconds is not None and label == REST and end - start == 1 and seconds <= 5:
                seconds *= 60  # "rest 2" means two minutes
            elif (
                seconds is not None
                and label == DUR
                and kind.cardio
                and end - start == 1
                and tokens[start].kind in ("colloquial_hundreds", "words")
                and 100 <= seconds < 1000
                and seconds % 100 < 60
            ):
                seconds = seconds // 100 * 60 + seconds % 100  # "one thirty eight" is 1:38
            elif seconds is not None and label == DUR and bare_minutes(tokens, start, end, kind):
                seconds *= 60
            f[key] = seconds
    if TEMPO in spans:
        start, end = spans[TEMPO][-1]
        f["tempo"] = tempo_of(tokens[start:end])
    if NOTE in spans or typed.notes:
        placed = [
            (tokens[s].start, text[tokens[s].start : tokens[e - 1].end])
            for s, e in spans.get(NOTE, [])
        ]
        pieces = [p for _, p in sorted(placed + typed.notes)]
        f["notes"] = ", ".join(p.strip(" ,.") for p in pieces if p.strip(" ,.")) or None
    out.fields = {k: v for k, v in f.items() if v is not None and _fits_schema(k, v)}
    return out


def _missed_attempt(tokens: Sequence[Token]) -> bool:
    """ "missed it", "missed", "missed it behind": an attempt that failed outright."""
    words = [t.norm for t in tokens]
    if "missed" not in words:
        return False
    k = words.index("missed")
    return k + 1 == len(words) or words[k + 1] in ("it", "the", "that", ",")


def _says_bodyweight(tokens: Sequence[Token]) -> bool:
    """ "bodyweight", "body weight", "bw", "no weight", "unweighted": no load this set."""
    words = [t.norm for t in tokens]
    if any(w in ("bodyweight", "bw", "unweighted") for w in words):
        return True
    return any(
        (a, b) in (("body", "weight"), ("no", "weight"), ("no", "weights"))
        for a, b in pairwise(words)
    )
