"""`repvoice train` on files it must not train on quietly: too many unusable records (refused,
nothing written), and tiny or degenerate data (trained without cross-validation, or one clear
line), which used to crash the process inside CRFsuite (exit 139)."""

from __future__ import annotations

import json
import subprocess
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CLI
from repvoice.cli import app
from repvoice.cli import train as train_cli
from repvoice.data.bundled import default_train_path
from repvoice.parser import train as train_module
from repvoice.parser.model import Parser
from repvoice.parser.tagger import train_crf
from repvoice.parser.train import TooManySkipped, train

runner = CliRunner()


def _records(n: int) -> list[str]:
    with default_train_path().open(encoding="utf-8") as src:
        return list(islice(src, n))


def _bad_answer(line: str) -> str:
    """The record with an exercise id no schema accepts (a float)."""
    record = json.loads(line)
    answer = json.loads(record["messages"][-1]["content"])
    answer["exercise_id"] = 17.5
    record["messages"][-1]["content"] = json.dumps(answer)
    return json.dumps(record) + "\n"


@pytest.fixture(scope="module")
def mostly_bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100 records, 10 of them (10%) with an answer that fails the schema."""
    lines = _records(100)
    for k in range(0, 100, 10):
        lines[k] = _bad_answer(lines[k])
    path = tmp_path_factory.mktemp("skips") / "mostly_bad.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def test_too_many_skipped_is_refused_and_nothing_is_written(
    mostly_bad: Path, tmp_path: Path
) -> None:
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(mostly_bad), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists()
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {mostly_bad}: 10 of 100 records (10.0%) could not be used, more than the 5% "
        "allowed (answer is not a valid workout-set JSON ×10); no model was written (fix the "
        "records, or pass --allow-skipped / --max-skipped to train anyway)"
    ]
    # the reasons, line by line, with what the schema said
    assert "line 1: answer is not a valid workout-set JSON (exercise_id: Value error, must be a " \
        "string" in result.stderr  # fmt: skip
    assert "line 91: answer is not a valid workout-set JSON" in result.stderr
    assert "Traceback" not in result.output


def test_refusal_leaves_an_existing_model_untouched(mostly_bad: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text("".join(_records(60)), encoding="utf-8")
    out = tmp_path / "model"
    assert runner.invoke(app, ["train", str(good), "-o", str(out), "--folds", "2"]).exit_code == 0
    before = _snapshot(out)
    result = runner.invoke(app, ["train", str(mostly_bad), "-o", str(out), "--json"])
    assert result.exit_code == 2
    assert _snapshot(out) == before
    report = json.loads(result.stdout)
    assert report["model_dir"] is None and "no model was written" in report["error"]
    assert (report["records"], report["examples"], report["skipped_share"]) == (100, 90, 0.1)
    assert report["max_skipped"] == 0.05
    assert report["skipped"] == {"answer is not a valid workout-set JSON": 10}
    assert [s["line"] for s in report["skipped_examples"]] == list(range(1, 101, 10))
    assert all("exercise_id" in s["detail"] for s in report["skipped_examples"])
    # nothing was trained, so nothing was measured: no figures rather than zeros
    assert (report["folds"], report["tagger_examples"]) == (0, 0)
    for key in ("held_out_accuracy", "reliability", "accuracy_at_or_above_threshold",
                "coverage_at_or_above_threshold", "follow_up_policy"):  # fmt: skip
        assert report[key] is None


@pytest.mark.parametrize("flags", [["--allow-skipped"], ["--max-skipped", "0.2"]])
def test_told_otherwise_it_trains_and_exits_1(
    mostly_bad: Path, tmp_path: Path, flags: list[str]
) -> None:
    out = tmp_path / "model"
    args = ["train", str(mostly_bad), "-o", str(out), "--folds", "2", "--json", *flags]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert (report["examples"], report["model_dir"]) == (90, str(out))
    assert report["max_skipped"] == (None if flags == ["--allow-skipped"] else 0.2)
    assert Parser.load(out).parse("bench press 225 for 8").weight == 225


def test_limit_is_a_share_and_library_callers_get_it_too(mostly_bad: Path) -> None:
    assert train_cli.MAX_SKIPPED_SHARE == train_module.MAX_SKIPPED_SHARE == 0.05
    with pytest.raises(TooManySkipped) as caught:
        train(mostly_bad, folds=2, max_skipped=0.09)
    assert caught.value.report.skipped_share == 0.1
    _, report = train(mostly_bad, folds=2, max_skipped=0.1)  # exactly at the limit is allowed
    assert report.examples == 90
    bad = runner.invoke(app, ["train", str(mostly_bad), "--max-skipped", "1.5"])
    assert bad.exit_code == 2


# --- tiny and degenerate data --------------------------------------------------------------------


def _variant(line: str, text: str | None = None, **answer: object) -> str:
    record = json.loads(line)
    if text is not None:
        record["messages"][1]["content"] = text
    gold = json.loads(record["messages"][-1]["content"])
    gold.update(answer)
    record["messages"][-1]["content"] = json.dumps(gold)
    return json.dumps(record) + "\n"


BENCH = json.dumps(
    {"messages": [
        {"role": "system", "content": "You are a voice command parser for workout logging."},
        {"role": "user", "content": "bench press 225 for 5"},
        {"role": "assistant", "content": json.dumps({
            "exercise_id": "0379744e-d66b-5830-a327-8f0777c83c1e",
            "exercise_name": "Barbell Bench Press", "weight": 225, "weight_unit": "lbs",
            "reps": 5, "confidence": 0.95})},
    ]}
)  # fmt: skip

TINY = {
    "one example": [BENCH + "\n"],
    "five duplicates": [BENCH + "\n"] * 5,
    # the same words, five answers that disagree about which number is which
    "five contradictory": [
        _variant(BENCH, weight=225, reps=5),
        _variant(BENCH, weight=5, reps=225),
        _variant(BENCH, weight=225, reps=None),
        _variant(BENCH, weight=None, reps=5),
        _variant(BENCH, weight=5, reps=5),
    ],
    # different words, answers whose values none of them say
    "five contradictory, values never said": [
        _variant(BENCH, f"bench press {w} for {r}", weight=w + 1, reps=r + 1)
        for w, r in ((100, 3), (135, 5), (185, 8), (205, 10), (315, 1))
    ],
}


@pytest.mark.parametrize("case", list(TINY))
def test_tiny_data_never_crashes(case: str, tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    data.write_text("".join(TINY[case]), encoding="utf-8")
    out = tmp_path / "model"
    proc = subprocess.run(
        [*CLI, "train", str(data), "-o", str(out), "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode in (0, 2), (proc.returncode, proc.stderr)  # 139 was a segfault
    assert "Traceback" not in proc.stderr
    if case == "five contradictory, values never said":
        assert proc.returncode == 2 and not out.exists()
        assert proc.stderr.strip().splitlines() == [
            f"error: {data}: none of the 5 examples has its answer's values in its text, so "
            "there is nothing to train the slot tagger on"
        ]
        return
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["folds"] == 0
    assert report["cross_validation_skipped"].startswith("too few examples for 3 cross-validation")
    # no held-out figures at all rather than made-up ones
    for key in ("held_out_accuracy", "reliability", "accuracy_at_or_above_threshold",
                "coverage_at_or_above_threshold"):  # fmt: skip
        assert report[key] is None
    parser = Parser.load(out)
    assert parser.calibrator is None
    assert parser.parse("bench press 225 for 5").exercise_name == "Barbell Bench Press"
    people = subprocess.run(
        [*CLI, "train", str(data), "-o", str(tmp_path / "again")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert people.returncode == 0, people.stderr
    assert "no cross-validation: too few examples" in people.stdout
    assert "Held-out accuracy" not in people.stdout


def test_a_fold_with_nothing_to_train_on_skips_cross_validation(tmp_path: Path) -> None:
    """Both folds hold examples out, but one fold's training part has no aligned example."""
    fold_of = train_module._fold_of  # the fold a text falls in, as training computes it
    said = [f"bench press 225 for 5 set {n}" for n in range(40)]
    unsaid = [f"bench press 135 for 3 try {n}" for n in range(40)]
    good = next(t for t in said if fold_of(t, 2) == 0)
    bad = [t for t in unsaid if fold_of(t, 2) == 1][:2]
    lines = [_variant(BENCH, good)] + [_variant(BENCH, t, weight=999, reps=77) for t in bad]
    data = tmp_path / "folds.jsonl"
    data.write_text("".join(lines), encoding="utf-8")
    _, report = train(data, folds=2)
    assert report.cross_validation_skipped == (
        "holding out fold 1 of 2 leaves no example whose answer's values are in its text to "
        "train on"
    )
    assert report.accuracy is None and report.tagger_examples == 1


def test_the_tagger_refuses_what_crfsuite_would_crash_on() -> None:
    with pytest.raises(ValueError, match="no sequences"):
        train_crf([], [])
    with pytest.raises(ValueError, match="0 tokens and 0 labels"):
        train_crf([[["w=a"]], []], [["O"], []])
    with pytest.raises(ValueError, match="2 tokens and 1 labels"):
        train_crf([[["w=a"], ["w=b"]]], [["O"]])
