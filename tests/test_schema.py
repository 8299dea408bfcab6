import json

import pytest

from repvoice.catalog import Catalog
from repvoice.catalog.catalog import exercise_id_for
from repvoice.schema import Context, WorkoutSet, parse_workout_json, strict_json_schema


def test_compact_json_orders_fields_and_drops_nulls():
    ws = WorkoutSet(
        exercise_name="Barbell Bench Press",
        weight=225,
        weight_unit="lbs",
        reps=8,
        rpe=8,
        rir=2,
        confidence=0.95,
    )
    assert ws.to_compact_json() == (
        '{"exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs", '
        '"reps": 8, "rpe": 8, "rir": 2, "confidence": 0.95}'
    )


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ('{"exercise_name": "Squat"', "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"exercise_name": "Squat", "confidence": 1.5}', "confidence"),
        ('{"exercise_name": "Squat", "rpe": 8.3, "confidence": 0.9}', "whole or half"),
        ('{"exercise_name": "Squat", "weight": 100, "confidence": 0.9}', "weight_unit is required"),
        ('{"exercise_name": "Squat", "colour": "red", "confidence": 0.9}', "colour: unknown field"),
        ('{"exercise_name": "Squat"}', "confidence: Field required"),
    ],
)
def test_parse_workout_json_explains_problems(payload, needle):
    with pytest.raises(ValueError, match=needle):
        parse_workout_json(payload)


def test_strict_schema_requires_every_field():
    schema = strict_json_schema()
    assert set(schema["required"]) == set(WorkoutSet.model_fields)
    assert schema["additionalProperties"] is False


def test_context_accepts_voicefit_names():
    ctx = Context.model_validate({"current_exercise_id": "x", "last_weight": 225, "last_reps": 8})
    assert (ctx.exercise_id, ctx.weight, ctx.reps) == ("x", 225, 8)
    assert Context().is_empty()


def test_bundled_catalogue_ids_follow_the_scheme():
    cat = Catalog.load()
    assert len(cat) >= 300
    for e in cat:
        assert e.id == exercise_id_for(e.name)
    assert cat.by_alias("Bench").name == "Barbell Bench Press"
    assert [e.name for e in cat.alternatives_for("bench")][:2] == [
        "Barbell Bench Press",
        "Dumbbell Bench Press",
    ]
    assert json.loads(json.dumps(cat.to_dict()))["exercises"][0]["name"] == "Barbell Bench Press"
