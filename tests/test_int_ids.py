"""Whole-number exercise ids, as VoiceFit's training prompt declares them (`"exercise_id": <int>`):
accepted by the schema, `data validate`, `train`, `parse` (one text and batch), the `local`
eval backend and the service, and answered in the owner's type.

The data is the bundled training file with every UUID made 1, 2, 3, ... (`int_ids`). Before ids
could be integers, `validate` failed every such record and `train` used 83 of 3,890 examples.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from conftest import CLI
from int_ids import write_int_id_files
from repvoice.backends.base import Request
from repvoice.backends.local import LocalBackend
from repvoice.catalog import Catalog
from repvoice.catalog.catalog import exercise_id_for
from repvoice.cli import app
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.evaluate.metrics import exercise_correct
from repvoice.parser.batch import iter_requests
from repvoice.parser.model import Parser
from repvoice.parser.resolver import ExerciseResolver, TrainingExample
from repvoice.parser.train import TrainReport, train
from repvoice.schema import (
    Alternative,
    Context,
    ParseResult,
    WorkoutSet,
    parse_workout_json,
    strict_json_schema,
    workout_json_schema,
)
from test_serve import INFERENCE_PROMPT, ServeProcess

runner = CliRunner()
TRAIN_N = 300
TEST_N = 80
BENCH = "Barbell Bench Press"
SQUAT = "Barbell Back Squat"


@pytest.fixture(scope="module")
def int_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int]]:
    return write_int_id_files(tmp_path_factory.mktemp("int-ids"), TRAIN_N, TEST_N)


@pytest.fixture(scope="module")
def int_model(
    int_files: tuple[Path, Path, dict[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, TrainReport]:
    parser, report = train(int_files[0], folds=2)
    return parser.save(tmp_path_factory.mktemp("int-model") / "model"), report


def _id(ids: dict[str, int], name: str) -> int:
    return ids[exercise_id_for(name)]


# --- schema -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [17, 0, 2**63 - 1, "17", "db-4", "x" * 64, None])
def test_schema_keeps_string_and_whole_number_ids(value: int | str | None) -> None:
    answer = parse_workout_json(json.dumps({"exercise_id": value, "confidence": 0.9}))
    assert answer.exercise_id == value and type(answer.exercise_id) is type(value)
    assert ParseResult(exercise_id=value, confidence=0.9).exercise_id == value
    assert Context.model_validate({"current_exercise_id": value}).exercise_id == value
    if value is not None:
        assert Alternative(exercise_id=value, exercise_name="X", score=1).exercise_id == value
        assert json.loads(answer.to_compact_json())["exercise_id"] == value


def test_a_whole_number_written_with_a_fraction_is_that_id() -> None:
    # JSON Schema's "integer" and JavaScript both take 17.0 as 17; the answer keeps an int.
    assert parse_workout_json('{"exercise_id": 17.0, "confidence": 0.9}').exercise_id == 17
    assert Context.model_validate({"current_exercise_id": 17.0}).exercise_id == 17


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (True, "a boolean (true)"),
        (False, "a boolean (false)"),
        (17.5, "the number 17.5"),
        (-1, "the number -1"),
        (2**63, f"the number {2**63}"),
        ("x" * 65, "a string of 65 characters"),
        ([17], "a JSON array"),
        ({"id": 17}, "a JSON object"),
    ],
)
def test_schema_refuses_what_is_no_id_in_one_message(value: object, what: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_workout_json(json.dumps({"exercise_id": value, "confidence": 0.9}))
    message = str(caught.value)
    assert message == (
        "exercise_id: Value error, must be a string (at most 64 characters) or a whole number "
        f"from 0 to {2**63 - 1}, not {what}"
    )
    with pytest.raises(ValidationError):
        Context.model_validate({"current_exercise_id": value})


def test_json_schemas_allow_both_types() -> None:
    for schema in (workout_json_schema(), strict_json_schema()):
        spec = schema["properties"]["exercise_id"]
        kinds = {branch["type"]: branch for branch in spec["anyOf"]}
        assert set(kinds) == {"integer", "string", "null"}
        assert (kinds["integer"]["minimum"], kinds["integer"]["maximum"]) == (0, 2**63 - 1)
        assert kinds["string"]["maxLength"] == 64
    assert "exercise_id" in strict_json_schema()["required"]
    alt = ParseResult.model_json_schema()["$defs"]["Alternative"]["properties"]["exercise_id"]
    assert {b["type"] for b in alt["anyOf"]} == {"integer", "string", "null"}
    assert WorkoutSet.model_json_schema()["properties"]["exercise_id"]["examples"][1] == 17


# --- data validate and train ---------------------------------------------------------------------


def test_validate_accepts_an_int_id_file(int_files: tuple[Path, Path, dict[str, int]]) -> None:
    result = runner.invoke(app, ["data", "validate", str(int_files[0])])
    assert result.exit_code == 0, result.output
    assert f"{TRAIN_N} valid" in result.stdout and "no errors" in result.stdout


@pytest.mark.parametrize(
    ("value", "what"),
    [("true", "a boolean (true)"), ("-4", "the number -4"), ("4.5", "the number 4.5")],
)
def test_validate_names_a_bad_id_once(value: str, what: str, tmp_path: Path) -> None:
    answer = '{"exercise_id": ' + value + ', "exercise_name": "Bench", "confidence": 0.9}'
    record = {"messages": [{"role": "user", "content": "bench 225"},
                           {"role": "assistant", "content": answer}]}  # fmt: skip
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "validate", str(path), "--json"])
    assert result.exit_code == 1
    errors = [e for e in json.loads(result.stdout)["errors"] if e["code"] == "workout_schema"]
    assert [(e["line"], e["field"], e["message"]) for e in errors] == [
        (1, "messages[1].content.exercise_id", "Value error, must be a string (at most 64 "
         f"characters) or a whole number from 0 to {2**63 - 1}, not {what}")
    ]  # fmt: skip


def test_train_uses_every_example_and_answers_ints(
    int_model: tuple[Path, TrainReport], int_files: tuple[Path, Path, dict[str, int]]
) -> None:
    model_dir, report = int_model
    ids = int_files[2]
    assert (report.examples, dict(report.skipped)) == (TRAIN_N, {})
    # every owner id took over the catalogue exercise of its name: the ids are the model's
    assert report.exercises_learned == report.exercises_adopted > 0
    parser = Parser.load(model_dir)
    result = parser.parse("bench press 225 for 8")
    assert (result.exercise_id, result.exercise_name) == (_id(ids, BENCH), BENCH)
    assert type(result.exercise_id) is int
    follow_up = parser.parse("same weight for 6", {"current_exercise_id": _id(ids, SQUAT),
                                                   "last_weight": 315, "last_reps": 5})  # fmt: skip
    assert (follow_up.exercise_id, follow_up.weight, follow_up.reps) == (_id(ids, SQUAT), 315, 6)
    # an app sending the id as text means the same exercise, answered in the owner's type
    as_text = parser.parse("same weight for 6", {"current_exercise_id": str(_id(ids, SQUAT)),
                                                 "last_weight": 315})  # fmt: skip
    assert as_text.exercise_id == _id(ids, SQUAT)
    resolver = json.loads((model_dir / "resolver.json").read_text())
    assert resolver["version"] == 2
    assert all(type(e["id"]) is int for e in resolver["exercises"])
    assert all(type(owner) is int for _, owner in resolver["adopted"])


def test_int_model_answers_as_the_uuid_model_does(
    int_model: tuple[Path, TrainReport],
    int_files: tuple[Path, Path, dict[str, int]],
    tmp_path: Path,
) -> None:
    """The id's type changes nothing else: a model trained on the same records with UUIDs
    gives the same fields, ids mapped, on the test split. (Confidence may differ a little: a
    held-out fold cannot tell what an unseen 59 in a context is, while a UUID is in the
    catalogue.) Exercises the owner never used answer with no id, not a catalogue UUID."""
    _, int_test, ids = int_files
    uuid_train = tmp_path / "uuid.jsonl"
    with default_train_path().open(encoding="utf-8") as src:
        uuid_train.write_text("".join(next(src) for _ in range(TRAIN_N)), encoding="utf-8")
    used = {
        json.loads(r["messages"][-1]["content"]).get("exercise_id")
        for r in map(json.loads, uuid_train.read_text().splitlines())
    }
    uuid_parser, uuid_report = train(uuid_train, folds=2)
    int_parser = Parser.load(int_model[0])
    assert uuid_report.accuracy == int_model[1].accuracy
    uuid_requests = list(iter_requests(default_test_path()))[:TEST_N]
    int_requests = list(iter_requests(int_test))
    compared = unused = 0
    for u, i in zip(uuid_requests, int_requests, strict=True):
        assert u.text == i.text
        if u.context is not None and u.context.exercise_id not in used:
            continue  # the int model never saw this id
        expected = uuid_parser.parse(u.text, u.context).model_dump()
        got = int_parser.parse(i.text, i.context).model_dump()
        for answer in (expected, *expected["alternatives"]):
            if answer["exercise_id"] is not None:
                unused += answer["exercise_id"] not in used
                answer["exercise_id"] = (
                    ids[answer["exercise_id"]] if answer["exercise_id"] in used else None
                )
        for answer in (expected, got):
            assert 0 <= answer.pop("confidence") <= 1
            answer.pop("requires_confirmation")
        assert got == expected, u.text
        compared += 1
    assert compared > TEST_N * 0.8 and unused > 0


def test_csv_catalogue_ids_take_the_owners_type(
    int_files: tuple[Path, Path, dict[str, int]], tmp_path: Path
) -> None:
    ids = int_files[2]
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        f"id,name,aliases\n{_id(ids, BENCH)},{BENCH},bench|bench press|flat bench\n",
        encoding="utf-8",
    )
    out = tmp_path / "model"
    args = ["train", str(int_files[0]), "-o", str(out), "--catalog", str(csv), "--folds", "2"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    catalog = json.loads((out / "catalog.json").read_text())
    assert catalog["exercises"][0]["id"] == _id(ids, BENCH)
    assert Parser.load(out).parse("flat bench 185 for 8").exercise_id == _id(ids, BENCH)


def test_resolver_keeps_int_ids_zero_included() -> None:
    catalog = Catalog.load()
    resolver = ExerciseResolver(catalog)
    resolver.learn(
        [
            TrainingExample("zorbulator swings 40 for 10", 0, "Zorbulator Swing"),
            TrainingExample("zorbulator swings 50 for 8", 0, "Zorbulator Swing"),
            TrainingExample("bench press 225 for 5", 4, BENCH),
        ]
    )
    again = ExerciseResolver.from_dict(json.loads(json.dumps(resolver.to_dict())), catalog)
    for r in (resolver, again):
        zorb = r.find_text("zorbulator swings 45 for 9")
        bench = r.find_text("bench press 185 for 3")
        assert zorb is not None and (zorb.id, zorb.name) == (0, "Zorbulator Swing")
        assert bench is not None and bench.id == 4
    assert again.to_dict() == resolver.to_dict()


# --- parse, batch, eval, serve -------------------------------------------------------------------


def test_parse_cli_answers_ints(
    int_model: tuple[Path, TrainReport], int_files: tuple[Path, Path, dict[str, int]]
) -> None:
    model_dir, ids = int_model[0], int_files[2]
    proc = subprocess.run(
        [*CLI, "parse", "--model", str(model_dir), "bench press 225 for 8"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["exercise_id"] == _id(ids, BENCH)
    for sent in (_id(ids, SQUAT), str(_id(ids, SQUAT))):
        ctx = json.dumps({"current_exercise_id": sent, "last_weight": 315, "last_reps": 5})
        result = runner.invoke(app, ["parse", "-m", str(model_dir), "same again for 3", "-c", ctx])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["exercise_id"] == _id(ids, SQUAT)


def test_batch_parse_answers_ints(
    int_model: tuple[Path, TrainReport], int_files: tuple[Path, Path, dict[str, int]],
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "answers.jsonl"
    args = ["parse", "-m", str(int_model[0]), "--input", str(int_files[1]), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(answers) == TEST_N
    with_id = [a["exercise_id"] for a in answers if "exercise_id" in a]
    # the owner's ids cover the exercises their file taught; a catalogue-only one has none
    resolver = json.loads((int_model[0] / "resolver.json").read_text())
    taught = {e["name"] for e in resolver["exercises"]}
    named = [a for a in answers if a.get("exercise_name") in taught]
    assert len(named) > TEST_N * 0.6
    assert all("exercise_id" in a for a in named)
    assert all(type(i) is int for i in with_id)  # never a catalogue UUID
    assert set(with_id) <= set(int_files[2].values())


def test_local_backend_and_eval_judge_int_ids(
    int_model: tuple[Path, TrainReport], int_files: tuple[Path, Path, dict[str, int]]
) -> None:
    backend = LocalBackend("local", int_model[0])
    reply = backend.parse(Request("bench press 225 for 8"))
    assert reply.data is not None and reply.data["exercise_id"] == _id(int_files[2], BENCH)
    args = ["eval", str(int_files[1]), "-b", f"local:{int_model[0]}", "--json", "--no-cache"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert summary["examples"] == TEST_N and summary["schema_valid"] == TEST_N
    assert summary["accuracy"]["exercise"] >= 0.9


@pytest.mark.parametrize(
    ("pred", "gold", "right"),
    [
        ({"exercise_id": 17}, {"exercise_id": "17"}, True),
        ({"exercise_id": "17"}, {"exercise_id": 17}, True),
        ({"exercise_id": 17}, {"exercise_id": 17}, True),
        ({"exercise_id": 18}, {"exercise_id": 17}, False),
        ({"exercise_id": True}, {"exercise_id": 1}, False),
        ({"exercise_id": 17.0}, {"exercise_id": 17}, True),  # one JSON number
        ({"exercise_id": 17.5}, {"exercise_id": 17}, False),
        ({"exercise_id": None}, {"exercise_id": 17}, False),
        ({"exercise_id": 3, "exercise_name": "Squat"}, {"exercise_id": 1, "exercise_name": "squat"},
         True),
    ],
)  # fmt: skip
def test_metrics_judge_ids_as_text(pred: dict, gold: dict, right: bool) -> None:
    assert exercise_correct(pred, gold) is right


def test_serve_answers_ints(
    int_model: tuple[Path, TrainReport], int_files: tuple[Path, Path, dict[str, int]]
) -> None:
    ids = int_files[2]
    squat = _id(ids, SQUAT)
    with ServeProcess("--model", str(int_model[0])) as srv:
        voice = srv.client.post("/api/voice/parse", json={"transcript": "bench press 225 for 8"})
        assert voice.status_code == 200, voice.text
        assert voice.json()["exercise_id"] == _id(ids, BENCH)
        # An owner's own id is a known exercise: a sure answer needs no confirmation.
        assert voice.json()["confidence"] >= 0.85
        assert voice.json()["requires_confirmation"] is False
        ctx = {"current_exercise_id": squat, "last_weight": 315, "last_reps": 5}
        follow = srv.client.post(
            "/api/voice/parse", json={"transcript": "same weight for 6", "workout_context": ctx}
        )
        assert follow.status_code == 200, follow.text
        assert (follow.json()["exercise_id"], follow.json()["weight"]) == (squat, 315)
        as_text = {**ctx, "current_exercise_id": str(squat)}
        again = srv.client.post(
            "/api/voice/parse", json={"transcript": "same weight for 6", "workout_context": as_text}
        )
        assert again.status_code == 200, again.text
        assert again.json()["requires_confirmation"] is follow.json()["requires_confirmation"]
        system = f"{INFERENCE_PROMPT}\n\nContext: {json.dumps(ctx)}"
        chat = srv.client.post(
            "/v1/chat/completions",
            json={
                "model": "repvoice",
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": "same weight for 7"},
                ],
            },
        )
        assert chat.status_code == 200, chat.text
        answer = json.loads(chat.json()["choices"][0]["message"]["content"])
        assert (answer["exercise_id"], answer["reps"]) == (squat, 7)


def test_int_id_fixture_is_the_bundled_data(int_files: tuple[Path, Path, dict[str, int]]) -> None:
    """The fixture changes ids only: mapped back, it is the bundled file's records."""
    back = {v: k for k, v in int_files[2].items()}
    lines = int_files[0].read_text().splitlines()
    with default_train_path().open(encoding="utf-8") as src:
        originals = [json.loads(next(src)) for _ in range(TRAIN_N)]
    restored = []
    for line in lines:
        record = json.loads(line)
        answer = json.loads(record["messages"][-1]["content"])
        if "exercise_id" in answer:
            answer["exercise_id"] = back[answer["exercise_id"]]
        record["messages"][-1]["content"] = json.dumps(answer)
        restored.append(record)
    for got, want in zip(restored, originals, strict=True):
        assert json.loads(got["messages"][-1]["content"]) == json.loads(
            want["messages"][-1]["content"]
        )
        assert got["messages"][1] == want["messages"][1]
