"""What the named exercise says about how its numbers read: loaded or not, timed, on a bar,
cardio, a plate-loaded machine."""

from __future__ import annotations

from dataclasses import dataclass

from repvoice.catalog import Exercise
from repvoice.parser.features import unloaded

_BARBELL_KIT = frozenset({"barbell", "smith_machine", "trap_bar", "ez_bar", "landmine"})

#: Machines loaded with plates on both sides, whose load is counted in plates (as is a sled's).
_PLATE_LOADED = ("Leg Press", "Hack Squat", "Pendulum Squat", "Belt Squat", "T-Bar")

#: Words in a machine's aliases that say it takes plates ("hammer strength row", "iso lateral
#: row", "plate loaded leg press"), not a pin-loaded stack.
_PLATE_ALIAS_WORDS = ("hammer strength", "plate loaded", "iso lateral")

#: Cardio whose bare number is a time ("treadmill 20"), unlike "row 2000" or "assault bike 20".
_BY_THE_CLOCK = ("Stationary Bike", "Treadmill", "Elliptical", "Stair Climber")

#: Timed work that covers ground, whose bare number may be a distance.
_MOVING = frozenset({"Carry", "Walk", "Crawl"})


@dataclass(frozen=True)
class ExerciseKind:
    """What the named exercise says about its numbers."""

    unloaded: bool = False  # bodyweight or band: a bare number is reps, not a load
    timed: bool = False  # a hold or cardio: a bare number may be a duration
    barbell: bool = True  # plate math ("two plates", "35 a side") applies
    cardio: bool = False  # never a load: "5k" is a distance
    plate_loaded: bool = False  # a plate-loaded machine: "four plates" is 4 x 2 x 45, no bar
    counted_in_time: bool = False  # a hold, or cardio by the clock: "plank 60" is 60 seconds
    machine: bool = False  # a machine: plates said on one are plates on a loaded machine

    @classmethod
    def of(cls, exercise: Exercise | None) -> ExerciseKind:
        if exercise is None:
            return cls()
        return cls(
            unloaded=unloaded(exercise),
            timed=exercise.timed,
            barbell=exercise.equipment in _BARBELL_KIT,
            # a sled is pushed a distance but loaded like a lift
            cardio=exercise.category == "cardio" and "Sled" not in exercise.name,
            plate_loaded=_plate_loaded(exercise),
            machine=exercise.equipment == "machine",
            counted_in_time=exercise.timed
            and (
                any(w in exercise.name for w in _BY_THE_CLOCK)
                or (
                    exercise.category != "cardio"
                    and not _MOVING.intersection(exercise.name.split())
                )
            ),
        )


def _plate_loaded(exercise: Exercise) -> bool:
    """Whether the exercise is a sled or a machine loaded with plates: named so, or with an
    alias that says it takes plates."""
    if "Sled" in exercise.name:
        return True
    if exercise.equipment != "machine" or exercise.category == "cardio":
        return False
    return any(w in exercise.name for w in _PLATE_LOADED) or any(
        w in alias.lower() for alias in exercise.aliases for w in _PLATE_ALIAS_WORDS
    )
