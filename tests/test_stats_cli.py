"""`repvoice data stats` through CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import chat
from repvoice.cli import app
from repvoice.data.stats import compute_stats

FIXTURE = Path(__file__).parent / "fixtures" / "stats" / "twelve.jsonl"
runner = CliRunner()


def test_json_is_the_documented_dict_and_bad_lines_exit_1() -> None:
    result = runner.invoke(app, ["data", "stats", str(FIXTURE), "--json"])
    assert result.exit_code == 1  # three lines are not chat records
    out = json.loads(result.stdout)
    assert out == json.loads(json.dumps(compute_stats(FIXTURE).to_dict()))
    assert out["schema"] == 1
    assert (out["records"], out["unreadable"]) == (12, 3)


def test_tables_for_people() -> None:
    result = runner.invoke(app, ["data", "stats", str(FIXTURE)], env={"COLUMNS": "160"})
    assert result.exit_code == 1
    text = result.stdout
    assert "12 records · 3 unreadable lines" in text
    for expected in ("42.5", "108.5", "Barbell Bench Press", "numbers_as_words", "33.3%"):
        assert expected in text
    assert "Context suffix: 1 of 12 records (8.3%)" in text
    assert "not_json" in text and "│    4 │" in text


def test_clean_file_exits_0(write_jsonl) -> None:
    path = write_jsonl([chat("bench 225 for 8", {"exercise_name": "Bench", "confidence": 0.9})])
    result = runner.invoke(app, ["data", "stats", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["records"] == 1


def test_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["data", "stats", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["data", "stats", "--help"])
    assert result.exit_code == 0
    assert "Example: repvoice data stats train.jsonl" in result.stdout


def test_real_process() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from repvoice.cli import main; main()",
            "data",
            "stats",
            str(FIXTURE),
            "--json",
            "--model",
            "gpt-4.1-mini",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["tokens_total"]["sum"] == 972
    assert out["model"] == "gpt-4.1-mini"
