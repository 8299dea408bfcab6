"""Gold labels from a structured sample, by the project's labelling rules.

- lbs when no unit is said; `weight_unit` only beside a weight; a follow-up's unit is the
  context's (`last_weight_unit`, else lbs).
- Plates: a 45 lb bar plus both sides ("two plates" = 225, "a plate and a quarter" = 185);
  "just the bar" = 45. A dumbbell pair ("the 80s") is the weight of one dumbbell.
- Weighted bodyweight ("dips plus 45"): weight = the added load; unloaded bodyweight: no weight.
- A whole RPE gives RIR = 10 - RPE (a half RPE gives no RIR); RIR alone gives RPE = 10 - RIR;
  failure is RPE 10, RIR 0. A self-correction keeps the last value said.
- Follow-ups take the exercise, and the weight and reps the words do not change, from context.
- Tempo is the digit string without separators ("3-1-1" -> "311", "x" -> "X").
- Unilateral reps ("10 each side") are the reps of one side; the side words go to the notes.
- A drop set said after a set ("150 for 12 drop set to 100 for 10"): the set logged is the
  first; the drop, as said, goes to the notes.
- Notes: a distance or machine detail, the side words, the drop set, then the lifter's remark,
  joined by ", ".
- Confidence: the sample's clarity less penalties for STT errors, ambiguous aliases,
  corrections and reliance on context; at most 0.6 when no exercise is named.
- Not a set (a question, a command, chit-chat, noise): no exercise and no values, only the
  confidence `NOT_A_SET_CONFIDENCE`.
"""

from __future__ import annotations

import json
from typing import Any

from repvoice.catalog import Catalog
from repvoice.data.synth.sample import KEEPS_REPS, Load, Sample
from repvoice.schema import NOT_A_SET_CONFIDENCE, WorkoutSet, compact_dict

BAR_LBS = 45


def load_weight(load: Load | None, context: dict[str, Any] | None) -> float | None:
    """The weight a load phrase means."""
    if load is None:
        return None
    if load.kind in ("plain", "pair", "added"):
        return load.values[-1]
    if load.kind == "plates":
        return float(BAR_LBS + 2 * sum(load.plates))
    if load.kind == "bar":
        return float(BAR_LBS)
    last = (context or {}).get("last_weight")
    if last is None:
        return None
    if load.kind == "same":
        return float(last)
    return float(last) + load.values[0]


def confidence(sample: Sample) -> float:
    """The label's confidence: how clear the utterance is."""
    penalty = 0.0
    penalty += min(0.12, sum(0.02 if n == "stutter" else 0.04 for n in sample.noise))
    if sample.ambiguous:
        penalty += 0.06
    if sample.corrected:
        penalty += 0.04
    if sample.uses_context:
        penalty += 0.03
    value = sample.clarity - penalty
    if sample.kind == "no_exercise":
        value = min(0.6, value - 0.4)
    return round(max(0.3, value), 2)


def gold(sample: Sample, catalog: Catalog) -> dict[str, Any]:
    """The assistant answer for a sample, as an ordered dict with nulls removed."""
    if sample.kind == "not_a_set":
        return {"confidence": NOT_A_SET_CONFIDENCE}
    ctx = sample.context if sample.uses_context else None
    exercise = sample.exercise
    if exercise is None and ctx is not None:
        exercise = catalog.by_id(ctx["current_exercise_id"])
    weight = load_weight(sample.load, ctx)
    unit = None
    if weight is not None:
        if sample.load is not None and sample.load.kind in ("same", "delta"):
            unit = (ctx or {}).get("last_weight_unit") or "lbs"
        else:
            unit = sample.unit or "lbs"
    reps: int | None = sample.reps[-1] if sample.reps else None
    if reps is None and ctx is not None and sample.followup in KEEPS_REPS:
        reps = ctx.get("last_reps")
    rpe: float | None = None
    rir: int | None = None
    if sample.effort is not None:
        if sample.effort.kind == "failure":
            rpe, rir = 10, 0
        elif sample.effort.kind == "rpe":
            rpe = sample.effort.values[-1]
            rir = int(10 - rpe) if rpe == int(rpe) else None
        else:
            rir = int(sample.effort.values[-1])
            rpe = 10 - rir
    if rpe is not None and rpe == int(rpe):
        rpe = int(rpe)
    pieces = (sample.detail, sample.side, sample.drop, sample.remark)
    notes = ", ".join(x for x in pieces if x) or None
    if weight is not None and weight == int(weight):
        weight = int(weight)
    fields = {
        "exercise_id": exercise.id if exercise else None,
        "exercise_name": exercise.name if exercise else None,
        "weight": weight,
        "weight_unit": unit,
        "reps": reps,
        "sets": sample.sets,
        "duration_seconds": sample.duration,
        "rpe": rpe,
        "rir": rir,
        "tempo": sample.tempo,
        "rest_seconds": sample.rest,
        "notes": notes,
        "confidence": confidence(sample),
    }
    WorkoutSet.model_validate(fields)  # a generator bug must fail here, not in training
    return compact_dict(fields)


def assistant_json(sample: Sample, catalog: Catalog) -> str:
    """The compact one-line assistant turn (whole numbers stay ints, as the original data)."""
    return json.dumps(gold(sample, catalog), separators=(", ", ": "))
