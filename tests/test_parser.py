"""The local parser: conventions on the bundled model, learning from data, persistence."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from repvoice import Context
from repvoice.data.bundled import TRAIN_SIZE, default_train_path
from repvoice.parser.align import FAIL, NOTE, REPS, RIR, RPE, W_UP, W, align
from repvoice.parser.model import ModelError, Parser, bundled_model_path
from repvoice.parser.numbers import spoken_numbers
from repvoice.parser.train import train

BENCH = "Barbell Bench Press"


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser.load()


@pytest.fixture(scope="module")
def rules_parser() -> Parser:
    """The bundled model without its not-a-set detector: these cases test the rules, and the
    detector's losses of real sets are measured by benchmarks/bench_trust.py."""
    model = Parser.load()
    model.gate = None
    return model


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "bench press two twenty five for eight at rpe eight",
            {
                "exercise_name": BENCH,
                "weight": 225,
                "weight_unit": "lbs",
                "reps": 8,
                "rpe": 8,
                "rir": 2,
            },
        ),
        (
            "squat four oh five for three",
            {"exercise_name": "Barbell Back Squat", "weight": 405, "reps": 3},
        ),
        (
            "deadlift 180 kilos for 5 two in the tank",
            {"weight": 180, "weight_unit": "kg", "reps": 5, "rir": 2, "rpe": 8},
        ),
        ("bench two plates for 5", {"weight": 225, "reps": 5}),
        ("squat a plate and a quarter for 10", {"weight": 185, "reps": 10}),
        ("incline db press the 80s for 10", {"weight": 80, "reps": 10}),
        ("pull ups for 10", {"exercise_name": "Pull-Up", "weight": None, "reps": 10}),
        ("dips plus 45 for 8", {"exercise_name": "Dip", "weight": 45, "reps": 8}),
        ("bench 185 for 8 no wait 7", {"weight": 185, "reps": 7}),
        ("curls 30 for 12 to failure", {"reps": 12, "rpe": 10, "rir": 0}),
        ("squat 225 for 5 rpe eight and a half", {"rpe": 8.5, "rir": None}),
        ("plank for 60 seconds", {"exercise_name": "Plank", "duration_seconds": 60}),
        ("bench 3 sets of 10 at 135", {"sets": 3, "reps": 10, "weight": 135}),
    ],
)
def test_conventions_on_the_bundled_model(parser: Parser, text: str, expected: dict) -> None:
    got = parser.parse(text).model_dump()
    assert {k: got[k] for k in expected} == expected


def test_follow_ups_take_what_the_context_says(parser: Parser) -> None:
    ctx = Context(exercise_name="Barbell Back Squat", weight=315, weight_unit="lbs", reps=5)
    same = parser.parse("same weight for 7", ctx)
    assert (same.exercise_name, same.weight, same.reps) == ("Barbell Back Squat", 315, 7)
    more = parser.parse("add 10 pounds", ctx)
    assert more.weight == 325
    voicefit = parser.parse(
        "same again", {"current_exercise_id": ctx_id(parser), "last_weight": 100, "last_reps": 8}
    )
    assert (voicefit.exercise_name, voicefit.weight, voicefit.reps) == (BENCH, 100, 8)
    # the context's exercise decides how numbers read: on the rower, "another 500" is a
    # distance, not 500 lbs more
    row = parser.parse("another 500 in 1:48", Context(exercise_name="Rowing Machine"))
    assert (row.exercise_name, row.weight, row.duration_seconds) == ("Rowing Machine", None, 108)
    # "same bell" keeps the load; kit alone names no exercise, so the context's stays
    bells = Context(exercise_name="Kettlebell Swing", weight=24, weight_unit="kg", reps=20)
    same = parser.parse("another 20 same bell", bells)
    assert (same.exercise_name, same.weight, same.reps) == ("Kettlebell Swing", 24, 20)
    more = parser.parse("same dumbbells 10 more", bells)
    assert (more.exercise_name, more.weight, more.reps) == ("Kettlebell Swing", 24, 10)
    # change words in a follow-up; "one more" is another set, not one rep
    bench = Context(exercise_name=BENCH, weight=225, weight_unit="lbs", reps=8)
    assert parser.parse("took off 20 pounds got 10", bench).weight == 205
    assert parser.parse("one more at 245", bench).model_dump(include={"weight", "reps"}) == {
        "weight": 245,
        "reps": 8,
    }
    squat = Context(exercise_name="Barbell Back Squat", weight=100, weight_unit="kg", reps=5)
    assert parser.parse("plus five kilos three reps", squat).weight == 105
    # a new exercise named: its "plus 50" is its own load, not a change to the last set's
    assert parser.parse("dips plus 50 for 8", squat).weight == 50
    # a bodyweight follow-up's bare number is the reps
    pushups = Context(exercise_name="Push-Up", reps=12)
    knees = parser.parse("another 10 on the knees", pushups)
    assert (knees.weight, knees.reps) == (None, 10)
    # a fuzzy single word does not override the context ("shaking" is no "skiing")
    wall = parser.parse("again 2 minutes this time legs shaking", Context(exercise_name="Wall Sit"))
    assert (wall.exercise_name, wall.duration_seconds) == ("Wall Sit", 120)
    fly = Context(exercise_name="Machine Chest Fly", weight=160, weight_unit="lbs", reps=12)
    burned = parser.parse("another set same weight burned out at 10", fly)
    assert (burned.weight, burned.reps, burned.rpe) == (160, 10, None)
    curl = Context(exercise_name="Lying Leg Curl", weight=20, weight_unit="kg", reps=10)
    assert parser.parse("up to 32.5", curl).weight == 32.5
    # a sled is loaded: "add 50" changes its load
    sled = parser.parse("add 50", Context(exercise_name="Sled Push", weight=180))
    assert sled.weight == 230


def ctx_id(parser: Parser) -> str:
    found = parser.catalog.by_name(BENCH)
    assert found is not None
    return found.id


def test_no_exercise_and_no_context_is_never_confident(parser: Parser) -> None:
    result = parser.parse("225 for 8")
    assert result.exercise_name is None
    assert result.confidence <= 0.4
    assert result.requires_confirmation


def test_ambiguous_alias_lists_alternatives(parser: Parser) -> None:
    result = parser.parse("db press 60 for 10")
    assert result.exercise_name == "Dumbbell Bench Press"
    assert [a.exercise_name for a in result.alternatives] == ["Dumbbell Shoulder Press"]


def test_alignment_labels_the_words_that_said_each_value() -> None:
    tokens = spoken_numbers("bench 225 for 8 no wait 7 at rpe 8 notes felt heavy")
    gold = {"weight": 225, "reps": 7, "rpe": 8, "rir": 2, "notes": "felt heavy"}
    labels = align(tokens, gold).labels
    by_word = dict(zip([t.norm for t in tokens], labels, strict=True))
    assert by_word["225"] == W
    assert labels[tokens.index(next(t for t in tokens if t.norm == "7"))] == REPS
    assert labels[3] != REPS  # the corrected "8" is not the reps
    assert labels[9] == RPE
    assert by_word["felt"] == NOTE and by_word["heavy"] == NOTE
    assert RIR not in labels  # derived from the RPE, not said


def test_alignment_of_failure_changes_and_missing_values() -> None:
    tokens = spoken_numbers("curls 30 for 12 to failure")
    assert align(tokens, {"weight": 30, "reps": 12, "rpe": 10, "rir": 0}).labels[-1] == FAIL
    ctx = Context(weight=100, weight_unit="lbs")
    tokens = spoken_numbers("add 10 pounds")
    assert align(tokens, {"weight": 110}, ctx).labels[1] == W_UP
    missing = align(spoken_numbers("bench for 5"), {"weight": 225, "reps": 5})
    assert not missing.ok and missing.missing == ["weight 225"]


def _records(n: int) -> list[dict]:
    lines = default_train_path().read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:n]]


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _hole_records(meaning: str) -> list[dict]:
    """80 examples where "N in the hole" says `meaning` ("rir" or "sets")."""
    out = []
    for i in range(80):
        n = 1 + i % 4
        said = {"rir": {"rpe": 10 - n, "rir": n}, "sets": {"sets": n}}[meaning]
        gold = {
            "exercise_name": "Leg Press", "weight": 200 + 10 * i, "weight_unit": "lbs",
            "reps": 8 + i % 5, **said, "confidence": 0.9,
        }  # fmt: skip
        text = f"leg press {200 + 10 * i} for {8 + i % 5} {n} in the hole"
        out.append(
            {
                "messages": [
                    {"role": "system", "content": "You are a voice command parser."},
                    {"role": "user", "content": text},
                    {"role": "assistant", "content": json.dumps(gold)},
                ]
            }
        )
    return out


def test_learned_tagger_changes_with_its_data(tmp_path: Path) -> None:
    """Retraining where "in the hole" says the RIR, or the sets, changes what the parser says."""
    base = _records(600)
    as_rir, _ = train(_write(tmp_path / "rir.jsonl", base + _hole_records("rir")), folds=2)
    as_sets, _ = train(_write(tmp_path / "sets.jsonl", base + _hole_records("sets")), folds=2)
    text = "hack squat 300 for 6 3 in the hole"
    rir, sets = as_rir.parse(text), as_sets.parse(text)
    assert (rir.rir, rir.rpe, rir.sets) == (3, 7, None)
    assert (sets.sets, sets.rir, sets.rpe) == (3, None, None)


def test_owner_ids_and_names_are_learned(tmp_path: Path) -> None:
    records = _records(500)
    owner: dict[str, tuple[str, str]] = {}
    for rec in records:
        answer = json.loads(rec["messages"][-1]["content"])
        if answer.get("exercise_id"):
            new = owner.setdefault(
                answer["exercise_id"], (f"db-{len(owner)}", f"My {answer['exercise_name']}")
            )
            answer["exercise_id"], answer["exercise_name"] = new
        rec["messages"][-1]["content"] = json.dumps(answer)
        rec["messages"][0]["content"] = rec["messages"][0]["content"].split("\n\nContext:")[0]
    model, report = train(_write(tmp_path / "owner.jsonl", records), folds=2)
    result = model.parse("bench press 225 for 5")
    bench_id = next(i for i, (_, name) in owner.items() if name == "My Barbell Bench Press")
    assert (result.exercise_id, result.exercise_name) == owner[bench_id]
    saved = Parser.load(model.save(tmp_path / "model"))
    assert saved.parse("bench press 225 for 5").exercise_id == result.exercise_id
    assert report.examples == 500


def test_save_and_load_round_trip(tmp_path: Path, parser: Parser) -> None:
    copy = Parser.load(parser.save(tmp_path / "m"))
    text = "squat 315 for 5 at rpe 9"
    assert copy.parse(text) == parser.parse(text)


def test_bad_model_directories_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a model directory"):
        Parser.load(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=r"no meta\.json"):
        Parser.load(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "meta.json").write_text('{"format": 99}')
    with pytest.raises(ModelError, match="format 99"):
        Parser.load(bad)


def test_bundled_model_was_trained_on_the_bundled_data() -> None:
    meta = json.loads((bundled_model_path() / "meta.json").read_text())
    assert meta["source_sha256"] == hashlib.sha256(default_train_path().read_bytes()).hexdigest()
    report = meta["report"]
    assert report["examples"] == TRAIN_SIZE
    assert report["accuracy_at_or_above_threshold"] >= 0.98  # the calibration target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pair of implements is the weight of one, never a split hundred
        ("goblet squat two 45s for 10", {"weight": 45, "reps": 10}),
        ("lunges 2 30 kg dumbbells 10 each leg", {"weight": 30, "weight_unit": "kg", "reps": 10}),
        # a count word is a count
        ("overhead press 60 kilos for a double", {"weight": 60, "reps": 2}),
        # a bare number on a non-timed bodyweight movement is the reps
        ("chin ups 12", {"weight": None, "reps": 12, "duration_seconds": None}),
        # machine settings, distances and calories are notes, not reps or RPE
        ("elliptical 20 minutes level 9", {"duration_seconds": 1200, "rpe": None, "reps": None}),
        ("assault bike 30 cals", {"reps": None, "rpe": None}),
        # a spoken split after a distance is minutes and seconds
        ("rowing machine 500 meters one forty five", {"duration_seconds": 105, "weight": None}),
        # RPE needs words that say so; spelled-out RPE counts
        ("leg press 300 for 12 are pee e 7", {"reps": 12, "rpe": 7}),
        # an index is not a count
        ("round two kettlebell swings 24 kg 15", {"weight": 24, "reps": 15}),
        # RIR said as distance from failure
        ("squat 315 for 5 one rep shy of failure", {"reps": 5, "rpe": 9, "rir": 1}),
        ("bench 225 for 8, 2 short of failure", {"reps": 8, "rpe": 8, "rir": 2}),
        # a load then its reps with no word between
        ("squat 315 5 at 7", {"weight": 315, "reps": 5, "rpe": 7}),
        # STT's renderings of "two twenty five" and "four oh five"
        ("bench to 25 for 8", {"weight": 225, "reps": 8}),
        ("bench 2:25 for 8", {"weight": 225, "reps": 8, "duration_seconds": None}),
        ("deadlift 4 oh 5 for three", {"weight": 405, "reps": 3}),
        ("deadlift 4 95 for 2", {"weight": 495, "reps": 2}),
        # a number before "each" is the load in each hand when the reps are said elsewhere
        ("shoulder press dumbbells 20 each 10 reps", {"weight": 20, "reps": 10}),
        ("curls 25 each arm 10 reps", {"weight": 25, "reps": 10}),
        # two counts and no load: one of them is the load
        ("russian twists 20 for 30", {"weight": 20, "reps": 30}),
        ("squat 225 reps 8", {"weight": 225, "reps": 8}),
        ("curls 12 at 30", {"weight": 30, "reps": 12}),
        # rest, split durations, corrections of a time, holds counted in seconds
        ("rope pushdowns 60 pounds 15 reps rest 45", {"weight": 60, "rest_seconds": 45}),
        ("bench rest 185 for 5", {"weight": 185, "reps": 5, "rest_seconds": None}),
        ("plank 1 minute 45", {"duration_seconds": 105}),
        ("side plank 30 seconds sorry 35", {"duration_seconds": 35, "reps": None}),
        ("bike 30 minutes actually it was 35", {"duration_seconds": 2100, "reps": None}),
        ("plank 60", {"duration_seconds": 60, "reps": None}),
        ("dips with a 20 kg plate 8 reps", {"weight": 20, "weight_unit": "kg", "reps": 8}),
        # cardio: distances and percentages are notes, a clock time the duration
        ("treadmill 5k in 24:30 at 1 percent", {"duration_seconds": 1470, "rpe": None}),
        # out-of-range readings are dropped, never a crash
        ("row 2000", {"reps": None}),
        # reps in reserve and failure, said every which way
        ("pull ups 9 reps 1 rep from failure", {"reps": 9, "rpe": 9, "rir": 1}),
        ("face pulls 40 pounds 20 reps like 3 reps shy", {"reps": 20, "rir": 3}),
        ("close grip bench 185 for ate rear 2", {"reps": 8, "rir": 2}),
        ("leg curls 110 for 12, could have squeezed out one more", {"reps": 12, "rir": 1}),
        ("hack squat to 30 for 10 reps in reserve 2", {"weight": 230, "reps": 10, "rir": 2}),
        ("ring muscle ups got 2 then failed the third", {"reps": 2, "rpe": 10, "rir": 0}),
        # a number said again to confirm it is not an RPE
        ("bench 205 for that was 8 no 9 reps yeah 9", {"reps": 9, "rpe": None}),
        ("leg extension 110 for 15 sorry 14 14 reps", {"weight": 110, "reps": 14}),
        # counts of sets said without "sets of"; reps counted within a set
        ("snatch 62 kilos three singles", {"sets": 3, "reps": 1}),
        ("wall sit 30 sec x 3", {"sets": 3, "duration_seconds": 30, "reps": None}),
        ("ez bar curl 80 for 8 cheated the last 2", {"reps": 8}),
        ("push ups 40 in a row", {"reps": 40}),
        ("deficit deads 2 wheels and a quarter for for", {"weight": 275, "reps": 4}),
        # a unit after a number makes it the load; a count word is the reps
        ("lateral raises ten pounds, twelve repetitions", {"weight": 10, "reps": 12}),
        ("deadlift 5 plates for a single 1 in the tank", {"weight": 495, "reps": 1, "rir": 1}),
        # a half left over once load and reps are said is the RPE; spoken "r pay"
        ("deadlift 455 for 2 pause below the knee 7 and a half", {"rpe": 7.5, "reps": 2}),
        ("dead lifts 3 15 for 5 r pay 8", {"weight": 315, "reps": 5, "rpe": 8}),
        # plates named on a bar are not the load
        ("squats 245 for 5 no sorry 235 for 5 forgot the tens", {"weight": 235, "reps": 5}),
        # a unit said before its number
        ("bayesian curls pounds 20 each arm for 12", {"weight": 20, "reps": 12}),
        # assistance is no load; a drop after the set is a note; two loads, one with a unit
        ("assisted pull up machine, 70 pounds of assistance, 8 reps", {"weight": None}),
        ("DB lateral raises 25s for 15 then drop to the 15s for 10", {"weight": 25, "reps": 15}),
        ("leg extensions 170 for 15 then dropped to 120 for 12", {"weight": 170, "reps": 15}),
        ("rear delt flys 7 kg 15 one in the tank", {"weight": 7, "reps": 15, "rir": 1}),
        # split hundreds on a machine and with a zero; "this one" is no hundred
        ("bench breast 2 05 for 5", {"weight": 205, "reps": 5}),
        ("leg press 4 50 for 10", {"weight": 450, "reps": 10}),
        ("this one 20 kilos 8 reps", {"weight": 20, "reps": 8}),
        # the exercise logged is the one before a superset; distances are notes
        (
            "skull crushers 80 for 12 superset with diamond push ups",
            {"exercise_name": "EZ-Bar Skull Crusher", "weight": 80, "reps": 12},
        ),
        ("sled push four lengths 180 on the sled", {"weight": 180, "reps": None}),
        ("curtsy lunges holding a 10 lb dumbbell 10 each leg", {"exercise_name": "Curtsy Lunge"}),
        # effort out of ten; reps done out of reps planned
        ("bench 225 for 8 felt like an 8 out of 10", {"reps": 8, "rpe": 8}),
        ("bench 225 for 8, 8/10", {"reps": 8, "rpe": 8}),
        ("bench 225 got 8 out of 10 reps", {"reps": 8, "rpe": None}),
        # a correction of an RPE keeps it an RPE; a set count's "x" blocks a merged hundred
        ("quad extensions 80 for 20 reps at RPE 8 scratch that 9", {"reps": 20, "rpe": 9}),
        ("cable flies 5x8 seventy five", {"sets": 5, "reps": 8, "weight": 75}),
        ("two fifty six times", {"weight": 250, "reps": 6}),
        ("leg extension 150 for 15, 1 second hold at the top", {"rir": None, "rpe": None}),
        # a load before "x" and the reps; "up to" is a new load, not a change
        ("machine laterals 12.5 x20 felt like a 7", {"weight": 12.5, "reps": 20, "rpe": 7}),
        # a tempo said before the word; distances on a box are notes
        (
            "pec deck 160 for 12 three oh one two tempo 60 seconds rest",
            {"weight": 160, "reps": 12, "tempo": "3012", "rest_seconds": 60},
        ),
        ("box jumps five onto the 75 centimetre box", {"reps": 5}),
        # a count said after a verb of doing; where a set stopped or was split
        ("round one thrusters at 95 got all 21", {"weight": 95, "reps": 21}),
        ("wall balls 20 pound ball 30 broke at 12", {"reps": 30}),
        # exercise words and ordinals hold no values; "single leg" is no count; "ones" no 1s
        ("first bench press 135 pounds ten repetitions", {"reps": 10, "rpe": None, "rir": None}),
        ("low to high cable fly 25 pounds 15", {"weight": 25, "reps": 15, "rir": None}),
        ("leg press single leg 80 kilos 10", {"reps": 10, "rpe": None}),
        ("leg extensions 200 for 12 double drop set", {"reps": 12}),
        ("curls with the twelve and a half kilo ones 10 each arm", {"weight": 12.5, "reps": 10}),
        # sets need set words; homophones before RPE and after "did"; a couple in the tank
        ("weighted pull ups 15 kilo 4 RPE 9", {"reps": 4, "sets": None, "rpe": 9}),
        ("bench 225 for 5 ate rpe", {"reps": 5, "rpe": 8}),
        ("bar muscle ups I did for", {"reps": 4}),
        ("bench 65 kg did 8 couple left in the tank", {"reps": 8, "rir": 2}),
        ("hollow hold 30 seconds yeah nah more like 25", {"duration_seconds": 25, "reps": None}),
        ("machine laterals 50 for 20 drop set to failure", {"reps": 20, "rpe": 10}),
        ("face pools forty pounds on the cable fifteen reps", {"exercise_name": "Face Pull"}),
        # counts of timed sets and intervals
        ("wall sit 3 times 1 minute", {"sets": 3, "reps": None, "duration_seconds": 60}),
        ("plank for 1 minute 3 sets", {"sets": 3, "duration_seconds": 60}),
        ("sprints 6 x 100 meters", {"sets": 6, "reps": None}),
        (
            "assault bike 30 seconds on 30 off 10 rounds",
            {"sets": 10, "duration_seconds": 30, "rest_seconds": 30},
        ),
        # feet placed are no distance; a count before a distance counts efforts
        ("leg press 270 for 12 feet high and wide", {"weight": 270, "reps": 12}),
        ("pike push ups 3 sets of 10 feet on the box", {"sets": 3, "reps": 10}),
        ("six 30 metre sprints full rest between", {"reps": 6, "duration_seconds": None}),
        ("walking lunges with the 15s 20 steps total", {"weight": 15, "reps": 20}),
        # a fuzzy extension's added words must sound like what they stand for
        ("right lad squats 140 kilos for 5", {"exercise_name": "Barbell Back Squat"}),
        # a missed attempt is zero reps; the rest of a length is no count; "an incline of 5"
        ("squat 500 missed it out of the hole", {"weight": 500, "reps": 0}),
        ("broad jumps 5 best one about 2 metres 60", {"reps": 5}),
        ("walked on the treadmill twenty minutes on an incline of five", {"reps": None}),
        # an RIR needs words that say so
        ("the shoulder one with dumbbells 20s 10 reps", {"rir": None, "rpe": None, "reps": 10}),
        ("squat 100 kg 5 reps RIR of 2", {"reps": 5, "rir": 2}),
        # one word never names a longer alias by a fuzzy match
        ("walk 20 minutes", {"exercise_name": None}),
        # gym slang for loads
        ("deadlift three wheels for 5", {"weight": 315, "reps": 5}),
        ("squat two and a quarter for 8", {"weight": 225, "reps": 8}),
        ("um a buck 35 for 10", {"weight": 135, "reps": 10}),
        ("dumbbell bench the hundreds for 6", {"weight": 100, "reps": 6}),
        ("leg press 6 plates 10", {"weight": 540, "reps": 10}),
        ("sled push 2 plates 20 yards", {"weight": 180, "reps": None}),
        ("treadmill 3 miles 30 min incline 5", {"duration_seconds": 1800, "reps": None}),
        # plates on a plate-loaded machine have no bar
        ("leg press 4 plates a side for 12", {"weight": 360, "reps": 12}),
        # equipment beside an ambiguous alias picks the alternative
        ("incline dumbbell 60s for 10", {"exercise_name": "Dumbbell Incline Bench Press"}),
        # equipment said beside a movement picks that movement's variant
        ("RDL with DBs 30s 3x10", {"exercise_name": "Dumbbell Romanian Deadlift"}),
        ("squat with the smith machine 135 for 10", {"exercise_name": "Smith Machine Squat"}),
        ("deadlift with the kettlebell 24 kilos 15", {"exercise_name": "Kettlebell Deadlift"}),
        ("skull crushers on the easy bar 35 kilos 10", {"exercise_name": "EZ-Bar Skull Crusher"}),
        # a fuzzy reading keeps the words of the exact alias it grew from
        ("client goblet squat 35 3x10", {"exercise_name": "Goblet Squat"}),
        # a qualifier said near the exercise names its variant; "no weights" is bodyweight
        ("pull ups 15 kipping", {"exercise_name": "Kipping Pull-Up", "reps": 15}),
        ("deadlift 405 deficit for 5", {"exercise_name": "Deficit Deadlift"}),
        ("walking lunges 20 steps no weights", {"exercise_name": "Bodyweight Walking Lunge"}),
        ("squat 315 for 5", {"exercise_name": "Barbell Back Squat"}),
        # lift verbs name the lift
        ("Jaylen pulled four plates for a double", {"exercise_name": "Barbell Deadlift"}),
    ],
)
def test_rules_of_gym_speech(rules_parser: Parser, text: str, expected: dict) -> None:
    got = rules_parser.parse(text).model_dump()
    assert {k: got[k] for k in expected} == expected


def test_same_weight_blocks_a_change_and_drop_sets_are_notes(parser: Parser) -> None:
    ctx = Context(exercise_name="Lat Pulldown", weight=120, weight_unit="lbs", reps=10)
    same = parser.parse("same weight 9 more", ctx)
    assert (same.weight, same.reps) == (120, 9)
    drop = parser.parse("leg extension 150 for 12 then a drop set to 90 for 10")
    assert (drop.weight, drop.reps) == (150, 12)
    assert drop.notes and "drop set" in drop.notes
