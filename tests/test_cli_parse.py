"""`repvoice parse` (one transcript, and batch files) through CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CLI
from repvoice.cli import app
from repvoice.data.bundled import default_test_path, default_train_path
from repvoice.data.outputs import TEMP_MARK
from repvoice.parser.model import bundled_model_path
from repvoice.parser.train import train
from repvoice.schema import FIELD_ORDER

runner = CliRunner()
BENCH = "Barbell Bench Press"
PREVIOUS = {"exercise_name": BENCH, "weight": 225, "weight_unit": "lbs", "reps": 8}
ANSWER_KEYS = {"confidence", "requires_confirmation", "alternatives", "error"}


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model trained on the first 400 records of the bundled training file."""
    root = tmp_path_factory.mktemp("parse-model")
    data = root / "train.jsonl"
    with default_train_path().open(encoding="utf-8") as src:
        data.write_text("".join(islice(src, 400)), encoding="utf-8")
    parser, _ = train(data)
    return parser.save(root / "model")


def _parse(model_dir: Path, *args: str) -> tuple[int, dict, str]:
    result = runner.invoke(app, ["parse", *args, "--model", str(model_dir)])
    data = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, data, result.stderr


def _assert_answer_shape(out: dict) -> None:
    schema_keys = [k for k in out if k not in ANSWER_KEYS]
    assert schema_keys == [k for k in FIELD_ORDER if k in schema_keys]  # training data's order
    assert None not in out.values()
    assert isinstance(out["confidence"], float) and 0 <= out["confidence"] <= 1
    assert out["requires_confirmation"] is (out["confidence"] < 0.85)
    if "alternatives" in out:
        assert out["alternatives"]


def test_clear_utterance(model_dir: Path) -> None:
    code, out, _ = _parse(model_dir, "bench press 225 for 8 at rpe 8")
    assert code == 0
    _assert_answer_shape(out)
    assert out["exercise_name"] == BENCH
    assert isinstance(out["exercise_id"], str)
    assert (out["weight"], out["weight_unit"], out["reps"], out["rpe"]) == (225, "lbs", 8, 8)
    assert isinstance(out["weight"], int)  # whole numbers as the training data writes them


def test_context_fills_a_follow_up(model_dir: Path) -> None:
    code, out, _ = _parse(model_dir, "same weight for 6", "--context", json.dumps(PREVIOUS))
    assert code == 0
    _assert_answer_shape(out)
    assert (out["exercise_name"], out["weight"], out["reps"]) == (BENCH, 225, 6)


def test_context_accepts_voicefit_names(model_dir: Path) -> None:
    _, bench, _ = _parse(model_dir, "bench press 225 for 8")
    voicefit = {"current_exercise_id": bench["exercise_id"], "last_weight": 225, "last_reps": 8}
    code, out, _ = _parse(model_dir, "same weight for 6", "-c", json.dumps(voicefit))
    assert code == 0
    assert (out["exercise_id"], out["weight"], out["reps"]) == (bench["exercise_id"], 225, 6)


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("{weight: 225}", "--context: not valid JSON"),
        ("[225]", "--context: must be a JSON object, got an array"),
        ('{"weight": "heavy"}', "--context: weight:"),
        ('{"reps": -3}', "--context: reps:"),
        ('{"weight_unit": "stone"}', "--context: weight_unit:"),
    ],
)
def test_bad_context_exit_2(model_dir: Path, context: str, message: str) -> None:
    code, _, err = _parse(model_dir, "same weight for 6", "--context", context)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "TEXT: empty text"),
        (["a" * 600], "TEXT: text is 600 characters (at most 500)"),
        ([], "give a transcript"),
        (["bench", "--input", "x.txt"], "not both"),
    ],
)
def test_bad_arguments_exit_2(model_dir: Path, args: list[str], message: str) -> None:
    code, _, err = _parse(model_dir, *args)
    assert code == 2
    assert message in err


def test_unusable_model_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", "bench 225", "--model", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a model directory" in result.stderr
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["parse", "bench 225", "--model", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no meta.json" in result.stderr


@pytest.mark.skipif(bundled_model_path().is_dir(), reason="a bundled model is installed")
def test_no_bundled_model_says_how_to_get_one() -> None:
    result = runner.invoke(app, ["parse", "bench 225 for 8"])
    assert result.exit_code == 2
    assert "repvoice train -o DIR" in result.stderr


@pytest.mark.skipif(not bundled_model_path().is_dir(), reason="no bundled model yet")
def test_bundled_model_is_the_default() -> None:
    result = runner.invoke(app, ["parse", "bench press 225 for 8"])
    assert result.exit_code == 0, result.stderr
    _assert_answer_shape(json.loads(result.stdout))


def _batch_file(tmp_path: Path) -> tuple[Path, list[str | None]]:
    """Every input form plus broken lines; returns the file and the error expected per line."""
    chat_system = "Parse the transcript.\n\nContext: " + json.dumps(PREVIOUS)
    chat = {
        "messages": [
            {"role": "system", "content": chat_system},
            {"role": "user", "content": "same weight for 5"},
            {"role": "assistant", "content": "{}"},
        ]
    }
    rows: list[tuple[str, str | None]] = [
        ("bench press 225 for 8 at rpe 8", None),
        (json.dumps({"text": "same weight for 6", "context": PREVIOUS}), None),
        (json.dumps(chat), None),
        ('{"text": "bench 225', "not valid JSON"),
        ("", "empty line"),
        ("b" * 600, "text is 600 characters"),
        ("[1, 2, 3]", "expected a JSON object, got an array"),
        (json.dumps({"text": "squat 315", "context": {"reps": "many"}}), "context: reps:"),
        ("bench press 185 for 10", None),
    ]
    path = tmp_path / "batch.txt"
    path.write_text("\n".join(r for r, _ in rows) + "\n", encoding="utf-8")
    return path, [e for _, e in rows]


def _check_batch_lines(lines: list[str], expected_errors: list[str | None]) -> list[dict]:
    assert len(lines) == len(expected_errors)
    outs = [json.loads(line) for line in lines]
    for out, expected in zip(outs, expected_errors, strict=True):
        assert isinstance(out, dict)
        if expected is None:
            assert "error" not in out
            _assert_answer_shape(out)
        else:
            assert expected in out["error"]
            assert out["confidence"] == 0 and out["requires_confirmation"] is True
            assert set(out) == {"confidence", "requires_confirmation", "error"}
    return outs


def test_batch_all_forms_one_line_each_in_order(model_dir: Path, tmp_path: Path) -> None:
    path, expected = _batch_file(tmp_path)
    out_path = tmp_path / "out.jsonl"
    args = ["parse", "--input", str(path), "--output", str(out_path), "--model", str(model_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1  # some lines could not be parsed
    assert result.stdout == ""
    outs = _check_batch_lines(out_path.read_text(encoding="utf-8").splitlines(), expected)
    assert [outs[i].get("reps") for i in (0, 1, 2, 8)] == [8, 6, 5, 10]
    assert outs[0]["exercise_name"] == BENCH and outs[0]["weight"] == 225
    assert outs[1]["weight"] == 225 and outs[2]["weight"] == 225  # from the context
    assert "9 lines · 4 parsed" in result.stderr and "5 errors" in result.stderr
    assert f"{path}:5: empty line" in result.stderr
    assert not list(tmp_path.glob(f".*{TEMP_MARK}*"))


def test_batch_to_stdout_clean_file_exit_0(model_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "test.jsonl"
    with default_test_path().open(encoding="utf-8") as src:
        path.write_text("".join(islice(src, 40)), encoding="utf-8")
    args = ["parse", "-i", str(path), "-o", "-", "--model", str(model_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    outs = _check_batch_lines(result.stdout.splitlines(), [None] * 40)
    assert sum("exercise_name" in o for o in outs) >= 30
    assert "40 lines · 40 parsed" in result.stderr and "0 errors" in result.stderr


def test_batch_input_problems_exit_2(model_dir: Path, tmp_path: Path) -> None:
    model = ["--model", str(model_dir)]
    missing = runner.invoke(app, ["parse", "-i", str(tmp_path / "nope.txt"), *model])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    same = tmp_path / "same.txt"
    same.write_text("bench 225\n", encoding="utf-8")
    clash = runner.invoke(app, ["parse", "-i", str(same), "-o", str(same), *model])
    assert clash.exit_code == 2 and "overwrite the input" in clash.stderr
    assert same.read_text(encoding="utf-8") == "bench 225\n"


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    assert "Example: repvoice parse" in result.stdout


def test_real_process_single_and_batch(model_dir: Path, tmp_path: Path) -> None:
    single = subprocess.run(
        [*CLI, "parse", "bench press 225 for 8 at rpe 8", "--model", str(model_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert single.returncode == 0, single.stderr
    assert json.loads(single.stdout)["exercise_name"] == BENCH

    path, expected = _batch_file(tmp_path)
    batch = subprocess.run(
        [*CLI, "parse", "--input", str(path), "--output", "-", "--model", str(model_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert batch.returncode == 1, batch.stderr
    _check_batch_lines(batch.stdout.splitlines(), expected)
    assert "Traceback" not in batch.stderr


def test_public_api_is_lazy() -> None:
    code = (
        "import sys, repvoice\n"
        "assert 'repvoice.parser.model' not in sys.modules\n"
        "from repvoice import Parser\n"
        "from repvoice.parser.model import Parser as P\n"
        "assert Parser is P and 'Parser' in repvoice.__all__\n"
        "try:\n"
        "    repvoice.nope\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_python_api_parses(model_dir: Path) -> None:
    from repvoice import Parser

    result = Parser.load(model_dir).parse("same weight for 6", context=PREVIOUS)
    assert (result.exercise_name, result.weight, result.reps) == (BENCH, 225, 6)


def test_batch_output_escapes_line_separators(tmp_path: Path) -> None:
    # A raw U+2028 inside a JSON string is valid JSON, but splits the line for line readers.
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "bench 225 for 8 felt\u2028heavy"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [*CLI, "parse", "--input", str(src), "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "\u2028" not in text and len(text.splitlines()) == 1
    assert json.loads(text)["exercise_name"] == "Barbell Bench Press"
