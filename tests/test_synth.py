"""The synthetic-data generator: spoken forms, labelling rules, determinism, the CLI."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from repvoice.catalog import Catalog
from repvoice.cli import app
from repvoice.data.dedupe import near_key
from repvoice.data.formats.openai import check_openai
from repvoice.data.synth import Effort, Load, Sample, generate, gold
from repvoice.data.synth.diversity import count_numbers
from repvoice.data.synth.prompts import SHORT_PROMPT, TRAINING_PROMPT, system_message
from repvoice.data.synth.spoken import colloquial, say_weight, words
from repvoice.data.synth.templates import PLATE_PHRASES
from repvoice.schema import Context, parse_workout_json

CATALOG = Catalog.load()
BENCH = CATALOG.by_name("Barbell Bench Press")
PULLUP = CATALOG.by_name("Pull-Up")


def expected_label(s: Sample) -> dict:
    """The labelling rules, written out again from the sample's meaning."""
    ctx = s.context if s.followup not in (None, "new_exercise") else None
    ex = s.exercise or (CATALOG.by_id(ctx["current_exercise_id"]) if ctx else None)
    weight = None
    if s.load is not None:
        kind = s.load.kind
        if kind == "plates":
            weight = 45 + 2 * sum(s.load.plates)
        elif kind == "bar":
            weight = 45
        elif kind in ("plain", "pair", "added"):
            weight = s.load.values[-1]
        elif ctx and ctx.get("last_weight") is not None:
            weight = ctx["last_weight"] + (s.load.values[0] if kind == "delta" else 0)
    unit = None
    if weight is not None:
        from_ctx = s.load.kind in ("same", "delta")
        unit = (ctx.get("last_weight_unit") or "lbs") if from_ctx else (s.unit or "lbs")
    reps = s.reps[-1] if s.reps else None
    if (
        reps is None
        and ctx
        and s.followup in {"same_again", "same_but", "delta", "drop_to", "same_weight_exercise"}
    ):
        reps = ctx["last_reps"]
    rpe = rir = None
    if s.effort:
        if s.effort.kind == "failure":
            rpe, rir = 10, 0
        elif s.effort.kind == "rir":
            rir = s.effort.values[-1]
            rpe = 10 - rir
        else:
            rpe = s.effort.values[-1]
            rir = 10 - rpe if rpe % 1 == 0 else None
    notes = ", ".join(x for x in (s.detail, s.side, s.drop, s.remark) if x) or None
    out = {
        "exercise_id": ex.id if ex else None,
        "exercise_name": ex.name if ex else None,
        "weight": weight,
        "weight_unit": unit,
        "reps": reps,
        "sets": s.sets,
        "duration_seconds": s.duration,
        "rpe": rpe,
        "rir": rir,
        "tempo": s.tempo,
        "rest_seconds": s.rest,
        "notes": notes,
    }
    return {k: v for k, v in out.items() if v is not None}


def without_confidence(label: dict) -> dict:
    return {k: v for k, v in label.items() if k != "confidence"}


# -- spoken numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [(225, "two hundred twenty five"), (45, "forty five"), (1000, "one thousand"), (7, "seven")],
)
def test_words(n: int, text: str) -> None:
    assert words(n) == text


def test_colloquial_loads_are_gym_speech() -> None:
    rng = random.Random(3)
    seen = {colloquial(225, rng) for _ in range(200)}
    assert "two twenty five" in seen
    assert "two hundred and twenty five" in seen
    assert {colloquial(405, rng) for _ in range(50)} >= {"four oh five"}
    assert "a buck thirty five" in {colloquial(135, rng) for _ in range(400)}


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.integers(0, 10_000))
def test_digit_style_prints_the_value(n: int, seed: int) -> None:
    assert say_weight(float(n), "digits", random.Random(seed)) == str(n)


def test_count_numbers_counts_runs() -> None:
    assert count_numbers("bench two hundred and twenty five for 8 at rpe eight and a half") == (
        1,
        2,
    )
    assert count_numbers("squat 225 x 5") == (2, 0)


# -- prompts --------------------------------------------------------------------------------


def test_training_prompt_is_the_original() -> None:
    assert TRAINING_PROMPT.startswith("You are a voice command parser for workout logging.\n")
    assert '    "exercise_id": <int>,\n' in TRAINING_PROMPT
    assert TRAINING_PROMPT.endswith('    "confidence": <float 0.0-1.0>\n}')
    ctx = {"current_exercise_id": BENCH.id, "last_weight": 225, "last_reps": 8}
    text = system_message(SHORT_PROMPT, ctx)
    assert text == SHORT_PROMPT + "\n\nContext: " + json.dumps(ctx)
    assert Context.model_validate(json.loads(text.split("Context: ", 1)[1])).weight == 225


# -- labelling rules on hand-made samples ---------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "weight"),
    [
        ("two plates", 225),
        ("a plate and a quarter", 185),
        ("plate", 135),
        ("three plates", 315),
        ("two plates and a 25", 275),
        ("a plate and a dime", 155),
        ("four plates", 405),
    ],
)
def test_plate_phrases(phrase: str, weight: int) -> None:
    plates = next(k for k, v in PLATE_PHRASES.items() if phrase in v)
    label = gold(
        Sample("set", BENCH, "bench", load=Load("plates", plates=plates), reps=(5,)), CATALOG
    )
    assert label["weight"] == weight
    assert label["weight_unit"] == "lbs"


def test_effort_rules() -> None:
    base = {"kind": "set", "exercise": BENCH, "load": Load("plain", (225.0,)), "reps": (8,)}
    whole = gold(Sample(**base, effort=Effort("rpe", (8.0,))), CATALOG)
    assert (whole["rpe"], whole["rir"]) == (8, 2)
    half = gold(Sample(**base, effort=Effort("rpe", (8.5,))), CATALOG)
    assert half["rpe"] == 8.5 and "rir" not in half
    rir = gold(Sample(**base, effort=Effort("rir", (2.0,))), CATALOG)
    assert (rir["rpe"], rir["rir"]) == (8, 2)
    fail = gold(Sample(**base, effort=Effort("failure")), CATALOG)
    assert (fail["rpe"], fail["rir"]) == (10, 0)
    corrected = gold(Sample(**base, effort=Effort("rpe", (8.0, 9.0))), CATALOG)
    assert corrected["rpe"] == 9


def test_corrections_keep_the_last_value_and_cost_confidence() -> None:
    clean = gold(Sample("set", BENCH, load=Load("plain", (225.0,)), reps=(8,)), CATALOG)
    fixed = gold(Sample("set", BENCH, load=Load("plain", (225.0, 235.0)), reps=(8, 7)), CATALOG)
    assert (fixed["weight"], fixed["reps"]) == (235, 7)
    assert fixed["confidence"] < clean["confidence"]


def test_bodyweight_and_weighted_bodyweight() -> None:
    plain = gold(Sample("set", PULLUP, reps=(10,)), CATALOG)
    assert "weight" not in plain and "weight_unit" not in plain
    loaded = gold(Sample("set", PULLUP, load=Load("added", (25.0,)), reps=(6,)), CATALOG)
    assert (loaded["weight"], loaded["weight_unit"]) == (25, "lbs")


def test_followups_take_what_the_words_leave_out_from_context() -> None:
    ctx = {
        "current_exercise_id": BENCH.id,
        "last_weight": 100,
        "last_reps": 5,
        "last_weight_unit": "kg",
    }
    add = gold(
        Sample("followup", load=Load("delta", (5.0,)), context=ctx, followup="delta"), CATALOG
    )
    assert add["exercise_name"] == "Barbell Bench Press"
    assert (add["weight"], add["weight_unit"], add["reps"]) == (105, "kg", 5)
    same = gold(
        Sample("followup", load=Load("same"), reps=(7,), context=ctx, followup="same_weight"),
        CATALOG,
    )
    assert (same["weight"], same["reps"]) == (100, 7)
    new = gold(Sample("set", PULLUP, reps=(9,), context=ctx, followup="new_exercise"), CATALOG)
    assert new["exercise_name"] == "Pull-Up" and "weight" not in new


def test_unilateral_reps_and_drop_sets_keep_their_words_in_the_notes() -> None:
    lunge = CATALOG.by_name("Dumbbell Walking Lunge")
    side = gold(Sample("set", lunge, load=Load("pair", (40.0,)), reps=(10,), side="each leg"),
                CATALOG)  # fmt: skip
    assert (side["weight"], side["reps"], side["notes"]) == (40, 10, "each leg")
    drop = gold(
        Sample("set", BENCH, load=Load("plain", (150.0,)), reps=(12,),
               drop="drop set to 100 for 10", remark="felt heavy"),
        CATALOG,
    )  # fmt: skip
    assert (drop["weight"], drop["reps"]) == (150, 12)
    assert drop["notes"] == "drop set to 100 for 10, felt heavy"


def test_no_exercise_is_low_confidence() -> None:
    label = gold(
        Sample("no_exercise", load=Load("plain", (225.0,)), reps=(8,), clarity=0.97), CATALOG
    )
    assert "exercise_name" not in label and label["confidence"] <= 0.6


# -- generated streams ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> list:
    return list(generate(1500, 7))


def test_every_label_follows_the_rules(examples: list) -> None:
    for ex in examples:
        label = json.loads(ex.record["messages"][2]["content"])
        assert without_confidence(label) == expected_label(ex.sample), ex.sample.text
        parse_workout_json(ex.record["messages"][2]["content"])
        assert check_openai(ex.record) == []


def test_confidence_bands(examples: list) -> None:
    for ex in examples:
        conf = json.loads(ex.record["messages"][2]["content"])["confidence"]
        s = ex.sample
        if s.kind == "no_exercise":
            assert conf <= 0.6
        elif not (s.noise or s.ambiguous or s.corrected or s.uses_context):
            assert 0.9 <= conf <= 0.97


def test_new_phrasings_appear_and_keep_their_meaning(examples: list) -> None:
    """Count words, unilateral reps, kettlebell pairs, indices, drop sets, "N more" follow-ups
    each appear now and then, and mean what the labels say."""
    texts = [ex.sample.text.lower() for ex in examples]

    def share(pred) -> float:
        return sum(1 for text in texts if pred(text)) / len(texts)

    cues = (
        ("triple", "single", "double", "set of"),
        ("each ", "per "),
        ("kettlebells", "double "),
        ("last set", "first set", "round ", "set number"),
        ("drop set",),
        ("zone ", "level "),
    )
    for cue in cues:
        assert 0.0005 < share(lambda text, c=cue: any(x in text for x in c)) < 0.06, cue
    for ex in examples:
        s = ex.sample
        label = json.loads(ex.record["messages"][2]["content"])
        if s.side:
            assert s.side in s.text.lower() and label["reps"] == s.reps[-1]
        if s.drop:
            assert label["reps"] == s.reps[-1] and s.drop.split()[0] in s.text.lower()
        if s.followup == "more_reps":
            assert label["reps"] == s.reps[0]
            assert "more" in s.text.lower() or "another" in s.text.lower()
        if s.followup == "delta" and " more" in s.text.lower() and s.effort is None:
            # "10 more" alone is reps: a weight change by "more" always says its unit
            assert any(u in s.text.lower() for u in ("pound", "lb", "kilo", "kg"))


def test_remarks_are_kept_as_said(examples: list) -> None:
    with_remarks = [ex for ex in examples if ex.sample.remark]
    assert len(with_remarks) > 50
    for ex in with_remarks:
        assert ex.sample.remark in ex.sample.text.lower()


def test_aliases_resolve_to_the_labelled_exercise(examples: list) -> None:
    for ex in examples:
        if ex.sample.alias:
            assert CATALOG.by_alias(ex.sample.alias) is ex.sample.exercise


def test_same_seed_same_records_other_seed_other_records() -> None:
    a = [e.record for e in generate(200, 11)]
    b = [e.record for e in generate(200, 11)]
    c = [e.record for e in generate(200, 12)]
    assert a == b
    assert a != c


def test_excluded_texts_are_never_produced() -> None:
    train = {near_key(e.sample.text) for e in generate(400, 3)}
    test = [e.sample.text for e in generate(200, 3, stream="test", exclude=train, cover=False)]
    assert not {near_key(t) for t in test} & train


# -- the command ------------------------------------------------------------------------------


def test_cli_writes_train_test_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "train.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "data",
            "synth",
            "-n",
            "400",
            "--seed",
            "5",
            "-o",
            str(out),
            "--test-n",
            "50",
            "--manifest",
            str(tmp_path / "m.json"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["files"]["train"]["records"] == 400
    test_file = tmp_path / "train.test.jsonl"
    assert len(test_file.read_text().splitlines()) == 50
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert manifest["seed"] == 5 and manifest["files"]["test"]["path"] == "train.test.jsonl"


def test_cli_table_and_bad_catalogue(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app, ["data", "synth", "-n", "50", "--test-n", "0", "-o", str(tmp_path / "a.jsonl")]
    )
    assert ok.exit_code == 0 and "distinct user texts" in ok.stdout
    bad = runner.invoke(
        app,
        [
            "data",
            "synth",
            "-n",
            "5",
            "-o",
            str(tmp_path / "b.jsonl"),
            "--catalog",
            str(tmp_path / "missing.json"),
        ],
    )
    assert bad.exit_code == 2
    assert "missing.json" in bad.output


def test_cli_as_a_real_process(tmp_path: Path) -> None:
    exe = shutil.which("repvoice")
    cmd = [exe] if exe else [sys.executable, "-c", "from repvoice.cli import main; main()"]
    out = tmp_path / "t.jsonl"
    args = ["data", "synth", "-n", "100", "--seed", "1", "-o", str(out), "--test-n", "20"]
    first = subprocess.run([*cmd, *args], capture_output=True, text=True, check=True)
    assert "records" in first.stdout
    data = out.read_bytes()
    subprocess.run([*cmd, *args], capture_output=True, text=True, check=True)
    assert out.read_bytes() == data
