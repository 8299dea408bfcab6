"""`repvoice data cost` through CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import chat
from repvoice.cli import app
from repvoice.data import pricing

FIXTURE = Path(__file__).parent / "fixtures" / "stats" / "twelve.jsonl"
runner = CliRunner()


@pytest.fixture
def clean(write_jsonl) -> Path:
    # 4 identical records of 97 tokens (52 assistant): 4 * 3 = 12 < 100 -> 25 epochs
    bp = {
        "exercise_id": "bp",
        "exercise_name": "Barbell Bench Press",
        "weight": 225,
        "weight_unit": "lbs",
        "reps": 8,
        "rpe": 8,
        "confidence": 0.95,
    }
    return write_jsonl([chat("bench press two twenty five for eight at RPE eight", bp)] * 4)


def test_json_numbers(clean: Path) -> None:
    result = runner.invoke(
        app,
        [
            "data",
            "cost",
            str(clean),
            "--json",
            "--calls-per-month",
            "2000",
            "--tokens-per-call",
            "100,50",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["examples"], out["tokens_per_epoch_uncapped"]) == (4, 388)
    mini = next(t for t in out["targets"] if t["model"] == "gpt-4o-mini-2024-07-18")
    assert (mini["epochs"], mini["billed_tokens"]) == (25, 9700)
    assert mini["training_cost"] == pytest.approx(9700 * 3 / 1e6)
    # 2,000 x (100 x $0.30 + 50 x $1.20) / 1M = $0.18
    assert mini["monthly_inference_cost"] == pytest.approx(0.18)
    assert out["epoch_rules"]["bedrock"]["default"] == 2
    assert out["price_list"]["source"].startswith("LiteLLM")


def test_fixed_epochs(clean: Path) -> None:
    result = runner.invoke(app, ["data", "cost", str(clean), "--json", "--epochs", "3"])
    assert result.exit_code == 0
    assert {t["billed_tokens"] for t in json.loads(result.stdout)["targets"]} == {1164}


def test_tables_for_people(clean: Path) -> None:
    result = runner.invoke(app, ["data", "cost", str(clean)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "gpt-4o-mini-2024-07-18" in text and "9,700" in text and "$0.0291" in text
    assert "no per-token training price published" in text
    assert "no documented default" in text
    assert "LiteLLM" in text


def test_bad_lines_are_reported_and_exit_1() -> None:
    result = runner.invoke(app, ["data", "cost", str(FIXTURE)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "3 lines are not chat records" in result.stdout
    assert "lines 4, 9, 14" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "at least 1"),
        (["--epochs", "lots"], "--epochs must be auto"),
        (["--tokens-per-call", "a,b"], "--tokens-per-call must be"),
    ],
)
def test_bad_options_exit_2(clean: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["data", "cost", str(clean), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_no_records_exit_2(write_jsonl) -> None:
    result = runner.invoke(app, ["data", "cost", str(write_jsonl(["not json"]))])
    assert result.exit_code == 2
    assert "no chat records" in result.stderr


def test_without_litellm_exit_2(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "litellm", None)  # as if the extra were not installed
    pricing.load_price_list.cache_clear()
    try:
        result = runner.invoke(app, ["data", "cost", str(clean)])
    finally:
        pricing.load_price_list.cache_clear()
    assert result.exit_code == 2
    assert "install repvoice[providers]" in result.stderr


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["data", "cost", "--help"])
    assert result.exit_code == 0
    assert "Example: repvoice data cost train.jsonl" in result.stdout


def test_real_process(clean: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from repvoice.cli import main; main()",
            "data",
            "cost",
            str(clean),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["targets"][0]["billed_tokens"] == 9700
