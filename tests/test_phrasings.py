"""Spoken phrasings the bundled model must read right: pauses, plates on machines, dumbbell
pairs, corrections, follow-up changes, failure, remarks and distances (examples written here,
not taken from tests/data)."""

from __future__ import annotations

from typing import Any

import pytest

from repvoice.parser.model import Parser
from repvoice.schema import Context


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser.load()


def fields(parser: Parser, text: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer's fields that are set, without id, confidence and alternatives."""
    ctx = Context.model_validate(context) if context is not None else None
    answer = parser.parse(text, ctx).model_dump()
    return {
        k: v
        for k, v in answer.items()
        if v is not None
        and k not in ("exercise_id", "confidence", "alternatives", "requires_confirmation")
    }


def core(parser: Parser, text: str, context: dict[str, Any] | None = None) -> tuple[Any, ...]:
    """(exercise, weight, unit, reps, rpe) of the answer."""
    f = fields(parser, text, context)
    return (
        f.get("exercise_name"),
        f.get("weight"),
        f.get("weight_unit"),
        f.get("reps"),
        f.get("rpe"),
    )


# 1. pauses ("...") keep the load said between them


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thrusters... 95... 15 reps", ("Thruster", 95.0, "lbs", 15, None)),
        ("uh front squats... 185... 6 reps", ("Front Squat", 185.0, "lbs", 6, None)),
        ("goblet squats... 60... 12 reps", ("Goblet Squat", 60.0, "lbs", 12, None)),
    ],
)
def test_load_between_pauses(parser: Parser, text: str, expected: tuple[Any, ...]) -> None:
    assert core(parser, text) == expected


def test_pause_before_reps_alone_is_no_load(parser: Parser) -> None:
    # a bodyweight exercise's number between pauses is not a load
    assert core(parser, "push ups... 20... done")[1] is None


# 2. plates on any plate-loaded machine: N plates (a side or not) = N x 2 x 45, no bar


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("machine incline press 2 plates a side for 10", ("Machine Incline Chest Press", 180.0)),
        ("hack squat 3 plates for 8", ("Hack Squat", 270.0)),
        ("hammer strength row 2 plates a side 12 reps", ("Machine Row", 180.0)),
        ("iso lateral row one plate each side 15 reps", ("Machine Row", 90.0)),
        ("chest supported t bar row 3 plates a side for 8", ("Chest Supported T-Bar Row", 270.0)),
        ("leg press 5 plates a side 12 reps", ("Leg Press", 450.0)),
    ],
)
def test_plates_on_a_machine(parser: Parser, text: str, expected: tuple[str, float]) -> None:
    f = fields(parser, text)
    assert (f["exercise_name"], f["weight"], f["weight_unit"]) == (*expected, "lbs")


def test_plates_on_a_bar_keep_the_bar(parser: Parser) -> None:
    assert core(parser, "bench 2 plates for 5")[:4] == ("Barbell Bench Press", 225.0, "lbs", 5)


def test_pin_loaded_machine_stack_number_unchanged(parser: Parser) -> None:
    assert core(parser, "machine chest press 120 for 10")[:4] == (
        "Machine Chest Press",
        120.0,
        "lbs",
        10,
    )


# 3. a dumbbell pair picks the dumbbell variant of an ambiguous name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("incline press with the 70s for 9", ("Dumbbell Incline Bench Press", 70.0, "lbs", 9)),
        ("shrugs with the 90s 15 reps", ("Dumbbell Shrug", 90.0, "lbs", 15)),
        ("incline bench with the 55s 10 reps", ("Dumbbell Incline Bench Press", 55.0, "lbs", 10)),
    ],
)
def test_dumbbell_pair_names_the_dumbbell_variant(
    parser: Parser, text: str, expected: tuple[Any, ...]
) -> None:
    assert core(parser, text)[:4] == expected


def test_plates_named_by_size_are_no_dumbbell_pair(parser: Parser) -> None:
    assert core(parser, "incline bench 225 for 5")[0] == "Barbell Incline Bench Press"


def test_cable_exercise_keeps_its_stack(parser: Parser) -> None:
    assert core(parser, "cable flys with the 30s for 12")[0] != "Dumbbell Chest Fly"


# 4. corrections of a unit or an exercise


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("100 pounds, I mean kilos, squat for 5", "kg"),
        ("deadlift 140 kilos sorry pounds for 10", "lbs"),
        ("overhead press 50 pounds no wait kilos 6 reps", "kg"),
    ],
)
def test_corrected_unit_wins(parser: Parser, text: str, unit: str) -> None:
    f = fields(parser, text)
    assert f["weight_unit"] == unit
    assert f["weight"] in (100.0, 140.0, 50.0)


def test_unit_after_a_new_number_is_not_a_correction(parser: Parser) -> None:
    f = fields(parser, "bench 100 kilos for 5 sorry 6")
    assert (f["weight"], f["weight_unit"], f["reps"]) == (100.0, "kg", 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seated cable row I mean lat pulldown 130 for 12", ("Lat Pulldown", 130.0, "lbs", 12)),
        ("chin ups sorry pull ups 9 reps", ("Pull-Up", None, None, 9)),
        ("leg press no wait hack squat 2 plates a side 10 reps", ("Hack Squat", 180.0, "lbs", 10)),
    ],
)
def test_exercise_after_the_correction_wins(
    parser: Parser, text: str, expected: tuple[Any, ...]
) -> None:
    assert core(parser, text)[:4] == expected


def test_qualifier_after_a_correction_keeps_the_machine(parser: Parser) -> None:
    f = fields(parser, "machine shoulder press sorry the seated one 100 for 10")
    assert f["exercise_name"] == "Machine Shoulder Press"


# 5. follow-up changes of load and reps

BENCH = {"last_weight": 185, "last_reps": 8}


@pytest.mark.parametrize(
    ("text", "weight", "reps"),
    [
        ("took 20 off for 8", 165.0, 8),
        ("took 15 off and did 10", 170.0, 10),
        ("dropped 25 and did 9", 160.0, 9),
    ],
)
def test_weight_taken_off(parser: Parser, text: str, weight: float, reps: int) -> None:
    f = fields(parser, text, BENCH)
    assert (f["weight"], f["reps"]) == (weight, reps)


@pytest.mark.parametrize(
    ("text", "reps"),
    [
        ("one more rep than last time", 9),
        ("did two more reps this time", 10),
        ("two fewer reps than last time", 6),
    ],
)
def test_reps_against_the_last_set(parser: Parser, text: str, reps: int) -> None:
    f = fields(parser, text, BENCH)
    assert (f["weight"], f["reps"]) == (185.0, reps)


def test_load_and_reps_both_changed(parser: Parser) -> None:
    f = fields(parser, "plus 10 one more rep", BENCH)
    assert (f["weight"], f["reps"]) == (195.0, 9)


def test_reps_left_in_reserve_are_no_change(parser: Parser) -> None:
    f = fields(parser, "could have done 2 more reps", BENCH)
    assert f["rir"] == 2
    assert f["reps"] == 8


# 6. "N sets of M" at the start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("four sets of 8 on leg extension at 90", ("Leg Extension", 90.0, 8, 4)),
        ("3 sets of 12 on the seated leg curl at 70", ("Seated Leg Curl", 70.0, 12, 3)),
        ("five sets of five on squat at 275", ("Barbell Back Squat", 275.0, 5, 5)),
    ],
)
def test_sets_of_first(parser: Parser, text: str, expected: tuple[Any, ...]) -> None:
    f = fields(parser, text)
    assert (f["exercise_name"], f["weight"], f["reps"], f["sets"]) == expected


# 7. weighted pull-ups with an RPE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weighted pull ups plus 45 for 5 at RPE 8", ("Pull-Up", 45.0, "lbs", 5, 8.0)),
        ("weighted pull ups plus 25 for 6 rpe 9", ("Pull-Up", 25.0, "lbs", 6, 9.0)),
        ("weighted chin ups plus 20 kilos for 4 at rpe 7", ("Chin-Up", 20.0, "kg", 4, 7.0)),
    ],
)
def test_weighted_pull_ups_with_rpe(parser: Parser, text: str, expected: tuple[Any, ...]) -> None:
    assert core(parser, text) == expected


# 8. "failed the last rep": RPE 10, RIR 0, the reps done


@pytest.mark.parametrize(
    ("text", "weight", "reps"),
    [
        ("bench 225 went for 6 got 5 failed the last rep", 225.0, 5),
        ("deadlift 405 tried for 3 got 2 failed the last one", 405.0, 2),
        ("squat 315 for 4 failed the last rep", 315.0, 4),
    ],
)
def test_failed_the_last_rep(parser: Parser, text: str, weight: float, reps: int) -> None:
    f = fields(parser, text)
    assert (f["weight"], f["reps"], f["rpe"], f["rir"]) == (weight, reps, 10.0, 0)


def test_the_last_one_without_failing_is_no_failure(parser: Parser) -> None:
    f = fields(parser, "squat 225 for 5 and the last one was slow")
    assert (f["reps"], f.get("rpe")) == (5, None)


# 9. a remark before the exercise is a note


@pytest.mark.parametrize(
    ("text", "note", "expected"),
    [
        ("felt heavy today, squat 225 for 5", "felt heavy today", ("Barbell Back Squat", 225.0, 5)),
        (
            "um knees are sore... leg press 300 for 12",
            "knees are sore",
            ("Leg Press", 300.0, 12),
        ),
        (
            "slept badly last night, bench 185 for 6",
            "slept badly last night",
            ("Barbell Bench Press", 185.0, 6),
        ),
    ],
)
def test_remark_first_is_a_note(
    parser: Parser, text: str, note: str, expected: tuple[Any, ...]
) -> None:
    f = fields(parser, text)
    assert (f["exercise_name"], f["weight"], f["reps"]) == expected
    assert f["notes"] == note


def test_opening_filler_is_no_note(parser: Parser) -> None:
    assert "notes" not in fields(parser, "okay so, bench 225 for 5")


# 10. a distance before a time


@pytest.mark.parametrize(
    ("text", "seconds", "note"),
    [
        ("ran 2 miles in 16 minutes", 960, "2 miles"),
        ("ran 5 km in 25 minutes", 1500, "5 km"),
        ("rowed 2000 meters in 8 minutes", 480, "2000 meters"),
    ],
)
def test_distance_then_time(parser: Parser, text: str, seconds: int, note: str) -> None:
    f = fields(parser, text)
    assert f["duration_seconds"] == seconds
    assert note in f["notes"]
    assert "reps" not in f
    assert "weight" not in f


# related gaps: plates added or taken off in a follow-up, a count after "for" on a weighted
# pull-up, "the ... one" before the load, a corrected exercise read with its kit


@pytest.mark.parametrize(
    ("text", "context", "weight"),
    [
        ("add a plate each side same reps", {"last_weight": 270, "last_reps": 10}, 360.0),
        ("took a plate off each side for 12", {"last_weight": 450, "last_reps": 10}, 360.0),
        ("put another plate a side for 6", {"last_weight": 225, "last_reps": 8}, 315.0),
        ("added a 25 each side for 5", {"last_weight": 135, "last_reps": 5}, 185.0),
    ],
)
def test_plates_changed_in_a_follow_up(
    parser: Parser, text: str, context: dict[str, Any], weight: float
) -> None:
    assert fields(parser, text, context)["weight"] == weight


def test_plates_said_with_a_new_load_are_no_change(parser: Parser) -> None:
    f = fields(parser, "two plates for 5", {"last_weight": 185, "last_reps": 5})
    assert f["weight"] == 225.0


def test_count_after_for_is_the_reps_on_weighted_chin_ups(parser: Parser) -> None:
    f = fields(parser, "chin ups plus 15 kilos for 7 rpe 8")
    assert (f["weight"], f["weight_unit"], f["reps"], f.get("sets")) == (15.0, "kg", 7, None)


def test_the_named_one_before_plates_is_no_load(parser: Parser) -> None:
    f = fields(parser, "machine shoulder press sorry the seated one 2 plates a side 8 reps")
    assert (f["weight"], f["reps"]) == (180.0, 8)


def test_corrected_exercise_with_its_kit(parser: Parser) -> None:
    f = fields(parser, "dumbbell bench with the 50s I mean incline dumbbell bench 10 reps")
    assert (f["exercise_name"], f["weight"], f["reps"]) == (
        "Dumbbell Incline Bench Press",
        50.0,
        10,
    )


# plates named by size or coin, with add-ons, on a bar


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("deadlift two 45s and a 25 a side for 3", 275.0),
        ("bench a 45 and a 10 per side 6 reps", 155.0),
        ("overhead press a quarter and a dime a side for 8", 115.0),
        ("front squat with two 35s on each side 5 reps", 185.0),
    ],
)
def test_sized_plates_with_add_ons(parser: Parser, text: str, weight: float) -> None:
    f = fields(parser, text)
    assert (f["weight"], f["weight_unit"]) == (weight, "lbs")


def test_coin_added_in_a_follow_up(parser: Parser) -> None:
    f = fields(parser, "go up a dime a side for 4", {"last_weight": 185, "last_reps": 5})
    assert (f["weight"], f["reps"]) == (205.0, 4)


# a corrected number replaces the number just said, when alike in size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("curls the 25s 10 reps no sorry 11", (25.0, 11, None)),
        ("deadlift 315 for 5 rpe 8 actually more like 9", (315.0, 5, 9.0)),
        ("row 135 for 10 rpe 7 no 8", (135.0, 10, 8.0)),
        ("squat 275 for 3 sorry 285", (285.0, 3, None)),
    ],
)
def test_correction_of_the_number_just_said(
    parser: Parser, text: str, expected: tuple[Any, ...]
) -> None:
    f = fields(parser, text)
    assert (f["weight"], f["reps"], f.get("rpe")) == expected


# effort: "left N in the tank" is reps in reserve; a pain score out of ten is no RPE


def test_left_in_the_tank_in_a_follow_up(parser: Parser) -> None:
    f = fields(parser, "same again left 1 in the tank", {"last_weight": 405, "last_reps": 2})
    assert (f["weight"], f["reps"], f["rpe"], f["rir"]) == (405.0, 2, 9.0, 1)


def test_pain_out_of_ten_is_a_note(parser: Parser) -> None:
    f = fields(parser, "curls the 20s 10 reps elbow pain maybe 3 out of 10")
    assert (f["weight"], f["reps"], f.get("rpe")) == (20.0, 10, None)
    assert "3 out of 10" in f["notes"]


def test_effort_out_of_ten_is_still_the_rpe(parser: Parser) -> None:
    assert fields(parser, "bench 225 for 5 felt like 8 out of 10")["rpe"] == 8.0


def test_last_reps_in_reserve_said_wins(parser: Parser) -> None:
    f = fields(parser, "hack squat 270 for 10, 3 in the tank, no actually 2 in the tank")
    assert (f["reps"], f["rpe"], f["rir"]) == (10, 8.0, 2)
