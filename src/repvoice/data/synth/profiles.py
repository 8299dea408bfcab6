"""What is realistic per exercise: how popular it is, its working loads and its rep ranges.

Popularity is hand-weighted for the lifts that dominate real logs, then falls back to a weight
per equipment, so common lifts appear far more often than strongman or mobility work (a
long-tailed, Zipf-like spread) while every catalogue entry still gets some share.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from repvoice.catalog import Exercise

#: Relative popularity of the lifts most logs are made of.
POPULAR: dict[str, float] = {
    "Barbell Bench Press": 60,
    "Barbell Back Squat": 55,
    "Barbell Deadlift": 45,
    "Overhead Press": 28,
    "Romanian Deadlift": 24,
    "Barbell Bent Over Row": 20,
    "Pull-Up": 22,
    "Lat Pulldown": 24,
    "Dumbbell Bench Press": 16,
    "Dumbbell Incline Bench Press": 18,
    "Barbell Incline Bench Press": 16,
    "Dumbbell Lateral Raise": 20,
    "Dumbbell Bicep Curl": 20,
    "Cable Tricep Pushdown": 16,
    "Cable Rope Pushdown": 10,
    "Leg Press": 22,
    "Leg Extension": 14,
    "Lying Leg Curl": 10,
    "Seated Leg Curl": 12,
    "Seated Cable Row": 15,
    "Dip": 13,
    "Push-Up": 13,
    "Plank": 10,
    "Barbell Hip Thrust": 14,
    "Front Squat": 10,
    "Hack Squat": 10,
    "Face Pull": 10,
    "Dumbbell Hammer Curl": 12,
    "Chin-Up": 11,
    "Bulgarian Split Squat": 12,
    "Goblet Squat": 9,
    "Running": 8,
    "Rowing Machine": 7,
    "Incline Treadmill Walk": 6,
    "Dumbbell Row": 12,
    "Dumbbell Shoulder Press": 12,
    "Barbell Curl": 11,
    "EZ-Bar Curl": 8,
    "EZ-Bar Skull Crusher": 8,
    "Cable Chest Fly": 8,
    "Machine Chest Fly": 7,
    "Standing Calf Raise": 9,
    "Seated Calf Raise": 7,
    "Dumbbell Overhead Tricep Extension": 7,
    "Trap Bar Deadlift": 8,
    "Sumo Deadlift": 9,
    "Pause Bench Press": 6,
    "Close-Grip Bench Press": 7,
    "Hanging Leg Raise": 7,
    "Kettlebell Swing": 7,
    "Dumbbell Walking Lunge": 7,
    "Machine Chest Press": 7,
    "T-Bar Row": 6,
    "Dumbbell Rear Delt Fly": 7,
    "Machine Rear Delt Fly": 5,
    "Power Clean": 5,
    "Stationary Bike": 5,
    "Stair Climber": 5,
    "Farmer's Carry": 4,
    "Cable Crunch": 5,
    "Smith Machine Squat": 4,
    "Pendlay Row": 4,
    "Good Morning": 4,
    "Barbell Shrug": 4,
    "Dumbbell Shrug": 4,
    "Cable Lateral Raise": 6,
    "Machine Hip Abduction": 5,
    "EZ-Bar Preacher Curl": 5,
    "Inverted Row": 4,
    "Back Extension": 5,
}

_EQUIPMENT_WEIGHT = {
    "barbell": 2.0,
    "dumbbell": 2.6,
    "machine": 2.4,
    "cable": 2.4,
    "bodyweight": 1.6,
    "kettlebell": 1.4,
    "smith_machine": 1.6,
    "ez_bar": 2.0,
    "trap_bar": 1.5,
    "landmine": 1.3,
    "band": 1.0,
    "other": 1.0,
}
_CATEGORY_FACTOR = {"olympic": 0.7, "mobility": 0.5, "plyometric": 0.8, "carry": 0.9}


def popularity(exercise: Exercise) -> float:
    """Relative frequency of an exercise in real logs."""
    if exercise.name in POPULAR:
        return POPULAR[exercise.name]
    return _EQUIPMENT_WEIGHT.get(exercise.equipment, 1.0) * _CATEGORY_FACTOR.get(
        exercise.category, 1.0
    )


@dataclass(frozen=True, slots=True)
class LoadRange:
    """Working loads in lbs, and the increment loads come in."""

    low: float
    high: float
    step: float = 5


# Matched against the lowercase name, first hit wins: specific lifts before generic ones.
_LOADS: tuple[tuple[str, LoadRange], ...] = (
    ("leg press calf", LoadRange(90, 360, 10)),
    ("leg press", LoadRange(180, 720, 10)),
    ("hack squat", LoadRange(90, 450, 10)),
    ("pendulum squat", LoadRange(45, 315, 10)),
    ("belt squat", LoadRange(90, 360, 10)),
    ("trap bar deadlift", LoadRange(185, 545)),
    ("trap bar shrug", LoadRange(185, 455)),
    ("trap bar jump", LoadRange(95, 225)),
    ("trap bar farmer", LoadRange(135, 405)),
    ("sumo deadlift high pull", LoadRange(65, 135)),
    ("kettlebell", LoadRange(18, 88, 1)),
    ("deadlift", LoadRange(135, 545)),
    ("rack pull", LoadRange(225, 585)),
    ("block pull", LoadRange(225, 545)),
    ("good morning", LoadRange(65, 225)),
    ("front squat", LoadRange(95, 365)),
    ("overhead squat", LoadRange(45, 185)),
    ("goblet", LoadRange(30, 100)),
    ("zercher", LoadRange(95, 315)),
    ("squat", LoadRange(95, 455)),
    ("hip thrust", LoadRange(95, 455)),
    ("glute bridge", LoadRange(95, 365)),
    ("skull crusher", LoadRange(30, 110)),
    ("jm press", LoadRange(65, 185)),
    ("overhead tricep", LoadRange(20, 90)),
    ("kickback", LoadRange(10, 40)),
    ("tricep", LoadRange(30, 120)),
    ("pushdown", LoadRange(30, 120)),
    ("wrist curl", LoadRange(25, 95)),
    ("curl", LoadRange(15, 120)),
    ("lateral raise", LoadRange(10, 40)),
    ("front raise", LoadRange(10, 40)),
    ("rear delt", LoadRange(10, 120)),
    ("external rotation", LoadRange(5, 30, 2.5)),
    ("face pull", LoadRange(20, 90)),
    ("upright row", LoadRange(40, 135)),
    ("shrug", LoadRange(50, 405)),
    ("fly", LoadRange(15, 150)),
    ("pullover", LoadRange(30, 100)),
    ("overhead press", LoadRange(65, 205)),
    ("push press", LoadRange(95, 245)),
    ("shoulder press", LoadRange(25, 200)),
    ("arnold", LoadRange(20, 70)),
    ("z press", LoadRange(45, 155)),
    ("behind the neck", LoadRange(45, 155)),
    ("log press", LoadRange(95, 275)),
    ("landmine press", LoadRange(25, 115)),
    ("bench press", LoadRange(95, 365)),
    ("chest press", LoadRange(60, 270)),
    ("floor press", LoadRange(95, 275)),
    ("press", LoadRange(95, 315)),
    ("pulldown", LoadRange(70, 230)),
    ("row", LoadRange(45, 275)),
    ("lunge", LoadRange(20, 185)),
    ("split squat", LoadRange(20, 185)),
    ("step-up", LoadRange(20, 90)),
    ("calf raise", LoadRange(45, 315, 10)),
    ("leg extension", LoadRange(50, 230, 10)),
    ("leg curl", LoadRange(40, 200, 10)),
    ("hip abduction", LoadRange(60, 250, 10)),
    ("hip adduction", LoadRange(60, 250, 10)),
    ("snatch", LoadRange(45, 225)),
    ("clean", LoadRange(65, 275)),
    ("jerk", LoadRange(95, 285)),
    ("thruster", LoadRange(45, 155)),
    ("carry", LoadRange(50, 200)),
    ("crunch", LoadRange(40, 150)),
    ("woodchopper", LoadRange(20, 80)),
    ("pallof", LoadRange(15, 60)),
    ("pull-through", LoadRange(40, 120)),
    ("side bend", LoadRange(25, 90)),
    ("atlas stone", LoadRange(150, 350, 10)),
    ("medicine ball", LoadRange(10, 30)),
    ("wall ball", LoadRange(14, 20, 6)),
    ("sled", LoadRange(90, 450, 10)),
    ("yoke", LoadRange(300, 700, 20)),
    ("sandbag", LoadRange(60, 250, 10)),
    ("devil press", LoadRange(25, 60)),
    ("renegade row", LoadRange(20, 60)),
    ("landmine", LoadRange(25, 135)),
    ("reverse hyper", LoadRange(45, 180)),
)

_EQUIPMENT_LOADS = {
    "barbell": LoadRange(65, 275),
    "dumbbell": LoadRange(15, 90),
    "machine": LoadRange(50, 250, 10),
    "cable": LoadRange(20, 150),
    "smith_machine": LoadRange(45, 275),
    "ez_bar": LoadRange(40, 120),
    "trap_bar": LoadRange(135, 455),
    "landmine": LoadRange(25, 180),
    "other": LoadRange(20, 100),
    "bodyweight": LoadRange(10, 90),
}

# Dumbbell loads are per dumbbell, so they get their own table.
_DUMBBELL_LOADS: tuple[tuple[str, LoadRange], ...] = (
    ("lateral raise", LoadRange(10, 40)),
    ("front raise", LoadRange(10, 35)),
    ("rear delt", LoadRange(10, 40)),
    ("fly", LoadRange(15, 55)),
    ("pullover", LoadRange(25, 90)),
    ("shrug", LoadRange(40, 120)),
    ("curl", LoadRange(15, 60)),
    ("kickback", LoadRange(10, 35)),
    ("skull", LoadRange(15, 60)),
    ("tricep", LoadRange(20, 80)),
    ("row", LoadRange(30, 130)),
    ("bench", LoadRange(30, 130)),
    ("floor press", LoadRange(30, 110)),
    ("press", LoadRange(25, 100)),
    ("goblet", LoadRange(30, 100)),
    ("deadlift", LoadRange(30, 110)),
    ("squat", LoadRange(20, 80)),
    ("lunge", LoadRange(20, 80)),
    ("step-up", LoadRange(15, 70)),
    ("calf", LoadRange(20, 80)),
    ("side bend", LoadRange(25, 90)),
    ("thruster", LoadRange(20, 60)),
    ("snatch", LoadRange(25, 80)),
    ("clean", LoadRange(25, 80)),
    ("devil", LoadRange(25, 60)),
    ("renegade", LoadRange(20, 60)),
    ("carry", LoadRange(40, 120)),
)

KETTLEBELL_LBS = (18, 26, 35, 44, 53, 62, 70, 88)
KETTLEBELL_KG = (8, 12, 16, 20, 24, 28, 32)


def load_range(exercise: Exercise) -> LoadRange:
    name = exercise.name.lower()
    if exercise.equipment == "kettlebell":
        return LoadRange(18, 88, 1)
    table = _DUMBBELL_LOADS if exercise.equipment == "dumbbell" else _LOADS
    for key, rng in table:
        if key in name:
            return rng
    for key, rng in _LOADS:
        if key in name:
            return rng
    return _EQUIPMENT_LOADS.get(exercise.equipment, LoadRange(20, 100))


def draw_load(exercise: Exercise, unit: str, rng: random.Random, reps: int | None = None) -> float:
    """A plausible working load for `reps` (more reps, lighter), rounded to what gyms load
    (5 lb; 2.5 kg; 2 kg dumbbells)."""
    if exercise.equipment == "kettlebell":
        return float(rng.choice(KETTLEBELL_KG if unit == "kg" else KETTLEBELL_LBS))
    r = load_range(exercise)
    span = r.high - r.low
    if reps is not None and reps > 5:
        span *= max(0.45, 1 - 0.04 * (reps - 5))
    # triangular towards the lower-middle: more working sets than top singles
    value = rng.triangular(r.low, r.low + span, r.low + span * 0.35)
    if unit == "kg":
        value /= 2.2046
        step = 2.0 if exercise.equipment == "dumbbell" and rng.random() < 0.5 else 2.5
        if value >= 40 and rng.random() < 0.5:
            step = 5.0
        return max(step, round(value / step) * step)
    step = r.step
    if step == 5 and value < 30 and rng.random() < 0.3:
        step = 2.5
    return max(step, round(value / step) * step)


def draw_reps(exercise: Exercise, rng: random.Random, *, heavy: bool = False) -> int:
    """Reps that fit the movement: low for big barbell lifts, higher for accessories and core."""
    if exercise.category in ("core", "mobility") or exercise.equipment == "band":
        return rng.choice([8, 10, 12, 15, 15, 20, 20, 25, 30, 40, 50])
    if exercise.category == "plyometric":
        return rng.choice([3, 5, 5, 6, 8, 10, 10, 12, 15, 20])
    if exercise.category == "olympic":
        return rng.choice([1, 1, 2, 2, 3, 3, 3, 4, 5])
    if exercise.bodyweight:
        return rng.choice([5, 6, 8, 8, 10, 10, 12, 12, 15, 15, 20, 25, 30])
    if heavy or (exercise.equipment in ("barbell", "trap_bar") and rng.random() < 0.6):
        return rng.choice([1, 2, 3, 3, 4, 5, 5, 5, 6, 6, 8, 8, 10])
    return rng.choice([6, 8, 8, 10, 10, 10, 12, 12, 12, 15, 15, 20])
