"""`repvoice data split` through the CLI (CliRunner and one real process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import chat
from repvoice.cli import app

runner = CliRunner()


def _records(n: int = 60) -> list[dict]:
    names = ["Barbell Bench Press", "Barbell Back Squat", "Pull-Up"]
    return [
        chat(f"set {i} of {names[i % 3]}", {"exercise_name": names[i % 3], "confidence": 0.9})
        for i in range(n)
    ]


def test_split_json_report(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl(_records())
    out = tmp_path / "splits"
    result = runner.invoke(
        app,
        [
            "data",
            "split",
            str(src),
            "--test",
            "0.2",
            "--val",
            "0.1",
            "--seed",
            "3",
            "-o",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] is True
    assert report["counts"] == {"train": 42, "test": 12, "val": 6}
    assert report["strata"] == 3
    assert report["strata_represented"] == {"train": 3, "test": 3, "val": 3}
    assert {p.name for p in out.iterdir()} == {
        "train.jsonl",
        "test.jsonl",
        "val.jsonl",
        "split.json",
    }


def test_split_table_report(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl(_records())
    result = runner.invoke(app, ["data", "split", str(src), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "train" in result.stdout and "test" in result.stdout
    assert "3 exercise strata" in result.stdout
    assert "duplicate group(s)" in result.stdout
    assert not (tmp_path / "s" / "val.jsonl").exists()


def test_split_invalid_line_exits_1_naming_file_and_line(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl([*_records(10), "{oops"])
    result = runner.invoke(app, ["data", "split", str(src), "-o", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert f"{src}:11" in result.stderr
    assert "not_json" in result.stderr
    assert not (tmp_path / "s").exists()

    result = runner.invoke(
        app, ["data", "split", str(src), "-o", str(tmp_path / "s"), "--skip-invalid", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [i["line"] for i in report["invalid"]] == [11]
    assert sum(report["counts"].values()) == 10


@pytest.mark.parametrize(
    "args",
    [["--test", "0"], ["--test", "0.6", "--val", "0.5"], ["--test", "2"]],
)
def test_split_bad_fractions_exit_2(write_jsonl, tmp_path: Path, args: list[str]) -> None:
    src = write_jsonl(_records(5))
    result = runner.invoke(app, ["data", "split", str(src), "-o", str(tmp_path / "s"), *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_split_missing_file_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["data", "split", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr and "no such file" in result.stderr


def test_split_warns_about_stale_val(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl(_records())
    out = tmp_path / "s"
    assert (
        runner.invoke(app, ["data", "split", str(src), "-o", str(out), "--val", "0.1"]).exit_code
        == 0
    )
    result = runner.invoke(app, ["data", "split", str(src), "-o", str(out)])
    assert result.exit_code == 0
    assert "val.jsonl is from an earlier split" in result.stderr


def test_split_real_process(write_jsonl, tmp_path: Path) -> None:
    src = write_jsonl(_records())
    out = tmp_path / "s"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from repvoice.cli import main; main()",
            "data",
            "split",
            str(src),
            "--test",
            "0.25",
            "--seed",
            "1",
            "-o",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    manifest = json.loads((out / "split.json").read_text())
    assert manifest["counts"] == report["counts"] == {"train": 45, "test": 15}
    assert len((out / "test.jsonl").read_text().splitlines()) == 15


def test_split_warns_when_a_split_is_empty(write_jsonl, tmp_path: Path) -> None:
    same = chat("bench 225 for 8", {"exercise_name": "Barbell Bench Press", "confidence": 0.9})
    src = write_jsonl([same] * 6)
    result = runner.invoke(app, ["data", "split", str(src), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0
    assert "test is empty" in result.stdout
    assert (tmp_path / "s" / "test.jsonl").read_text() == ""
