"""Typed gym shorthand: chains, @, rep lists, ranges, distances, seconds, plates, stamps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import chat
from repvoice.cli import app
from repvoice.parser.model import Parser
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.rules.shorthand import ShorthandOrder
from repvoice.parser.stamps import skip_stamps
from repvoice.parser.tokens import tokenize
from repvoice.parser.train import TrainReport, read_examples, shorthand_order, train


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser.load()


def fields(parser: Parser, text: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    result = parser.parse(text, context).model_dump()
    keys = ("weight", "weight_unit", "reps", "sets", "rpe", "rir", "duration_seconds", "notes")
    return {k: result[k] for k in keys if result[k] is not None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("front squat 265x4x2", {"weight": 265, "reps": 4, "sets": 2}),
        ("bench 110kg x 4 x 6", {"weight": 110, "weight_unit": "kg", "reps": 4, "sets": 6}),
        ("ohp 2x6 @ 115", {"weight": 115, "reps": 6, "sets": 2}),
        ("/add squat 4x6 245", {"weight": 245, "reps": 6, "sets": 4}),
        ("db press 55s x 9", {"weight": 55, "reps": 9}),
        ("lat pulldown 140 x 11", {"weight": 140, "reps": 11}),
        ("incline press 155 x 9 @ 7.5", {"weight": 155, "reps": 9, "rpe": 7.5}),
        ("wall balls 14 x 25", {"weight": 14, "reps": 25}),
        ("cable woodchop 35 x 12 each side", {"weight": 35, "reps": 12}),
    ],
)
def test_chains_and_at_signs(parser: Parser, text: str, expected: dict[str, Any]) -> None:
    got = fields(parser, text)
    assert {k: got.get(k) for k in expected} == expected
    assert "weight_unit" in expected or got.get("weight_unit") == "lbs"


def test_at_rir_is_reps_in_reserve(parser: Parser) -> None:
    got = fields(parser, "squat 265 x 7 @ 3 RIR")
    assert (got["weight"], got["reps"], got["rir"], got["rpe"]) == (265, 7, 3, 7.0)


def test_equal_rep_list_is_reps_and_sets(parser: Parser) -> None:
    got = fields(parser, "preacher curl 60 x 9, 9, 9, 9")
    assert (got["weight"], got["reps"], got["sets"]) == (60, 9, 4)
    got = fields(parser, "romanian deadlift 80kg 7,7,7")
    assert (got["weight"], got["weight_unit"], got["reps"], got["sets"]) == (80, "kg", 7, 3)


def test_unequal_rep_list_keeps_the_first_and_notes_the_rest(parser: Parser) -> None:
    got = fields(parser, "preacher curl 60 x 11, 9, 7")
    assert (got["weight"], got["reps"]) == (60, 11)
    assert "sets" not in got
    assert got["notes"] == "11, 9, 7"


def test_range_is_its_top_with_the_range_noted(parser: Parser) -> None:
    got = fields(parser, "leg press 12-15 reps @ 300")
    assert (got["weight"], got["reps"]) == (300, 15)
    assert "12-15" in got["notes"]


def test_distances_and_speeds_are_never_values(parser: Parser) -> None:
    got = fields(parser, "2,000-m row 7:58")
    assert got == {"duration_seconds": 478, "notes": "2,000-m"}
    got = fields(parser, "bike 8 mi 15 mph")
    assert not {"reps", "weight", "rpe", "sets"} & got.keys()
    got = fields(parser, "shuttle runs 60m x 8")
    assert got.get("sets") == 8 and "reps" not in got


def test_typed_seconds_on_a_hold_are_a_duration(parser: Parser) -> None:
    assert fields(parser, "wall sit 75s") == {"duration_seconds": 75}
    got = fields(parser, "dead hang 4x25s")
    assert (got["sets"], got["duration_seconds"]) == (4, 25)
    assert "reps" not in got


def test_typed_plates(parser: Parser) -> None:
    assert fields(parser, "hack squat 2pl x 8") == {"weight": 180, "weight_unit": "lbs", "reps": 8}
    assert fields(parser, "squat 3pl x 5")["weight"] == 315


def test_stamps_and_commands_hold_no_value(parser: Parser) -> None:
    got = fields(parser, "11/28 06:40 bench 205x6")
    assert got == {"weight": 205, "weight_unit": "lbs", "reps": 6}
    got = fields(parser, "2026-11-28 /log squat 3x3 @ 300")
    assert (got["weight"], got["reps"], got["sets"]) == (300, 3, 3)


def test_bw_names_the_bodyweight_variant(parser: Parser) -> None:
    result = parser.parse("squats 4x15 bw")
    assert (result.exercise_name, result.sets, result.reps, result.weight) == (
        "Air Squat",
        4,
        15,
        None,
    )


def test_a_count_before_a_bodyweight_exercise_is_the_reps(parser: Parser) -> None:
    got = fields(parser, "14 burpees")
    assert got.get("reps") == 14 and "sets" not in got


def test_follow_up_change_and_reps(parser: Parser) -> None:
    context = {
        "exercise_id": None,
        "exercise_name": "Barbell Back Squat",
        "weight": 275,
        "weight_unit": "lbs",
        "reps": 5,
    }
    got = fields(parser, "+20 x 3", context)
    assert (got["weight"], got["reps"]) == (295, 3)


def test_signed_loads_in_a_follow_up_are_changes(parser: Parser) -> None:
    context = {"exercise_name": "Barbell Back Squat", "weight": 80, "weight_unit": "kg", "reps": 5}
    assert fields(parser, "/add +5kg", context)["weight"] == 85
    got = fields(parser, "-10 x 10", {**context, "weight": 160, "weight_unit": "lbs"})
    assert (got["weight"], got["reps"]) == (150, 10) and "sets" not in got


def test_a_unit_after_a_chain_is_the_loads(parser: Parser) -> None:
    got = fields(parser, "romanian deadlift 120x8x3 kg")
    assert (got["weight"], got["weight_unit"], got["reps"], got["sets"]) == (120, "kg", 8, 3)
    got = fields(parser, "back squat 5x3x140kg")
    assert (got["weight"], got["weight_unit"]) == (140, "kg")


def test_typed_rest_and_typed_seconds_on_cardio(parser: Parser) -> None:
    got = parser.parse("seated leg curl 3x12 @ 120 r90").model_dump()
    assert (got["weight"], got["reps"], got["rest_seconds"]) == (120, 12, 90)
    got = parser.parse("spin bike 6x30s sprints r90").model_dump()
    assert (got["sets"], got["duration_seconds"], got["rest_seconds"]) == (6, 30, 90)
    # spoken letters stay RIR
    assert parser.parse("hack squat 270 for 8 r i r 1").model_dump()["rest_seconds"] is None


def test_shorthand_labels_are_counted(parser: Parser) -> None:
    assert parser.analyse("front squat 265x4x2").decoded.shorthand >= 2
    assert parser.analyse("front squat two sixty five for four").decoded.shorthand == 0


FLIPPED = ["weight", "sets", "reps"]


def test_the_order_in_the_models_meta_is_used() -> None:
    base = Parser.load()
    flipped = Parser(
        base.tagger,
        base.resolver,
        base.catalog,
        policy=base.policy,
        calibrator=base.calibrator,
        vocab=base.vocab,
        meta={**base.meta, "shorthand": {"loaded": FLIPPED, "unloaded": ["reps", "sets"]}},
    )
    got = fields(flipped, "front squat 265x4x2")
    assert (got["weight"], got["sets"], got["reps"]) == (265, 4, 2)
    got = fields(flipped, "leg curl 12x3")
    assert (got["reps"], got["sets"]) == (12, 3)


def test_order_specs() -> None:
    order = ShorthandOrder.parse(["reps,sets,weight", "reps,sets"])
    assert order.loaded == ("reps", "sets", "weight")
    assert order.unloaded == ("reps", "sets")
    assert ShorthandOrder.from_dict(order.to_dict()) == order
    assert ShorthandOrder.from_dict(None) == ShorthandOrder()
    with pytest.raises(ValueError, match="weight,reps,sets"):
        ShorthandOrder.parse(["weight,reps"])
    with pytest.raises(ValueError, match="permutation"):
        ShorthandOrder.from_dict({"loaded": ["weight", "weight", "sets"]})


def _tiny_file(path: Path) -> Path:
    """Typed sets labelled weight, sets, reps (load first) and reps, sets (no load)."""
    rows = [
        ("deadlift 405x3x5", "Barbell Deadlift", 405, 3, 5),
        ("bench 185x4x10", "Barbell Bench Press", 185, 4, 10),
        ("squat 275x2x6", "Barbell Back Squat", 275, 2, 6),
        ("bench press 200 lbs for 8", "Barbell Bench Press", 200, None, 8),
        ("squat 300 for 5", "Barbell Back Squat", 300, None, 5),
        ("deadlift 365 for 3", "Barbell Deadlift", 365, None, 3),
        ("bench 155 for 12", "Barbell Bench Press", 155, None, 12),
        ("squats 225 for 10", "Barbell Back Squat", 225, None, 10),
    ]
    unloaded = [("pull ups 12x3", "Pull-Up", 3, 12), ("push ups 25x2", "Push-Up", 2, 25)]
    lines = []
    for text, name, weight, sets, reps in rows:
        answer = {"exercise_name": name, "weight": weight, "weight_unit": "lbs", "reps": reps}
        if sets is not None:
            answer["sets"] = sets
        lines.append(chat(text, {**answer, "confidence": 0.95}))
    for text, name, sets, reps in unloaded:
        lines.append(
            chat(text, {"exercise_name": name, "reps": reps, "sets": sets, "confidence": 0.95})
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return path


def test_the_order_is_learned_from_the_training_file(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path / "typed.jsonl")
    examples = read_examples(path, TrainReport(source=str(path)))
    learned = shorthand_order(examples)
    assert learned["loaded"] == ["weight", "sets", "reps"]
    assert learned["unloaded"] == ["reps", "sets"]
    assert learned["source"] == {"loaded": "training", "unloaded": "training"}
    assert learned["votes"] == {"loaded:weight,sets,reps": 3, "unloaded:reps,sets": 2}
    flagged = shorthand_order(examples, ["weight,reps,sets"])
    assert flagged["loaded"] == ["weight", "reps", "sets"]
    assert flagged["source"]["loaded"] == "flag"

    parser, _ = train(path, folds=2)
    assert parser.meta["shorthand"]["loaded"] == ["weight", "sets", "reps"]
    saved = Parser.load(parser.save(tmp_path / "model"))
    assert saved.meta["shorthand"]["loaded"] == ["weight", "sets", "reps"]
    got = fields(saved, "deadlift 315x2x6")
    assert (got["weight"], got["sets"], got["reps"]) == (315, 2, 6)


def test_default_order_without_examples(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl"
    path.write_text(
        json.dumps(
            chat(
                "bench 225 for 8",
                {
                    "exercise_name": "Barbell Bench Press",
                    "weight": 225,
                    "weight_unit": "lbs",
                    "reps": 8,
                },
            )
        )
        + "\n"
    )
    order = shorthand_order(read_examples(path, TrainReport(source=str(path))))
    assert (order["loaded"], order["unloaded"]) == (["weight", "reps", "sets"], ["sets", "reps"])
    assert order["source"] == {"loaded": "default", "unloaded": "default"}


def test_cli_flag_sets_the_order(tmp_path: Path) -> None:
    path = _tiny_file(tmp_path / "typed.jsonl")
    out = tmp_path / "model"
    orders = ["--shorthand", "weight,reps,sets", "--shorthand", "sets,reps"]
    result = CliRunner().invoke(app, ["train", str(path), "-o", str(out), "--folds", "2", *orders])
    assert result.exit_code in (0, 1), result.output
    meta = Parser.load(out).meta["shorthand"]
    assert (meta["loaded"], meta["unloaded"]) == (["weight", "reps", "sets"], ["sets", "reps"])
    assert meta["source"] == {"loaded": "flag", "unloaded": "flag"}
    bad = CliRunner().invoke(
        app, ["train", str(path), "-o", str(tmp_path / "m2"), "--shorthand", "reps,weight"]
    )
    assert bad.exit_code == 2
    assert "shorthand order" in bad.output


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("12/03 07:15 leg press", ["leg", "press"]),
        ("2026-12-03 bench", ["bench"]),
        ("/log squat", ["squat"]),
        ("6:15pm curls", ["curls"]),
        ("1:30 plank", ["1:30", "plank"]),
        ("8-10 reps", ["8", "-", "10", "reps"]),
        ("12-3-30 walk", ["12", "-", "3", "-", "30", "walk"]),
        ("3/4 squat", ["squat"]),
    ],
)
def test_stamps(text: str, kept: list[str]) -> None:
    assert [t.norm for t in skip_stamps(tokenize(text))] == kept


def test_a_unit_glued_to_the_x_is_its_own_word() -> None:
    assert [t.norm for t in spoken_numbers("120kgx4x2")] == ["120", "kg", "x", "4", "x", "2"]
    assert [t.norm for t in spoken_numbers("3plx6")] == ["3", "pl", "x", "6"]
    assert [t.norm for t in spoken_numbers("boxx5")] == ["boxx", "5"]


def test_glued_units_read_as_a_chain(parser: Parser) -> None:
    got = fields(parser, "squat 120kgx4x2")
    assert (got["weight"], got["weight_unit"], got["reps"], got["sets"]) == (120, "kg", 4, 2)


def test_typed_thousands_are_one_number() -> None:
    assert [(t.norm, t.value) for t in spoken_numbers("12,500 steps")] == [
        ("12500", 12500.0),
        ("steps", None),
    ]
    assert [t.value for t in spoken_numbers("10,10,10") if t.value] == [10.0, 10.0, 10.0]
    assert [t.value for t in spoken_numbers("135,135") if t.value] == [135.0, 135.0]
