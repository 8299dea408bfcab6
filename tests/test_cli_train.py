"""`repvoice train` through CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import islice, pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repvoice.cli import app
from repvoice.data.bundled import default_train_path
from repvoice.parser.model import Parser

runner = CliRunner()


@pytest.fixture(scope="module")
def small_train(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 150 records of the bundled training file (trains in about a second)."""
    path = tmp_path_factory.mktemp("train") / "small.jsonl"
    with default_train_path().open(encoding="utf-8") as src:
        path.write_text("".join(islice(src, 150)), encoding="utf-8")
    return path


def test_trains_saves_a_loadable_model_and_reports(small_train: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(small_train), "-o", str(out)])
    assert result.exit_code == 0, result.output
    parser = Parser.load(out)
    assert parser.parse("bench press 225 for 8").exercise_name == "Barbell Bench Press"
    text = result.stdout
    assert "trained on 150 examples" in text
    assert "Held-out accuracy" in text and "all core fields" in text
    assert "Reliability" in text and "0.85–0.95" in text
    assert "at confidence ≥ 0.85" in text
    assert "follow-ups that name no new value copy" in text
    # retraining into the same model directory is allowed
    again = runner.invoke(app, ["train", str(small_train), "-o", str(out), "--json"])
    assert again.exit_code == 0, again.output


def test_json_report_and_skipped_records_exit_1(small_train: Path, tmp_path: Path) -> None:
    path = tmp_path / "with_bad.jsonl"
    good = small_train.read_text(encoding="utf-8")
    path.write_text(good + '{"messages": "nope"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(path), "-o", str(out), "--json", "--folds", "2"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["examples"] == 150
    assert report["folds"] == 2
    assert sum(report["skipped"].values()) == 2
    assert [s["line"] for s in report["skipped_examples"]] == [151, 152]
    assert 0 < report["tagger_examples"] <= 150
    assert set(report["held_out_accuracy"]) >= {"exercise", "weight", "reps", "rpe", "core"}
    assert all(0 <= v <= 1 for v in report["held_out_accuracy"].values())
    # reliability reads the answers that name an exercise; the curve and budget are reported
    assert 0 < sum(b["count"] for b in report["reliability"]) <= 150
    assert report["risk_budget"] == 0.005
    curve = report["coverage_risk"]
    assert [p["threshold"] for p in curve] == sorted(p["threshold"] for p in curve)
    assert all(a["coverage"] >= b["coverage"] for a, b in pairwise(curve))
    assert 0 <= report["coverage_at_or_above_threshold"] <= 1
    assert set(report["follow_up_policy"]) == {"copy_weight", "copy_reps", "copy_rpe"}
    assert report["model_dir"] == str(out)
    assert (out / "meta.json").is_file()


def test_skipped_records_are_listed_for_people(small_train: Path, tmp_path: Path) -> None:
    path = tmp_path / "with_bad.jsonl"
    path.write_text(small_train.read_text(encoding="utf-8") + "[]\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(path), "-o", str(tmp_path / "m"), "--folds", "2"])
    assert result.exit_code == 1
    assert "skipped 1 records: not a chat record ×1" in result.stdout
    assert "line 151: not a chat record" in result.stdout


def test_custom_catalog_replaces_the_bundled_one(small_train: Path, tmp_path: Path) -> None:
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "id,name,aliases\nbp-1,Barbell Bench Press,bench|bench press|flat bench\n",
        encoding="utf-8",
    )
    out = tmp_path / "model"
    args = ["train", str(small_train), "-o", str(out), "--catalog", str(csv), "--folds", "2"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    parser = Parser.load(out)
    assert parser.catalog.by_name("Barbell Bench Press") is not None
    assert parser.catalog.by_id("bp-1") is not None
    assert len(parser.catalog) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,aliases\nBench,bench\n", "missing column 'id'"),
        ("{not json", "not a usable catalogue"),
        ('{"exercises": []}', "the catalogue has no exercises"),
    ],
)
def test_bad_catalog_exit_2(small_train: Path, tmp_path: Path, content: str, message: str) -> None:
    catalog = tmp_path / ("c.csv" if content.startswith("name") else "c.json")
    catalog.write_text(content, encoding="utf-8")
    result = runner.invoke(
        app, ["train", str(small_train), "-o", str(tmp_path / "m"), "--catalog", str(catalog)]
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_unusable_input_exit_2(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["train", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path)])
    assert missing.exit_code == 2
    assert "nope.jsonl" in missing.stderr and "Traceback" not in missing.output

    useless = tmp_path / "useless.jsonl"
    useless.write_text('{"a": 1}\n[]\n', encoding="utf-8")
    result = runner.invoke(app, ["train", str(useless), "-o", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "no usable training examples" in result.stderr
    assert not (tmp_path / "m").exists()

    folds = runner.invoke(app, ["train", str(useless), "--folds", "1"])
    assert folds.exit_code == 2


def test_refuses_to_write_into_an_unrelated_directory(small_train: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["train", str(small_train), "-o", str(busy)])
    assert result.exit_code == 2
    assert "holds no repvoice model" in result.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["notes.txt"]

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["train", str(small_train), "-o", str(a_file)])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    assert "Example: repvoice train train.jsonl -o my-model" in result.stdout


def test_real_process(small_train: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from repvoice.cli import main; main()",
            "train",
            str(small_train),
            "-o",
            str(out),
            "--json",
            "--folds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["examples"] == 150
    assert Parser.load(out).meta["report"]["examples"] == 150
