"""`repvoice data merge` through the CLI (CliRunner and one real process)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from repvoice.cli import app

runner = CliRunner()


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("voice", "injury_analysis", "coach", "broken"):
        out[name] = tmp_path / f"{name}.jsonl"
        shutil.copy(FIXTURES / "merge" / f"{name}.jsonl", out[name])
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_merge_json_report(inputs, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = runner.invoke(
        app,
        [
            "data",
            "merge",
            str(inputs["voice"]),
            str(inputs["injury_analysis"]),
            "-o",
            str(out),
            "--tag-task",
            "--task",
            "-",
            "--task",
            "injury",
            "--dedupe",
            "near",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] is True
    assert report["dedupe"] == "near"
    assert report["kept"] == 6
    assert report["tasks"] == {"workout_parsing": 3, "injury": 3}
    assert [d["reason"] for d in report["dropped"]] == ["exact_duplicate", "near_duplicate"]
    assert report["dropped"][0]["repeats"] == f"{inputs['voice']}:1"
    assert len((tmp_path / "all.provenance.jsonl").read_text().splitlines()) == 6


def test_merge_table_report(inputs, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = runner.invoke(
        app,
        [
            "data",
            "merge",
            str(inputs["voice"]),
            str(inputs["coach"]),
            "-o",
            str(out),
            "--tag-task",
            "--dedupe",
            "exact",
        ],
    )
    assert result.exit_code == 0, result.output
    text = _flat(result.stdout)
    assert "Merge by source" in text and "Kept by task" in text
    assert "exact_duplicate" in text and "same record as" in text
    assert "wrote 6 records" in text


def test_merge_invalid_exits_1_and_writes_nothing(inputs, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    result = runner.invoke(
        app, ["data", "merge", str(inputs["voice"]), str(inputs["broken"]), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert f"{inputs['broken']}:2: invalid: not valid JSON" in result.stderr
    assert "nothing written" in _flat(result.stderr)
    assert not out.exists()

    result = runner.invoke(
        app,
        [
            "data",
            "merge",
            str(inputs["voice"]),
            str(inputs["broken"]),
            "-o",
            str(out),
            "--skip-invalid",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(d["line"], d["reason"]) for d in report["dropped"]] == [(2, "invalid"), (4, "invalid")]
    assert len(out.read_text().splitlines()) == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "a"], "--task was given 1 time(s) for 2 input(s)"),
        (["--dedupe", "fuzzy"], "fuzzy"),
    ],
)
def test_merge_bad_options_exit_2(inputs, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        [
            "data",
            "merge",
            str(inputs["voice"]),
            str(inputs["coach"]),
            "-o",
            str(tmp_path / "o.jsonl"),
            *args,
        ],
    )
    assert result.exit_code == 2
    assert message in _flat(result.stderr)


def test_merge_missing_input_exit_2(inputs, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "data",
            "merge",
            str(inputs["voice"]),
            str(tmp_path / "nope.jsonl"),
            "-o",
            str(tmp_path / "o.jsonl"),
        ],
    )
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_merge_real_process(inputs, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from repvoice.cli import main; main()",
            "data",
            "merge",
            str(inputs["voice"]),
            str(inputs["injury_analysis"]),
            str(inputs["coach"]),
            "-o",
            str(out),
            "--tag-task",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["kept"] == 10
    prov = [json.loads(x) for x in (tmp_path / "all.provenance.jsonl").read_text().splitlines()]
    assert [p["task"] for p in prov][-3:] == ["injury_analysis", "coach", "workout_parsing"]
