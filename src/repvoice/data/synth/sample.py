"""The structured sample behind every generated example: what the lifter meant, and said.

Labels are computed from these semantic fields (`labels.gold`), never from the transcript, so a
test can recompute them independently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from repvoice.catalog import Exercise

LoadKind = Literal["plain", "plates", "bar", "pair", "added", "same", "delta"]
EffortKind = Literal["rpe", "rir", "failure"]
Kind = Literal["set", "timed", "cardio", "followup", "no_exercise", "not_a_set"]

#: Follow-up forms whose missing reps come from the context ("add 10 pounds" keeps the reps).
KEEPS_REPS = frozenset({"same_again", "same_but", "delta", "drop_to", "same_weight_exercise"})


@dataclass(frozen=True, slots=True)
class Load:
    """A load as said. `values` in spoken order (a correction's last value counts);
    `plates` per side in lbs on a 45 lb bar; `values[0]` of a delta is the signed change."""

    kind: LoadKind
    values: tuple[float, ...] = ()
    plates: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Effort:
    """RPE or RIR values in spoken order, or failure (no values)."""

    kind: EffortKind
    values: tuple[float, ...] = ()


@dataclass(slots=True)
class Sample:
    """One generated utterance and everything needed to label it.

    Notes hold, in this order: `detail` (a distance, calories or a machine setting), `side`
    (the words of unilateral reps, "each side"), `drop` (a drop set after the logged set, as
    said) and `remark` (the lifter's comment)."""

    kind: Kind
    exercise: Exercise | None = None
    alias: str | None = None
    ambiguous: bool = False
    load: Load | None = None
    unit: Literal["lbs", "kg"] | None = None
    unit_said: bool = False
    reps: tuple[int, ...] = ()
    sets: int | None = None
    duration: int | None = None
    detail: str | None = None
    side: str | None = None
    drop: str | None = None
    effort: Effort | None = None
    tempo: str | None = None
    rest: int | None = None
    remark: str | None = None
    context: dict[str, Any] | None = None
    followup: str | None = None
    prompt: str = "training"
    style: str = "digits"
    noise: tuple[str, ...] = ()
    clarity: float = 0.95
    text: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_context(self) -> bool:
        """True when the label takes anything from the context."""
        return self.followup is not None and self.followup != "new_exercise"

    @property
    def corrected(self) -> bool:
        """True when the lifter corrected a value mid-utterance."""
        return (
            len(self.reps) > 1
            or (self.load is not None and self.load.kind == "plain" and len(self.load.values) > 1)
            or (self.effort is not None and len(self.effort.values) > 1)
        )
