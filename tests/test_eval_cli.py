"""`repvoice eval` through the CLI: tables, --json, misses, the HTML report, exit codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CLI, chat
from repvoice.cli import app
from repvoice.data.bundled import default_test_path

runner = CliRunner()
BENCH = {"exercise_name": "Barbell Bench Press", "weight_unit": "lbs", "reps": 8, "confidence": 1}


@pytest.fixture
def small_test(tmp_path: Path) -> Path:
    """The first 40 records of the bundled test split."""
    path = tmp_path / "test40.jsonl"
    with default_test_path().open(encoding="utf-8") as fh:
        path.write_text("".join(islice(fh, 40)), encoding="utf-8")
    return path


def remote_resources(html: str) -> list[str]:
    """src/href attributes that point off the page."""
    return re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]+""", html, re.I)


def test_eval_prints_the_table_and_misses(small_test: Path) -> None:
    result = runner.invoke(app, ["eval", str(small_test), "--misses", "2"])
    assert result.exit_code == 0, result.output
    out = result.output
    for row in ("exercise", "weight unit", "notes present", "all core fields", "JSON valid"):
        assert row in out
    assert "40 examples" in out and "free" in out and "latency p95" in out
    assert "confidence vs core accuracy" in out  # the local parser gives a confidence
    assert re.search(r"misses: \d+ examples with a field wrong", out)


def test_eval_json_structure(small_test: Path) -> None:
    result = runner.invoke(
        app, ["eval", str(small_test), "--json", "--limit", "30", "--misses", "1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"file", "skipped", "summary", "misses_total", "misses", "report"}
    s = data["summary"]
    assert s["backend"] == "local" and s["examples"] == 30
    assert set(s["accuracy"]) == {
        "exercise", "weight", "weight_unit", "reps", "sets", "rpe", "rir", "tempo",
        "rest_seconds", "duration_seconds", "notes", "core",
    }  # fmt: skip
    assert s["json_valid"] == s["schema_valid"] == 30 and s["errors"] == 0
    assert s["cost"]["label"] == "free" and s["latency_ms"]["measured"] == 30
    assert s["confidence"]["threshold"] == 0.85
    assert len(data["misses"]) == min(1, data["misses_total"])
    if data["misses"]:
        assert set(data["misses"][0]) >= {"line", "text", "wrong", "expected", "predicted"}


def test_eval_report_is_self_contained_and_escaped(write_jsonl, tmp_path: Path) -> None:
    nasty = '<script>alert("x")</script> bench press 225 for 8'
    path = write_jsonl(
        [
            chat(nasty, {**BENCH, "weight": 999}),  # a sure miss, so the text is listed
            chat("bench press 225 for 8", {**BENCH, "weight": 225}),
        ]
    )
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["eval", str(path), "--report", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["report"] == str(out)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 3
    assert remote_resources(html) == []
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; bench press 225 for 8" in html
    assert "How the figures are defined" in html


def test_unusable_records_are_listed_and_exit_1(write_jsonl) -> None:
    path = write_jsonl([chat("bench press 225 for 8", {**BENCH, "weight": 225}), "{oops"])
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code == 1
    assert "left out 1 unusable records" in result.output and "line 2" in result.output
    data = json.loads(runner.invoke(app, ["eval", str(path), "--json"]).stdout)
    assert data["skipped"][0]["line"] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "missing.jsonl"], "missing.jsonl"),
        (["eval", "--backend", "nonsense"], "unknown backend"),
        (["eval", "--backend", "local:/no/such/model"], "--backend local:/no/such/model"),
    ],
)
def test_unusable_input_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_no_usable_examples_exit_2(write_jsonl) -> None:
    path = write_jsonl([{"messages": []}])
    result = runner.invoke(app, ["eval", str(path)])
    assert result.exit_code == 2
    assert "no usable examples" in result.output and "line 1" in result.output


def test_no_cache_is_accepted_by_a_backend_without_one(small_test: Path) -> None:
    result = runner.invoke(app, ["eval", str(small_test), "--no-cache", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["examples"] == 3


def test_help_shows_an_example() -> None:
    for command in ("eval", "compare"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert f"Example: repvoice {command}" in result.output


def test_real_process(small_test: Path, tmp_path: Path) -> None:
    exe = shutil.which("repvoice")
    cmd = [exe] if exe else CLI
    report = tmp_path / "eval.html"
    proc = subprocess.run(
        [*cmd, "eval", str(small_test), "--json", "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["summary"]["examples"] == 40
    assert data["summary"]["accuracy"]["core"] > 0.8
    assert "<svg" in report.read_text(encoding="utf-8")
    assert "Traceback" not in proc.stderr
